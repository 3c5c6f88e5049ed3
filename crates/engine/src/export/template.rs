//! A company's PowerPoint template (.pptx or .potx) as the base of the deck: its slide masters,
//! layouts, theme (colours, fonts), media and fonts are kept; its own example slides (and what
//! only they use) are dropped; and for each kind of slide a layout is picked by its placeholders,
//! never by its name (names are translated and renamed): a title-only layout for charts, a
//! title-and-content layout for tables and text, a title layout (centred title and subtitle) for
//! the cover. A slide's title goes into the layout's title placeholder, its content inside the
//! layout's content area (the body placeholder's frame, else the slide below the title and above
//! the footers). Any slide size works.
//!
//! A template is untrusted input. It is read bounded ([`MAX_TEMPLATE_BYTES`] from the opened
//! descriptor of a regular file), every zip entry is read with a cap on its decompressed size
//! ([`MAX_PART_BYTES`], and [`MAX_TOTAL_BYTES`] for all of them: a zip bomb stops there), and
//! anything that is not a presentation, is encrypted (an OLE compound file: that is how Office
//! stores a password-protected .pptx), is too large or has no slide layout is refused with a
//! message saying what and where, before anything is written. It never writes a file, never
//! executes or follows anything in the template (external relationships are dropped), and never
//! passes template XML it has not parsed as well-formed into the deck.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::error::ExportError;
use super::pptx::{Base, Frame, Place};
use crate::store::ReadError;

/// The largest template file Parallax reads. Company templates with their logos and fonts are
/// a few megabytes; this leaves room for embedded fonts and pictures.
pub const MAX_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest any one part may be once decompressed.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// The most all parts together may be once decompressed.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// The most entries a template's zip may have.
pub const MAX_ENTRIES: usize = 10_000;

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PRESENTATION: &str = "ppt/presentation.xml";

/// What a slide is, for picking its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlideUse {
    /// The title slide.
    Cover,
    /// A chart (native shapes or a picture).
    Chart,
    /// A table or the text of the meeting record.
    Text,
}

impl SlideUse {
    pub const ALL: [SlideUse; 3] = [SlideUse::Cover, SlideUse::Chart, SlideUse::Text];

    pub fn name(self) -> &'static str {
        match self {
            SlideUse::Cover => "the title slide",
            SlideUse::Chart => "charts",
            SlideUse::Text => "tables and text",
        }
    }
}

/// A placeholder of a layout or master: its type (`obj` when the file gives none), index and
/// frame when it has its own.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placeholder {
    kind: String,
    idx: u32,
    frame: Option<Frame>,
}

/// One slide layout of the template, with the frames it gives (own or its master's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Its part, e.g. `ppt/slideLayouts/slideLayout2.xml`.
    pub part: String,
    /// Its name as the template calls it (shown to people; never used to pick it).
    pub name: String,
    title: Option<Frame>,
    center_title: Option<Frame>,
    subtitle: Option<(u32, Frame)>,
    content: Vec<Frame>,
    /// The top of the highest footer placeholder (date, footer, slide number) in the lower half.
    footer_top: Option<i64>,
}

/// A layout the deck uses, for the person who asked: which slides, which layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedLayout {
    pub used_for: &'static str,
    pub name: String,
    pub part: String,
}

/// A template read and checked, ready to build a deck on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The file's name, for messages.
    pub name: String,
    /// Boxed: a deck request carries the template, and it is by far its largest part.
    base: Box<Base>,
    layouts: Vec<Layout>,
    /// The first master's title frame, for a layout without a title placeholder.
    master_title: Option<Frame>,
}

fn refuse(name: &str, problem: impl Into<String>) -> ExportError {
    ExportError::Template {
        path: name.to_owned(),
        problem: problem.into(),
    }
}

