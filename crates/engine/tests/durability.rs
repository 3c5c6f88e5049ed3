//! Saves under hostile conditions, with real processes and real file systems: a saver killed with
//! SIGKILL at random moments (at least 200 times), a write limit that makes the disk "full"
//! mid-save, a real full tmpfs and a read-only folder (when the tests run as root and may mount),
//! and a document lock held by another process that then dies.
//!
//! Child processes are this test binary run again with `PARALLAX_STORE_CHILD` set: the
//! `child_entry` test then does the child's part and exits; without the variable it does nothing.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use parallax_engine::store::{self, lock, Expect, SaveError};
use parallax_engine::{sample, Change, Workshop};

const CHILD: &str = "PARALLAX_STORE_CHILD";

/// The versions the crash test writes: different sizes, so that a torn file would show.
fn version(k: usize) -> Workshop {
    let mut w = sample::workshop();
    w.title = format!("version {k}");
    for i in 0..(k * 60) {
        let mut c = Change::new(&format!("x{i}"), &format!("Change {i} of version {k}"));
        c.description = "A change long enough to make the file span several pages. ".repeat(3);
        w.changes.push(c);
    }
    w
}
const VERSIONS: usize = 5;

fn spawn_child(mode: &str, args: &[&str]) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
        .env(CHILD, mode)
        .env("PARALLAX_CHILD_ARGS", args.join("\n"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Reads the child's stdout until a line starting with `marker`, returning that line.
fn wait_for(child: &mut Child, marker: &str) -> String {
    let out = child.stdout.as_mut().unwrap();
    let mut reader = BufReader::new(out);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("the child ended before saying {marker:?}");
        }
        // The test harness prints "test child_entry ... " before the child's own output.
        if let Some(at) = line.find(marker) {
            return line[at..].trim_end().to_owned();
        }
    }
}

#[test]
fn child_entry() {
    let Ok(mode) = std::env::var(CHILD) else {
        return; // run as a normal test: nothing to do
    };
    let args: Vec<String> = std::env::var("PARALLAX_CHILD_ARGS")
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    match mode.as_str() {
        "save-loop" => {
            let path = PathBuf::from(&args[0]);
            let versions: Vec<Workshop> = (0..VERSIONS).map(version).collect();
            let mut k = 1;
            // Never outlive a test that failed before killing us.
            let deadline = Instant::now() + Duration::from_secs(120);
            while Instant::now() < deadline {
                store::save_path(&path, &versions[k % VERSIONS]).unwrap();
                if k == 1 {
                    println!("saving");
                    std::io::stdout().flush().unwrap();
                }
                k += 1;
            }
        }
        "fsize-limit" => {
            let path = PathBuf::from(&args[0]);
            let limit: u64 = args[1].parse().unwrap();
            // SAFETY: plain libc calls on this process; SIGXFSZ would otherwise kill it instead
            // of letting the write fail with EFBIG, which is what a full disk looks like to us.
            unsafe {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let rl = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &rl), 0);
            }
            match store::save_path(&path, &version(4)) {
                Err(SaveError::Io { kept: true, .. }) => {}
                other => panic!("expected an I/O error that kept the file, got {other:?}"),
            }
            let err = store::save_path(&path, &version(4)).unwrap_err();
            println!("error: {err}");
        }
        "hold-lock" => {
            let guard = lock::acquire(Path::new(&args[0]), 42).unwrap();
            println!("locked {}", guard.holder().pid);
            std::io::stdout().flush().unwrap();
            // Hold until the parent closes stdin or kills us.
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            drop(guard);
        }
        other => panic!("unknown child mode {other}"),
    }
    std::process::exit(0);
}

