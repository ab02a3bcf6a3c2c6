//! What CSV import and export read beyond the vaccination context's own queries: which
//! citizens an import has matched (a temporary table, so the count stays right for any file
//! size without holding ids in memory), and the export's rows, streamed in name order.

use rusqlite::{Connection, params};

/// The highest citizen number so far: citizens above it were registered after this point.
pub fn last_citizen(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM citizens", [], |r| {
        r.get(0)
    })
}

/// Starts an empty set of matched citizens for one import (inside its transaction).
pub fn start_matched(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_matched (citizen INTEGER PRIMARY KEY);
         DELETE FROM temp.import_matched;",
    )
}

/// Notes a matched citizen; true the first time this import names them.
pub fn note_matched(conn: &Connection, citizen: i64) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO temp.import_matched (citizen) VALUES (?1)")?
        .execute([citizen])?;
    Ok(n == 1)
}

/// One row of the export: a citizen, and one of their injections that is not voided (none
/// for a citizen without any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub citizen: i64,
    pub sealed_id: Vec<u8>,
    pub masked_id: String,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: String,
    pub family_name_icao: String,
    pub given_name_icao: String,
    pub injection: Option<ExportInjection>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInjection {
    pub product: String,
    pub dose: i64,
    pub series: i64,
    pub date: String,
    pub lot: Option<String>,
    pub status: String,
    pub centre: Option<String>,
    pub country: String,
}

const EXPORT_FROM: &str = "FROM citizens c
     LEFT JOIN injections i ON i.citizen_id = c.id AND i.status <> 'VOIDED'";

/// How many rows [`for_each_export_row`] will give.
pub fn export_rows(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row(&format!("SELECT count(*) {EXPORT_FROM}"), [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n.max(0) as u64)
}

/// Calls `f` with every export row, ordered by name, then citizen, then dose; one row in
/// memory at a time.
pub fn for_each_export_row<E: From<rusqlite::Error>>(
    conn: &Connection,
    mut f: impl FnMut(&ExportRow) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = conn.prepare(&format!(
        "SELECT c.id, c.resident_id_sealed, c.masked_id, c.family_name, c.given_name,
                c.birth_date, c.family_name_icao, c.given_name_icao,
                i.product, i.dose, i.series, i.given_on, i.lot, i.status, i.centre, i.country
         {EXPORT_FROM}
         ORDER BY c.sort_name, c.id, i.dose, i.id"
    ))?;
    let mut rows = stmt.query(params![])?;
    while let Some(r) = rows.next()? {
        let product: Option<String> = r.get(8)?;
        let injection = match product {
            None => None,
            Some(product) => Some(ExportInjection {
                product,
                dose: r.get(9)?,
                series: r.get(10)?,
                date: r.get(11)?,
                lot: r.get(12)?,
                status: r.get(13)?,
                centre: r.get(14)?,
                country: r.get(15)?,
            }),
        };
        f(&ExportRow {
            citizen: r.get(0)?,
            sealed_id: r.get(1)?,
            masked_id: r.get(2)?,
            family_name: r.get(3)?,
            given_name: r.get(4)?,
            birth_date: r.get(5)?,
            family_name_icao: r.get(6)?,
            given_name_icao: r.get(7)?,
            injection,
        })?;
    }
    Ok(())
}
