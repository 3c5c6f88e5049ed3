//! A Markdown report of the workshop: the summary sentence, the agreement per axis, the most
//! contested changes, every change with each perspective's placement, the standard-change
//! candidates, and the charts as PNG files beside the report. Every piece of user text is
//! escaped so that it reads as text (no links, emphasis, HTML or broken tables). It never writes
//! files itself: it returns the text and the images for the caller to write.

use super::chart::{self, Chart, ChartSize, ImageFormat};
use super::deck::{contested_table, default_analysis, workshop_date};
use super::text::one_line;
use super::ExportError;
use crate::analysis::AxisAgreement;
use crate::{Cell, Workshop};

/// The report and the images it links to (file names relative to the report).
#[derive(Debug, Clone)]
pub struct MarkdownReport {
    pub text: String,
    pub images: Vec<(String, Vec<u8>)>,
}

/// User text as inline Markdown: one line, every ASCII punctuation character that Markdown or
/// HTML could read as syntax backslash-escaped.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '('
                | ')'
                | '#'
                | '+'
                | '-'
                | '.'
                | '!'
                | '|'
                | '~'
                | '&'
                | '"'
                | '\''
                | '='
                | ':'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A safe file-name stem: ASCII letters, digits, `-` and `_` only; "report" when nothing is left.
pub fn file_stem(stem: &str) -> String {
    let s: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() {
        "report".to_owned()
    } else {
        s
    }
}

fn cell(c: Option<Cell>) -> String {
    c.map_or("–".to_owned(), |c| {
        format!("L{} × I{}", c.likelihood, c.impact)
    })
}

fn stat(v: Option<f64>, undefined: Option<&crate::analysis::UndefinedReason>) -> String {
    match (v, undefined) {
        (Some(v), _) => format!("{v:.2}"),
        (None, Some(u)) => format!("undefined: {}", md(u.reason)),
        (None, None) => "–".to_owned(),
    }
}

fn axis_row(name: &str, a: &AxisAgreement) -> String {
    format!(
        "| {name} | {} | {} | {} | {} | {} / {} / {} |\n",
        stat(a.mean_signed_gap, None),
        stat(a.mean_abs_gap, None),
        stat(a.weighted_kappa, a.weighted_kappa_undefined.as_ref()),
        stat(
            a.krippendorff_alpha,
            a.krippendorff_alpha_undefined.as_ref()
        ),
        a.to_higher,
        a.to_lower,
        a.same,
    )
}

