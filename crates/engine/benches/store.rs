//! Save and load of a 1,000-change workshop, beside the "fsync floor": writing and fsyncing the
//! same bytes to a new file, measured in the same run on the same disk. Targets: a save (atomic,
//! with its fsyncs, the `.bak` and the check of the file on disk) at most 2× the floor; load +
//! validate at most 5 ms. A save is measured twice: the first save of a document, which
//! serializes every change, and a save after one edit, which serializes that change and takes
//! the others from the document's `SaveMemo`. Run: `cargo bench -p parallax-engine --bench store`.

use std::io::Write;
use std::time::{Duration, Instant};

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
            },
            Mitigation {
                id: MitigationId("m2".into()),
                text: "Rehearse in staging with production data volume".into(),
                owner: "dev".into(),
                lowers: Axis::Likelihood,
            },
        ];
        c.residual = Some(Cell::new(1, (i % 3 + 1) as u8));
        w.changes.push(c);
    }
    w
}

/// This thread's CPU time in ms: beside wall time, it shows the cost of the work itself when
/// the machine is busy with other things (a wall clock then also counts time spent waiting for
/// a core). Meaningless for saves, whose cost is mostly waiting for the disk.
#[cfg(unix)]
fn thread_cpu_ms() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1e3 + t.tv_nsec as f64 / 1e6
}

/// Median thread CPU time of `f` over `n` runs.
#[cfg(unix)]
fn median_cpu_ms<T>(n: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let start = thread_cpu_ms();
            std::hint::black_box(f());
            thread_cpu_ms() - start
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[n / 2]
}

/// Writes and fsyncs `bytes` to a new file: the floor a save is compared with.
fn floor(dir: &std::path::Path, n: u64, bytes: &[u8]) -> Duration {
    let path = dir.join(format!("floor-{n}"));
    let start = Instant::now();
    let mut f = std::fs::File::create(&path).expect("create");
    f.write_all(bytes).expect("write");
    f.sync_all().expect("fsync");
    drop(f);
    let took = start.elapsed();
    std::fs::remove_file(&path).expect("remove");
    took
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Saves and floors alternated, one of each per round: on a shared machine the disk's speed
/// drifts within seconds, so a save is compared with the floor measured next to it. Prints the
/// medians and the median of the per-round ratios.
fn paired(dir: &std::path::Path, w: &Workshop, bytes: &[u8]) {
    const ROUNDS: usize = 300;
    let path = dir.join("paired.parallax");
    let mut expected = store::save(&path, w, &Expect::Anything)
        .expect("first save")
        .fingerprint;
    let mut edited = w.clone();
    let mut memo = store::SaveMemo::default();
    for with_memo in [false, true] {
        let (mut saves, mut floors, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let f = floor(dir, round as u64, bytes).as_secs_f64() * 1e3;
            let start = Instant::now();
            let saved = if with_memo {
                // One card moved since the last save, as in a workshop.
                let at = round * 7 % edited.changes.len();
                let change = &mut edited.changes[at];
                if let Some(p) = change.placements.values_mut().next() {
                    p.likelihood = (round % 5 + 1) as u8;
                }
                store::save_remembering(&path, &edited, &Expect::Unchanged(expected), &mut memo)
            } else {
                store::save(&path, w, &Expect::Unchanged(expected))
            };
            let s = start.elapsed().as_secs_f64() * 1e3;
            expected = saved.expect("save").fingerprint;
            saves.push(s);
            floors.push(f);
            ratios.push(s / f);
        }
        eprintln!(
            "paired, median of {ROUNDS} rounds: save {} {:.2} ms, floor {:.2} ms, save/floor {:.2}×",
            if with_memo {
                "after one edit (SaveMemo)"
            } else {
                "(no memo)"
            },
            median(saves),
            median(floors),
            median(ratios)
        );
    }
}

fn bench(c: &mut Criterion) {
    let w = workshop(1_000);
    let bytes = store::to_bytes(&w).expect("the bench workshop is valid");
    eprintln!("1,000-change workshop: {} bytes", bytes.len());
    #[cfg(unix)]
    eprintln!(
        "thread CPU, median of 50: load + validate {:.2} ms; serialize + validate {:.2} ms",
        median_cpu_ms(50, || store::load_bytes(&bytes).expect("load")),
        median_cpu_ms(50, || store::to_bytes(&w).expect("bytes")),
    );
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    paired(dir.path(), &w, &bytes);

    let mut group = c.benchmark_group("store");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));

    group.bench_function("fsync floor (write + fsync a new file)", |b| {
        let mut n = 0u64;
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    n += 1;
                    floor(dir.path(), n, &bytes)
                })
                .sum()
        })
    });

    let path = dir.path().join("bench.parallax");
    let mut expected = store::save(&path, &w, &Expect::Anything)
        .expect("first save")
        .fingerprint;
    group.bench_function("save (validate, check disk, .bak, atomic + fsyncs)", |b| {
        b.iter(|| {
            expected = store::save(&path, &w, &Expect::Unchanged(expected.clone()))
                .expect("save")
                .fingerprint;
        })
    });

    // What the app does at every save after the first: one card moved since the last save, and
    // the document's `SaveMemo` remembers the rest.
    let mut edited = w.clone();
    let mut memo = store::SaveMemo::default();
    let mut moves = 0usize;
    group.bench_function("save after one edit (with the document's SaveMemo)", |b| {
        b.iter(|| {
            moves += 1;
            let change = &mut edited.changes[moves * 7 % 1_000];
            if let Some(p) = change.placements.values_mut().next() {
                p.likelihood = (moves % 5 + 1) as u8;
            }
            expected = store::save_remembering(
                &path,
                &edited,
                &Expect::Unchanged(expected.clone()),
                &mut memo,
            )
            .expect("save")
            .fingerprint;
        })
    });

    group.bench_function("load + validate (bytes)", |b| {
        b.iter(|| store::load_bytes(&bytes).expect("load"))
    });
    group.bench_function("load + validate (file)", |b| {
        b.iter(|| store::load_path(&path).expect("load"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
