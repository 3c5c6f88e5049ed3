//! Edits of the perspectives: add (the engine picks the id and, when none is given, a free
//! colour), put back with its placements, rename, recolour, reorder, remove. A workshop keeps 2
//! to 8 perspectives with unique ids and names (ignoring case and surrounding spaces), and
//! removing one that has placed anything needs an explicit confirmation: its placements go with it.
//! The mitigations it proposed stay, without a proposer; putting it back makes it their proposer
//! again.

use std::collections::{BTreeMap, HashMap};

use super::{check_index, check_placement, perspective_index, Done, Edit, EditError};
use crate::validate::{self, MAX_PERSPECTIVES, MIN_PERSPECTIVES};
use crate::{ChangeId, MitigationId, Perspective, PerspectiveId, Placement, Workshop};

/// Names are how people (and CSV columns) tell perspectives apart, so two may not share one,
/// ignoring case and surrounding spaces.
fn check_name_free(w: &Workshop, name: &str, except: Option<usize>) -> Result<(), EditError> {
    let wanted = name.trim().to_lowercase();
    let taken = w
        .perspectives
        .iter()
        .enumerate()
        .any(|(i, p)| Some(i) != except && p.name.trim().to_lowercase() == wanted);
    if taken {
        return Err(EditError::PerspectiveNameTaken(name.trim().to_owned()));
    }
    Ok(())
}

fn check_new(w: &Workshop, index: usize, p: &Perspective) -> Result<(), EditError> {
    if w.perspectives.len() >= MAX_PERSPECTIVES {
        return Err(EditError::TooManyPerspectives);
    }
    check_index(index, w.perspectives.len())?;
    let path = format!("perspectives[{index}]");
    validate::check_short_text(&format!("{path}.id"), &p.id.0, true)?;
    if w.perspective(&p.id).is_some() {
        return Err(EditError::DuplicatePerspective(p.id.0.clone()));
    }
    validate::check_short_text(&format!("{path}.name"), &p.name, true)?;
    check_name_free(w, &p.name, None)?;
    validate::check_color(&format!("{path}.color"), &p.color)?;
    Ok(())
}

pub(super) fn add(w: &mut Workshop, name: String, color: Option<String>) -> Done {
    let id = PerspectiveId::from_name(&name, &w.perspectives);
    let color = color.unwrap_or_else(|| Perspective::free_color(&w.perspectives).into());
    let perspective = Perspective {
        id: id.clone(),
        name,
        color,
    };
    check_new(w, w.perspectives.len(), &perspective)?;
    let label = format!("Add the perspective '{}'", perspective.name);
    w.perspectives.push(perspective);
    Ok((
        Edit::RemovePerspective {
            perspective: id,
            confirm: false,
        },
        label,
    ))
}

