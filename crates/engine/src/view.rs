//! What each viewer may see of a workshop. While the room is placing in blind mode
//! (`Workshop::is_hidden`), a viewer receives only the placements of the perspective it is
//! placing for; the other perspectives' cells and rationales, the consensus and the residual are
//! withheld (they would anchor the room as much as the placements), and how far each perspective
//! has got (`progress`) is all that is said about them. After Reveal, or with blind mode off,
//! every viewer sees everything. This is the one place that decides it: the shell sends a window
//! (and, later, a participant's page) exactly what these functions return, and no screen hides
//! data it was sent.
//!
//! The room adds people on their own devices. Their answers are withheld from the facilitator's
//! window while placements are hidden, and so is any placement derived from them (one with a
//! spread): the facilitator sees who joined and how far each perspective is, never where anyone
//! placed, until Reveal. A participant (`Viewer::Participant`, and `participant_view`, what the
//! room's server sends them) sees their own answers and record only, never another participant's
//! answers or identity, and no perspective's placement before Reveal (blind mode or not: their
//! own screen must never anchor them); after Reveal, the placements without rationales or spread.
//!
//! It must never hand a viewer data the blind rule withholds. What it returns is a copy for
//! showing only: never apply edits to it or save it, or the withheld placements would be lost.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::round::{ParticipantView, PerspectiveName, RevealedPlacement, Round, RoundChange};
use crate::{Change, ParticipantId, PerspectiveId, Phase, Placement, Workshop};

/// Who is looking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Viewer {
    /// The facilitator's window: before Reveal in blind mode it sees the active perspective's
    /// placements (the tab being placed) and every perspective's progress, never the others'
    /// cells, consensus or residual.
    Facilitator {
        #[serde(default)]
        #[ts(optional = nullable)]
        active: Option<PerspectiveId>,
    },
    /// One participant in the room, on their own device: their own record and answers; no
    /// placement before Reveal; never anyone else's answers or identity.
    Participant { id: ParticipantId },
}

