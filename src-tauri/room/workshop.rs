//! The room's one door to the engine: a participant's answer becomes an engine `Edit` applied
//! through the app's own edit path (session lock, `Document::apply`, recovery copy, window
//! title), a participant's view is built here for that participant alone, and the facilitator's
//! progress is counted here. No other file of the room touches a workshop. It must never send
//! a participant anything another participant said, and never apply an edit a participant has
//! no right to (only their own answers).
//!
//! The engine's participant model replaces this (see ROOM-SPEC.md): until it is on main, the
//! types below stand in for the engine's, with the spec's names and shapes, and the `Ledger`
//! keeps in the shell what the engine will keep in the workshop. What changes then:
//! - `ParticipantId`, `Participant`, `Answer`, `ParticipantView` become
//!   `pub use parallax_engine::{…}` (the stand-ins are deleted);
//! - `join` applies `Edit::Join { participant }` (the engine assigns the id with
//!   `Workshop::next_participant_id()` and enforces the 100-participant limit), so participants
//!   are saved in the file, undoable and in the recovery copy; the `Ledger`'s participant list goes;
//! - `answer` applies `Edit::Answer { participant, change, answer }`: the engine stores the answer
//!   (with "not sure" and its rationale) and recomputes the perspective's placement as the median
//!   of its members' placed answers. Today it applies `Edit::Place`/`Edit::Unplace` to the
//!   participant's perspective (the last member to answer wins, there is no median), and "not
//!   sure" is kept in the `Ledger` only (not saved);
//! - `participant_view` becomes `Workshop::participant_view(id, round)`; today it is built from
//!   the `Ledger` (own answers) and the workshop (round changes, matrix, perspective names, and
//!   after Reveal the perspectives' placements without rationales). Because the answers are the
//!   Ledger's, a facilitator's undo of a participant's placement is not reflected in that
//!   participant's own view until then;
//! - `progress` counts the workshop's `participants` and `answers` instead of the Ledger's.

use std::collections::BTreeMap;

use parallax_engine::validate::{check_short_text, MAX_SHORT_TEXT};
use parallax_engine::{Cell, ChangeId, Edit, Millis, PerspectiveId, Phase, Workshop};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use crate::error::CommandError;
use crate::state::Session;
use crate::window::retitle;

/// The most people in one round.
pub const MAX_PARTICIPANTS: usize = 100;

/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

// The room's words are the engine's: one definition, one generated TypeScript type each.
pub use parallax_engine::{
    Answer, Participant, ParticipantId, ParticipantView, PerspectiveName, RevealedPlacement, Round,
    RoundChange,
};

/// What the room keeps that the engine does not keep yet (see the module head): who joined,
/// what each said, and which member last wrote a perspective's placement.
#[derive(Debug, Default)]
pub struct Ledger {
    participants: Vec<Participant>,
    answers: BTreeMap<ParticipantId, BTreeMap<ChangeId, Answer>>,
    last_writer: BTreeMap<(ChangeId, PerspectiveId), ParticipantId>,
}

impl Ledger {
    pub fn participant(&self, id: &ParticipantId) -> Option<&Participant> {
        self.participants.iter().find(|p| &p.id == id)
    }

    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }

    fn next_id(&self) -> ParticipantId {
        ParticipantId(format!("p{}", self.participants.len() + 1))
    }
}

/// Why the room refused a participant's action; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The round is full.
    Full,
    /// The participant must choose one of the workshop's perspectives.
    NoSuchPerspective,
    /// The change is not in this round.
    NotInRound,
    /// The engine refused the edit (a cell outside the matrix, a rationale too long…).
    Invalid(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Full => write!(f, "the round is full ({MAX_PARTICIPANTS} people)"),
            Refusal::NoSuchPerspective => f.write_str("choose one of the workshop's perspectives"),
            Refusal::NotInRound => f.write_str("that change is not in this round"),
            Refusal::Invalid(why) => f.write_str(why),
        }
    }
}

/// Applies `edit` the way every edit of the app is applied: `Document::apply` on the open
/// session (whose lock the caller holds), then a recovery copy scheduled and the window title
/// brought up to date. `commands::apply_edit` does the same three steps and could call this.
pub fn apply_edit<R: Runtime>(
    app: &AppHandle<R>,
    session: &mut Session,
    edit: Edit,
    now: Millis,
) -> Result<String, CommandError> {
    let label = session.doc.apply(edit, now)?;
    crate::keeper::changed(app);
    retitle(app, session);
    Ok(label)
}

