//! `parallax-cli export` as a user runs it: the real binary on a real workshop file, every
//! format, the bad-input exits, and hostile text. With `PARALLAX_PPTX_CHECK=1` the deck is also
//! opened by python-pptx (scripts/check_pptx.py, in the venv named by `PARALLAX_PPTX_PYTHON`,
//! default `.venv-check/bin/python` at the workspace root) and converted to PDF by LibreOffice
//! headless (`soffice`); without it those two checks are skipped with a note on stderr.

use std::path::{Path, PathBuf};
use std::process::Command;

use parallax_engine::{Cell, Mitigation, MitigationId, PerspectiveId, Placement, Workshop};

mod common;
use common::{pdf_pages, pptx_python, python_check, to_pdf, workspace_root};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parallax-cli"))
}

/// The sample workshop, placed by Dev and Ops, with rationales, consensus, mitigations and
/// residuals, and some text that must be escaped everywhere.
fn workshop() -> Workshop {
    let mut w = parallax_engine::sample::workshop();
    w.title = "Q3 <platform> & \"changes\" \u{202E}review".into();
    let cells = [
        ((4, 4), (2, 5)),
        ((3, 2), (2, 4)),
        ((1, 2), (2, 5)),
        ((3, 3), (4, 3)),
        ((2, 3), (4, 4)),
        ((2, 2), (3, 4)),
        ((1, 1), (3, 4)),
        ((1, 2), (1, 2)),
    ];
    for (i, (c, (dev, ops))) in w.changes.iter_mut().zip(cells).enumerate() {
        for (who, (l, im), why) in [
            ("dev", dev, format!("Dev reason {i} <b>&amp;</b>")),
            ("ops", ops, format!("=Ops reason {i}")),
        ] {
            c.placements.insert(
                PerspectiveId::new(who),
                Placement {
                    likelihood: l,
                    impact: im,
                    rationale: why,
                    placed_at_ms: 1_764_320_000_000,
                    spread: None,
                },
            );
        }
        c.consensus = Some(Cell::new(dev.0.max(ops.0), dev.1.max(ops.1)));
        if i % 2 == 0 {
            c.residual = Some(Cell::new(1, dev.1.min(ops.1)));
            c.mitigations.push(Mitigation {
                id: MitigationId("m1".into()),
                text: "Canary with automated rollback".into(),
                owner: "Ops".into(),
                lowers: parallax_engine::Axis::Impact,
                // Ops proposed half of them; the others have no recorded proposer.
                proposed_by: (i % 4 == 0).then(|| PerspectiveId::new("ops")),
            });
        }
    }
    w
}

fn saved(dir: &Path) -> PathBuf {
    let path = dir.join("w.parallax");
    parallax_engine::store::save_path(&path, &workshop()).unwrap();
    path
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = cli().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

/// Pages in a PDF: `/Type /Page` objects, not the `/Type /Pages` tree.

#[test]
fn every_chart_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    for chart in [
        "matrix",
        "overlay",
        "gaps",
        "gap-map",
        "consensus",
        "residual",
        "mitigation-mix",
    ] {
        let png = dir.path().join(format!("{chart}.png"));
        let (code, out, err) = run(&[
            "export",
            s(&file),
            "--format",
            "png",
            "--chart",
            chart,
            "--out",
            s(&png),
        ]);
        assert_eq!(code, Some(0), "{chart}: {err}");
        assert!(out.contains("wrote"), "{out}");
        assert_eq!(png_size(&std::fs::read(&png).unwrap()), (1920, 1080));

        let svg = dir.path().join(format!("{chart}.svg"));
        let (code, _, err) = run(&[
            "export",
            s(&file),
            "--format",
            "svg",
            "--chart",
            chart,
            "--out",
            s(&svg),
        ]);
        assert_eq!(code, Some(0), "{chart}: {err}");
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<svg"), "{chart}");
        if chart == "mitigation-mix" {
            assert!(
                text.contains("Who lowers what") && text.contains(">Ops<"),
                "the mix names who proposed"
            );
        }
        assert!(
            !text.contains("<platform>") && !text.contains('\u{202E}'),
            "{chart}: unescaped user text"
        );
    }
    let big = dir.path().join("big.png");
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "png",
        "--size",
        "3840x2160",
        "--perspective",
        "Ops",
        "--out",
        s(&big),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(png_size(&std::fs::read(&big).unwrap()), (3840, 2160));
}

