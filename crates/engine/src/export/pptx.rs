//! A small, strict writer of PowerPoint decks (.pptx, Office Open XML PresentationML): 16:9
//! slides with a title, a full-slide picture, a text box or a table, each with speaker notes.
//!
//! Why hand-written: no mature Rust crate writes .pptx (ppt-rs is heavy and 4:3 by default; the
//! `pptx` crate has a single release). The part of the format a workshop deck needs is small, so
//! this module writes the XML itself on top of the `zip` crate, with `quick-xml` escaping every
//! piece of user text. It keeps the rules that make a deck open without repair: every part is
//! listed in `[Content_Types].xml` and nothing else is; every relationship resolves; notes
//! slides hang off a notes master (which has its own theme); ids are unique; user text has the
//! characters XML 1.0 forbids removed. It must never write a part that no relationship reaches,
//! or text that is not escaped.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use super::text::paragraph;
use super::ExportError;

/// Slide size: 16:9 widescreen, 13.333 × 7.5 inches.
pub const SLIDE_CX: i64 = 12_192_000;
pub const SLIDE_CY: i64 = 6_858_000;
/// English Metric Units per inch and per point.
pub const EMU_PER_INCH: i64 = 914_400;
pub const EMU_PER_PT: i64 = 12_700;

/// A rectangle on a slide, in EMU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub x: i64,
    pub y: i64,
    pub cx: i64,
    pub cy: i64,
}

/// What is on a slide besides its title.
#[derive(Debug, Clone)]
pub enum SlideBody {
    /// A title slide: the lines under the big title (date, perspectives…).
    Cover { lines: Vec<String> },
    /// A PNG of a chart; without a frame it fills the slide and the title is laid over its
    /// top band.
    Picture {
        png: Vec<u8>,
        /// Alternative text for screen readers.
        description: String,
        /// Where the picture goes; `None`: the whole slide.
        frame: Option<Frame>,
        /// The share of the picture's height cut off at its top (0 keeps it all).
        crop_top: f64,
    },
    /// A chart as native shapes: a fragment of the shape tree (from `shapes::scene_xml`, with
    /// ids from 10 up), already escaped.
    Shapes { xml: String },
    /// A table: the first row is the header.
    Table {
        rows: Vec<Vec<String>>,
        /// Relative column widths.
        widths: Vec<u32>,
        /// Each row's height in EMU (text taller than that grows the row); empty: the rows
        /// share the table's height evenly.
        heights: Vec<i64>,
        /// Text size in hundredths of a point.
        size: u32,
    },
    /// Paragraphs of text at one size (hundredths of a point), top-aligned in the content area.
    /// The caller splits text over slides so that it fits: the box never shrinks its text.
    Text {
        paragraphs: Vec<Paragraph>,
        size: u32,
    },
}

/// A paragraph of a text slide: runs of plain or bold text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paragraph {
    pub runs: Vec<(String, bool)>,
    pub bullet: bool,
    /// Space above it, in hundredths of a point.
    pub space_before: u32,
}

#[derive(Debug, Clone)]
pub struct Slide {
    pub title: String,
    pub body: SlideBody,
    /// Speaker notes, one paragraph per line.
    pub notes: String,
    /// Its layout and frames in a template; `None` in Parallax's own layout.
    pub place: Option<Place>,
}

/// A deck: its title (document properties) and slides in order, on Parallax's own master or
/// on a template's.
#[derive(Debug, Clone, Default)]
pub struct Deck {
    pub title: String,
    pub slides: Vec<Slide>,
    pub base: Option<Base>,
}

/// Where a slide built on a template puts things, from the layout it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The layout's part, e.g. `ppt/slideLayouts/slideLayout2.xml`.
    pub layout: String,
    /// The title's frame: the layout's title placeholder's when `title_from_layout` (the slide
    /// then inherits its position and style), else where the slide's own title goes.
    pub title: Frame,
    pub title_from_layout: bool,
    /// The cover's centred title (`ctrTitle`) rather than a slide title.
    pub center_title: bool,
    /// Where tables, text, charts and the cover's lines go.
    pub content: Frame,
    /// The index of the layout's subtitle placeholder, which then holds the cover's lines.
    pub subtitle_idx: Option<u32>,
}

/// What a template gives the deck (see `template.rs`): its parts as they are, their content
/// types, and its presentation part cut where the deck writes its lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Base {
    /// Slide width and height in EMU.
    pub size: (i64, i64),
    /// Masters, layouts, themes, media, fonts…, with their relationships, by part name.
    pub parts: Vec<(String, Vec<u8>)>,
    /// `[Content_Types].xml` defaults (extension, type) and the kept parts' overrides.
    pub defaults: Vec<(String, String)>,
    pub overrides: Vec<(String, String)>,
    /// The presentation part up to the end of the master list; from there to where the slide
    /// list goes; from the slide size on.
    pub before_notes: String,
    pub before_slides: String,
    pub after_slides: String,
    /// The presentation's relationships that stay (id, type, part name).
    pub presentation_rels: Vec<(String, String, String)>,
    /// The template's notes master, if it has one; else the deck adds its own.
    pub notes_master: Option<String>,
}

const NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CT_PML: &str = "application/vnd.openxmlformats-officedocument.presentationml";

/// User text as XML character data: forbidden characters removed, markup characters escaped.
pub fn esc(text: &str) -> String {
    quick_xml::escape::escape(paragraph(text)).into_owned()
}

fn rels(items: &[(&str, String, String)]) -> String {
    let mut s = format!("{XML_DECL}<Relationships xmlns=\"{REL_NS}\">");
    for (id, kind, target) in items {
        s.push_str(&format!(
            "<Relationship Id=\"{id}\" Type=\"{kind}\" Target=\"{}\"/>",
            esc(target)
        ));
    }
    s.push_str("</Relationships>");
    s
}

fn rel_type(name: &str) -> String {
    format!("{REL}/{name}")
}

const GROUP_START: &str = r#"<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>"#;

