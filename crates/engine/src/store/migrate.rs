//! Bringing a file from an older `schema_version` up to the current one, one step at a time, on the
//! JSON tree before the typed parse. Each step turns version N into N+1 and nothing else, so a file
//! from any older version goes through every step in order. A step must never guess: when the old
//! shape is broken it refuses with the path (in the old file's terms) instead of repairing.
//!
//! Format 0 (the first files, before blind mode):
//! - `placements` was a list: `[{ "perspective": "ops", "likelihood": 4, "impact": 2 }]`, with no
//!   rationale and no time;
//! - there was no `blind` field: everyone saw every placement.
//!
//! Format 1 keys placements by perspective id, adds `rationale` and `placed_at_ms` to each (empty
//! and 0, "unknown", for migrated ones) and `blind` (false: the room worked open in format 0).
//!
//! Format 2 adds the room: `participants` at the top, `answers` on a change and `spread` on a
//! placement, each optional and absent in a workshop placed on one laptop, so a format-1
//! workshop is a format-2 one as it is; the step only refuses those fields in a file that says 1.
//!
//! Format 3 adds what keeps the matrix honest and who lowers what: a level's `anchor` (a numeric
//! range beside its label), a mitigation's `proposed_by` (a perspective id) and a change's
//! `calibration` flag (a reference change the statistics leave out). Each is optional and absent
//! by default, so a format-2 workshop is a format-3 one as it is (no anchor, nobody recorded as
//! proposer, no calibration change); the step refuses those fields in a file that says 2.

use serde_json::{Map, Value};

use super::{OLDEST_SCHEMA_VERSION, SCHEMA_VERSION};
use crate::validate::ValidationError;

type Object = Map<String, Value>;

/// One step: the top-level object of a version-N file becomes a version-(N+1) one.
type Step = fn(&mut Object) -> Result<(), ValidationError>;

/// `STEPS[n]` turns version `OLDEST_SCHEMA_VERSION + n` into the next one.
const STEPS: &[Step] = &[v0_to_v1, v1_to_v2, v2_to_v3];

const _: () = assert!(
    STEPS.len() as u64 == SCHEMA_VERSION - OLDEST_SCHEMA_VERSION,
    "every version from the oldest to the current needs a step"
);

fn problem(path: String, problem: impl Into<String>) -> ValidationError {
    ValidationError {
        path,
        problem: problem.into(),
    }
}

/// Brings the top-level object (without `format` and `schema_version`) from `from` to the
/// current `SCHEMA_VERSION`. Newer versions are not touched (they open read-only).
pub fn migrate(object: &mut Object, from: u64) -> Result<(), ValidationError> {
    for version in from..SCHEMA_VERSION {
        let step = version
            .checked_sub(OLDEST_SCHEMA_VERSION)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| STEPS.get(i));
        let Some(step) = step else {
            return Err(problem(
                "schema_version".to_owned(),
                format!(
                    "{from} is older than any format Parallax can read \
                     ({OLDEST_SCHEMA_VERSION})"
                ),
            ));
        };
        step(object)?;
    }
    Ok(())
}

