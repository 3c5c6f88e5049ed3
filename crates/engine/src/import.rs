//! Importing changes from elsewhere (a CSV exported from Jira or ServiceNow) into a workshop.
//! Every problem names the line and column; an import either succeeds whole or changes nothing.
//! It never guesses at a value it cannot read: a cell that is not a level, a type that is not a
//! change type, half a placement, all stop the import with a message saying where.
//!
//! The CSV it reads:
//! - A header row is required (blank lines before it are skipped). Header names ignore case and
//!   surrounding spaces.
//! - `title` is required; `description`, `type` (standard / normal / emergency, empty = normal),
//!   `ticket` and `tags` are optional. Tags are separated by `;` or `,` (both work, so that a
//!   quoted Jira label list and a semicolon list both import); spaces around a tag are dropped,
//!   empty tags and repeats are skipped.
//! - For each perspective P, the columns `P likelihood` and `P impact` (both, or neither). A cell
//!   holds a level number (1-based) or the label of a level of the chosen matrix ("Major"). An
//!   empty cell means "not placed"; one empty cell of the pair is an error. Perspectives are
//!   created in the order their first column appears; with none (or only one), Dev and Ops fill
//!   in so that the workshop has the two perspectives it needs.
//! - Other columns (Jira exports many) are ignored and listed in the result, so the caller can
//!   say so; a bare `likelihood` or `impact` column (no perspective) is an error, since its data
//!   would otherwise be dropped without a word.
//! - A UTF-8 byte-order mark, CRLF line ends, quoted fields with commas, quotes and line breaks,
//!   and blank lines (also `,,,` lines) anywhere are fine. A row with fewer cells than the header
//!   reads the missing ones as empty; a row with more non-empty cells than the header is an error.

use std::collections::HashSet;

use crate::validate::{self, ValidationError, MAX_CHANGES, MAX_PERSPECTIVES, MAX_TAGS};
use crate::{
    Axis, Change, ChangeType, Matrix, Millis, Perspective, PerspectiveId, Placement, Template,
    Workshop,
};

/// Larger files are refused before they are parsed (the same bound as a workshop file).
pub const MAX_CSV_BYTES: usize = 32 * 1024 * 1024;

/// What the caller decides about the new workshop.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub title: String,
    pub template: Template,
    /// The time every imported placement is stamped with (the engine has no clock).
    pub now: Millis,
}

/// A workshop built from a CSV, with what the import left out.
#[derive(Debug, Clone)]
pub struct Imported {
    pub workshop: Workshop,
    /// Header names of the columns that were not read, as written.
    pub ignored_columns: Vec<String>,
}

impl Imported {
    pub fn placements(&self) -> usize {
        self.workshop
            .changes
            .iter()
            .map(|c| c.placements.len())
            .sum()
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

fn at(line: u64, column: Option<&str>, problem: impl Into<String>) -> ImportError {
    ImportError {
        line: Some(line),
        column: column.map(str::to_owned),
        problem: problem.into(),
    }
}

/// A validation problem, placed at a line and column instead of a JSON path.
fn at_cell(line: u64, column: &str) -> impl Fn(ValidationError) -> ImportError + '_ {
    move |e| at(line, Some(column), e.problem)
}

/// What a header cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Description,
    Type,
    Ticket,
    Tags,
    /// The likelihood or impact of the perspective with this index.
    Level(usize, Axis),
    Ignored,
}

/// The header, read: what each column is, and the perspectives in order of appearance.
struct Header {
    fields: Vec<Field>,
    /// Header names as written (trimmed), for messages.
    names: Vec<String>,
    /// Perspective names as first written, and their (likelihood, impact) columns.
    perspectives: Vec<(String, Option<usize>, Option<usize>)>,
}