/// How far one perspective has got: `placed` of the `total` changes. Always safe to show: it says
/// how far each group is without saying where anything went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Progress {
    pub perspective: PerspectiveId,
    pub placed: u32,
    pub total: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Workshop {
    /// The workshop as `viewer` may see it (see the module head). An active perspective the
    /// workshop does not have sees no placements at all while they are hidden.
    pub fn seen_by(&self, viewer: &Viewer) -> Workshop {
        if self.sees_all(viewer) {
            return self.clone();
        }
        let Workshop {
            title,
            matrix,
            perspectives,
            changes,
            phase,
            blind,
            participants,
        } = self;
        Workshop {
            title: title.clone(),
            matrix: matrix.clone(),
            perspectives: perspectives.clone(),
            changes: changes.iter().map(|c| self.withheld(c, viewer)).collect(),
            phase: *phase,
            blind: *blind,
            participants: match viewer {
                // Who joined is what the facilitator's room panel shows anyway.
                Viewer::Facilitator { .. } => participants.clone(),
                Viewer::Participant { id } => participants
                    .iter()
                    .filter(|p| &p.id == id)
                    .cloned()
                    .collect(),
            },
        }
    }

    /// Whether `viewer` may see the whole workshop as it is.
    fn sees_all(&self, viewer: &Viewer) -> bool {
        match viewer {
            Viewer::Facilitator { .. } => !self.is_hidden(),
            Viewer::Participant { .. } => false,
        }
    }

    /// Exactly what participant `id` may receive during `round` (see the module head), or None
    /// when nobody with that id is in the workshop.
    pub fn participant_view(&self, id: &ParticipantId, round: &Round) -> Option<ParticipantView> {
        let you = self.participant(id)?.clone();
        let in_round: Vec<&Change> = self.round_changes(round).collect();
        let answers = in_round
            .iter()
            .filter_map(|c| Some((c.id.clone(), c.answers.get(id)?.clone())))
            .collect();
        let revealed = if self.phase == Phase::Revealed {
            in_round
                .iter()
                .flat_map(|c| {
                    c.placements.iter().map(|(p, placement)| RevealedPlacement {
                        change: c.id.clone(),
                        perspective: p.clone(),
                        cell: placement.cell(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        Some(ParticipantView {
            you,
            title: self.title.clone(),
            matrix: self.matrix.clone(),
            perspectives: self
                .perspectives
                .iter()
                .map(PerspectiveName::from)
                .collect(),
            changes: in_round
                .iter()
                .map(|c| RoundChange {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    description: c.description.clone(),
                    change_type: c.change_type,
                    ticket: c.ticket.clone(),
                })
                .collect(),
            answers,
            phase: self.phase,
            revealed,
        })
    }

    /// The change at `index` as `viewer` may see it, without copying the rest of the workshop
    /// (what a window receives after an edit that touched that change alone). None when there
    /// is no change at `index`.
    pub fn change_seen_by(&self, index: usize, viewer: &Viewer) -> Option<Change> {
        let change = self.changes.get(index)?;
        Some(if self.sees_all(viewer) {
            change.clone()
        } else {
            self.withheld(change, viewer)
        })
    }

    /// A copy of `change` with what `viewer` may not see withheld (the caller has checked that
    /// it may not see everything). Built field by field, so that a field added to `Change` later
    /// does not slip through unnoticed: it must be named here.
    fn withheld(&self, change: &Change, viewer: &Viewer) -> Change {
        let Change {
            id,
            title,
            description,
            change_type,
            ticket,
            tags,
            placements,
            consensus,
            mitigations,
            residual,
            answers,
            calibration,
        } = change;
        let revealed = self.phase == Phase::Revealed;
        let placements = match viewer {
            // While hidden: the active perspective's placement, unless the room's answers made
            // it (that would show the facilitator where people placed before Reveal).
            Viewer::Facilitator { active } => placements
                .iter()
                .filter(|(p, placement)| Some(*p) == active.as_ref() && placement.spread.is_none())
                .map(|(p, placement)| (p.clone(), placement.clone()))
                .collect(),
            Viewer::Participant { .. } if revealed => placements
                .iter()
                .map(|(p, placement)| {
                    let bare = Placement {
                        rationale: String::new(),
                        spread: None,
                        ..placement.clone()
                    };
                    (p.clone(), bare)
                })
                .collect(),
            Viewer::Participant { .. } => Default::default(),
        };
        let (consensus, residual) = match viewer {
            Viewer::Participant { .. } if revealed => (*consensus, *residual),
            _ => (None, None),
        };
        Change {
            id: id.clone(),
            title: title.clone(),
            description: description.clone(),
            change_type: *change_type,
            ticket: ticket.clone(),
            tags: tags.clone(),
            placements,
            consensus,
            mitigations: mitigations.clone(),
            residual,
            calibration: *calibration,
            answers: match viewer {
                Viewer::Facilitator { .. } => Default::default(),
                Viewer::Participant { id } => answers
                    .iter()
                    .filter(|(p, _)| *p == id)
                    .map(|(p, a)| (p.clone(), a.clone()))
                    .collect(),
            },
        }
    }

    /// Every perspective's progress, in workshop order.
    pub fn progress(&self) -> Vec<Progress> {
        let column: HashMap<&PerspectiveId, usize> = self
            .perspectives
            .iter()
            .enumerate()
            .map(|(i, p)| (&p.id, i))
            .collect();
        let mut placed = vec![0usize; self.perspectives.len()];
        for change in &self.changes {
            for id in change.placements.keys() {
                if let Some(&i) = column.get(id) {
                    placed[i] += 1;
                }
            }
        }
        let total = count(self.changes.len());
        self.perspectives
            .iter()
            .zip(placed)
            .map(|(p, n)| Progress {
                perspective: p.id.clone(),
                placed: count(n),
                total,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sample, Cell, Phase, Placement};

    fn placed(w: &mut Workshop, change: usize, who: &str, l: u8, i: u8) {
        w.changes[change].placements.insert(
            PerspectiveId::new(who),
            Placement {
                likelihood: l,
                impact: i,
                rationale: format!("secret reason of {who}"),
                placed_at_ms: 1,
                spread: None,
            },
        );
    }

    /// The sample with Dev and Ops placements, a consensus and a residual, in blind mode, placing.
    fn workshop() -> Workshop {
        let mut w = sample::workshop();
        placed(&mut w, 0, "dev", 1, 2);
        placed(&mut w, 0, "ops", 4, 4);
        placed(&mut w, 1, "ops", 3, 3);
        w.changes[0].consensus = Some(Cell::new(2, 2));
        w.changes[0].residual = Some(Cell::new(1, 2));
        w.blind = true;
        w.phase = Phase::Placing;
        w
    }

    fn facilitator(active: Option<&str>) -> Viewer {
        Viewer::Facilitator {
            active: active.map(PerspectiveId::new),
        }
    }

    #[test]
    fn before_reveal_nothing_of_another_perspective_leaks() {
        let w = workshop();
        let dev = PerspectiveId::new("dev");
        let seen = w.seen_by(&facilitator(Some("dev")));
        assert_eq!(
            seen.changes[0].placements[&dev],
            w.changes[0].placements[&dev]
        );
        assert_eq!(seen.changes[0].placements.len(), 1);
        assert!(seen.changes[1].placements.is_empty());
        let json = serde_json::to_string(&seen).unwrap();
        assert!(json.contains("secret reason of dev"), "its own rationale");
        for leak in [
            "secret reason of ops",
            "\"ops\":{",
            "consensus\":{",
            "residual\":{",
        ] {
            assert!(!json.contains(leak), "{leak} leaks: {json}");
        }
        assert!(seen.changes.iter().all(|c| c.consensus.is_none()));
        assert!(seen.changes.iter().all(|c| c.residual.is_none()));
        for (i, change) in w.changes.iter().enumerate() {
            let one = w.change_seen_by(i, &facilitator(Some("dev"))).unwrap();
            assert_eq!(
                one, seen.changes[i],
                "one change is filtered as the whole is"
            );
            assert_eq!(one.id, change.id);
        }
        assert_eq!(w.change_seen_by(w.changes.len(), &facilitator(None)), None);

        let seen = w.seen_by(&facilitator(Some("ops")));
        let json = serde_json::to_string(&seen).unwrap();
        assert!(!json.contains("secret reason of dev"), "{json}");
        assert_eq!(seen.changes[1].placements.len(), 1);
    }

    #[test]
    fn no_active_or_an_unknown_perspective_sees_no_placements() {
        let w = workshop();
        for viewer in [facilitator(None), facilitator(Some("security"))] {
            let seen = w.seen_by(&viewer);
            assert!(
                seen.changes.iter().all(|c| c.placements.is_empty()),
                "{viewer:?}"
            );
            let json = serde_json::to_string(&seen).unwrap();
            assert!(!json.contains("secret reason"), "{json}");
            assert_eq!(seen.progress(), vec_of_zero(&w), "the copy counts nothing");
        }
    }

    fn vec_of_zero(w: &Workshop) -> Vec<Progress> {
        w.perspectives
            .iter()
            .map(|p| Progress {
                perspective: p.id.clone(),
                placed: 0,
                total: count(w.changes.len()),
            })
            .collect()
    }

    #[test]
    fn after_reveal_or_with_blind_mode_off_everything_is_seen() {
        let mut w = workshop();
        w.phase = Phase::Revealed;
        for viewer in [facilitator(Some("dev")), facilitator(None)] {
            assert_eq!(w.seen_by(&viewer), w);
            assert_eq!(w.change_seen_by(0, &viewer).as_ref(), Some(&w.changes[0]));
        }
        w.phase = Phase::Placing;
        w.blind = false;
        assert_eq!(w.seen_by(&facilitator(None)), w);
        assert_eq!(
            w.change_seen_by(0, &facilitator(None)).as_ref(),
            Some(&w.changes[0])
        );
        w.blind = true;
        assert_ne!(w.seen_by(&facilitator(None)), w, "and hidden again");
    }

    #[test]
    fn progress_counts_each_perspective() {
        let mut w = workshop();
        let total = count(w.changes.len());
        let progress = w.progress();
        let got: Vec<(&str, u32, u32)> = progress
            .iter()
            .map(|p| (p.perspective.0.as_str(), p.placed, p.total))
            .collect();
        assert_eq!(got, [("dev", 1, total), ("ops", 2, total)]);
        w.changes.clear();
        assert!(w.progress().iter().all(|p| (p.placed, p.total) == (0, 0)));
    }

    #[test]
    fn a_viewer_crosses_ipc_as_tagged_json() {
        let v: Viewer = serde_json::from_str(r#"{"kind":"facilitator","active":"ops"}"#).unwrap();
        assert_eq!(v, facilitator(Some("ops")));
        let v: Viewer = serde_json::from_str(r#"{"kind":"facilitator"}"#).unwrap();
        assert_eq!(v, facilitator(None));
        assert_eq!(
            serde_json::to_string(&facilitator(None)).unwrap(),
            r#"{"kind":"facilitator","active":null}"#
        );
    }

    /// The workshop with Ana and Bo (Dev) and Cy (Ops) in the room, each with answers whose
    /// rationale names them, and Dev's placement derived from them.
    fn room() -> Workshop {
        use crate::edit::{apply, Edit};
        use crate::{Answer, Participant, ParticipantId};
        let mut w = workshop();
        for (id, name, p) in [
            ("p1", "Ana", "dev"),
            ("p2", "Bo", "dev"),
            ("p3", "Cy", "ops"),
        ] {
            let participant = Participant {
                id: ParticipantId::new(id),
                name: Some(name.to_owned()),
                perspective: PerspectiveId::new(p),
                joined_at_ms: 1,
            };
            apply(&mut w, Edit::Join { participant }, 1).unwrap();
        }
        for (who, name, l) in [("p1", "Ana", 2), ("p2", "Bo", 4), ("p3", "Cy", 5)] {
            for c in 0..3 {
                let change = w.changes[c].id.clone();
                let answer = if c == 2 {
                    Answer::NotSure {
                        rationale: format!("doubt of {name}"),
                        at_ms: 0,
                    }
                } else {
                    Answer::Placed {
                        likelihood: l,
                        impact: 3,
                        rationale: format!("answer of {name}"),
                        at_ms: 0,
                    }
                };
                let edit = Edit::Answer {
                    participant: ParticipantId::new(who),
                    change,
                    answer: Some(answer),
                };
                apply(&mut w, edit, 2).unwrap();
            }
        }
        w
    }

    fn participant(id: &str) -> Viewer {
        Viewer::Participant {
            id: crate::ParticipantId::new(id),
        }
    }

    /// Every way a participant's data could show, for each of the three.
    const PEOPLE: [(&str, &str); 3] = [("p1", "Ana"), ("p2", "Bo"), ("p3", "Cy")];

    fn leaks_of(json: &str, name: &str) -> Vec<String> {
        [
            format!("answer of {name}"),
            format!("doubt of {name}"),
            format!("\"{name}\""),
        ]
        .into_iter()
        .filter(|s| json.contains(s.as_str()))
        .collect()
    }

    #[test]
    fn a_participant_receives_only_their_own_answers_and_no_placement_before_reveal() {
        use crate::round::Round;
        let w = room();
        let round = Round::default();
        for (id, name) in PEOPLE {
            let pid = crate::ParticipantId::new(id);
            let view = w.participant_view(&pid, &round).unwrap();
            let seen = w.seen_by(&participant(id));
            for json in [
                serde_json::to_string(&view).unwrap(),
                serde_json::to_string(&seen).unwrap(),
            ] {
                assert!(json.contains(&format!("answer of {name}")), "{json}");
                for (other_id, other) in PEOPLE.iter().filter(|(i, _)| *i != id) {
                    assert!(
                        leaks_of(&json, other).is_empty(),
                        "{other} leaks to {name}: {json}"
                    );
                    assert!(
                        !json.contains(&format!("\"{other_id}\"")),
                        "{other_id}: {json}"
                    );
                }
                for secret in [
                    "secret reason",
                    "spread",
                    "\"consensus\":{",
                    "\"residual\":{",
                ] {
                    assert!(!json.contains(secret), "{secret} leaks to {name}: {json}");
                }
            }
            assert!(view.revealed.is_empty());
            assert_eq!(view.answers.len(), 3);
            assert!(seen.changes.iter().all(|c| c.placements.is_empty()));
            // Blind mode off changes nothing for a participant.
            let mut open = w.clone();
            open.blind = false;
            assert_eq!(
                open.participant_view(&pid, &round).unwrap().revealed,
                vec![]
            );
            let json = serde_json::to_string(&open.seen_by(&participant(id))).unwrap();
            assert!(!json.contains("secret reason"), "{json}");
        }
        assert_eq!(
            w.participant_view(&crate::ParticipantId::new("p9"), &round),
            None
        );
        // A round of one change: the others are not sent.
        let one = Round {
            changes: vec![w.changes[1].id.clone()],
            ..Round::default()
        };
        let view = w
            .participant_view(&crate::ParticipantId::new("p1"), &one)
            .unwrap();
        assert_eq!(view.changes.len(), 1);
        assert_eq!(view.answers.keys().collect::<Vec<_>>(), [&w.changes[1].id]);
    }

    #[test]
    fn after_reveal_a_participant_sees_the_aggregates_without_rationales() {
        use crate::round::Round;
        let mut w = room();
        w.phase = Phase::Revealed;
        for (id, name) in PEOPLE {
            let pid = crate::ParticipantId::new(id);
            let view = w.participant_view(&pid, &Round::default()).unwrap();
            let cells: Vec<(&str, &str, Cell)> = view
                .revealed
                .iter()
                .map(|r| (r.change.0.as_str(), r.perspective.0.as_str(), r.cell))
                .collect();
            assert!(cells.contains(&(w.changes[0].id.0.as_str(), "dev", Cell::new(2, 3))));
            let seen = w.seen_by(&participant(id));
            for json in [
                serde_json::to_string(&view).unwrap(),
                serde_json::to_string(&seen).unwrap(),
            ] {
                for (_, other) in PEOPLE.iter().filter(|(i, _)| *i != id) {
                    assert!(
                        leaks_of(&json, other).is_empty(),
                        "{other} leaks to {name}: {json}"
                    );
                }
                assert!(!json.contains("secret reason"), "{json}");
                assert!(!json.contains("spread"), "{json}");
            }
        }
    }

    #[test]
    fn the_facilitator_sees_who_joined_but_no_answer_or_derived_placement_before_reveal() {
        let w = room();
        for viewer in [
            facilitator(Some("dev")),
            facilitator(Some("ops")),
            facilitator(None),
        ] {
            let seen = w.seen_by(&viewer);
            assert_eq!(seen.participants, w.participants, "who joined");
            let json = serde_json::to_string(&seen).unwrap();
            for (_, name) in PEOPLE {
                for leak in [format!("answer of {name}"), format!("doubt of {name}")] {
                    assert!(!json.contains(&leak), "{leak}: {json}");
                }
            }
            assert!(!json.contains("spread"), "{json}");
            assert!(seen.changes.iter().all(|c| c.answers.is_empty()));
            for i in 0..w.changes.len() {
                assert_eq!(
                    w.change_seen_by(i, &viewer).as_ref(),
                    Some(&seen.changes[i])
                );
            }
        }
        // The active perspective's own placements made on the laptop still show.
        let seen = w.seen_by(&facilitator(Some("ops")));
        assert_eq!(
            seen.changes[1].placements.len(),
            0,
            "Ops' change 2 is derived now"
        );
        let mut revealed = w.clone();
        revealed.phase = Phase::Revealed;
        assert_eq!(revealed.seen_by(&facilitator(None)), revealed);
    }

    #[test]
    fn room_progress_counts_people_and_names_them_only_when_asked() {
        use crate::round::Round;
        let mut w = room();
        let round = Round {
            changes: w.changes[..3].iter().map(|c| c.id.clone()).collect(),
            names: false,
            ..Round::default()
        };
        let progress = w.room_progress(&round);
        let dev = &progress[0];
        assert_eq!((dev.people, dev.done), (2, 2));
        assert!(dev.placing.is_empty());
        let edit = crate::edit::Edit::Answer {
            participant: crate::ParticipantId::new("p2"),
            change: w.changes[1].id.clone(),
            answer: None,
        };
        crate::edit::apply(&mut w, edit, 3).unwrap();
        let progress = w.room_progress(&round);
        assert_eq!((progress[0].people, progress[0].done), (2, 1));
        assert_eq!(progress[0].placing, ["anonymous"]);
        let named = Round {
            names: true,
            ..round.clone()
        };
        assert_eq!(w.room_progress(&named)[0].placing, ["Bo"]);
        let people = w.room_people(&named);
        assert_eq!(
            people
                .iter()
                .map(|p| (p.name.as_str(), p.answered, p.of))
                .collect::<Vec<_>>(),
            [("Ana", 3, 3), ("Bo", 2, 3), ("Cy", 3, 3)]
        );
        let json = serde_json::to_string(&(w.room_progress(&named), people)).unwrap();
        assert!(
            !json.contains("answer of") && !json.contains("likelihood"),
            "{json}"
        );
    }

    #[test]
    fn people_of_an_earlier_room_are_not_in_this_rounds_lists() {
        use crate::round::Round;
        let mut w = room();
        let later = crate::Participant {
            id: w.next_participant_id(),
            name: Some("Di".into()),
            perspective: w.perspectives[1].id.clone(),
            joined_at_ms: 50,
        };
        crate::edit::apply(&mut w, crate::edit::Edit::Join { participant: later }, 50).unwrap();
        let round = Round {
            names: true,
            opened_at_ms: Some(40),
            ..Round::default()
        };
        let people = w.room_people(&round);
        assert_eq!(
            people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["Di"]
        );
        let progress = w.room_progress(&round);
        assert_eq!((progress[0].people, progress[1].people), (0, 1));
        // Without an opening time (a round as the window sends it) everyone counts.
        let all = Round {
            names: true,
            ..Round::default()
        };
        assert_eq!(w.room_people(&all).len(), 4);
    }
}
