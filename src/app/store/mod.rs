//! SQLite storage: one file, one connection per process, every command one transaction.
//!
//! Each context owns its tables (`vaccination`, `applying`, `issuance`, `status_view`) and
//! writes no one else's; `outbox` holds the event log, subscriber checkpoints and health.
//! Durability settings: WAL with `synchronous=FULL` (an acknowledged commit survives a crash),
//! foreign keys on, and a busy timeout so several desks can share the file.

pub mod applying;
pub mod audit;
pub mod backup;
pub mod issuance;
pub mod outbox;
pub mod schema;
pub mod sealing;
pub mod seed_log;
pub mod spreadsheet;
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
    /// Opening never creates a database by accident: a mistyped path is not a new clinic.
    #[error("no database at {path} (create one with: vaxdesk init --db {path})")]
    Missing { path: String },
    #[error("database {path} is {kind}, not a database file")]
    NotAFile { path: String, kind: &'static str },
    /// A link whose file is not there: not a new clinic either (the file was moved or its
    /// disk is not mounted).
    #[error(
        "database {path} is a link to {target}, which is not there; nothing was created \
         (mount or restore it, or give the real file with --db)"
    )]
    BrokenLink { path: String, target: String },
    #[error(
        "database {path} {reason}: vaxdesk writes to it and keeps its -wal and -shm files \
         beside it; nothing was changed"
    )]
    ReadOnly { path: String, reason: String },
    #[error(
        "database {path}: its write-ahead log {path}-wal was removed while it still held \
         committed changes ({frames} page(s) not yet in the database, by its -shm index); \
         they are lost unless that file is put back. Restore {path}-wal (or a backup) before \
         opening it; nothing was changed"
    )]
    WalRemoved { path: String, frames: u32 },
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
#[cfg(any(test, feature = "internals"))]
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    open_with(path, None)
}

/// Opens the database with the desk's resident-id keys, creating it if it does not exist: a
/// new database records which keys it belongs to, an older one has its ids sealed, and a
/// database of other keys is refused.
pub fn open_with(path: &Path, ids: Option<&IdKeys>) -> Result<Connection, StoreError> {
    open_at(path, ids, true)
}

/// [`open_with`] for a database that must already exist: a missing one is refused
/// ([`StoreError::Missing`]) and nothing is created, not even its folder.
pub fn open_existing_with(path: &Path, ids: Option<&IdKeys>) -> Result<Connection, StoreError> {
    open_at(path, ids, false)
}

/// Whether a database file is at `path`: `Ok(false)` when nothing is there; a folder, a FIFO
/// or a device there is refused before anyone tries to open (or wait on) it.
pub fn exists(path: &Path) -> Result<bool, StoreError> {
    match std::fs::metadata(path) {
        Ok(meta) => match crate::config::not_a_file(&meta) {
            Some(kind) => Err(StoreError::NotAFile {
                path: path.display().to_string(),
                kind,
            }),
            None => Ok(true),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::read_link(path) {
            Ok(target) => Err(StoreError::BrokenLink {
                path: path.display().to_string(),
                target: target.display().to_string(),
            }),
            Err(_) => Ok(false),
        },
        // Whatever else is wrong (a folder on the way that cannot be entered), opening says.
        Err(_) => Ok(true),
    }
}

/// Whether the file at `path` is there but empty (0 bytes): SQLite would make a new database
/// of it, so only a command that creates one may open it.
pub fn is_empty_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0)
}

fn open_at(path: &Path, ids: Option<&IdKeys>, create: bool) -> Result<Connection, StoreError> {
    let shown = path.display().to_string();
    let there = exists(path)?;
    if (!there || is_empty_file(path)) && !create {
        return Err(StoreError::Missing { path: shown });
    }
    if there {
        refuse_what_cannot_open(path)?;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::privacy::files::create_dir_private(dir).map_err(|e| {
            read_only(path).unwrap_or_else(|| StoreError::Damaged {
                path: shown.clone(),
                reason: format!("cannot create folder {}: {e}", dir.display()),
            })
        })?;
    }
    // Created private before SQLite sees it: its -wal and -shm copy the main file's mode.
    if !there {
        crate::privacy::files::create_private_file(path).map_err(|e| {
            read_only(path).unwrap_or_else(|| StoreError::Damaged {
                path: shown.clone(),
                reason: format!("cannot create the file: {e}"),
            })
        })?;
    }
    // Without SQLITE_OPEN_CREATE: a file removed meanwhile is not silently made anew.
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
        | rusqlite::OpenFlags::SQLITE_OPEN_URI
        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|source| {
        if source.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen)
            && !exists(path).unwrap_or(true)
        {
            return StoreError::Missing {
                path: shown.clone(),
            };
        }
        read_only(path).unwrap_or_else(|| StoreError::Open {
            path: shown.clone(),
            source,
        })
    })?;
    // SQLite quietly opens a write-protected file read-only; the first change would fail.
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        return Err(read_only(path).unwrap_or_else(|| StoreError::ReadOnly {
            path: shown.clone(),
            reason: "cannot be written".into(),
        }));
    }
    let conn = finish_open(conn, &shown, ids).map_err(|e| match e {
        // A folder that refuses the -wal or -shm files fails at the first read.
        StoreError::Damaged { .. } | StoreError::Open { .. } | StoreError::Sql(_) => {
            read_only(path).unwrap_or(e)
        }
        other => other,
    })?;
    Ok(conn)
}