fn xfrm(x: i64, y: i64, cx: i64, cy: i64) -> String {
    format!("<a:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>")
}

/// A run of text; sizes in hundredths of a point.
/// `color` is `rrggbb`, or a theme colour's name (`tx1`) so that a template's text colour
/// applies.
fn run(text: &str, size: u32, bold: bool, color: &str) -> String {
    let fill = if color.len() == 6 && color.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("<a:srgbClr val=\"{color}\"/>")
    } else {
        format!("<a:schemeClr val=\"{color}\"/>")
    };
    format!(
        "<a:r><a:rPr lang=\"en-US\" sz=\"{size}\" b=\"{}\" dirty=\"0\"><a:solidFill>{fill}</a:solidFill></a:rPr><a:t>{}</a:t></a:r>",
        if bold { 1 } else { 0 },
        esc(text)
    )
}

/// A run that takes its size, weight and colour from the placeholder it is in.
fn plain_run(text: &str) -> String {
    format!(
        "<a:r><a:rPr lang=\"en-US\" dirty=\"0\"/><a:t>{}</a:t></a:r>",
        esc(text)
    )
}

/// The title placeholder of a slide at an explicit position.
fn title_shape(id: u32, text: &str, x: i64, y: i64, cx: i64, cy: i64, size: u32) -> String {
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"Title {id}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr>{}</p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"ctr\"><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p><a:pPr algn=\"l\"/>{}</a:p></p:txBody></p:sp>",
        xfrm(x, y, cx, cy),
        run(text, size, true, "212529")
    )
}

#[allow(clippy::too_many_arguments)]
fn text_box(
    id: u32,
    lines: &[String],
    x: i64,
    y: i64,
    cx: i64,
    cy: i64,
    size: u32,
    color: &str,
) -> String {
    let mut paras = String::new();
    for line in lines {
        paras.push_str(&format!(
            "<a:p><a:pPr algn=\"l\"/>{}</a:p>",
            run(line, size, false, color)
        ));
    }
    if paras.is_empty() {
        paras.push_str("<a:p><a:endParaRPr lang=\"en-US\"/></a:p>");
    }
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"Text {id}\"/><p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"t\"><a:normAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody></p:sp>",
        xfrm(x, y, cx, cy)
    )
}

fn picture(id: u32, rel: &str, description: &str, frame: Option<Frame>, crop_top: f64) -> String {
    let f = frame.unwrap_or(Frame {
        x: 0,
        y: 0,
        cx: SLIDE_CX,
        cy: SLIDE_CY,
    });
    // The cut-off top band, in thousandths of a percent of the picture's height.
    let top = (crop_top.clamp(0.0, 0.99) * 100_000.0).round() as i64;
    let src = if top > 0 {
        format!("<a:srcRect t=\"{top}\"/>")
    } else {
        String::new()
    };
    format!(
        "<p:pic><p:nvPicPr><p:cNvPr id=\"{id}\" name=\"Chart {id}\" descr=\"{}\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed=\"{rel}\"/>{src}<a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>",
        quick_xml::escape::escape(super::text::one_line(description)),
        xfrm(f.x, f.y, f.cx, f.cy)
    )
}

/// Where a table or text goes on a slide of this deck: below the title, inside the margins.
pub fn content_frame() -> Frame {
    let margin = EMU_PER_INCH / 2;
    let top = EMU_PER_INCH * 5 / 4;
    Frame {
        x: margin,
        y: top,
        cx: SLIDE_CX - 2 * margin,
        cy: SLIDE_CY - top - EMU_PER_INCH / 3,
    }
}

/// A text box of paragraphs in `f`; bullets hang, nothing autofits.
fn text_body(id: u32, paragraphs: &[Paragraph], size: u32, f: Frame, color: &str) -> String {
    let mut paras = String::new();
    for p in paragraphs {
        let space = if p.space_before > 0 {
            format!(
                "<a:spcBef><a:spcPts val=\"{}\"/></a:spcBef>",
                p.space_before
            )
        } else {
            String::new()
        };
        let bullet = if p.bullet {
            let hang = i64::from(size) * EMU_PER_PT * 3 / 200;
            format!("<a:pPr marL=\"{hang}\" indent=\"-{hang}\" algn=\"l\">{space}<a:buFont typeface=\"Arial\"/><a:buChar char=\"•\"/></a:pPr>")
        } else {
            format!("<a:pPr marL=\"0\" indent=\"0\" algn=\"l\">{space}<a:buNone/></a:pPr>")
        };
        paras.push_str("<a:p>");
        paras.push_str(&bullet);
        for (text, bold) in &p.runs {
            paras.push_str(&run(text, size, *bold, color));
        }
        paras.push_str("</a:p>");
    }
    if paras.is_empty() {
        paras.push_str("<a:p><a:endParaRPr lang=\"en-US\"/></a:p>");
    }
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"Text {id}\"/><p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"t\"><a:noAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody></p:sp>",
        xfrm(f.x, f.y, f.cx, f.cy)
    )
}

fn cell_fill(color: &str) -> String {
    format!("<a:solidFill><a:srgbClr val=\"{color}\"/></a:solidFill>")
}

/// The EMU width of each column of a table `cx` wide with relative `widths`; they add up to
/// `cx` exactly.
pub fn column_widths(widths: &[u32], cols: usize, cx: i64) -> Vec<i64> {
    let weights: Vec<i64> = (0..cols.max(1))
        .map(|i| i64::from(*widths.get(i).unwrap_or(&1).max(&1)))
        .collect();
    let total: i64 = weights.iter().sum();
    let mut col_w: Vec<i64> = weights.iter().map(|w| cx * w / total).collect();
    let used: i64 = col_w.iter().sum();
    if let Some(last) = col_w.last_mut() {
        *last += cx - used;
    }
    col_w
}

/// A table cell's left + right and top + bottom margins, in EMU.
pub const CELL_MARGIN_X: i64 = 2 * 64_008;
pub const CELL_MARGIN_Y: i64 = 2 * 27_432;

