import { describe, expect, it } from "vitest";
import { layoutCards, placeTip, pointToCell, stepCell } from "./geometry";

const grid = { left: 100, top: 50, width: 500, height: 500 };

describe("pointToCell", () => {
  it("maps corners of a 5x5 grid with likelihood rising upwards", () => {
    expect(pointToCell({ x: 101, y: 51 }, grid, 5, 5)).toEqual({ likelihood: 5, impact: 1 });
    expect(pointToCell({ x: 599, y: 549 }, grid, 5, 5)).toEqual({ likelihood: 1, impact: 5 });
    expect(pointToCell({ x: 350, y: 300 }, grid, 5, 5)).toEqual({ likelihood: 3, impact: 3 });
  });

  it("finds likelihood 4, impact 2", () => {
    // Second column (impact 2) spans x 200..300; row two from the top (likelihood 4) y 150..250.
    expect(pointToCell({ x: 250, y: 200 }, grid, 5, 5)).toEqual({ likelihood: 4, impact: 2 });
  });

  it("handles matrices with different axes", () => {
    expect(pointToCell({ x: 599, y: 51 }, grid, 4, 5)).toEqual({ likelihood: 4, impact: 5 });
    expect(pointToCell({ x: 101, y: 549 }, grid, 3, 7)).toEqual({ likelihood: 1, impact: 1 });
  });

  it("returns null outside the grid and for nonsense input", () => {
    expect(pointToCell({ x: 99, y: 300 }, grid, 5, 5)).toBeNull();
    expect(pointToCell({ x: 600, y: 300 }, grid, 5, 5)).toBeNull();
    expect(pointToCell({ x: 300, y: 550 }, grid, 5, 5)).toBeNull();
    expect(pointToCell({ x: NaN, y: 300 }, grid, 5, 5)).toBeNull();
    expect(pointToCell({ x: 300, y: 300 }, { ...grid, width: 0 }, 5, 5)).toBeNull();
  });
});

describe("stepCell", () => {
  it("moves and stays inside the grid", () => {
    expect(stepCell({ likelihood: 3, impact: 3 }, "ArrowUp", 5, 5)).toEqual({
      likelihood: 4,
      impact: 3,
    });
    expect(stepCell({ likelihood: 5, impact: 3 }, "ArrowUp", 5, 5).likelihood).toBe(5);
    expect(stepCell({ likelihood: 1, impact: 1 }, "ArrowDown", 5, 5).likelihood).toBe(1);
    expect(stepCell({ likelihood: 1, impact: 1 }, "ArrowLeft", 5, 5).impact).toBe(1);
    expect(stepCell({ likelihood: 1, impact: 4 }, "ArrowRight", 5, 4).impact).toBe(4);
  });
});

describe("layoutCards", () => {
  it("gives every card a full row when they fit", () => {
    expect(layoutCards(2, 150, 120)).toEqual({ columns: 1, visible: 2, hidden: 0, cardHeight: 44 });
  });

  it("goes to two columns in wide cells, then compact rows", () => {
    const l = layoutCards(6, 240, 100);
    expect(l.columns).toBe(2);
    expect(l.visible + l.hidden).toBe(6);
    expect(l.hidden).toBe(0);
  });

  it("summarises what does not fit and never draws more than fits", () => {
    const l = layoutCards(500, 150, 120);
    expect(l.visible + l.hidden).toBe(500);
    expect(l.visible * l.cardHeight).toBeLessThanOrEqual(120);
    expect(l.hidden).toBeGreaterThan(0);
  });

  it("copes with nothing and with a collapsed cell", () => {
    expect(layoutCards(0, 150, 120).visible).toBe(0);
    expect(layoutCards(3, 0, 0)).toMatchObject({ visible: 0, hidden: 3 });
  });
});

import { cellPoint, slotInCell, trimSegment } from "./geometry";

describe("slotInCell", () => {
  it("puts one marker in the centre", () => {
    expect(slotInCell(0, 1)).toEqual({ x: 0.5, y: 0.5 });
  });
  it("gives every marker of a crowded cell its own slot inside the cell", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const p = slotInCell(i, 10);
      expect(p.x).toBeGreaterThan(0);
      expect(p.x).toBeLessThan(1);
      expect(p.y).toBeGreaterThan(0);
      expect(p.y).toBeLessThan(1);
      seen.add(`${p.x},${p.y}`);
    }
    expect(seen.size).toBe(10);
  });
});

describe("cellPoint", () => {
  it("maps likelihood 4 × impact 2 of a 5x5 grid of 500 px", () => {
    expect(cellPoint({ likelihood: 4, impact: 2 }, { x: 0.5, y: 0.5 }, 500, 500, 5, 5)).toEqual({
      x: 150,
      y: 150,
    });
  });
});

describe("trimSegment", () => {
  it("stops short of both ends", () => {
    const t = trimSegment({ x: 0, y: 0 }, { x: 100, y: 0 }, 10);
    expect(t).toEqual([
      { x: 10, y: 0 },
      { x: 90, y: 0 },
    ]);
  });
  it("drops segments shorter than the markers", () => {
    expect(trimSegment({ x: 0, y: 0 }, { x: 5, y: 0 }, 10)).toBeNull();
    expect(trimSegment({ x: 0, y: 0 }, { x: 0, y: 0 }, 10)).toBeNull();
  });
});

describe("placeTip", () => {
  const viewport = { width: 1280, height: 720 };
  const matrix = { left: 400, top: 100, right: 1200, bottom: 600 };
  const size = { width: 280, height: 110 };
  const covers = (at: { x: number; y: number }) =>
    at.x < matrix.right &&
    at.x + size.width > matrix.left &&
    at.y < matrix.bottom &&
    at.y + size.height > matrix.top;

  it("puts a likelihood level's definition left of its label, off the matrix", () => {
    const label = { left: 260, top: 300, right: 395, bottom: 400 };
    const at = placeTip(label, size, matrix, viewport, "left");
    expect(at).toEqual({ x: 6, y: 300 });
    expect(covers(at)).toBe(false);
  });

  it("keeps a definition in the window when the label is at the window's edge", () => {
    const label = { left: 6, top: 650, right: 100, bottom: 700 };
    const at = placeTip(label, size, matrix, viewport, "left");
    expect(at.x).toBeGreaterThanOrEqual(6);
    expect(at.y + size.height).toBeLessThanOrEqual(714);
    expect(covers(at)).toBe(false);
  });

  it("puts an impact level's definition below its label, or beside the matrix near the bottom", () => {
    const label = { left: 420, top: 602, right: 560, bottom: 650 };
    const roomy = placeTip(label, size, matrix, { width: 1280, height: 900 }, "below");
    expect(roomy.y).toBe(656);
    const tight = placeTip(label, size, matrix, { width: 1280, height: 680 }, "below");
    expect(covers(tight)).toBe(false);
    expect(tight.x + size.width).toBeLessThanOrEqual(matrix.left);
  });
});
