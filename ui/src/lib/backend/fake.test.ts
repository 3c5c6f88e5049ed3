// The fake backend answers undo and redo as the shell does (tests/commands.rs checks the real
// one): the one change a step touched, the whole workshop, or neither; several steps at once.

import { describe, expect, it } from "vitest";
import { FakeBackend } from "./fake";
import { patchView } from "./index";
import type { Edit } from "../types";

const place = (change: string, likelihood: number, impact: number): Edit => ({
  kind: "place",
  change,
  perspective: "dev",
  cell: { likelihood, impact },
  rationale: null,
});

describe("FakeBackend undo and redo", () => {
  it("reply with the one change a step touched", async () => {
    const b = new FakeBackend();
    await b.setViewer("dev");
    const placed = await b.applyEdit(place("c3", 4, 2));
    expect(placed.workshop).toBeNull();
    expect(placed.change?.index).toBe(2);
    const undone = await b.undo();
    expect(undone.workshop).toBeNull();
    expect(undone.change?.index).toBe(2);
    expect(undone.change?.change.placements).toEqual({});
    expect(undone.status.redo_labels).toEqual([placed.status.undo_label]);
    const redone = await b.redo();
    expect(redone.change?.change.placements["dev"]?.impact).toBe(2);
    const nothing = await b.redo();
    expect(nothing.change ?? nothing.workshop ?? null).toBeNull();
  });

  it("reply with the whole workshop after a reorder", async () => {
    const b = new FakeBackend();
    await b.applyEdit({ kind: "move_change", change: "c1", to_index: 3 });
    const undone = await b.undo();
    expect(undone.change).toBeNull();
    expect(undone.workshop?.changes[0]?.id).toBe("c1");
  });

  it("undo several steps at once, all or nothing", async () => {
    const b = new FakeBackend();
    let view = await b.setViewer("dev");
    for (const [c, l] of [
      ["c1", 1],
      ["c2", 2],
      ["c3", 3],
    ] as const) {
      view = patchView(view, await b.applyEdit(place(c, l, l)));
    }
    expect(view.status.undo_labels).toHaveLength(3);
    expect(view.status.undo_labels[0]).toMatch(/^Place 'Rotate TLS/);
    await expect(b.undoSteps(4)).rejects.toMatchObject({ code: "bad_request" });
    view = patchView(view, await b.undoSteps(2));
    expect(view.workshop.changes[0]?.placements["dev"]?.likelihood).toBe(1);
    expect(view.workshop.changes[1]?.placements).toEqual({});
    expect(view.workshop.changes[2]?.placements).toEqual({});
    expect(view.status.undo_count).toBe(1);
    expect(view.status.redo_labels[1]).toMatch(/^Place 'Rotate TLS/);
    view = patchView(view, await b.redoSteps(2));
    expect(view.workshop.changes[2]?.placements["dev"]?.impact).toBe(3);
    expect(view).toEqual(await b.getWorkshop());
  });
});

describe("FakeBackend viewer, as the engine's seen_by", () => {
  it("while blind and placing, a view holds only the viewer's placements, and progress for all", async () => {
    const b = new FakeBackend();
    await b.applyEdit(place("c1", 2, 2));
    await b.applyEdit({ ...place("c2", 3, 3), perspective: "ops" } as Edit);
    const dev = await b.setViewer("dev");
    expect(dev.hidden).toBe(true);
    expect(dev.workshop.changes[0]?.placements).toHaveProperty("dev");
    expect(dev.workshop.changes[1]?.placements).toEqual({});
    expect(dev.progress).toEqual([
      { perspective: "dev", placed: 1, total: 8 },
      { perspective: "ops", placed: 1, total: 8 },
    ]);
    // A reply to an edit is filtered the same way.
    const reply = await b.applyEdit({ ...place("c1", 4, 4), perspective: "ops" } as Edit);
    expect(reply.change?.change.placements).toEqual({ dev: expect.anything() });
    expect(reply.progress[1]).toEqual({ perspective: "ops", placed: 2, total: 8 });
    // The facilitator alone sees no placements until Reveal; then everyone sees everything.
    expect((await b.setViewer(null)).workshop.changes[0]?.placements).toEqual({});
    const revealed = await b.applyEdit({ kind: "set_phase", phase: "revealed" });
    expect(revealed.hidden).toBe(false);
    expect(Object.keys(revealed.workshop?.changes[0]?.placements ?? {})).toEqual(["dev", "ops"]);
    await expect(b.setViewer("nobody")).rejects.toMatchObject({ code: "bad_request" });
  });
});
