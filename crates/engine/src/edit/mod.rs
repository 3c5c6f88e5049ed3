//! Every change to a workshop is an `Edit`, applied by `apply`. This is the one door: undo/redo,
//! validation, autosave and the unsaved-changes flag all hang off it. `apply` checks an edit fully
//! before touching the workshop, so a refused edit changes nothing, and an edit it accepts always
//! leaves a workshop that `validate::check_workshop` passes (every limit validation enforces is
//! checked here first, or the workshop could no longer be saved). It returns the inverse edit
//! that undoes it exactly (including timestamps).
//!
//! This file holds the `Edit` type and the dispatch; each family does its own checking, mutation
//! and inverse: `changes`, `placements`, `matrix`, `perspectives`, `mitigations`, `workshop`
//! (title, phase, blind mode) and `room` (participants joining, answering, leaving). It must never mutate before every check has passed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::collections::BTreeMap;

use crate::matrix::{MAX_LEVELS, MIN_LEVELS};
use crate::validate::{
    self, ValidationError, MAX_CHANGES, MAX_MITIGATIONS, MAX_PERSPECTIVES, MIN_PERSPECTIVES,
};
use crate::{
    Answer, Axis, Band, Cell, Change, ChangeId, Level, Matrix, Millis, Mitigation, MitigationId,
    Participant, ParticipantId, Perspective, PerspectiveId, Phase, Placement, Template, Workshop,
    MAX_PARTICIPANTS,
};

mod changes;
mod matrix;
mod mitigations;
mod perspectives;
mod placements;
#[cfg(test)]
mod properties;
mod room;
mod workshop;

