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
    /// A numeric range shown in brackets beside the label (format 3), e.g. "about 1 in 10 such
    /// changes" or "checkout down 15–60 min": verbal labels alone are read in very different
    /// ways, a number beside them much less so. Empty: no anchor, and not written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[ts(optional, as = "Option<String>")]
    pub anchor: String,
}

impl Level {
    pub fn new(label: &str, definition: &str, example: &str) -> Self {
        Level {
            label: label.to_owned(),
            definition: definition.to_owned(),
            example: example.to_owned(),
            anchor: String::new(),
        }
    }

    /// The same level with a numeric anchor.
    pub fn anchored(self, anchor: &str) -> Self {
        Level {
            anchor: anchor.to_owned(),
            ..self
        }
    }

    /// The label with its anchor in brackets, as every text output names a level: "Likely
    /// (about 1 in 10 such changes)", or the bare label when it has no anchor.
    pub fn label_with_anchor(&self) -> String {
        let anchor = self.anchor.trim();
        if anchor.is_empty() {
            self.label.clone()
        } else {
            format!("{} ({anchor})", self.label)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anchor_goes_in_brackets_beside_the_label() {
        let likely = Level::new("Likely", "", "");
        assert_eq!(likely.label_with_anchor(), "Likely");
        let likely = likely.anchored("about 1 in 10 such changes");
        assert_eq!(
            likely.label_with_anchor(),
            "Likely (about 1 in 10 such changes)"
        );
        assert_eq!(
            Level::new("Major", "", "")
                .anchored("  ")
                .label_with_anchor(),
            "Major",
            "an anchor of spaces is no anchor"
        );
    }

    #[test]
    fn a_level_without_anchor_is_written_as_before() {
        let json = serde_json::to_string(&Level::new("Rare", "d", "e")).unwrap();
        assert_eq!(json, r#"{"label":"Rare","definition":"d","example":"e"}"#);
        let back: Level = serde_json::from_str(&json).unwrap();
        assert_eq!(back.anchor, "");
    }
}
