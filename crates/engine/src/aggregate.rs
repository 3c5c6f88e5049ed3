//! A perspective's placement of a change derived from its members' answers: the median level on
//! each axis, with the spread (lowest and highest level on each axis, how many people placed it,
//! how many said "not sure") kept beside it.
//!
//! The rule: per axis, sort the placed levels and take the middle one; with an even count take the
//! LOWER of the two middle levels (the level at 0-based position ⌊(n − 1) / 2⌋). Why:
//! - the scale is ordinal (levels are named categories, "Likely" is not twice "Unlikely"), so the
//!   median is the centre that means something and the mean is not; and the mean of two middle
//!   levels can be a level nobody chose (2 and 3 → 2.5), which is no cell at all;
//! - taking one of the two middle levels keeps the placement on a level someone actually chose,
//!   and always the same one of them, so the same answers always give the same cell, whatever
//!   order they came in; the lower one is the rule written down so that anyone can recompute it
//!   by hand (the spread beside it shows how far the upper one was);
//! - the axes are taken separately, so the cell may combine one person's likelihood with another's
//!   impact: it is the perspective's centre, not a chosen card.
//!
//! "Not sure" answers take no part in the levels; they are counted in the spread. A perspective
//! with one person who placed gets exactly that person's cell, like one placement made on the
//! laptop. The aggregate has no rationale (each person's is in their answer) and is stamped with
//! the time of the latest placed answer, so it depends on the answers alone.
//!
//! It must never invent a level: no averaging, no rounding.

use crate::{Answer, Placement, Spread};

/// The lower median of `levels` (see the module head); None when there are none.
pub fn lower_median(levels: &mut [u8]) -> Option<u8> {
    if levels.is_empty() {
        return None;
    }
    levels.sort_unstable();
    Some(levels[(levels.len() - 1) / 2])
}

/// The placement the answers give, or None when nobody placed (only "not sure", or nothing).
pub fn aggregate<'a>(answers: impl IntoIterator<Item = &'a Answer>) -> Option<Placement> {
    let mut likelihood = Vec::new();
    let mut impact = Vec::new();
    let mut not_sure = 0u32;
    let mut latest = None;
    for answer in answers {
        match answer {
            Answer::Placed {
                likelihood: l,
                impact: i,
                at_ms,
                ..
            } => {
                likelihood.push(*l);
                impact.push(*i);
                latest = latest.max(Some(*at_ms));
            }
            Answer::NotSure { .. } => not_sure += 1,
        }
    }
    let people = u32::try_from(likelihood.len()).unwrap_or(u32::MAX);
    let l = lower_median(&mut likelihood)?;
    let i = lower_median(&mut impact)?;
    // Sorted by `lower_median`: the ends are the spread.
    let spread = Spread {
        likelihood_min: likelihood[0],
        likelihood_max: likelihood[likelihood.len() - 1],
        impact_min: impact[0],
        impact_max: impact[impact.len() - 1],
        people,
        not_sure,
    };
    Some(Placement {
        likelihood: l,
        impact: i,
        rationale: String::new(),
        placed_at_ms: latest.unwrap_or(0),
        spread: Some(spread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(l: u8, i: u8, at: i64) -> Answer {
        Answer::Placed {
            likelihood: l,
            impact: i,
            rationale: format!("why {l}{i}"),
            at_ms: at,
        }
    }

    fn not_sure() -> Answer {
        Answer::NotSure {
            rationale: String::new(),
            at_ms: 99,
        }
    }

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_level() {
        let a = [placed(1, 5, 1), placed(4, 2, 3), placed(2, 2, 2)];
        let p = aggregate(&a).unwrap();
        assert_eq!((p.likelihood, p.impact), (2, 2));
        assert_eq!(p.placed_at_ms, 3, "the latest placed answer");
        assert_eq!(p.rationale, "", "the rationales stay in the answers");
        let s = p.spread.unwrap();
        assert_eq!(
            (
                s.likelihood_min,
                s.likelihood_max,
                s.impact_min,
                s.impact_max
            ),
            (1, 4, 2, 5)
        );
        assert_eq!((s.people, s.not_sure), (3, 0));
    }

    #[test]
    fn with_an_even_count_the_lower_middle_level_wins_in_any_order() {
        let a = [placed(2, 4, 1), placed(3, 5, 1)];
        let p = aggregate(&a).unwrap();
        assert_eq!((p.likelihood, p.impact), (2, 4), "never 2.5 or 4.5");
        let b = [placed(3, 5, 1), placed(2, 4, 1)];
        assert_eq!(aggregate(&b), Some(p));
        // Four people: 1 1 4 5 → the second level, 1; the axes are taken apart.
        let c = [
            placed(5, 1, 1),
            placed(1, 3, 1),
            placed(4, 3, 1),
            placed(1, 2, 1),
        ];
        let p = aggregate(&c).unwrap();
        assert_eq!((p.likelihood, p.impact), (1, 2));
        let mut none: [u8; 0] = [];
        assert_eq!(lower_median(&mut none), None);
    }

    #[test]
    fn not_sure_counts_in_the_spread_but_not_in_the_levels() {
        let a = [placed(3, 3, 5), not_sure(), not_sure()];
        let p = aggregate(&a).unwrap();
        assert_eq!((p.likelihood, p.impact, p.placed_at_ms), (3, 3, 5));
        let s = p.spread.unwrap();
        assert_eq!((s.people, s.not_sure), (1, 2));
        assert_eq!(aggregate(&[not_sure()]), None, "nobody placed");
        assert_eq!(aggregate(&[]), None);
    }

    #[test]
    fn one_person_is_their_own_cell() {
        let p = aggregate(&[placed(4, 2, 7)]).unwrap();
        assert_eq!((p.likelihood, p.impact, p.placed_at_ms), (4, 2, 7));
        let s = p.spread.unwrap();
        assert_eq!(
            (
                s.likelihood_min,
                s.likelihood_max,
                s.impact_min,
                s.impact_max,
                s.people
            ),
            (4, 4, 2, 2, 1)
        );
    }
}
