//! Flat cost at a million citizens: each path next to plain SQLite doing the same work.
//!
//! Run with `cargo bench --bench flat`. Two clinics are built, 100,000 and 1,000,000 citizens
//! with two injections each (`VAXDESK_FLAT_SIZES=10000,100000` chooses other sizes), in a fresh
//! temporary folder (`TMPDIR` chooses where). Each size measures, beside its reference in the
//! same run:
//!
//! - (a) the manager's citizen list, in process: sign-in (an Argon2id verify) to the first page
//!   drawn, and a refresh after another connection's commit (`Shell::tick` + draw), against the
//!   first page and the total read with plain SQL;
//! - (b) `vaxdesk rebuild-views` and `rebuild-views --check`: wall and CPU time and peak RSS, against the
//!   `sqlite3` shell rebuilding the same view in SQL (`json_extract` over the log, the live rows
//!   copied aside and compared, one transaction, the same pragmas as the desk);
//! - (c) `vaxdesk status --citizen ID`: wall time, against the `sqlite3` shell doing the same
//!   lookups and one audit row in one transaction;
//! - (d) `vaxdesk cert export --format png`: wall time, against `qrencode` drawing the same text.
//!
//! (b)-(d) run `target/release/vaxdesk` (built first when missing; `VAXDESK_FLAT_BIN` names
//! another binary); peak RSS is the child's
//! `%M` from GNU `/usr/bin/time`. A missing `sqlite3` or `qrencode` stops the bench with a message.
//!
//! The clinic: the `vaxdesk` binary creates the database and keys (`keys init`) and seeds a few
//! probe citizens through the documented seed format (registered, two doses, dose 2 applied for
//! and issued: real signed certificates); the bulk is then written directly with rusqlite into
//! the real schema, row for row as the commands write it: citizens (ids sealed and hashed with the
//! clinic's own key), injections, their events (`Event` serialised by the domain) and the status
//! view's rows, one citizen in four with dose 2 applied for and issued (certificate rows
//! without signed text), with every subscriber's checkpoint at the head of the log. Name-search keys are
//! not written (no path measured here reads them).

use chrono::{Datelike, Duration as Days, NaiveDate};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use rusqlite::{Connection, params};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vaxdesk::app::Desk;
use vaxdesk::bus::Faults;
use vaxdesk::config::Config;
use vaxdesk::domain::event::{CitizenFacts, Event, InjectionFacts};
use vaxdesk::domain::{BirthDate, CitizenDetails, FixedClock, ResidentId};
use vaxdesk::privacy::IdKeys;
use vaxdesk::store::vaccination;
use vaxdesk::tui::keymap::Keymap;
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;
use vaxdesk::tui::theme::Theme;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const SIZES: [usize; 2] = [100_000, 1_000_000];
/// Citizens seeded through the binary (with issued certificates); the rest are written raw.
const PROBES: usize = 12;
const PRODUCT: &str = "EU/1/20/1528";
const ACTOR: &str = "manager:bench";
const STAFF: (&str, &str) = ("bench.manager", "bench passphrase 1");
/// Timed runs of each child process (median reported).
const RUNS: usize = 9;
/// Sign-ins timed, and refreshes.
const OPENS: usize = 5;
const REFRESHES: usize = 30;
/// List rows on a 120x40 terminal.
const PAGE: i64 = 36;
/// GNU time, for a child's peak RSS.
const TIME: &str = "/usr/bin/time";

fn main() -> Res<()> {
    let sizes = sizes()?;
    for tool in ["sqlite3", "qrencode"] {
        if Command::new(tool).arg("--version").output().is_err() {
            return Err(format!(
                "`{tool}` is not installed: the flat bench compares with it (apt-get install {tool})"
            )
            .into());
        }
    }
    if !Path::new(TIME).exists() {
        return Err(format!(
            "{TIME} is missing: the flat bench reads peak RSS with it (apt-get install time)"
        )
        .into());
    }
    let bin = release_binary()?;
    let dir = tempfile::tempdir()?;
    println!(
        "vaxdesk flat-cost bench: {} in {}; binary {}",
        sizes
            .iter()
            .map(|n| thousands(*n))
            .collect::<Vec<_>>()
            .join(" and "),
        dir.path().display(),
        bin.display()
    );
    let mut all = vec![];
    for &n in &sizes {
        all.push((n, bench_size(&bin, dir.path(), n)?));
    }
    summary(&all);
    // `VAXDESK_FLAT_KEEP=1` leaves the clinics behind, to look into.
    if std::env::var_os("VAXDESK_FLAT_KEEP").is_some() {
        println!("\nclinics kept in {}", dir.keep().display());
    }
    Ok(())
}

