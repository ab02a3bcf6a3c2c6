//! Schema migrations keyed on `PRAGMA user_version`.
//!
//! Each migration runs once, in order, inside one immediate transaction with the version bump,
//! so a crash mid-migration leaves the previous version intact.

use super::StoreError;
use crate::privacy::IdKeys;
use rusqlite::{Connection, OptionalExtension};

/// A migration: plain SQL, or a step that needs the resident-id keys.
enum Step {
    Sql(&'static str),
    /// Seals the plain ids an older vaxdesk kept (citizens, the view and the event log).
    SealResidentIds,
    /// Creates the name-search keys and fills them for the citizens already there (the keys
    /// are folded in Rust, as every later write folds them).
    SearchTerms,
}
use Step::{SealResidentIds, SearchTerms, Sql};

const MIGRATIONS: &[Step] = &[
    // 1: the four contexts, the outbox and the seed log.
    Sql(r#"
    CREATE TABLE desk_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;

    -- vaccination context
    CREATE TABLE citizens (
        id               INTEGER PRIMARY KEY,
        resident_id      TEXT NOT NULL UNIQUE,
        family_name      TEXT NOT NULL,
        given_name       TEXT NOT NULL,
        family_name_icao TEXT NOT NULL,
        given_name_icao  TEXT NOT NULL,
        birth_date       TEXT NOT NULL,
        sort_name        TEXT NOT NULL,
        registered_at    TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        updated_by       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX citizens_by_name ON citizens (sort_name, id);

    CREATE TABLE injections (
        id          INTEGER PRIMARY KEY,
        citizen_id  INTEGER NOT NULL REFERENCES citizens (id),
        product     TEXT NOT NULL,
        dose        INTEGER NOT NULL CHECK (dose >= 1),
        series      INTEGER NOT NULL CHECK (series >= 1),
        given_on    TEXT NOT NULL,
        lot         TEXT,
        country     TEXT NOT NULL,
        centre      TEXT,
        status      TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'ADMINISTERED', 'VOIDED')),
        void_reason TEXT,
        version     INTEGER NOT NULL DEFAULT 1,
        recorded_at TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL,
        CHECK (status <> 'ADMINISTERED' OR lot IS NOT NULL)
    ) STRICT;
    CREATE INDEX injections_by_citizen ON injections (citizen_id, dose);
    CREATE UNIQUE INDEX injections_live_dose ON injections (citizen_id, dose)
        WHERE status <> 'VOIDED';

    -- applying context
    CREATE TABLE applications (
        id             INTEGER PRIMARY KEY,
        citizen_id     INTEGER NOT NULL REFERENCES citizens (id),
        injection_id   INTEGER NOT NULL REFERENCES injections (id),
        status         TEXT NOT NULL CHECK (status IN ('APPLIED', 'ISSUED', 'CANCELLED', 'REJECTED')),
        applied_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        updated_by     TEXT NOT NULL,
        certificate_id TEXT,
        reason         TEXT
    ) STRICT;
    CREATE INDEX applications_by_citizen ON applications (citizen_id, id);
    CREATE INDEX applications_by_injection ON applications (injection_id, id);
    CREATE UNIQUE INDEX applications_one_active ON applications (injection_id)
        WHERE status IN ('APPLIED', 'ISSUED');

    -- issuance context
    CREATE TABLE issuance_requests (
        id             INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL UNIQUE,
        citizen_id     INTEGER NOT NULL,
        injection_id   INTEGER NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('PENDING', 'ISSUED', 'WITHDRAWN', 'REJECTED')),
        applied_at     TEXT NOT NULL,
        closed_at      TEXT,
        closed_by      TEXT,
        reason         TEXT
    ) STRICT;
    CREATE INDEX requests_pending ON issuance_requests (applied_at, id) WHERE status = 'PENDING';

