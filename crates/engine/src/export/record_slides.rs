//! The meeting record as slides: a slide (or more) per change the room decided something about,
//! and the appendix table of every change split over as many slides as it takes. Text is never
//! shrunk to fit: it is measured with the embedded font (wider than the usual office fonts, so
//! the estimate errs on the side of room to spare) and split at paragraph and row boundaries so
//! that every slide holds what fits at a readable size. It lays out only; the words come from
//! `record`, the XML from `pptx`.

use super::pptx::{
    column_widths, Frame, Paragraph, Slide, SlideBody, CELL_MARGIN_X, CELL_MARGIN_Y,
};
use super::record::{appendix, ChangeRecord};
use super::scene::text_width;
use super::text::truncate_chars;
use crate::Workshop;

/// The record's text size, in points.
pub const RECORD_PT: f64 = 16.0;
/// The appendix's text size, in points: the smallest the deck uses.
pub const APPENDIX_PT: f64 = 12.0;
/// The appendix's title column (the second) gets at least this share of the width; the other
/// columns are as wide as their longest text, up to [`WIDEST_CELL_PT`].
const TITLE_SHARE: f64 = 0.3;
const WIDEST_CELL_PT: f64 = 150.0;

const EMU_PER_PT: f64 = 12_700.0;
/// The embedded font's em per unit of the size `text_width` takes (its ascent + descent).
const EM: f64 = 0.86;
/// Lines are set at 1.2 times the text size.
const LEADING: f64 = 1.2;

/// The width of `text` at `pt` points, in points, as the embedded font sets it.
fn width_pt(text: &str, pt: f64, bold: bool) -> f64 {
    text_width(text, pt / EM, bold)
}

/// How many lines runs of text take in a box `width` points wide, wrapping at spaces (a word
/// longer than a line takes the lines it needs).
fn lines(runs: &[(String, bool)], pt: f64, width: f64) -> usize {
    let mut count = 1usize;
    let mut x = 0.0f64;
    let space = width_pt(" ", pt, false);
    for (text, bold) in runs {
        for (k, word) in text.split(' ').enumerate() {
            if k > 0 {
                x += space;
            }
            if word.is_empty() {
                continue;
            }
            let w = width_pt(word, pt, *bold);
            if x + w > width && x > 0.0 {
                count += 1;
                x = 0.0;
            }
            if w > width {
                let extra = (w / width).ceil() as usize;
                count += extra - 1;
                x = w - (extra - 1) as f64 * width;
            } else {
                x += w;
            }
        }
    }
    count
}

fn para(runs: Vec<(String, bool)>, bullet: bool, space_before_pt: u32) -> Paragraph {
    Paragraph {
        runs,
        bullet,
        space_before: space_before_pt * 100,
    }
}

/// The paragraphs that tell what the room recorded about one change.
pub fn record_paragraphs(r: &ChangeRecord) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let kind = format!("{} change", r.change_type);
    let head = if r.ticket.is_empty() {
        format!("{}{}", kind[..1].to_uppercase(), &kind[1..])
    } else {
        format!("Ticket {} · {kind}", r.ticket)
    };
    out.push(para(vec![(head, false)], false, 0));
    out.push(para(vec![("Placements".into(), true)], false, 10));
    if r.placements.is_empty() {
        out.push(para(
            vec![("No perspective placed it.".into(), false)],
            true,
            0,
        ));
    }
    for p in &r.placements {
        let mut runs = vec![(format!("{}: {}.", p.perspective, p.placed.long()), true)];
        if p.rationale.is_empty() {
            runs.push((" No rationale given.".into(), false));
        } else {
            runs.push((format!(" {}", p.rationale), false));
        }
        out.push(para(runs, true, 0));
    }
    let consensus = r
        .consensus
        .as_ref()
        .map_or("not agreed yet".to_owned(), |c| c.long());
    out.push(para(
        vec![
            ("Consensus: ".into(), true),
            (format!("{consensus}."), false),
        ],
        false,
        10,
    ));
    if r.mitigations.is_empty() {
        out.push(para(
            vec![
                ("Mitigations: ".into(), true),
                ("none recorded.".into(), false),
            ],
            false,
            10,
        ));
    } else {
        out.push(para(vec![("Mitigations".into(), true)], false, 10));
        for m in &r.mitigations {
            let owner = if m.owner.is_empty() {
                "no owner named".to_owned()
            } else {
                format!("owner: {}", m.owner)
            };
            out.push(para(
                vec![
                    (m.text.clone(), false),
                    (format!(" (lowers {}; {owner})", m.lowers), false),
                ],
                true,
                0,
            ));
        }
    }
    let residual = r
        .residual
        .as_ref()
        .map_or("not placed yet".to_owned(), |c| c.long());
    out.push(para(
        vec![("Residual: ".into(), true), (format!("{residual}."), false)],
        false,
        10,
    ));
    out
}

