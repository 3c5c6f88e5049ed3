//! The hostile corpus (`tests/hostile/`): files that are broken, malicious or from elsewhere,
//! each with the message a user must get. Big files (a 10 MB title, a file over the size limit)
//! are made at run time rather than committed. The same corpus runs through `parallax-cli check`
//! in crates/cli/tests/check.rs. Then what is not a file at all: a FIFO, a device behind a link,
//! a folder, a file over a limit — `read_bounded`, which every read of a user's file goes through,
//! refuses each before reading, and without waiting.

use std::path::{Path, PathBuf};

use parallax_engine::store::{self, read_bounded, LoadError, ReadError, MAX_FILE_BYTES};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// Every corpus file and the start (or, with `…`, pieces in order) of the message it must
/// produce; None: the file opens. Kept in `hostile.expected`, shared with the CLI's tests.
fn expected() -> Vec<(String, Option<String>)> {
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile.expected");
    std::fs::read_to_string(table)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, message) = l.split_once('\t').unwrap();
            let message = (message != "-").then(|| message.to_owned());
            (name.to_owned(), message)
        })
        .collect()
}

/// `expected` is the start of `message`, or, split at `…`, its pieces appear in order.
fn matches(message: &str, expected: &str) -> bool {
    let mut rest = message;
    for (i, piece) in expected.split('…').enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(piece) else {
                return false;
            };
            rest = r;
        } else {
            let Some(at) = rest.find(piece) else {
                return false;
            };
            rest = &rest[at + piece.len()..];
        }
    }
    true
}

#[test]
fn every_corpus_file_gets_its_message() {
    let mut failures = Vec::new();
    for (name, expected) in expected() {
        let result = store::load_path(&corpus().join(&name));
        match (&expected, result) {
            (None, Ok(_)) => {}
            (Some(e), Err(err)) if matches(&err.to_string(), e) => {}
            (e, r) => failures.push(format!("{name}: expected {e:?}, got {:?}", r.map(|_| ()))),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_and_the_table_list_the_same_files() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = expected().into_iter().map(|(n, _)| n).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn the_read_only_and_bom_cases_open_as_they_should() {
    let newer = store::load_path(&corpus().join("newer-schema-version.parallax")).unwrap();
    assert!(newer
        .read_only
        .unwrap()
        .contains("newer Parallax (file format 4"));
    let plain = store::load_path(&corpus().join("valid.parallax")).unwrap();
    let bom = store::load_path(&corpus().join("bom.parallax")).unwrap();
    assert_eq!(plain.workshop, bom.workshop);
    assert!(plain.read_only.is_none() && bom.read_only.is_none());
}

/// The valid corpus file with its title replaced by `title_chars` copies of 'x'.
fn with_title_of(title_chars: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(corpus().join("valid.parallax")).unwrap();
    let title = "x".repeat(title_chars);
    text.replacen(
        "\"title\": \"Hostile corpus base\"",
        &format!("\"title\": \"{title}\""),
        1,
    )
    .into_bytes()
}

#[test]
fn a_10_mb_title_is_refused_by_length_not_by_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ten-mb-title.parallax");
    std::fs::write(&path, with_title_of(10_000_000)).unwrap();
    let err = store::load_path(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        "title: is 10000000 characters long; at most 500 are allowed"
    );
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("too-large.parallax");
    // Sparse: the size is there, the bytes are never written (or read).
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap();
    match store::load_path(&path) {
        Err(LoadError::TooLarge { size, max }) => {
            assert_eq!((size, max), (MAX_FILE_BYTES + 1, MAX_FILE_BYTES));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let err = store::load_path(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        "the file is 33554433 bytes; Parallax opens workshops of at most 33554432 bytes"
    );
}

#[test]
fn a_folder_or_a_device_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let err = store::load_path(dir.path()).unwrap_err().to_string();
    assert!(err.contains("not a regular file"), "{err}");
    let err = store::load_path(Path::new("/dev/zero"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn a_format_0_file_is_migrated_step_by_step() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v0-workshop.parallax");
    let loaded = store::load_path(&path).unwrap();
    assert_eq!(loaded.migrated_from, Some(0));
    assert!(loaded.read_only.is_none());
    let w = &loaded.workshop;
    assert!(!w.blind, "format 0 had no blind mode: the room worked open");
    let c1 = &w.changes[0];
    assert_eq!(c1.placements.len(), 2);
    let ops = &c1.placements[&parallax_engine::PerspectiveId::new("ops")];
    assert_eq!((ops.likelihood, ops.impact), (3, 3));
    assert_eq!(ops.rationale, "");
    assert_eq!(ops.placed_at_ms, 0, "unknown time");
    assert!(w.changes[1].placements.is_empty());

    // Saved, it is a current file that reads back the same, and the old file is the .bak.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("old.parallax");
    std::fs::copy(&path, &copy).unwrap();
    let saved = store::save(
        &copy,
        w,
        &store::Expect::Unchanged(loaded.fingerprint.clone()),
    )
    .unwrap();
    let again = store::load_path(&copy).unwrap();
    assert_eq!(again.migrated_from, None);
    assert_eq!(&again.workshop, w);
    assert_eq!(
        std::fs::read(saved.backup.unwrap()).unwrap(),
        std::fs::read(&path).unwrap()
    );
}

#[test]
fn a_file_over_the_limit_is_refused_with_its_size_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    std::fs::write(&path, b"0123456789").unwrap();
    assert_eq!(read_bounded(&path, 10).unwrap(), b"0123456789");
    match read_bounded(&path, 9) {
        Err(e @ ReadError::TooLarge { size: 10, max: 9 }) => {
            assert_eq!(
                e.to_string(),
                "the file is 10 bytes; at most 9 bytes are read"
            );
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_bounded(dir.path(), 1024).unwrap_err();
    assert!(matches!(err, ReadError::NotAFile(_)), "{err:?}");
    assert_eq!(err.to_string(), "it is not a regular file but a folder");
}

#[cfg(unix)]
#[test]
fn a_device_behind_a_symlink_is_refused_before_a_byte_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("w.parallax");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let err = read_bounded(&link, u64::MAX).unwrap_err();
    assert_eq!(err.to_string(), "it is not a regular file but a device");
    let err = store::load_path(&link).unwrap_err().to_string();
    assert!(err.contains("not a regular file but a device"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("import.csv");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a plain system call with a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let (tx, rx) = std::sync::mpsc::channel();
    let f = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(read_bounded(&f, 1024).map_err(|e| e.to_string()));
    });
    let result = rx.recv_timeout(std::time::Duration::from_secs(10));
    if result.is_err() {
        // Let the stuck reader go before failing.
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
    }
    let err = result
        .expect("read_bounded waited on the FIFO for 10 s")
        .unwrap_err();
    assert_eq!(err, "it is not a regular file but a FIFO (named pipe)");
}
