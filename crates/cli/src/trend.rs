//! `parallax-cli trend FILE... [--from NAME] [--to NAME] [--json] [--chart OUT.png|OUT.svg]
//! [--deck OUT.pptx [--template FILE] [--charts pictures|shapes]]`: whether two perspectives
//! converge across workshops. Each file is read as `summary` reads it
//! (the engine's bounded read, no lock, never written); the engine's `analysis::trend` orders
//! the workshops by date and takes every figure from the analysis `summary` prints. Files that
//! cannot be read or analysed are reported on stderr and left out; the command then exits 1,
//! after printing what the others show. No statistic is computed here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use parallax_engine::analysis::trend::{trend, ChangeSeries, FollowedBy, Trend, TrendInput};
use parallax_engine::analysis::{AnalysisOptions, AxisAgreement, MIN_CHANGES_TO_READ};
use parallax_engine::export::chart::render_trend;
use parallax_engine::export::trend_deck::build_trend_deck;
use parallax_engine::export::{write_file, ChartSize, DeckOptions, ImageFormat};

#[derive(clap::Args)]
pub struct Args {
    /// The .parallax files, in any order (only read).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the trend as JSON (see docs/cli-summary.md, "trend").
    #[arg(long)]
    pub json: bool,
    /// The perspective the gaps are measured from in every workshop (name or id; default: the
    /// first).
    #[arg(long, value_name = "NAME")]
    pub from: Option<String>,
    /// The perspective the gaps are measured to (name or id; default: the second).
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
    /// Also draw the mean absolute gap per axis over the workshops, as PNG or SVG (by the
    /// file's extension), 1920×1080.
    #[arg(long, value_name = "OUT.png|OUT.svg")]
    pub chart: Option<PathBuf>,
    /// Also write the trend as slides: a title slide, the chart, the table of workshops (mean
    /// |gap| and α with its 95% interval per axis, what the disagreements are about, the
    /// candidates) and the changes followed across them.
    #[arg(long, value_name = "OUT.pptx")]
    pub deck: Option<PathBuf>,
    /// A company template (.pptx or .potx, at most 64 MB) to build the deck on (with --deck).
    #[arg(long, value_name = "FILE", requires = "deck")]
    pub template: Option<PathBuf>,
    /// How the deck's chart is written: `shapes` (native, editable; the default) or `pictures`
    /// (with --deck).
    #[arg(long, value_name = "pictures|shapes", requires = "deck")]
    pub charts: Option<String>,
}

/// What to print: the report on stdout, and a line on stderr per file left out.
pub struct Outcome {
    pub out: String,
    pub failed: Vec<String>,
}

fn chart_format(path: &Path) -> Result<ImageFormat, String> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => Ok(ImageFormat::Png),
        Some("svg") => Ok(ImageFormat::Svg),
        _ => Err(format!(
            "--chart {}: the file must end in .png or .svg",
            path.display()
        )),
    }
}

/// The deck's options from the flags; a template that cannot be used is refused here, before
/// anything is read or written.
fn deck_options(args: &Args) -> Result<Option<DeckOptions>, String> {
    let Some(path) = &args.deck else {
        return Ok(None);
    };
    if !path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pptx"))
    {
        return Err(format!(
            "--deck {}: the file must end in .pptx",
            path.display()
        ));
    }
    let mut options = DeckOptions::default();
    crate::export::charts_and_template(
        &mut options,
        args.charts.as_deref(),
        args.template.as_deref(),
    )?;
    Ok(Some(options))
}

pub fn run(args: &Args) -> Result<Outcome, String> {
    let format = args.chart.as_deref().map(chart_format).transpose()?;
    let deck = deck_options(args)?;
    for (out, what) in [(&args.chart, "chart"), (&args.deck, "deck")] {
        // Never write over one of the workshops (a slip of the arguments would lose it).
        let Some(Ok(out)) = out.as_ref().map(std::fs::canonicalize) else {
            continue;
        };
        if args
            .files
            .iter()
            .any(|f| std::fs::canonicalize(f).is_ok_and(|f| f == out))
        {
            return Err(format!(
                "{}: refusing to write the {what} over a workshop file",
                out.display()
            ));
        }
    }
    let mut failed = Vec::new();
    let mut inputs = Vec::new();
    for path in &args.files {
        match parallax_engine::store::load_path(path) {
            Ok(loaded) => inputs.push(TrendInput::from_loaded(path, loaded)),
            Err(e) => failed.push(parallax_engine::store::explain_failure(path, &e)),
        }
    }
    let options = AnalysisOptions {
        from: args.from.clone(),
        to: args.to.clone(),
        ..AnalysisOptions::default()
    };
    let t = trend(&inputs, &options);
    failed.extend(
        t.failures
            .iter()
            .map(|f| format!("{}: {}", f.file, f.error)),
    );

    let mut out = if args.json {
        serde_json::to_string_pretty(&t.points)
            .map_err(|e| format!("cannot write the trend as JSON: {e}"))?
    } else {
        text(&t)
    };
    let mut wrote = Vec::new();
    let outputs = [
        args.chart.as_ref().zip(format).map(|(p, f)| (p, Some(f))),
        args.deck.as_ref().map(|p| (p, None)),
    ];
    for (path, format) in outputs.into_iter().flatten() {
        if t.points.is_empty() {
            failed.push(format!(
                "{}: not written: no workshop could be read",
                path.display()
            ));
            continue;
        }
        let bytes = match (format, &deck) {
            (Some(format), _) => render_trend(&t, format, ChartSize::HD)
                .map_err(|e| format!("cannot draw the trend: {e}"))?,
            (None, Some(options)) => build_trend_deck(&t, options)
                .map_err(|e| format!("cannot write the trend's slides: {e}"))?,
            (None, None) => continue,
        };
        write_file(path, &bytes).map_err(|e| e.to_string())?;
        wrote.push(format!("wrote {}", path.display()));
        if let (
            None,
            Some(DeckOptions {
                template: Some(t), ..
            }),
        ) = (format, &deck)
        {
            for used in t.plan() {
                wrote.push(format!(
                    "layout for {}: \"{}\" ({})",
                    used.used_for, used.name, used.part
                ));
            }
        }
    }
    if !wrote.is_empty() {
        // JSON stays one document on stdout; the note goes with the file list on stderr.
        if args.json {
            for line in &wrote {
                eprintln!("{}", crate::terminal::safe(line));
            }
        } else {
            let _ = write!(out, "\n\n{}", wrote.join("\n"));
        }
    }
    Ok(Outcome { out, failed })
}

