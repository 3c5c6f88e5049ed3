// A workshop of N changes for benchmarks: half of them placed by Dev across the matrix, so cells
// are crowded and the tray is long. Deterministic, so runs compare.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export function bigWorkshop(n = 1000) {
  const sample = JSON.parse(
    readFileSync(path.join(here, "../../src/lib/backend/sample-workshop.json"), "utf8"),
  );
  const changes = [];
  for (let i = 0; i < n; i++) {
    const base = sample.changes[i % sample.changes.length];
    const placements = {};
    if (i % 2 === 0) {
      placements.dev = {
        likelihood: (i % 5) + 1,
        impact: ((i * 7) % 5) + 1,
        rationale: "",
        placed_at_ms: i,
      };
    }
    changes.push({ ...base, id: `c${i + 1}`, title: `${base.title} #${i + 1}`, placements });
  }
  return { ...sample, changes };
}
