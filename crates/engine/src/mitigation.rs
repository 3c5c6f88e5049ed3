//! A mitigation lowers a change's risk on one axis: likelihood-reducing (tests, review, staged
//! rollout checks) or impact-reducing (feature flag, canary, automated rollback, smaller batch).
//! Which axis it lowers is the whole point: never store a mitigation without one. Who proposed
//! it is optional: a mitigation is worth recording even when nobody noted whose idea it was.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Axis, PerspectiveId};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct MitigationId(pub String);

impl MitigationId {
    pub fn new(id: &str) -> Self {
        MitigationId(id.to_owned())
    }
}

impl std::fmt::Display for MitigationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    pub id: MitigationId,
    pub text: String,
    #[serde(default)]
    pub owner: String,
    /// The axis this mitigation lowers.
    pub lowers: Axis,
    /// The perspective that proposed it, when recorded (format 3): who lowers what is the
    /// workshop's thesis, so the mix per perspective is counted from it. Removing the
    /// perspective clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub proposed_by: Option<PerspectiveId>,
}
