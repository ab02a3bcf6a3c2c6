//! The `staff` table: accounts that sign in at a desk, with their role and passphrase hash.
//!
//! Every function runs inside the caller's transaction and never opens one. Names arrive as
//! [`StaffName`] so they are always in normal form; passphrases arrive already hashed (PHC).

use crate::domain::{StaffName, StaffRole};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::fmt;

/// One account as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub role: StaffRole,
    /// Argon2id PHC string.
    pub passphrase: String,
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

// The hash stays out of logs and panic messages.
impl fmt::Debug for StaffRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffRow")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("passphrase", &"<hidden>")
            .field("disabled", &self.disabled)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StaffStoreError {
    #[error("there is already an account named '{name}'")]
    Duplicate { name: String },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
}

const COLUMNS: &str = "id, name, role, passphrase, disabled, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<StaffRow> {
    let role: String = r.get(2)?;
    let role = StaffRole::parse("role", &role).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(StaffRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role,
        passphrase: r.get(3)?,
        disabled: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

/// Adds an account; a name already taken is [`StaffStoreError::Duplicate`].
pub fn add(
    conn: &Connection,
    name: &StaffName,
    role: StaffRole,
    phc: &str,
    at: &str,
) -> Result<i64, StaffStoreError> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO staff (name, role, passphrase, disabled, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 0, ?4, ?4)",
        )?
        .execute(params![name.as_str(), role.as_str(), phc, at]);
    match inserted {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e)
            if e.sqlite_error()
                .is_some_and(|s| s.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE) =>
        {
            Err(StaffStoreError::Duplicate {
                name: name.to_string(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

pub fn by_name(conn: &Connection, name: &StaffName) -> rusqlite::Result<Option<StaffRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM staff WHERE name = ?1"))?
        .query_row([name.as_str()], row)
        .optional()
}

/// Every account, disabled ones too, ordered by name.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<StaffRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM staff ORDER BY name"))?
        .query_map([], row)?
        .collect()
}

/// Disables or re-enables an account; false when there is no such account.
pub fn set_disabled(
    conn: &Connection,
    name: &StaffName,
    disabled: bool,
    at: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached("UPDATE staff SET disabled = ?2, updated_at = ?3 WHERE name = ?1")?
        .execute(params![name.as_str(), disabled, at])?;
    Ok(n > 0)
}

/// Replaces an account's passphrase hash; false when there is no such account.
pub fn set_passphrase(
    conn: &Connection,
    name: &StaffName,
    phc: &str,
    at: &str,
) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached("UPDATE staff SET passphrase = ?2, updated_at = ?3 WHERE name = ?1")?
        .execute(params![name.as_str(), phc, at])?;
    Ok(n > 0)
}

/// How many accounts there are, disabled ones too (0: the first account is being made).
pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COUNT(*) FROM staff")?
        .query_row([], |r| r.get(0))
}

/// How many managers can still sign in (so the last one is not disabled).
#[cfg(any(test, feature = "internals"))]
pub fn active_managers(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COUNT(*) FROM staff WHERE role = 'MANAGER' AND disabled = 0")?
        .query_row([], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::store;

    fn name(s: &str) -> StaffName {
        StaffName::parse("name", s).unwrap()
    }

    #[test]
    fn add_list_disable_passwd_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let conn = store::open(&dir.path().join("t.db")).unwrap();
        let at = "2021-06-01T09:00:00Z";
        let later = "2021-06-01T10:00:00Z";
        store::immediate(&conn, |c| {
            assert_eq!(count(c)?, 0);
            add(c, &name("park"), StaffRole::Issuer, "$argon2id$p", at)?;
            add(c, &name("kim.nurse"), StaffRole::Manager, "$argon2id$k", at)?;
            Ok::<_, StaffStoreError>(())
        })
        .unwrap();

        let all = list(&conn).unwrap();
        let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["kim.nurse", "park"]);
        assert_eq!(count(&conn).unwrap(), 2);
        assert_eq!(active_managers(&conn).unwrap(), 1);
        let kim = by_name(&conn, &name("KIM.nurse")).unwrap().unwrap();
        assert_eq!(kim.role, StaffRole::Manager);
        assert_eq!(kim.passphrase, "$argon2id$k");
        assert!(!kim.disabled);
        assert_eq!((kim.created_at.as_str(), kim.updated_at.as_str()), (at, at));
        assert!(!format!("{kim:?}").contains("$argon2id$k"));

        store::immediate(&conn, |c| {
            assert!(set_disabled(c, &name("kim.nurse"), true, later)?);
            assert!(set_passphrase(c, &name("park"), "$argon2id$new", later)?);
            assert!(!set_disabled(c, &name("nobody"), true, later)?);
            assert!(!set_passphrase(c, &name("nobody"), "$x", later)?);
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
        let kim = by_name(&conn, &name("kim.nurse")).unwrap().unwrap();
        assert!(kim.disabled);
        assert_eq!(
            (kim.created_at.as_str(), kim.updated_at.as_str()),
            (at, later)
        );
        assert_eq!(active_managers(&conn).unwrap(), 0);
        let park = by_name(&conn, &name("park")).unwrap().unwrap();
        assert_eq!(park.passphrase, "$argon2id$new");
        assert!(by_name(&conn, &name("nobody")).unwrap().is_none());

        store::immediate(&conn, |c| set_disabled(c, &name("kim.nurse"), false, later)).unwrap();
        assert!(
            !by_name(&conn, &name("kim.nurse"))
                .unwrap()
                .unwrap()
                .disabled
        );
    }

    #[test]
    fn duplicate_name_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let conn = store::open(&dir.path().join("t.db")).unwrap();
        let at = "2021-06-01T09:00:00Z";
        store::immediate(&conn, |c| {
            add(c, &name("박서연"), StaffRole::Issuer, "$a", at)
        })
        .unwrap();
        let e = store::immediate(&conn, |c| {
            add(c, &name("박서연"), StaffRole::Manager, "$b", at)
        })
        .unwrap_err();
        assert!(
            matches!(&e, StaffStoreError::Duplicate { name } if name == "박서연"),
            "{e}"
        );
        assert!(e.to_string().contains("'박서연'"), "{e}");
        assert_eq!(count(&conn).unwrap(), 1);
    }
}
