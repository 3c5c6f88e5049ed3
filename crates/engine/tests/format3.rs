//! Format 3 in the `.parallax` file: level anchors, who proposed a mitigation, calibration
//! changes. A format-2 file loads unchanged (no anchor, no proposer, nothing for calibration)
//! and saves as it was but for `schema_version`; a format-2 file holding a format-3 field is
//! refused with its path; a format-3 file reads back exactly; and a file from a newer Parallax
//! still opens read-only.

use std::path::{Path, PathBuf};

use parallax_engine::{store, PerspectiveId};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn a_format_2_file_loads_as_format_3_and_saves_as_it_was_but_for_the_version() {
    let path = fixture("v2-workshop.parallax");
    let loaded = store::load_path(&path).unwrap();
    assert_eq!(loaded.migrated_from, Some(2));
    assert!(loaded.read_only.is_none());
    let w = &loaded.workshop;
    assert!(w
        .matrix
        .likelihood
        .iter()
        .chain(&w.matrix.impact)
        .all(|l| l.anchor.is_empty()));
    assert!(w.changes.iter().all(|c| !c.calibration));
    assert!(w
        .changes
        .iter()
        .flat_map(|c| &c.mitigations)
        .all(|m| m.proposed_by.is_none()));

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("march.parallax");
    std::fs::copy(&path, &copy).unwrap();
    store::save(
        &copy,
        w,
        &store::Expect::Unchanged(loaded.fingerprint.clone()),
    )
    .unwrap();
    let again = store::load_path(&copy).unwrap();
    assert_eq!(again.migrated_from, None);
    assert_eq!(&again.workshop, w);
    let mut saved = json_of(&std::fs::read(&copy).unwrap());
    let mut old = json_of(&std::fs::read(&path).unwrap());
    assert_eq!(saved["schema_version"], 3);
    saved.as_object_mut().unwrap().remove("schema_version");
    old.as_object_mut().unwrap().remove("schema_version");
    assert_eq!(saved, old, "nothing but the version differs");
}

#[test]
fn a_format_2_file_holding_a_format_3_field_is_refused_with_the_path() {
    let err = store::load_path(&fixture("v2-with-format-3-fields.parallax"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("change 1 (changes[0].calibration): is not part of format 2"),
        "{err}"
    );
}

#[test]
fn a_format_3_file_reads_back_exactly() {
    let path = fixture("v3-calibration.parallax");
    let loaded = store::load_path(&path).unwrap();
    assert_eq!(loaded.migrated_from, None);
    let w = loaded.workshop;
    assert_eq!(
        w.matrix.likelihood[2].label_with_anchor(),
        "Likely (about 1 in 10 such changes)"
    );
    assert!(w.changes[0].calibration && !w.changes[1].calibration);
    let by: Vec<_> = w.changes[1]
        .mitigations
        .iter()
        .map(|m| m.proposed_by.clone())
        .collect();
    assert_eq!(
        by,
        [
            Some(PerspectiveId::new("ops")),
            Some(PerspectiveId::new("dev"))
        ]
    );

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("april.parallax");
    store::save(&copy, &w, &store::Expect::Anything).unwrap();
    assert_eq!(store::load_path(&copy).unwrap().workshop, w);
    assert_eq!(
        json_of(&std::fs::read(&copy).unwrap()),
        json_of(&std::fs::read(&path).unwrap())
    );

    // A proposer that is not a perspective is refused with its path.
    let mut bad = json_of(&std::fs::read(&path).unwrap());
    bad["changes"][1]["mitigations"][0]["proposed_by"] = "qa".into();
    let err = store::load_bytes(&serde_json::to_vec(&bad).unwrap())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "change 2, mitigation 1 (changes[1].mitigations[0].proposed_by): \"qa\" is not a perspective of this workshop"
    );

    // The same file from a newer Parallax opens read-only.
    let mut newer = json_of(&std::fs::read(&path).unwrap());
    newer["schema_version"] = 4.into();
    let opened = store::load_bytes(&serde_json::to_vec(&newer).unwrap()).unwrap();
    assert!(opened.read_only.unwrap().contains("file format 4"));
    assert_eq!(opened.workshop, w);
}
