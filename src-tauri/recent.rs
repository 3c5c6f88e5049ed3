//! Recently opened workshops, kept in the app's data folder (never inside documents), newest
//! first, at most ten. The UI gets names and folders to show and asks to open one by its place
//! in the list, so a path still never comes from the web side. Failing to read or write the list
//! is never an error for the user: it is a convenience.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::now;
use parallax_engine::{store, Millis};

pub const MAX_RECENT: usize = 10;
const FILE: &str = "recent.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    path: PathBuf,
    title: String,
    opened_at_ms: Millis,
}

/// One recent workshop as the UI shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RecentFile {
    /// Its place in the list, to ask for it back.
    pub index: u32,
    pub name: String,
    pub folder: String,
    pub title: String,
}

/// The list is ten short entries: anything larger is not the list.
const MAX_LIST_BYTES: u64 = 64 * 1024;

fn read(dir: &Path) -> Vec<Entry> {
    store::read_bounded(&dir.join(FILE), MAX_LIST_BYTES)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Vec<Entry>>(&bytes).ok())
        .unwrap_or_default()
}

/// Puts `path` at the top of the list.
pub fn remember(dir: &Path, path: &Path, title: &str) {
    let mut list = read(dir);
    list.retain(|e| e.path != path);
    list.insert(
        0,
        Entry {
            path: path.to_path_buf(),
            title: title.to_owned(),
            opened_at_ms: now(),
        },
    );
    list.truncate(MAX_RECENT);
    // The store's atomic writer: a crash never leaves half a list, and no planted link is
    // followed.
    let written = std::fs::create_dir_all(dir).and_then(|_| {
        let bytes = serde_json::to_vec_pretty(&list).map_err(std::io::Error::other)?;
        store::atomic::write(&dir.join(FILE), &bytes)?;
        Ok(())
    });
    if let Err(e) = written {
        tracing::warn!("cannot update the recent files: {e}");
    }
}

/// The list for the UI, leaving out files that are gone.
pub fn list(dir: &Path) -> Vec<RecentFile> {
    read(dir)
        .into_iter()
        .enumerate()
        .filter(|(_, e)| e.path.is_file())
        .map(|(i, e)| RecentFile {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            name: e
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            folder: e
                .path
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            title: e.title,
        })
        .collect()
}

/// The path at `index`, if there is one.
pub fn path_at(dir: &Path, index: u32) -> Option<PathBuf> {
    read(dir).into_iter().nth(index as usize).map(|e| e.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_without_duplicates_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = (0..12)
            .map(|i| {
                let p = dir.path().join(format!("w{i}.parallax"));
                std::fs::write(&p, b"{}").unwrap();
                p
            })
            .collect();
        for f in &files {
            remember(dir.path(), f, "t");
        }
        remember(dir.path(), &files[5], "again");
        let list = list(dir.path());
        assert_eq!(list.len(), MAX_RECENT);
        assert_eq!(list[0].name, "w5.parallax");
        assert_eq!(list[0].title, "again");
        assert_eq!(list[1].name, "w11.parallax");
        assert_eq!(path_at(dir.path(), 0).unwrap(), files[5]);
    }

    #[test]
    fn a_damaged_list_is_an_empty_list() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), b"not json").unwrap();
        assert!(list(dir.path()).is_empty());
    }
}