/// A change's record over as many slides as its text needs in `frame`.
pub fn record_slides(r: &ChangeRecord, frame: Frame) -> Vec<Slide> {
    let width = frame.cx as f64 / EMU_PER_PT;
    let height = frame.cy as f64 / EMU_PER_PT;
    // A hanging bullet takes 1.5 em of the line.
    let bullet = RECORD_PT * 1.5;
    let title = truncate_chars(&format!("{} {}", r.number, r.title), 90);
    let mut pages: Vec<Vec<Paragraph>> = vec![Vec::new()];
    let mut used = 0.0;
    for p in record_paragraphs(r) {
        let w = if p.bullet { width - bullet } else { width };
        let h = lines(&p.runs, RECORD_PT, w) as f64 * RECORD_PT * LEADING
            + f64::from(p.space_before) / 100.0;
        let page = pages.last_mut().expect("one page at least");
        if used + h > height && !page.is_empty() {
            pages.push(Vec::new());
            used = 0.0;
        }
        used += h;
        pages.last_mut().expect("one page at least").push(p);
    }
    let n = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(k, paragraphs)| Slide {
            title: if k == 0 {
                title.clone()
            } else {
                truncate_chars(&format!("{} (continued, {} of {n})", r.title, k + 1), 90)
            },
            body: SlideBody::Text {
                paragraphs,
                size: (RECORD_PT * 100.0) as u32,
            },
            notes: format!(
                "The record of change {}: {}. Placements with their rationales, the consensus, mitigations and the residual.",
                r.number, r.title
            ),
            place: None,
        })
        .collect()
}

