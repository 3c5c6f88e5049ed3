//! Edits of the matrix: replace it whole or from a template, rewrite a level's words, add or
//! remove the top level of an axis, replace the bands. The matrix always passes
//! `validate::check_matrix` (3 to 7 levels an axis, at most 12 bands, texts that fit), and it
//! never shrinks from under a placement, a consensus or a residual: such an edit is refused with
//! the first cell in the way.

use super::{cell_label, Done, Edit, EditError};
use crate::matrix::{MAX_LEVELS, MIN_LEVELS};
use crate::validate::{self, ValidationError};
use crate::{Axis, Band, Cell, Level, Matrix, PerspectiveId, Template, Workshop};

fn check_level_text(path: &str, level: &Level) -> Result<(), ValidationError> {
    validate::check_short_text(&format!("{path}.label"), &level.label, true)?;
    validate::check_long_text(&format!("{path}.definition"), &level.definition)?;
    validate::check_long_text(&format!("{path}.example"), &level.example)?;
    validate::check_anchor(&format!("{path}.anchor"), &level.anchor)
}

fn levels_mut(matrix: &mut Matrix, axis: Axis) -> &mut Vec<Level> {
    match axis {
        Axis::Likelihood => &mut matrix.likelihood,
        Axis::Impact => &mut matrix.impact,
    }
}

fn axis_level(cell: Cell, axis: Axis) -> u8 {
    match axis {
        Axis::Likelihood => cell.likelihood,
        Axis::Impact => cell.impact,
    }
}

/// "4×5": likelihood levels × impact levels.
fn size_of(matrix: &Matrix) -> String {
    format!("{}×{}", matrix.likelihood.len(), matrix.impact.len())
}

/// How many occupied cells (placements, consensus, residual) match, and the first one, described.
struct Occupied {
    count: usize,
    first: Option<String>,
}

fn cells_where(w: &Workshop, mut matches: impl FnMut(Cell) -> bool) -> Occupied {
    let mut found = Occupied {
        count: 0,
        first: None,
    };
    for change in &w.changes {
        for (who, cell) in change.cells() {
            if matches(cell) {
                found.count += 1;
                if found.first.is_none() {
                    let who = w
                        .perspective(&PerspectiveId(who.clone()))
                        .map(|p| p.name.clone())
                        .unwrap_or(who);
                    found.first = Some(format!(
                        "'{}' at {} ({who})",
                        change.title,
                        cell_label(cell)
                    ));
                }
            }
        }
    }
    found
}

/// Replaces the matrix once it is valid and every occupied cell still fits in it.
fn replace(w: &mut Workshop, matrix: Matrix, label: String) -> Done {
    validate::check_matrix(&matrix)?;
    let outside = cells_where(w, |cell| !matrix.contains(cell));
    if let Some(first) = outside.first {
        return Err(EditError::OutsideMatrix {
            count: outside.count,
            size: size_of(&matrix),
            first,
        });
    }
    let old = std::mem::replace(&mut w.matrix, matrix);
    Ok((Edit::SetMatrix { matrix: old }, label))
}

pub(super) fn set(w: &mut Workshop, matrix: Matrix) -> Done {
    let label = format!("Use a {} matrix", size_of(&matrix));
    replace(w, matrix, label)
}

pub(super) fn apply_template(w: &mut Workshop, template: Template) -> Done {
    let matrix = Matrix::from_template(template);
    let label = format!("Use the {} template", size_of(&matrix));
    replace(w, matrix, label)
}

pub(super) fn update_level(w: &mut Workshop, axis: Axis, level: u8, details: Level) -> Done {
    let path = format!("matrix.{}", axis.name());
    validate::check_level(&format!("{path}.level"), &w.matrix, axis, level)?;
    let i = usize::from(level) - 1;
    check_level_text(&format!("{path}[{i}]"), &details)?;
    let levels = levels_mut(&mut w.matrix, axis);
    let old = std::mem::replace(&mut levels[i], details);
    let label = format!("Edit {} level {level} '{}'", axis.name(), levels[i].label);
    Ok((
        Edit::UpdateLevel {
            axis,
            level,
            details: old,
        },
        label,
    ))
}

