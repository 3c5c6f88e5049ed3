//! The shell's commands through Tauri's mock runtime, with the app's real configuration (so the
//! capability that grants each command by name is checked too), and without a window on screen.
//! File dialogs are answered by the documented test-only folder override.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use parallax_app::dialogs::{DialogOverride, Restore, Unsaved};
use parallax_app::initial_session;
use parallax_app::state::AppState;
use serde_json::{json, Value};
use tauri::Manager;

mod common;
use common::{call_on, Harness};

fn place_ops_4_2() -> Value {
    json!({ "edit": {
        "kind": "place", "change": "c3", "perspective": "ops",
        "cell": { "likelihood": 4, "impact": 2 }, "rationale": "no automated rollback"
    }})
}

#[test]
fn the_window_opens_on_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    let view = h.ok("get_workshop", json!({}));
    assert_eq!(view["workshop"]["title"], "Sample: platform changes");
    assert_eq!(view["workshop"]["changes"].as_array().unwrap().len(), 8);
    assert_eq!(view["file_name"], Value::Null);
    assert_eq!(
        view["status"]["dirty"], false,
        "the sample nobody touched has nothing unsaved"
    );
    assert!(!h.title().contains(" •"), "{}", h.title());
}

#[test]
fn the_sample_and_a_new_workshop_are_untouched_and_replacing_them_asks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    saved_sample(dir.path());
    // Every question about unsaved changes is answered "cancel": a question would keep the
    // workshop that is open.
    let h = Harness::answering(dir.path(), None, Unsaved::Cancel);
    let opened = h.ok("open_workshop", json!({}));
    assert_eq!(
        opened["file_name"], "w.parallax",
        "the sample at start was replaced without a question"
    );

    let sample = h.ok("open_sample", json!({}));
    assert_eq!(sample["workshop"]["title"], "Sample: platform changes");
    assert_eq!(sample["file_name"], Value::Null);
    assert_eq!(sample["status"]["dirty"], false);
    assert!(!h.title().contains(" •"), "{}", h.title());

    let new = h.ok("new_workshop", json!({ "template": "3x3" }));
    assert_eq!(new["workshop"]["title"], "New workshop");
    assert_eq!(
        new["workshop"]["matrix"]["likelihood"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(new["workshop"]["changes"], json!([]));
    assert_eq!(new["workshop"]["perspectives"][1]["name"], "Ops");
    assert_eq!(new["status"]["dirty"], false);
    assert_eq!(h.ok("recent_files", json!({})), json!([]));

    let again = h.ok("open_workshop", json!({}));
    assert_eq!(
        again["file_name"], "w.parallax",
        "the new workshop asked nothing"
    );

    // Once touched, a workshop the app made is unsaved like any other: "cancel" keeps it.
    h.ok("open_sample", json!({}));
    let reply = h.ok("apply_edit", place_ops_4_2());
    assert_eq!(reply["status"]["dirty"], true);
    assert_eq!(
        h.ok("new_workshop", json!({ "template": "5x5" })),
        Value::Null,
        "cancelled: nothing replaced"
    );
    let kept = h.ok("get_workshop", json!({}));
    assert_eq!(kept["workshop"]["title"], "Sample: platform changes");
    assert_eq!(
        kept["workshop"]["changes"][2]["placements"]["ops"]["impact"],
        2
    );
    assert_eq!(h.ok("open_sample", json!({})), Value::Null);
    let err = h
        .call("new_workshop", json!({ "template": "6x6" }))
        .unwrap_err();
    assert!(err.to_string().contains("6x6"), "{err}");
}

#[test]
fn an_edit_is_applied_and_marks_the_document_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    let reply = h.ok("apply_edit", place_ops_4_2());
    // Only the change the edit touched comes back, with its place.
    assert_eq!(reply["workshop"], Value::Null);
    assert_eq!(reply["change"]["index"], 2);
    let view = h.ok("get_workshop", json!({}));
    assert_eq!(view["workshop"]["changes"][2], reply["change"]["change"]);
    let placement = &view["workshop"]["changes"][2]["placements"]["ops"];
    assert_eq!(placement["likelihood"], 4);
    assert_eq!(placement["impact"], 2);
    assert_eq!(placement["rationale"], "no automated rollback");
    assert!(placement["placed_at_ms"].as_i64().unwrap() > 1_600_000_000_000);
    assert_eq!(
        reply["status"]["undo_label"],
        "Place 'Rotate TLS certificates' to L4 × I2 (Ops)"
    );
    assert!(h.title().contains(" •"), "{}", h.title());
}

