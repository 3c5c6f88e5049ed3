//! Property tests of the file format: any valid workshop survives model → file → model exactly,
//! and no input — random bytes, random JSON, or a real file with a random part replaced —
//! makes the loader panic.

use parallax_engine::store::{self, Expect};
use parallax_engine::{
    sample, Axis, Band, Cell, Change, ChangeType, Level, Matrix, Mitigation, MitigationId,
    Perspective, PerspectiveId, Phase, Placement, Workshop,
};
use proptest::prelude::*;
use serde_json::Value;

/// Any text a user could type on one line, including quotes, backslashes, HTML, emoji and
/// right-to-left marks (no control characters: validation refuses those).
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("\\PC{{0,{max}}}")).unwrap()
}

/// Text that must not be empty.
fn required(max: usize) -> impl Strategy<Value = String> {
    (text(max), "[A-Za-zé😀]").prop_map(|(t, c)| format!("{c}{t}"))
}

fn color() -> impl Strategy<Value = String> {
    "#[0-9a-fA-F]{6}"
}

fn level() -> impl Strategy<Value = Level> {
    (required(20), text(40), text(40), text(30)).prop_map(|(label, definition, example, anchor)| {
        Level {
            label,
            definition,
            example,
            anchor,
        }
    })
}

fn matrix() -> impl Strategy<Value = Matrix> {
    (
        prop::collection::vec(level(), 3..=7),
        prop::collection::vec(level(), 3..=7),
        prop::collection::vec((required(12), color(), 1u32..6), 1..=5),
    )
        .prop_map(|(likelihood, impact, bands)| {
            let mut min = 0;
            let bands = bands
                .into_iter()
                .enumerate()
                .map(|(i, (name, color, step))| {
                    min = if i == 0 { 1 } else { min + step };
                    Band {
                        name,
                        color,
                        min_score: min,
                    }
                })
                .collect();
            Matrix {
                likelihood,
                impact,
                bands,
            }
        })
}

fn cell(l: u8, i: u8) -> impl Strategy<Value = Cell> {
    (1..=l, 1..=i).prop_map(|(likelihood, impact)| Cell { likelihood, impact })
}

fn change(index: usize, perspectives: usize, l: u8, i: u8) -> impl Strategy<Value = Change> {
    (
        (
            required(40),
            text(120),
            prop_oneof![
                Just(ChangeType::Standard),
                Just(ChangeType::Normal),
                Just(ChangeType::Emergency)
            ],
            text(12),
            prop::collection::vec(required(10), 0..3),
        ),
        prop::collection::vec(
            prop::option::of((cell(l, i), text(30), any::<i64>())),
            perspectives,
        ),
        prop::option::of(cell(l, i)),
        prop::collection::vec(
            (
                required(30),
                text(10),
                any::<bool>(),
                prop::option::of(0..perspectives),
            ),
            0..3,
        ),
        (prop::option::of(cell(l, i)), any::<bool>()),
    )
        .prop_map(
            move |(
                (title, description, change_type, ticket, tags),
                placed,
                consensus,
                ms,
                (residual, calibration),
            )| {
                let mut c = Change::new(&format!("c{}", index + 1), &title);
                c.description = description;
                c.change_type = change_type;
                c.ticket = ticket;
                c.tags = tags;
                for (p, placement) in placed.into_iter().enumerate() {
                    if let Some((cell, rationale, placed_at_ms)) = placement {
                        c.placements.insert(
                            PerspectiveId(format!("p{p}")),
                            Placement {
                                likelihood: cell.likelihood,
                                impact: cell.impact,
                                rationale,
                                placed_at_ms,
                                spread: None,
                            },
                        );
                    }
                }
                c.consensus = consensus;
                c.mitigations = ms
                    .into_iter()
                    .enumerate()
                    .map(|(m, (text, owner, impact, by))| Mitigation {
                        id: MitigationId(format!("m{}", m + 1)),
                        text,
                        owner,
                        lowers: if impact {
                            Axis::Impact
                        } else {
                            Axis::Likelihood
                        },
                        proposed_by: by.map(|p| PerspectiveId(format!("p{p}"))),
                    })
                    .collect();
                c.residual = residual;
                c.calibration = calibration;
                c
            },
        )
}

/// Arbitrary valid workshops: any matrix size, 2–8 perspectives, up to a dozen changes with
/// any subset placed, consensus, mitigations and residuals.
fn workshop() -> impl Strategy<Value = Workshop> {
    (matrix(), 2usize..=8, 0usize..12)
        .prop_flat_map(|(matrix, np, nc)| {
            let l = matrix.likelihood.len() as u8;
            let i = matrix.impact.len() as u8;
            let changes: Vec<_> = (0..nc).map(|k| change(k, np, l, i)).collect();
            (
                Just(matrix),
                text(60),
                prop::collection::vec((required(20), color()), np),
                changes,
                any::<bool>(),
                any::<bool>(),
            )
        })
        .prop_map(|(matrix, title, ps, changes, revealed, blind)| {
            let mut w = Workshop::new(&title, matrix);
            w.perspectives = ps
                .into_iter()
                .enumerate()
                .map(|(k, (name, color))| Perspective {
                    id: PerspectiveId(format!("p{k}")),
                    name,
                    color,
                })
                .collect();
            w.changes = changes;
            w.phase = if revealed {
                Phase::Revealed
            } else {
                Phase::Placing
            };
            w.blind = blind;
            w
        })
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN and infinities become null
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `n`-th node (depth first, modulo the number of nodes) of `v` with `with`.
fn replace_nth(v: &mut Value, n: usize, with: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, n: &mut usize, with: &mut Option<Value>) {
        if *n == 0 {
            if let Some(w) = with.take() {
                *v = w;
            }
            return;
        }
        *n -= 1;
        match v {
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, n, with)),
            Value::Object(o) => o.values_mut().for_each(|c| walk(c, n, with)),
            _ => {}
        }
    }
    let mut n = n % count(v);
    walk(v, &mut n, &mut Some(with));
}

