//! The analysis of a workshop: where perspectives place the same change differently, split by
//! axis (likelihood gap vs impact gap), agreement statistics, the discussion queue, standard-change
//! candidates and the summary sentence a facilitator reads out. It only reads a workshop; it never
//! makes up a number for an undefined statistic.
//!
//! Entry point: [`analyse`] with [`AnalysisOptions`] (which pair, which candidate rule) gives an
//! [`Analysis`], a typed value serialisable as is (it is what `parallax-cli summary --json`
//! prints and what the UI receives, its TypeScript generated with ts-rs). It keeps the blind rule
//! (see `view.rs`): while the room is placing in blind mode it returns `hidden: true` and nothing
//! computed from the placements (no gaps, statistics, queue, inherent or residual risk,
//! candidates), only each perspective's progress. The parts are usable on their own: [`compare_change`], [`axis_agreement`],
//! [`discussion_queue`], [`inherent_residual`], [`standard_change_candidates`],
//! [`summary_sentence`], [`disagreement_sentence`], the bare statistics
//! [`quadratic_weighted_kappa`] and [`ordinal_krippendorff_alpha`], their bootstrap intervals
//! ([`bootstrap`]) and [`level_agreement`].
//!
//! The result owns its names, titles and ids rather than borrowing the workshop, so the app can
//! compute it under its lock and hand it over after; the copies cost a few string clones per
//! analysis, nothing a person notices.

mod agreement;
mod bands;
pub mod bootstrap;
mod calibration;
mod candidates;
mod gap;
mod grid;
mod mix;
mod queue;
mod residual_check;
mod risk;
mod shape;
mod stats;
mod summary;
mod ties;
pub mod trend;
mod within;

pub use agreement::{level_agreement, Reliability, Stability, MIN_CHANGES_TO_READ};
pub use bands::{
    band_switches, band_warnings, BandCheck, BandSwitch, BandWarning, BandWarningKind, SwitchBasis,
    SwitchedChange,
};
pub use calibration::calibration_gaps;
pub use candidates::{standard_change_candidates, Candidate, CandidateRule, Judged};
pub use gap::{
    axis_agreement, compare_change, AxisAgreement, ChangeGap, Dominant, PlacedBy, UndefinedReason,
};
pub use mix::{mitigation_mix, MixRow};
pub use queue::{discussion_queue, QueueEntry};
pub use residual_check::{check_residual, residual_flags, ResidualFlag, ResidualIssue};
pub use risk::{
    inherent_residual, Baseline, InherentResidual, InherentSource, RatedCell, Reduction,
};
pub use shape::{disagreement_sentence, DominantCounts};
pub use stats::{ordinal_krippendorff_alpha, quadratic_weighted_kappa, Undefined};
pub use summary::summary_sentence;
pub use within::{inside_and_between, within_perspectives, WithinAxis, WithinPerspective};

use serde::Serialize;
use ts_rs::TS;

use crate::{Axis, Cell, Perspective, PerspectiveId, Workshop};
use grid::Grid;

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
    /// A perspective id or name (see [`find_perspective`]).
    pub from: Option<String>,
    pub to: Option<String>,
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
/// infinite; an undefined value is null with a reason beside it. It owns the names, titles and
/// ids it shows, copied from the workshop: a view, never stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Analysis {
    /// True in blind mode before Reveal: everything below that comes from the placements is
    /// empty, zero or null (with `hidden_until_reveal` as the reason), and the summary says so.
    /// `perspectives` still counts each one's placements: progress is always safe to show.
    pub hidden: bool,
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
    /// How many compared changes have each `dominant` class (`shape.rs`).
    pub dominant_counts: DominantCounts,
    /// The shape of the disagreement in one sentence, e.g. "9 of 12 disagreements between Dev
    /// and Ops are about likelihood; Ops rates likelihood higher on 8 of them; 3 are about
    /// impact."
    pub disagreement_summary: String,
    /// Whether the agreement figures rest on enough changes to read (`agreement.rs`).
    pub reliability: Reliability,
    /// Agreement inside each perspective people joined from the room (`within.rs`); empty for
    /// a workshop placed on one laptop, and while hidden.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<WithinPerspective>>")]
    pub within: Vec<WithinPerspective>,
    /// Whether the pair's gap is larger than the disagreement inside each of the two, per axis;
    /// null (with the reason beside it when people joined) when it cannot be said.
    #[ts(optional = nullable)]
    pub within_summary: Option<String>,
    #[ts(optional = nullable)]
    pub within_summary_undefined: Option<UndefinedReason>,
    /// The pair's gaps on the calibration changes, in workshop order: shown first, apart from
    /// everything above, which leaves calibration changes out (`calibration.rs`). Empty while
    /// hidden.
    pub calibration: Vec<ChangeGap>,
    /// Who lowers what (`mix.rs`); mitigations are not hidden, so it is there while hidden too.
    pub mitigation_mix: Vec<MixRow>,
    /// Residuals that do not move as their mitigations claim (`residual_check.rs`).
    pub residual_flags: Vec<ResidualFlag>,
    /// Warnings about the bands, and the changes a threshold moved by one would switch
    /// (`bands.rs`); the switches are empty while hidden.
    pub band_check: BandCheck,
}

