// Placing something on the matrix with the keyboard, as one pure state machine shared by every
// view that places (the board's cards, Converge's consensus and residual chips): Enter (or Space)
// picks up, the arrow keys move over the cells, Enter drops, Escape cancels, Delete (or
// Backspace) takes back what is placed, Tab lets go. It only says what a key means; the caller
// sends the edit and says it aloud. It never touches the DOM or the workshop.

import { stepCell, type CellPosition } from "./geometry";

/** What is being carried (the caller's id for it) and the cell it would land on. */
export interface Carrying {
  item: string;
  cell: CellPosition;
}

export type KeyState = Carrying | null;

export type KeyEffect =
  /** The key means nothing here: leave the event alone. */
  | { kind: "none" }
  | { kind: "pick_up"; cell: CellPosition }
  | { kind: "move"; cell: CellPosition }
  | { kind: "drop"; cell: CellPosition }
  | { kind: "cancel" }
  /** Delete on something placed, while nothing is carried. */
  | { kind: "take_back" }
  /** Focus leaves while carrying (Tab): let go quietly and let the key do its work. */
  | { kind: "let_go" };

export interface KeyInput {
  key: string;
  /** The item the key was pressed on. */
  item: string;
  /** Where that item sits now, if it is placed. */
  current: CellPosition | null;
  likelihoodLevels: number;
  impactLevels: number;
}

export interface KeyResult {
  state: KeyState;
  effect: KeyEffect;
  /** True when the key was used, so the caller stops its default action (scrolling, clicking). */
  handled: boolean;
}

const ARROWS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"] as const;
type Arrow = (typeof ARROWS)[number];
const isArrow = (key: string): key is Arrow => (ARROWS as readonly string[]).includes(key);
const isEnter = (key: string) => key === "Enter" || key === " ";

/** Where a picked-up item starts: where it sits, or the centre of the matrix. */
export function startCell(input: KeyInput): CellPosition {
  return input.current
    ? { likelihood: input.current.likelihood, impact: input.current.impact }
    : {
        likelihood: Math.ceil(input.likelihoodLevels / 2),
        impact: Math.ceil(input.impactLevels / 2),
      };
}

export function keyPlacement(state: KeyState, input: KeyInput): KeyResult {
  const unchanged: KeyResult = { state, effect: { kind: "none" }, handled: false };
  if (!state || state.item !== input.item) {
    // Nothing carried from here: a key on another item starts afresh.
    if (isEnter(input.key)) {
      const cell = startCell(input);
      return {
        state: { item: input.item, cell },
        effect: { kind: "pick_up", cell },
        handled: true,
      };
    }
    if ((input.key === "Delete" || input.key === "Backspace") && input.current) {
      return { state: null, effect: { kind: "take_back" }, handled: true };
    }
    return unchanged;
  }
  if (isArrow(input.key)) {
    const cell = stepCell(state.cell, input.key, input.likelihoodLevels, input.impactLevels);
    return { state: { item: state.item, cell }, effect: { kind: "move", cell }, handled: true };
  }
  if (isEnter(input.key)) {
    return { state: null, effect: { kind: "drop", cell: state.cell }, handled: true };
  }
  if (input.key === "Escape") {
    return { state: null, effect: { kind: "cancel" }, handled: true };
  }
  if (input.key === "Tab") {
    return { state: null, effect: { kind: "let_go" }, handled: false };
  }
  return unchanged;
}
