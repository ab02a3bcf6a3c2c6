//! The vaccination context's tables: citizens and injections.

use crate::domain::{BirthDate, CitizenDetails, InjectionDetails, InjectionStatus};
use crate::privacy::resident_ids::SealedId;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A citizen as stored: the resident id only sealed, hashed and masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenRow {
    pub id: i64,
    /// `900101-1******`: what screens and messages show.
    pub masked_id: String,
    /// The id sealed with the desk's key; opened only to reveal it.
    pub sealed_id: Vec<u8>,
    /// The id's keyed hash (hex), carried in events for the kiosk's sign-in.
    pub id_lookup: String,
    pub details: CitizenDetails,
}

/// The columns [`citizen_row`] reads (a macro, so the queries are whole `&'static str`s: a
/// cached statement is found without building its SQL on every call).
macro_rules! citizen_cols {
    () => {
        "id, masked_id, family_name, given_name, family_name_icao, given_name_icao, \
         birth_date, resident_id_sealed, id_lookup"
    };
}

fn citizen_row(r: &Row<'_>) -> rusqlite::Result<CitizenRow> {
    let birth: String = r.get(6)?;
    Ok(CitizenRow {
        id: r.get(0)?,
        masked_id: r.get(1)?,
        sealed_id: r.get(7)?,
        id_lookup: r.get(8)?,
        details: CitizenDetails {
            family_name: r.get(2)?,
            given_name: r.get(3)?,
            family_name_icao: r.get(4)?,
            given_name_icao: r.get(5)?,
            birth_date: BirthDate::parse("birth_date", &birth, NaiveDate::MAX).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    6,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
        },
    })
}

/// The key the manager's list sorts and pages on: the name as shown, folded to lower case.
pub fn sort_name(d: &CitizenDetails) -> String {
    d.display_name().to_lowercase()
}

/// The sort key without spaces (the `compact_name` column of schema 5). Kept filled; since
/// schema 11 the search walks `citizen_search_terms` instead.
pub fn compact_name(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The citizen whose id has this keyed hash (an exact match; there is no partial one).
pub fn citizen_by_lookup(conn: &Connection, lookup: &str) -> rusqlite::Result<Option<CitizenRow>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        citizen_cols!(),
        " FROM citizens WHERE id_lookup = ?1"
    ))?
    .query_row([lookup], citizen_row)
    .optional()
}

/// True when `e` is [`insert_citizen`] refused by the unique index of the id's keyed hash:
/// the id is registered already.
pub fn is_registered_id(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(message))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            && message.contains("citizens.id_lookup"))
}

/// True when `e` is [`insert_injection`] refused by the unique index of live doses: the
/// citizen has this dose already, not voided.
pub fn is_live_dose_taken(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(message))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            && message.contains("injections.citizen_id, injections.dose"))
}

pub fn citizen(conn: &Connection, id: i64) -> rusqlite::Result<Option<CitizenRow>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        citizen_cols!(),
        " FROM citizens WHERE id = ?1"
    ))?
    .query_row([id], citizen_row)
    .optional()
}

pub fn insert_citizen(
    conn: &Connection,
    id: &SealedId,
    d: &CitizenDetails,
    at: &str,
    actor: &str,
    terms: TermWrites,
) -> rusqlite::Result<i64> {
    let sort = sort_name(d);
    conn.prepare_cached(
        "INSERT INTO citizens (id_lookup, family_name, given_name, family_name_icao,
             given_name_icao, birth_date, sort_name, compact_name, registered_at, updated_at,
             updated_by, resident_id_sealed, masked_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id.lookup,
        d.family_name,
        d.given_name,
        d.family_name_icao,
        d.given_name_icao,
        d.birth_date.to_string(),
        sort,
        compact_name(&sort),
        at,
        actor,
        id.sealed,
        id.masked
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE citizen_total SET n = n + 1 WHERE id = 1")?
        .execute([])?;
    // A new citizen has no keys yet: nothing to delete first.
    match terms {
        TermWrites::Now => insert_search_terms(conn, id, &d.search_terms(), &sort)?,
        TermWrites::Deferred => {
            let mut insert = conn.prepare_cached(
                "INSERT INTO temp.pending_search_terms (shared, term, citizen_id)
                 VALUES (?1, ?2, ?3)",
            )?;
            for (term, shared) in stored_search_terms(&d.search_terms(), &sort) {
                insert.execute(params![shared, term, id])?;
            }
        }
    }
    Ok(id)
}

/// When a new citizen's name-search keys reach `citizen_search_terms`.
///
/// A big file registers citizens in file order, and each citizen's keys land at random places
/// of the key index: at a million citizens that index outgrows the page cache and every key
/// costs pages read and spilled. Deferred, the keys are appended to a temporary table and
/// written in index order once, at the end of the file's transaction
/// ([`flush_search_terms`]); nothing searches by name inside that transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TermWrites {
    #[default]
    Now,
    Deferred,
}

