// Small read-only helpers over the generated workshop types, shared by components.
// They never change a workshop: every change goes through an Edit to the backend.

import type { Band, Cell, Change, Matrix, Perspective, Placement, Workshop } from "./types";

export function score(cell: Cell | Placement): number {
  return cell.likelihood * cell.impact;
}

/** The band a score falls in: the last band whose min_score is at most the score. */
export function bandFor(matrix: Matrix, s: number): Band | null {
  let found: Band | null = null;
  for (const band of matrix.bands) {
    if (band.min_score <= s) found = band;
  }
  return found;
}

export function levelLabel(matrix: Matrix, axis: "likelihood" | "impact", level: number): string {
  return matrix[axis][level - 1]?.label ?? String(level);
}

/** "Likelihood 4 (Likely), impact 2 (Minor)": the accessible name of a cell. */
export function cellName(matrix: Matrix, cell: Cell): string {
  return (
    `Likelihood ${cell.likelihood} (${levelLabel(matrix, "likelihood", cell.likelihood)}), ` +
    `impact ${cell.impact} (${levelLabel(matrix, "impact", cell.impact)})`
  );
}

export function placementOf(change: Change, perspective: string): Placement | undefined {
  return change.placements[perspective];
}

/** Shapes that tell perspectives apart without colour (greyscale, colour blindness). */
export const MARKERS = ["●", "■", "▲", "◆", "★", "⬟", "✚", "⬢"];

export function markerOf(workshop: Workshop, perspective: Perspective): string {
  const i = workshop.perspectives.findIndex((p) => p.id === perspective.id);
  return MARKERS[i % MARKERS.length] ?? "●";
}
