//! Threads that wait for a save's disk work, so that it can start on the other core at once. A
//! thread started for each save is queued on its parent's core and began only when the parent
//! paused, up to 2 ms later, longer than the disk work itself; a thread that waits was usually
//! woken on the other core within about 10 µs. In the store bench (saves paired with the fsync
//! floor, 2-core virtual machine), a save after one edit took 1.3–1.5× the floor this way and
//! 2.2× with a thread per save; a first save 1.7× and 1.8–2.0×.
//!
//! It must never keep a save's result to itself: every job sends its outcome, or its panic, back
//! to the save that waits for it. Written by hand because the job is one closure handed to one
//! waiting thread; a thread-pool crate would add scheduling this does not need.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Mutex;

type Job = Box<dyn FnOnce() + Send>;

/// Threads waiting for a job. Usually one: a second is started only while two saves run at once.
static IDLE: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

/// Runs `job` on a waiting thread, or a new one when none waits. The receiver yields its result,
/// or the panic it raised; Err when no thread could be started.
pub(crate) fn run<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<Receiver<std::thread::Result<T>>> {
    let (done, result) = mpsc::sync_channel(1);
    let mut job: Job = Box::new(move || {
        let _ = done.send(catch_unwind(AssertUnwindSafe(job)));
    });
    loop {
        let waiting = IDLE.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let Some(worker) = waiting else { break };
        match worker.send(job) {
            Ok(()) => return Ok(result),
            // That thread is gone (it cannot be: it never stops); take the job back.
            Err(mpsc::SendError(back)) => job = back,
        }
    }
    std::thread::Builder::new()
        .name("parallax-save".into())
        .spawn(move || {
            let (to_me, jobs) = mpsc::channel::<Job>();
            job();
            loop {
                IDLE.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(to_me.clone());
                match jobs.recv() {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            }
        })?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_and_panics_come_back_and_the_thread_is_used_again() {
        assert_eq!(run(|| 6 * 7).unwrap().recv().unwrap().unwrap(), 42);
        let panicked = run(|| -> u8 { panic!("a job failed") })
            .unwrap()
            .recv()
            .unwrap();
        assert!(panicked.is_err());
        // Several at once each get a thread, and each result reaches its own caller.
        let started: Vec<_> = (0..4u64)
            .map(|i| {
                run(move || {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    i
                })
                .unwrap()
            })
            .collect();
        let results: Vec<u64> = started
            .into_iter()
            .map(|r| r.recv().unwrap().unwrap())
            .collect();
        assert_eq!(results, vec![0, 1, 2, 3]);
    }
}
