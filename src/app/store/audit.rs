//! The audit log: who did what, from which desk, to whose record, with what result.
//!
//! It exists so that a clinic can answer "who looked at or changed this citizen's record?"
//! and trust the answer. Rows are appended in the same transaction as the command they record,
//! and never changed: triggers abort UPDATE and DELETE. Triggers do not stop someone with the
//! file and an SQLite shell, so each row also carries the SHA-256 of the row before it and its
//! own SHA-256 over all its fields; [`verify_chain`] (run by `vaxdesk doctor`) names the first
//! row where that chain breaks. Deleting rows from the *end* of the log leaves a valid chain;
//! only a head hash kept elsewhere can show that.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The desk a row was written from: machine, terminal and process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskIdentity {
    pub host: String,
    pub terminal: String,
    pub process: u32,
}

impl DeskIdentity {
    /// This process's desk on the machine named `host` (the caller looks the name up, see
    /// `config::host_name`): the terminal on stdin (else `$SSH_TTY`, else "-") and the
    /// process id.
    pub fn on_host(host: String) -> DeskIdentity {
        let terminal = stdin_tty()
            .or_else(|| std::env::var("SSH_TTY").ok().filter(|t| !t.is_empty()))
            .unwrap_or_else(|| "-".to_string());
        DeskIdentity {
            host,
            terminal,
            process: std::process::id(),
        }
    }
}

/// Text up to the first NUL of a C string buffer, if any text.
#[cfg(unix)]
fn c_text(buf: &[u8]) -> Option<String> {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let s = String::from_utf8_lossy(&buf[..end]).into_owned();
    (!s.is_empty()).then_some(s)
}

#[cfg(unix)]
fn stdin_tty() -> Option<String> {
    // ttyname_r, not ttyname: the latter returns a static buffer other threads may overwrite.
    let mut buf = [0u8; 256];
    // SAFETY: the pointer and length describe `buf`, which outlives the call.
    let rc = unsafe { libc::ttyname_r(0, buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    c_text(&buf)
}

#[cfg(not(unix))]
fn stdin_tty() -> Option<String> {
    None
}

/// What one audit row records; the desk and the chain are added by [`append`].
#[derive(Debug, Clone, Copy)]
pub struct AuditEntry<'a> {
    /// UTC timestamp, already formatted ("2026-11-25T09:00:00.000Z").
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    /// Whose record, when the action concerns one citizen.
    pub citizen: Option<i64>,
    pub result: &'a str,
    pub detail: Option<&'a str>,
}

/// One stored row, as read back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub host: String,
    pub terminal: String,
    pub process: u32,
    pub action: String,
    pub citizen: Option<i64>,
    pub result: String,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The hash this row's content should carry.
    fn expected_hash(&self) -> String {
        row_hash(
            self.seq,
            &AuditEntry {
                at: &self.at,
                actor: &self.actor,
                action: &self.action,
                citizen: self.citizen,
                result: &self.result,
                detail: self.detail.as_deref(),
            },
            &self.host,
            &self.terminal,
            self.process,
            &self.prev_hash,
        )
    }
}

/// SHA-256 (lowercase hex) of a row's fields, encoded as one compact JSON array:
/// `[seq,at,actor,host,terminal,process,action,citizen,result,detail,prev_hash]`, with `null`
/// for an absent citizen or detail. JSON quoting makes field boundaries unforgeable, and the
/// encoding is easy to recompute outside vaxdesk. Changing it invalidates every stored row.
fn row_hash(
    seq: i64,
    e: &AuditEntry<'_>,
    host: &str,
    terminal: &str,
    process: u32,
    prev_hash: &str,
) -> String {
    let fields = (
        seq, e.at, e.actor, host, terminal, process, e.action, e.citizen, e.result, e.detail,
        prev_hash,
    );
    let encoded = serde_json::to_vec(&fields).expect("plain values always serialise");
    let digest = Sha256::digest(&encoded);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    hex
}

