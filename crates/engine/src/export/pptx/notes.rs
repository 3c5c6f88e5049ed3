//! Speaker notes: each slide's notes part and the notes master they hang off (a deck without one
//! is repaired by PowerPoint). Every line of notes is user text, escaped.

use super::master::CLR_MAP;
use super::xml::{esc, xfrm, GROUP_START, NS, XML_DECL};

pub(super) fn notes_xml(notes: &str) -> String {
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

pub(super) fn notes_master_xml() -> String {
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
