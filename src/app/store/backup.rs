//! The SQL a backup and a restore need: a snapshot of the live database in one statement, and
//! what a copy says about itself (its schema version, the resident-id key it belongs to).

use super::{StoreError, schema};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

/// Writes a consistent snapshot of `conn`'s database into the empty file at `target`.
///
/// `VACUUM INTO` reads the whole database in one read transaction: in WAL mode that neither
/// waits for the other desks nor stops them writing, and what it copies is exactly the state
/// of one moment (every commit before it, none after). The online backup API, page by page,
/// starts over whenever another desk writes, and never finishes on a busy desk.
pub fn snapshot_into(conn: &Connection, target: &Path) -> Result<(), StoreError> {
    let target = target.to_str().ok_or_else(|| StoreError::Damaged {
        path: target.display().to_string(),
        reason: "the backup folder's name is not UTF-8, which SQLite cannot write to".into(),
    })?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

/// The schema version of the database file at `path`, read only.
pub fn schema_version(path: &Path) -> Result<i64, StoreError> {
    let conn = super::open_read_only(path)?;
    schema::version(&conn).map_err(|e| StoreError::Damaged {
        path: path.display().to_string(),
        reason: schema::short(&e),
    })
}

/// The fingerprint of the resident-id key the database at `path` belongs to, if it records
/// one (compare with `IdKeys::fingerprint`). Read only.
pub fn bound_key(path: &Path) -> Result<Option<String>, StoreError> {
    let conn = super::open_read_only(path)?;
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'desk_meta')",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT value FROM desk_meta WHERE key = 'resident_id_keys'",
            [],
            |r| r.get(0),
        )
        .optional()?)
}
