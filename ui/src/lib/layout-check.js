// @ts-check
// What the layout test counts as a broken screen, as pure functions of boxes measured in a browser:
// text that runs out of its box without an ellipsis meant for it, an element cut off by an
// ancestor that hides its overflow (or by the window), an interactive element lying on another
// one, and anything lying on a matrix cell it does not belong to. Plain JavaScript (with JSDoc
// types) so that the browser tests in Node import it as it is and Vitest proves it can fail.
// It never touches the DOM: tests/browser/layout.test.mjs measures, this module judges.

/**
 * @typedef {{ left: number, top: number, right: number, bottom: number }} Box
 *
 * @typedef {object} Measured
 * @property {string} name        what a person would call it ("button Reveal", "cell 3×4")
 * @property {string} path        position in the document ("0/3/1"): a path that starts with
 *                                another's path plus "/" lies inside it
 * @property {Box} box
 * @property {boolean} [text]     it holds text of its own
 * @property {boolean} [interactive]
 * @property {string | null} [cell]   the matrix cell it lies in ("board:3:4"), if any
 * @property {string | null} [isCell] the key of the cell it is, if it is a matrix cell
 * @property {string} [layer]     elements that float over the page (a popover, a tooltip) carry
 *                                their layer; only elements of one layer are compared
 * @property {number} [scrollWidth]
 * @property {number} [clientWidth]
 * @property {number} [scrollHeight]
 * @property {number} [clientHeight]
 * @property {boolean} [hidesOverflow]  its own overflow is hidden or clipped
 * @property {boolean} [ellipsis]  it ends cut text with an ellipsis (text-overflow, nowrap)
 * @property {boolean} [clamped]   it clamps its lines (line-clamp)
 * @property {Box | null} [clip]   the box its ancestors that hide overflow leave visible
 * @property {boolean} [scrolls]   it lies in a scrolling ancestor (reachable by scrolling)
 */

/** Pixels of slack: borders and sub-pixel rounding are no overlap. */
export const SLACK = 1.5;

/** @param {Box} a @param {Box} b */
export function intersects(a, b, slack = SLACK) {
  return (
    a.left < b.right - slack &&
    b.left < a.right - slack &&
    a.top < b.bottom - slack &&
    b.top < a.bottom - slack
  );
}

/** @param {Box} inner @param {Box} outer */
export function inside(inner, outer, slack = SLACK) {
  return (
    inner.left >= outer.left - slack &&
    inner.top >= outer.top - slack &&
    inner.right <= outer.right + slack &&
    inner.bottom <= outer.bottom + slack
  );
}

/** @param {Measured} a @param {Measured} b */
const nested = (a, b) => a.path.startsWith(`${b.path}/`) || b.path.startsWith(`${a.path}/`);

/**
 * Text that does not fit: wider than its box with no ellipsis rule meant for it, or taller than
 * a box that hides its overflow with no line clamp.
 * @param {Measured} m
 * @returns {string | null}
 */
export function overflowProblem(m) {
  if (!m.text) return null;
  const sw = m.scrollWidth ?? 0;
  const cw = m.clientWidth ?? 0;
  const sh = m.scrollHeight ?? 0;
  const ch = m.clientHeight ?? 0;
  if (sw > cw + 1 && !m.ellipsis) return `${m.name}: text runs ${sw - cw}px out of its box`;
  if (m.hidesOverflow && sh > ch + 1 && !m.clamped && !m.ellipsis) {
    return `${m.name}: text cut ${sh - ch}px short at the bottom`;
  }
  return null;
}

/**
 * An element cut off: outside what its ancestors leave visible, or (unless it can be scrolled
 * to) outside the window.
 * @param {Measured} m
 * @param {{ width: number, height: number }} viewport
 * @returns {string | null}
 */
export function clipProblem(m, viewport) {
  if (m.clip && !inside(m.box, m.clip)) return `${m.name}: cut off by an ancestor`;
  const window = { left: 0, top: 0, right: viewport.width, bottom: viewport.height };
  if (!m.scrolls && !inside(m.box, window)) return `${m.name}: outside the window`;
  return null;
}

/**
 * Everything wrong with one screen, as sentences (empty when the screen is right).
 * @param {Measured[]} all
 * @param {{ width: number, height: number }} viewport
 * @returns {string[]}
 */
export function layoutProblems(all, viewport) {
  /** @type {string[]} */
  const problems = [];
  for (const m of all) {
    const o = overflowProblem(m);
    if (o) problems.push(o);
    const c = clipProblem(m, viewport);
    if (c) problems.push(c);
  }
  const interactive = all.filter((m) => m.interactive);
  for (let a = 0; a < interactive.length; a++) {
    for (let b = a + 1; b < interactive.length; b++) {
      const x = /** @type {Measured} */ (interactive[a]);
      const y = /** @type {Measured} */ (interactive[b]);
      if ((x.layer ?? "") !== (y.layer ?? "") || nested(x, y)) continue;
      if (intersects(x.box, y.box)) problems.push(`${x.name} overlaps ${y.name}`);
    }
  }
  const cells = all.filter((m) => m.isCell);
  for (const m of all) {
    if (m.isCell || (m.layer ?? "") !== "" || !(m.text || m.interactive)) continue;
    for (const c of cells) {
      if (c.isCell === m.cell || nested(m, c)) continue;
      if (intersects(m.box, c.box)) problems.push(`${m.name} lies on ${c.name}`);
    }
  }
  return problems;
}
