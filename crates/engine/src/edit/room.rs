//! Edits of the room: a participant joins, answers for a change (a cell, "not sure", or takes the
//! answer back) and leaves; and their exact inverses, which put back the answers and the
//! perspective's placements as they were. An answer, and a leaving member, recompute the
//! member perspective's placement of that change from its members' answers (`aggregate.rs`); a
//! placement made directly on the laptop (no spread) is replaced only when a member places, never
//! removed because nobody did. Every limit is checked before anything changes.

use std::collections::BTreeMap;

use super::{cell_label, change_index, check_cell, check_index, check_placement, Done, Edit};
use super::{perspective_index, EditError};
use crate::aggregate::aggregate;
use crate::validate::{self, check_participant};
use crate::{Answer, ChangeId, Millis, Participant, ParticipantId, Placement, Workshop};
use crate::{PerspectiveId, MAX_PARTICIPANTS};

fn participant_index(w: &Workshop, id: &ParticipantId) -> Result<usize, EditError> {
    w.participant_index(id)
        .ok_or_else(|| EditError::UnknownParticipant(id.0.clone()))
}

/// A participant that may join as the `index`-th: free id, known perspective, valid name, room.
fn check_new(w: &Workshop, index: usize, p: &Participant) -> Result<(), EditError> {
    if w.participants.len() >= MAX_PARTICIPANTS {
        return Err(EditError::TooManyParticipants);
    }
    check_index(index, w.participants.len())?;
    if w.participant(&p.id).is_some() {
        return Err(EditError::DuplicateParticipant(p.id.0.clone()));
    }
    check_participant(w, &format!("participants[{index}]"), p)?;
    Ok(())
}

/// An answer as validation wants it: a cell inside the matrix, a one-line rationale.
fn check_answer(w: &Workshop, path: &str, answer: &Answer) -> Result<(), EditError> {
    if let Some(cell) = answer.cell() {
        check_cell(w, path, cell)?;
    }
    validate::check_short_text(&format!("{path}.rationale"), answer.rationale(), false)?;
    Ok(())
}

/// The placement `perspective` gets for the change at `index` from its members' answers: their
/// aggregate when someone placed; otherwise none if the current one came from answers, and the
/// current one (made on the laptop, or nothing) left alone if not.
fn derived(w: &Workshop, index: usize, perspective: &PerspectiveId) -> Option<Placement> {
    let change = &w.changes[index];
    let answers = w
        .members(perspective)
        .filter_map(|m| change.answers.get(&m.id));
    aggregate(answers).or_else(|| {
        change
            .placements
            .get(perspective)
            .filter(|p| p.spread.is_none())
            .cloned()
    })
}

/// Sets (or clears) a placement, returning the one it replaces.
fn set_placement(
    w: &mut Workshop,
    index: usize,
    perspective: &PerspectiveId,
    placement: Option<Placement>,
) -> Option<Placement> {
    let placements = &mut w.changes[index].placements;
    match placement {
        Some(p) => placements.insert(perspective.clone(), p),
        None => placements.remove(perspective),
    }
}

fn perspective_name(w: &Workshop, id: &PerspectiveId) -> String {
    w.perspective(id)
        .map_or_else(|| id.0.clone(), |p| p.name.clone())
}

pub(super) fn join(w: &mut Workshop, participant: Participant) -> Done {
    let index = w.participants.len();
    check_new(w, index, &participant)?;
    let label = format!(
        "{} joined as {}",
        participant.display(),
        perspective_name(w, &participant.perspective)
    );
    let id = participant.id.clone();
    w.participants.push(participant);
    Ok((Edit::Leave { participant: id }, label))
}

