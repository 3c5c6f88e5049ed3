import { describe, expect, it } from "vitest";
import { patchView } from "./index";
import sample from "./sample-workshop.json";
import type { Workshop, WorkshopView } from "../types";

const view: WorkshopView = {
  workshop: sample as Workshop,
  status: {
    dirty: false,
    undo_label: null,
    redo_label: null,
    undo_labels: [],
    redo_labels: [],
    undo_count: 0,
    redo_count: 0,
    revision: 0,
  },
  file_name: "w.parallax",
  read_only: null,
  hidden: true,
  progress: [],
};
const progress = [
  { perspective: "dev", placed: 1, total: 8 },
  { perspective: "ops", placed: 0, total: 8 },
];
const status = {
  dirty: true,
  undo_label: "Place",
  redo_label: null,
  undo_labels: ["Place"],
  redo_labels: [],
  undo_count: 1,
  redo_count: 0,
  revision: 1,
};

describe("patchView", () => {
  it("replaces only the touched change and keeps every other one as it was", () => {
    const changed = { ...view.workshop.changes[2]!, title: "Changed" };
    const next = patchView(view, {
      status,
      file_name: "w.parallax",
      read_only: null,
      change: { index: 2, change: changed },
      workshop: null,
      hidden: true,
      progress,
    });
    expect(next.workshop.changes[2]).toBe(changed);
    expect(next.progress).toEqual(progress);
    expect(next.workshop.changes[1]).toBe(view.workshop.changes[1]);
    expect(next.workshop.perspectives).toBe(view.workshop.perspectives);
    expect(next.status).toEqual(status);
    expect(view.workshop.changes[2]!.title).not.toBe("Changed");
  });

  it("takes a whole workshop when the reply has one", () => {
    const workshop = { ...view.workshop, title: "Other" };
    const next = patchView(view, {
      status,
      file_name: null,
      read_only: null,
      change: null,
      workshop,
      hidden: false,
      progress,
    });
    expect(next.hidden).toBe(false);
    expect(next.workshop).toBe(workshop);
    expect(next.file_name).toBeNull();
  });

  it("keeps the workshop when the reply has neither (nothing was undone)", () => {
    const next = patchView(view, {
      status,
      file_name: "w.parallax",
      read_only: null,
      change: null,
      workshop: null,
      hidden: true,
      progress,
    });
    expect(next.workshop).toBe(view.workshop);
    expect(next.status).toEqual(status);
  });
});
