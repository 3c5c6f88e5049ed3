//! The two agreement statistics of the analysis, on plain level numbers: quadratic-weighted
//! Cohen's kappa for two perspectives and ordinal Krippendorff's alpha for any number of them.
//! They are written to match the reference implementations exactly (scikit-learn's
//! `cohen_kappa_score(weights="quadratic", labels=[1..n])` and the PyPI `krippendorff` package's
//! `alpha(level_of_measurement="ordinal", value_domain=[1..n])`); `tests/analysis_reference.rs`
//! checks them against stored values to 1e-9.
//!
//! Hand-written because no maintained Rust crate computes either statistic, and both are a few
//! dozen lines of counting. They must never return NaN or infinity: an undefined statistic is an
//! `Undefined` with the reason, never a made-up number.

use serde::Serialize;
use ts_rs::TS;

/// Why a statistic has no value. Serialised as a snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[error("{}", self.reason())]
pub enum Undefined {
    /// No change has the ratings the statistic needs (placed by both / by two or more).
    NoComparableChanges,
    /// Exactly one change can be compared: agreement over one item says nothing.
    SingleChange,
    /// Every rating is the same level, so chance disagreement is zero and the statistic is 0/0.
    NoVariation,
    /// A guard: the arithmetic did not give a finite number (never expected).
    NotFinite,
    /// Blind mode, before Reveal: the placements it would be computed from are withheld.
    HiddenUntilReveal,
}

impl Undefined {
    /// Why, in words a facilitator can read.
    pub fn reason(self) -> &'static str {
        match self {
            Undefined::NoComparableChanges => {
                "no change has been placed by enough perspectives to compare"
            }
            Undefined::SingleChange => {
                "only one change can be compared; agreement needs at least two"
            }
            Undefined::NoVariation => {
                "every placement is at the same level, so there is no variation to agree or disagree about"
            }
            Undefined::NotFinite => "the statistic could not be computed as a finite number",
            Undefined::HiddenUntilReveal => {
                "the placements stay hidden until the facilitator reveals them"
            }
        }
    }
}

pub(crate) fn finite(x: f64) -> Result<f64, Undefined> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Undefined::NotFinite)
    }
}

/// Quadratic-weighted Cohen's kappa over the full scale `1..=levels`, labels that nobody used
/// included (they change nothing in the sums, but the weights are by position on the full scale).
///
/// `pairs` holds (from, to) levels of the changes both perspectives placed. Levels outside
/// `1..=levels` are ignored (validation keeps them out). Undefined with fewer than two pairs
/// (scikit-learn would return 0 for one disagreeing pair, which means nothing) and when the
/// expected disagreement is zero (both perspectives used one and the same level for everything;
/// scikit-learn returns NaN there).
///
/// kappa = 1 − Σ w·O / Σ w·E with w_ij = (i − j)², O the confusion counts and
/// E_ij = row_i · col_j / N. Computed as 1 − N·Σ w·O / Σ w·row·col on exact integers, so the
/// only rounding is the final division.
pub fn quadratic_weighted_kappa(pairs: &[(u8, u8)], levels: u8) -> Result<f64, Undefined> {
    let v = usize::from(levels);
    let mut table = vec![0u64; v * v];
    for &(a, b) in pairs {
        if let (Some(i), Some(j)) = (index(a, levels), index(b, levels)) {
            table[i * v + j] += 1;
        }
    }
    kappa_of_table(&table, v)
}

/// Kappa from the `v × v` table of counts (row: from's level, column: to's, 0-based), the one
/// computation the statistic and its bootstrap share.
pub(crate) fn kappa_of_table(table: &[u64], v: usize) -> Result<f64, Undefined> {
    let mut rows = vec![0u64; v];
    let mut cols = vec![0u64; v];
    let mut observed: u64 = 0; // Σ w·O
    let mut n: u64 = 0;
    for (k, &count) in table.iter().enumerate() {
        let (i, j) = (k / v, k % v);
        rows[i] += count;
        cols[j] += count;
        observed += weight(i, j) * count;
        n += count;
    }
    match n {
        0 => return Err(Undefined::NoComparableChanges),
        1 => return Err(Undefined::SingleChange),
        _ => {}
    }
    let mut expected: u64 = 0; // N · Σ w·E
    for (i, &r) in rows.iter().enumerate() {
        for (j, &c) in cols.iter().enumerate() {
            expected += weight(i, j) * r * c;
        }
    }
    if expected == 0 {
        return Err(Undefined::NoVariation);
    }
    finite(1.0 - (n * observed) as f64 / expected as f64)
}