#[test]
fn a_refused_edit_comes_back_as_code_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    let err = h
        .call(
            "apply_edit",
            json!({ "edit": { "kind": "place", "change": "c4", "perspective": "ops",
                    "cell": { "likelihood": 2, "impact": 9 } } }),
        )
        .unwrap_err();
    assert_eq!(
        err,
        json!({ "code": "invalid_edit",
                "message": "changes[3].placements.ops.impact: 9 is outside 1..=5" })
    );
    let view = h.ok("get_workshop", json!({}));
    assert_eq!(view["workshop"]["changes"][3]["placements"], json!({}));
}

#[test]
fn undo_and_redo_reply_with_the_one_change_they_touched() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok("apply_edit", place_ops_4_2());
    let undone = h.ok("undo", json!({}));
    // Like an edit: only the change the step touched comes back, with its place.
    assert_eq!(undone["workshop"], Value::Null);
    assert_eq!(undone["change"]["index"], 2);
    assert_eq!(undone["change"]["change"]["placements"], json!({}));
    assert_eq!(
        undone["status"]["redo_label"],
        "Place 'Rotate TLS certificates' to L4 × I2 (Ops)"
    );
    let view = h.ok("get_workshop", json!({}));
    assert_eq!(view["workshop"]["changes"][2], undone["change"]["change"]);

    let redone = h.ok("redo", json!({}));
    assert_eq!(redone["workshop"], Value::Null);
    assert_eq!(redone["change"]["index"], 2);
    assert_eq!(redone["change"]["change"]["placements"]["ops"]["impact"], 2);
    let view = h.ok("get_workshop", json!({}));
    assert_eq!(view["workshop"]["changes"][2], redone["change"]["change"]);

    // Nothing left to redo: nothing changes, and nothing is sent but the status.
    let nothing = h.ok("redo", json!({}));
    assert_eq!(nothing["workshop"], Value::Null);
    assert_eq!(nothing["change"], Value::Null);
    assert_eq!(nothing["status"]["revision"], redone["status"]["revision"]);
}

#[test]
fn undoing_a_reorder_replies_with_the_whole_workshop() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "move_change", "change": "c1", "to_index": 3 } }),
    );
    let undone = h.ok("undo", json!({}));
    assert_eq!(undone["change"], Value::Null);
    assert_eq!(undone["workshop"]["changes"][0]["id"], "c1");
}

fn place(change: &str, likelihood: u8, impact: u8) -> Value {
    json!({ "edit": {
        "kind": "place", "change": change, "perspective": "dev",
        "cell": { "likelihood": likelihood, "impact": impact }
    }})
}

#[test]
fn the_history_lists_the_steps_and_several_are_undone_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok("set_viewer", json!({ "active": "dev" }));
    h.ok("apply_edit", place("c1", 1, 1));
    h.ok("apply_edit", place("c2", 2, 2));
    h.ok("apply_edit", place("c3", 3, 3));
    let last = h.ok("apply_edit", place("c3", 4, 4));
    let labels = last["status"]["undo_labels"].as_array().unwrap().clone();
    assert_eq!(labels.len(), 4);
    assert!(
        labels[0].as_str().unwrap().starts_with("Move 'Rotate TLS"),
        "newest first: {labels:?}"
    );
    assert!(
        labels[3].as_str().unwrap().starts_with("Place '"),
        "{labels:?}"
    );
    assert_eq!(last["status"]["undo_count"], 4);

    // Back to before the second step: three undone in one command.
    let undone = h.ok("undo_steps", json!({ "count": 3 }));
    assert_eq!(undone["change"], Value::Null, "three changes moved");
    let w = &undone["workshop"];
    assert_eq!(w["changes"][0]["placements"]["dev"]["likelihood"], 1);
    assert_eq!(w["changes"][1]["placements"], json!({}));
    assert_eq!(w["changes"][2]["placements"], json!({}));
    assert_eq!(undone["status"]["undo_labels"], json!([labels[3]]));
    assert_eq!(
        undone["status"]["redo_labels"],
        json!([labels[2], labels[1], labels[0]]),
        "the next step to redo first"
    );
    assert!(h.title().contains(" •"), "{}", h.title());

    // Redoing the two steps on c2 and c3 … then the last one, which touched c3 alone.
    let redone = h.ok("redo_steps", json!({ "count": 2 }));
    assert_eq!(
        redone["workshop"]["changes"][2]["placements"]["dev"]["impact"],
        3
    );
    let redone = h.ok("redo_steps", json!({ "count": 1 }));
    assert_eq!(redone["workshop"], Value::Null);
    assert_eq!(redone["change"]["index"], 2);
    assert_eq!(redone["change"]["change"]["placements"]["dev"]["impact"], 4);

    // Two undos of the same change still send that change alone.
    let undone = h.ok("undo_steps", json!({ "count": 2 }));
    assert_eq!(undone["workshop"], Value::Null);
    assert_eq!(undone["change"]["index"], 2);
    assert_eq!(undone["change"]["change"]["placements"], json!({}));
}