#[allow(clippy::too_many_arguments)]
fn table(
    id: u32,
    rows: &[Vec<String>],
    widths: &[u32],
    heights: &[i64],
    size: u32,
    x: i64,
    y: i64,
    cx: i64,
    cy: i64,
) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let col_w = column_widths(widths, cols, cx);
    let even = if rows.is_empty() {
        cy
    } else {
        cy / rows.len() as i64
    };
    let mut s = format!(
        "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"Table {id}\"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></p:xfrm><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\"><a:tbl><a:tblPr firstRow=\"1\" bandRow=\"1\"/><a:tblGrid>"
    );
    for w in &col_w {
        s.push_str(&format!("<a:gridCol w=\"{w}\"/>"));
    }
    s.push_str("</a:tblGrid>");
    for (r, row) in rows.iter().enumerate() {
        let row_h = heights.get(r).copied().unwrap_or(even);
        s.push_str(&format!("<a:tr h=\"{row_h}\">"));
        for c in 0..cols {
            let text = row.get(c).map(String::as_str).unwrap_or("");
            let header = r == 0;
            let (color, fill) = if header {
                ("FFFFFF", "343A40")
            } else if r % 2 == 0 {
                ("212529", "F1F3F5")
            } else {
                ("212529", "FFFFFF")
            };
            s.push_str(&format!(
                "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p>{}</a:p></a:txBody><a:tcPr marL=\"64008\" marR=\"64008\" marT=\"27432\" marB=\"27432\" anchor=\"ctr\">{}</a:tcPr></a:tc>",
                run(text, size, header, color),
                cell_fill(fill)
            ));
        }
        s.push_str("</a:tr>");
    }
    s.push_str("</a:tbl></a:graphicData></a:graphic></p:graphicFrame>");
    s
}

/// A slide on a template's layout: the title in the layout's title placeholder (or at the
/// place's frame when the layout has none), the body in the place's content area.
fn placed_slide_xml(slide: &Slide, place: &Place, image_rel: Option<&str>) -> String {
    let mut tree = String::from(GROUP_START);
    let kind = if place.center_title {
        "ctrTitle"
    } else {
        "title"
    };
    if place.title_from_layout {
        tree.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"{kind}\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p>{}</a:p></p:txBody></p:sp>",
            plain_run(&slide.title)
        ));
    } else {
        let f = place.title;
        tree.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr>{}</p:spPr><p:txBody><a:bodyPr anchor=\"ctr\"><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p>{}</a:p></p:txBody></p:sp>",
            xfrm(f.x, f.y, f.cx, f.cy),
            plain_run(&slide.title)
        ));
    }
    let c = place.content;
    match &slide.body {
        SlideBody::Cover { lines } => match place.subtitle_idx {
            Some(idx) => {
                let paras: String = lines
                    .iter()
                    .map(|l| format!("<a:p>{}</a:p>", plain_run(l)))
                    .collect();
                tree.push_str(&format!(
                    "<p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Subtitle 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"subTitle\" idx=\"{idx}\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr><a:normAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody></p:sp>"
                ));
            }
            None => tree.push_str(&text_box(3, lines, c.x, c.y, c.cx, c.cy, 2000, "tx1")),
        },
        SlideBody::Picture {
            description,
            frame,
            crop_top,
            ..
        } => tree.push_str(&picture(
            3,
            image_rel.unwrap_or("rId2"),
            description,
            Some(frame.unwrap_or(c)),
            *crop_top,
        )),
        SlideBody::Shapes { xml } => tree.push_str(xml),
        SlideBody::Table {
            rows,
            widths,
            heights,
            size,
        } => {
            let height = if heights.is_empty() {
                (rows.len() as i64 * EMU_PER_INCH * 2 / 5).min(c.cy)
            } else {
                heights.iter().sum::<i64>().min(c.cy)
            };
            tree.push_str(&table(
                3, rows, widths, heights, *size, c.x, c.y, c.cx, height,
            ));
        }
        SlideBody::Text { paragraphs, size } => {
            tree.push_str(&text_body(3, paragraphs, *size, c, "tx1"));
        }
    }
    format!("{XML_DECL}<p:sld {NS}><p:cSld><p:spTree>{tree}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>")
}

fn slide_xml(slide: &Slide, image_rel: Option<&str>) -> String {
    if let Some(place) = &slide.place {
        return placed_slide_xml(slide, place, image_rel);
    }
    let margin = EMU_PER_INCH / 2;
    let mut tree = String::from(GROUP_START);
    match &slide.body {
        SlideBody::Cover { lines } => {
            tree.push_str(&title_shape(
                2,
                &slide.title,
                margin * 2,
                SLIDE_CY / 3 - EMU_PER_INCH,
                SLIDE_CX - margin * 4,
                EMU_PER_INCH * 3 / 2,
                4000,
            ));
            tree.push_str(&text_box(
                3,
                lines,
                margin * 2,
                SLIDE_CY / 3 + EMU_PER_INCH * 3 / 4,
                SLIDE_CX - margin * 4,
                EMU_PER_INCH * 2,
                2200,
                "495057",
            ));
        }
        SlideBody::Picture {
            description,
            frame,
            crop_top,
            ..
        } => {
            // The picture fills the slide; the title sits where the chart leaves room for it.
            tree.push_str(&picture(
                3,
                image_rel.unwrap_or("rId2"),
                description,
                *frame,
                *crop_top,
            ));
            tree.push_str(&title_shape(
                2,
                &slide.title,
                SLIDE_CX * 60 / 1920,
                SLIDE_CY * 18 / 1080,
                SLIDE_CX - 2 * SLIDE_CX * 60 / 1920,
                SLIDE_CY * 68 / 1080,
                2400,
            ));
        }
        SlideBody::Shapes { xml } => {
            tree.push_str(xml);
            tree.push_str(&title_shape(
                2,
                &slide.title,
                SLIDE_CX * 60 / 1920,
                SLIDE_CY * 18 / 1080,
                SLIDE_CX - 2 * SLIDE_CX * 60 / 1920,
                SLIDE_CY * 68 / 1080,
                2400,
            ));
        }
        SlideBody::Text { paragraphs, size } => {
            tree.push_str(&title_shape(
                2,
                &slide.title,
                margin,
                EMU_PER_INCH / 4,
                SLIDE_CX - 2 * margin,
                EMU_PER_INCH * 3 / 4,
                2800,
            ));
            let f = content_frame();
            tree.push_str(&text_body(3, paragraphs, *size, f, "212529"));
        }
        SlideBody::Table {
            rows,
            widths,
            heights,
            size,
        } => {
            tree.push_str(&title_shape(
                2,
                &slide.title,
                margin,
                EMU_PER_INCH / 4,
                SLIDE_CX - 2 * margin,
                EMU_PER_INCH * 3 / 4,
                2800,
            ));
            let f = content_frame();
            let height = if heights.is_empty() {
                (rows.len() as i64 * EMU_PER_INCH * 2 / 5).min(f.cy)
            } else {
                heights.iter().sum::<i64>().min(f.cy)
            };
            tree.push_str(&table(
                3, rows, widths, heights, *size, f.x, f.y, f.cx, height,
            ));
        }
    }
    format!("{XML_DECL}<p:sld {NS}><p:cSld><p:spTree>{tree}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>")
}

