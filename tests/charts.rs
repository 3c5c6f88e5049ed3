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

/// The reference workshops `names` copied into `dir`, as a facilitator would have them.
fn reference_workshops(dir: &Path, names: &[&str]) {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/engine/tests/reference");
    for name in names {
        let file = format!("{name}.parallax");
        std::fs::copy(reference.join(&file), dir.join(&file)).unwrap();
    }
}

fn export_trend(h: &Harness, sources: &[Value], kind: &str) -> Result<Value, Value> {
    h.call(
        "export_trend",
        json!({ "workshops": sources, "from": null, "to": null, "kind": kind }),
    )
}

#[test]
fn the_trend_is_saved_as_png_svg_and_slides_never_over_a_workshop_and_nothing_on_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let names = ["dev-ops-5x5", "single-change-5x5", "three-perspectives-4x5"];
    reference_workshops(dir.path(), &names);
    let h = Harness::new(dir.path(), None);
    h.with_data_dir(data.path());
    h.ok("choose_trend_workshops", json!({}));
    let sources: Vec<Value> = (0..3)
        .map(|i| json!({ "kind": "chosen", "index": i }))
        .collect();
    let workshops = folder(dir.path());

    let title = "Dev and Ops across workshops";
    for (kind, extension) in [("png", "png"), ("svg", "svg"), ("deck", "pptx")] {
        let got = export_trend(&h, &sources, kind).unwrap();
        let name = format!("{title}.{extension}");
        assert_eq!(got["name"], name.as_str(), "{got}");
        assert_eq!(
            got["file"],
            dir.path().join(&name).display().to_string(),
            "in the folder of the latest workshop"
        );
        assert_eq!(got["workshops"], 3);
        assert_eq!(got["left_out"], 0);
        assert_eq!(got["template"], Value::Null);
        let bytes = std::fs::read(dir.path().join(&name)).unwrap();
        match extension {
            "png" => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n")),
            "svg" => assert!(String::from_utf8(bytes).unwrap().starts_with("<svg")),
            _ => {
                // A zip whose names are stored as written: the first slide is in it.
                assert!(bytes.starts_with(b"PK\x03\x04"));
                assert!(bytes.windows(21).any(|w| w == b"ppt/slides/slide1.xml"));
            }
        }
    }
    // The workshops are as they were, and nothing else appeared (no lock, backup or scrap).
    let after = folder(dir.path());
    for (name, bytes) in &workshops {
        assert_eq!(after.get(name), Some(bytes), "{name} is unchanged");
    }
    let mut added: Vec<&String> = after
        .keys()
        .filter(|n| !workshops.contains_key(*n))
        .collect();
    added.sort();
    assert_eq!(
        added,
        [
            &format!("{title}.png"),
            &format!("{title}.pptx"),
            &format!("{title}.svg")
        ]
    );

    // A file chosen that is one of the workshops (here through a link) is refused.
    let target = dir.path().join(format!("{title}.png"));
    std::fs::remove_file(&target).unwrap();
    std::os::unix::fs::symlink(dir.path().join("dev-ops-5x5.parallax"), &target).unwrap();
    let err = export_trend(&h, &sources, "png").unwrap_err();
    assert_eq!(err["code"], "cannot_save", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nothing was written"),
        "{err}"
    );
    assert!(std::fs::symlink_metadata(&target)
        .unwrap()
        .file_type()
        .is_symlink());
    std::fs::remove_file(&target).unwrap();
    for (name, bytes) in &workshops {
        assert_eq!(std::fs::read(dir.path().join(name)).unwrap(), *bytes);
    }

    // Slides go on the deck template remembered for the Export dialog, and say so.
    let picks = tempfile::tempdir().unwrap();
    let house = picks.path().join("house.pptx");
    common::house_template(&house);
    let chooser = Harness::new(picks.path(), None);
    chooser.with_data_dir(data.path());
    assert_eq!(
        chooser.ok("choose_export_template", json!({}))["name"],
        "house.pptx"
    );
    let slides = dir.path().join(format!("{title}.pptx"));
    std::fs::remove_file(&slides).unwrap();
    let got = export_trend(&h, &sources, "deck").unwrap();
    assert_eq!(got["template"], "house.pptx", "{got}");
    assert!(std::fs::read(&slides).unwrap().starts_with(b"PK\x03\x04"));
    // A chart is no deck: the template does not apply.
    assert_eq!(
        export_trend(&h, &sources, "svg").unwrap()["template"],
        Value::Null
    );

    // A remembered template that can no longer be read refuses the slides, writing nothing.
    std::fs::remove_file(&slides).unwrap();
    std::fs::rename(&house, picks.path().join("moved.pptx")).unwrap();
    let before = folder(dir.path());
    let err = export_trend(&h, &sources, "deck").unwrap_err();
    assert_eq!(err["code"], "cannot_open", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("house.pptx"),
        "{err}"
    );
    assert_eq!(folder(dir.path()), before);

    // Cancel (the test dialog's folder is gone): null, and nothing written anywhere.
    let gone = tempfile::tempdir().unwrap();
    let cancelling = Harness::new(&gone.path().join("gone"), None);
    let state = cancelling.window.state::<AppState>();
    let data = tempfile::tempdir().unwrap();
    state.data_dir.set(data.path().to_path_buf()).unwrap();
    for name in ["dev-ops-5x5", "single-change-5x5"] {
        parallax_app::recent::remember(
            data.path(),
            &dir.path().join(format!("{name}.parallax")),
            name,
        );
    }
    let recent: Vec<Value> = (0..2)
        .map(|i| json!({ "kind": "recent", "index": i }))
        .collect();
    for kind in ["png", "svg", "deck"] {
        assert_eq!(
            export_trend(&cancelling, &recent, kind).unwrap(),
            Value::Null
        );
    }
    assert_eq!(folder(dir.path()), before);
    assert_eq!(std::fs::read_dir(gone.path()).unwrap().count(), 0);

    // No workshop that can be read: nothing to save, and no dialog.
    std::fs::write(dir.path().join("z-broken.parallax"), b"{ not a workshop").unwrap();
    let broken = Harness::new(dir.path(), None);
    let chosen = broken.ok("choose_trend_workshops", json!({}));
    let last = chosen.as_array().unwrap().len() - 1;
    let err = export_trend(
        &broken,
        &[json!({ "kind": "chosen", "index": last })],
        "png",
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_request", "{err}");
}