#[test]
fn undoing_more_steps_than_there_are_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok("apply_edit", place_ops_4_2());
    let err = h.call("undo_steps", json!({ "count": 2 })).unwrap_err();
    assert_eq!(
        err,
        json!({ "code": "bad_request", "message": "only 1 step can be undone, not 2" })
    );
    let view = h.ok("get_workshop", json!({}));
    assert_eq!(
        view["workshop"]["changes"][2]["placements"]["ops"]["impact"],
        2
    );
    assert_eq!(view["status"]["undo_count"], 1);
}

#[test]
fn save_writes_a_file_that_reopens_with_the_placement() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok("apply_edit", place_ops_4_2());
    let saved = h.ok("save_workshop", json!({}));
    assert_eq!(saved["status"]["dirty"], false);
    assert_eq!(saved["file_name"], "Sample- platform changes.parallax");
    assert_eq!(h.title(), "Sample- platform changes.parallax — Parallax");

    let path = dir.path().join("Sample- platform changes.parallax");
    let on_disk = parallax_engine::store::load_path(&path).unwrap().workshop;
    let p = &on_disk.changes[2].placements[&parallax_engine::PerspectiveId::new("ops")];
    assert_eq!((p.likelihood, p.impact), (4, 2));

    // A second window of the app opening the file sees the same workshop.
    let reopened = Harness::new(dir.path(), Some(path));
    let view = reopened.ok("get_workshop", json!({}));
    assert_eq!(
        view["workshop"]["changes"][2]["placements"]["ops"]["likelihood"],
        4
    );
    assert_eq!(view["status"]["dirty"], false);
}

#[test]
fn open_replaces_the_workshop_and_a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok("apply_edit", place_ops_4_2());
    h.ok("save_workshop", json!({}));
    h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_title", "title": "Changed after saving" } }),
    );
    let opened = h.ok("open_workshop", json!({}));
    assert_eq!(opened["workshop"]["title"], "Sample: platform changes");
    assert_eq!(opened["status"]["dirty"], false);
    assert_eq!(
        opened["read_only"],
        Value::Null,
        "reopening keeps it writable"
    );
    assert!(dir
        .path()
        .join(".Sample- platform changes.parallax.lock")
        .exists());

    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(
        dir.path().join("broken.parallax"),
        b"{\"format\": \"parallax-workshop\"",
    )
    .unwrap();
    let err = h.call("open_workshop", json!({})).unwrap_err();
    assert_eq!(err["code"], "cannot_open");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("broken.parallax: the file is not valid JSON"),
        "{err}"
    );
    let still = h.ok("get_workshop", json!({}));
    assert_eq!(
        still["workshop"]["changes"][2]["placements"]["ops"]["impact"],
        2
    );
}