#[test]
fn the_gap_map_compares_the_pair_given_by_perspective() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let svg = dir.path().join("map.svg");
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "svg",
        "--chart",
        "gap-map",
        "--perspective",
        "ops",
        "--perspective",
        "Dev",
        "--out",
        s(&svg),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Ops vs Dev: the shape of the disagreement"));
    assert!(
        text.contains("Dev rates it more likely"),
        "a quadrant in words"
    );
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "png",
        "--chart",
        "gap-map",
        "--perspective",
        "Finance",
        "--out",
        s(&dir.path().join("x.png")),
    ]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("no perspective is called \"Finance\""),
        "{err}"
    );
}

#[test]
fn data_exports_csv_json_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let csv = dir.path().join("w.csv");
    assert_eq!(
        run(&["export", s(&file), "--format", "csv", "--out", s(&csv)]).0,
        Some(0)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().next().unwrap().split(',').count(), 14);
    assert!(
        text.contains("'=Ops reason 0"),
        "formula injection not neutralised"
    );
    assert!(!text.contains(",=Ops"));

    let json = dir.path().join("w.json");
    assert_eq!(
        run(&["export", s(&file), "--format", "json", "--out", s(&json)]).0,
        Some(0)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["workshop"]["title"], workshop().title);
    assert!(v["analysis"]["summary"].is_string());

    let md = dir.path().join("report.md");
    let (code, out, err) = run(&["export", s(&file), "--format", "md", "--out", s(&md)]);
    assert_eq!(code, Some(0), "{err}");
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(
        report.starts_with("# Q3 \\<platform> & \"changes\" review\n"),
        "{report}"
    );
    for line in report.lines().filter(|l| l.starts_with("![")) {
        let name = line.rsplit('(').next().unwrap().trim_end_matches(')');
        assert!(
            dir.path().join(name).is_file(),
            "{name} missing beside the report"
        );
        assert!(out.contains(name));
    }
    assert!(report.lines().filter(|l| l.starts_with("![")).count() >= 6);
}

