//! Every change to a workshop is an `Edit`, applied by `apply`. This is the one door: undo/redo,
//! validation, autosave and the unsaved-changes flag all hang off it. `apply` checks an edit fully
//! before touching the workshop, so a rejected edit changes nothing, and it returns the inverse
//! edit that undoes it exactly (including timestamps).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::collections::{BTreeMap, HashMap};

use crate::matrix::{MAX_LEVELS, MIN_LEVELS};
use crate::validate::{
    self, ValidationError, MAX_CHANGES, MAX_PERSPECTIVES, MAX_TAGS, MIN_PERSPECTIVES,
};
use crate::{
    Axis, Band, Cell, Change, ChangeId, ChangeType, Level, Matrix, Millis, Mitigation,
    MitigationId, Perspective, PerspectiveId, Phase, Placement, Template, Workshop,
};

/// The fields of a change that the facilitator edits as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ChangeDetails {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub change_type: ChangeType,
    #[serde(default)]
    pub ticket: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl ChangeDetails {
    pub fn titled(title: &str) -> Self {
        ChangeDetails {
            title: title.to_owned(),
            description: String::new(),
            change_type: ChangeType::Normal,
            ticket: String::new(),
            tags: Vec::new(),
        }
    }

    fn of(change: &Change) -> Self {
        ChangeDetails {
            title: change.title.clone(),
            description: change.description.clone(),
            change_type: change.change_type,
            ticket: change.ticket.clone(),
            tags: change.tags.clone(),
        }
    }

    fn check(&self, path: &str) -> Result<(), ValidationError> {
        validate::check_short_text(&format!("{path}.title"), &self.title, true)?;
        validate::check_long_text(&format!("{path}.description"), &self.description)?;
        validate::check_short_text(&format!("{path}.ticket"), &self.ticket, false)?;
        if self.tags.len() > MAX_TAGS {
            return Err(ValidationError {
                path: format!("{path}.tags"),
                problem: format!(
                    "has {} tags; at most {MAX_TAGS} are allowed",
                    self.tags.len()
                ),
            });
        }
        for (i, tag) in self.tags.iter().enumerate() {
            validate::check_short_text(&format!("{path}.tags[{i}]"), tag, true)?;
        }
        Ok(())
    }
}

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
    /// Puts back a perspective with its placements, keyed by change (the inverse of
    /// `RemovePerspective`).
    InsertPerspective {
        index: usize,
        perspective: Perspective,
        #[serde(default)]
        placements: BTreeMap<ChangeId, Placement>,
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
    },
    /// Puts back a mitigation as it was (the inverse of `RemoveMitigation`).
    InsertMitigation {
        change: ChangeId,
        index: usize,
        mitigation: Mitigation,
    },
    UpdateMitigation {
        change: ChangeId,
        mitigation: MitigationId,
        text: String,
        #[serde(default)]
        owner: String,
        lowers: Axis,
    },
    RemoveMitigation {
        change: ChangeId,
        mitigation: MitigationId,
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
            | Edit::RemoveMitigation { change, .. } => Some(change),
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
}

/// What applying an edit did: the edit that undoes it and a label a person can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub inverse: Edit,
    pub label: String,
}

fn change_index(w: &Workshop, id: &ChangeId) -> Result<usize, EditError> {
    w.change_index(id)
        .ok_or_else(|| EditError::UnknownChange(id.0.clone()))
}

fn perspective_name(w: &Workshop, id: &PerspectiveId) -> Result<String, EditError> {
    w.perspective(id)
        .map(|p| p.name.clone())
        .ok_or_else(|| EditError::UnknownPerspective(id.0.clone()))
}

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

fn cell_label(cell: Cell) -> String {
    format!("L{} × I{}", cell.likelihood, cell.impact)
}

fn perspective_index(w: &Workshop, id: &PerspectiveId) -> Result<usize, EditError> {
    w.perspective_index(id)
        .ok_or_else(|| EditError::UnknownPerspective(id.0.clone()))
}

fn mitigation_index(
    w: &Workshop,
    change: &ChangeId,
    mitigation: &MitigationId,
) -> Result<(usize, usize), EditError> {
    let c = change_index(w, change)?;
    let m =
        w.changes[c]
            .mitigation_index(mitigation)
            .ok_or_else(|| EditError::UnknownMitigation {
                change: change.0.clone(),
                mitigation: mitigation.0.clone(),
            })?;
    Ok((c, m))
}

fn check_mitigation(path: &str, m: &Mitigation) -> Result<(), ValidationError> {
    validate::check_short_text(&format!("{path}.text"), &m.text, true)?;
    validate::check_short_text(&format!("{path}.owner"), &m.owner, false)
}

fn lowers_label(axis: Axis) -> &'static str {
    match axis {
        Axis::Likelihood => "lowers likelihood",
        Axis::Impact => "lowers impact",
    }
}

/// Names are how people (and CSV columns) tell perspectives apart, so two may not share one,
/// ignoring case and surrounding spaces.
fn check_name_free(w: &Workshop, name: &str, except: Option<usize>) -> Result<(), EditError> {
    let wanted = name.trim().to_lowercase();
    let taken = w
        .perspectives
        .iter()
        .enumerate()
        .any(|(i, p)| Some(i) != except && p.name.trim().to_lowercase() == wanted);
    if taken {
        return Err(EditError::PerspectiveNameTaken(name.trim().to_owned()));
    }
    Ok(())
}

fn check_new_perspective(w: &Workshop, index: usize, p: &Perspective) -> Result<(), EditError> {
    if w.perspectives.len() >= MAX_PERSPECTIVES {
        return Err(EditError::TooManyPerspectives);
    }
    if index > w.perspectives.len() {
        return Err(EditError::IndexOutOfRange {
            index,
            max: w.perspectives.len(),
        });
    }
    let path = format!("perspectives[{index}]");
    validate::check_short_text(&format!("{path}.id"), &p.id.0, true)?;
    if w.perspective(&p.id).is_some() {
        return Err(EditError::DuplicatePerspective(p.id.0.clone()));
    }
    validate::check_short_text(&format!("{path}.name"), &p.name, true)?;
    check_name_free(w, &p.name, None)?;
    validate::check_color(&format!("{path}.color"), &p.color)?;
    Ok(())
}

