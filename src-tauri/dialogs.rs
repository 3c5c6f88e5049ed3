//! File dialogs, always opened from Rust: a path to write to never comes from the web side.
//!
//! Test-only override, compiled only into builds made with the `test-overrides` feature (the
//! end-to-end tests build the app that way; `make run`, `make bundle` and every release never
//! do): when such a build starts with `PARALLAX_TEST_DIALOG_DIR=/some/folder`, no dialog is
//! shown. "Save" answers `<folder>/<workshop title>.parallax`, "Export" `<folder>/<name>.<ext>`
//! (or Cancel when the folder does not exist), "Open" answers the most recently
//! modified `.parallax` file in the folder, "Open several" (Trends) every `.parallax` file in it
//! by name, and "unsaved changes?" answers
//! `PARALLAX_TEST_UNSAVED_ANSWER` (save, discard or cancel; discard when unset), "the file changed
//! on disk: overwrite?" answers `PARALLAX_TEST_CHANGED_ANSWER` (overwrite, or no), and "restore
//! unsaved work?" answers `PARALLAX_TEST_RESTORE_ANSWER` (restore, discard, or later). End-to-end
//! tests use this because a native GTK dialog cannot be driven through WebDriver. A shipped
//! binary must never read these variables.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime};

use parallax_engine::store::recovery::{RecoveryCopy, RecoveryKey};
use tauri_plugin_dialog::{
    DialogExt, MessageDialogButtons, MessageDialogKind, MessageDialogResult,
};

pub const EXTENSION: &str = "parallax";

/// What the user wants done with unsaved changes before the workshop is closed or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsaved {
    Save,
    Discard,
    Cancel,
}

/// Test-only answers for every dialog (see the module comment).
#[derive(Debug, Clone)]
pub struct DialogOverride {
    pub dir: PathBuf,
    pub unsaved: Unsaved,
    /// "The file changed on disk: overwrite it?"
    pub overwrite: bool,
    /// "Unsaved work was found: restore it?"
    pub restore: Restore,
}

impl DialogOverride {
    /// The override from the environment; None in normal use, and always None in a build
    /// without the `test-overrides` feature.
    pub fn from_env() -> Option<DialogOverride> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// The override as `lookup` gives the variables (the environment, or a test's own table).
    #[cfg(feature = "test-overrides")]
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Option<DialogOverride> {
        let text = |name: &str| lookup(name).and_then(|v| v.into_string().ok());
        let dir = lookup("PARALLAX_TEST_DIALOG_DIR")?;
        let unsaved = match text("PARALLAX_TEST_UNSAVED_ANSWER").as_deref() {
            Some("save") => Unsaved::Save,
            Some("cancel") => Unsaved::Cancel,
            _ => Unsaved::Discard,
        };
        let overwrite = text("PARALLAX_TEST_CHANGED_ANSWER").as_deref() == Some("overwrite");
        let restore = match text("PARALLAX_TEST_RESTORE_ANSWER").as_deref() {
            Some("restore") => Restore::Recovered,
            Some("discard") => Restore::Discard,
            _ => Restore::Saved,
        };
        Some(DialogOverride {
            dir: PathBuf::from(dir),
            unsaved,
            overwrite,
            restore,
        })
    }

    /// Without the `test-overrides` feature the environment is never read.
    #[cfg(not(feature = "test-overrides"))]
    pub fn from_lookup(
        _lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Option<DialogOverride> {
        None
    }
}

const RESTORE: &str = "Restore my work";
const DISCARD: &str = "Discard it";
const LATER: &str = "Decide later";

/// What the user chose for a recovery copy found at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    /// Open the recovered work (unsaved, so that the user saves it knowingly).
    Recovered,
    /// Keep the document as saved (or the sample); the copy stays for later.
    Saved,
    /// Throw the copy away.
    Discard,
}

/// Asks whether to save the changes to `name` first.
pub async fn ask_unsaved<R: Runtime>(
    app: &AppHandle<R>,
    over: Option<&DialogOverride>,
    name: &str,
) -> Unsaved {
    if let Some(o) = over {
        return o.unsaved;
    }
    let dialog = app
        .dialog()
        .message(format!(
            "“{name}” has changes that are not saved. Save them first?"
        ))
        .title("Unsaved changes")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::YesNoCancelCustom(
            "Save".into(),
            "Don't save".into(),
            "Cancel".into(),
        ));
    let answer = tauri::async_runtime::spawn_blocking(move || dialog.blocking_show_with_result())
        .await
        .unwrap_or(MessageDialogResult::Cancel);
    match answer {
        MessageDialogResult::Yes => Unsaved::Save,
        MessageDialogResult::No => Unsaved::Discard,
        MessageDialogResult::Custom(label) if label == "Save" => Unsaved::Save,
        MessageDialogResult::Custom(label) if label == "Don't save" => Unsaved::Discard,
        _ => Unsaved::Cancel,
    }
}