/// A tiny xorshift: random kill times without another dependency; seeded from the clock and
/// printed, so a failing run can be repeated.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn a_saver_killed_at_random_moments_never_leaves_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.parallax");
    let versions: Vec<Workshop> = (0..VERSIONS).map(version).collect();
    store::save_path(&path, &versions[0]).unwrap();
    let seed = std::env::var("PARALLAX_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("crash test seed {seed} (PARALLAX_CRASH_SEED to repeat)");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut seen = std::collections::BTreeSet::new();
    let mut strays = 0;
    let kills = 200;
    for round in 0..kills {
        let mut child = spawn_child("save-loop", &[path.to_str().unwrap()]);
        wait_for(&mut child, "saving");
        // Anywhere in the next few saves: before, during or after a write, a link, a rename.
        std::thread::sleep(Duration::from_micros(rng.next() % 40_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let loaded = store::load_path(&path)
            .unwrap_or_else(|e| panic!("round {round}: the document does not open: {e}"));
        let k = versions
            .iter()
            .position(|v| *v == loaded.workshop)
            .unwrap_or_else(|| panic!("round {round}: the document is none of the versions"));
        seen.insert(k);
        let bak = store::backup_path_for(&path).unwrap();
        if bak.exists() {
            let b = store::load_path(&bak)
                .unwrap_or_else(|e| panic!("round {round}: the .bak does not open: {e}"));
            assert!(
                versions.contains(&b.workshop),
                "round {round}: the .bak is none of the versions"
            );
        }
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if ["w.parallax", "w.parallax.bak", ".w.parallax.bak-new"].contains(&name.as_str()) {
                continue;
            }
            // A kill before the rename leaves the temporary file behind under a random name,
            // possibly half written: never the document, and removed by a later save.
            assert!(
                name.starts_with(".w.parallax.") && name.len() == ".w.parallax.".len() + 6,
                "round {round}: stray file {name}"
            );
            strays += 1;
        }
    }
    println!(
        "{kills} kills in {:?}; versions found after a kill: {seen:?}; temporary files \
         left by a kill before the rename: {strays}",
        started.elapsed()
    );
    assert!(
        seen.len() > 1,
        "the kills should land at different versions"
    );
}

#[test]
fn a_write_that_fails_for_lack_of_space_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.parallax");
    store::save_path(&path, &version(0)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let big = store::to_bytes(&version(4)).unwrap().len() as u64;
    let limit = big / 2;
    assert!(limit > before.len() as u64);
    let mut child = spawn_child("fsize-limit", &[path.to_str().unwrap(), &limit.to_string()]);
    let line = wait_for(&mut child, "error: ");
    assert!(child.wait().unwrap().success());
    assert!(line.contains("File too large"), "{line}");
    assert!(
        line.ends_with("The file on disk was left as it was."),
        "{line}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the original is intact"
    );
    assert_eq!(store::load_path(&path).unwrap().workshop, version(0));
}

/// A small tmpfs at a fresh folder, when this process may mount (root); None otherwise.
struct Tmpfs {
    dir: tempfile::TempDir,
}
impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then_some(Tmpfs { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn remount(&self, options: &str) -> bool {
        Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.dir.path())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_leaves_the_original_and_says_so() {
    let Some(fs) = Tmpfs::mount("64k") else {
        println!("skipped: cannot mount a tmpfs here (not root); the write-limit test covers it");
        return;
    };
    let path = fs.path().join("w.parallax");
    store::save_path(&path, &version(0)).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(store::to_bytes(&version(4)).unwrap().len() > 64 * 1024);
    let err = store::save_path(&path, &version(4)).unwrap_err();
    assert!(matches!(err, SaveError::Io { kept: true, .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("No space left on device"), "{message}");
    assert!(
        message.ends_with("The file on disk was left as it was."),
        "{message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Room again: the next save works, and the .bak is the version before it.
    let mut small = version(0);
    small.title = "after the disk was freed".into();
    store::save_path(&path, &small).unwrap();
    assert_eq!(store::load_path(&path).unwrap().workshop, small);
    assert_eq!(
        std::fs::read(store::backup_path_for(&path).unwrap()).unwrap(),
        before
    );
}

#[test]
fn a_read_only_folder_leaves_the_original_and_says_so() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let (guard_fs, _guard_dir, dir): (Option<Tmpfs>, Option<tempfile::TempDir>, PathBuf) = if root {
        // Root ignores permissions: make the folder a file system mounted read-only.
        let Some(fs) = Tmpfs::mount("1m") else {
            println!("skipped: root but cannot mount a tmpfs");
            return;
        };
        let dir = fs.path().to_owned();
        (Some(fs), None, dir)
    } else {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().to_owned();
        (None, Some(d), dir)
    };
    let path = dir.join("w.parallax");
    store::save_path(&path, &version(0)).unwrap();
    let before = std::fs::read(&path).unwrap();
    if let Some(fs) = &guard_fs {
        assert!(fs.remount("ro"));
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let err = store::save(&path, &version(1), &Expect::Anything).unwrap_err();
    assert!(matches!(err, SaveError::Io { kept: true, .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("Read-only file system") || message.contains("Permission denied"),
        "{message}"
    );
    assert!(
        message.ends_with("The file on disk was left as it was."),
        "{message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    if let Some(fs) = &guard_fs {
        fs.remount("rw");
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_lock_held_by_another_process_is_respected_until_it_dies() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("w.parallax");
    let mut child = spawn_child("hold-lock", &[doc.to_str().unwrap()]);
    let line = wait_for(&mut child, "locked ");
    let pid: u32 = line["locked ".len()..].parse().unwrap();
    assert_eq!(pid, child.id());
    match lock::acquire(&doc, 100) {
        Err(lock::LockError::Held { by: Some(by), .. }) => {
            assert_eq!(by.pid, pid);
            assert_eq!(by.since_ms, 42);
        }
        other => panic!("expected Held by the child, got {other:?}"),
    }
    let err = lock::acquire(&doc, 100).unwrap_err().to_string();
    assert!(err.contains("is already open for editing by "), "{err}");
    assert!(err.contains(&format!("(process {pid})")), "{err}");

    // Killed: its lock file stays behind, but it is stale and is taken over.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(lock::lock_path_for(&doc).unwrap().exists());
    let guard = lock::acquire(&doc, 200).unwrap();
    assert_eq!(guard.took_over().map(|h| h.pid), Some(pid));

    // A holder that ends normally removes its lock.
    drop(guard);
    let mut child = spawn_child("hold-lock", &[doc.to_str().unwrap()]);
    wait_for(&mut child, "locked ");
    drop(child.stdin.take()); // EOF: the child releases and exits
    assert!(child.wait().unwrap().success());
    assert!(!lock::lock_path_for(&doc).unwrap().exists());
}

// Things planted beside a document by anyone who may write to its folder: a symbolic link or a
// hard link to someone's file under the name of the lock, the `.bak` or a temporary file, or a
// FIFO. Each must be refused or replaced, never written through, and never waited on.

/// A file of the user's own that a planted link points at, and its bytes.
fn victim(dir: &Path) -> (PathBuf, Vec<u8>) {
    let path = dir.join("my-notes.txt");
    let bytes = b"my own notes, not a workshop\n".to_vec();
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a plain system call with a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// Runs `f` on a thread and waits at most 10 s for it: an operation that waits on a FIFO fails
/// the test instead of hanging it. On a timeout the FIFO gets a writer, which lets the stuck
/// thread go.
fn within<T: Send + 'static>(fifo: &Path, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(result) => result,
        Err(_) => {
            use std::os::unix::fs::OpenOptionsExt;
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(fifo);
            panic!("still waiting after 10 s on the FIFO {}", fifo.display());
        }
    }
}

#[test]
fn a_symlink_planted_as_the_lock_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let doc = dir.path().join("w.parallax");
    store::save_path(&doc, &sample::workshop()).unwrap();
    let (victim, bytes) = victim(elsewhere.path());
    let lock_path = lock::lock_path_for(&doc).unwrap();
    std::os::unix::fs::symlink(&victim, &lock_path).unwrap();
    let err = lock::acquire(&doc, 1).unwrap_err().to_string();
    assert!(
        err.contains(".w.parallax.lock is a symbolic link, not a lock file; it was left as it is"),
        "{err}"
    );
    assert!(
        std::fs::read(&victim).unwrap() == bytes,
        "the victim was written"
    );
    assert!(std::fs::symlink_metadata(&lock_path)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(lock::holder_of(&doc), None);
}

#[test]
fn a_hard_link_planted_as_the_lock_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("w.parallax");
    let (victim, bytes) = victim(dir.path());
    std::fs::hard_link(&victim, lock::lock_path_for(&doc).unwrap()).unwrap();
    let err = lock::acquire(&doc, 1).unwrap_err().to_string();
    assert!(err.contains("a second name of another file"), "{err}");
    assert!(
        std::fs::read(&victim).unwrap() == bytes,
        "the victim was written"
    );
}

#[test]
fn a_fifo_planted_as_the_lock_file_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("w.parallax");
    let fifo = lock::lock_path_for(&doc).unwrap();
    mkfifo(&fifo);
    let d = doc.clone();
    assert_eq!(within(&fifo, move || lock::holder_of(&d)), None);
    let d = doc.clone();
    let err = within(&fifo, move || lock::acquire(&d, 1).map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is not a regular file, not a lock file"),
        "{err}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_symlink_planted_as_the_backup_never_redirects_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.parallax");
    let bak = store::backup_path_for(&path).unwrap();
    let (victim, bytes) = victim(elsewhere.path());
    store::save_path(&path, &version(0)).unwrap();
    // Planted once, as the backup and as the name its hard link is made under: replaced by the
    // previous version, the victim untouched.
    std::fs::remove_file(&bak).ok();
    std::os::unix::fs::symlink(&victim, &bak).unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join(".w.parallax.bak-new")).unwrap();
    store::save_path(&path, &version(1)).unwrap();
    assert!(
        std::fs::read(&victim).unwrap() == bytes,
        "the victim was written"
    );
    assert!(std::fs::symlink_metadata(&bak).unwrap().is_file());
    assert_eq!(store::load_path(&bak).unwrap().workshop, version(0));

    // Swapped in and out again and again while saves run (an atomic exchange of two names, so
    // that the backup is a plain file one moment and the link the next): a save that checked
    // the backup and then opened it by its name would write into the victim sooner or later.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let planter = {
        let (stop, dir, bak, victim) = (
            stop.clone(),
            dir.path().to_owned(),
            bak.clone(),
            victim.clone(),
        );
        std::thread::spawn(move || {
            use std::os::unix::ffi::OsStrExt;
            let link = dir.join("planted-link");
            let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
            let (c_link, c_bak) = (c(&link), c(&bak));
            let is_link =
                |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
            let mut round = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // A save's own rename over the backup removes the link when it sits there:
                // plant it again.
                if round.is_multiple_of(16) && !is_link(&link) && !is_link(&bak) {
                    let _ = std::fs::remove_file(&link);
                    let _ = std::os::unix::fs::symlink(&victim, &link);
                }
                round += 1;
                // SAFETY: a plain system call with valid, NUL-terminated paths.
                unsafe {
                    libc::renameat2(
                        libc::AT_FDCWD,
                        c_link.as_ptr(),
                        libc::AT_FDCWD,
                        c_bak.as_ptr(),
                        libc::RENAME_EXCHANGE,
                    );
                }
            }
        })
    };
    for k in 0..300 {
        // A save may fail when the planter's exchange comes between its own steps.
        let _ = store::save_path(&path, &version(k % 2));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    planter.join().unwrap();
    assert!(
        std::fs::read(&victim).unwrap() == bytes,
        "the victim was written"
    );
    let loaded = store::load_path(&path).unwrap().workshop;
    assert!(loaded == version(0) || loaded == version(1));
}

#[test]
fn a_fifo_in_place_of_the_document_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("w.parallax");
    mkfifo(&fifo);
    let f = fifo.clone();
    let err = within(&fifo, move || {
        store::save_path(&f, &sample::workshop()).map_err(|e| e.to_string())
    })
    .unwrap_err();
    assert!(
        err.contains("it is not a regular file but a FIFO (named pipe)"),
        "{err}"
    );
    assert!(
        err.ends_with("The file on disk was left as it was."),
        "{err}"
    );
    let f = fifo.clone();
    let err = within(&fifo, move || store::load_path(&f).map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn a_fifo_never_stalls_the_recovery_offer_at_start() {
    use parallax_engine::store::recovery::{self, RecoveryKey};
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("recovery");
    // A sidecar that is a FIFO is skipped.
    std::fs::create_dir(&dir).unwrap();
    let sidecar = dir.join("doc-000000000000000000000000.json");
    mkfifo(&sidecar);
    let d = dir.clone();
    assert!(within(&sidecar, move || recovery::list(&d).unwrap()).is_empty());
    // A document that became a FIFO is not read to compare it with its copy: the copy is
    // offered.
    let doc = data.path().join("w.parallax");
    mkfifo(&doc);
    let key = RecoveryKey::Document(doc.clone());
    let far_ahead = 4_000_000_000_000; // ms since the epoch: the year 2096
    recovery::write(&dir, &key, &sample::workshop(), far_ahead).unwrap();
    let d = dir.clone();
    let pending = within(&doc, move || recovery::pending(&d).unwrap());
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].key, key);
}
