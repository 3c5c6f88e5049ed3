//! An open workshop with its history: applies edits through `edit::apply`, keeps bounded undo and
//! redo stacks with a label per step, and knows whether there are unsaved changes. It also keeps
//! a timestamped log of every step (edits, undos and redos alike), from which it can rebuild the
//! workshop as it was at any time of the session and list how a change's placements moved.
//! Several steps can be undone or redone at once (back to a step picked from the history), all
//! or nothing, and each undo or redo says which one change it touched, if it touched only one,
//! so that the shell can send that change alone.
//! It never touches the disk and never reads the clock: the shell does both.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::edit::{self, Applied, Edit, EditError};
use crate::{Cell, ChangeId, Millis, PerspectiveId, Placement, Workshop};

/// How many steps undo remembers.
pub const UNDO_LIMIT: usize = 500;
/// How many labels of steps to undo (and to redo) the status lists: enough for a facilitator to
/// find "before we moved the database change", few enough to read on a projector.
pub const LISTED_STEPS: usize = 15;
/// How many steps the timestamped log remembers (a long workshop is a few thousand).
pub const HISTORY_LIMIT: usize = 10_000;
/// How much the log may hold, counted in placements and changes carried by its edits (see
/// `weight`): a step that removes a perspective of 10,000 changes carries 10,000 placements,
/// and 10,000 such steps must not fill the memory.
pub const HISTORY_WEIGHT_LIMIT: usize = 200_000;

/// Roughly how much an edit holds: 1, plus what it carries of the workshop.
fn weight(edit: &Edit) -> usize {
    match edit {
        Edit::InsertPerspective { placements, .. } => 1 + placements.len(),
        Edit::InsertChange { change, .. } => 2 + change.placements.len() + change.mitigations.len(),
        Edit::SetMatrix { matrix } => 1 + matrix.likelihood.len() + matrix.impact.len(),
        _ => 1,
    }
}

/// How a step of the log came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    Edit,
    Undo,
    Redo,
}

/// One step of the timestamped log: what was applied, when, and what took it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at_ms: Millis,
    pub kind: StepKind,
    /// The label of the step ("Move 'Rotate TLS certificates' to L2 × I4 (Ops)"); undo and redo
    /// steps carry the label of the step they undo or redo.
    pub label: String,
    /// The edit as it was applied.
    pub edit: Edit,
    /// The edit that takes the workshop from after this step back to before it.
    pub inverse: Edit,
}

