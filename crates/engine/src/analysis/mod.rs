//! The analysis of a workshop: where perspectives place the same change differently, split by
//! axis (likelihood gap vs impact gap), agreement statistics, the discussion queue, standard-change
//! candidates and the summary sentence a facilitator reads out. It only reads a workshop; it never
//! makes up a number for an undefined statistic.
//!
//! Entry point: [`analyse`] with [`AnalysisOptions`] (which pair, which candidate rule) gives an
//! [`Analysis`], serialisable as is (it is what `parallax-cli summary --json` prints and what the
//! UI receives). The parts are usable on their own: [`compare_change`], [`axis_agreement`],
//! [`discussion_queue`], [`inherent_residual`], [`standard_change_candidates`],
//! [`summary_sentence`], and the bare statistics [`quadratic_weighted_kappa`] and
//! [`ordinal_krippendorff_alpha`].

mod candidates;
mod gap;
mod queue;
mod risk;
mod stats;
mod summary;

pub use candidates::{standard_change_candidates, Candidate, CandidateRule, Judged};
pub use gap::{
    axis_agreement, compare_change, AxisAgreement, ChangeGap, Dominant, PlacedBy, UndefinedReason,
};
pub use queue::{discussion_queue, QueueEntry};
pub use risk::{
    inherent_residual, Baseline, InherentResidual, InherentSource, RatedCell, Reduction,
};
pub use stats::{ordinal_krippendorff_alpha, quadratic_weighted_kappa, Undefined};
pub use summary::summary_sentence;

use serde::Serialize;
use ts_rs::TS;

use crate::{Axis, Perspective, PerspectiveId, Workshop};

/// Why an analysis cannot be made (bad options, not a bad workshop: every workshop analyses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    #[error("the workshop has {0} perspective(s); comparing needs at least two")]
    TooFewPerspectives(usize),
    #[error("no perspective is called {name:?}; the workshop has {known}")]
    UnknownPerspective { name: String, known: String },
    #[error("more than one perspective is called {0:?}; use its id instead")]
    AmbiguousPerspective(String),
    #[error("cannot compare {0:?} with itself: choose two different perspectives")]
    SamePerspective(String),
}

/// What to analyse. The pair defaults to the first two perspectives; when only one side is
/// given, the other is the first other perspective in workshop order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisOptions {
    pub from: Option<PerspectiveId>,
    pub to: Option<PerspectiveId>,
    pub candidate_rule: CandidateRule,
}

/// The pair compared: gaps are `to − from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Pair {
    /// Perspective names, as people read them.
    pub from: String,
    pub to: String,
    pub from_id: PerspectiveId,
    pub to_id: PerspectiveId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PerspectiveCount {
    pub id: PerspectiveId,
    pub name: String,
    /// How many changes this perspective has placed.
    pub placed: usize,
}

/// The whole analysis of a workshop for one pair of perspectives. Floats are never NaN or
/// infinite; an undefined value is null with a reason beside it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Analysis {
    pub perspectives: Vec<PerspectiveCount>,
    pub pair: Pair,
    /// Changes in the workshop.
    pub total_changes: usize,
    /// Changes placed by both perspectives of the pair.
    pub compared: usize,
    pub likelihood: AxisAgreement,
    pub impact: AxisAgreement,
    /// Compared changes whose two placements fall in different bands.
    pub band_differs: usize,
    /// `band_differs / compared`; null when nothing is compared.
    pub band_differs_share: Option<f64>,
    /// Every change, in workshop order.
    pub changes: Vec<ChangeGap>,
    pub queue: Vec<QueueEntry>,
    pub inherent_residual: Vec<InherentResidual>,
    pub candidate_rule: CandidateRule,
    pub candidates: Vec<Candidate>,
    /// The sentence for the facilitator.
    pub summary: String,
}

/// Finds a perspective by id, or else by name ignoring case and surrounding spaces.
pub fn find_perspective<'w>(
    w: &'w Workshop,
    name_or_id: &str,
) -> Result<&'w Perspective, AnalysisError> {
    if let Some(p) = w.perspectives.iter().find(|p| p.id.0 == name_or_id) {
        return Ok(p);
    }
    let wanted = name_or_id.trim().to_lowercase();
    let mut matches = w
        .perspectives
        .iter()
        .filter(|p| p.name.trim().to_lowercase() == wanted);
    match (matches.next(), matches.next()) {
        (Some(p), None) => Ok(p),
        (Some(_), Some(_)) => Err(AnalysisError::AmbiguousPerspective(name_or_id.to_owned())),
        _ => Err(AnalysisError::UnknownPerspective {
            name: name_or_id.to_owned(),
            known: w
                .perspectives
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

fn resolve_pair<'w>(
    w: &'w Workshop,
    options: &AnalysisOptions,
) -> Result<(&'w Perspective, &'w Perspective), AnalysisError> {
    if w.perspectives.len() < 2 {
        return Err(AnalysisError::TooFewPerspectives(w.perspectives.len()));
    }
    let by_id = |id: &PerspectiveId| find_perspective(w, &id.0);
    let other = |not: &Perspective| {
        w.perspectives
            .iter()
            .find(|p| p.id != not.id)
            .ok_or(AnalysisError::TooFewPerspectives(w.perspectives.len()))
    };
    let (from, to) = match (&options.from, &options.to) {
        (Some(f), Some(t)) => (by_id(f)?, by_id(t)?),
        (Some(f), None) => {
            let f = by_id(f)?;
            (f, other(f)?)
        }
        (None, Some(t)) => {
            let t = by_id(t)?;
            (other(t)?, t)
        }
        (None, None) => (&w.perspectives[0], &w.perspectives[1]),
    };
    if from.id == to.id {
        return Err(AnalysisError::SamePerspective(from.name.clone()));
    }
    Ok((from, to))
}

/// The full analysis of `w` for the pair and rule in `options`.
pub fn analyse(w: &Workshop, options: &AnalysisOptions) -> Result<Analysis, AnalysisError> {
    let (from, to) = resolve_pair(w, options)?;
    let changes: Vec<ChangeGap> = w
        .changes
        .iter()
        .map(|c| compare_change(&w.matrix, c, &from.id, &to.id))
        .collect();
    let likelihood = axis_agreement(w, &changes, Axis::Likelihood);
    let impact = axis_agreement(w, &changes, Axis::Impact);
    let compared = likelihood.compared;
    let band_differs = changes
        .iter()
        .filter(|g| g.band_differs == Some(true))
        .count();
    let summary = summary_sentence(&from.name, &to.name, &likelihood, &impact, w.changes.len());
    let perspectives = w
        .perspectives
        .iter()
        .map(|p| PerspectiveCount {
            id: p.id.clone(),
            name: p.name.clone(),
            placed: w
                .changes
                .iter()
                .filter(|c| c.placements.contains_key(&p.id))
                .count(),
        })
        .collect();
    Ok(Analysis {
        perspectives,
        pair: Pair {
            from: from.name.clone(),
            to: to.name.clone(),
            from_id: from.id.clone(),
            to_id: to.id.clone(),
        },
        total_changes: w.changes.len(),
        compared,
        band_differs,
        band_differs_share: (compared > 0).then(|| band_differs as f64 / compared as f64),
        queue: discussion_queue(w),
        inherent_residual: w.changes.iter().map(|c| inherent_residual(w, c)).collect(),
        candidates: standard_change_candidates(w, &options.candidate_rule),
        candidate_rule: options.candidate_rule,
        changes,
        likelihood,
        impact,
        summary,
    })
}