fn sizes() -> Res<Vec<usize>> {
    let Ok(s) = std::env::var("VAXDESK_FLAT_SIZES") else {
        return Ok(SIZES.to_vec());
    };
    s.split(',')
        .map(|v| match v.trim().replace('_', "").parse::<usize>() {
            Ok(n) if n >= 1_000 => Ok(n),
            _ => Err(format!("VAXDESK_FLAT_SIZES={s:?}: want sizes of at least 1000").into()),
        })
        .collect()
}

/// `target/release/vaxdesk`, built when missing (`VAXDESK_FLAT_BIN` names another, e.g. an
/// older build to compare with).
fn release_binary() -> Res<PathBuf> {
    if let Some(bin) = std::env::var_os("VAXDESK_FLAT_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let bin = target.join("release").join("vaxdesk");
    if !bin.exists() {
        println!("building {} ...", bin.display());
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--release", "--bin", "vaxdesk"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()?
            .success();
        if !ok || !bin.exists() {
            return Err(format!("could not build {}", bin.display()).into());
        }
    }
    Ok(bin)
}

// ---------------------------------------------------------------------------------------------
// Child processes: wall time and peak RSS
// ---------------------------------------------------------------------------------------------

struct Run {
    wall: Duration,
    /// Peak resident set of the child, in KiB.
    rss_kib: i64,
    /// User + system CPU time (10 ms resolution): steadier than wall time on a busy machine.
    cpu: Duration,
    stdout: String,
}

/// Runs `cmd` to the end; fails on a non-zero exit, showing its output. With `rss`, under
/// `/usr/bin/time`: a child's own `ru_maxrss` would start at this process's high-water mark
/// (Linux keeps the larger of the old and the new image's across `exec`).
fn run(cmd: Command, scratch: &Path, rss: bool) -> Res<Run> {
    let out_path = scratch.join("child.out");
    let err_path = scratch.join("child.err");
    let rss_path = scratch.join("child.rss");
    let mut cmd = if rss {
        let mut timed = Command::new(TIME);
        timed.arg("-f").arg("%M %U %S").arg("-o").arg(&rss_path);
        timed.arg(cmd.get_program()).args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => timed.env(k, v),
                None => timed.env_remove(k),
            };
        }
        timed
    } else {
        cmd
    };
    cmd.stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?)
        .stdin(Stdio::null());
    let start = Instant::now();
    let status = cmd.status()?;
    let wall = start.elapsed();
    let stdout = std::fs::read_to_string(&out_path)?;
    if !status.success() {
        return Err(format!(
            "{cmd:?} failed ({status}):\n{stdout}{}",
            std::fs::read_to_string(&err_path)?
        )
        .into());
    }
    let (rss_kib, cpu) = if rss {
        let text = std::fs::read_to_string(&rss_path)?;
        let bad = || format!("{TIME}: no \"peak-RSS user system\" in {text:?}");
        // The last line: GNU time puts a note on the signal or status before it.
        let v: Vec<f64> = text
            .lines()
            .last()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let [rss, user, sys] = v[..] else {
            return Err(bad().into());
        };
        (rss as i64, Duration::from_secs_f64(user + sys))
    } else {
        (0, Duration::ZERO)
    };
    Ok(Run {
        wall,
        rss_kib,
        cpu,
        stdout,
    })
}

struct Clinic<'a> {
    bin: &'a Path,
    db: PathBuf,
    keys: PathBuf,
    scratch: PathBuf,
}

impl Clinic<'_> {
    fn vaxdesk(&self, args: &[&str]) -> Command {
        let mut c = Command::new(self.bin);
        c.arg("--db").arg(&self.db).arg("--keys").arg(&self.keys);
        c.args(args);
        c.env_remove("VAXDESK_CONFIG").env("NO_COLOR", "1");
        c
    }

    fn sqlite3(&self, script: String) -> Command {
        let mut c = Command::new("sqlite3");
        c.arg("-batch").arg(&self.db).arg(script);
        c
    }

    fn run(&self, cmd: Command) -> Res<Run> {
        run(cmd, &self.scratch, false)
    }

    /// [`Clinic::run`] with the child's peak RSS.
    fn run_rss(&self, cmd: Command) -> Res<Run> {
        run(cmd, &self.scratch, true)
    }

    /// `RUNS` runs of what `cmd(i)` builds: the median wall time and the mean CPU time.
    fn median(&self, mut cmd: impl FnMut(usize) -> Res<Command>) -> Res<(Duration, Duration)> {
        let mut walls = vec![];
        let mut cpu = Duration::ZERO;
        for i in 0..RUNS {
            let r = self.run_rss(cmd(i)?)?;
            walls.push(r.wall);
            cpu += r.cpu;
        }
        Ok((median(walls), cpu / RUNS as u32))
    }
}

