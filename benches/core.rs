//! Core throughput and latency of vaxdesk, measured with `std::time::Instant` on real files.
//!
//! Run with `cargo bench --bench core` (release profile). `VAXDESK_BENCH_SCALE=0.1` shrinks every
//! size for a quick run; the default (1.0) is the full size. Databases live in a fresh temporary
//! folder (`TMPDIR` chooses where) and use the desk's own settings: WAL, `synchronous=FULL`.
//!
//! What is measured, and against what:
//!
//! 1. **Seed import.** A seed text of 100k `register-citizen` steps, each followed by two
//!    `record-injection` steps (Comirnaty, 2021 dates, explicit past `at`), applied with
//!    [`seed::apply_text`] on a fresh database. The same text parsed by `toml` alone shows the
//!    parse share. The baseline is the floor for the same domain rows: 100k `citizens` and 200k
//!    `injections` rows with the same column values, inserted by plain prepared statements in one
//!    transaction into a database opened by [`store::open`] (same schema, indexes and pragmas).
//!    Goal: the seed's domain-row rate is at least half the raw rate. A second baseline inserts
//!    the seed's whole footprint raw (the domain rows plus the events and status-view rows the
//!    seed also writes, read back from the seeded database), to show how much of the gap is
//!    simply more rows.
//! 2. **One command.** `desk.run(|ctx| commands::apply(..))` on distinct pre-seeded ADMINISTERED
//!    injections (the application row, its event, and the issuance request and status-view row the
//!    subscribers write, all in one commit), against a bare `BEGIN IMMEDIATE; INSERT; COMMIT` into
//!    a scratch table of the same database, interleaved one for one. With `synchronous=FULL` the
//!    fsync of every commit is a large share of both; that is the honest floor. Goal: ≤ 2x.
//! 3. **Dispatch.** 100k events already in the log (citizens registered and injections recorded),
//!    every subscriber rewound to 0 and the status view emptied, then one `desk.dispatch()`.
//!    Every subscriber passes every event; a policy skips the types it does not react to in SQL
//!    (the "deliveries" column counts events actually handled). Each subscriber is also timed
//!    alone.

use chrono::{DateTime, Datelike, Duration as Days, NaiveDate, TimeZone, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, params};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vaxdesk::app::seed::{self, SeedOutcome};
use vaxdesk::app::{Desk, Stamp, commands};
use vaxdesk::bus::Faults;
use vaxdesk::config::Config;
use vaxdesk::domain::clock::stamp;
use vaxdesk::domain::{BirthDate, CitizenDetails, FixedClock, ResidentId};
use vaxdesk::store::{self, vaccination};

const FULL_CITIZENS: usize = 100_000;
const FULL_APPLY_OPS: usize = 2_000;
const FULL_DISPATCH_EVENTS: usize = 100_000;
const PRODUCT: &str = "EU/1/20/1528";
const ACTOR: &str = "manager:park.jiyoung";

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let scale = scale()?;
    let sized = |full: usize| ((full as f64 * scale).round() as usize).max(1);
    let dir = tempfile::tempdir()?;
    println!(
        "vaxdesk core benchmarks: scale {scale}, databases in {} (WAL, synchronous=FULL)",
        dir.path().display()
    );

    let desk = bench_seed_import(dir.path(), sized(FULL_CITIZENS))?;
    bench_apply(&desk, sized(FULL_APPLY_OPS))?;
    drop(desk);
    bench_dispatch(dir.path(), sized(FULL_DISPATCH_EVENTS))?;
    Ok(())
}

/// `VAXDESK_BENCH_SCALE`, a positive factor on every size (default 1).
fn scale() -> Res<f64> {
    match std::env::var("VAXDESK_BENCH_SCALE") {
        Err(_) => Ok(1.0),
        Ok(s) => match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
            _ => Err(format!("VAXDESK_BENCH_SCALE={s:?}: want a positive number like 0.1").into()),
        },
    }
}

/// The fixed "now" of every desk: all seeded times are in the past.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
        .single()
        .expect("valid time")
}

fn open_desk(path: &Path) -> Res<Desk> {
    let clock = Arc::new(FixedClock::new(now()));
    let ids = vaxdesk::privacy::IdKeys::load_or_create(&path.with_extension("keys"))?;
    Ok(Desk::open(
        path,
        ids,
        Config::default(),
        clock,
        Faults::none(),
    )?)
}

// ---------------------------------------------------------------------------------------------
// Synthetic clinic
// ---------------------------------------------------------------------------------------------

