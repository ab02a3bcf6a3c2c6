//! Seals the plain resident ids an older vaxdesk kept (schema 10).
//!
//! Runs once, inside the migration's transaction: each citizen's id becomes its sealed form,
//! keyed hash and mask; the status view copies the hash and mask; and the citizen events in the
//! log are rewritten to carry them instead of the id. This is the only place the append-only
//! log is ever rewritten: its triggers are dropped and recreated around it.

use super::StoreError;
use crate::domain::ResidentId;
use crate::domain::event::CitizenFacts;
use crate::privacy::IdKeys;
use rusqlite::{Connection, params};

/// A citizen event as written before schema 10.
#[derive(serde::Deserialize)]
struct LegacyFacts {
    citizen: i64,
    resident_id: String,
    family_name: String,
    given_name: String,
    family_name_icao: String,
    given_name_icao: String,
    birth_date: String,
}

/// Seals every plain id; returns whether there was any (the caller then rewrites the file).
pub fn seal_plain_ids(
    conn: &Connection,
    path: &str,
    ids: Option<&IdKeys>,
) -> Result<bool, StoreError> {
    let plain: Vec<(i64, String)> = conn
        .prepare("SELECT id, id_lookup FROM citizens WHERE resident_id_sealed = x''")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let legacy_events: i64 = conn.query_row(
        "SELECT COUNT(*) FROM events WHERE type IN ('CitizenRegistered', 'CitizenUpdated')",
        [],
        |r| r.get(0),
    )?;
    if plain.is_empty() && legacy_events == 0 {
        return Ok(false);
    }
    let ids = ids.ok_or_else(|| StoreError::NeedsIdKeys {
        path: path.to_string(),
    })?;
    for (id, resident) in &plain {
        let resident = ResidentId::from_stored(resident.clone());
        conn.execute(
            "UPDATE citizens SET id_lookup = ?2, resident_id_sealed = ?3, masked_id = ?4
             WHERE id = ?1",
            params![
                id,
                ids.lookup(&resident),
                ids.seal(&resident),
                resident.masked()
            ],
        )?;
    }
    conn.execute_batch(
        "UPDATE view_citizens SET
             id_lookup = (SELECT c.id_lookup FROM citizens c WHERE c.id = citizen_id),
             masked_id = (SELECT c.masked_id FROM citizens c WHERE c.id = citizen_id)
         WHERE citizen_id IN (SELECT id FROM citizens);
         -- A view row without its citizen can only be stale; it is rebuilt from the log.
         DELETE FROM view_citizens WHERE citizen_id NOT IN (SELECT id FROM citizens);
         DROP TRIGGER events_no_update;",
    )?;
    let rows: Vec<(i64, String)> = conn
        .prepare(
            "SELECT seq, data FROM events
             WHERE type IN ('CitizenRegistered', 'CitizenUpdated') ORDER BY seq",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (seq, data) in rows {
        // Events already in the new shape (a database both versions wrote) stay as they are;
        // anything else still holding an id stops the migration rather than keep it.
        let old = match serde_json::from_str::<LegacyFacts>(&data) {
            Ok(old) => old,
            Err(_) if serde_json::from_str::<CitizenFacts>(&data).is_ok() => continue,
            Err(e) => {
                return Err(StoreError::Damaged {
                    path: path.to_string(),
                    reason: format!("event {seq} cannot be sealed: {e}"),
                });
            }
        };
        let resident = ResidentId::from_stored(old.resident_id);
        let facts = CitizenFacts {
            citizen: old.citizen,
            id_lookup: ids.lookup(&resident),
            masked_id: resident.masked(),
            family_name: old.family_name,
            given_name: old.given_name,
            family_name_icao: old.family_name_icao,
            given_name_icao: old.given_name_icao,
            birth_date: old.birth_date,
        };
        let data = serde_json::to_string(&facts).map_err(|e| StoreError::Damaged {
            path: path.to_string(),
            reason: format!("event {seq}: {e}"),
        })?;
        conn.execute(
            "UPDATE events SET data = ?2 WHERE seq = ?1",
            params![seq, data],
        )?;
    }
    conn.execute_batch(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events
             BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use crate::privacy::IdKeys;
    use rusqlite::Connection;

    /// A database as vaxdesk wrote it before schema 9: plain ids in the citizens, the view
    /// and the log.
    fn older_database(path: &std::path::Path) {
        let conn = Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        super::super::schema::migrate_until(&conn, 8).unwrap();
        conn.execute_batch(
            r#"
            INSERT INTO citizens (id, resident_id, family_name, given_name, family_name_icao,
                given_name_icao, birth_date, sort_name, registered_at, updated_at, updated_by)
            VALUES (1, '900101-1234567', '김', '민준', 'KIM', 'MINJUN', '1990-01-01', '김 민준',
                't', 't', 'seed');
            INSERT INTO view_citizens (citizen_id, resident_id, family_name, given_name,
                birth_date, last_change)
            VALUES (1, '900101-1234567', '김', '민준', '1990-01-01', 't');
            INSERT INTO events (type, aggregate, actor, at, data) VALUES ('CitizenRegistered',
                'citizen/1', 'seed', 't', '{"citizen":1,"resident_id":"900101-1234567",
                "family_name":"김","given_name":"민준","family_name_icao":"KIM",
                "given_name_icao":"MINJUN","birth_date":"1990-01-01"}');
            "#,
        )
        .unwrap();
    }

    #[test]
    fn plain_ids_of_an_older_database_are_sealed_on_open_and_leave_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        older_database(&path);
        // Without the keys, the database is refused, not half-migrated.
        let e = crate::app::store::open(&path).unwrap_err().to_string();
        assert!(e.contains("resident-id key"), "{e}");

        let keys = IdKeys::generate();
        let conn = crate::app::store::open_with(&path, Some(&keys)).unwrap();
        let id = crate::domain::ResidentId::parse("id", "900101-1234567").unwrap();
        let row = crate::app::store::vaccination::citizen_by_lookup(&conn, &keys.lookup(&id))
            .unwrap()
            .expect("found by its keyed hash");
        assert_eq!(row.masked_id, "900101-1******");
        assert_eq!(keys.open(&row.sealed_id).unwrap(), id);
        let view = crate::app::store::status_view::citizen_by_lookup(&conn, &keys.lookup(&id))
            .unwrap()
            .expect("the view follows");
        assert_eq!(view.masked_id, "900101-1******");
        let events = crate::app::store::outbox::events_between(&conn, 0, i64::MAX, None, 10);
        let events = events.unwrap();
        assert!(matches!(
            &events[0].event,
            crate::domain::event::Event::CitizenRegistered(f) if f.id_lookup == keys.lookup(&id)
        ));
        drop(conn);
        for file in ["old.db", "old.db-wal"] {
            let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("1234567"), "{file} still holds the plain id");
        }
        // Other keys are refused.
        let e = crate::app::store::open_with(&path, Some(&IdKeys::generate()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("another resident-id key"), "{e}");
    }
}
