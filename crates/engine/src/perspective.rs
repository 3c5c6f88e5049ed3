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

/// Colours given to new perspectives in turn: Dev's blue and Ops' orange first, then six more that
/// stay apart from each other and from the band colours.
pub const PALETTE: [&str; 8] = [
    "#2f6fdf", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#0b7285", "#5c940d", "#495057",
];

/// The longest id made from a name; names may be longer.
const MAX_ID_CHARS: usize = 40;

impl PerspectiveId {
    /// An id for a new perspective called `name`, unique among `existing`: the name in lower case
    /// with runs of anything but letters and digits turned into one '-' ("App Sec" → "app-sec"),
    /// then "-2", "-3"… if that is taken. Ids key placements in the file, so they never change
    /// after a perspective is created, even when it is renamed.
    pub fn from_name(name: &str, existing: &[Perspective]) -> PerspectiveId {
        let mut slug = String::new();
        for ch in name.trim().chars().flat_map(char::to_lowercase) {
            if ch.is_alphanumeric() {
                slug.push(ch);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut base: String = slug
            .trim_end_matches('-')
            .chars()
            .take(MAX_ID_CHARS)
            .collect();
        base.truncate(base.trim_end_matches('-').len());
        if base.is_empty() {
            base.push_str("perspective");
        }
        let taken = |id: &str| existing.iter().any(|p| p.id.0 == id);
        if !taken(&base) {
            return PerspectiveId(base);
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !taken(id))
            .map(PerspectiveId)
            .unwrap_or_else(|| PerspectiveId(base))
    }
}

impl Perspective {
    /// The first palette colour no perspective in `existing` uses yet (the first one when all are).
    pub fn free_color(existing: &[Perspective]) -> &'static str {
        PALETTE
            .iter()
            .find(|c| !existing.iter().any(|p| p.color.eq_ignore_ascii_case(c)))
            .copied()
            .unwrap_or(PALETTE[0])
    }

    pub fn new(id: &str, name: &str, color: &str) -> Self {
        Perspective {
            id: PerspectiveId::new(id),
            name: name.to_owned(),
            color: color.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_names_and_stay_unique() {
        let existing = vec![
            Perspective::new("dev", "Dev", PALETTE[0]),
            Perspective::new("ops", "Ops", PALETTE[1]),
            Perspective::new("app-sec", "AppSec", PALETTE[2]),
        ];
        assert_eq!(
            PerspectiveId::from_name("Security", &existing).0,
            "security"
        );
        assert_eq!(
            PerspectiveId::from_name("  App  Sec! ", &existing).0,
            "app-sec-2"
        );
        assert_eq!(PerspectiveId::from_name("OPS", &existing).0, "ops-2");
        assert_eq!(
            PerspectiveId::from_name("Sécurité", &existing).0,
            "sécurité"
        );
        assert_eq!(PerspectiveId::from_name("!!!", &existing).0, "perspective");
        let long = "x".repeat(100);
        assert_eq!(
            PerspectiveId::from_name(&long, &existing).0.len(),
            MAX_ID_CHARS
        );
    }

    #[test]
    fn new_perspectives_get_a_colour_not_in_use() {
        let existing = vec![
            Perspective::new("dev", "Dev", PALETTE[0]),
            Perspective::new("ops", "Ops", &PALETTE[2].to_uppercase()),
        ];
        assert_eq!(Perspective::free_color(&existing), PALETTE[1]);
    }
}