pub(super) fn insert(
    w: &mut Workshop,
    index: usize,
    perspective: Perspective,
    placements: BTreeMap<ChangeId, Placement>,
    proposed: BTreeMap<ChangeId, Vec<MitigationId>>,
) -> Done {
    check_new(w, index, &perspective)?;
    // One pass over the changes, not one search per placement: a perspective can hold a
    // placement for every one of 10,000 changes.
    let index_of: HashMap<&ChangeId, usize> = w
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.id, i))
        .collect();
    let mut targets = Vec::with_capacity(placements.len());
    for (change, placement) in &placements {
        let i = *index_of
            .get(change)
            .ok_or_else(|| EditError::UnknownChange(change.0.clone()))?;
        let path = format!("changes[{i}].placements.{}", perspective.id.0);
        check_placement(w, &path, placement)?;
        targets.push(i);
    }
    // The mitigations it proposed: each must exist and have no other proposer, so that
    // removing the perspective again gives back exactly this edit.
    let mut proposer_of = Vec::new();
    for (change, ids) in &proposed {
        let i = *index_of
            .get(change)
            .ok_or_else(|| EditError::UnknownChange(change.0.clone()))?;
        for id in ids {
            let m =
                w.changes[i]
                    .mitigation_index(id)
                    .ok_or_else(|| EditError::UnknownMitigation {
                        change: change.0.clone(),
                        mitigation: id.0.clone(),
                    })?;
            if let Some(other) = &w.changes[i].mitigations[m].proposed_by {
                return Err(validate::ValidationError {
                    path: format!("changes[{i}].mitigations[{m}].proposed_by"),
                    problem: format!("already names {:?} as its proposer", other.0),
                }
                .into());
            }
            proposer_of.push((i, m));
        }
    }
    let label = format!("Add the perspective '{}'", perspective.name);
    let id = perspective.id.clone();
    for (i, (_, placement)) in targets.into_iter().zip(placements) {
        w.changes[i].placements.insert(id.clone(), placement);
    }
    for (i, m) in proposer_of {
        w.changes[i].mitigations[m].proposed_by = Some(id.clone());
    }
    w.perspectives.insert(index, perspective);
    Ok((
        Edit::RemovePerspective {
            perspective: id,
            confirm: true,
        },
        label,
    ))
}

pub(super) fn rename(w: &mut Workshop, perspective: PerspectiveId, name: String) -> Done {
    let index = perspective_index(w, &perspective)?;
    validate::check_short_text(&format!("perspectives[{index}].name"), &name, true)?;
    check_name_free(w, &name, Some(index))?;
    let old = std::mem::replace(&mut w.perspectives[index].name, name);
    let label = format!(
        "Rename the perspective '{old}' to '{}'",
        w.perspectives[index].name
    );
    Ok((
        Edit::RenamePerspective {
            perspective,
            name: old,
        },
        label,
    ))
}

pub(super) fn recolor(w: &mut Workshop, perspective: PerspectiveId, color: String) -> Done {
    let index = perspective_index(w, &perspective)?;
    validate::check_color(&format!("perspectives[{index}].color"), &color)?;
    let old = std::mem::replace(&mut w.perspectives[index].color, color);
    let label = format!("Recolour the perspective '{}'", w.perspectives[index].name);
    Ok((
        Edit::RecolorPerspective {
            perspective,
            color: old,
        },
        label,
    ))
}

pub(super) fn reorder(w: &mut Workshop, perspective: PerspectiveId, to_index: usize) -> Done {
    let from = perspective_index(w, &perspective)?;
    check_index(to_index, w.perspectives.len() - 1)?;
    let moved = w.perspectives.remove(from);
    let label = format!("Reorder the perspective '{}'", moved.name);
    w.perspectives.insert(to_index, moved);
    Ok((
        Edit::MovePerspective {
            perspective,
            to_index: from,
        },
        label,
    ))
}

