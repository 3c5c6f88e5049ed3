//! A perspective is a group that places every change from its own point of view (Dev, Ops,
//! Security…). Its id is stable for the life of the file; its name and colour may change.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable id of a perspective, the key of placements in the file (`placements.ops`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct PerspectiveId(pub String);

impl PerspectiveId {
    pub fn new(id: &str) -> Self {
        PerspectiveId(id.to_owned())
    }
}

impl std::fmt::Display for PerspectiveId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Perspective {
    pub id: PerspectiveId,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

impl Perspective {
    pub fn new(id: &str, name: &str, color: &str) -> Self {
        Perspective {
            id: PerspectiveId::new(id),
            name: name.to_owned(),
            color: color.to_owned(),
        }
    }
}