/// Appends one row inside the caller's transaction; returns its seq.
///
/// The seq is explicit (last + 1) so the hash covers it; two writers racing outside a
/// transaction would collide on the primary key rather than fork the chain.
pub fn append(
    conn: &Connection,
    desk: &DeskIdentity,
    entry: &AuditEntry<'_>,
) -> rusqlite::Result<i64> {
    debug_assert!(!conn.is_autocommit(), "audit::append needs a transaction");
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query([])?
        .next()?
        .map(|r| Ok::<_, rusqlite::Error>((r.get(0)?, r.get(1)?)))
        .transpose()?;
    let (seq, prev_hash) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let hash = row_hash(
        seq,
        entry,
        &desk.host,
        &desk.terminal,
        desk.process,
        &prev_hash,
    );
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, host, terminal, process, action, citizen,
                                result, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        seq,
        entry.at,
        entry.actor,
        desk.host,
        desk.terminal,
        desk.process,
        entry.action,
        entry.citizen,
        entry.result,
        entry.detail,
        prev_hash,
        hash
    ])?;
    Ok(seq)
}

/// The highest seq in the log (0 when empty).
#[cfg(any(test, feature = "internals"))]
pub fn last_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM audit_log")?
        .query_row([], |r| r.get(0))
}

const COLUMNS: &str =
    "seq, at, actor, host, terminal, process, action, citizen, result, detail, prev_hash, hash";

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        host: r.get(3)?,
        terminal: r.get(4)?,
        process: r.get(5)?,
        action: r.get(6)?,
        citizen: r.get(7)?,
        result: r.get(8)?,
        detail: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

/// The outcome of [`verify_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Rows in the log (all of them, also after a break).
    pub rows: u64,
    /// The first row where the chain does not hold.
    pub broken: Option<BrokenLink>,
    /// The last row's seq and hash when the chain holds: noted down elsewhere, it shows rows
    /// later cut from the end, which a chain alone cannot.
    pub head: Option<(i64, String)>,
}

/// The first broken row and, in plain words, what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// Walks the whole log in seq order, one row in memory at a time, and names the first row
/// whose seq, content or link to the row before it is wrong.
pub fn verify_chain(conn: &Connection) -> rusqlite::Result<ChainCheck> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut count = 0u64;
    let mut broken = None;
    // The previous row's seq and stored hash.
    let (mut prev_seq, mut prev_hash) = (0, GENESIS.to_string());
    while let Some(r) = rows.next()? {
        count += 1;
        let seq: i64 = r.get(0)?;
        let fault = match audit_row(r) {
            Ok(row) => match check_link(&row, prev_seq, &prev_hash) {
                Ok(()) => {
                    (prev_seq, prev_hash) = (row.seq, row.hash);
                    continue;
                }
                Err(reason) => reason,
            },
            // Text that is not UTF-8, a process id out of range: written outside vaxdesk.
            Err(e) => format!("its content cannot be read ({e})"),
        };
        broken = Some(BrokenLink { seq, reason: fault });
        break;
    }
    // Past a break, only count (same statement, same snapshot).
    while rows.next()?.is_some() {
        count += 1;
    }
    let head = (broken.is_none() && prev_seq > 0).then_some((prev_seq, prev_hash));
    Ok(ChainCheck {
        rows: count,
        broken,
        head,
    })
}

/// Checks one row against the row before it; says what is wrong, if anything.
fn check_link(row: &AuditRow, prev_seq: i64, prev_hash: &str) -> Result<(), String> {
    let expected = prev_seq + 1;
    if row.seq > expected {
        let missing = if row.seq == expected + 1 {
            format!("row {expected} is missing")
        } else {
            format!("rows {expected} to {} are missing", row.seq - 1)
        };
        return Err(format!(
            "{missing} (seq jumps from {prev_seq} to {})",
            row.seq
        ));
    }
    if row.seq < expected {
        return Err(format!("its seq is {}, but the log starts at 1", row.seq));
    }
    if row.hash != row.expected_hash() {
        return Err("its content does not match its hash (edited?)".to_string());
    }
    if row.prev_hash != prev_hash {
        return Err(if prev_seq == 0 {
            "its previous-hash is not the genesis value".to_string()
        } else {
            format!("its previous-hash does not match row {prev_seq}")
        });
    }
    Ok(())
}