#[test]
fn opening_another_file_with_unsaved_changes_can_be_cancelled_or_saved_first() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::answering(dir.path(), None, Unsaved::Cancel);
    h.ok("apply_edit", place_ops_4_2());
    std::fs::write(
        dir.path().join("other.parallax"),
        parallax_engine::store::to_bytes(&parallax_engine::sample::workshop()).unwrap(),
    )
    .unwrap();
    let view = h.ok("open_workshop", json!({}));
    assert_eq!(
        view["status"]["dirty"], true,
        "cancel keeps the unsaved workshop open"
    );
    assert_eq!(
        view["workshop"]["changes"][2]["placements"]["ops"]["impact"],
        2
    );

    let saving = Harness::answering(dir.path(), None, Unsaved::Save);
    saving.ok("apply_edit", place_ops_4_2());
    saving.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_title", "title": "Kept first" } }),
    );
    let opened = saving.ok("open_workshop", json!({}));
    let kept = dir.path().join("Kept first.parallax");
    let on_disk = parallax_engine::store::load_path(&kept).unwrap().workshop;
    assert_eq!(
        on_disk.title, "Kept first",
        "the unsaved work was saved before opening"
    );
    assert_eq!(opened["status"]["dirty"], false);
}

#[test]
fn the_first_save_of_an_opened_workshop_writes_exactly_the_edited_workshop() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_sample(dir.path());
    let h = Harness::new(dir.path(), None);
    let opened = h.ok("open_workshop", json!({}));
    assert_eq!(opened["file_name"], "w.parallax");
    h.ok("apply_edit", place_ops_4_2());
    h.ok("save_workshop", json!({}));
    let in_memory = h
        .window
        .state::<AppState>()
        .lock()
        .unwrap()
        .doc
        .workshop()
        .clone();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        parallax_engine::store::to_bytes(&in_memory).unwrap()
    );
    assert_eq!(in_memory.changes[2].placements.len(), 1);
}

fn saved_sample(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("w.parallax");
    parallax_engine::store::save_path(&path, &parallax_engine::sample::workshop()).unwrap();
    path
}

#[test]
fn a_second_window_on_the_same_file_opens_read_only_and_says_who_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_sample(dir.path());
    let first = Harness::new(dir.path(), Some(path.clone()));
    assert_eq!(
        first.ok("get_workshop", json!({}))["read_only"],
        Value::Null
    );
    let second = Harness::new(dir.path(), Some(path.clone()));
    let view = second.ok("get_workshop", json!({}));
    let why = view["read_only"].as_str().expect("read-only with a reason");
    assert!(why.contains("already open for editing by"), "{why}");
    // Saving from the read-only window goes to a new file, never over the held one.
    second.ok("apply_edit", place_ops_4_2());
    let before = std::fs::read(&path).unwrap();
    second.ok("save_workshop", json!({}));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    drop(first);
}

#[test]
fn save_as_onto_a_workshop_another_parallax_holds_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    // What Save As answers in the test folder: "<title>.parallax", held by another window.
    let held = dir.path().join("Sample- platform changes.parallax");
    let mut theirs = parallax_engine::sample::workshop();
    theirs.title = "Theirs".into();
    parallax_engine::store::save_path(&held, &theirs).unwrap();
    let holder = Harness::new(dir.path(), Some(held.clone()));
    let before = std::fs::read(&held).unwrap();

    let h = Harness::new(dir.path(), None);
    h.ok("apply_edit", place_ops_4_2());
    let err = h.call("save_workshop_as", json!({})).unwrap_err();
    assert_eq!(err["code"], "cannot_save");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("already open for editing by"),
        "names the holder: {err}"
    );
    assert_eq!(std::fs::read(&held).unwrap(), before, "nothing was written");
    assert!(!dir
        .path()
        .join("Sample- platform changes.parallax.bak")
        .exists());
    assert_eq!(h.ok("get_workshop", json!({}))["status"]["dirty"], true);
    drop(holder);
}

