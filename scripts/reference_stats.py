#!/usr/bin/env python3
"""Reference values for Parallax's agreement statistics.

Computes, for every workshop in crates/engine/tests/reference/*.parallax and the pairs listed in
PAIRS, the quadratic-weighted Cohen's kappa of the pair (scikit-learn) and the ordinal
Krippendorff's alpha across all perspectives (the PyPI `krippendorff` package), per axis, and, for
a workshop with people in the room, each perspective's ordinal alpha over its members' placed
answers and how far members are from their perspective's lower median (`within`), and writes
crates/engine/tests/reference/expected.json. The Rust test
crates/engine/tests/analysis_reference.rs compares the engine with those stored values to 1e-9,
so Python is only needed to regenerate them.

    python3 -m venv /work/venv-ref
    /work/venv-ref/bin/pip install -r scripts/requirements-reference.txt
    /work/venv-ref/bin/python scripts/reference_stats.py generate   # rewrite the datasets
    /work/venv-ref/bin/python scripts/reference_stats.py            # rewrite expected.json

Conventions shared with the engine (crates/engine/src/analysis/stats.rs):
- kappa uses only the changes both perspectives placed, labels = the full scale 1..=n of the axis;
- alpha uses reliability data perspectives x changes, NaN where a perspective has not placed a
  change, value_domain = 1..=n;
- a statistic is undefined (null + a code) when nothing can be compared, when only one change can
  be compared (scikit-learn would give a meaningless number there; it is stored as `*_raw`), or when
  the reference itself is undefined (NaN: no variation);
- exact and within-one agreement are the shares of the compared changes whose two levels are equal,
  or at most one apart, counted directly here;
- the 95% bootstrap intervals (crates/engine/src/analysis/bootstrap.rs) resample the units (kappa:
  the compared changes; alpha: the changes two or more perspectives placed, workshop order) 2,000
  times with fastrand's WyRand generator, re-implemented below (`WyRand`), seeded with
  0x5041_5241_4C4C_4158 ("PARALLAX"), so the very same resamples are drawn; each resample goes
  through scikit-learn or `krippendorff`, NaN resamples are left out, and the interval is numpy's
  percentile([2.5, 97.5]). The intervals make a run take minutes rather than seconds.
"""

import importlib.metadata
import json
import math
import random
import sys
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import sklearn
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "engine" / "tests" / "reference"
PLACED_AT = 1764000000000
RESAMPLES = 2000
SEED = 0x5041_5241_4C4C_4158  # "PARALLAX"
MASK64 = (1 << 64) - 1

# Extra pairs to check besides the default (the first two perspectives), by perspective id.
PAIRS = {
    "three-perspectives-4x5.parallax": [("ops", "sec"), ("sec", "dev")],
    "risk-storming-3x3.parallax": [("arch", "ops")],
    "random-7x7.parallax": [("p3", "p1")],
}


# ----------------------------------------------------------------------------------------------
# The bootstrap's resamples, drawn as the engine draws them


class WyRand:
    """fastrand 2's generator: WyRand (v4.2 constants) and Lemire's bounded `u32(0..n)`."""

    def __init__(self, seed):
        self.state = seed

    def u64(self):
        self.state = (self.state + 0x2D358DCCAA6C78A5) & MASK64
        t = self.state * (self.state ^ 0x8BB84B93962EACC9)
        return (t & MASK64) ^ (t >> 64)

    def below(self, n):
        r = self.u64() & 0xFFFFFFFF
        hi, lo = (r * n) >> 32, (r * n) & 0xFFFFFFFF
        if lo < n:
            t = ((-n) & 0xFFFFFFFF) % n
            while lo < t:
                r = self.u64() & 0xFFFFFFFF
                hi, lo = (r * n) >> 32, (r * n) & 0xFFFFFFFF
        return hi


def resamples(n):
    rng = WyRand(SEED)
    for _ in range(RESAMPLES):
        yield [rng.below(n) for _ in range(n)]


