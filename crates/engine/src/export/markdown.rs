//! A Markdown report of the workshop: the summary sentence, the agreement per axis, the most
//! contested changes, the charts as PNG files beside the report, then the meeting record as in
//! the deck (each decided change's placements with rationales, consensus, mitigations with axis
//! and owner, residual; the table of every change; see `record`), the remaining rationales and
//! the standard-change candidates. Beside them, in sections of their own (`levels_section`,
//! `who_lowers_what`): the levels with their numeric anchors, the calibration changes' gaps
//! first, who lowers what with the residual check, and the band checks. User text is escaped only where Markdown would misread it,
//! so the file reads as plain prose and renders as the same text (no links, emphasis, HTML or
//! broken tables). It never writes files itself: it returns the text and the images for the
//! caller to write.

use super::chart::{self, Chart, ChartSize, ImageFormat};
use super::deck::{contested_table, default_analysis, workshop_date};
use super::record;
use super::text::one_line;
use super::ExportError;
use crate::analysis::{Analysis, AxisAgreement, ChangeGap};
use crate::{Axis, Cell, Workshop};

/// How to read the gap map, under its image.
const GAP_MAP_READING: &str = "Each change sits at its impact gap (across) and likelihood gap (up) between the two perspectives; changes with the same gaps share one circle with their count. Above and below the diagonals the disagreement is mostly about likelihood, left and right mostly about impact: if the points line up along one axis, the two sides disagree about that axis.\n\n";

/// The report and the images it links to (file names relative to the report).
#[derive(Debug, Clone)]
pub struct MarkdownReport {
    pub text: String,
    pub images: Vec<(String, Vec<u8>)>,
}

/// User text as inline Markdown that reads as plain prose: one line, with a backslash only
/// before what Markdown (CommonMark with GitHub's tables and strikethrough) would read as syntax:
/// emphasis (`*`, and `_` unless inside a word), code (`` ` ``), links and images (`[`, `]`),
/// HTML and autolinks (`<`), entities (`&name;`), strikethrough (`~` when there are two), a
/// backslash before punctuation, and at the start of the text what opens a block (a heading's
/// `#`, a quote's `>`, a list's `-`, `+` or `1.`, a setext `=`). `SHOP-1412`, `1.27` and
/// `isn't it?` stay as they are.
pub fn md(text: &str) -> String {
    escape(text, false)
}

