//! The XML every part of a deck shares: namespaces, relationships, escaping, positions and runs
//! of text. User text reaches markup only through `esc` (or a run, which calls it); nothing here
//! may write a character XML 1.0 forbids.

use super::super::text::paragraph;

pub(super) const NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;
pub(super) const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
pub(super) const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
pub(super) const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(super) const CT_PML: &str = "application/vnd.openxmlformats-officedocument.presentationml";

/// User text as XML character data: forbidden characters removed, markup characters escaped.
pub fn esc(text: &str) -> String {
    quick_xml::escape::escape(paragraph(text)).into_owned()
}

pub(super) fn rels(items: &[(&str, String, String)]) -> String {
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

pub(super) fn rel_type(name: &str) -> String {
    format!("{REL}/{name}")
}

pub(super) const GROUP_START: &str = r#"<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>"#;

pub(super) fn xfrm(x: i64, y: i64, cx: i64, cy: i64) -> String {
    format!("<a:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>")
}

/// A run of text; sizes in hundredths of a point.
/// `color` is `rrggbb`, or a theme colour's name (`tx1`) so that a template's text colour
/// applies.
pub(super) fn run(text: &str, size: u32, bold: bool, color: &str) -> String {
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
pub(super) fn plain_run(text: &str) -> String {
    format!(
        "<a:r><a:rPr lang=\"en-US\" dirty=\"0\"/><a:t>{}</a:t></a:r>",
        esc(text)
    )
}

/// A target of a relationship from a part in `ppt/<dir>/` (or from `ppt/` itself when `dir`
/// is empty) to `part`.
pub(super) fn target_from(dir: &str, part: &str) -> String {
    match part.strip_prefix("ppt/") {
        Some(rest) if dir.is_empty() => rest.to_owned(),
        Some(rest) => format!("../{rest}"),
        None => format!("/{part}"),
    }
}
