#!/usr/bin/env python3
"""The deck with native shapes, Parallax against python-pptx, in one run on this machine.

1. Makes workshops of 30 and 1,000 changes (Dev and Ops place every change, levels from a fixed
   pseudo-random sequence) with `parallax-cli import`.
2. Times `parallax-cli export --format pptx --charts shapes` on each (the whole command: load,
   analysis, layout, every slide, the zip, the atomic write), and notes the deck's size.
3. Reads every shape of each deck with python-pptx (not timed) and times python-pptx building the
   same shapes into a presentation of the same slide size, saved to memory: autoshapes with their
   geometry, fill, outline and text, text boxes, connectors with their arrowheads, groups, tables
   and pictures, each slide's title and notes. The ratio is python-pptx's time over Parallax's.
4. Times LibreOffice converting the 1,000-change deck to PDF (`soffice --headless`), which opens
   and lays out every slide, and counts the PDF's pages.

Usage: python scripts/bench_deck_shapes.py [--cli target/release/parallax-cli] [--repeat N]
Needs: python-pptx (scripts/requirements-pptx-check.txt), LibreOffice Impress for step 4, and a
release build of the command line (`cargo build --release -p parallax-cli`).
Prints a Markdown table for docs/benchmarks.md. Never a test: nothing fails on a time.
"""
import argparse
import copy
import io
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu

ROOT = Path(__file__).resolve().parent.parent


def workshop_csv(n):
    rng = random.Random(n)
    lines = ["title,type,ticket,Dev likelihood,Dev impact,Ops likelihood,Ops impact"]
    kinds = ["standard", "normal", "emergency"]
    for i in range(1, n + 1):
        levels = [rng.randint(1, 5) for _ in range(4)]
        lines.append(
            f"Change {i}: upgrade component {i % 97} in cluster {i % 7},{kinds[i % 3]},OPS-{1000 + i},"
            + ",".join(map(str, levels))
        )
    return "\n".join(lines) + "\n"


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.mean(times), min(times)


def read_shapes(shapes):
    """What python-pptx needs to build each shape again: plain data, read once, not timed."""
    out = []
    for s in shapes:
        kind = s.shape_type
        base = {"x": s.left, "y": s.top, "cx": s.width, "cy": s.height, "name": s.name}
        if kind == MSO_SHAPE_TYPE.GROUP:
            out.append({**base, "kind": "group", "children": read_shapes(s.shapes)})
        elif kind == MSO_SHAPE_TYPE.TABLE:
            rows = [[c.text for c in r.cells] for r in s.table.rows]
            out.append({**base, "kind": "table", "rows": rows})
        elif kind == MSO_SHAPE_TYPE.PICTURE:
            out.append({**base, "kind": "picture", "blob": s.image.blob})
        elif s.is_placeholder:
            out.append({"kind": "title", "text": s.text_frame.text})
        elif s.element.tag == qn("p:cxnSp"):
            ln = s.element.find(".//" + qn("a:ln"))
            out.append(
                {
                    **base,
                    "kind": "connector",
                    "begin": (s.begin_x, s.begin_y),
                    "end": (s.end_x, s.end_y),
                    "ln": copy.deepcopy(ln) if ln is not None else None,
                }
            )
        else:
            geom = s.element.find(".//" + qn("a:prstGeom"))
            sppr = s.element.find(qn("p:spPr"))
            fill = sppr.find(qn("a:solidFill")) if sppr is not None else None
            color = fill.find(qn("a:srgbClr")).get("val") if fill is not None and fill.find(qn("a:srgbClr")) is not None else None
            ln = sppr.find(qn("a:ln")) if sppr is not None else None
            text = s.text_frame.text if s.has_text_frame else ""
            size = None
            if s.has_text_frame:
                for p in s.text_frame.paragraphs:
                    for r in p.runs:
                        size = r.font.size
                        break
            out.append(
                {
                    **base,
                    "kind": "textbox" if s.element.find(".//" + qn("p:cNvSpPr")).get("txBox") == "1" else "shape",
                    "prst": geom.get("prst") if geom is not None else "rect",
                    "color": color,
                    "ln": copy.deepcopy(ln) if ln is not None else None,
                    "text": text,
                    "size": size,
                }
            )
    return out


def read_deck(path):
    prs = Presentation(path)
    slides = []
    for slide in prs.slides:
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        slides.append({"shapes": read_shapes(slide.shapes), "notes": notes})
    return prs.slide_width, prs.slide_height, slides


