//! Where the adapter reads the time: the preflight cache's `max-age` is counted with it.

use std::time::Instant;

use fetch_cors::Timestamp;

/// A source of [`Timestamp`]s. Replace the default [`SystemClock`] to control preflight-cache
/// expiry, for example in tests.
pub trait Clock: Send + Sync {
    /// The current time. Successive calls must not go backwards.
    fn now(&self) -> Timestamp;
}

/// The default clock: milliseconds since the clock was made, read from the monotonic system
/// clock ([`Instant`]), so a change of wall-clock time does not stretch or cut cache lifetimes.
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    epoch: Instant,
}

impl SystemClock {
    /// A clock whose zero is now.
    pub fn new() -> Self {
        SystemClock {
            epoch: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::since(self.epoch, Instant::now())
    }
}

impl<F> Clock for F
where
    F: Fn() -> Timestamp + Send + Sync,
{
    fn now(&self) -> Timestamp {
        self()
    }
}
