//! The room's one door to the engine: a participant joining and answering become the engine's
//! `Edit::Join` and `Edit::Answer`, applied through the app's own edit path (session lock,
//! `Document::apply`, recovery copy, window title), so they are saved in the file, undoable by
//! the facilitator and counted in the workshop's analysis. What a participant receives is the
//! engine's `Workshop::participant_view`, and the facilitator's progress its `room_people` and
//! `room_progress`. No other file of the room touches a workshop.
//!
//! It must never build a participant's view itself (the engine decides what each person may
//! see), and never apply an edit a participant has no right to: only their own answers, for the
//! changes of the round.

use parallax_engine::edit::EditError;
use parallax_engine::{Edit, Millis, PerspectiveId, Workshop};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use crate::error::CommandError;
use crate::state::Session;
use crate::window::retitle;

// The room's words are the engine's: one definition, one generated TypeScript type each.
pub use parallax_engine::{
    Answer, ChangeId, Participant, ParticipantId, ParticipantView, PerspectiveName,
    RevealedPlacement, RoomPerson, RoomProgress, Round, RoundChange, MAX_NAME_CHARS,
    MAX_PARTICIPANTS,
};

/// Why the room refused a participant's action; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The workshop has as many participants as it can take.
    Full,
    /// The participant is not (or no longer) in the workshop: the facilitator undid their join.
    Gone,
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
            Refusal::Full => write!(f, "the room is full ({MAX_PARTICIPANTS} people)"),
            Refusal::Gone => f.write_str("you are no longer in this round: join it again"),
            Refusal::NoSuchPerspective => f.write_str("choose one of the workshop's perspectives"),
            Refusal::NotInRound => f.write_str("that change is not in this round"),
            Refusal::Invalid(why) => f.write_str(why),
        }
    }
}

/// A participant's edit through the app's edit path, with the engine's refusal in their words.
fn apply_theirs<R: Runtime>(
    app: &AppHandle<R>,
    session: &mut Session,
    edit: Edit,
    now: Millis,
) -> Result<(), Refusal> {
    session.doc.apply(edit, now).map_err(|e| match e {
        EditError::TooManyParticipants => Refusal::Full,
        EditError::UnknownParticipant(_) => Refusal::Gone,
        other => Refusal::Invalid(other.to_string()),
    })?;
    crate::keeper::changed(app);
    retitle(app, session);
    Ok(())
}

/// Applies `edit` the way every edit of the app is applied: `Document::apply` on the open
/// session (whose lock the caller holds), then a recovery copy scheduled and the window title
/// brought up to date.
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

/// The perspective and name someone joins with: the round's perspective when it assigns one,
/// and a name only when the round asks for names.
fn newcomer(
    w: &Workshop,
    round: &Round,
    name: Option<String>,
    perspective: Option<PerspectiveId>,
    now: Millis,
) -> Result<Participant, Refusal> {
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
    Ok(Participant {
        id: w.next_participant_id(),
        name,
        perspective,
        joined_at_ms: now,
    })
}

/// A new participant joins the round: `Edit::Join` through the app's edit path.
pub fn join<R: Runtime>(
    app: &AppHandle<R>,
    session: &mut Session,
    round: &Round,
    name: Option<String>,
    perspective: Option<PerspectiveId>,
) -> Result<ParticipantId, Refusal> {
    let now = crate::clock::now();
    let participant = newcomer(session.doc.workshop(), round, name, perspective, now)?;
    let id = participant.id.clone();
    apply_theirs(app, session, Edit::Join { participant }, now)?;
    Ok(id)
}

/// A participant answers for a change of the round (or takes the answer back with `None`):
/// `Edit::Answer` through the app's edit path. Only their own answer: `who` is the participant
/// the connection authenticated.
pub fn answer<R: Runtime>(
    app: &AppHandle<R>,
    session: &mut Session,
    round: &Round,
    who: &ParticipantId,
    change: ChangeId,
    answer: Option<Answer>,
) -> Result<(), Refusal> {
    let w = session.doc.workshop();
    if w.participant(who).is_none() {
        return Err(Refusal::Gone);
    }
    if !w.round_changes(round).any(|c| c.id == change) {
        return Err(Refusal::NotInRound);
    }
    let edit = Edit::Answer {
        participant: who.clone(),
        change,
        answer,
    };
    apply_theirs(app, session, edit, crate::clock::now())
}

/// Who joined this round and how far each perspective is: never where anyone placed anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct RoomHeadcount {
    pub people: Vec<RoomPerson>,
    pub perspectives: Vec<RoomProgress>,
}

pub fn progress(w: &Workshop, round: &Round) -> RoomHeadcount {
    RoomHeadcount {
        people: w.room_people(round),
        perspectives: w.room_progress(round),
    }
}
