//! The relay's side of the desk's database: its state row (clinic name, database id,
//! checkpoint), the events after the checkpoint, and the sealed ids it turns into
//! `registry_ref`s.

use crate::app::store::{self, outbox};
use rusqlite::{Connection, OptionalExtension, params};

/// The relay's row in `relay_state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub clinic: String,
    pub database_id: String,
    pub last_seq: i64,
    pub relayed_at: Option<String>,
}

pub fn state(conn: &Connection) -> rusqlite::Result<Option<State>> {
    conn.prepare_cached(
        "SELECT clinic, database_id, last_seq, relayed_at FROM relay_state WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(State {
            clinic: r.get(0)?,
            database_id: r.get(1)?,
            last_seq: r.get(2)?,
            relayed_at: r.get(3)?,
        })
    })
    .optional()
}

/// Records the clinic name unless one is recorded already (another relay may have been
/// first); returns the state as it stands.
pub fn record(conn: &Connection, clinic: &str, database_id: &str) -> rusqlite::Result<State> {
    store::immediate(conn, |c| {
        c.execute(
            "INSERT OR IGNORE INTO relay_state (id, clinic, database_id, last_seq)
             VALUES (1, ?1, ?2, 0)",
            params![clinic, database_id],
        )?;
        state(c).map(|s| s.expect("the row was just written"))
    })
}

/// Moves the checkpoint to `seq` (never back: two relays of one database may race).
pub fn advance(conn: &Connection, seq: i64, at: &str) -> rusqlite::Result<()> {
    store::immediate(conn, |c| {
        c.execute(
            "UPDATE relay_state SET last_seq = MAX(last_seq, ?1), relayed_at = ?2 WHERE id = 1",
            params![seq, at],
        )
        .map(|_| ())
    })
}

/// [`advance`] only if the database's write lock is free right now: a busy clinic's desks
/// hold it most of the time, and the relay does not queue behind them for every batch. False
/// when it was taken (nothing changed; the registry already has the batch either way).
pub fn try_advance(conn: &Connection, seq: i64, at: &str) -> rusqlite::Result<bool> {
    let waited: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let result = advance(conn, seq, at);
    conn.busy_timeout(std::time::Duration::from_millis(waited.max(0) as u64))?;
    match result {
        Ok(()) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

pub use outbox::LogRow;

/// Up to `limit` events after `after`, oldest first.
pub fn events_after(conn: &Connection, after: i64, limit: i64) -> rusqlite::Result<Vec<LogRow>> {
    outbox::rows_after(conn, after, limit)
}

/// The highest seq in the log.
pub fn last_seq(conn: &Connection) -> rusqlite::Result<i64> {
    outbox::last_seq(conn)
}

/// A citizen's sealed resident id.
pub fn sealed_id(conn: &Connection, citizen: i64) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT resident_id_sealed FROM citizens WHERE id = ?1")?
        .query_row([citizen], |r| r.get(0))
        .optional()
}

/// The time of the oldest event after `after`, if any.
pub fn first_at_after(conn: &Connection, after: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT at FROM events WHERE seq > ?1 ORDER BY seq LIMIT 1")?
        .query_row([after], |r| r.get(0))
        .optional()
}
