//! A deck on a company template (what `template.rs` read and checked, as a `Base`): the
//! template's masters, layouts, themes and media as they are, with this deck's slides, notes,
//! pictures, presentation part and document properties in place of the template's own.
//!
//! It must never keep a template part the deck writes itself (its slides, notes, presentation,
//! properties), so that no example slide survives and nothing is listed twice; its own parts
//! carry a `Parallax`/`px` prefix so that they never collide with the template's names.

use super::notes::notes_master_xml;
use super::package::{base_defaults, slide_list, Parts, THEME_CT};
use super::xml::{rel_type, rels, target_from, CT_PML, NS, XML_DECL};
use super::{Base, Deck};
use crate::export::ExportError;

/// The parts of a template the deck writes itself.
fn ours(name: &str) -> bool {
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
}

impl Deck {
    /// The deck on a template's masters, layouts and theme: the template's parts as they are,
    /// this deck's slides, notes, pictures, presentation part and document properties.
    pub(super) fn to_bytes_on(&self, base: &Base) -> Result<Vec<u8>, ExportError> {
        let n = self.slides.len();
        let mut parts = Parts {
            parts: base
                .parts
                .iter()
                .filter(|(name, _)| !ours(name))
                .cloned()
                .collect(),
            overrides: base
                .overrides
                .iter()
                .filter(|(name, _)| !ours(name.trim_start_matches('/')))
                .cloned()
                .collect(),
        };
        parts.add_properties(&self.title, n, None);

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
        parts.add(
            "ppt/viewProps.xml",
            format!("{XML_DECL}<p:viewPr {NS}/>"),
            Some(format!("{CT_PML}.viewProps+xml")),
        );
        let (notes_master, notes_list) = match &base.notes_master {
            Some(part) => (part.clone(), String::new()),
            None => {
                let part = "ppt/notesMasters/notesMasterParallax.xml".to_owned();
                parts.add(
                    part.clone(),
                    notes_master_xml(),
                    Some(format!("{CT_PML}.notesMaster+xml")),
                );
                parts.add(
                    "ppt/notesMasters/_rels/notesMasterParallax.xml.rels",
                    rels(&[(
                        "rId1",
                        rel_type("theme"),
                        "../theme/themeParallaxNotes.xml".into(),
                    )]),
                    None,
                );
                parts.add(
                    "ppt/theme/themeParallaxNotes.xml",
                    super::master::theme_xml("Parallax notes"),
                    Some(THEME_CT.to_owned()),
                );
                pres_rels.push((
                    "pxNotesMaster".into(),
                    rel_type("notesMaster"),
                    target_from("", &part),
                ));
                (part, "<p:notesMasterIdLst><p:notesMasterId r:id=\"pxNotesMaster\"/></p:notesMasterIdLst>".to_owned())
            }
        };
        let sld_id_lst = slide_list(n, |i| format!("pxSlide{i}"), &mut pres_rels);
        parts.add(
            "ppt/presentation.xml",
            format!(
                "{}{notes_list}{}{sld_id_lst}{}",
                base.before_notes, base.before_slides, base.after_slides
            ),
            Some(format!("{CT_PML}.presentation.main+xml")),
        );
        parts.add_presentation_rels(&pres_rels);

        let images = parts.add_slides(
            &self.slides,
            |i, slide| {
                slide
                    .place
                    .as_ref()
                    .map(|p| p.layout.clone())
                    .ok_or_else(|| {
                        ExportError::Layout(format!("slide {i} has no layout in the template"))
                    })
            },
            &notes_master,
            "parallax-chart",
        )?;

        let mut defaults = base.defaults.clone();
        for (ext, ct) in base_defaults(true) {
            if !defaults.iter().any(|(e, _)| *e == ext) {
                defaults.push((ext, ct));
            }
        }
        parts.pack(&defaults, &images)
    }
}