/// Format 0 → 1: placements from a list to an object keyed by perspective; `blind` added.
fn v0_to_v1(object: &mut Object) -> Result<(), ValidationError> {
    if object.contains_key("blind") {
        return Err(problem(
            "blind".to_owned(),
            "is not part of format 0; is schema_version right?",
        ));
    }
    object.insert("blind".to_owned(), Value::Bool(false));
    let Some(changes) = object.get_mut("changes") else {
        return Ok(()); // the typed parse says that `changes` is missing
    };
    let Some(changes) = changes.as_array_mut() else {
        return Ok(()); // and that it is not a list
    };
    for (c, change) in changes.iter_mut().enumerate() {
        let Some(change) = change.as_object_mut() else {
            continue;
        };
        let Some(old) = change.remove("placements") else {
            continue;
        };
        let path = format!("changes[{c}].placements");
        let Value::Array(list) = old else {
            return Err(problem(
                path,
                "must be a list of placements in format 0 (schema_version 0)",
            ));
        };
        let mut placements = Object::new();
        for (p, item) in list.into_iter().enumerate() {
            let ipath = format!("{path}[{p}]");
            let Value::Object(mut item) = item else {
                return Err(problem(ipath, "must be an object"));
            };
            let Some(Value::String(who)) = item.remove("perspective") else {
                return Err(problem(
                    format!("{ipath}.perspective"),
                    "is missing or not a text",
                ));
            };
            let mut placement = Object::new();
            for field in ["likelihood", "impact"] {
                let Some(level) = item.remove(field) else {
                    return Err(problem(format!("{ipath}.{field}"), "is missing"));
                };
                placement.insert(field.to_owned(), level);
            }
            if let Some(extra) = item.keys().next() {
                return Err(problem(
                    format!("{ipath}.{extra}"),
                    "is not a field of a format-0 placement",
                ));
            }
            placement.insert("rationale".to_owned(), Value::String(String::new()));
            placement.insert("placed_at_ms".to_owned(), Value::from(0));
            if placements.contains_key(&who) {
                return Err(problem(
                    format!("{ipath}.perspective"),
                    format!("{who:?} placed this change twice"),
                ));
            }
            placements.insert(who, Value::Object(placement));
        }
        change.insert("placements".to_owned(), Value::Object(placements));
    }
    Ok(())
}

/// Format 1 → 2: nothing to add (every field of the room is optional); a file that says 1 but
/// holds a field of the room is refused, as a wrong `schema_version` may hide other differences.
fn v1_to_v2(object: &mut Object) -> Result<(), ValidationError> {
    let not_v1 = |path: String| {
        Err(problem(
            path,
            "is not part of format 1; is schema_version right?",
        ))
    };
    if object.contains_key("participants") {
        return not_v1("participants".to_owned());
    }
    let changes = object.get("changes").and_then(Value::as_array);
    for (c, change) in changes.into_iter().flatten().enumerate() {
        if change.get("answers").is_some() {
            return not_v1(format!("changes[{c}].answers"));
        }
        let placements = change.get("placements").and_then(Value::as_object);
        for (who, placement) in placements.into_iter().flatten() {
            if placement.get("spread").is_some() {
                return not_v1(format!("changes[{c}].placements.{who}.spread"));
            }
        }
    }
    Ok(())
}

