import { describe, expect, it } from "vitest";
import { FIRST_RETRY_MS, LONGEST_RETRY_MS, retryDelay } from "./backoff";

describe("retryDelay", () => {
  it("doubles from the first wait up to the ceiling", () => {
    expect(retryDelay(0, 1)).toBe(FIRST_RETRY_MS);
    expect(retryDelay(1, 1)).toBe(FIRST_RETRY_MS * 2);
    expect(retryDelay(2, 1)).toBe(FIRST_RETRY_MS * 4);
    expect(retryDelay(10, 1)).toBe(LONGEST_RETRY_MS);
    expect(retryDelay(1e9, 1)).toBe(LONGEST_RETRY_MS);
  });

  it("spreads phones out with jitter, never above the step", () => {
    expect(retryDelay(0, 0)).toBe(Math.round(FIRST_RETRY_MS * 0.75));
    for (let a = 0; a < 8; a++) {
      const low = retryDelay(a, 0);
      const high = retryDelay(a, 0.999);
      expect(low).toBeLessThanOrEqual(high);
      expect(high).toBeLessThanOrEqual(LONGEST_RETRY_MS);
    }
  });

  it("reads nonsense as the first attempt and no jitter", () => {
    expect(retryDelay(-3, 0.5)).toBe(retryDelay(0, 0.5));
    expect(retryDelay(Number.NaN, Number.NaN)).toBe(retryDelay(0, 0));
  });
});
