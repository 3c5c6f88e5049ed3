//! `parallax-cli summary FILE [--json] [--from NAME --to NAME]`: the engine's analysis of a
//! workshop, as text a facilitator reads or as the JSON documented in docs/cli-summary.md (the
//! engine's `Analysis`, serialised as is). It only reads the file and only formats what the
//! engine computed: no statistic is computed here.

use std::fmt::Write as _;
use std::path::PathBuf;

use parallax_engine::analysis::{self, Analysis, AnalysisOptions, AxisAgreement, PlacedBy};

#[derive(clap::Args)]
pub struct Args {
    /// The .parallax file to summarise.
    pub file: PathBuf,
    /// Print the full analysis as JSON (see docs/cli-summary.md).
    #[arg(long)]
    pub json: bool,
    /// The perspective the gaps are measured from (name or id; default: the first).
    #[arg(long, value_name = "NAME")]
    pub from: Option<String>,
    /// The perspective the gaps are measured to (name or id; default: the second).
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
}

pub fn run(args: &Args) -> Result<String, String> {
    let path = &args.file;
    let loaded = parallax_engine::store::load_path(path)
        .map_err(|e| parallax_engine::store::explain_failure(path, &e))?;
    let options = AnalysisOptions {
        from: args.from.clone(),
        to: args.to.clone(),
        ..AnalysisOptions::default()
    };
    let analysis = analysis::analyse_whole(&loaded.workshop, &options)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if args.json {
        serde_json::to_string_pretty(&analysis)
            .map_err(|e| format!("{}: cannot write the analysis as JSON: {e}", path.display()))
    } else {
        Ok(text(&loaded.workshop.title, &analysis))
    }
}

