#!/usr/bin/env python3
"""Renders one chart slide of a native-shape deck and of the picture deck of the same workshop
(LibreOffice → PDF → pdftoppm) and checks that they agree where it matters: for every matrix
cell (found by name, "Cell L<l> × I<i>", in the shapes deck) and every marker colour, the number
of pixels of that colour inside the cell. A marker in the wrong cell moves a marker's worth of
pixels from one cell to another; fonts that differ between the two renders do not, because no
text is drawn in a marker colour outside a marker.

Usage: compare_renders.py SHAPES.pptx PICTURES.pptx --slide N --color 2f6fdf [--color …]
       [--shift-marker NAME] [--dpi 100] [--work DIR]
--shift-marker moves the named marker one cell to the right in a copy of SHAPES.pptx first:
the comparison must then fail (a check that the measure can fail).
Exit 0 when the renders agree, 1 otherwise (one line per cell that differs).
"""
import argparse
import os
import subprocess
import sys
import tempfile

from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE


def walk(shapes):
    for s in shapes:
        if s.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from walk(s.shapes)
        else:
            yield s


def render(deck, slide, dpi, work):
    out = os.path.join(work, os.path.splitext(os.path.basename(deck))[0])
    os.makedirs(out, exist_ok=True)
    profile = f"-env:UserInstallation=file://{os.path.join(work, 'lo-profile')}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", out, deck],
                   check=True, capture_output=True)
    pdf = os.path.join(out, os.path.splitext(os.path.basename(deck))[0] + ".pdf")
    prefix = os.path.join(out, "page")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(slide), "-l", str(slide), "-singlefile", pdf, prefix],
                   check=True, capture_output=True)
    return Image.open(prefix + ".png").convert("RGB")


def counts(img, cells, slide_w, colors, tol=40):
    k = img.width / slide_w
    px = img.load()
    out = {}
    for name, (x, y, w, h) in cells.items():
        x0, y0, x1, y1 = int(x * k) + 1, int(y * k) + 1, int((x + w) * k) - 1, int((y + h) * k) - 1
        for c in colors:
            n = 0
            for yy in range(y0, y1):
                for xx in range(x0, x1):
                    p = px[xx, yy]
                    if abs(p[0] - c[0]) + abs(p[1] - c[1]) + abs(p[2] - c[2]) < tol:
                        n += 1
            out[(name, c)] = n
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("shapes")
    ap.add_argument("pictures")
    ap.add_argument("--slide", type=int, required=True)
    ap.add_argument("--color", action="append", required=True)
    ap.add_argument("--shift-marker")
    ap.add_argument("--dpi", type=int, default=100)
    ap.add_argument("--work")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="parallax-compare-")
    os.makedirs(work, exist_ok=True)
    colors = [tuple(int(h[i:i + 2], 16) for i in (0, 2, 4)) for h in args.color]

    prs = Presentation(args.shapes)
    slide = prs.slides[args.slide - 1]
    shapes = list(walk(slide.shapes))
    cells = {s.name: (s.left, s.top, s.width, s.height) for s in shapes if s.name.startswith("Cell L")}
    if not cells:
        print(f"{args.shapes}: slide {args.slide} has no cell shapes")
        return 1
    marker_area = min((s.width * s.height for s in shapes if ": " in s.name and s.has_text_frame
                       and s.text_frame.text.strip().isdigit()), default=0)
    shapes_deck = args.shapes
    if args.shift_marker:
        target = [s for s in shapes if s.name == args.shift_marker]
        if not target:
            print(f"no marker named {args.shift_marker!r}")
            return 2
        cell_w = min(w for (_, _, w, _) in cells.values())
        target[0].left = target[0].left + cell_w
        shapes_deck = os.path.join(work, "shifted.pptx")
        prs.save(shapes_deck)

    a = counts(render(shapes_deck, args.slide, args.dpi, work), cells, prs.slide_width, colors)
    b = counts(render(args.pictures, args.slide, args.dpi, work), cells, prs.slide_width, colors)
    # Half a marker's pixels at this resolution: anti-aliasing and the picture's own pixel grid
    # stay far below it; a marker in another cell is a whole marker.
    k = (args.dpi / 914400) ** 2
    limit = max(4.0, marker_area * k * 0.5)
    problems = []
    for key in sorted(a):
        if abs(a[key] - b[key]) > limit:
            problems.append(f"{key[0]}, colour {bytes(key[1]).hex()}: {a[key]} pixels in the shapes, {b[key]} in the picture")
    for p in problems:
        print(f"slide {args.slide}: {p}")
    total = sum(a.values())
    if not problems:
        worst = max(abs(a[key] - b[key]) for key in a)
        print(f"slide {args.slide}: the shapes and the picture agree in {len(cells)} cells ({total} marker pixels; "
              f"largest difference {worst}, limit {limit:.0f} per cell)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