/// The bytes of the template at `path`, at most `limit` of them, through the store's bounded
/// read (the one every file a user chose goes through: a regular file, checked on its opened
/// descriptor), with the store's refusals said in a template's words.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ExportError> {
    let shown = path.display().to_string();
    crate::store::read_bounded(path, limit).map_err(|e| match e {
        ReadError::NotAFile(what) => refuse(
            &shown,
            format!("is not a regular file but {what}; choose a .pptx or .potx file"),
        ),
        ReadError::TooLarge { .. } => refuse(
            &shown,
            format!(
                "is larger than {} MB, the most Parallax reads from a template",
                limit / (1024 * 1024)
            ),
        ),
        ReadError::Io(e) => refuse(&shown, format!("cannot be read: {e}")),
    })
}

/// The attribute `name` (local name, any prefix) of an element, unescaped.
fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref().as_bytes() == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default()
        })
    })
}

/// Every element of a well-formed XML text, in order: (local name, the element, is it a start
/// with children). Malformed XML is refused.
fn elements(text: &str) -> Result<Vec<(Vec<u8>, BytesStart<'_>, bool)>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                out.push((e.local_name().as_ref().as_bytes().to_vec(), e, true));
            }
            Ok(Event::Empty(e)) => {
                out.push((e.local_name().as_ref().as_bytes().to_vec(), e, false))
            }
            Ok(Event::End(e)) => {
                depth = depth.saturating_sub(1);
                out.push((
                    e.local_name().as_ref().as_bytes().to_vec(),
                    BytesStart::new(""),
                    false,
                ));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("malformed XML: {e}")),
        }
    }
    if depth != 0 {
        return Err("malformed XML: unclosed elements".into());
    }
    Ok(out)
}

/// The relationships of a part: (id, type, absolute target part name); external ones are left
/// out (a template must not make the deck reach outside the file).
fn relationships(parts: &BTreeMap<String, Vec<u8>>, part: &str) -> Vec<(String, String, String)> {
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let Some(text) = parts
        .get(&rels_name)
        .and_then(|b| std::str::from_utf8(b).ok())
    else {
        return Vec::new();
    };
    let Ok(list) = elements(text) else {
        return Vec::new();
    };
    list.iter()
        .filter(|(name, e, _)| name == b"Relationship" && !e.name().as_ref().is_empty())
        .filter(|(_, e, _)| attr(e, b"TargetMode").as_deref() != Some("External"))
        .filter_map(|(_, e, _)| {
            let target = attr(e, b"Target")?;
            Some((attr(e, b"Id")?, attr(e, b"Type")?, resolve(dir, &target)))
        })
        .collect()
}

/// A relationship target made an absolute part name (no leading slash).
fn resolve(dir: &str, target: &str) -> String {
    let mut path: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return normalise(abs.split('/').collect());
    } else if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    path.extend(target.split('/'));
    normalise(path)
}

