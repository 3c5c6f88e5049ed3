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
            "{}: change 4 (changes[3].placements.ops.impact): 9 is outside 1..=5",
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
        stdout.contains("(file format 0; Parallax would save it as format 3)"),
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

/// What `check` printed, as bytes, holds nothing a terminal would act on: no control character
/// but the line break (C0, DEL, C1 — in UTF-8 a C1 is 0xC2 then 0x80..=0x9F) and no
/// bidirectional override or isolate.
fn terminal_safe(bytes: &[u8]) -> Result<(), String> {
    if let Some(b) = bytes
        .iter()
        .find(|&&b| (b < 0x20 && b != b'\n') || b == 0x7f)
    {
        return Err(format!("byte 0x{b:02x}"));
    }
    if bytes
        .windows(2)
        .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
    {
        return Err("a C1 control".into());
    }
    let text = String::from_utf8_lossy(bytes);
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        return Err(format!("U+{:04X}", u32::from(c)));
    }
    Ok(())
}

#[test]
fn escape_sequences_from_a_hostile_file_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = parallax_engine::store::to_bytes(&parallax_engine::sample::workshop()).unwrap();
    let sample: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    // An OSC that retitles the window and a CSI that clears the screen, in a key; a CSI, a C1
    // CSI, DEL and a right-to-left override in a value; a carriage return and an override in
    // the title of a file that is otherwise valid.
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{7f}\u{202E}";
    let mut key = sample.clone();
    key["changes"][0][format!("note{evil}")] = serde_json::json!(1);
    let mut value = sample.clone();
    value["phase"] = serde_json::json!(format!("done{evil}"));
    let mut title = sample;
    title["title"] = serde_json::json!("Q3\r\u{202E}weiver \u{2066}changes\u{2069}\tok");
    let mut seen = Vec::new();
    for (name, v, code) in [
        ("key.parallax", key, 1),
        ("value.parallax", value, 1),
        (&*format!("name{evil}.parallax"), title.clone(), 0),
        ("title.parallax", title, 0),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
        let out = cli().arg("check").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{name}: {out:?}");
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            if let Err(what) = terminal_safe(bytes) {
                panic!(
                    "{name}: {stream} carries {what}: {:?}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
        seen.push(
            String::from_utf8_lossy(if code == 0 { &out.stdout } else { &out.stderr }).into_owned(),
        );
    }
    // What was there is shown, escaped, not dropped.
    assert!(
        seen[0].contains(
            "unknown field `note\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u007f\\u202e`"
        ),
        "{}",
        seen[0]
    );
    assert!(
        seen[1].contains("unknown variant `done\\u001b]0;pwned"),
        "{}",
        seen[1]
    );
    assert!(seen[2].contains("name\\u001b]0;pwned"), "{}", seen[2]);
    assert!(
        seen[3].contains("\"Q3\\u000d\\u202eweiver \\u2066changes\\u2069\\u0009ok\""),
        "{}",
        seen[3]
    );
}