const FAMILY: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const SYLLABLE: &[&str] = &[
    "민", "준", "서", "연", "지", "훈", "하", "늘", "예", "은", "도", "윤", "수", "아", "현", "우",
];

/// One registered citizen and the injections recorded for them.
struct Person {
    resident_id: String,
    family: &'static str,
    given: String,
    birth: String,
    registered_at: String,
    doses: Vec<Dose>,
}

struct Dose {
    number: u32,
    date: String,
    lot: String,
    at: String,
}

/// Citizens `from..to`, each with `doses` injections 21 days apart in 2021 (deterministic).
fn people(from: usize, to: usize, doses: u32) -> Vec<Person> {
    let first_day = NaiveDate::from_ymd_opt(2021, 3, 1).expect("valid date");
    (from..to)
        .map(|i| {
            let birth = NaiveDate::from_ymd_opt(
                1940 + (i % 65) as i32,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            )
            .expect("valid date");
            let day1 = first_day + Days::days((i % 200) as i64);
            let doses = (1..=doses)
                .map(|n| {
                    let d = day1 + Days::days(21 * i64::from(n - 1));
                    Dose {
                        number: n,
                        date: d.format("%Y-%m-%d").to_string(),
                        lot: format!("FA{:04}", (i * 7 + n as usize) % 9973),
                        at: format!("{}T09:30:00+09:00", d.format("%Y-%m-%d")),
                    }
                })
                .collect();
            Person {
                // 13 digits: YYMMDD, the century digit (1/2 for 19xx, 3/4 for 20xx, as the
                // birth-date rule reads it), then a 6-digit serial.
                resident_id: format!(
                    "{}-{}{:06}",
                    birth.format("%y%m%d"),
                    if birth.year() < 2000 {
                        1 + i % 2
                    } else {
                        3 + i % 2
                    },
                    i % 1_000_000
                ),
                family: FAMILY[i % FAMILY.len()],
                given: format!(
                    "{}{}",
                    SYLLABLE[i % SYLLABLE.len()],
                    SYLLABLE[(i / SYLLABLE.len()) % SYLLABLE.len()]
                ),
                birth: birth.format("%Y-%m-%d").to_string(),
                registered_at: format!("{}T09:05:00+09:00", day1.format("%Y-%m-%d")),
                doses,
            }
        })
        .collect()
}

/// The seed file for `people`, in the documented `[[step]]` format.
fn seed_text(people: &[Person]) -> String {
    let mut s = String::with_capacity(people.len() * 700);
    for p in people {
        let _ = write!(
            s,
            "[[step]]\naction = \"register-citizen\"\nid = \"{}\"\nfamily_name = \"{}\"\n\
             given_name = \"{}\"\nbirth_date = \"{}\"\nactor = \"{ACTOR}\"\nat = \"{}\"\n\n",
            p.resident_id, p.family, p.given, p.birth, p.registered_at
        );
        for d in &p.doses {
            let _ = write!(
                s,
                "[[step]]\naction = \"record-injection\"\ncitizen = \"{}\"\nproduct = \"{PRODUCT}\"\n\
                 dose = {}\ndate = \"{}\"\nlot = \"{}\"\nactor = \"{ACTOR}\"\nat = \"{}\"\n\n",
                p.resident_id, d.number, d.date, d.lot, d.at
            );
        }
    }
    s
}

/// The stored form of an RFC 3339 time with an offset (what a command writes).
fn stored_time(at: &str) -> Res<String> {
    Ok(stamp(DateTime::parse_from_rfc3339(at)?.with_timezone(&Utc)))
}

/// `people`'s citizen and injection rows, column for column as the seed stores them.
struct RawRows {
    citizens: Vec<[String; 10]>,
    /// (index into `citizens`, dose, given_on, lot, at).
    injections: Vec<(usize, u32, String, String, String)>,
}

fn raw_rows(people: &[Person]) -> Res<RawRows> {
    let today = now().date_naive();
    let mut rows = RawRows {
        citizens: Vec::with_capacity(people.len()),
        injections: Vec::with_capacity(people.len() * 2),
    };
    for (i, p) in people.iter().enumerate() {
        let id = ResidentId::parse("id", &p.resident_id)?;
        let birth = BirthDate::parse("birth_date", &p.birth, today)?;
        let d = CitizenDetails::new(p.family, &p.given, None, None, birth)?;
        let at = stored_time(&p.registered_at)?;
        rows.citizens.push([
            id.as_str().to_string(),
            d.family_name.clone(),
            d.given_name.clone(),
            d.family_name_icao.clone(),
            d.given_name_icao.clone(),
            d.birth_date.to_string(),
            vaccination::sort_name(&d),
            at.clone(),
            at,
            ACTOR.to_string(),
        ]);
        for dose in &p.doses {
            let at = stored_time(&dose.at)?;
            rows.injections
                .push((i, dose.number, dose.date.clone(), dose.lot.clone(), at));
        }
    }
    Ok(rows)
}

