//! The status view ("my page"): a read model built only from events.
//!
//! Nothing but [`project`] writes these tables, and it reads nothing but the event it is given
//! and the view itself, so the view can always be rebuilt from the log (rule 9).

use crate::domain::event::{Event, StoredEvent};
use rusqlite::{Connection, OptionalExtension, params};

/// Applies one event to the view. Idempotent: applying it twice leaves the same rows.
pub fn project(conn: &Connection, e: &StoredEvent) -> rusqlite::Result<()> {
    let at = e.at.as_str();
    match &e.event {
        Event::CitizenRegistered(c) | Event::CitizenUpdated(c) => {
            conn.prepare_cached(
                "INSERT INTO view_citizens (citizen_id, id_lookup, family_name, given_name,
                     birth_date, last_change, masked_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (citizen_id) DO UPDATE SET id_lookup = excluded.id_lookup,
                     masked_id = excluded.masked_id,
                     family_name = excluded.family_name, given_name = excluded.given_name,
                     birth_date = excluded.birth_date, last_change = excluded.last_change",
            )?
            .execute(params![
                c.citizen,
                c.id_lookup,
                c.family_name,
                c.given_name,
                c.birth_date,
                at,
                c.masked_id
            ])?;
        }
        Event::InjectionRecorded(i) | Event::InjectionUpdated(i) => {
            conn.prepare_cached(
                "INSERT INTO view_injections (injection_id, citizen_id, product, dose, series,
                     given_on, status, last_change)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (injection_id) DO UPDATE SET product = excluded.product,
                     dose = excluded.dose, series = excluded.series, given_on = excluded.given_on,
                     status = excluded.status, last_change = excluded.last_change",
            )?
            .execute(params![
                i.injection,
                i.citizen,
                i.product,
                i.dose,
                i.series,
                i.date,
                i.status,
                at
            ])?;
            // A recorded injection has no application yet: only a correction is copied to them.
            if let Event::InjectionRecorded(_) = e.event {
                return Ok(());
            }
            conn.prepare_cached(
                "UPDATE view_applications SET product = ?2, dose = ?3, series = ?4, given_on = ?5
                 WHERE injection_id = ?1",
            )?
            .execute(params![i.injection, i.product, i.dose, i.series, i.date])?;
        }
        Event::InjectionVoided { injection, .. } => {
            conn.prepare_cached(
                "UPDATE view_injections SET status = 'VOIDED', last_change = ?2
                 WHERE injection_id = ?1",
            )?
            .execute(params![injection, at])?;
        }
        Event::ApplicationSubmitted {
            application,
            citizen,
            injection,
            product,
            dose,
            series,
            date,
        } => {
            conn.prepare_cached(
                "INSERT INTO view_applications (application_id, citizen_id, injection_id, product,
                     dose, series, given_on, status, applied_at, last_change)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'APPLIED', ?8, ?8)
                 ON CONFLICT (application_id) DO NOTHING",
            )?
            .execute(params![
                application,
                citizen,
                injection,
                product,
                dose,
                series,
                date,
                at
            ])?;
        }
        Event::ApplicationCancelled { application, .. } => {
            set_application(conn, *application, "CANCELLED", None, None, at)?;
        }
        Event::ApplicationRejected {
            application,
            reason,
            ..
        } => {
            set_application(conn, *application, "REJECTED", None, Some(reason), at)?;
        }
        Event::CertificateIssued {
            certificate,
            application,
            issued_at,
            expires_at,
            payload,
            ..
        } => {
            set_application(conn, *application, "ISSUED", Some(certificate), None, at)?;
            conn.prepare_cached(
                "UPDATE view_applications SET issued_at = ?2, expires_at = ?3, certificate = ?5
                 WHERE application_id = ?1 AND certificate_id = ?4",
            )?
            .execute(params![
                application,
                issued_at,
                expires_at,
                certificate,
                payload
            ])?;
        }
        Event::CertificateRevoked {
            certificate,
            reason,
            ..
        } => {
            conn.prepare_cached(
                "UPDATE view_applications SET status = 'REVOKED', reason = ?2, last_change = ?3
                 WHERE certificate_id = ?1",
            )?
            .execute(params![certificate, reason, at])?;
        }
    }
    Ok(())
}

/// Moves an APPLIED row on, as the applying context does; a row already moved stays.
fn set_application(
    conn: &Connection,
    id: i64,
    status: &str,
    certificate: Option<&str>,
    reason: Option<&str>,
    at: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE view_applications SET status = ?2, certificate_id = COALESCE(?3, certificate_id),
             reason = COALESCE(?4, reason), last_change = ?5
         WHERE application_id = ?1 AND status = 'APPLIED'",
    )?
    .execute(params![id, status, certificate, reason, at])?;
    Ok(())
}

