//! Consistency checks of the matrix's bands, the traps Cox (2008) describes in risk matrices,
//! as warnings a facilitator can act on in Prepare. They never block and never change a band.
//!
//! On the colouring of the cells (each cell in the band of its score):
//! - `higher_band_lower_score`: a cell coloured in a higher band than a cell with a higher score;
//! - `not_monotone`: along a row (one likelihood, impact rising) or a column the band drops;
//! - `shared_colour`: two bands with the same colour, so a cell of one looks like the other;
//! - `range_compression`: one band holding cells whose scores differ by 10× or more, so very
//!   different risks look the same.
//!
//! Parallax colours a cell by its score against bands ordered by `min_score` (validation keeps
//! them ascending), so the first two hold by construction today; they are checked on the
//! colouring as drawn all the same, so that the promise "the colours never contradict the
//! scores" is tested rather than assumed.
//!
//! And on the placed changes, the sensitivity of the bands (`switches`): for each threshold
//! (a band's `min_score`, the first band's excepted), which changes would change band if it
//! moved down or up by one score, as far as the bands stay valid. A change is judged by its
//! consensus, the room's agreed cell, when it has one; otherwise by each perspective's
//! placement (a change is listed with every placement that would switch). The residual is not
//! used: the bands are about the risk the room placed, and a residual is a consequence of it.
//! Switches come from placements, so a hidden analysis has none.

use serde::Serialize;
use ts_rs::TS;

use crate::{Axis, Cell, ChangeId, Matrix, PerspectiveId, Workshop};

/// How far apart (as a ratio of scores) two cells of one band may be before it is range
/// compression.
pub const COMPRESSION_RATIO: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BandWarningKind {
    HigherBandLowerScore,
    NotMonotone,
    SharedColour,
    RangeCompression,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BandWarning {
    pub kind: BandWarningKind,
    /// The bands it is about, by name.
    pub bands: Vec<String>,
    /// What is wrong and why it matters, in words a facilitator understands.
    pub message: String,
}

/// What a switching change is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SwitchBasis {
    Consensus,
    Placement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SwitchedChange {
    pub change: ChangeId,
    pub title: String,
    pub basis: SwitchBasis,
    /// The perspective whose placement switches; null for the consensus.
    #[ts(optional = nullable)]
    pub perspective: Option<PerspectiveId>,
    pub cell: Cell,
}

/// One threshold moved by one score, and the changes that would change band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BandSwitch {
    /// The band whose lowest score moves.
    pub band: String,
    pub threshold: u32,
    pub moved_to: u32,
    /// The band the changes leave and the one they enter.
    pub from_band: String,
    pub to_band: String,
    pub changes: Vec<SwitchedChange>,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct BandCheck {
    pub warnings: Vec<BandWarning>,
    pub switches: Vec<BandSwitch>,
}

/// The band index of every score, as the matrix colours it.
fn band_index(m: &Matrix, cell: Cell) -> Option<usize> {
    let s = cell.score();
    m.bands.iter().rposition(|b| b.min_score <= s)
}

fn cells(m: &Matrix) -> impl Iterator<Item = Cell> + '_ {
    let (lmax, imax) = (m.max_level(Axis::Likelihood), m.max_level(Axis::Impact));
    (1..=lmax).flat_map(move |l| (1..=imax).map(move |i| Cell::new(l, i)))
}

fn at(c: Cell) -> String {
    format!("L{} × I{}", c.likelihood, c.impact)
}

/// The warnings about the matrix alone.
pub fn band_warnings(m: &Matrix) -> Vec<BandWarning> {
    let names: Vec<&str> = m.bands.iter().map(|b| b.name.as_str()).collect();
    let mut warnings = colouring_warnings(m, &names, |c| band_index(m, c));
    warnings.extend(shared_colours(m));
    warnings.extend(compression(m));
    warnings
}