pub use changes::ChangeDetails;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    SetTitle {
        title: String,
    },
    /// Adds a new change at `index` (default: at the end); the engine chooses its id.
    AddChange {
        details: ChangeDetails,
        #[serde(default)]
        #[ts(optional = nullable)]
        index: Option<usize>,
    },
    /// Puts back a whole change, as it was (the inverse of `RemoveChange`).
    InsertChange {
        index: usize,
        change: Change,
    },
    RemoveChange {
        change: ChangeId,
    },
    UpdateChange {
        change: ChangeId,
        details: ChangeDetails,
    },
    MoveChange {
        change: ChangeId,
        to_index: usize,
    },
    /// Marks a change as a calibration change (a reference the room places first to agree what
    /// the levels mean, left out of the statistics), or as a real one again.
    SetCalibration {
        change: ChangeId,
        calibration: bool,
    },
    /// One perspective places (or moves) a change; stamped with the time of the edit.
    /// `rationale: None` keeps the rationale the placement already had.
    Place {
        change: ChangeId,
        perspective: PerspectiveId,
        cell: Cell,
        #[serde(default)]
        #[ts(optional = nullable)]
        rationale: Option<String>,
    },
    /// Takes a change back into the perspective's tray.
    Unplace {
        change: ChangeId,
        perspective: PerspectiveId,
    },
    /// Sets a placement exactly as given, or clears it (the inverse of `Place` and `Unplace`).
    RestorePlacement {
        change: ChangeId,
        perspective: PerspectiveId,
        #[ts(optional = nullable)]
        placement: Option<Placement>,
    },
    SetConsensus {
        change: ChangeId,
        #[ts(optional = nullable)]
        cell: Option<Cell>,
    },
    SetResidual {
        change: ChangeId,
        #[ts(optional = nullable)]
        cell: Option<Cell>,
    },
    SetPhase {
        phase: Phase,
    },
    SetBlind {
        blind: bool,
    },
    /// Replaces the whole matrix (levels and bands); refused when a placement, consensus or
    /// residual would fall outside it. The inverse of the matrix edits below.
    SetMatrix {
        matrix: Matrix,
    },
    /// Replaces the matrix with a built-in template, on the same terms as `SetMatrix`.
    ApplyTemplate {
        template: Template,
    },
    /// Rewrites the words of one level (`level` is 1-based).
    UpdateLevel {
        axis: Axis,
        level: u8,
        details: Level,
    },
    /// Sets the numeric anchor shown beside a level's label (`level` is 1-based); empty removes
    /// it.
    SetLevelAnchor {
        axis: Axis,
        level: u8,
        anchor: String,
    },
    /// Adds a level above the highest one of an axis (at most 7).
    AddLevel {
        axis: Axis,
        details: Level,
    },
    /// Removes the highest level of an axis (at least 3 stay); refused while anything sits on it.
    RemoveLevel {
        axis: Axis,
    },
    /// Replaces the bands: the first starts at 1, `min_score` strictly ascending, `#rrggbb`.
    SetBands {
        bands: Vec<Band>,
    },
    /// Adds a perspective at the end; the engine picks its id from the name, and a palette
    /// colour not in use when `color` is missing.
    AddPerspective {
        name: String,
        #[serde(default)]
        #[ts(optional = nullable)]
        color: Option<String>,
    },
    /// Puts back a perspective with its placements, keyed by change, and as the proposer of
    /// the mitigations listed by change in `proposed` (the inverse of `RemovePerspective`).
    InsertPerspective {
        index: usize,
        perspective: Perspective,
        #[serde(default)]
        placements: BTreeMap<ChangeId, Placement>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        #[ts(optional, as = "Option<BTreeMap<ChangeId, Vec<MitigationId>>>")]
        proposed: BTreeMap<ChangeId, Vec<MitigationId>>,
    },
    RenamePerspective {
        perspective: PerspectiveId,
        name: String,
    },
    RecolorPerspective {
        perspective: PerspectiveId,
        color: String,
    },
    MovePerspective {
        perspective: PerspectiveId,
        to_index: usize,
    },
    /// Removes a perspective. When it has placements they go with it, so `confirm: true` is
    /// required; without it the edit is refused and says how many placements would be lost.
    /// Mitigations it proposed stay, with no proposer recorded.
    RemovePerspective {
        perspective: PerspectiveId,
        #[serde(default)]
        confirm: bool,
    },
    /// Adds a mitigation at the end of a change's list; the engine picks its id.
    AddMitigation {
        change: ChangeId,
        text: String,
        #[serde(default)]
        owner: String,
        lowers: Axis,
        /// The perspective that proposed it, when known.
        #[serde(default)]
        #[ts(optional = nullable)]
        proposed_by: Option<PerspectiveId>,
    },
    /// Puts back a mitigation as it was (the inverse of `RemoveMitigation`).
    InsertMitigation {
        change: ChangeId,
        index: usize,
        mitigation: Mitigation,
    },
    /// Rewrites a mitigation; `proposed_by` is set as given (missing: no proposer).
    UpdateMitigation {
        change: ChangeId,
        mitigation: MitigationId,
        text: String,
        #[serde(default)]
        owner: String,
        lowers: Axis,
        #[serde(default)]
        #[ts(optional = nullable)]
        proposed_by: Option<PerspectiveId>,
    },
    RemoveMitigation {
        change: ChangeId,
        mitigation: MitigationId,
    },
    /// Someone joins the room (their id from `Workshop::next_participant_id`).
    Join {
        participant: Participant,
    },
    /// A participant leaves: their answers go with them and their perspective's placements are
    /// recomputed from the members who stay.
    Leave {
        participant: ParticipantId,
    },
    /// Puts back a participant at `index` with their answers, and the placements of their
    /// perspective exactly as given, keyed by change (None: no placement); the inverse of `Leave`.
    RestoreParticipant {
        index: usize,
        participant: Participant,
        #[serde(default)]
        answers: BTreeMap<ChangeId, Answer>,
        #[serde(default)]
        placements: BTreeMap<ChangeId, Option<Placement>>,
    },
    /// A participant answers for a change (None takes the answer back); stamped with the time of
    /// the edit. Their perspective's placement of the change is recomputed from its members.
    Answer {
        participant: ParticipantId,
        change: ChangeId,
        #[ts(optional = nullable)]
        answer: Option<Answer>,
    },
    /// Sets a participant's answer and their perspective's placement of the change exactly as
    /// given (the inverse of `Answer`).
    RestoreAnswer {
        participant: ParticipantId,
        change: ChangeId,
        #[ts(optional = nullable)]
        answer: Option<Answer>,
        #[ts(optional = nullable)]
        placement: Option<Placement>,
    },
}

