//! The shell's chart commands through Tauri's mock runtime: the gap map the window shows (nothing
//! while placements are hidden) and the trend across workshops (files only read, never locked or
//! written, at most the documented number).

use std::path::Path;

use parallax_app::state::AppState;
use serde_json::{json, Value};
use tauri::Manager;

mod common;
use common::Harness;

/// Every file in `dir` with its bytes: a lock taken or a byte written shows as a difference.
fn folder(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_gap_map_is_nothing_while_placements_are_hidden_and_the_engines_chart_after_reveal() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    // Ops rates c1 and c2 more likely than Dev, c3 more severe.
    for (change, who, l, i) in [
        ("c1", "dev", 1, 3),
        ("c1", "ops", 4, 3),
        ("c2", "dev", 2, 2),
        ("c2", "ops", 4, 2),
        ("c3", "dev", 2, 1),
        ("c3", "ops", 2, 4),
    ] {
        h.ok(
            "apply_edit",
            json!({ "edit": { "kind": "place", "change": change, "perspective": who,
                    "cell": { "likelihood": l, "impact": i }, "rationale": "" } }),
        );
    }
    // Blind and placing: nothing, for every viewer and either order of the pair.
    for viewer in [json!("ops"), json!("dev"), Value::Null] {
        h.ok("set_viewer", json!({ "active": viewer }));
        let got = h.ok("gap_map", json!({ "from": "dev", "to": "ops" }));
        assert_eq!(got, Value::Null, "hidden: {got}");
        let got = h.ok("gap_map", json!({ "from": null, "to": null }));
        assert_eq!(got, Value::Null);
    }
    h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_phase", "phase": "revealed" } }),
    );
    let svg = h.ok("gap_map", json!({ "from": "Dev", "to": "ops" }));
    let svg = svg.as_str().expect("SVG text after Reveal");
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(
        svg.contains("mostly about likelihood 2") && svg.contains("mostly about impact 1"),
        "the chart's subtitle counts the classes"
    );
    // The same chart the engine draws for an export of the open workshop.
    let expected = {
        let state = h.window.state::<AppState>();
        let session = state.lock().unwrap();
        let w = session.doc.workshop();
        let chart = parallax_engine::export::chart::Chart::GapMap {
            from: parallax_engine::PerspectiveId::new("dev"),
            to: parallax_engine::PerspectiveId::new("ops"),
        };
        let bytes = parallax_engine::export::chart::render(
            w,
            &chart,
            parallax_engine::export::ImageFormat::Svg,
            parallax_engine::export::ChartSize::HD,
        )
        .unwrap();
        String::from_utf8(bytes).unwrap()
    };
    assert_eq!(svg, expected);
    let err = h
        .call("gap_map", json!({ "from": "dev", "to": "qa" }))
        .unwrap_err();
    assert_eq!(err["code"], "bad_request");
}

#[test]
fn a_trend_reads_the_chosen_workshops_lists_the_broken_and_missing_ones_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut good = parallax_engine::sample::workshop();
    for (i, c) in good.changes.iter_mut().enumerate() {
        for (who, l) in [("dev", 1), ("ops", 1 + (i % 3) as u8)] {
            c.placements.insert(
                parallax_engine::PerspectiveId::new(who),
                parallax_engine::Placement {
                    likelihood: l,
                    impact: 2,
                    rationale: String::new(),
                    placed_at_ms: 1_767_225_600_000,
                    spread: None,
                },
            );
        }
    }
    parallax_engine::store::save_path(&dir.path().join("a-good.parallax"), &good).unwrap();
    std::fs::write(dir.path().join("b-broken.parallax"), b"{ not a workshop").unwrap();
    std::fs::write(dir.path().join("c-missing.parallax"), b"").unwrap();
    let h = Harness::new(dir.path(), None);

    // The dialog (answered from the test folder) chooses all three, in name order.
    let chosen = h.ok("choose_trend_workshops", json!({}));
    let names: Vec<&str> = chosen
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["a-good.parallax", "b-broken.parallax", "c-missing.parallax"]
    );
    // Choosing again keeps each file once, at its place.
    assert_eq!(h.ok("choose_trend_workshops", json!({})), chosen);
    std::fs::remove_file(dir.path().join("c-missing.parallax")).unwrap();
    let before = folder(dir.path());

    let sources: Vec<Value> = (0..3)
        .map(|i| json!({ "kind": "chosen", "index": i }))
        .collect();
    let report = h.ok(
        "trend",
        json!({ "workshops": sources, "from": "Dev", "to": "Ops" }),
    );
    let points = report["points"].as_array().unwrap();
    assert_eq!(points.len(), 1, "{report}");
    assert_eq!(points[0]["title"], "Sample: platform changes");
    assert_eq!(points[0]["date"], "2026-01-01");
    assert_eq!(points[0]["date_source"], "placements");
    assert_eq!(points[0]["pair"]["from"], "Dev");
    assert_eq!(points[0]["compared"], 8);
    assert_eq!(points[0]["dominant_counts"]["likelihood"], 5);
    assert_eq!(points[0]["dominant_counts"]["agree"], 3);
    let failed = report["failed"].as_array().unwrap();
    let failed: Vec<(&str, &str)> = failed
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0].0, "b-broken.parallax");
    assert_eq!(failed[1].0, "c-missing.parallax");
    assert!(!failed[0].1.is_empty() && !failed[1].1.is_empty());
    let svg = report["chart_svg"].as_str().expect("the trend chart");
    assert!(svg.starts_with("<svg") && svg.contains("Dev and Ops across workshops"));
    // Nothing written, no lock taken, and the open workshop is still the sample.
    assert_eq!(folder(dir.path()), before);
    assert_eq!(
        h.ok("get_workshop", json!({}))["workshop"]["title"],
        "Sample: platform changes"
    );
    assert_eq!(h.ok("get_workshop", json!({}))["file_name"], Value::Null);

    // An index that names nothing, and more workshops than a trend follows, are refused.
    let err = h
        .call(
            "trend",
            json!({ "workshops": [{ "kind": "chosen", "index": 7 }], "from": null, "to": null }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "bad_request");
    let err = h
        .call(
            "trend",
            json!({ "workshops": [{ "kind": "recent", "index": 0 }], "from": null, "to": null }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "bad_request", "no recent list in this test");
}

#[test]
fn a_trend_follows_at_most_the_documented_number_of_workshops() {
    let dir = tempfile::tempdir().unwrap();
    let limit = parallax_app::trends::MAX_TREND_WORKSHOPS;
    for i in 0..=limit {
        std::fs::write(dir.path().join(format!("w{i:03}.parallax")), b"{}").unwrap();
    }
    let h = Harness::new(dir.path(), None);
    let chosen = h.ok("choose_trend_workshops", json!({}));
    assert_eq!(chosen.as_array().unwrap().len(), limit + 1);
    let all: Vec<Value> = (0..=limit)
        .map(|i| json!({ "kind": "chosen", "index": i }))
        .collect();
    let err = h
        .call(
            "trend",
            json!({ "workshops": all, "from": null, "to": null }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "bad_request");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains(&limit.to_string()));
    let some: Vec<Value> = (0..limit)
        .map(|i| json!({ "kind": "chosen", "index": i }))
        .collect();
    let report = h.ok(
        "trend",
        json!({ "workshops": some, "from": null, "to": null }),
    );
    assert_eq!(report["failed"].as_array().unwrap().len(), limit);
    assert_eq!(report["chart_svg"], Value::Null);
}