// ---------------------------------------------------------------------------------------------
// The clinic
// ---------------------------------------------------------------------------------------------

const FAMILY: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const SYLLABLE: &[&str] = &[
    "민", "준", "서", "연", "지", "훈", "하", "늘", "예", "은", "도", "윤", "수", "아", "현", "우",
];

struct Person {
    resident_id: String,
    family: &'static str,
    given: String,
    birth: NaiveDate,
    day1: NaiveDate,
}

/// The `i`-th citizen (deterministic; the id's century digit agrees with the birth year).
fn person(i: usize) -> Person {
    let birth = NaiveDate::from_ymd_opt(
        1940 + (i % 65) as i32,
        1 + (i % 12) as u32,
        1 + (i % 28) as u32,
    )
    .expect("valid date");
    let century = if birth.year() < 2000 { 1 } else { 3 } + i % 2;
    Person {
        resident_id: format!("{}-{century}{:06}", birth.format("%y%m%d"), i % 1_000_000),
        family: FAMILY[i % FAMILY.len()],
        given: format!(
            "{}{}",
            SYLLABLE[i % SYLLABLE.len()],
            SYLLABLE[(i / SYLLABLE.len()) % SYLLABLE.len()]
        ),
        birth,
        day1: NaiveDate::from_ymd_opt(2021, 3, 1).expect("valid date")
            + Days::days((i % 200) as i64),
    }
}

/// Probe citizens' indices: after every bulk index, so their ids never collide.
fn probe_index(k: usize) -> usize {
    2_000_000 + k * 7
}

fn probe_seed() -> String {
    let mut s = String::new();
    for k in 0..PROBES {
        let p = person(probe_index(k));
        let id = &p.resident_id;
        let _ = write!(
            s,
            "[[step]]\naction = \"register-citizen\"\nid = \"{id}\"\nfamily_name = \"{}\"\n\
             given_name = \"{}\"\nbirth_date = \"{}\"\nactor = \"{ACTOR}\"\n\n",
            p.family, p.given, p.birth
        );
        for dose in 1..=2 {
            let day = p.day1 + Days::days(21 * (dose - 1));
            let _ = write!(
                s,
                "[[step]]\naction = \"record-injection\"\ncitizen = \"{id}\"\n\
                 product = \"{PRODUCT}\"\ndose = {dose}\ndate = \"{day}\"\nlot = \"FA{dose}{k:03}\"\n\
                 actor = \"{ACTOR}\"\n\n"
            );
        }
        let _ = write!(
            s,
            "[[step]]\naction = \"apply\"\ncitizen = \"{id}\"\ndose = 2\nactor = \"citizen\"\n\n\
             [[step]]\naction = \"issue\"\ncitizen = \"{id}\"\ndose = 2\n\
             actor = \"issuer:bench\"\n\n"
        );
    }
    s
}

fn open_desk(clinic: &Clinic<'_>) -> Res<Desk> {
    let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 25, 12, 0, 0)
        .single()
        .ok_or("bad time")?;
    Ok(Desk::open(
        &clinic.db,
        IdKeys::load_or_create(&clinic.keys)?,
        Config::default(),
        Arc::new(FixedClock::new(now)),
        Faults::none(),
    )?)
}