#[test]
fn the_window_is_sent_only_what_its_viewer_may_see_while_placing_is_blind() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok("apply_edit", place_ops_4_2());
    h.ok("apply_edit", place("c1", 2, 2));

    // Placing for Dev: the reply to an edit of Ops' placement carries nothing of it.
    let dev = h.ok("set_viewer", json!({ "active": "dev" }));
    assert_eq!(dev["hidden"], true);
    let text = dev["workshop"].to_string();
    assert!(
        !text.contains("no automated rollback"),
        "no Ops rationale: {text}"
    );
    assert!(dev["workshop"]["changes"][2]["placements"]["ops"].is_null());
    let ops_progress = dev["progress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["perspective"] == "ops")
        .unwrap()
        .clone();
    assert_eq!(ops_progress["placed"], 1, "progress is still told: {dev}");
    let reply = h.ok("apply_edit", place("c1", 3, 3));
    assert!(
        reply["change"]["change"]["placements"]["ops"].is_null(),
        "{reply}"
    );
    let undo = h.ok("undo", json!({}));
    assert!(!undo.to_string().contains("\"ops\":{"), "{undo}");

    // No active perspective: no placements at all; an unknown one is refused.
    let none = h.ok("set_viewer", json!({ "active": null }));
    assert!(none["workshop"]["changes"][2]["placements"]
        .as_object()
        .unwrap()
        .is_empty());
    let err = h
        .call("set_viewer", json!({ "active": "nobody" }))
        .unwrap_err();
    assert_eq!(err["code"], "bad_request");

    // After Reveal every viewer sees everything.
    h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_phase", "phase": "revealed" } }),
    );
    let dev = h.ok("set_viewer", json!({ "active": "dev" }));
    assert_eq!(dev["hidden"], false);
    assert_eq!(
        dev["workshop"]["changes"][2]["placements"]["ops"]["impact"],
        2
    );
}

/// A writer as slow as the test wants: it says when it has its snapshot, then waits for the go.
static SLOW_STARTED: Mutex<Option<mpsc::Sender<()>>> = Mutex::new(None);
static SLOW_GO: Mutex<Option<mpsc::Receiver<()>>> = Mutex::new(None);
static SLOW_TIMED_OUT: AtomicBool = AtomicBool::new(false);

fn slow_writer(
    path: &Path,
    workshop: &parallax_engine::Workshop,
    expect: &parallax_engine::store::Expect,
) -> Result<parallax_engine::store::Saved, parallax_engine::store::SaveError> {
    if let Some(started) = SLOW_STARTED.lock().unwrap().take() {
        started.send(()).unwrap();
    }
    if let Some(go) = SLOW_GO.lock().unwrap().take() {
        if go.recv_timeout(Duration::from_secs(60)).is_err() {
            SLOW_TIMED_OUT.store(true, Ordering::SeqCst);
        }
    }
    parallax_engine::store::save(path, workshop, expect)
}

#[test]
fn a_slow_save_never_holds_up_edits_and_edits_made_meanwhile_stay_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let (session, _) = initial_session(None);
    let over = DialogOverride {
        dir: dir.path().to_path_buf(),
        unsaved: Unsaved::Discard,
        overwrite: false,
        restore: Restore::Saved,
    };
    let mut state = AppState::new(session, Some(over));
    state.writer = slow_writer;
    let h = Harness::with_state(state);
    h.ok("apply_edit", place_ops_4_2());

    let (started_tx, started) = mpsc::channel();
    let (go, go_rx) = mpsc::channel();
    *SLOW_STARTED.lock().unwrap() = Some(started_tx);
    *SLOW_GO.lock().unwrap() = Some(go_rx);
    let window = h.window.clone();
    let saving = std::thread::spawn(move || call_on(&window, "save_workshop", json!({})));
    started
        .recv_timeout(Duration::from_secs(60))
        .expect("the save reached the disk");

    // The disk is still busy: an edit goes through all the same.
    let renamed = h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_title", "title": "Renamed while saving" } }),
    );
    assert_eq!(renamed["workshop"]["title"], "Renamed while saving");
    go.send(()).unwrap();
    let saved = saving.join().unwrap().expect("the save succeeds");
    assert!(
        !SLOW_TIMED_OUT.load(Ordering::SeqCst),
        "the edit waited for the disk"
    );

    // The file holds the snapshot the save was given; the rename stays unsaved.
    let file = dir.path().join("Sample- platform changes.parallax");
    let on_disk = parallax_engine::store::load_path(&file).unwrap().workshop;
    assert_eq!(on_disk.title, "Sample: platform changes");
    assert_eq!(on_disk.changes[2].placements.len(), 1);
    assert_eq!(saved["status"]["dirty"], true, "{saved}");
    assert_eq!(h.ok("get_workshop", json!({}))["status"]["dirty"], true);
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_sample(dir.path());
    let h = Harness::new(dir.path(), Some(path.clone()));
    h.ok("apply_edit", place_ops_4_2());
    let mut other = parallax_engine::sample::workshop();
    other.title = "Changed by a colleague".into();
    parallax_engine::store::save_path(&path, &other).unwrap();
    let err = h.call("save_workshop", json!({})).unwrap_err();
    assert_eq!(err["code"], "cannot_save");
    assert!(
        err["message"].as_str().unwrap().contains("changed on disk"),
        "{err}"
    );
    let on_disk = parallax_engine::store::load_path(&path).unwrap().workshop;
    assert_eq!(
        on_disk.title, "Changed by a colleague",
        "the other version is intact"
    );
    assert_eq!(h.ok("get_workshop", json!({}))["status"]["dirty"], true);
}

