//! Edits of the list of changes: add (the engine picks the id), put back as it was, remove,
//! rewrite the text fields, reorder. A change's placements, consensus and residual belong to
//! `placements.rs`, its mitigations to `mitigations.rs`. Never accepts a change validation
//! would refuse: the list is bounded, ids are unique, texts fit.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{change_index, check_index, Done, Edit, EditError};
use crate::validate::{self, ValidationError, MAX_CHANGES, MAX_TAGS};
use crate::{Change, ChangeId, ChangeType, Workshop};

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

fn check_room(w: &Workshop) -> Result<(), EditError> {
    if w.changes.len() >= MAX_CHANGES {
        return Err(EditError::TooManyChanges);
    }
    Ok(())
}

pub(super) fn add(w: &mut Workshop, details: ChangeDetails, index: Option<usize>) -> Done {
    details.check("change")?;
    check_room(w)?;
    let index = index.unwrap_or(w.changes.len());
    check_index(index, w.changes.len())?;
    let id = w.next_change_id();
    let label = format!("Add '{}'", details.title);
    let mut change = Change::new(&id.0, &details.title);
    change.description = details.description;
    change.change_type = details.change_type;
    change.ticket = details.ticket;
    change.tags = details.tags;
    w.changes.insert(index, change);
    Ok((Edit::RemoveChange { change: id }, label))
}

pub(super) fn insert(w: &mut Workshop, index: usize, change: Change) -> Done {
    check_room(w)?;
    check_index(index, w.changes.len())?;
    if w.change(&change.id).is_some() {
        return Err(EditError::DuplicateChange(change.id.0.clone()));
    }
    // Check the change against the workshop as it would be, without touching it: the same
    // matrix and perspectives, this change alone.
    let mut probe = Workshop {
        changes: vec![change.clone()],
        ..Workshop::new(&w.title, w.matrix.clone())
    };
    probe.perspectives = w.perspectives.clone();
    probe.participants = w.participants.clone();
    validate::check_workshop(&probe).map_err(|e| ValidationError {
        path: e
            .path
            .replacen("changes[0]", &format!("changes[{index}]"), 1),
        problem: e.problem,
    })?;
    let label = format!("Add '{}'", change.title);
    let id = change.id.clone();
    w.changes.insert(index, change);
    Ok((Edit::RemoveChange { change: id }, label))
}

pub(super) fn set_calibration(w: &mut Workshop, change: ChangeId, calibration: bool) -> Done {
    let index = change_index(w, &change)?;
    let target = &mut w.changes[index];
    let old = std::mem::replace(&mut target.calibration, calibration);
    let label = if calibration {
        format!("Use '{}' for calibration", target.title)
    } else {
        format!("Count '{}' as a real change", target.title)
    };
    Ok((
        Edit::SetCalibration {
            change,
            calibration: old,
        },
        label,
    ))
}

pub(super) fn remove(w: &mut Workshop, change: ChangeId) -> Done {
    let index = change_index(w, &change)?;
    let removed = w.changes.remove(index);
    let label = format!("Delete '{}'", removed.title);
    Ok((
        Edit::InsertChange {
            index,
            change: removed,
        },
        label,
    ))
}

pub(super) fn update(w: &mut Workshop, change: ChangeId, details: ChangeDetails) -> Done {
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
    Ok((
        Edit::UpdateChange {
            change,
            details: old,
        },
        label,
    ))
}

pub(super) fn reorder(w: &mut Workshop, change: ChangeId, to_index: usize) -> Done {
    let from = change_index(w, &change)?;
    check_index(to_index, w.changes.len() - 1)?;
    let moved = w.changes.remove(from);
    let label = format!("Reorder '{}'", moved.title);
    w.changes.insert(to_index, moved);
    Ok((
        Edit::MoveChange {
            change,
            to_index: from,
        },
        label,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{refused, round_trip};
    use super::super::*;
    use crate::sample;

    #[test]
    fn a_change_is_marked_for_calibration_and_back() {
        let mut w = sample::workshop();
        let c = w.changes[1].id.clone();
        let applied = round_trip(
            &mut w,
            Edit::SetCalibration {
                change: c.clone(),
                calibration: true,
            },
        );
        assert_eq!(
            applied.label,
            format!("Use '{}' for calibration", w.changes[1].title)
        );
        assert_eq!(applied.inverse.only_change(), Some(&c));
        apply(
            &mut w,
            Edit::SetCalibration {
                change: c.clone(),
                calibration: true,
            },
            1,
        )
        .unwrap();
        assert!(w.changes[1].calibration);
        let json = serde_json::to_string(&w.changes[1]).unwrap();
        assert!(json.contains(r#""calibration":true"#), "{json}");
        assert!(!serde_json::to_string(&w.changes[0])
            .unwrap()
            .contains("calibration"));
        round_trip(
            &mut w,
            Edit::SetCalibration {
                change: c,
                calibration: false,
            },
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetCalibration {
                    change: ChangeId::new("nope"),
                    calibration: true
                }
            ),
            "there is no change with id \"nope\""
        );
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
}
