//! Time as the caller tells it.
//!
//! The crate never reads a clock. Every operation that depends on time takes a [`Timestamp`]:
//! milliseconds since an epoch the caller picks (process start, a test's zero, ...). Only
//! differences between timestamps matter.
//!
//! ```
//! use fetch_cors::Timestamp;
//! use std::time::Duration;
//!
//! let t0 = Timestamp::ZERO;
//! let t1 = t0 + Duration::from_secs(5);
//! assert_eq!(t1.as_millis(), 5_000);
//! assert_eq!(t1.saturating_duration_since(t0), Duration::from_secs(5));
//! ```

use std::ops::Add;
use std::time::{Duration, Instant};

/// A point in time, in milliseconds since a caller-chosen epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(u64);

impl Timestamp {
    /// The epoch.
    pub const ZERO: Timestamp = Timestamp(0);
    /// The far future; used for "never expires".
    pub const MAX: Timestamp = Timestamp(u64::MAX);

    /// A timestamp `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Timestamp(ms)
    }

    /// A timestamp `s` seconds after the epoch.
    pub const fn from_secs(s: u64) -> Self {
        Timestamp(s.saturating_mul(1000))
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time from `epoch` to `now` as a timestamp, for hosts that use [`Instant`].
    pub fn since(epoch: Instant, now: Instant) -> Self {
        Timestamp(
            u64::try_from(now.saturating_duration_since(epoch).as_millis()).unwrap_or(u64::MAX),
        )
    }

    /// `self + secs` seconds, saturating.
    pub const fn plus_secs(self, secs: u64) -> Self {
        Timestamp(self.0.saturating_add(secs.saturating_mul(1000)))
    }

    /// The time since `earlier`, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;

    fn add(self, d: Duration) -> Timestamp {
        Timestamp(
            self.0
                .saturating_add(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        )
    }
}
