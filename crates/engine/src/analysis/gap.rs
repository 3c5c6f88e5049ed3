//! The gap between two perspectives, change by change and per axis: signed likelihood and impact
//! gaps (to − from), the score gap, both bands, and the workshop-wide means and agreement
//! statistics of each axis. A change that one of the two has not placed is reported as not
//! compared: it never counts as a zero gap.

use serde::Serialize;
use ts_rs::TS;

use super::grid::Grid;
use super::stats::{self, Undefined};
use super::{agreement, bootstrap};
use crate::{Axis, Cell, Change, ChangeId, Matrix, PerspectiveId, Workshop};

/// Who of the pair has placed a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlacedBy {
    Both,
    FromOnly,
    ToOnly,
    Neither,
}

/// Which axis the disagreement on one change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Dominant {
    /// |likelihood gap| > |impact gap|.
    Likelihood,
    /// |impact gap| > |likelihood gap|.
    Impact,
    /// Equal and not zero.
    Both,
    /// Same cell.
    Agree,
}

impl Dominant {
    pub fn of(likelihood_gap: i8, impact_gap: i8) -> Dominant {
        Dominant::of_spreads(likelihood_gap.unsigned_abs(), impact_gap.unsigned_abs())
    }

    /// The class from two distances in levels (absolute gaps, or spreads across perspectives).
    pub fn of_spreads(l: u8, i: u8) -> Dominant {
        match l.cmp(&i) {
            std::cmp::Ordering::Greater => Dominant::Likelihood,
            std::cmp::Ordering::Less => Dominant::Impact,
            std::cmp::Ordering::Equal if l == 0 => Dominant::Agree,
            std::cmp::Ordering::Equal => Dominant::Both,
        }
    }
}

/// One change seen by the pair. Gaps are `to − from` in levels; every gap field is null unless
/// `placed` is `both`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChangeGap {
    pub change: ChangeId,
    pub title: String,
    pub placed: PlacedBy,
    pub from: Option<Cell>,
    pub to: Option<Cell>,
    pub likelihood_gap: Option<i8>,
    pub impact_gap: Option<i8>,
    pub score_gap: Option<i32>,
    pub from_band: Option<String>,
    pub to_band: Option<String>,
    pub band_differs: Option<bool>,
    pub dominant: Option<Dominant>,
}

/// A statistic that has no value, with its code and a sentence saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UndefinedReason {
    pub code: Undefined,
    pub reason: &'static str,
}

impl From<Undefined> for UndefinedReason {
    fn from(code: Undefined) -> Self {
        UndefinedReason {
            code,
            reason: code.reason(),
        }
    }
}

/// Splits a statistic into the value (null when undefined) and the reason (null when defined),
/// the two fields the output carries.
pub(crate) fn split(result: Result<f64, Undefined>) -> (Option<f64>, Option<UndefinedReason>) {
    match result {
        Ok(v) => (Some(v), None),
        Err(why) => (None, Some(why.into())),
    }
}

/// The workshop-wide view of one axis. `weighted_kappa` is for the pair, over the full scale of
/// the axis; `krippendorff_alpha` is across all perspectives. A null value always comes with
/// its `*_undefined` reason; the means are null exactly when `compared` is 0.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AxisAgreement {
    pub axis: Axis,
    /// Levels on this axis (the scale kappa and alpha use is `1..=levels`).
    pub levels: u8,
    /// Changes placed by both perspectives of the pair.
    pub compared: usize,
    /// Changes where `to` put this axis higher than `from`.
    pub to_higher: usize,
    pub to_lower: usize,
    pub same: usize,
    /// Mean of `to − from`, in levels.
    pub mean_signed_gap: Option<f64>,
    /// Mean of `|to − from|`, in levels.
    pub mean_abs_gap: Option<f64>,
    pub weighted_kappa: Option<f64>,
    pub weighted_kappa_undefined: Option<UndefinedReason>,
    /// Changes placed by two or more perspectives: the units alpha counts.
    pub alpha_changes: usize,
    pub krippendorff_alpha: Option<f64>,
    pub krippendorff_alpha_undefined: Option<UndefinedReason>,
    /// Share (0–1) of the `compared` changes on which the pair chose the same level; null when
    /// `compared` is 0.
    pub exact_agreement: Option<f64>,
    /// Share (0–1) of the `compared` changes on which the pair's levels are at most one apart.
    pub within_one_agreement: Option<f64>,
    /// 95% bootstrap interval `[low, high]` of `weighted_kappa` (`bootstrap.rs`); null exactly
    /// when `weighted_kappa` is.
    #[ts(type = "[number, number] | null")]
    pub kappa_ci: Option<[f64; 2]>,
    /// 95% bootstrap interval of `krippendorff_alpha`; null exactly when it is.
    #[ts(type = "[number, number] | null")]
    pub alpha_ci: Option<[f64; 2]>,
}

fn level_of(cell: Cell, axis: Axis) -> u8 {
    match axis {
        Axis::Likelihood => cell.likelihood,
        Axis::Impact => cell.impact,
    }
}

fn band_index(matrix: &Matrix, cell: Cell) -> Option<usize> {
    let score = cell.score();
    matrix.bands.iter().rposition(|b| b.min_score <= score)
}

/// `to − from` in levels. Validated levels are at most 7 apart; anything else saturates rather
/// than overflow, so an unvalidated workshop cannot make the analysis panic.
pub(crate) fn level_difference(to: u8, from: u8) -> i8 {
    let d = i16::from(to) - i16::from(from);
    i8::try_from(d).unwrap_or(if d < 0 { i8::MIN } else { i8::MAX })
}

