//! File dialogs, always opened from Rust: a path to write to never comes from the web side.
//!
//! Test-only override: when the app starts with `PARALLAX_TEST_DIALOG_DIR=/some/folder`, no
//! dialog is shown. "Save" answers `<folder>/<workshop title>.parallax` and "Open" answers the
//! most recently modified `.parallax` file in the folder. End-to-end tests use this because a
//! native GTK dialog cannot be driven through WebDriver.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

pub const OVERRIDE_ENV: &str = "PARALLAX_TEST_DIALOG_DIR";
pub const EXTENSION: &str = "parallax";

/// Asks where to save; None when the user cancels.
pub async fn save_path<R: Runtime>(
    app: &AppHandle<R>,
    override_dir: Option<&Path>,
    suggested_stem: &str,
) -> Option<PathBuf> {
    let stem = file_stem(suggested_stem);
    if let Some(dir) = override_dir {
        return Some(dir.join(format!("{stem}.{EXTENSION}")));
    }
    let dialog = app
        .dialog()
        .file()
        .set_title("Save workshop")
        .add_filter("Parallax workshop", &[EXTENSION])
        .set_file_name(format!("{stem}.{EXTENSION}"));
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .ok()
        .flatten()?;
    picked.into_path().ok().map(with_extension)
}

/// Asks which workshop to open; None when the user cancels.
pub async fn open_path<R: Runtime>(
    app: &AppHandle<R>,
    override_dir: Option<&Path>,
) -> Option<PathBuf> {
    if let Some(dir) = override_dir {
        return newest_workshop_in(dir);
    }
    let dialog = app
        .dialog()
        .file()
        .set_title("Open workshop")
        .add_filter("Parallax workshop", &[EXTENSION]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .ok()
        .flatten()?;
    picked.into_path().ok()
}

fn with_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some_and(|e| e == EXTENSION) {
        path
    } else {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{EXTENSION}"));
        path.with_file_name(name)
    }
}

/// A file name from a workshop title: no path separators or characters file systems refuse.
pub fn file_stem(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => '-',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_matches('.').trim();
    if trimmed.is_empty() {
        "workshop".to_owned()
    } else {
        trimmed.chars().take(100).collect()
    }
}

fn newest_workshop_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == EXTENSION))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, path)| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_safe_file_names() {
        assert_eq!(
            file_stem("Sample: platform changes"),
            "Sample- platform changes"
        );
        assert_eq!(file_stem("../../etc/passwd"), "-..-etc-passwd");
        assert_eq!(file_stem("  ...  "), "workshop");
        assert_eq!(file_stem(""), "workshop");
    }

    #[test]
    fn the_extension_is_added_when_missing() {
        assert_eq!(
            with_extension("/a/b".into()),
            PathBuf::from("/a/b.parallax")
        );
        assert_eq!(
            with_extension("/a/b.parallax".into()),
            PathBuf::from("/a/b.parallax")
        );
        assert_eq!(
            with_extension("/a/b.json".into()),
            PathBuf::from("/a/b.json.parallax")
        );
    }
}