#[test]
fn bad_input_exits_1_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let out = dir.path().join("x.png");
    let cases: [(&[&str], &str); 10] = [
        (
            &["--format", "png", "--perspective", "Security"],
            "no perspective is called \"Security\"",
        ),
        (
            &[
                "--format",
                "png",
                "--chart",
                "consensus",
                "--perspective",
                "Dev",
            ],
            "the consensus chart shows the room's cells, not a perspective: give none",
        ),
        (
            &[
                "--format",
                "png",
                "--chart",
                "overlay",
                "--perspective",
                "Dev",
                "--perspective",
                "Ops",
                "--perspective",
                "Dev",
            ],
            "give two (from, then to), one, or none, not 3",
        ),
        (
            &[
                "--format",
                "svg",
                "--chart",
                "matrix",
                "--perspective",
                "Dev",
                "--perspective",
                "Ops",
            ],
            "the matrix chart shows one perspective",
        ),
        (
            &[
                "--format",
                "png",
                "--chart",
                "gaps",
                "--perspective",
                "Dev",
                "--perspective",
                "dev",
            ],
            "two different perspectives",
        ),
        (
            &["--format", "csv", "--chart", "matrix"],
            "--chart applies to png and svg only",
        ),
        (
            &["--format", "png", "--size", "800x600"],
            "not a supported size",
        ),
        (
            &["--format", "json", "--size", "1920x1080"],
            "--size applies",
        ),
        (&["--format", "gif"], "invalid value 'gif'"),
        (
            &["--format", "png", "--chart", "pie"],
            "invalid value 'pie' for '--chart <CHART>'",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec!["export", s(&file), "--out", s(&out)];
        args.extend_from_slice(extra);
        let (code, _, err) = run(&args);
        assert_eq!(code, Some(1), "{extra:?}: {err}");
        assert!(err.contains(message), "{extra:?}: {err}");
        assert!(!err.contains("panicked"));
        assert!(!out.exists(), "{extra:?} wrote a file");
    }
    // An unwritable place, a missing file, and writing over the workshop itself.
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "png",
        "--out",
        "/nonexistent-dir/x.png",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("/nonexistent-dir/x.png"), "{err}");
    let (code, _, err) = run(&[
        "export",
        "/nonexistent/w.parallax",
        "--format",
        "csv",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("/nonexistent/w.parallax"), "{err}");
    let before = std::fs::read(&file).unwrap();
    let (code, _, err) = run(&["export", s(&file), "--format", "json", "--out", s(&file)]);
    assert_eq!(code, Some(1));
    assert!(err.contains("refusing"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// The app and the command line draw the same chart when nothing more is said: the overlay of
/// the first two perspectives; one `--perspective` on a comparison is compared with the first
/// other perspective.
#[test]
fn the_default_chart_is_the_overlay_of_the_first_two_perspectives() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let svg = dir.path().join("default.svg");
    let (code, _, err) = run(&["export", s(&file), "--format", "svg", "--out", s(&svg)]);
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("Dev vs Ops: the same changes"),
        "not the overlay"
    );
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "svg",
        "--chart",
        "gaps",
        "--perspective",
        "ops",
        "--out",
        s(&svg),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Where Ops and Dev disagree"), "not Ops → Dev");
}

#[test]
fn the_same_perspective_on_both_sides_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let out = dir.path().join("same.png");
    for chart in ["overlay", "gaps"] {
        let (code, stdout, err) = run(&[
            "export",
            s(&file),
            "--format",
            "png",
            "--chart",
            chart,
            "--perspective",
            "Ops",
            "--perspective",
            "ops",
            "--out",
            s(&out),
        ]);
        assert_eq!(code, Some(1), "{chart}: {stdout}");
        assert_eq!(
            err.trim_end(),
            "cannot compare \"Ops\" with itself: choose two different perspectives",
            "{chart}"
        );
        assert!(!out.exists(), "{chart} wrote a file");
    }
}

#[test]
fn the_deck_opens_in_python_pptx_and_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let deck = dir.path().join("deck.pptx");
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "pptx",
        "--date",
        "28 November 2026",
        "--charts",
        "pictures",
        "--out",
        s(&deck),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let bytes = std::fs::read(&deck).unwrap();
    assert!(bytes.starts_with(b"PK"));

    let Some(python) = pptx_python() else {
        return;
    };
    // Cover, 2 matrices, overlay, gap map, gaps, consensus, residual, mitigation mix, contested
    // table; then the record.
    let slides = (10 + record_slide_count(&workshop())).to_string();
    let args = [
        deck.as_os_str(),
        "--slides".as_ref(),
        slides.as_ref(),
        "--pictures".as_ref(),
        "8".as_ref(),
        "--title".as_ref(),
        "Q3 <platform> & \"changes\" review".as_ref(),
        "--title".as_ref(),
        "most contested".as_ref(),
        "--title".as_ref(),
        "Who lowers what".as_ref(),
        "--notes-contain".as_ref(),
        "Ops: 0 lower likelihood, 2 lower impact".as_ref(),
        "--notes-contain".as_ref(),
        "Dev reason 0 <b>&amp;</b>".as_ref(),
        "--notes-contain".as_ref(),
        "Canary with automated rollback".as_ref(),
    ];
    python_check(&python, "check_pptx.py", &args);
    let pdf_bytes = to_pdf(&deck, dir.path());
    assert!(pdf_bytes.starts_with(b"%PDF"));
    assert_eq!(
        pdf_pages(&pdf_bytes),
        10 + record_slide_count(&workshop()),
        "one PDF page per slide"
    );
}

