//! Ties: where Parallax ranks or compares changes by a likelihood × impact score, changes whose
//! scores are equal although their cells differ (1×4, 2×2 and 4×1 all score 4) are marked as
//! tied, so no one reads an order the score cannot give (Cox 2008, "What's wrong with risk
//! matrices?"). It only marks; the order itself is decided where the list is made, never by
//! the score alone.
//!
//! - Discussion queue (and the top-contested table, its first rows): entries equal on every
//!   measure of disagreement the queue ranks by — level spread, band spread and score spread —
//!   are tied. Among them the queue puts first the change with the larger single-axis spread
//!   (the disagreement that is about one axis most), then workshop order (`queue.rs`).
//! - Standard-change candidates: listed in workshop order, never by score; a candidate whose
//!   judged cell has the same score as another candidate's different cell is tied with it, so a
//!   reader sees that the score alone does not say which is the lower risk.

use super::candidates::Candidate;
use super::queue::QueueEntry;

/// Marks `tied_with` on a queue already in its final order: the other entries of each run equal
/// on level, band and score spread.
pub(crate) fn mark_queue_ties(queue: &mut [QueueEntry]) {
    let key = |e: &QueueEntry| (e.level_spread, e.band_spread, e.score_spread);
    let mut start = 0;
    while start < queue.len() {
        let end = start
            + queue[start..]
                .iter()
                .take_while(|e| key(e) == key(&queue[start]))
                .count();
        if end - start > 1 {
            let ids: Vec<_> = queue[start..end].iter().map(|e| e.change.clone()).collect();
            for e in &mut queue[start..end] {
                e.tied_with = ids.iter().filter(|id| **id != e.change).cloned().collect();
            }
        }
        start = end;
    }
}

