//! What every deck the writer makes must pass (a consistent package, escaped text); the deck
//! and template tests use the same checks.

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

#[test]
fn right_to_left_titles_cells_and_lines_say_their_direction() {
    let mut d = deck();
    d.slides[0].title = "שדרוג שרת הנתונים".into();
    d.slides[0].body = SlideBody::Cover {
        lines: vec!["ترقية الخادم".into(), "Dev, Ops".into()],
    };
    d.slides[2].body = SlideBody::Table {
        rows: vec![
            vec!["#".into(), "כותרת".into()],
            vec!["1".into(), "TLS".into()],
        ],
        widths: vec![1, 3],
        heights: Vec::new(),
        size: 1400,
    };
    let parts = unzip(&d.to_bytes().unwrap());
    let cover = String::from_utf8(parts["ppt/slides/slide1.xml"].clone()).unwrap();
    assert_eq!(cover.matches("rtl=\"1\"").count(), 2, "{cover}");
    let table = String::from_utf8(parts["ppt/slides/slide3.xml"].clone()).unwrap();
    // One right-to-left cell; "A table", "#", "1" and "TLS" stay left to right.
    assert_eq!(table.matches("rtl=\"1\"").count(), 1, "{table}");
}