fn normalise(segments: Vec<&str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for s in segments {
        match s {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

fn rel_is(kind: &str, name: &str) -> bool {
    kind.strip_prefix(REL)
        .is_some_and(|rest| rest.trim_start_matches('/') == name)
        || kind.ends_with(&format!("/relationships/{name}"))
}

/// The placeholders of a master or layout and its `cSld` name.
fn placeholders(text: &str) -> Result<(String, Vec<Placeholder>), String> {
    let list = elements(text)?;
    let mut name = String::new();
    let mut out = Vec::new();
    let mut current: Option<Placeholder> = None;
    let mut in_sp = 0usize;
    let mut in_sppr = false;
    let mut off: Option<(i64, i64)> = None;
    for (local, e, start) in &list {
        let end = e.name().as_ref().is_empty();
        match local.as_slice() {
            b"cSld" if !end => name = attr(e, b"name").unwrap_or_default(),
            b"sp" if end => {
                in_sp = in_sp.saturating_sub(1);
                if in_sp == 0 {
                    out.extend(current.take());
                }
            }
            b"sp" if *start => {
                in_sp += 1;
                if in_sp == 1 {
                    current = None;
                    off = None;
                }
            }
            b"ph" if in_sp == 1 && !end => {
                current = Some(Placeholder {
                    kind: attr(e, b"type").unwrap_or_else(|| "obj".into()),
                    idx: attr(e, b"idx").and_then(|v| v.parse().ok()).unwrap_or(0),
                    frame: current.as_ref().and_then(|c| c.frame),
                });
            }
            b"spPr" if in_sp == 1 => in_sppr = *start && !end,
            b"off" if in_sp == 1 && in_sppr && !end => {
                off = attr(e, b"x")
                    .and_then(|x| x.parse().ok())
                    .zip(attr(e, b"y").and_then(|y| y.parse().ok()));
            }
            b"ext" if in_sp == 1 && in_sppr && !end => {
                let size: Option<(i64, i64)> = attr(e, b"cx")
                    .and_then(|x| x.parse().ok())
                    .zip(attr(e, b"cy").and_then(|y| y.parse().ok()));
                if let (Some((x, y)), Some((cx, cy))) = (off, size) {
                    let frame = Frame { x, y, cx, cy };
                    // The ph element comes before spPr; a frame without one is no
                    // placeholder's.
                    if let Some(c) = current.as_mut() {
                        c.frame = Some(frame);
                    }
                }
            }
            _ => {}
        }
    }
    Ok((name, out))
}

const CONTENT_KINDS: [&str; 8] = [
    "obj", "body", "tbl", "chart", "dgm", "media", "clipArt", "pic",
];
const FOOTER_KINDS: [&str; 3] = ["dt", "ftr", "sldNum"];

impl Template {
    /// Reads and checks the template at `path`.
    pub fn open(path: &Path) -> Result<Template, ExportError> {
        let bytes = read_bounded(path, MAX_TEMPLATE_BYTES)?;
        Template::from_bytes(&bytes, &path.display().to_string())
    }

    /// Checks a template's bytes; `name` says where they come from in messages.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<Template, ExportError> {
        Template::from_bytes_capped(bytes, name, MAX_PART_BYTES, MAX_TOTAL_BYTES)
    }

    fn from_bytes_capped(
        bytes: &[u8],
        name: &str,
        part_cap: u64,
        total_cap: u64,
    ) -> Result<Template, ExportError> {
        if bytes.starts_with(&OLE_MAGIC) {
            return Err(refuse(
                name,
                "is encrypted or password-protected (or an old binary .ppt); save it without a password as .pptx or .potx",
            ));
        }
        let not_pptx = || refuse(name, "is not a presentation (not a .pptx or .potx file)");
        if !bytes.starts_with(b"PK") {
            return Err(not_pptx());
        }
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| not_pptx())?;
        if zip.len() > MAX_ENTRIES {
            return Err(refuse(
                name,
                format!("has more than {MAX_ENTRIES} parts, more than a presentation holds"),
            ));
        }
        let mut parts = BTreeMap::new();
        let mut total = 0u64;
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).map_err(|_| not_pptx())?;
            if entry.is_dir() {
                continue;
            }
            if entry.encrypted() {
                return Err(refuse(name, "is encrypted; save it without a password"));
            }
            let entry_name = entry.name().map_err(|_| not_pptx())?.into_owned();
            let too_big = || {
                refuse(
                    name,
                    format!(
                        "has a part ({entry_name}) larger than {} MB once unpacked, or {} MB in all: refused as a possible zip bomb",
                        part_cap / (1024 * 1024),
                        total_cap / (1024 * 1024)
                    ),
                )
            };
            if entry.size() > part_cap {
                return Err(too_big());
            }
            let mut body = Vec::new();
            // The declared size can lie: the read itself stops one byte past the cap.
            (&mut entry)
                .take(part_cap + 1)
                .read_to_end(&mut body)
                .map_err(|_| not_pptx())?;
            total += body.len() as u64;
            if body.len() as u64 > part_cap || total > total_cap {
                return Err(too_big());
            }
            parts.insert(entry_name.trim_start_matches('/').to_owned(), body);
        }
        if !parts.contains_key(PRESENTATION) || !parts.contains_key("[Content_Types].xml") {
            return Err(not_pptx());
        }
        Template::build(parts, name)
    }

    fn build(parts: BTreeMap<String, Vec<u8>>, name: &str) -> Result<Template, ExportError> {
        let text = |part: &str| -> Result<&str, ExportError> {
            parts
                .get(part)
                .and_then(|b| std::str::from_utf8(b).ok())
                .ok_or_else(|| refuse(name, format!("has a missing or broken part ({part})")))
        };
        let bad = |part: &str, e: String| refuse(name, format!("has a broken part ({part}: {e})"));
        let presentation = text(PRESENTATION)?;
        let list = elements(presentation).map_err(|e| bad(PRESENTATION, e))?;
        let size = list
            .iter()
            .find(|(n, e, _)| n == b"sldSz" && !e.name().as_ref().is_empty())
            .and_then(|(_, e, _)| {
                let cx: i64 = attr(e, b"cx")?.parse().ok()?;
                let cy: i64 = attr(e, b"cy")?.parse().ok()?;
                (cx > 0 && cy > 0).then_some((cx, cy))
            })
            .ok_or_else(|| refuse(name, "has no slide size (p:sldSz): not a presentation"))?;
        let master_ids: Vec<String> = list
            .iter()
            .filter(|(n, e, _)| n == b"sldMasterId" && !e.name().as_ref().is_empty())
            .filter_map(|(_, e, _)| rid(e))
            .collect();

        let pres_rels = relationships(&parts, PRESENTATION);
        let target_of = |id: &str| {
            pres_rels
                .iter()
                .find(|(i, _, _)| i == id)
                .map(|(_, _, t)| t.clone())
        };
        // Masters in the presentation's order, then their layouts in each master's order.
        let mut layouts = Vec::new();
        let mut master_title = None;
        for id in &master_ids {
            let Some(master) = target_of(id) else {
                continue;
            };
            let Ok(mtext) = text(&master) else { continue };
            let Ok((_, mph)) = placeholders(mtext) else {
                continue;
            };
            let mframe = |kind: &str| mph.iter().find(|p| p.kind == kind).and_then(|p| p.frame);
            if master_title.is_none() {
                master_title = mframe("title");
            }
            let mrels = relationships(&parts, &master);
            let Ok(mlist) = elements(mtext) else { continue };
            let layout_ids: Vec<String> = mlist
                .iter()
                .filter(|(n, e, _)| n == b"sldLayoutId" && !e.name().as_ref().is_empty())
                .filter_map(|(_, e, _)| rid(e))
                .collect();
            for lid in layout_ids {
                let Some((_, _, part)) = mrels
                    .iter()
                    .find(|(i, t, _)| *i == lid && rel_is(t, "slideLayout"))
                else {
                    continue;
                };
                let Ok(ltext) = text(part) else { continue };
                let Ok((lname, lph)) = placeholders(ltext) else {
                    continue;
                };
                // A placeholder without its own frame sits where the master's of its kind does.
                let frame_of = |p: &Placeholder| {
                    p.frame.or_else(|| match p.kind.as_str() {
                        "ctrTitle" | "title" => mframe("title"),
                        "subTitle" | "obj" | "body" => mframe("body"),
                        k => mframe(k),
                    })
                };
                let find = |kind: &str| lph.iter().find(|p| p.kind == kind);
                let footer_top = lph
                    .iter()
                    .filter(|p| FOOTER_KINDS.contains(&p.kind.as_str()))
                    .filter_map(frame_of)
                    .map(|f| f.y)
                    .filter(|&y| y > size.1 / 2)
                    .min();
                layouts.push(Layout {
                    part: part.clone(),
                    name: lname,
                    title: find("title").and_then(frame_of),
                    center_title: find("ctrTitle").and_then(frame_of),
                    subtitle: find("subTitle").and_then(|p| Some((p.idx, frame_of(p)?))),
                    content: lph
                        .iter()
                        .filter(|p| CONTENT_KINDS.contains(&p.kind.as_str()))
                        .filter_map(frame_of)
                        .collect(),
                    footer_top,
                });
            }
        }
        if layouts.is_empty() {
            return Err(refuse(
                name,
                "has no usable slide layout (no slide master with a layout Parallax can read)",
            ));
        }
        let base = base(&parts, presentation, &pres_rels, size)
            .map_err(|e| refuse(name, format!("cannot be used as a base: {e}")))?;
        Ok(Template {
            name: name.to_owned(),
            base: Box::new(base),
            layouts,
            master_title,
        })
    }

    /// The slide size, in EMU.
    pub fn size(&self) -> (i64, i64) {
        self.base.size
    }

    /// What the deck keeps of the template.
    pub fn base(&self) -> &Base {
        &self.base
    }

    /// The layouts, in the template's order.
    pub fn layouts(&self) -> &[Layout] {
        &self.layouts
    }

    /// The layout for `use_`, by its placeholders.
    fn choose(&self, use_: SlideUse) -> &Layout {
        let title_only = |l: &&Layout| l.title.is_some() && l.content.is_empty();
        let title_content = |l: &&Layout| l.title.is_some() && l.content.len() == 1;
        let titled = |l: &&Layout| l.title.is_some();
        let blank =
            |l: &&Layout| l.title.is_none() && l.center_title.is_none() && l.content.is_empty();
        let cover = |l: &&Layout| l.center_title.is_some() && l.subtitle.is_some();
        let order: Vec<&dyn Fn(&&Layout) -> bool> = match use_ {
            SlideUse::Chart => vec![&title_only, &title_content, &titled, &blank],
            SlideUse::Text => vec![&title_content, &title_only, &titled, &blank],
            SlideUse::Cover => vec![&cover, &title_content, &title_only, &titled, &blank],
        };
        order
            .iter()
            .find_map(|f| self.layouts.iter().find(|l| f(l)))
            .unwrap_or(&self.layouts[0])
    }

    /// Which layout each kind of slide uses.
    pub fn plan(&self) -> Vec<UsedLayout> {
        SlideUse::ALL
            .iter()
            .map(|&u| {
                let l = self.choose(u);
                UsedLayout {
                    used_for: u.name(),
                    name: if l.name.is_empty() {
                        "(unnamed)".to_owned()
                    } else {
                        l.name.clone()
                    },
                    part: l.part.clone(),
                }
            })
            .collect()
    }

    /// Where a slide for `use_` puts its title and content.
    pub fn place(&self, use_: SlideUse) -> Place {
        let (w, h) = self.base.size;
        let l = self.choose(use_);
        let inside = |f: Frame| {
            f.cx > w / 10
                && f.cy > h / 10
                && f.x >= 0
                && f.y >= 0
                && f.x + f.cx <= w
                && f.y + f.cy <= h
        };
        let cover = use_ == SlideUse::Cover && l.center_title.is_some();
        let layout_title = if cover { l.center_title } else { l.title };
        let title = layout_title
            .or(self.master_title)
            .filter(|&f| f.cx > 0 && f.cy > 0)
            .unwrap_or(Frame {
                x: w / 20,
                y: h / 25,
                cx: w - w / 10,
                cy: h / 8,
            });
        // The slide below the title and above the footers, with the title's left margin on
        // both sides (a title set in from the left keeps the content in line with it).
        let gap = h / 40;
        let top = (title.y + title.cy + gap).min(h / 2);
        let bottom = l.footer_top.unwrap_or(h - h / 20).min(h - h / 40);
        let x = if title.x > 0 && title.x < w / 8 {
            title.x
        } else {
            w / 20
        };
        let below = Frame {
            x,
            y: top,
            cx: w - 2 * x,
            cy: (bottom - gap - top).max(h / 4),
        };
        let content = if cover {
            l.subtitle.map(|(_, f)| f).filter(|&f| inside(f))
        } else {
            l.content
                .iter()
                .copied()
                .filter(|&f| inside(f))
                .max_by_key(|f| f.cx * f.cy)
        }
        .unwrap_or(below);
        Place {
            layout: l.part.clone(),
            title,
            title_from_layout: layout_title.is_some(),
            center_title: cover,
            content,
            subtitle_idx: if cover {
                l.subtitle.map(|(i, _)| i)
            } else {
                None
            },
        }
    }
}