/// Asks where to save; None when the user cancels.
pub async fn save_path<R: Runtime>(
    app: &AppHandle<R>,
    over: Option<&DialogOverride>,
    suggested_stem: &str,
) -> Option<PathBuf> {
    let stem = file_stem(suggested_stem);
    if let Some(o) = over {
        return Some(o.dir.join(format!("{stem}.{EXTENSION}")));
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

/// Asks where to write an export named `stem.extension`, starting in `folder`; None when the
/// user cancels. The extension is added when the name chosen lacks it. The test override
/// answers `<folder>/<stem>.<extension>`, or Cancel when its folder does not exist (a folder
/// nobody can pick in a real dialog).
pub async fn export_path<R: Runtime>(
    app: &AppHandle<R>,
    over: Option<&DialogOverride>,
    stem: &str,
    extension: &str,
    folder: Option<PathBuf>,
) -> Option<PathBuf> {
    let name = format!("{}.{extension}", file_stem(stem));
    if let Some(o) = over {
        return o.dir.is_dir().then(|| o.dir.join(name));
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Export")
        .add_filter(extension.to_uppercase(), &[extension])
        .set_file_name(name);
    if let Some(folder) = folder {
        dialog = dialog.set_directory(folder);
    }
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .ok()
        .flatten()?;
    let path = picked.into_path().ok()?;
    Some(if path.extension().is_some_and(|e| e == extension) {
        path
    } else {
        path.with_extension(extension)
    })
}

/// Asks whether to overwrite a file that changed on disk since it was opened.
pub async fn ask_overwrite<R: Runtime>(
    app: &AppHandle<R>,
    over: Option<&DialogOverride>,
    problem: &str,
) -> bool {
    if let Some(o) = over {
        return o.overwrite;
    }
    let dialog = app
        .dialog()
        .message(format!(
            "{problem}.\n\nOverwrite it with the workshop open here? (Cancel keeps the file as it is; \
             Save As… saves your work elsewhere.)"
        ))
        .title("The file changed on disk")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            "Overwrite".into(),
            "Cancel".into(),
        ));
    let answer = tauri::async_runtime::spawn_blocking(move || dialog.blocking_show_with_result())
        .await
        .unwrap_or(MessageDialogResult::Cancel);
    matches!(answer, MessageDialogResult::Ok)
        || matches!(answer, MessageDialogResult::Custom(ref l) if l == "Overwrite")
}

/// Asks which workshop to open; None when the user cancels.
pub async fn open_path<R: Runtime>(
    app: &AppHandle<R>,
    over: Option<&DialogOverride>,
) -> Option<PathBuf> {
    if let Some(o) = over {
        return newest_workshop_in(&o.dir);
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

/// Asks for several workshops to read (the Trends view); empty when the user cancels. The
/// test override answers every `.parallax` file in its folder, in name order.
pub async fn open_paths<R: Runtime>(
    app: &AppHandle<R>,
    over: Option<&DialogOverride>,
) -> Vec<PathBuf> {
    if let Some(o) = over {
        return workshops_in(&o.dir);
    }
    let dialog = app
        .dialog()
        .file()
        .set_title("Choose workshops to follow across time")
        .add_filter("Parallax workshop", &[EXTENSION]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_files())
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    picked
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect()
}

/// Asks whether to restore the unsaved work kept in `found`.
pub async fn ask_restore<R: Runtime>(
    app: &AppHandle<R>,
    over: Option<&DialogOverride>,
    found: &RecoveryCopy,
) -> Restore {
    if let Some(o) = over {
        return o.restore;
    }
    let whose = match &found.key {
        RecoveryKey::Document(path) => format!("“{}” ({})", found.title, path.display()),
        RecoveryKey::Untitled(_) => format!("“{}”, never saved", found.title),
    };
    // Closing the dialog answers its third button, so that button must lose nothing.
    let buttons =
        MessageDialogButtons::YesNoCancelCustom(RESTORE.into(), DISCARD.into(), LATER.into());
    let dialog = app
        .dialog()
        .message(format!(
            "Parallax kept unsaved work on {whose} from before it last closed. Restore it?"
        ))
        .title("Unsaved work found")
        .kind(MessageDialogKind::Warning)
        .buttons(buttons);
    let answer = tauri::async_runtime::spawn_blocking(move || dialog.blocking_show_with_result())
        .await
        .unwrap_or(MessageDialogResult::Cancel);
    match answer {
        MessageDialogResult::Yes => Restore::Recovered,
        MessageDialogResult::Custom(l) if l == RESTORE => Restore::Recovered,
        MessageDialogResult::No => Restore::Discard,
        MessageDialogResult::Custom(l) if l == DISCARD => Restore::Discard,
        _ => Restore::Saved,
    }
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

fn workshops_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
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

    fn variables(name: &str) -> Option<std::ffi::OsString> {
        match name {
            "PARALLAX_TEST_DIALOG_DIR" => Some("/tmp/answers".into()),
            "PARALLAX_TEST_UNSAVED_ANSWER" => Some("save".into()),
            "PARALLAX_TEST_CHANGED_ANSWER" => Some("overwrite".into()),
            "PARALLAX_TEST_RESTORE_ANSWER" => Some("restore".into()),
            _ => None,
        }
    }

    #[cfg(not(feature = "test-overrides"))]
    #[test]
    fn a_build_without_test_overrides_ignores_the_test_variables() {
        assert!(DialogOverride::from_lookup(variables).is_none());
    }

    #[cfg(feature = "test-overrides")]
    #[test]
    fn a_test_build_answers_dialogs_from_the_test_variables() {
        let o = DialogOverride::from_lookup(variables).expect("the override is on");
        assert_eq!(o.dir, PathBuf::from("/tmp/answers"));
        assert_eq!(o.unsaved, Unsaved::Save);
        assert!(o.overwrite);
        assert_eq!(o.restore, Restore::Recovered);
        assert!(DialogOverride::from_lookup(|_| None).is_none());
    }

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
