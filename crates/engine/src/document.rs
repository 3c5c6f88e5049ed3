//! An open workshop with its history: applies edits through `edit::apply`, keeps bounded undo and
//! redo stacks with a label per step, and knows whether there are unsaved changes. It also keeps
//! a timestamped log of every step (edits, undos and redos alike), from which it can rebuild the
//! workshop as it was at any time of the session and list how a change's placements moved.
//! It never touches the disk and never reads the clock: the shell does both.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::edit::{self, Applied, Edit, EditError};
use crate::{Cell, ChangeId, Millis, PerspectiveId, Placement, Workshop};

/// How many steps undo remembers.
pub const UNDO_LIMIT: usize = 500;
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
        self.cross(Direction::Back, now)
    }

    /// Redoes the newest undone step; returns its label, or None when there is nothing to redo.
    pub fn redo(&mut self, now: Millis) -> Result<Option<String>, EditError> {
        self.cross(Direction::Forward, now)
    }

    /// Applies the newest step of one stack and moves its inverse onto the other.
    fn cross(&mut self, direction: Direction, now: Millis) -> Result<Option<String>, EditError> {
        let (from, to, kind) = match direction {
            Direction::Back => (&mut self.undo, &mut self.redo, StepKind::Undo),
            Direction::Forward => (&mut self.redo, &mut self.undo, StepKind::Redo),
        };
        let Some(step) = from.pop() else {
            return Ok(None);
        };
        match edit::apply(&mut self.workshop, step.edit.clone(), now) {
            Ok(applied) => {
                to.push(Step {
                    label: step.label.clone(),
                    edit: applied.inverse.clone(),
                });
                self.revision += 1;
                self.log(now, kind, &step.label, step.edit, applied.inverse);
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
