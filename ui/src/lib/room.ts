// The room's types as src-tauri/room declares them (protocol.rs, workshop.rs, interfaces.rs,
// mod.rs), shared by the participant page and the facilitator's room panel. They are written
// out here only until tests/bindings.rs exports the room's types to lib/types (two of their
// names, ErrorCode and Progress, are taken there by other types): then this file re-exports the
// generated ones and nothing else. It holds types only; it must never import the app's backend.

import type { Cell, ChangeType, Matrix, Phase } from "./types";

export type Answer =
  | { kind: "placed"; likelihood: number; impact: number; rationale: string; at_ms?: number }
  | { kind: "not_sure"; rationale: string; at_ms?: number };

export type Participant = {
  id: string;
  name: string | null;
  perspective: string;
  joined_at_ms: number;
};

export type PerspectiveName = { id: string; name: string; color: string };

export type RoundChange = {
  id: string;
  title: string;
  description: string;
  change_type: ChangeType;
  ticket: string;
};

export type RevealedPlacement = { change: string; perspective: string; cell: Cell };

/** Everything one participant may receive, built for them alone by the room. */
export type ParticipantView = {
  you: Participant;
  title: string;
  matrix: Matrix;
  perspectives: Array<PerspectiveName>;
  changes: Array<RoundChange>;
  answers: { [change: string]: Answer };
  phase: Phase;
  revealed: Array<RevealedPlacement>;
};

/** What a round asks before joining: sent after `hello` without a secret, when the room says. */
export type Lobby = {
  title: string;
  names: boolean;
  assign: PerspectiveName | null;
  perspectives: Array<PerspectiveName>;
};

export type ClientMessage =
  | { type: "hello"; token: string; secret?: string | null }
  | { type: "join"; name?: string | null; perspective?: string | null }
  | { type: "answer"; change: string; answer: Answer | null };

export type RoomErrorCode =
  | "bad_token"
  | "bad_secret"
  | "out_of_order"
  | "too_large"
  | "malformed"
  | "too_fast"
  | "room_full"
  | "round_closed"
  | "refused";

export type CloseReason = "round_closed" | "room_closed";

export type ServerMessage =
  | { type: "welcome"; secret: string; view: ParticipantView }
  | { type: "view"; view: ParticipantView }
  | ({ type: "lobby" } & Lobby)
  | { type: "error"; code: RoomErrorCode; message: string }
  | { type: "closed"; reason: CloseReason };

/** Which changes a round asks about and how people join it. */
export type Round = { changes: Array<string>; assign?: string | null; names: boolean };

export type NetworkChoice = { address: string; interface: string; label: string; default: boolean };

export type Person = { name: string; perspective: string; answered: number; of: number };

export type PerspectiveProgress = {
  perspective: string;
  name: string;
  people: number;
  done: number;
  placing: Array<string>;
};

export type RoomProgress = { people: Array<Person>; perspectives: Array<PerspectiveProgress> };

/** The room as the facilitator's window shows it; `qr_svg` only in replies, not in events. */
export type RoomStatus = {
  open: boolean;
  url?: string | null;
  code?: string | null;
  qr_svg?: string | null;
  address?: string | null;
  port?: number | null;
  round?: Round | null;
  round_open: boolean;
  progress: RoomProgress;
};