/// Finds a perspective by its id, else by its name ignoring case and surrounding spaces, else by
/// its id ignoring case.
pub fn find_perspective<'w>(
    w: &'w Workshop,
    name_or_id: &str,
) -> Result<&'w Perspective, AnalysisError> {
    if let Some(p) = w.perspectives.iter().find(|p| p.id.0 == name_or_id) {
        return Ok(p);
    }
    let wanted = name_or_id.trim().to_lowercase();
    for key in [
        |p: &Perspective| p.name.trim().to_lowercase(),
        |p: &Perspective| p.id.0.to_lowercase(),
    ] {
        let mut matches = w.perspectives.iter().filter(|p| key(p) == wanted);
        match (matches.next(), matches.next()) {
            (Some(p), None) => return Ok(p),
            (Some(_), Some(_)) => {
                return Err(AnalysisError::AmbiguousPerspective(name_or_id.to_owned()))
            }
            _ => {}
        }
    }
    Err(AnalysisError::UnknownPerspective {
        name: name_or_id.to_owned(),
        known: w
            .perspectives
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

pub(crate) fn resolve_pair<'w>(
    w: &'w Workshop,
    options: &AnalysisOptions,
) -> Result<(&'w Perspective, &'w Perspective), AnalysisError> {
    if w.perspectives.len() < 2 {
        return Err(AnalysisError::TooFewPerspectives(w.perspectives.len()));
    }
    let by_id = |name: &String| find_perspective(w, name);
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

/// The analysis of `w` for the pair and rule in `options`, as a screen may show it: in blind
/// mode before Reveal, only what the blind rule lets through (see [`Analysis::hidden`]).
pub fn analyse(w: &Workshop, options: &AnalysisOptions) -> Result<Analysis, AnalysisError> {
    compute(w, options, w.is_hidden())
}

/// The analysis of everything `w` holds, blind mode or not: for exports and the command line,
/// which hand whoever holds the file what the file already holds (its placements are in every
/// export). Never for a screen during a round: that is [`analyse`].
pub fn analyse_whole(w: &Workshop, options: &AnalysisOptions) -> Result<Analysis, AnalysisError> {
    compute(w, options, false)
}

fn compute(
    whole: &Workshop,
    options: &AnalysisOptions,
    hide: bool,
) -> Result<Analysis, AnalysisError> {
    // Every figure below speaks of the changes that count; calibration changes only come back
    // as their own gaps.
    let counted = calibration::counted(whole);
    let w: &Workshop = &counted;
    let (from, to) = resolve_pair(w, options)?;
    let grid = Grid::new(w);
    let pair = Pair {
        from: from.name.clone(),
        to: to.name.clone(),
        from_id: from.id.clone(),
        to_id: to.id.clone(),
    };
    let perspectives = w
        .perspectives
        .iter()
        .enumerate()
        .map(|(i, p)| PerspectiveCount {
            id: p.id.clone(),
            name: p.name.clone(),
            placed: grid.placed(i),
        })
        .collect();
    if hide {
        return Ok(hidden(w, perspectives, pair, options.candidate_rule));
    }
    let calibration = calibration_gaps(whole, &from.id, &to.id);
    let column = |p: &Perspective| w.perspectives.iter().position(|q| q.id == p.id);
    let (fi, ti) = (column(from), column(to));
    let cell =
        |row: &[Option<Cell>], i: Option<usize>| i.and_then(|i| row.get(i).copied().flatten());
    let changes: Vec<ChangeGap> = w
        .changes
        .iter()
        .zip(grid.rows())
        .map(|(c, row)| gap::gap_of(&w.matrix, c, cell(row, fi), cell(row, ti)))
        .collect();
    let likelihood = gap::axis_agreement_on(w, &grid, &changes, Axis::Likelihood);
    let impact = gap::axis_agreement_on(w, &grid, &changes, Axis::Impact);
    let compared = likelihood.compared;
    let band_differs = changes
        .iter()
        .filter(|g| g.band_differs == Some(true))
        .count();
    let summary = summary_sentence(&from.name, &to.name, &likelihood, &impact, w.changes.len());
    let dominant_counts = DominantCounts::of(&changes);
    let disagreement_summary = disagreement_sentence(&from.name, &to.name, &changes);
    let reliability = Reliability::of(compared, &from.name, &to.name);
    let within = within_perspectives(w);
    let inside = |p: &Perspective| within.iter().find(|x| x.id == p.id);
    let (within_summary, within_summary_undefined) = if w.participants.is_empty() {
        (None, None)
    } else {
        match inside_and_between(
            &from.name,
            &to.name,
            [&likelihood, &impact],
            inside(from),
            inside(to),
        ) {
            Ok(s) => (Some(s), None),
            Err(why) => (None, Some(why.into())),
        }
    };
    Ok(Analysis {
        calibration,
        mitigation_mix: mitigation_mix(w),
        residual_flags: residual_flags(w),
        band_check: BandCheck {
            warnings: band_warnings(&w.matrix),
            switches: band_switches(w),
        },
        within,
        within_summary,
        within_summary_undefined,
        hidden: false,
        perspectives,
        pair,
        total_changes: w.changes.len(),
        compared,
        band_differs,
        band_differs_share: (compared > 0).then(|| band_differs as f64 / compared as f64),
        queue: queue::queue_on(w, &grid),
        inherent_residual: w
            .changes
            .iter()
            .zip(grid.rows())
            .map(|(c, row)| risk::inherent_residual_on(w, c, row))
            .collect(),
        candidates: candidates::candidates_on(w, &grid, &options.candidate_rule),
        candidate_rule: options.candidate_rule,
        changes,
        likelihood,
        impact,
        summary,
        dominant_counts,
        disagreement_summary,
        reliability,
    })
}

/// The analysis while placements are hidden: progress and the pair's names, nothing else.
fn hidden(
    w: &Workshop,
    perspectives: Vec<PerspectiveCount>,
    pair: Pair,
    candidate_rule: CandidateRule,
) -> Analysis {
    let axis = |axis: Axis| {
        let undefined = || Some(UndefinedReason::from(Undefined::HiddenUntilReveal));
        AxisAgreement {
            axis,
            levels: w.matrix.max_level(axis),
            compared: 0,
            to_higher: 0,
            to_lower: 0,
            same: 0,
            mean_signed_gap: None,
            mean_abs_gap: None,
            weighted_kappa: None,
            weighted_kappa_undefined: undefined(),
            alpha_changes: 0,
            krippendorff_alpha: None,
            krippendorff_alpha_undefined: undefined(),
            exact_agreement: None,
            within_one_agreement: None,
            kappa_ci: None,
            alpha_ci: None,
        }
    };
    Analysis {
        hidden: true,
        perspectives,
        pair,
        total_changes: w.changes.len(),
        compared: 0,
        likelihood: axis(Axis::Likelihood),
        impact: axis(Axis::Impact),
        band_differs: 0,
        band_differs_share: None,
        changes: Vec::new(),
        queue: Vec::new(),
        inherent_residual: Vec::new(),
        candidate_rule,
        candidates: Vec::new(),
        summary: "Placements stay hidden until the facilitator reveals them; the comparison \
                  appears then."
            .to_owned(),
        dominant_counts: DominantCounts::default(),
        disagreement_summary: "Placements stay hidden until the facilitator reveals them."
            .to_owned(),
        reliability: Reliability::hidden(),
        within: Vec::new(),
        within_summary: None,
        within_summary_undefined: (!w.participants.is_empty())
            .then(|| Undefined::HiddenUntilReveal.into()),
        calibration: Vec::new(),
        mitigation_mix: mitigation_mix(w),
        residual_flags: Vec::new(),
        band_check: BandCheck {
            warnings: band_warnings(&w.matrix),
            switches: Vec::new(),
        },
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Cell, Change, Matrix, Perspective, Phase, Placement};

    /// Places `c` for the perspective `who` at likelihood `l`, impact `i` (the analysis' tests
    /// share it).
    pub(crate) fn place(c: &mut Change, who: &str, l: u8, i: u8) {
        c.placements.insert(
            PerspectiveId::new(who),
            Placement {
                likelihood: l,
                impact: i,
                rationale: String::new(),
                placed_at_ms: 0,
                spread: None,
            },
        );
    }

    /// Seven changes on the 5×5 matrix, Dev, Ops and Security; see each comment.
    fn workshop() -> Workshop {
        let mut w = Workshop::new("t", Matrix::default());
        w.phase = Phase::Revealed;
        w.perspectives
            .push(Perspective::new("sec", "Security", "#2b8a3e"));
        let mut cs: Vec<Change> = (1..=7)
            .map(|n| Change::new(&format!("c{n}"), &format!("Change {n}")))
            .collect();
        // c1: Ops two likelihood levels higher; bands medium (8) → high (16).
        place(&mut cs[0], "dev", 2, 4);
        place(&mut cs[0], "ops", 4, 4);
        place(&mut cs[0], "sec", 3, 4);
        // c2: only Dev. c3: nobody.
        place(&mut cs[1], "dev", 1, 1);
        // c4: one impact level apart, consensus low.
        place(&mut cs[3], "dev", 2, 2);
        place(&mut cs[3], "ops", 2, 2);
        place(&mut cs[3], "sec", 2, 3);
        cs[3].consensus = Some(Cell::new(2, 2));
        // c5 and c7 alike (a tie the position breaks); c5 has a residual, c7 a consensus.
        for k in [4, 6] {
            place(&mut cs[k], "dev", 1, 2);
            place(&mut cs[k], "ops", 2, 1);
            place(&mut cs[k], "sec", 1, 1);
        }
        cs[4].residual = Some(Cell::new(1, 1));
        cs[6].consensus = Some(Cell::new(1, 2));
        // c6: two levels apart on both axes, same band; Security has not placed it.
        place(&mut cs[5], "dev", 3, 3);
        place(&mut cs[5], "ops", 1, 5);
        w.changes = cs;
        w
    }

    #[test]
    fn unplaced_changes_are_reported_as_such_never_as_zero_gaps() {
        let w = workshop();
        let a = analyse(&w, &AnalysisOptions::default()).unwrap();
        assert_eq!((a.pair.from.as_str(), a.pair.to.as_str()), ("Dev", "Ops"));
        assert_eq!(a.changes[1].placed, PlacedBy::FromOnly);
        assert_eq!(a.changes[2].placed, PlacedBy::Neither);
        for g in &a.changes[1..3] {
            assert_eq!(
                (g.likelihood_gap, g.impact_gap, g.score_gap, g.band_differs),
                (None, None, None, None)
            );
        }
        let c1 = &a.changes[0];
        assert_eq!(
            (c1.likelihood_gap, c1.impact_gap, c1.score_gap),
            (Some(2), Some(0), Some(8))
        );
        assert_eq!(
            (c1.from_band.as_deref(), c1.to_band.as_deref()),
            (Some("medium"), Some("high"))
        );
        assert_eq!(
            (c1.band_differs, c1.dominant),
            (Some(true), Some(Dominant::Likelihood))
        );
        assert_eq!(a.changes[5].dominant, Some(Dominant::Both));
        assert_eq!(a.changes[3].dominant, Some(Dominant::Agree));
        assert_eq!((a.compared, a.total_changes, a.band_differs), (5, 7, 1));
        assert_eq!(a.band_differs_share, Some(0.2));
        // Likelihood gaps +2, 0, +1, −2, +1; impact gaps 0, 0, −1, +2, −1.
        assert_eq!(
            (
                a.likelihood.to_higher,
                a.likelihood.to_lower,
                a.likelihood.same
            ),
            (3, 1, 1)
        );
        assert_eq!(a.likelihood.mean_signed_gap, Some(0.4));
        assert_eq!(a.likelihood.mean_abs_gap, Some(1.2));
        assert_eq!(a.impact.mean_signed_gap, Some(0.0));
        assert_eq!(
            (
                a.likelihood.exact_agreement,
                a.likelihood.within_one_agreement
            ),
            (Some(0.2), Some(0.6))
        );
        assert_eq!(
            (a.impact.exact_agreement, a.impact.within_one_agreement),
            (Some(0.4), Some(0.8))
        );
        assert_eq!(
            a.dominant_counts,
            DominantCounts {
                likelihood: 1,
                impact: 0,
                both: 3,
                agree: 1
            }
        );
        assert_eq!(a.reliability.stability, Stability::TooFewChanges);
        assert_eq!(a.reliability.compared, 5);
        assert_eq!(a.perspectives[2].placed, 4);
        assert_eq!(
            a.summary,
            "Ops rated likelihood higher than Dev on 3 of 5 changes (mean +0.4 levels); \
             Ops rated impact lower than Dev on 2 of 5 changes (mean 0.0 levels); \
             2 of 7 changes are not placed by both yet."
        );
    }

    #[test]
    fn the_queue_orders_by_spread_then_bands_then_score_then_position() {
        let w = workshop();
        let q = discussion_queue(&w);
        let order: Vec<&str> = q.iter().map(|e| e.change.0.as_str()).collect();
        assert_eq!(order, ["c6", "c1", "c5", "c7", "c4"]);
        assert_eq!(
            q.iter().map(|e| e.rank).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        assert_eq!((q[0].level_spread, q[0].band_spread), (4, 0));
        assert_eq!((q[1].level_spread, q[1].band_spread), (2, 1));
    }

    #[test]
    fn candidates_follow_the_rule_and_say_why() {
        let w = workshop();
        let c = standard_change_candidates(&w, &CandidateRule::default());
        let ids: Vec<&str> = c.iter().map(|x| x.change.0.as_str()).collect();
        assert_eq!(ids, ["c4", "c5", "c7"]);
        assert_eq!(c[1].judged, Judged::Residual);
        assert_eq!(c[2].judged, Judged::Consensus);
        assert!(
            c[1].reason
                .starts_with("The residual L1 × I1 (score 1) is in the lowest band 'low'"),
            "{}",
            c[1].reason
        );
        let strict = CandidateRule {
            max_spread: 0,
            ..CandidateRule::default()
        };
        assert!(standard_change_candidates(&w, &strict).is_empty());
        // Allowing the medium band adds nothing here: c1 and c6 are not within one level.
        let wider = CandidateRule {
            max_band: 1,
            ..CandidateRule::default()
        };
        assert_eq!(standard_change_candidates(&w, &wider).len(), 3);
    }

    #[test]
    fn inherent_is_the_consensus_or_else_the_placements() {
        let w = workshop();
        let c4 = inherent_residual(&w, &w.changes[3]);
        assert_eq!(c4.inherent_source, InherentSource::Consensus);
        assert_eq!(c4.reduction, None, "no residual, no reduction");
        let c5 = inherent_residual(&w, &w.changes[4]);
        assert_eq!(c5.inherent_source, InherentSource::Placements);
        assert_eq!(c5.inherent.len(), 3);
        let r = c5.reduction.unwrap();
        assert_eq!(r.baseline, Baseline::HighestPlacement);
        assert_eq!(
            (
                r.likelihood_lowered_by,
                r.impact_lowered_by,
                r.score_lowered_by
            ),
            (0, 1, 1)
        );
        let c3 = inherent_residual(&w, &w.changes[2]);
        assert_eq!(c3.inherent_source, InherentSource::None);
    }

    #[test]
    fn the_pair_can_be_chosen_by_name_or_id_and_bad_choices_are_errors() {
        let w = workshop();
        let by = |from: Option<&str>, to: Option<&str>| {
            analyse(
                &w,
                &AnalysisOptions {
                    from: from.map(str::to_owned),
                    to: to.map(str::to_owned),
                    ..AnalysisOptions::default()
                },
            )
            .map(|a| (a.pair.from, a.pair.to))
        };
        assert_eq!(
            by(Some("security"), None),
            Ok(("Security".into(), "Dev".into()))
        );
        assert_eq!(by(None, Some("dev")), Ok(("Ops".into(), "Dev".into())));
        assert_eq!(
            by(Some("ops"), Some("SEC")),
            Ok(("Ops".into(), "Security".into()))
        );
        assert!(matches!(
            by(Some("qa"), None),
            Err(AnalysisError::UnknownPerspective { .. })
        ));
        assert!(matches!(
            by(Some("dev"), Some("Dev")),
            Err(AnalysisError::SamePerspective(_))
        ));
    }

    #[test]
    fn the_parts_on_their_own_agree_with_the_whole_analysis() {
        let w = workshop();
        let a = analyse(&w, &AnalysisOptions::default()).unwrap();
        let (dev, ops) = (PerspectiveId::new("dev"), PerspectiveId::new("ops"));
        let gaps: Vec<ChangeGap> = w
            .changes
            .iter()
            .map(|c| compare_change(&w.matrix, c, &dev, &ops))
            .collect();
        assert_eq!(a.changes, gaps);
        assert_eq!(a.likelihood, axis_agreement(&w, &gaps, Axis::Likelihood));
        assert_eq!(a.impact, axis_agreement(&w, &gaps, Axis::Impact));
        assert_eq!(a.queue, discussion_queue(&w));
        assert_eq!(
            a.candidates,
            standard_change_candidates(&w, &CandidateRule::default())
        );
        let risk: Vec<_> = w.changes.iter().map(|c| inherent_residual(&w, c)).collect();
        assert_eq!(a.inherent_residual, risk);
    }

    proptest::proptest! {
        /// Any workshop — even one validation would refuse, with levels outside the matrix —
        /// analyses without a panic, every float is finite, and a null statistic has a reason.
        #[test]
        fn any_workshop_analyses_without_panic_or_nan(
            perspectives in 2usize..5,
            placements in proptest::collection::vec(
                proptest::collection::vec(proptest::option::of((0u8..9, 0u8..9)), 4),
                0..25,
            ),
        ) {
            let mut w = Workshop::new("p", Matrix::default());
            w.phase = Phase::Revealed;
            for k in 2..perspectives {
                w.perspectives.push(Perspective::new(&format!("p{k}"), &format!("P{k}"), "#000000"));
            }
            for (n, row) in placements.iter().enumerate() {
                let mut c = Change::new(&format!("c{n}"), "x");
                for (p, cell) in w.perspectives.iter().zip(row) {
                    if let Some((l, i)) = cell {
                        place(&mut c, &p.id.0, *l, *i);
                    }
                }
                if n % 4 == 1 {
                    c.residual = Some(Cell::new(n as u8 % 9, 1));
                }
                w.changes.push(c);
            }
            let a = analyse(&w, &AnalysisOptions::default()).unwrap();
            for axis in [&a.likelihood, &a.impact] {
                for x in [axis.mean_signed_gap, axis.mean_abs_gap, axis.weighted_kappa, axis.krippendorff_alpha].into_iter().flatten() {
                    proptest::prop_assert!(x.is_finite());
                }
                proptest::prop_assert_eq!(axis.weighted_kappa.is_none(), axis.weighted_kappa_undefined.is_some());
                proptest::prop_assert_eq!(axis.krippendorff_alpha.is_none(), axis.krippendorff_alpha_undefined.is_some());
                proptest::prop_assert_eq!(axis.kappa_ci.is_some(), axis.weighted_kappa.is_some());
                proptest::prop_assert_eq!(axis.alpha_ci.is_some(), axis.krippendorff_alpha.is_some());
                for [low, high] in [axis.kappa_ci, axis.alpha_ci].into_iter().flatten() {
                    proptest::prop_assert!(low.is_finite() && high.is_finite() && low <= high);
                }
                proptest::prop_assert_eq!(axis.exact_agreement.is_some(), axis.compared > 0);
                if let (Some(e), Some(w)) = (axis.exact_agreement, axis.within_one_agreement) {
                    proptest::prop_assert!(0.0 <= e && e <= w && w <= 1.0);
                }
            }
            proptest::prop_assert!(a.band_differs_share.is_none_or(|s| (0.0..=1.0).contains(&s)));
            proptest::prop_assert!(!a.summary.is_empty());
            let d = &a.dominant_counts;
            proptest::prop_assert_eq!(d.likelihood + d.impact + d.both + d.agree, a.compared);
            proptest::prop_assert!(!a.disagreement_summary.is_empty());
        }
    }

    #[test]
    fn an_empty_workshop_analyses_with_everything_undefined() {
        let mut w = Workshop::new("empty", Matrix::default());
        w.blind = false;
        let a = analyse(&w, &AnalysisOptions::default()).unwrap();
        assert_eq!(a.likelihood.weighted_kappa, None);
        assert_eq!(
            a.likelihood.weighted_kappa_undefined.map(|u| u.code),
            Some(Undefined::NoComparableChanges)
        );
        assert_eq!(a.impact.mean_signed_gap, None);
        assert_eq!(a.band_differs_share, None);
        assert!(a.queue.is_empty() && a.candidates.is_empty());
        assert_eq!(
            a.summary,
            "The workshop has no changes yet, so there is nothing to compare."
        );
    }

    #[test]
    fn before_reveal_in_blind_mode_nothing_of_the_placements_comes_out() {
        let mut w = workshop();
        w.phase = Phase::Placing;
        let a = analyse(&w, &AnalysisOptions::default()).unwrap();
        assert!(a.hidden);
        assert!(a.changes.is_empty() && a.queue.is_empty());
        assert!(a.inherent_residual.is_empty() && a.candidates.is_empty());
        assert_eq!(
            (a.compared, a.band_differs, a.band_differs_share),
            (0, 0, None)
        );
        for axis in [&a.likelihood, &a.impact] {
            assert_eq!(
                (
                    axis.compared,
                    axis.to_higher,
                    axis.to_lower,
                    axis.same,
                    axis.alpha_changes
                ),
                (0, 0, 0, 0, 0)
            );
            assert_eq!((axis.mean_signed_gap, axis.mean_abs_gap), (None, None));
            assert_eq!((axis.weighted_kappa, axis.krippendorff_alpha), (None, None));
            assert_eq!(
                axis.weighted_kappa_undefined.as_ref().map(|u| u.code),
                Some(Undefined::HiddenUntilReveal)
            );
        }
        assert_eq!(a.reliability.stability, Stability::HiddenUntilReveal);
        assert_eq!(a.dominant_counts, DominantCounts::default());
        let placed: Vec<usize> = a.perspectives.iter().map(|p| p.placed).collect();
        assert_eq!(placed, [6, 5, 4], "progress is still there");
        assert_eq!((a.pair.from.as_str(), a.total_changes), ("Dev", 7));
        // Nothing in it changes when the placements move: it says nothing about them.
        let json = serde_json::to_string(&a).unwrap();
        let mut moved = w.clone();
        for c in &mut moved.changes {
            for p in c.placements.values_mut() {
                p.likelihood = 1;
                p.impact = 1;
            }
            c.consensus = c.consensus.map(|_| Cell::new(5, 5));
            c.residual = c.residual.map(|_| Cell::new(5, 5));
        }
        let again = analyse(&moved, &AnalysisOptions::default()).unwrap();
        assert_eq!(serde_json::to_string(&again).unwrap(), json);
        assert!(json.contains(r#""hidden":true"#), "{json}");

        w.blind = false;
        let open = analyse(&w, &AnalysisOptions::default()).unwrap();
        assert!(
            !open.hidden && open.compared == 5,
            "blind mode off: everything"
        );
        w.blind = true;
        w.phase = Phase::Revealed;
        let revealed = analyse(&w, &AnalysisOptions::default()).unwrap();
        assert!(
            !revealed.hidden && !revealed.queue.is_empty(),
            "revealed: everything"
        );
        w.phase = Phase::Placing;
        let mut whole = analyse_whole(&w, &AnalysisOptions::default()).unwrap();
        assert!(
            !whole.hidden,
            "exports and the command line see the whole file"
        );
        whole.hidden = true;
        assert_ne!(whole, analyse(&w, &AnalysisOptions::default()).unwrap());
    }
}