#[test]
fn saving_twice_keeps_the_previous_version_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_sample(dir.path());
    let h = Harness::new(dir.path(), Some(path.clone()));
    h.ok("apply_edit", place_ops_4_2());
    h.ok("save_workshop", json!({}));
    let bak = dir.path().join("w.parallax.bak");
    let previous = parallax_engine::store::load_path(&bak).unwrap().workshop;
    assert!(
        previous.changes[2].placements.is_empty(),
        "the .bak is the version before"
    );
    let current = parallax_engine::store::load_path(&path).unwrap().workshop;
    assert_eq!(current.changes[2].placements.len(), 1);
}

#[test]
fn unsaved_work_is_kept_as_a_recovery_copy_and_offered_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = tempfile::tempdir().unwrap();
    let path = saved_sample(dir.path());
    let over = |restore| DialogOverride {
        dir: dir.path().to_path_buf(),
        unsaved: Unsaved::Cancel,
        overwrite: false,
        restore,
    };
    {
        let (session, _) = initial_session(Some(path.clone()));
        let h = Harness::with_override(session, over(Restore::Saved), Some(recovery.path()));
        h.ok("apply_edit", place_ops_4_2());
        // What the debounced autosave does two seconds after the last change.
        parallax_app::keeper::write_now(&h.window.state::<AppState>());
        // The process "crashes" here: nothing is saved. A dead process's lock is stale and
        // taken over (the engine's lock tests cover that); in one test process, let it go.
        h.window.state::<AppState>().lock().unwrap().lock = None;
    }
    let copies = parallax_engine::store::recovery::pending(recovery.path()).unwrap();
    assert_eq!(copies.len(), 1);

    let (session, _) = initial_session(Some(path.clone()));
    let h = Harness::with_override(session, over(Restore::Recovered), Some(recovery.path()));
    let view = h.ok("start", json!({}));
    assert_eq!(
        view["workshop"]["changes"][2]["placements"]["ops"]["impact"],
        2
    );
    assert_eq!(
        view["status"]["dirty"], true,
        "recovered work is unsaved until saved"
    );
    assert_eq!(view["file_name"], "w.parallax");
    h.ok("save_workshop", json!({}));
    assert!(
        parallax_engine::store::recovery::pending(recovery.path())
            .unwrap()
            .is_empty(),
        "a save makes the recovery copy unnecessary"
    );
    let on_disk = parallax_engine::store::load_path(&path).unwrap().workshop;
    assert_eq!(on_disk.changes[2].placements.len(), 1);
}

#[test]
fn saved_and_opened_workshops_come_back_in_the_recent_list() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.with_data_dir(data.path());
    assert_eq!(h.ok("recent_files", json!({})), json!([]));
    h.ok("save_workshop", json!({}));
    let recent = h.ok("recent_files", json!({}));
    assert_eq!(recent[0]["name"], "Sample- platform changes.parallax");
    assert_eq!(recent[0]["title"], "Sample: platform changes");
    h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "set_title", "title": "Changed" } }),
    );
    // Discarding (the test answer) the unsaved title change, then reopening from the list.
    let view = h.ok("open_recent", json!({ "index": 0 }));
    assert_eq!(view["workshop"]["title"], "Sample: platform changes");
    // Reopening the open file keeps it writable, and this window's lock on it.
    assert_eq!(view["read_only"], Value::Null, "{view}");
    assert!(dir
        .path()
        .join(".Sample- platform changes.parallax.lock")
        .exists());
    h.ok("apply_edit", place_ops_4_2());
    h.ok("save_workshop", json!({}));
    let err = h.call("open_recent", json!({ "index": 5 })).unwrap_err();
    assert_eq!(err["code"], "bad_request");
}