/// One perspective's placement of one change moving: from a cell (or the tray) to a cell (or
/// back to the tray), with when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlacementMove {
    #[ts(type = "number")]
    pub at_ms: Millis,
    pub change: ChangeId,
    pub perspective: PerspectiveId,
    /// Whether the move was an edit of its own or an undo or redo of one.
    pub kind: StepKind,
    /// None: the change was in the perspective's tray.
    #[ts(optional = nullable)]
    pub from: Option<Cell>,
    /// None: the change went back to the tray.
    #[ts(optional = nullable)]
    pub to: Option<Cell>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "the history of this session reaches back only to {earliest_ms} ms; older steps were \
         dropped to keep it at {HISTORY_LIMIT} steps"
    )]
    TooOld { earliest_ms: Millis },
    /// Stepping back failed; this would be a bug in an inverse edit.
    #[error("cannot step back through the history: {0}")]
    Edit(#[from] EditError),
}

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
    /// Every step applied in this session, oldest first, at most `HISTORY_LIMIT`.
    history: VecDeque<HistoryEntry>,
    /// The latest time of a step dropped from the front of `history`: the workshop can be rebuilt
    /// only for times at or after it.
    history_floor: Option<Millis>,
    /// The sum of `weight` over `history`.
    history_weight: usize,
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
            history: VecDeque::new(),
            history_floor: None,
            history_weight: 0,
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
        let logged = edit.clone();
        let Applied { inverse, label } = edit::apply(&mut self.workshop, edit, now)?;
        self.log(now, StepKind::Edit, &label, logged, inverse.clone());
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
        let (from, to, kind) = match direction {
            Direction::Back => (&mut self.undo, &mut self.redo, StepKind::Undo),
            Direction::Forward => (&mut self.redo, &mut self.undo, StepKind::Redo),
        };
        let Some(step) = from.pop() else {
            return Ok(None);
        };
        let only_change = step.edit.only_change().cloned();
        match edit::apply(&mut self.workshop, step.edit.clone(), now) {
            Ok(applied) => {
                to.push(Step {
                    label: step.label.clone(),
                    edit: applied.inverse.clone(),
                });
                self.revision += 1;
                self.log(now, kind, &step.label, step.edit, applied.inverse);
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

impl Document {
    fn log(&mut self, at_ms: Millis, kind: StepKind, label: &str, edit: Edit, inverse: Edit) {
        let added = weight(&edit) + weight(&inverse);
        while !self.history.is_empty()
            && (self.history.len() >= HISTORY_LIMIT
                || self.history_weight + added > HISTORY_WEIGHT_LIMIT)
        {
            if let Some(dropped) = self.history.pop_front() {
                self.history_weight -= weight(&dropped.edit) + weight(&dropped.inverse);
                self.history_floor = Some(
                    self.history_floor
                        .map_or(dropped.at_ms, |f| f.max(dropped.at_ms)),
                );
            }
        }
        self.history_weight += added;
        self.history.push_back(HistoryEntry {
            at_ms,
            kind,
            label: label.to_owned(),
            edit,
            inverse,
        });
    }

    /// Every step of this session still remembered, oldest first.
    pub fn history(&self) -> impl DoubleEndedIterator<Item = &HistoryEntry> + ExactSizeIterator {
        self.history.iter()
    }

    /// The workshop as it was at `at_ms`: after every step stamped at or before that time.
    /// It steps back from the current workshop through the inverses of the later steps (from the
    /// first step stamped after `at_ms`, should the clock ever have gone backwards). A time
    /// before the first step gives the workshop as the session began; a time before steps that
    /// were dropped from the bounded log is refused rather than guessed.
    pub fn workshop_at(&self, at_ms: Millis) -> Result<Workshop, HistoryError> {
        if let Some(floor) = self.history_floor {
            if at_ms < floor {
                return Err(HistoryError::TooOld { earliest_ms: floor });
            }
        }
        let first_later = self
            .history
            .iter()
            .position(|e| e.at_ms > at_ms)
            .unwrap_or(self.history.len());
        let mut w = self.workshop.clone();
        for entry in self.history.iter().skip(first_later).rev() {
            edit::apply(&mut w, entry.inverse.clone(), entry.at_ms)?;
        }
        Ok(w)
    }

    /// Every placement as it was at `at_ms`, by change and perspective (see `workshop_at`).
    #[allow(clippy::type_complexity)]
    pub fn placements_at(
        &self,
        at_ms: Millis,
    ) -> Result<BTreeMap<ChangeId, BTreeMap<PerspectiveId, Placement>>, HistoryError> {
        Ok(self
            .workshop_at(at_ms)?
            .changes
            .into_iter()
            .map(|c| (c.id, c.placements))
            .collect())
    }

    /// How the placements of `change` moved during the session, oldest first: every step that
    /// put it somewhere else on the matrix or took it back to a tray (undo and redo included,
    /// since they move it too). Placing it again on the same cell is not a move.
    pub fn moves_of(&self, change: &ChangeId) -> Vec<PlacementMove> {
        self.moves().filter(|m| &m.change == change).collect()
    }

    /// Every placement move of the session, oldest first (see `moves_of`).
    pub fn moves(&self) -> impl Iterator<Item = PlacementMove> + '_ {
        self.history.iter().filter_map(placement_move)
    }
}

/// The placement move a step made, if it made one.
fn placement_move(entry: &HistoryEntry) -> Option<PlacementMove> {
    let Edit::RestorePlacement {
        placement: before, ..
    } = &entry.inverse
    else {
        return None;
    };
    let (change, perspective, to) = match &entry.edit {
        Edit::Place {
            change,
            perspective,
            cell,
            ..
        } => (change, perspective, Some(*cell)),
        Edit::Unplace {
            change,
            perspective,
        } => (change, perspective, None),
        Edit::RestorePlacement {
            change,
            perspective,
            placement,
        } => (change, perspective, placement.as_ref().map(Placement::cell)),
        _ => return None,
    };
    let from = before.as_ref().map(Placement::cell);
    (from != to).then(|| PlacementMove {
        at_ms: entry.at_ms,
        change: change.clone(),
        perspective: perspective.clone(),
        kind: entry.kind,
        from,
        to,
        label: entry.label.clone(),
    })
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
        // Each step undone and redone is in the log, like single undos.
        let kinds: Vec<_> = doc.history().map(|e| e.kind).collect();
        let (e, u, r) = (StepKind::Edit, StepKind::Undo, StepKind::Redo);
        assert_eq!(kinds, [e, e, e, u, u, r, r, u, u, u]);
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

    fn place_at(doc: &mut Document, i: usize, who: &str, l: u8, im: u8, now: Millis) {
        let change = doc.workshop().changes[i].id.clone();
        doc.apply(
            Edit::Place {
                change,
                perspective: PerspectiveId::new(who),
                cell: Cell::new(l, im),
                rationale: None,
            },
            now,
        )
        .unwrap();
    }

    #[test]
    fn the_history_replays_placements_at_any_time() {
        let mut doc = Document::opened(sample::workshop());
        let start = doc.workshop().clone();
        place_at(&mut doc, 0, "dev", 1, 2, 1_000);
        place_at(&mut doc, 0, "ops", 4, 4, 2_000);
        place_at(&mut doc, 0, "dev", 3, 2, 3_000);
        let at_3000 = doc.workshop().clone();
        doc.undo(4_000).unwrap();
        let change = doc.workshop().changes[0].id.clone();
        let unplace = Edit::Unplace {
            change: change.clone(),
            perspective: PerspectiveId::new("ops"),
        };
        doc.apply(unplace, 5_000).unwrap();

        assert_eq!(doc.history().len(), 5);
        let kinds: Vec<_> = doc.history().map(|e| e.kind).collect();
        let (e, u) = (StepKind::Edit, StepKind::Undo);
        assert_eq!(kinds, [e, e, e, u, e]);

        assert_eq!(doc.workshop_at(0).unwrap(), start, "before the first step");
        assert_eq!(doc.workshop_at(999).unwrap(), start);
        assert_eq!(doc.workshop_at(3_000).unwrap(), at_3000);
        assert_eq!(doc.workshop_at(3_999).unwrap(), at_3000);
        assert_eq!(&doc.workshop_at(9_999).unwrap(), doc.workshop());
        let at_2500 = doc.placements_at(2_500).unwrap();
        let placed = &at_2500[&change];
        let cells: Vec<_> = placed
            .iter()
            .map(|(p, pl)| (p.0.as_str(), pl.cell()))
            .collect();
        assert_eq!(cells, [("dev", Cell::new(1, 2)), ("ops", Cell::new(4, 4))]);
        assert_eq!(placed[&PerspectiveId::new("dev")].placed_at_ms, 1_000);

        let moves = doc.moves_of(&change);
        let summary: Vec<_> = moves
            .iter()
            .map(|m| (m.at_ms, m.perspective.0.as_str(), m.from, m.to))
            .collect();
        assert_eq!(
            summary,
            [
                (1_000, "dev", None, Some(Cell::new(1, 2))),
                (2_000, "ops", None, Some(Cell::new(4, 4))),
                (3_000, "dev", Some(Cell::new(1, 2)), Some(Cell::new(3, 2))),
                (4_000, "dev", Some(Cell::new(3, 2)), Some(Cell::new(1, 2))),
                (5_000, "ops", Some(Cell::new(4, 4)), None),
            ]
        );
        assert_eq!(moves[3].kind, StepKind::Undo);
        assert!(
            moves[3].label.starts_with("Move '"),
            "undo keeps the step's label"
        );
        assert!(doc
            .moves_of(&doc.workshop().changes[1].id.clone())
            .is_empty());
        let json = serde_json::to_value(&moves[4]).unwrap();
        assert_eq!(json["to"], serde_json::Value::Null);
        assert_eq!(json["from"]["likelihood"], 4);
        assert_eq!(json["kind"], "edit");
    }

    #[test]
    fn replacing_on_the_same_cell_is_not_a_move() {
        let mut doc = Document::new(sample::workshop());
        place_at(&mut doc, 0, "dev", 2, 2, 1);
        place_at(&mut doc, 0, "dev", 2, 2, 2);
        assert_eq!(doc.moves().count(), 1);
    }

    #[test]
    fn the_history_is_bounded_and_says_how_far_back_it_goes() {
        let mut doc = Document::new(sample::workshop());
        let total = HISTORY_LIMIT + 5;
        for i in 0..total {
            let t = i64::try_from(i).unwrap() * 10;
            place_at(&mut doc, i % 8, "dev", (i % 5) as u8 + 1, 1, t);
        }
        assert_eq!(doc.history().len(), HISTORY_LIMIT);
        // Steps 0..5 were dropped; the last of them was stamped 40.
        assert_eq!(
            doc.workshop_at(39).unwrap_err(),
            HistoryError::TooOld { earliest_ms: 40 }
        );
        let at_40 = doc.workshop_at(40).unwrap();
        let mut replay = Document::new(sample::workshop());
        for i in 0..5 {
            place_at(
                &mut replay,
                i % 8,
                "dev",
                (i % 5) as u8 + 1,
                1,
                i as Millis * 10,
            );
        }
        assert_eq!(&at_40, replay.workshop());
    }

    #[test]
    fn heavy_steps_count_against_the_history_by_weight() {
        use crate::{Change, Placement};
        let mut w = sample::workshop();
        w.changes.clear();
        for i in 0..2_000 {
            let mut c = Change::new(&format!("c{i}"), "A change");
            c.placements.insert(
                PerspectiveId::new("ops"),
                Placement {
                    likelihood: 1,
                    impact: 1,
                    rationale: String::new(),
                    placed_at_ms: 0,
                },
            );
            w.changes.push(c);
        }
        let mut doc = Document::new(w);
        doc.apply(
            Edit::AddPerspective {
                name: "Security".into(),
                color: None,
            },
            0,
        )
        .unwrap();
        // Each removal carries 2,000 placements in its inverse, and so does its undo.
        for t in 1..=100 {
            let remove = Edit::RemovePerspective {
                perspective: PerspectiveId::new("ops"),
                confirm: true,
            };
            doc.apply(remove, t).unwrap();
            doc.undo(t).unwrap();
        }
        let held: usize = doc
            .history()
            .map(|e| weight(&e.edit) + weight(&e.inverse))
            .sum();
        assert!(held <= HISTORY_WEIGHT_LIMIT, "{held}");
        assert!(doc.history().len() < 100, "old heavy steps were dropped");
        assert!(matches!(
            doc.workshop_at(0),
            Err(HistoryError::TooOld { .. })
        ));
        let last = doc.history().next().map(|e| e.at_ms).unwrap();
        assert_eq!(&doc.workshop_at(100).unwrap(), doc.workshop());
        assert!(doc.workshop_at(last).is_ok());
    }
}