/// Plain prepared INSERTs of `rows` in one immediate transaction.
fn raw_insert(conn: &Connection, rows: &RawRows) -> rusqlite::Result<()> {
    store::immediate(conn, |c| raw_insert_rows(c, rows))
}

fn raw_insert_rows(c: &Connection, rows: &RawRows) -> rusqlite::Result<()> {
    let mut citizen = c.prepare(
        "INSERT INTO citizens (id_lookup, family_name, given_name, family_name_icao,
             given_name_icao, birth_date, sort_name, registered_at, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut injection = c.prepare(
        "INSERT INTO injections (citizen_id, product, dose, series, given_on, lot, country,
             centre, status, recorded_at, updated_at, updated_by)
         VALUES (?1, ?2, ?3, 2, ?4, ?5, 'KR', NULL, 'ADMINISTERED', ?6, ?6, ?7)",
    )?;
    let mut ids = Vec::with_capacity(rows.citizens.len());
    for r in &rows.citizens {
        ids.push(citizen.insert(rusqlite::params_from_iter(r.iter()))?);
    }
    for (who, dose, date, lot, at) in &rows.injections {
        injection.execute(params![ids[*who], PRODUCT, dose, date, lot, at, ACTOR])?;
    }
    Ok(())
}

/// The rows the seed writes besides the domain rows (events and status-view rows), read back
/// so that the same footprint can be inserted raw.
struct Extra {
    tables: Vec<(&'static str, &'static str, Vec<Vec<Value>>)>,
}

const EXTRA_TABLES: &[(&str, &str)] = &[
    ("events", "type, aggregate, actor, at, data"),
    (
        "view_citizens",
        "citizen_id, id_lookup, family_name, given_name, birth_date, last_change, masked_id",
    ),
    (
        "view_injections",
        "injection_id, citizen_id, product, dose, series, given_on, status, last_change",
    ),
];

fn read_extra(conn: &Connection) -> rusqlite::Result<Extra> {
    let mut tables = vec![];
    for &(table, cols) in EXTRA_TABLES {
        let width = cols.split(',').count();
        let rows = conn
            .prepare(&format!("SELECT {cols} FROM {table}"))?
            .query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect())?
            .collect::<rusqlite::Result<_>>()?;
        tables.push((table, cols, rows));
    }
    Ok(Extra { tables })
}

/// The domain rows, then the events and status-view rows, in one transaction.
fn raw_insert_all(conn: &Connection, rows: &RawRows, extra: &Extra) -> rusqlite::Result<()> {
    store::immediate(conn, |c| {
        raw_insert_rows(c, rows)?;
        for (table, cols, data) in &extra.tables {
            let marks = vec!["?"; cols.split(',').count()].join(", ");
            let mut insert =
                c.prepare(&format!("INSERT INTO {table} ({cols}) VALUES ({marks})"))?;
            for row in data {
                insert.execute(rusqlite::params_from_iter(row.iter()))?;
            }
        }
        Ok(())
    })
}

fn count(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
}

// ---------------------------------------------------------------------------------------------
// 1. Seed import
// ---------------------------------------------------------------------------------------------