pub(crate) fn index(level: u8, levels: u8) -> Option<usize> {
    (1..=levels)
        .contains(&level)
        .then(|| usize::from(level) - 1)
}

fn weight(i: usize, j: usize) -> u64 {
    let d = i.abs_diff(j) as u64;
    d * d
}

/// Ordinal Krippendorff's alpha over the value domain `1..=levels`.
///
/// `units` gives, per change, the levels every perspective that placed it chose (a perspective
/// that has not placed a change is simply absent: missing data). Changes with fewer than two
/// placements are not pairable and do not count. Undefined with no pairable change, with a single
/// pairable change, and when all pairable values are the same level (expected disagreement 0).
///
/// As in the `krippendorff` package: coincidences o_ck = Σ_u (n_uc·n_uk − [c=k]·n_uc)/(m_u − 1),
/// n_c = Σ_k o_ck (the pairable values of level c), expected e_ck = (n_c·n_k − [c=k]·n_c)/(n − 1),
/// ordinal distance d_ck = (Σ_{g=c..=k} n_g − (n_c + n_k)/2)², alpha = 1 − Σ o·d / Σ e·d. Levels
/// of the domain nobody used have n_g = 0 and so do not move any distance.
pub fn ordinal_krippendorff_alpha<U, L>(units: U, levels: u8) -> Result<f64, Undefined>
where
    U: IntoIterator<Item = L>,
    L: IntoIterator<Item = u8>,
{
    let v = usize::from(levels);
    // Per level: pairable values (n_c). Σ o·d needs the distances, which need n_c first, so the
    // ratings of every pairable unit are kept (as 0-based levels, one flat buffer, `ends` marking
    // where each unit stops).
    let mut n_c = vec![0u64; v];
    let mut ratings: Vec<u8> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    for unit in units {
        let start = ratings.len();
        ratings.extend(
            unit.into_iter()
                .filter_map(|l| index(l, levels))
                .map(|i| i as u8),
        );
        if ratings.len() - start < 2 {
            ratings.truncate(start);
            continue;
        }
        for &r in &ratings[start..] {
            n_c[usize::from(r)] += 1;
        }
        ends.push(ratings.len());
    }
    match ends.len() {
        0 => return Err(Undefined::NoComparableChanges),
        1 => return Err(Undefined::SingleChange),
        _ => {}
    }
    if n_c.iter().filter(|&&c| c > 0).count() < 2 {
        return Err(Undefined::NoVariation);
    }
    let distance = ordinal_distances(&n_c);
    // Σ_ck o_ck·d_ck of one unit is Σ over ordered pairs of its ratings (i ≠ j) of
    // d(r_i, r_j) / (m_u − 1): the coincidence counts n_uc·n_uk − [c=k]·n_uc count exactly those
    // pairs, and d_cc = 0. d is symmetric, so each unordered pair is counted twice.
    let mut observed = 0.0; // Σ o·d
    let mut start = 0;
    for &end in &ends {
        let unit = &ratings[start..end];
        let mut unit_sum = 0.0;
        for (i, &a) in unit.iter().enumerate() {
            for &b in &unit[i + 1..] {
                unit_sum += distance[usize::from(a) * v + usize::from(b)];
            }
        }
        observed += 2.0 * unit_sum / (unit.len() - 1) as f64;
        start = end;
    }
    let total: u64 = n_c.iter().sum();
    let mut expected = 0.0; // Σ e·d
    for (c, &nc) in n_c.iter().enumerate() {
        for (k, &nk) in n_c.iter().enumerate() {
            if k != c {
                expected += (nc * nk) as f64 * distance[c * v + k];
            }
        }
    }
    expected /= (total - 1) as f64;
    if expected == 0.0 {
        return Err(Undefined::NoVariation);
    }
    finite(1.0 - observed / expected)
}