fn finish_open(
    conn: Connection,
    shown: &str,
    ids: Option<&IdKeys>,
) -> Result<Connection, StoreError> {
    let shown = shown.to_string();
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

/// Refuses, before SQLite touches them, an existing database that cannot be opened as it is:
/// one on a read-only mount or in a read-only file or folder, or one whose `-wal` was removed.
pub fn refuse_what_cannot_open(path: &Path) -> Result<(), StoreError> {
    if let Some(e) = read_only(path) {
        return Err(e);
    }
    if let Some(frames) = removed_wal_frames(path) {
        return Err(StoreError::WalRemoved {
            path: path.display().to_string(),
            frames,
        });
    }
    Ok(())
}

/// Why the database at `path` (or the folder it would be made in) cannot be written, if so.
#[cfg(unix)]
fn read_only(path: &Path) -> Option<StoreError> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The nearest folder that exists says which mount the database is on.
    let mount = dir.ancestors().find(|d| d.exists()).unwrap_or(dir);
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).ok();
    let fail = |reason: String| {
        Some(StoreError::ReadOnly {
            path: path.display().to_string(),
            reason,
        })
    };
    let mut vfs: libc::statvfs = unsafe { std::mem::zeroed() };
    if let Some(m) = c(mount)
        // SAFETY: statvfs only writes the struct it is given; the path is NUL-terminated.
        && unsafe { libc::statvfs(m.as_ptr(), &mut vfs) } == 0
        && vfs.f_flag & libc::ST_RDONLY != 0
    {
        return fail("is on a read-only mount".into());
    }
    // SAFETY: access only reads the NUL-terminated path.
    let writable = |p: &CString, mode| unsafe { libc::access(p.as_ptr(), mode) } == 0;
    if path.exists()
        && let Some(p) = c(path)
        && !writable(&p, libc::W_OK)
    {
        return fail("is a read-only file".into());
    }
    if dir.exists()
        && let Some(d) = c(dir)
        && !writable(&d, libc::W_OK | libc::X_OK)
    {
        return fail(format!("is in a read-only folder ({})", dir.display()));
    }
    None
}

#[cfg(not(unix))]
fn read_only(path: &Path) -> Option<StoreError> {
    let meta = std::fs::metadata(path).ok()?;
    meta.permissions().readonly().then(|| StoreError::ReadOnly {
        path: path.display().to_string(),
        reason: "is a read-only file".into(),
    })
}

/// The pages the WAL index (`-shm`) says are in a `-wal` file that is no longer there: its
/// committed changes were lost with it, and opening would quietly show the older state.
fn removed_wal_frames(path: &Path) -> Option<u32> {
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        return None;
    }
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(&shm).ok()?;
    std::io::Read::read_exact(&mut file, &mut header).ok()?;
    // The WAL index header (native byte order): isInit at 12, mxFrame (the last valid frame)
    // at 16; after its two copies, the checkpoint's nBackfill (frames already copied back
    // into the database) at 96. Frames beyond nBackfill lived only in the -wal file.
    let word = |at: usize| {
        u32::from_ne_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let initialised = header[12] == 1;
    let lost = word(16).saturating_sub(word(96));
    (initialised && lost > 0).then_some(lost)
}

/// Opens an existing database to read only: no schema change, no journal-mode change.
pub fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let shown = path.display().to_string();
    if !exists(path)? {
        return Err(StoreError::Missing { path: shown });
    }
    // Even a reader would rebuild the -shm index of a removed -wal, and with it the only trace
    // of the lost changes: the next desk would open the older state without a word.
    if let Some(frames) = removed_wal_frames(path) {
        return Err(StoreError::WalRemoved {
            path: shown,
            frames,
        });
    }
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

/// The page cache of one big file's transaction (a seed file, a CSV import), in KiB.
///
/// The default cache (2 MiB) fills long before such a transaction ends: SQLite then spills
/// dirty pages to the WAL mid-transaction and reads them back as the indexes are touched
/// again, which cost as much as the inserts themselves. 48 MiB keeps the pages the file
/// touches in memory for a clinic's file and bounds the process (peak well under 100 MB).
pub const BULK_CACHE_KIB: i64 = 48 * 1024;

/// Runs `f` inside `BEGIN IMMEDIATE ... COMMIT` (see [`immediate`]) with the page cache of a
/// bulk file ([`BULK_CACHE_KIB`]), put back as it was afterwards.
pub fn immediate_bulk<T, E>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
    let result = immediate(conn, f);
    // Shrinking the cache frees its pages: the desk goes back to its small footprint.
    let restored = conn.pragma_update(None, "cache_size", before);
    let value = result?;
    restored?;
    Ok(value)
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

/// The query plan of `sql`, its parameters left unbound: the index tests read it to prove a
/// screen's query seeks an index instead of scanning a table.
#[cfg(test)]
pub(crate) fn query_plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let mut rows = stmt.raw_query();
    let mut steps = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        steps.push(r.get::<_, String>(3).unwrap());
    }
    steps.join(" | ")
}