    CREATE TABLE certificates (
        id             INTEGER PRIMARY KEY,
        uvci           TEXT NOT NULL UNIQUE,
        application_id INTEGER NOT NULL UNIQUE,
        injection_id   INTEGER NOT NULL,
        citizen_id     INTEGER NOT NULL,
        issued_at      TEXT NOT NULL,
        expires_at     TEXT NOT NULL,
        issuer         TEXT NOT NULL,
        issued_by      TEXT NOT NULL,
        key_id         TEXT,
        payload        TEXT
    ) STRICT;
    CREATE INDEX certificates_by_time ON certificates (issued_at, id);

    -- outbox: the event log, append-only
    CREATE TABLE events (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        type      TEXT NOT NULL,
        aggregate TEXT NOT NULL,
        actor     TEXT NOT NULL,
        at        TEXT NOT NULL,
        data      TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

    CREATE TABLE subscriber_checkpoints (
        subscriber TEXT PRIMARY KEY,
        last_seq   INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE subscriber_health (
        subscriber           TEXT PRIMARY KEY,
        state                TEXT NOT NULL CHECK (state IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
        consecutive_failures INTEGER NOT NULL,
        retry_at             TEXT,
        last_error           TEXT,
        last_failure_at      TEXT
    ) STRICT;

    -- status view: a read model built only from events
    CREATE TABLE view_citizens (
        citizen_id  INTEGER PRIMARY KEY,
        resident_id TEXT NOT NULL UNIQUE,
        family_name TEXT NOT NULL,
        given_name  TEXT NOT NULL,
        birth_date  TEXT NOT NULL,
        last_change TEXT NOT NULL
    ) STRICT;

    CREATE TABLE view_injections (
        injection_id INTEGER PRIMARY KEY,
        citizen_id   INTEGER NOT NULL,
        product      TEXT NOT NULL,
        dose         INTEGER NOT NULL,
        series       INTEGER NOT NULL,
        given_on     TEXT NOT NULL,
        status       TEXT NOT NULL,
        last_change  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX view_injections_by_citizen ON view_injections (citizen_id, given_on, dose);

    CREATE TABLE view_applications (
        application_id INTEGER PRIMARY KEY,
        citizen_id     INTEGER NOT NULL,
        injection_id   INTEGER NOT NULL,
        product        TEXT NOT NULL,
        dose           INTEGER NOT NULL,
        series         INTEGER NOT NULL,
        given_on       TEXT NOT NULL,
        status         TEXT NOT NULL,
        certificate_id TEXT,
        reason         TEXT,
        applied_at     TEXT NOT NULL,
        last_change    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX view_applications_by_citizen ON view_applications (citizen_id, applied_at);
    CREATE INDEX view_applications_by_injection ON view_applications (injection_id);

    -- seed files applied, by content digest
    CREATE TABLE seed_files (
        digest     TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        steps      INTEGER NOT NULL,
        applied_at TEXT NOT NULL
    ) STRICT;
    "#),
    // 2: the event that submitted each application, so a policy reacting to an older event
    // (a redelivery, a lagging subscriber) never touches an application submitted after it.
    Sql(r#"
    ALTER TABLE applications ADD COLUMN submitted_seq INTEGER;
    "#),
    // 3: the log without AUTOINCREMENT. Events are never deleted (triggers refuse it), so the
    // plain rowid is already monotonic; AUTOINCREMENT only cost a sqlite_sequence write per
    // event.
    Sql(r#"
    DROP TRIGGER events_no_update;
    DROP TRIGGER events_no_delete;
    ALTER TABLE events RENAME TO events_v2;
    CREATE TABLE events (
        seq       INTEGER PRIMARY KEY,
        type      TEXT NOT NULL,
        aggregate TEXT NOT NULL,
        actor     TEXT NOT NULL,
        at        TEXT NOT NULL,
        data      TEXT NOT NULL
    ) STRICT;
    INSERT INTO events (seq, type, aggregate, actor, at, data)
        SELECT seq, type, aggregate, actor, at, data FROM events_v2 ORDER BY seq;
    DROP TABLE events_v2;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    "#),
    // 4: the citizen sees when an issued certificate was issued and until when it is valid.
    Sql(r#"
    ALTER TABLE view_applications ADD COLUMN issued_at TEXT;
    ALTER TABLE view_applications ADD COLUMN expires_at TEXT;
    "#),
    // 5: search by name ignores spaces ("김민준" finds "김 민준"), through its own index.
    Sql(r#"
    ALTER TABLE citizens ADD COLUMN compact_name TEXT NOT NULL DEFAULT '';
    UPDATE citizens SET compact_name = replace(sort_name, ' ', '');
    CREATE INDEX citizens_by_compact_name ON citizens (compact_name, id);
    "#),
    // 6: revocation: an issued certificate can be revoked with a reason.
    Sql(r#"
    ALTER TABLE certificates ADD COLUMN revoked_at TEXT;
    ALTER TABLE certificates ADD COLUMN revoked_by TEXT;
    ALTER TABLE certificates ADD COLUMN revocation_reason TEXT;
    "#),
    // 7: the citizen's page shows the signed certificate (as a QR code) from the view.
    Sql(r#"
    ALTER TABLE view_applications ADD COLUMN certificate TEXT;
    "#),
    // 8: staff accounts, sign-in throttling shared by every desk, and the audit log.
    Sql(r#"
    CREATE TABLE staff (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('MANAGER', 'ISSUER')),
        passphrase TEXT NOT NULL,
        disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;

    -- One row per account ('staff:NAME') or kiosk id ('citizen:' + keyed hash of the id).
    CREATE TABLE sign_in_throttle (
        subject      TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL CHECK (failures >= 0),
        next_attempt TEXT,
        locked_until TEXT
    ) STRICT;

    -- Append-only; each row carries the SHA-256 of the row before it.
    CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        host      TEXT NOT NULL,
        terminal  TEXT NOT NULL,
        process   INTEGER NOT NULL,
        action    TEXT NOT NULL,
        citizen   INTEGER,
        result    TEXT NOT NULL,
        detail    TEXT,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_by_citizen ON audit_log (citizen, seq) WHERE citizen IS NOT NULL;
    CREATE INDEX audit_by_actor ON audit_log (actor, seq);
    CREATE INDEX audit_by_time ON audit_log (at, seq);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    "#),
    // 9: resident ids sealed at rest and found by a keyed hash; screens read the masked form.
    Sql(r#"
    ALTER TABLE citizens RENAME COLUMN resident_id TO id_lookup;
    ALTER TABLE citizens ADD COLUMN resident_id_sealed BLOB NOT NULL DEFAULT x'';
    ALTER TABLE citizens ADD COLUMN masked_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE view_citizens RENAME COLUMN resident_id TO id_lookup;
    ALTER TABLE view_citizens ADD COLUMN masked_id TEXT NOT NULL DEFAULT '';
    "#),
    // 10: the plain ids written before 9 are sealed (needs the keys when there are any).
    SealResidentIds,
    // 11: the issuer finds a holder's certificates by citizen (a name search walks the
    // citizens, then each one's certificates) without scanning them all.
    Sql(r#"
    CREATE INDEX certificates_by_citizen ON certificates (citizen_id);
    "#),
    // 12: a name search finds any word of a name or of its machine-readable form, ignoring
    // case and marks (`muller` finds Müller, `KIM` finds 김 민준): one row per citizen and
    // search key, walked by its primary key one `shared` value at a time (see
    // `vaccination::stored_search_terms`); the second index finds a citizen's own keys.
    SearchTerms,
    // 13: the citizen list's total is kept as citizens are added, so a refresh after another
    // desk's commit reads one row instead of counting a million (`vaccination::citizen_count`).
    Sql(r#"
    CREATE TABLE citizen_total (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        n  INTEGER NOT NULL CHECK (n >= 0)
    ) STRICT;
    INSERT INTO citizen_total (id, n) SELECT 1, COUNT(*) FROM citizens;
    CREATE TRIGGER citizen_total_on_insert AFTER INSERT ON citizens
    BEGIN UPDATE citizen_total SET n = n + 1 WHERE id = 1; END;
    CREATE TRIGGER citizen_total_on_delete AFTER DELETE ON citizens
    BEGIN UPDATE citizen_total SET n = n - 1 WHERE id = 1; END;
    "#),
    // 14: `cert export` finds an injection's certificate and the revoked ones without reading
    // every certificate (both scanned the table: cost grew with the clinic).
    Sql(r#"
    CREATE INDEX certificates_by_injection ON certificates (injection_id, id);
    CREATE INDEX certificates_revoked ON certificates (id) WHERE revoked_at IS NOT NULL;
    "#),
    // 15: the relay to a regional registry (`vaxdesk relay`): the clinic name this database is
    // relayed under (fixed on its first relay), a random id telling this database from another
    // relayed under the same name, and the last event the registry has acknowledged.
    Sql(r#"
    CREATE TABLE relay_state (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        clinic      TEXT NOT NULL,
        database_id TEXT NOT NULL,
        last_seq    INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
        relayed_at  TEXT
    ) STRICT;
    "#),
    // 16: a big file's writes cost less. The citizen total is kept by `insert_citizen` (the
    // one writer of citizens; none is ever deleted), not by a trigger: a trigger makes every
    // registration a multi-row statement with a statement journal, a copy of each page it
    // touches. The name-search keys lose their foreign key: like the status view they are
    // derived, written only beside their citizen, and the check cost a random lookup of the
    // citizen for each of a citizen's ~8 keys. The keys are copied in key order.
    Sql(concat!(
        r#"
    DROP TRIGGER citizen_total_on_insert;
    DROP TRIGGER citizen_total_on_delete;
    CREATE TABLE citizen_search_terms_16 (
        shared     INTEGER NOT NULL CHECK (shared >= 0),
        term       TEXT NOT NULL,
        citizen_id INTEGER NOT NULL,
        PRIMARY KEY (shared, term, citizen_id)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO citizen_search_terms_16 (shared, term, citizen_id)
        SELECT shared, term, citizen_id FROM citizen_search_terms ORDER BY shared, term, citizen_id;
    DROP TABLE citizen_search_terms;
    ALTER TABLE citizen_search_terms_16 RENAME TO citizen_search_terms;
    "#,
        super::vaccination::search_terms_by_citizen!(),
        ";"
    )),
];

/// The table and index of migration 12.
const SEARCH_TERMS_SQL: &str = r#"
    CREATE TABLE citizen_search_terms (
        shared     INTEGER NOT NULL CHECK (shared >= 0),
        term       TEXT NOT NULL,
        citizen_id INTEGER NOT NULL REFERENCES citizens (id),
        PRIMARY KEY (shared, term, citizen_id)
    ) STRICT, WITHOUT ROWID;
"#;

/// Migration 12: the table, then the keys of every citizen already registered.
fn search_terms(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SEARCH_TERMS_SQL)?;
    conn.execute_batch(super::vaccination::SEARCH_TERMS_BY_CITIZEN)?;
    // The search no longer reads the name without spaces; its index only cost writes.
    conn.execute_batch("DROP INDEX citizens_by_compact_name")?;
    let mut read = conn.prepare(
        "SELECT id, family_name, given_name, family_name_icao, given_name_icao FROM citizens",
    )?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (f, g, fi, gi): (String, String, String, String) =
            (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        let terms = crate::domain::citizen::search_terms(&f, &g, &fi, &gi);
        let sort = crate::domain::citizen::display_name(&f, &g).to_lowercase();
        super::vaccination::write_search_terms(conn, r.get(0)?, &terms, &sort)?;
    }
    Ok(())
}

/// The schema version this binary writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Reads the schema version of an open database.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// One short line for an SQLite error (some carry the whole SQL text they failed on).
pub fn short(e: &rusqlite::Error) -> String {
    let s = match e {
        rusqlite::Error::SqliteFailure(err, Some(msg)) => format!("{msg} ({:?})", err.code),
        rusqlite::Error::SqliteFailure(err, None) => format!("{:?}", err.code),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    };
    let line = s.lines().next().unwrap_or_default();
    line.chars().take(200).collect()
}

/// Refuses, before changing anything (not even the journal mode), a file that is some other
/// program's SQLite database: schema version 0 but tables already there.
pub fn check_ownership(conn: &Connection, path: &str) -> Result<(), StoreError> {
    let damaged = |e: rusqlite::Error| StoreError::Damaged {
        path: path.to_string(),
        reason: short(&e),
    };
    // One statement, one snapshot: another desk may be creating the schema right now, and
    // its tables must not be seen without its version.
    let (version, tables): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT COUNT(*) FROM sqlite_master
                     WHERE type = 'table' AND name NOT LIKE 'sqlite_%')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(damaged)?;
    if version == 0 && tables > 0 {
        return Err(StoreError::Damaged {
            path: path.to_string(),
            reason: format!(
                "it is another program's SQLite database ({tables} table(s), no vaxdesk schema); nothing was changed"
            ),
        });
    }
    Ok(())
}

/// Brings the schema to [`VERSION`]; refuses a database from a newer vaxdesk.
pub fn migrate(conn: &Connection, path: &str, ids: Option<&IdKeys>) -> Result<(), StoreError> {
    let damaged = |e: rusqlite::Error| StoreError::Damaged {
        path: path.to_string(),
        reason: short(&e),
    };
    let found = version(conn).map_err(damaged)?;
    if found > VERSION {
        return Err(StoreError::TooNew {
            path: path.to_string(),
            found,
            known: VERSION,
        });
    }
    if found == VERSION {
        return finish_sealing(conn, path);
    }
    super::immediate(conn, |c| -> Result<bool, StoreError> {
        // Another desk may have migrated while we waited for the lock.
        let now = version(c)?;
        let mut sealed = false;
        for (i, step) in MIGRATIONS.iter().enumerate().skip(now as usize) {
            match step {
                Sql(sql) => c.execute_batch(sql).map_err(damaged)?,
                SealResidentIds => sealed = super::sealing::seal_plain_ids(c, path, ids)?,
                SearchTerms => search_terms(c).map_err(damaged)?,
            }
            c.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        if sealed {
            // Until the file is rewritten, old pages may still hold plain ids.
            c.execute(
                "INSERT OR REPLACE INTO desk_meta (key, value) VALUES ('vacuum_pending', '1')",
                [],
            )?;
        }
        // A new database belongs to the keys that created it, from its first commit: a
        // second desk with other keys is refused, not bound.
        if let Some(ids) = ids {
            c.execute(
                "INSERT OR IGNORE INTO desk_meta (key, value) VALUES ('resident_id_keys', ?1)",
                [ids.fingerprint()],
            )?;
        }
        Ok(sealed)
    })?;
    finish_sealing(conn, path)
}

/// After ids were sealed: rewrites the file (VACUUM) and empties the WAL so that no old page
/// keeps a plain id, then clears the mark. Retried on every open until it succeeds.
fn finish_sealing(conn: &Connection, path: &str) -> Result<(), StoreError> {
    let pending: Option<String> = conn
        .query_row(
            "SELECT value FROM desk_meta WHERE key = 'vacuum_pending'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if pending.is_none() {
        return Ok(());
    }
    let damaged = |e: rusqlite::Error| StoreError::Damaged {
        path: path.to_string(),
        reason: format!("rewriting the file after sealing ids: {}", short(&e)),
    };
    // The mark goes only after the rewrite succeeded (a failed VACUUM keeps it for next time).
    conn.execute_batch("VACUUM; DELETE FROM desk_meta WHERE key = 'vacuum_pending';")
        .map_err(damaged)?;
    let busy: i64 = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .map_err(damaged)?;
    if busy != 0 {
        // Another desk is reading: the WAL could not be emptied; try again next time.
        conn.execute(
            "INSERT OR REPLACE INTO desk_meta (key, value) VALUES ('vacuum_pending', '1')",
            [],
        )?;
    }
    Ok(())
}

/// True when the database already belongs to a resident-id key.
pub fn id_keys_bound(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT 1 FROM desk_meta WHERE key = 'resident_id_keys'",
        [],
        |_| Ok(()),
    )
    .is_ok()
}

/// Records which resident-id keys a database belongs to, or refuses other keys.
pub fn bind_id_keys(conn: &Connection, path: &str, ids: &IdKeys) -> Result<(), StoreError> {
    let fingerprint = ids.fingerprint();
    let stored = || -> rusqlite::Result<Option<String>> {
        conn.query_row(
            "SELECT value FROM desk_meta WHERE key = 'resident_id_keys'",
            [],
            |r| r.get(0),
        )
        .optional()
    };
    let bound = match stored()? {
        // Bound already (every open but the first): one read.
        Some(value) => value,
        None => {
            super::immediate(conn, |c| {
                c.execute(
                    "INSERT OR IGNORE INTO desk_meta (key, value) VALUES ('resident_id_keys', ?1)",
                    [&fingerprint],
                )
            })?;
            // Read again: another desk may have bound it first, with other keys.
            stored()?.unwrap_or_default()
        }
    };
    if bound == fingerprint {
        Ok(())
    } else {
        Err(StoreError::WrongIdKeys {
            path: path.to_string(),
            key: crate::privacy::resident_ids::KEY_FILE.to_string(),
        })
    }
}

/// Runs the migrations from the database's version up to `until` only, as an older vaxdesk
/// left it (tests of a later migration on older data).
#[cfg(test)]
pub(crate) fn migrate_until(conn: &Connection, until: usize) -> rusqlite::Result<()> {
    let from = version(conn)? as usize;
    for (i, step) in MIGRATIONS.iter().enumerate().take(until).skip(from) {
        match step {
            Sql(sql) => conn.execute_batch(sql)?,
            SearchTerms => search_terms(conn)?,
            SealResidentIds => {}
        }
        conn.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::store::vaccination::{Anchor, ListOrder, citizens_window};

    /// Citizens as an older vaxdesk wrote them, raw: `values` is the VALUES list of
    /// (id, id_lookup, family, given, both ICAO forms, birth, sort name, compact name,
    /// registered, updated, by, masked id).
    fn old_citizens(conn: &Connection, values: &str) {
        conn.execute_batch(&format!(
            "INSERT INTO citizens (id, id_lookup, family_name, given_name, family_name_icao,
                 given_name_icao, birth_date, sort_name, compact_name, registered_at,
                 updated_at, updated_by, masked_id)
             VALUES {values}"
        ))
        .unwrap();
    }

    /// The list's total is counted once for the citizens already there (step 13), then kept
    /// by every registration (step 16 hands it from a trigger to `insert_citizen`), and always
    /// equals a full count.
    #[test]
    fn the_citizen_total_is_kept_across_migrations_13_and_16() {
        use crate::app::store::vaccination::{TermWrites, citizen_count, insert_citizen};
        use crate::domain::{BirthDate, CitizenDetails, ResidentId};
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("old.db")).unwrap();
        migrate_until(&conn, 12).unwrap();
        let insert = |id: i64| {
            old_citizens(
                &conn,
                &format!(
                    "({id}, '{id}', 'Kim', 'Minjun', 'KIM', 'MINJUN', '1990', 'kim minjun', \
                     'kimminjun', 't', 't', 's', '900101-1******')"
                ),
            )
        };
        insert(1);
        insert(2);
        migrate_until(&conn, 13).unwrap();
        insert(3);
        assert_eq!(citizen_count(&conn).unwrap(), 3);
        migrate(&conn, "old.db", None).unwrap();
        assert_eq!(citizen_count(&conn).unwrap(), 3);
        let keys = IdKeys::generate();
        let details = CitizenDetails::new("김", "민준", None, None, BirthDate::Year(1990)).unwrap();
        for (i, terms) in [TermWrites::Now, TermWrites::Deferred]
            .into_iter()
            .enumerate()
        {
            if terms == TermWrites::Deferred {
                crate::app::store::vaccination::defer_search_terms(&conn).unwrap();
            }
            let id = ResidentId::parse("id", &format!("ID{i:04}")).unwrap();
            insert_citizen(&conn, &keys.at_rest(&id), &details, "t", "s", terms).unwrap();
        }
        let full: i64 = conn
            .query_row("SELECT COUNT(*) FROM citizens", [], |r| r.get(0))
            .unwrap();
        assert_eq!((citizen_count(&conn).unwrap(), full), (5, 5));
    }

    /// Step 16 copies the keys into a table without the foreign key: every key is still
    /// there and found, and nothing else refers to the old table.
    #[test]
    fn migration_16_keeps_every_search_key() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("old.db")).unwrap();
        migrate_until(&conn, 15).unwrap();
        old_citizens(
            &conn,
            "(7, 'b', '김', '민준', 'KIM', 'MINJUN', '1990', '김 민준', '김민준', 't', 't', 's', \
             '900101-1******')",
        );
        let terms = crate::domain::citizen::search_terms("김", "민준", "KIM", "MINJUN");
        crate::app::store::vaccination::write_search_terms(&conn, 7, &terms, "김 민준").unwrap();
        let keys = crate::app::store::vaccination::all_search_terms;
        let before = keys(&conn);
        assert!(before.len() > 3, "{before:?}");
        migrate(&conn, "old.db", None).unwrap();
        assert_eq!(keys(&conn), before);
        let fks: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM pragma_foreign_key_list('citizen_search_terms')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(fks, 0);
        let index: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'citizen_search_terms_by_citizen'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            index,
            crate::app::store::vaccination::SEARCH_TERMS_BY_CITIZEN
        );
        let find: Vec<String> = citizens_window(&conn, ListOrder::Name, "민준", &Anchor::First, 10)
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(find, ["김 민준"]);
    }

    /// Citizens written by a vaxdesk before migration 12 are found by the new search once the
    /// database is opened.
    #[test]
    fn migration_12_fills_the_search_keys_of_existing_citizens() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("old.db")).unwrap();
        migrate_until(&conn, 11).unwrap();
        old_citizens(
            &conn,
            "(1, 'a', 'Müller', 'Anna', 'MUELLER', 'ANNA', '1988', 'müller anna', \
             'mülleranna', 't', 't', 's', 'M482*****'), \
             (2, 'b', '김', '민준', 'KIM', 'MINJUN', '1990', '김 민준', '김민준', 't', 't', 's', \
             '900101-1******')",
        );
        migrate(&conn, "old.db", None).unwrap();
        assert_eq!(version(&conn).unwrap(), VERSION);
        let find = |q: &str| -> Vec<String> {
            citizens_window(&conn, ListOrder::Name, q, &Anchor::First, 10)
                .unwrap()
                .into_iter()
                .map(|r| r.name)
                .collect()
        };
        assert_eq!(find("muller"), ["Müller Anna"]);
        assert_eq!(find("MUELLER"), ["Müller Anna"]);
        assert_eq!(find("kim"), ["김 민준"]);
        assert_eq!(find("민준"), ["김 민준"]);
    }
}
