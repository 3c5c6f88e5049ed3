//! `parallax-cli trend` as a user runs it: the real binary on the engine's reference workshops
//! (saved again with other dates where the order matters), JSON in date order with the figures
//! `summary` prints, files that fail listed on stderr and left out with exit code 1, the chart
//! and the slides (opened by python-pptx and LibreOffice with `PARALLAX_PPTX_CHECK=1`), and no
//! file ever modified.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use parallax_engine::Workshop;
use serde_json::Value;

mod common;
use common::{pdf_pages, pptx_python, python_check, to_pdf};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parallax-cli"))
}

fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/reference")
        .join(name)
}

fn run(args: &[&Path]) -> Output {
    cli().arg("trend").args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn load(name: &str) -> Workshop {
    parallax_engine::store::load_path(&reference(name))
        .unwrap()
        .workshop
}

/// `w` saved as `name` in `dir` with every placement made on `day` (days since 1 January 2026).
fn dated(dir: &Path, name: &str, mut w: Workshop, day: i64, title: &str) -> PathBuf {
    w.title = title.to_owned();
    for p in w.changes.iter_mut().flat_map(|c| c.placements.values_mut()) {
        p.placed_at_ms = 1_767_225_600_000 + day * 86_400_000;
    }
    let path = dir.join(name);
    parallax_engine::store::save_path(&path, &w).unwrap();
    path
}

fn broken(dir: &Path) -> PathBuf {
    let path = dir.join("broken.parallax");
    std::fs::write(
        &path,
        b"{\"format\": \"parallax-workshop\", \"schema_version\": 2,",
    )
    .unwrap();
    path
}

fn summary(file: &Path) -> Value {
    let out = cli()
        .arg("summary")
        .arg(file)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Three Dev/Ops workshops given out of date order: March, January, February.
fn three(dir: &Path) -> Vec<PathBuf> {
    let mut later = load("dev-ops-5x5.parallax");
    // Two months on, Dev and Ops agree on the first change.
    let c = &mut later.changes[0];
    let dev = c.placements[&parallax_engine::PerspectiveId::new("dev")].clone();
    c.placements
        .insert(parallax_engine::PerspectiveId::new("ops"), dev);
    vec![
        dated(dir, "march.parallax", later, 59, "March"),
        dated(
            dir,
            "january.parallax",
            load("dev-ops-5x5.parallax"),
            0,
            "January",
        ),
        dated(
            dir,
            "february.parallax",
            load("single-change-5x5.parallax"),
            31,
            "February",
        ),
    ]
}

#[test]
fn json_is_in_date_order_with_the_figures_summary_prints() {
    let dir = tempfile::tempdir().unwrap();
    let files = three(dir.path());
    let mut args: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    args.push(Path::new("--json"));
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = v.as_array().unwrap();
    let titles: Vec<&str> = points
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["January", "February", "March"]);
    let dates: Vec<&str> = points.iter().map(|p| p["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-01-01", "2026-02-01", "2026-03-01"]);
    for (p, file) in points.iter().zip([&files[1], &files[2], &files[0]]) {
        assert_eq!(p["file"], file.display().to_string());
        assert_eq!(p["date_source"], "placements");
        assert_eq!(p["pair"]["from"], "Dev");
        assert_eq!(p["pair"]["to"], "Ops");
        let s = summary(file);
        for axis in ["likelihood", "impact"] {
            for key in ["mean_abs_gap", "krippendorff_alpha"] {
                assert!(p[axis].get(key).is_some(), "{axis}.{key}");
                assert_eq!(p[axis][key], s[axis][key], "{axis}.{key}");
            }
        }
        assert_eq!(
            p["candidate_count"].as_u64().unwrap() as usize,
            s["candidates"].as_array().unwrap().len()
        );
        let counts = &p["dominant_counts"];
        let classes: Vec<&str> = s["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["dominant"].as_str())
            .collect();
        for class in ["likelihood", "impact", "both", "agree"] {
            let n = classes.iter().filter(|c| **c == class).count();
            assert_eq!(counts[class].as_u64().unwrap() as usize, n, "{class}");
        }
    }
    // The first change of January and March is followed by its exact title.
    let first = &points[0]["changes"][0];
    assert_eq!(first["followed_by"], "title");
    assert_eq!(points[2]["changes"][0]["key"], first["key"]);
    assert_eq!(points[2]["changes"][0]["likelihood_gap"], 0);
}

#[test]
fn text_reads_out_a_row_per_workshop_and_the_followed_changes() {
    let dir = tempfile::tempdir().unwrap();
    let files = three(dir.path());
    let args: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Dev → Ops across 3 workshops"), "{text}");
    let jan = text.find("2026-01-01").unwrap();
    let feb = text.find("2026-02-01").unwrap();
    let mar = text.find("2026-03-01").unwrap();
    assert!(jan < feb && feb < mar, "{text}");
    // α with its interval; a workshop under ten compared changes is said to have few.
    let january = text.lines().find(|l| l.contains("2026-01-01")).unwrap();
    let json = summary(&files[1]);
    let (a, ci) = (
        json["likelihood"]["krippendorff_alpha"].as_f64().unwrap(),
        json["likelihood"]["alpha_ci"].as_array().unwrap().clone(),
    );
    let shown = format!(
        "{a:.2} [{:.2}, {:.2}]",
        ci[0].as_f64().unwrap(),
        ci[1].as_f64().unwrap()
    );
    assert!(january.contains(&shown), "{january} lacks {shown}");
    let february = text.lines().find(|l| l.contains("2026-02-01")).unwrap();
    assert!(february.contains("1 (few)"), "{february}");
    assert!(text.contains("Changes followed across workshops"), "{text}");
    let title = load("dev-ops-5x5.parallax").changes[0].title.clone();
    let line = text
        .lines()
        .find(|l| l.contains(&format!("\"{title}\"")))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("→ 2026-03-01 0/"), "{line}");
}

#[test]
fn broken_files_are_listed_left_out_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = broken(dir.path());
    let missing = dir.path().join("missing.parallax");
    let good = reference("dev-ops-5x5.parallax");
    let good_before = std::fs::read(&good).unwrap();

    // Only broken files: nothing to show, exit 1, each named on stderr.
    let out = run(&[&bad, &missing, Path::new("--json")]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, Value::Array(Vec::new()));
    let err = stderr(&out);
    assert!(err.contains(&bad.display().to_string()), "{err}");
    assert!(err.contains(&missing.display().to_string()), "{err}");

    // Mixed: the good one is reported, the others listed, exit 1.
    let out = run(&[&bad, &good, &missing, Path::new("--json")]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = v.as_array().unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0]["file"], good.display().to_string());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err
        .lines()
        .next()
        .unwrap()
        .starts_with(&bad.display().to_string()));

    // Good files alone: exit 0.
    let out = run(&[&good, &reference("room-5x5.parallax")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&good).unwrap(), good_before, "never modified");
}

