#!/usr/bin/env python3
"""Checks a Parallax deck the way a stricter reader than LibreOffice would: python-pptx (with
lxml) must open it, and it must have the slides, titles, pictures and notes it promises.

Usage: check_pptx.py DECK.pptx [--slides N] [--title TEXT]... [--pictures N] [--notes-contain TEXT]...
Exit 0 when every check passes, 1 with one line per problem otherwise.
"""
import argparse
import sys
import zipfile

from pptx import Presentation
from pptx.util import Emu

WIDE = (Emu(12192000), Emu(6858000))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("deck")
    ap.add_argument("--slides", type=int, help="exact number of slides")
    ap.add_argument("--title", action="append", default=[], help="a slide title that must be present")
    ap.add_argument("--pictures", type=int, help="exact number of pictures in the deck")
    ap.add_argument("--notes-contain", action="append", default=[], help="text some slide's notes must contain")
    args = ap.parse_args()

    problems = []
    with zipfile.ZipFile(args.deck) as z:
        bad = z.testzip()
        if bad:
            problems.append(f"corrupt zip member {bad}")
    prs = Presentation(args.deck)
    if (prs.slide_width, prs.slide_height) != WIDE:
        problems.append(f"slide size {prs.slide_width}x{prs.slide_height} is not 16:9 12192000x6858000")
    slides = list(prs.slides)
    if args.slides is not None and len(slides) != args.slides:
        problems.append(f"{len(slides)} slides, expected {args.slides}")
    titles, notes, pictures = [], [], 0
    for i, slide in enumerate(slides, 1):
        title = slide.shapes.title
        if title is None or not title.text_frame.text.strip():
            problems.append(f"slide {i} has no title")
        else:
            titles.append(title.text_frame.text)
        for shape in slide.shapes:
            if shape.shape_type == 13:  # MSO_SHAPE_TYPE.PICTURE
                pictures += 1
                blob = shape.image.blob
                if not blob.startswith(b"\x89PNG"):
                    problems.append(f"slide {i}: picture is not a PNG")
                if shape.left < 0 or shape.top < 0 or shape.left + shape.width > prs.slide_width or shape.top + shape.height > prs.slide_height:
                    problems.append(f"slide {i}: picture goes past the slide")
        if not slide.has_notes_slide:
            problems.append(f"slide {i} has no notes")
        else:
            text = slide.notes_slide.notes_text_frame.text if slide.notes_slide.notes_text_frame else ""
            if not text.strip():
                problems.append(f"slide {i} has empty notes")
            notes.append(text)
    for wanted in args.title:
        if not any(wanted in t for t in titles):
            problems.append(f"no slide title contains {wanted!r} (titles: {titles})")
    if args.pictures is not None and pictures != args.pictures:
        problems.append(f"{pictures} pictures, expected {args.pictures}")
    for wanted in args.notes_contain:
        if not any(wanted in n for n in notes):
            problems.append(f"no notes contain {wanted!r}")
    for p in problems:
        print(f"{args.deck}: {p}")
    if not problems:
        print(f"{args.deck}: ok — {len(slides)} slides, {pictures} pictures, titles: {titles}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
