//! One participant's answer for one change: a cell with a one-line rationale, or "not sure"
//! (with the reason, if they give one). Answers live on the change (`Change::answers`), keyed by
//! participant; a perspective's placement is derived from its members' answers in `aggregate.rs`.
//! Plain data: it changes only through `edit::apply`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Cell, Millis};

/// One participant's answer for one change. `at_ms` is stamped by the engine with the time of
/// the edit: whatever a client sends there is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    Placed {
        likelihood: u8,
        impact: u8,
        #[serde(default)]
        rationale: String,
        #[serde(default)]
        #[ts(type = "number")]
        at_ms: Millis,
    },
    NotSure {
        #[serde(default)]
        rationale: String,
        #[serde(default)]
        #[ts(type = "number")]
        at_ms: Millis,
    },
}

impl Answer {
    pub fn rationale(&self) -> &str {
        match self {
            Answer::Placed { rationale, .. } | Answer::NotSure { rationale, .. } => rationale,
        }
    }

    pub fn at_ms(&self) -> Millis {
        match self {
            Answer::Placed { at_ms, .. } | Answer::NotSure { at_ms, .. } => *at_ms,
        }
    }

    /// The cell, for a placed answer.
    pub fn cell(&self) -> Option<Cell> {
        match self {
            Answer::Placed {
                likelihood, impact, ..
            } => Some(Cell::new(*likelihood, *impact)),
            Answer::NotSure { .. } => None,
        }
    }

    /// The same answer stamped with `now`.
    pub fn stamped(mut self, now: Millis) -> Self {
        match &mut self {
            Answer::Placed { at_ms, .. } | Answer::NotSure { at_ms, .. } => *at_ms = now,
        }
        self
    }
}
