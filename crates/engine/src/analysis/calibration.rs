//! Calibration changes: reference changes the room places before the real ones ("restart one
//! stateless web instance") to agree what the levels mean. They stay in the workshop, marked,
//! and every figure of the workshop leaves them out: gaps, κ, α, the queue, the candidates,
//! agreement inside the perspectives, the mitigation mix, the residual check and the band
//! switches are computed over the other changes only ([`counted`]). Their own gaps between the
//! compared pair are shown on their own, first ([`calibration_gaps`]): a gap on a well-known
//! change is about the words of the levels, and the room should settle that before it disagrees
//! about real changes. It never mixes a calibration change into a workshop figure.

use std::borrow::Cow;

use super::gap::{compare_change, ChangeGap};
use crate::{PerspectiveId, Workshop};

/// The workshop as its statistics see it: without its calibration changes. Borrowed as it is
/// when it has none (the common case costs nothing); otherwise a copy without them, so that
/// positions, totals and lists all speak of the same changes.
pub(crate) fn counted(w: &Workshop) -> Cow<'_, Workshop> {
    if !w.changes.iter().any(|c| c.calibration) {
        return Cow::Borrowed(w);
    }
    let changes = w
        .changes
        .iter()
        .filter(|c| !c.calibration)
        .cloned()
        .collect();
    // Every field but the changes, named so that a field added later is thought about here.
    let Workshop {
        title,
        matrix,
        perspectives,
        changes: _,
        phase,
        blind,
        participants,
    } = w;
    Cow::Owned(Workshop {
        title: title.clone(),
        matrix: matrix.clone(),
        perspectives: perspectives.clone(),
        changes,
        phase: *phase,
        blind: *blind,
        participants: participants.clone(),
    })
}

/// `gaps` without those of `w`'s calibration changes.
pub(crate) fn counted_gaps<'g>(w: &Workshop, gaps: &'g [ChangeGap]) -> Cow<'g, [ChangeGap]> {
    let calibration: std::collections::HashSet<&crate::ChangeId> = w
        .changes
        .iter()
        .filter(|c| c.calibration)
        .map(|c| &c.id)
        .collect();
    if calibration.is_empty() {
        return Cow::Borrowed(gaps);
    }
    Cow::Owned(
        gaps.iter()
            .filter(|g| !calibration.contains(&g.change))
            .cloned()
            .collect(),
    )
}

/// The gaps between `from` and `to` on each calibration change, in workshop order.
pub fn calibration_gaps(w: &Workshop, from: &PerspectiveId, to: &PerspectiveId) -> Vec<ChangeGap> {
    w.changes
        .iter()
        .filter(|c| c.calibration)
        .map(|c| compare_change(&w.matrix, c, from, to))
        .collect()
}

#[cfg(test)]
mod tests {
    //! One test per figure: a calibration change, however wildly placed, moves none of them,
    //! while the same change counted as a real one does (so each test can fail).
    use super::super::*;
    use crate::{
        Answer, Cell, Change, Matrix, Mitigation, MitigationId, Participant, ParticipantId, Phase,
    };

    use crate::analysis::tests::place;

    fn answer(c: &mut Change, who: &str, l: u8, i: u8) {
        c.answers.insert(
            ParticipantId::new(who),
            Answer::Placed {
                likelihood: l,
                impact: i,
                rationale: String::new(),
                at_ms: 0,
            },
        );
    }

    /// Dev and Ops (Ops with two people in the room) on four real changes.
    fn workshop() -> Workshop {
        let mut w = Workshop::new("t", Matrix::default());
        w.phase = Phase::Revealed;
        for (id, perspective) in [("p1", "ops"), ("p2", "ops")] {
            w.participants.push(Participant {
                id: ParticipantId::new(id),
                name: None,
                perspective: PerspectiveId::new(perspective),
                joined_at_ms: 0,
            });
        }
        let cells = [
            ((2, 4), (4, 4)),
            ((1, 1), (2, 1)),
            ((3, 3), (3, 2)),
            ((1, 2), (1, 1)),
        ];
        for (n, (dev, ops)) in cells.into_iter().enumerate() {
            let mut c = Change::new(&format!("c{n}"), &format!("Change {n}"));
            place(&mut c, "dev", dev.0, dev.1);
            place(&mut c, "ops", ops.0, ops.1);
            answer(&mut c, "p1", ops.0, ops.1);
            answer(&mut c, "p2", ops.0, (ops.1 + 1).min(5));
            w.changes.push(c);
        }
        w.changes[1].consensus = Some(Cell::new(1, 1));
        w.changes[3].consensus = Some(Cell::new(1, 2));
        w.changes[3].residual = Some(Cell::new(1, 1));
        w
    }