#[test]
fn a_csv_is_previewed_before_it_replaces_anything() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("changes.csv"),
        "Title,Type,Ticket,Dev likelihood,Dev impact,Ops likelihood,Ops impact,Assignee\n\
         Upgrade Kafka,normal,OPS-1,2,3,4,3,ann\n\
         Rotate keys,standard,SEC-2,1,1,,,bob\n",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.with_data_dir(data.path());
    let preview = h.ok("preview_import", json!({}));
    assert_eq!(preview["title"], "changes");
    assert_eq!(preview["source"], "parallax");
    assert_eq!(preview["delimiter"], "comma");
    assert_eq!(preview["changes"], 2);
    assert_eq!(preview["perspectives"][0]["name"], "Dev");
    assert_eq!(preview["perspectives"][0]["placements"], 2);
    assert_eq!(preview["perspectives"][1]["placements"], 1);
    assert_eq!(preview["columns"][7]["header"], "Assignee");
    assert_eq!(preview["columns"][7]["role"], json!({ "role": "ignored" }));
    assert_eq!(preview["first"][1]["title"], "Rotate keys");
    // Nothing changed yet.
    let view = h.ok("get_workshop", json!({}));
    assert_eq!(view["workshop"]["title"], "Sample: platform changes");
    // The facilitator reads Assignee as the ticket instead: previewed again, then applied.
    let mut columns: Vec<Value> = preview["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].clone())
        .collect();
    columns[2] = json!({ "role": "ignored" });
    columns[7] = json!({ "role": "ticket" });
    let settings = json!({ "columns": columns, "types": [] });
    let again = h.ok("preview_import", json!({ "settings": settings }));
    assert_eq!(again["first"][0]["ticket"], "ann");
    let view = h.ok("apply_import", json!({ "settings": settings }));
    assert_eq!(view["workshop"]["title"], "changes");
    assert_eq!(view["workshop"]["changes"][1]["ticket"], "bob");
    assert_eq!(
        view["workshop"]["changes"][0]["placements"]["ops"]["likelihood"],
        4
    );
    assert_eq!(view["status"]["dirty"], true);

    // The same header again: the mapping is remembered on this machine.
    std::fs::write(
        dir.path().join("later.csv"),
        "Title,Type,Ticket,Dev likelihood,Dev impact,Ops likelihood,Ops impact,Assignee
         Bad,normal,OPS-9,2,9,,,cy
",
    )
    .unwrap();
    let preview = h.ok("preview_import", json!({}));
    assert_eq!(preview["columns"][7]["role"], json!({ "role": "ticket" }));
    // A level that is not one is the preview's problem (the mapping can be changed), and
    // applying it is refused.
    assert!(
        preview["problem"]
            .as_str()
            .unwrap()
            .contains("line 2, column \"Dev impact\""),
        "{preview}"
    );
    let err = h
        .call(
            "apply_import",
            json!({ "settings": { "columns": columns, "types": [] } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "cannot_open");
    // The file is kept for another try: with the level columns ignored it imports.
    for role in &mut columns[3..7] {
        *role = json!({ "role": "ignored" });
    }
    let view = h.ok(
        "apply_import",
        json!({ "settings": { "columns": columns, "types": [] } }),
    );
    assert_eq!(view["workshop"]["changes"][0]["title"], "Bad");
}

#[test]
fn an_edit_of_the_whole_workshop_replies_with_the_whole_workshop() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    let reply = h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "move_change", "change": "c1", "to_index": 3 } }),
    );
    assert_eq!(reply["change"], Value::Null);
    assert_eq!(reply["workshop"]["changes"][3]["id"], "c1");
}

#[test]
fn analyze_returns_the_engines_analysis_and_refuses_an_unknown_perspective() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    h.ok("apply_edit", place_ops_4_2());
    let got = h.ok("analyze", json!({ "from": "ops", "to": "Dev" }));
    let expected = {
        let state = h.window.state::<AppState>();
        let session = state.lock().unwrap();
        let options = parallax_engine::analysis::AnalysisOptions {
            from: Some("ops".into()),
            to: Some("Dev".into()),
            ..Default::default()
        };
        let a = parallax_engine::analysis::analyse(session.doc.workshop(), &options).unwrap();
        serde_json::to_value(a).unwrap()
    };
    assert_eq!(got, expected);
    assert_eq!(got["pair"]["from"], "Ops");
    assert_eq!(got["perspectives"][1]["placed"], 1);
    let err = h
        .call("analyze", json!({ "from": "qa", "to": null }))
        .unwrap_err();
    assert_eq!(err["code"], "bad_request");
}