#[test]
fn the_pair_is_chosen_in_each_workshop_and_a_workshop_without_it_fails() {
    let args = [
        reference("three-perspectives-4x5.parallax"),
        reference("dev-ops-5x5.parallax"),
    ];
    let out = cli()
        .arg("trend")
        .args(&args)
        .args(["--from", "security", "--to", "Dev", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = v.as_array().unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0]["pair"]["from"], "Security");
    assert_eq!(points[0]["pair"]["to"], "Dev");
    let s: Value = serde_json::from_slice(
        &cli()
            .arg("summary")
            .arg(&args[0])
            .args(["--from", "security", "--to", "Dev", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(points[0]["likelihood"], s["likelihood"]);
    let err = stderr(&out);
    assert!(
        err.contains("dev-ops-5x5.parallax: no perspective is called \"security\""),
        "{err}"
    );
}

#[test]
fn the_chart_is_written_as_png_or_svg_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let files = three(dir.path());
    let stamp = |p: &Path| {
        let m = std::fs::metadata(p).unwrap();
        (std::fs::read(p).unwrap(), m.modified().unwrap())
    };
    let before: Vec<_> = files.iter().map(|f| stamp(f)).collect();
    for (name, magic) in [("trend.png", &b"\x89PNG"[..]), ("trend.SVG", &b"<svg"[..])] {
        let chart = dir.path().join(name);
        let mut args: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
        args.extend([Path::new("--chart"), chart.as_path()]);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.trim_end()
                .ends_with(&format!("wrote {}", chart.display())),
            "{text}"
        );
        assert!(std::fs::read(&chart).unwrap().starts_with(magic), "{name}");
    }
    let after: Vec<_> = files.iter().map(|f| stamp(f)).collect();
    assert_eq!(before, after, "the workshops are only read");
    // No lock file or backup left beside them.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "february.parallax",
            "january.parallax",
            "march.parallax",
            "trend.SVG",
            "trend.png"
        ]
    );

    // A chart of another kind, or over a workshop, is refused before anything is written.
    let pdf = dir.path().join("trend.pdf");
    let out = run(&[&files[0], Path::new("--chart"), &pdf]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("must end in .png or .svg"));
    assert!(!pdf.exists());
    let over = dir.path().join("over.png");
    std::fs::copy(&files[0], &over).unwrap();
    let out = run(&[&over, Path::new("--chart"), &over]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("refusing to write the chart over a workshop"));
    assert_eq!(
        std::fs::read(&over).unwrap(),
        std::fs::read(&files[0]).unwrap()
    );
}

