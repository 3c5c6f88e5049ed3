// The fake backend's band checks: a port of the engine's crates/engine/src/analysis/bands.rs for
// browser tests, with its words. Two of the engine's checks are left out: a cell coloured above
// a higher-scoring one, and a band dropping along a row or column. Both hold by construction
// where every cell is coloured by its score against ascending bands (the engine checks them on
// the colouring all the same); the fake never reports them. Rust tests are the truth.
// It only reads the workshop it is given; the changes it gets are the ones that count.

import type {
  BandCheck,
  BandSwitch,
  BandWarning,
  Matrix,
  SwitchedChange,
  Workshop,
} from "../types";

/** As the engine's COMPRESSION_RATIO. */
const COMPRESSION_RATIO = 10;

function bandIndex(m: Matrix, score: number): number | null {
  let found: number | null = null;
  m.bands.forEach((b, i) => {
    if (b.min_score <= score) found = i;
  });
  return found;
}

/** "12", "12.5", rounded to tenths as the engine's `ratio`. */
function ratio(high: number, low: number): string {
  const tenths = Math.floor((high * 10 + Math.floor(low / 2)) / Math.max(low, 1));
  return tenths % 10 === 0 ? `${tenths / 10}` : `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

function sharedColours(m: Matrix): BandWarning[] {
  const warnings: BandWarning[] = [];
  m.bands.forEach((b, j) => {
    const a = m.bands.slice(0, j).find((a) => a.color.toLowerCase() === b.color.toLowerCase());
    if (a) {
      warnings.push({
        kind: "shared_colour",
        bands: [a.name, b.name],
        message: `Bands '${a.name}' and '${b.name}' have the same colour ${b.color}: on the matrix a '${b.name}' cell looks like a '${a.name}' one.`,
      });
    }
  });
  return warnings;
}

function compression(m: Matrix): BandWarning[] {
  const range: ([number, number] | null)[] = m.bands.map(() => null);
  for (let l = 1; l <= m.likelihood.length; l++) {
    for (let i = 1; i <= m.impact.length; i++) {
      const s = l * i;
      const b = bandIndex(m, s);
      if (b === null) continue;
      const r = range[b];
      range[b] = r ? [Math.min(r[0], s), Math.max(r[1], s)] : [s, s];
    }
  }
  const warnings: BandWarning[] = [];
  m.bands.forEach((band, b) => {
    const r = range[b];
    if (!r) return;
    const [lo, hi] = r;
    if (hi >= COMPRESSION_RATIO * lo) {
      warnings.push({
        kind: "range_compression",
        bands: [band.name],
        message: `Band '${band.name}' colours cells scoring from ${lo} to ${hi} alike: risks ${ratio(hi, lo)}× apart look the same. Consider splitting it.`,
      });
    }
  });
  return warnings;
}

/** Which changes would change band if a threshold moved by one, as the engine's
 * `band_switches`: by the consensus when there is one, else by each perspective's placement. */
function switches(w: Workshop): BandSwitch[] {
  const bands = w.matrix.bands;
  const moves: { k: number; movedTo: number; score: number; from: number; to: number }[] = [];
  for (let k = 1; k < bands.length; k++) {
    const t = bands[k].min_score;
    const prev = bands[k - 1].min_score;
    const next = bands[k + 1]?.min_score;
    if (t - 1 > prev) moves.push({ k, movedTo: t - 1, score: t - 1, from: k - 1, to: k });
    if (next === undefined || t + 1 < next) {
      moves.push({ k, movedTo: t + 1, score: t, from: k, to: k - 1 });
    }
  }
  const out: BandSwitch[] = [];
  for (const m of moves) {
    const changes: SwitchedChange[] = [];
    for (const c of w.changes) {
      const judged = c.consensus
        ? [{ basis: "consensus" as const, perspective: null, cell: c.consensus }]
        : w.perspectives
            .filter((p) => c.placements[p.id])
            .map((p) => {
              const { likelihood, impact } = c.placements[p.id];
              return {
                basis: "placement" as const,
                perspective: p.id,
                cell: { likelihood, impact },
              };
            });
      for (const j of judged) {
        if (j.cell.likelihood * j.cell.impact === m.score) {
          changes.push({ change: c.id, title: c.title, ...j });
        }
      }
    }
    if (!changes.length) continue;
    const ids = changes.map((s) => s.change).filter((id, i, all) => i === 0 || all[i - 1] !== id);
    const n = ids.length;
    const titles: string[] = [];
    for (const s of changes) {
      if (titles.length < 3 && !titles.includes(s.title)) titles.push(s.title);
    }
    const named = titles.map((t) => `'${t}'`).join(", ");
    const more = n > titles.length ? ` and ${n - titles.length} more` : "";
    const [fromBand, toBand] = [bands[m.from].name, bands[m.to].name];
    const direction = m.to > m.from ? "up" : "down";
    out.push({
      message: `If '${bands[m.k].name}' started at ${m.movedTo} instead of ${bands[m.k].min_score}, ${n} ${n === 1 ? "change" : "changes"} would move ${direction} from '${fromBand}' to '${toBand}': ${named}${more}.`,
      band: bands[m.k].name,
      threshold: bands[m.k].min_score,
      moved_to: m.movedTo,
      from_band: fromBand,
      to_band: toBand,
      changes,
    });
  }
  return out;
}

/** The band checks of `w` (its counted changes); no switches while placements are hidden. */
export function fakeBandCheck(w: Workshop, hidden: boolean): BandCheck {
  return {
    warnings: [...sharedColours(w.matrix), ...compression(w.matrix)],
    switches: hidden ? [] : switches(w),
  };
}
