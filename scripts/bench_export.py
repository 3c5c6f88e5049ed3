#!/usr/bin/env python3
"""Export benchmarks, Rust against Python, in one run on this machine.

1. Runs the criterion benchmarks of crates/engine/benches/export.rs (release), which also write
   their inputs to a folder: the 18 chart PNGs of a 20-slide deck and a 1,000-change workshop.
2. Builds the same 20-slide deck with python-pptx from the same PNG bytes (cover, 18 picture
   slides with titles and notes, a 10-row table), saved to memory.
3. Draws the same 1920x1080 matrix with matplotlib (Agg) from the same workshop: 5x5 band-coloured
   cells, level labels, title, band legend, and per cell the cards that fit (four one-line
   cards, then "+N more"), encoded as PNG in memory.
4. Prints both sides' mean times and the ratios.

Usage: python scripts/bench_export.py [--skip-rust] [--repeat N]
Needs: the packages in scripts/requirements-bench-export.txt; cargo on PATH.
"""
import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("PARALLAX_BENCH_DIR", Path(tempfile.gettempdir()) / "parallax-bench-export"))
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def timed(fn, repeat):
    fn()  # warm-up (imports, font cache)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.mean(times), min(times)


def python_deck(pngs):
    from pptx import Presentation
    from pptx.util import Emu, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    cover = prs.slides.add_slide(prs.slide_layouts[0])
    cover.shapes.title.text = "Benchmark workshop: platform changes"
    cover.placeholders[1].text = "28 November 2026\nPerspectives: Dev, Ops"
    cover.notes_slide.notes_text_frame.text = "Summary sentence read out by the facilitator."
    for k, png in enumerate(pngs, 1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.add_picture(io.BytesIO(png), 0, 0, prs.slide_width, prs.slide_height)
        slide.shapes.title.text = f"Chart {k}"
        slide.notes_slide.notes_text_frame.text = f"Notes for chart {k}\nRationale one\nRationale two"
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "The 10 most contested changes"
    table = slide.shapes.add_table(11, 6, Emu(457200), Emu(1143000), Emu(11277600), Emu(4400000)).table
    for c, head in enumerate(["#", "Change", "Likelihood gap", "Impact gap", "Bands", "Placed by"]):
        table.cell(0, c).text = head
    for r in range(1, 11):
        for c, text in enumerate([str(r), f"Change {r}", "+2", "-1", "medium → high", "2 of 2"]):
            cell = table.cell(r, c)
            cell.text = text
            cell.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    slide.notes_slide.notes_text_frame.text = "Table notes"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


BANDS = [(1, "#7bc47f", "low"), (5, "#f2d45c", "medium"), (10, "#f29f4c", "high"), (17, "#e0605e", "critical")]


def lighten(hex_colour, amount=0.35):
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return tuple((v + (255 - v) * amount) / 255 for v in (r, g, b))


def python_matrix(workshop):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    fig = plt.figure(figsize=(19.2, 10.8), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 1920)
    ax.set_ylim(1080, 0)
    ax.axis("off")
    ax.text(60, 58, f"{workshop['title']}: where Dev placed the changes", fontsize=31.7, weight="bold", va="center")
    ax.text(60, 108, f"{len(workshop['changes'])} changes", fontsize=18.7, color="#555a60", va="center")
    x0, x1, y0, y1, n = 300, 1470, 150, 920, 5
    cw, ch = (x1 - x0) / n, (y1 - y0) / n
    likelihood = [lv["label"] for lv in workshop["matrix"]["likelihood"]]
    impact = [lv["label"] for lv in workshop["matrix"]["impact"]]
    cells = {}
    for number, change in enumerate(workshop["changes"], 1):
        p = change["placements"].get("dev")
        if p:
            cells.setdefault((p["likelihood"], p["impact"]), []).append((number, change["title"]))
    for l in range(1, n + 1):
        for i in range(1, n + 1):
            score = l * i
            band = [b for b in BANDS if b[0] <= score][-1]
            cx, cy = x0 + (i - 1) * cw, y0 + (n - l) * ch
            ax.add_patch(Rectangle((cx, cy), cw, ch, facecolor=lighten(band[1]), edgecolor="white", linewidth=3))
            ax.text(cx + cw - 8, cy + ch - 14, f"{score} · {band[2]}", fontsize=11.5, color="#555a60", ha="right", va="center")
            cards = cells.get((l, i), [])
            # As the Rust layout: three one-line cards fit a 154 px cell, so a crowded cell
            # shows two and "+N more".
            capacity = int((ch - 24 - 7 + 5) // 35)
            shown = cards if len(cards) <= capacity else cards[: capacity - 1]
            for k, (number, title) in enumerate(shown):
                top = cy + 7 + k * 35
                ax.add_patch(Rectangle((cx + 7, top), cw - 14, 30, facecolor="white", edgecolor="#212529", linewidth=1.5))
                label = f"{number} {title}"
                # Characters, not measured width: cheaper than the Rust side's measured ellipsis.
                if len(label) > 20:
                    label = label[:19] + "…"
                ax.text(cx + 14, top + 15, label, fontsize=14.4, va="center")
            if len(shown) < len(cards):
                ax.text(cx + 14, cy + 7 + len(shown) * 35 + 15, f"+{len(cards) - len(shown)} more", fontsize=14.4, weight="bold", va="center")
    for l in range(1, n + 1):
        y = y0 + (n - l) * ch + ch / 2
        ax.text(x0 - 14, y - 13, likelihood[l - 1], fontsize=16.5, weight="bold", ha="right", va="center")
        ax.text(x0 - 14, y + 15, f"L{l}", fontsize=14, color="#555a60", ha="right", va="center")
    for i in range(1, n + 1):
        x = x0 + (i - 1) * cw + cw / 2
        ax.text(x, y1 + 24, impact[i - 1], fontsize=16.5, weight="bold", ha="center", va="center")
        ax.text(x, y1 + 52, f"I{i}", fontsize=14, color="#555a60", ha="center", va="center")
    ax.text(1510, 164, "Bands (score = L × I)", fontsize=16.5, weight="bold", va="center")
    for k, (lo, colour, name) in enumerate(BANDS):
        y = 202 + k * 36
        ax.add_patch(Rectangle((1510, y - 14), 40, 28, facecolor=lighten(colour), edgecolor="#787d82"))
        ax.text(1562, y, name, fontsize=15, va="center")
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100)
    plt.close(fig)
    return out.getvalue()


def criterion_mean(bench_id):
    path = TARGET / "criterion" / bench_id / "new" / "estimates.json"
    with open(path) as f:
        return json.load(f)["mean"]["point_estimate"] / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-rust", action="store_true", help="reuse the last criterion results")
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not args.skip_rust:
        env = dict(os.environ, PARALLAX_BENCH_DIR=str(BENCH_DIR), CARGO_TARGET_DIR=str(TARGET))
        subprocess.run(["cargo", "bench", "-p", "parallax-engine", "--bench", "export"], cwd=ROOT, env=env, check=True)

    pngs = [(BENCH_DIR / f"slide-{k:02}.png").read_bytes() for k in range(1, 19)]
    deck = python_deck(pngs)
    (BENCH_DIR / "python-20-slides.pptx").write_bytes(deck)
    py_deck, py_deck_min = timed(lambda: python_deck(pngs), args.repeat)

    workshop = json.loads((BENCH_DIR / "workshop-1000.json").read_text())
    (BENCH_DIR / "python-matrix-1000.png").write_bytes(python_matrix(workshop))
    py_matrix, py_matrix_min = timed(lambda: python_matrix(workshop), args.repeat)

    rust_deck = criterion_mean("deck_20_slides")
    rust_matrix = criterion_mean("matrix_png_1000_cards")
    try:
        rust_full = criterion_mean("full_deck/full_deck_8_slides")
    except FileNotFoundError:
        rust_full = None

    print()
    print(f"{'benchmark':<34}{'Rust (mean)':>14}{'Python (mean)':>16}{'Python (min)':>15}{'ratio':>9}")
    print(f"{'20-slide deck (python-pptx)':<34}{rust_deck * 1e3:>11.2f} ms{py_deck * 1e3:>13.1f} ms{py_deck_min * 1e3:>12.1f} ms{py_deck / rust_deck:>8.1f}x")
    print(f"{'1920x1080 matrix, 1,000 cards':<34}{rust_matrix * 1e3:>11.2f} ms{py_matrix * 1e3:>13.1f} ms{py_matrix_min * 1e3:>12.1f} ms{py_matrix / rust_matrix:>8.1f}x")
    if rust_full is not None:
        print(f"{'whole 8-slide deck, 4K charts':<34}{rust_full * 1e3:>11.1f} ms")
    print(f"inputs and outputs: {BENCH_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
