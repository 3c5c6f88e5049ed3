//! Export benchmarks (criterion, release):
//! - `deck_20_slides`: packing a 20-slide deck (cover, 18 chart pictures, the contested table,
//!   notes on every slide) from PNGs rendered beforehand; scripts/bench_export.py builds the
//!   same deck from the same PNG files with python-pptx.
//! - `matrix_png_1000_cards`: laying out, drawing and encoding the 1920×1080 matrix of one
//!   perspective with 1,000 changes; scripts/bench_export.py draws the same chart from the same
//!   workshop with matplotlib.
//! - `full_deck_8_slides`: the whole export of a 12-change workshop (charts at 3840×2160).
//!
//! The inputs the Python side needs (the workshop as JSON, the PNGs) are written to
//! `$PARALLAX_BENCH_DIR` (default: a folder in the system's temp dir).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use parallax_engine::export::chart::{render, Chart, ChartSize, ImageFormat};
use parallax_engine::export::deck::{build_deck, DeckOptions};
use parallax_engine::export::pptx::{Deck, Slide, SlideBody};
use parallax_engine::{Cell, Change, Matrix, PerspectiveId, Placement, Workshop};

fn bench_dir() -> PathBuf {
    let dir = std::env::var_os("PARALLAX_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("parallax-bench-export"));
    std::fs::create_dir_all(&dir).expect("bench folder");
    dir
}

/// A deterministic workshop of `n` changes placed by Dev and Ops, with consensus and residual.
fn workshop(n: usize) -> Workshop {
    let mut w = Workshop::new("Benchmark workshop: platform changes", Matrix::default());
    let mut x: u64 = 42;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % m) as u8 + 1
    };
    for i in 0..n {
        let mut c = Change::new(
            &format!("c{}", i + 1),
            &format!("Change {} to the checkout and payment services", i + 1),
        );
        for p in ["dev", "ops"] {
            c.placements.insert(
                PerspectiveId::new(p),
                Placement {
                    likelihood: next(5),
                    impact: next(5),
                    rationale: format!("{p} reasoning about change {}", i + 1),
                    placed_at_ms: 1_764_288_000_000,
                    spread: None,
                },
            );
        }
        c.consensus = Some(Cell::new(next(5), next(5)));
        c.residual = Some(Cell::new(next(3), next(3)));
        w.changes.push(c);
    }
    w
}

fn deck_20_slides(c: &mut Criterion) {
    let dir = bench_dir();
    let w = workshop(12);
    let charts = Chart::all(&w);
    let mut pngs = Vec::new();
    for k in 0..18 {
        let chart = &charts[k % charts.len()];
        let png = render(&w, chart, ImageFormat::Png, ChartSize::UHD).expect("chart");
        std::fs::write(dir.join(format!("slide-{:02}.png", k + 1)), &png).expect("png");
        pngs.push(png);
    }
    let deck = || {
        let mut slides = vec![Slide {
            title: w.title.clone(),
            body: SlideBody::Cover {
                lines: vec!["28 November 2026".into(), "Perspectives: Dev, Ops".into()],
            },
            notes: "Summary sentence read out by the facilitator.".into(),
            place: None,
        }];
        for (k, png) in pngs.iter().enumerate() {
            slides.push(Slide {
                title: format!("Chart {}", k + 1),
                body: SlideBody::Picture {
                    png: png.clone(),
                    description: format!("Chart {}", k + 1),
                    frame: None,
                    crop_top: 0.0,
                },
                notes: format!("Notes for chart {}\nRationale one\nRationale two", k + 1),
                place: None,
            });
        }
        let mut rows = vec![vec![
            "#",
            "Change",
            "Likelihood gap",
            "Impact gap",
            "Bands",
            "Placed by",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()];
        for r in 0..10 {
            rows.push(vec![
                (r + 1).to_string(),
                format!("Change {}", r + 1),
                "+2".into(),
                "-1".into(),
                "medium → high".into(),
                "2 of 2".into(),
            ]);
        }
        slides.push(Slide {
            title: "The 10 most contested changes".into(),
            body: SlideBody::Table {
                rows,
                widths: vec![1, 8, 3, 2, 3, 2],
                heights: Vec::new(),
                size: 1200,
            },
            notes: "Table notes".into(),
            place: None,
        });
        Deck {
            title: w.title.clone(),
            slides,
            base: None,
        }
    };
    let sample = deck().to_bytes().expect("deck");
    std::fs::write(dir.join("rust-20-slides.pptx"), sample).expect("deck file");
    // The deck value (PNG bytes in memory) is built outside the timing, as python-pptx's images
    // are read from disk inside its timing: Rust is timed packing from memory, which is what
    // the app does after rendering.
    let d = deck();
    c.bench_function("deck_20_slides", |b| {
        b.iter(|| std::hint::black_box(d.to_bytes().expect("deck")))
    });
}

fn matrix_png_1000_cards(c: &mut Criterion) {
    let dir = bench_dir();
    let w = workshop(1000);
    let text = serde_json::to_string(&w).expect("json");
    std::fs::write(dir.join("workshop-1000.json"), text).expect("workshop file");
    let chart = Chart::Matrix {
        perspective: PerspectiveId::new("dev"),
    };
    let png = render(&w, &chart, ImageFormat::Png, ChartSize::HD).expect("chart");
    std::fs::write(dir.join("rust-matrix-1000.png"), png).expect("png");
    c.bench_function("matrix_png_1000_cards", |b| {
        b.iter(|| {
            std::hint::black_box(
                render(&w, &chart, ImageFormat::Png, ChartSize::HD).expect("chart"),
            )
        })
    });
}

fn full_deck(c: &mut Criterion) {
    let w = workshop(12);
    let mut group = c.benchmark_group("full_deck");
    group.sample_size(10);
    group.bench_function("full_deck_8_slides", |b| {
        b.iter(|| {
            std::hint::black_box(
                build_deck(&w, &DeckOptions::default(), &mut |_| {}).expect("deck"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, deck_20_slides, matrix_png_1000_cards, full_deck);
criterion_main!(benches);