/// Lower case, trimmed, inner runs of spaces as one: how header names are compared.
fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn read_header(line: u64, cells: &[String]) -> Result<Header, ImportError> {
    let mut fields = Vec::with_capacity(cells.len());
    let mut names = Vec::with_capacity(cells.len());
    let mut perspectives: Vec<(String, Option<usize>, Option<usize>)> = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (col, raw) in cells.iter().enumerate() {
        let name = raw.trim().to_owned();
        let key = normalize(&name);
        if let Some((_, first)) = seen.iter().find(|(k, _)| !k.is_empty() && *k == key) {
            return Err(at(
                line,
                Some(&name),
                format!(
                    "the header has this column twice (columns {} and {})",
                    first + 1,
                    col + 1
                ),
            ));
        }
        seen.push((key.clone(), col));
        let field = match key.as_str() {
            "title" => Field::Title,
            "description" => Field::Description,
            "type" => Field::Type,
            "ticket" => Field::Ticket,
            "tags" => Field::Tags,
            "likelihood" | "impact" => {
                return Err(at(
                    line,
                    Some(&name),
                    format!(
                        "say whose {key} this is, e.g. \"Dev {key}\" or \"Ops {key}\" \
                         (a column per perspective)"
                    ),
                ))
            }
            _ => match axis_column(&key) {
                Some((axis, suffix_chars)) => {
                    // Keep the perspective's name as written, without the axis word.
                    let chars: Vec<char> = name.chars().collect();
                    let keep = chars.len().saturating_sub(suffix_chars);
                    let person: String = chars[..keep].iter().collect();
                    let person = person.trim().to_owned();
                    validate::check_short_text("", &person, true)
                        .map_err(|e| at(line, Some(&name), format!("perspective {}", e.problem)))?;
                    let p = match perspectives
                        .iter()
                        .position(|(n, _, _)| normalize(n) == normalize(&person))
                    {
                        Some(p) => p,
                        None => {
                            perspectives.push((person, None, None));
                            perspectives.len() - 1
                        }
                    };
                    match axis {
                        Axis::Likelihood => perspectives[p].1 = Some(col),
                        Axis::Impact => perspectives[p].2 = Some(col),
                    }
                    Field::Level(p, axis)
                }
                None => Field::Ignored,
            },
        };
        fields.push(field);
        names.push(name);
    }
    if !fields.contains(&Field::Title) {
        return Err(at(
            line,
            None,
            "the header has no \"title\" column; it is the one column every change needs",
        ));
    }
    for (person, likelihood, impact) in &perspectives {
        let (has, missing) = match (likelihood, impact) {
            (Some(c), None) => (*c, "impact"),
            (None, Some(c)) => (*c, "likelihood"),
            _ => continue,
        };
        return Err(at(
            line,
            Some(&names[has]),
            format!("there is no \"{person} {missing}\" column to go with it"),
        ));
    }
    if perspectives.len() > MAX_PERSPECTIVES {
        return Err(at(
            line,
            None,
            format!(
                "the header names {} perspectives; a workshop has at most {MAX_PERSPECTIVES}",
                perspectives.len()
            ),
        ));
    }
    Ok(Header {
        fields,
        names,
        perspectives,
    })
}

/// `Some((axis, length of " likelihood"/" impact" in chars))` when a normalized header name is
/// "<perspective> likelihood" or "<perspective> impact".
fn axis_column(key: &str) -> Option<(Axis, usize)> {
    for axis in [Axis::Likelihood, Axis::Impact] {
        let suffix = format!(" {}", axis.name());
        if key.len() > suffix.len() && key.ends_with(&suffix) {
            return Some((axis, suffix.chars().count()));
        }
    }
    None
}

/// A level cell: a number in range, or the label of a level (ignoring case).
fn read_level(
    line: u64,
    column: &str,
    matrix: &Matrix,
    axis: Axis,
    text: &str,
) -> Result<u8, ImportError> {
    let max = matrix.max_level(axis);
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        // Digits only: a level number; anything too long for u8 is out of range all the same.
        return match text.parse::<u8>() {
            Ok(level) if (1..=max).contains(&level) => Ok(level),
            _ => Err(at(
                line,
                Some(column),
                format!("{text} is outside 1..={max}"),
            )),
        };
    }
    let wanted = normalize(text);
    matrix
        .levels(axis)
        .iter()
        .position(|l| normalize(&l.label) == wanted)
        .and_then(|i| u8::try_from(i + 1).ok())
        .ok_or_else(|| {
            at(
                line,
                Some(column),
                format!(
                    "{text:?} is neither {} level number (1..={max}) nor the label of one",
                    match axis {
                        Axis::Likelihood => "a likelihood",
                        Axis::Impact => "an impact",
                    }
                ),
            )
        })
}

