//! The workshop deck: a title slide (workshop title, date, perspectives), one slide per chart, a
//! table of the ten most contested changes with their per-axis gaps per pair, the meeting record
//! (a slide or more per decided change, then the appendix of every change, see
//! `record_slides`), and speaker notes carrying the analysis' summary sentence and the
//! perspectives' rationales. Built on [`super::pptx`];
//! the numbers come from `crate::analysis`. It only reads the workshop and never reads a clock:
//! the date comes from the caller or from the latest placement.

use super::chart::{self, analyse_pair, analysis_error, pair_rows, Chart, ChartSize, ImageFormat};
use super::pptx::{content_frame, Deck, Frame, Place, Slide, SlideBody, SLIDE_CX, SLIDE_CY};
use super::scene::Scene;
use super::shapes::{self, Mapping, MAX_NATIVE_MARKERS};
use super::template::{SlideUse, Template};
use super::text::{one_line, truncate_chars};
use super::ExportError;
use super::{record, record_slides, scene};
use crate::analysis::{analyse_whole, find_perspective, Analysis, AnalysisOptions};
use crate::{Millis, PerspectiveId, Workshop};

/// How to build the deck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckOptions {
    /// The date on the title slide, as written there. `None`: the day of the latest placement
    /// (UTC), or no date when nothing is placed.
    pub date: Option<String>,
    /// The size the chart pictures are rendered at. Bitmap lines are not anti-aliased, so 4K
    /// keeps them crisp on a projector.
    pub size: ChartSize,
    /// Charts as native, editable shapes or as pictures.
    pub charts: ChartStyle,
    /// The pairs of perspectives compared (overlay, gaps and contested table each), by name
    /// or id, first → second. Empty: every pair once, in perspective order.
    pub pairs: Vec<(String, String)>,
    /// A company's template to build the deck on; `None`: Parallax's own plain layout.
    pub template: Option<Template>,
}

/// The top of a chart's canvas left empty for the slide's title (the chart's subtitle starts
/// below it): cut off when the chart sits under a template's own title.
const CHART_TITLE_BAND: f64 = 84.0;

/// How the deck's charts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartStyle {
    /// PNG pictures, as exported on their own.
    Pictures,
    /// Native DrawingML shapes a person can edit; a chart with more than
    /// [`MAX_NATIVE_MARKERS`] markers is still a picture.
    #[default]
    Shapes,
}

impl ChartStyle {
    /// "pictures" or "shapes", as the command line names them.
    pub fn parse(s: &str) -> Option<ChartStyle> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pictures" | "picture" => Some(ChartStyle::Pictures),
            "shapes" | "shape" => Some(ChartStyle::Shapes),
            _ => None,
        }
    }
}

impl Default for DeckOptions {
    fn default() -> Self {
        DeckOptions {
            date: None,
            size: ChartSize::UHD,
            charts: ChartStyle::Shapes,
            pairs: Vec::new(),
            template: None,
        }
    }
}

/// The pairs a deck compares: those asked for (each perspective found by name or id), or
/// every pair once in perspective order.
pub fn resolve_pairs(
    w: &Workshop,
    asked: &[(String, String)],
) -> Result<Vec<(PerspectiveId, PerspectiveId)>, ExportError> {
    if asked.is_empty() {
        let p = &w.perspectives;
        return Ok((0..p.len())
            .flat_map(|i| (i + 1..p.len()).map(move |j| (p[i].id.clone(), p[j].id.clone())))
            .collect());
    }
    let find = |name: &str| {
        find_perspective(w, name)
            .map(|p| p.id.clone())
            .map_err(analysis_error)
    };
    let mut out: Vec<(PerspectiveId, PerspectiveId)> = Vec::new();
    for (a, b) in asked {
        let (a, b) = (find(a)?, find(b)?);
        if a == b {
            return Err(ExportError::NotApplicable(format!(
                "a pair compares two different perspectives, not {} with itself",
                a.0
            )));
        }
        if !out.contains(&(a.clone(), b.clone())) {
            out.push((a, b));
        }
    }
    Ok(out)
}

/// Where the deck build is, for a progress bar: `done` of `total` steps, and what is next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckProgress {
    pub done: usize,
    pub total: usize,
    pub step: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "28 November 2026" for a time in ms since the Unix epoch (UTC).
