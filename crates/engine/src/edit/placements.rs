//! Edits of where a change sits: one perspective's placement (place, take back to the tray, put
//! back exactly as it was), the agreed consensus and the residual risk after mitigation. A cell
//! is always inside the matrix and a rationale is one line of text; placing stamps the time the
//! caller gives, and undo puts the old stamp back. Giving a rationale to a card where it already
//! sits is its own step in the history ("Why: …"), not another move.

use super::{cell_label, change_index, check_cell, check_placement, perspective_name, Done, Edit};
use crate::validate;
use crate::{Cell, ChangeId, Millis, PerspectiveId, Placement, Workshop};

fn path(index: usize, perspective: &PerspectiveId) -> String {
    format!("changes[{index}].placements.{}", perspective.0)
}

pub(super) fn place(
    w: &mut Workshop,
    change: ChangeId,
    perspective: PerspectiveId,
    cell: Cell,
    rationale: Option<String>,
    now: Millis,
) -> Done {
    let index = change_index(w, &change)?;
    let who = perspective_name(w, &perspective)?;
    let path = path(index, &perspective);
    check_cell(w, &path, cell)?;
    if let Some(r) = &rationale {
        validate::check_short_text(&format!("{path}.rationale"), r, false)?;
    }
    let target = &mut w.changes[index];
    let old = target.placements.get(&perspective).cloned();
    let stays = old
        .as_ref()
        .is_some_and(|p| p.likelihood == cell.likelihood && p.impact == cell.impact);
    let label = match (&rationale, stays) {
        (Some(r), true) if r.is_empty() => {
            format!("Clear why '{}' is there ({who})", target.title)
        }
        (Some(r), true) => format!("Why: '{r}' for '{}' ({who})", target.title),
        _ => {
            let verb = if old.is_some() { "Move" } else { "Place" };
            format!("{verb} '{}' to {} ({who})", target.title, cell_label(cell))
        }
    };
    let rationale = rationale
        .or_else(|| old.as_ref().map(|p| p.rationale.clone()))
        .unwrap_or_default();
    target.placements.insert(
        perspective.clone(),
        Placement {
            likelihood: cell.likelihood,
            impact: cell.impact,
            rationale,
            placed_at_ms: now,
            spread: None,
        },
    );
    Ok((
        Edit::RestorePlacement {
            change,
            perspective,
            placement: old,
        },
        label,
    ))
}

pub(super) fn unplace(w: &mut Workshop, change: ChangeId, perspective: PerspectiveId) -> Done {
    let index = change_index(w, &change)?;
    let who = perspective_name(w, &perspective)?;
    let target = &mut w.changes[index];
    let old = target.placements.remove(&perspective);
    let label = format!("Take '{}' back to the tray ({who})", target.title);
    Ok((
        Edit::RestorePlacement {
            change,
            perspective,
            placement: old,
        },
        label,
    ))
}

pub(super) fn restore(
    w: &mut Workshop,
    change: ChangeId,
    perspective: PerspectiveId,
    placement: Option<Placement>,
) -> Done {
    let index = change_index(w, &change)?;
    let who = perspective_name(w, &perspective)?;
    if let Some(p) = &placement {
        check_placement(w, &path(index, &perspective), p)?;
    }
    let target = &mut w.changes[index];
    let label = match &placement {
        Some(p) => format!(
            "Place '{}' at {} ({who})",
            target.title,
            cell_label(p.cell())
        ),
        None => format!("Take '{}' back to the tray ({who})", target.title),
    };
    let old = match placement {
        Some(p) => target.placements.insert(perspective.clone(), p),
        None => target.placements.remove(&perspective),
    };
    Ok((
        Edit::RestorePlacement {
            change,
            perspective,
            placement: old,
        },
        label,
    ))
}

pub(super) fn set_consensus(w: &mut Workshop, change: ChangeId, cell: Option<Cell>) -> Done {
    let index = change_index(w, &change)?;
    if let Some(cell) = cell {
        check_cell(w, &format!("changes[{index}].consensus"), cell)?;
    }
    let target = &mut w.changes[index];
    let label = match cell {
        Some(c) => format!("Agree '{}' at {}", target.title, cell_label(c)),
        None => format!("Clear the consensus on '{}'", target.title),
    };
    let old = std::mem::replace(&mut target.consensus, cell);
    Ok((Edit::SetConsensus { change, cell: old }, label))
}