/// A new participant joins the round. The perspective is the round's when it assigns one.
pub fn join(
    session: &Session,
    ledger: &mut Ledger,
    round: &Round,
    name: Option<String>,
    perspective: Option<PerspectiveId>,
    now: Millis,
) -> Result<Participant, Refusal> {
    // The engine's participant model replaces this: `Edit::Join { participant }`.
    if ledger.participants.len() >= MAX_PARTICIPANTS {
        return Err(Refusal::Full);
    }
    let w = session.doc.workshop();
    let perspective = round
        .assign
        .clone()
        .or(perspective)
        .filter(|p| w.perspective(p).is_some())
        .ok_or(Refusal::NoSuchPerspective)?;
    let name = if round.names {
        name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty())
    } else {
        None
    };
    if let Some(n) = &name {
        if n.chars().count() > MAX_NAME_CHARS || n.chars().any(char::is_control) {
            return Err(Refusal::Invalid(format!(
                "a name is one line of at most {MAX_NAME_CHARS} characters"
            )));
        }
    }
    let participant = Participant {
        id: ledger.next_id(),
        name,
        perspective,
        joined_at_ms: now,
    };
    ledger.participants.push(participant.clone());
    Ok(participant)
}

/// The changes of the round, in the workshop's order (changes deleted since are left out).
fn round_changes<'w>(
    w: &'w Workshop,
    round: &'w Round,
) -> impl Iterator<Item = &'w parallax_engine::Change> + 'w {
    w.changes
        .iter()
        .filter(move |c| round.changes.is_empty() || round.changes.contains(&c.id))
}

/// A participant answers for a change (or takes the answer back with `None`), through the app's
/// edit path. Only their own answer: the participant is the one the connection authenticated.
pub fn answer<R: Runtime>(
    app: &AppHandle<R>,
    session: &mut Session,
    ledger: &mut Ledger,
    round: &Round,
    who: &ParticipantId,
    change: ChangeId,
    answer: Option<Answer>,
) -> Result<(), Refusal> {
    let now = crate::clock::now();
    let perspective = ledger
        .participant(who)
        .map(|p| p.perspective.clone())
        .ok_or_else(|| Refusal::Invalid("join the round first".into()))?;
    if !round_changes(session.doc.workshop(), round).any(|c| c.id == change) {
        return Err(Refusal::NotInRound);
    }
    let answer = answer.map(|a| a.stamped(now));
    if let Some(a) = &answer {
        if a.rationale().chars().count() > MAX_SHORT_TEXT {
            return Err(Refusal::Invalid(format!(
                "a rationale is at most {MAX_SHORT_TEXT} characters"
            )));
        }
        check_short_text("rationale", a.rationale(), false)
            .map_err(|e| Refusal::Invalid(e.to_string()))?;
    }
    // The engine's participant model replaces this: `Edit::Answer { participant, change,
    // answer }`, with the perspective's placement recomputed as its members' median.
    let key = (change.clone(), perspective.clone());
    let wrote_last = ledger.last_writer.get(&key) == Some(who);
    let edit = match &answer {
        Some(Answer::Placed {
            likelihood,
            impact,
            rationale,
            ..
        }) => Some(Edit::Place {
            change: change.clone(),
            perspective,
            cell: Cell::new(*likelihood, *impact),
            rationale: Some(rationale.clone()),
        }),
        // Taking back (or "not sure") removes the perspective's placement only when it is this
        // participant's: another member's placement stays.
        _ if wrote_last => Some(Edit::Unplace {
            change: change.clone(),
            perspective,
        }),
        _ => None,
    };
    if let Some(edit) = edit {
        let placed = matches!(edit, Edit::Place { .. });
        apply_edit(app, session, edit, now).map_err(|e| Refusal::Invalid(e.message))?;
        if placed {
            ledger.last_writer.insert(key, who.clone());
        } else {
            ledger.last_writer.remove(&key);
        }
    }
    let mine = ledger.answers.entry(who.clone()).or_default();
    match answer {
        Some(a) => {
            mine.insert(change, a);
        }
        None => {
            mine.remove(&change);
        }
    }
    Ok(())
}

