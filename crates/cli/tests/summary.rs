//! `parallax-cli summary` as a user runs it: the real binary on the engine's reference workshops,
//! text and JSON output, choosing the pair, undefined statistics as null with a reason, and exit
//! code 1 with a message for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parallax-cli"))
}

fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/reference")
        .join(name)
}

fn summary(args: &[&str]) -> Output {
    cli().arg("summary").args(args).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = summary(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stored(file: &str, from: &str, to: &str) -> Value {
    let text = std::fs::read_to_string(reference("expected.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == file && r["from"] == from && r["to"] == to)
        .cloned()
        .unwrap()
}

#[test]
fn json_has_the_documented_keys_and_the_reference_values() {
    let file = reference("dev-ops-5x5.parallax");
    let before = std::fs::read(&file).unwrap();
    let v = json(&[file.to_str().unwrap(), "--json"]);
    assert_eq!(v["pair"]["from"], "Dev");
    assert_eq!(v["pair"]["to"], "Ops");
    let names: Vec<&str> = v["perspectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Dev", "Ops"]);
    let expected = stored("dev-ops-5x5.parallax", "dev", "ops");
    for axis in ["likelihood", "impact"] {
        for key in [
            "mean_signed_gap",
            "mean_abs_gap",
            "weighted_kappa",
            "krippendorff_alpha",
        ] {
            let ours = v[axis][key].as_f64().unwrap();
            let theirs = expected[axis][key].as_f64().unwrap();
            assert!(
                (ours - theirs).abs() < 1e-9,
                "{axis}.{key}: {ours} vs {theirs}"
            );
        }
    }
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 14);
    assert_eq!(changes[0]["title"], "Change 1");
    assert_eq!(changes[0]["likelihood_gap"], 2);
    assert_eq!(changes[0]["impact_gap"], 0);
    assert_eq!(changes[0]["band_differs"], true);
    // Placed by Dev only, by Ops only, by neither: null gaps, never 0.
    for (i, placed) in [(8, "from_only"), (11, "to_only"), (13, "neither")] {
        assert_eq!(changes[i]["placed"], placed);
        assert!(changes[i]["likelihood_gap"].is_null());
        assert!(changes[i]["impact_gap"].is_null());
        assert!(changes[i]["band_differs"].is_null());
    }
    assert!(v["summary"]
        .as_str()
        .unwrap()
        .contains("Ops rated likelihood higher than Dev"));
    assert!(v["queue"].as_array().unwrap().len() > 1);
    assert!(v["candidates"].is_array());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "summary never modifies the file"
    );
}

#[test]
fn undefined_statistics_are_null_with_a_reason() {
    let v = json(&[
        reference("degenerate-3x3.parallax").to_str().unwrap(),
        "--json",
    ]);
    assert!(v["likelihood"]["weighted_kappa"].is_null());
    assert_eq!(
        v["likelihood"]["weighted_kappa_undefined"]["code"],
        "no_variation"
    );
    assert!(v["likelihood"]["weighted_kappa_undefined"]["reason"]
        .as_str()
        .unwrap()
        .contains("same level"));
    assert!(v["likelihood"]["krippendorff_alpha"].is_null());
    assert!(v["impact"]["weighted_kappa"].is_number());
    assert!(v["impact"]["weighted_kappa_undefined"].is_null());
}

#[test]
fn the_pair_can_be_chosen_by_name() {
    let file = reference("three-perspectives-4x5.parallax");
    let v = json(&[
        file.to_str().unwrap(),
        "--json",
        "--from",
        "ops",
        "--to",
        "Security",
    ]);
    assert_eq!(v["pair"]["from"], "Ops");
    assert_eq!(v["pair"]["to"], "Security");
    let expected = stored("three-perspectives-4x5.parallax", "ops", "sec");
    let ours = v["impact"]["weighted_kappa"].as_f64().unwrap();
    let theirs = expected["impact"]["weighted_kappa"].as_f64().unwrap();
    assert!((ours - theirs).abs() < 1e-9);
}

#[test]
fn text_output_reads_out_the_sentence_and_the_table() {
    let out = summary(&[reference("dev-ops-5x5.parallax").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "Reference: Dev and Ops, 5x5 — Dev → Ops: 11 of 14 changes placed by both"
        ),
        "{text}"
    );
    assert!(
        text.contains("Ops rated likelihood higher than Dev"),
        "{text}"
    );
    assert!(text.contains("Likelihood"), "{text}");
    assert!(
        text.contains("not compared: Ops has not placed it"),
        "{text}"
    );
    assert!(text.contains("Discussion queue"), "{text}");

    let out = summary(&[reference("single-change-5x5.parallax").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("weighted κ is undefined: only one change can be compared"),
        "{text}"
    );
}

#[test]
fn bad_input_exits_1_with_a_message() {
    let out = summary(&[
        reference("dev-ops-5x5.parallax").to_str().unwrap(),
        "--from",
        "QA",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no perspective is called \"QA\"; the workshop has Dev, Ops"),
        "{stderr}"
    );

    let out = summary(&[
        reference("dev-ops-5x5.parallax").to_str().unwrap(),
        "--from",
        "Dev",
        "--to",
        "dev",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot compare"));

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.parallax");
    let out = summary(&[missing.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(missing.to_str().unwrap()));

    let garbage = dir.path().join("garbage.parallax");
    std::fs::write(&garbage, b"{\"format\": 3").unwrap();
    let out = summary(&[garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_closed_pipe_is_not_a_panic() {
    // Like `parallax-cli summary FILE | head -1`: the reader goes away before the output is written.
    let mut child = cli()
        .arg("summary")
        .arg(reference("random-7x7.parallax"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn json_has_the_agreement_shares_intervals_and_dominant_counts() {
    let v = json(&[
        reference("dev-ops-5x5.parallax").to_str().unwrap(),
        "--json",
    ]);
    let expected = stored("dev-ops-5x5.parallax", "dev", "ops");
    for axis in ["likelihood", "impact"] {
        for key in ["exact_agreement", "within_one_agreement"] {
            let ours = v[axis][key].as_f64().unwrap();
            let theirs = expected[axis][key].as_f64().unwrap();
            assert!(
                (ours - theirs).abs() < 1e-9,
                "{axis}.{key}: {ours} vs {theirs}"
            );
        }
        for (ci, stat) in [
            ("kappa_ci", "weighted_kappa"),
            ("alpha_ci", "krippendorff_alpha"),
        ] {
            let pair = v[axis][ci].as_array().unwrap();
            assert_eq!(pair.len(), 2, "{axis}.{ci}");
            let (low, high) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
            let theirs = &expected[axis][ci];
            assert!(
                (low - theirs[0].as_f64().unwrap()).abs() < 1e-9,
                "{axis}.{ci}"
            );
            assert!(
                (high - theirs[1].as_f64().unwrap()).abs() < 1e-9,
                "{axis}.{ci}"
            );
            let point = v[axis][stat].as_f64().unwrap();
            assert!(
                low <= point && point <= high,
                "{axis}.{ci}: {low} {point} {high}"
            );
        }
    }
    let counts = &v["dominant_counts"];
    let sum: u64 = ["likelihood", "impact", "both", "agree"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
    assert_eq!(sum, v["compared"].as_u64().unwrap());
    let shape = v["disagreement_summary"].as_str().unwrap();
    assert!(
        shape.contains("disagreements between Dev and Ops are about likelihood"),
        "{shape}"
    );
    assert_eq!(v["reliability"]["stability"], "readable");
    assert_eq!(v["reliability"]["threshold"], 10);
    for q in v["queue"].as_array().unwrap() {
        assert!(q["about"].as_str().unwrap().starts_with("about "), "{q}");
        assert!(q["tied_with"].is_array());
    }

    // Undefined statistics have no interval; with nothing varied the shares are still there.
    let v = json(&[
        reference("degenerate-3x3.parallax").to_str().unwrap(),
        "--json",
    ]);
    assert!(v["likelihood"]["kappa_ci"].is_null());
    assert!(v["likelihood"]["alpha_ci"].is_null());
    assert_eq!(v["likelihood"]["exact_agreement"], 1.0);
    assert!(v["impact"]["kappa_ci"].is_array());
    assert_eq!(v["reliability"]["stability"], "too_few_changes");
    assert_eq!(v["dominant_counts"]["impact"], 2);
}

#[test]
fn text_output_shows_the_shape_the_shares_and_how_far_to_trust_them() {
    let out = summary(&[reference("dev-ops-5x5.parallax").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("disagreements between Dev and Ops are about likelihood"),
        "{text}"
    );
    assert!(
        text.contains("same level") && text.contains("within one"),
        "{text}"
    );
    assert!(
        text.contains("Likelihood 95% bootstrap intervals: weighted κ "),
        "{text}"
    );
    assert!(
        text.contains("The agreement figures rest on 11 changes placed by both Dev and Ops."),
        "{text}"
    );
    assert!(
        text.contains(" — about likelihood: likelihood spread"),
        "{text}"
    );

    let out = summary(&[reference("single-change-5x5.parallax").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "Only 1 change is placed by both Dev and Ops; with fewer than 10 the agreement \
             figures are too unstable to read much into."
        ),
        "{text}"
    );
    assert!(!text.contains("bootstrap intervals"), "{text}");
}