fn notes_xml(notes: &str) -> String {
    let mut paras = String::new();
    for line in notes.lines() {
        paras.push_str(&format!(
            "<a:p><a:r><a:rPr lang=\"en-US\" dirty=\"0\"/><a:t>{}</a:t></a:r></a:p>",
            esc(line)
        ));
    }
    if paras.is_empty() {
        paras.push_str("<a:p><a:endParaRPr lang=\"en-US\"/></a:p>");
    }
    format!(
        "{XML_DECL}<p:notes {NS}><p:cSld><p:spTree>{GROUP_START}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\" idx=\"2\"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes Placeholder 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" sz=\"quarter\" idx=\"3\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{paras}</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
    )
}

const CLR_MAP: &str = r#"<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>"#;

fn level_style(tag: &str, size: u32, font: &str) -> String {
    format!("<{tag}><a:lvl1pPr algn=\"l\"><a:defRPr sz=\"{size}\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"{font}\"/></a:defRPr></a:lvl1pPr></{tag}>")
}

fn master_xml() -> String {
    format!(
        "{XML_DECL}<p:sldMaster {NS}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>{GROUP_START}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr anchor=\"ctr\"/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp></p:spTree></p:cSld>{CLR_MAP}<p:sldLayoutIdLst><p:sldLayoutId id=\"2147483649\" r:id=\"rId1\"/></p:sldLayoutIdLst><p:txStyles>{}{}{}</p:txStyles></p:sldMaster>",
        xfrm(EMU_PER_INCH / 2, EMU_PER_INCH / 4, SLIDE_CX - EMU_PER_INCH, EMU_PER_INCH * 3 / 4),
        level_style("p:titleStyle", 2800, "+mj-lt"),
        level_style("p:bodyStyle", 1800, "+mn-lt"),
        level_style("p:otherStyle", 1800, "+mn-lt"),
    )
}

fn layout_xml() -> String {
    format!(
        "{XML_DECL}<p:sldLayout {NS} type=\"titleOnly\" preserve=\"1\"><p:cSld name=\"Title Only\"><p:spTree>{GROUP_START}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )
}

fn notes_master_xml() -> String {
    let ph = |id: u32, name: &str, ph: &str, x: i64, y: i64, cx: i64, cy: i64, body: bool| {
        let text = if body {
            "<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody>"
        } else {
            ""
        };
        format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{name}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr>{text}</p:sp>",
            xfrm(x, y, cx, cy)
        )
    };
    format!(
        "{XML_DECL}<p:notesMaster {NS}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>{GROUP_START}{}{}</p:spTree></p:cSld>{CLR_MAP}<p:notesStyle><a:lvl1pPr marL=\"0\" algn=\"l\"><a:defRPr sz=\"1200\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:lvl1pPr></p:notesStyle></p:notesMaster>",
        ph(2, "Slide Image Placeholder 1", "<p:ph type=\"sldImg\" idx=\"2\"/>", 381000, 685800, 6096000, 3429000, false),
        ph(3, "Notes Placeholder 2", "<p:ph type=\"body\" sz=\"quarter\" idx=\"3\"/>", 685800, 4343400, 5486400, 4114800, true),
    )
}

fn theme_xml(name: &str) -> String {
    let clr = |tag: &str, hex: &str| format!("<a:{tag}><a:srgbClr val=\"{hex}\"/></a:{tag}>");
    let solid = "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>";
    let font = "<a:latin typeface=\"Arial\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/>";
    format!(
        "{XML_DECL}<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"{name}\"><a:themeElements><a:clrScheme name=\"Parallax\"><a:dk1><a:srgbClr val=\"000000\"/></a:dk1><a:lt1><a:srgbClr val=\"FFFFFF\"/></a:lt1>{}{}{}{}{}{}{}{}{}{}</a:clrScheme><a:fontScheme name=\"Parallax\"><a:majorFont>{font}</a:majorFont><a:minorFont>{font}</a:minorFont></a:fontScheme><a:fmtScheme name=\"Parallax\"><a:fillStyleLst>{solid}{solid}{solid}</a:fillStyleLst><a:lnStyleLst><a:ln w=\"6350\">{solid}</a:ln><a:ln w=\"12700\">{solid}</a:ln><a:ln w=\"19050\">{solid}</a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst>{solid}{solid}{solid}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
        clr("dk2", "212529"),
        clr("lt2", "F1F3F5"),
        clr("accent1", "2F6FDF"),
        clr("accent2", "D9480F"),
        clr("accent3", "2B8A3E"),
        clr("accent4", "862E9C"),
        clr("accent5", "C2255C"),
        clr("accent6", "0B7285"),
        clr("hlink", "1C7ED6"),
        clr("folHlink", "862E9C"),
    )
}

