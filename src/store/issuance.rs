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

/// Marks a certificate revoked; returns false when it was already revoked (or unknown).
pub fn revoke(
    conn: &Connection,
    uvci: &str,
    reason: &str,
    at: &str,
    actor: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE certificates SET revoked_at = ?2, revoked_by = ?3, revocation_reason = ?4
             WHERE uvci = ?1 AND revoked_at IS NULL",
        )?
        .execute(params![uvci, at, actor, reason])?;
    Ok(n == 1)
}

/// The certificate identifiers this desk has revoked (what `verify` refuses).
pub fn revoked_uvcis(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT uvci FROM certificates WHERE revoked_at IS NOT NULL ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// An issued certificate as the issuer and the export see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRow {
    pub uvci: String,
    pub application_id: i64,
    pub citizen_id: i64,
    pub injection_id: i64,
    pub issued_at: String,
    pub expires_at: String,
    pub payload: Option<String>,
    pub revoked_at: Option<String>,
    pub revocation_reason: Option<String>,
}

fn certificate_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CertificateRow> {
    Ok(CertificateRow {
        uvci: r.get(0)?,
        application_id: r.get(1)?,
        citizen_id: r.get(2)?,
        injection_id: r.get(3)?,
        issued_at: r.get(4)?,
        expires_at: r.get(5)?,
        payload: r.get(6)?,
        revoked_at: r.get(7)?,
        revocation_reason: r.get(8)?,
    })
}

const CERTIFICATE_COLS: &str = "uvci, application_id, citizen_id, injection_id, issued_at, \
                                expires_at, payload, revoked_at, revocation_reason";

pub fn certificate(conn: &Connection, uvci: &str) -> rusqlite::Result<Option<CertificateRow>> {
    conn.prepare_cached(&format!(
        "SELECT {CERTIFICATE_COLS} FROM certificates WHERE uvci = ?1"
    ))?
    .query_row([uvci], certificate_row)
    .optional()
}

/// The certificate issued for an injection most recently, if any.
pub fn certificate_for_injection(
    conn: &Connection,
    injection_id: i64,
) -> rusqlite::Result<Option<CertificateRow>> {
    conn.prepare_cached(&format!(
        "SELECT {CERTIFICATE_COLS} FROM certificates WHERE injection_id = ?1
         ORDER BY id DESC LIMIT 1"
    ))?
    .query_row([injection_id], certificate_row)
    .optional()
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