/// The checks of a colouring, `band` giving each cell's band index (None: no band).
fn colouring_warnings(
    m: &Matrix,
    names: &[&str],
    band: impl Fn(Cell) -> Option<usize>,
) -> Vec<BandWarning> {
    let name = |b: Option<usize>| {
        b.and_then(|b| names.get(b).copied())
            .unwrap_or("no band")
            .to_owned()
    };
    let mut warnings = Vec::new();
    // One warning per pair of bands that contradict each other, with the first example.
    let mut seen = std::collections::BTreeSet::new();
    let all: Vec<Cell> = cells(m).collect();
    for &a in &all {
        for &b in &all {
            let (ba, bb) = (band(a), band(b));
            if a.score() < b.score() && ba > bb && seen.insert((ba, bb)) {
                warnings.push(BandWarning {
                    kind: BandWarningKind::HigherBandLowerScore,
                    bands: vec![name(ba), name(bb)],
                    message: format!(
                        "{} (score {}) is coloured '{}' but {} (score {}) only '{}': a lower \
                         risk looks worse than a higher one.",
                        at(a),
                        a.score(),
                        name(ba),
                        at(b),
                        b.score(),
                        name(bb)
                    ),
                });
            }
        }
    }
    let (lmax, imax) = (m.max_level(Axis::Likelihood), m.max_level(Axis::Impact));
    let lines = (1..=lmax)
        .map(|l| {
            (
                Axis::Likelihood,
                l,
                (1..=imax).map(move |i| Cell::new(l, i)).collect(),
            )
        })
        .chain((1..=imax).map(|i| {
            (
                Axis::Impact,
                i,
                (1..=lmax).map(|l| Cell::new(l, i)).collect(),
            )
        }));
    for (axis, fixed, line) in lines {
        let line: Vec<Cell> = line;
        if let Some(w) = line.windows(2).find(|w| band(w[1]) < band(w[0])) {
            let (other, from, to) = match axis {
                Axis::Likelihood => ("impact", w[0].impact, w[1].impact),
                Axis::Impact => ("likelihood", w[0].likelihood, w[1].likelihood),
            };
            warnings.push(BandWarning {
                kind: BandWarningKind::NotMonotone,
                bands: vec![name(band(w[0])), name(band(w[1]))],
                message: format!(
                    "At {} {fixed}, the band drops from '{}' at {other} {from} to '{}' at {other} \
                     {to}: a higher {other} should never look less risky.",
                    axis.name(),
                    name(band(w[0])),
                    name(band(w[1]))
                ),
            });
        }
    }
    warnings
}

fn shared_colours(m: &Matrix) -> Vec<BandWarning> {
    let mut warnings = Vec::new();
    for (j, b) in m.bands.iter().enumerate() {
        if let Some(a) = m.bands[..j]
            .iter()
            .find(|a| a.color.eq_ignore_ascii_case(&b.color))
        {
            warnings.push(BandWarning {
                kind: BandWarningKind::SharedColour,
                bands: vec![a.name.clone(), b.name.clone()],
                message: format!(
                    "Bands '{}' and '{}' have the same colour {}: on the matrix a '{}' cell looks \
                     like a '{}' one.",
                    a.name, b.name, b.color, b.name, a.name
                ),
            });
        }
    }
    warnings
}

