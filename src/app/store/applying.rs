//! The applying context's table: certificate applications.

use crate::domain::ApplicationStatus;
use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRow {
    pub id: i64,
    pub citizen_id: i64,
    pub injection_id: i64,
    pub status: ApplicationStatus,
    pub applied_at: String,
    pub certificate_id: Option<String>,
    pub reason: Option<String>,
}

const COLS: &str = "id, citizen_id, injection_id, status, applied_at, certificate_id, reason";

fn row(r: &Row<'_>) -> rusqlite::Result<ApplicationRow> {
    let status: String = r.get(3)?;
    Ok(ApplicationRow {
        id: r.get(0)?,
        citizen_id: r.get(1)?,
        injection_id: r.get(2)?,
        status: status.parse().map_err(|e: String| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
        })?,
        applied_at: r.get(4)?,
        certificate_id: r.get(5)?,
        reason: r.get(6)?,
    })
}

pub fn application(conn: &Connection, id: i64) -> rusqlite::Result<Option<ApplicationRow>> {
    conn.prepare_cached(&format!("SELECT {COLS} FROM applications WHERE id = ?1"))?
        .query_row([id], row)
        .optional()
}

/// The most recent application for an injection, whatever its status.
pub fn latest_for_injection(
    conn: &Connection,
    injection_id: i64,
) -> rusqlite::Result<Option<ApplicationRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} FROM applications WHERE injection_id = ?1 ORDER BY id DESC LIMIT 1"
    ))?
    .query_row([injection_id], row)
    .optional()
}

/// The APPLIED or ISSUED application for an injection, if any (rule 2).
pub fn active_for_injection(
    conn: &Connection,
    injection_id: i64,
) -> rusqlite::Result<Option<ApplicationRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} FROM applications
         WHERE injection_id = ?1 AND status IN ('APPLIED', 'ISSUED')"
    ))?
    .query_row([injection_id], row)
    .optional()
}

/// APPLIED applications for an injection that were submitted by an event before `seq`: what a
/// void or a correction with that seq rejects. Later applications are not its business.
pub fn applied_before(
    conn: &Connection,
    injection_id: i64,
    seq: i64,
) -> rusqlite::Result<Vec<ApplicationRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} FROM applications
         WHERE injection_id = ?1 AND status = 'APPLIED' AND COALESCE(submitted_seq, 0) < ?2"
    ))?
    .query_map([injection_id, seq], row)?
    .collect()
}

/// Records which event submitted the application.
pub fn set_submitted_seq(conn: &Connection, id: i64, seq: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE applications SET submitted_seq = ?2 WHERE id = ?1")?
        .execute([id, seq])?;
    Ok(())
}

pub fn of_citizen(conn: &Connection, citizen_id: i64) -> rusqlite::Result<Vec<ApplicationRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} FROM applications WHERE citizen_id = ?1 ORDER BY id"
    ))?
    .query_map([citizen_id], row)?
    .collect()
}

pub fn insert(
    conn: &Connection,
    citizen_id: i64,
    injection_id: i64,
    at: &str,
    actor: &str,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO applications (citizen_id, injection_id, status, applied_at, updated_at,
             updated_by)
         VALUES (?1, ?2, 'APPLIED', ?3, ?3, ?4)",
    )?
    .execute(params![citizen_id, injection_id, at, actor])?;
    Ok(conn.last_insert_rowid())
}

/// Moves an application from APPLIED to `to`; returns false when it was no longer APPLIED.
pub fn close(
    conn: &Connection,
    id: i64,
    to: ApplicationStatus,
    certificate_id: Option<&str>,
    reason: Option<&str>,
    at: &str,
    actor: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE applications
             SET status = ?2, certificate_id = COALESCE(?3, certificate_id),
                 reason = COALESCE(?4, reason), updated_at = ?5, updated_by = ?6
             WHERE id = ?1 AND status = 'APPLIED'",
        )?
        .execute(params![id, to.as_str(), certificate_id, reason, at, actor])?;
    Ok(n == 1)
}