def build(shapes, target):
    """Adds `shapes` to `target` (a slide's or a group's shape collection) with python-pptx."""
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE

    for s in shapes:
        k = s["kind"]
        if k == "group":
            group = target.add_group_shape()
            group.name = s["name"]
            build(s["children"], group.shapes)
        elif k == "table":
            rows, cols = len(s["rows"]), max(len(r) for r in s["rows"])
            table = target.add_table(rows, cols, Emu(s["x"]), Emu(s["y"]), Emu(s["cx"]), Emu(s["cy"])).table
            for i, row in enumerate(s["rows"]):
                for j, text in enumerate(row):
                    table.cell(i, j).text = text
        elif k == "picture":
            target.add_picture(io.BytesIO(s["blob"]), Emu(s["x"]), Emu(s["y"]), Emu(s["cx"]), Emu(s["cy"]))
        elif k == "title":
            pass  # set on the slide's title placeholder by the caller
        elif k == "connector":
            c = target.add_connector(MSO_CONNECTOR.STRAIGHT, *map(Emu, s["begin"]), *map(Emu, s["end"]))
            c.name = s["name"]
            if s["ln"] is not None:
                sppr = c.element.find(qn("p:spPr"))
                sppr.append(copy.deepcopy(s["ln"]))
        else:
            if k == "textbox":
                sh = target.add_textbox(Emu(s["x"]), Emu(s["y"]), Emu(s["cx"]), Emu(s["cy"]))
            else:
                prst = MSO_SHAPE.from_xml(s["prst"]) if s["prst"] else MSO_SHAPE.RECTANGLE
                sh = target.add_shape(prst, Emu(s["x"]), Emu(s["y"]), Emu(s["cx"]), Emu(s["cy"]))
                if s["color"]:
                    sh.fill.solid()
                    sh.fill.fore_color.rgb = RGBColor.from_string(s["color"])
                else:
                    sh.fill.background()
            sh.name = s["name"]
            if s["text"]:
                tf = sh.text_frame
                tf.text = s["text"]
                if s["size"] is not None:
                    for p in tf.paragraphs:
                        for r in p.runs:
                            r.font.size = s["size"]


def python_deck(width, height, slides):
    prs = Presentation()
    prs.slide_width, prs.slide_height = width, height
    layout = prs.slide_layouts[5]  # Title Only
    for spec in slides:
        slide = prs.slides.add_slide(layout)
        titles = [s for s in spec["shapes"] if s["kind"] == "title"]
        if titles and slide.shapes.title is not None:
            slide.shapes.title.text = titles[0]["text"]
        build(spec["shapes"], slide.shapes)
        if spec["notes"]:
            slide.notes_slide.notes_text_frame.text = spec["notes"]
    out = io.BytesIO()
    prs.save(out)
    return out.getbuffer().nbytes


def count(shapes):
    return sum(1 + (count(s["children"]) if s["kind"] == "group" else 0) for s in shapes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=str(ROOT / "target/release/parallax-cli"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parallax-bench-shapes-"))
    rows = []
    decks = {}
    for n in (30, 1000):
        csv = work / f"w{n}.csv"
        csv.write_text(workshop_csv(n))
        wfile = work / f"w{n}.parallax"
        subprocess.run([args.cli, "import", str(csv), "--out", str(wfile)], check=True, capture_output=True)
        deck = work / f"w{n}.pptx"
        cmd = [args.cli, "export", str(wfile), "--format", "pptx", "--charts", "shapes",
               "--date", "2026-11-29", "--out", str(deck)]
        subprocess.run(cmd, check=True, capture_output=True)  # warm-up
        rust_mean, rust_min = timed(lambda: subprocess.run(cmd, check=True, capture_output=True), args.repeat)
        width, height, slides = read_deck(deck)
        shapes = sum(count(s["shapes"]) for s in slides)
        python_deck(width, height, slides)  # warm-up
        py_size = [0]
        py_mean, py_min = timed(lambda: py_size.__setitem__(0, python_deck(width, height, slides)), args.repeat)
        rows.append((n, len(slides), shapes, rust_mean, rust_min, deck.stat().st_size, py_mean, py_min, py_size[0]))
        decks[n] = deck

    print("| Changes | Slides | Shapes | Parallax (mean / min) | Parallax size | python-pptx (mean / min) | python-pptx size | Ratio (means) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, sl, sh, rm, rmin, rs, pm, pmin, ps in rows:
        print(f"| {n:,} | {sl} | {sh:,} | {rm * 1000:.0f} / {rmin * 1000:.0f} ms | {rs / 1024:.0f} KiB | "
              f"{pm * 1000:.0f} / {pmin * 1000:.0f} ms | {ps / 1024:.0f} KiB | {pm / rm:.1f}× |")

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("\nLibreOffice not found: no conversion time.")
        return 0
    out = work / "pdf"
    profile = work / "lo-profile"
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
           "--outdir", str(out), str(decks[1000])]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)  # warm-up: the profile is made
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        times.append(time.perf_counter() - t0)
    pdf = (out / "w1000.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    print(f"\nLibreOffice {subprocess.run([soffice, '--version'], capture_output=True, text=True).stdout.strip()}: "
          f"1,000-change deck to PDF in {statistics.mean(times):.1f} s (mean of 2 after a first run; min {min(times):.1f} s), {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
