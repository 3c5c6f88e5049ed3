// A first-in, first-out line for the UI's work with the backend: edits, undo and redo, opening,
// saving, switching the viewer. Each task starts only when the one before it has settled, so a
// second edit waits for the first instead of overlapping it or being dropped, and every reply is
// taken in on the view the previous reply left. It never drops, reorders or retries a task, and
// a task that fails never stops the ones behind it.

import type { CommandError, Edit } from "./types";

export interface Queue {
  /** Runs `task` after every task pushed before it has settled; resolves or rejects with it. */
  push<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks pushed and not settled yet (the running one included). */
  readonly pending: number;
}

export function createQueue(): Queue {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  return {
    push<T>(task: () => Promise<T>): Promise<T> {
      pending += 1;
      const result = tail.then(task).finally(() => {
        pending -= 1;
      });
      // The next task waits for this one to settle either way.
      tail = result.catch(() => undefined);
      return result;
    },
    get pending() {
      return pending;
    },
  };
}

/** What became of an edit (or undo, redo, open, save): done, or refused with the engine's
 * `{ code, message }` (the workshop is then unchanged). Views say "Placed …" only after ok. */
export type Outcome = { ok: true } | { ok: false; error: CommandError };

/** The prop every view edits through: the edit waits its turn in App's queue. */
export type OnEdit = (edit: Edit) => Promise<Outcome>;