/// A target of a relationship from a part in `ppt/<dir>/` (or from `ppt/` itself when `dir`
/// is empty) to `part`.
fn target_from(dir: &str, part: &str) -> String {
    match part.strip_prefix("ppt/") {
        Some(rest) if dir.is_empty() => rest.to_owned(),
        Some(rest) => format!("../{rest}"),
        None => format!("/{part}"),
    }
}

impl Deck {
    /// The deck on a template's masters, layouts and theme: the template's parts as they are,
    /// this deck's slides, notes, pictures, presentation part and document properties.
    fn to_bytes_on(&self, base: &Base) -> Result<Vec<u8>, ExportError> {
        let n = self.slides.len();
        let ours = |name: &str| {
            matches!(
                name,
                "[Content_Types].xml"
                    | "_rels/.rels"
                    | "docProps/core.xml"
                    | "docProps/app.xml"
                    | "ppt/presentation.xml"
                    | "ppt/_rels/presentation.xml.rels"
                    | "ppt/viewProps.xml"
            ) || name.starts_with("ppt/slides/")
                || name.starts_with("ppt/notesSlides/")
        };
        let mut parts: Vec<(String, Vec<u8>)> = base
            .parts
            .iter()
            .filter(|(name, _)| !ours(name))
            .cloned()
            .collect();
        let mut overrides: Vec<(String, String)> = base
            .overrides
            .iter()
            .filter(|(name, _)| !ours(name.trim_start_matches('/')))
            .cloned()
            .collect();
        let mut add =
            |parts: &mut Vec<(String, Vec<u8>)>, name: String, body: String, ct: Option<String>| {
                if let Some(ct) = ct {
                    overrides.push((format!("/{name}"), ct));
                }
                parts.push((name, body.into_bytes()));
            };
        add(&mut parts, "_rels/.rels".into(), rels(&[
            ("rId1", rel_type("officeDocument"), "ppt/presentation.xml".into()),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties".into(), "docProps/core.xml".into()),
            ("rId3", rel_type("extended-properties"), "docProps/app.xml".into()),
        ]), None);
        add(&mut parts, "docProps/core.xml".into(), format!(
            "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>Parallax</dc:creator></cp:coreProperties>",
            esc(&super::text::one_line(&self.title))
        ), Some("application/vnd.openxmlformats-package.core-properties+xml".into()));
        add(&mut parts, "docProps/app.xml".into(), format!(
            "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Parallax</Application><Slides>{n}</Slides><Notes>{n}</Notes></Properties>"
        ), Some("application/vnd.openxmlformats-officedocument.extended-properties+xml".into()));

        let mut pres_rels: Vec<(String, String, String)> = base
            .presentation_rels
            .iter()
            .map(|(id, kind, part)| (id.clone(), kind.clone(), target_from("", part)))
            .collect();
        pres_rels.push((
            "pxViewProps".into(),
            rel_type("viewProps"),
            "viewProps.xml".into(),
        ));
        add(
            &mut parts,
            "ppt/viewProps.xml".into(),
            format!("{XML_DECL}<p:viewPr {NS}/>"),
            Some(format!("{CT_PML}.viewProps+xml")),
        );
        let (notes_master, notes_list) = match &base.notes_master {
            Some(part) => (part.clone(), String::new()),
            None => {
                let part = "ppt/notesMasters/notesMasterParallax.xml".to_owned();
                add(
                    &mut parts,
                    part.clone(),
                    notes_master_xml(),
                    Some(format!("{CT_PML}.notesMaster+xml")),
                );
                add(
                    &mut parts,
                    "ppt/notesMasters/_rels/notesMasterParallax.xml.rels".into(),
                    rels(&[(
                        "rId1",
                        rel_type("theme"),
                        "../theme/themeParallaxNotes.xml".into(),
                    )]),
                    None,
                );
                add(
                    &mut parts,
                    "ppt/theme/themeParallaxNotes.xml".into(),
                    theme_xml("Parallax notes"),
                    Some("application/vnd.openxmlformats-officedocument.theme+xml".into()),
                );
                pres_rels.push((
                    "pxNotesMaster".into(),
                    rel_type("notesMaster"),
                    target_from("", &part),
                ));
                (part, "<p:notesMasterIdLst><p:notesMasterId r:id=\"pxNotesMaster\"/></p:notesMasterIdLst>".to_owned())
            }
        };
        let mut sld_ids = String::new();
        for i in 1..=n {
            let rid = format!("pxSlide{i}");
            sld_ids.push_str(&format!("<p:sldId id=\"{}\" r:id=\"{rid}\"/>", 255 + i));
            pres_rels.push((rid, rel_type("slide"), format!("slides/slide{i}.xml")));
        }
        let sld_id_lst = if n > 0 {
            format!("<p:sldIdLst>{sld_ids}</p:sldIdLst>")
        } else {
            String::new()
        };
        add(
            &mut parts,
            "ppt/presentation.xml".into(),
            format!(
                "{}{notes_list}{}{sld_id_lst}{}",
                base.before_notes, base.before_slides, base.after_slides
            ),
            Some(format!("{CT_PML}.presentation.main+xml")),
        );
        let pres_rels_ref: Vec<(&str, String, String)> = pres_rels
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.clone(), c.clone()))
            .collect();
        add(
            &mut parts,
            "ppt/_rels/presentation.xml.rels".into(),
            rels(&pres_rels_ref),
            None,
        );

        let mut images: Vec<(String, &[u8])> = Vec::new();
        for (k, slide) in self.slides.iter().enumerate() {
            let i = k + 1;
            let layout = slide
                .place
                .as_ref()
                .map(|p| p.layout.clone())
                .ok_or_else(|| {
                    ExportError::Layout(format!("slide {i} has no layout in the template"))
                })?;
            let mut slide_rels = vec![(
                "rId1",
                rel_type("slideLayout"),
                target_from("slides", &layout),
            )];
            let image_rel = if let SlideBody::Picture { png, .. } = &slide.body {
                let name = format!("ppt/media/parallax-chart{}.png", images.len() + 1);
                slide_rels.push(("rId2", rel_type("image"), target_from("slides", &name)));
                images.push((name, png));
                Some("rId2")
            } else {
                None
            };
            slide_rels.push((
                "rId3",
                rel_type("notesSlide"),
                format!("../notesSlides/notesSlide{i}.xml"),
            ));
            add(
                &mut parts,
                format!("ppt/slides/slide{i}.xml"),
                slide_xml(slide, image_rel),
                Some(format!("{CT_PML}.slide+xml")),
            );
            add(
                &mut parts,
                format!("ppt/slides/_rels/slide{i}.xml.rels"),
                rels(&slide_rels),
                None,
            );
            add(
                &mut parts,
                format!("ppt/notesSlides/notesSlide{i}.xml"),
                notes_xml(&slide.notes),
                Some(format!("{CT_PML}.notesSlide+xml")),
            );
            add(
                &mut parts,
                format!("ppt/notesSlides/_rels/notesSlide{i}.xml.rels"),
                rels(&[
                    (
                        "rId1",
                        rel_type("notesMaster"),
                        target_from("notesSlides", &notes_master),
                    ),
                    ("rId2", rel_type("slide"), format!("../slides/slide{i}.xml")),
                ]),
                None,
            );
        }

        let mut types = format!(
            "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        );
        let mut defaults = base.defaults.clone();
        for (ext, ct) in [
            (
                "rels",
                "application/vnd.openxmlformats-package.relationships+xml",
            ),
            ("xml", "application/xml"),
            ("png", "image/png"),
        ] {
            if !defaults.iter().any(|(e, _)| e == ext) {
                defaults.push((ext.to_owned(), ct.to_owned()));
            }
        }
        for (ext, ct) in &defaults {
            types.push_str(&format!(
                "<Default Extension=\"{}\" ContentType=\"{}\"/>",
                esc(ext),
                esc(ct)
            ));
        }
        for (part, ct) in &overrides {
            types.push_str(&format!(
                "<Override PartName=\"{}\" ContentType=\"{}\"/>",
                esc(part),
                esc(ct)
            ));
        }
        types.push_str("</Types>");
        pack(&types, &parts, &images)
    }

    /// The .pptx bytes. Deterministic: the same deck gives the same bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ExportError> {
        if let Some(base) = &self.base {
            return self.to_bytes_on(base);
        }
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        let mut overrides: Vec<(String, String)> = Vec::new();
        let mut add = |parts: &mut Vec<(String, Vec<u8>)>,
                       name: String,
                       body: Vec<u8>,
                       ct: Option<String>| {
            if let Some(ct) = ct {
                overrides.push((format!("/{name}"), ct));
            }
            parts.push((name, body));
        };
        let n = self.slides.len();
        let has_pictures = self
            .slides
            .iter()
            .any(|s| matches!(s.body, SlideBody::Picture { .. }));

        add(&mut parts, "_rels/.rels".into(), rels(&[
            ("rId1", rel_type("officeDocument"), "ppt/presentation.xml".into()),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties".into(), "docProps/core.xml".into()),
            ("rId3", rel_type("extended-properties"), "docProps/app.xml".into()),
        ]).into_bytes(), None);
        add(&mut parts, "docProps/core.xml".into(), format!(
            "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>Parallax</dc:creator></cp:coreProperties>",
            esc(&super::text::one_line(&self.title))
        ).into_bytes(), Some("application/vnd.openxmlformats-package.core-properties+xml".into()));
        add(&mut parts, "docProps/app.xml".into(), format!(
            "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Parallax</Application><PresentationFormat>Widescreen</PresentationFormat><Slides>{n}</Slides><Notes>{n}</Notes></Properties>"
        ).into_bytes(), Some("application/vnd.openxmlformats-officedocument.extended-properties+xml".into()));

        // The presentation and its relationships: master, notes master, theme, properties, slides.
        let mut pres_rels = vec![
            (
                "rId1".to_owned(),
                rel_type("slideMaster"),
                "slideMasters/slideMaster1.xml".to_owned(),
            ),
            (
                "rId2".to_owned(),
                rel_type("notesMaster"),
                "notesMasters/notesMaster1.xml".to_owned(),
            ),
            (
                "rId3".to_owned(),
                rel_type("theme"),
                "theme/theme1.xml".to_owned(),
            ),
            (
                "rId4".to_owned(),
                rel_type("presProps"),
                "presProps.xml".to_owned(),
            ),
            (
                "rId5".to_owned(),
                rel_type("viewProps"),
                "viewProps.xml".to_owned(),
            ),
            (
                "rId6".to_owned(),
                rel_type("tableStyles"),
                "tableStyles.xml".to_owned(),
            ),
        ];
        let mut sld_ids = String::new();
        for i in 1..=n {
            let rid = format!("rId{}", 100 + i);
            sld_ids.push_str(&format!("<p:sldId id=\"{}\" r:id=\"{rid}\"/>", 255 + i));
            pres_rels.push((rid, rel_type("slide"), format!("slides/slide{i}.xml")));
        }
        let sld_id_lst = if n > 0 {
            format!("<p:sldIdLst>{sld_ids}</p:sldIdLst>")
        } else {
            String::new()
        };
        add(&mut parts, "ppt/presentation.xml".into(), format!(
            "{XML_DECL}<p:presentation {NS} saveSubsetFonts=\"1\"><p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id=\"rId2\"/></p:notesMasterIdLst>{sld_id_lst}<p:sldSz cx=\"{SLIDE_CX}\" cy=\"{SLIDE_CY}\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/></p:presentation>"
        ).into_bytes(), Some(format!("{CT_PML}.presentation.main+xml")));
        let pres_rels_ref: Vec<(&str, String, String)> = pres_rels
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.clone(), c.clone()))
            .collect();
        add(
            &mut parts,
            "ppt/_rels/presentation.xml.rels".into(),
            rels(&pres_rels_ref).into_bytes(),
            None,
        );
        add(
            &mut parts,
            "ppt/presProps.xml".into(),
            format!("{XML_DECL}<p:presentationPr {NS}/>").into_bytes(),
            Some(format!("{CT_PML}.presProps+xml")),
        );
        add(
            &mut parts,
            "ppt/viewProps.xml".into(),
            format!("{XML_DECL}<p:viewPr {NS}/>").into_bytes(),
            Some(format!("{CT_PML}.viewProps+xml")),
        );
        add(&mut parts, "ppt/tableStyles.xml".into(), format!("{XML_DECL}<a:tblStyleLst xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" def=\"{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}\"/>").into_bytes(), Some(format!("{CT_PML}.tableStyles+xml")));

        add(
            &mut parts,
            "ppt/slideMasters/slideMaster1.xml".into(),
            master_xml().into_bytes(),
            Some(format!("{CT_PML}.slideMaster+xml")),
        );
        add(
            &mut parts,
            "ppt/slideMasters/_rels/slideMaster1.xml.rels".into(),
            rels(&[
                (
                    "rId1",
                    rel_type("slideLayout"),
                    "../slideLayouts/slideLayout1.xml".into(),
                ),
                ("rId2", rel_type("theme"), "../theme/theme1.xml".into()),
            ])
            .into_bytes(),
            None,
        );
        add(
            &mut parts,
            "ppt/slideLayouts/slideLayout1.xml".into(),
            layout_xml().into_bytes(),
            Some(format!("{CT_PML}.slideLayout+xml")),
        );
        add(
            &mut parts,
            "ppt/slideLayouts/_rels/slideLayout1.xml.rels".into(),
            rels(&[(
                "rId1",
                rel_type("slideMaster"),
                "../slideMasters/slideMaster1.xml".into(),
            )])
            .into_bytes(),
            None,
        );
        let theme_ct = "application/vnd.openxmlformats-officedocument.theme+xml".to_owned();
        add(
            &mut parts,
            "ppt/theme/theme1.xml".into(),
            theme_xml("Parallax").into_bytes(),
            Some(theme_ct.clone()),
        );
        add(
            &mut parts,
            "ppt/notesMasters/notesMaster1.xml".into(),
            notes_master_xml().into_bytes(),
            Some(format!("{CT_PML}.notesMaster+xml")),
        );
        add(
            &mut parts,
            "ppt/notesMasters/_rels/notesMaster1.xml.rels".into(),
            rels(&[("rId1", rel_type("theme"), "../theme/theme2.xml".into())]).into_bytes(),
            None,
        );
        add(
            &mut parts,
            "ppt/theme/theme2.xml".into(),
            theme_xml("Parallax notes").into_bytes(),
            Some(theme_ct),
        );

        let mut image_no = 0;
        let mut images: Vec<(String, &[u8])> = Vec::new();
        for (k, slide) in self.slides.iter().enumerate() {
            let i = k + 1;
            let mut slide_rels = vec![(
                "rId1",
                rel_type("slideLayout"),
                "../slideLayouts/slideLayout1.xml".to_owned(),
            )];
            let image_rel = if let SlideBody::Picture { png, .. } = &slide.body {
                image_no += 1;
                let name = format!("image{image_no}.png");
                images.push((format!("ppt/media/{name}"), png));
                slide_rels.push(("rId2", rel_type("image"), format!("../media/{name}")));
                Some("rId2")
            } else {
                None
            };
            slide_rels.push((
                "rId3",
                rel_type("notesSlide"),
                format!("../notesSlides/notesSlide{i}.xml"),
            ));
            add(
                &mut parts,
                format!("ppt/slides/slide{i}.xml"),
                slide_xml(slide, image_rel).into_bytes(),
                Some(format!("{CT_PML}.slide+xml")),
            );
            add(
                &mut parts,
                format!("ppt/slides/_rels/slide{i}.xml.rels"),
                rels(&slide_rels).into_bytes(),
                None,
            );
            add(
                &mut parts,
                format!("ppt/notesSlides/notesSlide{i}.xml"),
                notes_xml(&slide.notes).into_bytes(),
                Some(format!("{CT_PML}.notesSlide+xml")),
            );
            add(
                &mut parts,
                format!("ppt/notesSlides/_rels/notesSlide{i}.xml.rels"),
                rels(&[
                    (
                        "rId1",
                        rel_type("notesMaster"),
                        "../notesMasters/notesMaster1.xml".into(),
                    ),
                    ("rId2", rel_type("slide"), format!("../slides/slide{i}.xml")),
                ])
                .into_bytes(),
                None,
            );
        }

        let mut types = format!(
            "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        );
        if has_pictures {
            types.push_str("<Default Extension=\"png\" ContentType=\"image/png\"/>");
        }
        for (part, ct) in &overrides {
            types.push_str(&format!(
                "<Override PartName=\"{part}\" ContentType=\"{ct}\"/>"
            ));
        }
        types.push_str("</Types>");
        pack(&types, &parts, &images)
    }
}

