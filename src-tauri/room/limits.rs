//! Everything the room bounds, in one place: message size, messages per second per connection,
//! connections and participants per round, and each connection's outgoing queue. A client that
//! breaks a limit is answered (or dropped) alone; it must never slow down the app or another
//! participant.

use std::time::{Duration, Instant};

/// The largest message a participant may send, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024;

/// The largest WebSocket message read at all; anything above closes the connection. Between
/// `MAX_MESSAGE_BYTES` and this a message is refused with an error and the connection stays.
pub const MAX_WIRE_BYTES: usize = 64 * 1024;

/// Messages per second a connection may send (and its burst).
pub const MESSAGES_PER_SECOND: u32 = 20;

/// Open connections per round (a participant may reconnect, or have two tabs).
pub const MAX_CONNECTIONS: usize = 200;

/// Messages waiting to be written to one connection; a client that lets more pile up cannot
/// keep up and is dropped (it can reconnect).
pub const OUTBOX: usize = 32;

/// How long one write to a client may take before the client is dropped.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a new connection has to say hello.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// A token bucket: `MESSAGES_PER_SECOND` tokens, refilled continuously.
#[derive(Debug)]
pub struct Rate {
    tokens: f64,
    last: Instant,
}

impl Rate {
    pub fn new(now: Instant) -> Self {
        Rate {
            tokens: f64::from(MESSAGES_PER_SECOND),
            last: now,
        }
    }

    /// True when a message may go through now (and counts it).
    pub fn take(&mut self, now: Instant) -> bool {
        let per_second = f64::from(MESSAGES_PER_SECOND);
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * per_second).min(per_second);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let start = Instant::now();
        let mut rate = Rate::new(start);
        let passed = (0..100).filter(|_| rate.take(start)).count();
        assert_eq!(passed, MESSAGES_PER_SECOND as usize);
        assert!(!rate.take(start + Duration::from_millis(10)));
        assert!(rate.take(start + Duration::from_millis(60)));
        let later = start + Duration::from_secs(5);
        let passed = (0..100).filter(|_| rate.take(later)).count();
        assert_eq!(
            passed, MESSAGES_PER_SECOND as usize,
            "the bucket never holds more than a second"
        );
    }
}