pub fn format_day(ms: Millis) -> String {
    let (year, month, day) = crate::analysis::trend::civil_day(ms);
    let name = MONTHS.get(month as usize - 1).unwrap_or(&"");
    format!("{day} {name} {year}")
}

/// The day of the latest placement, the nearest thing to "when the workshop was held".
pub fn workshop_date(w: &Workshop) -> Option<String> {
    crate::analysis::trend::latest_placement(w).map(format_day)
}

/// A gap in levels as the deck writes it: "+2", "-1", "0", or "–" without one.
pub(super) fn signed(v: Option<i8>) -> String {
    match v {
        Some(v) if v > 0 => format!("+{v}"),
        Some(v) => v.to_string(),
        None => "–".to_owned(),
    }
}

/// The analysis of the first two perspectives, when the workshop has two.
pub fn default_analysis(w: &Workshop) -> Result<Analysis, ExportError> {
    analyse_whole(w, &AnalysisOptions::default()).map_err(analysis_error)
}

/// "Dev (L2 × I4): the rollback is scripted" lines for one change, every perspective that gave a
/// rationale, in perspective order.
fn rationales(w: &Workshop, index: usize) -> Vec<String> {
    let Some(c) = w.changes.get(index) else {
        return Vec::new();
    };
    w.perspectives
        .iter()
        .filter_map(|p| {
            let pl = c.placements.get(&p.id)?;
            let why = one_line(&pl.rationale);
            (!why.is_empty()).then(|| {
                format!(
                    "  {} (L{} × I{}): {}",
                    one_line(&p.name),
                    pl.likelihood,
                    pl.impact,
                    why
                )
            })
        })
        .collect()
}

fn notes_for(w: &Workshop, chart: &Chart, analysis: &Analysis) -> String {
    let mut lines = Vec::new();
    match chart {
        Chart::Matrix { perspective } => {
            for (i, c) in w.changes.iter().enumerate() {
                if let Some(pl) = c.placements.get(perspective) {
                    let why = one_line(&pl.rationale);
                    let mut line = format!(
                        "{} {} — L{} × I{}",
                        i + 1,
                        one_line(&c.title),
                        pl.likelihood,
                        pl.impact
                    );
                    if !why.is_empty() {
                        line.push_str(&format!(": {why}"));
                    }
                    lines.push(line);
                }
            }
            if lines.is_empty() {
                lines.push("No change placed yet.".to_owned());
            }
        }
        Chart::Overlay { .. } | Chart::Gaps { .. } | Chart::GapMap { .. } => {
            lines.push(analysis.summary.clone());
            if let Chart::GapMap { .. } = chart {
                lines.push(gap_map_note(analysis));
            }
            for axis in [&analysis.likelihood, &analysis.impact] {
                let kappa = axis
                    .weighted_kappa
                    .map(|k| format!("{k:.2}"))
                    .or_else(|| {
                        axis.weighted_kappa_undefined
                            .as_ref()
                            .map(|u| format!("undefined ({})", u.reason))
                    })
                    .unwrap_or_default();
                lines.push(format!(
                    "{}: weighted kappa {kappa}; {} higher, {} lower, {} same.",
                    axis.axis.name(),
                    axis.to_higher,
                    axis.to_lower,
                    axis.same
                ));
            }
            for row in pair_rows(analysis).iter().take(10) {
                if row.likelihood_gap == 0 && row.impact_gap == 0 {
                    continue;
                }
                lines.push(format!(
                    "{} {} — likelihood {}, impact {}",
                    row.number,
                    one_line(&row.title),
                    signed(Some(row.likelihood_gap)),
                    signed(Some(row.impact_gap))
                ));
                lines.extend(rationales(w, row.number - 1));
            }
        }
        Chart::Consensus => {
            for (i, c) in w.changes.iter().enumerate() {
                if let Some(cell) = c.consensus {
                    lines.push(format!(
                        "{} {} — agreed at L{} × I{}",
                        i + 1,
                        one_line(&c.title),
                        cell.likelihood,
                        cell.impact
                    ));
                }
            }
            if lines.is_empty() {
                lines.push("No consensus recorded yet.".to_owned());
            }
        }
        Chart::Residual => {
            for (i, c) in w.changes.iter().enumerate() {
                if c.mitigations.is_empty() && c.residual.is_none() {
                    continue;
                }
                let residual = c
                    .residual
                    .map(|r| format!("residual L{} × I{}", r.likelihood, r.impact))
                    .unwrap_or_else(|| "no residual yet".to_owned());
                lines.push(format!("{} {} — {residual}", i + 1, one_line(&c.title)));
                for m in &c.mitigations {
                    let owner = one_line(&m.owner);
                    let owner = if owner.is_empty() {
                        String::new()
                    } else {
                        format!(" ({owner})")
                    };
                    lines.push(format!(
                        "  lowers {}: {}{owner}",
                        m.lowers.name(),
                        one_line(&m.text)
                    ));
                }
            }
            if !analysis.candidates.is_empty() {
                lines.push("Standard-change candidates:".to_owned());
                for c in &analysis.candidates {
                    lines.push(format!("  {}: {}", one_line(&c.title), one_line(&c.reason)));
                }
            }
            if lines.is_empty() {
                lines.push("No mitigation or residual recorded yet.".to_owned());
            }
        }
        Chart::MitigationMix => {
            lines.push(
                "Who lowers what: the mitigations each perspective proposed, by the axis they \
                 lower (calibration changes left out)."
                    .to_owned(),
            );
            for r in chart::mix_rows(w) {
                let name = if r.perspective.is_some() {
                    one_line(&r.name)
                } else {
                    "Not recorded".to_owned()
                };
                lines.push(format!(
                    "{name}: {} lower likelihood, {} lower impact",
                    r.likelihood, r.impact
                ));
            }
            if analysis.residual_flags.is_empty() {
                lines.push("Residual check: nothing to raise.".to_owned());
            } else {
                lines.push("Residual check:".to_owned());
                for f in &analysis.residual_flags {
                    lines.push(format!(
                        "  {}: {}",
                        one_line(&f.title),
                        one_line(&f.message)
                    ));
                }
            }
        }
    }
    lines.join("\n")
}

