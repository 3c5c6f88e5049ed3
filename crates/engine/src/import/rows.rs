//! Rows to changes under a checked mapping (`header::Plan`), then the workshop around them.
//! An import either succeeds whole or changes nothing: a level that is not a level, half a
//! placement, a title too long, stop it with the line and column. Values of `type` are never a
//! reason to refuse; they go through the facilitator's type mapping. It must never guess a
//! level.

use std::collections::{HashMap, HashSet};

use super::header::{normalize, Plan};
use super::{ImportError, ImportOptions};
use crate::validate::{self, MAX_TAGS};
use crate::{Axis, Change, ChangeType, Matrix, Perspective, PerspectiveId, Placement, Workshop};

/// A record of the file: the line it starts on, and its cells.
pub(super) struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    pub(super) fn cell(&self, col: usize) -> &str {
        self.cells.get(col).map_or("", |c| c.trim())
    }
}

/// Builds the workshop: perspectives in the plan's order (Dev and Ops fill in up to two), a
/// change per row, checked whole.
pub(super) fn build(
    rows: &[Row],
    names: &[String],
    plan: &Plan,
    types: &HashMap<String, ChangeType>,
    options: &ImportOptions,
) -> Result<Workshop, ImportError> {
    let matrix = Matrix::from_template(options.template);
    let mut workshop = Workshop::new(&options.title, matrix);
    workshop.perspectives.clear();
    let mut persons: Vec<String> = plan.perspectives.iter().map(|p| p.0.clone()).collect();
    for default in ["Dev", "Ops"] {
        if persons.len() < 2 && !persons.iter().any(|n| normalize(n) == normalize(default)) {
            persons.push(default.to_owned());
        }
    }
    for name in persons {
        let id = PerspectiveId::from_name(&name, &workshop.perspectives);
        let color = Perspective::free_color(&workshop.perspectives).to_owned();
        workshop.perspectives.push(Perspective { id, name, color });
    }
    for row in rows {
        let change = read_change(row, names, plan, types, &workshop, options)?;
        workshop.changes.push(change);
    }
    validate::check_workshop(&workshop)
        .map_err(|e| ImportError::whole(format!("the imported workshop is not valid: {e}")))?;
    Ok(workshop)
}

fn read_change(
    row: &Row,
    names: &[String],
    plan: &Plan,
    types: &HashMap<String, ChangeType>,
    workshop: &Workshop,
    options: &ImportOptions,
) -> Result<Change, ImportError> {
    let line = row.line;
    let at = |col: usize| {
        move |e: validate::ValidationError| ImportError::at(line, &names[col], e.problem)
    };
    let id = format!("c{}", workshop.changes.len() + 1);
    let mut change = Change::new(&id, "");
    if let Some(col) = plan.title {
        let text = row.cell(col);
        validate::check_short_text("", text, true).map_err(at(col))?;
        change.title = text.to_owned();
    }
    // Several description columns (a repeated one, or the facilitator's choice) are paragraphs.
    let parts: Vec<&str> = plan
        .descriptions
        .iter()
        .map(|&c| row.cell(c))
        .filter(|t| !t.is_empty())
        .collect();
    let description = parts.join("\n\n");
    if let Some(&col) = plan.descriptions.first() {
        validate::check_long_text("", &description).map_err(at(col))?;
    }
    change.description = description;
    if let Some(col) = plan.kind {
        change.change_type = type_of(row.cell(col), types);
    }
    if let Some(col) = plan.ticket {
        let text = row.cell(col);
        validate::check_short_text("", text, false).map_err(at(col))?;
        change.ticket = text.to_owned();
    }
    let mut seen = HashSet::new();
    for &col in &plan.tags {
        for tag in split_tags(row.cell(col)) {
            if !seen.insert(tag.clone()) {
                continue;
            }
            if change.tags.len() == MAX_TAGS {
                return Err(ImportError::at(
                    line,
                    &names[col],
                    format!("the row has more than {MAX_TAGS} tags, the most a change has"),
                ));
            }
            validate::check_short_text("", &tag, true).map_err(at(col))?;
            change.tags.push(tag);
        }
    }
    for (p, (person, l_col, i_col)) in plan.perspectives.iter().enumerate() {
        let (l_text, i_text) = (row.cell(*l_col), row.cell(*i_col));
        match (l_text.is_empty(), i_text.is_empty()) {
            (true, true) => {}
            (false, false) => {
                let likelihood = read_level(
                    line,
                    &names[*l_col],
                    &workshop.matrix,
                    Axis::Likelihood,
                    l_text,
                )?;
                let impact =
                    read_level(line, &names[*i_col], &workshop.matrix, Axis::Impact, i_text)?;
                change.placements.insert(
                    workshop.perspectives[p].id.clone(),
                    Placement {
                        likelihood,
                        impact,
                        rationale: String::new(),
                        placed_at_ms: options.now,
                        spread: None,
                    },
                );
            }
            (l_empty, _) => {
                let (filled, empty) = if l_empty {
                    (i_col, l_col)
                } else {
                    (l_col, i_col)
                };
                return Err(ImportError::at(
                    line,
                    &names[*empty],
                    format!(
                        "is empty but {:?} is not: fill both or neither to place the change for \
                         {person}",
                        names[*filled]
                    ),
                ));
            }
        }
    }
    Ok(change)
}

/// A `type` value through the facilitator's mapping; known names as themselves; the rest normal.
pub(super) fn type_of(text: &str, types: &HashMap<String, ChangeType>) -> ChangeType {
    types
        .get(&normalize(text))
        .copied()
        .or_else(|| text.parse().ok())
        .unwrap_or(ChangeType::Normal)
}

/// A level cell: a number in range, or the label of a level (ignoring case).
fn read_level(
    line: u64,
    column: &str,
    matrix: &Matrix,
    axis: Axis,
    text: &str,
) -> Result<u8, ImportError> {
    let max = matrix.max_level(axis);
    if text.chars().all(|c| c.is_ascii_digit()) {
        // Digits only: a level number; anything too long for u8 is out of range all the same.
        return match text.parse::<u8>() {
            Ok(level) if (1..=max).contains(&level) => Ok(level),
            _ => Err(ImportError::at(
                line,
                column,
                format!("{text} is outside 1..={max}"),
            )),
        };
    }
    let wanted = normalize(text);
    matrix
        .levels(axis)
        .iter()
        .position(|l| normalize(&l.label) == wanted)
        .and_then(|i| u8::try_from(i + 1).ok())
        .ok_or_else(|| {
            ImportError::at(
                line,
                column,
                format!(
                    "{text:?} is neither {} level number (1..={max}) nor the label of one",
                    match axis {
                        Axis::Likelihood => "a likelihood",
                        Axis::Impact => "an impact",
                    }
                ),
            )
        })
}

/// Tags are separated by `;` or `,` (a quoted Jira label list and a semicolon list both work);
/// spaces around a tag go, empty tags and repeats are skipped.
fn split_tags(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    text.split([';', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty() && seen.insert(t.to_string()))
        .map(str::to_owned)
        .collect()
}
