//! 95% bootstrap confidence intervals for weighted κ and Krippendorff's α, so a reader sees how
//! far the figures can move with a different handful of changes. It only resamples what the
//! statistics already use; it never widens, narrows or rounds an interval to look better, and it
//! never gives an interval for a statistic that has no value.
//!
//! Method (documented for users in docs/cli-summary.md):
//! - the units are the changes the statistic rests on: for κ the changes both perspectives of
//!   the pair placed, for α the changes two or more perspectives placed (workshop order);
//! - [`RESAMPLES`] resamples of as many units as there are, drawn with replacement by
//!   `fastrand`'s WyRand generator seeded with [`SEED`], each index `rng.u32(0..n)`, resample
//!   after resample from one generator, a fresh generator for each statistic and axis (so the
//!   likelihood and impact intervals rest on the same resampled changes, and the same workshop
//!   always gives the same intervals on every run and platform);
//! - the statistic is computed on each resample exactly as on the workshop; a resample where it
//!   is undefined (it drew only changes rated at one and the same level) is left out: when the
//!   statistic itself is defined, that is at most about a third of them (e^-1 as n grows);
//! - the interval is the 2.5th and 97.5th percentiles of the defined values, interpolated
//!   linearly between order statistics (numpy's default `percentile` method).
//!
//! `scripts/reference_stats.py` re-implements the generator in Python and checks the intervals
//! against scikit-learn and the `krippendorff` package on the same resamples.

use std::collections::HashMap;

use super::stats::{self, Undefined};

/// Resamples per interval.
pub const RESAMPLES: usize = 2_000;
/// The generator's seed: "PARALLAX" in ASCII.
pub const SEED: u64 = 0x5041_5241_4C4C_4158;
/// The two-sided confidence level of the intervals.
pub const CONFIDENCE: f64 = 0.95;

/// The resamples of `n` units: [`RESAMPLES`] lists of `n` indices in `0..n`, as the module
/// comment describes. Exposed so that tests (and anyone checking a figure) can see exactly which
/// changes each resample drew.
pub struct Resamples {
    rng: fastrand::Rng,
    n: u32,
    left: usize,
    drawn: Vec<u32>,
}

impl Resamples {
    pub fn new(n: usize) -> Resamples {
        // validate::MAX_CHANGES keeps n far below u32::MAX; a larger n draws from the first
        // u32::MAX units rather than wrap.
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        Resamples {
            rng: fastrand::Rng::with_seed(SEED),
            n,
            left: if n == 0 { 0 } else { RESAMPLES },
            drawn: Vec::with_capacity(n as usize),
        }
    }

    /// The next resample's indices, or None after the last.
    pub fn next_resample(&mut self) -> Option<&[u32]> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        self.drawn.clear();
        for _ in 0..self.n {
            self.drawn.push(self.rng.u32(0..self.n));
        }
        Some(&self.drawn)
    }
}

/// The percentile interval of `values` (the defined resampled statistics); None without any.
pub(crate) fn percentile_interval(mut values: Vec<f64>) -> Option<[f64; 2]> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    Some([percentile(&values, tail), percentile(&values, 1.0 - tail)])
}

/// numpy's "linear" percentile of sorted values, including its way of interpolating (from the
/// nearer end), so the reference matches to the last bits.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let below = h.floor();
    let i = below as usize;
    let Some(&b) = sorted.get(i + 1) else {
        return sorted[sorted.len() - 1];
    };
    let a = sorted[i];
    let t = h - below;
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The bootstrap interval of quadratic-weighted κ over `pairs` (from, to), on `1..=levels`;
/// None when κ itself is undefined (see [`stats::quadratic_weighted_kappa`]).
pub fn kappa_interval(pairs: &[(u8, u8)], levels: u8) -> Option<[f64; 2]> {
    stats::quadratic_weighted_kappa(pairs, levels).ok()?;
    let v = usize::from(levels);
    // The units κ counts (levels outside the scale are ignored there too), as cells of the table.
    let cells: Vec<usize> = pairs
        .iter()
        .filter_map(|&(a, b)| Some(stats::index(a, levels)? * v + stats::index(b, levels)?))
        .collect();
    let mut table = vec![0u64; v * v];
    let mut values = Vec::with_capacity(RESAMPLES);
    let mut resamples = Resamples::new(cells.len());
    while let Some(drawn) = resamples.next_resample() {
        table.fill(0);
        for &u in drawn {
            table[cells[u as usize]] += 1;
        }
        if let Ok(k) = stats::kappa_of_table(&table, v) {
            values.push(k);
        }
    }
    percentile_interval(values)
}

