//! The workshop: the matrix, the perspectives, the changes and the phase the room is in.
//! This is the document a `.parallax` file holds. It is plain data; it changes only through
//! `edit::apply`, which keeps it valid.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Change, ChangeId, Matrix, Participant, Perspective, PerspectiveId};

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
    /// The people who joined the room from their own devices (their answers are on the
    /// changes); empty on a workshop placed on one laptop, and then not written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<Participant>>")]
    pub participants: Vec<Participant>,
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
            participants: Vec::new(),
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
    /// What each viewer then sees is decided in `view.rs`.
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
    use crate::sample;

    #[test]
    fn a_new_change_id_is_always_free() {
        let mut w = sample::workshop();
        let n = w.changes.len();
        assert_eq!(w.next_change_id(), ChangeId(format!("c{}", n + 1)));
        w.changes[0].id = ChangeId(format!("c{}", u64::MAX));
        let next = w.next_change_id();
        assert!(w.change(&next).is_none(), "{next:?}");
        assert_eq!(next, ChangeId("c1".into()));
    }
}
