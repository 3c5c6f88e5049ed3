// The fake backend's stand-ins for the engine's gap map and trend, for browser tests and for
// looking at the UI in a plain browser. They are the fake's, not the engine's: the drawings are
// simple SVG with the same kind of content (points, counts, words), the trend's figures are
// computed the obvious way with κ undefined and α made up (the engine computes both in the app),
// and its "files" are three made-up workshops (two that load and one that does not). The Rust tests hold the real commands
// (`gap_map`, `choose_trend_workshops`, `trend` in tests/commands.rs).

import type {
  AxisAgreement,
  ChangeGap,
  ChangeSeries,
  ChosenWorkshop,
  Placement,
  TrendChange,
  TrendFailed,
  TrendPoint,
  TrendReport,
  Workshop,
} from "../types";

/** Text for SVG markup: user text never becomes markup. */
function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/** A plain gap map: each change both placed at (impact gap, likelihood gap), equal gaps in one
 * circle with their count, the quadrants named in words. */
export function fakeGapMap(from: string, to: string, changes: ChangeGap[]): string {
  const both = changes.filter((g) => g.likelihood_gap !== null && g.impact_gap !== null);
  const groups = new Map<string, number>();
  for (const g of both) {
    const key = `${g.impact_gap}:${g.likelihood_gap}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const count = (d: string) => both.filter((g) => g.dominant === d).length;
  const [cx, cy, unit] = [960, 580, 80];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080" viewBox="0 0 1920 1080">`,
    `<rect width="1920" height="1080" fill="#fff"/>`,
    `<text x="60" y="70" font-size="44" font-family="sans-serif" font-weight="700">${esc(from)} vs ${esc(to)}: the shape of the disagreement</text>`,
    `<text x="60" y="120" font-size="28" font-family="sans-serif" fill="#555">${both.length} placed by both · mostly about likelihood ${count("likelihood")} · mostly about impact ${count("impact")} · equally both ${count("both")} · same cell ${count("agree")}</text>`,
    `<rect x="${cx - 360}" y="${cy - 360}" width="720" height="720" fill="none" stroke="#999" stroke-width="2"/>`,
    `<line x1="${cx}" y1="${cy - 360}" x2="${cx}" y2="${cy + 360}" stroke="#222" stroke-width="3"/>`,
    `<line x1="${cx - 360}" y1="${cy}" x2="${cx + 360}" y2="${cy}" stroke="#222" stroke-width="3"/>`,
    `<text x="${cx + 380}" y="${cy - 300}" font-size="26" font-family="sans-serif">${esc(to)} rates it more likely</text>`,
    `<text x="${cx + 380}" y="${cy + 300}" font-size="26" font-family="sans-serif">${esc(from)} rates it more likely</text>`,
  ];
  for (const [key, n] of groups) {
    const [i, l] = key.split(":").map(Number) as [number, number];
    const [x, y] = [cx + i * unit, cy - l * unit];
    out.push(
      `<circle cx="${x}" cy="${y}" r="26" fill="#343a40"/>`,
      `<text x="${x}" y="${y + 9}" font-size="26" text-anchor="middle" fill="#fff" font-family="sans-serif">${n}</text>`,
    );
  }
  out.push("</svg>");
  return out.join("");
}

/** The fake's chosen files: two workshops that load, one that does not. */
export const FAKE_CHOSEN: ChosenWorkshop[] = [
  { index: 0, name: "2026-01 platform.parallax", folder: "/workshops (fake)" },
  { index: 1, name: "2026-03 platform.parallax", folder: "/workshops (fake)" },
  { index: 2, name: "broken.parallax", folder: "/workshops (fake)" },
];

export const FAKE_BROKEN_MESSAGE =
  "changes[2].placements.ops.impact: 9 is outside 1..=5 (the file was left as it is)";

/** The sample's changes placed by Dev and Ops `spread` levels apart on likelihood (Ops
 * higher) and one level apart on impact for every third change, at `at`. */
