//! The gap chart: per change both perspectives of a pair placed, the signed likelihood gap beside
//! the impact gap (`to` − `from`, in levels), most contested first. Also the pair's rows for the
//! deck's "most contested" table, and the analysis of a pair in export terms. It must never
//! compute a gap or an order of its own: both come from `crate::analysis`.

use super::grid::{header, legend_x, GRID_Y0, MARGIN};
use super::{name, plural};
use crate::analysis::{analyse_whole, Analysis, AnalysisError, AnalysisOptions};
use crate::export::scene::{Align, Rgb, Scene, WIDTH};
use crate::export::text::one_line;
use crate::export::ExportError;
use crate::{Axis, PerspectiveId, Workshop};

/// One row of the gap chart and of the "most contested" table: a change both perspectives of
/// the pair placed, with the analysis' signed gaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRow {
    /// The change's 1-based place in the workshop list.
    pub number: usize,
    pub title: String,
    /// `to` − `from` on the likelihood axis.
    pub likelihood_gap: i8,
    /// `to` − `from` on the impact axis.
    pub impact_gap: i8,
}

/// The analysis of `w` for the pair `from → to`, with its errors in export terms.
pub fn analyse_pair(
    w: &Workshop,
    from: PerspectiveId,
    to: PerspectiveId,
) -> Result<Analysis, ExportError> {
    let options = AnalysisOptions {
        from: Some(from.0),
        to: Some(to.0),
        ..AnalysisOptions::default()
    };
    analyse_whole(w, &options).map_err(analysis_error)
}

pub(crate) fn analysis_error(e: AnalysisError) -> ExportError {
    match e {
        AnalysisError::UnknownPerspective { name, known } => {
            ExportError::UnknownPerspective { name, known }
        }
        other => ExportError::NotApplicable(other.to_string()),
    }
}

/// The changes both perspectives of the analysed pair placed, in the order of the analysis'
/// discussion queue (most contested first); changes the queue leaves out (placed alike by
/// everyone) follow in workshop order.
pub fn pair_rows(analysis: &Analysis) -> Vec<GapRow> {
    let rank: std::collections::HashMap<_, usize> =
        analysis.queue.iter().map(|q| (&q.change, q.rank)).collect();
    let mut rows: Vec<(usize, GapRow)> = analysis
        .changes
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let row = GapRow {
                number: i + 1,
                title: g.title.clone(),
                likelihood_gap: g.likelihood_gap?,
                impact_gap: g.impact_gap?,
            };
            Some((rank.get(&g.change).copied().unwrap_or(usize::MAX), row))
        })
        .collect();
    rows.sort_by_key(|(rank, row)| (*rank, row.number));
    rows.into_iter().map(|(_, row)| row).collect()
}

const LIKELIHOOD_BAR: Rgb = Rgb(31, 58, 147);
const IMPACT_BAR: Rgb = Rgb(160, 196, 255);

