//! The workshop: the matrix, the perspectives, the changes and the phase the room is in.
//! This is the document a `.parallax` file holds. It is plain data; it changes only through
//! `edit::apply`, which keeps it valid.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Change, ChangeId, Matrix, Perspective, PerspectiveId};

/// Where the room is in the workshop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Perspectives are placing changes; in blind mode they cannot see each other's placements.
    #[default]
    Placing,
    /// The facilitator has revealed every perspective's placements.
    Revealed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Workshop {
    pub title: String,
    pub matrix: Matrix,
    pub perspectives: Vec<Perspective>,
    pub changes: Vec<Change>,
    #[serde(default)]
    pub phase: Phase,
    /// While placing, hide the other perspectives' placements (avoids anchoring).
    #[serde(default = "default_blind")]
    pub blind: bool,
}

fn default_blind() -> bool {
    true
}

impl Workshop {
    /// An empty workshop on the default 5×5 matrix with the Dev and Ops perspectives.
    pub fn new(title: &str, matrix: Matrix) -> Self {
        Workshop {
            title: title.to_owned(),
            matrix,
            perspectives: vec![
                Perspective::new("dev", "Dev", "#2f6fdf"),
                Perspective::new("ops", "Ops", "#d9480f"),
            ],
            changes: Vec::new(),
            phase: Phase::Placing,
            blind: true,
        }
    }

    pub fn change(&self, id: &ChangeId) -> Option<&Change> {
        self.changes.iter().find(|c| &c.id == id)
    }

    pub fn change_index(&self, id: &ChangeId) -> Option<usize> {
        self.changes.iter().position(|c| &c.id == id)
    }

    pub fn perspective(&self, id: &PerspectiveId) -> Option<&Perspective> {
        self.perspectives.iter().find(|p| &p.id == id)
    }

    pub fn perspective_index(&self, id: &PerspectiveId) -> Option<usize> {
        self.perspectives.iter().position(|p| &p.id == id)
    }

    /// True while the perspectives must not see each other's placements: blind mode, still placing.
    pub fn is_hidden(&self) -> bool {
        self.blind && self.phase == Phase::Placing
    }

    /// How many changes `perspective` has placed. Safe to show in blind mode: it tells the room
    /// how far each group is without saying where anything went.
    pub fn placed_count(&self, perspective: &PerspectiveId) -> usize {
        self.changes
            .iter()
            .filter(|c| c.placements.contains_key(perspective))
            .count()
    }

    /// The workshop as `viewer` may see it: while placing in blind mode, every other
    /// perspective's placements are withheld, and so are the consensus and residual cells (they
    /// would anchor the room just as much); once revealed, or with blind mode off, everything.
    /// The facilitator's screen follows the same rule (ui/src/lib/workshop.ts
    /// `visiblePerspectives`, and Compare and Converge wait for Reveal). The result is a view for
    /// showing only: never apply edits to it or save it, or the withheld placements would be lost.
    /// Returns None when `viewer` is not a perspective of this workshop.
    pub fn seen_by(&self, viewer: &PerspectiveId) -> Option<Workshop> {
        self.perspective(viewer)?;
        let mut view = self.clone();
        if self.is_hidden() {
            for change in &mut view.changes {
                change.placements.retain(|p, _| p == viewer);
                change.consensus = None;
                change.residual = None;
            }
        }
        Some(view)
    }

    /// A change id not used yet: `c<N>` with N one past the highest in use, or, should a file
    /// already use `c18446744073709551615`, the lowest `c<N>` that is free.
    pub fn next_change_id(&self) -> ChangeId {
        let numbers = || {
            self.changes
                .iter()
                .filter_map(|c| c.id.0.strip_prefix('c')?.parse::<u64>().ok())
        };
        let next = numbers().max().unwrap_or(0).checked_add(1).or_else(|| {
            let used: std::collections::HashSet<u64> = numbers().collect();
            (1..).find(|n| !used.contains(n))
        });
        ChangeId(format!("c{}", next.unwrap_or(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sample, Cell, Placement};

    fn placed(w: &mut Workshop, change: usize, who: &str, l: u8, i: u8) {
        w.changes[change].placements.insert(
            PerspectiveId::new(who),
            Placement {
                likelihood: l,
                impact: i,
                rationale: format!("{who} says so"),
                placed_at_ms: 1,
            },
        );
    }

    #[test]
    fn a_blind_view_withholds_the_other_perspectives() {
        let mut w = sample::workshop();
        placed(&mut w, 0, "dev", 1, 2);
        placed(&mut w, 0, "ops", 4, 4);
        placed(&mut w, 1, "ops", 3, 3);
        w.changes[0].consensus = Some(Cell::new(2, 2));
        w.changes[0].residual = Some(Cell::new(1, 2));
        let dev = PerspectiveId::new("dev");
        let ops = PerspectiveId::new("ops");

        let seen = w.seen_by(&dev).unwrap();
        assert_eq!(seen.changes[0].placements.len(), 1);
        assert_eq!(
            seen.changes[0].placements[&dev],
            w.changes[0].placements[&dev]
        );
        assert!(seen.changes[1].placements.is_empty());
        assert_eq!(seen.changes[0].consensus, None);
        assert_eq!(seen.changes[0].residual, None);
        let json = serde_json::to_string(&seen).unwrap();
        assert!(
            !json.contains("ops says so"),
            "nothing of Ops leaks: {json}"
        );
        assert_eq!(w.placed_count(&ops), 2, "progress is still countable");

        let seen = w.seen_by(&ops).unwrap();
        assert_eq!(seen.changes[1].placements.len(), 1);
        assert!(!seen.changes[0].placements.contains_key(&dev));

        w.phase = Phase::Revealed;
        assert_eq!(
            w.seen_by(&dev).unwrap(),
            w,
            "revealed: everything is visible"
        );
        w.phase = Phase::Placing;
        w.blind = false;
        assert_eq!(
            w.seen_by(&dev).unwrap(),
            w,
            "open placing: everything is visible"
        );
        assert!(w.seen_by(&PerspectiveId::new("sec")).is_none());
    }
}