/// Marks `tied_with` on candidates: the others whose judged score is the same in another cell.
pub(crate) fn mark_candidate_ties(candidates: &mut [Candidate]) {
    let scored: Vec<_> = candidates
        .iter()
        .map(|c| (c.change.clone(), c.score, c.cell))
        .collect();
    for c in candidates.iter_mut() {
        c.tied_with = scored
            .iter()
            .filter(|(_, score, cell)| *score == c.score && *cell != c.cell)
            .map(|(id, _, _)| id.clone())
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{discussion_queue, standard_change_candidates, CandidateRule};
    use crate::{Cell, Change, ChangeId, Matrix, Perspective, Phase, Workshop};
    use proptest::prelude::*;

    use crate::analysis::tests::place;

    fn workshop(rows: &[[(u8, u8); 2]]) -> Workshop {
        let mut w = Workshop::new("t", Matrix::default());
        w.phase = Phase::Revealed;
        for (n, row) in rows.iter().enumerate() {
            let mut c = Change::new(&format!("c{}", n + 1), &format!("Change {}", n + 1));
            place(&mut c, "dev", row[0].0, row[0].1);
            place(&mut c, "ops", row[1].0, row[1].1);
            w.changes.push(c);
        }
        w
    }

    fn ids(v: &[ChangeId]) -> Vec<&str> {
        v.iter().map(|c| c.0.as_str()).collect()
    }

    #[test]
    fn queue_ties_are_marked_and_broken_by_the_larger_axis_spread() {
        // c1: 2 + 0 levels apart (1×1 → 3×1), c2: 1 + 1 (1×1 → 2×2), c3: like c1 but impact
        // (1×1 → 1×3). All three: level spread 2, same band (low), score spread 2 or 3.
        // c1 and c3 both have score spread 2, c2 has 3: c2 first, then the tie c1/c3.
        let w = workshop(&[
            [(1, 1), (3, 1)],
            [(1, 1), (2, 2)],
            [(1, 1), (1, 3)],
            [(2, 2), (2, 2)],
        ]);
        let q = discussion_queue(&w);
        let order: Vec<&str> = q.iter().map(|e| e.change.0.as_str()).collect();
        assert_eq!(order, ["c2", "c1", "c3"]);
        assert!(q[0].tied_with.is_empty());
        assert_eq!(ids(&q[1].tied_with), ["c3"]);
        assert_eq!(ids(&q[2].tied_with), ["c1"]);

        // c1: 1 + 1 levels (1×2 → 2×3), c2: 2 + 0 (1×2 → 3×2): both score 2 → 6, one band
        // apart. Tied; c2's disagreement is concentrated on one axis, so it comes first even
        // though it is later in the workshop.
        let w = workshop(&[[(1, 2), (2, 3)], [(1, 2), (3, 2)]]);
        let q = discussion_queue(&w);
        let order: Vec<&str> = q.iter().map(|e| e.change.0.as_str()).collect();
        assert_eq!(order, ["c2", "c1"]);
        assert_eq!((q[0].band_spread, q[1].band_spread), (1, 1));
        assert_eq!(ids(&q[0].tied_with), ["c1"]);
        assert_eq!(q[0].about, "about likelihood");
        assert_eq!(q[1].about, "about both");
    }

    #[test]
    fn candidate_ties_are_the_same_score_in_another_cell() {
        let mut w = workshop(&[
            [(1, 4), (1, 4)],
            [(2, 2), (2, 2)],
            [(4, 1), (4, 1)],
            [(2, 2), (2, 2)],
            [(1, 1), (1, 1)],
        ]);
        let consensus = [(1, 4), (2, 2), (4, 1), (2, 2), (1, 1)];
        for (c, (l, i)) in w.changes.iter_mut().zip(consensus) {
            c.consensus = Some(Cell::new(l, i));
        }
        let rule = CandidateRule {
            max_band: 1,
            ..CandidateRule::default()
        };
        let c = standard_change_candidates(&w, &rule);
        assert_eq!(c.len(), 5);
        assert_eq!(ids(&c[0].tied_with), ["c2", "c3", "c4"]);
        // c2 and c4 are in the same cell: alike, not a tie between them.
        assert_eq!(ids(&c[1].tied_with), ["c1", "c3"]);
        assert_eq!(ids(&c[3].tied_with), ["c1", "c3"]);
        assert!(c[4].tied_with.is_empty());
        // Workshop order, never by score.
        let order: Vec<&str> = c.iter().map(|x| x.change.0.as_str()).collect();
        assert_eq!(order, ["c1", "c2", "c3", "c4", "c5"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// In any queue: ties are symmetric, only between entries equal on every ranked spread,
        /// and every such pair is tied; among tied entries the larger axis spread comes first.
        #[test]
        fn queue_ties_are_exactly_the_equal_entries(
            rows in proptest::collection::vec(
                proptest::collection::vec((1u8..=5, 1u8..=5), 3),
                0..20,
            ),
        ) {
            let mut w = Workshop::new("p", Matrix::default());
            w.phase = Phase::Revealed;
            w.perspectives.push(Perspective::new("sec", "Security", "#000000"));
            for (n, row) in rows.iter().enumerate() {
                let mut c = Change::new(&format!("c{n}"), "x");
                for (who, (l, i)) in ["dev", "ops", "sec"].iter().zip(row) {
                    place(&mut c, who, *l, *i);
                }
                w.changes.push(c);
            }
            let q = discussion_queue(&w);
            let key = |e: &super::QueueEntry| (e.level_spread, e.band_spread, e.score_spread);
            for a in &q {
                for b in &q {
                    if a.change == b.change {
                        continue;
                    }
                    let tied = a.tied_with.contains(&b.change);
                    prop_assert_eq!(tied, key(a) == key(b));
                    prop_assert_eq!(tied, b.tied_with.contains(&a.change));
                    if tied && a.rank < b.rank {
                        let axis = |e: &super::QueueEntry| e.likelihood_spread.max(e.impact_spread);
                        prop_assert!(axis(a) > axis(b) || (axis(a) == axis(b) && a.position < b.position));
                    }
                }
            }
        }
    }
}
