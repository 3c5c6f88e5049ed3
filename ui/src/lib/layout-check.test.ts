import { describe, expect, it } from "vitest";
import { clipProblem, layoutProblems, overflowProblem, type Measured } from "./layout-check.js";

const box = (left: number, top: number, width: number, height: number) => ({
  left,
  top,
  right: left + width,
  bottom: top + height,
});
const viewport = { width: 1280, height: 720 };

const button = (name: string, path: string, left: number, top: number): Measured => ({
  name,
  path,
  box: box(left, top, 80, 30),
  interactive: true,
});

describe("overflowProblem", () => {
  const text = (over: Partial<Measured>): Measured => ({
    name: "title",
    path: "0",
    box: box(0, 0, 100, 20),
    text: true,
    scrollWidth: 100,
    clientWidth: 100,
    scrollHeight: 20,
    clientHeight: 20,
    ...over,
  });

  it("fails on a deliberate overflow with no ellipsis", () => {
    expect(overflowProblem(text({ scrollWidth: 160 }))).toMatch(/runs 60px out/);
  });

  it("accepts text that fits, and cut text that ends in an ellipsis meant for it", () => {
    expect(overflowProblem(text({}))).toBeNull();
    expect(overflowProblem(text({ scrollWidth: 160, ellipsis: true }))).toBeNull();
  });

  it("fails on lines cut at the bottom of a box that hides them, unless clamped", () => {
    expect(overflowProblem(text({ hidesOverflow: true, scrollHeight: 44 }))).toMatch(/cut/);
    expect(overflowProblem(text({ hidesOverflow: true, scrollHeight: 44, clamped: true }))).toBe(
      null,
    );
  });
});

describe("clipProblem", () => {
  it("fails on an element cut by an ancestor or by the window", () => {
    const m: Measured = { name: "label", path: "0", box: box(-6, 10, 80, 20) };
    expect(clipProblem({ ...m, clip: box(0, 0, 500, 500) }, viewport)).toMatch(/ancestor/);
    expect(clipProblem(m, viewport)).toMatch(/outside the window/);
  });

  it("lets what can be scrolled to lie outside the window", () => {
    const m: Measured = { name: "row", path: "0", box: box(10, 700, 80, 40), scrolls: true };
    expect(clipProblem(m, viewport)).toBeNull();
  });
});

describe("layoutProblems", () => {
  it("fails on a deliberate overlap of two buttons", () => {
    const problems = layoutProblems(
      [button("button Save", "0/1", 100, 10), button("button Export", "0/2", 150, 20)],
      viewport,
    );
    expect(problems).toEqual(["button Save overlaps button Export"]);
  });

  it("accepts buttons side by side, one inside another, or on different layers", () => {
    expect(
      layoutProblems(
        [
          button("a", "0/1", 100, 10),
          button("b", "0/2", 181, 10),
          button("c", "0/2/0", 185, 12),
          { ...button("tip", "0/9", 100, 10), layer: "tooltip" },
        ],
        viewport,
      ),
    ).toEqual([]);
  });

  it("fails on a label lying on a matrix cell, not on a card in its own cell", () => {
    const cell = (l: number, i: number, left: number): Measured => ({
      name: `cell ${l}×${i}`,
      path: `1/${i}`,
      box: box(left, 100, 100, 100),
      isCell: `board:${l}:${i}`,
    });
    const card: Measured = {
      name: "card A",
      path: "1/1/0",
      box: box(205, 105, 90, 30),
      interactive: true,
      text: true,
      scrollWidth: 90,
      clientWidth: 90,
      cell: "board:3:2",
    };
    const label: Measured = {
      name: "label Major",
      path: "2/0",
      box: box(150, 190, 60, 20),
      text: true,
      scrollWidth: 60,
      clientWidth: 60,
    };
    expect(layoutProblems([cell(3, 1, 100), cell(3, 2, 200), card], viewport)).toEqual([]);
    expect(layoutProblems([cell(3, 1, 100), cell(3, 2, 200), card, label], viewport)).toEqual([
      "label Major lies on cell 3×1",
      "label Major lies on cell 3×2",
    ]);
    // A card that spills into the next cell.
    const spilling = { ...card, box: box(205, 105, 140, 30), cell: "board:3:1" };
    expect(layoutProblems([cell(3, 1, 100), cell(3, 2, 200), spilling], viewport)).toEqual([
      "card A lies on cell 3×2",
    ]);
  });
});