/// What the gap map shows, in words for the speaker: how many compared changes disagree mostly
/// about each axis, as the analysis classifies them.
fn gap_map_note(analysis: &Analysis) -> String {
    use crate::analysis::Dominant;
    let count = |d: Dominant| {
        analysis
            .changes
            .iter()
            .filter(|g| g.dominant == Some(d))
            .count()
    };
    format!(
        "Gap map: each change at its impact gap (across) and likelihood gap (up), {} − {}. Of {} compared changes, {} disagree mostly about likelihood, {} mostly about impact, {} equally on both, {} sit in the same cell.",
        one_line(&analysis.pair.to),
        one_line(&analysis.pair.from),
        analysis.compared,
        count(Dominant::Likelihood),
        count(Dominant::Impact),
        count(Dominant::Both),
        count(Dominant::Agree),
    )
}

/// The numbers of the changes `entry` is tied with in the queue ("4, 7"), or "–".
fn tied_numbers(analysis: &Analysis, entry: &crate::analysis::QueueEntry) -> String {
    let tied: Vec<String> = entry
        .tied_with
        .iter()
        .filter_map(|id| analysis.queue.iter().find(|e| &e.change == id))
        .map(|e| (e.position + 1).to_string())
        .collect();
    if tied.is_empty() {
        "–".to_owned()
    } else {
        tied.join(", ")
    }
}

/// The rows of the "ten most contested changes" table (the deck's and the report's): header
/// first; what each disagreement is about, and the changes it ties with on every ranking key.
pub fn contested_table(w: &Workshop, analysis: &Analysis) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "#".to_owned(),
        "Change".to_owned(),
        format!(
            "Likelihood gap ({} − {})",
            analysis.pair.to, analysis.pair.from
        ),
        "Impact gap".to_owned(),
        format!("Bands ({} → {})", analysis.pair.from, analysis.pair.to),
        "Placed by".to_owned(),
        "Disagreement".to_owned(),
        "Tied with".to_owned(),
    ]];
    for entry in analysis.queue.iter().take(10) {
        let gap = analysis.changes.get(entry.position);
        let bands = gap
            .and_then(|g| {
                Some(format!(
                    "{} → {}",
                    g.from_band.as_ref()?,
                    g.to_band.as_ref()?
                ))
            })
            .unwrap_or_else(|| "–".to_owned());
        rows.push(vec![
            (entry.position + 1).to_string(),
            truncate_chars(&one_line(&entry.title), 60),
            signed(gap.and_then(|g| g.likelihood_gap)),
            signed(gap.and_then(|g| g.impact_gap)),
            one_line(&bands),
            format!("{} of {}", entry.placed_by, w.perspectives.len()),
            entry.about.to_owned(),
            tied_numbers(analysis, entry),
        ]);
    }
    rows
}

