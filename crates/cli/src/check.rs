//! `parallax-cli check FILE`: one line about a valid workshop, or `FILE: <json path>: <problem>`.
//! It only reads the file (through the engine's loader, which opens it read-only and never
//! writes), and whatever the bytes are it answers with exit 0 or 1, never a panic.

use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The .parallax file to check.
    pub file: PathBuf,
}

pub fn run(args: &Args) -> Result<String, String> {
    let path = &args.file;
    let loaded = parallax_engine::store::load_path(path)
        .map_err(|e| parallax_engine::store::explain_failure(path, &e))?;
    let w = &loaded.workshop;
    let placed: usize = w.changes.iter().map(|c| c.placements.len()).sum();
    let mut line = format!(
        "{}: valid — \"{}\", {} changes, {} perspectives, {} placements, {}×{} matrix",
        path.display(),
        w.title,
        w.changes.len(),
        w.perspectives.len(),
        placed,
        w.matrix.likelihood.len(),
        w.matrix.impact.len()
    );
    if let Some(old) = loaded.migrated_from {
        line.push_str(&format!(
            " (file format {old}; Parallax would save it as format {})",
            parallax_engine::store::SCHEMA_VERSION
        ));
    }
    if let Some(why) = loaded.read_only {
        line.push_str(&format!(" (read-only: {why})"));
    }
    Ok(line)
}
