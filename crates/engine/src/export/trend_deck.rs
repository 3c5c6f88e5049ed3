//! The trend deck: whether two perspectives converge across workshops, for the meeting that
//! looks back over months. A title slide (the pair, how many workshops, from when to when), the
//! trend chart (native shapes, or a picture as asked), the table of workshops in date order
//! (mean |gap| per axis, α per axis with its 95% interval, what the disagreements are about, the
//! standard-change candidates), and the changes followed across workshops, each table split
//! over as many slides as it takes. On Parallax's own layout or a company's template, as the
//! workshop deck.
//!
//! Every figure is the trend's (`crate::analysis::trend`, which takes them from the analysis):
//! it must never compute a statistic of its own, nor read anything but the trend.

use super::chart::{trend_scene, trend_title};
use super::deck::{chart_slide, signed, DeckOptions};
use super::pptx::{content_frame, Deck, Slide, SlideBody};
use super::record_slides::{table_slides, table_widths};
use super::template::SlideUse;
use super::text::{one_line, truncate_chars};
use super::ExportError;
use crate::analysis::trend::{DateSource, FollowedBy, Trend, TrendPoint};
use crate::analysis::AxisAgreement;
use crate::analysis::MIN_CHANGES_TO_READ;

/// "1.20", or "–" without a value.
fn fixed(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"))
}

/// α with its interval, "0.61 [0.24, 0.83]", to one decimal when it rests on too few changes
/// to read much into (as the app shows it); "n/a" when α is undefined.
fn alpha(a: &AxisAgreement, few: bool) -> String {
    let Some(v) = a.krippendorff_alpha.filter(|v| v.is_finite()) else {
        return "n/a".to_owned();
    };
    let d = if few { 1 } else { 2 };
    match a.alpha_ci {
        Some([lo, hi]) => format!("{v:.d$} [{lo:.d$}, {hi:.d$}]"),
        None => format!("{v:.d$}"),
    }
}

fn date(p: &TrendPoint) -> String {
    let d = p.date.clone().unwrap_or_else(|| "no date".to_owned());
    match p.date_source {
        DateSource::FileModified => format!("{d} (file)"),
        _ => d,
    }
}

fn workshop_name(p: &TrendPoint, same_pair: bool) -> String {
    let mut name = if p.title.trim().is_empty() {
        "Untitled workshop".to_owned()
    } else {
        truncate_chars(&one_line(&p.title), 80)
    };
    if !same_pair {
        name.push_str(&format!(
            " ({} → {})",
            one_line(&p.pair.from),
            one_line(&p.pair.to)
        ));
    }
    name
}

/// The rows of the workshop table, header first.
fn workshop_rows(t: &Trend, same_pair: bool) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "Workshop".to_owned(),
        "Compared".to_owned(),
        "Mean |gap| L / I".to_owned(),
        "α likelihood [95%]".to_owned(),
        "α impact [95%]".to_owned(),
        "Mostly about L / I / both / same".to_owned(),
        "Candidates".to_owned(),
    ]];
    for p in &t.points {
        // Too few changes for the agreement figures: said where the count is.
        let few = p.compared < MIN_CHANGES_TO_READ;
        let d = &p.dominant_counts;
        rows.push(vec![
            format!("{} · {}", date(p), workshop_name(p, same_pair)),
            format!(
                "{} of {}{}",
                p.compared,
                p.total_changes,
                if few { " (few)" } else { "" }
            ),
            format!(
                "{} / {}",
                fixed(p.likelihood.mean_abs_gap),
                fixed(p.impact.mean_abs_gap)
            ),
            alpha(&p.likelihood, few),
            alpha(&p.impact, few),
            format!("{} / {} / {} / {}", d.likelihood, d.impact, d.both, d.agree),
            p.candidate_count.to_string(),
        ]);
    }
    rows
}

/// The rows of the followed-changes table, header first; `None` when no change comes back.
fn followed_rows(t: &Trend) -> Option<Vec<Vec<String>>> {
    let series = t.series();
    if series.is_empty() {
        return None;
    }
    let mut rows = vec![vec![
        "Change (followed by ticket, else exact title)".to_owned(),
        "Gap likelihood / impact in each workshop, oldest first".to_owned(),
    ]];
    for s in &series {
        let head = match s.followed_by {
            FollowedBy::Ticket => {
                let title = s.seen.last().map_or("", |(_, c)| c.title.as_str());
                format!("{} {}", one_line(&s.key), one_line(title))
            }
            FollowedBy::Title => one_line(&s.key),
        };
        let steps: Vec<String> = s
            .seen
            .iter()
            .map(|(i, c)| {
                let when = t
                    .points
                    .get(*i)
                    .and_then(|p| p.date.clone())
                    .unwrap_or_else(|| "no date".to_owned());
                format!(
                    "{when}: {} / {}",
                    signed(c.likelihood_gap),
                    signed(c.impact_gap)
                )
            })
            .collect();
        rows.push(vec![truncate_chars(&head, 100), steps.join(" → ")]);
    }
    Some(rows)
}