pub(super) fn scene(
    w: &Workshop,
    title: &str,
    from: &PerspectiveId,
    to: &PerspectiveId,
    width: f64,
) -> Result<Scene, ExportError> {
    let (nf, nt) = (name(w, from)?, name(w, to)?);
    let analysis = analyse_pair(w, from.clone(), to.clone())?;
    let rows = pair_rows(&analysis);
    let total = rows.len();
    let disagree = rows
        .iter()
        .filter(|r| r.likelihood_gap != 0 || r.impact_gap != 0)
        .count();
    let subtitle = format!(
        "{} placed by both · {} placed differently · gap = {} − {} in levels",
        plural(total, "change", "changes"),
        disagree,
        nt,
        nf
    );
    let mut s = Scene::with_width(width);
    header(&mut s, title, &subtitle);

    // On a canvas narrower or wider than 1920, the titles' column takes 40% of the difference
    // and the bars the rest.
    let extra = s.width() - WIDTH;
    let (top, bottom) = (GRID_Y0 + 40.0, 930.0);
    let (label_x0, label_x1) = (MARGIN, 640.0 + 0.4 * extra);
    let (px0, px1) = (label_x1 + 40.0, legend_x(&s) - 70.0);
    let span = i32::from(
        w.matrix
            .max_level(Axis::Likelihood)
            .max(w.matrix.max_level(Axis::Impact)),
    )
    .max(2)
        - 1;
    let zero = (px0 + px1) / 2.0;
    let unit = (px1 - px0) / 2.0 / f64::from(span);
    let x_of = |v: i32| zero + f64::from(v) * unit;

    // Rows grow with fewer changes (bigger bars and type on a projector), down to 48 px.
    let row_h = ((bottom - top) / rows.len().max(1) as f64).clamp(48.0, 84.0);
    let bar_h = (row_h - 16.0) / 2.0;
    let label_size = (bar_h * 0.75).clamp(15.0, 22.0);
    let room = ((bottom - top) / row_h).floor().max(1.0) as usize;
    let shown = if rows.len() <= room {
        rows.len()
    } else {
        room - 1
    };

    // Grid lines and tick labels.
    let axis_start = s.next_index();
    for v in -span..=span {
        let x = x_of(v);
        let (color, width) = if v == 0 {
            (Rgb::INK, 3.0)
        } else {
            (Rgb(215, 218, 222), 1.0)
        };
        s.line(vec![(x, top - 10.0), (x, bottom)], color, width);
        let label = if v > 0 {
            format!("+{v}")
        } else {
            v.to_string()
        };
        s.text(
            x,
            bottom + 22.0,
            label,
            20.0,
            false,
            Rgb::MUTED,
            Align::Middle,
        );
    }
    s.text_fit(
        zero - 12.0,
        bottom + 56.0,
        &format!("← {nf} rated higher"),
        21.0,
        true,
        Rgb::INK,
        Align::End,
        zero - px0 + 120.0,
    );
    s.text_fit(
        zero + 12.0,
        bottom + 56.0,
        &format!("{nt} rated higher →"),
        21.0,
        true,
        Rgb::INK,
        Align::Start,
        px1 - zero + 120.0,
    );
    s.group_since(axis_start, "Gap axis");

    for (k, r) in rows.iter().take(shown).enumerate() {
        let row_start = s.next_index();
        let y0 = top + k as f64 * row_h;
        if k % 2 == 1 {
            s.rect(
                label_x0 - 10.0,
                y0,
                px1 + 20.0,
                y0 + row_h,
                Some(Rgb(246, 247, 249)),
                None,
            );
        }
        let label = format!("{} {}", r.number, one_line(&r.title));
        s.text_fit(
            label_x0,
            y0 + row_h / 2.0,
            &label,
            (label_size + 2.0).max(20.0),
            false,
            Rgb::INK,
            Align::Start,
            label_x1 - label_x0,
        );
        for (bar, (v, fill)) in [
            (r.likelihood_gap, LIKELIHOOD_BAR),
            (r.impact_gap, IMPACT_BAR),
        ]
        .into_iter()
        .enumerate()
        {
            let (by0, by1) = (
                y0 + 6.0 + bar as f64 * (bar_h + 4.0),
                y0 + 6.0 + bar as f64 * (bar_h + 4.0) + bar_h,
            );
            let (a, b) = (x_of(i32::from(0i8.min(v))), x_of(i32::from(0i8.max(v))));
            if v != 0 {
                s.rect(a, by0, b, by1, Some(fill), Some((Rgb::INK, 1.0)));
            } else {
                s.rect(zero - 2.0, by0, zero + 2.0, by1, Some(Rgb::INK), None);
            }
            let txt = if v > 0 {
                format!("+{v}")
            } else {
                v.to_string()
            };
            let (tx, al) = if v >= 0 {
                (b + 8.0, Align::Start)
            } else {
                (a - 8.0, Align::End)
            };
            s.text(tx, (by0 + by1) / 2.0, txt, label_size, true, Rgb::INK, al);
        }
        s.group_since(
            row_start,
            format!(
                "{} {}: likelihood {}, impact {}",
                r.number,
                one_line(&r.title),
                r.likelihood_gap,
                r.impact_gap
            ),
        );
    }
    if shown < rows.len() {
        let y = top + shown as f64 * row_h + row_h / 2.0;
        s.text(
            label_x0,
            y,
            format!("+{} more changes with smaller gaps", rows.len() - shown),
            20.0,
            true,
            Rgb::MUTED,
            Align::Start,
        );
    }
    if rows.is_empty() {
        let (x0, y0, x1, y1) = (
            px0 - 300.0,
            (top + bottom) / 2.0 - 40.0,
            px1,
            (top + bottom) / 2.0 + 40.0,
        );
        s.rect(x0, y0, x1, y1, Some(Rgb::WHITE), Some((Rgb::RULE, 2.0)));
        s.text_fit(
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0,
            &format!("No change is placed by both {nf} and {nt} yet"),
            28.0,
            true,
            Rgb::INK,
            Align::Middle,
            x1 - x0 - 30.0,
        );
    }
    s.text(
        label_x0,
        top - 24.0,
        "Change (most contested first)",
        21.0,
        true,
        Rgb::INK,
        Align::Start,
    );

    // Legend.
    let legend_x = legend_x(&s);
    let legend_start = s.next_index();
    let mut y = GRID_Y0 + 14.0;
    s.text(legend_x, y, "Axes", 22.0, true, Rgb::INK, Align::Start);
    y += 40.0;
    for (label, fill) in [
        ("Likelihood gap", LIKELIHOOD_BAR),
        ("Impact gap", IMPACT_BAR),
    ] {
        s.rect(
            legend_x,
            y - 9.0,
            legend_x + 50.0,
            y + 9.0,
            Some(fill),
            Some((Rgb::INK, 1.0)),
        );
        s.text(
            legend_x + 62.0,
            y,
            label,
            20.0,
            false,
            Rgb::INK,
            Align::Start,
        );
        y += 36.0;
    }
    y += 14.0;
    for line in [
        "Upper bar: likelihood,",
        "lower bar: impact.",
        "A bar to the right: ",
        &format!("{} rated it higher.", truncate(&nt, 14)),
    ] {
        s.text(legend_x, y, line, 18.0, false, Rgb::MUTED, Align::Start);
        y += 26.0;
    }
    s.group_since(legend_start, "Legend: axes");
    Ok(s)
}

fn truncate(t: &str, n: usize) -> String {
    crate::export::text::truncate_chars(t, n)
}

#[cfg(test)]
mod tests {
    use super::super::tests::placed;
    use super::*;

    #[test]
    fn gap_rows_follow_the_analysis_queue() {
        let w = placed(30, 5);
        let (dev, ops) = (PerspectiveId::new("dev"), PerspectiveId::new("ops"));
        let a = analyse_pair(&w, dev.clone(), ops.clone()).unwrap();
        let rows = pair_rows(&a);
        assert_eq!(rows.len(), 30);
        let first = &a.queue[0];
        assert_eq!(rows[0].number, first.position + 1);
        let c = &w.changes[rows[0].number - 1];
        let expected =
            i16::from(c.placements[&ops].likelihood) - i16::from(c.placements[&dev].likelihood);
        assert_eq!(i16::from(rows[0].likelihood_gap), expected);
    }
}
