//! The `sign_in_throttle` table: failed sign-ins slow down and then lock the next attempt, for
//! every desk at once, because the count lives in the shared database and not in one process.
//!
//! One row per subject: a staff account (`staff:NAME`) or a kiosk id (`citizen:` + a keyed hash,
//! never the resident id itself). The policy numbers are in [`crate::domain::staff`]. Every
//! function runs inside the caller's immediate transaction (gate, verify, record in one), so two
//! desks cannot both take the same free attempt.
//!
//! Decisions:
//! - Only a success or [`unlock`] (a manager) resets the count. When a 15-minute lock runs out,
//!   one attempt is allowed; if it fails too the subject locks again at once for another
//!   [`LOCK_FOR`]. Restarting from 0 would allow 10 guesses every ~24 minutes, which is enough
//!   to walk through every birth date at the kiosk within weeks.
//! - Times are stored with [`stamp`] (whole seconds), rounded up, so a wait is never shortened.
//! - A stored time that does not parse fails closed: [`gate`] reports the subject locked for
//!   [`LOCK_FOR`] from now and rewrites the row so the lock really ends then.

use crate::domain::clock::{parse_stamp, stamp};
use crate::domain::staff::{LOCK_AFTER, LOCK_FOR, delay_after};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// A subject's throttle as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures in a row since the last success or unlock.
    pub failures: u32,
    pub next_attempt: Option<DateTime<Utc>>,
    /// A damaged stored time reads as locked until the end of time (until [`gate`] repairs it).
    pub locked_until: Option<DateTime<Utc>>,
}

/// Whether a sign-in attempt may go ahead now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Too soon after the last failure.
    Wait {
        until: DateTime<Utc>,
    },
    /// Too many failures in a row.
    Locked {
        until: DateTime<Utc>,
    },
}

impl Gate {
    /// When the next attempt may be made; `None` when it may be made now.
    #[cfg(any(test, feature = "internals"))]
    pub fn until(self) -> Option<DateTime<Utc>> {
        match self {
            Gate::Open => None,
            Gate::Wait { until } | Gate::Locked { until } => Some(until),
        }
    }
}

/// The throttle subject of a staff account (pass the normal-form name).
pub fn staff_subject(name: &str) -> String {
    format!("staff:{name}")
}

/// The throttle subject of a kiosk id: pass the keyed hash (hex) of the id, never the id.
pub fn kiosk_subject(id_lookup_hex: &str) -> String {
    format!("citizen:{id_lookup_hex}")
}

struct Stored {
    failures: u32,
    next_attempt: Option<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
    /// A stored time did not parse.
    damaged: bool,
}

fn load(conn: &Connection, subject: &str) -> rusqlite::Result<Option<Stored>> {
    let raw = conn
        .prepare_cached(
            "SELECT failures, next_attempt, locked_until FROM sign_in_throttle WHERE subject = ?1",
        )?
        .query_row([subject], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .optional()?;
    Ok(raw.map(|(failures, next, locked)| {
        let mut damaged = false;
        let mut read = |s: Option<String>| {
            let s = s?;
            let t = parse_stamp(&s);
            damaged |= t.is_none();
            t
        };
        let next_attempt = read(next);
        let locked_until = read(locked);
        Stored {
            // Negative is barred by the schema; out of range counts as many failures.
            failures: u32::try_from(failures).unwrap_or(u32::MAX),
            next_attempt,
            locked_until,
            damaged,
        }
    }))
}

fn save(
    conn: &Connection,
    subject: &str,
    failures: u32,
    next_attempt: Option<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO sign_in_throttle (subject, failures, next_attempt, locked_until) \
         VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, \
           next_attempt = excluded.next_attempt, locked_until = excluded.locked_until",
    )?
    .execute(params![
        subject,
        i64::from(failures),
        next_attempt.map(stamp),
        locked_until.map(stamp),
    ])?;
    Ok(())
}

/// `now + d`, rounded up to the whole second that [`stamp`] keeps; saturates far in the future.
fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    let t = now
        .checked_add_signed(d)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    if t.timestamp_subsec_nanos() == 0 {
        return t;
    }
    DateTime::from_timestamp(t.timestamp().saturating_add(1), 0).unwrap_or(t)
}

