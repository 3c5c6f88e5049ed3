//! Checks that a workshop is whole: ids unique, references resolve, levels inside the matrix,
//! counts and text lengths sane. Every problem names the JSON path where it is, so a user can
//! find it in the file. It only reads: it never repairs a workshop behind the user's back.

use std::collections::HashSet;

use crate::matrix::{MAX_LEVELS, MIN_LEVELS};
use crate::{Answer, Axis, Change, Matrix, Participant, Placement, Workshop};
use crate::{MAX_NAME_CHARS, MAX_PARTICIPANTS};

pub const MAX_PERSPECTIVES: usize = 8;
pub const MIN_PERSPECTIVES: usize = 2;
pub const MAX_CHANGES: usize = 10_000;
pub const MAX_SHORT_TEXT: usize = 500;
pub const MAX_LONG_TEXT: usize = 20_000;
pub const MAX_TAGS: usize = 50;
pub const MAX_MITIGATIONS: usize = 50;
pub const MAX_BANDS: usize = 12;

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
    short(|| path.to_owned(), text, required)
}

pub fn check_long_text(path: &str, text: &str) -> Result<(), ValidationError> {
    long(|| path.to_owned(), text)
}

// The checks below take the path as a closure: a whole workshop has tens of thousands of texts
// and levels, and building each one's path only when it is wrong keeps loading a big file fast.

fn short(path: impl FnOnce() -> String, text: &str, required: bool) -> Result<(), ValidationError> {
    match text_problem(text, required, MAX_SHORT_TEXT) {
        None => Ok(()),
        Some(p) => Err(problem(path(), p)),
    }
}

fn long(path: impl FnOnce() -> String, text: &str) -> Result<(), ValidationError> {
    match text_problem(text, false, MAX_LONG_TEXT) {
        None => Ok(()),
        Some(p) => Err(problem(path(), p)),
    }
}

fn text_problem(text: &str, required: bool, max: usize) -> Option<String> {
    if required && text.trim().is_empty() {
        return Some("must not be empty".to_owned());
    }
    // Bytes bound characters from above: only count characters when the bytes say it may matter.
    if text.len() > max {
        let n = text.chars().count();
        if n > max {
            return Some(format!("is {n} characters long; at most {max} are allowed"));
        }
    }
    // Control characters (NUL, escape…) are never text a room typed; they break exports and
    // can hide content. Tabs and line breaks are fine. Most texts have none of the bytes a
    // control character can be made of (below 0x20, 0x7F, or 0xC2 leading U+0080..U+009F), and a
    // byte test over the whole text compiles to vector code: decoding characters is only needed
    // for texts that have one.
    let maybe = text.bytes().fold(false, |seen, b| {
        seen | (b < 0x20) | (b == 0x7F) | (b == 0xC2)
    });
    if !maybe {
        return None;
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some(format!(
            "contains the control character U+{:04X}, which is not allowed in text",
            u32::from(c)
        ));
    }
    None
}

