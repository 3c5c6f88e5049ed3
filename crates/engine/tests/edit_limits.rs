//! The rule every edit keeps: an edit that `edit::apply` accepts leaves a workshop that
//! `validate::check_workshop` passes (or it could no longer be saved, nor its recovery copy
//! written), and an edit it refuses changes nothing. Random sequences of edits start next to
//! every limit validation enforces — mitigations per change, changes, tags, perspectives, levels,
//! bands, text lengths, ids that would overflow, people in the room — and push past them.

use parallax_engine::edit::{self, ChangeDetails, Edit};
use parallax_engine::validate::{
    self, MAX_BANDS, MAX_CHANGES, MAX_LONG_TEXT, MAX_MITIGATIONS, MAX_PERSPECTIVES, MAX_SHORT_TEXT,
    MAX_TAGS,
};
use parallax_engine::{
    sample, Answer, Axis, Band, Cell, Change, ChangeId, ChangeType, Level, Matrix, Millis,
    Mitigation, MitigationId, Participant, ParticipantId, Perspective, PerspectiveId, Phase,
    Placement, Spread, Template, Workshop, MAX_NAME_CHARS, MAX_PARTICIPANTS,
};
use proptest::prelude::*;

/// The largest number an id generator reads: the next one would overflow.
const TOP: u64 = u64::MAX;

/// Where a sequence starts.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// The sample workshop: far from every limit.
    Sample,
    /// One step from (or at) every limit but the number of changes.
    Crowded,
    /// Crowded, and one change short of the most a workshop holds.
    Full,
}

fn mitigation(id: &str, text: &str) -> Mitigation {
    Mitigation {
        id: MitigationId::new(id),
        text: text.to_owned(),
        owner: String::new(),
        lowers: Axis::Impact,
        proposed_by: None,
    }
}

fn start(kind: Start) -> Workshop {
    let mut w = sample::workshop();
    if matches!(kind, Start::Sample) {
        return w;
    }
    w.title = "t".repeat(MAX_SHORT_TEXT);
    for i in w.perspectives.len()..MAX_PERSPECTIVES - 1 {
        w.perspectives.push(Perspective::new(
            &format!("p{i}"),
            &format!("P{i}"),
            "#123456",
        ));
    }
    while w.matrix.likelihood.len() < 7 {
        w.matrix.likelihood.push(Level::new("Higher", "", ""));
    }
    w.matrix.impact.truncate(3);
    w.matrix.bands.truncate(1);
    let first = &mut w.changes[0];
    first.tags = (0..MAX_TAGS - 1).map(|i| format!("tag{i}")).collect();
    first.mitigations = (1..MAX_MITIGATIONS - 1)
        .map(|i| mitigation(&format!("m{i}"), "Canary"))
        .collect();
    // The next id after this one does not fit in a u64.
    first
        .mitigations
        .push(mitigation(&format!("m{TOP}"), &"é".repeat(MAX_SHORT_TEXT)));
    first.description = "d".repeat(MAX_LONG_TEXT);
    let last = w.changes.len() - 1;
    w.changes[last].id = ChangeId(format!("c{TOP}"));
    // One person short of a full room, some of them with answers on the top levels.
    for i in 1..MAX_PARTICIPANTS {
        let perspective = w.perspectives[i % w.perspectives.len()].id.clone();
        let id = ParticipantId(if i == 1 {
            format!("p{TOP}")
        } else {
            format!("p{i}")
        });
        if i % 10 == 0 {
            w.changes[0].answers.insert(
                id.clone(),
                Answer::Placed {
                    likelihood: 7,
                    impact: 3,
                    rationale: "r".repeat(MAX_SHORT_TEXT),
                    at_ms: 1,
                },
            );
        }
        w.participants.push(Participant {
            id,
            name: (i % 3 == 0).then(|| "n".repeat(MAX_NAME_CHARS)),
            perspective,
            joined_at_ms: 1,
        });
    }
    if matches!(kind, Start::Full) {
        for i in w.changes.len()..MAX_CHANGES - 1 {
            w.changes
                .push(Change::new(&format!("f{i}"), &format!("Filler {i}")));
        }
    }
    validate::check_workshop(&w).expect("every start is a valid workshop");
    w
}