/// Locks a subject whose row is damaged for [`LOCK_FOR`] from now, repairing the row.
fn lock_damaged(
    conn: &Connection,
    subject: &str,
    failures: u32,
    now: DateTime<Utc>,
) -> rusqlite::Result<Gate> {
    let until = after(now, LOCK_FOR);
    save(conn, subject, failures.max(LOCK_AFTER), None, Some(until))?;
    Ok(Gate::Locked { until })
}

/// May `subject` attempt a sign-in at `now`? Locked wins over Wait; an expired lock is Open.
pub fn gate(conn: &Connection, subject: &str, now: DateTime<Utc>) -> rusqlite::Result<Gate> {
    let Some(s) = load(conn, subject)? else {
        return Ok(Gate::Open);
    };
    if s.damaged {
        return lock_damaged(conn, subject, s.failures, now);
    }
    Ok(match (s.locked_until, s.next_attempt) {
        (Some(until), _) if until > now => Gate::Locked { until },
        (_, Some(until)) if until > now => Gate::Wait { until },
        _ => Gate::Open,
    })
}

/// Counts a failed attempt at `now` and returns what the next attempt faces: a wait of
/// [`delay_after`] the new count, or a lock for [`LOCK_FOR`] at [`LOCK_AFTER`] failures or more.
pub fn record_failure(
    conn: &Connection,
    subject: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<Gate> {
    let (before, damaged) = match load(conn, subject)? {
        Some(s) => (s.failures, s.damaged),
        None => (0, false),
    };
    let failures = before.saturating_add(1);
    if damaged {
        return lock_damaged(conn, subject, failures, now);
    }
    let next = after(now, delay_after(failures));
    if failures >= LOCK_AFTER {
        let until = after(now, LOCK_FOR);
        save(conn, subject, failures, Some(next), Some(until))?;
        return Ok(Gate::Locked { until });
    }
    save(conn, subject, failures, Some(next), None)?;
    Ok(Gate::Wait { until: next })
}

/// A successful sign-in: forget the subject's failures.
pub fn record_success(conn: &Connection, subject: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM sign_in_throttle WHERE subject = ?1")?
        .execute([subject])?;
    Ok(())
}

/// A manager lifts a lock or wait; true when there was anything to clear (any failures).
pub fn unlock(conn: &Connection, subject: &str) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM sign_in_throttle WHERE subject = ?1")?
        .execute([subject])?;
    Ok(n > 0)
}