/// Writes `n` citizens with two doses each, their events and view rows, in one transaction.
fn fill(clinic: &Clinic<'_>, n: usize, subscribers: &[&str]) -> Res<()> {
    let ids = IdKeys::load_or_create(&clinic.keys)?;
    let conn = Connection::open(&clinic.db)?;
    conn.pragma_update(None, "cache_size", -262_144)?; // 256 MiB while filling
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let mut citizen = conn.prepare(
        "INSERT INTO citizens (id_lookup, resident_id_sealed, masked_id, family_name, given_name,
             family_name_icao, given_name_icao, birth_date, sort_name, compact_name,
             registered_at, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
    )?;
    let mut injection = conn.prepare(
        "INSERT INTO injections (citizen_id, product, dose, series, given_on, lot, country,
             centre, status, recorded_at, updated_at, updated_by)
         VALUES (?1, ?2, ?3, 2, ?4, ?5, 'KR', NULL, 'ADMINISTERED', ?6, ?6, ?7)",
    )?;
    let mut event = conn.prepare(
        "INSERT INTO events (type, aggregate, actor, at, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut view_citizen = conn.prepare(
        "INSERT INTO view_citizens (citizen_id, id_lookup, family_name, given_name, birth_date,
             last_change, masked_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut view_injection = conn.prepare(
        "INSERT INTO view_injections (injection_id, citizen_id, product, dose, series, given_on,
             status, last_change) VALUES (?1, ?2, ?3, ?4, 2, ?5, 'ADMINISTERED', ?6)",
    )?;
    let mut application = conn.prepare(
        "INSERT INTO applications (citizen_id, injection_id, status, applied_at, updated_at,
             updated_by, certificate_id, submitted_seq)
         VALUES (?1, ?2, 'ISSUED', ?3, ?4, 'issuer:bench', ?5, ?6)",
    )?;
    let mut request = conn.prepare(
        "INSERT INTO issuance_requests (application_id, citizen_id, injection_id, status,
             applied_at, closed_at, closed_by)
         VALUES (?1, ?2, ?3, 'ISSUED', ?4, ?5, 'issuer:bench')",
    )?;
    let mut certificate = conn.prepare(
        "INSERT INTO certificates (uvci, application_id, injection_id, citizen_id, issued_at,
             expires_at, issuer, issued_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'Bench Clinic', 'issuer:bench')",
    )?;
    let mut view_application = conn.prepare(
        "INSERT INTO view_applications (application_id, citizen_id, injection_id, product, dose,
             series, given_on, status, certificate_id, applied_at, last_change, issued_at,
             expires_at)
         VALUES (?1, ?2, ?3, ?4, 2, 2, ?5, 'ISSUED', ?6, ?7, ?8, ?8, ?9)",
    )?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("bad date")?;
    let mut append = |at: &str, e: &Event| -> rusqlite::Result<()> {
        event.execute(params![
            e.type_name(),
            e.aggregate(),
            ACTOR,
            at,
            e.data_string()
        ])?;
        Ok(())
    };
    let mut issued = 0;
    for i in 0..n {
        let p = person(i);
        let id = ResidentId::parse("id", &p.resident_id)?;
        let birth = BirthDate::parse("birth_date", &p.birth.to_string(), today)?;
        let d = CitizenDetails::new(p.family, &p.given, None, None, birth)?;
        let sealed = ids.at_rest(&id);
        let at = format!("{}T00:05:00Z", p.day1);
        let sort = vaccination::sort_name(&d);
        let birth = d.birth_date.to_string();
        citizen.execute(params![
            sealed.lookup,
            sealed.sealed,
            sealed.masked,
            d.family_name,
            d.given_name,
            d.family_name_icao,
            d.given_name_icao,
            birth,
            sort,
            vaccination::compact_name(&sort),
            at,
            ACTOR
        ])?;
        let cid = conn.last_insert_rowid();
        let facts = CitizenFacts {
            citizen: cid,
            id_lookup: sealed.lookup.clone(),
            masked_id: sealed.masked.clone(),
            family_name: d.family_name.clone(),
            given_name: d.given_name.clone(),
            family_name_icao: d.family_name_icao.clone(),
            given_name_icao: d.given_name_icao.clone(),
            birth_date: birth.clone(),
        };
        append(&at, &Event::CitizenRegistered(facts))?;
        view_citizen.execute(params![
            cid,
            sealed.lookup,
            d.family_name,
            d.given_name,
            birth,
            at,
            sealed.masked
        ])?;
        for dose in 1..=2u32 {
            let day = (p.day1 + Days::days(21 * i64::from(dose - 1))).to_string();
            let lot = format!("FA{:04}", (i * 7 + dose as usize) % 9973);
            let at = format!("{day}T00:30:00Z");
            injection.execute(params![cid, PRODUCT, dose, day, lot, at, ACTOR])?;
            let iid = conn.last_insert_rowid();
            let facts = InjectionFacts {
                injection: iid,
                citizen: cid,
                product: PRODUCT.into(),
                dose,
                series: 2,
                date: day.clone(),
                lot: Some(lot),
                country: "KR".into(),
                centre: None,
                status: "ADMINISTERED".into(),
                version: 1,
            };
            append(&at, &Event::InjectionRecorded(facts))?;
            view_injection.execute(params![iid, cid, PRODUCT, dose, day, at])?;
            // One citizen in four: dose 2 applied for and issued (a certificate without signed
            // text, as before this desk signed), so the certificate tables have a clinic's size.
            if dose == 2 && i % 4 == 0 {
                issued += 1;
                let applied = format!("{day}T03:00:00Z");
                let at = format!("{day}T04:00:00Z");
                let expires = at.replacen("202", "203", 1);
                let uvci = format!("URN:UVCI:01:KR:BENCH{issued:07}");
                application.execute(params![cid, iid, applied, at, uvci, None::<i64>])?;
                let aid = conn.last_insert_rowid();
                let submitted = Event::ApplicationSubmitted {
                    application: aid,
                    citizen: cid,
                    injection: iid,
                    product: PRODUCT.into(),
                    dose: 2,
                    series: 2,
                    date: day.clone(),
                };
                append(&applied, &submitted)?;
                let certified = Event::CertificateIssued {
                    certificate: uvci.clone(),
                    application: aid,
                    citizen: cid,
                    injection: iid,
                    issued_at: at.clone(),
                    expires_at: expires.clone(),
                    issuer: "Bench Clinic".into(),
                    payload: None,
                    key_id: None,
                };
                append(&at, &certified)?;
                request.execute(params![aid, cid, iid, applied, at])?;
                certificate.execute(params![uvci, aid, iid, cid, at, expires])?;
                view_application.execute(params![
                    aid, cid, iid, PRODUCT, day, uvci, applied, at, expires
                ])?;
            }
        }
    }
    drop((citizen, injection, view_citizen, view_injection));
    drop((application, request, certificate, view_application));
    drop(event);
    for s in subscribers {
        conn.execute(
            "INSERT INTO subscriber_checkpoints (subscriber, last_seq)
             VALUES (?1, (SELECT MAX(seq) FROM events))
             ON CONFLICT (subscriber) DO UPDATE SET last_seq = excluded.last_seq",
            [s],
        )?;
    }
    // Raw inserts: the total vaxdesk keeps as it registers is set once here.
    conn.execute_batch(
        "UPDATE citizen_total SET n = (SELECT COUNT(*) FROM citizens) WHERE id = 1;
         CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, at TEXT NOT NULL);
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);",
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (a) The manager's list
// ---------------------------------------------------------------------------------------------

