//! Importing changes from elsewhere (a CSV exported from Jira, ServiceNow or a spreadsheet) into
//! a new workshop, in two steps that read the file the same way: `preview` says what the file
//! holds and what each column would become, with warnings by line; `apply` builds the workshop
//! under the facilitator's final mapping. An import either succeeds whole or changes nothing,
//! and it never guesses at a level: a cell that is not one stops it with the line and column.
//!
//! The steps, one module each: `read` (path to bytes, bounded), `decode` (bytes to text),
//! `dialect` (delimiter, limits and quoting checked in one linear pass), `header` (what each
//! column means), `rows` (rows to changes), `warning` (what the preview says it cannot vouch
//! for). The rules for users are in docs/import.md.

mod decode;
mod dialect;
mod header;
mod read;
mod rows;
mod warning;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

pub use decode::TextEncoding;
pub use dialect::Delimiter;
pub use header::{ColumnRole, Source};
pub use read::read_csv_file;
pub use warning::ImportWarning;

use crate::validate::MAX_CHANGES;
use crate::{Change, ChangeType, Millis, Template, Workshop};
use header::normalize;
use rows::Row;
use warning::{Kind, Warnings};

/// Larger files are refused before they are parsed (the same bound as a workshop file).
pub const MAX_CSV_BYTES: usize = 32 * 1024 * 1024;
/// Jira exports every custom field as a column, and some instances have hundreds; more than
/// this is a wrong delimiter or not a table.
pub const MAX_COLUMNS: usize = 1000;
/// Rows of changes: as many as a workshop holds.
pub const MAX_ROWS: usize = MAX_CHANGES;
/// Sample values shown per column, and how many characters of each.
const SAMPLES: usize = 3;
const SAMPLE_CHARS: usize = 60;
/// Changes shown in the preview.
const FIRST: usize = 8;
/// Distinct `type` values listed for mapping; the rest read as normal, with a warning.
const MAX_TYPE_VALUES: usize = 50;

/// What the facilitator can decide about reading the file; `None` and empty mean "detect".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportSettings {
    #[ts(optional = nullable)]
    pub delimiter: Option<Delimiter>,
    #[ts(optional = nullable)]
    pub encoding: Option<TextEncoding>,
    /// A role for every column of the file, in file order; `None` recognises the header.
    #[ts(optional = nullable)]
    pub columns: Option<Vec<ColumnRole>>,
    /// What each `type` value becomes; a value not listed reads as itself when it is standard,
    /// normal or emergency, else as normal.
    #[serde(default)]
    pub types: Vec<TypeMapping>,
}

/// A value found in the `type` column and the change type it becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TypeMapping {
    pub value: String,
    pub change_type: ChangeType,
}

/// What the caller decides about the new workshop.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub title: String,
    pub template: Template,
    /// The time every imported placement is stamped with (the engine has no clock).
    pub now: Millis,
    pub settings: ImportSettings,
}

/// One column of the file as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreviewColumn {
    /// The header name as written (trimmed).
    pub header: String,
    /// The first few non-empty values, shortened.
    pub samples: Vec<String>,
    pub role: ColumnRole,
}

/// A distinct value of the `type` column, what it becomes, and whether it is a change type
/// already (standard, normal, emergency) or was mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TypeValue {
    pub value: String,
    pub change_type: ChangeType,
    pub known: bool,
    pub rows: u32,
}

/// A perspective the import creates, with how many changes it places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportedPerspective {
    pub name: String,
    pub placements: u32,
}

/// What importing the file would give, before anything changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    /// The new workshop's title.
    pub title: String,
    pub source: Source,
    pub delimiter: Delimiter,
    pub encoding: TextEncoding,
    /// Identifies the set of header names (a hash of them), to remember a mapping by.
    pub header_key: String,
    pub columns: Vec<PreviewColumn>,
    pub types: Vec<TypeValue>,
    pub warnings: Vec<ImportWarning>,
    /// Changes the import creates (0 when `problem` says why it cannot).
    pub changes: u32,
    pub perspectives: Vec<ImportedPerspective>,
    /// The first changes, in file order.
    pub first: Vec<Change>,
    /// Why the import cannot go ahead with this mapping, with the line and column.
    #[ts(optional = nullable)]
    pub problem: Option<String>,
}

/// A workshop built from a CSV, with the preview of how it was read.
#[derive(Debug, Clone)]
pub struct Imported {
    pub workshop: Workshop,
    pub preview: ImportPreview,
}

impl Imported {
    pub fn placements(&self) -> usize {
        self.workshop
            .changes
            .iter()
            .map(|c| c.placements.len())
            .sum()
    }