/// What one kind of unit (a multiset of levels) adds to α's sums: its ratings per level, and its
/// coincidences between two different levels c < k, n_uc·n_uk / (m_u − 1).
struct UnitKind {
    ratings: Vec<(usize, u64)>,
    coincidences: Vec<(usize, usize, f64)>,
}

/// The bootstrap interval of ordinal Krippendorff's α over `units` (each change's levels, one per
/// perspective that placed it), on `1..=levels`; None when α itself is undefined (see
/// [`stats::ordinal_krippendorff_alpha`]).
pub fn alpha_interval<U, L>(units: U, levels: u8) -> Option<[f64; 2]>
where
    U: IntoIterator<Item = L>,
    L: IntoIterator<Item = u8>,
{
    let v = usize::from(levels);
    // Pairable units, each reduced to its counts per level; alike units share one kind, so a
    // resample is summed over kinds rather than over every drawn change.
    let mut kinds: Vec<UnitKind> = Vec::new();
    let mut kind_of: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut unit_kinds: Vec<usize> = Vec::new();
    let mut pairable: Vec<Vec<u8>> = Vec::new();
    for unit in units {
        let levels_of_unit: Vec<u8> = unit
            .into_iter()
            .filter(|&l| stats::index(l, levels).is_some())
            .collect();
        if levels_of_unit.len() < 2 {
            continue;
        }
        let mut counts = vec![0u64; v];
        for &l in &levels_of_unit {
            counts[usize::from(l) - 1] += 1;
        }
        pairable.push(levels_of_unit);
        let next = kinds.len();
        let kind = *kind_of.entry(counts.clone()).or_insert(next);
        if kind == next {
            let m: u64 = counts.iter().sum();
            let mut coincidences = Vec::new();
            for c in 0..v {
                for k in c + 1..v {
                    if counts[c] > 0 && counts[k] > 0 {
                        coincidences.push((c, k, (counts[c] * counts[k]) as f64 / (m - 1) as f64));
                    }
                }
            }
            kinds.push(UnitKind {
                ratings: (0..v)
                    .filter(|&c| counts[c] > 0)
                    .map(|c| (c, counts[c]))
                    .collect(),
                coincidences,
            });
        }
        unit_kinds.push(kind);
    }
    stats::ordinal_krippendorff_alpha(pairable.iter().map(|u| u.iter().copied()), levels).ok()?;
    let mut drawn_kinds = vec![0u64; kinds.len()];
    let mut n_c = vec![0u64; v];
    let mut values = Vec::with_capacity(RESAMPLES);
    let mut resamples = Resamples::new(unit_kinds.len());
    while let Some(drawn) = resamples.next_resample() {
        drawn_kinds.fill(0);
        for &u in drawn {
            drawn_kinds[unit_kinds[u as usize]] += 1;
        }
        if let Ok(a) = alpha_of_kinds(&kinds, &drawn_kinds, &mut n_c) {
            values.push(a);
        }
    }
    percentile_interval(values)
}

