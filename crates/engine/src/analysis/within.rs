//! Agreement inside each perspective, from the answers of the people in the room, beside the gap
//! between the pair of perspectives: the question a room with several people per perspective can
//! answer — is the gap between Dev and Ops larger than the disagreement inside Dev?
//!
//! Per perspective and axis:
//! - `krippendorff_alpha`: ordinal Krippendorff's α with the perspective's members as raters and
//!   the changes as units, over their placed answers ("not sure" and no answer are missing
//!   data), on the axis's full scale: the same statistic and implementation as between the
//!   perspectives (`stats.rs`), checked against the `krippendorff` package the same way.
//! - `mean_abs_from_median` ("inside Dev people differ by 0.3"): over every change that two or
//!   more members placed, and every placed answer on it, the mean of |the member's level − the
//!   perspective's level for that change|, where the perspective's level is the lower median of
//!   its members' levels (the rule `aggregate.rs` places it by). It is in levels, like the mean
//!   absolute gap between the pair it is compared with, and it says how far a typical member is
//!   from the cell their perspective ends up in. Changes only one member placed say nothing
//!   about disagreement and are left out (as α leaves them out).
//!
//! Both are null with a reason when no change has two members' placed answers (and α also when
//! only one has, or nobody varies).
//!
//! The sentence compares the pair's mean absolute gap on each axis with the two perspectives'
//! `mean_abs_from_median`: the gap is "between the perspectives" when it is larger than both,
//! "inside" otherwise. It is null with a reason when any of the three is undefined. It only
//! words numbers computed here; it never makes one up.

use serde::Serialize;
use ts_rs::TS;

use super::gap::{split, AxisAgreement, UndefinedReason};
use super::stats::{ordinal_krippendorff_alpha, Undefined};
use crate::aggregate::lower_median;
use crate::{Answer, Axis, Perspective, PerspectiveId, Workshop};

/// Agreement among one perspective's members on one axis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WithinAxis {
    pub axis: Axis,
    /// Changes that two or more members placed (the ones both statistics use).
    pub changes: usize,
    pub mean_abs_from_median: Option<f64>,
    pub mean_abs_from_median_undefined: Option<UndefinedReason>,
    pub krippendorff_alpha: Option<f64>,
    pub krippendorff_alpha_undefined: Option<UndefinedReason>,
}

/// One perspective of the room: its members and their agreement on each axis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WithinPerspective {
    pub id: PerspectiveId,
    pub name: String,
    /// Participants who joined as this perspective.
    pub people: usize,
    pub likelihood: WithinAxis,
    pub impact: WithinAxis,
}

fn level(answer: &Answer, axis: Axis) -> Option<u8> {
    let cell = answer.cell()?;
    Some(match axis {
        Axis::Likelihood => cell.likelihood,
        Axis::Impact => cell.impact,
    })
}

/// Per change, the levels the members of `perspective` placed it at on `axis`.
fn units(w: &Workshop, perspective: &PerspectiveId, axis: Axis) -> Vec<Vec<u8>> {
    let members: Vec<_> = w.members(perspective).map(|p| &p.id).collect();
    w.changes
        .iter()
        .map(|c| {
            members
                .iter()
                .filter_map(|m| level(c.answers.get(*m)?, axis))
                .collect()
        })
        .collect()
}

fn within_axis(w: &Workshop, perspective: &PerspectiveId, axis: Axis) -> WithinAxis {
    let units = units(w, perspective, axis);
    let levels = w.matrix.max_level(axis);
    let mut changes = 0;
    let mut sum = 0u64;
    let mut n = 0u64;
    for unit in units.iter().filter(|u| u.len() >= 2) {
        changes += 1;
        let mut sorted = unit.clone();
        let Some(median) = lower_median(&mut sorted) else {
            continue;
        };
        for &l in unit {
            sum += u64::from(l.abs_diff(median));
            n += 1;
        }
    }
    let mean = if n == 0 {
        Err(Undefined::NoComparableChanges)
    } else {
        Ok(sum as f64 / n as f64)
    };
    let (mean_abs_from_median, mean_abs_from_median_undefined) = split(mean);
    let (krippendorff_alpha, krippendorff_alpha_undefined) =
        split(ordinal_krippendorff_alpha(units, levels));
    WithinAxis {
        axis,
        changes,
        mean_abs_from_median,
        mean_abs_from_median_undefined,
        krippendorff_alpha,
        krippendorff_alpha_undefined,
    }
}

/// Agreement inside every perspective people joined, in workshop order (none on a workshop
/// placed on one laptop).
pub fn within_perspectives(w: &Workshop) -> Vec<WithinPerspective> {
    let w = &*super::calibration::counted(w);
    w.perspectives
        .iter()
        .filter_map(|p| {
            let people = w.members(&p.id).count();
            (people > 0).then(|| within_of(w, p, people))
        })
        .collect()
}

fn within_of(w: &Workshop, p: &Perspective, people: usize) -> WithinPerspective {
    WithinPerspective {
        id: p.id.clone(),
        name: p.name.clone(),
        people,
        likelihood: within_axis(w, &p.id, Axis::Likelihood),
        impact: within_axis(w, &p.id, Axis::Impact),
    }
}

