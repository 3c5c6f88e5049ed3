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
            let mut memo = store::SaveMemo::default();
            // Never outlive a test that failed before killing us.
            let deadline = Instant::now() + Duration::from_secs(120);
            while Instant::now() < deadline {
                // Both ways a save is written: every line serialized, or most taken from a warm
                // memo.
                let w = &versions[k % VERSIONS];
                if k % 2 == 0 {
                    store::save_remembering(&path, w, &Expect::Anything, &mut memo).unwrap();
                } else {
                    store::save_path(&path, w).unwrap();
                }
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
            // The same with a warm memo, whose lines come from memory.
            let mut memo = store::SaveMemo::default();
            memo.remember(&version(4));
            match store::save_remembering(&path, &version(4), &Expect::Anything, &mut memo) {
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
    // The same with a warm memo, whose lines come from memory.
    let mut memo = store::SaveMemo::default();
    memo.remember(&version(4));
    let err =
        store::save_remembering(&path, &version(4), &Expect::Anything, &mut memo).unwrap_err();
    assert!(matches!(err, SaveError::Io { kept: true, .. }), "{err:?}");
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
