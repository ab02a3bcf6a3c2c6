//! The circuit breaker that guards each subscriber (rule 6).
//!
//! After a failure the subscriber waits before its next try, longer each time (backoff). After
//! `failure_threshold` failures in a row the breaker opens: no tries for `open_for`. Then one
//! trial delivery is let through (half-open): success closes it, failure opens it again.
//! Its state lives in the database, so every desk sees and respects the same breaker.

use crate::app::store::outbox::Health;
use crate::domain::clock::{parse_stamp, stamp};
use chrono::{DateTime, Duration, Utc};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    pub failure_threshold: u32,
    pub open_for: Duration,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            failure_threshold: 5,
            open_for: Duration::seconds(30),
            first_backoff: Duration::milliseconds(250),
            max_backoff: Duration::seconds(8),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    Closed,
    Open,
    HalfOpen,
}

impl BreakerState {
    pub fn as_str(self) -> &'static str {
        match self {
            BreakerState::Closed => "CLOSED",
            BreakerState::Open => "OPEN",
            BreakerState::HalfOpen => "HALF_OPEN",
        }
    }
}

impl fmt::Display for BreakerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the breaker allows now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Deliver.
    Go,
    /// Deliver one trial (half-open).
    Trial,
    /// Do not call the subscriber before this time.
    Wait(DateTime<Utc>),
}

impl BreakerPolicy {
    /// The state as it stands at `now` (an open breaker whose pause is over is half-open).
    pub fn state(&self, h: &Health, now: DateTime<Utc>) -> BreakerState {
        match (h.state.as_str(), self.gate(h, now)) {
            ("OPEN", Gate::Trial) => BreakerState::HalfOpen,
            ("OPEN", _) => BreakerState::Open,
            ("HALF_OPEN", _) => BreakerState::HalfOpen,
            _ => BreakerState::Closed,
        }
    }

    pub fn gate(&self, h: &Health, now: DateTime<Utc>) -> Gate {
        let retry = h.retry_at.as_deref().and_then(parse_stamp);
        match (h.state.as_str(), retry) {
            (_, Some(t)) if now < t => Gate::Wait(t),
            ("OPEN" | "HALF_OPEN", _) => Gate::Trial,
            _ => Gate::Go,
        }
    }

    /// The record after a successful delivery.
    pub fn on_success(&self) -> Health {
        Health {
            state: "CLOSED".into(),
            ..Health::default()
        }
    }

    /// The record after a failed delivery at `now`.
    pub fn on_failure(&self, h: &Health, now: DateTime<Utc>, error: &str) -> Health {
        let failures = h.consecutive_failures + 1;
        let (state, wait) = if h.state != "CLOSED" || failures >= i64::from(self.failure_threshold)
        {
            ("OPEN", self.open_for)
        } else {
            let factor = 1i32 << (failures - 1).clamp(0, 20);
            (
                "CLOSED",
                (self.first_backoff * factor).min(self.max_backoff),
            )
        };
        Health {
            state: state.into(),
            consecutive_failures: failures,
            retry_at: Some(stamp_ms(now + wait)),
            last_error: Some(error.chars().take(500).collect()),
            last_failure_at: Some(stamp(now)),
        }
    }
}

/// Retry times need sub-second precision: backoffs start at a quarter second.
fn stamp_ms(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn opens_after_threshold_then_half_opens_then_closes() {
        let p = BreakerPolicy::default();
        let mut h = Health {
            state: "CLOSED".into(),
            ..Health::default()
        };
        let mut now = t0();
        for i in 1..=4 {
            h = p.on_failure(&h, now, "boom");
            assert_eq!(p.state(&h, now), BreakerState::Closed, "failure {i}");
            assert!(
                matches!(p.gate(&h, now), Gate::Wait(_)),
                "backoff after failure {i}"
            );
            now += Duration::seconds(10);
            assert_eq!(p.gate(&h, now), Gate::Go);
        }
        h = p.on_failure(&h, now, "boom");
        assert_eq!(p.state(&h, now), BreakerState::Open);
        assert!(matches!(
            p.gate(&h, now + Duration::seconds(29)),
            Gate::Wait(_)
        ));
        let later = now + Duration::seconds(30);
        assert_eq!(p.gate(&h, later), Gate::Trial);
        assert_eq!(p.state(&h, later), BreakerState::HalfOpen);
        let reopened = p.on_failure(&h, later, "still down");
        assert_eq!(p.state(&reopened, later), BreakerState::Open);
        assert_eq!(p.state(&p.on_success(), later), BreakerState::Closed);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = BreakerPolicy {
            failure_threshold: 100,
            ..BreakerPolicy::default()
        };
        let mut h = Health {
            state: "CLOSED".into(),
            ..Health::default()
        };
        let mut waits = vec![];
        for _ in 0..10 {
            h = p.on_failure(&h, t0(), "x");
            let Gate::Wait(t) = p.gate(&h, t0()) else {
                panic!("expected a wait")
            };
            waits.push((t - t0()).num_milliseconds());
        }
        assert_eq!(&waits[..4], &[250, 500, 1000, 2000]);
        assert_eq!(*waits.last().unwrap(), 8000);
    }
}
