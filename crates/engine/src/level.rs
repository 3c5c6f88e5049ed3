//! A level on one axis of the risk matrix (likelihood or impact), with the words a room needs to
//! agree on what it means. Levels are ordinal: never treat them as numbers to average blindly.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The two axes of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    Likelihood,
    Impact,
}

impl Axis {
    pub fn name(self) -> &'static str {
        match self {
            Axis::Likelihood => "likelihood",
            Axis::Impact => "impact",
        }
    }
}

/// One step of an axis, e.g. impact 4 "Major": "checkout down for more than 15 minutes".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub label: String,
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub example: String,
}

impl Level {
    pub fn new(label: &str, definition: &str, example: &str) -> Self {
        Level {
            label: label.to_owned(),
            definition: definition.to_owned(),
            example: example.to_owned(),
        }
    }
}
