// The participant page's line to the room: one WebSocket to the room's /ws, the hello with the
// round's token (and this browser's secret, to come back as the same person), reconnection with
// backoff, and the participant's answers until the room has taken them. An answer made while the
// line is down waits here (and in localStorage, so a reload keeps it too) and is sent once the
// room knows the participant again: nothing placed is lost. It never reads or keeps anything of
// another participant (the room never sends it), and it never decides where a change goes.

import type {
  Answer,
  ClientMessage,
  CloseReason,
  Lobby,
  ParticipantView,
  RoomErrorCode,
  ServerMessage,
} from "../lib/room";
import { retryDelay } from "./backoff";

export type LinkState =
  | { kind: "connecting" }
  | { kind: "open" }
  | { kind: "reconnecting"; attempt: number; inMs: number }
  | { kind: "ended"; why: string };

export interface LinkEvents {
  state(s: LinkState): void;
  /** The room knows the token but not this browser: show the join form. */
  needJoin(lobby: Lobby | null): void;
  /** The participant's own view, and the answers not yet taken by the room laid over it. */
  view(view: ParticipantView, answers: Record<string, Answer>): void;
  error(code: RoomErrorCode | "network", message: string): void;
  closed(reason: CloseReason): void;
}

/** What this browser keeps per round (per join token). */
interface Kept {
  secret: string | null;
  /** Answers the room has not confirmed yet: change id → answer (null takes it back). */
  waiting: Record<string, Answer | null>;
}

const KEY = (token: string) => `parallax-room:${token}`;
/** Between two queued answers sent after a reconnect: under the room's messages-per-second cap. */
const SEND_SPACING_MS = 70;

function load(token: string): Kept {
  try {
    const raw = localStorage.getItem(KEY(token));
    const kept = raw ? (JSON.parse(raw) as Partial<Kept>) : {};
    return {
      secret: typeof kept.secret === "string" ? kept.secret : null,
      waiting: kept.waiting && typeof kept.waiting === "object" ? kept.waiting : {},
    };
  } catch {
    return { secret: null, waiting: {} };
  }
}

function same(a: Answer | null | undefined, b: Answer | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.kind !== b.kind || a.rationale !== b.rationale) return false;
  return a.kind === "placed" && b.kind === "placed"
    ? a.likelihood === b.likelihood && a.impact === b.impact
    : true;
}