export function fakeWorkshop(
  sample: Workshop,
  title: string,
  at: number,
  spread: number,
): Workshop {
  const w = structuredClone(sample);
  w.title = title;
  w.phase = "revealed";
  w.changes.forEach((c, i) => {
    const dev: Placement = {
      likelihood: 1 + (i % 2),
      impact: 2 + (i % 3),
      rationale: "",
      placed_at_ms: at,
    };
    const l = Math.min(w.matrix.likelihood.length, dev.likelihood + (i % 4 === 3 ? 0 : spread));
    const im = Math.min(w.matrix.impact.length, dev.impact + (i % 3 === 0 ? 1 : 0));
    c.placements = { dev, ops: { ...dev, likelihood: l, impact: im } };
    c.ticket = i < 3 ? `OPS-${100 + i}` : "";
  });
  return w;
}

/** The fake's agreement on one axis from the pair's gaps: the counts, means and shares as the
 * engine computes them, κ and α left undefined (they are the engine's, in the app). `alphaChanges`
 * is how many changes two or more perspectives placed (the gaps' count by default). */
export function fakeAxis(
  name: "likelihood" | "impact",
  levels: number,
  gaps: number[],
  alphaChanges = gaps.length,
): AxisAgreement {
  const reason = {
    code: "no_comparable_changes" as const,
    reason: "computed by the engine in the app",
  };
  return {
    axis: name,
    levels,
    compared: gaps.length,
    to_higher: gaps.filter((g) => g > 0).length,
    to_lower: gaps.filter((g) => g < 0).length,
    same: gaps.filter((g) => g === 0).length,
    mean_signed_gap: gaps.length ? gaps.reduce((s, g) => s + g, 0) / gaps.length : null,
    mean_abs_gap: gaps.length ? gaps.reduce((s, g) => s + Math.abs(g), 0) / gaps.length : null,
    weighted_kappa: null,
    weighted_kappa_undefined: reason,
    alpha_changes: alphaChanges,
    krippendorff_alpha: null,
    krippendorff_alpha_undefined: reason,
    exact_agreement: gaps.length ? gaps.filter((g) => g === 0).length / gaps.length : null,
    within_one_agreement: gaps.length
      ? gaps.filter((g) => Math.abs(g) <= 1).length / gaps.length
      : null,
    kappa_ci: null,
    alpha_ci: null,
  };
}

/** Made-up α per axis with its 95% interval, `[α, low, high]`, for a made-up workshop. */
export interface FakeAlpha {
  likelihood: [number, number, number];
  impact: [number, number, number];
}

/** `axis` with the made-up α and interval in place of the undefined one. */
function withAlpha(axis: AxisAgreement, alpha?: [number, number, number]): AxisAgreement {
  if (!alpha || axis.compared === 0) return axis;
  const [value, low, high] = alpha;
  return {
    ...axis,
    krippendorff_alpha: value,
    krippendorff_alpha_undefined: null,
    alpha_ci: [low, high],
  };
}

/** One workshop on the fake's trend, for the pair `from` → `to` (ids or names). */
export function fakePoint(
  file: string,
  w: Workshop,
  from: string | null,
  to: string | null,
  alpha?: FakeAlpha,
): TrendPoint {
  const find = (x: string | null) =>
    x === null
      ? undefined
      : w.perspectives.find((p) => p.id === x || p.name.toLowerCase() === x.toLowerCase());
  const a = find(from) ?? w.perspectives[0];
  const b = find(to) ?? w.perspectives.find((p) => p.id !== a?.id);
  if (!a || !b || a.id === b.id) throw new Error("this workshop does not have the pair");
  const counts = { likelihood: 0, impact: 0, both: 0, agree: 0 };
  const changes: TrendChange[] = w.changes.map((c) => {
    const f = c.placements[a.id];
    const t = c.placements[b.id];
    const lg = f && t ? t.likelihood - f.likelihood : null;
    const ig = f && t ? t.impact - f.impact : null;
    const dominant =
      lg === null || ig === null
        ? null
        : lg === 0 && ig === 0
          ? "agree"
          : Math.abs(lg) > Math.abs(ig)
            ? "likelihood"
            : Math.abs(ig) > Math.abs(lg)
              ? "impact"
              : "both";
    if (dominant) counts[dominant] += 1;
    const ticket = c.ticket.trim();
    return {
      followed_by: ticket ? "ticket" : "title",
      key: ticket || c.title,
      title: c.title,
      likelihood_gap: lg,
      impact_gap: ig,
      dominant,
    };
  });
  const at = Math.max(
    0,
    ...w.changes.flatMap((c) => Object.values(c.placements).map((p) => p.placed_at_ms)),
  );
  const gaps = (k: "likelihood_gap" | "impact_gap") =>
    changes.map((c) => c[k]).filter((g): g is number => g !== null);
  return {
    file,
    title: w.title,
    date: at > 0 ? new Date(at).toISOString().slice(0, 10) : null,
    date_ms: at > 0 ? at : null,
    date_source: at > 0 ? "placements" : "none",
    pair: { from: a.name, to: b.name, from_id: a.id, to_id: b.id },
    total_changes: w.changes.length,
    compared: gaps("likelihood_gap").length,
    likelihood: withAlpha(
      fakeAxis("likelihood", w.matrix.likelihood.length, gaps("likelihood_gap")),
      alpha?.likelihood,
    ),
    impact: withAlpha(
      fakeAxis("impact", w.matrix.impact.length, gaps("impact_gap")),
      alpha?.impact,
    ),
    dominant_counts: counts,
    candidate_count: counts.agree,
    changes,
  };
}