fn number(x: Option<f64>, signed: bool) -> String {
    match x {
        // A mean that rounds to zero is written without a sign.
        Some(v) if signed && (v * 100.0).round() != 0.0 => format!("{v:+.2}"),
        Some(_) if signed => "0.00".to_owned(),
        Some(v) => format!("{v:.2}"),
        None => "undefined".to_owned(),
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{:.0}%", v * 100.0))
}

fn axis_row(out: &mut String, name: &str, a: &AxisAgreement) {
    let _ = writeln!(
        out,
        "  {name:<11} {:>9} {:>11} {:>11} {:>15} {:>11} {:>11}",
        number(a.mean_signed_gap, true),
        number(a.mean_abs_gap, false),
        number(a.weighted_kappa, false),
        number(a.krippendorff_alpha, false),
        percent(a.exact_agreement),
        percent(a.within_one_agreement),
    );
}

fn interval(ci: Option<[f64; 2]>) -> Option<String> {
    ci.map(|[low, high]| {
        format!(
            "{} to {}",
            number(Some(low), false),
            number(Some(high), false)
        )
    })
}

/// The 95% intervals of one axis, when there are any.
fn interval_line(out: &mut String, name: &str, a: &AxisAgreement) {
    let parts: Vec<String> = [
        ("weighted κ", interval(a.kappa_ci)),
        ("α", interval(a.alpha_ci)),
    ]
    .into_iter()
    .filter_map(|(what, ci)| Some(format!("{what} {}", ci?)))
    .collect();
    if !parts.is_empty() {
        let _ = writeln!(
            out,
            "  {name} 95% bootstrap intervals: {}.",
            parts.join(", ")
        );
    }
}

/// The titles of `ids`, as the changes of the analysis name them.
fn titles(a: &Analysis, ids: &[parallax_engine::ChangeId]) -> String {
    ids.iter()
        .map(|id| {
            a.changes
                .iter()
                .find(|g| &g.change == id)
                .map_or(id.0.as_str(), |g| g.title.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn undefined_notes(out: &mut String, name: &str, a: &AxisAgreement) {
    if let Some(why) = &a.weighted_kappa_undefined {
        let _ = writeln!(out, "  {name} weighted κ is undefined: {}.", why.reason);
    }
    if let Some(why) = &a.krippendorff_alpha_undefined {
        let _ = writeln!(
            out,
            "  {name} Krippendorff's α is undefined: {}.",
            why.reason
        );
    }
}

fn gap(x: Option<i8>) -> String {
    match x {
        Some(0) => "0".to_owned(),
        Some(g) => format!("{g:+}"),
        None => String::new(),
    }
}

/// The human-readable report.
fn text(title: &str, a: &Analysis) -> String {
    let (from, to) = (&a.pair.from, &a.pair.to);
    let mut out = String::new();
    let shown_title = if title.trim().is_empty() {
        "Untitled workshop"
    } else {
        title
    };
    let _ = writeln!(
        out,
        "{shown_title} — {from} → {to}: {} of {} changes placed by both",
        a.compared, a.total_changes
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", a.summary);
    let _ = writeln!(out, "{}", a.disagreement_summary);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<11} {:>9} {:>11} {:>11} {:>15} {:>11} {:>11}",
        "", "mean gap", "mean |gap|", "weighted κ", "Krippendorff α", "same level", "within one"
    );
    axis_row(&mut out, "Likelihood", &a.likelihood);
    axis_row(&mut out, "Impact", &a.impact);
    undefined_notes(&mut out, "Likelihood", &a.likelihood);
    undefined_notes(&mut out, "Impact", &a.impact);
    interval_line(&mut out, "Likelihood", &a.likelihood);
    interval_line(&mut out, "Impact", &a.impact);
    let _ = writeln!(out, "  {}", a.reliability.note);
    let _ = writeln!(
        out,
        "  Gaps are {to} − {from} in levels; κ is for {from} and {to}, α for {}.",
        match a.perspectives.len() {
            2 => "both perspectives".to_owned(),
            n => format!("all {n} perspectives"),
        }
    );
    if let Some(share) = a.band_differs_share {
        let _ = writeln!(
            out,
            "  The band differs on {} of {} compared changes ({:.0}%).",
            a.band_differs,
            a.compared,
            share * 100.0
        );
    }

    let _ = writeln!(out);
    let _ = writeln!(out, "Changes ({to} − {from}):");
    for g in &a.changes {
        let detail = match g.placed {
            PlacedBy::Both => {
                let bands = match (&g.from_band, &g.to_band, g.band_differs) {
                    (Some(f), Some(t), Some(true)) => format!("band {f} → {t}"),
                    (Some(f), _, _) => format!("band {f}"),
                    _ => String::new(),
                };
                format!(
                    "likelihood {:>3}  impact {:>3}  {bands}",
                    gap(g.likelihood_gap),
                    gap(g.impact_gap)
                )
            }
            PlacedBy::FromOnly => format!("not compared: {to} has not placed it"),
            PlacedBy::ToOnly => format!("not compared: {from} has not placed it"),
            PlacedBy::Neither => "not compared: neither has placed it".to_owned(),
        };
        let _ = writeln!(out, "  - {}: {detail}", g.title);
    }

    let _ = writeln!(out);
    if a.queue.is_empty() {
        let _ = writeln!(
            out,
            "Discussion queue: empty (no change is placed differently by two perspectives)."
        );
    } else {
        let _ = writeln!(
            out,
            "Discussion queue (most disagreement across all perspectives first):"
        );
        for q in &a.queue {
            let tie = if q.tied_with.is_empty() {
                String::new()
            } else {
                format!("; tied with {}", titles(a, &q.tied_with))
            };
            let _ = writeln!(
                out,
                "  {}. {} — {}: likelihood spread {}, impact spread {}, {} band{} apart ({} perspectives){tie}",
                q.rank,
                q.title,
                q.about,
                q.likelihood_spread,
                q.impact_spread,
                q.band_spread,
                if q.band_spread == 1 { "" } else { "s" },
                q.placed_by
            );
        }
    }

    let _ = writeln!(out);
    let rule = &a.candidate_rule;
    let _ = writeln!(
        out,
        "Standard-change candidates (residual, else consensus, in the {}; {} within {} level{} on both axes):",
        match rule.max_band {
            0 => "lowest band".to_owned(),
            n => format!("lowest {} bands", usize::from(n) + 1),
        },
        if rule.require_all_perspectives {
            "every perspective placed it,"
        } else {
            "at least two perspectives placed it,"
        },
        rule.max_spread,
        if rule.max_spread == 1 { "" } else { "s" },
    );
    if a.candidates.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for c in &a.candidates {
        let already = if c.already_standard {
            " (already a standard change)"
        } else {
            ""
        };
        let tie = if c.tied_with.is_empty() {
            String::new()
        } else {
            format!(
                " Same score in another cell as {}: the score alone does not rank them.",
                titles(a, &c.tied_with)
            )
        };
        let _ = writeln!(out, "  - {}{already}: {}{tie}", c.title, c.reason);
    }
    out.trim_end().to_owned()
}