fn split_tags(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    text.split([';', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty() && seen.insert(t.to_string()))
        .map(str::to_owned)
        .collect()
}

/// Reads a CSV of changes into a new workshop on the chosen template, checked whole.
pub fn import_csv(bytes: &[u8], options: &ImportOptions) -> Result<Imported, ImportError> {
    if bytes.len() > MAX_CSV_BYTES {
        return Err(ImportError {
            line: None,
            column: None,
            problem: format!(
                "the file is {} bytes; Parallax imports CSV files of at most {MAX_CSV_BYTES} bytes",
                bytes.len()
            ),
        });
    }
    // Spreadsheets on Windows start UTF-8 CSV with a byte-order mark; it is not part of the header.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);

    let matrix = Matrix::from_template(options.template);
    let mut workshop = Workshop::new(&options.title, matrix);
    workshop.perspectives.clear();
    let mut header: Option<Header> = None;
    let mut record = csv::ByteRecord::new();
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| p.line());
            ImportError {
                line,
                column: None,
                problem: format!("cannot read the CSV: {}", csv_problem(&e)),
            }
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        // Decode each cell, naming the column of a cell that is not UTF-8.
        let mut cells = Vec::with_capacity(record.len());
        for (col, raw) in record.iter().enumerate() {
            let text = std::str::from_utf8(raw).map_err(|_| {
                let column = header
                    .as_ref()
                    .and_then(|h| h.names.get(col).cloned())
                    .unwrap_or_else(|| format!("#{}", col + 1));
                at(
                    line,
                    Some(&column),
                    "is not UTF-8 text; save the CSV as UTF-8",
                )
            })?;
            cells.push(text.to_owned());
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match &header {
            None => header = Some(read_header(line, &cells)?),
            Some(h) => {
                if workshop.changes.len() >= MAX_CHANGES {
                    return Err(at(
                        line,
                        None,
                        format!("a workshop holds at most {MAX_CHANGES} changes"),
                    ));
                }
                let change = read_change(line, &cells, h, &workshop, options.now)?;
                workshop.changes.push(change);
            }
        }
    }
    let Some(header) = header else {
        return Err(ImportError {
            line: None,
            column: None,
            problem: "the file has no header row; the first row names the columns, at least \
                      \"title\""
                .to_owned(),
        });
    };
    let ignored_columns = header
        .fields
        .iter()
        .zip(&header.names)
        .filter(|(f, _)| **f == Field::Ignored)
        .map(|(_, n)| n.clone())
        .collect();
    finish(workshop, &header).map(|workshop| Imported {
        workshop,
        ignored_columns,
    })
}

/// Creates the perspectives, moves each placement from its column index to its perspective id
/// and checks the whole workshop.
fn finish(mut workshop: Workshop, header: &Header) -> Result<Workshop, ImportError> {
    let mut names: Vec<String> = header.perspectives.iter().map(|p| p.0.clone()).collect();
    for default in ["Dev", "Ops"] {
        if names.len() < 2 && !names.iter().any(|n| normalize(n) == normalize(default)) {
            names.push(default.to_owned());
        }
    }
    for name in names {
        let id = PerspectiveId::from_name(&name, &workshop.perspectives);
        let color = Perspective::free_color(&workshop.perspectives).to_owned();
        workshop.perspectives.push(Perspective { id, name, color });
    }
    for change in &mut workshop.changes {
        let placed = std::mem::take(&mut change.placements);
        for (index, placement) in placed {
            // Rows keep placements under the perspective's column index until ids exist.
            let i: usize = index.0.parse().unwrap_or(usize::MAX);
            if let Some(p) = workshop.perspectives.get(i) {
                change.placements.insert(p.id.clone(), placement);
            }
        }
    }
    validate::check_workshop(&workshop).map_err(|e| ImportError {
        line: None,
        column: None,
        problem: format!("the imported workshop is not valid: {e}"),
    })?;
    Ok(workshop)
}