/// Returns the seeded desk, reused by the command benchmark.
fn bench_seed_import(dir: &Path, citizens: usize) -> Res<Desk> {
    let people = people(0, citizens, 2);
    let text = seed_text(&people);
    let rows = raw_rows(&people)?;
    let domain_rows = rows.citizens.len() + rows.injections.len();
    let steps = people.len() * 3;
    drop(people);

    // Best of two: the first run also pays for fresh heap pages.
    let mut parse = Duration::MAX;
    for _ in 0..2 {
        let t = Instant::now();
        let parsed: toml::Table = text.parse()?;
        parse = parse.min(t.elapsed());
        drop(parsed);
    }

    let raw_conn = store::open(&dir.join("raw.db"))?;
    let t = Instant::now();
    raw_insert(&raw_conn, &rows)?;
    let raw = t.elapsed();
    assert_eq!(
        count(&raw_conn, "injections")?,
        rows.injections.len() as i64
    );
    drop(raw_conn);

    let desk = open_desk(&dir.join("seed.db"))?;
    let t = Instant::now();
    let outcome = seed::apply_text(&desk, "bench-seed.toml", &text)?;
    let total = t.elapsed();
    assert!(
        matches!(outcome, SeedOutcome::Applied { steps: n, .. } if n == steps),
        "{outcome:?}"
    );
    let conn = desk.conn();
    assert_eq!(count(conn, "citizens")?, rows.citizens.len() as i64);
    assert_eq!(count(conn, "injections")?, rows.injections.len() as i64);
    let events = count(conn, "events")?;
    let view_rows = count(conn, "view_citizens")? + count(conn, "view_injections")?;

    let extra = read_extra(conn)?;
    let full_conn = store::open(&dir.join("raw-full.db"))?;
    let t = Instant::now();
    raw_insert_all(&full_conn, &rows, &extra)?;
    let raw_full = t.elapsed();
    assert_eq!(count(&full_conn, "events")?, events);
    drop((full_conn, extra));

    let rate = |d: Duration| domain_rows as f64 / d.as_secs_f64();
    let ratio = rate(total) / rate(raw);
    println!();
    println!(
        "1. Seed import: {} citizens + {} injections = {domain_rows} domain rows, {steps} steps, \
         {:.1} MB of TOML",
        rows.citizens.len(),
        rows.injections.len(),
        text.len() as f64 / 1e6
    );
    println!("   (the seed also writes {events} events and {view_rows} status-view rows)");
    row_header(&["", "time", "domain rows/s", "steps/s"]);
    row(&[
        "toml parse alone".into(),
        dur(parse),
        String::new(),
        per_sec(steps as f64 / parse.as_secs_f64()),
    ]);
    row(&[
        "seed::apply_text (total)".into(),
        dur(total),
        per_sec(rate(total)),
        per_sec(steps as f64 / total.as_secs_f64()),
    ]);
    row(&[
        "  toml parse share (est.)".into(),
        format!("{:.1}%", 100.0 * parse.as_secs_f64() / total.as_secs_f64()),
        String::new(),
        String::new(),
    ]);
    row(&[
        "raw rusqlite INSERTs".into(),
        dur(raw),
        per_sec(rate(raw)),
        String::new(),
    ]);
    row(&[
        "raw INSERTs, full footprint".into(),
        dur(raw_full),
        per_sec(rate(raw_full)),
        String::new(),
    ]);
    println!(
        "   seed rate / raw rate = {ratio:.3} (goal >= 0.5: {}); against the raw insert of the \
         seed's full footprint (domain + events + view rows): {:.3}",
        verdict(ratio >= 0.5),
        rate(total) / rate(raw_full)
    );
    Ok(desk)
}

// ---------------------------------------------------------------------------------------------
// 2. One command vs one bare commit
// ---------------------------------------------------------------------------------------------

