//! The workshop as CSV for a spreadsheet: one row per change and perspective, then a consensus
//! row and a residual row per change. Every text cell that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, so opening
//! the file never runs anything. It must never write a user's text into a cell unneutralised.

use super::ExportError;
use crate::Workshop;

pub const HEADER: [&str; 14] = [
    "change_number",
    "change_id",
    "title",
    "change_type",
    "ticket",
    "tags",
    "row",
    "perspective",
    "likelihood",
    "impact",
    "score",
    "band",
    "rationale",
    "placed_at_ms",
];

/// A cell as a spreadsheet will read it as text, never as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

fn change_type(t: crate::ChangeType) -> &'static str {
    match t {
        crate::ChangeType::Standard => "standard",
        crate::ChangeType::Normal => "normal",
        crate::ChangeType::Emergency => "emergency",
    }
}

/// The CSV text (UTF-8, a header row, `\n` line ends, quoted where needed).
pub fn to_csv(w: &Workshop) -> Result<String, ExportError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let err = |e: csv::Error| ExportError::Encode(format!("csv: {e}"));
    out.write_record(HEADER).map_err(err)?;
    for (i, c) in w.changes.iter().enumerate() {
        let number = (i + 1).to_string();
        let tags = c.tags.join("; ");
        let base = [
            number.as_str(),
            c.id.0.as_str(),
            c.title.as_str(),
            change_type(c.change_type),
            c.ticket.as_str(),
            tags.as_str(),
        ];
        let mut row =
            |kind: &str, who: &str, cell: Option<crate::Cell>, rationale: &str, at: String| {
                let (l, im, score, band) = match cell {
                    Some(cell) => (
                        cell.likelihood.to_string(),
                        cell.impact.to_string(),
                        cell.score().to_string(),
                        w.matrix
                            .band_of(cell)
                            .map(|b| b.name.clone())
                            .unwrap_or_default(),
                    ),
                    None => Default::default(),
                };
                let record: Vec<String> = base
                    .iter()
                    .map(|s| s.to_string())
                    .chain([
                        kind.to_owned(),
                        who.to_owned(),
                        l,
                        im,
                        score,
                        band,
                        rationale.to_owned(),
                        at,
                    ])
                    .map(|s| neutralise(&s))
                    .collect();
                out.write_record(&record).map_err(err)
            };
        for p in &w.perspectives {
            let pl = c.placements.get(&p.id);
            row(
                "placement",
                &p.name,
                pl.map(|pl| pl.cell()),
                pl.map_or("", |pl| pl.rationale.as_str()),
                pl.map_or(String::new(), |pl| pl.placed_at_ms.to_string()),
            )?;
        }
        row("consensus", "", c.consensus, "", String::new())?;
        let mitigations: Vec<String> = c
            .mitigations
            .iter()
            .map(|m| format!("lowers {}: {}", m.lowers.name(), m.text))
            .collect();
        row(
            "residual",
            "",
            c.residual,
            &mitigations.join("; "),
            String::new(),
        )?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ExportError::Encode(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Encode(format!("csv: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, PerspectiveId, Placement};

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("Rotate TLS"), "Rotate TLS");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn rows_per_change_and_perspective_plus_consensus_and_residual() {
        let mut w = crate::sample::workshop();
        w.changes[0].title = "=HYPERLINK(\"http://x\",\"y\")".into();
        w.changes[0].placements.insert(
            PerspectiveId::new("ops"),
            Placement {
                likelihood: 4,
                impact: 2,
                rationale: "@risky, \"quoted\"\nnext".into(),
                placed_at_ms: 5,
                spread: None,
            },
        );
        w.changes[0].consensus = Some(Cell::new(3, 2));
        let text = to_csv(&w).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), w.changes.len() * (w.perspectives.len() + 2));
        let ops = &rows[1];
        assert_eq!(&ops[2], "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(&ops[6], "placement");
        assert_eq!(&ops[7], "Ops");
        assert_eq!(
            (&ops[8], &ops[9], &ops[10], &ops[11]),
            ("4", "2", "8", "medium")
        );
        assert_eq!(&ops[12], "'@risky, \"quoted\"\nnext");
        assert_eq!(&rows[2][6], "consensus");
        assert_eq!(&rows[2][8], "3");
        assert_eq!(&rows[3][6], "residual");
        assert_eq!(&rows[3][8], "");
    }
}