/// Starts deferring keys on this connection (see [`TermWrites::Deferred`]).
pub fn defer_search_terms(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS pending_search_terms (
             shared INTEGER NOT NULL, term TEXT NOT NULL, citizen_id INTEGER NOT NULL)",
    )
}

/// [`SEARCH_TERMS_BY_CITIZEN`] as a literal, for the migrations' `concat!`.
macro_rules! search_terms_by_citizen {
    () => {
        "CREATE INDEX citizen_search_terms_by_citizen ON citizen_search_terms (citizen_id)"
    };
}
pub(crate) use search_terms_by_citizen;

/// The index a citizen's own keys are found by (migrations 12 and 16, and rebuilt by
/// [`flush_search_terms`]: one text, so the schema reads the same either way).
pub const SEARCH_TERMS_BY_CITIZEN: &str = search_terms_by_citizen!();

/// Writes the deferred keys in index order and empties the temporary table. Runs in the
/// transaction that registered the citizens, before it commits.
///
/// Written in key order, the keys reach the second index (by citizen) at random places. When
/// they are at least about half of all keys (a new clinic's first file), that index is dropped
/// and built again after the write, one sort instead of millions of random inserts; for a
/// small file it is kept and updated. Either way inside this transaction.
pub fn flush_search_terms(conn: &Connection) -> rusqlite::Result<()> {
    let pending: i64 = conn.query_row(
        "SELECT COALESCE(MAX(rowid), 0) FROM temp.pending_search_terms",
        [],
        |r| r.get(0),
    )?;
    if pending == 0 {
        return Ok(());
    }
    let citizens: i64 =
        conn.query_row("SELECT n FROM citizen_total WHERE id = 1", [], |r| r.get(0))?;
    // About eight keys a citizen: half of all keys are new.
    let rebuild = pending >= 4 * citizens;
    if rebuild {
        conn.execute_batch("DROP INDEX citizen_search_terms_by_citizen")?;
    }
    // A sort takes memory up to the page cache's size, besides the cache's own pages (most
    // of them this transaction's, still held): a quarter of the cache meanwhile keeps the
    // process within the bulk cache's budget.
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", cache / 4)?;
    let written = conn
        .prepare_cached(
            "INSERT INTO citizen_search_terms (shared, term, citizen_id)
             SELECT shared, term, citizen_id FROM temp.pending_search_terms
             ORDER BY shared, term, citizen_id",
        )
        .and_then(|mut insert| insert.execute([]))
        .and_then(|_| match rebuild {
            true => conn.execute_batch(SEARCH_TERMS_BY_CITIZEN),
            false => Ok(()),
        });
    conn.pragma_update(None, "cache_size", cache)?;
    written?;
    conn.prepare_cached("DELETE FROM temp.pending_search_terms")?
        .execute([])?;
    Ok(())
}

/// Sits between a search key and the name in a stored key: below every letter and digit, so
/// a prefix of the key still finds it, and citizens with the same key sort by name.
pub const TERM_END: char = '\u{1F}';

/// A citizen's search keys as stored: `key`, [`TERM_END`], the sort name; each with how many
/// characters it shares with the citizen's key before it (in key order).
///
/// A search for `q` shows a citizen once, at the smallest of its keys starting with `q`. That
/// key is the one whose predecessor does not start with `q`, i.e. shares fewer than `len(q)`
/// characters with it: so the search walks only the keys with `shared < len(q)`, one index
/// range per value, and never passes a citizen's second match (at a million citizens, the
/// end of "김" would otherwise walk 200,000 of them).
pub fn stored_search_terms(
    terms: &std::collections::BTreeSet<String>,
    sort_name: &str,
) -> Vec<(String, i64)> {
    // Keys are letters and digits, all above TERM_END: the stored keys keep the keys' order.
    let mut out: Vec<(String, i64)> = Vec::with_capacity(terms.len());
    for t in terms {
        let stored = format!("{t}{TERM_END}{sort_name}");
        let shared = out.last().map_or(0, |(p, _)| {
            p.chars()
                .zip(stored.chars())
                .take_while(|(a, b)| a == b)
                .count()
        });
        out.push((stored, shared as i64));
    }
    debug_assert!(out.windows(2).all(|w| w[0].0 < w[1].0), "{out:?}");
    out
}

