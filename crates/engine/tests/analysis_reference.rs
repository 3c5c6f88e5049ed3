//! The analysis against reference implementations: scikit-learn's quadratic-weighted
//! `cohen_kappa_score` and the PyPI `krippendorff` package's ordinal alpha, whose values
//! `scripts/reference_stats.py` stored in `tests/reference/expected.json` for the workshops beside
//! it; the exact and within-one agreement counted directly there; and the 95% bootstrap
//! intervals of both statistics, which the script computes with those packages on the very same
//! resamples (it re-implements the engine's seeded generator). Python is not needed here: the values are read from the file. Also the means of the gaps
//! and every undefined case (which must come back as null with the same reason code). For a
//! workshop with people in the room, also each perspective's alpha over its members' answers and
//! how far members are from their perspective's median (`within`).

use std::path::{Path, PathBuf};

use parallax_engine::analysis::{self, AnalysisOptions, AxisAgreement};
use serde_json::Value;

const TOLERANCE: f64 = 1e-9;

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(reference_dir().join("expected.json"))
        .expect("tests/reference/expected.json exists");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

fn code(reason: &Option<analysis::UndefinedReason>) -> Value {
    match reason {
        Some(r) => serde_json::to_value(r.code).expect("a code serialises"),
        None => Value::Null,
    }
}

/// Compares a value the engine computed with the stored one; both null is a match.
fn check_number(what: &str, ours: Option<f64>, theirs: &Value) {
    match (ours, theirs.as_f64()) {
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= TOLERANCE,
            "{what}: engine {a} vs reference {b} (difference {:e})",
            (a - b).abs()
        ),
        (None, None) => assert!(theirs.is_null(), "{what}: reference is {theirs}"),
        (a, _) => panic!("{what}: engine {a:?} vs reference {theirs}"),
    }
    if let Some(a) = ours {
        assert!(a.is_finite(), "{what} is not finite");
    }
}

/// Compares a bootstrap interval with the stored one; both null is a match.
fn check_interval(what: &str, ours: Option<[f64; 2]>, theirs: &Value) {
    match ours {
        Some([low, high]) => {
            check_number(&format!("{what} low"), Some(low), &theirs[0]);
            check_number(&format!("{what} high"), Some(high), &theirs[1]);
            assert!(low <= high, "{what}: {low} > {high}");
        }
        None => assert!(theirs.is_null(), "{what}: reference is {theirs}"),
    }
}

fn check_axis(what: &str, ours: &AxisAgreement, theirs: &Value) -> usize {
    assert_eq!(
        Some(u64::from(ours.levels)),
        theirs["levels"].as_u64(),
        "{what}: levels"
    );
    assert_eq!(
        Some(ours.compared as u64),
        theirs["compared"].as_u64(),
        "{what}: compared"
    );
    assert_eq!(
        Some(ours.alpha_changes as u64),
        theirs["alpha_changes"].as_u64(),
        "{what}: changes alpha counts"
    );
    check_number(
        &format!("{what} mean signed gap"),
        ours.mean_signed_gap,
        &theirs["mean_signed_gap"],
    );
    check_number(
        &format!("{what} mean absolute gap"),
        ours.mean_abs_gap,
        &theirs["mean_abs_gap"],
    );
    check_number(
        &format!("{what} weighted kappa"),
        ours.weighted_kappa,
        &theirs["weighted_kappa"],
    );
    check_number(
        &format!("{what} Krippendorff's alpha"),
        ours.krippendorff_alpha,
        &theirs["krippendorff_alpha"],
    );
    assert_eq!(
        code(&ours.weighted_kappa_undefined),
        theirs["weighted_kappa_undefined"],
        "{what}: why kappa is undefined"
    );
    assert_eq!(
        code(&ours.krippendorff_alpha_undefined),
        theirs["krippendorff_alpha_undefined"],
        "{what}: why alpha is undefined"
    );
    check_number(
        &format!("{what} exact agreement"),
        ours.exact_agreement,
        &theirs["exact_agreement"],
    );
    check_number(
        &format!("{what} within-one agreement"),
        ours.within_one_agreement,
        &theirs["within_one_agreement"],
    );
    check_interval(
        &format!("{what} kappa interval"),
        ours.kappa_ci,
        &theirs["kappa_ci"],
    );
    check_interval(
        &format!("{what} alpha interval"),
        ours.alpha_ci,
        &theirs["alpha_ci"],
    );
    assert_eq!(
        ours.kappa_ci.is_some(),
        ours.weighted_kappa.is_some(),
        "{what}"
    );
    assert_eq!(
        ours.alpha_ci.is_some(),
        ours.krippendorff_alpha.is_some(),
        "{what}"
    );
    // A null value always has a reason, and a value never has one.
    assert_eq!(
        ours.weighted_kappa.is_none(),
        ours.weighted_kappa_undefined.is_some()
    );
    assert_eq!(
        ours.krippendorff_alpha.is_none(),
        ours.krippendorff_alpha_undefined.is_some()
    );
    usize::from(ours.weighted_kappa.is_some()) + usize::from(ours.krippendorff_alpha.is_some())
}

