//! The meeting record: what the room decided about each change, in words rather than on a chart,
//! so that the deck and the Markdown report stand alone after the workshop. For every change
//! with a consensus, a mitigation or a residual: each perspective's placement with its rationale,
//! the consensus, each mitigation with the axis it lowers and its owner, and the residual; and an
//! appendix of every change (number, title, ticket, type, each perspective's cell, consensus,
//! residual). It only reads the workshop and never formats for a file type: the deck and the
//! report each escape and lay out these values their own way.

use super::text::one_line;
use crate::{Cell, ChangeType, Workshop};

/// A cell as the record writes it: "L3 × I4", with its band when the matrix has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub cell: Cell,
    pub band: Option<String>,
}

impl Placed {
    fn of(w: &Workshop, cell: Cell) -> Placed {
        Placed {
            cell,
            band: w.matrix.band_of(cell).map(|b| one_line(&b.name)),
        }
    }

    /// "L3 × I4".
    pub fn short(&self) -> String {
        format!("L{} × I{}", self.cell.likelihood, self.cell.impact)
    }

    /// "L3 × I4, score 12, high".
    pub fn long(&self) -> String {
        match &self.band {
            Some(b) if !b.is_empty() => {
                format!("{}, score {}, {b}", self.short(), self.cell.score())
            }
            _ => format!("{}, score {}", self.short(), self.cell.score()),
        }
    }
}

/// One perspective's placement of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerspectivePlacement {
    pub perspective: String,
    pub placed: Placed,
    /// Empty when none was given.
    pub rationale: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MitigationLine {
    pub text: String,
    /// "likelihood" or "impact".
    pub lowers: &'static str,
    /// Empty when nobody was named.
    pub owner: String,
}

/// Everything the room recorded about one change, each text on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    /// 1-based, as on the charts.
    pub number: usize,
    pub title: String,
    pub ticket: String,
    pub change_type: &'static str,
    /// In perspective order; perspectives that did not place it are left out.
    pub placements: Vec<PerspectivePlacement>,
    pub consensus: Option<Placed>,
    pub mitigations: Vec<MitigationLine>,
    pub residual: Option<Placed>,
}

pub fn type_name(t: ChangeType) -> &'static str {
    match t {
        ChangeType::Standard => "standard",
        ChangeType::Normal => "normal",
        ChangeType::Emergency => "emergency",
    }
}

/// The record of the change at `index` in workshop order.
pub fn change_record(w: &Workshop, index: usize) -> Option<ChangeRecord> {
    let c = w.changes.get(index)?;
    Some(ChangeRecord {
        number: index + 1,
        title: one_line(&c.title),
        ticket: one_line(&c.ticket),
        change_type: type_name(c.change_type),
        placements: w
            .perspectives
            .iter()
            .filter_map(|p| {
                let pl = c.placements.get(&p.id)?;
                Some(PerspectivePlacement {
                    perspective: one_line(&p.name),
                    placed: Placed::of(w, pl.cell()),
                    rationale: one_line(&pl.rationale),
                })
            })
            .collect(),
        consensus: c.consensus.map(|cell| Placed::of(w, cell)),
        mitigations: c
            .mitigations
            .iter()
            .map(|m| MitigationLine {
                text: one_line(&m.text),
                lowers: m.lowers.name(),
                owner: one_line(&m.owner),
            })
            .collect(),
        residual: c.residual.map(|cell| Placed::of(w, cell)),
    })
}

/// The records of the changes the room decided something about (a consensus, a mitigation or a
/// residual), in workshop order.
pub fn decided(w: &Workshop) -> Vec<ChangeRecord> {
    w.changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.consensus.is_some() || !c.mitigations.is_empty() || c.residual.is_some())
        .filter_map(|(i, _)| change_record(w, i))
        .collect()
}

/// The appendix: a header row, then one row per change in workshop order: number, title,
/// ticket, type, each perspective's cell, consensus, residual ("–" where there is none).
pub fn appendix(w: &Workshop) -> Vec<Vec<String>> {
    let mut head = vec![
        "#".to_owned(),
        "Change".to_owned(),
        "Ticket".to_owned(),
        "Type".to_owned(),
    ];
    head.extend(w.perspectives.iter().map(|p| one_line(&p.name)));
    head.extend(["Consensus".to_owned(), "Residual".to_owned()]);
    let mut rows = vec![head];
    let dash = || "–".to_owned();
    let short = |c: Option<Cell>| c.map_or_else(dash, |c| Placed::of(w, c).short());
    for (i, c) in w.changes.iter().enumerate() {
        let ticket = one_line(&c.ticket);
        let mut row = vec![
            (i + 1).to_string(),
            one_line(&c.title),
            if ticket.is_empty() { dash() } else { ticket },
            type_name(c.change_type).to_owned(),
        ];
        row.extend(
            w.perspectives
                .iter()
                .map(|p| short(c.placements.get(&p.id).map(|pl| pl.cell()))),
        );
        row.push(short(c.consensus));
        row.push(short(c.residual));
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_with_a_decision_are_recorded_and_every_change_is_in_the_appendix() {
        let mut w = crate::export::deck::tests::meeting(3);
        // The second change has placements only: no consensus, mitigation or residual.
        w.changes[1].consensus = None;
        let decided = decided(&w);
        let expected: Vec<usize> = w
            .changes
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.consensus.is_some() || !c.mitigations.is_empty() || c.residual.is_some()
            })
            .map(|(i, _)| i + 1)
            .collect();
        assert!(!expected.contains(&2) && expected.contains(&1));
        assert_eq!(
            decided.iter().map(|r| r.number).collect::<Vec<_>>(),
            expected
        );
        let r = &decided[0];
        assert_eq!(r.placements.len(), 3);
        assert_eq!(r.placements[0].perspective, "Dev");
        assert!(!r.placements[0].rationale.is_empty());

        let rows = appendix(&w);
        assert_eq!(rows.len(), w.changes.len() + 1);
        assert_eq!(rows[0].len(), 4 + 3 + 2);
        assert!(rows.iter().all(|r| r.len() == rows[0].len()));
        let numbers: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
        let want: Vec<String> = (1..=w.changes.len()).map(|n| n.to_string()).collect();
        assert_eq!(numbers, want);
    }
}
