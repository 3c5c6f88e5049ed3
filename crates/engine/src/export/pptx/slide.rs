//! One slide part: where its title and body go, on Parallax's own layout or on a template's
//! (`Place`). Every slide is the same skeleton around its shape tree (`slide_part`); only the
//! frames differ. Ids are fixed (title 2, body 3, a chart's shapes from 10 up), so they never
//! collide. It must never put user text in markup except through the escaping runs of `body`.

use super::body::{picture, table, text_body, text_box, title_shape};
use super::xml::{plain_run, xfrm, GROUP_START, NS, XML_DECL};
use super::{Frame, Place, Slide, SlideBody, EMU_PER_INCH, SLIDE_CX, SLIDE_CY};
use crate::export::shaping::rtl_ppr;

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

/// The slide part around a shape tree: the one skeleton every slide shares.
fn slide_part(shapes: &str) -> String {
    format!("{XML_DECL}<p:sld {NS}><p:cSld><p:spTree>{GROUP_START}{shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>")
}

/// The slide part of `slide`; `image_rel` is its picture's relationship, if it has one.
pub(super) fn slide_xml(slide: &Slide, image_rel: Option<&str>) -> String {
    let shapes = match &slide.place {
        Some(place) => placed_shapes(slide, place, image_rel),
        None => own_shapes(slide, image_rel),
    };
    slide_part(&shapes)
}

/// A table at the top of `f`: as tall as its rows ask, never taller than `f`.
fn table_in(rows: &[Vec<String>], widths: &[u32], heights: &[i64], size: u32, f: Frame) -> String {
    let height = if heights.is_empty() {
        (rows.len() as i64 * EMU_PER_INCH * 2 / 5).min(f.cy)
    } else {
        heights.iter().sum::<i64>().min(f.cy)
    };
    table(3, rows, widths, heights, size, f.x, f.y, f.cx, height)
}

/// A slide on a template's layout: the title in the layout's title placeholder (or at the
/// place's frame when the layout has none), the body in the place's content area.
fn placed_shapes(slide: &Slide, place: &Place, image_rel: Option<&str>) -> String {
    let mut tree = String::new();
    let kind = if place.center_title {
        "ctrTitle"
    } else {
        "title"
    };
    if place.title_from_layout {
        tree.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"{kind}\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p>{}{}</a:p></p:txBody></p:sp>",
            rtl_ppr(&slide.title),
            plain_run(&slide.title)
        ));
    } else {
        let f = place.title;
        tree.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr>{}</p:spPr><p:txBody><a:bodyPr anchor=\"ctr\"><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p>{}{}</a:p></p:txBody></p:sp>",
            xfrm(f.x, f.y, f.cx, f.cy),
            rtl_ppr(&slide.title),
            plain_run(&slide.title)
        ));
    }
    let c = place.content;
    match &slide.body {
        SlideBody::Cover { lines } => match place.subtitle_idx {
            Some(idx) => {
                let paras: String = lines
                    .iter()
                    .map(|l| format!("<a:p>{}{}</a:p>", rtl_ppr(l), plain_run(l)))
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
        } => tree.push_str(&table_in(rows, widths, heights, *size, c)),
        SlideBody::Text { paragraphs, size } => {
            tree.push_str(&text_body(3, paragraphs, *size, c, "tx1"));
        }
    }
    tree
}

/// The title of a chart slide on Parallax's own layout: in the band the chart leaves free at
/// its top (the chart is drawn for the whole slide).
fn chart_title(title: &str) -> String {
    let side = SLIDE_CX * 60 / 1920;
    title_shape(
        2,
        title,
        side,
        SLIDE_CY * 18 / 1080,
        SLIDE_CX - 2 * side,
        SLIDE_CY * 68 / 1080,
        2400,
    )
}

/// The title of a table or text slide on Parallax's own layout: above the content frame.
fn content_title(title: &str) -> String {
    let margin = EMU_PER_INCH / 2;
    title_shape(
        2,
        title,
        margin,
        EMU_PER_INCH / 4,
        SLIDE_CX - 2 * margin,
        EMU_PER_INCH * 3 / 4,
        2800,
    )
}

/// A slide on Parallax's own title-only layout.
fn own_shapes(slide: &Slide, image_rel: Option<&str>) -> String {
    let margin = EMU_PER_INCH / 2;
    let mut tree = String::new();
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
            tree.push_str(&chart_title(&slide.title));
        }
        SlideBody::Shapes { xml } => {
            tree.push_str(xml);
            tree.push_str(&chart_title(&slide.title));
        }
        SlideBody::Text { paragraphs, size } => {
            tree.push_str(&content_title(&slide.title));
            tree.push_str(&text_body(3, paragraphs, *size, content_frame(), "212529"));
        }
        SlideBody::Table {
            rows,
            widths,
            heights,
            size,
        } => {
            tree.push_str(&content_title(&slide.title));
            tree.push_str(&table_in(rows, widths, heights, *size, content_frame()));
        }
    }
    tree
}
