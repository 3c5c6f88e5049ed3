//! Edits of the room: a participant joins, answers for a change (a cell, "not sure", or takes the
//! answer back) and leaves; and their exact inverses, which put back the answers and the
//! perspective's placements as they were. An answer, and a leaving member, recompute the
//! member perspective's placement of that change from its members' answers (`aggregate.rs`); a
//! placement made directly on the laptop (no spread) is replaced only when a member places, never
//! removed because nobody did. Every limit is checked before anything changes.

use std::collections::BTreeMap;

use super::{cell_label, change_index, check_cell, check_index, check_placement, Done, Edit};
use super::{perspective_index, EditError};
use crate::aggregate::aggregate;
use crate::validate::{self, check_participant};
use crate::{Answer, ChangeId, Millis, Participant, ParticipantId, Placement, Workshop};
use crate::{PerspectiveId, MAX_PARTICIPANTS};

fn participant_index(w: &Workshop, id: &ParticipantId) -> Result<usize, EditError> {
    w.participant_index(id)
        .ok_or_else(|| EditError::UnknownParticipant(id.0.clone()))
}

/// A participant that may join as the `index`-th: free id, known perspective, valid name, room.
fn check_new(w: &Workshop, index: usize, p: &Participant) -> Result<(), EditError> {
    if w.participants.len() >= MAX_PARTICIPANTS {
        return Err(EditError::TooManyParticipants);
    }
    check_index(index, w.participants.len())?;
    if w.participant(&p.id).is_some() {
        return Err(EditError::DuplicateParticipant(p.id.0.clone()));
    }
    check_participant(w, &format!("participants[{index}]"), p)?;
    Ok(())
}

/// An answer as validation wants it: a cell inside the matrix, a one-line rationale.
fn check_answer(w: &Workshop, path: &str, answer: &Answer) -> Result<(), EditError> {
    if let Some(cell) = answer.cell() {
        check_cell(w, path, cell)?;
    }
    validate::check_short_text(&format!("{path}.rationale"), answer.rationale(), false)?;
    Ok(())
}

/// The placement `perspective` gets for the change at `index` from its members' answers: their
/// aggregate when someone placed; otherwise none if the current one came from answers, and the
/// current one (made on the laptop, or nothing) left alone if not.
fn derived(w: &Workshop, index: usize, perspective: &PerspectiveId) -> Option<Placement> {
    let change = &w.changes[index];
    let answers = w
        .members(perspective)
        .filter_map(|m| change.answers.get(&m.id));
    aggregate(answers).or_else(|| {
        change
            .placements
            .get(perspective)
            .filter(|p| p.spread.is_none())
            .cloned()
    })
}

/// Sets (or clears) a placement, returning the one it replaces.
fn set_placement(
    w: &mut Workshop,
    index: usize,
    perspective: &PerspectiveId,
    placement: Option<Placement>,
) -> Option<Placement> {
    let placements = &mut w.changes[index].placements;
    match placement {
        Some(p) => placements.insert(perspective.clone(), p),
        None => placements.remove(perspective),
    }
}

fn perspective_name(w: &Workshop, id: &PerspectiveId) -> String {
    w.perspective(id)
        .map_or_else(|| id.0.clone(), |p| p.name.clone())
}

pub(super) fn join(w: &mut Workshop, participant: Participant) -> Done {
    let index = w.participants.len();
    check_new(w, index, &participant)?;
    let label = format!(
        "{} joined as {}",
        participant.display(),
        perspective_name(w, &participant.perspective)
    );
    let id = participant.id.clone();
    w.participants.push(participant);
    Ok((Edit::Leave { participant: id }, label))
}

pub(super) fn leave(w: &mut Workshop, participant: ParticipantId) -> Done {
    let at = participant_index(w, &participant)?;
    let removed = w.participants.remove(at);
    let mut answers = BTreeMap::new();
    let mut placements = BTreeMap::new();
    for i in 0..w.changes.len() {
        let Some(answer) = w.changes[i].answers.remove(&participant) else {
            continue;
        };
        let id = w.changes[i].id.clone();
        answers.insert(id.clone(), answer);
        let new = derived(w, i, &removed.perspective);
        let old = set_placement(w, i, &removed.perspective, new);
        placements.insert(id, old);
    }
    let label = format!("{} left", removed.display());
    Ok((
        Edit::RestoreParticipant {
            index: at,
            participant: removed,
            answers,
            placements,
        },
        label,
    ))
}

