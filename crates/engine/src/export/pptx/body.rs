//! The shapes a slide is made of besides charts: the title, text boxes, a picture, a table, each
//! at an explicit frame. User text goes in through runs only (escaped); none of these decides
//! where it goes (the slide does).

use super::xml::{run, xfrm};
use super::{Frame, Paragraph, EMU_PER_PT, SLIDE_CX, SLIDE_CY};
use crate::export::shaping::{rtl_attr, rtl_ppr};

/// The title placeholder of a slide at an explicit position.
pub(super) fn title_shape(
    id: u32,
    text: &str,
    x: i64,
    y: i64,
    cx: i64,
    cy: i64,
    size: u32,
) -> String {
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"Title {id}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr>{}</p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"ctr\"><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p><a:pPr algn=\"l\"{}/>{}</a:p></p:txBody></p:sp>",
        xfrm(x, y, cx, cy),
        rtl_attr(text),
        run(text, size, true, "212529")
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn text_box(
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
            "<a:p><a:pPr algn=\"l\"{}/>{}</a:p>",
            rtl_attr(line),
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

pub(super) fn picture(
    id: u32,
    rel: &str,
    description: &str,
    frame: Option<Frame>,
    crop_top: f64,
) -> String {
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
        quick_xml::escape::escape(super::super::text::one_line(description)),
        xfrm(f.x, f.y, f.cx, f.cy)
    )
}

/// A text box of paragraphs in `f`; bullets hang, nothing autofits.
pub(super) fn text_body(
    id: u32,
    paragraphs: &[Paragraph],
    size: u32,
    f: Frame,
    color: &str,
) -> String {
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
        let first = p.runs.first().map_or("", |(t, _)| t.as_str());
        let dir = rtl_attr(first);
        let bullet = if p.bullet {
            let hang = i64::from(size) * EMU_PER_PT * 3 / 200;
            format!("<a:pPr marL=\"{hang}\" indent=\"-{hang}\" algn=\"l\"{dir}>{space}<a:buFont typeface=\"Arial\"/><a:buChar char=\"•\"/></a:pPr>")
        } else {
            format!("<a:pPr marL=\"0\" indent=\"0\" algn=\"l\"{dir}>{space}<a:buNone/></a:pPr>")
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

pub(super) fn cell_fill(color: &str) -> String {
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
pub(super) fn table(
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
                "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p>{}{}</a:p></a:txBody><a:tcPr marL=\"64008\" marR=\"64008\" marT=\"27432\" marB=\"27432\" anchor=\"ctr\">{}</a:tcPr></a:tc>",
                rtl_ppr(text),
                run(text, size, header, color),
                cell_fill(fill)
            ));
        }
        s.push_str("</a:tr>");
    }
    s.push_str("</a:tbl></a:graphicData></a:graphic></p:graphicFrame>");
    s
}