/// Empties the view (before a rebuild).
pub fn clear(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM view_citizens; DELETE FROM view_injections; DELETE FROM view_applications;",
    )
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ViewCitizen {
    pub citizen_id: i64,
    /// The keyed hash of the resident id (never the id).
    pub id_lookup: String,
    pub masked_id: String,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: String,
    pub last_change: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ViewInjection {
    pub injection_id: i64,
    pub citizen_id: i64,
    pub product: String,
    pub dose: u32,
    pub series: u32,
    pub date: String,
    pub status: String,
    pub last_change: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ViewApplication {
    pub application_id: i64,
    pub citizen_id: i64,
    pub injection_id: i64,
    pub product: String,
    pub dose: u32,
    pub series: u32,
    pub date: String,
    pub status: String,
    pub certificate_id: Option<String>,
    pub reason: Option<String>,
    pub applied_at: String,
    pub last_change: String,
    pub issued_at: Option<String>,
    pub expires_at: Option<String>,
    /// The signed certificate (`HC1:...`) once issued.
    pub certificate: Option<String>,
}

const CITIZEN_SQL: &str =
    "SELECT citizen_id, id_lookup, family_name, given_name, birth_date, last_change, masked_id
     FROM view_citizens";
const INJECTION_SQL: &str =
    "SELECT injection_id, citizen_id, product, dose, series, given_on, status, last_change
     FROM view_injections";
const APPLICATION_SQL: &str =
    "SELECT application_id, citizen_id, injection_id, product, dose, series, given_on, status,
         certificate_id, reason, applied_at, last_change, issued_at, expires_at, certificate
     FROM view_applications";

fn citizen(r: &rusqlite::Row<'_>) -> rusqlite::Result<ViewCitizen> {
    Ok(ViewCitizen {
        citizen_id: r.get(0)?,
        id_lookup: r.get(1)?,
        masked_id: r.get(6)?,
        family_name: r.get(2)?,
        given_name: r.get(3)?,
        birth_date: r.get(4)?,
        last_change: r.get(5)?,
    })
}

fn injection(r: &rusqlite::Row<'_>) -> rusqlite::Result<ViewInjection> {
    Ok(ViewInjection {
        injection_id: r.get(0)?,
        citizen_id: r.get(1)?,
        product: r.get(2)?,
        dose: r.get(3)?,
        series: r.get(4)?,
        date: r.get(5)?,
        status: r.get(6)?,
        last_change: r.get(7)?,
    })
}

fn application(r: &rusqlite::Row<'_>) -> rusqlite::Result<ViewApplication> {
    Ok(ViewApplication {
        application_id: r.get(0)?,
        citizen_id: r.get(1)?,
        injection_id: r.get(2)?,
        product: r.get(3)?,
        dose: r.get(4)?,
        series: r.get(5)?,
        date: r.get(6)?,
        status: r.get(7)?,
        certificate_id: r.get(8)?,
        reason: r.get(9)?,
        applied_at: r.get(10)?,
        last_change: r.get(11)?,
        issued_at: r.get(12)?,
        expires_at: r.get(13)?,
        certificate: r.get(14)?,
    })
}

/// The citizen whose id (by its keyed hash) and date of birth both match (the kiosk's sign-in).
pub fn citizen_signing_in(
    conn: &Connection,
    id_lookup: &str,
    birth_date: &str,
) -> rusqlite::Result<Option<ViewCitizen>> {
    conn.prepare_cached(&format!(
        "{CITIZEN_SQL} WHERE id_lookup = ?1 AND birth_date = ?2"
    ))?
    .query_row([id_lookup, birth_date], citizen)
    .optional()
}

pub fn citizen_by_id(conn: &Connection, citizen_id: i64) -> rusqlite::Result<Option<ViewCitizen>> {
    conn.prepare_cached(&format!("{CITIZEN_SQL} WHERE citizen_id = ?1"))?
        .query_row([citizen_id], citizen)
        .optional()
}

pub fn citizen_by_lookup(
    conn: &Connection,
    id_lookup: &str,
) -> rusqlite::Result<Option<ViewCitizen>> {
    conn.prepare_cached(&format!("{CITIZEN_SQL} WHERE id_lookup = ?1"))?
        .query_row([id_lookup], citizen)
        .optional()
}

/// The citizen's injections, oldest first.
pub fn injections_of(conn: &Connection, citizen_id: i64) -> rusqlite::Result<Vec<ViewInjection>> {
    conn.prepare_cached(&format!(
        "{INJECTION_SQL} WHERE citizen_id = ?1 ORDER BY given_on, dose, injection_id"
    ))?
    .query_map([citizen_id], injection)?
    .collect()
}

/// The citizen's applications, oldest first.
pub fn applications_of(
    conn: &Connection,
    citizen_id: i64,
) -> rusqlite::Result<Vec<ViewApplication>> {
    conn.prepare_cached(&format!(
        "{APPLICATION_SQL} WHERE citizen_id = ?1 ORDER BY applied_at, application_id"
    ))?
    .query_map([citizen_id], application)?
    .collect()
}

// ---------------------------------------------------------------------------------------------
// Comparing a rebuild with the live view
// ---------------------------------------------------------------------------------------------

/// One table of the view: its key and the columns its row type reads (what a comparison sees).
struct Table {
    what: &'static str,
    name: &'static str,
    key: &'static str,
    columns: &'static [&'static str],
}

const CITIZENS: Table = Table {
    what: "citizen",
    name: "view_citizens",
    key: "citizen_id",
    columns: &[
        "id_lookup",
        "family_name",
        "given_name",
        "birth_date",
        "last_change",
        "masked_id",
    ],
};
const INJECTIONS: Table = Table {
    what: "injection",
    name: "view_injections",
    key: "injection_id",
    columns: &[
        "citizen_id",
        "product",
        "dose",
        "series",
        "given_on",
        "status",
        "last_change",
    ],
};
const APPLICATIONS: Table = Table {
    what: "application",
    name: "view_applications",
    key: "application_id",
    columns: &[
        "citizen_id",
        "injection_id",
        "product",
        "dose",
        "series",
        "given_on",
        "status",
        "certificate_id",
        "reason",
        "applied_at",
        "last_change",
        "issued_at",
        "expires_at",
        "certificate",
    ],
};

impl Table {
    /// The copy of the live rows, in the connection's temporary database.
    fn copy(&self) -> String {
        format!("temp.rebuild_live_{}", self.name)
    }
}

/// Copies the live view aside (into temporary tables, keyed like the view) before a rebuild
/// empties it, so [`differences`] can compare the two sides in SQL without holding either in
/// memory. The caller keeps temporary tables on disk (`PRAGMA temp_store = FILE`).
pub fn copy_live(conn: &Connection) -> rusqlite::Result<()> {
    for t in [&CITIZENS, &INJECTIONS, &APPLICATIONS] {
        // Untyped columns keep each value exactly as stored (no affinity conversion).
        conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS {copy};
             CREATE TABLE {copy} ({key} INTEGER PRIMARY KEY, {cols});
             INSERT INTO {copy} ({key}, {cols}) SELECT {key}, {cols} FROM main.{name}
                 ORDER BY {key};",
            copy = t.copy(),
            key = t.key,
            cols = t.columns.join(", "),
            name = t.name,
        ))?;
    }
    Ok(())
}