pub(super) fn set_residual(w: &mut Workshop, change: ChangeId, cell: Option<Cell>) -> Done {
    let index = change_index(w, &change)?;
    if let Some(cell) = cell {
        check_cell(w, &format!("changes[{index}].residual"), cell)?;
    }
    let target = &mut w.changes[index];
    let label = match cell {
        Some(c) => format!("Residual risk of '{}' at {}", target.title, cell_label(c)),
        None => format!("Clear the residual risk of '{}'", target.title),
    };
    let old = std::mem::replace(&mut target.residual, cell);
    Ok((Edit::SetResidual { change, cell: old }, label))
}

#[cfg(test)]
mod tests {
    use super::super::testing::ops;
    use super::super::*;
    use crate::sample;

    #[test]
    fn place_then_inverse_restores_exactly() {
        let mut w = sample::workshop();
        let before = w.clone();
        let id = w.changes[0].id.clone();
        let applied = apply(
            &mut w,
            Edit::Place {
                change: id.clone(),
                perspective: ops(),
                cell: Cell::new(4, 2),
                rationale: Some("no rollback".into()),
            },
            1_000,
        )
        .unwrap();
        let p = &w.changes[0].placements[&ops()];
        assert_eq!((p.likelihood, p.impact, p.placed_at_ms), (4, 2, 1_000));
        assert!(applied.label.starts_with("Place '"), "{}", applied.label);
        assert!(
            applied.label.ends_with("to L4 × I2 (Ops)"),
            "{}",
            applied.label
        );
        apply(&mut w, applied.inverse, 2_000).unwrap();
        assert_eq!(w, before);
    }

    /// Ops places `change` in (l, i), with a rationale or keeping the one it had.
    fn place_ops(
        w: &mut Workshop,
        change: &ChangeId,
        l: u8,
        i: u8,
        rationale: Option<&str>,
        now: Millis,
    ) -> Applied {
        apply(
            w,
            Edit::Place {
                change: change.clone(),
                perspective: ops(),
                cell: Cell::new(l, i),
                rationale: rationale.map(str::to_owned),
            },
            now,
        )
        .unwrap()
    }

    #[test]
    fn moving_keeps_the_rationale_unless_given() {
        let mut w = sample::workshop();
        let id = w.changes[1].id.clone();
        let place = |w: &mut Workshop, l, i, r: Option<&str>| place_ops(w, &id, l, i, r, 5);
        place(&mut w, 1, 1, Some("flagged"));
        let moved = place(&mut w, 2, 2, None);
        assert!(moved.label.starts_with("Move '"));
        assert_eq!(w.changes[1].placements[&ops()].rationale, "flagged");
    }

    #[test]
    fn a_rationale_where_the_card_sits_is_its_own_step() {
        let mut w = sample::workshop();
        let id = w.changes[2].id.clone();
        let place = |w: &mut Workshop, l, i, r: Option<&str>| place_ops(w, &id, l, i, r, 7);
        place(&mut w, 5, 3, None);
        let why = place(&mut w, 5, 3, Some("no canary for certificates"));
        assert_eq!(
            why.label,
            "Why: 'no canary for certificates' for 'Rotate TLS certificates' (Ops)"
        );
        assert_eq!(
            place(&mut w, 5, 3, Some("")).label,
            "Clear why 'Rotate TLS certificates' is there (Ops)"
        );
        // A new cell with a rationale is still a move.
        assert!(place(&mut w, 4, 3, Some("after the review"))
            .label
            .starts_with("Move '"));
    }

    #[test]
    fn out_of_range_placement_is_rejected_and_changes_nothing() {
        let mut w = sample::workshop();
        let before = w.clone();
        let id = w.changes[3].id.clone();
        let err = apply(
            &mut w,
            Edit::Place {
                change: id,
                perspective: ops(),
                cell: Cell::new(2, 9),
                rationale: None,
            },
            1,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "changes[3].placements.ops.impact: 9 is outside 1..=5"
        );
        assert_eq!(w, before);
    }

    #[test]
    fn unknown_ids_are_rejected() {
        let mut w = sample::workshop();
        let err = apply(
            &mut w,
            Edit::Unplace {
                change: ChangeId::new("nope"),
                perspective: ops(),
            },
            1,
        )
        .unwrap_err();
        assert_eq!(err, EditError::UnknownChange("nope".into()));
        let id = w.changes[0].id.clone();
        let err = apply(
            &mut w,
            Edit::Unplace {
                change: id,
                perspective: PerspectiveId::new("sec"),
            },
            1,
        )
        .unwrap_err();
        assert_eq!(err, EditError::UnknownPerspective("sec".into()));
    }
}