impl Edit {
    /// The one change this edit alters, when it alters exactly one change and nothing else (not
    /// the order of changes, not the matrix or the perspectives). A window can then redraw that
    /// change alone instead of the whole workshop.
    pub fn only_change(&self) -> Option<&ChangeId> {
        match self {
            Edit::UpdateChange { change, .. }
            | Edit::Place { change, .. }
            | Edit::Unplace { change, .. }
            | Edit::RestorePlacement { change, .. }
            | Edit::SetConsensus { change, .. }
            | Edit::SetResidual { change, .. }
            | Edit::AddMitigation { change, .. }
            | Edit::InsertMitigation { change, .. }
            | Edit::UpdateMitigation { change, .. }
            | Edit::RemoveMitigation { change, .. }
            | Edit::SetCalibration { change, .. }
            | Edit::Answer { change, .. }
            | Edit::RestoreAnswer { change, .. } => Some(change),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no change with id {0:?}")]
    UnknownChange(String),
    #[error("there is no perspective with id {0:?}")]
    UnknownPerspective(String),
    #[error("position {index} is outside 0..={max}")]
    IndexOutOfRange { index: usize, max: usize },
    #[error("a change with id {0:?} already exists")]
    DuplicateChange(String),
    #[error("a workshop holds at most {MAX_CHANGES} changes")]
    TooManyChanges,
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    #[error("change {change:?} has no mitigation with id {mitigation:?}")]
    UnknownMitigation { change: String, mitigation: String },
    #[error("'{title}' already has {MAX_MITIGATIONS} mitigations, the most a change may have")]
    TooManyMitigations { title: String },
    #[error("a perspective with id {0:?} already exists")]
    DuplicatePerspective(String),
    #[error("another perspective is already called {0:?}")]
    PerspectiveNameTaken(String),
    #[error("a workshop has at most {MAX_PERSPECTIVES} perspectives")]
    TooManyPerspectives,
    #[error("a workshop needs at least {MIN_PERSPECTIVES} perspectives")]
    TooFewPerspectives,
    #[error(
        "removing {perspective:?} would delete its {count} placement{}; confirm to remove it anyway",
        if *count == 1 { "" } else { "s" }
    )]
    PlacementsWouldBeLost { perspective: String, count: usize },
    #[error(
        "{count} placement{} would fall outside the {size} matrix (first: {first}); move {} first",
        if *count == 1 { "" } else { "s" },
        if *count == 1 { "it" } else { "them" }
    )]
    OutsideMatrix {
        count: usize,
        size: String,
        first: String,
    },
    #[error("{axis} level {level} is used by {count} placement{} (first: {first}); move {} first", if *count == 1 { "" } else { "s" }, if *count == 1 { "it" } else { "them" })]
    LevelInUse {
        axis: &'static str,
        level: u8,
        count: usize,
        first: String,
    },
    #[error("the {axis} axis already has {MAX_LEVELS} levels, the most an axis may have")]
    TooManyLevels { axis: &'static str },
    #[error("the {axis} axis has {MIN_LEVELS} levels, the fewest an axis may have")]
    TooFewLevels { axis: &'static str },
    #[error("there is no participant with id {0:?}")]
    UnknownParticipant(String),
    #[error("a participant with id {0:?} already exists")]
    DuplicateParticipant(String),
    #[error("the room is full ({MAX_PARTICIPANTS} people)")]
    TooManyParticipants,
    #[error(
        "{count} {} joined as {perspective:?}; {} must leave before it is removed",
        if *count == 1 { "person" } else { "people" },
        if *count == 1 { "they" } else { "they all" }
    )]
    PerspectiveHasMembers { perspective: String, count: usize },
}

/// What applying an edit did: the edit that undoes it and a label a person can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub inverse: Edit,
    pub label: String,
}

/// What a family's edit returns once it has applied: the inverse and the label.
type Done = Result<(Edit, String), EditError>;

