// Shared by the engine's benchmarks (included with `#[path]`): a criterion measurement of the
// calling thread's CPU time. On a busy machine wall time also counts waiting for a core; CPU time
// shows the cost of the work itself. No crate offers this for criterion 0.8.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// CPU time of the calling thread in nanoseconds, from clock_gettime(CLOCK_THREAD_CPUTIME_ID):
/// exact to the nanosecond, where /proc's schedstat only moves at scheduler ticks.
pub struct ThreadCpuTime;

impl ThreadCpuTime {
    #[cfg(target_os = "linux")]
    pub fn now() -> Option<u64> {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime only writes the timespec it is given, which lives on this stack.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        if rc != 0 {
            return None;
        }
        let secs = u64::try_from(t.tv_sec).ok()?;
        let nanos = u64::try_from(t.tv_nsec).ok()?;
        Some(secs * 1_000_000_000 + nanos)
    }

    #[cfg(not(target_os = "linux"))]
    pub fn now() -> Option<u64> {
        None
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        Self::now().unwrap_or(0)
    }
    fn end(&self, start: u64) -> u64 {
        Self::now().unwrap_or(start).saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, like wall time: reuse its formatting.
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}
