//! The one clock every change is stamped with; tests fix it.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Wall-clock time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move.
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The stored and shown form of a time: RFC 3339, UTC, whole seconds (`2021-06-01T09:30:00Z`).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A "since" bound as typed (`audit --since`, the audit screen's filter): RFC 3339, or a
/// calendar date meaning midnight UTC.
pub fn parse_since(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            "is not a date (2026-11-25) or an RFC 3339 time (2026-11-25T09:00:00+09:00)".to_string()
        })
}

/// The stored stamp a "since" bound compares with: stamps keep whole seconds, so a fraction
/// rounds up (nothing earlier slips in).
pub fn since_stamp(t: DateTime<Utc>) -> String {
    let whole = DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
    stamp(if whole < t {
        whole + chrono::Duration::seconds(1)
    } else {
        whole
    })
}

/// Reads a stored stamp back.
pub fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_date_or_a_time_and_rounds_a_fraction_up() {
        let day = parse_since("2026-11-25").unwrap();
        assert_eq!(stamp(day), "2026-11-25T00:00:00Z");
        let t = parse_since(" 2026-11-25T09:00:00.250+09:00 ").unwrap();
        assert_eq!(since_stamp(t), "2026-11-25T00:00:01Z");
        assert_eq!(since_stamp(day), "2026-11-25T00:00:00Z");
        assert!(
            parse_since("yesterday")
                .unwrap_err()
                .starts_with("is not a date")
        );
    }
}
