// The room as the fake backend plays it in a plain browser: open, status, close the round, close
// the room, with people who join and answer only when a test says so through
// `window.__PARALLAX_FAKE_ROOM__` (join, answer). It serves nothing and listens on no port; the
// real room is src-tauri/room, tested by tests/room.rs and the participant page's browser tests.
// Like the real room it never holds a placement: only who joined and how many changes each answered.

import type { Workshop } from "../types";
import type { NetworkChoice, Person, Round, RoomStatus } from "../room";

const CLOSED: RoomStatus = {
  open: false,
  round_open: false,
  progress: { people: [], perspectives: [] },
};

/** A QR-like picture for the fake: a framed square, enough to see where the code goes. */
const FAKE_QR =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" shape-rendering="crispEdges">' +
  '<rect width="29" height="29" fill="#fff"/><path d="M2 2h7v7H2zM20 2h7v7h-7zM2 20h7v7H2z" ' +
  'fill="none" stroke="#000" stroke-width="1.6"/><path d="M12 4h2v2h-2zM15 8h2v3h-2zM11 13h7v2h-7z' +
  'M20 15h3v3h-3zM13 20h3v5h-3zM19 22h6v2h-6z" fill="#000"/></svg>';

export class FakeRoom {
  private status: RoomStatus = CLOSED;
  private people: { name: string; perspective: string; answered: number }[] = [];
  private listeners = new Set<(s: RoomStatus) => void>();

  constructor(private readonly workshop: () => Workshop) {
    (globalThis as { __PARALLAX_FAKE_ROOM__?: unknown }).__PARALLAX_FAKE_ROOM__ = {
      join: (name: string, perspective: string) => {
        this.people.push({ name, perspective, answered: 0 });
        this.changed();
      },
      answer: (name: string, answered: number) => {
        const who = this.people.find((p) => p.name === name);
        if (who) who.answered = answered;
        this.changed();
      },
    };
  }

  interfaces(): NetworkChoice[] {
    return [
      { address: "192.168.1.20", interface: "wlan0", label: "192.168.1.20 (wlan0)", default: true },
      {
        address: "127.0.0.1",
        interface: "this computer only",
        label: "127.0.0.1 (this computer only)",
        default: false,
      },
    ];
  }

  private of(round: Round | null | undefined): number {
    const n = round?.changes.length ?? 0;
    return n > 0 ? n : this.workshop().changes.length;
  }

  private current(withQr: boolean): RoomStatus {
    if (!this.status.open) return CLOSED;
    const of = this.of(this.status.round);
    const people: Person[] = this.people.map((p, k) => ({ ...p, id: `p${k + 1}`, of }));
    const perspectives = this.workshop().perspectives.map((p) => {
      const members = people.filter((x) => x.perspective === p.id);
      const placing = members.filter((x) => x.answered < x.of).map((x) => x.name);
      return {
        perspective: p.id,
        name: p.name,
        people: members.length,
        done: members.length - placing.length,
        placing,
      };
    });
    return {
      ...this.status,
      qr_svg: withQr ? this.status.qr_svg : null,
      progress: { people, perspectives },
    };
  }

  private changed() {
    const s = this.current(false);
    for (const l of this.listeners) l(s);
  }

  open(address: string, port: number | null, round: Round): RoomStatus {
    if (!this.interfaces().some((i) => i.address === address)) {
      throw {
        code: "bad_request",
        message: `"${address}" is not a network address of this computer`,
      };
    }
    if (this.workshop().changes.length === 0) {
      throw { code: "bad_request", message: "the workshop has no changes to place yet" };
    }
    const p = port ?? 49152;
    this.people = [];
    this.status = {
      open: true,
      url: `http://${address}:${p}/?t=0f3a9c1d2e4b5a6978c0d1e2f3a4b5c6`,
      code: "K7QXM4",
      qr_svg: FAKE_QR,
      address,
      port: p,
      round,
      round_open: true,
      progress: { people: [], perspectives: [] },
    };
    this.changed();
    return this.current(true);
  }

  get(): RoomStatus {
    return this.current(true);
  }

  closeRound(): RoomStatus {
    if (!this.status.open) throw { code: "bad_request", message: "the room is not open" };
    this.status = { ...this.status, round_open: false };
    this.changed();
    return this.current(true);
  }

  close(): RoomStatus {
    this.status = CLOSED;
    this.people = [];
    this.changed();
    return CLOSED;
  }

  listen(handler: (s: RoomStatus) => void): () => void {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }
}
