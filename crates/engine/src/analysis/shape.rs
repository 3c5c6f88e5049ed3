//! The shape of the disagreement between the pair: how many compared changes they disagree on
//! mostly about likelihood, mostly about impact, about both equally, or not at all, and one
//! sentence saying so ("9 of 12 disagreements between Dev and Ops are about likelihood; Ops
//! rates likelihood higher on 8 of them; 3 are about impact."). If the thesis holds — change
//! management lowers likelihood, DevOps lowers impact — the disagreements line up on one axis.
//! It only counts the classes `gap.rs` gave each change; it never reclassifies one.

use serde::Serialize;
use ts_rs::TS;

use super::gap::{ChangeGap, Dominant};

impl Dominant {
    /// The class in words, as a screen or a report shows it instead of a highlight.
    pub fn words(self) -> &'static str {
        match self {
            Dominant::Likelihood => "about likelihood",
            Dominant::Impact => "about impact",
            Dominant::Both => "about both",
            Dominant::Agree => "agree",
        }
    }
}

/// How many compared changes have each `dominant` class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct DominantCounts {
    pub likelihood: usize,
    pub impact: usize,
    pub both: usize,
    pub agree: usize,
}

impl DominantCounts {
    pub fn of(gaps: &[ChangeGap]) -> DominantCounts {
        let mut counts = DominantCounts::default();
        for g in gaps {
            match g.dominant {
                Some(Dominant::Likelihood) => counts.likelihood += 1,
                Some(Dominant::Impact) => counts.impact += 1,
                Some(Dominant::Both) => counts.both += 1,
                Some(Dominant::Agree) => counts.agree += 1,
                None => {}
            }
        }
        counts
    }

    /// Compared changes the pair placed in different cells.
    pub fn disagreements(&self) -> usize {
        self.likelihood + self.impact + self.both
    }
}

fn are(n: usize) -> &'static str {
    if n == 1 {
        "is"
    } else {
        "are"
    }
}

/// How `to` rated `axis` on the `of` changes of one class: "Ops rates likelihood higher on 8
/// of them".
fn direction(axis: &str, to: &str, higher: usize, lower: usize, of: usize) -> String {
    if of == 1 {
        let way = if higher == 1 { "higher" } else { "lower" };
        return format!("{to} rates {axis} {way} on it");
    }
    let all = |n: usize| {
        if n == of {
            "all of them".to_owned()
        } else {
            format!("{n} of them")
        }
    };
    if higher == lower {
        format!("{to} rates {axis} higher on {higher} and lower on {lower} of them")
    } else if higher > lower {
        format!("{to} rates {axis} higher on {}", all(higher))
    } else {
        format!("{to} rates {axis} lower on {}", all(lower))
    }
}

