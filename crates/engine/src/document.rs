//! An open workshop with its undo and redo: applies edits through `edit::apply`, keeps bounded undo
//! and redo stacks with a label per step, and knows whether there are unsaved changes. Several
//! steps can be undone or redone at once (back to a step picked from the list), all or nothing,
//! and each undo or redo says which one change it touched, if it touched only one, so that the
//! shell can send that change alone.
//! It never touches the disk and never reads the clock: the shell does both.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::edit::{self, Applied, Edit, EditError};
use crate::{ChangeId, Millis, Workshop};

/// How many steps undo remembers.
pub const UNDO_LIMIT: usize = 500;
/// How many labels of steps to undo (and to redo) the status lists: enough for a facilitator to
/// find "before we moved the database change", few enough to read on a projector.
pub const LISTED_STEPS: usize = 15;
/// Undoing or redoing several steps at once was refused; the workshop is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepsError {
    /// The UI asked for more steps than there are (its history list was out of date).
    #[error("only {} can be {verb}, not {asked}", steps(*available))]
    NotThatMany {
        asked: usize,
        available: usize,
        verb: &'static str,
    },
    /// A stored inverse did not apply; this would be a bug in an inverse edit. The steps crossed
    /// before it were crossed back.
    #[error("{0}")]
    Edit(#[from] EditError),
}

/// "1 step", "3 steps".
fn steps(n: usize) -> String {
    if n == 1 {
        "1 step".to_owned()
    } else {
        format!("{n} steps")
    }
}

/// What an undo or a redo did: the steps it crossed and what they touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crossed {
    /// The labels of the steps crossed, in the order they were crossed (for an undo, newest
    /// first). Empty when there was nothing to cross.
    pub labels: Vec<String>,
    /// The one change every crossed step touched, when each touched that change and nothing
    /// else (no other change, not the order of changes): everything else in the workshop is as
    /// it was. None when nothing was crossed or more than that change moved.
    pub only_change: Option<ChangeId>,
}

