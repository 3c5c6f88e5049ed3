//! `parallax-cli import CHANGES.csv --out FILE.parallax [--template 5x5|4x4|3x3] [--title T]
//! [--column "Summary=title"]… [--delimiter comma|semicolon|tab] [--encoding E] [--force]`:
//! builds a workshop from a CSV of changes (the rules, recognition and warnings are the
//! engine's `import` module; docs/import.md) and writes it through the engine's durable save.
//! It prints the mapping it used and every warning, never overwrites an existing file without
//! `--force`, never overwrites the CSV it reads, and never writes anything when the CSV has a
//! problem.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use parallax_engine::import::{
    import_csv, preview, read_csv_file, ColumnRole, Delimiter, ImportOptions, ImportPreview,
    ImportSettings, TextEncoding,
};
use parallax_engine::{store, Millis, Template};

#[derive(clap::Args)]
pub struct Args {
    /// The CSV of changes, with a header row: a Jira or ServiceNow export, or Parallax's own
    /// columns.
    ///
    /// Recognised: Parallax's `title`, `description`, `type` (standard, normal or emergency),
    /// `ticket`, `tags` and per perspective P `P likelihood` and `P impact`; Jira's Summary,
    /// Issue key, Issue Type, Labels, Component/s and Description; ServiceNow's
    /// short_description, number, type and description. Other columns are ignored; the
    /// mapping used is printed.
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
    /// What a column becomes, by its header name: "Summary=title", "Risk=Ops impact",
    /// "Labels=ignored". Roles: title, description, type, ticket, tags, ignored,
    /// "<perspective> likelihood", "<perspective> impact". Repeat for several columns.
    #[arg(long = "column", value_name = "HEADER=ROLE", value_parser = parse_column)]
    pub columns: Vec<(String, ColumnRole)>,
    /// The field separator (default: detected): comma, semicolon or tab.
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<Delimiter>,
    /// The text encoding (default: detected): utf-8, utf-16le, utf-16be or windows-1252.
    #[arg(long, value_parser = parse_encoding)]
    pub encoding: Option<TextEncoding>,
    /// Replace FILE.parallax if it exists.
    #[arg(long)]
    pub force: bool,
}

fn parse_template(s: &str) -> Result<Template, String> {
    s.parse()
}

fn parse_delimiter(s: &str) -> Result<Delimiter, String> {
    s.parse()
}

fn parse_encoding(s: &str) -> Result<TextEncoding, String> {
    s.parse()
}

fn parse_column(s: &str) -> Result<(String, ColumnRole), String> {
    let (header, role) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("'{s}': write HEADER=ROLE, e.g. \"Summary=title\""))?;
    Ok((header.trim().to_owned(), role.parse()?))
}

fn now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX))
        .unwrap_or(0)
}

/// True when both paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn same_name(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    words(a) == words(b)
}

/// The recognised roles with the `--column` overrides applied (every column of that name).
fn overridden(
    preview: &ImportPreview,
    columns: &[(String, ColumnRole)],
) -> Result<Vec<ColumnRole>, String> {
    let mut roles: Vec<ColumnRole> = preview.columns.iter().map(|c| c.role.clone()).collect();
    for (header, role) in columns {
        let mut found = false;
        for (i, c) in preview.columns.iter().enumerate() {
            if same_name(&c.header, header) {
                roles[i] = role.clone();
                found = true;
            }
        }
        if !found {
            let names: Vec<String> = preview
                .columns
                .iter()
                .map(|c| format!("{:?}", c.header))
                .collect();
            return Err(format!(
                "--column {header:?}: the file has no such column; it has {}",
                names.join(", ")
            ));
        }
    }
    Ok(roles)
}

/// How the file was read and what each column became, one line each, then the warnings.
fn describe(csv: &Path, p: &ImportPreview) -> String {
    let mut out = format!(
        "{}: read as {}, {}-separated; columns recognised as {}:\n",
        csv.display(),
        p.encoding.name(),
        p.delimiter.name(),
        p.source.name()
    );
    for c in &p.columns {
        out.push_str(&format!("  {:?} → {}\n", c.header, c.role));
    }
    for t in p.types.iter().filter(|t| !t.known) {
        out.push_str(&format!(
            "  type {:?} → {} ({} row{}; not a change type)\n",
            t.value,
            format!("{:?}", t.change_type).to_lowercase(),
            t.rows,
            if t.rows == 1 { "" } else { "s" }
        ));
    }
    for w in &p.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
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
    let bytes = read_csv_file(&args.csv).map_err(|e| e.to_string())?;
    let title = match &args.title {
        Some(t) => t.clone(),
        None => args
            .csv
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let in_csv = |e: parallax_engine::import::ImportError| format!("{}: {e}", args.csv.display());
    let mut options = ImportOptions {
        title,
        template: args.template,
        now: now(),
        settings: ImportSettings {
            delimiter: args.delimiter,
            encoding: args.encoding,
            ..ImportSettings::default()
        },
    };
    if !args.columns.is_empty() {
        let recognised = preview(&bytes, &options).map_err(in_csv)?;
        options.settings.columns = Some(overridden(&recognised, &args.columns)?);
    }
    let imported = import_csv(&bytes, &options).map_err(in_csv)?;
    store::save_path(out, &imported.workshop).map_err(|e| e.to_string())?;

    let w = &imported.workshop;
    let names: Vec<&str> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
    let placements = imported.placements();
    let mut text = describe(&args.csv, &imported.preview);
    text.push_str(&format!(
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
    ));
    let ignored = imported.ignored_columns();
    if !ignored.is_empty() {
        let ignored: Vec<String> = ignored.iter().map(|c| format!("{c:?}")).collect();
        text.push_str(&format!("; ignored columns: {}", ignored.join(", ")));
    }
    Ok(text)
}