/// [`md`] for a table cell, where a `|` would end the cell and nothing opens a block.
pub fn md_cell(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, in_table: bool) -> String {
    let line = one_line(text);
    let chars: Vec<char> = line.chars().collect();
    let tildes = chars.iter().filter(|&&c| c == '~').count() >= 2;
    // The start of the text may be the start of a line: a block marker there is escaped.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let list_number = digits > 0
        && digits <= 9
        && matches!(chars.get(digits), Some('.' | ')'))
        && chars.get(digits + 1).is_none_or(|c| c.is_whitespace());
    let mut out = String::with_capacity(line.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
        let next = chars.get(i + 1).copied();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let escape = match c {
            '\\' => next.is_some_and(|n| n.is_ascii_punctuation()),
            '`' | '*' | '[' | ']' | '<' => true,
            '_' => !(word(prev) && word(next)),
            '|' => in_table,
            '~' => tildes,
            '&' => {
                let rest: String = chars[i + 1..].iter().take(33).collect();
                let body = rest.strip_prefix('#').unwrap_or(&rest);
                body.find(';').is_some_and(|end| {
                    end > 0 && body[..end].chars().all(|c| c.is_ascii_alphanumeric())
                })
            }
            // Inside a table cell nothing opens a block.
            '#' | '>' | '=' | '-' | '+' => i == 0 && !in_table,
            '.' | ')' => list_number && i == digits && !in_table,
            _ => false,
        };
        if escape {
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

/// One decided change as a section of prose: its placements with rationales, the consensus,
/// the mitigations with axis and owner, the residual.
fn change_section(r: &record::ChangeRecord) -> String {
    // A heading's trailing `#`s would be read as its closing sequence.
    let mut title = md(&r.title);
    if title.ends_with('#') {
        let at = title.trim_end_matches('#').len();
        title.insert(at, '\\');
    }
    let mut t = format!("### {} {title}\n\n", r.number);
    let a = if r.change_type.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    if r.ticket.is_empty() {
        let kind = format!("{a} {} change", r.change_type);
        t.push_str(&format!("{}{}.\n\n", kind[..1].to_uppercase(), &kind[1..]));
    } else {
        t.push_str(&format!(
            "Ticket {}, {a} {} change.\n\n",
            md(&r.ticket),
            r.change_type
        ));
    }
    if r.placements.is_empty() {
        t.push_str("No perspective placed it.\n\n");
    }
    for p in &r.placements {
        let why = if p.rationale.is_empty() {
            "No rationale given.".to_owned()
        } else {
            md(&p.rationale)
        };
        t.push_str(&format!(
            "- **{}**: {}. {why}\n",
            md(&p.perspective),
            p.placed.long()
        ));
    }
    if !r.placements.is_empty() {
        t.push('\n');
    }
    let consensus = r
        .consensus
        .as_ref()
        .map_or("not agreed yet".to_owned(), |c| md(&c.long()));
    t.push_str(&format!("**Consensus**: {consensus}.\n\n"));
    if r.mitigations.is_empty() {
        t.push_str("**Mitigations**: none recorded.\n\n");
    } else {
        t.push_str("**Mitigations**:\n\n");
        for m in &r.mitigations {
            let owner = if m.owner.is_empty() {
                "no owner named".to_owned()
            } else {
                format!("owner: {}", md(&m.owner))
            };
            t.push_str(&format!(
                "- {} (lowers {}; {owner})\n",
                md(&m.text),
                m.lowers
            ));
        }
        t.push('\n');
    }
    let residual = r
        .residual
        .as_ref()
        .map_or("not placed yet".to_owned(), |c| md(&c.long()));
    t.push_str(&format!("**Residual**: {residual}.\n\n"));
    t
}

fn stat(v: Option<f64>, undefined: Option<&crate::analysis::UndefinedReason>) -> String {
    match (v, undefined) {
        (Some(v), _) => format!("{v:.2}"),
        (None, Some(u)) => format!("undefined: {}", md_cell(u.reason)),
        (None, None) => "–".to_owned(),
    }
}

// How far the figures can be trusted, and what each disagreement is about: the agreement cells
// with their intervals (or words, below the threshold), the shares, and the contested table's
// two extra columns.

/// κ or α with its 95% interval; words instead of decimals when too few changes are compared.
fn trusted(
    v: Option<f64>,
    ci: Option<[f64; 2]>,
    undefined: Option<&crate::analysis::UndefinedReason>,
    readable: bool,
) -> String {
    match (v, ci) {
        (Some(_), _) if !readable => "too few changes to read much into".to_owned(),
        (Some(v), Some([low, high])) => format!("{v:.2} (95% CI {low:.2} to {high:.2})"),
        _ => stat(v, undefined),
    }
}

fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{:.0}%", v * 100.0))
}

fn axis_row(name: &str, a: &AxisAgreement, readable: bool) -> String {
    format!(
        "| {name} | {} | {} | {} | {} | {} / {} | {} / {} / {} |\n",
        stat(a.mean_signed_gap, None),
        stat(a.mean_abs_gap, None),
        trusted(
            a.weighted_kappa,
            a.kappa_ci,
            a.weighted_kappa_undefined.as_ref(),
            readable
        ),
        trusted(
            a.krippendorff_alpha,
            a.alpha_ci,
            a.krippendorff_alpha_undefined.as_ref(),
            readable
        ),
        share(a.exact_agreement),
        share(a.within_one_agreement),
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
    t.push_str(&levels_section(w, &analysis));

    t.push_str("## Summary\n\n");
    t.push_str(&format!("{}\n\n", md(&analysis.summary)));
    t.push_str(&format!("{}\n\n", md(&analysis.disagreement_summary)));
    t.push_str(&format!(
        "Gaps are {} − {} in levels; {} of {} changes were placed by both.\n\n",
        md(&analysis.pair.to),
        md(&analysis.pair.from),
        analysis.compared,
        analysis.total_changes
    ));
    t.push_str("| Axis | Mean signed gap | Mean absolute gap | Weighted kappa | Krippendorff's alpha | Same level / within one | Higher / lower / same |\n");
    t.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    let readable = analysis.reliability.stability == crate::analysis::Stability::Readable;
    t.push_str(&axis_row("Likelihood", &analysis.likelihood, readable));
    t.push_str(&axis_row("Impact", &analysis.impact, readable));
    t.push('\n');
    t.push_str(&format!(
        "{} Intervals: 95% bootstrap, {} resamples with a fixed seed.\n\n",
        md(&analysis.reliability.note),
        crate::analysis::bootstrap::RESAMPLES
    ));

    t.push_str("## Most contested changes\n\n");
    let rows = contested_table(w, &analysis);
    if rows.len() <= 1 {
        t.push_str("No change is placed differently yet.\n\n");
    } else {
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
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
        if let Chart::GapMap { .. } = c {
            t.push_str(GAP_MAP_READING);
        }
        images.push((name, png));
    }

    t.push_str("## Decisions per change\n\n");
    let decided = record::decided(w);
    if decided.is_empty() {
        t.push_str("The room has not agreed a consensus, a mitigation or a residual for any change yet.\n\n");
    }
    for r in &decided {
        t.push_str(&change_section(r));
    }

    t.push_str("## Every change\n\n");
    let rows = record::appendix(w);
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        t.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            t.push_str(&format!("|{}\n", " --- |".repeat(row.len())));
        }
    }
    t.push('\n');

    // The rationales of changes without a record above would otherwise appear nowhere.
    let others: Vec<String> = w
        .changes
        .iter()
        .enumerate()
        .filter(|(i, _)| !decided.iter().any(|r| r.number == i + 1))
        .filter_map(|(i, c)| {
            let lines: Vec<String> = w
                .perspectives
                .iter()
                .filter_map(|p| {
                    let pl = c.placements.get(&p.id)?;
                    (!one_line(&pl.rationale).is_empty())
                        .then(|| format!("  - {}: {}", md(&p.name), md(&pl.rationale)))
                })
                .collect();
            (!lines.is_empty())
                .then(|| format!("- {} {}\n{}\n", i + 1, md(&c.title), lines.join("\n")))
        })
        .collect();
    if !others.is_empty() {
        t.push_str("## Rationales of the other changes\n\n");
        t.push_str(&others.concat());
        t.push('\n');
    }

    t.push_str(&who_lowers_what(w, &analysis));

    t.push_str("## Standard-change candidates\n\n");
    if analysis.candidates.is_empty() {
        t.push_str("None yet.\n");
    }
    for c in &analysis.candidates {
        t.push_str(&format!("- {}: {}\n", md(&c.title), md(&c.reason)));
    }
    Ok(MarkdownReport { text: t, images })
}

/// The levels of both axes with their numeric anchors, then the calibration changes' gaps:
/// what the room agreed the words mean comes before anything it disagreed about.
fn levels_section(w: &Workshop, analysis: &Analysis) -> String {
    let mut t = String::from("## The levels\n\n");
    for (name, axis) in [("Likelihood", Axis::Likelihood), ("Impact", Axis::Impact)] {
        let levels: Vec<String> = w
            .matrix
            .levels(axis)
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{} {}", i + 1, md(&l.label_with_anchor())))
            .collect();
        t.push_str(&format!("{name}: {}.\n\n", levels.join(" · ")));
    }
    if analysis.calibration.is_empty() {
        return t;
    }
    t.push_str("## Calibration first\n\n");
    t.push_str(&format!(
        "Reference changes the room placed to agree what the levels mean. They are left out of \
         every figure of this report; gaps are {} − {} in levels.\n\n",
        md(&analysis.pair.to),
        md(&analysis.pair.from)
    ));
    t.push_str(&format!(
        "| Reference change | {} | {} | Likelihood gap | Impact gap |\n",
        md_cell(&analysis.pair.from),
        md_cell(&analysis.pair.to)
    ));
    t.push_str("| --- | --- | --- | --- | --- |\n");
    let cell = |c: Option<Cell>| {
        c.map_or("not placed".to_owned(), |c| {
            format!("L{} × I{}", c.likelihood, c.impact)
        })
    };
    let signed = |v: Option<i8>| match v {
        Some(v) if v > 0 => format!("+{v}"),
        Some(v) => v.to_string(),
        None => "–".to_owned(),
    };
    for g in &analysis.calibration {
        let ChangeGap {
            title,
            from,
            to,
            likelihood_gap,
            impact_gap,
            ..
        } = g;
        t.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            md_cell(title),
            cell(*from),
            cell(*to),
            signed(*likelihood_gap),
            signed(*impact_gap)
        ));
    }
    t.push('\n');
    t
}

