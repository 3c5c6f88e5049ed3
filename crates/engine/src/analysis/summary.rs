//! The one sentence a facilitator reads out, e.g. "Ops rated likelihood higher than Dev on 7 of 9
//! changes (mean +1.3 levels); on impact they mostly agree (same level on 6 of 9, weighted κ
//! 0.71)." It must stay honest in every case: nothing placed, perfect agreement, an undefined
//! kappa. It only words numbers the analysis computed; it never rounds a gap into agreement.

use super::gap::AxisAgreement;

/// How the pair relates on one axis, from the counts.
enum Shape {
    AllSame,
    MostlySame,
    ToHigher,
    ToLower,
    Split,
}

fn shape(a: &AxisAgreement) -> Shape {
    let n = a.compared;
    if a.same == n {
        Shape::AllSame
    } else if a.same * 2 > n {
        Shape::MostlySame
    } else if a.to_higher > a.to_lower {
        Shape::ToHigher
    } else if a.to_lower > a.to_higher {
        Shape::ToLower
    } else {
        Shape::Split
    }
}

/// One decimal with a sign; a value that rounds to zero is written without one.
fn signed(x: f64) -> String {
    if (x * 10.0).round() == 0.0 {
        "0.0".to_owned()
    } else {
        format!("{x:+.1}")
    }
}

fn two(x: f64) -> String {
    if (x * 100.0).round() == 0.0 {
        "0.00".to_owned()
    } else {
        format!("{x:.2}")
    }
}

fn changes(n: usize) -> &'static str {
    if n == 1 {
        "change"
    } else {
        "changes"
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One clause about one axis. `first` says whether the names were already given.
fn clause(axis: &str, a: &AxisAgreement, from: &str, to: &str, first: bool) -> String {
    let n = a.compared;
    let they = if first {
        format!("{from} and {to}")
    } else {
        "they".to_owned()
    };
    let mean = a.mean_signed_gap.map(signed).unwrap_or_default();
    match shape(a) {
        Shape::AllSame => format!("on {axis} {they} agree on all {n} {}", changes(n)),
        Shape::MostlySame => {
            let kappa = a
                .weighted_kappa
                .map(|k| format!(", weighted κ {}", two(k)))
                .unwrap_or_default();
            format!(
                "on {axis} {they} mostly agree (same level on {} of {n}{kappa})",
                a.same
            )
        }
        Shape::ToHigher => format!(
            "{to} rated {axis} higher than {from} on {} of {n} {} (mean {mean} levels)",
            a.to_higher,
            changes(n)
        ),
        Shape::ToLower => format!(
            "{to} rated {axis} lower than {from} on {} of {n} {} (mean {mean} levels)",
            a.to_lower,
            changes(n)
        ),
        Shape::Split => format!(
            "on {axis} {they} split: {to} higher on {}, lower on {} of {n} {} (mean absolute gap {} levels)",
            a.to_higher,
            a.to_lower,
            changes(n),
            a.mean_abs_gap.map(|x| format!("{x:.1}")).unwrap_or_default()
        ),
    }
}

/// The sentence for the pair `from → to`, given both axes and the number of changes.
pub fn summary_sentence(
    from: &str,
    to: &str,
    likelihood: &AxisAgreement,
    impact: &AxisAgreement,
    total_changes: usize,
) -> String {
    if total_changes == 0 {
        return "The workshop has no changes yet, so there is nothing to compare.".to_owned();
    }
    let n = likelihood.compared;
    if n == 0 {
        return format!(
            "No change has been placed by both {from} and {to} yet, so there is nothing to compare."
        );
    }
    let mut sentence = match (shape(likelihood), shape(impact)) {
        (Shape::AllSame, Shape::AllSame) => {
            if n == 1 {
                format!("{from} and {to} placed the one change they both placed in the same cell")
            } else {
                format!("{from} and {to} placed all {n} changes they both placed in the same cells")
            }
        }
        _ => {
            let l = clause("likelihood", likelihood, from, to, true);
            let i = clause("impact", impact, from, to, false);
            format!("{}; {i}", capitalise(&l))
        }
    };
    let missing = total_changes - n;
    if missing > 0 {
        sentence.push_str(&format!(
            "; {missing} of {total_changes} {} {} not placed by both yet",
            changes(total_changes),
            if missing == 1 { "is" } else { "are" }
        ));
    }
    sentence.push('.');
    sentence
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Axis;

    fn axis(
        compared: usize,
        higher: usize,
        lower: usize,
        mean: f64,
        kappa: Option<f64>,
    ) -> AxisAgreement {
        AxisAgreement {
            axis: Axis::Likelihood,
            levels: 5,
            compared,
            to_higher: higher,
            to_lower: lower,
            same: compared - higher - lower,
            mean_signed_gap: (compared > 0).then_some(mean),
            // As if every differing change were one level apart.
            mean_abs_gap: (compared > 0).then_some((higher + lower) as f64 / compared as f64),
            weighted_kappa: kappa,
            weighted_kappa_undefined: None,
            alpha_changes: compared,
            krippendorff_alpha: None,
            krippendorff_alpha_undefined: None,
            exact_agreement: None,
            within_one_agreement: None,
            kappa_ci: None,
            alpha_ci: None,
        }
    }

    #[test]
    fn the_example_from_the_brief_reads_as_expected() {
        let s = summary_sentence(
            "Dev",
            "Ops",
            &axis(9, 7, 0, 1.3, Some(0.2)),
            &axis(9, 1, 2, -0.1, Some(0.71)),
            9,
        );
        assert_eq!(
            s,
            "Ops rated likelihood higher than Dev on 7 of 9 changes (mean +1.3 levels); \
             on impact they mostly agree (same level on 6 of 9, weighted κ 0.71)."
        );
    }

    #[test]
    fn nothing_to_compare_and_perfect_agreement_say_so() {
        let none = axis(0, 0, 0, 0.0, None);
        assert_eq!(
            summary_sentence("Dev", "Ops", &none, &none, 0),
            "The workshop has no changes yet, so there is nothing to compare."
        );
        assert!(summary_sentence("Dev", "Ops", &none, &none, 4)
            .starts_with("No change has been placed by both Dev and Ops"));
        let same = axis(3, 0, 0, 0.0, None);
        assert_eq!(
            summary_sentence("Dev", "Ops", &same, &same, 5),
            "Dev and Ops placed all 3 changes they both placed in the same cells; \
             2 of 5 changes are not placed by both yet."
        );
    }

    #[test]
    fn an_undefined_kappa_is_left_out_and_splits_are_named() {
        let s = summary_sentence(
            "Dev",
            "Sec",
            &axis(4, 2, 2, 0.0, None),
            &axis(4, 0, 1, -0.25, None),
            4,
        );
        assert_eq!(
            s,
            "On likelihood Dev and Sec split: Sec higher on 2, lower on 2 of 4 changes \
             (mean absolute gap 1.0 levels); on impact they mostly agree (same level on 3 of 4)."
        );
    }
}
