// The fake's residual check says what the engine's says (analysis/residual_check.rs): the same
// flags and the same words on the cases of the engine's own tests.

import { describe, expect, it } from "vitest";
import { residualFlagsOf } from "./fake";
import type { Axis, Change } from "../types";

function change(consensus: [number, number], residual: [number, number], lowers: Axis[]): Change {
  return {
    id: "c1",
    title: "Move the orders database",
    consensus: { likelihood: consensus[0], impact: consensus[1] },
    residual: { likelihood: residual[0], impact: residual[1] },
    mitigations: lowers.map((l, n) => ({ id: `m${n}`, text: "x", owner: "", lowers: l })),
    placements: {},
  } as unknown as Change;
}

const issues = (c: Change) => residualFlagsOf(c).map((f) => [f.issue, f.axes]);

describe("the fake's residual check", () => {
  it("raises nothing when the residual moves as claimed", () => {
    expect(issues(change([4, 4], [2, 4], ["likelihood"]))).toEqual([]);
    expect(issues(change([4, 4], [3, 3], ["impact"]))).toEqual([]);
    expect(issues(change([3, 3], [3, 3], []))).toEqual([]);
  });

  it("flags a residual that did not move, in the engine's words", () => {
    const f = residualFlagsOf(change([3, 4], [3, 4], ["likelihood", "likelihood", "impact"]));
    expect(f.map((x) => x.issue)).toEqual(["not_moved"]);
    expect(f[0]!.message).toBe(
      "The residual L3 × I4 is where the consensus is, although 3 mitigations (2 likelihood, 1 impact) are meant to lower it: either they do not work as claimed or the residual was not updated.",
    );
  });

  it("flags a residual lowered only where nothing claims, and one worse than the consensus", () => {
    const f = residualFlagsOf(change([4, 4], [2, 4], ["impact", "impact"]));
    expect(issues(change([4, 4], [2, 4], ["impact", "impact"]))).toEqual([
      ["unclaimed_axis", ["likelihood"]],
    ]);
    expect(f[0]!.message).toBe(
      "The residual lowers likelihood from 4 to 2 but no mitigation claims to lower it; the mitigations claim impact, which did not go down.",
    );
    expect(residualFlagsOf(change([4, 4], [3, 3], []))[0]!.message).toMatch(
      /but no mitigation is recorded\.$/,
    );
    const worse = residualFlagsOf(change([2, 3], [1, 4], ["likelihood"]));
    expect(worse.map((x) => [x.issue, x.axes])).toEqual([["worse", ["impact"]]]);
    expect(worse[0]!.message).toBe(
      "The residual rates impact 4 (consensus 3) higher than the consensus: mitigations should not make a change riskier.",
    );
  });
});
