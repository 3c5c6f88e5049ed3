//! Inherent vs residual risk per change: where the change sat before its mitigations (the
//! consensus if the room recorded one, otherwise each perspective's placement) and where it sits
//! after them (the residual), with how far the mitigations moved it. It never invents a
//! consensus from the placements: without one, every placement is shown as it is.

use serde::Serialize;
use ts_rs::TS;

use super::gap::{band_name, level_difference, score_difference};
use super::grid::row_of;
use crate::{Axis, Cell, Change, ChangeId, Matrix, PerspectiveId, Workshop};

/// Where the inherent risk of a change comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InherentSource {
    Consensus,
    Placements,
    /// Neither a consensus nor any placement yet.
    None,
}

/// A cell with its score and band; `perspective` is set when it is one perspective's placement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RatedCell {
    pub perspective: Option<PerspectiveId>,
    pub likelihood: u8,
    pub impact: u8,
    pub score: u32,
    pub band: Option<String>,
}

impl RatedCell {
    fn new(matrix: &Matrix, perspective: Option<&PerspectiveId>, cell: Cell) -> Self {
        RatedCell {
            perspective: perspective.cloned(),
            likelihood: cell.likelihood,
            impact: cell.impact,
            score: cell.score(),
            band: band_name(matrix, cell).map(str::to_owned),
        }
    }
}

/// What the reduction is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    Consensus,
    /// Without a consensus: the placement with the highest score (the first perspective on a tie),
    /// i.e. the reduction as seen by whoever was most worried.
    HighestPlacement,
}

/// How far the residual sits below the baseline; positive means lowered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Reduction {
    pub baseline: Baseline,
    pub likelihood_lowered_by: i8,
    pub impact_lowered_by: i8,
    pub score_lowered_by: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InherentResidual {
    pub change: ChangeId,
    pub title: String,
    pub inherent_source: InherentSource,
    /// The consensus alone, or every placement in perspective order.
    pub inherent: Vec<RatedCell>,
    pub residual: Option<RatedCell>,
    pub likelihood_mitigations: usize,
    pub impact_mitigations: usize,
    /// Null without a residual or without any inherent cell.
    pub reduction: Option<Reduction>,
}

pub fn inherent_residual(w: &Workshop, change: &Change) -> InherentResidual {
    inherent_residual_on(w, change, &row_of(w, change))
}

/// `row`: the change's cell per perspective, in workshop order.
pub(crate) fn inherent_residual_on(
    w: &Workshop,
    change: &Change,
    row: &[Option<Cell>],
) -> InherentResidual {
    let m = &w.matrix;
    let (inherent_source, inherent, baseline) = if let Some(c) = change.consensus {
        (
            InherentSource::Consensus,
            vec![RatedCell::new(m, None, c)],
            Some((Baseline::Consensus, c)),
        )
    } else {
        let cells: Vec<RatedCell> = w
            .perspectives
            .iter()
            .zip(row)
            .filter_map(|(p, cell)| Some(RatedCell::new(m, Some(&p.id), (*cell)?)))
            .collect();
        // max_by_key keeps the last maximum; scanning in reverse makes it the first perspective.
        let highest = cells.iter().rev().max_by_key(|c| c.score).map(|c| {
            (
                Baseline::HighestPlacement,
                Cell::new(c.likelihood, c.impact),
            )
        });
        let source = if cells.is_empty() {
            InherentSource::None
        } else {
            InherentSource::Placements
        };
        (source, cells, highest)
    };
    let reduction = match (baseline, change.residual) {
        (Some((baseline, from)), Some(to)) => Some(Reduction {
            baseline,
            likelihood_lowered_by: level_difference(from.likelihood, to.likelihood),
            impact_lowered_by: level_difference(from.impact, to.impact),
            score_lowered_by: score_difference(from, to),
        }),
        _ => None,
    };
    let count = |axis: Axis| {
        change
            .mitigations
            .iter()
            .filter(|x| x.lowers == axis)
            .count()
    };
    InherentResidual {
        change: change.id.clone(),
        title: change.title.clone(),
        inherent_source,
        inherent,
        residual: change.residual.map(|c| RatedCell::new(m, None, c)),
        likelihood_mitigations: count(Axis::Likelihood),
        impact_mitigations: count(Axis::Impact),
        reduction,
    }
}
