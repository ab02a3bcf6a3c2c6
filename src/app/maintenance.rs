//! What the command line asks about a database before and besides the desk's use cases: is
//! there one, may `init` make one, is it bound to a resident-id key, are the subscribers caught
//! up. Kept here so that the commands never open a connection or name a table themselves.

use super::bus::DispatchReport;
use super::store::{self, StoreError, schema};
use super::{AppError, Desk};
use std::path::Path;

/// Whether `db` holds a database: an empty file is none yet (the commands that create one
/// make it there).
pub fn database_exists(db: &Path) -> Result<bool, StoreError> {
    Ok(store::exists(db)? && !store::is_empty_file(db))
}

/// The refusal of a command run on a database that is not there.
pub fn missing(db: &Path) -> AppError {
    StoreError::Missing {
        path: db.display().to_string(),
    }
    .into()
}

/// Whether the file at `db` already holds a vaxdesk schema, for `init`: an empty SQLite
/// database is where the new one goes; a file that is no vaxdesk database is refused as
/// opening it would refuse it. Read only, never migrated.
pub fn has_a_schema(db: &Path) -> Result<bool, StoreError> {
    // Read-only places and a removed -wal are named as such, as every command names them.
    store::refuse_what_cannot_open(db)?;
    let conn = store::open_read_only(db)?;
    let version = schema::version(&conn).map_err(|e| StoreError::Damaged {
        path: db.display().to_string(),
        reason: schema::short(&e),
    })?;
    Ok(version > 0)
}

/// Whether the database at `db` is bound to a resident-id key. False when there is no file,
/// or one that cannot be read: opening it then says what is wrong.
pub fn id_keys_bound(db: &Path) -> bool {
    if !db.exists() {
        return false;
    }
    store::open_read_only(db).is_ok_and(|conn| schema::id_keys_bound(&conn))
}

/// `vaxdesk dispatch`: delivers what is pending now, counting what opening the desk caught up
/// on too (that was delivered by this command as well).
pub fn dispatch(desk: &Desk) -> Result<DispatchReport, AppError> {
    let opening = desk.opening_delivery().clone();
    let mut report = desk.dispatch()?;
    report.delivered += opening.delivered;
    for failure in opening.failures.into_iter().rev() {
        if !report.failures.iter().any(|(name, _)| *name == failure.0) {
            report.failures.insert(0, failure);
        }
    }
    Ok(report)
}

/// How many subscribers have events still to deliver.
pub fn lagging_subscribers(desk: &Desk) -> Result<usize, AppError> {
    let lagging = desk
        .dispatcher()
        .status(desk.conn())?
        .into_iter()
        .filter(|s| s.lag > 0)
        .count();
    Ok(lagging)
}

/// The version of the SQLite library the desk runs (bundled), as the library reports it.
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}
