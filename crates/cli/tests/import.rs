//! `parallax-cli import` as a user runs it: the real binary, real CSV files, exit codes, messages
//! and the workshop file it writes (read back through the engine's loader).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use parallax_engine::{store, ChangeType, PerspectiveId};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parallax-cli"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn import(csv: &Path, out: &Path, extra: &[&str]) -> Output {
    cli()
        .arg("import")
        .arg(csv)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

#[test]
fn a_jira_style_csv_becomes_a_valid_workshop() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("w.parallax");
    let out = import(&fixture("changes.csv"), &out_path, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("read as utf-8, comma-separated; columns recognised as Parallax:\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  \"Dev likelihood\" → Dev likelihood\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  \"Assignee\" → ignored\n"), "{stdout}");
    assert_eq!(
        stdout.trim().lines().last().unwrap(),
        format!(
            "{}: imported 4 changes, 3 perspectives (Dev, Ops, Security) and 9 placements on a \
             5×5 matrix; ignored columns: \"Assignee\"",
            out_path.display()
        )
    );
    let w = store::load_path(&out_path).unwrap().workshop;
    assert_eq!(w.title, "changes", "the title defaults to the CSV's name");
    let ids: Vec<_> = w.perspectives.iter().map(|p| p.id.0.as_str()).collect();
    assert_eq!(ids, ["dev", "ops", "security"]);
    let first = &w.changes[0];
    assert_eq!(first.title, "Upgrade PostgreSQL 14 → 16");
    assert_eq!(
        first.description,
        "In-place upgrade with pg_upgrade, about 20 minutes read-only.\r\nRehearsed once."
    );
    assert_eq!(first.tags, ["database", "upgrade"]);
    assert_eq!(
        first.placements[&PerspectiveId::new("ops")].cell().score(),
        16
    );
    let tls = &w.changes[1];
    assert_eq!(tls.change_type, ChangeType::Standard);
    assert_eq!(
        tls.description,
        "Replace the wildcard certificate \"*.shop\" on the edge"
    );
    assert_eq!(tls.tags, ["security", "edge"]);
    assert_eq!(w.changes[2].change_type, ChangeType::Emergency);
    assert!(!w.changes[2]
        .placements
        .contains_key(&PerspectiveId::new("dev")));
    assert_eq!(w.changes[3].ticket, "DB-77");
}

#[test]
fn template_and_title_are_the_callers() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("small.csv");
    std::fs::write(&csv, "title,Dev likelihood,Dev impact\nA,3,High\nB,,\n").unwrap();
    let out_path = dir.path().join("small.parallax");
    let out = import(
        &csv,
        &out_path,
        &["--template", "3x3", "--title", "Q3 platform changes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("imported 2 changes, 2 perspectives (Dev, Ops) and 1 placement on a 3×3 matrix"));
    let w = store::load_path(&out_path).unwrap().workshop;
    assert_eq!(w.title, "Q3 platform changes");
    assert_eq!(w.matrix.likelihood.len(), 3);
    assert_eq!(
        w.changes[0].placements[&PerspectiveId::new("dev")].cell(),
        parallax_engine::Cell::new(3, 3)
    );
}

#[test]
fn errors_name_the_line_and_column_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("w.parallax");
    let csv = fixture("bad-level.csv");
    let out = import(&csv, &out_path, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "{}: line 8, column \"Ops impact\": 9 is outside 1..=5",
            csv.display()
        )
    );
    assert!(!out_path.exists(), "nothing is written");

    let csv = fixture("half-placed.csv");
    let out = import(&csv, &out_path, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).ends_with(
            "line 2, column \"Dev impact\": is empty but \"Dev likelihood\" is not: fill both \
             or neither to place the change for Dev"
        ),
        "{}",
        stderr(&out)
    );

    let out = import(&fixture("changes.csv"), &out_path, &["--template", "6x6"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown template '6x6'"),
        "{}",
        stderr(&out)
    );

    let out = import(Path::new("/nonexistent/changes.csv"), &out_path, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("/nonexistent/changes.csv: cannot read"));
    assert!(!out_path.exists());
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("w.parallax");
    std::fs::write(&out_path, "precious").unwrap();
    let out = import(&fixture("changes.csv"), &out_path, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "{} already exists; add --force to replace it",
            out_path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "precious");

    let out = import(&fixture("changes.csv"), &out_path, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        store::load_path(&out_path).unwrap().workshop.changes.len(),
        4
    );
    let check = cli().arg("check").arg(&out_path).output().unwrap();
    assert_eq!(check.status.code(), Some(0));

    // Never over the CSV itself, even with --force.
    let csv = dir.path().join("c.csv");
    std::fs::write(&csv, "title\nA\n").unwrap();
    let out = import(&csv, &csv, &["--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "title\nA\n");
}

#[test]
fn hostile_bytes_exit_1_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("w.parallax");
    let inputs: [&[u8]; 6] = [
        b"",
        b"\xef\xbb\xbf",
        b"\xff\xfe\x00t\x00i",
        b"title\n\"unterminated",
        b"a,b\n1,2\n",
        b"title,x likelihood,x impact\nA,99999999999999999999,1\n",
    ];
    for (i, bytes) in inputs.iter().enumerate() {
        let csv = dir.path().join(format!("in{i}.csv"));
        std::fs::write(&csv, bytes).unwrap();
        let out = import(&csv, &out_path, &[]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "input {i}: {err}");
        if out.status.code() == Some(0) {
            // Only the unterminated quote is readable: one change titled with the rest, and
            // a warning naming the line where the quote opened.
            assert_eq!(i, 3, "input {i} should have been refused");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                stdout.contains("warning: line 2: a quote opens here and is never closed"),
                "{stdout}"
            );
            std::fs::remove_file(&out_path).unwrap();
        } else {
            assert_eq!(out.status.code(), Some(1), "input {i}: {err}");
            assert!(
                err.starts_with(&csv.display().to_string()),
                "input {i}: {err}"
            );
        }
    }
}