fn screen_text(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    buf.content.iter().map(|c| c.symbol()).collect()
}

/// Sign-in to the first page drawn (median of [`OPENS`]) and a refresh after another
/// connection's commit (median of [`REFRESHES`]).
fn bench_list(clinic: &Clinic<'_>, desk: &Desk, total: usize) -> Res<(Duration, Duration)> {
    let name = vaxdesk::domain::StaffName::parse("name", STAFF.0)?;
    vaxdesk::app::staff_admin::add(
        desk,
        "admin:bench",
        &name,
        vaxdesk::domain::StaffRole::Manager,
        STAFF.1,
    )?;
    let want = format!(" Citizens ({total})");
    let mut opens = vec![];
    let mut kept = None;
    for _ in 0..OPENS {
        let mut term = Terminal::new(TestBackend::new(120, 40))?;
        let start = Instant::now();
        let mut shell = Shell::new(
            desk,
            Some(Role::Manager),
            Keymap::new(&Default::default())?,
            Theme::plain(),
        );
        for c in STAFF.0.chars() {
            shell.key(KeyEvent::from(KeyCode::Char(c)));
        }
        shell.key(KeyEvent::from(KeyCode::Tab));
        for c in STAFF.1.chars() {
            shell.key(KeyEvent::from(KeyCode::Char(c)));
        }
        shell.key(KeyEvent::from(KeyCode::Enter));
        term.draw(|f| shell.render(f))?;
        opens.push(start.elapsed());
        if !screen_text(&term).contains(&want) {
            return Err(format!("the list should show {want:?}:\n{}", screen_text(&term)).into());
        }
        kept = Some((shell, term));
    }
    let (mut shell, mut term) = kept.ok_or("no sign-in")?;
    let other = Connection::open(&clinic.db)?;
    other.busy_timeout(Duration::from_secs(30))?;
    let mut refreshes = vec![];
    for i in 0..REFRESHES {
        other.execute(
            "INSERT INTO bench_scratch (at) VALUES (?1)",
            [i.to_string()],
        )?;
        let start = Instant::now();
        let changed = shell.tick();
        term.draw(|f| shell.render(f))?;
        refreshes.push(start.elapsed());
        if !changed {
            return Err("tick did not see the other connection's commit".into());
        }
    }
    Ok((median(opens), median(refreshes)))
}

/// Plain SQL for the same page: the first rows by name and the kept total.
fn list_reference(clinic: &Clinic<'_>) -> Res<(Duration, Duration)> {
    let conn = Connection::open(&clinic.db)?;
    let page = |c: &Connection| -> Res<usize> {
        let total: i64 = c.query_row("SELECT n FROM citizen_total", [], |r| r.get(0))?;
        let mut s = c.prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.birth_date, c.masked_id,
                 (SELECT MAX(dose) FROM injections i WHERE i.citizen_id = c.id)
             FROM citizens c ORDER BY c.sort_name, c.id LIMIT ?1",
        )?;
        let rows = s
            .query_map([PAGE], |r| r.get::<_, String>(1))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows.len() + total as usize)
    };
    let mut first = vec![];
    for _ in 0..OPENS {
        let start = Instant::now();
        page(&conn)?;
        first.push(start.elapsed());
    }
    let mut again = vec![];
    for _ in 0..REFRESHES {
        let start = Instant::now();
        page(&conn)?;
        again.push(start.elapsed());
    }
    Ok((median(first), median(again)))
}