fn sample_value() -> Value {
    let mut w = sample::workshop();
    w.changes[0].placements.insert(
        PerspectiveId::new("dev"),
        Placement {
            likelihood: 2,
            impact: 3,
            rationale: "r".into(),
            placed_at_ms: 5,
            spread: None,
        },
    );
    w.changes[0].mitigations.push(Mitigation {
        id: MitigationId::new("m1"),
        text: "t".into(),
        owner: String::new(),
        lowers: Axis::Impact,
        proposed_by: Some(PerspectiveId::new("ops")),
    });
    w.changes[1].calibration = true;
    w.matrix.impact[0].anchor = "under 1 min".into();
    w.changes[1].consensus = Some(Cell::new(1, 1));
    serde_json::from_slice(&store::to_bytes(&w).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn model_to_file_to_model_is_identity(w in workshop()) {
        let bytes = store::to_bytes(&w).unwrap();
        let loaded = store::load_bytes(&bytes).unwrap();
        prop_assert_eq!(&loaded.workshop, &w);
        prop_assert!(loaded.read_only.is_none());
        // And the bytes are stable: saving what was loaded writes the same file.
        prop_assert_eq!(store::to_bytes(&loaded.workshop).unwrap(), bytes);
    }

    /// A change's line is written by hand (store/line.rs); it must be exactly what serde_json
    /// writes for the change, compact, one change per line.
    #[test]
    fn each_change_line_is_what_serde_writes(w in workshop()) {
        let text = String::from_utf8(store::to_bytes(&w).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let first = lines.iter().position(|l| *l == "  \"changes\": [").map_or(0, |i| i + 1);
        for (i, change) in w.changes.iter().enumerate() {
            let comma = if i + 1 < w.changes.len() { "," } else { "" };
            let expected = format!("    {}{comma}", serde_json::to_string(change).unwrap());
            prop_assert_eq!(lines[first + i], expected.as_str());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = store::load_bytes(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(v in json()) {
        let _ = store::load_bytes(&serde_json::to_vec(&v).unwrap());
    }

    #[test]
    fn a_real_file_with_any_part_replaced_never_panics(n in any::<usize>(), with in json()) {
        let mut v = sample_value();
        replace_nth(&mut v, n, with);
        if let Err(e) = store::load_bytes(&serde_json::to_vec(&v).unwrap()) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn a_real_file_cut_or_with_a_byte_changed_never_panics(cut in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = serde_json::to_vec_pretty(&sample_value()).unwrap();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let _ = store::load_bytes(&bytes);
        bytes.truncate(cut.index(bytes.len()));
        let _ = store::load_bytes(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Through a real file, with the fingerprint handed from one save to the next: each save
    /// writes the bytes `to_bytes` makes, or refuses with the problem `to_bytes` finds and leaves
    /// the file as it was. Between the random workshops come mixes of the last one with a change
    /// of the next, valid or not, so that saves follow each other with small differences too.
    #[test]
    fn saves_through_a_file_round_trip(ws in prop::collection::vec(workshop(), 1..4), at in any::<prop::sample::Index>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.parallax");
        let mut expect = Expect::Anything;
        let mut steps: Vec<Workshop> = Vec::new();
        for w in &ws {
            if let Some(last) = steps.last() {
                let mut mix = last.clone();
                if !mix.changes.is_empty() && !w.changes.is_empty() {
                    let i = at.index(mix.changes.len().min(w.changes.len()));
                    mix.changes[i] = w.changes[i].clone();
                }
                steps.push(mix);
            }
            steps.push(w.clone());
        }
        for w in &steps {
            let before = std::fs::read(&path).ok();
            match (store::to_bytes(w), store::save(&path, w, &expect)) {
                (Ok(bytes), Ok(saved)) => {
                    prop_assert_eq!(std::fs::read(&path).unwrap(), bytes);
                    let loaded = store::load_path(&path).unwrap();
                    prop_assert_eq!(&loaded.workshop, w);
                    prop_assert!(loaded.fingerprint.same_content(&saved.fingerprint));
                    expect = Expect::Unchanged(saved.fingerprint);
                }
                (Err(refused), Err(also)) => {
                    prop_assert_eq!(refused.to_string(), also.to_string());
                    prop_assert_eq!(std::fs::read(&path).ok(), before);
                }
                (bytes, saved) => prop_assert!(false, "to_bytes: {:?}, save: {:?}", bytes.err(), saved.err()),
            }
        }
    }
}

#[test]
fn the_strategy_reaches_the_edges() {
    // Not a property: a check that the generator is not trivially small.
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut placed = 0;
    let mut sizes = std::collections::BTreeSet::new();
    for _ in 0..64 {
        let w = workshop().new_tree(&mut runner).unwrap().current();
        placed += w.changes.iter().map(|c| c.placements.len()).sum::<usize>();
        sizes.insert((w.matrix.likelihood.len(), w.perspectives.len()));
    }
    assert!(placed > 100, "{placed}");
    assert!(sizes.len() > 10, "{sizes:?}");
}