/// Exactly what participant `id` may receive, or None when they are not in the room.
pub fn participant_view(
    w: &Workshop,
    ledger: &Ledger,
    id: &ParticipantId,
    round: &Round,
) -> Option<ParticipantView> {
    // The engine's participant model replaces this: `Workshop::participant_view(id, round)`.
    let you = ledger.participant(id)?.clone();
    let in_round: Vec<&parallax_engine::Change> = round_changes(w, round).collect();
    let answers = ledger
        .answers
        .get(id)
        .map(|mine| {
            mine.iter()
                .filter(|(c, _)| in_round.iter().any(|r| &r.id == *c))
                .map(|(c, a)| (c.clone(), a.clone()))
                .collect()
        })
        .unwrap_or_default();
    // Participants see the perspectives' placements only once the facilitator reveals, blind
    // mode or not: their own screen must never anchor them.
    let revealed = if w.phase == Phase::Revealed {
        in_round
            .iter()
            .flat_map(|c| {
                c.placements.iter().map(|(p, placement)| RevealedPlacement {
                    change: c.id.clone(),
                    perspective: p.clone(),
                    cell: placement.cell(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(ParticipantView {
        you,
        title: w.title.clone(),
        matrix: w.matrix.clone(),
        perspectives: w
            .perspectives
            .iter()
            .map(|p| PerspectiveName {
                id: p.id.clone(),
                name: p.name.clone(),
                color: p.color.clone(),
            })
            .collect(),
        changes: in_round
            .iter()
            .map(|c| RoundChange {
                id: c.id.clone(),
                title: c.title.clone(),
                description: c.description.clone(),
                change_type: c.change_type,
                ticket: c.ticket.clone(),
            })
            .collect(),
        answers,
        phase: w.phase,
        revealed,
    })
}

/// One person in the facilitator's list: a name only when the round asks for names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Person {
    pub name: String,
    pub perspective: PerspectiveId,
    /// Changes answered (placed or "not sure") of `of`.
    pub answered: u32,
    pub of: u32,
}

/// "Ops: 4 of 6 people done, 2 still placing".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PerspectiveProgress {
    pub perspective: PerspectiveId,
    pub name: String,
    pub people: u32,
    pub done: u32,
    /// Who has not answered every change of the round yet ("anonymous" without names).
    pub placing: Vec<String>,
}

/// Who joined and how far each perspective is: never where anyone placed anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct RoomHeadcount {
    pub people: Vec<Person>,
    pub perspectives: Vec<PerspectiveProgress>,
}

pub fn progress(w: &Workshop, ledger: &Ledger, round: &Round) -> RoomHeadcount {
    // The engine's participant model replaces this: counted from `participants` and `answers`.
    let in_round: Vec<&ChangeId> = round_changes(w, round).map(|c| &c.id).collect();
    let of = u32::try_from(in_round.len()).unwrap_or(u32::MAX);
    let people: Vec<Person> = ledger
        .participants
        .iter()
        .map(|p| {
            let answered = ledger
                .answers
                .get(&p.id)
                .map(|a| a.keys().filter(|c| in_round.contains(c)).count())
                .unwrap_or(0);
            Person {
                name: p.name.clone().unwrap_or_else(|| "anonymous".to_owned()),
                perspective: p.perspective.clone(),
                answered: u32::try_from(answered).unwrap_or(u32::MAX),
                of,
            }
        })
        .collect();
    let perspectives = w
        .perspectives
        .iter()
        .map(|p| {
            let members: Vec<&Person> = people.iter().filter(|x| x.perspective == p.id).collect();
            let placing: Vec<String> = members
                .iter()
                .filter(|x| x.answered < x.of)
                .map(|x| x.name.clone())
                .collect();
            PerspectiveProgress {
                perspective: p.id.clone(),
                name: p.name.clone(),
                people: u32::try_from(members.len()).unwrap_or(u32::MAX),
                done: u32::try_from(members.len() - placing.len()).unwrap_or(u32::MAX),
                placing,
            }
        })
        .collect();
    RoomHeadcount {
        people,
        perspectives,
    }
}
