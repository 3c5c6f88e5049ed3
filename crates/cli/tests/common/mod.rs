//! What the command line's tests share for checking decks: the workspace's scripts, python-pptx
//! in the project's venv (only with `PARALLAX_PPTX_CHECK=1`), LibreOffice headless, and counting
//! a PDF's pages.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf).replace("/Type /Page", "/Type/Page");
    text.match_indices("/Type/Page")
        .filter(|(i, _)| !text[i + 10..].starts_with('s'))
        .count()
}

/// The python of the deck checks, or `None` (with a note) when `PARALLAX_PPTX_CHECK` is not 1.
pub fn pptx_python() -> Option<PathBuf> {
    if std::env::var("PARALLAX_PPTX_CHECK").as_deref() != Ok("1") {
        eprintln!("PARALLAX_PPTX_CHECK is not 1: python-pptx and LibreOffice checks skipped");
        return None;
    }
    Some(
        std::env::var("PARALLAX_PPTX_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|_| workspace_root().join(".venv-check/bin/python")),
    )
}

/// Runs a script of scripts/ with the check python; panics with its output when it fails.
pub fn python_check(python: &Path, script: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(python)
        .arg(workspace_root().join("scripts").join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script} failed:\n{text}");
    text
}

/// Converts a deck to PDF with LibreOffice and returns the PDF's bytes.
pub fn to_pdf(deck: &Path, work: &Path) -> Vec<u8> {
    let pdf_dir = work.join("pdf");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        work.join("lo-profile").display()
    );
    let convert = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .arg(deck)
        .output()
        .expect("soffice (Debian libreoffice-impress) must be installed");
    let stem = deck.file_stem().unwrap().to_string_lossy().into_owned();
    let pdf = pdf_dir.join(format!("{stem}.pdf"));
    assert!(
        convert.status.success() && pdf.is_file(),
        "LibreOffice could not convert {}:\n{}{}",
        deck.display(),
        String::from_utf8_lossy(&convert.stdout),
        String::from_utf8_lossy(&convert.stderr)
    );
    std::fs::read(&pdf).unwrap()
}