pub(super) fn set_anchor(w: &mut Workshop, axis: Axis, level: u8, anchor: String) -> Done {
    let path = format!("matrix.{}", axis.name());
    validate::check_level(&format!("{path}.level"), &w.matrix, axis, level)?;
    let i = usize::from(level) - 1;
    validate::check_anchor(&format!("{path}[{i}].anchor"), &anchor)?;
    let target = &mut levels_mut(&mut w.matrix, axis)[i];
    let old = std::mem::replace(&mut target.anchor, anchor);
    let label = format!("Anchor {} level {level} '{}'", axis.name(), target.label);
    Ok((
        Edit::SetLevelAnchor {
            axis,
            level,
            anchor: old,
        },
        label,
    ))
}

pub(super) fn add_level(w: &mut Workshop, axis: Axis, details: Level) -> Done {
    let n = w.matrix.levels(axis).len();
    if n >= MAX_LEVELS {
        return Err(EditError::TooManyLevels { axis: axis.name() });
    }
    check_level_text(&format!("matrix.{}[{n}]", axis.name()), &details)?;
    let label = format!("Add {} level {} '{}'", axis.name(), n + 1, details.label);
    levels_mut(&mut w.matrix, axis).push(details);
    Ok((Edit::RemoveLevel { axis }, label))
}

pub(super) fn remove_level(w: &mut Workshop, axis: Axis) -> Done {
    let n = w.matrix.levels(axis).len();
    if n <= MIN_LEVELS {
        return Err(EditError::TooFewLevels { axis: axis.name() });
    }
    let top = w.matrix.max_level(axis);
    let on_top = cells_where(w, |cell| axis_level(cell, axis) == top);
    if let Some(first) = on_top.first {
        return Err(EditError::LevelInUse {
            axis: axis.name(),
            level: top,
            count: on_top.count,
            first,
        });
    }
    let removed = levels_mut(&mut w.matrix, axis)
        .pop()
        .ok_or(EditError::TooFewLevels { axis: axis.name() })?;
    let label = format!("Remove {} level {top} '{}'", axis.name(), removed.label);
    Ok((
        Edit::AddLevel {
            axis,
            details: removed,
        },
        label,
    ))
}

