//! The issuance context's tables: the issuer's queue of requests, and certificates.

use crate::domain::RequestStatus;
use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: i64,
    pub application_id: i64,
    pub citizen_id: i64,
    pub injection_id: i64,
    pub status: RequestStatus,
    pub applied_at: String,
}

pub fn request_for_application(
    conn: &Connection,
    application_id: i64,
) -> rusqlite::Result<Option<RequestRow>> {
    conn.prepare_cached(
        "SELECT id, application_id, citizen_id, injection_id, status, applied_at
         FROM issuance_requests WHERE application_id = ?1",
    )?
    .query_row([application_id], |r| {
        let status: String = r.get(4)?;
        Ok(RequestRow {
            id: r.get(0)?,
            application_id: r.get(1)?,
            citizen_id: r.get(2)?,
            injection_id: r.get(3)?,
            status: status.parse().map_err(|e: String| {
                rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into())
            })?,
            applied_at: r.get(5)?,
        })
    })
    .optional()
}

/// Opens a PENDING request for an application; does nothing if one exists (idempotent).
pub fn open_request(
    conn: &Connection,
    application_id: i64,
    citizen_id: i64,
    injection_id: i64,
    applied_at: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO issuance_requests (application_id, citizen_id, injection_id, status,
                 applied_at)
             VALUES (?1, ?2, ?3, 'PENDING', ?4)
             ON CONFLICT (application_id) DO NOTHING",
        )?
        .execute(params![
            application_id,
            citizen_id,
            injection_id,
            applied_at
        ])?;
    Ok(n == 1)
}

/// Moves a PENDING request to `to`; returns false when it was no longer PENDING.
pub fn close_request(
    conn: &Connection,
    application_id: i64,
    to: RequestStatus,
    reason: Option<&str>,
    at: &str,
    actor: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE issuance_requests SET status = ?2, reason = ?3, closed_at = ?4, closed_by = ?5
             WHERE application_id = ?1 AND status = 'PENDING'",
        )?
        .execute(params![application_id, to.as_str(), reason, at, actor])?;
    Ok(n == 1)
}

/// Number of PENDING requests.
pub fn pending_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COUNT(*) FROM issuance_requests WHERE status = 'PENDING'")?
        .query_row([], |r| r.get(0))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCertificate<'a> {
    pub uvci: &'a str,
    pub application_id: i64,
    pub injection_id: i64,
    pub citizen_id: i64,
    pub issued_at: &'a str,
    pub expires_at: &'a str,
    pub issuer: &'a str,
    pub issued_by: &'a str,
    pub key_id: &'a str,
    pub payload: &'a str,
}

pub fn insert_certificate(conn: &Connection, c: &NewCertificate<'_>) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO certificates (uvci, application_id, injection_id, citizen_id, issued_at,
             expires_at, issuer, issued_by, key_id, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        c.uvci,
        c.application_id,
        c.injection_id,
        c.citizen_id,
        c.issued_at,
        c.expires_at,
        c.issuer,
        c.issued_by,
        c.key_id,
        c.payload
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The next number for a certificate identifier; never reused, even after a rollback elsewhere.
pub fn next_certificate_number(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO desk_meta (key, value) VALUES ('certificate_counter', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
         RETURNING CAST(value AS INTEGER)",
    )?
    .query_row([], |r| r.get(0))
}