/// Replaces a citizen's name-search keys (in the same transaction as the names they fold).
pub fn write_search_terms(
    conn: &Connection,
    citizen: i64,
    terms: &std::collections::BTreeSet<String>,
    sort_name: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM citizen_search_terms WHERE citizen_id = ?1")?
        .execute([citizen])?;
    insert_search_terms(conn, citizen, terms, sort_name)
}

fn insert_search_terms(
    conn: &Connection,
    citizen: i64,
    terms: &std::collections::BTreeSet<String>,
    sort_name: &str,
) -> rusqlite::Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO citizen_search_terms (shared, term, citizen_id) VALUES (?1, ?2, ?3)",
    )?;
    for (term, shared) in stored_search_terms(terms, sort_name) {
        insert.execute(params![shared, term, citizen])?;
    }
    Ok(())
}

pub fn update_citizen(
    conn: &Connection,
    id: i64,
    d: &CitizenDetails,
    at: &str,
    actor: &str,
) -> rusqlite::Result<()> {
    let sort = sort_name(d);
    conn.prepare_cached(
        "UPDATE citizens SET family_name = ?2, given_name = ?3, family_name_icao = ?4,
             given_name_icao = ?5, birth_date = ?6, sort_name = ?7, compact_name = ?10,
             updated_at = ?8, updated_by = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        d.family_name,
        d.given_name,
        d.family_name_icao,
        d.given_name_icao,
        d.birth_date.to_string(),
        sort,
        at,
        actor,
        compact_name(&sort)
    ])?;
    write_search_terms(conn, id, &d.search_terms(), &sort)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectionRow {
    pub id: i64,
    pub citizen_id: i64,
    pub details: InjectionDetails,
    pub void_reason: Option<String>,
    pub version: i64,
}

/// The columns [`injection_row`] reads (a macro for the reason of `citizen_cols`).
macro_rules! injection_cols {
    () => {
        "id, citizen_id, product, dose, series, given_on, lot, country, centre, status, \
         void_reason, version"
    };
}

fn injection_row(r: &Row<'_>) -> rusqlite::Result<InjectionRow> {
    let conv = |i: usize, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let date: String = r.get(5)?;
    let status: String = r.get(9)?;
    Ok(InjectionRow {
        id: r.get(0)?,
        citizen_id: r.get(1)?,
        details: InjectionDetails {
            product: r.get(2)?,
            dose: r.get(3)?,
            series: r.get(4)?,
            date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map_err(|e| conv(5, e.to_string()))?,
            lot: r.get(6)?,
            country: r.get(7)?,
            centre: r.get(8)?,
            status: status.parse().map_err(|e| conv(9, e))?,
        },
        void_reason: r.get(10)?,
        version: r.get(11)?,
    })
}

pub fn injection(conn: &Connection, id: i64) -> rusqlite::Result<Option<InjectionRow>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        injection_cols!(),
        " FROM injections WHERE id = ?1"
    ))?
    .query_row([id], injection_row)
    .optional()
}

/// The citizen's injection with this dose number that is not voided.
pub fn live_injection(
    conn: &Connection,
    citizen_id: i64,
    dose: u32,
) -> rusqlite::Result<Option<InjectionRow>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        injection_cols!(),
        " FROM injections WHERE citizen_id = ?1 AND dose = ?2 AND status <> 'VOIDED'"
    ))?
    .query_row(params![citizen_id, dose], injection_row)
    .optional()
}

/// All of a citizen's injections, by dose then record order.
pub fn injections_of(conn: &Connection, citizen_id: i64) -> rusqlite::Result<Vec<InjectionRow>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        injection_cols!(),
        " FROM injections WHERE citizen_id = ?1 ORDER BY dose, id"
    ))?
    .query_map([citizen_id], injection_row)?
    .collect()
}

