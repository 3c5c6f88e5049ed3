#!/usr/bin/env python3
"""Checks the meeting record of a Parallax deck with python-pptx: every change the room decided
something about has its slide (title "N title"), holding the texts it must show (rationales,
mitigations, owners), and the appendix slides ("Appendix: every change …") list every change
exactly once, at 12 pt or more.

Usage: check_deck_record.py DECK.pptx EXPECTED.json
EXPECTED: {"changes": 11, "records": [{"number": 1, "title": "…", "texts": ["…"]}]}
Exit 0 when every check passes, 1 with one line per problem otherwise.
"""
import json
import sys

from pptx import Presentation
from pptx.util import Pt


def slide_text(slide):
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            for row in shape.table.rows:
                out.extend(cell.text for cell in row.cells)
    return "\n".join(out)


def sizes(slide):
    """Every explicit run size on the slide, in points."""
    found = []
    for shape in slide.shapes:
        frames = []
        if shape.has_text_frame and not shape.is_placeholder:
            frames.append(shape.text_frame)
        if shape.has_table:
            frames.extend(cell.text_frame for row in shape.table.rows for cell in row.cells)
        for tf in frames:
            for p in tf.paragraphs:
                for r in p.runs:
                    if r.font.size is not None:
                        found.append(r.font.size.pt)
    return found


def main() -> int:
    deck, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    prs = Presentation(deck)
    problems = []
    slides = []
    for i, slide in enumerate(prs.slides, 1):
        title = slide.shapes.title
        slides.append((i, title.text_frame.text if title is not None else "", slide))

    for rec in expected["records"]:
        head = f"{rec['number']} {rec['title']}"[:89]
        own = [(i, s) for i, t, s in slides if t.startswith(head)]
        if len(own) != 1:
            problems.append(f"change {rec['number']}: {len(own)} slides titled {head!r}, expected 1")
            continue
        i, slide = own[0]
        # A record continued on more slides: the following ones say so in their titles.
        text = slide_text(slide)
        for j, t, s in slides[i:]:
            if "(continued" in t and t.startswith(rec["title"][:40]):
                text += "\n" + slide_text(s)
            else:
                break
        for wanted in rec["texts"]:
            if wanted not in text:
                problems.append(f"change {rec['number']} (slide {i}): no {wanted!r} on its slide")
        small = [s for s in sizes(slide) if s < 12]
        if small:
            problems.append(f"slide {i}: text at {min(small)} pt, under 12 pt")

    listed = []
    appendix = [(i, s) for i, t, s in slides if t.startswith("Appendix: every change")]
    if not appendix:
        problems.append("no appendix slide")
    for i, slide in appendix:
        tables = [sh for sh in slide.shapes if sh.has_table]
        if len(tables) != 1:
            problems.append(f"appendix slide {i}: {len(tables)} tables, expected 1")
            continue
        table = tables[0]
        rows = list(table.table.rows)
        if rows[0].cells[0].text != "#":
            problems.append(f"appendix slide {i}: no header row")
        listed.extend(r.cells[0].text for r in rows[1:])
        small = [s for s in sizes(slide) if s < 12]
        if small:
            problems.append(f"appendix slide {i}: text at {min(small)} pt, under 12 pt")
        if table.top + table.height > prs.slide_height:
            problems.append(f"appendix slide {i}: the table goes past the slide")
    want = [str(n) for n in range(1, expected["changes"] + 1)]
    if listed != want:
        problems.append(f"the appendix lists {listed}, expected {want}")

    for p in problems:
        print(f"{deck}: {p}")
    if not problems:
        print(f"{deck}: ok — {len(expected['records'])} records, {len(listed)} changes over {len(appendix)} appendix slides")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