/// The relationship id of an element's `r:id` attribute.
fn rid(e: &BytesStart) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        key.ends_with(":id").then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default()
        })
    })
}

/// What the deck keeps: every part the presentation reaches except slides, notes slides, the
/// document properties, thumbnails and external links; the presentation split where the deck
/// writes its notes master and slide lists.
fn base(
    parts: &BTreeMap<String, Vec<u8>>,
    presentation: &str,
    pres_rels: &[(String, String, String)],
    size: (i64, i64),
) -> Result<Base, String> {
    let dropped = |kind: &str| {
        [
            "slide",
            "notesSlide",
            "comments",
            "viewProps",
            "commentAuthors",
        ]
        .iter()
        .any(|d| rel_is(kind, d))
    };
    let kept_rels: Vec<(String, String, String)> = pres_rels
        .iter()
        .filter(|(_, kind, target)| !dropped(kind) && parts.contains_key(target))
        .cloned()
        .collect();
    let notes_master = kept_rels
        .iter()
        .find(|(_, kind, _)| rel_is(kind, "notesMaster"))
        .map(|(_, _, t)| t.clone());
    // Every part reached from the kept relationships, following their own relationships.
    let mut keep: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = kept_rels.iter().map(|(_, _, t)| t.clone()).collect();
    while let Some(part) = queue.pop() {
        if !parts.contains_key(&part) || !keep.insert(part.clone()) {
            continue;
        }
        if part.ends_with(".xml") {
            let text = std::str::from_utf8(&parts[&part])
                .map_err(|_| format!("{part} is not UTF-8 text"))?;
            elements(text).map_err(|e| format!("{part}: {e}"))?;
        }
        for (_, kind, target) in relationships(parts, &part) {
            if !dropped(&kind) {
                queue.push(target);
            }
        }
    }
    let mut kept_parts = Vec::new();
    for part in &keep {
        kept_parts.push((part.clone(), parts[part].clone()));
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        let rels_name = format!("{dir}/_rels/{file}.rels");
        if let Some(r) = parts.get(&rels_name) {
            // Only the relationships to parts that stay (and no external ones).
            kept_parts.push((rels_name.clone(), filter_rels(r, dir, &keep)?.into_bytes()));
        }
    }
    let (defaults, overrides) = content_types(parts, &keep)?;
    let (before_notes, before_slides, after_slides) = split_presentation(presentation, &kept_rels)?;
    Ok(Base {
        size,
        parts: kept_parts,
        defaults,
        overrides,
        before_notes,
        before_slides,
        after_slides,
        presentation_rels: kept_rels,
        notes_master,
    })
}