/// The slides of the meeting record: those of each decided change, then the appendix's.
fn record_slide_count(w: &Workshop) -> usize {
    record_slides_in(w, parallax_engine::export::pptx::content_frame())
}

/// The same in a content area of a template's layout.
fn record_slides_in(w: &Workshop, frame: parallax_engine::export::pptx::Frame) -> usize {
    use parallax_engine::export::{record, record_slides};
    record::decided(w)
        .iter()
        .map(|r| record_slides::record_slides(r, frame).len())
        .sum::<usize>()
        + record_slides::appendix_slides(w, frame).len()
}

#[test]
fn the_deck_is_the_meeting_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = workshop();
    // Enough changes for the appendix to take several slides, most of them decided on nothing;
    // one long rationale that needs a second slide.
    for i in w.changes.len()..45 {
        let mut c = parallax_engine::Change::new(
            &format!("extra{i}"),
            &format!("Extra change {i} with a title long enough to wrap in its column, SHOP-{i}"),
        );
        c.ticket = format!("SHOP-{i}");
        c.placements.insert(
            PerspectiveId::new("dev"),
            Placement {
                likelihood: 2,
                impact: 3,
                rationale: format!("placed by Dev alone, case {i}"),
                placed_at_ms: 1_764_320_000_000,
                spread: None,
            },
        );
        w.changes.push(c);
    }
    for p in w.changes[1].placements.values_mut() {
        p.rationale = "the queue backs up when the consumer restarts ".repeat(10);
    }
    for k in 0..4 {
        w.changes[1].mitigations.push(Mitigation {
            id: MitigationId(format!("long{k}")),
            text: format!("{k}: drain the queue before the restart and watch the lag ").repeat(5),
            owner: "Platform team".into(),
            lowers: parallax_engine::Axis::Likelihood,
            proposed_by: None,
        });
    }
    let file = dir.path().join("record.parallax");
    parallax_engine::store::save_path(&file, &w).unwrap();
    let deck = dir.path().join("record.pptx");
    let (code, _, err) = run(&["export", s(&file), "--format", "pptx", "--out", s(&deck)]);
    assert_eq!(code, Some(0), "{err}");

    use parallax_engine::export::record;
    use parallax_engine::export::text::one_line;
    let decided = record::decided(&w);
    assert_eq!(
        decided.len(),
        8,
        "the sample's first eight changes have a consensus"
    );
    let records: Vec<_> = decided
        .iter()
        .map(|r| {
            let mut texts: Vec<String> = r
                .placements
                .iter()
                .filter(|p| p.rationale.len() < 200 && !p.rationale.is_empty())
                .map(|p| p.rationale.clone())
                .collect();
            texts.extend(r.mitigations.iter().map(|m| m.text.clone()));
            texts.extend(r.mitigations.iter().map(|m| format!("owner: {}", m.owner)));
            texts.push("Consensus: ".to_owned());
            serde_json::json!({ "number": r.number, "title": one_line(&r.title), "texts": texts })
        })
        .collect();
    let expected = dir.path().join("record.json");
    std::fs::write(
        &expected,
        serde_json::json!({ "changes": w.changes.len(), "records": records }).to_string(),
    )
    .unwrap();
    let Some(python) = pptx_python() else {
        return;
    };
    let out = python_check(
        &python,
        "check_deck_record.py",
        &[deck.as_os_str(), expected.as_os_str()],
    );
    assert!(out.contains("ok"), "{out}");
    let pdf = to_pdf(&deck, dir.path());
    let slides = 10 + record_slide_count(&w);
    assert!(
        record_slide_count(&w) > decided.len() + 2,
        "a continued record and several appendix slides"
    );
    assert_eq!(pdf_pages(&pdf), slides, "one PDF page per slide");
}

