//! The risk matrix: the levels of both axes and the bands (risk appetite) that group scores.
//! Score = likelihood × impact; a band covers every score from its `min_score` up to the next
//! band's. The matrix never holds placements: it only says what a cell means.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Axis, Cell, Level};

/// A named range of scores with a colour, e.g. "high" for scores 10–16.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// The lowest score in this band; bands are ordered by it and the first starts at 1.
    pub min_score: u32,
}

impl Band {
    fn new(name: &str, color: &str, min_score: u32) -> Self {
        Band {
            name: name.to_owned(),
            color: color.to_owned(),
            min_score,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    /// Likelihood levels, lowest first (level 1 is index 0).
    pub likelihood: Vec<Level>,
    /// Impact levels, lowest first.
    pub impact: Vec<Level>,
    /// Bands ordered by `min_score`, the first starting at 1.
    pub bands: Vec<Band>,
}

/// The built-in matrices a workshop can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Template {
    #[serde(rename = "5x5")]
    FiveByFive,
    #[serde(rename = "4x4")]
    FourByFour,
    #[serde(rename = "3x3")]
    ThreeByThree,
}

impl std::str::FromStr for Template {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "5x5" => Ok(Template::FiveByFive),
            "4x4" => Ok(Template::FourByFour),
            "3x3" => Ok(Template::ThreeByThree),
            other => Err(format!("unknown template '{other}': use 5x5, 4x4 or 3x3")),
        }
    }
}

/// A change the room places before the real ones, to agree what the levels mean (a calibration
/// change): well known, with little room for opinion, so a gap on it is about the words of the
/// levels rather than about the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReferenceChange {
    pub title: String,
    pub description: String,
}

impl ReferenceChange {
    fn new(title: &str, description: &str) -> Self {
        ReferenceChange {
            title: title.to_owned(),
            description: description.to_owned(),
        }
    }
}

impl Template {
    /// The reference changes this template suggests for the calibration round: one near the
    /// bottom of both axes, one high on impact, and on the larger grids one in the middle, so
    /// the room sees the levels' words tested at both ends.
    pub fn reference_changes(self) -> Vec<ReferenceChange> {
        let restart = ReferenceChange::new(
            "Restart one stateless web instance",
            "One of several instances behind the load balancer; the others carry the traffic \
             while it comes back.",
        );
        let drop_column = ReferenceChange::new(
            "Drop a column on the orders table in production",
            "The column is believed unused; there is no quick way to bring its data back.",
        );
        let pool = ReferenceChange::new(
            "Raise the database connection-pool limit in the service's config",
            "A one-line config change, rolled out to every instance at once.",
        );
        match self {
            Template::FiveByFive | Template::FourByFour => vec![restart, pool, drop_column],
            Template::ThreeByThree => vec![restart, drop_column],
        }
    }
}

const LOW: &str = "#7bc47f";
const MEDIUM: &str = "#f2d45c";
const HIGH: &str = "#f29f4c";
const CRITICAL: &str = "#e0605e";

/// Fewest and most levels an axis may have.
pub const MIN_LEVELS: usize = 3;
pub const MAX_LEVELS: usize = 7;

