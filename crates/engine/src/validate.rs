//! Checks that a workshop is whole: ids unique, references resolve, levels inside the matrix,
//! counts and text lengths sane. Every problem names the JSON path where it is, so a user can
//! find it in the file. It only reads: it never repairs a workshop behind the user's back.

use std::collections::HashSet;

use crate::matrix::{MAX_LEVELS, MIN_LEVELS};
use crate::{Axis, Matrix, Workshop};

pub const MAX_PERSPECTIVES: usize = 8;
pub const MIN_PERSPECTIVES: usize = 2;
pub const MAX_CHANGES: usize = 10_000;
pub const MAX_SHORT_TEXT: usize = 500;
pub const MAX_LONG_TEXT: usize = 20_000;
pub const MAX_TAGS: usize = 50;

/// A problem at a place in the workshop: `changes[3].placements.ops.impact: 9 is outside 1..=5`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct ValidationError {
    pub path: String,
    pub problem: String,
}

fn problem(path: impl Into<String>, problem: impl Into<String>) -> ValidationError {
    ValidationError {
        path: path.into(),
        problem: problem.into(),
    }
}

/// Text that a single line of the UI shows (titles, labels, names).
pub fn check_short_text(path: &str, text: &str, required: bool) -> Result<(), ValidationError> {
    if required && text.trim().is_empty() {
        return Err(problem(path, "must not be empty"));
    }
    check_len(path, text, MAX_SHORT_TEXT)
}

pub fn check_long_text(path: &str, text: &str) -> Result<(), ValidationError> {
    check_len(path, text, MAX_LONG_TEXT)
}

fn check_len(path: &str, text: &str, max: usize) -> Result<(), ValidationError> {
    let n = text.chars().count();
    if n > max {
        return Err(problem(
            path,
            format!("is {n} characters long; at most {max} are allowed"),
        ));
    }
    Ok(())
}

pub fn check_color(path: &str, color: &str) -> Result<(), ValidationError> {
    let hex = color.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(problem(
            path,
            format!("{color:?} is not a colour of the form #rrggbb"),
        ))
    }
}

/// A level on an axis of `matrix`.
pub fn check_level(
    path: &str,
    matrix: &Matrix,
    axis: Axis,
    level: u8,
) -> Result<(), ValidationError> {
    let max = matrix.max_level(axis);
    if (1..=max).contains(&level) {
        Ok(())
    } else {
        Err(problem(path, format!("{level} is outside 1..={max}")))
    }
}

pub fn check_matrix(matrix: &Matrix) -> Result<(), ValidationError> {
    for axis in [Axis::Likelihood, Axis::Impact] {
        let levels = matrix.levels(axis);
        let path = format!("matrix.{}", axis.name());
        if !(MIN_LEVELS..=MAX_LEVELS).contains(&levels.len()) {
            return Err(problem(
                path,
                format!(
                    "has {} levels; an axis has {MIN_LEVELS} to {MAX_LEVELS}",
                    levels.len()
                ),
            ));
        }
        for (i, level) in levels.iter().enumerate() {
            check_short_text(&format!("{path}[{i}].label"), &level.label, true)?;
            check_long_text(&format!("{path}[{i}].definition"), &level.definition)?;
            check_long_text(&format!("{path}[{i}].example"), &level.example)?;
        }
    }
    if matrix.bands.is_empty() {
        return Err(problem("matrix.bands", "needs at least one band"));
    }
    let mut previous = 0;
    for (i, band) in matrix.bands.iter().enumerate() {
        let path = format!("matrix.bands[{i}]");
        check_short_text(&format!("{path}.name"), &band.name, true)?;
        check_color(&format!("{path}.color"), &band.color)?;
        if i == 0 && band.min_score != 1 {
            return Err(problem(
                format!("{path}.min_score"),
                format!(
                    "{} must be 1: the first band covers the lowest scores",
                    band.min_score
                ),
            ));
        }
        if i > 0 && band.min_score <= previous {
            return Err(problem(
                format!("{path}.min_score"),
                format!(
                    "{} must be above the previous band's {previous}",
                    band.min_score
                ),
            ));
        }
        previous = band.min_score;
    }
    Ok(())
}

