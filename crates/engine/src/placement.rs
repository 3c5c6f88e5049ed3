//! Where a change sits on the matrix: a `Cell` (likelihood, impact), and a `Placement`, which is a
//! cell chosen by one perspective with its rationale and the time it was placed.
//! Levels are 1-based; a cell is only meaningful together with the matrix that bounds it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Millis;

/// A cell of the matrix, 1-based on both axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    pub likelihood: u8,
    pub impact: u8,
}

impl Cell {
    pub fn new(likelihood: u8, impact: u8) -> Self {
        Cell { likelihood, impact }
    }

    /// Likelihood × impact.
    pub fn score(self) -> u32 {
        u32::from(self.likelihood) * u32::from(self.impact)
    }
}

/// One perspective's placement of one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    pub likelihood: u8,
    pub impact: u8,
    /// A one-line reason the perspective gives for this placement; may be empty.
    #[serde(default)]
    pub rationale: String,
    /// When the placement was made (ms since the Unix epoch).
    #[ts(type = "number")]
    pub placed_at_ms: Millis,
}

impl Placement {
    pub fn cell(&self) -> Cell {
        Cell::new(self.likelihood, self.impact)
    }
}
