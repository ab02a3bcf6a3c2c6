//! Which seed files (by content digest) this database has already taken.

use rusqlite::{Connection, OptionalExtension, params};

/// When the file with this digest was applied, if it was.
pub fn applied_at(conn: &Connection, digest: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT applied_at FROM seed_files WHERE digest = ?1")?
        .query_row([digest], |r| r.get(0))
        .optional()
}

pub fn record(
    conn: &Connection,
    digest: &str,
    name: &str,
    steps: usize,
    at: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO seed_files (digest, name, steps, applied_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![digest, name, steps as i64, at])?;
    Ok(())
}
