// The fake backend does what the engine does: the recorded sequences of
// ui/tests/contract/sequences.json run through FakeBackend at the same fixed times, and after
// every step the fake's workshop and undo label (or its refusal's message) must be what
// crates/engine/tests/contract.rs recorded from the engine in expected.json. When this fails,
// fix the fake (fake-edits.ts), not the expectations: they come from the engine.

import { describe, expect, it } from "vitest";
import { FakeBackend } from "./fake";
import sample from "./sample-workshop.json";
import type { Edit, EditReply, Workshop } from "../types";
// As text, so that the type checker does not infer a type for every recorded workshop.
import sequencesText from "../../../tests/contract/sequences.json?raw";
import expectedText from "../../../tests/contract/expected.json?raw";

interface Step {
  at: number;
  edit?: Edit;
  undo?: boolean;
  redo?: boolean;
}
type After =
  { label: string | null; workshop: Workshop } | { error: { kind: string; message: string } };

const sequences: { name: string; steps: Step[] }[] = JSON.parse(sequencesText).sequences;
const expected: { name: string; steps: After[] }[] = JSON.parse(expectedText).sequences;

/** The engine leaves an empty consensus or residual out; the fake may say null. The UI's
 * generated types read both the same, so they compare the same. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

describe("the fake backend keeps the engine's contract", () => {
  it("has expectations for every recorded sequence", () => {
    expect(expected.map((s) => s.name)).toEqual(sequences.map((s) => s.name));
  });

  for (const [n, sequence] of sequences.entries()) {
    it(sequence.name, async () => {
      let now = 0;
      const fake = new FakeBackend(structuredClone(sample) as Workshop, () => now);
      for (const [i, step] of sequence.steps.entries()) {
        now = step.at;
        const want = expected[n]!.steps[i]!;
        const where = `${sequence.name}, step ${i} (${step.edit?.kind ?? (step.undo ? "undo" : "redo")})`;
        let reply: EditReply | null = null;
        let refusal: { message: string } | null = null;
        const before = (await fake.getWorkshop()).status;
        try {
          reply = step.edit
            ? await fake.applyEdit(step.edit)
            : step.undo
              ? await fake.undo()
              : await fake.redo();
        } catch (e) {
          refusal = e as { message: string };
        }
        if ("error" in want) {
          expect(refusal?.message, `${where} is refused`).toBe(want.error.message);
          continue;
        }
        expect(refusal, `${where} is accepted`).toBeNull();
        const label = step.edit
          ? reply!.status.undo_label
          : step.undo
            ? reply!.status.undo_count < before.undo_count
              ? reply!.status.redo_label
              : null
            : reply!.status.redo_count < before.redo_count
              ? reply!.status.undo_label
              : null;
        expect(label, `${where}: label`).toBe(want.label);
        expect(withoutNulls(fake.snapshot()), `${where}: workshop`).toEqual(
          withoutNulls(want.workshop),
        );
      }
    });
  }
});
