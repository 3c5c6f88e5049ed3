//! `parallax-cli check` as a user runs it: the real binary, real files, exit codes and messages.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parallax-cli"))
}

#[test]
fn a_valid_file_exits_0_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.parallax");
    parallax_engine::store::save_path(&path, &parallax_engine::sample::workshop()).unwrap();
    let before = std::fs::read(&path).unwrap();
    let out = cli().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("valid — \"Sample: platform changes\", 8 changes"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "check never modifies the file"
    );
}

#[test]
fn a_bad_file_exits_1_naming_the_json_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.parallax");
    let bytes = parallax_engine::store::to_bytes(&parallax_engine::sample::workshop()).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["changes"][3]["placements"] =
        serde_json::json!({"ops": {"likelihood": 2, "impact": 9, "placed_at_ms": 0}});
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = cli().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "{}: changes[3].placements.ops.impact: 9 is outside 1..=5",
            path.display()
        )
    );
}

#[test]
fn missing_file_and_bad_usage_exit_1() {
    let out = cli()
        .args(["check", "/nonexistent/x.parallax"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.parallax"));
    let out = cli().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// The engine's hostile corpus and the message each file must produce (`hostile.expected`).
fn corpus() -> Vec<(PathBuf, Option<String>)> {
    let engine = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests");
    std::fs::read_to_string(engine.join("hostile.expected"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, message) = l.split_once('\t').unwrap();
            let message = (message != "-").then(|| message.to_owned());
            (engine.join("hostile").join(name), message)
        })
        .collect()
}

/// `expected` is the start of `message`, or, split at `…`, its pieces appear in order.
fn matches(message: &str, expected: &str) -> bool {
    let mut rest = message;
    for (i, piece) in expected.split('…').enumerate() {
        let found = if i == 0 {
            rest.strip_prefix(piece)
        } else {
            rest.find(piece).map(|at| &rest[at + piece.len()..])
        };
        match found {
            Some(r) => rest = r,
            None => return false,
        }
    }
    true
}

fn bytes_of(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn every_hostile_file_gets_exit_1_and_its_message_and_is_never_modified() {
    let files = corpus();
    assert!(files.len() >= 40, "the corpus is there");
    let mut failures = Vec::new();
    for (path, expected) in files {
        let before = bytes_of(&path);
        let out = cli().arg("check").arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).trim_end().to_owned();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let name = path.display().to_string();
        match &expected {
            None => {
                if out.status.code() != Some(0) || !stdout.starts_with(&format!("{name}: valid")) {
                    failures.push(format!("{name}: expected valid, got {out:?}"));
                }
            }
            Some(message) => {
                let ok = out.status.code() == Some(1)
                    && stderr.lines().count() == 1
                    && stderr
                        .strip_prefix(&format!("{name}: "))
                        .is_some_and(|rest| matches(rest, message));
                if !ok {
                    failures.push(format!(
                        "{name}: expected exit 1 and {message:?}, got {:?} {stderr:?}",
                        out.status.code()
                    ));
                }
            }
        }
        if bytes_of(&path) != before {
            failures.push(format!("{name}: check modified the file"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn big_hostile_files_made_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    // A 10 MB title.
    let valid = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/hostile/valid.parallax"),
    )
    .unwrap();
    let path = dir.path().join("ten-mb-title.parallax");
    let title = "x".repeat(10_000_000);
    std::fs::write(
        &path,
        valid.replacen("\"Hostile corpus base\"", &format!("\"{title}\""), 1),
    )
    .unwrap();
    let out = cli().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!(
            "{}: title: is 10000000 characters long; at most 500 are allowed",
            path.display()
        )
    );
    // Over the size limit (sparse: nothing is written or read).
    let path = dir.path().join("too-large.parallax");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(32 * 1024 * 1024 + 1)
        .unwrap();
    let out = cli().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Parallax opens workshops of at most"));
    // A folder and a device.
    for path in [dir.path(), Path::new("/dev/zero")] {
        let out = cli().arg("check").arg(path).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
    }
}

#[test]
fn an_old_format_file_is_checked_and_left_as_it_is() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/v0-workshop.parallax");
    let before = bytes_of(&path);
    let out = cli().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("(file format 0; Parallax would save it as format 1)"),
        "{stdout}"
    );
    assert_eq!(bytes_of(&path), before);
}

#[test]
fn random_bytes_never_make_check_panic() {
    // A handful of runs of the real binary; the engine's property tests cover millions more
    // inputs in-process. Deterministic bytes (xorshift) so a failure repeats.
    let dir = tempfile::tempdir().unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..16 {
        let len = (round * 97) % 700;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly JSON punctuation, so the parser gets somewhere.
                b"{}[]\":,0123456789.eE-+tfnul \\a\xff\x00"[(x % 32) as usize]
            })
            .collect();
        let path = dir.path().join(format!("r{round}.parallax"));
        std::fs::write(&path, &bytes).unwrap();
        let out = cli().arg("check").arg(&path).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "round {round}: {:?}",
            out.status
        );
    }
}
