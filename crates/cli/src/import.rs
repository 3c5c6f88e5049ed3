//! `parallax-cli import CHANGES.csv --out FILE.parallax [--template 5x5|4x4|3x3] [--title T]
//! [--force]`: builds a workshop from a CSV of changes (the rules are in the engine's `import`
//! module) and writes it through the engine's durable save. It never overwrites an existing file
//! without `--force`, never overwrites the CSV it reads, and never writes anything when the CSV
//! has a problem.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use parallax_engine::import::{import_csv, ImportOptions, MAX_CSV_BYTES};
use parallax_engine::{store, Millis, Template};

#[derive(clap::Args)]
pub struct Args {
    /// The CSV of changes (UTF-8, comma-separated, with a header row).
    ///
    /// Columns (header names ignore case and surrounding spaces): `title` (required),
    /// `description`, `type` (standard, normal or emergency), `ticket`, `tags` (separated by `;`
    /// or `,`), and for each perspective P the pair `P likelihood` and `P impact`: a level
    /// number or label, both empty for "not placed". Perspectives are created in the order of
    /// their columns (Dev and Ops when there are none). Other columns are ignored and listed.
    pub csv: PathBuf,
    /// Where to write the new workshop.
    #[arg(long)]
    pub out: PathBuf,
    /// The matrix to start from.
    #[arg(long, default_value = "5x5", value_parser = parse_template)]
    pub template: Template,
    /// The workshop's title (default: the CSV's file name without its extension).
    #[arg(long)]
    pub title: Option<String>,
    /// Replace FILE.parallax if it exists.
    #[arg(long)]
    pub force: bool,
}

fn parse_template(s: &str) -> Result<Template, String> {
    s.parse()
}

fn now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX))
        .unwrap_or(0)
}

fn read_csv(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so that the engine sees (and names) a file that is too big.
    let limit = u64::try_from(MAX_CSV_BYTES).unwrap_or(u64::MAX);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: cannot read: {e}"))?;
    Ok(bytes)
}

/// True when both paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub fn run(args: &Args) -> Result<String, String> {
    let out = &args.out;
    if same_file(&args.csv, out) {
        return Err(format!(
            "{}: --out names the CSV being imported; choose another file",
            out.display()
        ));
    }
    // symlink_metadata: a dangling link is still something that would be replaced.
    if !args.force && std::fs::symlink_metadata(out).is_ok() {
        return Err(format!(
            "{} already exists; add --force to replace it",
            out.display()
        ));
    }
    let bytes = read_csv(&args.csv)?;
    let title = match &args.title {
        Some(t) => t.clone(),
        None => args
            .csv
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let imported = import_csv(
        &bytes,
        &ImportOptions {
            title,
            template: args.template,
            now: now(),
        },
    )
    .map_err(|e| format!("{}: {e}", args.csv.display()))?;
    store::save_path(out, &imported.workshop).map_err(|e| e.to_string())?;

    let w = &imported.workshop;
    let names: Vec<&str> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
    let placements = imported.placements();
    let mut line = format!(
        "{}: imported {} change{}, {} perspectives ({}) and {} placement{} on a {}×{} matrix",
        out.display(),
        w.changes.len(),
        if w.changes.len() == 1 { "" } else { "s" },
        names.len(),
        names.join(", "),
        placements,
        if placements == 1 { "" } else { "s" },
        w.matrix.likelihood.len(),
        w.matrix.impact.len(),
    );
    if !imported.ignored_columns.is_empty() {
        let ignored: Vec<String> = imported
            .ignored_columns
            .iter()
            .map(|c| format!("{c:?}"))
            .collect();
        line.push_str(&format!("; ignored columns: {}", ignored.join(", ")));
    }
    Ok(line)
}
