//! One line of chart text laid out as glyphs: the Unicode bidi algorithm (`unicode-bidi`) puts
//! right-to-left runs (Hebrew, Arabic) in visual order, with the paragraph's base direction taken
//! from its first strong character, and rustybuzz (the HarfBuzz port) shapes each run into glyph
//! ids and advances: Arabic letters get their joining forms, marks sit on their bases, mirrored
//! brackets turn round, pairs are kerned. The PNG painter (`glyphs.rs`) draws exactly these
//! glyphs, and every measurement of chart text (`scene::text_width`, hence truncation, centring
//! and wrapping) is the width of this same run, so what fits when laid out fits when drawn.
//! It never reorders or shapes by hand, and never reads a font other than the embedded one.

use std::cell::RefCell;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use rustybuzz::{Direction, Script, ShapePlan, UnicodeBuffer};
use unicode_bidi::BidiInfo;

use super::fonts;

/// One glyph of a shaped line, in visual order (left to right).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub id: GlyphId,
    /// Pen position of the glyph's origin from the line's left edge, in pixels.
    pub x: f32,
    /// Offset of the glyph from its pen position (marks on their base), in pixels, y downwards.
    pub dx: f32,
    pub dy: f32,
    /// Byte index in the logical text of the first character this glyph stands for.
    pub cluster: usize,
}

/// A line of text ready to draw: its glyphs left to right and its advance width.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    pub glyphs: Vec<PlacedGlyph>,
    pub width: f32,
    /// Whether the paragraph reads right to left (its first strong character is RTL).
    pub rtl: bool,
}

struct Faces {
    shaping: [rustybuzz::Face<'static>; 2],
    outlines: [FontRef<'static>; 2],
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let shaping = |bold| rustybuzz::Face::from_slice(fonts::bytes(bold), 0);
            let outline = |bold| FontRef::try_from_slice(fonts::bytes(bold)).ok();
            Some(Faces {
                shaping: [shaping(false)?, shaping(true)?],
                outlines: [outline(false)?, outline(true)?],
            })
        })
        .as_ref()
}

/// A shape plan for one face (bold or not), direction and script.
type Plan = ((bool, Direction, Script), ShapePlan);

thread_local! {
    /// Shape plans by face, direction and script: building one is most of the cost of shaping a
    /// short label, and a chart asks for the same few thousands of times.
    static PLANS: RefCell<Vec<Plan>> = const { RefCell::new(Vec::new()) };
}

/// The embedded face `glyphs.rs` outlines glyphs from; `None` only if the embedded bytes are not
/// a font, which a test rules out.
pub fn outline_face(bold: bool) -> Option<&'static FontRef<'static>> {
    faces().map(|f| &f.outlines[usize::from(bold)])
}

/// Vertical metrics of chart text at one size, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// The font's em (what SVG and office programs call the font size).
    pub em: f64,
    /// From the vertical middle of the line box (ascent to descent) down to the baseline.
    pub baseline_from_middle: f64,
}

/// The embedded face's metrics at `size` (ascent to descent, as [`shape_line`] takes it).
pub fn metrics(size: f64, bold: bool) -> Metrics {
    match outline_face(bold) {
        Some(face) => {
            let scaled = face.as_scaled(PxScale::from(size as f32));
            let em = face
                .units_per_em()
                .map_or(size, |u| f64::from(u * scaled.h_scale_factor()));
            Metrics {
                em,
                baseline_from_middle: f64::from(scaled.ascent() + scaled.descent()) / 2.0,
            }
        }
        None => Metrics {
            em: size,
            baseline_from_middle: size * 0.3,
        },
    }
}

/// Whether `text`'s base direction is right to left: its first strong character (bidi rules
/// P2–P3) is Hebrew, Arabic or another RTL script. Text without a strong character is LTR.
pub fn is_rtl(text: &str) -> bool {
    unicode_bidi::get_base_direction(text) == unicode_bidi::Direction::Rtl
}

/// DrawingML's paragraph attribute for `text`'s direction: ` rtl="1"` for right-to-left text,
/// nothing otherwise. PowerPoint and LibreOffice order and shape the runs themselves; they only
/// need to be told the paragraph's base direction.
pub fn rtl_attr(text: &str) -> &'static str {
    if is_rtl(text) {
        " rtl=\"1\""
    } else {
        ""
    }
}