#[test]
fn reference_changes_are_the_engines_for_the_open_matrixs_size() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new(dir.path(), None);
    let titles = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let expected = |t: parallax_engine::Template| -> Vec<String> {
        t.reference_changes().into_iter().map(|r| r.title).collect()
    };
    let got = h.ok("reference_changes", json!({}));
    assert_eq!(
        titles(&got),
        expected(parallax_engine::Template::FiveByFive)
    );
    assert!(got[0]["description"].as_str().unwrap().len() > 10);
    // On a 3×3 matrix, the 3×3 template's.
    h.ok(
        "apply_edit",
        json!({ "edit": { "kind": "apply_template", "template": "3x3" } }),
    );
    let got = h.ok("reference_changes", json!({}));
    assert_eq!(
        titles(&got),
        expected(parallax_engine::Template::ThreeByThree)
    );
    assert_eq!(got.as_array().unwrap().len(), 2);
}

/// The export command as the Export dialog calls it (progress goes to a channel the mock window
/// drops).
fn export_deck(h: &Harness) -> Result<Value, Value> {
    h.call(
        "export",
        json!({ "choice": { "kind": "deck", "charts": "pictures" }, "onProgress": "__CHANNEL__:7" }),
    )
}

#[test]
fn the_decks_template_is_remembered_on_this_machine_and_never_in_the_workshop() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let with_data = |h: &Harness| {
        h.with_data_dir(data.path());
    };
    let h = Harness::new(dir.path(), None);
    with_data(&h);
    assert_eq!(h.ok("export_template", json!({})), Value::Null);

    // A file that is not a presentation is refused with the engine's reason and not remembered.
    let picks = tempfile::tempdir().unwrap();
    let broken = picks.path().join("broken.pptx");
    std::fs::write(&broken, b"not a zip").unwrap();
    let over = |d: &Path| DialogOverride {
        dir: d.to_path_buf(),
        unsaved: Unsaved::Discard,
        overwrite: false,
        restore: Restore::Saved,
    };
    let chooser = Harness::with_override(initial_session(None).0, over(picks.path()), None);
    with_data(&chooser);
    let err = chooser
        .call("choose_export_template", json!({}))
        .unwrap_err();
    assert_eq!(err["code"], "cannot_open", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("broken.pptx"),
        "{err}"
    );
    assert_eq!(chooser.ok("export_template", json!({})), Value::Null);

    // A real one (a Parallax deck is a presentation with a title-only layout) is remembered.
    std::fs::remove_file(&broken).unwrap();
    let house = picks.path().join("house.pptx");
    common::house_template(&house);
    let chosen = chooser.ok("choose_export_template", json!({}));
    assert_eq!(chosen["name"], "house.pptx");
    assert_eq!(chosen["folder"], picks.path().display().to_string());

    // Another window (the same machine) sees it, and its deck is built on it.
    assert_eq!(h.ok("export_template", json!({})), chosen);
    let written = export_deck(&h).unwrap();
    assert_eq!(written["cancelled"], false, "{written}");
    // Remembered in the app's data folder: nothing beside the workshop's files but the deck.
    assert!(data.path().join("export-template.json").is_file());
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(beside.iter().all(|n| n.ends_with(".pptx")), "{beside:?}");

    // A remembered template that is gone refuses the deck, writing nothing.
    std::fs::remove_file(dir.path().join(&beside[0])).unwrap();
    std::fs::rename(&house, picks.path().join("moved.potx")).unwrap();
    let err = export_deck(&h).unwrap_err();
    assert_eq!(err["code"], "cannot_open", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("house.pptx"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // "No template": back to Parallax's own layout.
    h.ok("forget_export_template", json!({}));
    assert_eq!(h.ok("export_template", json!({})), Value::Null);
    assert_eq!(export_deck(&h).unwrap()["cancelled"], false);
}