/// α and its 95% interval, "0.55 [-0.14, 0.84]", to one decimal when it rests on too few
/// changes to read much into (as the app shows it); "–" without α.
fn with_interval(a: &AxisAgreement, few: bool) -> String {
    let d = if few { 1 } else { 2 };
    match (a.krippendorff_alpha, a.alpha_ci) {
        (Some(v), Some([lo, hi])) => format!("{v:.d$} [{lo:.d$}, {hi:.d$}]"),
        (Some(v), None) => format!("{v:.d$}"),
        (None, _) => "–".to_owned(),
    }
}

fn number(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"))
}

fn signed(x: Option<i8>) -> String {
    match x {
        Some(0) => "0".to_owned(),
        Some(v) => format!("{v:+}"),
        None => "–".to_owned(),
    }
}

/// The report for people: a row per workshop, then the changes followed across them.
fn text(t: &Trend) -> String {
    let mut out = String::new();
    let Some(first) = t.points.first() else {
        return "No workshop could be read.".to_owned();
    };
    let same_pair = t
        .points
        .iter()
        .all(|p| p.pair.from == first.pair.from && p.pair.to == first.pair.to);
    if same_pair {
        let _ = writeln!(
            out,
            "{} → {} across {} workshop{} (gaps are {} − {} in levels; α across all perspectives):",
            first.pair.from,
            first.pair.to,
            t.points.len(),
            if t.points.len() == 1 { "" } else { "s" },
            first.pair.to,
            first.pair.from
        );
    } else {
        let _ = writeln!(
            out,
            "{} workshops (the pair differs between them; gaps are to − from in levels):",
            t.points.len()
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<10}  {:>13}  {:>7}  {:>7}  {:>18}  {:>18}  {:>13}  {:>10}  workshop",
        "date",
        "compared",
        "L |gap|",
        "I |gap|",
        "L α [95%]",
        "I α [95%]",
        "L/I/both/same",
        "candidates"
    );
    for p in &t.points {
        let d = &p.dominant_counts;
        let classes = format!("{}/{}/{}/{}", d.likelihood, d.impact, d.both, d.agree);
        let mut name = if p.title.trim().is_empty() {
            "Untitled workshop".to_owned()
        } else {
            p.title.clone()
        };
        if !same_pair {
            name.push_str(&format!(" ({} → {})", p.pair.from, p.pair.to));
        }
        let _ = writeln!(
            out,
            "  {:<10}  {:>13}  {:>7}  {:>7}  {:>18}  {:>18}  {:>13}  {:>10}  {name} [{}]",
            p.date.as_deref().unwrap_or("no date"),
            // Below the analysis' threshold the agreement figures are too unstable to read
            // much into: said where the count is.
            if p.compared < MIN_CHANGES_TO_READ {
                format!("{} (few)", p.compared)
            } else {
                p.compared.to_string()
            },
            number(p.likelihood.mean_abs_gap),
            number(p.impact.mean_abs_gap),
            with_interval(&p.likelihood, p.compared < MIN_CHANGES_TO_READ),
            with_interval(&p.impact, p.compared < MIN_CHANGES_TO_READ),
            classes,
            p.candidate_count,
            p.file
        );
    }
    let series = t.series();
    let _ = writeln!(out);
    if series.is_empty() {
        let _ = write!(
            out,
            "No change appears in two workshops (followed by ticket, else exact title)."
        );
    } else {
        let _ = writeln!(
            out,
            "Changes followed across workshops (by ticket, else exact title; likelihood/impact gap):"
        );
        for s in &series {
            let _ = writeln!(out, "  {}", series_line(t, s));
        }
    }
    out.trim_end().to_owned()
}

fn series_line(t: &Trend, s: &ChangeSeries) -> String {
    let head = match s.followed_by {
        FollowedBy::Ticket => {
            let title = s.seen.last().map_or("", |(_, c)| c.title.as_str());
            format!("{} \"{title}\"", s.key)
        }
        FollowedBy::Title => format!("\"{}\"", s.key),
    };
    let steps: Vec<String> = s
        .seen
        .iter()
        .map(|(i, c)| {
            let date = t
                .points
                .get(*i)
                .and_then(|p| p.date.as_deref())
                .unwrap_or("no date");
            format!(
                "{date} {}/{}",
                signed(c.likelihood_gap),
                signed(c.impact_gap)
            )
        })
        .collect();
    format!("{head}: {}", steps.join(" → "))
}