fn check_level_text(path: &str, level: &Level) -> Result<(), ValidationError> {
    validate::check_short_text(&format!("{path}.label"), &level.label, true)?;
    validate::check_long_text(&format!("{path}.definition"), &level.definition)?;
    validate::check_long_text(&format!("{path}.example"), &level.example)
}

fn levels_mut(matrix: &mut Matrix, axis: Axis) -> &mut Vec<Level> {
    match axis {
        Axis::Likelihood => &mut matrix.likelihood,
        Axis::Impact => &mut matrix.impact,
    }
}

fn axis_level(cell: Cell, axis: Axis) -> u8 {
    match axis {
        Axis::Likelihood => cell.likelihood,
        Axis::Impact => cell.impact,
    }
}

/// "4×5": likelihood levels × impact levels.
fn size_of(matrix: &Matrix) -> String {
    format!("{}×{}", matrix.likelihood.len(), matrix.impact.len())
}

/// How many occupied cells (placements, consensus, residual) match, and the first one, described.
struct Occupied {
    count: usize,
    first: Option<String>,
}

fn cells_where(w: &Workshop, mut matches: impl FnMut(Cell) -> bool) -> Occupied {
    let mut found = Occupied {
        count: 0,
        first: None,
    };
    for change in &w.changes {
        for (who, cell) in change.cells() {
            if matches(cell) {
                found.count += 1;
                if found.first.is_none() {
                    let who = w
                        .perspective(&PerspectiveId(who.clone()))
                        .map(|p| p.name.clone())
                        .unwrap_or(who);
                    found.first = Some(format!(
                        "'{}' at {} ({who})",
                        change.title,
                        cell_label(cell)
                    ));
                }
            }
        }
    }
    found
}

/// Replaces the matrix once it is valid and every occupied cell still fits in it.
fn set_matrix(
    w: &mut Workshop,
    matrix: Matrix,
    label: String,
) -> Result<(Edit, String), EditError> {
    validate::check_matrix(&matrix)?;
    let outside = cells_where(w, |cell| !matrix.contains(cell));
    if let Some(first) = outside.first {
        return Err(EditError::OutsideMatrix {
            count: outside.count,
            size: size_of(&matrix),
            first,
        });
    }
    let old = std::mem::replace(&mut w.matrix, matrix);
    Ok((Edit::SetMatrix { matrix: old }, label))
}