pub(super) fn leave(w: &mut Workshop, participant: ParticipantId) -> Done {
    let at = participant_index(w, &participant)?;
    let removed = w.participants.remove(at);
    let mut answers = BTreeMap::new();
    let mut placements = BTreeMap::new();
    for i in 0..w.changes.len() {
        let Some(answer) = w.changes[i].answers.remove(&participant) else {
            continue;
        };
        let id = w.changes[i].id.clone();
        answers.insert(id.clone(), answer);
        let new = derived(w, i, &removed.perspective);
        let old = set_placement(w, i, &removed.perspective, new);
        placements.insert(id, old);
    }
    let label = format!("{} left", removed.display());
    Ok((
        Edit::RestoreParticipant {
            index: at,
            participant: removed,
            answers,
            placements,
        },
        label,
    ))
}

pub(super) fn restore_participant(
    w: &mut Workshop,
    index: usize,
    participant: Participant,
    answers: BTreeMap<ChangeId, Answer>,
    placements: BTreeMap<ChangeId, Option<Placement>>,
) -> Done {
    check_new(w, index, &participant)?;
    let perspective = participant.perspective.clone();
    let mut answer_at = Vec::with_capacity(answers.len());
    for (change, answer) in &answers {
        let i = change_index(w, change)?;
        check_answer(
            w,
            &format!("changes[{i}].answers.{}", participant.id),
            answer,
        )?;
        answer_at.push(i);
    }
    let mut placement_at = Vec::with_capacity(placements.len());
    for (change, placement) in &placements {
        let i = change_index(w, change)?;
        if let Some(p) = placement {
            check_placement(w, &format!("changes[{i}].placements.{perspective}"), p)?;
        }
        placement_at.push(i);
    }
    let label = format!(
        "{} joined as {}",
        participant.display(),
        perspective_name(w, &perspective)
    );
    let id = participant.id.clone();
    for (i, answer) in answer_at.into_iter().zip(answers.into_values()) {
        w.changes[i].answers.insert(id.clone(), answer);
    }
    for (i, placement) in placement_at.into_iter().zip(placements.into_values()) {
        set_placement(w, i, &perspective, placement);
    }
    w.participants.insert(index, participant);
    Ok((Edit::Leave { participant: id }, label))
}

/// "Ana: 'Upgrade PostgreSQL 14 → 16' to L3 × I2".
fn answer_label(who: &str, title: &str, answer: Option<&Answer>) -> String {
    match answer {
        Some(Answer::Placed {
            likelihood, impact, ..
        }) => format!(
            "{who}: '{title}' to {}",
            cell_label(crate::Cell::new(*likelihood, *impact))
        ),
        Some(Answer::NotSure { .. }) => format!("{who}: not sure about '{title}'"),
        None => format!("{who}: take back '{title}'"),
    }
}

pub(super) fn answer(
    w: &mut Workshop,
    participant: ParticipantId,
    change: ChangeId,
    answer: Option<Answer>,
    now: Millis,
) -> Done {
    let who = &w.participants[participant_index(w, &participant)?];
    let perspective = who.perspective.clone();
    let name = who.display();
    perspective_index(w, &perspective)?;
    let index = change_index(w, &change)?;
    let answer = answer.map(|a| a.stamped(now));
    if let Some(a) = &answer {
        check_answer(w, &format!("changes[{index}].answers.{participant}"), a)?;
    }
    let label = answer_label(&name, &w.changes[index].title, answer.as_ref());
    let answers = &mut w.changes[index].answers;
    let old_answer = match answer {
        Some(a) => answers.insert(participant.clone(), a),
        None => answers.remove(&participant),
    };
    let new = derived(w, index, &perspective);
    let old_placement = set_placement(w, index, &perspective, new);
    Ok((
        Edit::RestoreAnswer {
            participant,
            change,
            answer: old_answer,
            placement: old_placement,
        },
        label,
    ))
}

