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
    /// Who closed it (issued, rejected), when it is closed.
    pub closed_by: Option<String>,
}

pub fn request_for_application(
    conn: &Connection,
    application_id: i64,
) -> rusqlite::Result<Option<RequestRow>> {
    conn.prepare_cached(
        "SELECT id, application_id, citizen_id, injection_id, status, applied_at, closed_by
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
            closed_by: r.get(6)?,
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

/// One certificate in the issuer's list of issued certificates, with what its detail pane
/// shows (holder, dose, validity, revocation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedRow {
    pub id: i64,
    pub uvci: String,
    pub citizen_id: i64,
    pub masked_id: String,
    pub name: String,
    pub birth_date: String,
    pub product: String,
    pub dose: u32,
    pub series: u32,
    pub given_on: String,
    pub issued_at: String,
    pub expires_at: String,
    pub issued_by: String,
    pub revoked_at: Option<String>,
    pub revocation_reason: Option<String>,
}

const ISSUED_COLS: &str = "k.id, k.uvci, k.citizen_id, c.masked_id, c.family_name, c.given_name,
    c.birth_date, i.product, i.dose, i.series, i.given_on, k.issued_at, k.expires_at,
    k.issued_by, k.revoked_at, k.revocation_reason";

const ISSUED_FROM: &str = "certificates k JOIN citizens c ON c.id = k.citizen_id
    JOIN injections i ON i.id = k.injection_id";

fn issued_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssuedRow> {
    let (family, given): (String, String) = (r.get(4)?, r.get(5)?);
    Ok(IssuedRow {
        id: r.get(0)?,
        uvci: r.get(1)?,
        citizen_id: r.get(2)?,
        masked_id: r.get(3)?,
        name: crate::domain::citizen::display_name(&family, &given),
        birth_date: r.get(6)?,
        product: r.get(7)?,
        dose: r.get(8)?,
        series: r.get(9)?,
        given_on: r.get(10)?,
        issued_at: r.get(11)?,
        expires_at: r.get(12)?,
        issued_by: r.get(13)?,
        revoked_at: r.get(14)?,
        revocation_reason: r.get(15)?,
    })
}

/// Which way a window of the issued list is read from its keyset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Further down the list (rows after the key).
    Forward,
    /// Further up the list (rows before the key), returned in list order.
    Backward,
}

/// Certificates newest first (`issued_at`, then id, both descending), from the keyset
/// `(issued_at, id)` exclusive, through the `certificates_by_time` index: a page costs the
/// same with a million certificates.
pub fn issued_by_time(
    conn: &Connection,
    key: (&str, i64),
    dir: Direction,
    limit: i64,
) -> rusqlite::Result<Vec<IssuedRow>> {
    let (cmp, order) = match dir {
        Direction::Forward => ("<", "DESC"),
        Direction::Backward => (">", "ASC"),
    };
    let sql = format!(
        "SELECT {ISSUED_COLS} FROM {ISSUED_FROM}
         WHERE (k.issued_at, k.id) {cmp} (?1, ?2)
         ORDER BY k.issued_at {order}, k.id {order} LIMIT ?3"
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params![key.0, key.1, limit], issued_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if dir == Direction::Backward {
        rows.reverse();
    }
    Ok(rows)
}

/// Certificates whose identifier starts with `prefix`, in identifier order, from the
/// identifier `after` (exclusive) through the identifiers' unique index.
pub fn issued_by_uvci(
    conn: &Connection,
    prefix: &str,
    from: &str,
    dir: Direction,
    limit: i64,
) -> rusqlite::Result<Vec<IssuedRow>> {
    // Identifiers starting with `prefix` sort below `prefix` followed by the highest code point.
    let high = format!("{prefix}\u{10FFFF}");
    let (cmp, order) = match dir {
        Direction::Forward => (">", "ASC"),
        Direction::Backward => ("<", "DESC"),
    };
    let sql = format!(
        "SELECT {ISSUED_COLS} FROM {ISSUED_FROM}
         WHERE k.uvci >= ?1 AND k.uvci < ?2 AND k.uvci {cmp} ?3
         ORDER BY k.uvci {order} LIMIT ?4"
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params![prefix, high, from, limit], issued_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if dir == Direction::Backward {
        rows.reverse();
    }
    Ok(rows)
}

/// One citizen's certificates in issue order (by id), after (or before) the certificate id
/// `from`, through the `certificates_by_citizen` index.
pub fn issued_to_citizen(
    conn: &Connection,
    citizen_id: i64,
    from: i64,
    dir: Direction,
    limit: i64,
) -> rusqlite::Result<Vec<IssuedRow>> {
    let (cmp, order) = match dir {
        Direction::Forward => (">", "ASC"),
        Direction::Backward => ("<", "DESC"),
    };
    let sql = format!(
        "SELECT {ISSUED_COLS} FROM {ISSUED_FROM}
         WHERE k.citizen_id = ?1 AND k.id {cmp} ?2
         ORDER BY k.id {order} LIMIT ?3"
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params![citizen_id, from, limit], issued_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if dir == Direction::Backward {
        rows.reverse();
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::store::query_plan as plan;

    /// Every page of the issued list seeks an index: no scan of the certificates, and no
    /// sort of them in a temporary tree (both cost a full pass at a million certificates).
    #[test]
    fn issued_list_queries_use_their_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::app::store::open(&dir.path().join("t.db")).unwrap();
        let cases = [
            (
                format!(
                    "SELECT {ISSUED_COLS} FROM {ISSUED_FROM} WHERE (k.issued_at, k.id) < ('z', 9)
                     ORDER BY k.issued_at DESC, k.id DESC LIMIT 20"
                ),
                "certificates_by_time",
            ),
            (
                format!(
                    "SELECT {ISSUED_COLS} FROM {ISSUED_FROM} WHERE (k.issued_at, k.id) > ('a', 1)
                     ORDER BY k.issued_at ASC, k.id ASC LIMIT 20"
                ),
                "certificates_by_time",
            ),
            (
                format!(
                    "SELECT {ISSUED_COLS} FROM {ISSUED_FROM} WHERE k.uvci >= 'URN:UVCI:01:KR:V'
                     AND k.uvci < 'URN:UVCI:01:KR:W' AND k.uvci > '' ORDER BY k.uvci ASC LIMIT 20"
                ),
                "sqlite_autoindex_certificates",
            ),
            (
                format!(
                    "SELECT {ISSUED_COLS} FROM {ISSUED_FROM} WHERE k.citizen_id = 7 AND k.id > 0
                     ORDER BY k.id ASC LIMIT 20"
                ),
                "certificates_by_citizen",
            ),
        ];
        for (sql, index) in cases {
            let p = plan(&conn, &sql);
            assert!(p.contains(&format!("k USING INDEX {index}")), "{p}");
            assert!(!p.contains("SCAN"), "{p}");
            assert!(!p.contains("TEMP B-TREE"), "{p}");
        }
    }
}