/// A relationships part with only the internal relationships to `keep`.
fn filter_rels(bytes: &[u8], dir: &str, keep: &BTreeSet<String>) -> Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "relationships are not UTF-8".to_owned())?;
    let list = elements(text)?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for (name, e, _) in &list {
        if name != b"Relationship" || e.name().as_ref().is_empty() {
            continue;
        }
        if attr(e, b"TargetMode").as_deref() == Some("External") {
            continue;
        }
        let (Some(id), Some(kind), Some(target)) =
            (attr(e, b"Id"), attr(e, b"Type"), attr(e, b"Target"))
        else {
            continue;
        };
        if !keep.contains(&resolve(dir, &target)) {
            continue;
        }
        let q = |s: &str| quick_xml::escape::escape(s).into_owned();
        out.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"/>",
            q(&id),
            q(&kind),
            q(&target)
        ));
    }
    out.push_str("</Relationships>");
    Ok(out)
}

/// The template's content types: every default, and the overrides of the parts it keeps.
type ContentTypes = (Vec<(String, String)>, Vec<(String, String)>);

fn content_types(
    parts: &BTreeMap<String, Vec<u8>>,
    keep: &BTreeSet<String>,
) -> Result<ContentTypes, String> {
    let text = std::str::from_utf8(&parts["[Content_Types].xml"])
        .map_err(|_| "[Content_Types].xml is not UTF-8".to_owned())?;
    let mut defaults = Vec::new();
    let mut overrides = Vec::new();
    for (name, e, _) in elements(text)? {
        if e.name().as_ref().is_empty() {
            continue;
        }
        match name.as_slice() {
            b"Default" => {
                if let (Some(ext), Some(ct)) = (attr(&e, b"Extension"), attr(&e, b"ContentType")) {
                    defaults.push((ext.to_ascii_lowercase(), ct));
                }
            }
            b"Override" => {
                if let (Some(part), Some(ct)) = (attr(&e, b"PartName"), attr(&e, b"ContentType")) {
                    if keep.contains(part.trim_start_matches('/')) {
                        overrides.push((part, ct));
                    }
                }
            }
            _ => {}
        }
    }
    Ok((defaults, overrides))
}

