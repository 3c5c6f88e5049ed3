//! A change is anything that alters a production service: a deployment, a migration, a config or
//! infrastructure change. It carries every perspective's placement of it, the consensus, the
//! mitigations and the residual placement. Its order in the workshop is its position in the list.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Answer, Cell, Mitigation, MitigationId, ParticipantId, PerspectiveId, Placement};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct ChangeId(pub String);

impl ChangeId {
    pub fn new(id: &str) -> Self {
        ChangeId(id.to_owned())
    }
}

impl std::fmt::Display for ChangeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// ITIL's kinds of change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ChangeType {
    /// Pre-authorised, low risk, repeatable: no review board.
    Standard,
    /// Assessed and authorised, often by a change advisory board.
    #[default]
    Normal,
    /// Must happen now; reviewed after.
    Emergency,
}

impl std::str::FromStr for ChangeType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "standard" => Ok(ChangeType::Standard),
            "normal" | "" => Ok(ChangeType::Normal),
            "emergency" => Ok(ChangeType::Emergency),
            other => Err(format!(
                "unknown change type '{other}': use standard, normal or emergency"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub id: ChangeId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub change_type: ChangeType,
    /// A reference in the team's tracker, e.g. "OPS-1234".
    #[serde(default)]
    pub ticket: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Each perspective's placement, keyed by perspective id. A missing key means "not placed".
    #[serde(default, deserialize_with = "placements_once_each")]
    pub placements: BTreeMap<PerspectiveId, Placement>,
    /// Where the room agreed the change sits, once it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub consensus: Option<Cell>,
    #[serde(default)]
    pub mitigations: Vec<Mitigation>,
    /// Where the change sits once its mitigations are in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub residual: Option<Cell>,
    /// Each participant's answer, keyed by participant id (the room); empty on a workshop placed
    /// on one laptop, and then not written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, as = "Option<BTreeMap<ParticipantId, Answer>>")]
    pub answers: BTreeMap<ParticipantId, Answer>,
    /// A reference change the room places first to agree what the levels mean (format 3). It
    /// stays in the file, marked, and the workshop's statistics leave it out; the analysis shows
    /// its gaps on their own. Not written when false.
    #[serde(default, skip_serializing_if = "is_false")]
    #[ts(optional, as = "Option<bool>")]
    pub calibration: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Change {
    /// A change with a title and nothing placed yet.
    pub fn new(id: &str, title: &str) -> Self {
        Change {
            id: ChangeId::new(id),
            title: title.to_owned(),
            description: String::new(),
            change_type: ChangeType::Normal,
            ticket: String::new(),
            tags: Vec::new(),
            placements: BTreeMap::new(),
            consensus: None,
            mitigations: Vec::new(),
            residual: None,
            answers: BTreeMap::new(),
            calibration: false,
        }
    }
}

impl Change {
    /// A mitigation id not used on this change yet: `m<N>` with N one past the highest in use,
    /// or, should a file already use `m18446744073709551615`, the lowest `m<N>` that is free.
    pub fn next_mitigation_id(&self) -> MitigationId {
        let numbers = || {
            self.mitigations
                .iter()
                .filter_map(|m| m.id.0.strip_prefix('m')?.parse::<u64>().ok())
        };
        let next = numbers().max().unwrap_or(0).checked_add(1).or_else(|| {
            let used: std::collections::HashSet<u64> = numbers().collect();
            (1..).find(|n| !used.contains(n))
        });
        MitigationId(format!("m{}", next.unwrap_or(1)))
    }

    pub fn mitigation_index(&self, id: &MitigationId) -> Option<usize> {
        self.mitigations.iter().position(|m| &m.id == id)
    }

    /// Every cell this change occupies: each placement (and the far corner of its spread), the
    /// consensus, the residual and each participant's placed answer, with what it is ("ops",
    /// "consensus", "residual", "p3") for messages.
    pub fn cells(&self) -> impl Iterator<Item = (String, Cell)> + '_ {
        self.placements
            .iter()
            .flat_map(|(p, pl)| {
                let corner = pl
                    .spread
                    .map(|s| Cell::new(s.likelihood_max, s.impact_max))
                    .filter(|c| *c != pl.cell());
                std::iter::once((p.0.clone(), pl.cell())).chain(corner.map(|c| (p.0.clone(), c)))
            })
            .chain(self.consensus.map(|c| ("consensus".to_owned(), c)))
            .chain(self.residual.map(|c| ("residual".to_owned(), c)))
            .chain(
                self.answers
                    .iter()
                    .filter_map(|(who, a)| Some((who.0.clone(), a.cell()?))),
            )
    }
}

/// A map's `Deserialize` keeps the last of two equal keys and drops the first without a word; a
/// file edited by hand or merged badly would lose a placement on open. This refuses it instead.
fn placements_once_each<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<PerspectiveId, Placement>, D::Error> {
    struct Once;
    impl<'de> serde::de::Visitor<'de> for Once {
        type Value = BTreeMap<PerspectiveId, Placement>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("placements keyed by perspective id")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut placements = BTreeMap::new();
            while let Some((id, placement)) = map.next_entry::<PerspectiveId, Placement>()? {
                if let Some(id) = placements.insert(id.clone(), placement).map(|_| id) {
                    return Err(serde::de::Error::custom(format!(
                        "perspective {:?} is placed twice",
                        id.0
                    )));
                }
            }
            Ok(placements)
        }
    }
    d.deserialize_map(Once)
}
