//! parallax-cli: Parallax without a window, over the same engine as the app.
//! Exit codes: 0 success, 1 bad input (message on stderr). It must never panic on any input and
//! never modify a file it only reads.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: parallax-cli check FILE";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args {
        [cmd, file] if cmd == "check" => check(Path::new(file)),
        _ => Err(USAGE.to_owned()),
    }
}

/// One line about a valid workshop, or `FILE: <json path>: <problem>`.
fn check(path: &Path) -> Result<String, String> {
    let loaded =
        parallax_engine::store::load_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
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
    if let Some(why) = loaded.read_only {
        line.push_str(&format!(" (read-only: {why})"));
    }
    Ok(line)
}