fn export(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/fixtures/import")
        .join(name)
}

#[test]
fn a_real_jira_export_imports_and_the_mapping_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("w.parallax");
    let out = import(&export("jira.csv"), &out_path, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "read as utf-8, comma-separated; columns recognised as Jira:",
        "  \"Summary\" → title",
        "  \"Issue key\" → ticket",
        "  \"Issue Type\" → type",
        "  \"Component/s\" → tags",
        "  \"Labels\" → tags",
        "  \"Description\" → description",
        "  \"Custom field (Story Points)\" → ignored",
        "  type \"Story\" → normal (1 row; not a change type)",
    ] {
        assert!(stdout.contains(line), "{line:?} missing from:\n{stdout}");
    }
    let w = store::load_path(&out_path).unwrap().workshop;
    assert_eq!(w.changes.len(), 4);
    assert_eq!(w.changes[0].tags, ["database", "platform", "upgrade"]);
}

#[test]
fn servicenow_semicolons_and_utf16_import_too() {
    let dir = tempfile::tempdir().unwrap();
    for (name, recognised, changes) in [
        (
            "servicenow.csv",
            "read as utf-8, comma-separated; columns recognised as ServiceNow",
            3,
        ),
        (
            "excel-semicolon-1252.csv",
            "read as windows-1252, semicolon-separated; columns recognised as Parallax",
            2,
        ),
        ("utf16le-bom.csv", "read as utf-16le, tab-separated", 2),
    ] {
        let out_path = dir.path().join(format!("{name}.parallax"));
        let out = import(&export(name), &out_path, &[]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(recognised), "{name}: {stdout}");
        let w = store::load_path(&out_path).unwrap().workshop;
        assert_eq!(w.changes.len(), changes, "{name}");
    }
    let w = store::load_path(&dir.path().join("excel-semicolon-1252.csv.parallax"))
        .unwrap()
        .workshop;
    assert_eq!(w.changes[1].title, "Größere Festplatten für München");
}

#[test]
fn columns_delimiter_and_encoding_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sheet.csv");
    std::fs::write(&csv, b"Name;Risk;Odds;Team\nCaf\xe9 move;4;2;Ops\n").unwrap();
    let out_path = dir.path().join("w.parallax");
    let out = import(&csv, &out_path, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no column is mapped to title"),
        "{}",
        stderr(&out)
    );
    let out = import(
        &csv,
        &out_path,
        &[
            "--column",
            "name=title",
            "--column",
            "Risk=Ops impact",
            "--column",
            "Odds=Ops likelihood",
            "--delimiter",
            ";",
            "--encoding",
            "windows-1252",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("  \"Risk\" → Ops impact\n"), "{stdout}");
    let w = store::load_path(&out_path).unwrap().workshop;
    assert_eq!(w.changes[0].title, "Café move");
    let ops = &w.changes[0].placements[&PerspectiveId::new("ops")];
    assert_eq!((ops.likelihood, ops.impact), (2, 4));

    std::fs::remove_file(&out_path).unwrap();
    let out = import(&csv, &out_path, &["--column", "Nope=title"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("--column \"Nope\": the file has no such column"),
        "{}",
        stderr(&out)
    );
    let out = import(&csv, &out_path, &["--column", "Name=priority"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown role 'priority'"),
        "{}",
        stderr(&out)
    );
    let out = import(&csv, &out_path, &["--delimiter", "|"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown delimiter"),
        "{}",
        stderr(&out)
    );
    assert!(!out_path.exists());
}

#[test]
fn a_broken_quote_is_printed_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("w.parallax");
    let out = import(&export("broken-quote.csv"), &out_path, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("warning: line 3: a quote opens here and is never closed"),
        "{stdout}"
    );
}

#[test]
fn a_fifo_is_refused_instead_of_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("changes.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut child = cli()
        .arg("import")
        .arg(&fifo)
        .arg("--out")
        .arg(dir.path().join("w.parallax"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the import waited on the FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("not a regular file"), "{err}");
}