/// Applies `edit` to `w` at time `now`, or changes nothing and says why.
pub fn apply(w: &mut Workshop, edit: Edit, now: Millis) -> Result<Applied, EditError> {
    let (inverse, label) = match edit {
        Edit::SetTitle { title } => {
            validate::check_short_text("title", &title, false)?;
            let old = std::mem::replace(&mut w.title, title);
            (
                Edit::SetTitle { title: old },
                "Rename the workshop".to_owned(),
            )
        }
        Edit::AddChange { details, index } => {
            details.check("change")?;
            if w.changes.len() >= MAX_CHANGES {
                return Err(EditError::TooManyChanges);
            }
            let index = index.unwrap_or(w.changes.len());
            if index > w.changes.len() {
                return Err(EditError::IndexOutOfRange {
                    index,
                    max: w.changes.len(),
                });
            }
            let id = w.next_change_id();
            let label = format!("Add '{}'", details.title);
            let mut change = Change::new(&id.0, &details.title);
            change.description = details.description;
            change.change_type = details.change_type;
            change.ticket = details.ticket;
            change.tags = details.tags;
            w.changes.insert(index, change);
            (Edit::RemoveChange { change: id }, label)
        }
        Edit::InsertChange { index, change } => {
            if w.changes.len() >= MAX_CHANGES {
                return Err(EditError::TooManyChanges);
            }
            if index > w.changes.len() {
                return Err(EditError::IndexOutOfRange {
                    index,
                    max: w.changes.len(),
                });
            }
            if w.change(&change.id).is_some() {
                return Err(EditError::DuplicateChange(change.id.0.clone()));
            }
            // Check the change against the workshop as it would be, without touching it.
            let mut probe = Workshop {
                changes: vec![change.clone()],
                ..Workshop::new(&w.title, w.matrix.clone())
            };
            probe.perspectives = w.perspectives.clone();
            validate::check_workshop(&probe)?;
            let label = format!("Add '{}'", change.title);
            let id = change.id.clone();
            w.changes.insert(index, change);
            (Edit::RemoveChange { change: id }, label)
        }
        Edit::RemoveChange { change } => {
            let index = change_index(w, &change)?;
            let removed = w.changes.remove(index);
            let label = format!("Delete '{}'", removed.title);
            (
                Edit::InsertChange {
                    index,
                    change: removed,
                },
                label,
            )
        }
        Edit::UpdateChange { change, details } => {
            let index = change_index(w, &change)?;
            details.check(&format!("changes[{index}]"))?;
            let target = &mut w.changes[index];
            let old = ChangeDetails::of(target);
            let label = format!("Edit '{}'", old.title);
            target.title = details.title;
            target.description = details.description;
            target.change_type = details.change_type;
            target.ticket = details.ticket;
            target.tags = details.tags;
            (
                Edit::UpdateChange {
                    change,
                    details: old,
                },
                label,
            )
        }
        Edit::MoveChange { change, to_index } => {
            let from = change_index(w, &change)?;
            let max = w.changes.len() - 1;
            if to_index > max {
                return Err(EditError::IndexOutOfRange {
                    index: to_index,
                    max,
                });
            }
            let moved = w.changes.remove(from);
            let label = format!("Reorder '{}'", moved.title);
            w.changes.insert(to_index, moved);
            (
                Edit::MoveChange {
                    change,
                    to_index: from,
                },
                label,
            )
        }
        Edit::Place {
            change,
            perspective,
            cell,
            rationale,
        } => {
            let index = change_index(w, &change)?;
            let who = perspective_name(w, &perspective)?;
            let path = format!("changes[{index}].placements.{}", perspective.0);
            check_cell(w, &path, cell)?;
            if let Some(r) = &rationale {
                validate::check_short_text(&format!("{path}.rationale"), r, false)?;
            }
            let target = &mut w.changes[index];
            let old = target.placements.get(&perspective).cloned();
            let verb = if old.is_some() { "Move" } else { "Place" };
            let label = format!("{verb} '{}' to {} ({who})", target.title, cell_label(cell));
            let rationale = rationale
                .or_else(|| old.as_ref().map(|p| p.rationale.clone()))
                .unwrap_or_default();
            target.placements.insert(
                perspective.clone(),
                Placement {
                    likelihood: cell.likelihood,
                    impact: cell.impact,
                    rationale,
                    placed_at_ms: now,
                },
            );
            (
                Edit::RestorePlacement {
                    change,
                    perspective,
                    placement: old,
                },
                label,
            )
        }
        Edit::Unplace {
            change,
            perspective,
        } => {
            let index = change_index(w, &change)?;
            let who = perspective_name(w, &perspective)?;
            let target = &mut w.changes[index];
            let old = target.placements.remove(&perspective);
            let label = format!("Take '{}' back to the tray ({who})", target.title);
            (
                Edit::RestorePlacement {
                    change,
                    perspective,
                    placement: old,
                },
                label,
            )
        }
        Edit::RestorePlacement {
            change,
            perspective,
            placement,
        } => {
            let index = change_index(w, &change)?;
            let who = perspective_name(w, &perspective)?;
            let path = format!("changes[{index}].placements.{}", perspective.0);
            if let Some(p) = &placement {
                check_cell(w, &path, p.cell())?;
                validate::check_short_text(&format!("{path}.rationale"), &p.rationale, false)?;
            }
            let target = &mut w.changes[index];
            let label = match &placement {
                Some(p) => format!(
                    "Place '{}' at {} ({who})",
                    target.title,
                    cell_label(p.cell())
                ),
                None => format!("Take '{}' back to the tray ({who})", target.title),
            };
            let old = match placement {
                Some(p) => target.placements.insert(perspective.clone(), p),
                None => target.placements.remove(&perspective),
            };
            (
                Edit::RestorePlacement {
                    change,
                    perspective,
                    placement: old,
                },
                label,
            )
        }
        Edit::SetConsensus { change, cell } => {
            let index = change_index(w, &change)?;
            if let Some(cell) = cell {
                check_cell(w, &format!("changes[{index}].consensus"), cell)?;
            }
            let target = &mut w.changes[index];
            let label = match cell {
                Some(c) => format!("Agree '{}' at {}", target.title, cell_label(c)),
                None => format!("Clear the consensus on '{}'", target.title),
            };
            let old = std::mem::replace(&mut target.consensus, cell);
            (Edit::SetConsensus { change, cell: old }, label)
        }
        Edit::SetResidual { change, cell } => {
            let index = change_index(w, &change)?;
            if let Some(cell) = cell {
                check_cell(w, &format!("changes[{index}].residual"), cell)?;
            }
            let target = &mut w.changes[index];
            let label = match cell {
                Some(c) => format!("Residual risk of '{}' at {}", target.title, cell_label(c)),
                None => format!("Clear the residual risk of '{}'", target.title),
            };
            let old = std::mem::replace(&mut target.residual, cell);
            (Edit::SetResidual { change, cell: old }, label)
        }
        Edit::SetPhase { phase } => {
            let label = match phase {
                Phase::Placing => "Hide placements again",
                Phase::Revealed => "Reveal",
            }
            .to_owned();
            let old = std::mem::replace(&mut w.phase, phase);
            (Edit::SetPhase { phase: old }, label)
        }
        Edit::SetBlind { blind } => {
            let label = if blind {
                "Turn blind mode on"
            } else {
                "Turn blind mode off"
            }
            .to_owned();
            let old = std::mem::replace(&mut w.blind, blind);
            (Edit::SetBlind { blind: old }, label)
        }
        Edit::SetMatrix { matrix } => {
            let label = format!("Use a {} matrix", size_of(&matrix));
            set_matrix(w, matrix, label)?
        }
        Edit::ApplyTemplate { template } => {
            let matrix = Matrix::from_template(template);
            let label = format!("Use the {} template", size_of(&matrix));
            set_matrix(w, matrix, label)?
        }
        Edit::UpdateLevel {
            axis,
            level,
            details,
        } => {
            let path = format!("matrix.{}", axis.name());
            validate::check_level(&format!("{path}.level"), &w.matrix, axis, level)?;
            let i = usize::from(level) - 1;
            check_level_text(&format!("{path}[{i}]"), &details)?;
            let levels = levels_mut(&mut w.matrix, axis);
            let old = std::mem::replace(&mut levels[i], details);
            let label = format!("Edit {} level {level} '{}'", axis.name(), levels[i].label);
            (
                Edit::UpdateLevel {
                    axis,
                    level,
                    details: old,
                },
                label,
            )
        }
        Edit::AddLevel { axis, details } => {
            let n = w.matrix.levels(axis).len();
            if n >= MAX_LEVELS {
                return Err(EditError::TooManyLevels { axis: axis.name() });
            }
            check_level_text(&format!("matrix.{}[{n}]", axis.name()), &details)?;
            let label = format!("Add {} level {} '{}'", axis.name(), n + 1, details.label);
            levels_mut(&mut w.matrix, axis).push(details);
            (Edit::RemoveLevel { axis }, label)
        }
        Edit::RemoveLevel { axis } => {
            let n = w.matrix.levels(axis).len();
            if n <= MIN_LEVELS {
                return Err(EditError::TooFewLevels { axis: axis.name() });
            }
            let top = w.matrix.max_level(axis);
            let on_top = cells_where(w, |cell| axis_level(cell, axis) == top);
            if let Some(first) = on_top.first {
                return Err(EditError::LevelInUse {
                    axis: axis.name(),
                    level: top,
                    count: on_top.count,
                    first,
                });
            }
            let removed = levels_mut(&mut w.matrix, axis)
                .pop()
                .ok_or(EditError::TooFewLevels { axis: axis.name() })?;
            let label = format!("Remove {} level {top} '{}'", axis.name(), removed.label);
            (
                Edit::AddLevel {
                    axis,
                    details: removed,
                },
                label,
            )
        }
        Edit::SetBands { bands } => {
            // The levels come along only so that the one matrix check can run.
            let probe = Matrix {
                likelihood: w.matrix.likelihood.clone(),
                impact: w.matrix.impact.clone(),
                bands,
            };
            validate::check_matrix(&probe)?;
            let old = std::mem::replace(&mut w.matrix.bands, probe.bands);
            (Edit::SetBands { bands: old }, "Change the bands".to_owned())
        }
        Edit::AddPerspective { name, color } => {
            let id = PerspectiveId::from_name(&name, &w.perspectives);
            let color = color.unwrap_or_else(|| Perspective::free_color(&w.perspectives).into());
            let perspective = Perspective {
                id: id.clone(),
                name,
                color,
            };
            let index = w.perspectives.len();
            check_new_perspective(w, index, &perspective)?;
            let label = format!("Add the perspective '{}'", perspective.name);
            w.perspectives.push(perspective);
            (
                Edit::RemovePerspective {
                    perspective: id,
                    confirm: false,
                },
                label,
            )
        }
        Edit::InsertPerspective {
            index,
            perspective,
            placements,
        } => {
            check_new_perspective(w, index, &perspective)?;
            // One pass over the changes, not one search per placement: a perspective can hold
            // a placement for every one of 10,000 changes.
            let index_of: HashMap<&ChangeId, usize> = w
                .changes
                .iter()
                .enumerate()
                .map(|(i, c)| (&c.id, i))
                .collect();
            let mut targets = Vec::with_capacity(placements.len());
            for (change, placement) in &placements {
                let i = *index_of
                    .get(change)
                    .ok_or_else(|| EditError::UnknownChange(change.0.clone()))?;
                let path = format!("changes[{i}].placements.{}", perspective.id.0);
                check_cell(w, &path, placement.cell())?;
                validate::check_short_text(
                    &format!("{path}.rationale"),
                    &placement.rationale,
                    false,
                )?;
                targets.push(i);
            }
            let label = format!("Add the perspective '{}'", perspective.name);
            let id = perspective.id.clone();
            for (i, (_, placement)) in targets.into_iter().zip(placements) {
                w.changes[i].placements.insert(id.clone(), placement);
            }
            w.perspectives.insert(index, perspective);
            (
                Edit::RemovePerspective {
                    perspective: id,
                    confirm: true,
                },
                label,
            )
        }
        Edit::RenamePerspective { perspective, name } => {
            let index = perspective_index(w, &perspective)?;
            validate::check_short_text(&format!("perspectives[{index}].name"), &name, true)?;
            check_name_free(w, &name, Some(index))?;
            let old = std::mem::replace(&mut w.perspectives[index].name, name);
            let label = format!(
                "Rename the perspective '{old}' to '{}'",
                w.perspectives[index].name
            );
            (
                Edit::RenamePerspective {
                    perspective,
                    name: old,
                },
                label,
            )
        }
        Edit::RecolorPerspective { perspective, color } => {
            let index = perspective_index(w, &perspective)?;
            validate::check_color(&format!("perspectives[{index}].color"), &color)?;
            let old = std::mem::replace(&mut w.perspectives[index].color, color);
            let label = format!("Recolour the perspective '{}'", w.perspectives[index].name);
            (
                Edit::RecolorPerspective {
                    perspective,
                    color: old,
                },
                label,
            )
        }
        Edit::MovePerspective {
            perspective,
            to_index,
        } => {
            let from = perspective_index(w, &perspective)?;
            let max = w.perspectives.len() - 1;
            if to_index > max {
                return Err(EditError::IndexOutOfRange {
                    index: to_index,
                    max,
                });
            }
            let moved = w.perspectives.remove(from);
            let label = format!("Reorder the perspective '{}'", moved.name);
            w.perspectives.insert(to_index, moved);
            (
                Edit::MovePerspective {
                    perspective,
                    to_index: from,
                },
                label,
            )
        }
        Edit::RemovePerspective {
            perspective,
            confirm,
        } => {
            let index = perspective_index(w, &perspective)?;
            if w.perspectives.len() <= MIN_PERSPECTIVES {
                return Err(EditError::TooFewPerspectives);
            }
            let count = w.placed_count(&perspective);
            if count > 0 && !confirm {
                return Err(EditError::PlacementsWouldBeLost {
                    perspective: w.perspectives[index].name.clone(),
                    count,
                });
            }
            let mut placements = BTreeMap::new();
            for change in &mut w.changes {
                if let Some(p) = change.placements.remove(&perspective) {
                    placements.insert(change.id.clone(), p);
                }
            }
            let removed = w.perspectives.remove(index);
            let label = format!("Remove the perspective '{}'", removed.name);
            (
                Edit::InsertPerspective {
                    index,
                    perspective: removed,
                    placements,
                },
                label,
            )
        }
        Edit::AddMitigation {
            change,
            text,
            owner,
            lowers,
        } => {
            let index = change_index(w, &change)?;
            let target = &mut w.changes[index];
            let mitigation = Mitigation {
                id: target.next_mitigation_id(),
                text,
                owner,
                lowers,
            };
            let m = target.mitigations.len();
            check_mitigation(&format!("changes[{index}].mitigations[{m}]"), &mitigation)?;
            let label = format!(
                "Mitigate '{}': {} ({})",
                target.title,
                mitigation.text,
                lowers_label(lowers)
            );
            let id = mitigation.id.clone();
            target.mitigations.push(mitigation);
            (
                Edit::RemoveMitigation {
                    change,
                    mitigation: id,
                },
                label,
            )
        }
        Edit::InsertMitigation {
            change,
            index,
            mitigation,
        } => {
            let c = change_index(w, &change)?;
            let target = &mut w.changes[c];
            if index > target.mitigations.len() {
                return Err(EditError::IndexOutOfRange {
                    index,
                    max: target.mitigations.len(),
                });
            }
            let path = format!("changes[{c}].mitigations[{index}]");
            validate::check_short_text(&format!("{path}.id"), &mitigation.id.0, true)?;
            if target.mitigation_index(&mitigation.id).is_some() {
                return Err(ValidationError {
                    path: format!("{path}.id"),
                    problem: format!("{:?} is used by another mitigation", mitigation.id.0),
                }
                .into());
            }
            check_mitigation(&path, &mitigation)?;
            let label = format!(
                "Mitigate '{}': {} ({})",
                target.title,
                mitigation.text,
                lowers_label(mitigation.lowers)
            );
            let id = mitigation.id.clone();
            target.mitigations.insert(index, mitigation);
            (
                Edit::RemoveMitigation {
                    change,
                    mitigation: id,
                },
                label,
            )
        }
        Edit::UpdateMitigation {
            change,
            mitigation,
            text,
            owner,
            lowers,
        } => {
            let (c, m) = mitigation_index(w, &change, &mitigation)?;
            let target = &mut w.changes[c];
            let updated = Mitigation {
                id: mitigation.clone(),
                text,
                owner,
                lowers,
            };
            check_mitigation(&format!("changes[{c}].mitigations[{m}]"), &updated)?;
            let old = std::mem::replace(&mut target.mitigations[m], updated);
            let label = format!("Edit a mitigation of '{}'", target.title);
            (
                Edit::UpdateMitigation {
                    change,
                    mitigation,
                    text: old.text,
                    owner: old.owner,
                    lowers: old.lowers,
                },
                label,
            )
        }
        Edit::RemoveMitigation { change, mitigation } => {
            let (c, m) = mitigation_index(w, &change, &mitigation)?;
            let target = &mut w.changes[c];
            let removed = target.mitigations.remove(m);
            let label = format!(
                "Remove the mitigation '{}' of '{}'",
                removed.text, target.title
            );
            (
                Edit::InsertMitigation {
                    change,
                    index: m,
                    mitigation: removed,
                },
                label,
            )
        }
    };
    Ok(Applied { inverse, label })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn ops() -> PerspectiveId {
        PerspectiveId::new("ops")
    }

    #[test]
    fn place_then_inverse_restores_exactly() {
        let mut w = sample::workshop();
        let before = w.clone();
        let id = w.changes[0].id.clone();
        let applied = apply(
            &mut w,
            Edit::Place {
                change: id.clone(),
                perspective: ops(),
                cell: Cell::new(4, 2),
                rationale: Some("no rollback".into()),
            },
            1_000,
        )
        .unwrap();
        let p = &w.changes[0].placements[&ops()];
        assert_eq!((p.likelihood, p.impact, p.placed_at_ms), (4, 2, 1_000));
        assert!(applied.label.starts_with("Place '"), "{}", applied.label);
        assert!(
            applied.label.ends_with("to L4 × I2 (Ops)"),
            "{}",
            applied.label
        );
        apply(&mut w, applied.inverse, 2_000).unwrap();
        assert_eq!(w, before);
    }

    #[test]
    fn moving_keeps_the_rationale_unless_given() {
        let mut w = sample::workshop();
        let id = w.changes[1].id.clone();
        let place = |w: &mut Workshop, l, i, r: Option<&str>| {
            apply(
                w,
                Edit::Place {
                    change: id.clone(),
                    perspective: ops(),
                    cell: Cell::new(l, i),
                    rationale: r.map(str::to_owned),
                },
                5,
            )
            .unwrap()
        };
        place(&mut w, 1, 1, Some("flagged"));
        let moved = place(&mut w, 2, 2, None);
        assert!(moved.label.starts_with("Move '"));
        assert_eq!(w.changes[1].placements[&ops()].rationale, "flagged");
    }

    #[test]
    fn out_of_range_placement_is_rejected_and_changes_nothing() {
        let mut w = sample::workshop();
        let before = w.clone();
        let id = w.changes[3].id.clone();
        let err = apply(
            &mut w,
            Edit::Place {
                change: id,
                perspective: ops(),
                cell: Cell::new(2, 9),
                rationale: None,
            },
            1,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "changes[3].placements.ops.impact: 9 is outside 1..=5"
        );
        assert_eq!(w, before);
    }

    #[test]
    fn unknown_ids_are_rejected() {
        let mut w = sample::workshop();
        let err = apply(
            &mut w,
            Edit::Unplace {
                change: ChangeId::new("nope"),
                perspective: ops(),
            },
            1,
        )
        .unwrap_err();
        assert_eq!(err, EditError::UnknownChange("nope".into()));
        let id = w.changes[0].id.clone();
        let err = apply(
            &mut w,
            Edit::Unplace {
                change: id,
                perspective: PerspectiveId::new("sec"),
            },
            1,
        )
        .unwrap_err();
        assert_eq!(err, EditError::UnknownPerspective("sec".into()));
    }

    #[test]
    fn add_remove_and_reinsert_a_change() {
        let mut w = sample::workshop();
        let n = w.changes.len();
        let added = apply(
            &mut w,
            Edit::AddChange {
                details: ChangeDetails::titled("Enable HTTP/3"),
                index: Some(0),
            },
            1,
        )
        .unwrap();
        assert_eq!(w.changes.len(), n + 1);
        assert_eq!(w.changes[0].title, "Enable HTTP/3");
        let removed = apply(&mut w, added.inverse, 2).unwrap();
        assert_eq!(w.changes.len(), n);
        let reinserted = apply(&mut w, removed.inverse, 3).unwrap();
        assert_eq!(w.changes[0].title, "Enable HTTP/3");
        assert!(matches!(reinserted.inverse, Edit::RemoveChange { .. }));
    }

    #[test]
    fn an_empty_title_is_rejected() {
        let mut w = sample::workshop();
        let err = apply(
            &mut w,
            Edit::AddChange {
                details: ChangeDetails::titled("   "),
                index: None,
            },
            1,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "change.title: must not be empty");
    }

    #[test]
    fn reorder_and_back() {
        let mut w = sample::workshop();
        let before = w.clone();
        let id = w.changes[0].id.clone();
        let applied = apply(
            &mut w,
            Edit::MoveChange {
                change: id.clone(),
                to_index: 3,
            },
            1,
        )
        .unwrap();
        assert_eq!(w.changes[3].id, id);
        apply(&mut w, applied.inverse, 2).unwrap();
        assert_eq!(w, before);
        let err = apply(
            &mut w,
            Edit::MoveChange {
                change: id,
                to_index: 99,
            },
            3,
        )
        .unwrap_err();
        assert!(matches!(err, EditError::IndexOutOfRange { .. }));
    }

    /// Applies an edit, checks the workshop stays valid, undoes it and checks it is as before.
    fn round_trip(w: &mut Workshop, edit: Edit) -> Applied {
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

    fn refused(w: &mut Workshop, edit: Edit) -> String {
        let before = w.clone();
        let err = apply(w, edit, 10).unwrap_err();
        assert_eq!(*w, before, "a refused edit changes nothing");
        err.to_string()
    }

    fn place(w: &mut Workshop, change: usize, who: &str, l: u8, i: u8) {
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

    #[test]
    fn a_template_applies_only_when_everything_fits() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::ApplyTemplate {
                template: Template::FourByFour,
            },
        );
        assert_eq!(applied.label, "Use the 4×4 template");
        place(&mut w, 0, "ops", 4, 2);
        place(&mut w, 1, "dev", 4, 1);
        w.changes[2].residual = Some(Cell::new(3, 3));
        let msg = refused(
            &mut w,
            Edit::ApplyTemplate {
                template: Template::ThreeByThree,
            },
        );
        assert_eq!(
            msg,
            "2 placements would fall outside the 3×3 matrix (first: 'Upgrade PostgreSQL 14 → 16' \
             at L4 × I2 (Ops)); move them first"
        );
        w.changes[1].placements.clear();
        w.changes[0].placements.clear();
        round_trip(
            &mut w,
            Edit::ApplyTemplate {
                template: Template::ThreeByThree,
            },
        );
    }

    #[test]
    fn a_custom_matrix_may_have_different_axes() {
        let mut w = sample::workshop();
        let mut m = Matrix::from_template(Template::FiveByFive);
        m.likelihood.pop();
        round_trip(&mut w, Edit::SetMatrix { matrix: m.clone() });
        m.likelihood.truncate(2);
        let msg = refused(&mut w, Edit::SetMatrix { matrix: m });
        assert_eq!(msg, "matrix.likelihood: has 2 levels; an axis has 3 to 7");
    }

    #[test]
    fn levels_are_edited_added_and_removed_at_the_top() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::UpdateLevel {
                axis: Axis::Impact,
                level: 4,
                details: Level::new("Major", "A core journey is down", "Checkout down > 15 min"),
            },
        );
        assert_eq!(applied.label, "Edit impact level 4 'Major'");
        assert_eq!(
            refused(
                &mut w,
                Edit::UpdateLevel {
                    axis: Axis::Impact,
                    level: 6,
                    details: Level::new("x", "", ""),
                },
            ),
            "matrix.impact.level: 6 is outside 1..=5"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::UpdateLevel {
                    axis: Axis::Impact,
                    level: 1,
                    details: Level::new(" ", "", ""),
                },
            ),
            "matrix.impact[0].label: must not be empty"
        );
        let applied = round_trip(
            &mut w,
            Edit::AddLevel {
                axis: Axis::Likelihood,
                details: Level::new("Very likely", "It will fail", ""),
            },
        );
        assert_eq!(applied.label, "Add likelihood level 6 'Very likely'");
        apply(
            &mut w,
            Edit::AddLevel {
                axis: Axis::Likelihood,
                details: Level::new("Certain", "", ""),
            },
            1,
        )
        .unwrap();
        assert_eq!(w.matrix.likelihood.len(), 7);
        assert_eq!(
            refused(
                &mut w,
                Edit::AddLevel {
                    axis: Axis::Likelihood,
                    details: Level::new("More", "", ""),
                },
            ),
            "the likelihood axis already has 7 levels, the most an axis may have"
        );
        place(&mut w, 2, "dev", 7, 1);
        assert_eq!(
            refused(
                &mut w,
                Edit::RemoveLevel {
                    axis: Axis::Likelihood
                }
            ),
            "likelihood level 7 is used by 1 placement (first: 'Rotate TLS certificates' at \
             L7 × I1 (Dev)); move it first"
        );
        w.changes[2].placements.clear();
        let applied = round_trip(
            &mut w,
            Edit::RemoveLevel {
                axis: Axis::Likelihood,
            },
        );
        assert_eq!(applied.label, "Remove likelihood level 7 'Certain'");
        for _ in 0..2 {
            apply(&mut w, Edit::RemoveLevel { axis: Axis::Impact }, 1).unwrap();
        }
        assert_eq!(
            refused(&mut w, Edit::RemoveLevel { axis: Axis::Impact }),
            "the impact axis has 3 levels, the fewest an axis may have"
        );
    }

    #[test]
    fn bands_are_validated() {
        let mut w = sample::workshop();
        let band = |name: &str, color: &str, min_score| Band {
            name: name.into(),
            color: color.into(),
            min_score,
        };
        round_trip(
            &mut w,
            Edit::SetBands {
                bands: vec![band("ok", "#00ff00", 1), band("not ok", "#FF0000", 12)],
            },
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetBands {
                    bands: vec![band("ok", "#00ff00", 2)]
                }
            ),
            "matrix.bands[0].min_score: 2 must be 1: the first band covers the lowest scores"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetBands {
                    bands: vec![band("a", "#00ff00", 1), band("b", "#00ff00", 1)]
                }
            ),
            "matrix.bands[1].min_score: 1 must be above the previous band's 1"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetBands {
                    bands: vec![band("a", "green", 1)]
                }
            ),
            "matrix.bands[0].color: \"green\" is not a colour of the form #rrggbb"
        );
        assert_eq!(
            refused(&mut w, Edit::SetBands { bands: vec![] }),
            "matrix.bands: needs at least one band"
        );
    }

    #[test]
    fn perspectives_are_added_renamed_recoloured_reordered() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::AddPerspective {
                name: "Security".into(),
                color: None,
            },
        );
        assert_eq!(applied.label, "Add the perspective 'Security'");
        let sec = PerspectiveId::new("security");
        assert_eq!(w.perspectives[2].id, sec);
        assert_eq!(w.perspectives[2].color, crate::perspective::PALETTE[2]);
        assert_eq!(
            refused(
                &mut w,
                Edit::AddPerspective {
                    name: " security ".into(),
                    color: None
                }
            ),
            "another perspective is already called \"security\""
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::AddPerspective {
                    name: "QA".into(),
                    color: Some("#12345".into())
                }
            ),
            "perspectives[3].color: \"#12345\" is not a colour of the form #rrggbb"
        );
        let applied = round_trip(
            &mut w,
            Edit::RenamePerspective {
                perspective: sec.clone(),
                name: "AppSec".into(),
            },
        );
        assert_eq!(
            applied.label,
            "Rename the perspective 'Security' to 'AppSec'"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::RenamePerspective {
                    perspective: sec.clone(),
                    name: "OPS".into()
                }
            ),
            "another perspective is already called \"OPS\""
        );
        round_trip(
            &mut w,
            Edit::RenamePerspective {
                perspective: sec.clone(),
                name: "security".into(),
            },
        );
        round_trip(
            &mut w,
            Edit::RecolorPerspective {
                perspective: sec.clone(),
                color: "#abcdef".into(),
            },
        );
        round_trip(
            &mut w,
            Edit::MovePerspective {
                perspective: sec.clone(),
                to_index: 0,
            },
        );
        assert!(matches!(
            apply(
                &mut w,
                Edit::MovePerspective {
                    perspective: sec,
                    to_index: 3
                },
                1
            ),
            Err(EditError::IndexOutOfRange { index: 3, max: 2 })
        ));
        for i in 4..=8 {
            apply(
                &mut w,
                Edit::AddPerspective {
                    name: format!("P{i}"),
                    color: None,
                },
                1,
            )
            .unwrap();
        }
        assert_eq!(
            refused(
                &mut w,
                Edit::AddPerspective {
                    name: "P9".into(),
                    color: None
                }
            ),
            "a workshop has at most 8 perspectives"
        );
    }

    #[test]
    fn removing_a_perspective_needs_confirmation_and_undo_restores_its_placements() {
        let mut w = sample::workshop();
        apply(
            &mut w,
            Edit::AddPerspective {
                name: "Security".into(),
                color: Some("#112233".into()),
            },
            1,
        )
        .unwrap();
        apply(
            &mut w,
            Edit::MovePerspective {
                perspective: PerspectiveId::new("security"),
                to_index: 1,
            },
            1,
        )
        .unwrap();
        place(&mut w, 0, "security", 3, 3);
        place(&mut w, 4, "security", 1, 5);
        place(&mut w, 4, "ops", 2, 5);
        let sec = PerspectiveId::new("security");
        assert_eq!(
            refused(
                &mut w,
                Edit::RemovePerspective {
                    perspective: sec.clone(),
                    confirm: false
                }
            ),
            "removing \"Security\" would delete its 2 placements; confirm to remove it anyway"
        );
        let before = w.clone();
        let applied = apply(
            &mut w,
            Edit::RemovePerspective {
                perspective: sec.clone(),
                confirm: true,
            },
            5,
        )
        .unwrap();
        assert_eq!(applied.label, "Remove the perspective 'Security'");
        assert!(w.perspective(&sec).is_none());
        assert!(w.changes.iter().all(|c| !c.placements.contains_key(&sec)));
        assert_eq!(w.changes[4].placements.len(), 1, "Ops keeps its placement");
        let Edit::InsertPerspective {
            index, placements, ..
        } = &applied.inverse
        else {
            panic!("{:?}", applied.inverse)
        };
        assert_eq!((*index, placements.len()), (1, 2));
        apply(&mut w, applied.inverse, 6).unwrap();
        assert_eq!(
            w, before,
            "perspective, position and placements all come back"
        );

        let json = serde_json::to_string(&Edit::RemovePerspective {
            perspective: sec,
            confirm: true,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"kind":"remove_perspective","perspective":"security","confirm":true}"#
        );
        let edit: Edit =
            serde_json::from_str(r#"{"kind":"remove_perspective","perspective":"dev"}"#).unwrap();
        assert!(matches!(
            edit,
            Edit::RemovePerspective { confirm: false, .. }
        ));

        // Down to two, no more can go.
        apply(
            &mut w,
            Edit::RemovePerspective {
                perspective: PerspectiveId::new("security"),
                confirm: true,
            },
            7,
        )
        .unwrap();
        assert_eq!(
            refused(
                &mut w,
                Edit::RemovePerspective {
                    perspective: PerspectiveId::new("dev"),
                    confirm: true
                }
            ),
            "a workshop needs at least 2 perspectives"
        );
    }

    #[test]
    fn mitigations_are_added_updated_and_removed() {
        let mut w = sample::workshop();
        let c = w.changes[0].id.clone();
        let applied = round_trip(
            &mut w,
            Edit::AddMitigation {
                change: c.clone(),
                text: "Rehearse on a copy".into(),
                owner: "DBA".into(),
                lowers: Axis::Likelihood,
            },
        );
        assert_eq!(
            applied.label,
            "Mitigate 'Upgrade PostgreSQL 14 → 16': Rehearse on a copy (lowers likelihood)"
        );
        apply(
            &mut w,
            Edit::AddMitigation {
                change: c.clone(),
                text: "Keep a replica to fail back to".into(),
                owner: String::new(),
                lowers: Axis::Impact,
            },
            1,
        )
        .unwrap();
        let ids: Vec<_> = w.changes[0]
            .mitigations
            .iter()
            .map(|m| m.id.0.as_str())
            .collect();
        assert_eq!(ids, ["m1", "m2"]);
        let m1 = MitigationId::new("m1");
        round_trip(
            &mut w,
            Edit::UpdateMitigation {
                change: c.clone(),
                mitigation: m1.clone(),
                text: "Rehearse the upgrade on last night's copy".into(),
                owner: "Priya".into(),
                lowers: Axis::Likelihood,
            },
        );
        let applied = round_trip(
            &mut w,
            Edit::RemoveMitigation {
                change: c.clone(),
                mitigation: m1.clone(),
            },
        );
        assert!(matches!(
            applied.inverse,
            Edit::InsertMitigation { index: 0, .. }
        ));
        assert_eq!(
            refused(
                &mut w,
                Edit::AddMitigation {
                    change: c.clone(),
                    text: "".into(),
                    owner: String::new(),
                    lowers: Axis::Impact
                }
            ),
            "changes[0].mitigations[1].text: must not be empty"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::RemoveMitigation {
                    change: c.clone(),
                    mitigation: MitigationId::new("m9")
                }
            ),
            "change \"c1\" has no mitigation with id \"m9\""
        );
        let dup = w.changes[0].mitigations[0].clone();
        assert_eq!(
            refused(
                &mut w,
                Edit::InsertMitigation {
                    change: c,
                    index: 0,
                    mitigation: dup
                }
            ),
            "changes[0].mitigations[0].id: \"m2\" is used by another mitigation"
        );
    }

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
}

