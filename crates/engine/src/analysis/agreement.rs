//! The plain agreement figures beside κ and α — how often the pair chose the same level, and a
//! level at most one apart — and the rule that says when the workshop's figures rest on too few
//! changes to read much into. It never turns "too few" into a number: with nothing compared the
//! shares are null, and the stability note says in words what the figures rest on.

use serde::Serialize;
use ts_rs::TS;

/// Below this many changes placed by both perspectives of the pair, the analysis marks its
/// agreement figures as too unstable to read much into: one change more or less can move κ by
/// tenths and the bootstrap intervals span most of the scale.
pub const MIN_CHANGES_TO_READ: usize = 10;

/// Shares of the compared changes on which the pair chose the same level, and a level at most
/// one apart, over `pairs` (from, to); both None without any pair.
pub fn level_agreement(pairs: &[(u8, u8)]) -> (Option<f64>, Option<f64>) {
    if pairs.is_empty() {
        return (None, None);
    }
    let n = pairs.len() as f64;
    let same = pairs.iter().filter(|(a, b)| a == b).count() as f64;
    let within_one = pairs.iter().filter(|(a, b)| a.abs_diff(*b) <= 1).count() as f64;
    (Some(same / n), Some(within_one / n))
}

/// Whether the workshop's agreement figures rest on enough changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    /// At least [`MIN_CHANGES_TO_READ`] changes compared.
    Readable,
    /// Fewer: show the figures, if at all, with the note rather than with two decimals.
    TooFewChanges,
    /// Blind mode before Reveal: nothing is computed.
    HiddenUntilReveal,
}

/// What the pair's figures (shares, κ and the intervals) rest on, and a sentence saying so.
/// α across every perspective rests on `alpha_changes` of each axis, never fewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Reliability {
    pub stability: Stability,
    /// Changes placed by both perspectives of the pair.
    pub compared: usize,
    /// [`MIN_CHANGES_TO_READ`].
    pub threshold: usize,
    /// For the reader, e.g. "Only 6 changes are placed by both Dev and Ops; with fewer than
    /// 10 the agreement figures are too unstable to read much into."
    pub note: String,
}

impl Reliability {
    pub fn of(compared: usize, from: &str, to: &str) -> Reliability {
        let threshold = MIN_CHANGES_TO_READ;
        let (stability, note) = if compared >= threshold {
            (
                Stability::Readable,
                format!(
                    "The agreement figures rest on {compared} changes placed by both {from} and {to}."
                ),
            )
        } else if compared == 0 {
            (
                Stability::TooFewChanges,
                format!(
                    "No change is placed by both {from} and {to} yet, so there are no agreement \
                     figures to read."
                ),
            )
        } else {
            let only = if compared == 1 {
                "Only 1 change is".to_owned()
            } else {
                format!("Only {compared} changes are")
            };
            (
                Stability::TooFewChanges,
                format!(
                    "{only} placed by both {from} and {to}; with fewer than {threshold} the \
                     agreement figures are too unstable to read much into."
                ),
            )
        };
        Reliability {
            stability,
            compared,
            threshold,
            note,
        }
    }

    pub(crate) fn hidden() -> Reliability {
        Reliability {
            stability: Stability::HiddenUntilReveal,
            compared: 0,
            threshold: MIN_CHANGES_TO_READ,
            note: "The placements stay hidden until the facilitator reveals them.".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shares_count_same_and_adjacent_levels() {
        assert_eq!(level_agreement(&[]), (None, None));
        let (same, near) = level_agreement(&[(1, 1), (2, 3), (5, 3), (4, 4)]);
        assert_eq!((same, near), (Some(0.5), Some(0.75)));
    }

    #[test]
    fn the_note_says_what_the_figures_rest_on() {
        let r = Reliability::of(6, "Dev", "Ops");
        assert_eq!(r.stability, Stability::TooFewChanges);
        assert_eq!(
            r.note,
            "Only 6 changes are placed by both Dev and Ops; with fewer than 10 the agreement \
             figures are too unstable to read much into."
        );
        assert_eq!(
            Reliability::of(1, "Dev", "Ops").note,
            "Only 1 change is placed by both Dev and Ops; with fewer than 10 the agreement \
             figures are too unstable to read much into."
        );
        assert!(Reliability::of(0, "Dev", "Ops")
            .note
            .starts_with("No change"));
        let ok = Reliability::of(MIN_CHANGES_TO_READ, "Dev", "Ops");
        assert_eq!(ok.stability, Stability::Readable);
        assert_eq!(
            ok.note,
            "The agreement figures rest on 10 changes placed by both Dev and Ops."
        );
    }

    proptest! {
        /// The shares are fractions, within-one never below exact, and both match a count.
        #[test]
        fn shares_are_ordered_fractions(pairs in proptest::collection::vec((1u8..=7, 1u8..=7), 0..60)) {
            let (same, near) = level_agreement(&pairs);
            prop_assert_eq!(same.is_none(), pairs.is_empty());
            if let (Some(s), Some(n)) = (same, near) {
                prop_assert!((0.0..=1.0).contains(&s) && (0.0..=1.0).contains(&n) && s <= n);
                let count = pairs.iter().filter(|(a, b)| a == b).count();
                prop_assert!((s * pairs.len() as f64 - count as f64).abs() < 1e-9);
            }
        }
    }
}