pub(super) fn restore_answer(
    w: &mut Workshop,
    participant: ParticipantId,
    change: ChangeId,
    answer: Option<Answer>,
    placement: Option<Placement>,
) -> Done {
    let who = &w.participants[participant_index(w, &participant)?];
    let perspective = who.perspective.clone();
    let name = who.display();
    perspective_index(w, &perspective)?;
    let index = change_index(w, &change)?;
    if let Some(a) = &answer {
        check_answer(w, &format!("changes[{index}].answers.{participant}"), a)?;
    }
    if let Some(p) = &placement {
        check_placement(w, &format!("changes[{index}].placements.{perspective}"), p)?;
    }
    let label = answer_label(&name, &w.changes[index].title, answer.as_ref());
    let answers = &mut w.changes[index].answers;
    let old_answer = match answer {
        Some(a) => answers.insert(participant.clone(), a),
        None => answers.remove(&participant),
    };
    let old_placement = set_placement(w, index, &perspective, placement);
    Ok((
        Edit::RestoreAnswer {
            participant,
            change,
            answer: old_answer,
            placement: old_placement,
        },
        label,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{refused, round_trip};
    use super::super::*;
    use crate::{sample, Spread, MAX_NAME_CHARS};

    fn person(id: &str, name: Option<&str>, perspective: &str) -> Participant {
        Participant {
            id: ParticipantId::new(id),
            name: name.map(str::to_owned),
            perspective: PerspectiveId::new(perspective),
            joined_at_ms: 3,
        }
    }

    fn placed(l: u8, i: u8, why: &str) -> Option<Answer> {
        Some(Answer::Placed {
            likelihood: l,
            impact: i,
            rationale: why.to_owned(),
            at_ms: 0,
        })
    }

    fn not_sure() -> Option<Answer> {
        Some(Answer::NotSure {
            rationale: "never ran it".into(),
            at_ms: 0,
        })
    }

    /// The sample with Ana and Bo in Dev and Cy in Ops.
    fn room() -> Workshop {
        let mut w = sample::workshop();
        for p in [
            person("p1", Some("Ana"), "dev"),
            person("p2", Some("Bo"), "dev"),
            person("p3", None, "ops"),
        ] {
            apply(&mut w, Edit::Join { participant: p }, 1).unwrap();
        }
        w
    }

    fn answer(
        w: &mut Workshop,
        who: &str,
        change: usize,
        a: Option<Answer>,
        now: Millis,
    ) -> Applied {
        let change = w.changes[change].id.clone();
        apply(
            w,
            Edit::Answer {
                participant: ParticipantId::new(who),
                change,
                answer: a,
            },
            now,
        )
        .unwrap()
    }

    fn dev_cell(w: &Workshop, change: usize) -> Option<(u8, u8)> {
        w.changes[change]
            .placements
            .get(&PerspectiveId::new("dev"))
            .map(|p| (p.likelihood, p.impact))
    }

    #[test]
    fn joining_and_answering_are_labelled_and_undone_exactly() {
        let mut w = sample::workshop();
        let joined = round_trip(
            &mut w,
            Edit::Join {
                participant: person("p1", Some("Ana"), "dev"),
            },
        );
        assert_eq!(joined.label, "Ana joined as Dev");
        let anonymous = round_trip(
            &mut w,
            Edit::Join {
                participant: person("p2", None, "ops"),
            },
        );
        assert_eq!(anonymous.label, "Anonymous (p2) joined as Ops");
        let c = w.changes[0].id.clone();
        let a = round_trip(
            &mut w,
            Edit::Answer {
                participant: ParticipantId::new("p1"),
                change: c.clone(),
                answer: placed(3, 2, "no rollback"),
            },
        );
        assert_eq!(a.label, "Ana: 'Upgrade PostgreSQL 14 → 16' to L3 × I2");
        let n = round_trip(
            &mut w,
            Edit::Answer {
                participant: ParticipantId::new("p1"),
                change: c.clone(),
                answer: not_sure(),
            },
        );
        assert_eq!(n.label, "Ana: not sure about 'Upgrade PostgreSQL 14 → 16'");
        let answer = w.changes[0].answers[&ParticipantId::new("p1")].clone();
        assert_eq!(answer.at_ms(), 10, "the engine stamps the answer");
        assert_eq!(dev_cell(&w, 0), None, "not sure places nothing");
        round_trip(
            &mut w,
            Edit::Answer {
                participant: ParticipantId::new("p1"),
                change: c,
                answer: None,
            },
        );
        assert!(w.changes[0].answers.is_empty());
    }

    #[test]
    fn a_perspective_places_its_members_lower_median_with_the_spread() {
        let mut w = room();
        answer(&mut w, "p1", 0, placed(4, 2, "a"), 100);
        let one = &w.changes[0].placements[&PerspectiveId::new("dev")];
        assert_eq!((one.likelihood, one.impact, one.placed_at_ms), (4, 2, 100));
        assert_eq!(one.rationale, "", "the rationale stays in the answer");
        answer(&mut w, "p2", 0, placed(2, 5, "b"), 200);
        // Two people: the lower of the two middle levels on each axis.
        assert_eq!(dev_cell(&w, 0), Some((2, 2)));
        let dev = &w.changes[0].placements[&PerspectiveId::new("dev")];
        assert_eq!(
            dev.spread,
            Some(Spread {
                likelihood_min: 2,
                likelihood_max: 4,
                impact_min: 2,
                impact_max: 5,
                people: 2,
                not_sure: 0
            })
        );
        assert_eq!(dev.placed_at_ms, 200);
        assert!(
            !w.changes[0]
                .placements
                .contains_key(&PerspectiveId::new("ops")),
            "Ops' members said nothing"
        );
        answer(&mut w, "p3", 0, not_sure(), 300);
        assert!(!w.changes[0]
            .placements
            .contains_key(&PerspectiveId::new("ops")));
        // Bo is not sure after all: Ana's cell alone, Bo counted as not sure.
        answer(&mut w, "p2", 0, not_sure(), 400);
        let dev = &w.changes[0].placements[&PerspectiveId::new("dev")];
        assert_eq!((dev.likelihood, dev.impact), (4, 2));
        assert_eq!(dev.spread.map(|s| (s.people, s.not_sure)), Some((1, 1)));
        // Nobody placed any more: the derived placement goes.
        answer(&mut w, "p1", 0, None, 500);
        assert_eq!(dev_cell(&w, 0), None);
        validate::check_workshop(&w).unwrap();
    }

    #[test]
    fn a_placement_made_on_the_laptop_stays_until_a_member_places() {
        let mut w = room();
        testing_place(&mut w, 1, "dev", 5, 5);
        answer(&mut w, "p1", 1, not_sure(), 10);
        assert_eq!(dev_cell(&w, 1), Some((5, 5)), "not sure removes nothing");
        let undo = answer(&mut w, "p1", 1, placed(1, 1, ""), 20);
        assert_eq!(dev_cell(&w, 1), Some((1, 1)));
        apply(&mut w, undo.inverse, 30).unwrap();
        assert_eq!(
            dev_cell(&w, 1),
            Some((5, 5)),
            "undo puts the laptop's placement back"
        );
        assert!(w.changes[1].placements[&PerspectiveId::new("dev")]
            .spread
            .is_none());
    }

    fn testing_place(w: &mut Workshop, change: usize, who: &str, l: u8, i: u8) {
        super::super::testing::place(w, change, who, l, i);
    }

    #[test]
    fn a_member_leaving_takes_their_answers_and_undo_brings_everything_back() {
        let mut w = room();
        answer(&mut w, "p1", 0, placed(4, 4, "a"), 1);
        answer(&mut w, "p2", 0, placed(2, 2, "b"), 2);
        answer(&mut w, "p2", 3, placed(3, 3, "b"), 3);
        answer(&mut w, "p3", 3, placed(5, 1, "c"), 4);
        assert_eq!(dev_cell(&w, 0), Some((2, 2)));
        let left = round_trip(
            &mut w,
            Edit::Leave {
                participant: ParticipantId::new("p2"),
            },
        );
        assert_eq!(left.label, "Bo left");
        let applied = left;
        assert_eq!(dev_cell(&w, 0), Some((4, 4)), "Ana's cell alone");
        assert_eq!(
            dev_cell(&w, 3),
            None,
            "nobody in Dev placed change 4 any more"
        );
        assert!(w
            .changes
            .iter()
            .all(|c| !c.answers.contains_key(&ParticipantId::new("p2"))));
        assert!(w.changes[3]
            .placements
            .contains_key(&PerspectiveId::new("ops")));
        validate::check_workshop(&w).unwrap();
        match &applied.inverse {
            Edit::RestoreParticipant {
                index,
                answers,
                placements,
                ..
            } => assert_eq!((*index, answers.len(), placements.len()), (1, 2, 2)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_limit_is_checked_before_anything_changes() {
        let mut w = room();
        let c = w.changes[0].id.clone();
        let ask = |who: &str, change: &ChangeId, a: Option<Answer>| Edit::Answer {
            participant: ParticipantId::new(who),
            change: change.clone(),
            answer: a,
        };
        assert_eq!(
            refused(&mut w, ask("p9", &c, placed(1, 1, ""))),
            "there is no participant with id \"p9\""
        );
        assert_eq!(
            refused(&mut w, ask("p1", &ChangeId::new("gone"), placed(1, 1, ""))),
            "there is no change with id \"gone\""
        );
        assert_eq!(
            refused(&mut w, ask("p1", &c, placed(6, 1, ""))),
            "changes[0].answers.p1.likelihood: 6 is outside 1..=5"
        );
        assert!(
            refused(&mut w, ask("p1", &c, placed(1, 1, &"x".repeat(501))))
                .starts_with("changes[0].answers.p1.rationale: is 501 characters long")
        );
        let join = |p: Participant| Edit::Join { participant: p };
        assert_eq!(
            refused(&mut w, join(person("p1", None, "dev"))),
            "a participant with id \"p1\" already exists"
        );
        assert_eq!(
            refused(&mut w, join(person("p4", None, "sec"))),
            "participants[3].perspective: \"sec\" is not a perspective of this workshop"
        );
        let long = "n".repeat(MAX_NAME_CHARS + 1);
        assert!(refused(&mut w, join(person("p4", Some(&long), "dev")))
            .starts_with("participants[3].name: is 81 characters long"));
        assert_eq!(
            refused(&mut w, join(person("p4", Some("two\nlines"), "dev"))),
            "participants[3].name: must be one line"
        );
        assert_eq!(
            refused(&mut w, join(person("p4", Some("  "), "dev"))),
            "participants[3].name: must not be empty"
        );
        while w.participants.len() < crate::MAX_PARTICIPANTS {
            let id = w.next_participant_id();
            apply(&mut w, join(person(&id.0, None, "ops")), 1).unwrap();
        }
        let id = w.next_participant_id();
        assert_eq!(
            refused(&mut w, join(person(&id.0, None, "ops"))),
            "the room is full (100 people)"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::Leave {
                    participant: ParticipantId::new("nobody")
                }
            ),
            "there is no participant with id \"nobody\""
        );
    }

    #[test]
    fn a_perspective_people_joined_is_not_removed_and_a_shrinking_matrix_counts_answers() {
        let mut w = room();
        apply(
            &mut w,
            Edit::AddPerspective {
                name: "Security".into(),
                color: None,
            },
            1,
        )
        .unwrap();
        apply(
            &mut w,
            Edit::Join {
                participant: person("p4", Some("Di"), "security"),
            },
            1,
        )
        .unwrap();
        assert_eq!(
            refused(
                &mut w,
                Edit::RemovePerspective {
                    perspective: PerspectiveId::new("security"),
                    confirm: true
                }
            ),
            "1 person joined as \"Security\"; they must leave before it is removed"
        );
        answer(&mut w, "p4", 2, not_sure(), 1);
        answer(&mut w, "p3", 2, placed(5, 1, ""), 1);
        answer(&mut w, "p1", 2, placed(1, 5, ""), 1);
        let err = refused(
            &mut w,
            Edit::ApplyTemplate {
                template: crate::Template::ThreeByThree,
            },
        );
        assert!(
            err.starts_with("4 placements would fall outside the 3×3 matrix"),
            "{err}"
        );
    }
}
