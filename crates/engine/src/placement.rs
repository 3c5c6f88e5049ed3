//! Where a change sits on the matrix: a `Cell` (likelihood, impact), and a `Placement`, which is a
//! cell chosen by one perspective with its rationale and the time it was placed, and, when it is
//! derived from the answers of the people in the room, its `Spread`.
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
    /// How the perspective's members answered, when the placement is derived from their answers
    /// (`aggregate.rs`); None for a placement made directly on the laptop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub spread: Option<Spread>,
}

/// How far apart the members of a perspective placed a change: the lowest and highest level on
/// each axis among those who placed it, how many placed it and how many said "not sure".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub likelihood_min: u8,
    pub likelihood_max: u8,
    pub impact_min: u8,
    pub impact_max: u8,
    /// People who placed the change.
    pub people: u32,
    /// People who said "not sure".
    pub not_sure: u32,
}

impl Placement {
    pub fn cell(&self) -> Cell {
        Cell::new(self.likelihood, self.impact)
    }
}
