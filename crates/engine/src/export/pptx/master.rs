//! Parallax's own slide master, its one title-only layout and the themes, for a deck without a
//! template. Theme fonts only (`+mj-lt`, `+mn-lt`), so that what a theme says applies; never user
//! text.

use super::xml::{xfrm, GROUP_START, NS, XML_DECL};
use super::{EMU_PER_INCH, SLIDE_CX};

pub(super) const CLR_MAP: &str = r#"<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>"#;

fn level_style(tag: &str, size: u32, font: &str) -> String {
    format!("<{tag}><a:lvl1pPr algn=\"l\"><a:defRPr sz=\"{size}\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"{font}\"/></a:defRPr></a:lvl1pPr></{tag}>")
}

pub(super) fn master_xml() -> String {
    format!(
        "{XML_DECL}<p:sldMaster {NS}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>{GROUP_START}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr anchor=\"ctr\"/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp></p:spTree></p:cSld>{CLR_MAP}<p:sldLayoutIdLst><p:sldLayoutId id=\"2147483649\" r:id=\"rId1\"/></p:sldLayoutIdLst><p:txStyles>{}{}{}</p:txStyles></p:sldMaster>",
        xfrm(EMU_PER_INCH / 2, EMU_PER_INCH / 4, SLIDE_CX - EMU_PER_INCH, EMU_PER_INCH * 3 / 4),
        level_style("p:titleStyle", 2800, "+mj-lt"),
        level_style("p:bodyStyle", 1800, "+mn-lt"),
        level_style("p:otherStyle", 1800, "+mn-lt"),
    )
}

pub(super) fn layout_xml() -> String {
    format!(
        "{XML_DECL}<p:sldLayout {NS} type=\"titleOnly\" preserve=\"1\"><p:cSld name=\"Title Only\"><p:spTree>{GROUP_START}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )
}

pub(super) fn theme_xml(name: &str) -> String {
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
