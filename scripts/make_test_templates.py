#!/usr/bin/env python3
"""Makes the company templates the export tests build decks on, with python-pptx, into OUTDIR:

- wide.pptx: 16:9, the layouts renamed (German names, so that a layout picked by name would be
  missed), the title-only layout's title moved into a band on the left, theme fonts Georgia
  (headings) and Verdana (body), a logo-like shape on the master, and two example slides;
- classic.potx: 4:3, python-pptx's own layouts, saved as a template (.potx), one example slide;
- blank.pptx: 16:10 with every layout removed but the blank one, and one example slide.

Usage: make_test_templates.py OUTDIR
Each example slide's title starts with "EXAMPLE", so a test can tell that none survived.
"""
import io
import re
import sys
import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu, Inches


def scale_master(prs, fx, fy):
    """Stretches the master's and layouts' own frames to a new slide size (python-pptx leaves
    them where the 4:3 template had them)."""
    for master in prs.slide_masters:
        groups = [master.shapes] + [layout.shapes for layout in master.slide_layouts]
        for shapes in groups:
            for sh in shapes:
                xfrm = sh._element.xpath("./p:spPr/a:xfrm")
                if not xfrm:
                    continue
                sh.left, sh.top = Emu(int(sh.left * fx)), Emu(int(sh.top * fy))
                sh.width, sh.height = Emu(int(sh.width * fx)), Emu(int(sh.height * fy))


def set_theme_fonts(prs, major, minor):
    master = prs.slide_masters[0]
    theme = next(r.target_part for r in master.part.rels.values() if r.reltype.endswith("/theme"))
    xml = theme.blob.decode("utf-8")
    xml = re.sub(r'(<a:majorFont>\s*<a:latin typeface=")[^"]*', r"\g<1>" + major, xml)
    xml = re.sub(r'(<a:minorFont>\s*<a:latin typeface=")[^"]*', r"\g<1>" + minor, xml)
    theme._blob = xml.encode("utf-8")


def layout_with(prs, kinds):
    """The first layout whose placeholder types are exactly `kinds` (ignoring footers)."""
    footers = {"DATE (16)", "FOOTER (15)", "SLIDE_NUMBER (13)"}
    for layout in prs.slide_layouts:
        have = sorted(str(p.placeholder_format.type) for p in layout.placeholders if str(p.placeholder_format.type) not in footers)
        if have == sorted(kinds):
            return layout
    raise SystemExit(f"no layout with {kinds}")


def example_slide(prs, layout, title):
    slide = prs.slides.add_slide(layout)
    if slide.shapes.title is not None:
        slide.shapes.title.text = title
    else:
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
        box.text_frame.text = title
    return slide


def wide(out: Path):
    prs = Presentation()
    fx = 13.333 / 10
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    scale_master(prs, fx, 1.0)
    set_theme_fonts(prs, "Georgia", "Verdana")
    master = prs.slide_masters[0]
    names = {
        "Title Slide": "Titelfolie",
        "Title and Content": "Inhalt mit Überschrift",
        "Title Only": "Kapitelseite",
        "Blank": "Leer",
    }
    for layout in prs.slide_layouts:
        if layout.name in names:
            layout.name = names[layout.name]
    only = layout_with(prs, ["TITLE (1)"])
    title = only.placeholders[0]
    title.left, title.top, title.width, title.height = Inches(0.4), Inches(0.3), Inches(8), Inches(0.9)
    agenda = example_slide(prs, layout_with(prs, ["TITLE (1)", "OBJECT (7)"]), "EXAMPLE agenda")
    # A logo on the master: drawn on a slide (masters cannot add shapes), then moved there.
    logo = agenda.shapes.add_shape(MSO_SHAPE.OVAL, Inches(12.4), Inches(0.2), Inches(0.6), Inches(0.6))
    logo.name = "Company logo"
    logo._element.nvSpPr.cNvPr.id = 1000
    master.shapes._spTree.append(logo._element)
    example_slide(prs, only, "EXAMPLE chapter")
    prs.save(out / "wide.pptx")


def classic(out: Path):
    prs = Presentation()  # 4:3, 10 × 7.5 in
    example_slide(prs, layout_with(prs, ["CENTER_TITLE (3)", "SUBTITLE (4)"]), "EXAMPLE cover")
    buf = io.BytesIO()
    prs.save(buf)
    # A .potx is the same package with the template's main content type.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(out / "classic.potx", "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"presentationml.presentation.main+xml", b"presentationml.template.main+xml"
                )
            dst.writestr(item, data)


def blank(out: Path):
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(12), Inches(7.5)  # 16:10
    scale_master(prs, 1.2, 1.0)
    keep = layout_with(prs, [])
    for layout in list(prs.slide_layouts):
        if layout is not keep:
            prs.slide_layouts.remove(layout)
    example_slide(prs, keep, "EXAMPLE blank")
    prs.save(out / "blank.pptx")


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    wide(out)
    classic(out)
    blank(out)
    print(f"templates in {out}: wide.pptx, classic.potx, blank.pptx")


if __name__ == "__main__":
    main()