/// The zip of a deck: content types first, then the parts, then the pictures (stored).
fn pack(
    types: &str,
    parts: &[(String, Vec<u8>)],
    images: &[(String, &[u8])],
) -> Result<Vec<u8>, ExportError> {
    {
        let zerr = |e: zip::result::ZipError| ExportError::Encode(format!("zip: {e}"));
        let ioerr = |e: std::io::Error| ExportError::Encode(format!("zip: {e}"));
        let png_bytes: usize = images.iter().map(|(_, b)| b.len()).sum();
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(
            png_bytes + 64 * 1024,
        )));
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        // PNG data is already compressed: store it as it is. (Deflating it again makes a deck
        // of 4K charts several times smaller, as python-pptx does, but costs far more time
        // than writing the whole deck; measured in benches/export.rs.)
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        zip.start_file("[Content_Types].xml", deflated)
            .map_err(zerr)?;
        zip.write_all(types.as_bytes()).map_err(ioerr)?;
        for (name, body) in parts {
            zip.start_file(name.as_str(), deflated).map_err(zerr)?;
            zip.write_all(body).map_err(ioerr)?;
        }
        for (name, body) in images {
            zip.start_file(name.as_str(), stored).map_err(zerr)?;
            zip.write_all(body).map_err(ioerr)?;
        }
        Ok(zip.finish().map_err(zerr)?.into_inner())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::io::Read;

    fn tiny_png() -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 2, 1);
            enc.set_color(png::ColorType::Rgb);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[255, 0, 0, 0, 0, 255]).unwrap();
        }
        out
    }

    pub(crate) fn deck() -> Deck {
        Deck {
            title: "Q3 <changes> & \"more\"\u{1}".into(),
            slides: vec![
                Slide {
                    title: "Cover \u{202E}title".into(),
                    body: SlideBody::Cover {
                        lines: vec!["28 November 2026".into(), "Dev, Ops".into()],
                    },
                    notes: "Say hello\nand <welcome> \u{0}everyone".into(),
                    place: None,
                },
                Slide {
                    title: "A chart".into(),
                    body: SlideBody::Picture {
                        png: tiny_png(),
                        description: "alt \"text\"".into(),
                        frame: None,
                        crop_top: 0.0,
                    },
                    notes: String::new(),
                    place: None,
                },
                Slide {
                    title: "A table".into(),
                    body: SlideBody::Table {
                        rows: vec![
                            vec!["A".into(), "B".into()],
                            vec!["1 & 2".into(), "=3".into()],
                        ],
                        widths: vec![3, 1],
                        heights: Vec::new(),
                        size: 1400,
                    },
                    notes: "n".into(),
                    place: None,
                },
            ],
            base: None,
        }
    }

    pub(crate) fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = BTreeMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut body = Vec::new();
            f.read_to_end(&mut body).unwrap();
            out.insert(f.name().unwrap().into_owned(), body);
        }
        out
    }

    /// Every XML part parses; every relationship target exists; every part but the rels and the
    /// content types is reached by a relationship and has a content type, and only those.
    pub(crate) fn check_package(bytes: &[u8]) {
        let parts = unzip(bytes);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let first = archive.by_index(0).unwrap().name().unwrap().into_owned();
        assert_eq!(first, "[Content_Types].xml");
        for (name, body) in &parts {
            if name.ends_with(".xml") || name.ends_with(".rels") {
                let text = std::str::from_utf8(body).unwrap();
                let mut reader = quick_xml::Reader::from_str(text);
                loop {
                    match reader.read_event() {
                        Ok(quick_xml::events::Event::Eof) => break,
                        Ok(_) => {}
                        Err(e) => panic!("{name} is not well-formed XML: {e}"),
                    }
                }
                assert!(text.chars().all(super::super::text::xml_allowed), "{name}");
            }
        }
        let types = std::str::from_utf8(&parts["[Content_Types].xml"]).unwrap();
        let mut reached = std::collections::BTreeSet::new();
        for (name, body) in &parts {
            let Some(source) = name.strip_suffix(".rels") else {
                continue;
            };
            let dir = source.replace("_rels/", "");
            let base = match dir.rfind('/') {
                Some(i) => &dir[..i],
                None => "",
            };
            let text = std::str::from_utf8(body).unwrap();
            for target in text
                .split("Target=\"")
                .skip(1)
                .filter_map(|t| t.split('"').next())
            {
                let mut path: Vec<&str> = if base.is_empty() {
                    vec![]
                } else {
                    base.split('/').collect()
                };
                for seg in target.split('/') {
                    if seg == ".." {
                        path.pop();
                    } else {
                        path.push(seg);
                    }
                }
                let full = path.join("/");
                assert!(parts.contains_key(&full), "{name} points to missing {full}");
                reached.insert(full);
            }
        }
        for name in parts.keys() {
            if name.ends_with(".rels") || name == "[Content_Types].xml" {
                continue;
            }
            assert!(
                reached.contains(name),
                "{name} is not reached by any relationship"
            );
            if name.ends_with(".xml") {
                assert!(
                    types.contains(&format!("PartName=\"/{name}\"")),
                    "{name} has no content type"
                );
            }
        }
        for part in types
            .split("PartName=\"/")
            .skip(1)
            .filter_map(|t| t.split('"').next())
        {
            assert!(
                parts.contains_key(part),
                "content type for missing part {part}"
            );
        }
    }

    #[test]
    fn a_deck_is_a_consistent_package_with_escaped_text() {
        let bytes = deck().to_bytes().unwrap();
        check_package(&bytes);
        let parts = unzip(&bytes);
        let core = String::from_utf8(parts["docProps/core.xml"].clone()).unwrap();
        assert!(
            core.contains("Q3 &lt;changes&gt; &amp; &quot;more&quot;"),
            "{core}"
        );
        let notes = String::from_utf8(parts["ppt/notesSlides/notesSlide1.xml"].clone()).unwrap();
        assert!(notes.contains("and &lt;welcome&gt; everyone"));
        let s1 = String::from_utf8(parts["ppt/slides/slide1.xml"].clone()).unwrap();
        assert!(s1.contains("Cover title") && !s1.contains('\u{202E}'));
        assert!(parts.contains_key("ppt/media/image1.png"));
        assert_eq!(deck().to_bytes().unwrap(), bytes, "deterministic");
    }

    #[test]
    fn an_empty_deck_is_still_consistent() {
        let bytes = Deck {
            title: String::new(),
            slides: vec![],
            base: None,
        }
        .to_bytes()
        .unwrap();
        check_package(&bytes);
        let types = String::from_utf8(unzip(&bytes)["[Content_Types].xml"].clone()).unwrap();
        assert!(!types.contains("png"));
    }
}
