//! Across workshops: whether two perspectives converge over months. Given several workshops
//! (each with the file it came from), it puts them in the order of their dates and gives, per
//! workshop, the pair's agreement per axis exactly as [`analyse_whole`] computes it (mean
//! absolute gap, Krippendorff's α and everything else `summary` shows), how many compared
//! changes disagree mostly about each axis, and how many standard-change candidates there are;
//! then follows the changes of the same kind from workshop to workshop, by ticket, else by exact
//! title.
//!
//! The date a workshop records is the day of its latest placement (`placed_at_ms`), the same day
//! the deck's title slide shows: a workshop file has no date field of its own. A workshop with no
//! placement time falls back to the file's modification time, which the caller reads with the
//! file; `date_source` says which was used. It never computes a statistic of its own (every
//! figure comes from the analysis) and never reads a clock or a file.

use serde::Serialize;
use ts_rs::TS;

use super::{
    analyse_whole, AnalysisError, AnalysisOptions, AxisAgreement, Dominant, DominantCounts, Pair,
};
use crate::{Millis, Workshop};

/// One workshop to put on the trend.
#[derive(Debug, Clone)]
pub struct TrendInput {
    /// Where it came from, as the person named it (a path).
    pub file: String,
    pub workshop: Workshop,
    /// The file's modification time, when known: the date of a workshop nobody placed yet.
    pub modified_ms: Option<Millis>,
}

impl TrendInput {
    /// A workshop as `store::load_path` read it from `file`.
    pub fn from_loaded(file: &std::path::Path, loaded: crate::Loaded) -> TrendInput {
        TrendInput {
            file: file.display().to_string(),
            modified_ms: loaded
                .fingerprint
                .modified
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .and_then(|d| Millis::try_from(d.as_millis()).ok()),
            workshop: loaded.workshop,
        }
    }
}

/// Where a workshop's date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// The latest placement in the workshop.
    Placements,
    /// No placement has a time: the file's modification time.
    FileModified,
    /// Neither is known.
    None,
}

/// How a change is recognised in another workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FollowedBy {
    /// The change has a ticket: the same ticket elsewhere is the same kind of change.
    Ticket,
    /// No ticket: the exact same title.
    Title,
}

/// One change of one workshop, as the trend follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TrendChange {
    pub followed_by: FollowedBy,
    /// The ticket or the exact title.
    pub key: String,
    pub title: String,
    /// `to − from`; null unless both of the pair placed it.
    pub likelihood_gap: Option<i8>,
    pub impact_gap: Option<i8>,
    pub dominant: Option<Dominant>,
}

/// One workshop on the trend.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrendPoint {
    pub file: String,
    pub title: String,
    /// The UTC day of `date_ms`, `YYYY-MM-DD`; null when no date is known.
    pub date: Option<String>,
    pub date_ms: Option<Millis>,
    pub date_source: DateSource,
    pub pair: Pair,
    pub total_changes: usize,
    /// Changes placed by both of the pair.
    pub compared: usize,
    /// As `summary` computes them.
    pub likelihood: AxisAgreement,
    pub impact: AxisAgreement,
    pub dominant_counts: DominantCounts,
    /// How many standard-change candidates the analysis found.
    pub candidate_count: usize,
    /// Every change, in workshop order.
    pub changes: Vec<TrendChange>,
}

/// A workshop that could not be put on the trend, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendFailure {
    pub file: String,
    pub error: AnalysisError,
}

/// One change followed across workshops: its gaps in each workshop it appears in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangeSeries {
    pub followed_by: FollowedBy,
    pub key: String,
    /// `(index into the trend's points, the change there)`, in date order.
    pub seen: Vec<(usize, TrendChange)>,
}

/// The workshops in date order, and those that could not be analysed.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub points: Vec<TrendPoint>,
    pub failures: Vec<TrendFailure>,
}

/// The day of `ms` since the Unix epoch (UTC) as (year, month 1–12, day 1–31), by the
/// civil-from-days algorithm (Howard Hinnant's): no date crate is needed for a day.
pub fn civil_day(ms: Millis) -> (i64, u32, u32) {
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31 and 1..=12).
    (year, month as u32, day as u32)
}

/// The time of the latest placement in `w`, if any placement has one.
pub fn latest_placement(w: &Workshop) -> Option<Millis> {
    w.changes
        .iter()
        .flat_map(|c| c.placements.values().map(|p| p.placed_at_ms))
        .filter(|&ms| ms > 0)
        .max()
}