/// α of a resample given how many units of each kind it drew; the same sums as
/// [`stats::ordinal_krippendorff_alpha`], grouped by kind.
fn alpha_of_kinds(kinds: &[UnitKind], drawn: &[u64], n_c: &mut [u64]) -> Result<f64, Undefined> {
    let v = n_c.len();
    n_c.fill(0);
    for (kind, &times) in kinds.iter().zip(drawn) {
        for &(c, count) in &kind.ratings {
            n_c[c] += times * count;
        }
    }
    if n_c.iter().filter(|&&c| c > 0).count() < 2 {
        return Err(Undefined::NoVariation);
    }
    let distance = stats::ordinal_distances(n_c);
    // Σ o·d over c ≠ k: each unordered pair of levels twice.
    let mut observed = 0.0;
    for (kind, &times) in kinds.iter().zip(drawn) {
        if times == 0 {
            continue;
        }
        let mut sum = 0.0;
        for &(c, k, o) in &kind.coincidences {
            sum += o * distance[c * v + k];
        }
        observed += 2.0 * times as f64 * sum;
    }
    let total: u64 = n_c.iter().sum();
    let mut expected = 0.0;
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
    stats::finite(1.0 - observed / expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Ratings of `n` changes by two raters who mostly agree: a fixed, varied pattern.
    fn pairs(n: usize) -> Vec<(u8, u8)> {
        (0..n)
            .map(|k| {
                let a = (k * 7 % 5) as u8 + 1;
                let b = match k % 4 {
                    0 => a.saturating_sub(1).max(1),
                    1 => (a + 1).min(5),
                    _ => a,
                };
                (a, b)
            })
            .collect()
    }

    #[test]
    fn the_resamples_are_the_same_on_every_run_and_draw_within_range() {
        let mut one = Resamples::new(11);
        let mut two = Resamples::new(11);
        let mut count = 0;
        while let Some(a) = one.next_resample() {
            let a = a.to_vec();
            assert_eq!(Some(a.as_slice()), two.next_resample());
            assert_eq!(a.len(), 11);
            assert!(a.iter().all(|&i| i < 11));
            count += 1;
        }
        assert_eq!(count, RESAMPLES);
        assert!(Resamples::new(0).next_resample().is_none());
        // Pinned: the first draws of fastrand's WyRand with the seed. If a new fastrand changes
        // them, every interval Parallax ever printed would move; this says so first.
        let first: Vec<u32> = Resamples::new(11).next_resample().unwrap().to_vec();
        assert_eq!(first, [7, 4, 5, 4, 4, 1, 9, 10, 7, 0, 8], "{first:?}");
    }

    #[test]
    fn undefined_statistics_have_no_interval() {
        assert_eq!(kappa_interval(&[], 5), None);
        assert_eq!(kappa_interval(&[(2, 4)], 5), None);
        assert_eq!(kappa_interval(&[(3, 3), (3, 3), (3, 3)], 5), None);
        assert_eq!(alpha_interval(Vec::<Vec<u8>>::new(), 5), None);
        assert_eq!(alpha_interval(vec![vec![1, 4], vec![2]], 5), None);
        assert_eq!(alpha_interval(vec![vec![2, 2], vec![2, 2, 2]], 5), None);
    }

    #[test]
    fn the_interval_is_the_percentiles_of_the_statistic_on_each_resample() {
        // Many changes at one level and a few that vary: some resamples draw no variation and
        // are left out. The interval must be what the plain statistics give on the plain
        // resampled changes, with those left out.
        let mut units: Vec<Vec<u8>> = vec![vec![3, 3]; 12];
        units.extend([vec![1, 5, 4], vec![2, 2], vec![4, 5]]);
        let pairs: Vec<(u8, u8)> = units.iter().map(|u| (u[0], u[1])).collect();
        let (mut alphas, mut kappas) = (Vec::new(), Vec::new());
        let mut left_out = 0;
        let mut r = Resamples::new(units.len());
        while let Some(d) = r.next_resample() {
            let drawn: Vec<Vec<u8>> = d.iter().map(|&i| units[i as usize].clone()).collect();
            let drawn_pairs: Vec<(u8, u8)> = d.iter().map(|&i| pairs[i as usize]).collect();
            match stats::ordinal_krippendorff_alpha(drawn, 5) {
                Ok(a) => alphas.push(a),
                Err(_) => left_out += 1,
            }
            kappas.extend(stats::quadratic_weighted_kappa(&drawn_pairs, 5));
        }
        assert!(
            left_out > 0,
            "the data leaves some resamples without variation"
        );
        let close = |a: Option<[f64; 2]>, b: Option<[f64; 2]>| {
            let (a, b) = (a.unwrap(), b.unwrap());
            assert!(
                (a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12,
                "{a:?} {b:?}"
            );
        };
        close(
            alpha_interval(units.clone(), 5),
            percentile_interval(alphas),
        );
        close(kappa_interval(&pairs, 5), percentile_interval(kappas));
    }

    #[test]
    fn alpha_by_kinds_equals_the_statistic_on_the_resampled_units() {
        let units: Vec<Vec<u8>> = vec![
            vec![1, 2, 2],
            vec![3, 3],
            vec![4, 5, 5, 1],
            vec![2, 2],
            vec![1, 2, 2],
            vec![5, 4],
        ];
        let mut r = Resamples::new(units.len());
        for _ in 0..50 {
            let drawn = r.next_resample().unwrap().to_vec();
            let resampled: Vec<Vec<u8>> =
                drawn.iter().map(|&i| units[i as usize].clone()).collect();
            let direct = stats::ordinal_krippendorff_alpha(resampled.clone(), 5);
            // Kinds as alpha_interval builds them, one per unit here (no grouping needed to test
            // the sums).
            let kinds: Vec<UnitKind> = resampled
                .iter()
                .map(|u| {
                    let mut counts = [0u64; 5];
                    for &l in u {
                        counts[usize::from(l) - 1] += 1;
                    }
                    let m: u64 = counts.iter().sum();
                    let mut coincidences = Vec::new();
                    for c in 0..5 {
                        for k in c + 1..5 {
                            if counts[c] > 0 && counts[k] > 0 {
                                coincidences.push((
                                    c,
                                    k,
                                    (counts[c] * counts[k]) as f64 / (m - 1) as f64,
                                ));
                            }
                        }
                    }
                    UnitKind {
                        ratings: (0..5).map(|c| (c, counts[c])).collect(),
                        coincidences,
                    }
                })
                .collect();
            let by_kinds = alpha_of_kinds(&kinds, &vec![1; kinds.len()], &mut [0; 5]);
            match (direct, by_kinds) {
                (Ok(a), Ok(b)) => assert!((a - b).abs() < 1e-12, "{a} vs {b}"),
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    #[test]
    fn the_interval_holds_the_estimate_and_narrows_with_more_changes() {
        let small = pairs(20);
        let large = pairs(400);
        let k_small = stats::quadratic_weighted_kappa(&small, 5).unwrap();
        let k_large = stats::quadratic_weighted_kappa(&large, 5).unwrap();
        let [lo, hi] = kappa_interval(&small, 5).unwrap();
        assert!(lo <= k_small && k_small <= hi, "{lo} {k_small} {hi}");
        let [lo2, hi2] = kappa_interval(&large, 5).unwrap();
        assert!(lo2 <= k_large && k_large <= hi2, "{lo2} {k_large} {hi2}");
        assert!(hi2 - lo2 < (hi - lo) / 2.0, "{lo}..{hi} vs {lo2}..{hi2}");

        let units = |n: usize| -> Vec<Vec<u8>> {
            pairs(n)
                .into_iter()
                .enumerate()
                .map(|(k, (a, b))| {
                    if k % 3 == 0 {
                        vec![a, b, a]
                    } else {
                        vec![a, b]
                    }
                })
                .collect()
        };
        let a_small = stats::ordinal_krippendorff_alpha(units(20), 5).unwrap();
        let [lo, hi] = alpha_interval(units(20), 5).unwrap();
        assert!(lo <= a_small && a_small <= hi, "{lo} {a_small} {hi}");
        let a_large = stats::ordinal_krippendorff_alpha(units(400), 5).unwrap();
        let [lo2, hi2] = alpha_interval(units(400), 5).unwrap();
        assert!(lo2 <= a_large && a_large <= hi2, "{lo2} {a_large} {hi2}");
        assert!(hi2 - lo2 < (hi - lo) / 2.0, "{lo}..{hi} vs {lo2}..{hi2}");
    }

    #[test]
    fn percentiles_interpolate_as_numpy_does() {
        let values: Vec<f64> = (0..RESAMPLES).map(|k| k as f64).collect();
        // numpy.percentile(range(2000), [2.5, 97.5]) = [49.975, 1949.025]
        let [lo, hi] = percentile_interval(values).unwrap();
        assert!(
            (lo - 49.975).abs() < 1e-9 && (hi - 1949.025).abs() < 1e-9,
            "{lo} {hi}"
        );
        assert_eq!(percentile_interval(Vec::new()), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Any ratings: the interval exists exactly when the statistic does, is ordered, finite,
        /// inside the statistic's range, and the same when computed again.
        #[test]
        fn intervals_are_ordered_finite_and_reproducible(
            pairs in proptest::collection::vec((1u8..=5, 1u8..=5), 0..40),
            extra in proptest::collection::vec(proptest::option::of(1u8..=5), 0..40),
        ) {
            let k = kappa_interval(&pairs, 5);
            if stats::quadratic_weighted_kappa(&pairs, 5).is_err() {
                prop_assert_eq!(k, None);
            }
            if let Some([lo, hi]) = k {
                prop_assert!(lo.is_finite() && hi.is_finite() && lo <= hi);
                prop_assert!((-1.0..=1.0 + 1e-12).contains(&hi));
            }
            prop_assert_eq!(k, kappa_interval(&pairs, 5));
            let units: Vec<Vec<u8>> = pairs
                .iter()
                .zip(extra.iter().chain(std::iter::repeat(&None)))
                .map(|(&(a, b), c)| [Some(a), Some(b), *c].into_iter().flatten().collect())
                .collect();
            let a = alpha_interval(units.clone(), 5);
            if stats::ordinal_krippendorff_alpha(units.clone(), 5).is_err() {
                prop_assert_eq!(a, None);
            }
            if let Some([lo, hi]) = a {
                prop_assert!(lo.is_finite() && hi.is_finite() && lo <= hi && hi <= 1.0 + 1e-12);
            }
            prop_assert_eq!(a, alpha_interval(units, 5));
        }
    }
}