#[test]
fn kappa_alpha_and_gaps_equal_the_reference_implementations() {
    let expected = expected();
    let results = expected["results"].as_array().expect("results is a list");
    let mut defined_files = std::collections::BTreeSet::new();
    let mut three_or_more_with_missing = false;
    for r in results {
        let file = r["file"].as_str().expect("file name");
        let loaded = parallax_engine::store::load_path(&reference_dir().join(file))
            .unwrap_or_else(|e| panic!("{file} loads: {e}"));
        let w = &loaded.workshop;
        let options = AnalysisOptions {
            from: r["from"].as_str().map(str::to_owned),
            to: r["to"].as_str().map(str::to_owned),
            ..AnalysisOptions::default()
        };
        let a = analysis::analyse(w, &options).unwrap_or_else(|e| panic!("{file}: {e}"));
        let what = format!("{file} {}→{}", a.pair.from_id, a.pair.to_id);
        let defined = check_axis(
            &format!("{what} likelihood"),
            &a.likelihood,
            &r["likelihood"],
        ) + check_axis(&format!("{what} impact"), &a.impact, &r["impact"]);
        if defined == 4 {
            defined_files.insert(file.to_owned());
            let missing = w
                .changes
                .iter()
                .any(|c| c.placements.len() < w.perspectives.len());
            if w.perspectives.len() >= 3 && missing {
                three_or_more_with_missing = true;
            }
        }
    }
    assert!(
        defined_files.len() >= 3,
        "at least three datasets with every statistic defined: {defined_files:?}"
    );
    assert!(
        three_or_more_with_missing,
        "a dataset with three or more perspectives and missing placements"
    );
}

#[test]
fn agreement_inside_each_perspective_equals_the_reference_implementation() {
    let expected = expected();
    let mut defined = 0;
    for r in expected["results"].as_array().expect("results is a list") {
        let file = r["file"].as_str().expect("file name");
        let loaded = parallax_engine::store::load_path(&reference_dir().join(file))
            .unwrap_or_else(|e| panic!("{file} loads: {e}"));
        let a = analysis::analyse(&loaded.workshop, &AnalysisOptions::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let Some(theirs) = r.get("within") else {
            assert!(a.within.is_empty(), "{file}: nobody joined, nothing inside");
            continue;
        };
        for axis in ["likelihood", "impact"] {
            let theirs = theirs[axis].as_object().expect("per perspective");
            assert_eq!(theirs.len(), a.within.len(), "{file} {axis}: perspectives");
            for p in &a.within {
                let ours = if axis == "likelihood" {
                    &p.likelihood
                } else {
                    &p.impact
                };
                let t = &theirs[&p.id.0];
                let what = format!("{file} inside {} {axis}", p.id);
                assert_eq!(
                    Some(ours.changes as u64),
                    t["changes"].as_u64(),
                    "{what}: changes"
                );
                check_number(
                    &format!("{what} Krippendorff's alpha"),
                    ours.krippendorff_alpha,
                    &t["krippendorff_alpha"],
                );
                assert_eq!(
                    code(&ours.krippendorff_alpha_undefined),
                    t["krippendorff_alpha_undefined"],
                    "{what}: why alpha is undefined"
                );
                check_number(
                    &format!("{what} mean distance from the median"),
                    ours.mean_abs_from_median,
                    &t["mean_abs_from_median"],
                );
                defined += usize::from(ours.krippendorff_alpha.is_some());
            }
        }
    }
    assert!(
        defined >= 4,
        "alpha defined inside at least two perspectives on both axes"
    );
}

#[test]
fn every_reference_workshop_is_covered() {
    let expected = expected();
    let covered: Vec<&str> = expected["results"]
        .as_array()
        .expect("results is a list")
        .iter()
        .filter_map(|r| r["file"].as_str())
        .collect();
    for entry in std::fs::read_dir(reference_dir()).expect("the reference folder") {
        let name = entry.expect("a folder entry").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".parallax") {
            assert!(
                covered.contains(&name.as_ref()),
                "{name} has no stored reference values: run scripts/reference_stats.py"
            );
        }
    }
}

#[test]
fn the_analysis_serialises_without_nan_or_infinity() {
    for entry in std::fs::read_dir(reference_dir()).expect("the reference folder") {
        let path = entry.expect("a folder entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("parallax") {
            continue;
        }
        let loaded = parallax_engine::store::load_path(&path).expect("loads");
        let a = analysis::analyse(&loaded.workshop, &AnalysisOptions::default()).expect("analyses");
        // serde_json refuses NaN and infinity (it writes null for them in a Value, which would
        // break the "null means undefined, with a reason" rule): check the text round-trips.
        let text = serde_json::to_string(&a).expect("serialises");
        let back: Value = serde_json::from_str(&text).expect("parses");
        for axis in ["likelihood", "impact"] {
            for stat in ["weighted_kappa", "krippendorff_alpha"] {
                let value = &back[axis][stat];
                let why = &back[axis][format!("{stat}_undefined")];
                assert!(
                    value.is_null() != why.is_null(),
                    "{}: {axis}.{stat} = {value}, reason {why}",
                    path.display()
                );
            }
        }
        assert!(!a.summary.is_empty());
    }
}
