//! The outbox: the append-only event log, subscriber checkpoints and subscriber health.
//!
//! Commands append events in their own transaction; nothing here ever updates or deletes an
//! event (triggers refuse it).

use crate::domain::event::{Event, EventKind, StoredEvent};
use rusqlite::{Connection, OptionalExtension, params};

/// Appends one event; returns its sequence number.
pub fn append(conn: &Connection, actor: &str, at: &str, event: &Event) -> rusqlite::Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO events (type, aggregate, actor, at, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    stmt.execute(params![
        event.type_name(),
        event.aggregate(),
        actor,
        at,
        data_string(event)
    ])?;
    Ok(conn.last_insert_rowid())
}

/// [`Event::data_string`], written straight from the facts for the events a bulk file writes
/// by the million (the same text: the facts are what the tagged form carries as `data`).
fn data_string(event: &Event) -> String {
    let direct = match event {
        Event::CitizenRegistered(c) | Event::CitizenUpdated(c) => serde_json::to_string(c),
        Event::InjectionRecorded(i) | Event::InjectionUpdated(i) => serde_json::to_string(i),
        _ => return event.data_string(),
    };
    direct.unwrap_or_else(|_| event.data_string())
}

/// The highest sequence number in the log (0 when empty).
pub fn last_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM events")?
        .query_row([], |r| r.get(0))
}

/// The citizen (internal id) of the first event after `after`, if any: whose record a command
/// that just appended it touched.
pub fn first_citizen_after(conn: &Connection, after: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT json_extract(data, '$.citizen') FROM events WHERE seq > ?1 ORDER BY seq LIMIT 1",
    )?
    .query_row([after], |r| r.get::<_, Option<i64>>(0))
    .optional()
    .map(Option::flatten)
}

/// A raw row of the log, as shown by `vaxdesk events`.
#[derive(Debug, Clone)]
pub struct LogRow {
    pub seq: i64,
    pub type_name: String,
    pub actor: String,
    pub at: String,
    pub data: String,
}

/// Up to `limit` raw rows after `after`, oldest first.
pub fn rows_after(conn: &Connection, after: i64, limit: i64) -> rusqlite::Result<Vec<LogRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, type, actor, at, data FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    stmt.query_map(params![after, limit], log_row)?.collect()
}

fn log_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogRow> {
    Ok(LogRow {
        seq: r.get(0)?,
        type_name: r.get(1)?,
        actor: r.get(2)?,
        at: r.get(3)?,
        data: r.get(4)?,
    })
}

/// An event that could not be read back: the log is damaged.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("event {seq} ({type_name}) cannot be read: {reason}")]
    Undecodable {
        seq: i64,
        type_name: String,
        reason: String,
    },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// Up to `limit` decoded events with `after < seq <= upto`, oldest first; with `kinds`, only
/// events of those kinds (others are skipped in SQL, never decoded).
pub fn events_between(
    conn: &Connection,
    after: i64,
    upto: i64,
    kinds: Option<&[EventKind]>,
    limit: i64,
) -> Result<Vec<StoredEvent>, ReadError> {
    let filter = match kinds {
        Some(kinds) => format!(
            "AND type IN ({})",
            kinds
                .iter()
                .map(|k| format!("'{}'", k.name()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seq, type, actor, at, data FROM events
         WHERE seq > ?1 AND seq <= ?2 {filter} ORDER BY seq LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![after, upto, limit], log_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(decode).collect()
}

fn decode(row: LogRow) -> Result<StoredEvent, ReadError> {
    let event = match decode_facts(&row.type_name, &row.data) {
        Some(e) => e,
        None => {
            Event::from_stored(&row.type_name, &row.data).map_err(|e| ReadError::Undecodable {
                seq: row.seq,
                type_name: row.type_name.clone(),
                reason: e.to_string(),
            })?
        }
    };
    Ok(StoredEvent {
        seq: row.seq,
        actor: row.actor,
        at: row.at,
        event,
    })
}

/// The events a bulk file writes by the million, read straight into their facts (without
/// [`Event::from_stored`]'s copy of the data into a tagged document). `None` for the other
/// kinds, and for data that does not read: `from_stored` then decodes it or words the error.
fn decode_facts(type_name: &str, data: &str) -> Option<Event> {
    use crate::domain::event::EventKind;
    let kind = EventKind::ALL.iter().find(|k| k.name() == type_name)?;
    match kind {
        EventKind::CitizenRegistered => serde_json::from_str(data)
            .ok()
            .map(Event::CitizenRegistered),
        EventKind::CitizenUpdated => serde_json::from_str(data).ok().map(Event::CitizenUpdated),
        EventKind::InjectionRecorded => serde_json::from_str(data)
            .ok()
            .map(Event::InjectionRecorded),
        EventKind::InjectionUpdated => serde_json::from_str(data).ok().map(Event::InjectionUpdated),
        EventKind::InjectionVoided
        | EventKind::ApplicationSubmitted
        | EventKind::ApplicationCancelled
        | EventKind::ApplicationRejected
        | EventKind::CertificateIssued
        | EventKind::CertificateRevoked => None,
    }
}

/// Up to `limit` decoded events after `after`, oldest first.
pub fn events_after(
    conn: &Connection,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredEvent>, ReadError> {
    rows_after(conn, after, limit)?
        .into_iter()
        .map(decode)
        .collect()
}

/// The last sequence number `subscriber` has handled (0 when it has handled none).
pub fn checkpoint(conn: &Connection, subscriber: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT last_seq FROM subscriber_checkpoints WHERE subscriber = ?1")?
        .query_row([subscriber], |r| r.get(0))
        .optional()
        .map(|v| v.unwrap_or(0))
}

/// Moves `subscriber`'s checkpoint to `seq` (in the same transaction as its effects).
pub fn set_checkpoint(conn: &Connection, subscriber: &str, seq: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO subscriber_checkpoints (subscriber, last_seq) VALUES (?1, ?2)
         ON CONFLICT (subscriber) DO UPDATE SET last_seq = excluded.last_seq",
    )?
    .execute(params![subscriber, seq])?;
    Ok(())
}

/// The circuit-breaker record of one subscriber, shared by every desk.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Health {
    pub state: String,
    pub consecutive_failures: i64,
    pub retry_at: Option<String>,
    pub last_error: Option<String>,
    pub last_failure_at: Option<String>,
}

pub fn health(conn: &Connection, subscriber: &str) -> rusqlite::Result<Health> {
    conn.prepare_cached(
        "SELECT state, consecutive_failures, retry_at, last_error, last_failure_at
         FROM subscriber_health WHERE subscriber = ?1",
    )?
    .query_row([subscriber], |r| {
        Ok(Health {
            state: r.get(0)?,
            consecutive_failures: r.get(1)?,
            retry_at: r.get(2)?,
            last_error: r.get(3)?,
            last_failure_at: r.get(4)?,
        })
    })
    .optional()
    .map(|h| {
        h.unwrap_or(Health {
            state: "CLOSED".into(),
            ..Health::default()
        })
    })
}

pub fn set_health(conn: &Connection, subscriber: &str, h: &Health) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO subscriber_health
             (subscriber, state, consecutive_failures, retry_at, last_error, last_failure_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (subscriber) DO UPDATE SET
             state = excluded.state,
             consecutive_failures = excluded.consecutive_failures,
             retry_at = excluded.retry_at,
             last_error = excluded.last_error,
             last_failure_at = excluded.last_failure_at",
    )?
    .execute(params![
        subscriber,
        h.state,
        h.consecutive_failures,
        h.retry_at,
        h.last_error,
        h.last_failure_at
    ])?;
    Ok(())
}
