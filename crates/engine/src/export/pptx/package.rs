//! The package of a deck: its parts with their content types and relationships, and the zip.
//! Parallax's own deck is written here; a deck on a template (`on_template.rs`) shares the
//! document properties, the slides with their notes, the content types and the zip.
//!
//! It must keep the package consistent: every part it writes is listed in `[Content_Types].xml`
//! (an override, or a default for its extension) and reached by a relationship, and nothing else
//! is listed. The same deck always gives the same bytes.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use super::master::{layout_xml, master_xml, theme_xml};
use super::notes::{notes_master_xml, notes_xml};
use super::slide::slide_xml;
use super::xml::{esc, rel_type, rels, target_from, CT_PML, NS, XML_DECL};
use super::{Deck, Slide, SlideBody, SLIDE_CX, SLIDE_CY};
use crate::export::ExportError;

pub(super) const THEME_CT: &str = "application/vnd.openxmlformats-officedocument.theme+xml";

/// The parts of a package in the order they are written, and the content type overrides of
/// those that need one.
#[derive(Default)]
pub(super) struct Parts {
    pub parts: Vec<(String, Vec<u8>)>,
    pub overrides: Vec<(String, String)>,
}

impl Parts {
    pub fn add(&mut self, name: impl Into<String>, body: impl Into<Vec<u8>>, ct: Option<String>) {
        let name = name.into();
        if let Some(ct) = ct {
            self.overrides.push((format!("/{name}"), ct));
        }
        self.parts.push((name, body.into()));
    }

    /// The package relationships and the document properties: the title, and `format` (e.g.
    /// "Widescreen") when the slide size has a name.
    pub fn add_properties(&mut self, title: &str, slides: usize, format: Option<&str>) {
        self.add("_rels/.rels", rels(&[
            ("rId1", rel_type("officeDocument"), "ppt/presentation.xml".into()),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties".into(), "docProps/core.xml".into()),
            ("rId3", rel_type("extended-properties"), "docProps/app.xml".into()),
        ]), None);
        self.add("docProps/core.xml", format!(
            "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>Parallax</dc:creator></cp:coreProperties>",
            esc(&crate::export::text::one_line(title))
        ), Some("application/vnd.openxmlformats-package.core-properties+xml".into()));
        let format = format
            .map(|f| format!("<PresentationFormat>{f}</PresentationFormat>"))
            .unwrap_or_default();
        self.add("docProps/app.xml", format!(
            "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Parallax</Application>{format}<Slides>{slides}</Slides><Notes>{slides}</Notes></Properties>"
        ), Some("application/vnd.openxmlformats-officedocument.extended-properties+xml".into()));
    }