impl Crossed {
    /// True when there was nothing to undo or redo and the workshop is as it was.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// One step crossed: its label and the one change it touched, if only one.
struct CrossedStep {
    label: String,
    only_change: Option<ChangeId>,
}

#[derive(Clone, Copy)]
enum Direction {
    Back,
    Forward,
}

impl Direction {
    fn opposite(self) -> Direction {
        match self {
            Direction::Back => Direction::Forward,
            Direction::Forward => Direction::Back,
        }
    }
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
    /// The labels of the steps undo can take back, newest first, at most `LISTED_STEPS`:
    /// `undo_steps(n)` takes back the first n of them.
    pub undo_labels: Vec<String>,
    /// The labels of the steps redo can bring back, next first, at most `LISTED_STEPS`:
    /// `redo_steps(n)` brings back the first n of them.
    pub redo_labels: Vec<String>,
    /// How many steps can be undone in all (the list shows at most `LISTED_STEPS`).
    pub undo_count: u32,
    /// How many steps can be redone in all.
    pub redo_count: u32,
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
            undo_labels: newest_labels(&self.undo),
            redo_labels: newest_labels(&self.redo),
            undo_count: u32::try_from(self.undo_count()).unwrap_or(u32::MAX),
            redo_count: u32::try_from(self.redo_count()).unwrap_or(u32::MAX),
            revision: self.revision,
        }
    }

    /// How many steps can be undone.
    pub fn undo_count(&self) -> usize {
        self.undo.len()
    }

    /// How many undone steps can be redone.
    pub fn redo_count(&self) -> usize {
        self.redo.len()
    }

    /// True when the workshop differs from what was last saved (or was never saved).
    pub fn is_dirty(&self) -> bool {
        self.saved_at != Some(self.revision)
    }

    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.revision);
    }

    /// Which state of the workshop this is: it grows with every edit, undo and redo. A save
    /// that runs off the document (on a snapshot of `workshop()`) takes it with the snapshot and
    /// hands it to `mark_saved_at` when the file is written.
    pub fn generation(&self) -> u64 {
        self.revision
    }

    /// The workshop as it was at `generation` is on disk. Clears the unsaved flag only if no
    /// edit, undo or redo happened since; otherwise the document stays unsaved, and an undo back
    /// to that state does not make it saved either (as after `mark_saved`). Saves of one
    /// document must finish in the order they started.
    pub fn mark_saved_at(&mut self, generation: u64) {
        if generation <= self.revision {
            self.saved_at = Some(generation);
        }
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
        Ok(self.cross(Direction::Back, now)?.map(|s| s.label))
    }

    /// Redoes the newest undone step; returns its label, or None when there is nothing to redo.
    pub fn redo(&mut self, now: Millis) -> Result<Option<String>, EditError> {
        Ok(self.cross(Direction::Forward, now)?.map(|s| s.label))
    }

    /// Undoes the `count` newest steps, newest first: back to before the step listed at
    /// `count - 1` in `status().undo_labels`. All or nothing: asking for more steps than there
    /// are is refused, and should a stored inverse ever fail, the steps already undone are
    /// redone and the workshop is as it was.
    pub fn undo_steps(&mut self, count: usize, now: Millis) -> Result<Crossed, StepsError> {
        self.cross_many(Direction::Back, count, now)
    }

    /// Redoes the `count` newest undone steps, next first (see `undo_steps`).
    pub fn redo_steps(&mut self, count: usize, now: Millis) -> Result<Crossed, StepsError> {
        self.cross_many(Direction::Forward, count, now)
    }

    fn cross_many(
        &mut self,
        direction: Direction,
        count: usize,
        now: Millis,
    ) -> Result<Crossed, StepsError> {
        let (available, verb) = match direction {
            Direction::Back => (self.undo.len(), "undone"),
            Direction::Forward => (self.redo.len(), "redone"),
        };
        if count > available {
            return Err(StepsError::NotThatMany {
                asked: count,
                available,
                verb,
            });
        }
        let revision = self.revision;
        let mut crossed = Crossed::default();
        for done in 0..count {
            let step = match self.cross(direction, now) {
                Ok(Some(step)) => step,
                // Counted above; the stack cannot have shrunk since.
                Ok(None) => break,
                Err(e) => {
                    for _ in 0..done {
                        // These are the inverses of edits that have just applied.
                        let _ = self.cross(direction.opposite(), now);
                    }
                    // The workshop is back where it was: so is its revision, so that a saved
                    // workshop does not turn unsaved.
                    self.revision = revision;
                    return Err(e.into());
                }
            };
            crossed.only_change = if done == 0 {
                step.only_change
            } else {
                crossed
                    .only_change
                    .filter(|c| step.only_change.as_ref() == Some(c))
            };
            crossed.labels.push(step.label);
        }
        Ok(crossed)
    }

    /// Applies the newest step of one stack and moves its inverse onto the other.
    fn cross(
        &mut self,
        direction: Direction,
        now: Millis,
    ) -> Result<Option<CrossedStep>, EditError> {
        let (from, to) = match direction {
            Direction::Back => (&mut self.undo, &mut self.redo),
            Direction::Forward => (&mut self.redo, &mut self.undo),
        };
        let Some(step) = from.pop() else {
            return Ok(None);
        };
        let only_change = step.edit.only_change().cloned();
        match edit::apply(&mut self.workshop, step.edit.clone(), now) {
            Ok(applied) => {
                to.push(Step {
                    label: step.label.clone(),
                    edit: applied.inverse,
                });
                self.revision += 1;
                Ok(Some(CrossedStep {
                    label: step.label,
                    only_change,
                }))
            }
            Err(e) => {
                // Inverses of applied edits always apply; if one ever does not, keep the step.
                from.push(step);
                Err(e)
            }
        }
    }
}