impl Matrix {
    pub fn from_template(template: Template) -> Matrix {
        match template {
            Template::FiveByFive => Matrix {
                likelihood: vec![
                    Level::new(
                        "Rare",
                        "Not expected to fail; has not failed like this before",
                        "A config change that is validated and linted before deploy",
                    )
                    .anchored("fewer than 1 in 100 such changes"),
                    Level::new(
                        "Unlikely",
                        "Could fail, but only in unusual conditions",
                        "A dependency bump with a green test suite",
                    )
                    .anchored("about 1 in 50 such changes"),
                    Level::new(
                        "Possible",
                        "Might fail; similar changes sometimes have",
                        "A schema migration on a busy table",
                    )
                    .anchored("about 1 in 20 such changes"),
                    Level::new(
                        "Likely",
                        "Will probably fail in some way",
                        "A first-time change to an unfamiliar system",
                    )
                    .anchored("about 1 in 10 such changes"),
                    Level::new(
                        "Almost certain",
                        "Expected to fail unless something is done",
                        "A big-bang cut-over with no rehearsal",
                    )
                    .anchored("1 in 3 such changes or more"),
                ],
                impact: vec![
                    Level::new(
                        "Negligible",
                        "No customer notices",
                        "A dashboard shows stale data for a minute",
                    )
                    .anchored("under 1 min, nobody notices"),
                    Level::new(
                        "Minor",
                        "A few customers notice; easy workaround",
                        "Search is slow for 5 minutes",
                    )
                    .anchored("a few customers, under 5 min"),
                    Level::new(
                        "Moderate",
                        "A feature is down for some customers",
                        "Login fails for one region for 10 minutes",
                    )
                    .anchored("a feature down 5–15 min"),
                    Level::new(
                        "Major",
                        "A core journey is down",
                        "Checkout down for more than 15 minutes",
                    )
                    .anchored("checkout down 15–60 min"),
                    Level::new(
                        "Severe",
                        "Data loss or a long outage of the whole service",
                        "Orders lost; service down for hours",
                    )
                    .anchored("data lost or down over 1 hour"),
                ],
                bands: vec![
                    Band::new("low", LOW, 1),
                    Band::new("medium", MEDIUM, 5),
                    Band::new("high", HIGH, 10),
                    Band::new("critical", CRITICAL, 17),
                ],
            },
            Template::FourByFour => Matrix {
                likelihood: vec![
                    Level::new(
                        "Unlikely",
                        "Not expected to fail",
                        "A validated config change",
                    )
                    .anchored("fewer than 1 in 100 such changes"),
                    Level::new(
                        "Possible",
                        "Could fail in unusual conditions",
                        "A dependency bump",
                    )
                    .anchored("about 1 in 30 such changes"),
                    Level::new(
                        "Likely",
                        "Similar changes often fail",
                        "A migration on a busy table",
                    )
                    .anchored("about 1 in 10 such changes"),
                    Level::new("Almost certain", "Expected to fail", "A big-bang cut-over")
                        .anchored("1 in 3 such changes or more"),
                ],
                impact: vec![
                    Level::new("Minor", "Few customers notice", "Search slow for 5 minutes")
                        .anchored("a few customers, under 5 min"),
                    Level::new(
                        "Moderate",
                        "A feature down for some",
                        "Login fails in one region",
                    )
                    .anchored("a feature down 5–15 min"),
                    Level::new("Major", "A core journey down", "Checkout down > 15 minutes")
                        .anchored("checkout down 15–60 min"),
                    Level::new("Severe", "Data loss or long outage", "Orders lost")
                        .anchored("data lost or down over 1 hour"),
                ],
                bands: vec![
                    Band::new("low", LOW, 1),
                    Band::new("medium", MEDIUM, 4),
                    Band::new("high", HIGH, 8),
                    Band::new("critical", CRITICAL, 12),
                ],
            },
            // The risk-storming grid: 1–2 low, 3–4 medium, 6–9 high.
            Template::ThreeByThree => Matrix {
                likelihood: vec![
                    Level::new("Low", "Unlikely to fail", "A validated config change")
                        .anchored("fewer than 1 in 50 such changes"),
                    Level::new("Medium", "Could fail", "A migration on a busy table")
                        .anchored("about 1 in 10 such changes"),
                    Level::new("High", "Likely to fail", "A big-bang cut-over")
                        .anchored("1 in 3 such changes or more"),
                ],
                impact: vec![
                    Level::new("Low", "Few notice", "Search slow for 5 minutes")
                        .anchored("a few customers, under 5 min"),
                    Level::new("Medium", "A feature down", "Login fails in one region")
                        .anchored("a feature down 5–60 min"),
                    Level::new(
                        "High",
                        "A core journey down or data lost",
                        "Checkout down > 15 minutes",
                    )
                    .anchored("core journey down 15+ min or data lost"),
                ],
                bands: vec![
                    Band::new("low", LOW, 1),
                    Band::new("medium", MEDIUM, 3),
                    Band::new("high", HIGH, 6),
                ],
            },
        }
    }

    pub fn levels(&self, axis: Axis) -> &[Level] {
        match axis {
            Axis::Likelihood => &self.likelihood,
            Axis::Impact => &self.impact,
        }
    }

    /// The number of levels on an axis, as the highest valid level.
    pub fn max_level(&self, axis: Axis) -> u8 {
        // Validation keeps every axis at MAX_LEVELS or fewer, so this never truncates.
        u8::try_from(self.levels(axis).len()).unwrap_or(u8::MAX)
    }

    pub fn contains(&self, cell: Cell) -> bool {
        (1..=self.max_level(Axis::Likelihood)).contains(&cell.likelihood)
            && (1..=self.max_level(Axis::Impact)).contains(&cell.impact)
    }

    /// The band a score falls in: the last band whose `min_score` is at most the score.
    pub fn band_for(&self, score: u32) -> Option<&Band> {
        self.bands.iter().rev().find(|b| b.min_score <= score)
    }

    pub fn band_of(&self, cell: Cell) -> Option<&Band> {
        self.band_for(cell.score())
    }

    /// The built-in template nearest this matrix in size, by its shorter axis: a custom 3×5
    /// grid has the few words of a 3×3 one on that axis, a 6×7 one the room of a 5×5.
    pub fn nearest_template(&self) -> Template {
        match self.likelihood.len().min(self.impact.len()) {
            ..=3 => Template::ThreeByThree,
            4 => Template::FourByFour,
            _ => Template::FiveByFive,
        }
    }

    /// The reference changes suggested for this matrix's calibration round: its nearest
    /// template's.
    pub fn reference_changes(&self) -> Vec<ReferenceChange> {
        self.nearest_template().reference_changes()
    }

