//! The residual check: do the mitigations move the risk the way they claim? A mitigation tagged
//! likelihood-reducing should lower the residual's likelihood relative to the consensus, an
//! impact-reducing one its impact. For every change with both a consensus and a residual, the
//! check raises a flag, in words, when
//! - the residual moved on neither axis although the change has mitigations (`not_moved`);
//! - the residual is lower only on axes no mitigation claims to lower (`unclaimed_axis`), e.g.
//!   likelihood went down but every mitigation lowers impact, or nothing is recorded at all;
//! - the residual is higher than the consensus on an axis (`worse`).
//!
//! A change can carry more than one flag. Without a consensus there is nothing agreed to
//! measure from, so the change is not checked (the placements disagree by definition; picking
//! one would make up a baseline). Flags are for the facilitator to raise in the room: they never
//! block or change anything.

use serde::Serialize;
use ts_rs::TS;

use crate::{Axis, Cell, Change, ChangeId, Workshop};

/// What is wrong with a residual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ResidualIssue {
    NotMoved,
    UnclaimedAxis,
    Worse,
}

/// One flag on one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ResidualFlag {
    pub change: ChangeId,
    pub title: String,
    pub issue: ResidualIssue,
    /// The axes the flag is about (both for `not_moved`).
    pub axes: Vec<Axis>,
    pub consensus: Cell,
    pub residual: Cell,
    pub likelihood_mitigations: usize,
    pub impact_mitigations: usize,
    /// Which and why, in words a facilitator can read out.
    pub message: String,
}

