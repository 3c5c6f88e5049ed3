//! Every change to a workshop is an `Edit`, applied by `apply`. This is the one door: undo/redo,
//! validation, autosave and the unsaved-changes flag all hang off it. `apply` checks an edit fully
//! before touching the workshop, so a rejected edit changes nothing, and it returns the inverse
//! edit that undoes it exactly (including timestamps).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::validate::{self, ValidationError, MAX_CHANGES, MAX_TAGS};
use crate::{
    Axis, Cell, Change, ChangeId, ChangeType, Millis, PerspectiveId, Phase, Placement, Workshop,
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
