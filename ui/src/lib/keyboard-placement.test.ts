import { describe, expect, it } from "vitest";
import { keyPlacement, type KeyInput, type KeyState } from "./keyboard-placement";

const on = (key: string, over: Partial<KeyInput> = {}): KeyInput => ({
  key,
  item: "c1",
  current: null,
  likelihoodLevels: 5,
  impactLevels: 5,
  ...over,
});

/** Feeds keys one after another; returns every result. */
function press(keys: string[], over: Partial<KeyInput> = {}, from: KeyState = null) {
  let state = from;
  return keys.map((key) => {
    const r = keyPlacement(state, on(key, over));
    state = r.state;
    return r;
  });
}

describe("keyPlacement", () => {
  it("Enter picks up an unplaced item in the centre, arrows move it, Enter drops it", () => {
    const [pick, up, left, drop] = press(["Enter", "ArrowUp", "ArrowLeft", "Enter"]);
    expect(pick!.effect).toEqual({ kind: "pick_up", cell: { likelihood: 3, impact: 3 } });
    expect(pick!.state).toEqual({ item: "c1", cell: { likelihood: 3, impact: 3 } });
    expect(up!.effect).toEqual({ kind: "move", cell: { likelihood: 4, impact: 3 } });
    expect(left!.effect).toEqual({ kind: "move", cell: { likelihood: 4, impact: 2 } });
    expect(drop!.effect).toEqual({ kind: "drop", cell: { likelihood: 4, impact: 2 } });
    expect(drop!.state).toBeNull();
    expect([pick, up, left, drop].every((r) => r!.handled)).toBe(true);
  });

  it("a placed item is picked up where it sits; Space works like Enter", () => {
    const [pick, drop] = press([" ", " "], { current: { likelihood: 1, impact: 5 } });
    expect(pick!.effect).toEqual({ kind: "pick_up", cell: { likelihood: 1, impact: 5 } });
    expect(drop!.effect).toEqual({ kind: "drop", cell: { likelihood: 1, impact: 5 } });
  });

  it("the centre of an even matrix rounds up; arrows stop at the edges", () => {
    const results = press(["Enter", "ArrowUp", "ArrowUp", "ArrowUp", "ArrowRight"], {
      likelihoodLevels: 4,
      impactLevels: 3,
    });
    expect(results[0]!.effect).toEqual({ kind: "pick_up", cell: { likelihood: 2, impact: 2 } });
    expect(results.at(-1)!.effect).toEqual({ kind: "move", cell: { likelihood: 4, impact: 3 } });
  });

  it("Escape cancels; Tab lets go without using the key", () => {
    const [, , cancel] = press(["Enter", "ArrowDown", "Escape"]);
    expect(cancel!.effect).toEqual({ kind: "cancel" });
    expect(cancel!.state).toBeNull();
    const [, tab] = press(["Enter", "Tab"]);
    expect(tab!.effect).toEqual({ kind: "let_go" });
    expect(tab!.state).toBeNull();
    expect(tab!.handled).toBe(false);
  });

  it("Delete or Backspace takes back a placed item, and does nothing to an unplaced one", () => {
    const placed = { current: { likelihood: 2, impact: 2 } };
    expect(keyPlacement(null, on("Delete", placed)).effect).toEqual({ kind: "take_back" });
    expect(keyPlacement(null, on("Backspace", placed)).effect).toEqual({ kind: "take_back" });
    const unplaced = keyPlacement(null, on("Delete"));
    expect(unplaced.effect).toEqual({ kind: "none" });
    expect(unplaced.handled).toBe(false);
  });

  it("keys that mean nothing leave the state alone and the event unused", () => {
    expect(keyPlacement(null, on("ArrowUp"))).toEqual({
      state: null,
      effect: { kind: "none" },
      handled: false,
    });
    const carrying = { item: "c1", cell: { likelihood: 3, impact: 3 } };
    expect(keyPlacement(carrying, on("x"))).toEqual({
      state: carrying,
      effect: { kind: "none" },
      handled: false,
    });
  });

  it("Enter on another item while one is carried picks up the other instead", () => {
    const carrying = { item: "c1", cell: { likelihood: 5, impact: 5 } };
    const r = keyPlacement(carrying, on("Enter", { item: "c2" }));
    expect(r.effect).toEqual({ kind: "pick_up", cell: { likelihood: 3, impact: 3 } });
    expect(r.state).toEqual({ item: "c2", cell: { likelihood: 3, impact: 3 } });
  });
});