/// The sentence for the pair `from → to` over the change gaps (gaps are `to − from`).
pub fn disagreement_sentence(from: &str, to: &str, gaps: &[ChangeGap]) -> String {
    let counts = DominantCounts::of(gaps);
    let compared = counts.disagreements() + counts.agree;
    if compared == 0 {
        return format!(
            "No change is placed by both {from} and {to} yet, so there is no disagreement to describe."
        );
    }
    let d = counts.disagreements();
    if d == 0 {
        return if compared == 1 {
            format!("{from} and {to} place the one change they both placed in the same cell.")
        } else {
            format!(
                "{from} and {to} place all {compared} changes they both placed in the same cells."
            )
        };
    }
    // The classes from the largest; on equal counts likelihood, then impact, then both.
    let mut classes = [
        (Dominant::Likelihood, counts.likelihood),
        (Dominant::Impact, counts.impact),
        (Dominant::Both, counts.both),
    ];
    classes.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
    let (lead, n) = classes[0];
    let about = match lead {
        Dominant::Both => "about both axes equally".to_owned(),
        other => other.words().to_owned(),
    };
    let mut sentence = if d == 1 {
        format!("The one disagreement between {from} and {to} is {about}")
    } else if n == d {
        format!("All {d} disagreements between {from} and {to} are {about}")
    } else {
        format!(
            "{n} of {d} disagreements between {from} and {to} {} {about}",
            are(n)
        )
    };
    let axis = match lead {
        Dominant::Likelihood => Some("likelihood"),
        Dominant::Impact => Some("impact"),
        _ => None,
    };
    if let Some(axis) = axis {
        let (mut higher, mut lower) = (0, 0);
        for g in gaps.iter().filter(|g| g.dominant == Some(lead)) {
            let gap = if lead == Dominant::Likelihood {
                g.likelihood_gap
            } else {
                g.impact_gap
            };
            match gap {
                Some(x) if x > 0 => higher += 1,
                Some(x) if x < 0 => lower += 1,
                _ => {}
            }
        }
        sentence.push_str("; ");
        sentence.push_str(&direction(axis, to, higher, lower, n));
    }
    let rest: Vec<(Dominant, usize)> = classes[1..]
        .iter()
        .copied()
        .filter(|&(_, c)| c > 0)
        .collect();
    let word = |class: Dominant| match class {
        Dominant::Both => "about both axes equally",
        other => other.words(),
    };
    match rest.as_slice() {
        [] => {}
        [(class, c)] => sentence.push_str(&format!("; {c} {} {}", are(*c), word(*class))),
        [(first, c1), (second, c2)] => sentence.push_str(&format!(
            "; {c1} {} {} and {c2} {} {}",
            are(*c1),
            word(*first),
            are(*c2),
            word(*second)
        )),
        _ => {}
    }
    sentence.push('.');
    sentence
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, ChangeId};

    fn gap(l: i8, i: i8) -> ChangeGap {
        let from = Cell::new(3, 3);
        let to = Cell::new((3 + l) as u8, (3 + i) as u8);
        ChangeGap {
            change: ChangeId::new("c"),
            title: String::new(),
            placed: super::super::PlacedBy::Both,
            from: Some(from),
            to: Some(to),
            likelihood_gap: Some(l),
            impact_gap: Some(i),
            score_gap: None,
            from_band: None,
            to_band: None,
            band_differs: None,
            dominant: Some(Dominant::of(l, i)),
        }
    }

    fn unplaced() -> ChangeGap {
        ChangeGap {
            placed: super::super::PlacedBy::FromOnly,
            likelihood_gap: None,
            impact_gap: None,
            dominant: None,
            to: None,
            ..gap(0, 0)
        }
    }

    #[test]
    fn the_example_reads_as_the_brief_says() {
        let mut gaps = vec![gap(1, 0); 8];
        gaps.push(gap(-2, 1));
        gaps.extend([gap(0, 1), gap(1, -2), gap(1, 1), gap(0, 0), gap(0, 0)]);
        gaps.push(unplaced());
        let counts = DominantCounts::of(&gaps);
        assert_eq!(
            counts,
            DominantCounts {
                likelihood: 9,
                impact: 2,
                both: 1,
                agree: 2
            }
        );
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &gaps),
            "9 of 12 disagreements between Dev and Ops are about likelihood; Ops rates \
             likelihood higher on 8 of them; 2 are about impact and 1 is about both axes equally."
        );
    }

    #[test]
    fn singular_plural_and_the_empty_cases_read_right() {
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &[unplaced()]),
            "No change is placed by both Dev and Ops yet, so there is no disagreement to describe."
        );
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &[gap(0, 0)]),
            "Dev and Ops place the one change they both placed in the same cell."
        );
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &[gap(0, 0), gap(0, 0)]),
            "Dev and Ops place all 2 changes they both placed in the same cells."
        );
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &[gap(0, -1), gap(0, 0)]),
            "The one disagreement between Dev and Ops is about impact; Ops rates impact lower on it."
        );
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &[gap(0, -1), gap(0, -2)]),
            "All 2 disagreements between Dev and Ops are about impact; Ops rates impact lower on \
             all of them."
        );
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &[gap(1, 0), gap(-1, 0), gap(0, 1)]),
            "2 of 3 disagreements between Dev and Ops are about likelihood; Ops rates likelihood \
             higher on 1 and lower on 1 of them; 1 is about impact."
        );
        assert_eq!(
            disagreement_sentence("Dev", "Ops", &[gap(1, 1), gap(2, -2), gap(0, 1)]),
            "2 of 3 disagreements between Dev and Ops are about both axes equally; 1 is about \
             impact."
        );
        // Equal counts: likelihood is named first.
        assert!(disagreement_sentence("Dev", "Ops", &[gap(0, 1), gap(1, 0)])
            .starts_with("1 of 2 disagreements between Dev and Ops is about likelihood"));
    }

    #[test]
    fn the_classes_have_words() {
        assert_eq!(Dominant::Likelihood.words(), "about likelihood");
        assert_eq!(Dominant::Impact.words(), "about impact");
        assert_eq!(Dominant::Both.words(), "about both");
        assert_eq!(Dominant::Agree.words(), "agree");
    }
}