/// `<a:pPr rtl="1"/>` before a right-to-left paragraph's runs, nothing before a left-to-right one.
pub fn rtl_ppr(text: &str) -> &'static str {
    if is_rtl(text) {
        "<a:pPr rtl=\"1\"/>"
    } else {
        ""
    }
}

/// `text` (one line) shaped at `size` pixels (the size is the font's ascent to descent, as
/// ab_glyph's `PxScale` and plotters count it). `None` only if the embedded font cannot be read.
pub fn shape_line(text: &str, size: f64, bold: bool) -> Option<ShapedLine> {
    let faces = faces()?;
    let face = &faces.shaping[usize::from(bold)];
    // Font units to pixels, as ab_glyph scales the outlines it draws.
    let k = faces.outlines[usize::from(bold)]
        .as_scaled(PxScale::from(size as f32))
        .h_scale_factor();
    let mut line = ShapedLine {
        glyphs: Vec::with_capacity(text.len()),
        width: 0.0,
        rtl: false,
    };
    if text.is_empty() {
        return Some(line);
    }
    let mut buffer = UnicodeBuffer::new();
    // Below U+0590 no character is right to left (nor a bidi control): one left-to-right run,
    // without the cost of the bidi algorithm.
    if text.chars().all(|c| c < '\u{0590}') {
        shape_run(face, k, bold, text, 0..text.len(), false, &mut line, buffer);
        return Some(line);
    }
    let bidi = BidiInfo::new(text, None);
    for (i, para) in bidi.paragraphs.iter().enumerate() {
        if i == 0 {
            line.rtl = para.level.is_rtl();
        }
        let (levels, runs) = bidi.visual_runs(para, para.range.clone());
        for run in runs {
            let rtl = levels[run.start].is_rtl();
            buffer = shape_run(face, k, bold, text, run, rtl, &mut line, buffer);
        }
    }
    Some(line)
}

