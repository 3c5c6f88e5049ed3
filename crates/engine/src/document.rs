//! An open workshop with its history: applies edits through `edit::apply`, keeps bounded undo and
//! redo stacks with a label per step, and knows whether there are unsaved changes.
//! It never touches the disk and never reads the clock: the shell does both.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::edit::{self, Applied, Edit, EditError};
use crate::{Millis, Workshop};

/// How many steps undo remembers.
pub const UNDO_LIMIT: usize = 500;

enum Direction {
    Back,
    Forward,
}

#[derive(Debug, Clone)]
struct Step {
    label: String,
    /// The edit that takes the workshop back across this step.
    edit: Edit,
}

#[derive(Debug, Clone)]
pub struct Document {
    workshop: Workshop,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Counts every change of the workshop; `saved_at` is its value at the last save.
    revision: u64,
    saved_at: Option<u64>,
}

/// What the UI needs to know about the document besides the workshop itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentStatus {
    pub dirty: bool,
    #[ts(optional = nullable)]
    pub undo_label: Option<String>,
    #[ts(optional = nullable)]
    pub redo_label: Option<String>,
    #[ts(type = "number")]
    pub revision: u64,
}

impl Document {
    /// A document that has never been saved.
    pub fn new(workshop: Workshop) -> Self {
        Document {
            workshop,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            saved_at: None,
        }
    }

    /// A document just read from a file: nothing unsaved.
    pub fn opened(workshop: Workshop) -> Self {
        let mut doc = Document::new(workshop);
        doc.saved_at = Some(0);
        doc
    }

    pub fn workshop(&self) -> &Workshop {
        &self.workshop
    }

    pub fn status(&self) -> DocumentStatus {
        DocumentStatus {
            dirty: self.is_dirty(),
            undo_label: self.undo.last().map(|s| s.label.clone()),
            redo_label: self.redo.last().map(|s| s.label.clone()),
            revision: self.revision,
        }
    }

    /// True when the workshop differs from what was last saved (or was never saved).
    pub fn is_dirty(&self) -> bool {
        self.saved_at != Some(self.revision)
    }

    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.revision);
    }

    /// Applies an edit; on success it becomes the newest undo step and clears redo.
    pub fn apply(&mut self, edit: Edit, now: Millis) -> Result<String, EditError> {
        let Applied { inverse, label } = edit::apply(&mut self.workshop, edit, now)?;
        self.undo.push(Step {
            label: label.clone(),
            edit: inverse,
        });
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.revision += 1;
        Ok(label)
    }

    /// Undoes the newest step; returns its label, or None when there is nothing to undo.
    pub fn undo(&mut self, now: Millis) -> Result<Option<String>, EditError> {
        self.cross(Direction::Back, now)
    }

    /// Redoes the newest undone step; returns its label, or None when there is nothing to redo.
    pub fn redo(&mut self, now: Millis) -> Result<Option<String>, EditError> {
        self.cross(Direction::Forward, now)
    }

    /// Applies the newest step of one stack and moves its inverse onto the other.
    fn cross(&mut self, direction: Direction, now: Millis) -> Result<Option<String>, EditError> {
        let (from, to) = match direction {
            Direction::Back => (&mut self.undo, &mut self.redo),
            Direction::Forward => (&mut self.redo, &mut self.undo),
        };
        let Some(step) = from.pop() else {
            return Ok(None);
        };
        match edit::apply(&mut self.workshop, step.edit.clone(), now) {
            Ok(applied) => {
                to.push(Step {
                    label: step.label.clone(),
                    edit: applied.inverse,
                });
                self.revision += 1;
                Ok(Some(step.label))
            }
            Err(e) => {
                // Inverses of applied edits always apply; if one ever does not, keep the step.
                from.push(step);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sample, Cell, PerspectiveId};

    fn place(doc: &mut Document, i: usize, l: u8, im: u8) -> String {
        let change = doc.workshop().changes[i].id.clone();
        doc.apply(
            Edit::Place {
                change,
                perspective: PerspectiveId::new("dev"),
                cell: Cell::new(l, im),
                rationale: None,
            },
            7,
        )
        .unwrap()
    }

    #[test]
    fn undo_and_redo_walk_the_history_and_track_dirty() {
        let mut doc = Document::opened(sample::workshop());
        let original = doc.workshop().clone();
        assert!(!doc.is_dirty());
        place(&mut doc, 0, 1, 2);
        place(&mut doc, 0, 3, 4);
        let after = doc.workshop().clone();
        assert!(doc.is_dirty());
        assert!(doc.status().undo_label.unwrap().starts_with("Move '"));
        assert_eq!(
            doc.undo(8)
                .unwrap()
                .as_deref()
                .map(|l| l.starts_with("Move")),
            Some(true)
        );
        assert_eq!(
            doc.undo(9)
                .unwrap()
                .as_deref()
                .map(|l| l.starts_with("Place")),
            Some(true)
        );
        assert_eq!(doc.undo(10).unwrap(), None);
        assert_eq!(doc.workshop(), &original);
        doc.redo(11).unwrap();
        doc.redo(12).unwrap();
        assert_eq!(
            doc.workshop(),
            &after,
            "redo restores the exact placement, time included"
        );
        assert_eq!(doc.redo(13).unwrap(), None);
    }

    #[test]
    fn saving_clears_dirty_and_a_new_edit_clears_redo() {
        let mut doc = Document::new(sample::workshop());
        assert!(doc.is_dirty(), "a never-saved workshop is unsaved");
        place(&mut doc, 1, 2, 2);
        doc.mark_saved();
        assert!(!doc.is_dirty());
        doc.undo(1).unwrap();
        assert!(doc.is_dirty());
        place(&mut doc, 2, 2, 2);
        assert_eq!(doc.status().redo_label, None);
    }

    #[test]
    fn history_is_bounded() {
        let mut doc = Document::new(sample::workshop());
        for i in 0..(UNDO_LIMIT + 20) {
            place(&mut doc, 0, (i % 5) as u8 + 1, 1);
        }
        let mut undone = 0;
        while doc.undo(0).unwrap().is_some() {
            undone += 1;
        }
        assert_eq!(undone, UNDO_LIMIT);
    }
}