    /// The presentation's relationships part.
    pub fn add_presentation_rels(&mut self, pres_rels: &[(String, String, String)]) {
        let items: Vec<(&str, String, String)> = pres_rels
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.clone(), c.clone()))
            .collect();
        self.add("ppt/_rels/presentation.xml.rels", rels(&items), None);
    }

    /// Each slide with its notes, numbered from 1: the slide on the layout part `layout` gives
    /// it, its picture (if any) in `ppt/media/<media>N.png`, its notes on `notes_master`.
    /// Returns the pictures, to be stored in the zip after the parts.
    pub fn add_slides<'a>(
        &mut self,
        slides: &'a [Slide],
        layout: impl Fn(usize, &Slide) -> Result<String, ExportError>,
        notes_master: &str,
        media: &str,
    ) -> Result<Vec<(String, &'a [u8])>, ExportError> {
        let mut images: Vec<(String, &[u8])> = Vec::new();
        for (k, slide) in slides.iter().enumerate() {
            let i = k + 1;
            let mut slide_rels = vec![(
                "rId1",
                rel_type("slideLayout"),
                target_from("slides", &layout(i, slide)?),
            )];
            let image_rel = if let SlideBody::Picture { png, .. } = &slide.body {
                let name = format!("ppt/media/{media}{}.png", images.len() + 1);
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
            self.add(
                format!("ppt/slides/slide{i}.xml"),
                slide_xml(slide, image_rel),
                Some(format!("{CT_PML}.slide+xml")),
            );
            self.add(
                format!("ppt/slides/_rels/slide{i}.xml.rels"),
                rels(&slide_rels),
                None,
            );
            self.add(
                format!("ppt/notesSlides/notesSlide{i}.xml"),
                notes_xml(&slide.notes),
                Some(format!("{CT_PML}.notesSlide+xml")),
            );
            self.add(
                format!("ppt/notesSlides/_rels/notesSlide{i}.xml.rels"),
                rels(&[
                    (
                        "rId1",
                        rel_type("notesMaster"),
                        target_from("notesSlides", notes_master),
                    ),
                    ("rId2", rel_type("slide"), format!("../slides/slide{i}.xml")),
                ]),
                None,
            );
        }
        Ok(images)
    }

    /// The content types (the defaults by extension, then the overrides) and the zip.
    pub fn pack(
        &self,
        defaults: &[(String, String)],
        images: &[(String, &[u8])],
    ) -> Result<Vec<u8>, ExportError> {
        let mut types = format!(
            "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        );
        for (ext, ct) in defaults {
            types.push_str(&format!(
                "<Default Extension=\"{}\" ContentType=\"{}\"/>",
                esc(ext),
                esc(ct)
            ));
        }
        for (part, ct) in &self.overrides {
            types.push_str(&format!(
                "<Override PartName=\"{}\" ContentType=\"{}\"/>",
                esc(part),
                esc(ct)
            ));
        }
        types.push_str("</Types>");
        pack(&types, &self.parts, images)
    }
}

/// The slide list of the presentation part, each slide's relationship (`rid(i)`) added to
/// `pres_rels`; empty for a deck without slides (an empty list is invalid).
pub(super) fn slide_list(
    n: usize,
    rid: impl Fn(usize) -> String,
    pres_rels: &mut Vec<(String, String, String)>,
) -> String {
    let mut sld_ids = String::new();
    for i in 1..=n {
        let rid = rid(i);
        sld_ids.push_str(&format!("<p:sldId id=\"{}\" r:id=\"{rid}\"/>", 255 + i));
        pres_rels.push((rid, rel_type("slide"), format!("slides/slide{i}.xml")));
    }
    if n > 0 {
        format!("<p:sldIdLst>{sld_ids}</p:sldIdLst>")
    } else {
        String::new()
    }
}

/// The default content types of a package: relationships, XML, and PNG when `png`.
pub(super) fn base_defaults(png: bool) -> Vec<(String, String)> {
    let mut defaults = vec![
        (
            "rels".to_owned(),
            "application/vnd.openxmlformats-package.relationships+xml".to_owned(),
        ),
        ("xml".to_owned(), "application/xml".to_owned()),
    ];
    if png {
        defaults.push(("png".to_owned(), "image/png".to_owned()));
    }
    defaults
}

impl Deck {
    /// The .pptx bytes. Deterministic: the same deck gives the same bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ExportError> {
        if let Some(base) = &self.base {
            return self.to_bytes_on(base);
        }
        let n = self.slides.len();
        let has_pictures = self
            .slides
            .iter()
            .any(|s| matches!(s.body, SlideBody::Picture { .. }));
        let mut parts = Parts::default();
        parts.add_properties(&self.title, n, Some("Widescreen"));

        // The presentation and its relationships: master, notes master, theme, properties, slides.
        let mut pres_rels: Vec<(String, String, String)> = [
            ("rId1", "slideMaster", "slideMasters/slideMaster1.xml"),
            ("rId2", "notesMaster", "notesMasters/notesMaster1.xml"),
            ("rId3", "theme", "theme/theme1.xml"),
            ("rId4", "presProps", "presProps.xml"),
            ("rId5", "viewProps", "viewProps.xml"),
            ("rId6", "tableStyles", "tableStyles.xml"),
        ]
        .into_iter()
        .map(|(id, kind, target)| (id.to_owned(), rel_type(kind), target.to_owned()))
        .collect();
        let sld_id_lst = slide_list(n, |i| format!("rId{}", 100 + i), &mut pres_rels);
        parts.add("ppt/presentation.xml", format!(
            "{XML_DECL}<p:presentation {NS} saveSubsetFonts=\"1\"><p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id=\"rId2\"/></p:notesMasterIdLst>{sld_id_lst}<p:sldSz cx=\"{SLIDE_CX}\" cy=\"{SLIDE_CY}\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/></p:presentation>"
        ), Some(format!("{CT_PML}.presentation.main+xml")));
        parts.add_presentation_rels(&pres_rels);
        parts.add(
            "ppt/presProps.xml",
            format!("{XML_DECL}<p:presentationPr {NS}/>"),
            Some(format!("{CT_PML}.presProps+xml")),
        );
        parts.add(
            "ppt/viewProps.xml",
            format!("{XML_DECL}<p:viewPr {NS}/>"),
            Some(format!("{CT_PML}.viewProps+xml")),
        );
        parts.add("ppt/tableStyles.xml", format!("{XML_DECL}<a:tblStyleLst xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" def=\"{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}\"/>"), Some(format!("{CT_PML}.tableStyles+xml")));

        parts.add(
            "ppt/slideMasters/slideMaster1.xml",
            master_xml(),
            Some(format!("{CT_PML}.slideMaster+xml")),
        );
        parts.add(
            "ppt/slideMasters/_rels/slideMaster1.xml.rels",
            rels(&[
                (
                    "rId1",
                    rel_type("slideLayout"),
                    "../slideLayouts/slideLayout1.xml".into(),
                ),
                ("rId2", rel_type("theme"), "../theme/theme1.xml".into()),
            ]),
            None,
        );
        parts.add(
            "ppt/slideLayouts/slideLayout1.xml",
            layout_xml(),
            Some(format!("{CT_PML}.slideLayout+xml")),
        );
        parts.add(
            "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
            rels(&[(
                "rId1",
                rel_type("slideMaster"),
                "../slideMasters/slideMaster1.xml".into(),
            )]),
            None,
        );
        parts.add(
            "ppt/theme/theme1.xml",
            theme_xml("Parallax"),
            Some(THEME_CT.to_owned()),
        );
        parts.add(
            "ppt/notesMasters/notesMaster1.xml",
            notes_master_xml(),
            Some(format!("{CT_PML}.notesMaster+xml")),
        );
        parts.add(
            "ppt/notesMasters/_rels/notesMaster1.xml.rels",
            rels(&[("rId1", rel_type("theme"), "../theme/theme2.xml".into())]),
            None,
        );
        parts.add(
            "ppt/theme/theme2.xml",
            theme_xml("Parallax notes"),
            Some(THEME_CT.to_owned()),
        );

        let images = parts.add_slides(
            &self.slides,
            |_, _| Ok("ppt/slideLayouts/slideLayout1.xml".to_owned()),
            "ppt/notesMasters/notesMaster1.xml",
            "image",
        )?;
        parts.pack(&base_defaults(has_pictures), &images)
    }
}

/// The zip of a deck: content types first, then the parts, then the pictures (stored).
fn pack(
    types: &str,
    parts: &[(String, Vec<u8>)],
    images: &[(String, &[u8])],
) -> Result<Vec<u8>, ExportError> {
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
