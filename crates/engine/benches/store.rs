//! Save and load of a 1,000-change workshop with 4 perspectives, through a real file in the
//! target folder: a save as the app does it (validate, check the file on disk against its
//! fingerprint, `.bak`, atomic write with its fsyncs) and a load (bounded read, parse, validate).
//! The targets and the figures are in docs/benchmarks.md. Run:
//! `cargo bench -p parallax-engine --bench store -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion};
use parallax_engine::store::{self, Expect};
use parallax_engine::{
    Axis, Cell, Change, ChangeType, Matrix, Mitigation, MitigationId, Perspective, PerspectiveId,
    Placement, Workshop,
};

/// A realistic big workshop: four perspectives, every change placed by all, with a consensus,
/// two mitigations and a residual.
fn workshop(changes: usize) -> Workshop {
    let mut w = Workshop::new("Quarterly platform changes", Matrix::default());
    w.perspectives
        .push(Perspective::new("sec", "Security", "#2b8a3e"));
    w.perspectives
        .push(Perspective::new("product", "Product", "#862e9c"));
    let ids: Vec<PerspectiveId> = w.perspectives.iter().map(|p| p.id.clone()).collect();
    for i in 0..changes {
        let mut c = Change::new(
            &format!("c{}", i + 1),
            &format!("Change {i}: move service {} to the new cluster", i % 37),
        );
        c.description = format!(
            "Cut-over of service {} with a rehearsal in staging, a rollback plan and a \
             maintenance window agreed with support; owner team {}.",
            i % 37,
            i % 11
        );
        c.change_type = [
            ChangeType::Standard,
            ChangeType::Normal,
            ChangeType::Emergency,
        ][i % 3];
        c.ticket = format!("OPS-{}", 1000 + i);
        c.tags = vec!["platform".into(), format!("team-{}", i % 11)];
        for (k, id) in ids.iter().enumerate() {
            c.placements.insert(
                id.clone(),
                Placement {
                    likelihood: ((i + k) % 5 + 1) as u8,
                    impact: ((i * 3 + k) % 5 + 1) as u8,
                    rationale: format!("{} sees risk in step {}", id.0, k + 1),
                    placed_at_ms: 1_764_000_000_000 + i as i64,
                    spread: None,
                },
            );
        }
        c.consensus = Some(Cell::new((i % 5 + 1) as u8, (i % 4 + 1) as u8));
        c.mitigations = vec![
            Mitigation {
                id: MitigationId("m1".into()),
                text: "Canary to 5% with automated rollback".into(),
                owner: "ops".into(),
                lowers: Axis::Impact,
                proposed_by: None,
            },
            Mitigation {
                id: MitigationId("m2".into()),
                text: "Rehearse in staging with production data volume".into(),
                owner: "dev".into(),
                lowers: Axis::Likelihood,
                proposed_by: None,
            },
        ];
        c.residual = Some(Cell::new(1, (i % 3 + 1) as u8));
        w.changes.push(c);
    }
    w
}

fn bench(c: &mut Criterion) {
    let w = workshop(1_000);
    assert_eq!(w.perspectives.len(), 4);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let path = dir.path().join("bench.parallax");
    let mut expected = store::save(&path, &w, &Expect::Anything)
        .expect("the bench workshop saves")
        .fingerprint;
    eprintln!("1,000 changes × 4 perspectives: {} bytes", expected.size);

    let mut group = c.benchmark_group("store");
    group.sample_size(30);
    group.bench_function("save 1,000 changes × 4 perspectives", |b| {
        b.iter(|| {
            expected = store::save(&path, &w, &Expect::Unchanged(expected.clone()))
                .expect("save")
                .fingerprint;
        })
    });
    group.bench_function("load 1,000 changes × 4 perspectives", |b| {
        b.iter(|| store::load_path(&path).expect("load"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