/// Applies `edit` to `w` at time `now`, or changes nothing and says why.
pub fn apply(w: &mut Workshop, edit: Edit, now: Millis) -> Result<Applied, EditError> {
    let (inverse, label) = match edit {
        Edit::SetTitle { title } => workshop::set_title(w, title),
        Edit::SetPhase { phase } => workshop::set_phase(w, phase),
        Edit::SetBlind { blind } => workshop::set_blind(w, blind),

        Edit::AddChange { details, index } => changes::add(w, details, index),
        Edit::InsertChange { index, change } => changes::insert(w, index, change),
        Edit::RemoveChange { change } => changes::remove(w, change),
        Edit::UpdateChange { change, details } => changes::update(w, change, details),
        Edit::MoveChange { change, to_index } => changes::reorder(w, change, to_index),
        Edit::SetCalibration {
            change,
            calibration,
        } => changes::set_calibration(w, change, calibration),

        Edit::Place {
            change,
            perspective,
            cell,
            rationale,
        } => placements::place(w, change, perspective, cell, rationale, now),
        Edit::Unplace {
            change,
            perspective,
        } => placements::unplace(w, change, perspective),
        Edit::RestorePlacement {
            change,
            perspective,
            placement,
        } => placements::restore(w, change, perspective, placement),
        Edit::SetConsensus { change, cell } => placements::set_consensus(w, change, cell),
        Edit::SetResidual { change, cell } => placements::set_residual(w, change, cell),

        Edit::SetMatrix { matrix } => matrix::set(w, matrix),
        Edit::ApplyTemplate { template } => matrix::apply_template(w, template),
        Edit::UpdateLevel {
            axis,
            level,
            details,
        } => matrix::update_level(w, axis, level, details),
        Edit::SetLevelAnchor {
            axis,
            level,
            anchor,
        } => matrix::set_anchor(w, axis, level, anchor),
        Edit::AddLevel { axis, details } => matrix::add_level(w, axis, details),
        Edit::RemoveLevel { axis } => matrix::remove_level(w, axis),
        Edit::SetBands { bands } => matrix::set_bands(w, bands),

        Edit::AddPerspective { name, color } => perspectives::add(w, name, color),
        Edit::InsertPerspective {
            index,
            perspective,
            placements,
            proposed,
        } => perspectives::insert(w, index, perspective, placements, proposed),
        Edit::RenamePerspective { perspective, name } => perspectives::rename(w, perspective, name),
        Edit::RecolorPerspective { perspective, color } => {
            perspectives::recolor(w, perspective, color)
        }
        Edit::MovePerspective {
            perspective,
            to_index,
        } => perspectives::reorder(w, perspective, to_index),
        Edit::RemovePerspective {
            perspective,
            confirm,
        } => perspectives::remove(w, perspective, confirm),

        Edit::AddMitigation {
            change,
            text,
            owner,
            lowers,
            proposed_by,
        } => mitigations::add(w, change, text, owner, lowers, proposed_by),
        Edit::InsertMitigation {
            change,
            index,
            mitigation,
        } => mitigations::insert(w, change, index, mitigation),
        Edit::UpdateMitigation {
            change,
            mitigation,
            text,
            owner,
            lowers,
            proposed_by,
        } => mitigations::update(w, change, mitigation, text, owner, lowers, proposed_by),
        Edit::RemoveMitigation { change, mitigation } => mitigations::remove(w, change, mitigation),

        Edit::Join { participant } => room::join(w, participant),
        Edit::Leave { participant } => room::leave(w, participant),
        Edit::RestoreParticipant {
            index,
            participant,
            answers,
            placements,
        } => room::restore_participant(w, index, participant, answers, placements),
        Edit::Answer {
            participant,
            change,
            answer,
        } => room::answer(w, participant, change, answer, now),
        Edit::RestoreAnswer {
            participant,
            change,
            answer,
            placement,
        } => room::restore_answer(w, participant, change, answer, placement),
    }?;
    Ok(Applied { inverse, label })
}

// Lookups and checks more than one family needs.

fn change_index(w: &Workshop, id: &ChangeId) -> Result<usize, EditError> {
    w.change_index(id)
        .ok_or_else(|| EditError::UnknownChange(id.0.clone()))
}

fn perspective_index(w: &Workshop, id: &PerspectiveId) -> Result<usize, EditError> {
    w.perspective_index(id)
        .ok_or_else(|| EditError::UnknownPerspective(id.0.clone()))
}

