//! The import on files shaped like real exports (Jira, ServiceNow, Excel in Europe, UTF-16
//! "Unicode text", Parallax's own columns, a broken quote) and on paths that are not files:
//! what each reads as, what the preview says, and that reading never hangs or fills memory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use parallax_engine::import::{
    apply, import_csv, preview, read_csv_file, ColumnRole, Delimiter, ImportOptions,
    ImportSettings, Source, TextEncoding, TypeMapping, MAX_COLUMNS, MAX_CSV_BYTES,
};
use parallax_engine::{validate, ChangeType, PerspectiveId, Template};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    read_csv_file(&fixture(name)).unwrap()
}

fn options() -> ImportOptions {
    ImportOptions {
        title: "Imported".into(),
        template: Template::FiveByFive,
        now: 7,
        settings: ImportSettings::default(),
    }
}

fn roles(p: &parallax_engine::import::ImportPreview) -> Vec<String> {
    p.columns
        .iter()
        .map(|c| format!("{}={}", c.header, c.role))
        .collect()
}

fn warnings(p: &parallax_engine::import::ImportPreview) -> Vec<String> {
    p.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn a_jira_export_is_recognised_with_repeated_columns_merged() {
    let imported = import_csv(&bytes("jira.csv"), &options()).unwrap();
    let p = &imported.preview;
    assert_eq!(p.source, Source::Jira);
    assert_eq!(
        (p.delimiter, p.encoding),
        (Delimiter::Comma, TextEncoding::Utf8)
    );
    assert_eq!(
        roles(p),
        [
            "Summary=title",
            "Issue key=ticket",
            "Issue id=ignored",
            "Issue Type=type",
            "Status=ignored",
            "Priority=ignored",
            "Assignee=ignored",
            "Component/s=tags",
            "Component/s=tags",
            "Labels=tags",
            "Labels=tags",
            "Description=description",
            "Custom field (Story Points)=ignored",
        ]
    );
    assert_eq!(warnings(p), Vec::<String>::new());
    // Jira's issue types are not change types: each is listed, as normal, for the facilitator.
    let types: Vec<(&str, ChangeType, bool, u32)> = p
        .types
        .iter()
        .map(|t| (t.value.as_str(), t.change_type, t.known, t.rows))
        .collect();
    assert_eq!(
        types,
        [
            ("Change", ChangeType::Normal, false, 1),
            ("Story", ChangeType::Normal, false, 1),
            ("Migration", ChangeType::Normal, false, 1),
            ("Bug", ChangeType::Normal, false, 1),
        ]
    );
    let w = &imported.workshop;
    assert_eq!(w.changes.len(), 4);
    let c = &w.changes[0];
    assert_eq!(c.title, "Upgrade PostgreSQL 14 to 16");
    assert_eq!(c.ticket, "OPS-1412");
    assert_eq!(c.tags, ["database", "platform", "upgrade"]);
    assert_eq!(
        c.description,
        "In-place upgrade with pg_upgrade, about 20 minutes read-only.\r\n\r\nRollback: restore \
         from the snapshot taken at 02:00, \"tested\" in staging."
    );
    assert_eq!(
        w.changes[1].title,
        "Rotate TLS certificates, edge and origin"
    );
    assert_eq!(w.changes[1].tags, ["edge", "security", "certificates"]);
    assert_eq!(w.changes[3].ticket, "SEC-91");
    let ids: Vec<&str> = w.perspectives.iter().map(|p| p.id.0.as_str()).collect();
    assert_eq!(ids, ["dev", "ops"]);
    validate::check_workshop(w).unwrap();

    // The facilitator maps the types; the workshop follows.
    let mut o = options();
    o.settings.types = vec![
        TypeMapping {
            value: "bug".into(),
            change_type: ChangeType::Emergency,
        },
        TypeMapping {
            value: "Story".into(),
            change_type: ChangeType::Standard,
        },
    ];
    let w = apply(&bytes("jira.csv"), &o).unwrap();
    let kinds: Vec<ChangeType> = w.changes.iter().map(|c| c.change_type).collect();
    assert_eq!(
        kinds,
        [
            ChangeType::Normal,
            ChangeType::Standard,
            ChangeType::Normal,
            ChangeType::Emergency
        ]
    );
}

#[test]
fn a_servicenow_change_export_is_recognised() {
    let imported = import_csv(&bytes("servicenow.csv"), &options()).unwrap();
    let p = &imported.preview;
    assert_eq!(p.source, Source::ServiceNow);
    assert_eq!(
        &roles(p)[..5],
        [
            "number=ticket",
            "short_description=title",
            "description=description",
            "type=type",
            "state=ignored",
        ]
    );
    assert_eq!(
        roles(p)[6],
        "impact=ignored",
        "ServiceNow's impact is not a level"
    );
    assert_eq!(warnings(p), Vec::<String>::new());
    assert!(p.types.iter().all(|t| t.known));
    let w = &imported.workshop;
    let kinds: Vec<ChangeType> = w.changes.iter().map(|c| c.change_type).collect();
    assert_eq!(
        kinds,
        [
            ChangeType::Standard,
            ChangeType::Normal,
            ChangeType::Emergency
        ]
    );
    assert_eq!(w.changes[1].ticket, "CHG0030002");
    assert_eq!(
        w.changes[1].description,
        "Planned failover to the standby.\nExpect 30 s of read-only."
    );
    assert_eq!(p.columns[1].samples[0], "Patch the load balancers");
}

#[test]
fn excel_in_europe_semicolons_and_windows_1252() {
    let imported = import_csv(&bytes("excel-semicolon-1252.csv"), &options()).unwrap();
    let p = &imported.preview;
    assert_eq!(
        (p.delimiter, p.encoding),
        (Delimiter::Semicolon, TextEncoding::Windows1252)
    );
    assert_eq!(p.source, Source::Parallax);
    let w = &imported.workshop;
    assert_eq!(w.changes[0].title, "Migrer la base clients");
    assert_eq!(
        w.changes[0].description,
        "Coût estimé: 1 200 €, fenêtre de nuit, \"sans arrêt\""
    );
    assert_eq!(w.changes[1].title, "Größere Festplatten für München");
    assert_eq!(w.changes[1].tags, ["matériel"]);
    let dev = &w.changes[0].placements[&PerspectiveId::new("dev")];
    assert_eq!((dev.likelihood, dev.impact, dev.placed_at_ms), (2, 4, 7));

    // Overridden the wrong way, the preview shows what that reads as, and says the bytes do
    // not fit.
    let mut o = options();
    o.settings.encoding = Some(TextEncoding::Utf8);
    o.settings.delimiter = Some(Delimiter::Comma);
    let p = preview(&bytes("excel-semicolon-1252.csv"), &o).unwrap();
    assert_eq!(
        (p.delimiter, p.encoding),
        (Delimiter::Comma, TextEncoding::Utf8)
    );
    let list = warnings(&p);
    assert!(list.last().unwrap().contains("not valid utf-8"), "{list:?}");
    assert!(
        list[0].starts_with("line 2: 3 fields where the header has 1"),
        "{list:?}"
    );
    assert_eq!(
        p.columns[0].header,
        "Title;Description;Type;Ticket;Tags;Dev likelihood;Dev impact"
    );
}

#[test]
fn utf16_with_a_bom_and_tabs() {
    let imported = import_csv(&bytes("utf16le-bom.csv"), &options()).unwrap();
    let p = &imported.preview;
    assert_eq!(
        (p.delimiter, p.encoding),
        (Delimiter::Tab, TextEncoding::Utf16Le)
    );
    let w = &imported.workshop;
    assert_eq!(w.changes[0].title, "Résumé des journaux → S3");
    assert_eq!(w.changes[0].tags, ["logs", "stockage"]);
    assert_eq!(w.changes[1].title, "東京リージョンへの移行");
    let ops = &w.changes[1].placements[&PerspectiveId::new("ops")];
    assert_eq!(
        (ops.likelihood, ops.impact),
        (5, 4),
        "a level label reads as its level"
    );
    assert!(!w.changes[1]
        .placements
        .contains_key(&PerspectiveId::new("dev")));
}

#[test]
fn parallax_columns_keep_working() {
    let imported = import_csv(&bytes("parallax.csv"), &options()).unwrap();
    let p = &imported.preview;
    assert_eq!(p.source, Source::Parallax);
    assert_eq!(roles(p)[5], "Dev likelihood=Dev likelihood");
    assert_eq!(
        p.columns[10].role,
        ColumnRole::Impact {
            perspective: "Security".into()
        }
    );
    let names: Vec<(&str, u32)> = p
        .perspectives
        .iter()
        .map(|x| (x.name.as_str(), x.placements))
        .collect();
    assert_eq!(names, [("Dev", 2), ("Ops", 3), ("Security", 2)]);
    let w = &imported.workshop;
    assert_eq!(w.changes[0].tags, ["database", "upgrade"]);
    assert_eq!(w.changes[1].change_type, ChangeType::Standard);
    let sec = &w.changes[2].placements[&PerspectiveId::new("security")];
    assert_eq!((sec.likelihood, sec.impact), (2, 5));
    assert_eq!(p.first.len(), 3);
    assert_eq!(p.first[0], w.changes[0]);
}

#[test]
fn a_broken_quote_is_named_at_the_line_where_it_opened() {
    let imported = import_csv(&bytes("broken-quote.csv"), &options()).unwrap();
    let p = &imported.preview;
    assert_eq!(
        warnings(p),
        [
            "line 3: a quote opens here and is never closed: the rest of the file (5 lines) is \
             read as one field; close the quote or remove it"
        ]
    );
    // What it swallowed is there to see, not lost: the last change holds the rest.
    assert_eq!(imported.workshop.changes.len(), 2);
    assert!(imported.workshop.changes[1]
        .description
        .contains("Resize the volumes"));
}

#[test]
fn ragged_rows_and_long_fields_are_warned_by_line() {
    let mut text = String::from("title,ticket,description\nA,1,x\nB,2\nC,3,y,extra\n");
    text.push_str(&format!("D,4,\"{}\"\nE,5,z\n", "more\n".repeat(40)));
    let p = preview(text.as_bytes(), &options()).unwrap();
    assert_eq!(
        warnings(&p),
        [
            "line 3: 2 fields where the header has 3; the missing ones read as empty",
            "line 4: 4 fields where the header has 3; the fields past column 3 are not read",
            "line 5: a quoted field runs over 41 lines (to line 45); check that no quote is missing",
        ]
    );
    assert_eq!(p.changes, 5);
}

#[test]
fn a_wrong_mapping_is_the_previews_problem_not_an_error() {
    let mut o = options();
    o.settings.columns = Some(vec![ColumnRole::Title; 11]);
    let p = preview(&bytes("parallax.csv"), &o).unwrap();
    assert_eq!(
        p.problem.as_deref(),
        Some("line 1, column \"description\": columns 1 and 2 are both mapped to title; map one of them")
    );
    assert_eq!((p.changes, p.first.len()), (0, 0));
    assert!(apply(&bytes("parallax.csv"), &o).is_err());
}

#[test]
fn a_30_mb_header_of_empty_names_is_refused_at_once() {
    // Every column name empty and a quadratic repeat check used to spin for hours here; the
    // column limit stops the read at line 1 and nothing per field is allocated before.
    let header = ",".repeat(MAX_CSV_BYTES - 10);
    let started = Instant::now();
    let e = preview(header.as_bytes(), &options()).unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(
        e.to_string()
            .contains(&format!("more than {MAX_COLUMNS} columns")),
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Just under the limit the header is read, in linear time.
    let header = format!("title{}\nA\n", ",".repeat(MAX_COLUMNS - 1));
    let p = preview(header.as_bytes(), &options()).unwrap();
    assert_eq!(p.columns.len(), MAX_COLUMNS);
}

#[test]
fn too_many_rows_stop_at_the_first_row_over() {
    let mut text = String::from("title\n");
    for i in 0..=parallax_engine::import::MAX_ROWS {
        text.push_str(&format!("change {i}\n"));
    }
    let e = preview(text.as_bytes(), &options()).unwrap_err();
    assert_eq!(e.line, Some(parallax_engine::import::MAX_ROWS as u64 + 2));
}

mod files {
    use super::*;

    /// Runs `read_csv_file` on a thread and fails (instead of hanging the test run) when it does
    /// not answer in time.
    fn read_in_time(path: &Path) -> String {
        let path = path.to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(read_csv_file(&path).map(|b| b.len()));
        });
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(n)) => panic!("read {n} bytes; expected a refusal"),
            Ok(Err(e)) => e.to_string(),
            Err(_) => panic!("reading did not return within 10 s"),
        }
    }

    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("changes.csv");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_in_time(&fifo);
        assert!(e.contains("not a regular file"), "{e}");
        assert!(e.starts_with(&fifo.display().to_string()));
    }

    #[test]
    fn a_symlink_to_dev_zero_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.csv");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_in_time(&link);
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_in_time(dir.path());
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn an_oversize_file_is_refused_after_reading_one_byte_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.csv");
        let f = std::fs::File::create(&big).unwrap();
        // Sparse: no 32 MB written to disk.
        f.set_len(MAX_CSV_BYTES as u64 + 1).unwrap();
        let e = read_in_time(&big);
        assert!(
            e.contains(&format!("larger than {MAX_CSV_BYTES} bytes")),
            "{e}"
        );
        f.set_len(MAX_CSV_BYTES as u64).unwrap();
        assert_eq!(read_csv_file(&big).unwrap().len(), MAX_CSV_BYTES);
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = read_csv_file(Path::new("/nonexistent/changes.csv")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nonexistent/changes.csv: cannot read: "),
            "{e}"
        );
    }
}
