// Types of layout-check.js (plain JavaScript so that the browser tests in Node import it as it is).

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Measured {
  name: string;
  path: string;
  box: Box;
  text?: boolean;
  interactive?: boolean;
  cell?: string | null;
  isCell?: string | null;
  layer?: string;
  scrollWidth?: number;
  clientWidth?: number;
  scrollHeight?: number;
  clientHeight?: number;
  hidesOverflow?: boolean;
  ellipsis?: boolean;
  clamped?: boolean;
  clip?: Box | null;
  scrolls?: boolean;
}

export const SLACK: number;
export function intersects(a: Box, b: Box, slack?: number): boolean;
export function inside(inner: Box, outer: Box, slack?: number): boolean;
export function overflowProblem(m: Measured): string | null;
export function clipProblem(
  m: Measured,
  viewport: { width: number; height: number },
): string | null;
export function layoutProblems(
  all: Measured[],
  viewport: { width: number; height: number },
): string[];
