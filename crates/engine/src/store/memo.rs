//! What the last save of a document wrote for each change, so that the next save serializes and
//! checks again only the changes that differ. In a workshop of 1,000 changes where one card was
//! moved since the last save, a save then serializes and checks one change, not a thousand.
//!
//! It must never be trusted without comparing: a kept line is written only for a change equal to
//! the one it was made from, and a change's checks are skipped only when it is equal to one that
//! passed them in the same matrix and perspectives. A new, empty memo is always correct, only
//! slower; nothing else ever has to tell it what changed.

use std::collections::HashMap;
use std::io::{self, Write};

use super::{layout, line};
use crate::validate::{check_workshop_except, ValidationError};
use crate::{Axis, Change, ChangeId, PerspectiveId, Workshop};

/// Keep one per open document (the app keeps it beside the document) and pass it to every save
/// of that document.
#[derive(Default)]
pub struct SaveMemo {
    /// One per change, in the order of the last save.
    kept: Vec<Kept>,
    /// What the changes marked `checked` were checked against.
    checked_in: Option<Context>,
    /// Memory for reading the file on disk, kept between saves: reading into fresh memory cost
    /// more than the read itself.
    read_buffer: Vec<u8>,
}

struct Kept {
    change: Change,
    /// The change's line in the file, without the line break and indent before it.
    line: Vec<u8>,
    /// It passed every check of a change of its own in `SaveMemo::checked_in`.
    checked: bool,
}

/// What a change's own checks depend on outside the change: how many levels each axis has and
/// which perspectives exist.
#[derive(PartialEq, Eq)]
struct Context {
    likelihood_levels: u8,
    impact_levels: u8,
    perspectives: Vec<PerspectiveId>,
}

impl Context {
    fn of(workshop: &Workshop) -> Context {
        Context {
            likelihood_levels: workshop.matrix.max_level(Axis::Likelihood),
            impact_levels: workshop.matrix.max_level(Axis::Impact),
            perspectives: workshop.perspectives.iter().map(|p| p.id.clone()).collect(),
        }
    }
}

/// Why writing a workshop through the memo stopped.
pub(crate) enum Failed {
    Io(io::Error),
    Invalid(ValidationError),
}

impl SaveMemo {
    /// Fills the memo for `workshop` without saving it, so that its first save is as quick as
    /// the later ones: the app does this in the background when a document is opened. A workshop
    /// that fails its checks is remembered all the same; its save will say what is wrong.
    pub fn remember(&mut self, workshop: &Workshop) {
        let _ = self.write_checked(&mut io::sink(), workshop, |_| Ok(()));
    }

    /// True once it holds the lines of an earlier save: a save then serializes little.
    pub fn is_warm(&self) -> bool {
        !self.kept.is_empty()
    }

    /// Memory for reading the file on disk, from the last save.
    pub(crate) fn take_read_buffer(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.read_buffer)
    }

    /// Keeps the buffer of `take_read_buffer` for the next save.
    pub(crate) fn give_read_buffer(&mut self, read: Option<Vec<u8>>) {
        self.read_buffer = read.unwrap_or_default();
    }

    /// Writes `workshop` as a whole file into `sink` (the bytes `to_bytes` makes), calls
    /// `written` with the sink, then checks the workshop as `check_workshop` does: a problem found
    /// is the one `check_workshop` reports. The lines and checks of changes equal to what the last
    /// call saw are reused; the memo then holds this workshop's.
    pub(crate) fn write_checked<W: Write>(
        &mut self,
        sink: &mut W,
        workshop: &Workshop,
        written: impl FnOnce(&mut W) -> io::Result<()>,
    ) -> Result<(), Failed> {
        let mut old = Old::new(std::mem::take(&mut self.kept));
        let mut kept = Vec::with_capacity(workshop.changes.len());
        let lines = layout::write_workshop(&mut *sink, workshop, |sink, change| {
            let entry = match old.take_equal(change) {
                Some(entry) => entry,
                None => {
                    let mut line = Vec::with_capacity(512);
                    line::write_change(&mut line, change)?;
                    Kept {
                        change: change.clone(),
                        line,
                        checked: false,
                    }
                }
            };
            sink.write_all(&entry.line)?;
            kept.push(entry);
            Ok(())
        });
        // What was kept is only ever equal to the changes it stands for, even after a failure.
        self.kept = kept;
        lines.and_then(|()| written(sink)).map_err(Failed::Io)?;

        let context = Context::of(workshop);
        let same_context = self.checked_in.as_ref() == Some(&context);
        // `self.kept[i]` stands for `workshop.changes[i]`: it was reused because it was equal,
        // or made from it just now.
        let kept = &self.kept;
        let checked = check_workshop_except(workshop, |i| same_context && kept[i].checked);
        match checked {
            Ok(()) => {
                self.kept.iter_mut().for_each(|k| k.checked = true);
                self.checked_in = Some(context);
                Ok(())
            }
            Err(e) => {
                if !same_context {
                    // The flags set so far were for another context; none holds for this one.
                    self.kept.iter_mut().for_each(|k| k.checked = false);
                    self.checked_in = None;
                }
                Err(Failed::Invalid(e))
            }
        }
    }
}

