//! The contract between the engine and the UI's fake backend (ui/src/lib/backend/fake.ts), which
//! the browser tests run on. Recorded edit sequences from the sample workshop
//! (ui/tests/contract/sequences.json) are applied here with `Document::apply`, `undo` and `redo`
//! at the fixture's fixed times, and what the engine did after each step (the workshop as JSON
//! and the step's label, or the refusal's kind and message) is written to
//! ui/tests/contract/expected.json. The UI's Vitest test `contract.test.ts` runs the same
//! sequences through the fake and compares with that file, so the fake cannot drift from the
//! engine without a failing test. The engine's built-in matrix templates are written beside the
//! fake (ui/src/lib/backend/templates.json) the same way, so it applies the engine's words, and
//! so are the reference changes each template suggests (reference-changes.json).
//!
//! Why a contract and not the real engine in the browser tests: compiling the engine to
//! WebAssembly would need the wasm32 target and wasm-bindgen tooling, which this machine cannot
//! install offline, and a small test server around the engine would put a process start and an
//! HTTP round trip into every browser test, making all of them slower to check one thing.
//!
//! Stale files fail this test; `UPDATE_CONTRACT=1 cargo test -p parallax-engine --test contract`
//! writes them anew (like tests/bindings.rs does for the generated types). It never changes the
//! sequences: they are the input.

use std::path::{Path, PathBuf};

use parallax_engine::{sample, Document, Edit, EditError, Matrix, Millis, Template};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Fixture {
    sequences: Vec<Sequence>,
}

#[derive(Deserialize)]
struct Sequence {
    name: String,
    steps: Vec<Step>,
}

/// One step: an edit, an undo or a redo, at a fixed time.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    at: Millis,
    #[serde(default)]
    edit: Option<Edit>,
    #[serde(default)]
    undo: bool,
    #[serde(default)]
    redo: bool,
}

fn ui() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui")
}

/// The variant's name, e.g. `UnknownChange`: what kind of refusal, apart from its wording.
fn kind(e: &EditError) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn refused(e: &EditError) -> Value {
    json!({ "error": { "kind": kind(e), "message": e.to_string() } })
}

fn run(sequence: &Sequence) -> Value {
    let mut doc = Document::new(sample::workshop());
    let mut after = Vec::new();
    for (i, step) in sequence.steps.iter().enumerate() {
        let outcome = match (&step.edit, step.undo, step.redo) {
            (Some(edit), false, false) => doc.apply(edit.clone(), step.at).map(Some),
            (None, true, false) => doc.undo(step.at),
            (None, false, true) => doc.redo(step.at),
            _ => panic!(
                "{}, step {i}: a step is exactly one of edit, undo or redo",
                sequence.name
            ),
        };
        after.push(match outcome {
            Ok(label) => json!({
                "label": label,
                "workshop": serde_json::to_value(doc.workshop()).expect("a workshop serializes"),
            }),
            Err(e) => refused(&e),
        });
    }
    json!({ "name": sequence.name, "steps": after })
}

/// One step per line, so that a diff of the file names the step that changed.
fn write_expected(sequences: &[Value]) -> String {
    let mut out = String::from("{\n  \"sequences\": [\n");
    for (s, sequence) in sequences.iter().enumerate() {
        out.push_str(&format!(
            "    {{\n      \"name\": {},\n      \"steps\": [\n",
            sequence["name"]
        ));
        let steps = sequence["steps"].as_array().expect("steps");
        for (i, step) in steps.iter().enumerate() {
            let comma = if i + 1 < steps.len() { "," } else { "" };
            out.push_str(&format!("        {step}{comma}\n"));
        }
        let comma = if s + 1 < sequences.len() { "," } else { "" };
        out.push_str(&format!("      ]\n    }}{comma}\n"));
    }
    out.push_str("  ]\n}\n");
    out
}

fn templates() -> String {
    let all: serde_json::Map<String, Value> = [
        ("5x5", Template::FiveByFive),
        ("4x4", Template::FourByFour),
        ("3x3", Template::ThreeByThree),
    ]
    .into_iter()
    .map(|(name, t)| {
        let matrix: Matrix = Matrix::from_template(t);
        (
            name.to_owned(),
            serde_json::to_value(matrix).expect("a matrix serializes"),
        )
    })
    .collect();
    let mut text = serde_json::to_string_pretty(&Value::Object(all)).expect("templates");
    text.push('\n');
    text
}

/// Each template's reference changes for the calibration round, by the template's name.
fn reference_changes() -> String {
    let all: serde_json::Map<String, Value> = [
        ("5x5", Template::FiveByFive),
        ("4x4", Template::FourByFour),
        ("3x3", Template::ThreeByThree),
    ]
    .into_iter()
    .map(|(name, t)| {
        (
            name.to_owned(),
            serde_json::to_value(t.reference_changes()).expect("reference changes serialize"),
        )
    })
    .collect();
    let mut text = serde_json::to_string_pretty(&Value::Object(all)).expect("reference changes");
    text.push('\n');
    text
}

/// Compares `path` with `text`, or writes it when UPDATE_CONTRACT is set.
fn check(path: &Path, text: &str, stale: &mut Vec<String>) {
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    if on_disk != text {
        stale.push(path.display().to_string());
    }
}

#[test]
fn the_fakes_expectations_are_what_the_engine_does() {
    let path = ui().join("tests/contract/sequences.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let fixture: Fixture = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a list of sequences: {e}", path.display()));

    // Every kind of edit is exercised, so no edit of the fake goes unchecked.
    let mut kinds: Vec<String> = fixture
        .sequences
        .iter()
        .flat_map(|s| &s.steps)
        .filter_map(|s| s.edit.as_ref())
        .map(|e| serde_json::to_value(e).expect("an edit serializes")["kind"].to_string())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 31, "every edit kind in the fixture: {kinds:?}");

    let results: Vec<Value> = fixture.sequences.iter().map(run).collect();
    for (sequence, result) in fixture.sequences.iter().zip(&results) {
        let steps = result["steps"].as_array().expect("steps");
        assert!(
            steps.iter().any(|s| s.get("error").is_some()),
            "{}: a sequence includes a refused edit",
            sequence.name
        );
    }

    let mut stale = Vec::new();
    check(
        &ui().join("tests/contract/expected.json"),
        &write_expected(&results),
        &mut stale,
    );
    check(
        &ui().join("src/lib/backend/templates.json"),
        &templates(),
        &mut stale,
    );
    check(
        &ui().join("src/lib/backend/reference-changes.json"),
        &reference_changes(),
        &mut stale,
    );
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; run `UPDATE_CONTRACT=1 cargo test -p parallax-engine --test contract` and commit the result"
    );
}