/// What the native chart slides must show, for scripts/check_deck_shapes.py: every change's
/// marker in the cell of its placement, every arrow between the right markers.
fn expected_shapes(w: &Workshop, pairs: &[(&str, &str)]) -> serde_json::Value {
    use parallax_engine::export::text::{one_line, truncate_chars};
    use parallax_engine::export::Chart;
    let title = |c: &Chart| truncate_chars(&c.title(w).unwrap(), 90);
    let name = |id: &str| {
        one_line(
            &w.perspective(&PerspectiveId::new(id))
                .expect("perspective")
                .name,
        )
    };
    let marker = |who: &str, i: usize, cell: Cell| {
        serde_json::json!({
            "name": format!("{who}: {}", one_line(&w.changes[i].title)),
            "number": i + 1,
            "cell": [cell.likelihood, cell.impact],
        })
    };
    let mut slides = Vec::new();
    for p in &w.perspectives {
        let who = one_line(&p.name);
        let markers: Vec<_> = w
            .changes
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some(marker(&who, i, c.placements.get(&p.id)?.cell())))
            .collect();
        slides.push(serde_json::json!({
            "title": title(&Chart::Matrix { perspective: p.id.clone() }),
            "markers": markers,
        }));
    }
    for (from, to) in pairs {
        let (a, b) = (PerspectiveId::new(from), PerspectiveId::new(to));
        let (na, nb) = (name(from), name(to));
        let mut markers = Vec::new();
        let mut arrows = Vec::new();
        for (i, c) in w.changes.iter().enumerate() {
            let (ca, cb) = (c.placements.get(&a), c.placements.get(&b));
            if let Some(p) = ca {
                markers.push(marker(&na, i, p.cell()));
            }
            if let Some(p) = cb {
                markers.push(marker(&nb, i, p.cell()));
            }
            if let (Some(x), Some(y)) = (ca, cb) {
                if x.cell() != y.cell() {
                    let t = one_line(&c.title);
                    arrows.push(serde_json::json!({
                        "from": format!("{na}: {t}"),
                        "to": format!("{nb}: {t}"),
                    }));
                }
            }
        }
        slides.push(serde_json::json!({
            "title": title(&Chart::Overlay { from: a, to: b }),
            "markers": markers,
            "arrows": arrows,
        }));
    }
    let consensus: Vec<_> = w
        .changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some(marker("Consensus", i, c.consensus?)))
        .collect();
    slides.push(serde_json::json!({
        "title": title(&Chart::Consensus),
        "markers": consensus,
    }));
    let mut markers = Vec::new();
    let mut arrows = Vec::new();
    for (i, c) in w.changes.iter().enumerate() {
        if let (Some(inh), Some(res)) = (c.consensus, c.residual) {
            markers.push(marker("Inherent", i, inh));
            markers.push(marker("Residual", i, res));
            if inh != res {
                let t = one_line(&c.title);
                arrows.push(serde_json::json!({
                    "from": format!("Inherent: {t}"),
                    "to": format!("Residual: {t}"),
                }));
            }
        }
    }
    slides.push(serde_json::json!({
        "title": title(&Chart::Residual),
        "markers": markers,
        "arrows": arrows,
    }));
    serde_json::json!({ "slides": slides })
}

