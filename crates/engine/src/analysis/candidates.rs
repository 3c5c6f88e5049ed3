//! Standard-change candidates: changes the room agrees are low risk once mitigated, so the
//! organisation could pre-approve them instead of sending them to the change board. The rule is
//! explicit and configurable (`CandidateRule`), and every candidate carries the reason it was
//! selected. It suggests; it never changes a change's type.
//!
//! The rule: a change is a candidate when
//! 1. its judged risk — the residual if set, else the consensus — is in one of the lowest
//!    `max_band + 1` bands (default: the lowest band only); a change with neither is not judged;
//! 2. at least two perspectives placed it, and every perspective did when
//!    `require_all_perspectives` is set (default);
//! 3. those placements are within `max_spread` levels of each other on both axes (default 1).
//!
//! Candidates are listed in workshop order, never by score; candidates with the same score in
//! different cells are marked as tied (`ties.rs`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::gap::band_name;
use super::grid::Grid;
use super::queue::spread;
use crate::{Cell, ChangeId, Workshop};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CandidateRule {
    /// The highest band the judged risk may be in, 0 being the lowest band.
    pub max_band: u8,
    /// The largest difference between perspectives allowed on each axis, in levels.
    pub max_spread: u8,
    /// Every perspective must have placed the change (otherwise two are enough).
    pub require_all_perspectives: bool,
}

impl Default for CandidateRule {
    fn default() -> Self {
        CandidateRule {
            max_band: 0,
            max_spread: 1,
            require_all_perspectives: true,
        }
    }
}

/// Which of the change's cells the rule judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Judged {
    Residual,
    Consensus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Candidate {
    pub change: ChangeId,
    pub title: String,
    pub judged: Judged,
    pub cell: Cell,
    pub score: u32,
    pub band: Option<String>,
    pub placed_by: usize,
    pub likelihood_spread: u8,
    pub impact_spread: u8,
    /// The change is already typed as a standard change.
    pub already_standard: bool,
    /// Why it was selected, in words a facilitator can read out.
    pub reason: String,
    /// Other candidates whose judged cell has the same score in a different cell (see
    /// `ties.rs`): the score alone does not say which is the lower risk. Empty if none.
    pub tied_with: Vec<ChangeId>,
}

pub fn standard_change_candidates(w: &Workshop, rule: &CandidateRule) -> Vec<Candidate> {
    let w = &*super::calibration::counted(w);
    candidates_on(w, &Grid::new(w), rule)
}

pub(crate) fn candidates_on(w: &Workshop, grid: &Grid, rule: &CandidateRule) -> Vec<Candidate> {
    let m = &w.matrix;
    let allowed_bands = usize::from(rule.max_band) + 1;
    let ceiling = m
        .bands
        .get(allowed_bands)
        .map(|b| b.min_score)
        .unwrap_or(u32::MAX);
    let highest_band_name = m
        .bands
        .get(allowed_bands.min(m.bands.len()).saturating_sub(1))
        .map(|b| b.name.as_str())
        .unwrap_or("");
    let mut candidates: Vec<Candidate> = w
        .changes
        .iter()
        .zip(grid.rows())
        .filter_map(|(change, row)| {
            let (judged, cell) = match (change.residual, change.consensus) {
                (Some(r), _) => (Judged::Residual, r),
                (None, Some(c)) => (Judged::Consensus, c),
                (None, None) => return None,
            };
            if cell.score() >= ceiling {
                return None;
            }
            let s = spread(m, row)?;
            if rule.require_all_perspectives && s.placed_by < w.perspectives.len() {
                return None;
            }
            if s.likelihood > rule.max_spread || s.impact > rule.max_spread {
                return None;
            }
            let band = band_name(m, cell);
            let what = match judged {
                Judged::Residual => "residual",
                Judged::Consensus => "consensus (no residual recorded)",
            };
            let band_words = if rule.max_band == 0 {
                format!("the lowest band '{}'", band.unwrap_or("?"))
            } else {
                format!(
                    "band '{}', at or below '{highest_band_name}'",
                    band.unwrap_or("?")
                )
            };
            let who = if s.placed_by == 2 && w.perspectives.len() == 2 {
                "both perspectives".to_owned()
            } else if s.placed_by == w.perspectives.len() {
                format!("all {} perspectives", s.placed_by)
            } else {
                format!("the {} perspectives that placed it", s.placed_by)
            };
            let reason = format!(
                "The {what} L{} × I{} (score {}) is in {band_words}, and {who} are within {} level{} \
                 of each other (likelihood spread {}, impact spread {}).",
                cell.likelihood,
                cell.impact,
                cell.score(),
                rule.max_spread,
                if rule.max_spread == 1 { "" } else { "s" },
                s.likelihood,
                s.impact
            );
            Some(Candidate {
                change: change.id.clone(),
                title: change.title.clone(),
                judged,
                cell,
                score: cell.score(),
                band: band.map(str::to_owned),
                placed_by: s.placed_by,
                likelihood_spread: s.likelihood,
                impact_spread: s.impact,
                already_standard: change.change_type == crate::ChangeType::Standard,
                reason,
                tied_with: Vec::new(),
            })
        })
        .collect();
    super::ties::mark_candidate_ties(&mut candidates);
    candidates
}