    pub fn level(&self, axis: Axis, level: u8) -> Option<&Level> {
        usize::from(level)
            .checked_sub(1)
            .and_then(|i| self.levels(axis).get(i))
    }
}

impl Default for Matrix {
    fn default() -> Self {
        Matrix::from_template(Template::FiveByFive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_by_five_bands_cover_every_score() {
        let m = Matrix::default();
        assert_eq!(
            m.band_of(Cell::new(1, 1)).map(|b| b.name.as_str()),
            Some("low")
        );
        assert_eq!(
            m.band_of(Cell::new(1, 4)).map(|b| b.name.as_str()),
            Some("low")
        );
        assert_eq!(
            m.band_of(Cell::new(1, 5)).map(|b| b.name.as_str()),
            Some("medium")
        );
        assert_eq!(
            m.band_of(Cell::new(3, 3)).map(|b| b.name.as_str()),
            Some("medium")
        );
        assert_eq!(
            m.band_of(Cell::new(2, 5)).map(|b| b.name.as_str()),
            Some("high")
        );
        assert_eq!(
            m.band_of(Cell::new(4, 4)).map(|b| b.name.as_str()),
            Some("high")
        );
        assert_eq!(
            m.band_of(Cell::new(4, 5)).map(|b| b.name.as_str()),
            Some("critical")
        );
        assert_eq!(
            m.band_of(Cell::new(5, 5)).map(|b| b.name.as_str()),
            Some("critical")
        );
    }

    #[test]
    fn risk_storming_grid_matches_its_definition() {
        let m = Matrix::from_template(Template::ThreeByThree);
        let band = |l, i| m.band_of(Cell::new(l, i)).map(|b| b.name.clone());
        assert_eq!(band(1, 2).as_deref(), Some("low"));
        assert_eq!(band(1, 3).as_deref(), Some("medium"));
        assert_eq!(band(2, 2).as_deref(), Some("medium"));
        assert_eq!(band(2, 3).as_deref(), Some("high"));
        assert_eq!(band(3, 3).as_deref(), Some("high"));
    }

    #[test]
    fn a_matrix_suggests_the_reference_changes_of_the_template_nearest_its_size() {
        for template in [
            Template::FiveByFive,
            Template::FourByFour,
            Template::ThreeByThree,
        ] {
            let m = Matrix::from_template(template);
            assert_eq!(m.nearest_template(), template);
            assert_eq!(m.reference_changes(), template.reference_changes());
        }
        // A custom grid goes by its shorter axis.
        let mut m = Matrix::from_template(Template::FiveByFive);
        m.impact.truncate(3);
        assert_eq!(m.nearest_template(), Template::ThreeByThree);
        let mut m = Matrix::from_template(Template::FiveByFive);
        m.likelihood.push(Level::new("Certain", "", ""));
        m.impact.push(Level::new("Fatal", "", ""));
        m.impact.push(Level::new("Worse", "", ""));
        assert_eq!(m.nearest_template(), Template::FiveByFive);
        let mut m = Matrix::from_template(Template::FiveByFive);
        m.likelihood.pop();
        assert_eq!(m.nearest_template(), Template::FourByFour);
    }

    #[test]
    fn contains_checks_both_axes() {
        let m = Matrix::from_template(Template::FourByFour);
        assert!(m.contains(Cell::new(4, 4)));
        assert!(!m.contains(Cell::new(5, 1)));
        assert!(!m.contains(Cell::new(0, 1)));
        assert!(!m.contains(Cell::new(1, 5)));
    }

    #[test]
    fn every_template_is_a_valid_matrix_of_its_size() {
        for (template, n) in [
            (Template::FiveByFive, 5),
            (Template::FourByFour, 4),
            (Template::ThreeByThree, 3),
        ] {
            let m = Matrix::from_template(template);
            crate::validate::check_matrix(&m).unwrap();
            assert!(
                m.likelihood
                    .iter()
                    .chain(&m.impact)
                    .all(|l| !l.anchor.is_empty()),
                "every built-in level has a numeric anchor"
            );
            let references = template.reference_changes();
            assert!((2..=3).contains(&references.len()));
            for r in &references {
                crate::validate::check_short_text("title", &r.title, true).unwrap();
                crate::validate::check_long_text("description", &r.description).unwrap();
            }
            assert_eq!((m.likelihood.len(), m.impact.len()), (n, n));
            assert!(m
                .likelihood
                .iter()
                .chain(&m.impact)
                .all(|l| !l.definition.is_empty() && !l.example.is_empty()));
            let name: String = serde_json::to_value(template)
                .unwrap()
                .as_str()
                .unwrap()
                .into();
            assert_eq!(name.parse::<Template>(), Ok(template));
        }
        assert_eq!(
            Matrix::default(),
            Matrix::from_template(Template::FiveByFive)
        );
    }
}