pub(super) fn restore_participant(
    w: &mut Workshop,
    index: usize,
    participant: Participant,
    answers: BTreeMap<ChangeId, Answer>,
    placements: BTreeMap<ChangeId, Option<Placement>>,
) -> Done {
    check_new(w, index, &participant)?;
    let perspective = participant.perspective.clone();
    let mut answer_at = Vec::with_capacity(answers.len());
    for (change, answer) in &answers {
        let i = change_index(w, change)?;
        check_answer(
            w,
            &format!("changes[{i}].answers.{}", participant.id),
            answer,
        )?;
        answer_at.push(i);
    }
    let mut placement_at = Vec::with_capacity(placements.len());
    for (change, placement) in &placements {
        let i = change_index(w, change)?;
        if let Some(p) = placement {
            check_placement(w, &format!("changes[{i}].placements.{perspective}"), p)?;
        }
        placement_at.push(i);
    }
    let label = format!(
        "{} joined as {}",
        participant.display(),
        perspective_name(w, &perspective)
    );
    let id = participant.id.clone();
    for (i, answer) in answer_at.into_iter().zip(answers.into_values()) {
        w.changes[i].answers.insert(id.clone(), answer);
    }
    for (i, placement) in placement_at.into_iter().zip(placements.into_values()) {
        set_placement(w, i, &perspective, placement);
    }
    w.participants.insert(index, participant);
    Ok((Edit::Leave { participant: id }, label))
}

/// "Ana: 'Upgrade PostgreSQL 14 → 16' to L3 × I2".
fn answer_label(who: &str, title: &str, answer: Option<&Answer>) -> String {
    match answer {
        Some(Answer::Placed {
            likelihood, impact, ..
        }) => format!(
            "{who}: '{title}' to {}",
            cell_label(crate::Cell::new(*likelihood, *impact))
        ),
        Some(Answer::NotSure { .. }) => format!("{who}: not sure about '{title}'"),
        None => format!("{who}: take back '{title}'"),
    }
}

pub(super) fn answer(
    w: &mut Workshop,
    participant: ParticipantId,
    change: ChangeId,
    answer: Option<Answer>,
    now: Millis,
) -> Done {
    let who = &w.participants[participant_index(w, &participant)?];
    let perspective = who.perspective.clone();
    let name = who.display();
    perspective_index(w, &perspective)?;
    let index = change_index(w, &change)?;
    let answer = answer.map(|a| a.stamped(now));
    if let Some(a) = &answer {
        check_answer(w, &format!("changes[{index}].answers.{participant}"), a)?;
    }
    let label = answer_label(&name, &w.changes[index].title, answer.as_ref());
    let answers = &mut w.changes[index].answers;
    let old_answer = match answer {
        Some(a) => answers.insert(participant.clone(), a),
        None => answers.remove(&participant),
    };
    let new = derived(w, index, &perspective);
    let old_placement = set_placement(w, index, &perspective, new);
    Ok((
        Edit::RestoreAnswer {
            participant,
            change,
            answer: old_answer,
            placement: old_placement,
        },
        label,
    ))
}

pub(super) fn restore_answer(
    w: &mut Workshop,
    participant: ParticipantId,
    change: ChangeId,
    answer: Option<Answer>,
    placement: Option<Placement>,
) -> Done {
    let who = &w.participants[participant_index(w, &participant)?];
    let perspective = who.perspective.clone();
    let name = who.display();
    perspective_index(w, &perspective)?;
    let index = change_index(w, &change)?;
    if let Some(a) = &answer {
        check_answer(w, &format!("changes[{index}].answers.{participant}"), a)?;
    }
    if let Some(p) = &placement {
        check_placement(w, &format!("changes[{index}].placements.{perspective}"), p)?;
    }
    let label = answer_label(&name, &w.changes[index].title, answer.as_ref());
    let answers = &mut w.changes[index].answers;
    let old_answer = match answer {
        Some(a) => answers.insert(participant.clone(), a),
        None => answers.remove(&participant),
    };
    let old_placement = set_placement(w, index, &perspective, placement);
    Ok((
        Edit::RestoreAnswer {
            participant,
            change,
            answer: old_answer,
            placement: old_placement,
        },
        label,
    ))
}
