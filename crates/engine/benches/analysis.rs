//! The analysis and the edit path on a big workshop. Targets (issue 3): the full analysis of
//! 1,000 changes × 3 perspectives in at most 1 ms; applying one edit to a 1,000-change workshop
//! through `Document::apply` (validation, inverse, label, undo step) in at most 50 µs.
//! Run: `cargo bench -p parallax-engine --bench analysis` (add `-- --quick` for a short run).
//!
//! Each is measured twice: in wall time, and (on Linux) in the CPU time of the benchmark thread,
//! which stays meaningful when other work shares the machine's cores and stretches wall time.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/thread_cpu.rs"]
mod thread_cpu;
use parallax_engine::analysis::{self, AnalysisOptions};
use parallax_engine::{
    Cell, Change, Document, Edit, Matrix, Perspective, PerspectiveId, Placement, Workshop,
};
use thread_cpu::ThreadCpuTime;

/// A deterministic stand-in for randomness (no rand dependency for one benchmark): a 64-bit LCG.
struct Lcg(u64);

impl Lcg {
    fn level(&mut self, max: u8) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % u64::from(max)) as u8 + 1
    }
}

/// 1,000 changes on the 5×5 matrix, Dev, Ops and Security; about one placement in ten missing,
/// a consensus on every third change and a residual on every fifth.
fn workshop(changes: usize) -> Workshop {
    let mut w = Workshop::new("Benchmark", Matrix::default());
    w.perspectives
        .push(Perspective::new("sec", "Security", "#2b8a3e"));
    let ids: Vec<PerspectiveId> = w.perspectives.iter().map(|p| p.id.clone()).collect();
    let mut rng = Lcg(42);
    for i in 0..changes {
        let mut c = Change::new(&format!("c{}", i + 1), &format!("Change {}", i + 1));
        for id in &ids {
            if rng.level(10) == 1 {
                continue;
            }
            c.placements.insert(
                id.clone(),
                Placement {
                    likelihood: rng.level(5),
                    impact: rng.level(5),
                    rationale: String::new(),
                    placed_at_ms: 0,
                    spread: None,
                },
            );
        }
        if i % 3 == 0 {
            c.consensus = Some(Cell::new(rng.level(5), rng.level(5)));
        }
        if i % 5 == 0 {
            c.residual = Some(Cell::new(1, rng.level(2)));
        }
        w.changes.push(c);
    }
    w
}

fn run<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    let w = workshop(1_000);
    let options = AnalysisOptions::default();
    let mut group = c.benchmark_group(clock);
    group.bench_function("full analysis, 1000 changes × 3 perspectives", |b| {
        b.iter(|| analysis::analyse_whole(black_box(&w), black_box(&options)))
    });

    let mut doc = Document::new(workshop(1_000));
    let change = doc.workshop().changes[500].id.clone();
    let ops = PerspectiveId::new("ops");
    let mut step: u8 = 0;
    group.bench_function("apply one edit (place) to a 1000-change workshop", |b| {
        b.iter(|| {
            // Alternate between cells so that every edit really moves the change.
            step = step % 5 + 1;
            doc.apply(
                Edit::Place {
                    change: change.clone(),
                    perspective: ops.clone(),
                    cell: Cell::new(step, 6 - step),
                    rationale: None,
                },
                i64::from(step),
            )
        })
    });
    group.finish();
}

fn wall_time(c: &mut Criterion) {
    run(c, "wall time");
}

fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    if ThreadCpuTime::now().is_some() {
        run(c, "thread CPU time");
    } else {
        eprintln!("no /proc/thread-self/schedstat here: skipping the CPU-time measurements");
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