/// A level's numeric anchor: optional short text on one line, as it sits in brackets beside
/// the label.
pub fn check_anchor(path: &str, anchor: &str) -> Result<(), ValidationError> {
    check_short_text(path, anchor, false)?;
    if anchor.contains(['\n', '\r']) {
        return Err(problem(
            path,
            "must be one line: it is shown beside the label",
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
    value: u8,
) -> Result<(), ValidationError> {
    level(|| path.to_owned(), matrix, axis, value)
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
            check_anchor(&format!("{path}[{i}].anchor"), &level.anchor)?;
        }
    }
    if matrix.bands.is_empty() {
        return Err(problem("matrix.bands", "needs at least one band"));
    }
    if matrix.bands.len() > MAX_BANDS {
        return Err(problem(
            "matrix.bands",
            format!(
                "has {} bands; at most {MAX_BANDS} are allowed",
                matrix.bands.len()
            ),
        ));
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

/// A level given as a closure-built path (see `short`).
fn level(
    path: impl FnOnce() -> String,
    matrix: &Matrix,
    axis: Axis,
    level: u8,
) -> Result<(), ValidationError> {
    let max = matrix.max_level(axis);
    if (1..=max).contains(&level) {
        Ok(())
    } else {
        Err(problem(path(), format!("{level} is outside 1..={max}")))
    }
}

/// A participant of `w` at `path`: an id, a perspective `w` has, a name (when given) of one line
/// of at most `MAX_NAME_CHARS` characters.
pub fn check_participant(w: &Workshop, path: &str, p: &Participant) -> Result<(), ValidationError> {
    check_short_text(&format!("{path}.id"), &p.id.0, true)?;
    if w.perspective(&p.perspective).is_none() {
        return Err(problem(
            format!("{path}.perspective"),
            format!(
                "{:?} is not a perspective of this workshop",
                p.perspective.0
            ),
        ));
    }
    if let Some(name) = &p.name {
        let path = || format!("{path}.name");
        short(path, name, true)?;
        let n = name.chars().count();
        if n > MAX_NAME_CHARS {
            return Err(problem(
                path(),
                format!("is {n} characters long; a name has at most {MAX_NAME_CHARS}"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(problem(path(), "must be one line"));
        }
    }
    Ok(())
}

/// The spread of `placement`, if it has one: levels inside the matrix, lowest ≤ the placement's
/// level ≤ highest on each axis, at least one person.
pub fn check_spread(
    path: &str,
    matrix: &Matrix,
    placement: &Placement,
) -> Result<(), ValidationError> {
    let Some(s) = placement.spread else {
        return Ok(());
    };
    for (axis, min, at, max) in [
        (
            Axis::Likelihood,
            s.likelihood_min,
            placement.likelihood,
            s.likelihood_max,
        ),
        (Axis::Impact, s.impact_min, placement.impact, s.impact_max),
    ] {
        let name = axis.name();
        level(|| format!("{path}.{name}_min"), matrix, axis, min)?;
        level(|| format!("{path}.{name}_max"), matrix, axis, max)?;
        if !(min <= at && at <= max) {
            return Err(problem(
                format!("{path}.{name}_min"),
                format!("{min}..={max} does not hold the placement's level {at}"),
            ));
        }
    }
    if s.people == 0 {
        return Err(problem(
            format!("{path}.people"),
            "a spread comes from at least one person's placement",
        ));
    }
    Ok(())
}

/// Checks the whole workshop and returns the first problem found.
pub fn check_workshop(w: &Workshop) -> Result<(), ValidationError> {
    check_workshop_except(w, |_| false)
}

/// Checks the workshop like `check_workshop`, but skips the `i`-th change's checks of its own
/// (texts, levels, placements, mitigations) where `known_good(i)` says they already passed in
/// this same matrix and set of perspectives. Whether ids are unique across changes is always
/// checked. The first problem found is the one `check_workshop` would report, as long as
/// `known_good` only names changes that pass.
pub(crate) fn check_workshop_except(
    w: &Workshop,
    known_good: impl Fn(usize) -> bool,
) -> Result<(), ValidationError> {
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

    if w.participants.len() > MAX_PARTICIPANTS {
        return Err(problem(
            "participants",
            format!(
                "has {} people; at most {MAX_PARTICIPANTS} are allowed",
                w.participants.len()
            ),
        ));
    }
    let mut people = HashSet::with_capacity(w.participants.len());
    for (i, p) in w.participants.iter().enumerate() {
        let path = format!("participants[{i}]");
        check_participant(w, &path, p)?;
        if !people.insert(&p.id) {
            return Err(problem(
                format!("{path}.id"),
                format!("{:?} is used by another participant", p.id.0),
            ));
        }
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
    let mut change_ids = HashSet::with_capacity(w.changes.len());
    for (i, c) in w.changes.iter().enumerate() {
        let path = || format!("changes[{i}]");
        short(|| format!("{}.id", path()), &c.id.0, true)?;
        if !change_ids.insert(&c.id) {
            return Err(problem(
                format!("{}.id", path()),
                format!("{:?} is used by another change", c.id.0),
            ));
        }
        // Whether the answers' authors are still here depends on more than the change and the
        // matrix: always checked.
        for who in c.answers.keys() {
            if !people.contains(who) {
                return Err(problem(
                    format!("{}.answers.{}", path(), who.0),
                    "names a participant who is not in the workshop",
                ));
            }
        }
        if !known_good(i) {
            check_change(w, i, c)?;
        }
    }
    Ok(())
}

/// What a change must be on its own, given the workshop's matrix and perspectives: everything
/// but the uniqueness of its id among the changes.
fn check_change(w: &Workshop, i: usize, c: &Change) -> Result<(), ValidationError> {
    let path = || format!("changes[{i}]");
    short(|| format!("{}.title", path()), &c.title, true)?;
    long(|| format!("{}.description", path()), &c.description)?;
    short(|| format!("{}.ticket", path()), &c.ticket, false)?;
    if c.tags.len() > MAX_TAGS {
        return Err(problem(
            format!("{}.tags", path()),
            format!("has {} tags; at most {MAX_TAGS} are allowed", c.tags.len()),
        ));
    }
    for (t, tag) in c.tags.iter().enumerate() {
        short(|| format!("{}.tags[{t}]", path()), tag, true)?;
    }
    for (pid, placement) in &c.placements {
        let ppath = || format!("{}.placements.{}", path(), pid.0);
        if w.perspective(pid).is_none() {
            return Err(problem(ppath(), "names a perspective that does not exist"));
        }
        level(
            || format!("{}.likelihood", ppath()),
            &w.matrix,
            Axis::Likelihood,
            placement.likelihood,
        )?;
        level(
            || format!("{}.impact", ppath()),
            &w.matrix,
            Axis::Impact,
            placement.impact,
        )?;
        short(
            || format!("{}.rationale", ppath()),
            &placement.rationale,
            false,
        )?;
        if placement.spread.is_some() {
            check_spread(&format!("{}.spread", ppath()), &w.matrix, placement)?;
        }
    }
    for (who, answer) in &c.answers {
        check_answer(w, || format!("{}.answers.{}", path(), who.0), answer)?;
    }
    for (name, cell) in [("consensus", c.consensus), ("residual", c.residual)] {
        if let Some(cell) = cell {
            level(
                || format!("{}.{name}.likelihood", path()),
                &w.matrix,
                Axis::Likelihood,
                cell.likelihood,
            )?;
            level(
                || format!("{}.{name}.impact", path()),
                &w.matrix,
                Axis::Impact,
                cell.impact,
            )?;
        }
    }
    if c.mitigations.len() > MAX_MITIGATIONS {
        return Err(problem(
            format!("{}.mitigations", path()),
            format!(
                "has {} mitigations; at most {MAX_MITIGATIONS} are allowed",
                c.mitigations.len()
            ),
        ));
    }
    for (m, mitigation) in c.mitigations.iter().enumerate() {
        let mpath = || format!("{}.mitigations[{m}]", path());
        short(|| format!("{}.id", mpath()), &mitigation.id.0, true)?;
        if c.mitigations[..m].iter().any(|o| o.id == mitigation.id) {
            return Err(problem(
                format!("{}.id", mpath()),
                format!("{:?} is used by another mitigation", mitigation.id.0),
            ));
        }
        short(|| format!("{}.text", mpath()), &mitigation.text, true)?;
        short(|| format!("{}.owner", mpath()), &mitigation.owner, false)?;
        if let Some(who) = &mitigation.proposed_by {
            if w.perspective(who).is_none() {
                return Err(problem(
                    format!("{}.proposed_by", mpath()),
                    format!("{:?} is not a perspective of this workshop", who.0),
                ));
            }
        }
    }
    Ok(())
}

fn check_answer(
    w: &Workshop,
    path: impl Fn() -> String,
    answer: &Answer,
) -> Result<(), ValidationError> {
    if let Some(cell) = answer.cell() {
        level(
            || format!("{}.likelihood", path()),
            &w.matrix,
            Axis::Likelihood,
            cell.likelihood,
        )?;
        level(
            || format!("{}.impact", path()),
            &w.matrix,
            Axis::Impact,
            cell.impact,
        )?;
    }
    short(
        || format!("{}.rationale", path()),
        answer.rationale(),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn control_characters_are_refused_with_their_path() {
        let mut w = sample::workshop();
        w.changes[2].title = "ok\u{0}hidden".into();
        assert_eq!(
            check_workshop(&w).unwrap_err().to_string(),
            "changes[2].title: contains the control character U+0000, which is not allowed in text"
        );
        w.changes[2].title = "two\nlines\tand a tab".into();
        check_workshop(&w).unwrap();
    }

    #[test]
    fn long_text_is_counted_in_characters() {
        let mut w = sample::workshop();
        w.title = "é".repeat(MAX_SHORT_TEXT);
        check_workshop(&w).unwrap();
        w.title.push('é');
        assert_eq!(
            check_workshop(&w).unwrap_err().to_string(),
            "title: is 501 characters long; at most 500 are allowed"
        );
    }

    #[test]
    fn a_proposer_and_an_anchor_are_checked() {
        let mut w = sample::workshop();
        w.changes[1].mitigations.push(crate::Mitigation {
            id: crate::MitigationId("m1".into()),
            text: "Canary".into(),
            owner: String::new(),
            lowers: Axis::Impact,
            proposed_by: Some(crate::PerspectiveId::new("ops")),
        });
        check_workshop(&w).unwrap();
        w.changes[1].mitigations[0].proposed_by = Some(crate::PerspectiveId::new("qa"));
        assert_eq!(
            check_workshop(&w).unwrap_err().to_string(),
            "changes[1].mitigations[0].proposed_by: \"qa\" is not a perspective of this workshop"
        );
        w.changes[1].mitigations[0].proposed_by = None;
        w.matrix.impact[2].anchor = "two\nlines".into();
        assert_eq!(
            check_workshop(&w).unwrap_err().to_string(),
            "matrix.impact[2].anchor: must be one line: it is shown beside the label"
        );
        w.matrix.impact[2].anchor = "x".repeat(MAX_SHORT_TEXT + 1);
        assert!(check_workshop(&w)
            .unwrap_err()
            .to_string()
            .starts_with("matrix.impact[2].anchor: is 501 characters long"));
    }

    #[test]
    fn counts_are_bounded() {
        let mut w = sample::workshop();
        let m = crate::Mitigation {
            id: crate::MitigationId("m".into()),
            text: "t".into(),
            owner: String::new(),
            lowers: Axis::Impact,
            proposed_by: None,
        };
        w.changes[0].mitigations = (0..=MAX_MITIGATIONS)
            .map(|i| crate::Mitigation {
                id: crate::MitigationId(format!("m{i}")),
                ..m.clone()
            })
            .collect();
        assert!(check_workshop(&w)
            .unwrap_err()
            .to_string()
            .starts_with("changes[0].mitigations: has 51 mitigations"));
        w.changes[0].mitigations.truncate(2);
        w.changes[0].mitigations[1].id = w.changes[0].mitigations[0].id.clone();
        assert_eq!(
            check_workshop(&w).unwrap_err().to_string(),
            "changes[0].mitigations[1].id: \"m0\" is used by another mitigation"
        );
    }
}