/// Who lowers what (the mitigation mix as a table), the residual check's flags, and the band
/// checks: each a warning for the room, never a verdict.
fn who_lowers_what(w: &Workshop, analysis: &Analysis) -> String {
    let mut t = String::from("## Who lowers what\n\n");
    let total: usize = analysis
        .mitigation_mix
        .iter()
        .map(|r| r.likelihood + r.impact)
        .sum();
    if total == 0 {
        t.push_str("No mitigation is recorded yet.\n\n");
    } else {
        t.push_str(
            "The mitigations each perspective proposed, by the axis they lower (calibration \
             changes left out).\n\n",
        );
        t.push_str("| Proposed by | Lower likelihood | Lower impact |\n");
        t.push_str("| --- | --- | --- |\n");
        for r in &analysis.mitigation_mix {
            if r.perspective.is_none() && r.likelihood + r.impact == 0 {
                continue;
            }
            let name = if r.perspective.is_none() {
                "Not recorded".to_owned()
            } else {
                md_cell(&r.name)
            };
            t.push_str(&format!("| {name} | {} | {} |\n", r.likelihood, r.impact));
        }
        t.push('\n');
    }
    t.push_str("### Residual check\n\n");
    let checked = w
        .changes
        .iter()
        .filter(|c| !c.calibration && c.consensus.is_some() && c.residual.is_some())
        .count();
    if checked == 0 {
        t.push_str(
            "No change has both a consensus and a residual yet, so there is nothing to check.\n\n",
        );
    } else if analysis.residual_flags.is_empty() {
        t.push_str(&format!(
            "On {} with a consensus and a residual, the residual moves the way its mitigations \
             claim.\n\n",
            if checked == 1 {
                "the one change".to_owned()
            } else {
                format!("every one of the {checked} changes")
            }
        ));
    } else {
        t.push_str(&format!(
            "Residuals that do not move the way their mitigations claim ({} of {checked} \
             changes with a consensus and a residual checked); for discussion, nothing is \
             blocked.\n\n",
            {
                let mut ids: Vec<_> = analysis.residual_flags.iter().map(|f| &f.change).collect();
                ids.dedup();
                ids.len()
            }
        ));
        for f in &analysis.residual_flags {
            t.push_str(&format!("- {}: {}\n", md(&f.title), md(&f.message)));
        }
        t.push('\n');
    }
    let bands = &analysis.band_check;
    t.push_str("## Band checks\n\n");
    if bands.warnings.is_empty() && bands.switches.is_empty() {
        t.push_str(
            "The bands agree with the scores, and no placed change sits next to a threshold.\n\n",
        );
    } else {
        for x in &bands.warnings {
            t.push_str(&format!("- {}\n", md(&x.message)));
        }
        if !bands.warnings.is_empty() {
            t.push('\n');
        }
        if !bands.switches.is_empty() {
            t.push_str(
                "Changes next to a threshold: moved by one score, a band would take them in or \
                 let them go, so their band says as much about where the threshold is as about \
                 the change.\n\n",
            );
            for x in &bands.switches {
                t.push_str(&format!("- {}\n", md(&x.message)));
            }
            t.push('\n');
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped() {
        assert_eq!(
            md_cell("a|b <i>*x*</i> [l](u)\nnext"),
            "a\\|b \\<i>\\*x\\*\\</i> \\[l\\](u) next"
        );
        assert_eq!(file_stem("My report (v2)"), "My-report--v2");
        assert_eq!(file_stem("///"), "report");
    }

    #[test]
    fn prose_stays_plain_and_only_what_markdown_would_misread_is_escaped() {
        // Plain prose comes out as it went in.
        assert_eq!(md("SHOP-1412"), "SHOP-1412");
        assert_eq!(md("well-known risk"), "well-known risk");
        assert_eq!(md("mean gap 1.27 (was 2.5)"), "mean gap 1.27 (was 2.5)");
        assert_eq!(
            md("Dev: \"fine\", isn't it? A+B=C!"),
            "Dev: \"fine\", isn't it? A+B=C!"
        );
        assert_eq!(md("snake_case_name"), "snake_case_name");
        assert_eq!(md("R&D costs ~5 min"), "R&D costs ~5 min");
        // What Markdown would read as syntax is escaped.
        assert_eq!(md("# not a heading"), "\\# not a heading");
        assert_eq!(md("*bold* and **more**"), "\\*bold\\* and \\*\\*more\\*\\*");
        assert_eq!(md("_under_"), "\\_under\\_");
        assert_eq!(md("[link](http://x)"), "\\[link\\](http://x)");
        assert_eq!(md("use `rm -rf`"), "use \\`rm -rf\\`");
        assert_eq!(md("1. first"), "1\\. first");
        assert_eq!(md("12) twelfth"), "12\\) twelfth");
        assert_eq!(md("- item"), "\\- item");
        assert_eq!(md("+ item"), "\\+ item");
        assert_eq!(md("> quote"), "\\> quote");
        assert_eq!(md("a <b>tag</b>"), "a \\<b>tag\\</b>");
        assert_eq!(md("&amp; entity"), "\\&amp; entity");
        assert_eq!(md("~~struck~~"), "\\~\\~struck\\~\\~");
        assert_eq!(md("C:\\path \\*"), "C:\\path \\\\\\*");
        // A table cell also escapes the pipe.
        assert_eq!(md_cell("a|b"), "a\\|b");
        assert_eq!(md_cell("#"), "#");
        assert_eq!(md_cell("1. first"), "1. first");
        assert_eq!(md("a|b"), "a|b");
    }

    #[test]
    fn the_report_shows_the_gap_map_with_how_to_read_it() {
        let w = crate::export::chart::tests::placed(6, 3);
        let r = report(&w, "out", ChartSize::HD).unwrap();
        let image = "](out-gap-map-dev-ops.png)\n\n";
        let at = r.text.find(image).expect("the gap map image");
        assert!(r.text[at + image.len()..].starts_with(GAP_MAP_READING));
        assert!(r.images.iter().any(|(n, _)| n == "out-gap-map-dev-ops.png"));
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
        assert!(r.text.contains("Pipe \\| in \\<b>title\\</b>"));
        // The record: every decided change has its section; the table lists every change once.
        assert!(!record::decided(&w).is_empty());
        for d in record::decided(&w) {
            assert!(
                r.text
                    .contains(&format!("### {} {}\n", d.number, md(&d.title))),
                "{}",
                d.title
            );
        }
        let every = r.text.split("## Every change\n\n").nth(1).unwrap();
        let every = every.split("\n\n").next().unwrap();
        let numbers: Vec<&str> = every
            .lines()
            .skip(2)
            .map(|l| l.trim_start_matches("| ").split(" |").next().unwrap())
            .collect();
        let want: Vec<String> = (1..=w.changes.len()).map(|n| n.to_string()).collect();
        assert_eq!(numbers, want);
        assert!(
            r.text
                .match_indices('<')
                .all(|(i, _)| r.text[..i].ends_with('\\')),
            "every < is escaped"
        );
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

    #[test]
    fn the_report_shows_the_shape_the_shares_and_how_far_to_trust_them() {
        // Twelve changes: enough to read the figures, with their intervals.
        let w = crate::export::chart::tests::placed(12, 5);
        let a = default_analysis(&w).unwrap();
        let r = report(&w, "out", ChartSize::HD).unwrap();
        assert!(r.text.contains(&md(&a.disagreement_summary)));
        assert!(r.text.contains(&md(&a.reliability.note)));
        assert!(r.text.contains("(95% CI "), "{}", r.text);
        assert!(!r.text.contains("too few changes to read much into"));
        let contested = r
            .text
            .split("## Most contested changes\n\n")
            .nth(1)
            .unwrap();
        let table: Vec<&str> = contested.split("\n\n").next().unwrap().lines().collect();
        assert!(
            table[0].ends_with("| Disagreement | Tied with |"),
            "{}",
            table[0]
        );
        for (line, entry) in table[2..].iter().zip(&a.queue) {
            assert!(line.contains(&format!("| {} |", entry.about)), "{line}");
        }
        // A tie names the other change's number; no tie is a dash.
        for (line, entry) in table[2..].iter().zip(&a.queue) {
            let last = line.trim_end_matches(" |").rsplit("| ").next().unwrap();
            if entry.tied_with.is_empty() {
                assert_eq!(last, "–");
            } else {
                assert!(
                    last.chars().next().is_some_and(|c| c.is_ascii_digit()),
                    "{line}"
                );
            }
        }

        // Six changes: the figures are words, not two decimals.
        let w = crate::export::chart::tests::placed(6, 3);
        let r = report(&w, "out", ChartSize::HD).unwrap();
        assert!(
            r.text.contains("too few changes to read much into"),
            "{}",
            r.text
        );
        assert!(
            r.text.contains("Only 6 changes are placed by both"),
            "{}",
            r.text
        );
        assert!(!r.text.contains("(95% CI "));
    }

    #[test]
    fn the_levels_calibration_mix_residual_and_band_sections_say_what_they_found() {
        use crate::{Mitigation, MitigationId, PerspectiveId};
        let mut w = crate::export::chart::tests::placed(4, 3);
        w.phase = crate::Phase::Revealed;
        let a = default_analysis(&w).unwrap();
        let t = levels_section(&w, &a);
        assert!(
            t.contains("4 Likely (about 1 in 10 such changes)"),
            "the anchors are beside the labels: {t}"
        );
        assert!(
            !t.contains("Calibration first"),
            "no calibration change, no section"
        );
        let plain = who_lowers_what(&w, &a);
        assert!(plain.contains("## Who lowers what") && plain.contains("### Residual check"));

        w.matrix.impact[1].anchor = "*five* <minutes>".into();
        w.changes[0].calibration = true;
        w.changes[0].title = "Restart | one instance".into();
        let c = &mut w.changes[1];
        c.consensus = Some(crate::Cell::new(3, 3));
        c.residual = Some(crate::Cell::new(3, 3));
        c.mitigations = vec![
            Mitigation {
                id: MitigationId::new("m1"),
                text: "Canary".into(),
                owner: String::new(),
                lowers: Axis::Impact,
                proposed_by: Some(PerspectiveId::new("ops")),
            },
            Mitigation {
                id: MitigationId::new("m2"),
                text: "Review".into(),
                owner: String::new(),
                lowers: Axis::Likelihood,
                proposed_by: None,
            },
        ];
        let a = default_analysis(&w).unwrap();
        let t = levels_section(&w, &a);
        assert!(t.contains("Minor (\\*five\\* \\<minutes>)"), "{t}");
        assert!(t.contains("## Calibration first"), "{t}");
        assert!(t.contains("| Restart \\| one instance |"), "{t}");
        let t = who_lowers_what(&w, &a);
        assert!(t.contains("| Ops | 0 | 1 |"), "{t}");
        assert!(t.contains("| Not recorded | 1 | 0 |"), "{t}");
        assert!(
            t.contains(&format!(
                "- {}: The residual L3 × I3 is where the consensus is",
                md(&w.changes[1].title)
            )),
            "{t}"
        );
        assert!(t.contains("## Band checks"), "{t}");
        // Every table row has as many cells as its header.
        for table in t.split("\n\n").filter(|b| b.starts_with("| ")) {
            let counts: Vec<usize> = table
                .lines()
                .map(|l| l.replace("\\|", "").matches('|').count())
                .collect();
            assert!(counts.windows(2).all(|p| p[0] == p[1]), "{table}");
        }
    }
}
