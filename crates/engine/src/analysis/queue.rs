//! The discussion queue: the changes the room should talk about first, most disagreement first.
//! It looks at every perspective that placed a change, not only the pair, because the room
//! discusses a change once for everyone. It only orders; it never hides a disagreement.
//!
//! Order (each step breaks the ties of the one before):
//! 1. `level_spread` descending — (highest − lowest likelihood) + (highest − lowest impact)
//!    across the perspectives that placed the change;
//! 2. `band_spread` descending — how many bands apart the lowest and highest placements are;
//! 3. `score_spread` descending — highest − lowest likelihood × impact;
//! 4. the larger of `likelihood_spread` and `impact_spread`, descending — entries equal on the
//!    three steps above are tied (`tied_with`, see `ties.rs`), and a tie is never ordered by a
//!    score: the disagreement concentrated on one axis goes first;
//! 5. the change's position in the workshop, ascending (so the order is stable and total).
//!
//! Each entry also says which axis the disagreement across the perspectives is about
//! (`dominant`, from the two spreads as `gap.rs` classifies a pair's gaps, and `about` in words).
//!
//! Only changes placed by two or more perspectives that do not all sit in the same cell are in
//! the queue: a change everyone placed alike, or that fewer than two placed, has no gap to discuss.
//! Calibration changes are not in it (positions count the other changes).

use serde::Serialize;
use ts_rs::TS;

use super::gap::Dominant;
use super::grid::Grid;
use crate::{ChangeId, Matrix, Workshop};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QueueEntry {
    /// 1-based place in the queue.
    pub rank: usize,
    pub change: ChangeId,
    pub title: String,
    /// 0-based position of the change in the workshop (the last tie-break).
    pub position: usize,
    /// How many perspectives placed it.
    pub placed_by: usize,
    pub likelihood_spread: u8,
    pub impact_spread: u8,
    /// `likelihood_spread + impact_spread`.
    pub level_spread: u8,
    pub band_spread: u8,
    pub score_spread: u32,
    /// Which axis the spread is larger on (never `agree`: such a change is not in the queue).
    pub dominant: Dominant,
    /// `dominant` in words: "about likelihood", "about impact" or "about both".
    pub about: &'static str,
    /// The other entries equal on level, band and score spread (see `ties.rs`); empty if none.
    pub tied_with: Vec<ChangeId>,
}

/// Spread of one change across all placements, or None when fewer than two placed it.
pub(crate) struct Spread {
    pub placed_by: usize,
    pub likelihood: u8,
    pub impact: u8,
    pub band: u8,
    pub score: u32,
}

pub(crate) fn spread(matrix: &Matrix, row: &[Option<crate::Cell>]) -> Option<Spread> {
    let mut cells = row.iter().flatten().copied();
    let first = cells.next()?;
    let band = |c: crate::Cell| {
        let s = c.score();
        matrix
            .bands
            .iter()
            .rposition(|b| b.min_score <= s)
            .unwrap_or(0)
    };
    let (mut l_lo, mut l_hi, mut i_lo, mut i_hi) = (
        first.likelihood,
        first.likelihood,
        first.impact,
        first.impact,
    );
    let (mut s_lo, mut s_hi) = (first.score(), first.score());
    let (mut b_lo, mut b_hi) = (band(first), band(first));
    let mut n = 1;
    for c in cells {
        n += 1;
        l_lo = l_lo.min(c.likelihood);
        l_hi = l_hi.max(c.likelihood);
        i_lo = i_lo.min(c.impact);
        i_hi = i_hi.max(c.impact);
        s_lo = s_lo.min(c.score());
        s_hi = s_hi.max(c.score());
        let b = band(c);
        b_lo = b_lo.min(b);
        b_hi = b_hi.max(b);
    }
    (n >= 2).then(|| Spread {
        placed_by: n,
        likelihood: l_hi - l_lo,
        impact: i_hi - i_lo,
        // A matrix has at most a handful of bands; saturate rather than wrap if ever not.
        band: u8::try_from(b_hi - b_lo).unwrap_or(u8::MAX),
        score: s_hi - s_lo,
    })
}

/// The queue, ordered as the module comment says.
pub fn discussion_queue(w: &Workshop) -> Vec<QueueEntry> {
    let w = &*super::calibration::counted(w);
    queue_on(w, &Grid::new(w))
}

pub(crate) fn queue_on(w: &Workshop, grid: &Grid) -> Vec<QueueEntry> {
    let queue: Vec<QueueEntry> = w
        .changes
        .iter()
        .zip(grid.rows())
        .enumerate()
        .filter_map(|(position, (change, row))| {
            let s = spread(&w.matrix, row)?;
            let level_spread = s.likelihood.saturating_add(s.impact);
            let dominant = Dominant::of_spreads(s.likelihood, s.impact);
            (level_spread > 0).then(|| QueueEntry {
                rank: 0,
                change: change.id.clone(),
                title: change.title.clone(),
                position,
                placed_by: s.placed_by,
                likelihood_spread: s.likelihood,
                impact_spread: s.impact,
                level_spread,
                band_spread: s.band,
                score_spread: s.score,
                dominant,
                about: dominant.words(),
                tied_with: Vec::new(),
            })
        })
        .collect();
    // Sorting the entries themselves moved ~80-byte values around and was a fifth of the whole
    // analysis; sort one u64 per entry instead. It packs the order of the module comment, most
    // significant first: 255 − level spread, 255 − band spread, 65535 − score spread (a score is
    // at most 7 × 7), 255 − the larger axis spread, position (24 bits, at most
    // validate::MAX_CHANGES). Positions are unique, so the keys are distinct and the order is
    // total.
    let key = |e: &QueueEntry| {
        (u64::from(u8::MAX - e.level_spread) << 56)
            | (u64::from(u8::MAX - e.band_spread) << 48)
            | (u64::from(u16::MAX - u16::try_from(e.score_spread).unwrap_or(u16::MAX)) << 32)
            | (u64::from(u8::MAX - e.likelihood_spread.max(e.impact_spread)) << 24)
            | u64::from(
                u32::try_from(e.position)
                    .unwrap_or(u32::MAX)
                    .min(0x00FF_FFFF),
            )
    };
    let mut keys: Vec<(u64, usize)> = queue.iter().enumerate().map(|(i, e)| (key(e), i)).collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<QueueEntry>> = queue.into_iter().map(Some).collect();
    let mut queue: Vec<QueueEntry> = keys.iter().filter_map(|&(_, i)| slots[i].take()).collect();
    for (i, entry) in queue.iter_mut().enumerate() {
        entry.rank = i + 1;
    }
    super::ties::mark_queue_ties(&mut queue);
    queue
}