/// The entries of the last save, taken out one by one as this save finds their changes.
struct Old {
    entries: Vec<Option<Kept>>,
    /// Where to look next: changes usually come in the order they were saved in.
    next: usize,
    /// Built only when the order changed (changes added, removed or moved).
    by_id: Option<HashMap<ChangeId, usize>>,
}

impl Old {
    fn new(entries: Vec<Kept>) -> Old {
        Old {
            entries: entries.into_iter().map(Some).collect(),
            next: 0,
            by_id: None,
        }
    }

    /// The entry made from a change equal to `change`, if there is one.
    fn take_equal(&mut self, change: &Change) -> Option<Kept> {
        let at = match self.entries.get(self.next) {
            Some(Some(e)) if e.change.id == change.id => self.next,
            _ => {
                let entries = &self.entries;
                let by_id = self.by_id.get_or_insert_with(|| {
                    entries
                        .iter()
                        .enumerate()
                        .filter_map(|(i, e)| Some((e.as_ref()?.change.id.clone(), i)))
                        .collect()
                });
                *by_id.get(&change.id)?
            }
        };
        self.next = at + 1;
        let entry = self.entries.get_mut(at)?.take()?;
        (entry.change == *change).then_some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sample, Placement};

    fn written(memo: &mut SaveMemo, w: &Workshop) -> Vec<u8> {
        let mut out = Vec::new();
        match memo.write_checked(&mut out, w, |_| Ok(())) {
            Ok(()) => out,
            Err(Failed::Io(e)) => panic!("{e}"),
            Err(Failed::Invalid(e)) => panic!("{e}"),
        }
    }

    fn problem(memo: &mut SaveMemo, w: &Workshop) -> String {
        match memo.write_checked(&mut Vec::new(), w, |_| Ok(())) {
            Err(Failed::Invalid(e)) => e.to_string(),
            _ => panic!("expected a validation problem"),
        }
    }

    #[test]
    fn every_edit_reaches_the_bytes() {
        let mut memo = SaveMemo::default();
        let mut w = sample::workshop();
        assert_eq!(written(&mut memo, &w), super::super::to_bytes(&w).unwrap());

        w.changes[2].title.push_str(" (edited)");
        w.changes[4].placements.insert(
            w.perspectives[1].id.clone(),
            Placement {
                likelihood: 1,
                impact: 5,
                rationale: "after the outage".into(),
                placed_at_ms: 7,
                spread: None,
            },
        );
        assert_eq!(written(&mut memo, &w), super::super::to_bytes(&w).unwrap());

        // Moved, removed and added changes.
        w.changes.swap(0, 3);
        w.changes.remove(1);
        let mut new = w.changes[0].clone();
        new.id = w.next_change_id();
        w.changes.insert(2, new);
        assert_eq!(written(&mut memo, &w), super::super::to_bytes(&w).unwrap());
        assert_eq!(memo.kept.len(), w.changes.len());

        // Back to one seen two saves ago: nothing stale comes back.
        let mut again = sample::workshop();
        again.title = "Another".into();
        assert_eq!(
            written(&mut memo, &again),
            super::super::to_bytes(&again).unwrap()
        );
    }

    #[test]
    fn checks_are_redone_when_their_context_changes() {
        let mut memo = SaveMemo::default();
        let mut w = sample::workshop();
        let (i, perspective) = (1, w.perspectives[1].id.clone());
        w.changes[i].placements.insert(
            perspective.clone(),
            Placement {
                likelihood: 2,
                impact: 5,
                rationale: String::new(),
                placed_at_ms: 0,
                spread: None,
            },
        );
        written(&mut memo, &w);

        // The change is unchanged, but its perspective is gone.
        let mut gone = w.clone();
        gone.perspectives.retain(|p| p.id != perspective);
        gone.perspectives
            .push(crate::Perspective::new("sec", "Sec", "#123456"));
        assert_eq!(
            problem(&mut memo, &gone),
            format!(
                "changes[{i}].placements.{}: names a perspective that does not exist",
                perspective.0
            )
        );

        // The change is unchanged, but the matrix shrank under its placement.
        written(&mut memo, &w);
        let mut smaller = w.clone();
        smaller.matrix = crate::Matrix::from_template(crate::Template::ThreeByThree);
        smaller.changes.iter_mut().enumerate().for_each(|(j, c)| {
            if j != i {
                c.placements.clear();
                c.consensus = None;
                c.residual = None;
            }
        });
        assert_eq!(
            problem(&mut memo, &smaller),
            format!(
                "changes[{i}].placements.{}.impact: 5 is outside 1..=3",
                perspective.0
            )
        );
    }

    #[test]
    fn a_duplicate_id_is_found_even_among_kept_changes() {
        let mut memo = SaveMemo::default();
        let mut w = sample::workshop();
        written(&mut memo, &w);
        let id = w.changes[0].id.clone();
        w.changes[3].id = id.clone();
        assert_eq!(
            problem(&mut memo, &w),
            format!("changes[3].id: {:?} is used by another change", id.0)
        );
    }
}
