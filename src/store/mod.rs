//! SQLite storage: one file, one connection per process, every command one transaction.
//!
//! Each context owns its tables (`vaccination`, `applying`, `issuance`, `status_view`) and
//! writes no one else's; `outbox` holds the event log, subscriber checkpoints and health.
//! Durability settings: WAL with `synchronous=FULL` (an acknowledged commit survives a crash),
//! foreign keys on, and a busy timeout so several desks can share the file.

pub mod applying;
pub mod audit;
pub mod issuance;
pub mod outbox;
pub mod schema;
pub mod sealing;
pub mod seed_log;
pub mod staff;
pub mod status_view;
pub mod throttle;
pub mod vaccination;

use crate::privacy::IdKeys;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another desk's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than this vaxdesk understands ({known}); use a newer vaxdesk"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("database {path} is not a vaxdesk database or is damaged: {reason}")]
    Damaged { path: String, reason: String },
    #[error(
        "database {path} keeps resident ids from before they were sealed; open it with the desk's resident-id key (vaxdesk seals them on open)"
    )]
    NeedsIdKeys { path: String },
    #[error(
        "database {path} was written with another resident-id key than {key}; use the key file that belongs to it"
    )]
    WrongIdKeys { path: String, key: String },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Opens (creating if needed) the database at `path` and brings its schema up to date, for a
/// reader that needs no resident ids (verifying, reports). A database that still holds plain
/// ids from an older vaxdesk needs [`open_with`] and the keys.
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    open_with(path, None)
}

/// Opens the database with the desk's resident-id keys: a new database records which keys it
/// belongs to, an older one has its ids sealed, and a database of other keys is refused.
pub fn open_with(path: &Path, ids: Option<&IdKeys>) -> Result<Connection, StoreError> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::privacy::files::create_dir_private(dir).map_err(|e| StoreError::Damaged {
            path: shown.clone(),
            reason: format!("cannot create folder {}: {e}", dir.display()),
        })?;
    }
    // Created private before SQLite sees it: its -wal and -shm copy the main file's mode.
    if !path.exists() {
        crate::privacy::files::create_private_file(path).map_err(|e| StoreError::Damaged {
            path: shown.clone(),
            reason: format!("cannot create the file: {e}"),
        })?;
    }
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: shown.clone(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| classify(&shown, e))?;
    schema::check_ownership(&conn, &shown)?;
    configure(&conn).map_err(|e| classify(&shown, e))?;
    schema::migrate(&conn, &shown, ids)?;
    if let Some(ids) = ids {
        schema::bind_id_keys(&conn, &shown, ids)?;
    }
    Ok(conn)
}

/// Opens an existing database to read only: no schema change, no journal-mode change.
pub fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let shown = path.display().to_string();
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|source| StoreError::Open {
            path: shown.clone(),
            source,
        })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| classify(&shown, e))?;
    schema::check_ownership(&conn, &shown)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Deleted and overwritten content is zeroed, not left in free pages.
    conn.pragma_update(None, "secure_delete", true)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn classify(path: &str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::Damaged {
                path: path.to_string(),
                reason: schema::short(&e),
            }
        }
        _ => StoreError::Open {
            path: path.to_string(),
            source: e,
        },
    }
}

/// Runs `f` inside `BEGIN IMMEDIATE ... COMMIT`; any error rolls everything back.
///
/// Immediate, because a command reads then writes: a deferred transaction would fail at once
/// with SQLITE_BUSY when another desk wrote in between.
pub fn immediate<T, E>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    exec(conn, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(v) => match exec(conn, "COMMIT") {
            Ok(()) => Ok(v),
            Err(e) => {
                let _ = exec(conn, "ROLLBACK");
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = exec(conn, "ROLLBACK");
            Err(e)
        }
    }
}

/// Runs `f` inside a savepoint of the current transaction: an error undoes only `f`'s writes.
pub fn savepoint<T, E>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    exec(conn, "SAVEPOINT sp")?;
    match f(conn) {
        Ok(v) => {
            exec(conn, "RELEASE sp")?;
            Ok(v)
        }
        Err(e) => {
            let _ = exec(conn, "ROLLBACK TO sp").and_then(|()| exec(conn, "RELEASE sp"));
            Err(e)
        }
    }
}

/// Runs a transaction-control statement from the statement cache (they run on every command).
fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}
