//! `parallax-cli check` as a user runs it: the real binary, real files, exit codes and messages.

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