fn read_change(
    line: u64,
    cells: &[String],
    header: &Header,
    workshop: &Workshop,
    now: Millis,
) -> Result<Change, ImportError> {
    let width = header.fields.len();
    if let Some(extra) = cells.iter().skip(width).position(|c| !c.trim().is_empty()) {
        return Err(at(
            line,
            None,
            format!(
                "cell {} has no column: the header has {width} columns",
                width + extra + 1
            ),
        ));
    }
    let cell = |col: usize| cells.get(col).map_or("", |c| c.trim());
    let id = format!("c{}", workshop.changes.len() + 1);
    let mut change = Change::new(&id, "");
    let mut levels: Vec<[Option<(u8, usize)>; 2]> = vec![[None, None]; header.perspectives.len()];
    for (col, field) in header.fields.iter().enumerate() {
        let name = header.names[col].as_str();
        let text = cell(col);
        match *field {
            Field::Title => {
                validate::check_short_text("", text, true).map_err(at_cell(line, name))?;
                change.title = text.to_owned();
            }
            Field::Description => {
                // The description keeps its line breaks; only surrounding space goes.
                validate::check_long_text("", text).map_err(at_cell(line, name))?;
                change.description = text.to_owned();
            }
            Field::Type => {
                change.change_type = text
                    .parse::<ChangeType>()
                    .map_err(|e| at(line, Some(name), e))?;
            }
            Field::Ticket => {
                validate::check_short_text("", text, false).map_err(at_cell(line, name))?;
                change.ticket = text.to_owned();
            }
            Field::Tags => {
                let tags = split_tags(text);
                if tags.len() > MAX_TAGS {
                    return Err(at(
                        line,
                        Some(name),
                        format!("has {} tags; at most {MAX_TAGS} are allowed", tags.len()),
                    ));
                }
                for tag in &tags {
                    validate::check_short_text("", tag, true).map_err(at_cell(line, name))?;
                }
                change.tags = tags;
            }
            Field::Level(p, axis) => {
                if !text.is_empty() {
                    let level = read_level(line, name, &workshop.matrix, axis, text)?;
                    levels[p][usize::from(axis == Axis::Impact)] = Some((level, col));
                }
            }
            Field::Ignored => {}
        }
    }
    for (p, pair) in levels.iter().enumerate() {
        let (person, l_col, i_col) = &header.perspectives[p];
        match *pair {
            [Some((likelihood, _)), Some((impact, _))] => {
                change.placements.insert(
                    // The perspective's index for now; `finish` swaps in its id.
                    PerspectiveId(p.to_string()),
                    Placement {
                        likelihood,
                        impact,
                        rationale: String::new(),
                        placed_at_ms: now,
                        spread: None,
                    },
                );
            }
            [None, None] => {}
            [Some(_), None] | [None, Some(_)] => {
                let (filled, empty) = if pair[0].is_some() {
                    (l_col, i_col)
                } else {
                    (i_col, l_col)
                };
                let filled = filled.map_or("", |c| header.names[c].as_str());
                let empty = empty.map_or("", |c| header.names[c].as_str());
                return Err(at(
                    line,
                    Some(empty),
                    format!(
                        "is empty but {filled:?} is not: fill both or neither to place the \
                         change for {person}"
                    ),
                ));
            }
        }
    }
    Ok(change)
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(template: Template) -> ImportOptions {
        ImportOptions {
            title: "Imported".into(),
            template,
            now: 42,
        }
    }

    fn import(text: &str) -> Result<Imported, ImportError> {
        import_csv(text.as_bytes(), &options(Template::FiveByFive))
    }

    fn err(text: &str) -> String {
        match import(text) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_full_csv_becomes_a_workshop() {
        let text = "Title,Description,Type,Ticket,Tags,Dev likelihood,Dev impact,Ops Likelihood,Ops impact,Priority\n\
                    Rotate TLS certificates,\"Edge, then origin\",standard,OPS-1,\"security; edge,edge\",1,2,2,Major,P2\n\
                    \"Upgrade \"\"Postgres\"\"\",\"line one\nline two\",Emergency,,,,,3,5,\n";
        let imported = import(text).unwrap();
        let w = &imported.workshop;
        assert_eq!(w.title, "Imported");
        let names: Vec<_> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Dev", "Ops"]);
        let ids: Vec<_> = w.perspectives.iter().map(|p| p.id.0.as_str()).collect();
        assert_eq!(ids, ["dev", "ops"]);
        assert_eq!(imported.ignored_columns, ["Priority"]);
        assert_eq!(w.changes.len(), 2);
        let c = &w.changes[0];
        assert_eq!(c.id.0, "c1");
        assert_eq!(c.description, "Edge, then origin");
        assert_eq!(c.change_type, ChangeType::Standard);
        assert_eq!(c.ticket, "OPS-1");
        assert_eq!(c.tags, ["security", "edge"]);
        let ops = &c.placements[&PerspectiveId::new("ops")];
        assert_eq!((ops.likelihood, ops.impact, ops.placed_at_ms), (2, 4, 42));
        let c = &w.changes[1];
        assert_eq!(c.title, "Upgrade \"Postgres\"");
        assert_eq!(c.description, "line one\nline two");
        assert_eq!(c.change_type, ChangeType::Emergency);
        assert!(!c.placements.contains_key(&PerspectiveId::new("dev")));
        assert_eq!(c.placements[&PerspectiveId::new("ops")].cell().score(), 15);
        assert_eq!(imported.placements(), 3);
        validate::check_workshop(w).unwrap();
    }

    #[test]
    fn bom_crlf_and_blank_lines_are_fine() {
        let text = "\u{feff}title , Security impact,SECURITY likelihood\r\n\r\nA,1,2\r\n,,\r\nB,,\r\n\r\n\r\n";
        let w = import(text).unwrap().workshop;
        assert_eq!(w.changes.len(), 2);
        let names: Vec<_> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["Security", "Dev"],
            "one perspective is topped up with Dev"
        );
        let p = &w.changes[0].placements[&PerspectiveId::new("security")];
        assert_eq!((p.likelihood, p.impact), (2, 1));
    }

    #[test]
    fn without_perspective_columns_dev_and_ops_are_created() {
        let w = import("title\nA\n").unwrap().workshop;
        let ids: Vec<_> = w.perspectives.iter().map(|p| p.id.0.as_str()).collect();
        assert_eq!(ids, ["dev", "ops"]);
        assert_eq!(w.perspectives[0].color, "#2f6fdf");
    }

    #[test]
    fn perspectives_come_in_column_order() {
        let text = "Sec impact,title,Ops likelihood,Sec likelihood,Ops impact,Dev likelihood,dev impact\n,A,,,,,\n";
        let w = import(text).unwrap().workshop;
        let names: Vec<_> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Sec", "Ops", "Dev"]);
    }

    #[test]
    fn errors_name_line_and_column() {
        assert_eq!(
            err("title,Ops likelihood,Ops impact\nA,1,2\nB,2,9\n"),
            "line 3, column \"Ops impact\": 9 is outside 1..=5"
        );
        assert_eq!(
            err("title,Ops likelihood,Ops impact\n\"multi\nline\",1,1\nB,300,1\n"),
            "line 4, column \"Ops likelihood\": 300 is outside 1..=5",
            "a record's line is where it starts, quoted line breaks counted"
        );
        assert_eq!(
            err("title,Ops likelihood,Ops impact\nA,0,1\n"),
            "line 2, column \"Ops likelihood\": 0 is outside 1..=5"
        );
        assert_eq!(
            err("title,Ops likelihood,Ops impact\nA,high,1\n"),
            "line 2, column \"Ops likelihood\": \"high\" is neither a likelihood level number \
             (1..=5) nor the label of one"
        );
        assert_eq!(
            err("title,Ops likelihood,Ops impact\nA,3,\n"),
            "line 2, column \"Ops impact\": is empty but \"Ops likelihood\" is not: fill both \
             or neither to place the change for Ops"
        );
        assert_eq!(
            err("title,type\nA,urgent\n"),
            "line 2, column \"type\": unknown change type 'urgent': use standard, normal or emergency"
        );
        assert_eq!(
            err("title,ticket\nA,1\n ,2\n"),
            "line 3, column \"title\": must not be empty"
        );
        assert_eq!(
            err("title\nA,b\n"),
            "line 2: cell 2 has no column: the header has 1 columns"
        );
    }

    #[test]
    fn bad_headers_are_refused() {
        assert!(err("name,ticket\nA,1\n").starts_with("line 1: the header has no \"title\" column"));
        assert_eq!(
            err("title,Ops likelihood\nA,1\n"),
            "line 1, column \"Ops likelihood\": there is no \"Ops impact\" column to go with it"
        );
        assert_eq!(
            err("title,Title\n"),
            "line 1, column \"Title\": the header has this column twice (columns 1 and 2)"
        );
        assert!(err("title,impact\n").contains("say whose impact this is"));
        assert!(err("").contains("no header row"));
        assert!(err("\n\n,,\n").contains("no header row"));
        let many: Vec<String> = (1..=9)
            .map(|i| format!("P{i} likelihood,P{i} impact"))
            .collect();
        assert!(err(&format!("title,{}\n", many.join(","))).contains("at most 8"));
    }

    #[test]
    fn labels_and_templates() {
        let text = "title,Dev likelihood,Dev impact\nA,high,Medium\n";
        let w = import_csv(text.as_bytes(), &options(Template::ThreeByThree))
            .unwrap()
            .workshop;
        let p = &w.changes[0].placements[&PerspectiveId::new("dev")];
        assert_eq!((p.likelihood, p.impact), (3, 2));
        let e = import_csv(
            "title,Dev likelihood,Dev impact\nA,4,1\n".as_bytes(),
            &options(Template::ThreeByThree),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column \"Dev likelihood\": 4 is outside 1..=3"
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_named() {
        let mut bytes = b"title,ticket\nA,".to_vec();
        bytes.push(0xff);
        bytes.push(b'\n');
        let e = import_csv(&bytes, &options(Template::FiveByFive)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column \"ticket\": is not UTF-8 text; save the CSV as UTF-8"
        );
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_of_the_file() {
        // As in every spreadsheet, an unclosed quote swallows the rest of the file into one cell.
        let w = import("title,ticket\n\"A,1\nB,2\n").unwrap().workshop;
        assert_eq!(w.changes.len(), 1);
        assert_eq!(w.changes[0].title, "A,1\nB,2");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
            let mut writer = csv::Writer::from_writer(Vec::new());
            for row in rows {
                writer.write_record(row).unwrap();
            }
            writer.into_inner().unwrap()
        }

        /// Title text with what makes CSV hard: commas, quotes, line breaks, non-ASCII.
        fn title() -> impl Strategy<Value = String> {
            "[A-Za-z0-9 ,\"\n→é]{0,20}[A-Za-z]"
        }

        proptest! {
            #[test]
            fn no_bytes_make_the_import_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
                let _ = import_csv(&bytes, &options(Template::FiveByFive));
            }

            #[test]
            fn no_csv_like_text_makes_the_import_panic(
                text in "(title|Dev likelihood|Ops impact|Ops likelihood|Dev impact|tags|type|[0-9]|[a-z ]|,|\"|\r|\n|\u{feff}|;){0,60}"
            ) {
                let _ = import_csv(text.as_bytes(), &options(Template::ThreeByThree));
            }

            /// Whatever a spreadsheet writes (quoted as needed), the import reads back exactly.
            #[test]
            fn written_rows_read_back(
                rows in prop::collection::vec(
                    (title(), prop::option::of((1u8..=5, 1u8..=5)), prop::option::of((1u8..=5, 1u8..=5)), 0usize..3),
                    1..20,
                ),
                crlf in any::<bool>(),
            ) {
                let mut table = vec![vec![
                    "title".to_owned(),
                    "Dev likelihood".into(),
                    "Dev impact".into(),
                    "Ops likelihood".into(),
                    "Ops impact".into(),
                    "type".into(),
                ]];
                let level = |p: Option<(u8, u8)>, i: usize| {
                    p.map(|p| if i == 0 { p.0 } else { p.1 }.to_string()).unwrap_or_default()
                };
                for (title, dev, ops, kind) in &rows {
                    table.push(vec![
                        title.clone(),
                        level(*dev, 0),
                        level(*dev, 1),
                        level(*ops, 0),
                        level(*ops, 1),
                        ["standard", "normal", "emergency"][*kind].into(),
                    ]);
                }
                let mut bytes = write_csv(&table);
                if crlf {
                    bytes = String::from_utf8(bytes).unwrap().replace('\n', "\r\n").into_bytes();
                }
                let w = import_csv(&bytes, &options(Template::FiveByFive)).unwrap().workshop;
                prop_assert_eq!(w.changes.len(), rows.len());
                for (change, (title, dev, ops, kind)) in w.changes.iter().zip(&rows) {
                    let expected = if crlf { title.replace('\n', "\r\n") } else { title.clone() };
                    prop_assert_eq!(&change.title, expected.trim());
                    prop_assert_eq!(change.change_type, [ChangeType::Standard, ChangeType::Normal, ChangeType::Emergency][*kind]);
                    for (who, cell) in [("dev", dev), ("ops", ops)] {
                        let placed = change.placements.get(&PerspectiveId::new(who)).map(|p| (p.likelihood, p.impact));
                        prop_assert_eq!(placed, *cell);
                    }
                }
            }
        }
    }
}
