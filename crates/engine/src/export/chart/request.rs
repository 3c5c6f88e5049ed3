//! Which chart a person asked for, resolved against a workshop: the one place that decides which
//! charts show one perspective or two, what is drawn when nothing more is said, and which requests
//! are refused (a perspective the workshop does not have, the same perspective on both sides of a
//! comparison, perspectives a chart does not show). The app's Export dialog and `parallax-cli
//! export` both send a [`ChartRequest`] and neither resolves anything itself. It only reads the
//! workshop; it never draws.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::gaps::analysis_error;
use super::Chart;
use crate::analysis::{find_perspective, resolve_pair, AnalysisOptions};
use crate::export::ExportError;
use crate::Workshop;

/// The kinds of chart, as the app and the command line name them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One perspective's placements as cards on the matrix.
    Matrix,
    /// Two perspectives' placements as markers, an arrow from one to the other. The default for
    /// the app and the command line alike: a facilitator exports a chart to put the room's
    /// disagreement on a slide for people who were not there, and the overlay of the first two
    /// perspectives shows both placements of every change and how far apart they are in one
    /// picture, where one perspective's matrix shows half of it.
    #[default]
    Overlay,
    /// Per change, the likelihood gap beside the impact gap of two perspectives.
    Gaps,
    /// Each change at its impact and likelihood gap between two perspectives, the quadrants
    /// named in words. Spelt with a hyphen, as on the command line.
    #[serde(rename = "gap-map")]
    GapMap,
    /// The consensus placements as cards on the matrix.
    Consensus,
    /// An arrow from each change's inherent cell to its residual cell.
    Residual,
    /// Per perspective, how many mitigations it proposed that lower likelihood and impact.
    /// Spelt with a hyphen, as on the command line.
    #[serde(rename = "mitigation-mix")]
    MitigationMix,
}

impl ChartKind {
    /// Every kind, in the order the app lists them.
    pub const ALL: [ChartKind; 7] = [
        ChartKind::Overlay,
        ChartKind::Gaps,
        ChartKind::GapMap,
        ChartKind::Matrix,
        ChartKind::Consensus,
        ChartKind::Residual,
        ChartKind::MitigationMix,
    ];

    /// The name the app, the command line and file names use (as serialised).
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Matrix => "matrix",
            ChartKind::Overlay => "overlay",
            ChartKind::Gaps => "gaps",
            ChartKind::GapMap => "gap-map",
            ChartKind::Consensus => "consensus",
            ChartKind::Residual => "residual",
            ChartKind::MitigationMix => "mitigation-mix",
        }
    }

    /// How many perspectives the chart shows: none (consensus, residual: the room's cells; the
    /// mitigation mix: every perspective),
    /// one (the matrix), or two (overlay, gaps and the gap map: from, then to).
    pub fn perspectives(self) -> usize {
        match self {
            ChartKind::Consensus | ChartKind::Residual | ChartKind::MitigationMix => 0,
            ChartKind::Matrix => 1,
            ChartKind::Overlay | ChartKind::Gaps | ChartKind::GapMap => 2,
        }
    }
}

impl std::fmt::Display for ChartKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ChartKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChartKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ChartKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "no chart is called {s:?}; the charts are {}",
                    names.join(", ")
                )
            })
    }
}

/// A chart as a person asks for it: its kind and the perspectives it shows, by id or by name
/// (ignoring case), as `analysis::find_perspective` finds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChartRequest {
    pub kind: ChartKind,
    /// As many as the kind shows, or fewer: the matrix takes one (default: the first
    /// perspective); overlay, gaps and the gap map take from, then to (default: the first two; with `from`
    /// alone, `to` is the first other perspective, as in the analysis); consensus and residual
    /// take none.
    pub perspectives: Vec<String>,
}

impl ChartRequest {
    /// The default chart of `kind`, with the default perspectives.
    pub fn of(kind: ChartKind) -> ChartRequest {
        ChartRequest {
            kind,
            perspectives: Vec::new(),
        }
    }

