//! The shell owns time: the engine has no clock, so every edit, lock and recovery copy is
//! stamped here. It must never be read by the engine directly.

use std::time::{SystemTime, UNIX_EPOCH};

use parallax_engine::Millis;

/// Milliseconds since the Unix epoch (0 if the system clock is before it).
pub fn now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX))
        .unwrap_or(0)
}