    /// Header names of the columns that were not read, as written.
    pub fn ignored_columns(&self) -> Vec<String> {
        self.preview
            .columns
            .iter()
            .filter(|c| c.role == ColumnRole::Ignored && !c.header.is_empty())
            .map(|c| c.header.clone())
            .collect()
    }
}

/// A problem at a line (1-based, where the record starts) and column (its header name) of the
/// CSV: `line 7, column "Ops impact": 9 is outside 1..=5`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub line: Option<u64>,
    pub column: Option<String>,
    pub problem: String,
}

impl ImportError {
    fn whole(problem: impl Into<String>) -> Self {
        ImportError {
            line: None,
            column: None,
            problem: problem.into(),
        }
    }

    fn at_line(line: u64, problem: impl Into<String>) -> Self {
        ImportError {
            line: Some(line),
            column: None,
            problem: problem.into(),
        }
    }

    fn at(line: u64, column: &str, problem: impl Into<String>) -> Self {
        ImportError {
            line: Some(line),
            column: Some(column.to_owned()),
            problem: problem.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, &self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column:?}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            (None, Some(column)) => write!(f, "column {column:?}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.problem)
    }
}

/// The preview of importing `bytes`; an error only when the file cannot be read as a table at
/// all (too large, no header, over a limit). A mapping that cannot make changes is the
/// preview's `problem`, so the facilitator can change it.
pub fn preview(bytes: &[u8], options: &ImportOptions) -> Result<ImportPreview, ImportError> {
    read(bytes, options).map(|(preview, _)| preview)
}

/// The workshop `bytes` make under the options' mapping.
pub fn apply(bytes: &[u8], options: &ImportOptions) -> Result<Workshop, ImportError> {
    read(bytes, options)?.1
}

/// Both: the workshop, and the preview that says how it was read (the CLI prints the mapping
/// and the warnings).
pub fn import_csv(bytes: &[u8], options: &ImportOptions) -> Result<Imported, ImportError> {
    let (preview, workshop) = read(bytes, options)?;
    Ok(Imported {
        workshop: workshop?,
        preview,
    })
}

type Reading = (ImportPreview, Result<Workshop, ImportError>);

fn read(bytes: &[u8], options: &ImportOptions) -> Result<Reading, ImportError> {
    if bytes.len() > MAX_CSV_BYTES {
        return Err(ImportError::whole(format!(
            "the file is {} bytes; Parallax imports CSV files of at most {MAX_CSV_BYTES} bytes",
            bytes.len()
        )));
    }
    let settings = &options.settings;
    let mut warnings = Warnings::default();
    let (text, encoding, had_errors) = decode::decode(bytes, settings.encoding);
    if had_errors {
        warnings.push(
            Kind::Other,
            None,
            format!(
                "some bytes are not valid {}; they read as \u{FFFD} (choose another encoding)",
                encoding.name()
            ),
        );
    }
    let delimiter = settings.delimiter.unwrap_or_else(|| dialect::detect(&text));
    // Limits and quoting first, in one pass, before the parser allocates anything per field.
    dialect::scan(&text, delimiter, &mut warnings)?;

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.byte())
        .from_reader(text.as_bytes());
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut rows: Vec<Row> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(&text);
    loop {
        let more = reader.read_record(&mut record).map_err(|e| ImportError {
            line: e.position().map(|p| p.line()),
            column: None,
            problem: format!("cannot read the CSV: {e}"),
        })?;
        if !more {
            break;
        }
        let line = lines.at(record.position().map_or(0, |p| p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        match &header {
            None => header = Some((line, cells.iter().map(|c| c.trim().to_owned()).collect())),
            Some((_, names)) => {
                field_count(line, &cells, names.len(), &mut warnings);
                rows.push(Row { line, cells });
            }
        }
    }
    let Some((header_line, names)) = header else {
        return Err(ImportError::whole(
            "the file has no header row; the first row names the columns (for example \
             \"title\", or Jira's \"Summary\")",
        ));
    };

    let (source, recognised) = header::recognise(header_line, &names, &mut warnings);
    let roles = match &settings.columns {
        None => recognised,
        Some(columns) if columns.len() == names.len() => columns.clone(),
        Some(columns) => {
            return Err(ImportError::whole(format!(
                "the mapping has {} columns and the file {}; preview the file again",
                columns.len(),
                names.len()
            )))
        }
    };
    let plan = header::plan(header_line, &names, &roles);
    let type_col = plan.as_ref().ok().and_then(|p| p.kind);
    let (types, type_map) = type_values(&rows, type_col, &settings.types, &mut warnings);
    let workshop = plan.and_then(|plan| rows::build(&rows, &names, &plan, &type_map, options));

    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let (changes, perspectives, first) = match &workshop {
        Ok(w) => (
            count(w.changes.len()),
            w.perspectives
                .iter()
                .map(|p| ImportedPerspective {
                    name: p.name.clone(),
                    placements: count(
                        w.changes
                            .iter()
                            .filter(|c| c.placements.contains_key(&p.id))
                            .count(),
                    ),
                })
                .collect(),
            w.changes.iter().take(FIRST).cloned().collect(),
        ),
        Err(_) => (0, Vec::new(), Vec::new()),
    };
    let columns = names
        .iter()
        .zip(roles)
        .enumerate()
        .map(|(col, (name, role))| PreviewColumn {
            header: name.clone(),
            samples: samples(&rows, col),
            role,
        })
        .collect();
    let preview = ImportPreview {
        title: options.title.clone(),
        source,
        delimiter,
        encoding,
        header_key: header_key(&names),
        columns,
        types,
        warnings: warnings.finish(),
        changes,
        perspectives,
        first,
        problem: workshop.as_ref().err().map(ToString::to_string),
    };
    Ok((preview, workshop))
}

/// Line numbers from the csv crate's byte positions: its own line count is one short after
/// each CRLF, and its byte position of a record after a CRLF can point into the line break. Records come
/// in order, so counting from the last one keeps this linear.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // No record starts with a line break (empty lines are skipped), so any here belong
        // to the line before.
        while matches!(self.text.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte > self.byte {
            let breaks = self.text[self.byte..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += breaks as u64;
            self.byte = byte;
        }
        self.line
    }
}

/// A row whose field count differs from the header's: fewer read as empty, more are not read.
fn field_count(line: u64, cells: &[String], width: usize, warnings: &mut Warnings) {
    // Spreadsheets pad rows with empty cells; only cells with something in them count.
    let used = cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1);
    if used > width {
        warnings.push(
            Kind::FieldCount,
            Some(line),
            format!(
                "{} fields where the header has {width}; the fields past column {width} are not \
                 read",
                cells.len()
            ),
        );
    } else if cells.len() < width {
        warnings.push(
            Kind::FieldCount,
            Some(line),
            format!(
                "{} fields where the header has {width}; the missing ones read as empty",
                cells.len()
            ),
        );
    }
}

/// The distinct values of the type column and what each becomes, and the lookup the rows use.
fn type_values(
    rows: &[Row],
    col: Option<usize>,
    chosen: &[TypeMapping],
    warnings: &mut Warnings,
) -> (Vec<TypeValue>, HashMap<String, ChangeType>) {
    let map: HashMap<String, ChangeType> = chosen
        .iter()
        .map(|m| (normalize(&m.value), m.change_type))
        .collect();
    let Some(col) = col else {
        return (Vec::new(), map);
    };
    let mut values: Vec<TypeValue> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut unlisted = 0usize;
    for row in rows {
        let text = row.cell(col);
        if text.is_empty() {
            continue;
        }
        let key = normalize(text);
        match index.get(&key) {
            Some(&i) => values[i].rows += 1,
            None if values.len() < MAX_TYPE_VALUES => {
                index.insert(key, values.len());
                values.push(TypeValue {
                    value: text.to_owned(),
                    change_type: rows::type_of(text, &map),
                    known: text.parse::<ChangeType>().is_ok(),
                    rows: 1,
                });
            }
            None => unlisted += 1,
        }
    }
    if unlisted > 0 {
        warnings.push(
            Kind::Other,
            None,
            format!(
                "the type column has more than {MAX_TYPE_VALUES} different values; {unlisted} \
                 rows with the others read as their own type or normal"
            ),
        );
    }
    (values, map)
}

fn samples(rows: &[Row], col: usize) -> Vec<String> {
    rows.iter()
        .map(|r| r.cell(col))
        .filter(|t| !t.is_empty())
        .take(SAMPLES)
        .map(|t| {
            let mut chars = t.chars();
            let short: String = chars.by_ref().take(SAMPLE_CHARS).collect();
            if chars.next().is_some() {
                format!("{short}…")
            } else {
                short
            }
        })
        .collect()
}

/// The same for the same header names whatever their case and spacing.
fn header_key(names: &[String]) -> String {
    let mut hash = Sha256::new();
    for name in names {
        hash.update(normalize(name).as_bytes());
        hash.update([0x1f]);
    }
    hash.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;