pub fn insert_injection(
    conn: &Connection,
    citizen_id: i64,
    d: &InjectionDetails,
    at: &str,
    actor: &str,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO injections (citizen_id, product, dose, series, given_on, lot, country,
             centre, status, recorded_at, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
    )?
    .execute(params![
        citizen_id,
        d.product,
        d.dose,
        d.series,
        d.date.format("%Y-%m-%d").to_string(),
        d.lot,
        d.country,
        d.centre,
        d.status.as_str(),
        at,
        actor
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Writes new details if the row is still at `version`; returns the new version, or `None`
/// when someone changed it meanwhile.
pub fn update_injection(
    conn: &Connection,
    id: i64,
    version: i64,
    d: &InjectionDetails,
    at: &str,
    actor: &str,
) -> rusqlite::Result<Option<i64>> {
    let n = conn
        .prepare_cached(
            "UPDATE injections SET product = ?3, dose = ?4, series = ?5, given_on = ?6, lot = ?7,
                 country = ?8, centre = ?9, status = ?10, version = version + 1,
                 updated_at = ?11, updated_by = ?12
             WHERE id = ?1 AND version = ?2",
        )?
        .execute(params![
            id,
            version,
            d.product,
            d.dose,
            d.series,
            d.date.format("%Y-%m-%d").to_string(),
            d.lot,
            d.country,
            d.centre,
            d.status.as_str(),
            at,
            actor
        ])?;
    Ok((n == 1).then_some(version + 1))
}

/// Voids the injection if it is still at `version`; returns the new version.
pub fn void_injection(
    conn: &Connection,
    id: i64,
    version: i64,
    reason: &str,
    at: &str,
    actor: &str,
) -> rusqlite::Result<Option<i64>> {
    let n = conn
        .prepare_cached(
            "UPDATE injections SET status = ?3, void_reason = ?4, version = version + 1,
                 updated_at = ?5, updated_by = ?6
             WHERE id = ?1 AND version = ?2",
        )?
        .execute(params![
            id,
            version,
            InjectionStatus::Voided.as_str(),
            reason,
            at,
            actor
        ])?;
    Ok((n == 1).then_some(version + 1))
}

/// One row of the manager's citizen list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenListRow {
    pub id: i64,
    pub masked_id: String,
    pub name: String,
    pub birth_date: String,
    /// The key the list is ordered by (`sort_name`, the search key that matched, or
    /// `id_lookup`).
    pub key: String,
    /// ADMINISTERED injections.
    pub doses: i64,
    /// The latest application's status, or else the latest injection's, or empty.
    pub latest: String,
}

/// What the list is ordered and filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    /// By name (`sort_name`, lower case). A filter finds the citizens with a search key
    /// starting with it (see [`crate::domain::text::search_key`]), ordered by the first such
    /// key: any word of a name or of its machine-readable form, or the whole name.
    Name,
    /// The one citizen whose id has the keyed hash given as the filter (exact ids only).
    Lookup,
}

/// Where a window of the list starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    First,
    Last,
    /// Rows from this keyset on (inclusive).
    From(String, i64),
    /// Rows after this keyset.
    After(String, i64),
    /// Rows before this keyset (returned in list order).
    Before(String, i64),
}

/// A window of at most `limit` citizens in list order, walking the index of `order` from a
/// keyset (`(key, id)`), never an OFFSET: a page costs the same with a million citizens.
pub fn citizens_window(
    conn: &Connection,
    order: ListOrder,
    prefix: &str,
    anchor: &Anchor,
    limit: i64,
) -> rusqlite::Result<Vec<CitizenListRow>> {
    let q = match window_query(order, prefix, anchor) {
        Window::Nothing => return Ok(vec![]),
        Window::Search(q) => return search_window(conn, &q, limit),
        Window::List(q) => q,
    };
    let mut rows = conn
        .prepare_cached(&q.sql)?
        .query_map(params![q.key, q.id, q.low, q.high, limit], list_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if q.descending {
        rows.reverse();
    }
    Ok(rows)
}

/// The columns every list row shows, after its id and before its key.
const LIST_COLS: &str = "c.id, c.masked_id, c.family_name, c.given_name, c.birth_date";
/// The doses and the latest state, per citizen.
const LIST_COUNTS: &str = "(SELECT COUNT(*) FROM injections i
              WHERE i.citizen_id = c.id AND i.status = 'ADMINISTERED'),
             COALESCE(
                 (SELECT a.status FROM applications a WHERE a.citizen_id = c.id
                  ORDER BY a.id DESC LIMIT 1),
                 (SELECT i.status FROM injections i WHERE i.citizen_id = c.id
                  ORDER BY i.dose DESC, i.id DESC LIMIT 1),
                 '')";

