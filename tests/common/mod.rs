//! Shared helpers for the integration tests: a desk on a temporary file with a fixed clock,
//! short ways to run the commands, and snapshots of the database for "nothing changed" checks.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::types::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;
use vaxdesk::app::{AppError, Desk, commands, queries};
use vaxdesk::bus::Faults;
use vaxdesk::config::Config;
use vaxdesk::domain::{
    BirthDate, CitizenDetails, Clock, FixedClock, InjectionDetails, InjectionStatus, Refusal,
    ResidentId, Rule,
};
use vaxdesk::store::vaccination::{CitizenRow, InjectionRow};

/// The fixed "now" every test starts at.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A desk on a database file in its own temporary folder.
pub struct TestDesk {
    pub dir: TempDir,
    pub path: PathBuf,
    pub clock: Arc<FixedClock>,
    pub faults: Faults,
    pub config: Config,
    pub desk: Desk,
}

impl TestDesk {
    pub fn new() -> Self {
        Self::with(Config::default(), Faults::none())
    }

    pub fn with(config: Config, faults: Faults) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vaxdesk.db");
        let clock = Arc::new(FixedClock::new(t0()));
        let desk = open_desk(&path, &config, &clock, &faults);
        TestDesk {
            dir,
            path,
            clock,
            faults,
            config,
            desk,
        }
    }

    /// Closes the desk and opens the same file again (a restart), with `faults`.
    pub fn reopen(&mut self, faults: Faults) {
        let fresh = open_desk(&self.path, &self.config, &self.clock, &faults);
        // The old connection is dropped here, after the new one opened.
        self.desk = fresh;
        self.faults = faults;
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

pub fn open_desk(
    path: &std::path::Path,
    config: &Config,
    clock: &Arc<FixedClock>,
    faults: &Faults,
) -> Desk {
    let now = clock.now();
    let clock: Arc<dyn Clock> = clock.clone();
    // Every test desk has its own keys (signing, resident ids), kept beside its database.
    let keys_dir = path.with_extension("keys");
    let ids = vaxdesk::privacy::IdKeys::load_or_create(&keys_dir).unwrap();
    let mut desk = Desk::open(path, ids, config.clone(), clock, faults.clone()).unwrap();
    let keys = vaxdesk::cert::keys::KeyStore::new(keys_dir);
    if !keys.has_keys() {
        keys.init(&config.country, now).unwrap();
    }
    desk.set_signer(keys.current().unwrap());
    desk
}

pub fn rid(s: &str) -> ResidentId {
    ResidentId::parse("id", s).unwrap()
}

pub fn details(family: &str, given: &str) -> CitizenDetails {
    CitizenDetails::new(family, given, None, None, BirthDate::Year(1980)).unwrap()
}

/// Registers a citizen and returns their row.
pub fn register(desk: &Desk, id: &str, family: &str, given: &str) -> CitizenRow {
    let s = desk.stamp("manager:park");
    let id = rid(id);
    // Born in the year a resident registration number states (1980 for other ids).
    let mut d = details(family, given);
    if let Some((y, _, _)) = vaxdesk::domain::citizen::id_birth(id.as_str()) {
        d.birth_date = BirthDate::Year(y);
    }
    desk.run(|ctx| commands::register_citizen(ctx, &s, &id, d))
        .unwrap();
    citizen(desk, id.as_str())
}

pub fn citizen(desk: &Desk, id: &str) -> CitizenRow {
    let id = rid(id);
    desk.run(|ctx| commands::find_citizen(ctx, &id)).unwrap()
}

/// An ADMINISTERED Comirnaty dose in Korea.
pub fn administered(dose: u32, series: u32, date: &str) -> InjectionDetails {
    InjectionDetails {
        product: "EU/1/20/1528".into(),
        dose,
        series,
        date: day(date),
        lot: Some(format!("FA{dose:04}")),
        country: "KR".into(),
        centre: Some("Seoul Jongno Vaccination Centre".into()),
        status: InjectionStatus::Administered,
    }
}

pub fn scheduled(dose: u32, series: u32, date: &str) -> InjectionDetails {
    InjectionDetails {
        lot: None,
        status: InjectionStatus::Scheduled,
        ..administered(dose, series, date)
    }
}

/// Records an injection and returns its row as stored.
pub fn record(desk: &Desk, c: &CitizenRow, d: InjectionDetails) -> InjectionRow {
    let s = desk.stamp("manager:park");
    let dose = d.dose;
    desk.run(|ctx| commands::record_injection(ctx, &s, c, d))
        .unwrap();
    injection(desk, c, dose)
}

/// The citizen's live (not voided) injection with this dose.
pub fn injection(desk: &Desk, c: &CitizenRow, dose: u32) -> InjectionRow {
    desk.run(|ctx| commands::find_injection(ctx, c, dose))
        .unwrap()
}

/// The injection by id, whatever its status.
pub fn injection_by_id(desk: &Desk, id: i64) -> InjectionRow {
    vaxdesk::store::vaccination::injection(desk.conn(), id)
        .unwrap()
        .unwrap()
}

pub fn apply(desk: &Desk, c: &CitizenRow, inj: &InjectionRow) -> i64 {
    try_apply(desk, c, inj.id).unwrap()
}

pub fn try_apply(desk: &Desk, c: &CitizenRow, injection_id: i64) -> Result<i64, AppError> {
    let s = desk.stamp(&format!("citizen#{}", c.id));
    desk.run(|ctx| commands::apply(ctx, &s, c, injection_id))
}

pub fn try_cancel(desk: &Desk, c: &CitizenRow, app: i64) -> Result<(), AppError> {
    let s = desk.stamp(&format!("citizen#{}", c.id));
    desk.run(|ctx| commands::cancel(ctx, &s, c, app))
}

pub fn try_issue(desk: &Desk, app: i64) -> Result<vaxdesk::domain::Uvci, AppError> {
    let s = desk.stamp("issuer:kang");
    desk.run(|ctx| commands::issue(ctx, &s, app))
}

pub fn try_reject(desk: &Desk, app: i64, reason: &str) -> Result<(), AppError> {
    let s = desk.stamp("issuer:kang");
    desk.run(|ctx| commands::reject(ctx, &s, app, reason))
}

pub fn try_update(
    desk: &Desk,
    row: &InjectionRow,
    expected: Option<i64>,
    d: InjectionDetails,
) -> Result<i64, AppError> {
    let s = desk.stamp("manager:choi");
    desk.run(|ctx| commands::update_injection(ctx, &s, row, expected, d))
}

pub fn try_void(
    desk: &Desk,
    row: &InjectionRow,
    expected: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    let s = desk.stamp("manager:choi");
    desk.run(|ctx| commands::void_injection(ctx, &s, row, expected, reason))
}

/// The refusal inside an error; panics on any other error (a refusal was expected).
pub fn refusal<T: std::fmt::Debug>(r: Result<T, AppError>) -> Refusal {
    match r {
        Err(AppError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Asserts `r` is a refusal of `rule` and returns it.
pub fn refused<T: std::fmt::Debug>(r: Result<T, AppError>, rule: Rule) -> Refusal {
    let f = refusal(r);
    assert_eq!(f.rule, rule, "refused by the wrong rule: {f:?}");
    assert!(!f.message.trim().is_empty(), "a refusal needs a message");
    f
}

/// Runs `f`, expects a refusal of `rule`, and checks that nothing in the database changed.
pub fn refused_unchanged<T: std::fmt::Debug>(
    desk: &Desk,
    rule: Rule,
    f: impl FnOnce() -> Result<T, AppError>,
) -> Refusal {
    let before = dump(desk);
    let events = event_count(desk);
    let r = refused(f(), rule);
    assert_eq!(
        event_count(desk),
        events,
        "a refusal appended events: {r:?}"
    );
    assert_eq!(dump(desk), before, "a refusal changed the database: {r:?}");
    r
}

pub fn event_count(desk: &Desk) -> i64 {
    desk.conn()
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

pub fn event_types(desk: &Desk) -> Vec<String> {
    queries::events(desk, 0, 1_000_000)
        .unwrap()
        .into_iter()
        .map(|e| e.type_name)
        .collect()
}

/// Every row of `table`, as text, in rowid order.
pub fn rows(desk: &Desk, table: &str) -> Vec<String> {
    let conn = desk.conn();
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        let mut cols = Vec::with_capacity(n);
        for i in 0..n {
            let v: Value = r.get(i)?;
            cols.push(format!("{v:?}"));
        }
        Ok(cols.join(" | "))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Every row of every table of the database, but the audit log and the sign-in throttle:
/// a refused command is recorded there (tests of the audit log check it).
pub fn dump(desk: &Desk) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> = desk
        .conn()
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT IN ('audit_log', 'sign_in_throttle') ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let r = rows(desk, &t);
            (t, r)
        })
        .collect()
}

/// The tables a redelivery must not touch: the contexts' state and the status view.
pub fn state_tables(desk: &Desk) -> BTreeMap<String, Vec<String>> {
    [
        "citizens",
        "injections",
        "applications",
        "issuance_requests",
        "certificates",
        "view_citizens",
        "view_injections",
        "view_applications",
    ]
    .iter()
    .map(|t| (t.to_string(), rows(desk, t)))
    .collect()
}

/// An application as the applying context holds it: (status, certificate id, reason).
pub fn application(desk: &Desk, id: i64) -> (String, Option<String>, Option<String>) {
    desk.conn()
        .query_row(
            "SELECT status, certificate_id, reason FROM applications WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

/// The issuance request of an application: (status, reason), or None when there is none.
pub fn request(desk: &Desk, application: i64) -> Option<(String, Option<String>)> {
    use rusqlite::OptionalExtension;
    desk.conn()
        .query_row(
            "SELECT status, reason FROM issuance_requests WHERE application_id = ?1",
            [application],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .unwrap()
}

pub fn count(desk: &Desk, sql: &str) -> i64 {
    desk.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The citizen's status page (the status view only).
pub fn status(desk: &Desk, c: &CitizenRow) -> queries::Status {
    queries::status_of(desk, c.id).unwrap()
}

/// The status view row of one application.
pub fn view_application(
    desk: &Desk,
    c: &CitizenRow,
    app: i64,
) -> vaxdesk::store::status_view::ViewApplication {
    status(desk, c)
        .applications
        .into_iter()
        .find(|a| a.application_id == app)
        .unwrap_or_else(|| panic!("application {app} is not on the citizen's status page"))
}

/// A small seeded random number generator (xorshift64*), so a failing sequence can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