def interval(values):
    if not values:
        return None
    low, high = np.percentile(np.array(values, dtype=float), [2.5, 97.5])
    return [float(low), float(high)]


def kappa_of(pairs, n_levels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(
            cohen_kappa_score(
                [a for a, _ in pairs],
                [b for _, b in pairs],
                weights="quadratic",
                labels=list(range(1, n_levels + 1)),
            )
        )


def alpha_of(data, n_levels):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return float(
            krippendorff.alpha(
                reliability_data=data,
                level_of_measurement="ordinal",
                value_domain=list(range(1, n_levels + 1)),
            )
        )


def kappa_interval(pairs, n_levels):
    values = []
    for drawn in resamples(len(pairs)):
        value = kappa_of([pairs[i] for i in drawn], n_levels)
        if not math.isnan(value):
            values.append(value)
    return interval(values)


def alpha_interval(data, n_levels):
    """data: perspectives x changes; resamples the changes with two or more placements."""
    pairable = [u for u in range(data.shape[1]) if np.sum(~np.isnan(data[:, u])) >= 2]
    units = data[:, pairable]
    values = []
    for drawn in resamples(len(pairable)):
        value = alpha_of(units[:, drawn], n_levels)
        if not math.isnan(value):
            values.append(value)
    return interval(values)


# ----------------------------------------------------------------------------------------------
# Reference values


def axis_key(axis):
    return "likelihood" if axis == 0 else "impact"


def level(placement, axis):
    return placement[axis_key(axis)]


def kappa(workshop, frm, to, axis, n_levels):
    pairs = [
        (level(c["placements"][frm], axis), level(c["placements"][to], axis))
        for c in workshop["changes"]
        if frm in c["placements"] and to in c["placements"]
    ]
    out = {"compared": len(pairs)}
    if pairs:
        gaps = [b - a for a, b in pairs]
        out["mean_signed_gap"] = float(np.mean(gaps))
        out["mean_abs_gap"] = float(np.mean(np.abs(gaps)))
        out["exact_agreement"] = sum(1 for a, b in pairs if a == b) / len(pairs)
        out["within_one_agreement"] = sum(1 for a, b in pairs if abs(a - b) <= 1) / len(pairs)
    else:
        out["mean_signed_gap"] = None
        out["mean_abs_gap"] = None
        out["exact_agreement"] = None
        out["within_one_agreement"] = None
    out["kappa_ci"] = None
    if not pairs:
        out["weighted_kappa"] = None
        out["weighted_kappa_undefined"] = "no_comparable_changes"
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(
            [a for a, _ in pairs],
            [b for _, b in pairs],
            weights="quadratic",
            labels=list(range(1, n_levels + 1)),
        )
    value = float(value)
    if len(pairs) == 1:
        out["weighted_kappa"] = None
        out["weighted_kappa_undefined"] = "single_change"
        out["weighted_kappa_raw"] = None if math.isnan(value) else value
    elif math.isnan(value):
        out["weighted_kappa"] = None
        out["weighted_kappa_undefined"] = "no_variation"
    else:
        out["weighted_kappa"] = value
        out["weighted_kappa_undefined"] = None
        out["kappa_ci"] = kappa_interval(pairs, n_levels)
    return out


def alpha(workshop, axis, n_levels):
    ids = [p["id"] for p in workshop["perspectives"]]
    data = np.array(
        [
            [
                float(level(c["placements"][pid], axis)) if pid in c["placements"] else np.nan
                for c in workshop["changes"]
            ]
            for pid in ids
        ],
        dtype=float,
    ).reshape(len(ids), len(workshop["changes"]))
    pairable = int((np.sum(~np.isnan(data), axis=0) >= 2).sum()) if data.size else 0
    out = {"alpha_changes": pairable, "alpha_ci": None}
    if pairable == 0:
        out["krippendorff_alpha"] = None
        out["krippendorff_alpha_undefined"] = "no_comparable_changes"
        return out
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        value = float(
            krippendorff.alpha(
                reliability_data=data,
                level_of_measurement="ordinal",
                value_domain=list(range(1, n_levels + 1)),
            )
        )
    if pairable == 1:
        out["krippendorff_alpha"] = None
        out["krippendorff_alpha_undefined"] = "single_change"
        out["krippendorff_alpha_raw"] = None if math.isnan(value) else value
    elif math.isnan(value):
        out["krippendorff_alpha"] = None
        out["krippendorff_alpha_undefined"] = "no_variation"
    else:
        out["krippendorff_alpha"] = value
        out["krippendorff_alpha_undefined"] = None
        out["alpha_ci"] = alpha_interval(data, n_levels)
    return out


def within(workshop, axis, n_levels):
    """Agreement inside each perspective: members x changes, NaN where a member did not place."""
    out = {}
    for p in workshop["perspectives"]:
        members = [m["id"] for m in workshop.get("participants", []) if m["perspective"] == p["id"]]
        if not members:
            continue
        def answer_level(c, m):
            a = c.get("answers", {}).get(m)
            return float(a[axis_key(axis)]) if a and a["kind"] == "placed" else np.nan
        data = np.array([[answer_level(c, m) for c in workshop["changes"]] for m in members], dtype=float)
        pairable = [u for u in range(data.shape[1]) if np.sum(~np.isnan(data[:, u])) >= 2]
        diffs = []
        for u in pairable:
            levels = sorted(int(x) for x in data[:, u] if not np.isnan(x))
            median = levels[(len(levels) - 1) // 2]  # the lower median, as the engine places
            diffs += [abs(l - median) for l in levels]
        stats = {"changes": len(pairable)}
        if diffs:
            stats["mean_abs_from_median"] = float(np.mean(diffs))
        else:
            stats["mean_abs_from_median"] = None
        if not pairable:
            stats["krippendorff_alpha"] = None
            stats["krippendorff_alpha_undefined"] = "no_comparable_changes"
        else:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = float(
                    krippendorff.alpha(
                        reliability_data=data,
                        level_of_measurement="ordinal",
                        value_domain=list(range(1, n_levels + 1)),
                    )
                )
            if len(pairable) == 1:
                stats["krippendorff_alpha"] = None
                stats["krippendorff_alpha_undefined"] = "single_change"
            elif math.isnan(value):
                stats["krippendorff_alpha"] = None
                stats["krippendorff_alpha_undefined"] = "no_variation"
            else:
                stats["krippendorff_alpha"] = value
                stats["krippendorff_alpha_undefined"] = None
        out[p["id"]] = stats
    return out


def compute():
    results = []
    for path in sorted(DATA.glob("*.parallax")):
        workshop = json.loads(path.read_text(encoding="utf-8"))
        ids = [p["id"] for p in workshop["perspectives"]]
        pairs = [(ids[0], ids[1])] + PAIRS.get(path.name, [])
        for frm, to in pairs:
            entry = {"file": path.name, "from": frm, "to": to}
            for axis in (0, 1):
                n_levels = len(workshop["matrix"][axis_key(axis)])
                stats = {"levels": n_levels}
                stats.update(kappa(workshop, frm, to, axis, n_levels))
                stats.update(alpha(workshop, axis, n_levels))
                entry[axis_key(axis)] = stats
                if workshop.get("participants"):
                    entry.setdefault("within", {})[axis_key(axis)] = within(workshop, axis, n_levels)
            results.append(entry)
    out = {
        "generated_by": "scripts/reference_stats.py",
        "versions": {
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "krippendorff": importlib.metadata.version("krippendorff"),
        },
        "results": results,
    }
    target = DATA / "expected.json"
    target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)} ({len(results)} comparisons)")


