// How long the participant page waits before it tries the room again after a lost connection:
// doubling from half a second up to a ceiling, with jitter so that a room full of phones that
// lost the Wi-Fi together does not knock on the laptop all at the same instant. Pure: no timers.

/** The first wait, in milliseconds. */
export const FIRST_RETRY_MS = 500;
/** The longest wait: a phone back on the Wi-Fi is back in the room within this. */
export const LONGEST_RETRY_MS = 8000;

/**
 * The wait before retry number `attempt` (0 for the first retry). `random` is a number in
 * [0, 1) (Math.random in the page, fixed in tests); the wait lies between 75 % and 100 % of the
 * doubled step, so it never drops below the previous step's floor by much nor exceeds the ceiling.
 */
export function retryDelay(attempt: number, random: number): number {
  const n = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  const step = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(n, 16));
  const r = Math.min(Math.max(Number.isFinite(random) ? random : 0, 0), 1);
  return Math.round(step * (0.75 + 0.25 * r));
}
