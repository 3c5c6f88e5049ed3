// The room's types, as src-tauri/room and the engine declare them (generated into lib/types by
// tests/bindings.rs), under the names the participant page and the facilitator's room panel
// use. It holds types only; it must never import the app's backend (the participant page is a
// bundle of its own).

import type { ServerMessage } from "./types";

export type {
  Answer,
  ClientMessage,
  CloseReason,
  NetworkChoice,
  Participant,
  ParticipantView,
  PerspectiveName,
  RevealedPlacement,
  RoomErrorCode,
  RoomHeadcount,
  RoomPerson as Person,
  RoomProgress as PerspectiveProgress,
  RoomStatus,
  Round,
  RoundChange,
  ServerMessage,
} from "./types";

/** What a round asks before joining: sent after `hello` without a secret. */
export type Lobby = Omit<Extract<ServerMessage, { type: "lobby" }>, "type">;