export class RoomLink {
  private socket: WebSocket | null = null;
  private kept: Kept;
  /** Sent on this connection, not yet seen in a view. */
  private inflight = new Map<string, Answer | null>();
  private joined = false;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private flushing: ReturnType<typeof setTimeout> | null = null;
  private ended = false;
  private view: ParticipantView | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly on: LinkEvents,
  ) {
    this.kept = load(token);
    this.connect();
    // A phone coming back from its lock screen or onto the Wi-Fi tries at once.
    const now = () => {
      if (!this.ended && this.socket === null) this.connectNow();
    };
    addEventListener("online", now);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") now();
    });
  }

  private save() {
    try {
      localStorage.setItem(KEY(this.token), JSON.stringify(this.kept));
    } catch {
      // Private browsing without storage: the page still works, a reload asks to join again.
    }
  }

  private connectNow() {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.connect();
  }

  private connect() {
    if (this.ended) return;
    if (this.attempt === 0) this.on.state({ kind: "connecting" });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (e) {
      this.on.error("network", `Cannot reach the room: ${e instanceof Error ? e.message : e}`);
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.send({ type: "hello", token: this.token, secret: this.kept.secret });
      if (!this.kept.secret) {
        this.attempt = 0;
        this.on.state({ kind: "open" });
        this.on.needJoin(null);
      }
    };
    socket.onmessage = (e) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(e.data)) as ServerMessage;
      } catch {
        return;
      }
      this.receive(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.joined = false;
      // What was sent may not have arrived: send it again once back (an answer is idempotent).
      for (const [change, answer] of this.inflight) {
        if (!(change in this.kept.waiting)) this.kept.waiting[change] = answer;
      }
      this.inflight.clear();
      this.save();
      this.scheduleRetry();
    };
  }

  private scheduleRetry() {
    if (this.ended || this.retry) return;
    const inMs = retryDelay(this.attempt, Math.random());
    this.attempt += 1;
    this.on.state({ kind: "reconnecting", attempt: this.attempt, inMs });
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, inMs);
  }

  private end(why: string) {
    this.ended = true;
    if (this.retry) clearTimeout(this.retry);
    this.socket?.close();
    this.socket = null;
    this.on.state({ kind: "ended", why });
  }

  private send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private receive(message: ServerMessage) {
    switch (message.type) {
      case "lobby":
        this.on.needJoin(message);
        break;
      case "welcome":
        this.kept.secret = message.secret;
        this.save();
        this.joined = true;
        this.attempt = 0;
        this.on.state({ kind: "open" });
        this.take(message.view);
        this.flush();
        break;
      case "view":
        this.take(message.view);
        break;
      case "closed":
        this.on.closed(message.reason);
        if (message.reason === "room_closed") this.end("The facilitator closed the room.");
        break;
      case "error":
        this.refused(message.code, message.message);
        break;
    }
  }

  private refused(code: RoomErrorCode, message: string) {
    if (code === "bad_secret") {
      // The room no longer knows this browser (a new round, the app restarted): join again.
      this.kept = { secret: null, waiting: {} };
      this.save();
      this.attempt = 0;
      this.on.error(code, message);
      return;
    }
    if (code === "bad_token") {
      this.kept = { secret: null, waiting: {} };
      this.save();
      this.on.error(code, message);
      this.end(message);
      return;
    }
    if (code === "too_fast") {
      // Ignored by the room: send it again a little later.
      for (const [change, answer] of this.inflight) this.kept.waiting[change] = answer;
      this.inflight.clear();
      this.save();
      this.flushing ??= setTimeout(() => {
        this.flushing = null;
        this.flush();
      }, 1000);
      return;
    }
    // Refused or the round is closed: what was in flight did not happen.
    this.inflight.clear();
    this.on.error(code, message);
    if (this.view) this.on.view(this.view, this.answers());
  }

  private take(view: ParticipantView) {
    this.view = view;
    for (const [change, answer] of this.inflight) {
      if (same(view.answers[change] ?? null, answer)) this.inflight.delete(change);
    }
    this.on.view(view, this.answers());
  }

  /** The room's answers with the ones it has not taken yet laid over them. */
  answers(): Record<string, Answer> {
    const all: Record<string, Answer> = { ...(this.view?.answers ?? {}) };
    for (const layer of [this.inflight, new Map(Object.entries(this.kept.waiting))]) {
      for (const [change, answer] of layer) {
        if (answer) all[change] = answer;
        else delete all[change];
      }
    }
    return all;
  }

  /** True while some answer has not reached the room. */
  pending(): boolean {
    return this.inflight.size > 0 || Object.keys(this.kept.waiting).length > 0;
  }

  join(name: string | null, perspective: string | null) {
    if (!this.send({ type: "join", name, perspective })) {
      this.on.error("network", "Not connected to the room yet: try Join again in a moment.");
    }
  }

  answer(change: string, answer: Answer | null) {
    this.kept.waiting[change] = answer;
    this.save();
    if (this.view) this.on.view(this.view, this.answers());
    this.flush();
  }

  /** Sends what waits, one answer at a time, spaced under the room's rate limit. */
  private flush() {
    if (!this.joined || this.flushing) return;
    const next = Object.entries(this.kept.waiting)[0];
    if (!next) return;
    const [change, answer] = next;
    if (!this.send({ type: "answer", change, answer })) return;
    delete this.kept.waiting[change];
    this.inflight.set(change, answer);
    this.save();
    if (Object.keys(this.kept.waiting).length > 0) {
      this.flushing = setTimeout(() => {
        this.flushing = null;
        this.flush();
      }, SEND_SPACING_MS);
    }
  }
}