/// Checks the whole workshop and returns the first problem found.
pub fn check_workshop(w: &Workshop) -> Result<(), ValidationError> {
    check_short_text("title", &w.title, false)?;
    check_matrix(&w.matrix)?;

    let n = w.perspectives.len();
    if !(MIN_PERSPECTIVES..=MAX_PERSPECTIVES).contains(&n) {
        return Err(problem(
            "perspectives",
            format!(
                "has {n}; a workshop has {MIN_PERSPECTIVES} to {MAX_PERSPECTIVES} perspectives"
            ),
        ));
    }
    let mut ids = HashSet::new();
    for (i, p) in w.perspectives.iter().enumerate() {
        let path = format!("perspectives[{i}]");
        check_short_text(&format!("{path}.id"), &p.id.0, true)?;
        if !ids.insert(&p.id) {
            return Err(problem(
                format!("{path}.id"),
                format!("{:?} is used by another perspective", p.id.0),
            ));
        }
        check_short_text(&format!("{path}.name"), &p.name, true)?;
        check_color(&format!("{path}.color"), &p.color)?;
    }

    if w.changes.len() > MAX_CHANGES {
        return Err(problem(
            "changes",
            format!(
                "has {} changes; at most {MAX_CHANGES} are allowed",
                w.changes.len()
            ),
        ));
    }
    let mut change_ids = HashSet::new();
    for (i, c) in w.changes.iter().enumerate() {
        let path = format!("changes[{i}]");
        check_short_text(&format!("{path}.id"), &c.id.0, true)?;
        if !change_ids.insert(&c.id) {
            return Err(problem(
                format!("{path}.id"),
                format!("{:?} is used by another change", c.id.0),
            ));
        }
        check_short_text(&format!("{path}.title"), &c.title, true)?;
        check_long_text(&format!("{path}.description"), &c.description)?;
        check_short_text(&format!("{path}.ticket"), &c.ticket, false)?;
        if c.tags.len() > MAX_TAGS {
            return Err(problem(
                format!("{path}.tags"),
                format!("has {} tags; at most {MAX_TAGS} are allowed", c.tags.len()),
            ));
        }
        for (t, tag) in c.tags.iter().enumerate() {
            check_short_text(&format!("{path}.tags[{t}]"), tag, true)?;
        }
        for (pid, placement) in &c.placements {
            let ppath = format!("{path}.placements.{}", pid.0);
            if w.perspective(pid).is_none() {
                return Err(problem(ppath, "names a perspective that does not exist"));
            }
            check_level(
                &format!("{ppath}.likelihood"),
                &w.matrix,
                Axis::Likelihood,
                placement.likelihood,
            )?;
            check_level(
                &format!("{ppath}.impact"),
                &w.matrix,
                Axis::Impact,
                placement.impact,
            )?;
            check_short_text(&format!("{ppath}.rationale"), &placement.rationale, false)?;
        }
        for (name, cell) in [("consensus", c.consensus), ("residual", c.residual)] {
            if let Some(cell) = cell {
                let cpath = format!("{path}.{name}");
                check_level(
                    &format!("{cpath}.likelihood"),
                    &w.matrix,
                    Axis::Likelihood,
                    cell.likelihood,
                )?;
                check_level(
                    &format!("{cpath}.impact"),
                    &w.matrix,
                    Axis::Impact,
                    cell.impact,
                )?;
            }
        }
        let mut mitigation_ids = HashSet::new();
        for (m, mitigation) in c.mitigations.iter().enumerate() {
            let mpath = format!("{path}.mitigations[{m}]");
            check_short_text(&format!("{mpath}.id"), &mitigation.id.0, true)?;
            if !mitigation_ids.insert(&mitigation.id) {
                return Err(problem(
                    format!("{mpath}.id"),
                    format!("{:?} is used by another mitigation", mitigation.id.0),
                ));
            }
            check_short_text(&format!("{mpath}.text"), &mitigation.text, true)?;
            check_short_text(&format!("{mpath}.owner"), &mitigation.owner, false)?;
        }
    }
    Ok(())
}
