//! Edits of a change's mitigations: add (the engine picks the id), put back as it was, rewrite,
//! remove. A change holds at most `MAX_MITIGATIONS` mitigations with unique ids and texts that
//! fit: the same limits validation enforces on save, checked here before anything changes, so
//! that no accepted edit can leave a workshop that cannot be saved.

use super::{change_index, check_index, Done, Edit, EditError};
use crate::validate::{self, ValidationError, MAX_MITIGATIONS};
use crate::{Axis, Change, ChangeId, Mitigation, MitigationId, PerspectiveId, Workshop};

fn mitigation_index(
    w: &Workshop,
    change: &ChangeId,
    mitigation: &MitigationId,
) -> Result<(usize, usize), EditError> {
    let c = change_index(w, change)?;
    let m =
        w.changes[c]
            .mitigation_index(mitigation)
            .ok_or_else(|| EditError::UnknownMitigation {
                change: change.0.clone(),
                mitigation: mitigation.0.clone(),
            })?;
    Ok((c, m))
}

/// The texts fit and the proposer, when given, is a perspective of the workshop.
fn check_mitigation(w: &Workshop, path: &str, m: &Mitigation) -> Result<(), ValidationError> {
    validate::check_short_text(&format!("{path}.text"), &m.text, true)?;
    validate::check_short_text(&format!("{path}.owner"), &m.owner, false)?;
    match &m.proposed_by {
        Some(who) if w.perspective(who).is_none() => Err(ValidationError {
            path: format!("{path}.proposed_by"),
            problem: format!("{:?} is not a perspective of this workshop", who.0),
        }),
        _ => Ok(()),
    }
}

/// Room for one more mitigation on `change`.
fn check_room(change: &Change) -> Result<(), EditError> {
    if change.mitigations.len() >= MAX_MITIGATIONS {
        return Err(EditError::TooManyMitigations {
            title: change.title.clone(),
        });
    }
    Ok(())
}

fn lowers_label(axis: Axis) -> &'static str {
    match axis {
        Axis::Likelihood => "lowers likelihood",
        Axis::Impact => "lowers impact",
    }
}

pub(super) fn add(
    w: &mut Workshop,
    change: ChangeId,
    text: String,
    owner: String,
    lowers: Axis,
    proposed_by: Option<PerspectiveId>,
) -> Done {
    let index = change_index(w, &change)?;
    let target = &w.changes[index];
    check_room(target)?;
    let mitigation = Mitigation {
        id: target.next_mitigation_id(),
        text,
        owner,
        lowers,
        proposed_by,
    };
    let m = target.mitigations.len();
    check_mitigation(
        w,
        &format!("changes[{index}].mitigations[{m}]"),
        &mitigation,
    )?;
    let target = &mut w.changes[index];
    let label = format!(
        "Mitigate '{}': {} ({})",
        target.title,
        mitigation.text,
        lowers_label(lowers)
    );
    let id = mitigation.id.clone();
    target.mitigations.push(mitigation);
    Ok((
        Edit::RemoveMitigation {
            change,
            mitigation: id,
        },
        label,
    ))
}

pub(super) fn insert(
    w: &mut Workshop,
    change: ChangeId,
    index: usize,
    mitigation: Mitigation,
) -> Done {
    let c = change_index(w, &change)?;
    let target = &w.changes[c];
    check_room(target)?;
    check_index(index, target.mitigations.len())?;
    let path = format!("changes[{c}].mitigations[{index}]");
    validate::check_short_text(&format!("{path}.id"), &mitigation.id.0, true)?;
    if target.mitigation_index(&mitigation.id).is_some() {
        return Err(ValidationError {
            path: format!("{path}.id"),
            problem: format!("{:?} is used by another mitigation", mitigation.id.0),
        }
        .into());
    }
    check_mitigation(w, &path, &mitigation)?;
    let target = &mut w.changes[c];
    let label = format!(
        "Mitigate '{}': {} ({})",
        target.title,
        mitigation.text,
        lowers_label(mitigation.lowers)
    );
    let id = mitigation.id.clone();
    target.mitigations.insert(index, mitigation);
    Ok((
        Edit::RemoveMitigation {
            change,
            mitigation: id,
        },
        label,
    ))
}