/// The labels of the newest steps of a stack, newest first.
fn newest_labels(stack: &[Step]) -> Vec<String> {
    stack
        .iter()
        .rev()
        .take(LISTED_STEPS)
        .map(|s| s.label.clone())
        .collect()
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
    fn a_save_of_an_older_snapshot_leaves_later_edits_unsaved() {
        let mut doc = Document::new(sample::workshop());
        place(&mut doc, 1, 2, 2);
        // The snapshot a save writes, taken before the edits that follow.
        let snapshot = (doc.generation(), doc.workshop().clone());
        place(&mut doc, 2, 3, 3);
        assert_ne!(doc.generation(), snapshot.0);
        doc.mark_saved_at(snapshot.0);
        assert!(doc.is_dirty(), "the edit after the snapshot is not on disk");
        // Undoing back to the saved state is a step too, as after `mark_saved`.
        doc.undo(1).unwrap();
        assert_eq!(doc.workshop(), &snapshot.1);
        assert!(doc.is_dirty());

        // With nothing in between, the save clears the flag; an undo or a redo sets it again.
        let generation = doc.generation();
        doc.mark_saved_at(generation);
        assert!(!doc.is_dirty());
        doc.redo(1).unwrap();
        assert!(doc.is_dirty());
        let generation = doc.generation();
        doc.mark_saved_at(generation);
        assert!(!doc.is_dirty());
        // A generation the document never reached says nothing.
        doc.mark_saved_at(generation + 1);
        assert!(!doc.is_dirty());
        place(&mut doc, 0, 1, 1);
        assert!(doc.is_dirty());
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

    fn id(doc: &Document, i: usize) -> ChangeId {
        doc.workshop().changes[i].id.clone()
    }

    #[test]
    fn the_status_lists_the_steps_to_undo_and_redo_newest_first() {
        let mut doc = Document::new(sample::workshop());
        let labels: Vec<String> = (0..3).map(|i| place(&mut doc, i, 2, 2)).collect();
        let status = doc.status();
        assert_eq!(
            status.undo_labels,
            [labels[2].as_str(), &labels[1], &labels[0]]
        );
        assert_eq!(status.undo_label.as_ref(), Some(&labels[2]));
        assert_eq!(status.undo_count, 3);
        assert!(status.redo_labels.is_empty());
        doc.undo_steps(2, 8).unwrap();
        let status = doc.status();
        assert_eq!(status.undo_labels, [labels[0].as_str()]);
        assert_eq!(
            status.redo_labels,
            [labels[1].as_str(), &labels[2]],
            "the next step to redo comes first"
        );
        assert_eq!((status.undo_count, status.redo_count), (1, 2));
    }

    #[test]
    fn the_status_lists_at_most_a_screenful_of_steps() {
        let mut doc = Document::new(sample::workshop());
        for i in 0..(LISTED_STEPS + 10) {
            place(&mut doc, i % 8, (i % 5) as u8 + 1, 1);
        }
        let status = doc.status();
        assert_eq!(status.undo_labels.len(), LISTED_STEPS);
        assert_eq!(status.undo_count as usize, LISTED_STEPS + 10);
        assert_eq!(status.undo_labels.first(), status.undo_label.as_ref());
    }

    #[test]
    fn several_steps_are_undone_and_redone_in_one_go() {
        let mut doc = Document::opened(sample::workshop());
        let start = doc.workshop().clone();
        let first = place(&mut doc, 0, 1, 2);
        let after_first = doc.workshop().clone();
        let second = place(&mut doc, 1, 3, 3);
        let third = place(&mut doc, 2, 4, 4);
        let end = doc.workshop().clone();

        let undone = doc.undo_steps(2, 8).unwrap();
        assert_eq!(undone.labels, [third.clone(), second.clone()]);
        assert_eq!(doc.workshop(), &after_first);
        assert_eq!(doc.status().undo_labels, [first.as_str()]);

        let redone = doc.redo_steps(2, 9).unwrap();
        assert_eq!(redone.labels, [second, third]);
        assert_eq!(doc.workshop(), &end);

        doc.undo_steps(3, 10).unwrap();
        assert_eq!(doc.workshop(), &start);
        assert!(
            doc.is_dirty(),
            "the revision moved on, so this is not the saved one"
        );
        assert_eq!(doc.status().redo_labels.first(), Some(&first));
    }

    #[test]
    fn asking_for_more_steps_than_there_are_changes_nothing() {
        let mut doc = Document::new(sample::workshop());
        place(&mut doc, 0, 1, 2);
        let before = doc.workshop().clone();
        let revision = doc.status().revision;
        assert_eq!(
            doc.undo_steps(2, 8).unwrap_err(),
            StepsError::NotThatMany {
                asked: 2,
                available: 1,
                verb: "undone"
            }
        );
        assert_eq!(
            doc.redo_steps(1, 8).unwrap_err().to_string(),
            "only 0 steps can be redone, not 1"
        );
        assert_eq!(doc.workshop(), &before);
        assert_eq!(doc.status().revision, revision);
        let nothing = doc.undo_steps(0, 8).unwrap();
        assert!(nothing.is_empty());
        assert_eq!(nothing.only_change, None);
        assert_eq!(doc.status().revision, revision);
    }

    #[test]
    fn a_step_that_fails_half_way_puts_back_the_steps_before_it() {
        let mut doc = Document::opened(sample::workshop());
        place(&mut doc, 0, 1, 2);
        // A stored inverse that cannot apply (there is no such change): a bug in an inverse edit,
        // which must not leave the workshop half-undone.
        doc.undo.insert(
            0,
            Step {
                label: "Broken".into(),
                edit: Edit::Unplace {
                    change: ChangeId::new("no-such-change"),
                    perspective: PerspectiveId::new("dev"),
                },
            },
        );
        place(&mut doc, 1, 3, 3);
        place(&mut doc, 2, 4, 4);
        doc.mark_saved();
        let before = doc.workshop().clone();
        let labels = doc.status().undo_labels;

        let err = doc.undo_steps(4, 8).unwrap_err();
        assert!(
            matches!(err, StepsError::Edit(EditError::UnknownChange(_))),
            "{err:?}"
        );
        assert_eq!(doc.workshop(), &before);
        assert_eq!(
            doc.status().undo_labels,
            labels,
            "the undo stack is as it was"
        );
        assert!(doc.status().redo_labels.is_empty());
        assert!(!doc.is_dirty(), "a saved workshop stays saved");
    }

    #[test]
    fn an_undo_or_redo_names_the_one_change_it_touched() {
        let mut doc = Document::new(sample::workshop());
        let (c0, c1) = (id(&doc, 0), id(&doc, 1));
        place(&mut doc, 0, 1, 2);
        assert_eq!(doc.undo_steps(1, 8).unwrap().only_change, Some(c0.clone()));
        assert_eq!(doc.redo_steps(1, 8).unwrap().only_change, Some(c0.clone()));

        // Two steps on the same change still touch that change alone; steps on two do not.
        place(&mut doc, 0, 3, 3);
        assert_eq!(doc.undo_steps(2, 9).unwrap().only_change, Some(c0.clone()));
        doc.redo_steps(2, 9).unwrap();
        place(&mut doc, 1, 4, 4);
        assert_eq!(doc.undo_steps(1, 9).unwrap().only_change, Some(c1));
        doc.redo_steps(1, 9).unwrap();
        assert_eq!(doc.undo_steps(2, 9).unwrap().only_change, None);
        doc.redo_steps(2, 9).unwrap();

        // A reorder moves other changes too: the whole workshop goes back.
        doc.apply(
            Edit::MoveChange {
                change: c0,
                to_index: 3,
            },
            10,
        )
        .unwrap();
        assert_eq!(doc.undo_steps(1, 11).unwrap().only_change, None);
        assert_eq!(doc.redo_steps(1, 12).unwrap().only_change, None);
    }

    /// The promise behind `only_change`: after any undo or redo that names one change, the
    /// workshop is what it was with that one change replaced — so sending that change alone
    /// to the UI shows exactly the new workshop.
    #[test]
    fn an_undo_that_names_one_change_leaves_everything_else_as_it_was() {
        let mut doc = Document::new(sample::workshop());
        let (c0, c1) = (id(&doc, 0), id(&doc, 1));
        let dev = PerspectiveId::new("dev");
        let edits = vec![
            Edit::Place {
                change: c0.clone(),
                perspective: dev.clone(),
                cell: Cell::new(2, 3),
                rationale: Some("why".into()),
            },
            Edit::Unplace {
                change: c0.clone(),
                perspective: dev.clone(),
            },
            Edit::SetConsensus {
                change: c1.clone(),
                cell: Some(Cell::new(2, 2)),
            },
            Edit::SetResidual {
                change: c1.clone(),
                cell: Some(Cell::new(1, 2)),
            },
            Edit::AddMitigation {
                change: c1.clone(),
                text: "Canary".into(),
                owner: String::new(),
                lowers: crate::Axis::Impact,
                proposed_by: None,
            },
            Edit::UpdateChange {
                change: c0.clone(),
                details: crate::edit::ChangeDetails::titled("Renamed"),
            },
            Edit::AddChange {
                details: crate::edit::ChangeDetails::titled("New"),
                index: Some(0),
            },
            Edit::RemoveChange { change: c1 },
            Edit::SetTitle {
                title: "Other".into(),
            },
        ];
        let steps = edits.len();
        for (t, e) in edits.into_iter().enumerate() {
            doc.apply(e.clone(), t as Millis)
                .unwrap_or_else(|err| panic!("{e:?}: {err}"));
        }
        let mut named = 0;
        let mut check = |doc: &Document, before: &Workshop, crossed: &Crossed| {
            let Some(c) = &crossed.only_change else {
                return;
            };
            named += 1;
            let mut expected = before.clone();
            let i = expected.change_index(c).expect("the named change is there");
            expected.changes[i] = doc.workshop().changes[i].clone();
            assert_eq!(doc.workshop(), &expected, "{:?}", crossed.labels);
        };
        for _ in 0..steps {
            let before = doc.workshop().clone();
            let crossed = doc.undo_steps(1, 100).unwrap();
            check(&doc, &before, &crossed);
        }
        for _ in 0..steps {
            let before = doc.workshop().clone();
            let crossed = doc.redo_steps(1, 200).unwrap();
            check(&doc, &before, &crossed);
        }
        assert_eq!(named, 12, "six single-change steps, undone and redone");
    }
}
