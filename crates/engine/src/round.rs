//! A round of the room, as the engine reads it to build what each person may receive: which
//! changes are asked about and whether names are shown (`Round`, kept by the shell, never in the
//! file), what one participant receives (`ParticipantView`, built in `view.rs`), and how far the
//! people in the room have got (`Workshop::room_people`, `Workshop::room_progress`).
//!
//! Progress must never say where anyone placed anything: only who joined (a name only when the
//! round asks for names) and how many of the round's changes each has answered.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    Answer, Cell, Change, ChangeId, ChangeType, Matrix, Participant, PerspectiveId, Phase,
};
use crate::{Millis, ParticipantId, Workshop};

/// Which changes a round asks about and how people join it. Lives in the shell, not the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Round {
    /// The changes in the round, in the workshop's order; empty means all of them.
    #[serde(default)]
    pub changes: Vec<ChangeId>,
    /// The perspective everyone joins; None lets each participant choose.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub assign: Option<PerspectiveId>,
    /// Whether participants give a name; without names everyone is "anonymous".
    #[serde(default)]
    pub names: bool,
    /// When the room opened (set by the shell): the round's people are those who joined since;
    /// participants of an earlier room stay in the workshop but not in this round's lists.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub opened_at_ms: Option<Millis>,
}

impl Round {
    /// Whether `participant` joined this round (not an earlier room on the same workshop).
    pub fn has(&self, participant: &Participant) -> bool {
        self.opened_at_ms
            .is_none_or(|opened| participant.joined_at_ms >= opened)
    }

    /// Whether `change` is asked about in this round.
    pub fn includes(&self, change: &ChangeId) -> bool {
        self.changes.is_empty() || self.changes.contains(change)
    }
}

/// A perspective as a participant sees it: its name and colour, never its placements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PerspectiveName {
    pub id: PerspectiveId,
    pub name: String,
    pub color: String,
}

impl From<&crate::Perspective> for PerspectiveName {
    fn from(p: &crate::Perspective) -> Self {
        PerspectiveName {
            id: p.id.clone(),
            name: p.name.clone(),
            color: p.color.clone(),
        }
    }
}

/// A change of the round as a participant sees it: what it is, never where anyone put it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoundChange {
    pub id: ChangeId,
    pub title: String,
    pub description: String,
    pub change_type: ChangeType,
    pub ticket: String,
}

/// After Reveal: where a perspective placed a change, without its rationale or spread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RevealedPlacement {
    pub change: ChangeId,
    pub perspective: PerspectiveId,
    pub cell: Cell,
}

/// Everything one participant may receive, built for them alone (`Workshop::participant_view`):
/// the round's changes, the matrix with the workshop's own words, the perspectives' names, their
/// own record and their own answers; after Reveal, the perspectives' placements (never another
/// person's answers, name or perspective).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ParticipantView {
    pub you: Participant,
    pub title: String,
    pub matrix: Matrix,
    pub perspectives: Vec<PerspectiveName>,
    pub changes: Vec<RoundChange>,
    pub answers: BTreeMap<ChangeId, Answer>,
    pub phase: Phase,
    /// Empty until the facilitator reveals.
    pub revealed: Vec<RevealedPlacement>,
}

/// One person in the facilitator's list: a name only when the round asks for names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomPerson {
    pub id: ParticipantId,
    /// Their name, or "anonymous".
    pub name: String,
    pub perspective: PerspectiveId,
    /// Changes of the round answered (placed or "not sure") of `of`.
    pub answered: u32,
    pub of: u32,
}

/// "Ops: 4 of 6 people done, 2 still placing".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomProgress {
    pub perspective: PerspectiveId,
    pub name: String,
    pub people: u32,
    /// People who answered every change of the round.
    pub done: u32,
    /// Who has not answered every change of the round yet ("anonymous" without names).
    pub placing: Vec<String>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Workshop {
    /// The changes of the round, in the workshop's order (changes deleted since are left out).
    pub fn round_changes<'w>(&'w self, round: &'w Round) -> impl Iterator<Item = &'w Change> + 'w {
        self.changes.iter().filter(move |c| round.includes(&c.id))
    }

    /// Everyone who joined, in the order they joined, with how far each has got.
    pub fn room_people(&self, round: &Round) -> Vec<RoomPerson> {
        let in_round: Vec<&Change> = self.round_changes(round).collect();
        let of = count(in_round.len());
        self.participants
            .iter()
            .filter(|p| round.has(p))
            .map(|p| RoomPerson {
                id: p.id.clone(),
                name: match (&p.name, round.names) {
                    (Some(name), true) => name.clone(),
                    _ => "anonymous".to_owned(),
                },
                perspective: p.perspective.clone(),
                answered: count(
                    in_round
                        .iter()
                        .filter(|c| c.answers.contains_key(&p.id))
                        .count(),
                ),
                of,
            })
            .collect()
    }

    /// Per perspective, in workshop order: how many joined, how many are done, who still places.
    pub fn room_progress(&self, round: &Round) -> Vec<RoomProgress> {
        let people = self.room_people(round);
        self.perspectives
            .iter()
            .map(|p| {
                let members: Vec<&RoomPerson> =
                    people.iter().filter(|x| x.perspective == p.id).collect();
                let placing: Vec<String> = members
                    .iter()
                    .filter(|x| x.answered < x.of)
                    .map(|x| x.name.clone())
                    .collect();
                RoomProgress {
                    perspective: p.id.clone(),
                    name: p.name.clone(),
                    people: count(members.len()),
                    done: count(members.len() - placing.len()),
                    placing,
                }
            })
            .collect()
    }
}
