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

    /// A change id not used yet: `c<N>` with N one past the highest in use.
    pub fn next_change_id(&self) -> ChangeId {
        let highest = self
            .changes
            .iter()
            .filter_map(|c| c.id.0.strip_prefix('c')?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        ChangeId(format!("c{}", highest + 1))
    }
}