#[test]
fn the_deck_charts_are_native_shapes_in_the_cells_of_their_placements() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let deck = dir.path().join("shapes.pptx");
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "pptx",
        "--charts",
        "shapes",
        "--out",
        s(&deck),
    ]);
    assert_eq!(code, Some(0), "{err}");
    // Shapes, not pictures: no media at all in a deck this size.
    let bytes = std::fs::read(&deck).unwrap();
    assert!(!bytes.windows(10).any(|w| w == b"ppt/media/"));
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "pptx",
        "--charts",
        "drawings",
        "--out",
        s(&dir.path().join("x.pptx")),
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("pictures or shapes"), "{err}");

    let Some(python) = pptx_python() else { return };
    let expect = dir.path().join("expect.json");
    let w = workshop();
    std::fs::write(
        &expect,
        serde_json::to_vec(&expected_shapes(&w, &[("dev", "ops")])).unwrap(),
    )
    .unwrap();
    python_check(
        &python,
        "check_deck_shapes.py",
        &[deck.as_os_str(), expect.as_os_str()],
    );
    python_check(&python, "check_pptx.py", &[deck.as_os_str()]);
    let pdf = to_pdf(&deck, dir.path());
    assert_eq!(
        pdf_pages(&pdf),
        10 + record_slide_count(&w),
        "one PDF page per slide"
    );
}

#[test]
fn a_native_chart_renders_like_its_picture_and_a_moved_marker_is_caught() {
    let Some(python) = pptx_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let decks: Vec<PathBuf> = ["shapes", "pictures"]
        .iter()
        .map(|kind| {
            let deck = dir.path().join(format!("{kind}.pptx"));
            let (code, _, err) = run(&[
                "export",
                s(&file),
                "--format",
                "pptx",
                "--charts",
                kind,
                "--out",
                s(&deck),
            ]);
            assert_eq!(code, Some(0), "{err}");
            deck
        })
        .collect();
    let script = workspace_root().join("scripts/compare_renders.py");
    let compare = |slide: &str, extra: &[&str]| {
        Command::new(&python)
            .arg(&script)
            .args([&decks[0], &decks[1]])
            .args(["--slide", slide, "--color", "2f6fdf", "--color", "d9480f"])
            .args(["--color", "2b8a3e", "--work"])
            .arg(dir.path().join(format!("work-{slide}-{}", extra.len())))
            .args(extra)
            .output()
            .unwrap()
    };
    // The overlay (slide 4) and inherent → residual (slide 7).
    for slide in ["4", "7"] {
        let out = compare(slide, &[]);
        assert!(
            out.status.success(),
            "slide {slide}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The same measure fails when one marker sits a cell off.
    let moved = compare("4", &["--shift-marker", "Dev: Switch CDN provider"]);
    let said = String::from_utf8_lossy(&moved.stdout);
    assert_eq!(moved.status.code(), Some(1), "{said}");
    assert!(said.contains("pixels in the shapes"), "{said}");
}

#[test]
fn pairs_are_chosen_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let deck = dir.path().join("pair.pptx");
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "pptx",
        "--pair",
        "Ops:dev",
        "--out",
        s(&deck),
    ]);
    assert_eq!(code, Some(0), "{err}");
    if let Some(python) = pptx_python() {
        let out = python_check(
            &python,
            "check_pptx.py",
            &[
                deck.as_os_str(),
                "--title".as_ref(),
                "Ops vs Dev".as_ref(),
                "--title".as_ref(),
                "Where Ops and Dev disagree".as_ref(),
            ],
        );
        assert!(!out.contains("Dev vs Ops"), "{out}");
    }
    for (pair, wanted) in [("Dev:QA", "QA"), ("Dev", "FROM:TO"), ("Dev:Dev", "itself")] {
        let (code, _, err) = run(&[
            "export",
            s(&file),
            "--format",
            "pptx",
            "--pair",
            pair,
            "--out",
            s(&dir.path().join("bad.pptx")),
        ]);
        assert_eq!(code, Some(1), "{pair}");
        assert!(err.contains(wanted), "{pair}: {err}");
        assert!(!dir.path().join("bad.pptx").exists());
    }
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "csv",
        "--pair",
        "Dev:Ops",
        "--out",
        s(&dir.path().join("x.csv")),
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("pptx only"), "{err}");
}