/// Text at and around every length limit, and text validation refuses for other reasons.
fn text(choice: u8) -> String {
    match choice % 12 {
        0 => String::new(),
        1 => "   ".into(),
        2 => "Roll out behind a flag".into(),
        3 => "x".repeat(MAX_SHORT_TEXT),
        4 => "x".repeat(MAX_SHORT_TEXT + 1),
        5 => "é".repeat(MAX_SHORT_TEXT),
        6 => "😀".repeat(MAX_SHORT_TEXT + 1),
        7 => "l".repeat(MAX_LONG_TEXT),
        8 => "l".repeat(MAX_LONG_TEXT + 1),
        9 => "red\u{1b}[31m".into(),
        10 => "two\nlines".into(),
        _ => format!("Text {choice}"),
    }
}

/// Ids: free, taken, at the top of the numbering, empty, too long.
fn id(choice: u8, prefix: char, taken: Option<&str>) -> String {
    match choice % 7 {
        0 => taken.map_or_else(|| format!("{prefix}1"), str::to_owned),
        1 => format!("{prefix}{TOP}"),
        2 => String::new(),
        3 => "i".repeat(MAX_SHORT_TEXT + 1),
        _ => format!("{prefix}x{choice}"),
    }
}

/// Raw material for one edit, turned into an edit by `make` against the workshop of the moment.
type Seed = (u8, u16, u16, u8, u8, u8);

fn pick<T>(items: &[T], n: u16) -> Option<&T> {
    (!items.is_empty()).then(|| &items[usize::from(n) % items.len()])
}

/// A count around a limit: none, a few, the limit, one over.
fn around(limit: usize, choice: u8) -> usize {
    match choice % 4 {
        0 => 0,
        1 => 2,
        2 => limit,
        _ => limit + 1,
    }
}