# ----------------------------------------------------------------------------------------------
# Datasets (deterministic; `generate` rewrites them)

LOW, MEDIUM, HIGH, CRITICAL = "#7bc47f", "#f2d45c", "#f29f4c", "#e0605e"
COLOURS = ["#2f6fdf", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#0b7285", "#5c940d", "#495057"]


def levels(names):
    return [{"label": n, "definition": "", "example": ""} for n in names]


def band(name, colour, min_score):
    return {"name": name, "color": colour, "min_score": min_score}


def workshop(title, likelihood, impact, bands, perspectives, rows):
    """rows: (title, {perspective id: (l, i)}, extra fields)."""
    changes = []
    for n, (change_title, placed, extra) in enumerate(rows, start=1):
        change = {
            "id": f"c{n}",
            "title": change_title,
            "placements": {
                pid: {"likelihood": l, "impact": i, "rationale": "", "placed_at_ms": PLACED_AT}
                for pid, (l, i) in placed.items()
            },
        }
        change.update(extra)
        changes.append(change)
    return {
        "format": "parallax-workshop",
        "schema_version": 1,
        "title": title,
        "matrix": {"likelihood": levels(likelihood), "impact": levels(impact), "bands": bands},
        "perspectives": [
            {"id": pid, "name": name, "color": COLOURS[k]} for k, (pid, name) in enumerate(perspectives)
        ],
        "changes": changes,
        "phase": "revealed",
        "blind": False,
    }


FIVE = ["1", "2", "3", "4", "5"]
FIVE_BANDS = [band("low", LOW, 1), band("medium", MEDIUM, 5), band("high", HIGH, 10), band("critical", CRITICAL, 17)]


def dev_ops_5x5():
    # Dev and Ops on the default 5x5; Ops tends to rate likelihood higher. Two changes placed by
    # one side only, one by neither.
    d = [(2, 4), (1, 3), (3, 3), (2, 2), (4, 5), (1, 1), (2, 3), (3, 4), (2, 5), (1, 2), (3, 2), None, (2, 2), None]
    o = [(4, 4), (2, 3), (4, 2), (3, 2), (5, 5), (1, 1), (4, 3), (3, 5), None, (1, 2), (4, 2), (2, 2), (3, 3), None]
    rows = []
    for k, (a, b) in enumerate(zip(d, o)):
        placed = {}
        if a:
            placed["dev"] = a
        if b:
            placed["ops"] = b
        extra = {}
        if k == 5:
            extra = {"consensus": {"likelihood": 1, "impact": 1}, "change_type": "standard"}
        if k == 9:
            extra = {
                "consensus": {"likelihood": 1, "impact": 2},
                "mitigations": [{"id": "m1", "text": "Canary", "owner": "Ops", "lowers": "impact"}],
                "residual": {"likelihood": 1, "impact": 1},
            }
        if k == 0:
            extra = {
                "consensus": {"likelihood": 3, "impact": 4},
                "mitigations": [
                    {"id": "m1", "text": "Rehearse on staging", "owner": "Dev", "lowers": "likelihood"},
                    {"id": "m2", "text": "Feature flag", "owner": "Dev", "lowers": "impact"},
                ],
                "residual": {"likelihood": 2, "impact": 2},
            }
        rows.append((f"Change {k + 1}", placed, extra))
    return workshop("Reference: Dev and Ops, 5x5", FIVE, FIVE, FIVE_BANDS, [("dev", "Dev"), ("ops", "Ops")], rows)


def three_perspectives_4x5():
    # A 4 (likelihood) x 5 (impact) matrix, three perspectives, placements missing here and there.
    rng = random.Random(4005)
    rows = []
    for k in range(18):
        base_l, base_i = rng.randint(1, 4), rng.randint(1, 5)
        placed = {}
        for pid, bias in (("dev", (0, 0)), ("ops", (1, 0)), ("sec", (0, 1))):
            if rng.random() < 0.2:
                continue
            l = min(4, max(1, base_l + bias[0] + rng.choice([-1, 0, 0, 1])))
            i = min(5, max(1, base_i + bias[1] + rng.choice([-1, 0, 0, 1])))
            placed[pid] = (l, i)
        rows.append((f"Change {k + 1}", placed, {}))
    bands = [band("low", LOW, 1), band("medium", MEDIUM, 4), band("high", HIGH, 9), band("critical", CRITICAL, 15)]
    return workshop(
        "Reference: three perspectives, 4x5",
        ["Rare", "Unlikely", "Likely", "Almost certain"],
        FIVE,
        bands,
        [("dev", "Dev"), ("ops", "Ops"), ("sec", "Security")],
        rows,
    )


def risk_storming_3x3():
    # The 3x3 risk-storming grid with four perspectives and many gaps; Ops never uses impact 3.
    table = [
        {"dev": (1, 2), "ops": (2, 2), "arch": (1, 1)},
        {"dev": (3, 3), "ops": (3, 2), "qa": (2, 3)},
        {"dev": (2, 1), "arch": (2, 1)},
        {"ops": (1, 1)},
        {"dev": (1, 1), "ops": (1, 1), "arch": (1, 2), "qa": (1, 1)},
        {"dev": (2, 3), "ops": (3, 2), "arch": (3, 3), "qa": (2, 2)},
        {},
        {"dev": (3, 2), "qa": (3, 3)},
        {"dev": (1, 3), "ops": (2, 2), "arch": (1, 3)},
        {"ops": (2, 1), "arch": (2, 2), "qa": (1, 1)},
    ]
    rows = [(f"Change {k + 1}", placed, {}) for k, placed in enumerate(table)]
    bands = [band("low", LOW, 1), band("medium", MEDIUM, 3), band("high", HIGH, 6)]
    return workshop(
        "Reference: risk storming, 3x3",
        ["Low", "Medium", "High"],
        ["Low", "Medium", "High"],
        bands,
        [("dev", "Dev"), ("ops", "Ops"), ("arch", "Architecture"), ("qa", "QA")],
        rows,
    )


def random_7x7():
    # A large 7x7 workshop, five perspectives, a quarter of the placements missing.
    rng = random.Random(7007)
    ids = [f"p{k}" for k in range(1, 6)]
    rows = []
    for k in range(120):
        base_l, base_i = rng.randint(1, 7), rng.randint(1, 7)
        placed = {}
        for pid in ids:
            if rng.random() < 0.25:
                continue
            l = min(7, max(1, base_l + rng.choice([-2, -1, 0, 0, 0, 1, 2])))
            i = min(7, max(1, base_i + rng.choice([-1, 0, 0, 1])))
            placed[pid] = (l, i)
        rows.append((f"Change {k + 1}", placed, {}))
    seven = [str(k) for k in range(1, 8)]
    bands = [band("low", LOW, 1), band("medium", MEDIUM, 8), band("high", HIGH, 20), band("critical", CRITICAL, 33)]
    return workshop(
        "Reference: random 7x7", seven, seven, bands, [(pid, f"Team {pid[1:]}") for pid in ids], rows
    )


def degenerate_3x3():
    # Everyone rates likelihood 2 (no variation: kappa and alpha undefined on likelihood), impact
    # varies; Security never placed anything.
    table = [{"dev": (2, 1), "ops": (2, 2)}, {"dev": (2, 3), "ops": (2, 3)}, {"dev": (2, 2), "ops": (2, 1)}, {"dev": (2, 1)}]
    rows = [(f"Change {k + 1}", placed, {}) for k, placed in enumerate(table)]
    bands = [band("low", LOW, 1), band("medium", MEDIUM, 3), band("high", HIGH, 6)]
    three = ["Low", "Medium", "High"]
    return workshop("Reference: no variation", three, three, bands, [("dev", "Dev"), ("ops", "Ops"), ("sec", "Security")], rows)


def single_change_5x5():
    # Only one change placed by both: agreement over one change is undefined by convention.
    table = [{"dev": (2, 4), "ops": (4, 4)}, {"dev": (1, 1)}, {"ops": (3, 3)}]
    rows = [(f"Change {k + 1}", placed, {}) for k, placed in enumerate(table)]
    return workshop("Reference: one change compared", FIVE, FIVE, FIVE_BANDS, [("dev", "Dev"), ("ops", "Ops")], rows)


def room_5x5():
    # A room on the default 5x5: four developers, three operators and one security engineer
    # placing 16 changes from their phones; some say "not sure", some skip a change. Each
    # perspective's placement is its members' lower median, with the spread, as the engine derives it.
    rng = random.Random(2025)
    people = [("p1", "dev"), ("p2", "dev"), ("p3", "dev"), ("p4", "dev"), ("p5", "ops"), ("p6", "ops"), ("p7", "ops"), ("p8", "sec")]
    rows = []
    answers_of = []
    for k in range(16):
        base_l, base_i = rng.randint(1, 5), rng.randint(1, 5)
        answers = {}
        for n, (pid, persp) in enumerate(people):
            r = rng.random()
            if r < 0.1:
                continue
            at = PLACED_AT + 1000 * (16 * n + k)
            if r < 0.2:
                answers[pid] = {"kind": "not_sure", "rationale": "", "at_ms": at}
                continue
            bias = 1 if persp == "ops" else 0
            spread = [-1, 0, 0, 0, 1] if persp == "dev" else [-2, -1, 0, 1, 2]
            l = min(5, max(1, base_l + bias + rng.choice(spread)))
            i = min(5, max(1, base_i + rng.choice(spread)))
            answers[pid] = {"kind": "placed", "likelihood": l, "impact": i, "rationale": "", "at_ms": at}
        answers_of.append(answers)
        rows.append((f"Change {k + 1}", {}, {"answers": answers} if answers else {}))
    w = workshop("Reference: a room, 5x5", FIVE, FIVE, FIVE_BANDS, [("dev", "Dev"), ("ops", "Ops"), ("sec", "Security")], rows)
    w["schema_version"] = 2
    w["participants"] = [
        {"id": pid, "name": f"Person {pid[1:]}", "perspective": persp, "joined_at_ms": PLACED_AT} for pid, persp in people
    ]
    for change, answers in zip(w["changes"], answers_of):
        for persp in ("dev", "ops", "sec"):
            mine = [answers[pid] for pid, p in people if p == persp and pid in answers]
            placed = [a for a in mine if a["kind"] == "placed"]
            if not placed:
                continue
            ls = sorted(a["likelihood"] for a in placed)
            is_ = sorted(a["impact"] for a in placed)
            change["placements"][persp] = {
                "likelihood": ls[(len(ls) - 1) // 2],
                "impact": is_[(len(is_) - 1) // 2],
                "rationale": "",
                "placed_at_ms": max(a["at_ms"] for a in placed),
                "spread": {
                    "likelihood_min": ls[0], "likelihood_max": ls[-1],
                    "impact_min": is_[0], "impact_max": is_[-1],
                    "people": len(placed), "not_sure": len(mine) - len(placed),
                },
            }
    return w


def generate():
    sets = {
        "room-5x5.parallax": room_5x5(),
        "dev-ops-5x5.parallax": dev_ops_5x5(),
        "three-perspectives-4x5.parallax": three_perspectives_4x5(),
        "risk-storming-3x3.parallax": risk_storming_3x3(),
        "random-7x7.parallax": random_7x7(),
        "degenerate-3x3.parallax": degenerate_3x3(),
        "single-change-5x5.parallax": single_change_5x5(),
    }
    DATA.mkdir(parents=True, exist_ok=True)
    for name, w in sets.items():
        (DATA / name).write_text(json.dumps(w, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {(DATA / name).relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["generate"]:
        generate()
    elif sys.argv[1:]:
        sys.exit("usage: reference_stats.py [generate]")
    else:
        compute()