pub(super) fn update(
    w: &mut Workshop,
    change: ChangeId,
    mitigation: MitigationId,
    text: String,
    owner: String,
    lowers: Axis,
    proposed_by: Option<PerspectiveId>,
) -> Done {
    let (c, m) = mitigation_index(w, &change, &mitigation)?;
    let updated = Mitigation {
        id: mitigation.clone(),
        text,
        owner,
        lowers,
        proposed_by,
    };
    check_mitigation(w, &format!("changes[{c}].mitigations[{m}]"), &updated)?;
    let target = &mut w.changes[c];
    let old = std::mem::replace(&mut target.mitigations[m], updated);
    let label = format!("Edit a mitigation of '{}'", target.title);
    Ok((
        Edit::UpdateMitigation {
            change,
            mitigation,
            text: old.text,
            owner: old.owner,
            lowers: old.lowers,
            proposed_by: old.proposed_by,
        },
        label,
    ))
}

pub(super) fn remove(w: &mut Workshop, change: ChangeId, mitigation: MitigationId) -> Done {
    let (c, m) = mitigation_index(w, &change, &mitigation)?;
    let target = &mut w.changes[c];
    let removed = target.mitigations.remove(m);
    let label = format!(
        "Remove the mitigation '{}' of '{}'",
        removed.text, target.title
    );
    Ok((
        Edit::InsertMitigation {
            change,
            index: m,
            mitigation: removed,
        },
        label,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{refused, round_trip};
    use super::super::*;
    use crate::sample;

    #[test]
    fn mitigations_are_added_updated_and_removed() {
        let mut w = sample::workshop();
        let c = w.changes[0].id.clone();
        let applied = round_trip(
            &mut w,
            Edit::AddMitigation {
                change: c.clone(),
                text: "Rehearse on a copy".into(),
                owner: "DBA".into(),
                lowers: Axis::Likelihood,
                proposed_by: None,
            },
        );
        assert_eq!(
            applied.label,
            "Mitigate 'Upgrade PostgreSQL 14 → 16': Rehearse on a copy (lowers likelihood)"
        );
        apply(
            &mut w,
            Edit::AddMitigation {
                change: c.clone(),
                text: "Keep a replica to fail back to".into(),
                owner: String::new(),
                lowers: Axis::Impact,
                proposed_by: None,
            },
            1,
        )
        .unwrap();
        let ids: Vec<_> = w.changes[0]
            .mitigations
            .iter()
            .map(|m| m.id.0.as_str())
            .collect();
        assert_eq!(ids, ["m1", "m2"]);
        let m1 = MitigationId::new("m1");
        round_trip(
            &mut w,
            Edit::UpdateMitigation {
                change: c.clone(),
                mitigation: m1.clone(),
                text: "Rehearse the upgrade on last night's copy".into(),
                owner: "Priya".into(),
                lowers: Axis::Likelihood,
                proposed_by: None,
            },
        );
        let applied = round_trip(
            &mut w,
            Edit::RemoveMitigation {
                change: c.clone(),
                mitigation: m1.clone(),
            },
        );
        assert!(matches!(
            applied.inverse,
            Edit::InsertMitigation { index: 0, .. }
        ));
        assert_eq!(
            refused(
                &mut w,
                Edit::AddMitigation {
                    change: c.clone(),
                    text: "".into(),
                    owner: String::new(),
                    lowers: Axis::Impact,
                    proposed_by: None,
                }
            ),
            "changes[0].mitigations[1].text: must not be empty"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::RemoveMitigation {
                    change: c.clone(),
                    mitigation: MitigationId::new("m9")
                }
            ),
            "change \"c1\" has no mitigation with id \"m9\""
        );
        let dup = w.changes[0].mitigations[0].clone();
        assert_eq!(
            refused(
                &mut w,
                Edit::InsertMitigation {
                    change: c,
                    index: 0,
                    mitigation: dup
                }
            ),
            "changes[0].mitigations[0].id: \"m2\" is used by another mitigation"
        );
    }

    #[test]
    fn a_mitigation_records_who_proposed_it_and_undo_restores_it() {
        let mut w = sample::workshop();
        let c = w.changes[0].id.clone();
        let ops = PerspectiveId::new("ops");
        round_trip(
            &mut w,
            Edit::AddMitigation {
                change: c.clone(),
                text: "Canary to 5%".into(),
                owner: String::new(),
                lowers: Axis::Impact,
                proposed_by: Some(ops.clone()),
            },
        );
        apply(
            &mut w,
            Edit::AddMitigation {
                change: c.clone(),
                text: "Canary to 5%".into(),
                owner: String::new(),
                lowers: Axis::Impact,
                proposed_by: Some(ops.clone()),
            },
            1,
        )
        .unwrap();
        assert_eq!(w.changes[0].mitigations[0].proposed_by, Some(ops.clone()));
        let m1 = MitigationId::new("m1");
        let applied = round_trip(
            &mut w,
            Edit::UpdateMitigation {
                change: c.clone(),
                mitigation: m1.clone(),
                text: "Canary to 5%".into(),
                owner: String::new(),
                lowers: Axis::Impact,
                proposed_by: Some(PerspectiveId::new("dev")),
            },
        );
        assert!(matches!(
            applied.inverse,
            Edit::UpdateMitigation { proposed_by: Some(ref p), .. } if *p == ops
        ));
        assert_eq!(
            refused(
                &mut w,
                Edit::AddMitigation {
                    change: c.clone(),
                    text: "Review".into(),
                    owner: String::new(),
                    lowers: Axis::Likelihood,
                    proposed_by: Some(PerspectiveId::new("qa")),
                }
            ),
            "changes[0].mitigations[2].proposed_by: \"qa\" is not a perspective of this workshop"
        );
        let mut stranger = w.changes[0].mitigations[0].clone();
        stranger.id = MitigationId::new("m7");
        stranger.proposed_by = Some(PerspectiveId::new("qa"));
        assert_eq!(
            refused(
                &mut w,
                Edit::InsertMitigation {
                    change: c.clone(),
                    index: 1,
                    mitigation: stranger
                }
            ),
            "changes[0].mitigations[1].proposed_by: \"qa\" is not a perspective of this workshop"
        );
        // Edit JSON from before proposers still parses, with nobody recorded.
        let old: Edit = serde_json::from_str(
            r#"{"kind":"add_mitigation","change":"c1","text":"Flag","lowers":"impact"}"#,
        )
        .unwrap();
        assert!(matches!(
            old,
            Edit::AddMitigation {
                proposed_by: None,
                ..
            }
        ));
        let old: Edit = serde_json::from_str(
            r#"{"kind":"update_mitigation","change":"c1","mitigation":"m1","text":"Flag","lowers":"impact"}"#,
        )
        .unwrap();
        assert!(matches!(
            old,
            Edit::UpdateMitigation {
                proposed_by: None,
                ..
            }
        ));
    }

    #[test]
    fn a_change_holds_at_most_fifty_mitigations() {
        let mut w = sample::workshop();
        let c = w.changes[0].id.clone();
        let add = |c: &ChangeId| Edit::AddMitigation {
            change: c.clone(),
            text: "Canary".into(),
            owner: String::new(),
            lowers: Axis::Impact,
            proposed_by: None,
        };
        for t in 0..MAX_MITIGATIONS {
            apply(&mut w, add(&c), t as crate::Millis).unwrap();
        }
        validate::check_workshop(&w).unwrap();
        assert_eq!(
            refused(&mut w, add(&c)),
            "'Upgrade PostgreSQL 14 → 16' already has 50 mitigations, the most a change may have"
        );
        let back = w.changes[0].mitigations[0].clone();
        let removed = apply(
            &mut w,
            Edit::RemoveMitigation {
                change: c.clone(),
                mitigation: back.id.clone(),
            },
            1,
        )
        .unwrap();
        apply(&mut w, add(&c), 2).unwrap();
        assert_eq!(
            refused(&mut w, removed.inverse),
            "'Upgrade PostgreSQL 14 → 16' already has 50 mitigations, the most a change may have",
            "putting one back is held to the same limit"
        );
    }
}