#[test]
fn no_file_at_all_is_a_usage_error() {
    let out = cli().arg("trend").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("FILE"), "{}", stderr(&out));
}

#[test]
fn the_slides_hold_the_chart_the_workshops_and_the_changes_followed() {
    let dir = tempfile::tempdir().unwrap();
    let files = three(dir.path());
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let deck = dir.path().join("trend.pptx");
    let mut args: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    args.extend([Path::new("--deck"), deck.as_path()]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.trim_end()
            .ends_with(&format!("wrote {}", deck.display())),
        "{text}"
    );
    assert!(std::fs::read(&deck).unwrap().starts_with(b"PK"));
    let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert_eq!(before, after, "the workshops are only read");

    // A deck of another kind, or template flags without a deck, are refused.
    let bad = dir.path().join("trend.key");
    let out = run(&[&files[0], Path::new("--deck"), &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("must end in .pptx"),
        "{}",
        stderr(&out)
    );
    assert!(!bad.exists());
    let out = run(&[&files[0], Path::new("--template"), &files[1]]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--deck"), "{}", stderr(&out));

    let Some(python) = pptx_python() else {
        return;
    };
    // Cover, the chart as shapes, the three workshops, the changes followed.
    let report = python_check(
        &python,
        "check_pptx.py",
        &[
            deck.as_os_str(),
            "--slides".as_ref(),
            "4".as_ref(),
            "--pictures".as_ref(),
            "0".as_ref(),
            "--title".as_ref(),
            "Dev and Ops across workshops".as_ref(),
            "--title".as_ref(),
            "The workshops".as_ref(),
            "--title".as_ref(),
            "Changes followed across workshops".as_ref(),
            "--notes-contain".as_ref(),
            "From 2026-01-01 to 2026-03-01, the mean |gap| went from".as_ref(),
        ],
    );
    assert!(report.contains("ok"), "{report}");
    assert_eq!(pdf_pages(&to_pdf(&deck, dir.path())), 4);

    // On a 4:3 company template the chart is laid out for the slide and fills it.
    let templates = dir.path().join("templates");
    python_check(&python, "make_test_templates.py", &[templates.as_os_str()]);
    let classic = templates.join("classic.potx");
    let on = dir.path().join("trend-classic.pptx");
    let mut args: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    args.extend([
        Path::new("--deck"),
        on.as_path(),
        Path::new("--template"),
        classic.as_path(),
    ]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("layout for charts: \"Title Only\""));
    let report = python_check(
        &python,
        "check_deck_template.py",
        &[on.as_os_str(), classic.as_os_str()],
    );
    assert!(report.contains("1 charts"), "{report}");
}