/// The trend of `inputs` for the pair in `options` (chosen in each workshop as `summary`
/// chooses it), in date order; a workshop without a date goes last, and workshops of the same
/// date keep the order they were given in.
pub fn trend(inputs: &[TrendInput], options: &AnalysisOptions) -> Trend {
    let mut points = Vec::new();
    let mut failures = Vec::new();
    for input in inputs {
        match point(input, options) {
            Ok(p) => points.push(p),
            Err(error) => failures.push(TrendFailure {
                file: input.file.clone(),
                error,
            }),
        }
    }
    points.sort_by_key(|p| (p.date_ms.is_none(), p.date_ms));
    Trend { points, failures }
}

fn point(input: &TrendInput, options: &AnalysisOptions) -> Result<TrendPoint, AnalysisError> {
    let w = &input.workshop;
    let a = analyse_whole(w, options)?;
    let (date_ms, date_source) = match (latest_placement(w), input.modified_ms) {
        (Some(ms), _) => (Some(ms), DateSource::Placements),
        (None, Some(ms)) => (Some(ms), DateSource::FileModified),
        (None, None) => (None, DateSource::None),
    };
    let dominant_counts = a.dominant_counts;
    let changes = w
        .changes
        .iter()
        .zip(&a.changes)
        .map(|(c, g)| {
            let ticket = c.ticket.trim();
            let (followed_by, key) = if ticket.is_empty() {
                (FollowedBy::Title, c.title.clone())
            } else {
                (FollowedBy::Ticket, ticket.to_owned())
            };
            TrendChange {
                followed_by,
                key,
                title: c.title.clone(),
                likelihood_gap: g.likelihood_gap,
                impact_gap: g.impact_gap,
                dominant: g.dominant,
            }
        })
        .collect();
    Ok(TrendPoint {
        file: input.file.clone(),
        title: w.title.clone(),
        date: date_ms.map(|ms| {
            let (y, m, d) = civil_day(ms);
            format!("{y:04}-{m:02}-{d:02}")
        }),
        date_ms,
        date_source,
        pair: a.pair,
        total_changes: a.total_changes,
        compared: a.compared,
        likelihood: a.likelihood,
        impact: a.impact,
        dominant_counts,
        candidate_count: a.candidates.len(),
        changes,
    })
}

