//! The mitigation mix, "who lowers what": per perspective, how many likelihood-reducing and
//! impact-reducing mitigations it proposed. The thesis Parallax exists to show is that change
//! management lowers risk on the likelihood axis and DevOps on the impact axis; this table says
//! whether the room's own mitigations bear it out. Mitigations nobody is recorded as proposing
//! are counted in a last row, "not recorded", so the table always adds up to every mitigation
//! of the changes that count (calibration changes are left out). It counts; it never guesses a
//! proposer.

use serde::Serialize;
use ts_rs::TS;

use crate::{Axis, PerspectiveId, Workshop};

/// One row of the mix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MixRow {
    /// The perspective; null for the row of mitigations without a recorded proposer.
    #[ts(optional = nullable)]
    pub perspective: Option<PerspectiveId>,
    /// The perspective's name, or "not recorded".
    pub name: String,
    pub likelihood: usize,
    pub impact: usize,
}

/// What the last row is called.
pub const NOT_RECORDED: &str = "not recorded";

/// The mix of `w`'s changes as given (the analysis passes the changes that count): one row per
/// perspective in workshop order, then the "not recorded" row.
pub fn mitigation_mix(w: &Workshop) -> Vec<MixRow> {
    let mut rows: Vec<MixRow> = w
        .perspectives
        .iter()
        .map(|p| MixRow {
            perspective: Some(p.id.clone()),
            name: p.name.clone(),
            likelihood: 0,
            impact: 0,
        })
        .collect();
    rows.push(MixRow {
        perspective: None,
        name: NOT_RECORDED.to_owned(),
        likelihood: 0,
        impact: 0,
    });
    let unrecorded = rows.len() - 1;
    for m in w.changes.iter().flat_map(|c| &c.mitigations) {
        // A proposer that is not a perspective (validation refuses one) counts as not recorded.
        let row = m
            .proposed_by
            .as_ref()
            .and_then(|id| w.perspective_index(id))
            .unwrap_or(unrecorded);
        match m.lowers {
            Axis::Likelihood => rows[row].likelihood += 1,
            Axis::Impact => rows[row].impact += 1,
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Change, Matrix, Mitigation, MitigationId};
    use proptest::prelude::*;

    fn mitigation(n: usize, lowers: Axis, by: Option<&str>) -> Mitigation {
        Mitigation {
            id: MitigationId(format!("m{n}")),
            text: "x".into(),
            owner: String::new(),
            lowers,
            proposed_by: by.map(PerspectiveId::new),
        }
    }

    #[test]
    fn each_perspective_counts_what_it_proposed_and_the_rest_is_not_recorded() {
        let mut w = Workshop::new("t", Matrix::default());
        let mut c1 = Change::new("c1", "Move the database");
        c1.mitigations = vec![
            mitigation(1, Axis::Likelihood, Some("ops")),
            mitigation(2, Axis::Likelihood, Some("ops")),
            mitigation(3, Axis::Impact, Some("dev")),
            mitigation(4, Axis::Impact, None),
        ];
        let mut c2 = Change::new("c2", "Feature flag");
        c2.mitigations = vec![
            mitigation(1, Axis::Impact, Some("dev")),
            mitigation(2, Axis::Likelihood, Some("gone")),
        ];
        w.changes = vec![c1, c2];
        let mix = mitigation_mix(&w);
        let rows: Vec<_> = mix
            .iter()
            .map(|r| (r.name.as_str(), r.likelihood, r.impact))
            .collect();
        assert_eq!(rows, [("Dev", 0, 2), ("Ops", 2, 0), ("not recorded", 1, 1)]);
        assert_eq!(mix[2].perspective, None);
    }

    #[test]
    fn an_empty_workshop_has_a_row_per_perspective_and_zeros() {
        let w = Workshop::new("t", Matrix::default());
        let mix = mitigation_mix(&w);
        assert_eq!(mix.len(), 3);
        assert!(mix.iter().all(|r| r.likelihood == 0 && r.impact == 0));
    }

    proptest! {
        /// The table adds up to every mitigation, per axis, whoever proposed it.
        #[test]
        fn the_mix_adds_up_to_every_mitigation(
            ms in prop::collection::vec(
                prop::collection::vec((any::<bool>(), prop::option::of(0usize..4)), 0..6),
                0..8,
            )
        ) {
            let mut w = Workshop::new("t", Matrix::default());
            let names = ["dev", "ops", "sec", "ghost"];
            for (k, list) in ms.iter().enumerate() {
                let mut c = Change::new(&format!("c{k}"), "x");
                c.mitigations = list
                    .iter()
                    .enumerate()
                    .map(|(n, (l, by))| {
                        let axis = if *l { Axis::Likelihood } else { Axis::Impact };
                        mitigation(n, axis, by.map(|b| names[b]))
                    })
                    .collect();
                w.changes.push(c);
            }
            let mix = mitigation_mix(&w);
            let all = w.changes.iter().flat_map(|c| &c.mitigations);
            let l = all.clone().filter(|m| m.lowers == Axis::Likelihood).count();
            let i = all.count() - l;
            prop_assert_eq!(mix.iter().map(|r| r.likelihood).sum::<usize>(), l);
            prop_assert_eq!(mix.iter().map(|r| r.impact).sum::<usize>(), i);
            prop_assert_eq!(mix.len(), w.perspectives.len() + 1);
        }
    }
}