pub(super) fn remove(w: &mut Workshop, perspective: PerspectiveId, confirm: bool) -> Done {
    let index = perspective_index(w, &perspective)?;
    if w.perspectives.len() <= MIN_PERSPECTIVES {
        return Err(EditError::TooFewPerspectives);
    }
    // People of the room place for it: removing it would leave them nowhere.
    let members = w.members(&perspective).count();
    if members > 0 {
        return Err(EditError::PerspectiveHasMembers {
            perspective: w.perspectives[index].name.clone(),
            count: members,
        });
    }
    let count = w.placed_count(&perspective);
    if count > 0 && !confirm {
        return Err(EditError::PlacementsWouldBeLost {
            perspective: w.perspectives[index].name.clone(),
            count,
        });
    }
    let mut placements = BTreeMap::new();
    let mut proposed: BTreeMap<ChangeId, Vec<MitigationId>> = BTreeMap::new();
    for change in &mut w.changes {
        if let Some(p) = change.placements.remove(&perspective) {
            placements.insert(change.id.clone(), p);
        }
        for m in &mut change.mitigations {
            if m.proposed_by.as_ref() == Some(&perspective) {
                m.proposed_by = None;
                proposed
                    .entry(change.id.clone())
                    .or_default()
                    .push(m.id.clone());
            }
        }
    }
    let removed = w.perspectives.remove(index);
    let label = format!("Remove the perspective '{}'", removed.name);
    Ok((
        Edit::InsertPerspective {
            index,
            perspective: removed,
            placements,
            proposed,
        },
        label,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ops, place, refused, round_trip};
    use super::super::*;
    use crate::sample;

    #[test]
    fn perspectives_are_added_renamed_recoloured_reordered() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::AddPerspective {
                name: "Security".into(),
                color: None,
            },
        );
        assert_eq!(applied.label, "Add the perspective 'Security'");
        let sec = PerspectiveId::new("security");
        assert_eq!(w.perspectives[2].id, sec);
        assert_eq!(w.perspectives[2].color, crate::perspective::PALETTE[2]);
        assert_eq!(
            refused(
                &mut w,
                Edit::AddPerspective {
                    name: " security ".into(),
                    color: None
                }
            ),
            "another perspective is already called \"security\""
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::AddPerspective {
                    name: "QA".into(),
                    color: Some("#12345".into())
                }
            ),
            "perspectives[3].color: \"#12345\" is not a colour of the form #rrggbb"
        );
        let applied = round_trip(
            &mut w,
            Edit::RenamePerspective {
                perspective: sec.clone(),
                name: "AppSec".into(),
            },
        );
        assert_eq!(
            applied.label,
            "Rename the perspective 'Security' to 'AppSec'"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::RenamePerspective {
                    perspective: sec.clone(),
                    name: "OPS".into()
                }
            ),
            "another perspective is already called \"OPS\""
        );
        round_trip(
            &mut w,
            Edit::RenamePerspective {
                perspective: sec.clone(),
                name: "security".into(),
            },
        );
        round_trip(
            &mut w,
            Edit::RecolorPerspective {
                perspective: sec.clone(),
                color: "#abcdef".into(),
            },
        );
        round_trip(
            &mut w,
            Edit::MovePerspective {
                perspective: sec.clone(),
                to_index: 0,
            },
        );
        assert!(matches!(
            apply(
                &mut w,
                Edit::MovePerspective {
                    perspective: sec,
                    to_index: 3
                },
                1
            ),
            Err(EditError::IndexOutOfRange { index: 3, max: 2 })
        ));
        for i in 4..=8 {
            apply(
                &mut w,
                Edit::AddPerspective {
                    name: format!("P{i}"),
                    color: None,
                },
                1,
            )
            .unwrap();
        }
        assert_eq!(
            refused(
                &mut w,
                Edit::AddPerspective {
                    name: "P9".into(),
                    color: None
                }
            ),
            "a workshop has at most 8 perspectives"
        );
    }

    #[test]
    fn removing_a_perspective_clears_it_as_proposer_and_undo_puts_it_back() {
        let mut w = sample::workshop();
        apply(
            &mut w,
            Edit::AddPerspective {
                name: "Security".into(),
                color: None,
            },
            1,
        )
        .unwrap();
        let sec = PerspectiveId::new("security");
        for (change, by) in [
            (0, Some(sec.clone())),
            (0, Some(ops())),
            (2, Some(sec.clone())),
        ] {
            let c = w.changes[change].id.clone();
            apply(
                &mut w,
                Edit::AddMitigation {
                    change: c,
                    text: "Threat model".into(),
                    owner: String::new(),
                    lowers: Axis::Likelihood,
                    proposed_by: by,
                },
                1,
            )
            .unwrap();
        }
        let applied = round_trip(
            &mut w,
            Edit::RemovePerspective {
                perspective: sec.clone(),
                confirm: false,
            },
        );
        let Edit::InsertPerspective { proposed, .. } = &applied.inverse else {
            panic!("{:?}", applied.inverse)
        };
        assert_eq!(proposed.len(), 2);
        apply(&mut w, applied.inverse.clone(), 2).unwrap();
        apply(
            &mut w,
            Edit::RemovePerspective {
                perspective: sec.clone(),
                confirm: false,
            },
            3,
        )
        .unwrap();
        let proposers: Vec<_> = w
            .changes
            .iter()
            .flat_map(|c| &c.mitigations)
            .map(|m| m.proposed_by.clone())
            .collect();
        assert_eq!(proposers, [None, Some(ops()), None], "the mitigations stay");
        // A mitigation that meanwhile got another proposer is not taken over.
        let c0 = w.changes[0].id.clone();
        apply(
            &mut w,
            Edit::UpdateMitigation {
                change: c0,
                mitigation: MitigationId::new("m1"),
                text: "Threat model".into(),
                owner: String::new(),
                lowers: Axis::Likelihood,
                proposed_by: Some(ops()),
            },
            4,
        )
        .unwrap();
        assert_eq!(
            refused(&mut w, applied.inverse),
            "changes[0].mitigations[0].proposed_by: already names \"ops\" as its proposer"
        );
    }

    #[test]
    fn removing_a_perspective_needs_confirmation_and_undo_restores_its_placements() {
        let mut w = sample::workshop();
        apply(
            &mut w,
            Edit::AddPerspective {
                name: "Security".into(),
                color: Some("#112233".into()),
            },
            1,
        )
        .unwrap();
        apply(
            &mut w,
            Edit::MovePerspective {
                perspective: PerspectiveId::new("security"),
                to_index: 1,
            },
            1,
        )
        .unwrap();
        place(&mut w, 0, "security", 3, 3);
        place(&mut w, 4, "security", 1, 5);
        place(&mut w, 4, "ops", 2, 5);
        let sec = PerspectiveId::new("security");
        assert_eq!(
            refused(
                &mut w,
                Edit::RemovePerspective {
                    perspective: sec.clone(),
                    confirm: false
                }
            ),
            "removing \"Security\" would delete its 2 placements; confirm to remove it anyway"
        );
        let before = w.clone();
        let applied = apply(
            &mut w,
            Edit::RemovePerspective {
                perspective: sec.clone(),
                confirm: true,
            },
            5,
        )
        .unwrap();
        assert_eq!(applied.label, "Remove the perspective 'Security'");
        assert!(w.perspective(&sec).is_none());
        assert!(w.changes.iter().all(|c| !c.placements.contains_key(&sec)));
        assert_eq!(w.changes[4].placements.len(), 1, "Ops keeps its placement");
        let Edit::InsertPerspective {
            index, placements, ..
        } = &applied.inverse
        else {
            panic!("{:?}", applied.inverse)
        };
        assert_eq!((*index, placements.len()), (1, 2));
        apply(&mut w, applied.inverse, 6).unwrap();
        assert_eq!(
            w, before,
            "perspective, position and placements all come back"
        );

        let json = serde_json::to_string(&Edit::RemovePerspective {
            perspective: sec,
            confirm: true,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"kind":"remove_perspective","perspective":"security","confirm":true}"#
        );
        let edit: Edit =
            serde_json::from_str(r#"{"kind":"remove_perspective","perspective":"dev"}"#).unwrap();
        assert!(matches!(
            edit,
            Edit::RemovePerspective { confirm: false, .. }
        ));

        // Down to two, no more can go.
        apply(
            &mut w,
            Edit::RemovePerspective {
                perspective: PerspectiveId::new("security"),
                confirm: true,
            },
            7,
        )
        .unwrap();
        assert_eq!(
            refused(
                &mut w,
                Edit::RemovePerspective {
                    perspective: PerspectiveId::new("dev"),
                    confirm: true
                }
            ),
            "a workshop needs at least 2 perspectives"
        );
    }
}