/// Format 2 → 3: nothing to add (anchors, proposers and the calibration flag are optional); a
/// file that says 2 but holds one of them is refused, like a format-1 file holding the room.
fn v2_to_v3(object: &mut Object) -> Result<(), ValidationError> {
    let not_v2 = |path: String| {
        Err(problem(
            path,
            "is not part of format 2; is schema_version right?",
        ))
    };
    let matrix = object.get("matrix").and_then(Value::as_object);
    for axis in ["likelihood", "impact"] {
        let levels = matrix.and_then(|m| m.get(axis)).and_then(Value::as_array);
        for (i, level) in levels.into_iter().flatten().enumerate() {
            if level.get("anchor").is_some() {
                return not_v2(format!("matrix.{axis}[{i}].anchor"));
            }
        }
    }
    let changes = object.get("changes").and_then(Value::as_array);
    for (c, change) in changes.into_iter().flatten().enumerate() {
        if change.get("calibration").is_some() {
            return not_v2(format!("changes[{c}].calibration"));
        }
        let mitigations = change.get("mitigations").and_then(Value::as_array);
        for (m, mitigation) in mitigations.into_iter().flatten().enumerate() {
            if mitigation.get("proposed_by").is_some() {
                return not_v2(format!("changes[{c}].mitigations[{m}].proposed_by"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Object {
        match v {
            Value::Object(o) => o,
            _ => unreachable!(),
        }
    }

    #[test]
    fn v0_placements_become_keyed_and_blind_is_off() {
        let mut o = object(json!({
            "title": "t",
            "changes": [{"id": "c1", "placements": [
                {"perspective": "dev", "likelihood": 2, "impact": 3},
                {"perspective": "ops", "likelihood": 4, "impact": 1}
            ]}, {"id": "c2"}]
        }));
        migrate(&mut o, 0).unwrap();
        assert_eq!(
            Value::Object(o),
            json!({
                "title": "t",
                "blind": false,
                "changes": [{"id": "c1", "placements": {
                    "dev": {"likelihood": 2, "impact": 3, "rationale": "", "placed_at_ms": 0},
                    "ops": {"likelihood": 4, "impact": 1, "rationale": "", "placed_at_ms": 0}
                }}, {"id": "c2"}]
            })
        );
    }

    #[test]
    fn v1_is_v2_as_it_is_unless_it_holds_the_room() {
        let v1 = json!({
            "title": "t", "blind": true,
            "changes": [{"id": "c1", "placements": {
                "dev": {"likelihood": 2, "impact": 3, "rationale": "", "placed_at_ms": 5}
            }}]
        });
        let mut o = object(v1.clone());
        migrate(&mut o, 1).unwrap();
        assert_eq!(Value::Object(o), v1);
        let mut v2 = object(json!({"changes": [{"answers": {}}]}));
        assert!(
            migrate(&mut v2, 1).is_err(),
            "a format-1 file holding the room is refused before it is ever format 2"
        );
        let cases = [
            (
                json!({"participants": []}),
                "participants: is not part of format 1",
            ),
            (
                json!({"changes": [{}, {"answers": {}}]}),
                "changes[1].answers: is not part of format 1",
            ),
            (
                json!({"changes": [{"placements": {"ops": {"spread": null}}}]}),
                "changes[0].placements.ops.spread: is not part of format 1",
            ),
        ];
        for (v, expected) in cases {
            let err = migrate(&mut object(v), 1).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{err} / {expected}");
        }
    }

    #[test]
    fn v2_is_v3_as_it_is_unless_it_holds_anchors_proposers_or_calibration() {
        let v2 = json!({
            "title": "t", "blind": true,
            "matrix": {"likelihood": [{"label": "Rare"}], "impact": [{"label": "Minor"}]},
            "changes": [{"id": "c1", "mitigations": [{"id": "m1", "text": "Canary", "lowers": "impact"}]}]
        });
        let mut o = object(v2.clone());
        migrate(&mut o, 2).unwrap();
        assert_eq!(Value::Object(o), v2);
        let cases = [
            (
                json!({"matrix": {"likelihood": [{}], "impact": [{}, {"anchor": "15 min"}]}}),
                "matrix.impact[1].anchor: is not part of format 2",
            ),
            (
                json!({"changes": [{}, {"calibration": true}]}),
                "changes[1].calibration: is not part of format 2",
            ),
            (
                json!({"changes": [{"mitigations": [{}, {"proposed_by": "ops"}]}]}),
                "changes[0].mitigations[1].proposed_by: is not part of format 2",
            ),
        ];
        for (v, expected) in cases {
            let err = migrate(&mut object(v), 2).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{err} / {expected}");
        }
    }

    #[test]
    fn current_version_is_left_alone() {
        let before = object(json!({"changes": [{"placements": {"dev": {}}}]}));
        let mut o = before.clone();
        migrate(&mut o, SCHEMA_VERSION).unwrap();
        assert_eq!(o, before);
    }

    #[test]
    fn broken_v0_is_refused_with_the_old_path() {
        let cases = [
            (
                json!({"changes": [{"placements": {"dev": {}}}]}),
                "changes[0].placements: must be a list",
            ),
            (
                json!({"changes": [{}, {"placements": [{"likelihood": 1, "impact": 1}]}]}),
                "changes[1].placements[0].perspective: is missing",
            ),
            (
                json!({"changes": [{"placements": [
                    {"perspective": "dev", "likelihood": 1, "impact": 1},
                    {"perspective": "dev", "likelihood": 2, "impact": 1}
                ]}]}),
                "changes[0].placements[1].perspective: \"dev\" placed this change twice",
            ),
            (
                json!({"changes": [{"placements": [
                    {"perspective": "dev", "likelihood": 1, "impact": 1, "mood": "grim"}
                ]}]}),
                "changes[0].placements[0].mood: is not a field",
            ),
            (json!({"blind": true}), "blind: is not part of format 0"),
        ];
        for (v, expected) in cases {
            let err = migrate(&mut object(v), 0).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{err} / {expected}");
        }
    }
}