fn bench_apply(desk: &Desk, ops: usize) -> Res<()> {
    let conn = desk.conn();
    let targets: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT i.id, i.citizen_id FROM injections i
             WHERE i.status = 'ADMINISTERED' ORDER BY i.id LIMIT ?1",
        )?
        .query_map([ops as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(targets.len(), ops, "not enough seeded injections");
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS bench_scratch (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
    )?;

    let mut apply = Vec::with_capacity(ops);
    let mut bare = Vec::with_capacity(ops);
    for (injection, citizen_id) in &targets {
        let t = Instant::now();
        desk.run(|ctx| {
            let citizen = commands::citizen_by_id(ctx, *citizen_id)?;
            let s = Stamp {
                actor: format!("citizen#{}", citizen.id),
                at: desk.now(),
            };
            commands::apply(ctx, &s, &citizen, *injection)
        })?;
        apply.push(t.elapsed());

        let t = Instant::now();
        store::immediate(conn, |c| {
            c.prepare_cached("INSERT INTO bench_scratch (v) VALUES (?1)")?
                .execute([citizen_id.to_string()])
        })?;
        bare.push(t.elapsed());
    }
    assert_eq!(count(conn, "issuance_requests")?, ops as i64);
    assert_eq!(count(conn, "view_applications")?, ops as i64);

    let a = Stats::of(&mut apply);
    let b = Stats::of(&mut bare);
    println!();
    println!(
        "2. One apply command (run + events + subscribers + commit) vs a bare one-row commit, \
         {ops} of each, interleaved"
    );
    row_header(&["", "mean", "median", "p95", "min", "ops/s (mean)"]);
    for (name, s) in [("apply command", &a), ("bare commit", &b)] {
        row(&[
            name.into(),
            dur(s.mean),
            dur(s.median),
            dur(s.p95),
            dur(s.min),
            per_sec(1.0 / s.mean.as_secs_f64()),
        ]);
    }
    let by_mean = a.mean.as_secs_f64() / b.mean.as_secs_f64();
    let by_median = a.median.as_secs_f64() / b.median.as_secs_f64();
    println!(
        "   apply / bare = {by_mean:.2}x by mean ({}), {by_median:.2}x by median ({}), goal <= 2x; \
         extra work per command = {} (median)",
        verdict(by_mean <= 2.0),
        verdict(by_median <= 2.0),
        dur(a.median.saturating_sub(b.median))
    );
    Ok(())
}

struct Stats {
    mean: Duration,
    median: Duration,
    p95: Duration,
    min: Duration,
}

impl Stats {
    fn of(samples: &mut [Duration]) -> Stats {
        samples.sort_unstable();
        let n = samples.len();
        Stats {
            mean: samples.iter().sum::<Duration>() / n as u32,
            median: samples[n / 2],
            p95: samples[(n * 95 / 100).min(n - 1)],
            min: samples[0],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Dispatch
// ---------------------------------------------------------------------------------------------

fn bench_dispatch(dir: &Path, events: usize) -> Res<()> {
    // Citizens with two injections (3 events each), topped up with bare registrations.
    let full = events / 3;
    let mut clinic = people(0, full, 2);
    clinic.extend(people(full, full + events % 3, 0));
    let desk = open_desk(&dir.join("dispatch.db"))?;
    let t = Instant::now();
    seed::apply_text(&desk, "bench-dispatch.toml", &seed_text(&clinic))?;
    let setup = t.elapsed();
    drop(clinic);
    let conn = desk.conn();
    let head = count(conn, "events")?;
    assert_eq!(head, events as i64);

    let rewind = |who: Option<&str>| -> rusqlite::Result<()> {
        match who {
            Some(name) => conn.execute(
                "UPDATE subscriber_checkpoints SET last_seq = 0 WHERE subscriber = ?1",
                [name],
            )?,
            None => conn.execute("UPDATE subscriber_checkpoints SET last_seq = 0", [])?,
        };
        if who.is_none_or(|n| n == "status-view") {
            conn.execute_batch(
                "DELETE FROM view_citizens; DELETE FROM view_injections; \
                 DELETE FROM view_applications;",
            )?;
        }
        Ok(())
    };
    let names = desk.dispatcher().subscriber_names();
    let mut timed = vec![];
    for name in &names {
        rewind(Some(name))?;
        let t = Instant::now();
        let report = desk.dispatch()?;
        timed.push((format!("{name} alone"), t.elapsed(), report.delivered));
        assert!(report.failures.is_empty(), "{report:?}");
        // Every subscriber passes the whole log; only the status view reacts to these types.
        let checkpoint: i64 = conn.query_row(
            "SELECT last_seq FROM subscriber_checkpoints WHERE subscriber = ?1",
            [name],
            |r| r.get(0),
        )?;
        assert_eq!(checkpoint, head, "{name} did not reach the head");
    }
    rewind(None)?;
    let t = Instant::now();
    let report = desk.dispatch()?;
    let all = t.elapsed();
    assert!(report.failures.is_empty(), "{report:?}");
    assert_eq!(
        report.delivered, events as u64,
        "only the status view reacts to these"
    );
    assert_eq!(count(conn, "events")?, head, "policies appended events");
    assert_eq!(
        count(conn, "view_citizens")? + count(conn, "view_injections")?,
        head
    );
    timed.push((
        format!("all {} subscribers", names.len()),
        all,
        report.delivered,
    ));

    println!();
    println!(
        "3. Dispatch of {events} events (register-citizen, record-injection x2) to every \
         subscriber, one desk.dispatch() (log written by a seed in {})",
        dur(setup)
    );
    row_header(&["", "time", "deliveries", "deliveries/s", "events/s"]);
    for (name, d, delivered) in &timed {
        row(&[
            name.clone(),
            dur(*d),
            delivered.to_string(),
            per_sec(*delivered as f64 / d.as_secs_f64()),
            per_sec(events as f64 / d.as_secs_f64()),
        ]);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

fn row_header(cols: &[&str]) {
    let cols: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
    row(&cols);
    let width = 28 + 16 * (cols.len() - 1);
    println!("   {}", "-".repeat(width));
}

fn row(cols: &[String]) {
    let mut line = format!("   {:<28}", cols[0]);
    for c in &cols[1..] {
        let _ = write!(line, "{c:>16}");
    }
    println!("{}", line.trim_end());
}

fn dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// A rate with thousands separators: `123,456/s`.
fn per_sec(v: f64) -> String {
    let digits = format!("{:.0}", v);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out + "/s"
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}