/// Drops the copy [`copy_live`] made.
pub fn drop_live_copy(conn: &Connection) -> rusqlite::Result<()> {
    for t in [&CITIZENS, &INJECTIONS, &APPLICATIONS] {
        conn.execute_batch(&format!("DROP TABLE IF EXISTS {};", t.copy()))?;
    }
    Ok(())
}

/// What differs between the live rows copied by [`copy_live`] and the view as it is now (the
/// rebuild), one line per row: per table, the live rows that are missing or differ, then the
/// rows only the rebuild has, each in key order. The tables are STRICT, so `IS NOT` on every
/// column is the rows' own equality; only differing rows are read into memory.
pub fn differences(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut out = vec![];
    side(conn, &CITIZENS, CITIZEN_SQL, citizen, &mut out)?;
    side(conn, &INJECTIONS, INJECTION_SQL, injection, &mut out)?;
    side(conn, &APPLICATIONS, APPLICATION_SQL, application, &mut out)?;
    Ok(out)
}

fn side<T: std::fmt::Debug>(
    conn: &Connection,
    t: &Table,
    select: &str,
    row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    out: &mut Vec<String>,
) -> rusqlite::Result<()> {
    let (what, key, copy) = (t.what, t.key, t.copy());
    let differs = t
        .columns
        .iter()
        .map(|c| format!("l.{c} IS NOT r.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    // The row types read `FROM view_...`: the same columns from the copy and from main.
    let select_main = select.replacen(t.name, &format!("main.{}", t.name), 1);
    let mut live_row = conn.prepare(&format!(
        "{} WHERE {key} = ?1",
        select.replacen(t.name, &copy, 1)
    ))?;
    let mut rebuilt_row = conn.prepare(&format!("{select_main} WHERE {key} = ?1"))?;

    let mut live_side = conn.prepare(&format!(
        "SELECT l.{key}, r.{key} IS NULL FROM {copy} l LEFT JOIN main.{name} r ON r.{key} = l.{key}
         WHERE r.{key} IS NULL OR {differs} ORDER BY l.{key}",
        name = t.name
    ))?;
    let mut rows = live_side.query([])?;
    while let Some(r) = rows.next()? {
        let (k, gone): (i64, bool) = (r.get(0)?, r.get(1)?);
        let l = live_row.query_row([k], row)?;
        if gone {
            out.push(format!("{what} {k}: in the live view only: {l:?}"));
        } else {
            let r = rebuilt_row.query_row([k], row)?;
            out.push(format!("{what} {k}: live {l:?} but rebuilt {r:?}"));
        }
    }
    let mut rebuilt_only = conn.prepare(&format!(
        "SELECT {key} FROM main.{name} r WHERE NOT EXISTS (SELECT 1 FROM {copy} l
             WHERE l.{key} = r.{key}) ORDER BY {key}",
        name = t.name
    ))?;
    let mut rows = rebuilt_only.query([])?;
    while let Some(r) = rows.next()? {
        let k: i64 = r.get(0)?;
        let r = rebuilt_row.query_row([k], row)?;
        out.push(format!("{what} {k}: missing from the live view: {r:?}"));
    }
    Ok(())
}
