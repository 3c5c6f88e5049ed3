#!/usr/bin/env python3
"""Checks the native chart shapes of a Parallax deck against what the workshop says, through
python-pptx: on every chart slide named in the expectations, each change has a marker shape
(named "<who>: <title>") whose text starts with its number and whose centre lies inside the
cell of its placement (from the shapes' offsets and extents, cells found by their names
"Cell L<l> × I<i>"); each arrow is a connector glued (stCxn/endCxn) to the right two markers
and whose ends lie next to them; the title placeholder holds the slide's title.

Usage: check_deck_shapes.py DECK.pptx EXPECT.json
EXPECT.json: {"slides": [{"title": "...", "markers": [{"name": "...", "number": 3,
  "cell": [l, i]}], "arrows": [{"from": "...", "to": "..."}]}]}
Exit 0 when every check passes, 1 with one line per problem otherwise.
"""
import json
import sys

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from lxml import etree

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def walk(shapes):
    for s in shapes:
        if s.shape_type == MSO_SHAPE_TYPE.GROUP:
            # Groups are written with an identity transform: child offsets are slide offsets.
            xfrm = s._element.grpSpPr.find(A + "xfrm")
            off, choff = xfrm.find(A + "off"), xfrm.find(A + "chOff")
            if off.get("x") != choff.get("x") or off.get("y") != choff.get("y"):
                raise SystemExit(f"group {s.name!r} is not an identity transform")
            yield s
            yield from walk(s.shapes)
        else:
            yield s


def centre(s):
    return (s.left + s.width / 2, s.top + s.height / 2)


def inside(p, r, slack=0):
    return r.left - slack <= p[0] <= r.left + r.width + slack and r.top - slack <= p[1] <= r.top + r.height + slack


def main() -> int:
    deck, expect_path = sys.argv[1], sys.argv[2]
    expect = json.load(open(expect_path, encoding="utf-8"))
    prs = Presentation(deck)
    problems = []
    checked = 0
    for want in expect["slides"]:
        slide = next(
            (s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text_frame.text == want["title"]),
            None,
        )
        if slide is None:
            titles = [s.shapes.title.text_frame.text if s.shapes.title is not None else None for s in prs.slides]
            problems.append(f"no slide whose title placeholder holds {want['title']!r} (titles: {titles})")
            continue
        shapes = list(walk(slide.shapes))
        by_name = {}
        for s in shapes:
            by_name.setdefault(s.name, []).append(s)
        cells = {s.name: s for s in shapes if s.name.startswith("Cell L")}
        markers = {}
        for m in want.get("markers", []):
            cell = cells.get(f"Cell L{m['cell'][0]} × I{m['cell'][1]}")
            if cell is None:
                problems.append(f"{want['title']}: no cell L{m['cell'][0]} × I{m['cell'][1]}")
                continue
            found = [
                s for s in by_name.get(m["name"], [])
                if s.has_text_frame and s.text_frame.text.split()[:1] == [str(m["number"])]
            ]
            if len(found) != 1:
                problems.append(f"{want['title']}: {len(found)} markers named {m['name']!r} with text {m['number']}")
                continue
            shape = found[0]
            markers[m["name"]] = shape
            checked += 1
            if not inside(centre(shape), cell):
                problems.append(
                    f"{want['title']}: marker {m['name']!r} at {centre(shape)} is not in cell "
                    f"L{m['cell'][0]} × I{m['cell'][1]} ({cell.left}, {cell.top}, {cell.width}, {cell.height})"
                )
        connectors = [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.LINE or s._element.tag.endswith("cxnSp")]
        for a in want.get("arrows", []):
            start, end = markers.get(a["from"]), markers.get(a["to"])
            if start is None or end is None:
                problems.append(f"{want['title']}: arrow {a} joins a missing marker")
                continue
            glued = [
                c for c in connectors
                if c._element.xpath("string(.//a:stCxn/@id)") == str(start.shape_id)
                and c._element.xpath("string(.//a:endCxn/@id)") == str(end.shape_id)
            ]
            if len(glued) != 1:
                problems.append(f"{want['title']}: {len(glued)} connectors from {a['from']!r} to {a['to']!r}")
                continue
            c = glued[0]
            if c._element.find(f".//{A}tailEnd") is None:
                problems.append(f"{want['title']}: the arrow {a} has no arrowhead")
            slack_s = max(start.width, start.height) * 0.4
            slack_e = max(end.width, end.height) * 0.4
            if not inside((c.begin_x, c.begin_y), start, slack_s) or not inside((c.end_x, c.end_y), end, slack_e):
                problems.append(
                    f"{want['title']}: the arrow {a} runs from ({c.begin_x}, {c.begin_y}) to ({c.end_x}, {c.end_y}), "
                    f"not between its markers"
                )
            checked += 1
        for s in shapes:
            # Placeholders take the layout's fonts; every other text names a theme font.
            if s.has_text_frame and not s.is_placeholder:
                for p in s.text_frame.paragraphs:
                    for r in p.runs:
                        latin = r._r.find(f"{A}rPr/{A}latin")
                        if latin is None or not latin.get("typeface", "").startswith("+"):
                            problems.append(f"{want['title']}: text {r.text!r} in {s.name!r} is not in a theme font")
                            break
    for p in problems:
        print(f"{deck}: {p}")
    if not problems:
        print(f"{deck}: ok — {checked} markers and arrows where they belong")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