/// Property tests: random sequences of edits, valid and not, through a `Document`.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::document::Document;
    use crate::sample;

    /// Raw material for one edit; `make` turns it into an edit that fits the workshop of the
    /// moment, most of the time valid, sometimes not (unknown ids, levels off the matrix).
    type Seed = (u8, u16, u16, u8, u8, bool);

    fn pick<T>(items: &[T], n: u16) -> Option<&T> {
        (!items.is_empty()).then(|| &items[usize::from(n) % items.len()])
    }

    fn make(w: &Workshop, (kind, a, b, c, d, flag): Seed) -> Edit {
        let change = pick(&w.changes, a)
            .map(|c| c.id.clone())
            .unwrap_or_else(|| ChangeId::new("gone"));
        let perspective = if b % 11 == 10 {
            PerspectiveId::new("nobody")
        } else {
            pick(&w.perspectives, b)
                .map(|p| p.id.clone())
                .unwrap_or_else(|| PerspectiveId::new("nobody"))
        };
        // Mostly on a 5×5 or smaller matrix, sometimes off it (0 and 6 never fit there).
        let cell = Cell::new(c % 7, 1 + d % 6);
        let axis = if flag { Axis::Likelihood } else { Axis::Impact };
        // Mitigation edits aim at a change that has some, when there is one.
        let mitigated: Vec<&Change> = w
            .changes
            .iter()
            .filter(|c| !c.mitigations.is_empty())
            .collect();
        let (mitigated_change, mitigation) = match pick(&mitigated, a) {
            Some(ch) if !flag || b % 4 != 0 => (
                ch.id.clone(),
                pick(&ch.mitigations, b).map_or_else(|| MitigationId::new("m99"), |m| m.id.clone()),
            ),
            _ => (change.clone(), MitigationId::new("m99")),
        };
        let templates = [
            Template::FiveByFive,
            Template::FourByFour,
            Template::ThreeByThree,
        ];
        match kind % 26 {
            0 => Edit::SetTitle {
                title: format!("Workshop {a}"),
            },
            1 => Edit::AddChange {
                details: ChangeDetails::titled(&format!("Change {a}")),
                index: flag.then_some(usize::from(b) % (w.changes.len() + 2)),
            },
            2 => Edit::RemoveChange { change },
            3 => Edit::UpdateChange {
                change,
                details: ChangeDetails {
                    tags: vec![format!("t{b}")],
                    ..ChangeDetails::titled(if flag { "Renamed" } else { "" })
                },
            },
            4 => Edit::MoveChange {
                change,
                to_index: usize::from(b) % (w.changes.len() + 1),
            },
            5 | 6 => Edit::Place {
                change,
                perspective,
                cell,
                rationale: flag.then(|| format!("because {c}")),
            },
            7 => Edit::Unplace {
                change,
                perspective,
            },
            8 => Edit::SetConsensus {
                change,
                cell: flag.then_some(cell),
            },
            9 => Edit::SetResidual {
                change,
                cell: flag.then_some(cell),
            },
            10 => Edit::SetPhase {
                phase: if flag {
                    Phase::Revealed
                } else {
                    Phase::Placing
                },
            },
            11 => Edit::SetBlind { blind: flag },
            12 => Edit::ApplyTemplate {
                template: templates[usize::from(c) % 3],
            },
            13 => Edit::UpdateLevel {
                axis,
                level: c % 8,
                details: Level::new(&format!("Level {d}"), "what it means", ""),
            },
            14 => Edit::AddLevel {
                axis,
                details: Level::new(&format!("Level {d}"), "", "an example"),
            },
            15 => Edit::RemoveLevel { axis },
            16 => Edit::SetBands {
                bands: (0..=(d % 4))
                    .map(|i| Band {
                        name: format!("band {i}"),
                        color: if c == 0 {
                            "red".into()
                        } else {
                            "#a0b0c0".into()
                        },
                        min_score: 1 + u32::from(i) * (u32::from(c % 5)),
                    })
                    .collect(),
            },
            17 => Edit::AddPerspective {
                name: format!("P{}", a % 12),
                color: flag.then(|| "#123456".into()),
            },
            18 => Edit::RenamePerspective {
                perspective,
                name: format!("Q{}", a % 12),
            },
            19 => Edit::RecolorPerspective {
                perspective,
                color: format!("#{:06x}", u32::from(a) * 251),
            },
            20 => Edit::MovePerspective {
                perspective,
                to_index: usize::from(c) % (w.perspectives.len() + 1),
            },
            21 => Edit::RemovePerspective {
                perspective,
                confirm: flag,
            },
            22 => Edit::AddMitigation {
                change,
                text: format!("Mitigation {b}"),
                owner: String::new(),
                lowers: axis,
            },
            23 => Edit::UpdateMitigation {
                change: mitigated_change,
                mitigation,
                text: format!("Better mitigation {d}"),
                owner: "someone".into(),
                lowers: axis,
            },
            24 => Edit::RemoveMitigation {
                change: mitigated_change,
                mitigation,
            },
            _ => {
                let mut matrix = Matrix::from_template(Template::FourByFour);
                matrix.impact.push(Level::new("Catastrophic", "", ""));
                Edit::SetMatrix { matrix }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Applying any sequence keeps the workshop valid and refused edits change nothing;
        /// undoing everything gives the original back, redoing everything gives the result
        /// back, and the timestamped history rebuilds the workshop as it was after every step.
        #[test]
        fn undo_all_and_redo_all_are_exact(seeds in prop::collection::vec(any::<Seed>(), 1..80)) {
            let mut doc = Document::new(sample::workshop());
            let original = doc.workshop().clone();
            let mut snapshots = Vec::new();
            let mut applied = 0;
            for (t, seed) in seeds.into_iter().enumerate() {
                let t = t as Millis + 1;
                let edit = make(doc.workshop(), seed);
                let before = doc.workshop().clone();
                match doc.apply(edit.clone(), t) {
                    Ok(_) => {
                        applied += 1;
                        prop_assert!(validate::check_workshop(doc.workshop()).is_ok(), "{edit:?}");
                    }
                    Err(_) => prop_assert_eq!(doc.workshop(), &before, "refused: {:?}", edit),
                }
                snapshots.push((t, doc.workshop().clone()));
            }
            let after = doc.workshop().clone();
            for (t, snapshot) in &snapshots {
                prop_assert_eq!(&doc.workshop_at(*t).unwrap(), snapshot);
            }
            let mut now = 10_000;
            for _ in 0..applied {
                now += 1;
                prop_assert!(doc.undo(now).unwrap().is_some());
            }
            prop_assert_eq!(doc.undo(now).unwrap(), None);
            prop_assert_eq!(doc.workshop(), &original);
            for _ in 0..applied {
                now += 1;
                prop_assert!(doc.redo(now).unwrap().is_some());
            }
            prop_assert_eq!(doc.redo(now).unwrap(), None);
            prop_assert_eq!(doc.workshop(), &after);
            // The undos and redos are in the history too: half-way back is the original.
            prop_assert_eq!(&doc.workshop_at(10_000 + applied as Millis).unwrap(), &original);
            prop_assert_eq!(&doc.workshop_at(0).unwrap(), &original);
        }
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