fn make(w: &Workshop, (kind, a, b, c, d, t): Seed) -> Edit {
    // Mostly the first change, which starts next to the limits; sometimes another or none.
    let change = match a % 5 {
        0 | 1 => w.changes.first(),
        2 => w.changes.last(),
        3 => pick(&w.changes, b),
        _ => None,
    }
    .map_or_else(|| ChangeId::new("gone"), |c| c.id.clone());
    let perspective = pick(&w.perspectives, b)
        .filter(|_| b % 9 != 0)
        .map_or_else(|| PerspectiveId::new("nobody"), |p| p.id.clone());
    // Levels 0..=8: 0 and 8 never fit, 4..=7 only on a big enough axis.
    let cell = Cell::new(c % 9, d % 9);
    let axis = if t % 2 == 0 {
        Axis::Likelihood
    } else {
        Axis::Impact
    };
    let index = usize::from(b) % (w.changes.len() + 2);
    let placement = Placement {
        likelihood: cell.likelihood,
        impact: cell.impact,
        rationale: text(t),
        placed_at_ms: 7,
        // A spread around the cell, or one that does not hold it, or off the matrix.
        spread: (t % 3 == 0).then(|| Spread {
            likelihood_min: cell.likelihood.saturating_sub(c % 3),
            likelihood_max: cell.likelihood.saturating_add(d % 3),
            impact_min: cell.impact.saturating_sub(d % 2),
            impact_max: cell.impact + (c % 2) * 2,
            people: u32::from(t % 4),
            not_sure: 1,
        }),
    };
    let participant = pick(&w.participants, a)
        .filter(|_| a % 11 != 0)
        .map_or_else(|| ParticipantId::new("nobody"), |p| p.id.clone());
    let answer = match t % 4 {
        0 => None,
        1 => Some(Answer::NotSure {
            rationale: text(d),
            at_ms: 1,
        }),
        _ => Some(Answer::Placed {
            likelihood: cell.likelihood,
            impact: cell.impact,
            rationale: text(d),
            at_ms: 1,
        }),
    };
    let newcomer = Participant {
        id: match c % 4 {
            0 => participant.clone(),
            1 => ParticipantId(String::new()),
            _ => w.next_participant_id(),
        },
        name: match d % 5 {
            0 => None,
            1 => Some("n".repeat(MAX_NAME_CHARS + usize::from(t % 2))),
            _ => Some(text(t)),
        },
        perspective: perspective.clone(),
        joined_at_ms: 3,
    };
    let mitigations = w.change(&change).map_or(&[][..], |c| &c.mitigations[..]);
    let existing_mitigation = pick(mitigations, b).map(|m| m.id.clone());
    match kind % 39 {
        0 => Edit::SetTitle { title: text(t) },
        1 | 2 => Edit::AddChange {
            details: ChangeDetails {
                title: text(t),
                description: text(c),
                change_type: ChangeType::Standard,
                ticket: text(d),
                tags: (0..around(MAX_TAGS, c)).map(|i| format!("t{i}")).collect(),
            },
            index: (t % 3 != 0).then_some(index),
        },
        3 => {
            let mut new = Change::new(
                &id(c, 'c', w.changes.first().map(|c| c.id.0.as_str())),
                &text(t),
            );
            new.tags = (0..around(MAX_TAGS, d)).map(|i| format!("t{i}")).collect();
            new.mitigations = (0..around(MAX_MITIGATIONS, d / 4))
                .map(|i| mitigation(&format!("m{}", i % (MAX_MITIGATIONS + 2)), "Canary"))
                .collect();
            if c % 3 == 0 {
                new.placements.insert(perspective.clone(), placement);
            }
            new.consensus = (d % 3 == 0).then_some(cell);
            new.residual = (d % 5 == 0).then_some(cell);
            Edit::InsertChange { index, change: new }
        }
        4 => Edit::RemoveChange { change },
        5 => Edit::UpdateChange {
            change,
            details: ChangeDetails {
                title: text(t),
                description: text(d),
                change_type: ChangeType::Emergency,
                ticket: text(c),
                tags: (0..around(MAX_TAGS, d))
                    .map(|i| if c % 5 == 0 { text(c) } else { format!("t{i}") })
                    .collect(),
            },
        },
        6 => Edit::MoveChange {
            change,
            to_index: index,
        },
        7 | 8 => Edit::Place {
            change,
            perspective,
            cell,
            rationale: (d % 2 == 0).then(|| text(t)),
        },
        9 => Edit::Unplace {
            change,
            perspective,
        },
        10 => Edit::RestorePlacement {
            change,
            perspective,
            placement: (d % 4 != 0).then_some(placement),
        },
        11 => Edit::SetConsensus {
            change,
            cell: (t % 4 != 0).then_some(cell),
        },
        12 => Edit::SetResidual {
            change,
            cell: (t % 4 != 0).then_some(cell),
        },
        13 => Edit::SetPhase {
            phase: if t % 2 == 0 {
                Phase::Revealed
            } else {
                Phase::Placing
            },
        },
        14 => Edit::SetBlind { blind: t % 2 == 0 },
        15 => {
            let mut matrix = Matrix::from_template(Template::FiveByFive);
            matrix.likelihood.truncate(usize::from(c % 9));
            while matrix.impact.len() < usize::from(d % 9) {
                matrix.impact.push(Level::new(&text(t), "", ""));
            }
            Edit::SetMatrix { matrix }
        }
        16 => Edit::ApplyTemplate {
            template: [
                Template::FiveByFive,
                Template::FourByFour,
                Template::ThreeByThree,
            ][usize::from(c % 3)],
        },
        17 => Edit::UpdateLevel {
            axis,
            level: c % 9,
            details: Level::new(&text(t), &text(d), &text(c)),
        },
        18 | 19 => Edit::AddLevel {
            axis,
            details: Level::new(&text(t), &text(d), ""),
        },
        20 => Edit::RemoveLevel { axis },
        21 => Edit::SetBands {
            bands: (0..around(MAX_BANDS, c))
                .map(|i| Band {
                    name: if i == 0 { text(t) } else { format!("b{i}") },
                    color: "#a0b0c0".into(),
                    min_score: 1 + u32::try_from(i).unwrap_or(0) * u32::from(1 + d % 3),
                })
                .collect(),
        },
        22 | 23 => Edit::AddPerspective {
            name: if t % 3 == 0 { format!("Q{a}") } else { text(t) },
            color: (c % 2 == 0).then(|| "#654321".into()),
        },
        24 => Edit::InsertPerspective {
            index: usize::from(c) % (w.perspectives.len() + 2),
            perspective: Perspective {
                id: PerspectiveId(id(d, 'p', w.perspectives.first().map(|p| p.id.0.as_str()))),
                name: text(t),
                color: "#abcdef".into(),
            },
            placements: w
                .changes
                .iter()
                .take(3)
                .map(|ch| (ch.id.clone(), placement.clone()))
                .chain((c % 4 == 0).then(|| (ChangeId::new("gone"), placement.clone())))
                .collect(),
            // The mitigations it proposed: existing ones (which may already have a proposer),
            // an unknown one, or on a change that is gone.
            proposed: match t % 4 {
                0 => Default::default(),
                1 => [(
                    change.clone(),
                    existing_mitigation.iter().cloned().collect(),
                )]
                .into_iter()
                .collect(),
                2 => [(change.clone(), vec![MitigationId::new("m-unknown")])]
                    .into_iter()
                    .collect(),
                _ => [(ChangeId::new("gone"), vec![MitigationId::new("m1")])]
                    .into_iter()
                    .collect(),
            },
        },
        25 => Edit::RenamePerspective {
            perspective,
            name: text(t),
        },
        26 => Edit::RemovePerspective {
            perspective,
            confirm: t % 2 == 0,
        },
        27 | 28 => Edit::AddMitigation {
            change,
            text: if t % 3 == 0 { "Canary".into() } else { text(t) },
            owner: text(d),
            lowers: axis,
            proposed_by: (d % 3 != 0).then_some(perspective),
        },
        36 => Edit::SetLevelAnchor {
            axis,
            level: c % 9,
            anchor: text(t),
        },
        37 => Edit::SetCalibration {
            change,
            calibration: t % 2 == 0,
        },
        38 => {
            let mut matrix = Matrix::from_template(Template::FiveByFive);
            matrix.impact[usize::from(c % 5)].anchor = text(t);
            Edit::SetMatrix { matrix }
        }
        30 | 31 => Edit::Join {
            participant: newcomer,
        },
        32 => Edit::Leave { participant },
        33 | 34 => Edit::Answer {
            participant,
            change,
            answer,
        },
        35 => {
            if c % 2 == 0 {
                Edit::RestoreAnswer {
                    participant,
                    change,
                    answer,
                    placement: (d % 3 != 0).then_some(placement),
                }
            } else {
                Edit::RestoreParticipant {
                    index: usize::from(b) % (w.participants.len() + 2),
                    participant: newcomer,
                    answers: answer.map(|a| (change.clone(), a)).into_iter().collect(),
                    placements: [(change, (d % 3 != 0).then_some(placement))]
                        .into_iter()
                        .collect(),
                }
            }
        }
        _ => match (existing_mitigation, c % 3) {
            (Some(m), 0) => Edit::UpdateMitigation {
                change,
                mitigation: m,
                text: text(t),
                owner: text(d),
                lowers: axis,
                proposed_by: (d % 3 != 0).then_some(perspective),
            },
            (Some(m), 1) => Edit::RemoveMitigation {
                change,
                mitigation: m,
            },
            (existing, _) => Edit::InsertMitigation {
                change,
                index: usize::from(d) % (mitigations.len() + 2),
                mitigation: Mitigation {
                    id: MitigationId(id(d, 'm', existing.as_ref().map(|m| m.0.as_str()))),
                    text: text(t),
                    owner: String::new(),
                    lowers: axis,
                    proposed_by: (d % 4 == 0).then_some(perspective),
                },
            },
        },
    }
}

fn starts() -> impl Strategy<Value = Start> {
    prop_oneof![
        3 => Just(Start::Crowded),
        1 => Just(Start::Sample),
        1 => Just(Start::Full),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn an_accepted_edit_always_leaves_a_valid_workshop(
        from in starts(),
        seeds in prop::collection::vec(any::<Seed>(), 1..60),
    ) {
        let mut w = start(from);
        for (t, seed) in seeds.into_iter().enumerate() {
            let edit = make(&w, seed);
            let shown: String = format!("{edit:?}").chars().take(400).collect();
            let before = w.clone();
            match edit::apply(&mut w, edit, t as Millis) {
                Ok(_) => {
                    if let Err(e) = validate::check_workshop(&w) {
                        prop_assert!(false, "accepted {shown} but the workshop is invalid: {e}");
                    }
                }
                Err(_) => prop_assert!(w == before, "refused {shown} but it changed the workshop"),
            }
        }
    }
}