/// The ordinal metric of the `krippendorff` package, row-major `v × v`.
pub(crate) fn ordinal_distances(n_c: &[u64]) -> Vec<f64> {
    let v = n_c.len();
    let mut d = vec![0.0; v * v];
    for c in 0..v {
        // Σ_{g=c..=k} n_g, grown as k moves right.
        let mut between: u64 = 0;
        for k in c..v {
            between += n_c[k];
            let x = between as f64 - (n_c[c] + n_c[k]) as f64 / 2.0;
            d[c * v + k] = x * x;
            d[k * v + c] = x * x;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_one_and_total_disagreement_is_negative() {
        let same = [(1, 1), (2, 2), (5, 5)];
        assert_eq!(quadratic_weighted_kappa(&same, 5), Ok(1.0));
        let opposite = [(1, 5), (5, 1)];
        assert!(quadratic_weighted_kappa(&opposite, 5).unwrap() < 0.0);
    }

    #[test]
    fn kappa_is_undefined_without_pairs_with_one_pair_and_without_variation() {
        assert_eq!(
            quadratic_weighted_kappa(&[], 5),
            Err(Undefined::NoComparableChanges)
        );
        assert_eq!(
            quadratic_weighted_kappa(&[(2, 4)], 5),
            Err(Undefined::SingleChange)
        );
        assert_eq!(
            quadratic_weighted_kappa(&[(3, 3), (3, 3)], 5),
            Err(Undefined::NoVariation)
        );
        // One constant perspective is not undefined: observed equals expected, kappa is 0.
        assert_eq!(quadratic_weighted_kappa(&[(3, 1), (3, 5)], 5), Ok(0.0));
    }

    #[test]
    fn kappa_matches_a_hand_computed_value() {
        // O: (1,1) (1,2) (2,2) (3,3); rows [2,1,1], cols [1,2,1]; Σw·O = 1, N = 4.
        // Σ w·row·col = row1·col2·1 + row1·col3·4 + row2·col1·1 + row2·col3·1 + row3·col1·4
        //             + row3·col2·1 = 4 + 8 + 1 + 1 + 4 + 2 = 20 → kappa = 1 − 4/20 = 0.8.
        let k = quadratic_weighted_kappa(&[(1, 1), (1, 2), (2, 2), (3, 3)], 3).unwrap();
        assert!((k - 0.8).abs() < 1e-15, "{k}");
    }

    #[test]
    fn alpha_matches_the_krippendorff_package_doc_example() {
        // The package's docstring example (from Krippendorff's own paper): 0.815 rounded.
        let nan = None;
        let raters: [[Option<u8>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                nan,
                nan,
                nan,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                nan,
                Some(3),
            ],
            [
                nan,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                nan,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                nan,
            ],
        ];
        let units = (0..12).map(|u| raters.iter().filter_map(move |r| r[u]));
        let a = ordinal_krippendorff_alpha(units, 5).unwrap();
        assert!((a - 0.815).abs() < 0.0005, "{a}");
    }

    #[test]
    fn alpha_is_undefined_in_the_degenerate_cases() {
        let none: Vec<Vec<u8>> = vec![vec![1], vec![], vec![3]];
        assert_eq!(
            ordinal_krippendorff_alpha(none, 5),
            Err(Undefined::NoComparableChanges)
        );
        assert_eq!(
            ordinal_krippendorff_alpha(vec![vec![1, 4], vec![2]], 5),
            Err(Undefined::SingleChange)
        );
        assert_eq!(
            ordinal_krippendorff_alpha(vec![vec![2, 2, 2], vec![2, 2]], 5),
            Err(Undefined::NoVariation)
        );
        assert_eq!(
            ordinal_krippendorff_alpha(vec![vec![2, 2], vec![4, 4, 4]], 5),
            Ok(1.0)
        );
    }
}