/// Where the gap stood in the first and the latest workshop, in words for the speaker.
fn movement(t: &Trend) -> String {
    let with: Vec<&TrendPoint> = t
        .points
        .iter()
        .filter(|p| p.likelihood.mean_abs_gap.is_some())
        .collect();
    let (Some(first), Some(last)) = (with.first(), with.last()) else {
        return "No workshop has a change placed by both perspectives of the pair.".to_owned();
    };
    if with.len() < 2 {
        return format!(
            "Only one workshop ({}) has changes placed by both: mean |gap| {} on likelihood, {} on impact.",
            date(first),
            fixed(first.likelihood.mean_abs_gap),
            fixed(first.impact.mean_abs_gap)
        );
    }
    format!(
        "From {} to {}, the mean |gap| went from {} to {} on likelihood and from {} to {} on impact (lower is closer).",
        date(first),
        date(last),
        fixed(first.likelihood.mean_abs_gap),
        fixed(last.likelihood.mean_abs_gap),
        fixed(first.impact.mean_abs_gap),
        fixed(last.impact.mean_abs_gap),
    )
}

/// Builds the trend deck as .pptx bytes. Refuses a trend without any workshop (there is
/// nothing to show); `options.pairs` and `options.date` do not apply (the pair is the trend's,
/// the dates the workshops').
pub fn build_trend_deck(t: &Trend, options: &DeckOptions) -> Result<Vec<u8>, ExportError> {
    if t.points.is_empty() {
        return Err(ExportError::NotApplicable(
            "no workshop could be read, so there is no trend to put on slides".into(),
        ));
    }
    let place = |u: SlideUse| options.template.as_ref().map(|t| t.place(u));
    let same_pair = t
        .points
        .windows(2)
        .all(|w| w[0].pair.from == w[1].pair.from && w[0].pair.to == w[1].pair.to);
    let title = truncate_chars(&trend_title(t), 120);
    let n = t.points.len();
    let dated: Vec<&str> = t.points.iter().filter_map(|p| p.date.as_deref()).collect();
    let mut cover = vec![match (dated.first(), dated.last()) {
        (Some(a), Some(b)) if a != b => format!("{n} workshops, {a} to {b}"),
        (Some(a), _) => format!("{n} workshop{}, {a}", if n == 1 { "" } else { "s" }),
        _ => format!("{n} workshop{}", if n == 1 { "" } else { "s" }),
    }];
    if let (Some(p), true) = (t.points.first(), same_pair) {
        cover.push(format!(
            "Gaps are {} − {} in levels; lower is closer",
            one_line(&p.pair.to),
            one_line(&p.pair.from)
        ));
    }
    let summary = movement(t);
    let mut deck = Deck {
        title: title.clone(),
        slides: vec![Slide {
            title: title.clone(),
            body: SlideBody::Cover { lines: cover },
            notes: summary.clone(),
            place: place(SlideUse::Cover),
        }],
        base: options.template.as_ref().map(|t| t.base().clone()),
    };

    deck.slides.push(chart_slide(
        title,
        format!(
            "{summary}\nThe chart draws the mean of |gap| over the changes both perspectives placed, per workshop, in date order; the workshops are spaced evenly."
        ),
        place(SlideUse::Chart),
        options,
        &|width| trend_scene(t, width, false),
    )?);

    let text_place = place(SlideUse::Text);
    let frame = text_place
        .as_ref()
        .map_or_else(content_frame, |p| p.content);
    let few = t
        .points
        .iter()
        .filter(|p| p.compared < MIN_CHANGES_TO_READ)
        .count();
    let mut notes = vec![summary];
    if few > 0 {
        notes.push(format!(
            "(few): {few} of the workshops compared fewer than {MIN_CHANGES_TO_READ} changes; their agreement figures are too unstable to read much into, and α is given to one decimal."
        ));
    }
    notes.push(
        "Compared: changes placed by both perspectives of the pair, of all. L / I: likelihood / impact. Mostly about: how many compared changes disagree mostly about each axis, equally on both, or sit in the same cell. Candidates: standard-change candidates."
            .to_owned(),
    );
    let tables = [
        (
            "The workshops",
            Some(workshop_rows(t, same_pair)),
            0,
            notes.join("\n"),
        ),
        (
            "Changes followed across workshops",
            followed_rows(t),
            1,
            "Each change seen in two or more of the workshops, by ticket when it has one, else by exact title; its gap on each axis in each of them.".to_owned(),
        ),
    ];
    for (name, rows, flexible, notes) in tables {
        let Some(rows) = rows else { continue };
        // The workshop's name, or a change's steps, take the room the other columns leave.
        let widths = table_widths(&rows, frame.cx, flexible, 0.2);
        deck.slides.extend(
            table_slides(&rows, &widths, frame, name, &|_| notes.clone())
                .into_iter()
                .map(|slide| Slide {
                    place: text_place.clone(),
                    ..slide
                }),
        );
    }
    deck.to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::trend::{trend, TrendInput};
    use crate::analysis::AnalysisOptions;

    fn inputs(n: usize) -> Vec<TrendInput> {
        (0..n)
            .map(|i| {
                let mut w = crate::export::chart::tests::placed(4 + 3 * i, i as u64 + 1);
                w.title = format!("Workshop {} <&>", i + 1);
                for c in &mut w.changes {
                    for p in c.placements.values_mut() {
                        p.placed_at_ms = 1_764_000_000_000 + i as i64 * 30 * 86_400_000;
                    }
                }
                w.changes[0].ticket = "SHOP-1".into();
                TrendInput {
                    file: format!("w{i}.parallax"),
                    workshop: w,
                    modified_ms: None,
                }
            })
            .collect()
    }

    fn slide_xml(bytes: &[u8]) -> Vec<String> {
        let parts = crate::export::pptx::tests::unzip(bytes);
        (1..)
            .map_while(|i| parts.get(&format!("ppt/slides/slide{i}.xml")))
            .map(|x| String::from_utf8(x.clone()).unwrap())
            .collect()
    }

    #[test]
    fn the_deck_has_the_chart_the_workshops_and_the_changes_followed() {
        let t = trend(&inputs(4), &AnalysisOptions::default());
        let bytes = build_trend_deck(&t, &DeckOptions::default()).unwrap();
        crate::export::pptx::tests::check_package(&bytes);
        let slides = slide_xml(&bytes);
        // Cover, chart, the workshops, then the changes followed (the sample's long titles
        // recur in every workshop, so they take more than one slide).
        assert!(slides.len() >= 4, "{}", slides.len());
        assert!(slides[2].contains("<a:t>The workshops</a:t>"));
        assert!(slides[3..]
            .iter()
            .all(|s| s.contains("<a:t>Changes followed across workshops")));
        assert!(slides[0].contains("Dev and Ops across workshops"));
        assert!(slides[0].contains("4 workshops, "));
        // The chart as shapes: one marker per workshop and axis, named.
        assert!(slides[1].contains("<p:grpSp>"), "native shapes");
        assert!(!slides[1].contains("<p:pic>"));
        // Every workshop's row, in date order, with its α and interval; titles escaped.
        for (k, p) in t.points.iter().enumerate() {
            let row = format!("Workshop {} &lt;&amp;&gt;", k + 1);
            assert!(slides[2].contains(&row), "{row}");
            assert!(slides[2].contains(&fixed(p.likelihood.mean_abs_gap)));
        }
        let first = slides[2].find("Workshop 1 ").unwrap();
        let last = slides[2].find("Workshop 4 ").unwrap();
        assert!(first < last, "date order");
        // The change with the same ticket in every workshop is followed.
        assert!(slides[3].contains("SHOP-1"));
    }

    #[test]
    fn unstable_alpha_is_marked_and_a_long_trend_takes_more_slides() {
        let t = trend(&inputs(30), &AnalysisOptions::default());
        assert!(t.points.iter().any(|p| p.compared < MIN_CHANGES_TO_READ));
        let bytes = build_trend_deck(&t, &DeckOptions::default()).unwrap();
        crate::export::pptx::tests::check_package(&bytes);
        let slides = slide_xml(&bytes);
        let tables: Vec<&String> = slides
            .iter()
            .filter(|s| s.contains("The workshops ("))
            .collect();
        assert!(tables.len() >= 2, "30 rows over several slides");
        let all = slides.join("");
        assert!(
            all.contains(" (few)</a:t>"),
            "a workshop with few changes is marked"
        );
        for k in 1..=30 {
            assert!(all.contains(&format!("Workshop {k} &lt;")), "{k}");
        }
    }

    #[test]
    fn no_workshop_is_refused() {
        let t = trend(&[], &AnalysisOptions::default());
        assert!(matches!(
            build_trend_deck(&t, &DeckOptions::default()),
            Err(ExportError::NotApplicable(_))
        ));
    }
}