// ---------------------------------------------------------------------------------------------
// (b) The status view's rebuild, in plain SQL
// ---------------------------------------------------------------------------------------------

/// The rebuild as one `sqlite3` script: the live rows copied aside, the view emptied and
/// projected from the log with `json_extract`, the two compared, committed.
fn rebuild_sql(check: bool) -> String {
    let end = if check { "ROLLBACK" } else { "COMMIT" };
    format!(
        "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA temp_store = FILE;
         BEGIN IMMEDIATE;
         CREATE TEMP TABLE live_c AS SELECT * FROM view_citizens;
         CREATE TEMP TABLE live_i AS SELECT * FROM view_injections;
         CREATE TEMP TABLE live_a AS SELECT * FROM view_applications;
         DELETE FROM view_citizens; DELETE FROM view_injections; DELETE FROM view_applications;
         INSERT INTO view_citizens (citizen_id, id_lookup, family_name, given_name, birth_date,
             last_change, masked_id)
           SELECT json_extract(data, '$.citizen'), json_extract(data, '$.id_lookup'),
             json_extract(data, '$.family_name'), json_extract(data, '$.given_name'),
             json_extract(data, '$.birth_date'), at, json_extract(data, '$.masked_id')
           FROM events WHERE type IN ('CitizenRegistered', 'CitizenUpdated') ORDER BY seq
           ON CONFLICT (citizen_id) DO UPDATE SET id_lookup = excluded.id_lookup,
             masked_id = excluded.masked_id, family_name = excluded.family_name,
             given_name = excluded.given_name, birth_date = excluded.birth_date,
             last_change = excluded.last_change;
         INSERT INTO view_injections (injection_id, citizen_id, product, dose, series, given_on,
             status, last_change)
           SELECT json_extract(data, '$.injection'), json_extract(data, '$.citizen'),
             json_extract(data, '$.product'), json_extract(data, '$.dose'),
             json_extract(data, '$.series'), json_extract(data, '$.date'),
             json_extract(data, '$.status'), at
           FROM events WHERE type IN ('InjectionRecorded', 'InjectionUpdated') ORDER BY seq
           ON CONFLICT (injection_id) DO UPDATE SET product = excluded.product,
             dose = excluded.dose, series = excluded.series, given_on = excluded.given_on,
             status = excluded.status, last_change = excluded.last_change;
         INSERT INTO view_applications (application_id, citizen_id, injection_id, product, dose,
             series, given_on, status, applied_at, last_change)
           SELECT json_extract(data, '$.application'), json_extract(data, '$.citizen'),
             json_extract(data, '$.injection'), json_extract(data, '$.product'),
             json_extract(data, '$.dose'), json_extract(data, '$.series'),
             json_extract(data, '$.date'), 'APPLIED', at, at
           FROM events WHERE type = 'ApplicationSubmitted' ORDER BY seq
           ON CONFLICT (application_id) DO NOTHING;
         UPDATE view_applications SET status = 'ISSUED', certificate_id = e.c, issued_at = e.i,
             expires_at = e.x, certificate = e.p, last_change = e.at
           FROM (SELECT json_extract(data, '$.application') AS a,
                 json_extract(data, '$.certificate') AS c, json_extract(data, '$.issued_at') AS i,
                 json_extract(data, '$.expires_at') AS x, json_extract(data, '$.payload') AS p, at
               FROM events WHERE type = 'CertificateIssued') e
           WHERE application_id = e.a;
         SELECT 'differences', (SELECT COUNT(*) FROM (SELECT * FROM live_c EXCEPT
               SELECT * FROM view_citizens))
             + (SELECT COUNT(*) FROM (SELECT * FROM live_i EXCEPT SELECT * FROM view_injections))
             + (SELECT COUNT(*) FROM (SELECT * FROM live_a EXCEPT
               SELECT * FROM view_applications));
         {end};"
    )
}

// ---------------------------------------------------------------------------------------------
// One size
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Figures {
    open: (Duration, Duration),
    refresh: (Duration, Duration),
    rebuild: (Duration, Duration),
    rebuild_rss: (i64, i64),
    rebuild_cpu: (Duration, Duration),
    check_cpu: (Duration, Duration),
    check: (Duration, Duration),
    check_rss: (i64, i64),
    status: (Duration, Duration),
    png: (Duration, Duration),
}

