//! The people in the room: someone who joined from their own device, with the perspective they
//! place for and, when the facilitator asks for names, a display name. Their answers live on the
//! changes (`Change::answers`), keyed by their id. Plain data: they join, answer and leave only
//! through `edit::apply`, which keeps the limits below.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Millis, PerspectiveId, Workshop};

/// The most people in one workshop.
pub const MAX_PARTICIPANTS: usize = 100;

/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// A participant's id, assigned by the engine ("p1", "p2", …; see
/// `Workshop::next_participant_id`). It keys their answers in the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct ParticipantId(pub String);

impl ParticipantId {
    pub fn new(id: &str) -> Self {
        ParticipantId(id.to_owned())
    }
}

impl std::fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Someone who joined the room from their own device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub id: ParticipantId,
    /// None when the round asks for no names (or the person gave none): "anonymous".
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name: Option<String>,
    pub perspective: PerspectiveId,
    #[ts(type = "number")]
    pub joined_at_ms: Millis,
}

impl Participant {
    /// How a label or a list names them: their name, or "Anonymous (p3)".
    pub fn display(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("Anonymous ({})", self.id),
        }
    }
}

impl Workshop {
    pub fn participant(&self, id: &ParticipantId) -> Option<&Participant> {
        self.participants.iter().find(|p| &p.id == id)
    }

    pub fn participant_index(&self, id: &ParticipantId) -> Option<usize> {
        self.participants.iter().position(|p| &p.id == id)
    }

    /// The participants who place for `perspective`, in the order they joined.
    pub fn members<'w>(
        &'w self,
        perspective: &'w PerspectiveId,
    ) -> impl Iterator<Item = &'w Participant> + 'w {
        self.participants
            .iter()
            .filter(move |p| &p.perspective == perspective)
    }

    /// A participant id not used yet: `p<N>` with N one past the highest in use, or, should a
    /// file already use `p18446744073709551615`, the lowest `p<N>` that is free. An id is never
    /// reused while its holder is in the workshop, so an old connection cannot act as a newcomer.
    pub fn next_participant_id(&self) -> ParticipantId {
        let numbers = || {
            self.participants
                .iter()
                .filter_map(|p| p.id.0.strip_prefix('p')?.parse::<u64>().ok())
        };
        let next = numbers().max().unwrap_or(0).checked_add(1).or_else(|| {
            let used: std::collections::HashSet<u64> = numbers().collect();
            (1..).find(|n| !used.contains(n))
        });
        ParticipantId(format!("p{}", next.unwrap_or(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn a_new_participant_id_is_always_free() {
        let mut w = sample::workshop();
        assert_eq!(w.next_participant_id(), ParticipantId::new("p1"));
        let p = |id: &str| Participant {
            id: ParticipantId::new(id),
            name: None,
            perspective: PerspectiveId::new("dev"),
            joined_at_ms: 0,
        };
        w.participants = vec![p("p1"), p("p7"), p("anna")];
        assert_eq!(w.next_participant_id(), ParticipantId::new("p8"));
        w.participants.push(p(&format!("p{}", u64::MAX)));
        let next = w.next_participant_id();
        assert!(w.participant(&next).is_none(), "{next}");
        assert_eq!(next, ParticipantId::new("p2"));
    }
}
