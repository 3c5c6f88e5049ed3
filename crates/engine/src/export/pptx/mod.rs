//! A small, strict writer of PowerPoint decks (.pptx, Office Open XML PresentationML): slides
//! with a title, a picture, a chart's native shapes, a text box or a table, each with speaker
//! notes, on Parallax's own 16:9 master or on a company template's.
//!
//! Why hand-written: no mature Rust crate writes .pptx (ppt-rs is heavy and 4:3 by default; the
//! `pptx` crate has a single release). The part of the format a workshop deck needs is small, so
//! this module writes the XML itself on top of the `zip` crate, with `quick-xml` escaping every
//! piece of user text. It keeps the rules that make a deck open without repair: every part is
//! listed in `[Content_Types].xml` and nothing else is; every relationship resolves; notes
//! slides hang off a notes master (which has its own theme); ids are unique; user text has the
//! characters XML 1.0 forbids removed. It must never write a part that no relationship reaches,
//! or text that is not escaped.
//!
//! Its files, from the zip down: `package.rs` (the parts, content types and zip; Parallax's own
//! deck), `on_template.rs` (a deck on a template's masters), `slide.rs` (one slide part, on
//! either layout), `notes.rs` (notes and their master), `master.rs` (Parallax's master, layout
//! and themes), `body.rs` (title, text, picture and table shapes), `xml.rs` (escaping, runs,
//! relationships).

mod body;
mod master;
mod notes;
mod on_template;
mod package;
mod slide;
mod xml;

pub use body::{column_widths, CELL_MARGIN_X, CELL_MARGIN_Y};
pub use slide::content_frame;
pub use xml::esc;

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

#[cfg(test)]
pub(crate) mod tests;