/// The presentation part cut where the deck writes its lists: before the notes master list
/// (after the masters), between it and the slide list, after the slide list. The template's own
/// slide list, custom shows and section list (which name its slides) are left out.
fn split_presentation(
    text: &str,
    kept_rels: &[(String, String, String)],
) -> Result<(String, String, String), String> {
    let cut = |s: &str, open: &str, close: &str| -> String {
        let mut s = s.to_owned();
        while let Some(start) = s.find(open) {
            let Some(len) = s[start..].find(close) else {
                break;
            };
            s.replace_range(start..start + len + close.len(), "");
        }
        s
    };
    let mut t = text.to_owned();
    t = cut(&t, "<p:sldIdLst>", "</p:sldIdLst>");
    t = t.replace("<p:sldIdLst/>", "");
    t = cut(&t, "<p:custShowLst>", "</p:custShowLst>");
    t = t.replace("<p:custShowLst/>", "");
    // The section list lives in an extension of its own.
    while let Some(at) = t.find("<p14:sectionLst") {
        let start = t[..at]
            .rfind("<p:ext ")
            .ok_or("a section list outside an extension")?;
        let end = t[at..]
            .find("</p:ext>")
            .map(|e| at + e + "</p:ext>".len())
            .ok_or("an unclosed section list")?;
        t.replace_range(start..end, "");
    }
    t = t.replace("<p:extLst></p:extLst>", "");
    // Without the template's notes master the deck adds its own list after the masters.
    let has_notes = kept_rels.iter().any(|(_, k, _)| rel_is(k, "notesMaster"));
    if !has_notes {
        t = cut(&t, "<p:notesMasterIdLst>", "</p:notesMasterIdLst>");
    }
    let masters_end = t
        .find("</p:sldMasterIdLst>")
        .map(|i| i + "</p:sldMasterIdLst>".len())
        .ok_or("no slide master list (p:sldMasterIdLst)")?;
    let size_at = t[masters_end..]
        .find("<p:sldSz")
        .map(|i| masters_end + i)
        .ok_or("no slide size after the masters")?;
    let out = (
        t[..masters_end].to_owned(),
        t[masters_end..size_at].to_owned(),
        t[size_at..].to_owned(),
    );
    // What is left must still be one well-formed document.
    elements(&format!("{}{}{}", out.0, out.1, out.2))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::deck::{build_deck, DeckOptions};
    use crate::export::pptx::tests::{check_package, unzip};
    use crate::export::ChartSize;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in entries {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(body).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn problem(r: Result<Template, ExportError>) -> String {
        match r {
            Err(ExportError::Template { problem, .. }) => problem,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    /// Parallax's own deck is a presentation with one title-only layout: a template.
    fn own_deck() -> Vec<u8> {
        let w = crate::export::deck::tests::meeting(2);
        let options = DeckOptions {
            size: ChartSize::HD,
            ..DeckOptions::default()
        };
        build_deck(&w, &options, &mut |_| {}).unwrap()
    }

    #[test]
    fn what_is_not_a_usable_presentation_is_refused_with_a_reason() {
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend([0u8; 512]);
        assert!(problem(Template::from_bytes(&ole, "t.pptx")).contains("encrypted"));
        assert!(
            problem(Template::from_bytes(b"just text", "t.pptx")).contains("not a presentation")
        );
        let deck = own_deck();
        assert!(
            problem(Template::from_bytes(&deck[..300], "t.pptx")).contains("not a presentation")
        );
        let docx = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w/>"),
        ]);
        assert!(problem(Template::from_bytes(&docx, "t.docx")).contains("not a presentation"));
        // A presentation whose master lists no layout.
        let mut parts = unzip(&deck);
        let master = String::from_utf8(parts["ppt/slideMasters/slideMaster1.xml"].clone()).unwrap();
        let start = master.find("<p:sldLayoutIdLst>").unwrap();
        let end = master.find("</p:sldLayoutIdLst>").unwrap() + "</p:sldLayoutIdLst>".len();
        let mut cut = master.clone();
        cut.replace_range(start..end, "");
        parts.insert("ppt/slideMasters/slideMaster1.xml".into(), cut.into_bytes());
        let entries: Vec<(&str, &[u8])> = parts
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect();
        assert!(problem(Template::from_bytes(&zip_of(&entries), "t.pptx"))
            .contains("no usable slide layout"));
    }

    #[test]
    fn a_part_that_unpacks_past_the_cap_is_refused_as_a_zip_bomb() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let bomb = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("ppt/presentation.xml", &zeros),
        ]);
        assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
        let p = problem(Template::from_bytes_capped(
            &bomb,
            "bomb.pptx",
            1024 * 1024,
            8 * 1024 * 1024,
        ));
        assert!(p.contains("zip bomb"), "{p}");
        let p = problem(Template::from_bytes_capped(
            &bomb,
            "bomb.pptx",
            8 * 1024 * 1024,
            1024 * 1024,
        ));
        assert!(p.contains("zip bomb"), "{p}");
    }

    #[test]
    fn a_file_over_the_limit_or_not_a_file_is_refused_before_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.pptx");
        std::fs::write(&big, vec![b'P'; 2048]).unwrap();
        let e = read_bounded(&big, 1024).unwrap_err().to_string();
        assert!(e.contains("larger than"), "{e}");
        let e = read_bounded(dir.path(), 1024).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn a_deck_built_on_a_template_keeps_its_master_and_drops_its_slides() {
        let template = Template::from_bytes(&own_deck(), "own.pptx").unwrap();
        assert_eq!(template.layouts().len(), 1);
        assert_eq!(
            template.size(),
            (crate::export::pptx::SLIDE_CX, crate::export::pptx::SLIDE_CY)
        );
        let plan = template.plan();
        assert!(plan.iter().all(|u| u.name == "Title Only"), "{plan:?}");
        let chart = template.place(SlideUse::Chart);
        assert!(chart.title_from_layout);
        assert!(chart.content.y >= chart.title.y + chart.title.cy);

        let w = crate::export::chart::tests::placed(5, 2);
        let options = DeckOptions {
            size: ChartSize::HD,
            template: Some(template),
            ..DeckOptions::default()
        };
        let bytes = build_deck(&w, &options, &mut |_| {}).unwrap();
        check_package(&bytes);
        let parts = unzip(&bytes);
        let slides = parts
            .keys()
            .filter(|k| k.starts_with("ppt/slides/slide"))
            .count();
        let plain = build_deck(
            &w,
            &DeckOptions {
                size: ChartSize::HD,
                ..DeckOptions::default()
            },
            &mut |_| {},
        )
        .unwrap();
        let plain_slides = unzip(&plain)
            .keys()
            .filter(|k| k.starts_with("ppt/slides/slide"))
            .count();
        assert_eq!(slides, plain_slides, "the template's own slides are gone");
        let titles = String::from_utf8(parts["ppt/slides/slide2.xml"].clone()).unwrap();
        assert!(
            titles.contains("<p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr/>"),
            "the title inherits the layout's placeholder"
        );
        assert!(!String::from_utf8(parts["ppt/presentation.xml"].clone())
            .unwrap()
            .contains("r:id=\"rId101\""));
    }
}