/// Column widths in points for a table at the appendix's size in a frame `cx` wide: every
/// column but the `flexible` one (the title's) as wide as its longest cell up to a limit, the
/// flexible one the rest, and at least `share` of the width. When that is more than the frame,
/// the columns give up room down to their longest word (their text wraps at spaces instead),
/// so that no word is broken while any column can still wrap.
pub fn table_widths(rows: &[Vec<String>], cx: i64, flexible: usize, share: f64) -> Vec<u32> {
    let total = cx as f64 / EMU_PER_PT;
    let margin = CELL_MARGIN_X as f64 / EMU_PER_PT + 2.0;
    let cols = rows.first().map_or(0, Vec::len);
    // (longest cell up to the limit, longest word) of each column.
    let measured: Vec<(f64, f64)> = (0..cols)
        .map(|c| {
            rows.iter()
                .enumerate()
                .filter_map(|(r, row)| {
                    let text = row.get(c)?;
                    let bold = r == 0;
                    let word = text
                        .split(' ')
                        .map(|w| width_pt(w, APPENDIX_PT, bold))
                        .fold(0.0, f64::max);
                    let cell = width_pt(text, APPENDIX_PT, bold)
                        .min(WIDEST_CELL_PT)
                        .max(word);
                    Some((cell, word))
                })
                .fold((0.0, 0.0), |(a, b), (c, w)| {
                    (f64::max(a, c), f64::max(b, w))
                })
        })
        .map(|(cell, word)| (cell + margin, word + margin))
        .collect();
    let others: f64 = (0..cols)
        .filter(|&c| c != flexible)
        .map(|c| measured[c].0)
        .sum();
    let wanted: Vec<f64> = (0..cols)
        .map(|c| {
            if c == flexible {
                (total - others).max(total * share).max(measured[c].1)
            } else {
                measured[c].0
            }
        })
        .collect();
    let least: Vec<f64> = measured.iter().map(|m| m.1).collect();
    let (sum_wanted, sum_least): (f64, f64) = (wanted.iter().sum(), least.iter().sum());
    // Past the frame: each column keeps its longest word and the same share of the rest.
    let keep = if sum_wanted > total && sum_wanted > sum_least {
        ((total - sum_least) / (sum_wanted - sum_least)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    wanted
        .iter()
        .zip(&least)
        .map(|(w, l)| (l + (w - l) * keep).round().max(1.0) as u32)
        .collect()
}

/// The appendix of every change over as many slides as it takes in `frame`, the header row on
/// each.
pub fn appendix_slides(w: &Workshop, frame: Frame) -> Vec<Slide> {
    let rows = appendix(w);
    let widths = table_widths(&rows, frame.cx, 1, TITLE_SHARE);
    table_slides(&rows, &widths, frame, "Appendix: every change", &|rows| {
        let first = rows.get(1).map_or(String::new(), |r| r[0].clone());
        let last = rows.last().map_or(String::new(), |r| r[0].clone());
        if first.is_empty() {
            "The workshop has no changes.".to_owned()
        } else {
            format!(
                "Changes {first} to {last}: each perspective's cell, the consensus and the residual."
            )
        }
    })
}

/// A table (`rows`, the header first) over as many slides as it takes in `frame`
/// ([`table_pages`]) at the appendix's size, titled `title`, "title (2 of 3)" when it takes
/// more than one; `notes` gives each slide's notes from its rows. In Parallax's own layout
/// (`place` None): a template's caller sets it.
pub fn table_slides(
    rows: &[Vec<String>],
    widths: &[u32],
    frame: Frame,
    title: &str,
    notes: &dyn Fn(&[Vec<String>]) -> String,
) -> Vec<Slide> {
    let pages = table_pages(rows, widths, frame);
    let n = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(k, (rows, heights))| Slide {
            title: if n == 1 {
                title.to_owned()
            } else {
                format!("{title} ({} of {n})", k + 1)
            },
            notes: notes(&rows),
            body: SlideBody::Table {
                rows,
                widths: widths.to_vec(),
                heights,
                size: (APPENDIX_PT * 100.0) as u32,
            },
            place: None,
        })
        .collect()
}

/// `rows` (the header first) split into the tables that fit `frame` at the appendix's text
/// size with columns of relative `widths`, each with the header and its rows' heights in EMU;
/// a row taller than the frame gets a table of its own. Nothing without a header.
pub fn table_pages(
    rows: &[Vec<String>],
    widths: &[u32],
    frame: Frame,
) -> Vec<(Vec<Vec<String>>, Vec<i64>)> {
    let Some((head, body)) = rows.split_first() else {
        return Vec::new();
    };
    let cols = column_widths(widths, head.len(), frame.cx);
    let row_height = |row: &[String], bold: bool| -> i64 {
        let most = row
            .iter()
            .zip(&cols)
            .map(|(text, cw)| {
                let width = (cw - CELL_MARGIN_X) as f64 / EMU_PER_PT;
                lines(&[(text.clone(), bold)], APPENDIX_PT, width.max(1.0))
            })
            .max()
            .unwrap_or(1);
        (most as f64 * APPENDIX_PT * LEADING * EMU_PER_PT).ceil() as i64 + CELL_MARGIN_Y
    };
    let head_h = row_height(head, true);
    let mut pages: Vec<(Vec<Vec<String>>, Vec<i64>)> = Vec::new();
    let mut current: (Vec<Vec<String>>, Vec<i64>) = (vec![head.clone()], vec![head_h]);
    let mut used = head_h;
    for row in body {
        let h = row_height(row, false);
        if used + h > frame.cy && current.0.len() > 1 {
            pages.push(std::mem::replace(
                &mut current,
                (vec![head.clone()], vec![head_h]),
            ));
            used = head_h;
        }
        used += h;
        current.0.push(row.clone());
        current.1.push(h);
    }
    pages.push(current);
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::pptx::content_frame;
    use crate::export::record::{change_record, decided};

    #[test]
    fn long_text_wraps_into_more_lines() {
        let short = lines(&[("a few words".into(), false)], 16.0, 400.0);
        let long = lines(&[("word ".repeat(200), false)], 16.0, 400.0);
        assert_eq!(short, 1);
        assert!(long > 10, "{long}");
        let unbroken = lines(&[("x".repeat(400), false)], 16.0, 400.0);
        assert!(unbroken > 5, "{unbroken}");
    }

    #[test]
    fn a_long_record_continues_on_another_slide_and_keeps_every_line() {
        let mut w = crate::export::deck::tests::meeting(3);
        for p in w.changes[0].placements.values_mut() {
            p.rationale = "because the rollback has never been tried under load ".repeat(12);
        }
        let r = change_record(&w, 0).unwrap();
        let slides = record_slides(&r, content_frame());
        assert!(slides.len() > 1, "{}", slides.len());
        let total: usize = slides
            .iter()
            .map(|s| match &s.body {
                SlideBody::Text { paragraphs, .. } => paragraphs.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(total, record_paragraphs(&r).len());
        assert!(slides[1].title.contains("continued"));
        // A short record is one slide.
        let short = decided(&w)
            .into_iter()
            .find(|r| r.number == 2)
            .map(|r| record_slides(&r, content_frame()))
            .unwrap();
        assert_eq!(short.len(), 1);
    }

    #[test]
    fn the_appendix_pages_hold_every_change_once_with_the_header_on_each() {
        let w = crate::export::chart::tests::placed(120, 3);
        let slides = appendix_slides(&w, content_frame());
        assert!(slides.len() > 3, "{}", slides.len());
        let mut numbers = Vec::new();
        for s in &slides {
            let SlideBody::Table {
                rows,
                heights,
                size,
                ..
            } = &s.body
            else {
                panic!("a table")
            };
            assert_eq!(rows[0][0], "#");
            assert!(*size >= 1200);
            assert!(heights.iter().sum::<i64>() <= content_frame().cy);
            numbers.extend(rows[1..].iter().map(|r| r[0].parse::<usize>().unwrap()));
        }
        assert_eq!(numbers, (1..=120).collect::<Vec<_>>());
    }
}