/// Shapes `text[run]` in one direction and appends its glyphs to `line`; hands the buffer back
/// for the next run.
#[allow(clippy::too_many_arguments)]
fn shape_run(
    face: &rustybuzz::Face<'static>,
    k: f32,
    bold: bool,
    text: &str,
    run: std::ops::Range<usize>,
    rtl: bool,
    line: &mut ShapedLine,
    mut buffer: UnicodeBuffer,
) -> UnicodeBuffer {
    buffer.push_str(&text[run.clone()]);
    // Context across run edges lets a joining letter see its neighbour outside the run.
    buffer.set_pre_context(&text[..run.start]);
    buffer.set_post_context(&text[run.end..]);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let key = (bold, buffer.direction(), buffer.script());
    // HarfBuzz returns the glyphs of a right-to-left run already in visual order.
    let shaped = PLANS.with_borrow_mut(|plans| {
        let i = match plans.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let plan = ShapePlan::new(face, key.1, Some(key.2), None, &[]);
                plans.push((key, plan));
                plans.len() - 1
            }
        };
        rustybuzz::shape_with_plan(face, &plans[i].1, buffer)
    });
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        line.glyphs.push(PlacedGlyph {
            id: GlyphId(info.glyph_id as u16),
            x: line.width,
            dx: pos.x_offset as f32 * k,
            dy: -(pos.y_offset as f32) * k,
            cluster: run.start + info.cluster as usize,
        });
        line.width += pos.x_advance as f32 * k;
    }
    shaped.clear()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> ShapedLine {
        shape_line(text, 40.0, false).expect("the embedded font shapes")
    }

    /// The logical text's characters in the order their glyphs are drawn, left to right.
    fn visual(text: &str) -> String {
        run(text)
            .glyphs
            .iter()
            .map(|g| text[g.cluster..].chars().next().unwrap_or('?'))
            .collect()
    }

    #[test]
    fn a_hebrew_title_is_drawn_in_visual_order() {
        let text = "שרת הנתונים";
        let line = run(text);
        assert!(line.rtl);
        assert_eq!(visual(text), "םינותנה תרש");
        // The first glyph on the left is the last character of the logical text.
        let first = line.glyphs.first().unwrap();
        assert_eq!(&text[first.cluster..], "ם");
        assert!(line.glyphs.iter().all(|g| g.id.0 != 0), "no tofu");
        // Pens go left to right with the visual order.
        assert!(line.glyphs.windows(2).all(|w| w[0].x < w[1].x));
    }

    #[test]
    fn a_mixed_title_keeps_latin_and_numbers_left_to_right() {
        // An LTR paragraph (first strong letter is Latin) with a Hebrew word in it.
        let text = "Upgrade שרת 14 → 16";
        assert!(!run(text).rtl);
        // The bidi algorithm makes "14 → 16" after a Hebrew word part of the right-to-left run
        // (numbers take the direction of the letters before them), as browsers and office
        // programs show it; each number still reads left to right.
        assert_eq!(visual(text), "Upgrade 16 → 14 תרש");
        // An RTL paragraph: the Hebrew word on the right, the Latin word left to right.
        let text = "שדרוג PostgreSQL 14";
        assert!(run(text).rtl);
        assert_eq!(visual(text), "PostgreSQL 14 גורדש");
        let text = "Upgrade 14 → 16";
        assert_eq!(visual(text), text);
    }

    #[test]
    fn arabic_letters_join() {
        // Each letter alone takes its isolated form; inside a word its joining forms: ك initial,
        // ت medial, ب final.
        let word = "كتب";
        let line = run(word);
        assert!(line.rtl);
        assert_eq!(visual(word), "بتك");
        let joined: Vec<GlyphId> = line.glyphs.iter().map(|g| g.id).collect();
        let isolated: Vec<GlyphId> = word
            .chars()
            .rev()
            .map(|c| run(&c.to_string()).glyphs[0].id)
            .collect();
        assert_eq!(joined.len(), 3);
        for (j, i) in joined.iter().zip(&isolated) {
            assert_ne!(j, i, "joined {joined:?} isolated {isolated:?}");
        }
        assert!(joined.iter().all(|g| g.0 != 0), "no tofu");
        // Lam followed by alef is one ligature glyph.
        assert_eq!(run("سلام").glyphs.len(), 3);
    }

    #[test]
    fn brackets_turn_round_in_right_to_left_text() {
        let open = run("(").glyphs[0].id;
        let close = run(")").glyphs[0].id;
        let line = run("שרת (ישן)");
        // Visually: ")ןשי( תרש" drawn with mirrored glyphs, so the leftmost bracket looks like "(".
        assert_eq!(line.glyphs.first().map(|g| g.id), Some(open));
        let text = "שרת (ישן)";
        let last_char = &text[line.glyphs[0].cluster..];
        assert!(last_char.starts_with(')'), "{last_char}");
        assert!(line.glyphs.iter().any(|g| g.id == close));
    }

    #[test]
    fn widths_add_up_and_scale() {
        let a = run("Upgrade").width;
        assert!(a > 0.0);
        let b = shape_line("Upgrade", 80.0, false).unwrap().width;
        assert!((b / a - 2.0).abs() < 1e-3, "{a} {b}");
        assert!(shape_line("Upgrade", 40.0, true).unwrap().width > a);
        assert_eq!(run("").width, 0.0);
        assert!(!is_rtl("14 → 16") && is_rtl("14 שרת") && !is_rtl("Upgrade שרת"));
    }

    #[test]
    fn the_embedded_font_covers_these_scripts_and_boxes_the_rest() {
        // One sample word per script docs/export.md says the font covers, in both faces.
        for sample in [
            "Ærøskøbing",
            "Ελλάδα",
            "Москва",
            "Հայաստան",
            "საქართველო",
            "עברית",
            "العربية",
            "فارسی",
        ] {
            for bold in [false, true] {
                let line = shape_line(sample, 20.0, bold).unwrap();
                assert!(
                    line.glyphs.iter().all(|g| g.id.0 != 0),
                    "{sample} bold={bold}"
                );
            }
        }
        // Scripts it lacks get the font's empty box (glyph 0), one per character, and still
        // take room so layouts stay apart.
        for sample in ["漢字", "ไทย", "हिन्दी"] {
            let line = run(sample);
            assert!(line.glyphs.iter().all(|g| g.id.0 == 0), "{sample}");
            assert!(line.width > 0.0);
        }
    }
}
