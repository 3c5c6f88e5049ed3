// Drag geometry for the risk matrix: which cell a point falls in, and how cards share a cell.
// Pure functions of numbers only, so they are unit-tested without a browser. Never touch the DOM.

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface CellPosition {
  likelihood: number;
  impact: number;
}

/**
 * The cell under `point` in a grid drawn in `rect`, with likelihood rising from the bottom row
 * to the top and impact rising from the left column to the right. Null outside the grid.
 */
export function pointToCell(
  point: Point,
  rect: Rect,
  likelihoodLevels: number,
  impactLevels: number,
): CellPosition | null {
  const { x, y } = point;
  if (!Number.isFinite(x) || !Number.isFinite(y) || rect.width <= 0 || rect.height <= 0) {
    return null;
  }
  const fx = (x - rect.left) / rect.width;
  const fy = (y - rect.top) / rect.height;
  if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) return null;
  const column = Math.floor(fx * impactLevels);
  const rowFromTop = Math.floor(fy * likelihoodLevels);
  return { likelihood: likelihoodLevels - rowFromTop, impact: column + 1 };
}

/** Moves a keyboard cursor one step, staying inside the grid. */
export function stepCell(
  cell: CellPosition,
  key: "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight",
  likelihoodLevels: number,
  impactLevels: number,
): CellPosition {
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 1), max);
  switch (key) {
    case "ArrowUp":
      return { ...cell, likelihood: clamp(cell.likelihood + 1, likelihoodLevels) };
    case "ArrowDown":
      return { ...cell, likelihood: clamp(cell.likelihood - 1, likelihoodLevels) };
    case "ArrowLeft":
      return { ...cell, impact: clamp(cell.impact - 1, impactLevels) };
    case "ArrowRight":
      return { ...cell, impact: clamp(cell.impact + 1, impactLevels) };
  }
}

export interface CardLayout {
  /** Cards per row inside the cell. */
  columns: number;
  /** How many cards are drawn; the rest are summarised as "+N more". */
  visible: number;
  hidden: number;
  /** Height of one card, in the cell's units. */
  cardHeight: number;
}

/**
 * How `count` cards share a cell of `width` × `height`: as many full-width rows as fit at the
 * preferred card height, then two columns, then compact rows down to `minCardHeight`; whatever
 * still does not fit is counted as hidden (one slot is kept for the "+N more" line).
 */
export function layoutCards(
  count: number,
  width: number,
  height: number,
  preferredCardHeight = 44,
  minCardHeight = 26,
  gap = 4,
): CardLayout {
  if (count <= 0 || width <= 0 || height <= 0) {
    return { columns: 1, visible: 0, hidden: Math.max(count, 0), cardHeight: preferredCardHeight };
  }
  const rowsAt = (h: number) => Math.max(Math.floor((height + gap) / (h + gap)), 0);
  const columns = width >= 220 && count > rowsAt(preferredCardHeight) ? 2 : 1;
  for (const h of [preferredCardHeight, minCardHeight]) {
    const capacity = rowsAt(h) * columns;
    if (count <= capacity) {
      return { columns, visible: count, hidden: 0, cardHeight: h };
    }
  }
  const capacity = rowsAt(minCardHeight) * columns;
  const visible = Math.max(capacity - 1, 0);
  return { columns, visible, hidden: count - visible, cardHeight: minCardHeight };
}

/**
 * Where the `index`-th of `count` markers sits inside a cell, as fractions of the cell (0..1):
 * a near-square grid of slots, filled row by row, so markers sharing a cell never sit on top of
 * each other. The result always lies strictly inside the cell.
 */
export function slotInCell(index: number, count: number): Point {
  const n = Math.max(count, 1);
  const columns = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / columns);
  const i = Math.min(Math.max(index, 0), n - 1);
  const column = i % columns;
  const row = Math.floor(i / columns);
  return { x: (column + 0.5) / columns, y: (row + 0.5) / rows };
}

/** The centre of cell (likelihood, impact) plus a slot offset, in pixels of a grid w × h. */
export function cellPoint(
  cell: CellPosition,
  slot: Point,
  width: number,
  height: number,
  likelihoodLevels: number,
  impactLevels: number,
): Point {
  const cw = width / impactLevels;
  const ch = height / likelihoodLevels;
  return {
    x: (cell.impact - 1 + slot.x) * cw,
    y: (likelihoodLevels - cell.likelihood + slot.y) * ch,
  };
}

/** Shortens a segment from a to b by `pad` pixels at each end (so arrows stop at markers). */
export function trimSegment(a: Point, b: Point, pad: number): [Point, Point] | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy);
  if (!(length > 2 * pad)) return null;
  const ux = dx / length;
  const uy = dy / length;
  return [
    { x: a.x + ux * pad, y: a.y + uy * pad },
    { x: b.x - ux * pad, y: b.y - uy * pad },
  ];
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const overlapArea = (a: Box, b: Box) =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
  Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

/**
 * Where a tooltip of `size` for `anchor` goes so that it covers none of `avoid` (the matrix's
 * cells, where the markers are) and stays in the window: beside the anchor on the side away from
 * the matrix, below it, or beside the matrix itself (clamped into the window, which may push it
 * onto its own label); when nothing fits, the place that covers
 * the least of the matrix. `side` says where the anchor is relative to the matrix. Viewport
 * pixels in, top-left corner out.
 */
export function placeTip(
  anchor: Box,
  size: { width: number; height: number },
  avoid: Box,
  viewport: { width: number; height: number },
  side: "left" | "below",
  margin = 6,
): Point {
  const { width: w, height: h } = size;
  const clampX = (x: number) => Math.max(margin, Math.min(x, viewport.width - w - margin));
  const clampY = (y: number) => Math.max(margin, Math.min(y, viewport.height - h - margin));
  const midX = (anchor.left + anchor.right) / 2 - w / 2;
  const candidates: Point[] =
    side === "left"
      ? [
          { x: anchor.left - w - margin, y: anchor.top },
          { x: avoid.left - w - margin, y: anchor.top },
          { x: midX, y: avoid.bottom + margin },
          { x: midX, y: avoid.top - h - margin },
        ]
      : [
          { x: midX, y: anchor.bottom + margin },
          { x: avoid.left - w - margin, y: anchor.top - h },
          { x: avoid.right + margin, y: anchor.top - h },
          { x: midX, y: avoid.top - h - margin },
        ];
  let best: Point | null = null;
  let bestCost = Infinity;
  for (const c of candidates) {
    const at = { x: clampX(c.x), y: clampY(c.y) };
    const box = { left: at.x, top: at.y, right: at.x + w, bottom: at.y + h };
    // Covering part of its own label (pushed there by the window's edge) is fine; covering
    // the matrix is not.
    const cost = overlapArea(box, avoid);
    if (cost < bestCost) {
      best = at;
      bestCost = cost;
    }
    if (cost === 0) break;
  }
  return best ?? { x: margin, y: margin };
}