/// Which rows [`page`] returns.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub citizen: Option<i64>,
    pub actor: Option<String>,
    /// UTC timestamp in the stored format; rows with `at >= since` (compared as text).
    pub since: Option<String>,
    /// Keyset paging: only rows with `seq < before` (pass the last seq of the previous page).
    pub before: Option<i64>,
    /// At most this many rows; 0 means no limit.
    pub limit: usize,
}

/// One page of rows matching `filter`, newest first.
///
/// Citizen and actor filters walk their `(key, seq)` index backwards from `before`. Without a
/// citizen, `since` also becomes a seq range, so a page with few matches stops there instead of
/// scanning to the start of the log: clocks of different desks are not in seq order, so the
/// bound is the smallest seq of any row at or after `since` (a scan of `audit_by_time`).
pub fn page(conn: &Connection, filter: &AuditFilter) -> rusqlite::Result<Vec<AuditRow>> {
    run_page(conn, filter, None)
}

/// The rows matching `filter` just newer than `after` (the oldest rows when `None`), oldest
/// first, at most `filter.limit`: the page above a shown page, or the last page of the log.
/// Walks the same indexes as [`page`], the other way.
pub fn page_newer(
    conn: &Connection,
    filter: &AuditFilter,
    after: Option<i64>,
) -> rusqlite::Result<Vec<AuditRow>> {
    run_page(conn, filter, Some(after.unwrap_or(0)))
}

fn run_page(
    conn: &Connection,
    filter: &AuditFilter,
    after: Option<i64>,
) -> rusqlite::Result<Vec<AuditRow>> {
    let sql = page_sql(filter, after.is_some());
    let limit = match filter.limit {
        0 => -1,
        n => i64::try_from(n).unwrap_or(i64::MAX),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    // Unused parameters stay unbound (NULL); SQLite allows gaps in ?N numbering.
    let mut bind = |i: usize, v: &dyn rusqlite::ToSql| stmt.raw_bind_parameter(i, v);
    bind(1, &filter.before.unwrap_or(i64::MAX))?;
    if let Some(c) = filter.citizen {
        bind(2, &c)?;
    }
    if let Some(a) = &filter.actor {
        bind(3, a)?;
    }
    if let Some(s) = &filter.since {
        bind(4, s)?;
    }
    bind(5, &limit)?;
    if let Some(a) = after {
        bind(6, &a)?;
    }
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(audit_row(r)?);
    }
    Ok(out)
}

