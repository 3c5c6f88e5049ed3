//! One edit applied to a 1,000-change workshop through `Document::apply` (validation, the edit,
//! its inverse and the undo step), plus an undo. Target: at most
//! 50 µs per edit. Each is measured in wall time and (on Linux) in the CPU time of the benchmark
//! thread, which stays honest when other builds load the machine.
//! Run: `cargo bench -p parallax-engine --bench edit`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/thread_cpu.rs"]
mod thread_cpu;
use parallax_engine::document::Document;
use parallax_engine::{
    Cell, Change, Edit, Matrix, Perspective, PerspectiveId, Placement, Workshop,
};
use thread_cpu::ThreadCpuTime;

/// 1,000 changes on a 5×5 matrix, three perspectives, every change placed by all of them.
fn workshop() -> Workshop {
    let mut w = Workshop::new("Quarterly platform changes", Matrix::default());
    w.perspectives
        .push(Perspective::new("sec", "Security", "#2b8a3e"));
    let ids: Vec<PerspectiveId> = w.perspectives.iter().map(|p| p.id.clone()).collect();
    for i in 0..1_000 {
        let mut c = Change::new(&format!("c{}", i + 1), &format!("Change {i}"));
        c.description = format!("Cut-over of service {} with a rollback plan.", i % 37);
        for (k, id) in ids.iter().enumerate() {
            c.placements.insert(
                id.clone(),
                Placement {
                    likelihood: ((i + k) % 5 + 1) as u8,
                    impact: ((i * 3 + k) % 5 + 1) as u8,
                    rationale: String::new(),
                    placed_at_ms: 1_764_000_000_000,
                    spread: None,
                },
            );
        }
        w.changes.push(c);
    }
    w
}

fn edits<M: Measurement + 'static>(c: &mut Criterion<M>, how: &str) {
    let mut doc = Document::new(workshop());
    let ops = PerspectiveId::new("ops");
    let mut i: usize = 0;
    c.bench_function(&format!("place one change (1,000 changes), {how}"), |b| {
        b.iter(|| {
            i += 1;
            let edit = Edit::Place {
                change: doc.workshop().changes[i % 1_000].id.clone(),
                perspective: ops.clone(),
                cell: Cell::new((i % 5 + 1) as u8, (i % 4 + 1) as u8),
                rationale: None,
            };
            black_box(doc.apply(edit, i as i64).is_ok())
        })
    });
    let mut doc = Document::new(workshop());
    c.bench_function(&format!("place then undo (1,000 changes), {how}"), |b| {
        b.iter(|| {
            i += 1;
            let edit = Edit::Place {
                change: doc.workshop().changes[i % 1_000].id.clone(),
                perspective: ops.clone(),
                cell: Cell::new((i % 5 + 1) as u8, (i % 4 + 1) as u8),
                rationale: None,
            };
            let placed = doc.apply(edit, i as i64).is_ok();
            black_box(placed && doc.undo(i as i64).is_ok())
        })
    });
    let mut doc = Document::new(workshop());
    c.bench_function(
        &format!("move a change to the top and back (1,000 changes), {how}"),
        |b| {
            b.iter(|| {
                i += 1;
                let edit = Edit::MoveChange {
                    change: doc.workshop().changes[999].id.clone(),
                    to_index: 0,
                };
                black_box(doc.apply(edit, i as i64).is_ok())
            })
        },
    );
    let mut doc = Document::new(workshop());
    c.bench_function(
        &format!("remove and restore a perspective (1,000 changes), {how}"),
        |b| {
            b.iter(|| {
                i += 1;
                let edit = Edit::RemovePerspective {
                    perspective: PerspectiveId::new("sec"),
                    confirm: true,
                };
                let removed = doc.apply(edit, i as i64).is_ok();
                black_box(removed && doc.undo(i as i64).is_ok())
            })
        },
    );
}

fn wall_time(c: &mut Criterion) {
    edits(c, "wall time");
}

fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    if ThreadCpuTime::now().is_some() {
        edits(c, "thread CPU time");
    } else {
        eprintln!("no thread CPU clock here: skipping the CPU-time measurements");
    }
}

fn config<M: Measurement>(c: Criterion<M>) -> Criterion<M> {
    c.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = wall;
    config = config(Criterion::default());
    targets = wall_time
}
criterion_group! {
    name = cpu;
    config = config(Criterion::default().with_measurement(ThreadCpuTime));
    targets = cpu_time
}
criterion_main!(wall, cpu);