/// A chart's slide: the chart laid out for the slide (on Parallax's own slide it fills it and
/// the title sits in the chart's empty title band; on a template's layout (`place`) it is laid
/// out for the content area's proportions without that band, and fills it), as shapes or a
/// picture as `options` ask. A chart of shapes with more than [`MAX_NATIVE_MARKERS`] markers
/// is a picture, and its notes say why. `scene_at` lays the chart out on a canvas that wide.
pub(super) fn chart_slide(
    title: String,
    mut notes: String,
    place: Option<Place>,
    options: &DeckOptions,
    scene_at: &dyn Fn(f64) -> Result<Scene, ExportError>,
) -> Result<Slide, ExportError> {
    let (frame, crop_top) = match &place {
        Some(p) => (p.content, CHART_TITLE_BAND),
        None => (
            Frame {
                x: 0,
                y: 0,
                cx: SLIDE_CX,
                cy: SLIDE_CY,
            },
            0.0,
        ),
    };
    let width = chart::canvas_width(frame.cx as f64, frame.cy as f64, crop_top);
    let scene = scene_at(width)?;
    let mapping = Mapping::fit(frame, width, crop_top);
    let markers = shapes::marker_count(&scene);
    let body = if options.charts == ChartStyle::Shapes && markers <= MAX_NATIVE_MARKERS {
        let (xml, _) = shapes::scene_xml(&scene, &mapping, 10)?;
        SlideBody::Shapes { xml }
    } else {
        if options.charts == ChartStyle::Shapes {
            notes = format!(
                "This chart is a picture, not editable shapes: it has {markers} markers, more than the {MAX_NATIVE_MARKERS} a slide of shapes holds comfortably.\n{notes}"
            );
        }
        let png = chart::render_scene(&scene, ImageFormat::Png, options.size)?;
        SlideBody::Picture {
            png,
            description: title.clone(),
            frame: place.as_ref().map(|_| mapping.visible()),
            crop_top: mapping.crop_top / scene::HEIGHT,
        }
    };
    Ok(Slide {
        title,
        body,
        notes,
        place,
    })
}

