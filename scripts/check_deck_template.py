#!/usr/bin/env python3
"""Checks a Parallax deck built on a company template, with python-pptx: the deck has the
template's slide size, masters' layouts and theme fonts; none of the template's example slides
(titles starting with "EXAMPLE") is left; every slide's title is in a title placeholder; every
chart slide keeps its chart (shapes or a picture) inside the layout's content area (the body
placeholder's frame, else the slide below the title), fills that area (a chart is laid out for the
area's proportions: a 4:3 slide gets a narrower grid, not a smaller 16:9 picture), and is never
stretched (a picture has its area's proportions, a matrix's cells are all alike).

Usage: check_deck_template.py DECK.pptx TEMPLATE [--font NAME]
Exit 0 when every check passes, 1 with one line per problem otherwise; prints the slide count.
"""
import argparse
import sys
import zipfile

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

CONTENT = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.TABLE, PP_PLACEHOLDER.CHART}
SLACK = 12700  # one point


def walk(shapes):
    """Every shape, inside groups too."""
    for s in shapes:
        if s.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from walk(s.shapes)
        else:
            yield s


def theme_fonts(path):
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.startswith("ppt/theme/")]
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in names)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("deck")
    ap.add_argument("template")
    ap.add_argument("--font", action="append", default=[])
    args = ap.parse_args()
    problems = []
    deck = Presentation(args.deck)
    with zipfile.ZipFile(args.template) as z:
        # python-pptx opens a .potx only under its presentation content type; the size is in
        # presentation.xml either way.
        pres = z.read("ppt/presentation.xml").decode("utf-8")
    size = pres.split("<p:sldSz", 1)[1].split("/>", 1)[0]
    cx = int(size.split('cx="', 1)[1].split('"', 1)[0])
    cy = int(size.split('cy="', 1)[1].split('"', 1)[0])
    if (deck.slide_width, deck.slide_height) != (cx, cy):
        problems.append(f"slide size {deck.slide_width}x{deck.slide_height}, the template's is {cx}x{cy}")
    fonts = theme_fonts(args.deck)
    for f in args.font:
        if f'typeface="{f}"' not in fonts:
            problems.append(f"the theme lost the font {f}")

    charts = 0
    for i, slide in enumerate(deck.slides, 1):
        title = slide.shapes.title
        if title is None or not title.text_frame.text.strip():
            problems.append(f"slide {i}: no title in a title placeholder")
            continue
        if title.text_frame.text.startswith("EXAMPLE"):
            problems.append(f"slide {i}: the template's example slide {title.text_frame.text!r} is still there")
        if title.placeholder_format.type not in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            problems.append(f"slide {i}: the title is in a {title.placeholder_format.type} placeholder")
        own = [s for s in slide.shapes if not s.is_placeholder]
        chart = [s for s in own if s.shape_type in (MSO_SHAPE_TYPE.GROUP, MSO_SHAPE_TYPE.PICTURE)]
        if not chart:
            continue
        charts += 1
        layout = slide.slide_layout
        body = [p for p in layout.placeholders if p.placeholder_format.type in CONTENT]
        if body:
            b = max(body, key=lambda p: p.width * p.height)
            area = (b.left, b.top, b.left + b.width, b.top + b.height)
        else:
            # As the deck places it: below the title and above the footers, in from the sides
            # by the title's left margin (or a twentieth of the slide).
            w, h = deck.slide_width, deck.slide_height
            footers = [
                p.top
                for p in layout.placeholders
                if p.placeholder_format.type in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
            ]
            gap = h // 40
            top_edge = min(title.top + title.height + gap, h // 2)
            bottom_edge = min(min(footers, default=h - h // 20), h - h // 40) - gap
            x = title.left if 0 < title.left < w // 8 else w // 20
            area = (x, top_edge, w - x, max(bottom_edge, top_edge + h // 4))
        left = min(s.left for s in own)
        top = min(s.top for s in own)
        right = max(s.left + s.width for s in own)
        bottom = max(s.top + s.height for s in own)
        if left < area[0] - SLACK or top < area[1] - SLACK or right > area[2] + SLACK or bottom > area[3] + SLACK:
            problems.append(
                f"slide {i} ({layout.name}): the chart {left, top, right, bottom} leaves the content area {area}"
            )
        # The chart fills the area: laid out for its proportions, it spans at least 85% of its
        # width and height (the margins of the chart's own canvas make the rest). Past the
        # canvas' limits (1440–2560 × 996 under the title band) it fills one way only.
        aw, ah = area[2] - area[0], area[3] - area[1]
        within = 1440 / 996 <= aw / ah <= 2560 / 996
        spans = ((right - left) / aw, (bottom - top) / ah)
        cells = [s for s in walk(own) if s.name.startswith("Cell ")]
        # A bar chart is as tall as its rows: only a matrix must fill both ways.
        if (within and cells and min(spans) < 0.85) or max(spans) < 0.85:
            problems.append(
                f"slide {i}: the chart fills {spans[0]:.0%} of the content area's width and {spans[1]:.0%} of its height"
            )
        # Never stretched: the cells are all alike and of a plausible shape; a picture has the
        # proportions of the canvas it was laid out on, the area's within the canvas' limits.
        ratios = [c.width / c.height for c in cells if c.height]
        if ratios and (max(ratios) / min(ratios) > 1.02 or not 0.6 <= min(ratios) <= max(ratios) <= 2.4):
            problems.append(
                f"slide {i}: the matrix cells are stretched (width ÷ height {min(ratios):.2f}–{max(ratios):.2f})"
            )
        for s in own:
            if s.shape_type == MSO_SHAPE_TYPE.PICTURE:
                ratio = s.width / s.height
                want = min(max(aw / ah, 1440 / 996), 2560 / 996)
                if abs(ratio / want - 1) > 0.02:
                    problems.append(f"slide {i}: the picture is {ratio:.2f} wide per unit of height, its area {want:.2f}")
    if charts == 0:
        problems.append("no chart slide found")
    for p in problems:
        print(f"{args.deck}: {p}")
    layouts = sorted({s.slide_layout.name for s in deck.slides})
    print(f"slides={len(deck.slides)}")
    if not problems:
        print(f"{args.deck}: ok — {len(deck.slides)} slides, {charts} charts, layouts {layouts}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