fn list_row(r: &Row<'_>) -> rusqlite::Result<CitizenListRow> {
    let family: String = r.get(2)?;
    let given: String = r.get(3)?;
    Ok(CitizenListRow {
        id: r.get(0)?,
        masked_id: r.get(1)?,
        name: crate::domain::citizen::display_name(&family, &given),
        birth_date: r.get(4)?,
        key: r.get(5)?,
        doses: r.get(6)?,
        latest: r.get(7)?,
    })
}

/// One stream of a search: the keys with this many characters shared with their citizen's
/// key before (`?6`), from the keyset on, in key order.
fn search_stream_sql(cmp: &str, dir: &str) -> String {
    format!(
        "SELECT t.term, t.citizen_id FROM citizen_search_terms t
         WHERE t.shared = ?6 AND (t.term, t.citizen_id) {cmp} (?1, ?2)
             AND t.term >= ?3 AND t.term < ?4
         ORDER BY t.term {dir}, t.citizen_id {dir}
         LIMIT ?5"
    )
}

fn search_row_sql() -> String {
    format!("SELECT {LIST_COLS}, '', {LIST_COUNTS} FROM citizens c WHERE c.id = ?1")
}

/// A search's window: the keys starting with the folded text that are their citizen's first
/// match (`shared < len`, see [`stored_search_terms`]), merged from one index range per
/// `shared` value, then each citizen's row by its id.
fn search_window(
    conn: &Connection,
    q: &WindowQuery,
    limit: i64,
) -> rusqlite::Result<Vec<CitizenListRow>> {
    let (cmp, dir) = (q.cmp, if q.descending { "DESC" } else { "ASC" });
    let mut keys: Vec<(String, i64)> = vec![];
    let mut stream = conn.prepare_cached(&search_stream_sql(cmp, dir))?;
    for shared in 0..q.low.chars().count() as i64 {
        let rows = stream.query_map(params![q.key, q.id, q.low, q.high, limit, shared], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for k in rows {
            keys.push(k?);
        }
    }
    keys.sort();
    if q.descending {
        keys.reverse();
    }
    keys.truncate(limit.max(0) as usize);
    if q.descending {
        keys.reverse();
    }
    let mut row = conn.prepare_cached(&search_row_sql())?;
    let mut out = Vec::with_capacity(keys.len());
    for (term, citizen) in keys {
        if let Some(mut r) = row.query_row([citizen], list_row).optional()? {
            r.key = term;
            out.push(r);
        }
    }
    Ok(out)
}

/// SQLite's plan for the window [`citizens_window`] would read (`EXPLAIN QUERY PLAN`, one
/// step per line; for a search, one stream and the row read): what tests and benchmarks
/// check for a full scan.
#[cfg(any(test, feature = "internals"))]
pub fn citizens_window_plan(
    conn: &Connection,
    order: ListOrder,
    prefix: &str,
    anchor: &Anchor,
) -> rusqlite::Result<String> {
    let explain = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> rusqlite::Result<Vec<String>> {
        conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
            .query_map(p, |r| r.get::<_, String>(3))?
            .collect()
    };
    let steps = match window_query(order, prefix, anchor) {
        Window::Nothing => vec![],
        Window::List(q) => explain(&q.sql, params![q.key, q.id, q.low, q.high, 20])?,
        Window::Search(q) => {
            let dir = if q.descending { "DESC" } else { "ASC" };
            let mut s = explain(
                &search_stream_sql(q.cmp, dir),
                params![q.key, q.id, q.low, q.high, 20, 0],
            )?;
            s.extend(explain(&search_row_sql(), params![1])?);
            s
        }
    };
    Ok(steps.join("\n"))
}

/// The SQL of one window and its bounds.
struct WindowQuery {
    sql: String,
    cmp: &'static str,
    key: String,
    id: i64,
    low: String,
    high: String,
    descending: bool,
}

enum Window {
    /// Only punctuation was typed: no key starts with nothing but that.
    Nothing,
    List(WindowQuery),
    Search(WindowQuery),
}

fn window_query(order: ListOrder, prefix: &str, anchor: &Anchor) -> Window {
    let search = match order {
        ListOrder::Name if !prefix.trim().is_empty() => {
            Some(crate::domain::text::search_key(prefix))
        }
        _ => None,
    };
    let (col, low) = match (order, &search) {
        (ListOrder::Name, Some(key)) if key.is_empty() => return Window::Nothing,
        (ListOrder::Name, Some(key)) => ("t.term", key.clone()),
        (ListOrder::Name, None) => ("c.sort_name", String::new()),
        (ListOrder::Lookup, _) => ("c.id_lookup", prefix.trim().to_string()),
    };
    // Keys starting with `low` sort below `low` followed by the highest code point.
    let high = format!("{low}\u{10FFFF}");
    // The first and last anchors sit on the prefix itself, so the index seek starts there
    // whichever bound SQLite picks (not at the start of a million names).
    let (cmp, dir, key, id) = match anchor {
        Anchor::First => (">", "ASC", low.clone(), i64::MIN),
        Anchor::Last => ("<", "DESC", high.clone(), i64::MAX),
        Anchor::From(k, i) => (">=", "ASC", k.clone(), *i),
        Anchor::After(k, i) => (">", "ASC", k.clone(), *i),
        Anchor::Before(k, i) => ("<", "DESC", k.clone(), *i),
    };
    let sql = format!(
        "SELECT {LIST_COLS}, {col}, {LIST_COUNTS}
         FROM citizens c
         WHERE ({col}, c.id) {cmp} (?1, ?2) AND {col} >= ?3 AND {col} < ?4
         ORDER BY {col} {dir}, c.id {dir}
         LIMIT ?5"
    );
    let q = WindowQuery {
        sql,
        cmp,
        key,
        id,
        low,
        high,
        descending: dir == "DESC",
    };
    if search.is_some() {
        Window::Search(q)
    } else {
        Window::List(q)
    }
}

/// Number of citizens: one row kept as citizens are added ([`insert_citizen`]; schema steps 13
/// and 16), so it costs the same at a million citizens as at ten.
pub fn citizen_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT n FROM citizen_total WHERE id = 1")?
        .query_row([], |r| r.get(0))
}

