//! Why an export failed, in one type every part of the export returns. It sits at the bottom of
//! the export's modules (it knows none of them) so that the painters and writers below the charts
//! never have to reach up to `export/mod.rs` for it.

/// Why an export failed. Bad requests (an unknown perspective, a chart that does not apply) are
/// the user's to fix; the others are bugs or the disk's doing.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A perspective the request names is not in the workshop; `known` lists the ones that are.
    #[error("no perspective is called {name:?}; the workshop has {known}")]
    UnknownPerspective { name: String, known: String },
    #[error("{0}")]
    NotApplicable(String),
    /// A template that cannot be used: not a presentation, encrypted, too large, no layout.
    #[error("the template {path} cannot be used: it {problem}")]
    Template { path: String, problem: String },
    #[error("chart layout failed: {0}")]
    Layout(String),
    #[error("drawing the chart failed: {0}")]
    Render(String),
    #[error("encoding failed: {0}")]
    Encode(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