fn perspective_name(w: &Workshop, id: &PerspectiveId) -> Result<String, EditError> {
    w.perspective(id)
        .map(|p| p.name.clone())
        .ok_or_else(|| EditError::UnknownPerspective(id.0.clone()))
}

/// A cell inside the workshop's matrix.
fn check_cell(w: &Workshop, path: &str, cell: Cell) -> Result<(), EditError> {
    validate::check_level(
        &format!("{path}.likelihood"),
        &w.matrix,
        Axis::Likelihood,
        cell.likelihood,
    )?;
    validate::check_level(
        &format!("{path}.impact"),
        &w.matrix,
        Axis::Impact,
        cell.impact,
    )?;
    Ok(())
}

/// A placement as validation wants it: inside the matrix, its rationale one line of text, its
/// spread around it.
fn check_placement(w: &Workshop, path: &str, placement: &Placement) -> Result<(), EditError> {
    check_cell(w, path, placement.cell())?;
    validate::check_short_text(&format!("{path}.rationale"), &placement.rationale, false)?;
    validate::check_spread(&format!("{path}.spread"), &w.matrix, placement)?;
    Ok(())
}

/// "L4 × I2".
fn cell_label(cell: Cell) -> String {
    format!("L{} × I{}", cell.likelihood, cell.impact)
}

/// Where an item may go in a list of `len`: 0..=len to insert, 0..len to move within.
fn check_index(index: usize, max: usize) -> Result<(), EditError> {
    if index > max {
        return Err(EditError::IndexOutOfRange { index, max });
    }
    Ok(())
}

/// Helpers for the families' tests.
#[cfg(test)]
mod testing {
    use super::*;

    pub(super) fn ops() -> PerspectiveId {
        PerspectiveId::new("ops")
    }

    /// Applies an edit, checks the workshop stays valid, undoes it and checks it is as before.
    pub(super) fn round_trip(w: &mut Workshop, edit: Edit) -> Applied {
        let before = w.clone();
        let applied = apply(w, edit, 10).unwrap();
        validate::check_workshop(w).unwrap();
        let after = w.clone();
        let back = apply(w, applied.inverse.clone(), 11).unwrap();
        assert_eq!(*w, before, "the inverse restores exactly");
        apply(w, back.inverse, 12).unwrap();
        assert_eq!(*w, after, "the inverse of the inverse redoes exactly");
        applied
    }

    pub(super) fn refused(w: &mut Workshop, edit: Edit) -> String {
        let before = w.clone();
        let err = apply(w, edit, 10).unwrap_err();
        assert_eq!(*w, before, "a refused edit changes nothing");
        err.to_string()
    }

    pub(super) fn place(w: &mut Workshop, change: usize, who: &str, l: u8, i: u8) {
        let change = w.changes[change].id.clone();
        apply(
            w,
            Edit::Place {
                change,
                perspective: PerspectiveId::new(who),
                cell: Cell::new(l, i),
                rationale: None,
            },
            1,
        )
        .unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::testing::ops;
    use super::*;

    #[test]
    fn edits_cross_ipc_as_tagged_json() {
        let json = r#"{"kind":"place","change":"c1","perspective":"ops","cell":{"likelihood":4,"impact":2}}"#;
        let edit: Edit = serde_json::from_str(json).unwrap();
        assert_eq!(
            edit,
            Edit::Place {
                change: ChangeId::new("c1"),
                perspective: ops(),
                cell: Cell::new(4, 2),
                rationale: None
            }
        );
    }

    #[test]
    fn only_single_change_edits_name_their_change() {
        let c = ChangeId::new("c1");
        let place = Edit::Place {
            change: c.clone(),
            perspective: PerspectiveId::new("ops"),
            cell: Cell::new(1, 1),
            rationale: None,
        };
        assert_eq!(place.only_change(), Some(&c));
        let moved = Edit::MoveChange {
            change: c.clone(),
            to_index: 0,
        };
        assert_eq!(
            moved.only_change(),
            None,
            "a reorder moves other changes too"
        );
        assert_eq!(Edit::RemoveChange { change: c }.only_change(), None);
    }
}