fn bench_size(bin: &Path, dir: &Path, n: usize) -> Res<Figures> {
    println!("\n=== {} citizens x 2 injections ===", thousands(n));
    let root = dir.join(format!("clinic-{n}"));
    std::fs::create_dir_all(&root)?;
    let clinic = Clinic {
        bin,
        db: root.join("clinic.db"),
        keys: root.join("keys"),
        scratch: root.clone(),
    };
    let t = Instant::now();
    clinic.run(clinic.vaxdesk(&["keys", "init"]))?;
    let seed = root.join("probes.toml");
    std::fs::write(&seed, probe_seed())?;
    clinic.run(clinic.vaxdesk(&["seed", seed.to_str().ok_or("path")?]))?;
    let subscribers = open_desk(&clinic)?.dispatcher().subscriber_names();
    fill(&clinic, n - PROBES, &subscribers)?;
    println!(
        "built in {} ({PROBES} probes seeded with issued certificates, {} written raw); file {:.0} MiB",
        secs(t.elapsed()),
        thousands(n - PROBES),
        std::fs::metadata(&clinic.db)?.len() as f64 / 1_048_576.0
    );
    let mut f = Figures::default();

    // (a)
    let desk = open_desk(&clinic)?;
    let (open, refresh) = bench_list(&clinic, &desk, n)?;
    drop(desk);
    let (open_ref, refresh_ref) = list_reference(&clinic)?;
    f.open = (open, open_ref);
    f.refresh = (refresh, refresh_ref);

    // (b) each side twice (the first run warms the page cache); the second is reported.
    for check in [false, true] {
        let args: &[&str] = if check {
            &["rebuild-views", "--check"]
        } else {
            &["rebuild-views"]
        };
        let mut ours = clinic.run(clinic.vaxdesk(args))?;
        let expect = if check { "matches" } else { "it matched" };
        if !ours.stdout.contains(expect) {
            return Err(format!("rebuild-views: {}", ours.stdout).into());
        }
        ours = clinic.run_rss(clinic.vaxdesk(args))?;
        clinic.run(clinic.sqlite3(rebuild_sql(check)))?;
        let theirs = clinic.run_rss(clinic.sqlite3(rebuild_sql(check)))?;
        if !theirs.stdout.contains("differences|0") {
            return Err(format!("the plain-SQL rebuild differs: {}", theirs.stdout).into());
        }
        let wall = (ours.wall, theirs.wall);
        let rss = (ours.rss_kib, theirs.rss_kib);
        let cpu = (ours.cpu, theirs.cpu);
        if check {
            (f.check, f.check_rss, f.check_cpu) = (wall, rss, cpu);
        } else {
            (f.rebuild, f.rebuild_rss, f.rebuild_cpu) = (wall, rss, cpu);
        }
    }

    // (c) and (d): the probes, in turn.
    let conn = Connection::open(&clinic.db)?;
    let ids = IdKeys::load_or_create(&clinic.keys)?;
    let probe = |k: usize| -> Res<(String, String)> {
        let id = ResidentId::parse("id", &person(probe_index(k % PROBES)).resident_id)?;
        Ok((id.as_str().to_string(), ids.lookup(&id)))
    };
    let status = clinic.median(|i| {
        let (id, _) = probe(i)?;
        Ok(clinic.vaxdesk(&["status", "--citizen", &id]))
    })?;
    let status_ref = clinic.median(|i| {
        let (_, lookup) = probe(i)?;
        Ok(clinic.sqlite3(format!(
            "PRAGMA synchronous = FULL; BEGIN IMMEDIATE;
             SELECT * FROM view_citizens WHERE id_lookup = '{lookup}';
             SELECT * FROM view_injections WHERE citizen_id =
                 (SELECT citizen_id FROM view_citizens WHERE id_lookup = '{lookup}')
                 ORDER BY given_on, dose, injection_id;
             SELECT * FROM view_applications WHERE citizen_id =
                 (SELECT citizen_id FROM view_citizens WHERE id_lookup = '{lookup}')
                 ORDER BY applied_at, application_id;
             INSERT INTO audit_log (at, actor, host, terminal, process, action, citizen, result,
                 prev_hash, hash)
             SELECT strftime('%Y-%m-%dT%H:%M:%fZ'), 'admin:bench', 'bench', '-', 1,
                 'view status', citizen_id, 'ok',
                 COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), ''),
                 hex(randomblob(32))
             FROM view_citizens WHERE id_lookup = '{lookup}';
             COMMIT;"
        )))
    })?;
    f.status = (status.0, status_ref.0);

    let png = root.join("cert.png");
    let png_arg = png.to_str().ok_or("path")?.to_string();
    let ours = clinic.median(|i| {
        let (id, _) = probe(i)?;
        Ok(clinic.vaxdesk(&[
            "cert",
            "export",
            "--citizen",
            &id,
            "--dose",
            "2",
            "--format",
            "png",
            "--out",
            &png_arg,
        ]))
    })?;
    let png_header = std::fs::read(&png)?;
    if !png_header.starts_with(b"\x89PNG") {
        return Err("cert export did not write a PNG".into());
    }
    let theirs = clinic.median(|i| {
        let (_, lookup) = probe(i)?;
        let hc1: String = conn.query_row(
            "SELECT c.payload FROM certificates c JOIN citizens z ON z.id = c.citizen_id
             WHERE z.id_lookup = ?1",
            [lookup],
            |r| r.get(0),
        )?;
        let mut c = Command::new("qrencode");
        c.args(["-o", &png_arg, "-l", "Q", &hc1]);
        Ok(c)
    })?;
    f.png = (ours.0, theirs.0);
    report(n, &f);
    Ok(f)
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() - 1) / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn mib(kib: i64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ratio((a, b): (Duration, Duration)) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn report(n: usize, f: &Figures) {
    println!(
        "{} citizens: vaxdesk vs plain SQLite (same run)",
        thousands(n)
    );
    println!(
        "  {:<44}{:>14}{:>14}{:>8}  target",
        "path", "vaxdesk", "reference", "ratio"
    );
    let line = |label: &str, p: (Duration, Duration), target: &str| {
        println!(
            "  {label:<44}{:>14}{:>14}{:>8.2}  {target}",
            ms(p.0),
            ms(p.1),
            ratio(p)
        );
    };
    line("(a) sign-in -> first page drawn", f.open, "<= 50 ms");
    line(
        "(a) refresh after another desk's commit",
        f.refresh,
        "<= 5 ms",
    );
    line("(b) rebuild-views (wall)", f.rebuild, "<= 1.3x");
    line("(b) rebuild-views (cpu)", f.rebuild_cpu, "<= 1.3x");
    line("(b) rebuild-views --check (wall)", f.check, "<= 1.3x");
    line("(b) rebuild-views --check (cpu)", f.check_cpu, "<= 1.3x");
    line("(c) status --citizen (wall)", f.status, "<= 1.5x");
    line("(d) cert export --format png vs qrencode", f.png, "<= 3x");
    println!(
        "  {:<44}{:>14}{:>14}{:>8}  <= 100 MiB",
        "(b) rebuild-views peak RSS",
        mib(f.rebuild_rss.0),
        mib(f.rebuild_rss.1),
        ""
    );
    println!(
        "  {:<44}{:>14}{:>14}{:>8}  <= 100 MiB",
        "(b) rebuild-views --check peak RSS",
        mib(f.check_rss.0),
        mib(f.check_rss.1),
        ""
    );
}

/// The largest size against the smallest: flat cost keeps these near 1 (the rebuild grows with
/// the log, as its reference does).
fn summary(all: &[(usize, Figures)]) {
    let (Some((small, a)), Some((big, b))) = (all.first(), all.last()) else {
        return;
    };
    if small == big {
        return;
    }
    println!(
        "\n{} / {} citizens (vaxdesk; reference):",
        thousands(*big),
        thousands(*small)
    );
    let grow = |label: &str, x: (Duration, Duration), y: (Duration, Duration)| {
        println!(
            "  {label:<44}{:>8.2}{:>8.2}",
            y.0.as_secs_f64() / x.0.as_secs_f64(),
            y.1.as_secs_f64() / x.1.as_secs_f64()
        );
    };
    grow("(a) sign-in -> first page drawn", a.open, b.open);
    grow("(a) refresh", a.refresh, b.refresh);
    grow("(b) rebuild-views", a.rebuild, b.rebuild);
    grow("(b) rebuild-views (cpu)", a.rebuild_cpu, b.rebuild_cpu);
    grow("(b) rebuild-views --check", a.check, b.check);
    grow("(c) status --citizen", a.status, b.status);
    grow("(d) cert export --format png", a.png, b.png);
    println!(
        "  {:<44}{:>8.2}{:>8.2}",
        "(b) rebuild-views peak RSS",
        b.rebuild_rss.0 as f64 / a.rebuild_rss.0 as f64,
        b.rebuild_rss.1 as f64 / a.rebuild_rss.1 as f64
    );
}