pub(super) fn set_bands(w: &mut Workshop, bands: Vec<Band>) -> Done {
    // The levels come along only so that the one matrix check can run.
    let probe = Matrix {
        likelihood: w.matrix.likelihood.clone(),
        impact: w.matrix.impact.clone(),
        bands,
    };
    validate::check_matrix(&probe)?;
    let old = std::mem::replace(&mut w.matrix.bands, probe.bands);
    Ok((Edit::SetBands { bands: old }, "Change the bands".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{place, refused, round_trip};
    use super::super::*;
    use crate::sample;

    #[test]
    fn a_template_applies_only_when_everything_fits() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::ApplyTemplate {
                template: Template::FourByFour,
            },
        );
        assert_eq!(applied.label, "Use the 4×4 template");
        place(&mut w, 0, "ops", 4, 2);
        place(&mut w, 1, "dev", 4, 1);
        w.changes[2].residual = Some(Cell::new(3, 3));
        let msg = refused(
            &mut w,
            Edit::ApplyTemplate {
                template: Template::ThreeByThree,
            },
        );
        assert_eq!(
            msg,
            "2 placements would fall outside the 3×3 matrix (first: 'Upgrade PostgreSQL 14 → 16' \
             at L4 × I2 (Ops)); move them first"
        );
        w.changes[1].placements.clear();
        w.changes[0].placements.clear();
        round_trip(
            &mut w,
            Edit::ApplyTemplate {
                template: Template::ThreeByThree,
            },
        );
    }

    #[test]
    fn a_custom_matrix_may_have_different_axes() {
        let mut w = sample::workshop();
        let mut m = Matrix::from_template(Template::FiveByFive);
        m.likelihood.pop();
        round_trip(&mut w, Edit::SetMatrix { matrix: m.clone() });
        m.likelihood.truncate(2);
        let msg = refused(&mut w, Edit::SetMatrix { matrix: m });
        assert_eq!(msg, "matrix.likelihood: has 2 levels; an axis has 3 to 7");
    }

    #[test]
    fn a_level_anchor_is_set_undone_and_checked() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::SetLevelAnchor {
                axis: Axis::Likelihood,
                level: 4,
                anchor: "about 1 in 5 such changes".into(),
            },
        );
        assert_eq!(applied.label, "Anchor likelihood level 4 'Likely'");
        apply(
            &mut w,
            Edit::SetLevelAnchor {
                axis: Axis::Likelihood,
                level: 4,
                anchor: "about 1 in 5 such changes".into(),
            },
            1,
        )
        .unwrap();
        assert_eq!(
            w.matrix.likelihood[3].label_with_anchor(),
            "Likely (about 1 in 5 such changes)"
        );
        round_trip(
            &mut w,
            Edit::SetLevelAnchor {
                axis: Axis::Likelihood,
                level: 4,
                anchor: String::new(),
            },
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetLevelAnchor {
                    axis: Axis::Impact,
                    level: 6,
                    anchor: "x".into(),
                }
            ),
            "matrix.impact.level: 6 is outside 1..=5"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetLevelAnchor {
                    axis: Axis::Impact,
                    level: 2,
                    anchor: "a\u{7}b".into(),
                }
            ),
            "matrix.impact[1].anchor: contains the control character U+0007, which is not \
             allowed in text"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::UpdateLevel {
                    axis: Axis::Impact,
                    level: 2,
                    details: Level::new("Minor", "", "").anchored("5\nmin"),
                }
            ),
            "matrix.impact[1].anchor: must be one line: it is shown beside the label"
        );
    }

    #[test]
    fn levels_are_edited_added_and_removed_at_the_top() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::UpdateLevel {
                axis: Axis::Impact,
                level: 4,
                details: Level::new("Major", "A core journey is down", "Checkout down > 15 min"),
            },
        );
        assert_eq!(applied.label, "Edit impact level 4 'Major'");
        assert_eq!(
            refused(
                &mut w,
                Edit::UpdateLevel {
                    axis: Axis::Impact,
                    level: 6,
                    details: Level::new("x", "", ""),
                },
            ),
            "matrix.impact.level: 6 is outside 1..=5"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::UpdateLevel {
                    axis: Axis::Impact,
                    level: 1,
                    details: Level::new(" ", "", ""),
                },
            ),
            "matrix.impact[0].label: must not be empty"
        );
        let applied = round_trip(
            &mut w,
            Edit::AddLevel {
                axis: Axis::Likelihood,
                details: Level::new("Very likely", "It will fail", ""),
            },
        );
        assert_eq!(applied.label, "Add likelihood level 6 'Very likely'");
        apply(
            &mut w,
            Edit::AddLevel {
                axis: Axis::Likelihood,
                details: Level::new("Certain", "", ""),
            },
            1,
        )
        .unwrap();
        assert_eq!(w.matrix.likelihood.len(), 7);
        assert_eq!(
            refused(
                &mut w,
                Edit::AddLevel {
                    axis: Axis::Likelihood,
                    details: Level::new("More", "", ""),
                },
            ),
            "the likelihood axis already has 7 levels, the most an axis may have"
        );
        place(&mut w, 2, "dev", 7, 1);
        assert_eq!(
            refused(
                &mut w,
                Edit::RemoveLevel {
                    axis: Axis::Likelihood
                }
            ),
            "likelihood level 7 is used by 1 placement (first: 'Rotate TLS certificates' at \
             L7 × I1 (Dev)); move it first"
        );
        w.changes[2].placements.clear();
        let applied = round_trip(
            &mut w,
            Edit::RemoveLevel {
                axis: Axis::Likelihood,
            },
        );
        assert_eq!(applied.label, "Remove likelihood level 7 'Certain'");
        for _ in 0..2 {
            apply(&mut w, Edit::RemoveLevel { axis: Axis::Impact }, 1).unwrap();
        }
        assert_eq!(
            refused(&mut w, Edit::RemoveLevel { axis: Axis::Impact }),
            "the impact axis has 3 levels, the fewest an axis may have"
        );
    }

    #[test]
    fn bands_are_validated() {
        let mut w = sample::workshop();
        let band = |name: &str, color: &str, min_score| Band {
            name: name.into(),
            color: color.into(),
            min_score,
        };
        round_trip(
            &mut w,
            Edit::SetBands {
                bands: vec![band("ok", "#00ff00", 1), band("not ok", "#FF0000", 12)],
            },
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetBands {
                    bands: vec![band("ok", "#00ff00", 2)]
                }
            ),
            "matrix.bands[0].min_score: 2 must be 1: the first band covers the lowest scores"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetBands {
                    bands: vec![band("a", "#00ff00", 1), band("b", "#00ff00", 1)]
                }
            ),
            "matrix.bands[1].min_score: 1 must be above the previous band's 1"
        );
        assert_eq!(
            refused(
                &mut w,
                Edit::SetBands {
                    bands: vec![band("a", "green", 1)]
                }
            ),
            "matrix.bands[0].color: \"green\" is not a colour of the form #rrggbb"
        );
        assert_eq!(
            refused(&mut w, Edit::SetBands { bands: vec![] }),
            "matrix.bands: needs at least one band"
        );
    }
}