    /// The chart this request names in `w`, or why it cannot be drawn: more perspectives than
    /// the kind shows, a perspective `w` does not have (naming the ones it has), the same
    /// perspective on both sides, or too few perspectives in `w` for the kind.
    pub fn resolve(&self, w: &Workshop) -> Result<Chart, ExportError> {
        let names = &self.perspectives;
        let kind = self.kind;
        if names.len() > kind.perspectives() {
            let shows = match kind.perspectives() {
                0 if kind == ChartKind::MitigationMix => {
                    "shows every perspective side by side: give none"
                }
                0 => "shows the room's cells, not a perspective: give none",
                1 => "shows one perspective: give one",
                _ => "compares two perspectives: give two (from, then to), one, or none",
            };
            return Err(ExportError::NotApplicable(format!(
                "the {kind} chart {shows}, not {} ({})",
                names.len(),
                names.join(", ")
            )));
        }
        Ok(match kind {
            ChartKind::Matrix => {
                let perspective = match names.first() {
                    Some(name) => find_perspective(w, name).map_err(analysis_error)?,
                    None => w.perspectives.first().ok_or_else(|| {
                        ExportError::NotApplicable("the workshop has no perspective".into())
                    })?,
                };
                Chart::Matrix {
                    perspective: perspective.id.clone(),
                }
            }
            ChartKind::Overlay | ChartKind::Gaps | ChartKind::GapMap => {
                let options = AnalysisOptions {
                    from: names.first().cloned(),
                    to: names.get(1).cloned(),
                    ..AnalysisOptions::default()
                };
                let (from, to) = resolve_pair(w, &options).map_err(analysis_error)?;
                let (from, to) = (from.id.clone(), to.id.clone());
                match kind {
                    ChartKind::Overlay => Chart::Overlay { from, to },
                    ChartKind::Gaps => Chart::Gaps { from, to },
                    _ => Chart::GapMap { from, to },
                }
            }
            ChartKind::Consensus => Chart::Consensus,
            ChartKind::Residual => Chart::Residual,
            ChartKind::MitigationMix => Chart::MitigationMix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Matrix, Perspective, PerspectiveId};

    /// Dev, Ops and Security, in that order.
    fn three() -> Workshop {
        let mut w = Workshop::new("Three", Matrix::default());
        w.perspectives.push(Perspective {
            id: PerspectiveId::new("sec"),
            name: "Security".into(),
            color: "#aa3377".into(),
        });
        w
    }

    fn ask(kind: ChartKind, names: &[&str]) -> ChartRequest {
        ChartRequest {
            kind,
            perspectives: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn id(s: &str) -> PerspectiveId {
        PerspectiveId::new(s)
    }

    #[test]
    fn the_default_is_the_overlay_of_the_first_two_perspectives() {
        let w = three();
        assert_eq!(w.perspectives[0].id, id("dev"));
        assert_eq!(
            ChartRequest::default().resolve(&w).unwrap(),
            Chart::Overlay {
                from: id("dev"),
                to: id("ops")
            }
        );
    }

    #[test]
    fn each_kind_shows_none_one_or_two_perspectives() {
        let shows = |k: ChartKind| k.perspectives();
        assert_eq!(shows(ChartKind::Consensus), 0);
        assert_eq!(shows(ChartKind::Residual), 0);
        assert_eq!(shows(ChartKind::Matrix), 1);
        assert_eq!(shows(ChartKind::Overlay), 2);
        assert_eq!(shows(ChartKind::Gaps), 2);
        assert_eq!(shows(ChartKind::GapMap), 2);
        let w = three();
        assert_eq!(
            ChartRequest::of(ChartKind::Matrix).resolve(&w).unwrap(),
            Chart::Matrix {
                perspective: id("dev")
            }
        );
        assert_eq!(
            ChartRequest::of(ChartKind::Gaps).resolve(&w).unwrap(),
            Chart::Gaps {
                from: id("dev"),
                to: id("ops")
            }
        );
        assert_eq!(
            ask(ChartKind::GapMap, &["Security", "Ops"])
                .resolve(&w)
                .unwrap(),
            Chart::GapMap {
                from: id("sec"),
                to: id("ops")
            }
        );
        assert_eq!(
            ChartRequest::of(ChartKind::Consensus).resolve(&w).unwrap(),
            Chart::Consensus
        );
        assert_eq!(
            ChartRequest::of(ChartKind::Residual).resolve(&w).unwrap(),
            Chart::Residual
        );
        assert_eq!(shows(ChartKind::MitigationMix), 0);
        assert_eq!(
            ChartRequest::of(ChartKind::MitigationMix)
                .resolve(&w)
                .unwrap(),
            Chart::MitigationMix
        );
    }

    #[test]
    fn perspectives_are_found_by_id_or_by_name_ignoring_case() {
        let w = three();
        assert_eq!(
            ask(ChartKind::Matrix, &["sec"]).resolve(&w).unwrap(),
            Chart::Matrix {
                perspective: id("sec")
            }
        );
        assert_eq!(
            ask(ChartKind::Overlay, &[" security ", "DEV"])
                .resolve(&w)
                .unwrap(),
            Chart::Overlay {
                from: id("sec"),
                to: id("dev")
            }
        );
    }

    #[test]
    fn from_alone_is_compared_with_the_first_other_perspective() {
        let w = three();
        assert_eq!(
            ask(ChartKind::Gaps, &["Ops"]).resolve(&w).unwrap(),
            Chart::Gaps {
                from: id("ops"),
                to: id("dev")
            }
        );
        assert_eq!(
            ask(ChartKind::Overlay, &["dev"]).resolve(&w).unwrap(),
            Chart::Overlay {
                from: id("dev"),
                to: id("ops")
            }
        );
    }

    #[test]
    fn the_same_perspective_twice_is_refused() {
        let w = three();
        for kind in [ChartKind::Overlay, ChartKind::Gaps, ChartKind::GapMap] {
            let err = ask(kind, &["Dev", "dev"]).resolve(&w).unwrap_err();
            assert_eq!(
                err.to_string(),
                "cannot compare \"Dev\" with itself: choose two different perspectives"
            );
        }
    }

    #[test]
    fn an_unknown_perspective_is_named_with_the_ones_that_exist() {
        let w = three();
        for request in [
            ask(ChartKind::Matrix, &["Finance"]),
            ask(ChartKind::Overlay, &["Dev", "Finance"]),
            ask(ChartKind::Gaps, &["Finance"]),
        ] {
            let err = request.resolve(&w).unwrap_err();
            assert!(
                matches!(&err, ExportError::UnknownPerspective { name, .. } if name == "Finance"),
                "{err:?}"
            );
            assert_eq!(
                err.to_string(),
                "no perspective is called \"Finance\"; the workshop has Dev, Ops, Security"
            );
        }
    }

    #[test]
    fn more_perspectives_than_the_chart_shows_are_refused() {
        let w = three();
        let cases = [
            (
                ask(ChartKind::Consensus, &["Dev"]),
                "give none, not 1 (Dev)",
            ),
            (
                ask(ChartKind::Residual, &["Dev", "Ops"]),
                "give none, not 2",
            ),
            (ask(ChartKind::Matrix, &["Dev", "Ops"]), "give one, not 2"),
            (
                ask(ChartKind::Overlay, &["Dev", "Ops", "Security"]),
                "give two (from, then to), one, or none, not 3",
            ),
        ];
        for (request, says) in cases {
            let err = request.resolve(&w).unwrap_err();
            assert!(matches!(err, ExportError::NotApplicable(_)), "{err:?}");
            assert!(err.to_string().contains(says), "{request:?}: {err}");
        }
    }

    #[test]
    fn too_few_perspectives_in_the_workshop_are_refused() {
        let mut w = three();
        w.perspectives.truncate(1);
        let err = ChartRequest::of(ChartKind::Overlay)
            .resolve(&w)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the workshop has 1 perspective(s); comparing needs at least two"
        );
        // A matrix of the one perspective is still fine.
        assert!(ChartRequest::of(ChartKind::Matrix).resolve(&w).is_ok());
        w.perspectives.clear();
        assert_eq!(
            ChartRequest::of(ChartKind::Matrix)
                .resolve(&w)
                .unwrap_err()
                .to_string(),
            "the workshop has no perspective"
        );
    }

    #[test]
    fn names_match_the_serialised_form_and_parse_back() {
        for kind in ChartKind::ALL {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.name())
            );
            assert_eq!(kind.name().parse::<ChartKind>(), Ok(kind));
        }
        assert!("pie".parse::<ChartKind>().unwrap_err().contains("\"pie\""));
    }
}