#[test]
fn a_template_that_cannot_be_used_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    // A real deck cut short, a text file, an encrypted (OLE) file and a folder.
    let deck = dir.path().join("real.pptx");
    let (code, _, err) = run(&["export", s(&file), "--format", "pptx", "--out", s(&deck)]);
    assert_eq!(code, Some(0), "{err}");
    let broken = dir.path().join("broken.pptx");
    std::fs::write(&broken, &std::fs::read(&deck).unwrap()[..400]).unwrap();
    let text = dir.path().join("notes.potx");
    std::fs::write(&text, "not a presentation at all").unwrap();
    let ole = dir.path().join("locked.pptx");
    let mut locked = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    locked.resize(4096, 0);
    std::fs::write(&ole, locked).unwrap();
    for (template, why) in [
        (&broken, "is not a presentation"),
        (&text, "is not a presentation"),
        (&ole, "is encrypted"),
        (&dir.path().to_path_buf(), "not a regular file"),
    ] {
        let out = dir.path().join("out.pptx");
        let (code, stdout, err) = run(&[
            "export",
            s(&file),
            "--format",
            "pptx",
            "--template",
            s(template),
            "--out",
            s(&out),
        ]);
        assert_eq!(code, Some(1), "{}: {stdout}", template.display());
        assert!(
            err.contains("cannot be used") && err.contains(why),
            "{}: {err}",
            template.display()
        );
        assert!(!out.exists(), "{} wrote a deck", template.display());
    }
    let (code, _, err) = run(&[
        "export",
        s(&file),
        "--format",
        "md",
        "--template",
        s(&deck),
        "--out",
        s(&dir.path().join("r.md")),
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("apply to pptx only"), "{err}");
}

#[test]
fn decks_are_built_in_company_templates_of_any_slide_size() {
    let Some(python) = pptx_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = saved(dir.path());
    let templates = dir.path().join("templates");
    python_check(&python, "make_test_templates.py", &[templates.as_os_str()]);
    // A chart is laid out for each content area's proportions, as shapes or as a picture.
    for (template, fonts, chart_layout, charts) in [
        (
            "wide.pptx",
            &["Georgia", "Verdana"][..],
            "Kapitelseite",
            "shapes",
        ),
        ("classic.potx", &[][..], "Title Only", "shapes"),
        ("classic.potx", &[][..], "Title Only", "pictures"),
        ("blank.pptx", &[][..], "Blank", "shapes"),
    ] {
        let deck = dir
            .path()
            .join(format!("on-{}-{charts}.pptx", template.replace('.', "-")));
        let (code, out, err) = run(&[
            "export",
            s(&file),
            "--format",
            "pptx",
            "--charts",
            charts,
            "--template",
            s(&templates.join(template)),
            "--out",
            s(&deck),
        ]);
        assert_eq!(code, Some(0), "{template}: {err}");
        assert!(
            out.contains(&format!("layout for charts: \"{chart_layout}\"")),
            "{template}: {out}"
        );
        let mut args = vec![
            deck.clone().into_os_string(),
            templates.join(template).into_os_string(),
        ];
        for f in fonts {
            args.push("--font".into());
            args.push(std::ffi::OsString::from(f));
        }
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let report = python_check(&python, "check_deck_template.py", &args);
        let slides: usize = report
            .lines()
            .find_map(|l| l.strip_prefix("slides="))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("{template}: {report}"));
        // The record takes the slides the template's content area needs.
        use parallax_engine::export::template::{SlideUse, Template};
        let area = Template::open(&templates.join(template))
            .unwrap()
            .place(SlideUse::Text)
            .content;
        assert_eq!(
            slides,
            10 + record_slides_in(&workshop(), area),
            "{template}"
        );
        let pdf = to_pdf(&deck, dir.path());
        assert_eq!(
            pdf_pages(&pdf),
            slides,
            "{template}: one PDF page per slide"
        );
    }
}