/// "12", "12.5".
fn ratio(high: u32, low: u32) -> String {
    let tenths = (u64::from(high) * 10 + u64::from(low) / 2) / u64::from(low.max(1));
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

fn compression(m: &Matrix) -> Vec<BandWarning> {
    let mut range: Vec<Option<(u32, u32)>> = vec![None; m.bands.len()];
    for c in cells(m) {
        if let Some(b) = band_index(m, c) {
            let s = c.score();
            let r = range[b].get_or_insert((s, s));
            r.0 = r.0.min(s);
            r.1 = r.1.max(s);
        }
    }
    m.bands
        .iter()
        .zip(range)
        .filter_map(|(band, r)| {
            let (lo, hi) = r?;
            (u64::from(hi) >= u64::from(COMPRESSION_RATIO) * u64::from(lo)).then(|| BandWarning {
                kind: BandWarningKind::RangeCompression,
                bands: vec![band.name.clone()],
                message: format!(
                    "Band '{}' colours cells scoring from {lo} to {hi} alike: risks {}× apart \
                     look the same. Consider splitting it.",
                    band.name,
                    ratio(hi, lo)
                ),
            })
        })
        .collect()
}

/// The cells a change is judged by: its consensus, else each perspective's placement.
fn judged_cells<'a>(
    w: &'a Workshop,
    c: &'a crate::Change,
) -> impl Iterator<Item = (SwitchBasis, Option<&'a PerspectiveId>, Cell)> + 'a {
    let consensus = c.consensus.map(|cell| (SwitchBasis::Consensus, None, cell));
    let placements = w
        .perspectives
        .iter()
        .filter(move |_| c.consensus.is_none())
        .filter_map(move |p| {
            let cell = c.placements.get(&p.id)?.cell();
            Some((SwitchBasis::Placement, Some(&p.id), cell))
        });
    consensus.into_iter().chain(placements)
}

/// One threshold moved by one: the band whose threshold moves, where to, the score that
/// switches, and the bands it leaves and enters.
struct Move {
    band: usize,
    moved_to: u32,
    score: u32,
    from: usize,
    to: usize,
    changes: Vec<SwitchedChange>,
}

/// Which of `w`'s changes (as given: the analysis passes the ones that count) would change
/// band if a threshold moved by one, as the module comment says.
pub fn band_switches(w: &Workshop) -> Vec<BandSwitch> {
    let bands = &w.matrix.bands;
    let mut moves = Vec::new();
    for k in 1..bands.len() {
        let t = bands[k].min_score;
        let prev = bands[k - 1].min_score;
        let next = bands.get(k + 1).map(|b| b.min_score);
        // Down: score t − 1 joins band k. Up: score t falls back to band k − 1.
        if let Some(to) = t.checked_sub(1).filter(|&to| to > prev) {
            moves.push((k, to, t - 1, k - 1, k));
        }
        if let Some(to) = t.checked_add(1).filter(|&to| next.is_none_or(|n| to < n)) {
            moves.push((k, to, t, k, k - 1));
        }
    }
    let mut moves: Vec<Move> = moves
        .into_iter()
        .map(|(band, moved_to, score, from, to)| Move {
            band,
            moved_to,
            score,
            from,
            to,
            changes: Vec::new(),
        })
        .collect();
    // One pass over the changes; only a cell on a score next to a threshold is copied out.
    for c in &w.changes {
        for (basis, p, cell) in judged_cells(w, c) {
            for m in moves.iter_mut().filter(|m| m.score == cell.score()) {
                m.changes.push(SwitchedChange {
                    change: c.id.clone(),
                    title: c.title.clone(),
                    basis,
                    perspective: p.cloned(),
                    cell,
                });
            }
        }
    }
    let mut switches = Vec::new();
    for m in moves {
        let Move {
            band: k,
            moved_to,
            score: _,
            from,
            to,
            changes,
        } = m;
        let t = bands[k].min_score;
        if changes.is_empty() {
            continue;
        }
        let mut ids: Vec<&ChangeId> = changes.iter().map(|s| &s.change).collect();
        ids.dedup();
        let n = ids.len();
        let mut titles: Vec<String> = Vec::new();
        for s in &changes {
            if titles.len() < 3 && !titles.contains(&s.title) {
                titles.push(s.title.clone());
            }
        }
        let named = titles
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let more = if n > titles.len() {
            format!(" and {} more", n - titles.len())
        } else {
            String::new()
        };
        let (from_band, to_band) = (bands[from].name.clone(), bands[to].name.clone());
        let direction = if to > from { "up" } else { "down" };
        switches.push(BandSwitch {
            message: format!(
                "If '{}' started at {moved_to} instead of {t}, {n} {} would move {direction} \
                     from '{from_band}' to '{to_band}': {named}{more}.",
                bands[k].name,
                if n == 1 { "change" } else { "changes" },
            ),
            band: bands[k].name.clone(),
            threshold: t,
            moved_to,
            from_band,
            to_band,
            changes,
        });
    }
    switches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Band, Change, Template};
    use proptest::prelude::*;

    fn kinds(m: &Matrix) -> Vec<BandWarningKind> {
        band_warnings(m).into_iter().map(|w| w.kind).collect()
    }

    #[test]
    fn the_built_in_templates_raise_no_warning() {
        for t in [
            Template::FiveByFive,
            Template::FourByFour,
            Template::ThreeByThree,
        ] {
            assert_eq!(band_warnings(&Matrix::from_template(t)), []);
        }
    }

    #[test]
    fn a_band_over_scores_ten_times_apart_is_range_compression() {
        let mut m = Matrix::default();
        // low now covers 1..=9 and medium disappears into it: 1 to 9 is under 10×.
        m.bands.remove(1);
        assert_eq!(kinds(&m), []);
        // low covers 1..=16: 16× apart.
        m.bands.remove(1);
        let w = band_warnings(&m);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, BandWarningKind::RangeCompression);
        assert_eq!(
            w[0].message,
            "Band 'low' colours cells scoring from 1 to 16 alike: risks 16× apart look the \
             same. Consider splitting it."
        );
        // critical from 17: 17..=25, fine; high 10..=16 fine. One band over the whole 5×5: 25×.
        m.bands.truncate(1);
        assert_eq!(band_warnings(&m)[0].bands, ["low"]);
        assert_eq!(ratio(25, 2), "12.5");
    }

    #[test]
    fn bands_of_one_colour_are_named() {
        let mut m = Matrix::default();
        m.bands[2].color = m.bands[1].color.to_uppercase();
        let w = band_warnings(&m);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, BandWarningKind::SharedColour);
        assert_eq!(w[0].bands, ["medium", "high"]);
    }

    #[test]
    fn a_colouring_against_the_scores_is_caught() {
        let m = Matrix::from_template(Template::ThreeByThree);
        let names = ["low", "medium", "high"];
        // As drawn: nothing.
        assert_eq!(colouring_warnings(&m, &names, |c| band_index(&m, c)), []);
        // A hand colouring where L1 × I3 (score 3) is high but L2 × I2 (score 4) medium, and
        // L3 × I3 is low: a contradiction, and drops along row 3 and column 3.
        let painted = |c: Cell| {
            Some(match (c.likelihood, c.impact) {
                (1, 3) => 2,
                (3, 3) => 0,
                _ => band_index(&m, c).unwrap_or(0),
            })
        };
        let w = colouring_warnings(&m, &names, painted);
        let kinds: Vec<_> = w.iter().map(|w| w.kind).collect();
        assert!(kinds.contains(&BandWarningKind::HigherBandLowerScore));
        assert!(kinds.contains(&BandWarningKind::NotMonotone));
        assert!(w.iter().any(|w| w.message
            == "At likelihood 3, the band drops from 'high' at impact 2 to 'low' at impact 3: \
                a higher impact should never look less risky."));
        assert!(w.iter().any(|w| w.message
            == "L1 × I3 (score 3) is coloured 'high' but L2 × I2 (score 4) only 'medium': a \
                lower risk looks worse than a higher one."));
    }

    use crate::analysis::tests::place;

    #[test]
    fn changes_next_to_a_threshold_would_switch_and_the_consensus_decides() {
        // 5×5: low 1, medium 5, high 10, critical 17.
        let mut w = Workshop::new("t", Matrix::default());
        let mut a = Change::new("c1", "Rotate certificates");
        place(&mut a, "dev", 3, 3); // 9: medium, high if high started at 9
        place(&mut a, "ops", 2, 5); // 10: high, medium if high started at 11
        let mut b = Change::new("c2", "Move the database");
        place(&mut b, "dev", 3, 3);
        b.consensus = Some(Cell::new(4, 4)); // 16: judged by the consensus only
        let mut c = Change::new("c3", "Resize a disk");
        place(&mut c, "dev", 1, 1);
        w.changes = vec![a, b, c];
        let s = band_switches(&w);
        let summary: Vec<_> = s
            .iter()
            .map(|s| {
                (
                    s.band.as_str(),
                    s.moved_to,
                    s.from_band.as_str(),
                    s.to_band.as_str(),
                    s.changes.len(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("high", 9, "medium", "high", 1),
                ("high", 11, "high", "medium", 1),
                ("critical", 16, "high", "critical", 1),
            ]
        );
        assert_eq!(s[0].changes[0].perspective, Some(PerspectiveId::new("dev")));
        assert_eq!(s[2].changes[0].basis, SwitchBasis::Consensus);
        assert_eq!(
            s[0].message,
            "If 'high' started at 9 instead of 10, 1 change would move up from 'medium' to \
             'high': 'Rotate certificates'."
        );
        // A threshold that cannot move without making a band empty or out of order does not.
        let mut tight = w.clone();
        tight.matrix.bands = vec![
            Band {
                name: "low".into(),
                color: "#000000".into(),
                min_score: 1,
            },
            Band {
                name: "high".into(),
                color: "#ffffff".into(),
                min_score: 2,
            },
        ];
        assert!(band_switches(&tight).iter().all(|s| s.moved_to != 1));
    }

    proptest! {
        /// Every listed change really changes band when the threshold moves, and the bands of
        /// the moved matrix are still valid.
        #[test]
        fn every_switch_is_real(
            steps in prop::collection::vec(1u32..8, 0..5),
            cells in prop::collection::vec((1u8..=5, 1u8..=5, any::<bool>()), 0..12),
        ) {
            let mut w = Workshop::new("t", Matrix::default());
            let mut min = 1;
            w.matrix.bands = std::iter::once(1).chain(steps.iter().map(|s| { min += s; min }))
                .enumerate()
                .map(|(i, m)| Band { name: format!("b{i}"), color: "#000000".into(), min_score: m })
                .collect();
            for (n, (l, i, consensus)) in cells.iter().enumerate() {
                let mut c = Change::new(&format!("c{n}"), "x");
                place(&mut c, "dev", *l, *i);
                if *consensus { c.consensus = Some(Cell::new(*i, *l)); }
                w.changes.push(c);
            }
            // Complete: every judged cell that changes band under a valid move of one threshold
            // by one is listed, and nothing else.
            let mut expected = std::collections::BTreeSet::new();
            for k in 1..w.matrix.bands.len() {
                for to in [w.matrix.bands[k].min_score - 1, w.matrix.bands[k].min_score + 1] {
                    let mut moved = w.matrix.clone();
                    moved.bands[k].min_score = to;
                    if crate::validate::check_matrix(&moved).is_err() {
                        continue;
                    }
                    for c in &w.changes {
                        for (_, p, cell) in judged_cells(&w, c) {
                            if w.matrix.band_of(cell).map(|b| &b.name) != moved.band_of(cell).map(|b| &b.name) {
                                expected.insert((k, to, c.id.clone(), p.cloned()));
                            }
                        }
                    }
                }
            }
            let listed: std::collections::BTreeSet<_> = band_switches(&w)
                .iter()
                .flat_map(|s| {
                    let k = w.matrix.bands.iter().position(|b| b.name == s.band).unwrap();
                    s.changes.iter().map(move |c| (k, s.moved_to, c.change.clone(), c.perspective.clone()))
                })
                .collect();
            prop_assert_eq!(listed, expected);
            for s in band_switches(&w) {
                let mut moved = w.matrix.clone();
                let k = moved.bands.iter().position(|b| b.name == s.band).unwrap();
                moved.bands[k].min_score = s.moved_to;
                prop_assert!(crate::validate::check_matrix(&moved).is_ok());
                for sc in &s.changes {
                    let before = w.matrix.band_of(sc.cell).map(|b| b.name.clone());
                    let after = moved.band_of(sc.cell).map(|b| b.name.clone());
                    prop_assert_eq!(before, Some(s.from_band.clone()));
                    prop_assert_eq!(after, Some(s.to_band.clone()));
                }
            }
        }
    }
}