/// Every stored name-search key, in key order (tests compare them).
#[cfg(test)]
pub(crate) fn all_search_terms(conn: &Connection) -> Vec<(i64, String, i64)> {
    conn.prepare("SELECT shared, term, citizen_id FROM citizen_search_terms ORDER BY 1, 2, 3")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ResidentId;
    use crate::privacy::IdKeys;

    use crate::app::store::query_plan as plan;

    #[test]
    fn screen_queries_use_their_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::app::store::open(&dir.path().join("t.db")).unwrap();
        let list = plan(
            &conn,
            "SELECT id FROM citizens WHERE (sort_name, id) > ('a', 1) AND sort_name >= 'a'
             AND sort_name < 'b' ORDER BY sort_name, id LIMIT 20",
        );
        assert!(list.contains("INDEX citizens_by_name"), "{list}");
        assert!(!list.contains("TEMP B-TREE"), "{list}");
        let by_id = plan(&conn, "SELECT id FROM citizens WHERE id_lookup = 'x'");
        assert!(by_id.contains("INDEX sqlite_autoindex_citizens"), "{by_id}");
        let inj = plan(
            &conn,
            "SELECT id FROM injections WHERE citizen_id = 1 ORDER BY dose",
        );
        assert!(inj.contains("INDEX injections_by_citizen"), "{inj}");
        let apps = plan(
            &conn,
            "SELECT id FROM applications WHERE citizen_id = 1 ORDER BY id",
        );
        assert!(apps.contains("INDEX applications_by_citizen"), "{apps}");
        let queue = plan(
            &conn,
            "SELECT id FROM issuance_requests WHERE status = 'PENDING' ORDER BY applied_at, id",
        );
        assert!(queue.contains("requests_pending"), "{queue}");
        assert!(!queue.contains("TEMP B-TREE"), "{queue}");
    }

    /// A big file's keys, held back and written by the flush, are exactly the keys a
    /// registration writes at once; a citizen registered before the file keeps its own, and
    /// a second flush writes nothing twice.
    #[test]
    fn deferred_keys_are_the_keys_written_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let keys = IdKeys::generate();
        let people = [
            ("김", "민준", None, None),
            ("Müller-Lüdenscheidt", "Anna Maria", None, None),
            ("남궁", "옥분", Some("NAMGUNG"), Some("OKBUN")),
            ("O'Brien", "Seán", None, None),
            ("Tenzin", "", None, None),
        ];
        let fill = |name: &str, deferred: bool| -> Vec<(i64, String, i64)> {
            let conn = crate::app::store::open(&dir.path().join(name)).unwrap();
            conn.execute_batch("BEGIN").unwrap();
            for (i, (f, g, fi, gi)) in people.iter().enumerate() {
                let terms = if deferred && i > 0 {
                    if i == 1 {
                        defer_search_terms(&conn).unwrap();
                    }
                    TermWrites::Deferred
                } else {
                    TermWrites::Now
                };
                let d = CitizenDetails::new(f, g, *fi, *gi, BirthDate::Year(1990)).unwrap();
                let id = ResidentId::parse("id", &format!("ID{i:04}")).unwrap();
                insert_citizen(&conn, &keys.at_rest(&id), &d, "t", "s", terms).unwrap();
            }
            if deferred {
                flush_search_terms(&conn).unwrap();
                flush_search_terms(&conn).unwrap();
            }
            conn.execute_batch("COMMIT").unwrap();
            all_search_terms(&conn)
        };
        let now = fill("now.db", false);
        assert!(now.len() > 20, "{now:?}");
        assert_eq!(fill("deferred.db", true), now);
    }

    #[test]
    fn citizens_window_walks_names_in_order_with_a_keyset() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::app::store::open(&dir.path().join("t.db")).unwrap();
        let keys = IdKeys::generate();
        for (i, (f, g)) in [
            ("김", "민준"),
            ("Kim", "Ann"),
            ("김", "가은"),
            ("Lee", "Bo"),
        ]
        .iter()
        .enumerate()
        {
            let d = CitizenDetails::new(f, g, None, None, BirthDate::Year(1990)).unwrap();
            let id = ResidentId::parse("id", &format!("ID{i:04}")).unwrap();
            insert_citizen(
                &conn,
                &keys.at_rest(&id),
                &d,
                "2026-01-01T00:00:00Z",
                "t",
                TermWrites::Now,
            )
            .unwrap();
        }
        let names = |rows: &[CitizenListRow]| -> Vec<String> {
            rows.iter().map(|r| r.name.clone()).collect()
        };
        let w = |a: &Anchor, p: &str, n| citizens_window(&conn, ListOrder::Name, p, a, n).unwrap();
        let first = w(&Anchor::First, "", 2);
        assert_eq!(names(&first), ["Kim Ann", "Lee Bo"]);
        let last = first.last().unwrap();
        let next = w(&Anchor::After(last.key.clone(), last.id), "", 10);
        assert_eq!(names(&next), ["김 가은", "김 민준"]);
        let back = w(&Anchor::Before(next[0].key.clone(), next[0].id), "", 1);
        assert_eq!(names(&back), ["Lee Bo"]);
        assert_eq!(
            names(&w(&Anchor::Last, "", 3)),
            ["Lee Bo", "김 가은", "김 민준"]
        );
        assert_eq!(w(&Anchor::First, "김", 10).len(), 2);
        assert_eq!(names(&w(&Anchor::First, "김민준", 10)), ["김 민준"]);
        assert_eq!(names(&w(&Anchor::Last, "김", 10)), ["김 가은", "김 민준"]);
        // The machine-readable form matches too: KIM is 김's.
        assert_eq!(
            names(&w(&Anchor::First, "KI", 10)),
            ["Kim Ann", "김 가은", "김 민준"]
        );
        assert_eq!(names(&w(&Anchor::First, "ann", 10)), ["Kim Ann"]);
        let exact = keys.lookup(&ResidentId::parse("id", "ID0002").unwrap());
        let by_id = citizens_window(&conn, ListOrder::Lookup, &exact, &Anchor::First, 5);
        assert_eq!(names(&by_id.unwrap()), ["김 가은"]);
    }
}