/** The changes seen in two or more workshops, by ticket, else exact title. */
function series(points: TrendPoint[]): ChangeSeries[] {
  const seen = new Map<string, ChangeSeries>();
  points.forEach((p, i) => {
    for (const c of p.changes) {
      const k = `${c.followed_by}:${c.key}`;
      const s = seen.get(k) ?? { followed_by: c.followed_by, key: c.key, seen: [] };
      if (s.seen.at(-1)?.[0] !== i) s.seen.push([i, c]);
      seen.set(k, s);
    }
  });
  return [...seen.values()].filter((s) => s.seen.length >= 2);
}

/** A plain trend chart: the mean |gap| per axis over the workshops, in date order. */
function chart(points: TrendPoint[]): string {
  const [x0, x1, y0, y1, top] = [200, 1700, 200, 880, 4];
  const x = (i: number) =>
    points.length < 2 ? (x0 + x1) / 2 : x0 + ((x1 - x0) * i) / (points.length - 1);
  const y = (v: number) => y1 - ((y1 - y0) * v) / top;
  const line = (k: "likelihood" | "impact", colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="5" points="${points
      .map((p, i) => `${x(i)},${y(p[k].mean_abs_gap ?? 0)}`)
      .join(" ")}"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080" viewBox="0 0 1920 1080">`,
    `<rect width="1920" height="1080" fill="#fff"/>`,
    `<text x="60" y="70" font-size="44" font-family="sans-serif" font-weight="700">Across workshops (the fake's chart)</text>`,
    `<line x1="${x0}" y1="${y1}" x2="${x1}" y2="${y1}" stroke="#222" stroke-width="3"/>`,
    line("likelihood", "#1f3a93"),
    line("impact", "#c4540a"),
    ...points.map(
      (p, i) =>
        `<text x="${x(i)}" y="${y1 + 50}" font-size="28" text-anchor="middle" font-family="sans-serif">${esc(p.date ?? "no date")}</text>`,
    ),
    "</svg>",
  ].join("");
}

/** The engine's `MIN_CHANGES_TO_READ`. */
export const FAKE_MIN_CHANGES_TO_READ = 10;

/** The engine's title of a trend chart (`chart::trend_title`), which also names its export. */
export function fakeTrendTitle(points: TrendPoint[]): string {
  const pairs = new Set(points.map((p) => `${p.pair.from}\u0000${p.pair.to}`));
  const first = points[0];
  return first && pairs.size === 1
    ? `${first.pair.from} and ${first.pair.to} across workshops`
    : "Across workshops";
}

/** The trend of the given workshops (files that failed already listed in `failed`). */
export function fakeTrend(
  inputs: { file: string; workshop: Workshop; alpha?: FakeAlpha }[],
  failed: TrendFailed[],
  from: string | null,
  to: string | null,
): TrendReport {
  const points: TrendPoint[] = [];
  const all = [...failed];
  for (const { file, workshop, alpha } of inputs) {
    try {
      points.push(fakePoint(file, workshop, from, to, alpha));
    } catch (e) {
      all.push({
        file,
        name: file.split("/").at(-1) ?? file,
        message: String((e as Error).message),
      });
    }
  }
  points.sort((a, b) => (a.date_ms ?? Infinity) - (b.date_ms ?? Infinity));
  return {
    points,
    series: series(points),
    failed: all,
    chart_svg: points.length ? chart(points) : null,
    min_changes_to_read: FAKE_MIN_CHANGES_TO_READ,
  };
}