/// The stored throttle of `subject`, `None` when it has no failures.
pub fn state(conn: &Connection, subject: &str) -> rusqlite::Result<Option<Throttle>> {
    Ok(load(conn, subject)?.map(|s| Throttle {
        failures: s.failures,
        next_attempt: s.next_attempt,
        locked_until: if s.damaged {
            Some(DateTime::<Utc>::MAX_UTC)
        } else {
            s.locked_until
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::store;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 6, 1, 9, 0, 0).unwrap()
    }

    fn secs(n: i64) -> Duration {
        Duration::seconds(n)
    }

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = store::open(&dir.path().join("t.db")).unwrap();
        (dir, conn)
    }

    fn fail(conn: &Connection, subject: &str, now: DateTime<Utc>) -> Gate {
        store::immediate(conn, |c| record_failure(c, subject, now)).unwrap()
    }

    fn gate_at(conn: &Connection, subject: &str, now: DateTime<Utc>) -> Gate {
        store::immediate(conn, |c| gate(c, subject, now)).unwrap()
    }

    #[test]
    fn waits_double_after_each_failure() {
        let (_d, conn) = db();
        let s = staff_subject("kim");
        assert_eq!(gate_at(&conn, &s, t0()), Gate::Open);
        assert_eq!(state(&conn, &s).unwrap(), None);
        let mut now = t0();
        for wait in [1, 2, 4] {
            let until = now + secs(wait);
            assert_eq!(fail(&conn, &s, now), Gate::Wait { until });
            assert_eq!(gate_at(&conn, &s, now), Gate::Wait { until });
            assert_eq!(gate_at(&conn, &s, until - secs(1)), Gate::Wait { until });
            assert_eq!(gate_at(&conn, &s, until), Gate::Open);
            now = until;
        }
        assert_eq!(state(&conn, &s).unwrap().unwrap().failures, 3);
    }

    #[test]
    fn ten_failures_lock_for_fifteen_minutes() {
        let (_d, conn) = db();
        let s = staff_subject("kim");
        for _ in 1..LOCK_AFTER {
            assert!(matches!(fail(&conn, &s, t0()), Gate::Wait { .. }));
        }
        let until = t0() + Duration::minutes(15);
        assert_eq!(fail(&conn, &s, t0()), Gate::Locked { until });
        assert_eq!(
            gate_at(&conn, &s, t0() + Duration::minutes(14)),
            Gate::Locked { until }
        );
        let st = state(&conn, &s).unwrap().unwrap();
        assert_eq!((st.failures, st.locked_until), (10, Some(until)));

        // The lock runs out: Open, but the count stands, so one more failure locks again.
        assert_eq!(gate_at(&conn, &s, until), Gate::Open);
        let again = until + Duration::minutes(15);
        assert_eq!(fail(&conn, &s, until), Gate::Locked { until: again });
    }

    #[test]
    fn unlock_opens_and_restarts_the_count() {
        let (_d, conn) = db();
        let s = staff_subject("kim");
        for _ in 0..LOCK_AFTER {
            fail(&conn, &s, t0());
        }
        assert!(matches!(gate_at(&conn, &s, t0()), Gate::Locked { .. }));
        assert!(store::immediate(&conn, |c| unlock(c, &s)).unwrap());
        assert_eq!(gate_at(&conn, &s, t0()), Gate::Open);
        assert_eq!(state(&conn, &s).unwrap(), None);
        assert!(!store::immediate(&conn, |c| unlock(c, &s)).unwrap());
        assert_eq!(
            fail(&conn, &s, t0()),
            Gate::Wait {
                until: t0() + secs(1)
            }
        );
    }

    #[test]
    fn success_resets() {
        let (_d, conn) = db();
        let s = kiosk_subject("ab12");
        for _ in 0..3 {
            fail(&conn, &s, t0());
        }
        store::immediate(&conn, |c| record_success(c, &s)).unwrap();
        assert_eq!(state(&conn, &s).unwrap(), None);
        assert_eq!(gate_at(&conn, &s, t0()), Gate::Open);
        assert_eq!(
            fail(&conn, &s, t0()),
            Gate::Wait {
                until: t0() + secs(1)
            }
        );
    }

    #[test]
    fn subjects_are_independent_and_shared_by_desks() {
        let (dir, conn) = db();
        let other_desk = store::open(&dir.path().join("t.db")).unwrap();
        assert_eq!(staff_subject("kim"), "staff:kim");
        assert_eq!(kiosk_subject("ab12"), "citizen:ab12");
        for _ in 0..LOCK_AFTER {
            fail(&conn, &staff_subject("kim"), t0());
        }
        assert!(matches!(
            gate_at(&other_desk, &staff_subject("kim"), t0()),
            Gate::Locked { .. }
        ));
        assert_eq!(
            gate_at(&other_desk, &staff_subject("park"), t0()),
            Gate::Open
        );
        assert_eq!(
            gate_at(&other_desk, &kiosk_subject("kim"), t0()),
            Gate::Open
        );
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        let (_d, conn) = db();
        let s = staff_subject("kim");
        let now = t0() + Duration::milliseconds(300);
        let until = t0() + secs(2);
        assert_eq!(fail(&conn, &s, now), Gate::Wait { until });
        assert_eq!(gate_at(&conn, &s, now + secs(1)), Gate::Wait { until });
    }

    #[test]
    fn damaged_times_fail_closed() {
        let (_d, conn) = db();
        let s = staff_subject("kim");
        fail(&conn, &s, t0());
        conn.execute("UPDATE sign_in_throttle SET next_attempt = 'soon'", [])
            .unwrap();
        assert_eq!(
            state(&conn, &s).unwrap().unwrap().locked_until,
            Some(DateTime::<Utc>::MAX_UTC)
        );
        let now = t0() + Duration::hours(1);
        let until = now + LOCK_FOR;
        assert_eq!(gate_at(&conn, &s, now), Gate::Locked { until });
        // Repaired: the lock ends when it said it would.
        assert_eq!(gate_at(&conn, &s, now + secs(60)), Gate::Locked { until });
        assert_eq!(gate_at(&conn, &s, until), Gate::Open);

        conn.execute("UPDATE sign_in_throttle SET locked_until = 'x'", [])
            .unwrap();
        assert_eq!(fail(&conn, &s, now), Gate::Locked { until });
    }
}