/// Builds the whole deck as .pptx bytes, calling `progress` before each step.
pub fn build_deck(
    w: &Workshop,
    options: &DeckOptions,
    progress: &mut dyn FnMut(DeckProgress),
) -> Result<Vec<u8>, ExportError> {
    let analysis = default_analysis(w)?;
    let pairs = resolve_pairs(w, &options.pairs)?;
    let mut charts: Vec<Chart> = w
        .perspectives
        .iter()
        .map(|p| Chart::Matrix {
            perspective: p.id.clone(),
        })
        .collect();
    for (from, to) in &pairs {
        charts.push(Chart::Overlay {
            from: from.clone(),
            to: to.clone(),
        });
        charts.push(Chart::GapMap {
            from: from.clone(),
            to: to.clone(),
        });
        charts.push(Chart::Gaps {
            from: from.clone(),
            to: to.clone(),
        });
    }
    charts.push(Chart::Consensus);
    charts.push(Chart::Residual);
    if chart::mitigation_count(w) > 0 {
        charts.push(Chart::MitigationMix);
    }
    // One contested table per pair (the default analysis' when there is no pair).
    let mut tables = Vec::new();
    for (from, to) in &pairs {
        tables.push(analyse_pair(w, from.clone(), to.clone())?);
    }
    if tables.is_empty() {
        tables.push(default_analysis(w)?);
    }
    let total = charts.len() + tables.len() + 3;
    let place = |u: SlideUse| options.template.as_ref().map(|t| t.place(u));
    let mut done = 0;
    let mut step = |label: String, done: &mut usize| {
        progress(DeckProgress {
            done: *done,
            total,
            step: label,
        });
        *done += 1;
    };

    let title = truncate_chars(&one_line(&w.title), 120);
    let mut cover_lines = Vec::new();
    if let Some(date) = options.date.clone().or_else(|| workshop_date(w)) {
        cover_lines.push(one_line(&date));
    }
    let names: Vec<String> = w.perspectives.iter().map(|p| one_line(&p.name)).collect();
    cover_lines.push(truncate_chars(
        &format!("Perspectives: {}", names.join(", ")),
        200,
    ));
    if let [only] = tables.as_slice() {
        cover_lines.push(format!(
            "{} changes · {} compared by {} and {}",
            w.changes.len(),
            only.compared,
            one_line(&only.pair.from),
            one_line(&only.pair.to)
        ));
    } else {
        let names: Vec<String> = tables
            .iter()
            .map(|a| format!("{} & {}", one_line(&a.pair.from), one_line(&a.pair.to)))
            .collect();
        cover_lines.push(truncate_chars(
            &format!(
                "{} changes · compared in pairs: {}",
                w.changes.len(),
                names.join(", ")
            ),
            200,
        ));
    }
    let mut deck = Deck {
        title: title.clone(),
        slides: vec![Slide {
            title,
            body: SlideBody::Cover { lines: cover_lines },
            notes: analysis.summary.clone(),
            place: place(SlideUse::Cover),
        }],
        base: options.template.as_ref().map(|t| t.base().clone()),
    };

    for chart in &charts {
        let chart_title = truncate_chars(&chart.title(w)?, 90);
        step(format!("Drawing “{chart_title}”"), &mut done);
        let notes = match chart {
            Chart::Overlay { from, to } | Chart::Gaps { from, to } | Chart::GapMap { from, to } => {
                notes_for(w, chart, &analyse_pair(w, from.clone(), to.clone())?)
            }
            _ => notes_for(w, chart, &analysis),
        };
        deck.slides.push(chart_slide(
            chart_title,
            notes,
            place(SlideUse::Chart),
            options,
            &|width| chart.scene_for_slide(w, width),
        )?);
    }

    let several = tables.len() > 1;
    for analysis in &tables {
        let pair = format!(
            "{} vs {}",
            one_line(&analysis.pair.from),
            one_line(&analysis.pair.to)
        );
        step(
            format!("Writing the table of contested changes ({pair})"),
            &mut done,
        );
        let mut table_notes = vec![analysis.summary.clone()];
        for entry in analysis.queue.iter().take(10) {
            table_notes.push(format!("{} {}", entry.position + 1, one_line(&entry.title)));
            table_notes.extend(rationales(w, entry.position));
        }
        let rows = contested_table(w, analysis);
        let mut table_title = if rows.len() > 1 {
            format!("The {} most contested changes", rows.len() - 1)
        } else {
            "No contested changes yet".to_owned()
        };
        if several {
            table_title = truncate_chars(&format!("{table_title}: {pair}"), 90);
        }
        deck.slides.push(Slide {
            title: table_title,
            body: SlideBody::Table {
                size: if rows.len() > 8 { 1200 } else { 1400 },
                rows,
                widths: vec![1, 7, 3, 2, 3, 2, 3, 2],
                heights: Vec::new(),
            },
            notes: table_notes.join("\n"),
            place: place(SlideUse::Text),
        });
    }

    step("Writing the record of each decision".to_owned(), &mut done);
    let text_place = place(SlideUse::Text);
    let text_frame = text_place
        .as_ref()
        .map_or_else(content_frame, |p| p.content);
    let on_layout = |mut s: Slide| {
        s.place = text_place.clone();
        s
    };
    for r in record::decided(w) {
        deck.slides.extend(
            record_slides::record_slides(&r, text_frame)
                .into_iter()
                .map(on_layout),
        );
    }
    step("Writing the appendix of every change".to_owned(), &mut done);
    deck.slides.extend(
        record_slides::appendix_slides(w, text_frame)
            .into_iter()
            .map(on_layout),
    );

    step("Packing the deck".to_owned(), &mut done);
    let bytes = deck.to_bytes()?;
    progress(DeckProgress {
        done: total,
        total,
        step: "Done".to_owned(),
    });
    Ok(bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Cell, Mitigation, MitigationId, Perspective, PerspectiveId, Placement};

    /// The sample workshop placed by Dev, Ops and Security, with rationales, consensus,
    /// mitigations and residuals.
    pub(crate) fn meeting(perspectives: usize) -> Workshop {
        let mut w = crate::sample::workshop();
        if perspectives > 2 {
            w.perspectives.push(Perspective {
                id: PerspectiveId::new("sec"),
                name: "Security".into(),
                color: "#2b8a3e".into(),
            });
        }
        let cells = [
            ((4, 4), (2, 5), (3, 5)),
            ((3, 2), (2, 4), (3, 2)),
            ((1, 2), (2, 5), (1, 3)),
            ((3, 3), (4, 3), (5, 4)),
            ((2, 3), (4, 4), (2, 3)),
            ((2, 2), (3, 4), (2, 2)),
            ((1, 1), (3, 4), (4, 5)),
            ((1, 2), (1, 2), (1, 2)),
        ];
        for (i, (c, (dev, ops, sec))) in w.changes.iter_mut().zip(cells).enumerate() {
            for (who, (l, im)) in [("dev", dev), ("ops", ops), ("sec", sec)]
                .into_iter()
                .take(perspectives)
            {
                c.placements.insert(
                    PerspectiveId::new(who),
                    Placement {
                        likelihood: l,
                        impact: im,
                        rationale: format!("{who} thinks so because of case {i}"),
                        placed_at_ms: 1_764_320_000_000,
                        spread: None,
                    },
                );
            }
            c.consensus = Some(Cell::new(dev.0.max(ops.0), dev.1.max(ops.1)));
            if i % 2 == 0 {
                c.residual = Some(Cell::new(1, dev.1.min(ops.1)));
                c.mitigations.push(Mitigation {
                    id: MitigationId("m1".into()),
                    text: "Canary with automated rollback".into(),
                    owner: "Ops".into(),
                    lowers: crate::Axis::Likelihood,
                    proposed_by: None,
                });
            }
        }
        w
    }

    #[test]
    fn a_chart_with_too_many_markers_is_a_picture_with_a_note_saying_why() {
        let w = crate::export::chart::tests::placed(400, 3);
        let options = DeckOptions {
            size: ChartSize::HD,
            ..DeckOptions::default()
        };
        let bytes = build_deck(&w, &options, &mut |_| {}).unwrap();
        crate::export::pptx::tests::check_package(&bytes);
        let parts = crate::export::pptx::tests::unzip(&bytes);
        let pictures = parts.keys().filter(|k| k.starts_with("ppt/media/")).count();
        // The overlay and the residual chart hold hundreds of markers; the card matrices and
        // the gap chart stay shapes.
        assert_eq!(pictures, 2);
        let notes: Vec<String> = parts
            .iter()
            .filter(|(k, _)| k.starts_with("ppt/notesSlides/notesSlide") && k.ends_with(".xml"))
            .map(|(_, v)| String::from_utf8(v.clone()).unwrap())
            .filter(|n| n.contains("not editable shapes"))
            .collect();
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains(&format!("more than the {MAX_NATIVE_MARKERS}")));
    }

    #[test]
    fn three_perspectives_compare_every_pair_or_the_pairs_asked_for() {
        let w = meeting(3);
        let slides = |pairs: Vec<(String, String)>| {
            let options = DeckOptions {
                pairs,
                charts: ChartStyle::Shapes,
                ..DeckOptions::default()
            };
            let bytes = build_deck(&w, &options, &mut |_| {}).unwrap();
            let parts = crate::export::pptx::tests::unzip(&bytes);
            let mut titles = Vec::new();
            for i in 1.. {
                let Some(x) = parts.get(&format!("ppt/slides/slide{i}.xml")) else {
                    break;
                };
                let x = String::from_utf8(x.clone()).unwrap();
                let title = x.split("<p:ph type=\"title\"/>").nth(1).unwrap();
                let t = title
                    .split("<a:t>")
                    .nth(1)
                    .unwrap()
                    .split("</a:t>")
                    .next()
                    .unwrap();
                titles.push(t.to_owned());
            }
            titles
        };
        let all = slides(Vec::new());
        for pair in ["Dev vs Ops", "Dev vs Security", "Ops vs Security"] {
            assert!(all.iter().any(|t| t.starts_with(pair)), "{pair}: {all:?}");
            assert!(
                all.iter()
                    .any(|t| t.ends_with(&format!("most contested changes: {pair}"))),
                "{all:?}"
            );
        }
        let asked = slides(vec![("Security".into(), "dev".into())]);
        assert!(
            asked.iter().any(|t| t.starts_with("Security vs Dev")),
            "{asked:?}"
        );
        assert!(
            !asked.iter().any(|t| t.starts_with("Dev vs Ops")),
            "{asked:?}"
        );
        assert_eq!(
            asked
                .iter()
                .filter(|t| t.contains("most contested"))
                .count(),
            1
        );

        let bad = DeckOptions {
            pairs: vec![("Dev".into(), "QA".into())],
            ..DeckOptions::default()
        };
        assert!(matches!(
            build_deck(&w, &bad, &mut |_| {}),
            Err(ExportError::UnknownPerspective { .. })
        ));
        let same = DeckOptions {
            pairs: vec![("Dev".into(), "dev".into())],
            ..DeckOptions::default()
        };
        assert!(matches!(
            build_deck(&w, &same, &mut |_| {}),
            Err(ExportError::NotApplicable(_))
        ));
    }

    #[test]
    fn each_pair_has_its_gap_map_after_its_overlay_with_notes_in_words() {
        let w = meeting(3);
        let options = DeckOptions {
            charts: ChartStyle::Pictures,
            size: ChartSize::HD,
            ..DeckOptions::default()
        };
        let bytes = build_deck(&w, &options, &mut |_| {}).unwrap();
        crate::export::pptx::tests::check_package(&bytes);
        let parts = crate::export::pptx::tests::unzip(&bytes);
        let text = |name: String| String::from_utf8(parts[&name].clone()).unwrap();
        let count = parts
            .keys()
            .filter(|k| k.starts_with("ppt/slides/slide"))
            .count();
        let slides: Vec<String> = (1..=count)
            .map(|i| text(format!("ppt/slides/slide{i}.xml")))
            .collect();
        for (from, to) in [("Dev", "Ops"), ("Dev", "Security"), ("Ops", "Security")] {
            let overlay = format!("{from} vs {to}: the same changes");
            let map = format!("{from} vs {to}: the shape of the disagreement");
            let at = slides.iter().position(|x| x.contains(&overlay)).unwrap();
            assert!(slides[at + 1].contains(&map), "{from} vs {to}");
            let notes = text(format!("ppt/notesSlides/notesSlide{}.xml", at + 2));
            assert!(
                notes.contains(&format!("Gap map: each change at its impact gap (across) and likelihood gap (up), {to} − {from}.")),
                "{notes}"
            );
        }
    }

    /// Writes sample decks into `$PARALLAX_DUMP_DECK` for a person to open.
    #[test]
    fn dump_decks_for_a_person_to_look_at() {
        let Some(dir) = std::env::var_os("PARALLAX_DUMP_DECK") else {
            return;
        };
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, charts) in [
            ("shapes", ChartStyle::Shapes),
            ("pictures", ChartStyle::Pictures),
        ] {
            let options = DeckOptions {
                charts,
                size: ChartSize::HD,
                ..DeckOptions::default()
            };
            let bytes = build_deck(&meeting(3), &options, &mut |_| {}).unwrap();
            std::fs::write(dir.join(format!("{name}.pptx")), bytes).unwrap();
        }
        // A longer workshop: the appendix over several slides.
        let mut w = meeting(3);
        for i in w.changes.len()..40 {
            let mut c = crate::Change::new(
                &format!("x{i}"),
                &format!("Rotate the signing keys of service {i} before the audit window"),
            );
            c.ticket = format!("SEC-{}", 1400 + i);
            w.changes.push(c);
        }
        let options = DeckOptions {
            size: ChartSize::HD,
            ..DeckOptions::default()
        };
        let bytes = build_deck(&w, &options, &mut |_| {}).unwrap();
        std::fs::write(dir.join("record.pptx"), bytes).unwrap();
        // The sample deck on each template in `$PARALLAX_DUMP_TEMPLATES`.
        if let Some(templates) = std::env::var_os("PARALLAX_DUMP_TEMPLATES") {
            for entry in std::fs::read_dir(templates).unwrap().flatten() {
                let path = entry.path();
                let Ok(template) = Template::open(&path) else {
                    continue;
                };
                let options = DeckOptions {
                    size: ChartSize::HD,
                    template: Some(template),
                    ..DeckOptions::default()
                };
                let bytes = build_deck(&meeting(3), &options, &mut |_| {}).unwrap();
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                std::fs::write(dir.join(format!("on-{stem}.pptx")), bytes).unwrap();
            }
        }
    }

    #[test]
    fn days_are_formatted_in_utc() {
        assert_eq!(format_day(0), "1 January 1970");
        assert_eq!(format_day(1_764_288_000_000), "28 November 2025");
        assert_eq!(format_day(951_782_400_000), "29 February 2000");
        assert_eq!(format_day(-86_400_000), "31 December 1969");
    }

    #[test]
    fn the_deck_has_cover_charts_table_and_notes() {
        let mut w = crate::export::chart::tests::placed(12, 4);
        w.changes[0]
            .placements
            .values_mut()
            .for_each(|p| p.rationale = "because <reasons> & \u{202E}more".into());
        let mut steps = Vec::new();
        let options = DeckOptions {
            date: Some("28 November 2026".into()),
            size: ChartSize::HD,
            charts: ChartStyle::Pictures,
            pairs: Vec::new(),
            template: None,
        };
        let bytes = build_deck(&w, &options, &mut |p| steps.push(p)).unwrap();
        crate::export::pptx::tests::check_package(&bytes);
        let parts = crate::export::pptx::tests::unzip(&bytes);
        // Cover, 2 matrices, overlay, gap map, gaps, consensus, residual, table, then the
        // record of each decided change and the appendix.
        let slides = parts
            .keys()
            .filter(|k| k.starts_with("ppt/slides/slide"))
            .count();
        let decided = record::decided(&w);
        assert!(!decided.is_empty());
        assert_eq!(slides, 9 + decided.len() + 1);
        let slide = |i: usize| {
            String::from_utf8(parts[&format!("ppt/slides/slide{i}.xml")].clone()).unwrap()
        };
        for (k, r) in decided.iter().enumerate() {
            let x = slide(10 + k);
            assert!(x.contains(&super::super::pptx::esc(&format!(
                "{} {}",
                r.number, r.title
            ))));
            assert!(
                x.contains("Placements") && x.contains("Consensus: ") && x.contains("Residual: ")
            );
        }
        let first = slide(10);
        assert!(
            first.contains("because &lt;reasons&gt; &amp; more"),
            "the rationale is on the slide, not only in the notes"
        );
        let appendix = slide(slides);
        assert!(appendix.contains("Appendix: every change") && appendix.contains("<a:tbl>"));
        assert_eq!(
            parts.keys().filter(|k| k.starts_with("ppt/media/")).count(),
            7
        );
        let cover = String::from_utf8(parts["ppt/slides/slide1.xml"].clone()).unwrap();
        assert!(cover.contains("28 November 2026") && cover.contains("Perspectives: Dev, Ops"));
        let notes = String::from_utf8(parts["ppt/notesSlides/notesSlide1.xml"].clone()).unwrap();
        let a = default_analysis(&w).unwrap();
        assert!(notes.contains(&super::super::pptx::esc(&a.summary)));
        let table = String::from_utf8(parts["ppt/slides/slide9.xml"].clone()).unwrap();
        assert!(table.contains("most contested") && table.contains("<a:tbl>"));
        let all_notes: String = (1..=9)
            .map(|i| {
                String::from_utf8(parts[&format!("ppt/notesSlides/notesSlide{i}.xml")].clone())
                    .unwrap()
            })
            .collect();
        assert!(all_notes.contains("because &lt;reasons&gt; &amp; more"));
        assert_eq!(steps.last().map(|s| s.done), Some(steps[0].total));
        assert!(steps.windows(2).all(|p| p[0].done < p[1].done));
    }
}