    /// The reference change: far apart, next to a threshold, with a consensus, a residual that
    /// moved nowhere, a mitigation Ops proposed and answers far apart inside Ops.
    fn reference(calibration: bool) -> Change {
        let mut c = Change::new("cal", "Restart one stateless web instance");
        c.calibration = calibration;
        place(&mut c, "dev", 1, 1);
        place(&mut c, "ops", 5, 5);
        answer(&mut c, "p1", 5, 5);
        answer(&mut c, "p2", 1, 1);
        c.consensus = Some(Cell::new(3, 3));
        c.residual = Some(Cell::new(3, 3));
        c.mitigations.push(Mitigation {
            id: MitigationId::new("m1"),
            text: "Drain it first".into(),
            owner: String::new(),
            lowers: Axis::Impact,
            proposed_by: Some(PerspectiveId::new("ops")),
        });
        c
    }

    /// The figure on the workshop alone, with the reference as a calibration change (placed
    /// first, as the room would), and with it as a real change.
    fn three<T>(figure: impl Fn(&Workshop) -> T) -> (T, T, T) {
        let w = workshop();
        let with = |calibration: bool| {
            let mut w = w.clone();
            w.changes.insert(0, reference(calibration));
            figure(&w)
        };
        (figure(&w), with(true), with(false))
    }

    fn whole(w: &Workshop) -> Analysis {
        analyse_whole(w, &AnalysisOptions::default()).unwrap()
    }

    fn unmoved<T: PartialEq + std::fmt::Debug>(figure: impl Fn(&Workshop) -> T) {
        let (alone, calibrating, counted) = three(figure);
        assert_eq!(alone, calibrating, "a calibration change moved the figure");
        assert_ne!(alone, counted, "the same change counted moves it");
    }

    #[test]
    fn gaps_leave_calibration_changes_out() {
        unmoved(|w| {
            let a = whole(w);
            (
                a.changes,
                a.compared,
                a.total_changes,
                a.band_differs,
                a.summary,
            )
        });
        unmoved(|w| {
            let a = whole(w);
            (a.likelihood.mean_abs_gap, a.impact.mean_signed_gap)
        });
    }

    #[test]
    fn kappa_leaves_calibration_changes_out() {
        unmoved(|w| {
            let a = whole(w);
            (a.likelihood.weighted_kappa, a.impact.weighted_kappa)
        });
        unmoved(|w| {
            let gaps: Vec<ChangeGap> = w
                .changes
                .iter()
                .map(|c| {
                    compare_change(
                        &w.matrix,
                        c,
                        &PerspectiveId::new("dev"),
                        &PerspectiveId::new("ops"),
                    )
                })
                .collect();
            axis_agreement(w, &gaps, Axis::Likelihood)
        });
    }

    #[test]
    fn alpha_leaves_calibration_changes_out() {
        unmoved(|w| {
            let a = whole(w);
            (
                a.likelihood.krippendorff_alpha,
                a.impact.krippendorff_alpha,
                a.likelihood.alpha_changes,
            )
        });
    }

    #[test]
    fn the_queue_leaves_calibration_changes_out() {
        unmoved(|w| whole(w).queue);
        unmoved(discussion_queue);
    }

    #[test]
    fn candidates_leave_calibration_changes_out() {
        let rule = CandidateRule {
            max_band: 1,
            max_spread: 4,
            require_all_perspectives: true,
        };
        unmoved(|w| standard_change_candidates(w, &rule));
        unmoved(|w| {
            analyse_whole(
                w,
                &AnalysisOptions {
                    candidate_rule: rule,
                    ..AnalysisOptions::default()
                },
            )
            .unwrap()
            .candidates
        });
    }

    #[test]
    fn agreement_inside_the_perspectives_leaves_calibration_changes_out() {
        unmoved(within_perspectives);
        unmoved(|w| {
            let a = whole(w);
            (a.within, a.within_summary)
        });
    }

    #[test]
    fn inherent_and_residual_leave_calibration_changes_out() {
        unmoved(|w| whole(w).inherent_residual);
    }

    #[test]
    fn the_mitigation_mix_leaves_calibration_changes_out() {
        unmoved(|w| whole(w).mitigation_mix);
    }

    #[test]
    fn the_residual_check_leaves_calibration_changes_out() {
        unmoved(|w| whole(w).residual_flags);
    }

    #[test]
    fn band_switches_leave_calibration_changes_out() {
        unmoved(|w| whole(w).band_check.switches);
    }

    #[test]
    fn calibration_gaps_come_on_their_own_and_stay_hidden_before_reveal() {
        let mut w = workshop();
        w.changes.insert(0, reference(true));
        let a = whole(&w);
        assert_eq!(a.calibration.len(), 1);
        let g = &a.calibration[0];
        assert_eq!(g.change, crate::ChangeId::new("cal"));
        assert_eq!((g.likelihood_gap, g.impact_gap), (Some(4), Some(4)));
        assert!(a.changes.iter().all(|g| g.change.0 != "cal"));
        w.phase = Phase::Placing;
        let hidden = analyse(&w, &AnalysisOptions::default()).unwrap();
        assert!(hidden.hidden && hidden.calibration.is_empty());
        assert!(hidden.residual_flags.is_empty() && hidden.band_check.switches.is_empty());
    }
}