/// The report, with chart images named `<stem>-<chart>.png`.
pub fn report(w: &Workshop, stem: &str, size: ChartSize) -> Result<MarkdownReport, ExportError> {
    let stem = file_stem(stem);
    let analysis = default_analysis(w)?;
    let mut t = String::new();
    t.push_str(&format!("# {}\n\n", md(&w.title)));
    let names: Vec<String> = w.perspectives.iter().map(|p| md(&p.name)).collect();
    let mut facts = vec![format!("Perspectives: {}", names.join(", "))];
    if let Some(date) = workshop_date(w) {
        facts.insert(0, date);
    }
    facts.push(format!("{} changes", w.changes.len()));
    t.push_str(&format!("{}\n\n", facts.join(" · ")));

    t.push_str("## Summary\n\n");
    t.push_str(&format!("{}\n\n", md(&analysis.summary)));
    t.push_str(&format!(
        "Gaps are {} − {} in levels; {} of {} changes were placed by both.\n\n",
        md(&analysis.pair.to),
        md(&analysis.pair.from),
        analysis.compared,
        analysis.total_changes
    ));
    t.push_str("| Axis | Mean signed gap | Mean absolute gap | Weighted kappa | Krippendorff's alpha | Higher / lower / same |\n");
    t.push_str("| --- | --- | --- | --- | --- | --- |\n");
    t.push_str(&axis_row("Likelihood", &analysis.likelihood));
    t.push_str(&axis_row("Impact", &analysis.impact));
    t.push('\n');

    t.push_str("## Most contested changes\n\n");
    let rows = contested_table(w, &analysis);
    if rows.len() <= 1 {
        t.push_str("No change is placed differently yet.\n\n");
    } else {
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
            t.push_str(&format!("| {} |\n", cells.join(" | ")));
            if i == 0 {
                t.push_str(&format!("|{}\n", " --- |".repeat(row.len())));
            }
        }
        t.push('\n');
    }

    t.push_str("## Charts\n\n");
    let mut images = Vec::new();
    for c in Chart::all(w) {
        let name = format!("{stem}-{}.png", c.slug(w));
        let png = chart::render(w, &c, ImageFormat::Png, size)?;
        t.push_str(&format!("![{}]({name})\n\n", md(&c.title(w)?)));
        images.push((name, png));
    }

    t.push_str("## Changes\n\n");
    let mut head = vec![
        "#".to_owned(),
        "Change".to_owned(),
        "Type".to_owned(),
        "Ticket".to_owned(),
    ];
    head.extend(w.perspectives.iter().map(|p| md(&p.name)));
    head.extend([
        "Consensus".to_owned(),
        "Residual".to_owned(),
        "Mitigations".to_owned(),
    ]);
    t.push_str(&format!(
        "| {} |\n|{}\n",
        head.join(" | "),
        " --- |".repeat(head.len())
    ));
    for (i, c) in w.changes.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            md(&c.title),
            format!("{:?}", c.change_type).to_lowercase(),
            md(&c.ticket),
        ];
        row.extend(
            w.perspectives
                .iter()
                .map(|p| cell(c.placements.get(&p.id).map(|pl| pl.cell()))),
        );
        row.push(cell(c.consensus));
        row.push(cell(c.residual));
        let mitigations: Vec<String> = c
            .mitigations
            .iter()
            .map(|m| format!("{} \\({}\\)", md(&m.text), m.lowers.name()))
            .collect();
        row.push(mitigations.join("; "));
        t.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    t.push('\n');

    t.push_str("## Rationales\n\n");
    let mut any = false;
    for (i, c) in w.changes.iter().enumerate() {
        let lines: Vec<String> = w
            .perspectives
            .iter()
            .filter_map(|p| {
                let pl = c.placements.get(&p.id)?;
                (!one_line(&pl.rationale).is_empty())
                    .then(|| format!("  - {}: {}", md(&p.name), md(&pl.rationale)))
            })
            .collect();
        if !lines.is_empty() {
            any = true;
            t.push_str(&format!(
                "- {} {}\n{}\n",
                i + 1,
                md(&c.title),
                lines.join("\n")
            ));
        }
    }
    if !any {
        t.push_str("No rationale recorded.\n");
    }
    t.push('\n');

    t.push_str("## Standard-change candidates\n\n");
    if analysis.candidates.is_empty() {
        t.push_str("None yet.\n");
    }
    for c in &analysis.candidates {
        t.push_str(&format!("- {}: {}\n", md(&c.title), md(&c.reason)));
    }
    Ok(MarkdownReport { text: t, images })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped() {
        assert_eq!(
            md("a|b <i>*x*</i> [l](u)\nnext"),
            "a\\|b \\<i\\>\\*x\\*\\</i\\> \\[l\\]\\(u\\) next"
        );
        assert_eq!(file_stem("My report (v2)"), "My-report--v2");
        assert_eq!(file_stem("///"), "report");
    }

    #[test]
    fn the_report_links_every_chart_it_returns() {
        let mut w = crate::export::chart::tests::placed(6, 3);
        w.changes[0].title = "Pipe | in <b>title</b>".into();
        let r = report(&w, "out", ChartSize::HD).unwrap();
        assert_eq!(r.images.len(), Chart::all(&w).len());
        for (name, png) in &r.images {
            assert!(r.text.contains(&format!("]({name})")), "{name}");
            assert!(png.starts_with(b"\x89PNG"));
        }
        assert!(r.text.contains("Pipe \\| in \\<b\\>title\\</b\\>"));
        assert!(!r.text.contains("<b>"));
        let a = default_analysis(&w).unwrap();
        assert!(r.text.contains(&md(&a.summary)));
        // Every table row has as many cells as its header.
        for table in r.text.split("\n\n").filter(|b| b.starts_with("| ")) {
            let counts: Vec<usize> = table
                .lines()
                .map(|l| l.replace("\\|", "").matches('|').count())
                .collect();
            assert!(counts.windows(2).all(|p| p[0] == p[1]), "{table}");
        }
    }
}