/// `to − from` of the scores (at most 255 × 255, so this always fits).
pub(crate) fn score_difference(to: Cell, from: Cell) -> i32 {
    i32::try_from(to.score()).unwrap_or(i32::MAX) - i32::try_from(from.score()).unwrap_or(i32::MAX)
}

pub(crate) fn band_name(matrix: &Matrix, cell: Cell) -> Option<&str> {
    matrix.band_of(cell).map(|b| b.name.as_str())
}

/// Compares one change between `from` and `to`.
pub fn compare_change(
    matrix: &Matrix,
    change: &Change,
    from: &PerspectiveId,
    to: &PerspectiveId,
) -> ChangeGap {
    let a = change.placements.get(from).map(|p| p.cell());
    let b = change.placements.get(to).map(|p| p.cell());
    gap_of(matrix, change, a, b)
}

/// The gap of one change given the pair's two cells (`None`: not placed).
pub(crate) fn gap_of(
    matrix: &Matrix,
    change: &Change,
    a: Option<Cell>,
    b: Option<Cell>,
) -> ChangeGap {
    let placed = match (a, b) {
        (Some(_), Some(_)) => PlacedBy::Both,
        (Some(_), None) => PlacedBy::FromOnly,
        (None, Some(_)) => PlacedBy::ToOnly,
        (None, None) => PlacedBy::Neither,
    };
    let mut gap = ChangeGap {
        change: change.id.clone(),
        title: change.title.clone(),
        placed,
        from: a,
        to: b,
        likelihood_gap: None,
        impact_gap: None,
        score_gap: None,
        from_band: a.and_then(|c| band_name(matrix, c)).map(str::to_owned),
        to_band: b.and_then(|c| band_name(matrix, c)).map(str::to_owned),
        band_differs: None,
        dominant: None,
    };
    if let (Some(a), Some(b)) = (a, b) {
        let l = level_difference(b.likelihood, a.likelihood);
        let i = level_difference(b.impact, a.impact);
        gap.likelihood_gap = Some(l);
        gap.impact_gap = Some(i);
        gap.score_gap = Some(score_difference(b, a));
        gap.band_differs = Some(band_index(matrix, a) != band_index(matrix, b));
        gap.dominant = Some(Dominant::of(l, i));
    }
    gap
}

/// The per-axis view, from the change gaps of the pair and every perspective's placements.
/// Calibration changes (and their gaps, when given) are left out.
pub fn axis_agreement(w: &Workshop, gaps: &[ChangeGap], axis: Axis) -> AxisAgreement {
    let gaps = super::calibration::counted_gaps(w, gaps);
    let w = &*super::calibration::counted(w);
    axis_agreement_on(w, &Grid::new(w), &gaps, axis)
}

pub(crate) fn axis_agreement_on(
    w: &Workshop,
    grid: &Grid,
    gaps: &[ChangeGap],
    axis: Axis,
) -> AxisAgreement {
    let levels = w.matrix.max_level(axis);
    let mut pairs = Vec::with_capacity(gaps.len());
    let (mut higher, mut lower, mut same) = (0, 0, 0);
    let (mut signed, mut absolute) = (0i64, 0i64);
    for g in gaps {
        let (Some(a), Some(b)) = (g.from, g.to) else {
            continue;
        };
        let (x, y) = (level_of(a, axis), level_of(b, axis));
        pairs.push((x, y));
        let d = i64::from(y) - i64::from(x);
        match d.cmp(&0) {
            std::cmp::Ordering::Greater => higher += 1,
            std::cmp::Ordering::Less => lower += 1,
            std::cmp::Ordering::Equal => same += 1,
        }
        signed += d;
        absolute += d.abs();
    }
    let compared = pairs.len();
    let mean = |sum: i64| (compared > 0).then(|| sum as f64 / compared as f64);
    let (weighted_kappa, weighted_kappa_undefined) =
        split(stats::quadratic_weighted_kappa(&pairs, levels));
    let units = || {
        grid.rows()
            .map(move |row| row.iter().flatten().map(move |c| level_of(*c, axis)))
    };
    let alpha_changes = grid
        .rows()
        .filter(|row| row.iter().flatten().count() >= 2)
        .count();
    let (krippendorff_alpha, krippendorff_alpha_undefined) =
        split(stats::ordinal_krippendorff_alpha(units(), levels));
    let (exact_agreement, within_one_agreement) = agreement::level_agreement(&pairs);
    let kappa_ci = weighted_kappa.and_then(|_| bootstrap::kappa_interval(&pairs, levels));
    let alpha_ci = krippendorff_alpha.and_then(|_| bootstrap::alpha_interval(units(), levels));
    AxisAgreement {
        axis,
        levels,
        compared,
        to_higher: higher,
        to_lower: lower,
        same,
        mean_signed_gap: mean(signed),
        mean_abs_gap: mean(absolute),
        weighted_kappa,
        weighted_kappa_undefined,
        alpha_changes,
        krippendorff_alpha,
        krippendorff_alpha_undefined,
        exact_agreement,
        within_one_agreement,
        kappa_ci,
        alpha_ci,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dominant_axis_is_the_larger_absolute_gap() {
        assert_eq!(Dominant::of(2, -1), Dominant::Likelihood);
        assert_eq!(Dominant::of(0, -3), Dominant::Impact);
        assert_eq!(Dominant::of(-2, 2), Dominant::Both);
        assert_eq!(Dominant::of(0, 0), Dominant::Agree);
    }
}
