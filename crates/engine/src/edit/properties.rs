//! Property tests of undo and redo: random sequences of edits, valid and not, through a
//! `Document`. (The limits every edit keeps are tested against validation in
//! tests/edit_limits.rs.)

use proptest::prelude::*;

use super::*;
use crate::document::Document;
use crate::{sample, validate, ChangeId, Level, Matrix, Template};

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
    match kind % 28 {
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
            // Sometimes nobody, sometimes a perspective that does not exist.
            proposed_by: (c % 3 != 0).then_some(perspective),
        },
        23 => Edit::UpdateMitigation {
            change: mitigated_change,
            mitigation,
            text: format!("Better mitigation {d}"),
            owner: "someone".into(),
            lowers: axis,
            proposed_by: (c % 3 != 0).then_some(perspective),
        },
        24 => Edit::RemoveMitigation {
            change: mitigated_change,
            mitigation,
        },
        25 => Edit::SetLevelAnchor {
            axis,
            level: c % 8,
            anchor: match d % 4 {
                0 => String::new(),
                1 => "two\nlines".into(),
                _ => format!("about 1 in {d} such changes"),
            },
        },
        26 => Edit::SetCalibration {
            change,
            calibration: flag,
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
    /// undoing everything gives the original back, redoing everything gives the result back.
    #[test]
    fn undo_all_and_redo_all_are_exact(seeds in prop::collection::vec(any::<Seed>(), 1..80)) {
        let mut doc = Document::new(sample::workshop());
        let original = doc.workshop().clone();
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
        }
        let after = doc.workshop().clone();
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
    }
}
