//! The room in the `.parallax` file (format 2, read today as format 3, which adds nothing the
//! room needs): a format-1 file loads unchanged and saves as it was but for `schema_version`; a
//! format-1 file holding the room's fields is refused; a format-2 file with participants,
//! answers and spreads reads back exactly; a newer file opens read-only; and the placements a
//! file holds are what the engine derives from its answers.

use std::path::{Path, PathBuf};

use parallax_engine::edit::{self, Edit};
use parallax_engine::{store, validate, ParticipantId, PerspectiveId};
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
fn a_format_1_file_loads_and_saves_as_it_was_but_for_the_version() {
    let path = fixture("v1-workshop.parallax");
    let loaded = store::load_path(&path).unwrap();
    assert_eq!(loaded.migrated_from, Some(1));
    assert!(loaded.read_only.is_none());
    let w = &loaded.workshop;
    assert!(w.participants.is_empty());
    assert!(w.changes.iter().all(|c| c.answers.is_empty()));
    assert!(w
        .changes
        .iter()
        .flat_map(|c| c.placements.values())
        .all(|p| p.spread.is_none()));

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("old.parallax");
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
    assert_eq!(saved["schema_version"], store::SCHEMA_VERSION);
    // Apart from the version, the same document (serde writes the defaults the file left out).
    saved.as_object_mut().unwrap().remove("schema_version");
    let typed: Value = serde_json::to_value(w).unwrap();
    assert_eq!(saved, {
        let mut t = typed;
        t.as_object_mut()
            .unwrap()
            .insert("format".into(), "parallax-workshop".into());
        t
    });
    for field in [
        "participants",
        "answers",
        "spread",
        "anchor",
        "proposed_by",
        "calibration",
    ] {
        let text = String::from_utf8(std::fs::read(&copy).unwrap()).unwrap();
        assert!(
            !text.contains(field),
            "{field} is written only when there is one"
        );
    }
}

#[test]
fn a_format_1_file_holding_the_room_is_refused_with_the_path() {
    let err = store::load_path(&fixture("v1-with-room-fields.parallax"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("participants: is not part of format 1"),
        "{err}"
    );
}

#[test]
fn a_format_2_room_reads_back_exactly_and_its_placements_are_derived_from_its_answers() {
    let path = fixture("v2-room.parallax");
    let loaded = store::load_path(&path).unwrap();
    assert_eq!(loaded.migrated_from, Some(2));
    let w = loaded.workshop;
    validate::check_workshop(&w).unwrap();
    assert_eq!(w.participants.len(), 4);
    assert_eq!(w.changes[0].answers.len(), 4);
    let dev = &w.changes[0].placements[&PerspectiveId::new("dev")];
    assert_eq!(
        (dev.likelihood, dev.impact),
        (1, 2),
        "the lower middle levels"
    );
    // What the file holds is what the engine derives: a member answering again the same way
    // changes nothing but the time.
    let mut again = w.clone();
    let answer = w.changes[0].answers[&ParticipantId::new("p2")].clone();
    let t = 1_764_000_011_000;
    edit::apply(
        &mut again,
        Edit::Answer {
            participant: ParticipantId::new("p2"),
            change: w.changes[0].id.clone(),
            answer: Some(answer),
        },
        t,
    )
    .unwrap();
    assert_eq!(again, w);

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("room.parallax");
    store::save(&copy, &w, &store::Expect::Anything).unwrap();
    let back = store::load_path(&copy).unwrap();
    assert_eq!(back.workshop, w);
    let mut typed = serde_json::to_value(&w).unwrap();
    let top = typed.as_object_mut().unwrap();
    top.insert("format".into(), "parallax-workshop".into());
    top.insert("schema_version".into(), store::SCHEMA_VERSION.into());
    assert_eq!(json_of(&std::fs::read(&copy).unwrap()), typed);

    // The same file from a newer Parallax opens read-only.
    let mut newer = json_of(&std::fs::read(&path).unwrap());
    newer["schema_version"] = (store::SCHEMA_VERSION + 1).into();
    let newer_path = dir.path().join("newer.parallax");
    std::fs::write(&newer_path, serde_json::to_vec(&newer).unwrap()).unwrap();
    let opened = store::load_path(&newer_path).unwrap();
    assert!(opened
        .read_only
        .unwrap()
        .contains(&format!("file format {}", store::SCHEMA_VERSION + 1)));
    assert_eq!(opened.workshop, w);
}