fn level(cell: Cell, axis: Axis) -> u8 {
    match axis {
        Axis::Likelihood => cell.likelihood,
        Axis::Impact => cell.impact,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn axis_list(axes: &[Axis]) -> String {
    axes.iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The flags of one change, in the order not moved, unclaimed, worse.
pub fn check_residual(change: &Change) -> Vec<ResidualFlag> {
    let (Some(consensus), Some(residual)) = (change.consensus, change.residual) else {
        return Vec::new();
    };
    let claims = |axis: Axis| {
        change
            .mitigations
            .iter()
            .filter(|m| m.lowers == axis)
            .count()
    };
    let (l_claims, i_claims) = (claims(Axis::Likelihood), claims(Axis::Impact));
    let count_of = |axis: Axis| match axis {
        Axis::Likelihood => l_claims,
        Axis::Impact => i_claims,
    };
    let axes = [Axis::Likelihood, Axis::Impact];
    let lowered: Vec<Axis> = axes
        .into_iter()
        .filter(|&a| level(residual, a) < level(consensus, a))
        .collect();
    let raised: Vec<Axis> = axes
        .into_iter()
        .filter(|&a| level(residual, a) > level(consensus, a))
        .collect();
    let at = |c: Cell| format!("L{} × I{}", c.likelihood, c.impact);
    let flag = |issue, axes: Vec<Axis>, message: String| ResidualFlag {
        change: change.id.clone(),
        title: change.title.clone(),
        issue,
        axes,
        consensus,
        residual,
        likelihood_mitigations: l_claims,
        impact_mitigations: i_claims,
        message,
    };
    let mut flags = Vec::new();
    let total = change.mitigations.len();
    if lowered.is_empty() && raised.is_empty() && total > 0 {
        flags.push(flag(
            ResidualIssue::NotMoved,
            axes.to_vec(),
            format!(
                "The residual {} is where the consensus is, although {} ({} likelihood, {} \
                 impact) {} meant to lower it: either they do not work as claimed or the \
                 residual was not updated.",
                at(residual),
                plural(total, "mitigation", "mitigations"),
                l_claims,
                i_claims,
                if total == 1 { "is" } else { "are" },
            ),
        ));
    }
    if !lowered.is_empty() && lowered.iter().all(|&a| count_of(a) == 0) {
        let claimed: Vec<Axis> = axes.into_iter().filter(|&a| count_of(a) > 0).collect();
        let why = if claimed.is_empty() {
            "but no mitigation is recorded".to_owned()
        } else {
            format!(
                "but no mitigation claims to lower it; the mitigations claim {}, which did not \
                 go down",
                axis_list(&claimed)
            )
        };
        let moves: Vec<String> = lowered
            .iter()
            .map(|&a| {
                format!(
                    "{} from {} to {}",
                    a.name(),
                    level(consensus, a),
                    level(residual, a)
                )
            })
            .collect();
        flags.push(flag(
            ResidualIssue::UnclaimedAxis,
            lowered.clone(),
            format!("The residual lowers {} {why}.", moves.join(" and ")),
        ));
    }
    if !raised.is_empty() {
        let moves: Vec<String> = raised
            .iter()
            .map(|&a| {
                format!(
                    "{} {} (consensus {})",
                    a.name(),
                    level(residual, a),
                    level(consensus, a)
                )
            })
            .collect();
        flags.push(flag(
            ResidualIssue::Worse,
            raised.clone(),
            format!(
                "The residual rates {} higher than the consensus: mitigations should not make a \
                 change riskier.",
                moves.join(" and ")
            ),
        ));
    }
    flags
}

/// Every flag of `w`'s changes as given (the analysis passes the changes that count), in
/// workshop order.
pub fn residual_flags(w: &Workshop) -> Vec<ResidualFlag> {
    w.changes.iter().flat_map(check_residual).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Mitigation, MitigationId};
    use proptest::prelude::*;

    fn change(consensus: (u8, u8), residual: (u8, u8), lowers: &[Axis]) -> Change {
        let mut c = Change::new("c1", "Move the orders database");
        c.consensus = Some(Cell::new(consensus.0, consensus.1));
        c.residual = Some(Cell::new(residual.0, residual.1));
        c.mitigations = lowers
            .iter()
            .enumerate()
            .map(|(n, &lowers)| Mitigation {
                id: MitigationId(format!("m{n}")),
                text: "x".into(),
                owner: String::new(),
                lowers,
                proposed_by: None,
            })
            .collect();
        c
    }

    fn issues(c: &Change) -> Vec<(ResidualIssue, Vec<Axis>)> {
        check_residual(c)
            .into_iter()
            .map(|f| (f.issue, f.axes))
            .collect()
    }

    use Axis::{Impact as I, Likelihood as L};

    #[test]
    fn a_residual_that_moves_as_claimed_raises_nothing() {
        assert!(issues(&change((4, 4), (2, 4), &[L])).is_empty());
        assert!(issues(&change((4, 4), (4, 2), &[I])).is_empty());
        assert!(issues(&change((4, 4), (2, 2), &[L, I])).is_empty());
        // Both lowered, only one claimed: the claimed axis moved, so it is not "only" unclaimed.
        assert!(issues(&change((4, 4), (3, 3), &[I])).is_empty());
        // Nothing claimed and nothing moved: nothing to say.
        assert!(issues(&change((3, 3), (3, 3), &[])).is_empty());
    }

    #[test]
    fn a_residual_that_did_not_move_is_flagged_with_its_mitigations() {
        let c = change((3, 4), (3, 4), &[L, L, I]);
        let flags = check_residual(&c);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].issue, ResidualIssue::NotMoved);
        assert_eq!(
            flags[0].message,
            "The residual L3 × I4 is where the consensus is, although 3 mitigations (2 \
             likelihood, 1 impact) are meant to lower it: either they do not work as claimed or \
             the residual was not updated."
        );
    }

    #[test]
    fn a_residual_lowered_only_where_nothing_claims_is_flagged() {
        let c = change((4, 4), (2, 4), &[I, I]);
        let flags = check_residual(&c);
        assert_eq!(issues(&c), [(ResidualIssue::UnclaimedAxis, vec![L])]);
        assert_eq!(
            flags[0].message,
            "The residual lowers likelihood from 4 to 2 but no mitigation claims to lower it; \
             the mitigations claim impact, which did not go down."
        );
        let bare = change((4, 4), (3, 3), &[]);
        assert_eq!(issues(&bare), [(ResidualIssue::UnclaimedAxis, vec![L, I])]);
        assert!(check_residual(&bare)[0]
            .message
            .ends_with("but no mitigation is recorded."));
    }

    #[test]
    fn a_residual_worse_than_the_consensus_is_flagged_on_each_axis_it_rose() {
        let c = change((2, 3), (1, 4), &[L]);
        assert_eq!(issues(&c), [(ResidualIssue::Worse, vec![I])]);
        assert_eq!(
            check_residual(&c)[0].message,
            "The residual rates impact 4 (consensus 3) higher than the consensus: mitigations \
             should not make a change riskier."
        );
        let both = change((2, 2), (3, 1), &[I]);
        assert_eq!(
            issues(&both),
            [(ResidualIssue::Worse, vec![L])],
            "impact is claimed and went down, so only the rise of likelihood is flagged"
        );
    }

    #[test]
    fn without_a_consensus_or_a_residual_nothing_is_checked() {
        let mut c = change((4, 4), (4, 4), &[L]);
        c.consensus = None;
        assert!(check_residual(&c).is_empty());
        let mut c = change((4, 4), (4, 4), &[L]);
        c.residual = None;
        assert!(check_residual(&c).is_empty());
    }

    proptest! {
        /// The flags are exactly the rules of the module comment, whatever the cells and
        /// mitigations; each has a message naming a level it is about.
        #[test]
        fn flags_follow_the_rules(
            cl in 1u8..=7, ci in 1u8..=7, rl in 1u8..=7, ri in 1u8..=7,
            lowers in prop::collection::vec(any::<bool>(), 0..4),
        ) {
            let axes: Vec<Axis> = lowers.iter().map(|&l| if l { L } else { I }).collect();
            let c = change((cl, ci), (rl, ri), &axes);
            let got = issues(&c);
            let has = |i: ResidualIssue| got.iter().any(|(x, _)| *x == i);
            prop_assert_eq!(has(ResidualIssue::Worse), rl > cl || ri > ci);
            prop_assert_eq!(has(ResidualIssue::NotMoved), rl == cl && ri == ci && !axes.is_empty());
            let claims = |a: Axis| axes.contains(&a);
            let lowered: Vec<Axis> = [(L, rl < cl), (I, ri < ci)]
                .into_iter().filter(|(_, d)| *d).map(|(a, _)| a).collect();
            prop_assert_eq!(
                has(ResidualIssue::UnclaimedAxis),
                !lowered.is_empty() && lowered.iter().all(|a| !claims(*a))
            );
            for f in check_residual(&c) {
                prop_assert!(!f.message.is_empty() && !f.axes.is_empty());
            }
        }
    }
}