impl Trend {
    /// The changes seen in two or more workshops, by ticket (else exact title), in the order
    /// they first appear. A key that appears twice in one workshop is followed by its first
    /// change there.
    pub fn series(&self) -> Vec<ChangeSeries> {
        let mut order: Vec<(FollowedBy, &str)> = Vec::new();
        let mut seen: std::collections::HashMap<(FollowedBy, &str), Vec<(usize, TrendChange)>> =
            Default::default();
        for (i, p) in self.points.iter().enumerate() {
            for c in &p.changes {
                if c.key.trim().is_empty() {
                    continue;
                }
                let entry = seen.entry((c.followed_by, c.key.as_str())).or_default();
                if entry.is_empty() {
                    order.push((c.followed_by, c.key.as_str()));
                }
                if entry.last().is_none_or(|(j, _)| *j != i) {
                    entry.push((i, c.clone()));
                }
            }
        }
        order
            .into_iter()
            .filter_map(|k| {
                let seen = seen.remove(&k)?;
                (seen.len() >= 2).then(|| ChangeSeries {
                    followed_by: k.0,
                    key: k.1.to_owned(),
                    seen,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Change, Matrix, PerspectiveId, Placement};

    /// A change: ticket, title, Dev's cell and Ops' cell (likelihood, impact).
    type Placed<'a> = (&'a str, &'a str, (u8, u8), (u8, u8));

    fn workshop(title: &str, at: Millis, gaps: &[Placed]) -> Workshop {
        let mut w = Workshop::new(title, Matrix::default());
        for (i, (ticket, name, dev, ops)) in gaps.iter().enumerate() {
            let mut c = Change::new(&format!("c{i}"), name);
            c.ticket = (*ticket).to_owned();
            for (who, (l, im)) in [("dev", dev), ("ops", ops)] {
                c.placements.insert(
                    PerspectiveId::new(who),
                    Placement {
                        likelihood: *l,
                        impact: *im,
                        rationale: String::new(),
                        placed_at_ms: at,
                        spread: None,
                    },
                );
            }
            w.changes.push(c);
        }
        w
    }

    fn input(file: &str, w: Workshop, modified_ms: Option<Millis>) -> TrendInput {
        TrendInput {
            file: file.into(),
            workshop: w,
            modified_ms,
        }
    }

    const DAY: Millis = 86_400_000;

    #[test]
    fn workshops_are_in_date_order_with_the_summary_figures() {
        let march = workshop(
            "March",
            1_772_323_200_000,
            &[
                ("SHOP-1", "Upgrade PostgreSQL", (2, 3), (4, 3)),
                ("", "Rotate keys", (1, 1), (1, 1)),
            ],
        );
        let january = workshop(
            "January",
            1_767_225_600_000,
            &[
                ("SHOP-1", "Upgrade the database", (1, 3), (4, 3)),
                ("", "Rotate keys", (1, 1), (2, 3)),
                ("", "Only here", (3, 3), (3, 3)),
            ],
        );
        let t = trend(
            &[
                input("b", march.clone(), None),
                input("a", january.clone(), None),
            ],
            &AnalysisOptions::default(),
        );
        assert!(t.failures.is_empty());
        let titles: Vec<&str> = t.points.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["January", "March"]);
        assert_eq!(t.points[0].date.as_deref(), Some("2026-01-01"));
        assert_eq!(t.points[0].date_source, DateSource::Placements);
        let summary = analyse_whole(&january, &AnalysisOptions::default()).unwrap();
        assert_eq!(t.points[0].likelihood, summary.likelihood);
        assert_eq!(t.points[0].impact, summary.impact);
        assert_eq!(t.points[0].candidate_count, summary.candidates.len());
        assert_eq!(
            t.points[0].dominant_counts,
            DominantCounts {
                likelihood: 1,
                impact: 1,
                both: 0,
                agree: 1
            }
        );
        // SHOP-1 by ticket despite the new title; "Rotate keys" by title; "Only here" once.
        let series = t.series();
        assert_eq!(series.len(), 2, "{series:?}");
        assert_eq!(
            (series[0].followed_by, series[0].key.as_str()),
            (FollowedBy::Ticket, "SHOP-1")
        );
        let gaps: Vec<Option<i8>> = series[0]
            .seen
            .iter()
            .map(|(_, c)| c.likelihood_gap)
            .collect();
        assert_eq!(gaps, [Some(3), Some(2)]);
        assert_eq!(
            (series[1].followed_by, series[1].key.as_str()),
            (FollowedBy::Title, "Rotate keys")
        );
        assert_eq!(
            series[1].seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [0, 1]
        );
    }

    #[test]
    fn without_placements_the_file_time_dates_the_workshop_and_undated_ones_go_last() {
        let empty = Workshop::new("Nothing placed", Matrix::default());
        let placed = workshop("Placed", 10 * DAY, &[("", "x", (1, 1), (2, 2))]);
        let t = trend(
            &[
                input("none", empty.clone(), None),
                input("file", empty, Some(3 * DAY)),
                input("placed", placed, Some(DAY)),
            ],
            &AnalysisOptions::default(),
        );
        let files: Vec<&str> = t.points.iter().map(|p| p.file.as_str()).collect();
        assert_eq!(files, ["file", "placed", "none"]);
        assert_eq!(
            t.points.iter().map(|p| p.date_source).collect::<Vec<_>>(),
            [
                DateSource::FileModified,
                DateSource::Placements,
                DateSource::None
            ]
        );
        assert_eq!(t.points[0].date.as_deref(), Some("1970-01-04"));
        assert_eq!(t.points[2].date, None);
        assert_eq!(t.points[0].likelihood.mean_abs_gap, None);
    }

    #[test]
    fn a_pair_a_workshop_does_not_have_is_a_failure_of_that_workshop_only() {
        let mut sec = workshop("With Security", DAY, &[("", "x", (1, 1), (2, 2))]);
        sec.perspectives[1] = crate::Perspective::new("sec", "Security", "#2b8a3e");
        for c in &mut sec.changes {
            let ops = c.placements.remove(&PerspectiveId::new("ops")).unwrap();
            c.placements.insert(PerspectiveId::new("sec"), ops);
        }
        let ops = workshop("With Ops", 2 * DAY, &[("", "x", (1, 1), (2, 2))]);
        let options = AnalysisOptions {
            to: Some("Ops".into()),
            ..AnalysisOptions::default()
        };
        let t = trend(&[input("s", sec, None), input("o", ops, None)], &options);
        assert_eq!(t.points.len(), 1);
        assert_eq!(t.points[0].pair.to, "Ops");
        assert_eq!(t.failures.len(), 1);
        assert_eq!(t.failures[0].file, "s");
        assert!(matches!(
            t.failures[0].error,
            AnalysisError::UnknownPerspective { .. }
        ));
    }

    #[test]
    fn days_are_utc_calendar_days() {
        assert_eq!(civil_day(0), (1970, 1, 1));
        assert_eq!(civil_day(1_764_288_000_000), (2025, 11, 28));
        assert_eq!(civil_day(951_782_400_000), (2000, 2, 29));
        assert_eq!(civil_day(-1), (1969, 12, 31));
    }
}
