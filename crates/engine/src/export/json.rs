//! The workshop as JSON for other tools: the model exactly as a `.parallax` file holds it, plus
//! the analysis of the first two perspectives (what `parallax-cli summary --json` prints), or the
//! reason there is none. It must never drop or rename a field of the model.

use serde::Serialize;

use super::ExportError;
use crate::analysis::{analyse_whole, AnalysisOptions};
use crate::Workshop;

pub const FORMAT: &str = "parallax-export";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct ExportOut<'a> {
    format: &'static str,
    schema_version: u32,
    workshop: &'a Workshop,
    /// Kept as a `serde_json::Value`, whose maps sort their keys: the export has always listed
    /// the analysis' fields alphabetically, and embedding the typed value would reorder them.
    analysis: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis_unavailable: Option<String>,
}

/// Pretty JSON text ending in a newline.
pub fn to_json(w: &Workshop) -> Result<String, ExportError> {
    let (analysis, analysis_unavailable) = match analyse_whole(w, &AnalysisOptions::default()) {
        Ok(a) => (
            Some(serde_json::to_value(&a).map_err(|e| ExportError::Encode(format!("json: {e}")))?),
            None,
        ),
        Err(e) => (None, Some(e.to_string())),
    };
    let out = ExportOut {
        format: FORMAT,
        schema_version: SCHEMA_VERSION,
        workshop: w,
        analysis,
        analysis_unavailable,
    };
    let mut text = serde_json::to_string_pretty(&out)
        .map_err(|e| ExportError::Encode(format!("json: {e}")))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_round_trips_and_the_analysis_is_there() {
        let w = crate::export::chart::tests::placed(5, 9);
        let text = to_json(&w).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["format"], FORMAT);
        let back: Workshop = serde_json::from_value(v["workshop"].clone()).unwrap();
        assert_eq!(back, w);
        assert_eq!(v["analysis"]["pair"]["from"], "Dev");
        assert_eq!(v["analysis"]["changes"].as_array().map(Vec::len), Some(5));
        assert!(v["analysis"]["summary"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
    }
}