/// "Dev and Ops differ by 1.4 likelihood levels on average; inside Dev people differ by 0.3,
/// inside Ops by 0.5: the gap is between the perspectives." One clause per axis.
pub fn inside_and_between(
    from: &str,
    to: &str,
    between: [&AxisAgreement; 2],
    inside_from: Option<&WithinPerspective>,
    inside_to: Option<&WithinPerspective>,
) -> Result<String, Undefined> {
    let mut clauses = Vec::new();
    for (k, gap) in between.iter().enumerate() {
        let pick = |x: Option<&WithinPerspective>| {
            x.and_then(|x| {
                let axis = if k == 0 { &x.likelihood } else { &x.impact };
                axis.mean_abs_from_median
            })
        };
        let (Some(b), Some(f), Some(t)) = (gap.mean_abs_gap, pick(inside_from), pick(inside_to))
        else {
            return Err(Undefined::NoComparableChanges);
        };
        let axis = gap.axis.name();
        let verdict = if b > f && b > t {
            "the gap is between the perspectives".to_owned()
        } else {
            let who = if f >= t { from } else { to };
            format!("people inside {who} differ at least as much as the perspectives do")
        };
        clauses.push(format!(
            "{from} and {to} differ by {b:.1} {axis} levels on average; inside {from} people \
             differ by {f:.1}, inside {to} by {t:.1}: {verdict}"
        ));
    }
    Ok(format!("{}.", clauses.join(". ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyse, AnalysisOptions};
    use crate::edit::{apply, Edit};
    use crate::{sample, Participant, ParticipantId, Phase};

    /// Dev (p1, p2) and Ops (p3, p4) on three changes: `levels[k]` are the likelihoods of p1..p4
    /// on change k; impact 3 for everyone.
    fn room(levels: [[u8; 4]; 3]) -> Workshop {
        let mut w = sample::workshop();
        for (n, p) in ["dev", "dev", "ops", "ops"].iter().enumerate() {
            let participant = Participant {
                id: ParticipantId(format!("p{}", n + 1)),
                name: None,
                perspective: PerspectiveId::new(p),
                joined_at_ms: 0,
            };
            apply(&mut w, Edit::Join { participant }, 0).unwrap();
        }
        for (k, row) in levels.iter().enumerate() {
            for (n, l) in row.iter().enumerate() {
                let edit = Edit::Answer {
                    participant: ParticipantId(format!("p{}", n + 1)),
                    change: w.changes[k].id.clone(),
                    answer: Some(Answer::Placed {
                        likelihood: *l,
                        impact: 3,
                        rationale: String::new(),
                        at_ms: 0,
                    }),
                };
                apply(&mut w, edit, 1).unwrap();
            }
        }
        w.phase = Phase::Revealed;
        w
    }

    #[test]
    fn the_sentence_says_whether_the_gap_is_between_or_inside() {
        // Dev: 1,2 / 2,2 / 1,1 → medians 1,2,1, distances 0,1,0,0,0,0 → 1/6.
        // Ops: 4,4 / 5,4 / 4,4 → medians 4,4,4, distances 1/6. Gap of the medians: 3, 2, 3.
        let w = room([[1, 2, 4, 4], [2, 2, 5, 4], [1, 1, 4, 4]]);
        let a = analyse(&w, &AnalysisOptions::default()).unwrap();
        let dev = &a.within[0];
        assert_eq!((dev.name.as_str(), dev.people), ("Dev", 2));
        assert!((dev.likelihood.mean_abs_from_median.unwrap() - 1.0 / 6.0).abs() < 1e-12);
        assert_eq!(dev.impact.mean_abs_from_median, Some(0.0));
        assert_eq!(
            dev.impact
                .krippendorff_alpha_undefined
                .as_ref()
                .map(|u| u.code),
            Some(Undefined::NoVariation)
        );
        let sentence = a.within_summary.unwrap();
        assert!(
            sentence.starts_with(
                "Dev and Ops differ by 2.7 likelihood levels on average; inside Dev people \
                 differ by 0.2, inside Ops by 0.2: the gap is between the perspectives."
            ),
            "{sentence}"
        );
        // Impact: nobody differs anywhere, so the gap is not larger than the inside.
        assert!(
            sentence.ends_with("people inside Dev differ at least as much as the perspectives do."),
            "{sentence}"
        );

        // Ops split wide inside and close to Dev: the disagreement is inside.
        let w = room([[2, 2, 1, 5], [2, 2, 1, 4], [3, 3, 1, 5]]);
        let a = analyse(&w, &AnalysisOptions::default()).unwrap();
        let sentence = a.within_summary.unwrap();
        assert!(
            sentence.contains("people inside Ops differ at least as much as the perspectives do"),
            "{sentence}"
        );
    }

    #[test]
    fn undefined_inside_is_null_with_a_reason_and_hidden_before_reveal() {
        let mut w = room([[1, 2, 4, 4], [2, 2, 5, 4], [1, 1, 4, 4]]);
        apply(
            &mut w,
            Edit::Leave {
                participant: ParticipantId::new("p2"),
            },
            2,
        )
        .unwrap();
        let a = analyse(&w, &AnalysisOptions::default()).unwrap();
        let dev = &a.within[0];
        assert_eq!(
            dev.likelihood.changes, 0,
            "one member left: nothing to compare"
        );
        assert_eq!(dev.likelihood.mean_abs_from_median, None);
        assert_eq!(
            dev.likelihood
                .mean_abs_from_median_undefined
                .as_ref()
                .map(|u| u.code),
            Some(Undefined::NoComparableChanges)
        );
        assert_eq!(a.within_summary, None);
        assert!(a.within_summary_undefined.is_some());
        w.phase = Phase::Placing;
        let hidden = analyse(&w, &AnalysisOptions::default()).unwrap();
        assert!(hidden.within.is_empty() && hidden.within_summary.is_none());
        assert_eq!(
            hidden.within_summary_undefined.map(|u| u.code),
            Some(Undefined::HiddenUntilReveal)
        );
        let sample = sample::workshop();
        let laptop = analyse(&sample, &AnalysisOptions::default()).unwrap();
        assert!(laptop.within.is_empty());
        let json = serde_json::to_string(&laptop).unwrap();
        assert!(!json.contains("\"within\""), "{json}");
    }
}