/// The SQL of [`page`] for the filters present (one cached statement per combination).
fn page_sql(filter: &AuditFilter, newer: bool) -> String {
    let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq < ?1");
    if newer {
        sql.push_str(" AND seq > ?6");
    }
    if filter.citizen.is_some() {
        sql.push_str(" AND citizen = ?2");
    }
    if filter.actor.is_some() {
        sql.push_str(" AND actor = ?3");
    }
    if filter.since.is_some() {
        // A citizen's rows are few: walk them. Otherwise bound the walk by the smallest seq at
        // or after `since`; `+at` keeps the outer query on seq order (no re-sort).
        if filter.citizen.is_none() {
            sql.push_str(
                " AND seq >= (SELECT MIN(seq) FROM audit_log INDEXED BY audit_by_time
                              WHERE at >= ?4)",
            );
        }
        sql.push_str(" AND +at >= ?4");
    }
    sql.push_str(if newer {
        " ORDER BY seq ASC LIMIT ?5"
    } else {
        " ORDER BY seq DESC LIMIT ?5"
    });
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk() -> DeskIdentity {
        DeskIdentity {
            host: "desk-1".into(),
            terminal: "/dev/pts/3".into(),
            process: 4242,
        }
    }

    fn entry<'a>(at: &'a str, actor: &'a str, citizen: Option<i64>) -> AuditEntry<'a> {
        AuditEntry {
            at,
            actor,
            action: "citizen.view",
            citizen,
            result: "ok",
            detail: None,
        }
    }

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::app::store::open(&dir.path().join("t.db")).unwrap();
        (dir, conn)
    }

    /// A log of `n` rows: actor "kim" on odd seqs, "lee" on even; citizen seq % 3 (0 = none).
    fn db_with(n: i64) -> (tempfile::TempDir, Connection) {
        let (dir, conn) = db();
        crate::app::store::immediate(&conn, |c| {
            for i in 1..=n {
                let at = format!("2026-11-25T09:{i:02}:00.000Z");
                let actor = if i % 2 == 1 { "kim" } else { "lee" };
                let citizen = Some(i % 3).filter(|&c| c != 0);
                append(c, &desk(), &entry(&at, actor, citizen))?;
            }
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
        (dir, conn)
    }

    fn broken(conn: &Connection) -> BrokenLink {
        verify_chain(conn)
            .unwrap()
            .broken
            .expect("chain should be broken")
    }

    fn seqs(conn: &Connection, filter: &AuditFilter) -> Vec<i64> {
        page(conn, filter).unwrap().iter().map(|r| r.seq).collect()
    }

    #[test]
    fn appended_rows_chain_and_verify() {
        let (_d, conn) = db_with(3);
        assert_eq!(last_seq(&conn).unwrap(), 3);
        assert_eq!(
            verify_chain(&conn).unwrap(),
            ChainCheck {
                rows: 3,
                broken: None,
                head: Some((
                    3,
                    page(&conn, &AuditFilter::default()).unwrap()[0]
                        .hash
                        .clone()
                )),
            }
        );
        let rows = page(&conn, &AuditFilter::default()).unwrap();
        assert_eq!(rows[2].prev_hash, GENESIS);
        assert_eq!(rows[1].prev_hash, rows[2].hash);
        assert_eq!(rows[0].prev_hash, rows[1].hash);
        assert_eq!((rows[0].host.as_str(), rows[0].process), ("desk-1", 4242));
    }

    #[test]
    fn an_empty_log_verifies() {
        let (_d, conn) = db();
        assert_eq!(last_seq(&conn).unwrap(), 0);
        assert_eq!(
            verify_chain(&conn).unwrap(),
            ChainCheck {
                rows: 0,
                broken: None,
                head: None,
            }
        );
    }

    #[test]
    fn the_hash_is_sha256_of_a_compact_json_array() {
        // Recomputed outside vaxdesk: sha256(json.dumps(fields, separators=(',', ':'),
        // ensure_ascii=False)) in Python.
        let e = AuditEntry {
            actor: "kim \"the\" manager",
            citizen: Some(12),
            ..entry("2026-11-25T09:00:00.000Z", "", None)
        };
        assert_eq!(
            row_hash(7, &e, "desk-1", "/dev/pts/3", 4242, GENESIS),
            "0050cdc20b209e3117e416c590e623f63d3442819c6e2bca7f277e842bf5195d"
        );
        let e = AuditEntry {
            action: "sign_in",
            result: "failure",
            detail: Some("tab\there"),
            ..entry("2026-11-25T09:00:00.000Z", "강", None)
        };
        assert_eq!(
            row_hash(2, &e, "h", "-", 1, &"a".repeat(64)),
            "b341e3b6fa5a6cee7abeec26cf86f09faf160588f7b5a7572e3f1faf5b7fc063"
        );
        // Moving text across a field boundary changes the hash.
        let at = "2026-11-25T09:00:00.000Z";
        let a = row_hash(1, &entry(at, "a\",\"b", None), "h", "t", 1, GENESIS);
        let b = row_hash(1, &entry(at, "a", None), "b\",\"h", "t", 1, GENESIS);
        assert_ne!(a, b);
    }

    #[test]
    fn triggers_refuse_update_and_delete() {
        let (_d, conn) = db_with(2);
        for sql in [
            "UPDATE audit_log SET result = 'denied' WHERE seq = 1",
            "DELETE FROM audit_log WHERE seq = 2",
        ] {
            let err = conn.execute(sql, []).unwrap_err();
            assert!(
                err.to_string().contains("the audit log is append-only"),
                "{err}"
            );
        }
        assert_eq!(verify_chain(&conn).unwrap().broken, None);
    }

    #[test]
    fn an_edited_row_is_named() {
        let (_d, conn) = db_with(3);
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit_log SET result = 'denied' WHERE seq = 2;",
        )
        .unwrap();
        let b = broken(&conn);
        assert_eq!(b.seq, 2);
        assert_eq!(b.reason, "its content does not match its hash (edited?)");
        assert_eq!(verify_chain(&conn).unwrap().rows, 3);
    }

    #[test]
    fn a_forged_hash_breaks_the_next_link() {
        let (_d, conn) = db_with(3);
        conn.execute_batch("DROP TRIGGER audit_no_update").unwrap();
        let mut row = page(
            &conn,
            &AuditFilter {
                before: Some(3),
                limit: 1,
                ..Default::default()
            },
        )
        .unwrap()
        .remove(0);
        row.actor = "nobody".into();
        row.hash = row.expected_hash();
        conn.execute(
            "UPDATE audit_log SET actor = ?1, hash = ?2 WHERE seq = 2",
            params![row.actor, row.hash],
        )
        .unwrap();
        let b = broken(&conn);
        assert_eq!(b.seq, 3);
        assert_eq!(b.reason, "its previous-hash does not match row 2");
    }

    #[test]
    fn a_deleted_row_is_named() {
        let (_d, conn) = db_with(5);
        conn.execute_batch(
            "DROP TRIGGER audit_no_delete;
             DELETE FROM audit_log WHERE seq = 2;",
        )
        .unwrap();
        let check = verify_chain(&conn).unwrap();
        assert_eq!(check.rows, 4);
        assert_eq!(
            check.broken,
            Some(BrokenLink {
                seq: 3,
                reason: "row 2 is missing (seq jumps from 1 to 3)".into()
            })
        );
        conn.execute("DELETE FROM audit_log WHERE seq IN (1, 3)", [])
            .unwrap();
        assert_eq!(
            broken(&conn).reason,
            "rows 1 to 3 are missing (seq jumps from 0 to 4)"
        );
    }

    #[test]
    fn an_unreadable_row_is_named() {
        let (_d, conn) = db_with(3);
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit_log SET actor = CAST(x'ff' AS TEXT) WHERE seq = 2;",
        )
        .unwrap();
        let b = broken(&conn);
        assert_eq!(b.seq, 2);
        assert!(
            b.reason.starts_with("its content cannot be read"),
            "{}",
            b.reason
        );
    }

    #[test]
    fn pages_filter_newest_first() {
        let (_d, conn) = db_with(12);
        let all = AuditFilter::default();
        assert_eq!(seqs(&conn, &all), (1..=12).rev().collect::<Vec<_>>());
        let citizen = AuditFilter {
            citizen: Some(1),
            ..Default::default()
        };
        assert_eq!(seqs(&conn, &citizen), [10, 7, 4, 1]);
        let actor = AuditFilter {
            actor: Some("lee".into()),
            ..Default::default()
        };
        assert_eq!(seqs(&conn, &actor), [12, 10, 8, 6, 4, 2]);
        let since = AuditFilter {
            since: Some("2026-11-25T09:09:00.000Z".into()),
            ..Default::default()
        };
        assert_eq!(seqs(&conn, &since), [12, 11, 10, 9]);
        let all_three = AuditFilter {
            citizen: Some(1),
            actor: Some("lee".into()),
            since: Some("2026-11-25T09:03:00.000Z".into()),
            ..Default::default()
        };
        assert_eq!(seqs(&conn, &all_three), [10, 4]);
        let none = AuditFilter {
            actor: Some("park".into()),
            ..Default::default()
        };
        assert!(seqs(&conn, &none).is_empty());
    }

    #[test]
    fn keyset_pages_walk_back_without_overlap() {
        let (_d, conn) = db_with(12);
        let mut filter = AuditFilter {
            actor: Some("kim".into()),
            limit: 4,
            ..Default::default()
        };
        let first = seqs(&conn, &filter);
        assert_eq!(first, [11, 9, 7, 5]);
        filter.before = first.last().copied();
        assert_eq!(seqs(&conn, &filter), [3, 1]);
        filter.before = Some(1);
        assert!(seqs(&conn, &filter).is_empty());
        let plain = AuditFilter {
            before: Some(6),
            limit: 2,
            ..Default::default()
        };
        assert_eq!(seqs(&conn, &plain), [5, 4]);
    }

    #[test]
    fn newer_pages_walk_forward_from_the_oldest_row() {
        let (_d, conn) = db_with(12);
        let newer = |filter: &AuditFilter, after| -> Vec<i64> {
            page_newer(&conn, filter, after)
                .unwrap()
                .iter()
                .map(|r| r.seq)
                .collect()
        };
        let kim = AuditFilter {
            actor: Some("kim".into()),
            limit: 4,
            ..Default::default()
        };
        assert_eq!(newer(&kim, None), [1, 3, 5, 7]);
        assert_eq!(newer(&kim, Some(7)), [9, 11]);
        assert!(newer(&kim, Some(11)).is_empty());
        let since = AuditFilter {
            since: Some("2026-11-25T09:09:00.000Z".into()),
            limit: 3,
            ..Default::default()
        };
        assert_eq!(newer(&since, None), [9, 10, 11]);
    }

    #[test]
    fn since_is_exact_when_desk_clocks_disagree() {
        let (_d, conn) = db();
        crate::app::store::immediate(&conn, |c| {
            // Row 2 comes from a desk whose clock is behind.
            for at in [
                "2026-11-25T10:00:00.000Z",
                "2026-11-25T08:00:00.000Z",
                "2026-11-25T11:00:00.000Z",
            ] {
                append(c, &desk(), &entry(at, "kim", None))?;
            }
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
        let f = |since: &str| AuditFilter {
            since: Some(since.into()),
            ..Default::default()
        };
        assert_eq!(seqs(&conn, &f("2026-11-25T09:00:00.000Z")), [3, 1]);
        assert_eq!(seqs(&conn, &f("2026-11-25T07:00:00.000Z")), [3, 2, 1]);
        assert!(seqs(&conn, &f("2026-11-25T12:00:00.000Z")).is_empty());
    }

    use crate::app::store::query_plan as plan;

    #[test]
    fn filters_use_their_indexes() {
        let (_d, conn) = db();
        let (citizen, actor, since) = (Some(1), Some("kim".to_string()), Some("x".to_string()));
        let expect = [
            (
                AuditFilter {
                    citizen,
                    ..Default::default()
                },
                "INDEX audit_by_citizen",
            ),
            (
                AuditFilter {
                    actor: actor.clone(),
                    ..Default::default()
                },
                "INDEX audit_by_actor",
            ),
            (
                AuditFilter {
                    since: since.clone(),
                    ..Default::default()
                },
                "INDEX audit_by_time",
            ),
            (
                AuditFilter {
                    citizen,
                    since: since.clone(),
                    ..Default::default()
                },
                "INDEX audit_by_citizen",
            ),
            (
                AuditFilter {
                    actor,
                    since,
                    ..Default::default()
                },
                "INDEX audit_by_actor",
            ),
        ];
        for (filter, index) in expect {
            for newer in [false, true] {
                let p = plan(&conn, &page_sql(&filter, newer));
                assert!(p.contains(index), "{filter:?}: {p}");
                assert!(!p.contains("TEMP B-TREE"), "{filter:?}: {p}");
            }
        }
        let since = AuditFilter {
            since: Some("x".into()),
            ..Default::default()
        };
        let p = plan(&conn, &page_sql(&since, false));
        assert!(p.contains("PRIMARY KEY (rowid>? AND rowid<?)"), "{p}");
    }

    #[test]
    fn the_current_desk_names_host_and_process() {
        let d = DeskIdentity::on_host("desk-1".into());
        assert_eq!(d.host, "desk-1");
        assert!(!d.terminal.is_empty());
        assert_eq!(d.process, std::process::id());
    }
}
