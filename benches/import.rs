//! CSV import at scale, against its reference in the same run (issue 12): 1,000,000 rows
//! (500,000 citizens, two injections each) generated to a temporary CSV, imported by the
//! `vaxdesk` binary this bench is built with (release), then by the `sqlite3` shell's
//! `.import` of the same file into a plain staging table, split into plain `citizens` and
//! `injections` tables with the indexes vaxdesk keeps on them, in one transaction, with the
//! same durability settings (WAL, synchronous=FULL).
//!
//! Prints both wall times, their ratio (target: at most 3x) and vaxdesk's peak resident memory
//! (target: under 100 MB), read with getrusage(RUSAGE_CHILDREN) right after vaxdesk exits and
//! before sqlite3 starts. Then the floor: the sqlite3 shell doing, set-based, the writes
//! vaxdesk makes for the same rows (event log, status view, sealed ids, name-search keys; see
//! [`FLOOR`]), to tell the cost of those writes from the cost of vaxdesk's own work.
//! `VAXDESK_BENCH_ROWS=20000 cargo bench --bench import` for a quick run. Needs `sqlite3` on
//! the PATH (apt-get install sqlite3); without it only vaxdesk is timed.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FAMILY: [&str; 10] = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const SYLLABLES: [&str; 12] = [
    "민", "준", "서", "연", "지", "우", "하", "윤", "도", "현", "수", "아",
];

fn main() {
    let rows: usize = std::env::var("VAXDESK_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let citizens = rows.div_ceil(2).min(999_999);
    let dir = tempfile::Builder::new()
        .prefix("vaxdesk-bench-import-")
        .tempdir()
        .expect("temporary folder");
    let csv = dir.path().join("people.csv");
    let written = generate(&csv, citizens);
    let size = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
    println!(
        "import bench: {written} rows ({citizens} citizens), {:.1} MB of CSV",
        size as f64 / 1e6
    );

    let (vaxdesk, out) = run_vaxdesk(dir.path(), &csv);
    let rss_kb = peak_child_rss_kb();
    println!(
        "vaxdesk import : {:>8.2} s   ({})",
        secs(vaxdesk),
        out.trim()
    );
    println!(
        "vaxdesk peak RSS: {:.1} MB (target < 100 MB)",
        rss_kb as f64 / 1024.0
    );

    let csv_text = csv.display().to_string();
    match run_sqlite(
        dir.path(),
        "reference.db",
        &REFERENCE.replace("{csv}", &csv_text),
    ) {
        Some(reference) => {
            println!("sqlite3 .import: {:>8.2} s", secs(reference));
            println!(
                "ratio vaxdesk / sqlite3: {:.2}x (target <= 3x)",
                secs(vaxdesk) / secs(reference).max(1e-9)
            );
            let floor = run_sqlite(dir.path(), "floor.db", &FLOOR.replace("{csv}", &csv_text))
                .expect("sqlite3 ran a moment ago");
            println!(
                "sqlite3, vaxdesk's writes set-based: {:>8.2} s ({:.2}x the reference; vaxdesk \
                 is {:.2}x of it)",
                secs(floor),
                secs(floor) / secs(reference).max(1e-9),
                secs(vaxdesk) / secs(floor).max(1e-9)
            );
        }
        None => println!("sqlite3 not found: no reference (apt-get install sqlite3)"),
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Writes the CSV: each citizen with doses 1 and 2 of a two-dose series.
fn generate(path: &Path, citizens: usize) -> usize {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("CSV file"));
    writeln!(
        out,
        "id,family_name,given_name,birth_date,product,dose,date,lot"
    )
    .expect("write");
    let mut rows = 0;
    for n in 0..citizens {
        let (yy, mm, dd) = (50 + (n / 336) % 50, 1 + (n / 28) % 12, 1 + n % 28);
        let id = format!("{yy:02}{mm:02}{dd:02}-1{n:06}");
        let birth = format!("19{yy:02}-{mm:02}-{dd:02}");
        let family = FAMILY[n % FAMILY.len()];
        let given = format!(
            "{}{}",
            SYLLABLES[(n / 10) % SYLLABLES.len()],
            SYLLABLES[(n / 120) % SYLLABLES.len()]
        );
        for dose in 1..=2 {
            let month = 2 + dose + n % 6;
            writeln!(
                out,
                "{id},{family},{given},{birth},EU/1/20/1528,{dose},2021-{month:02}-{:02},FA{:05}",
                1 + n % 28,
                n % 100_000
            )
            .expect("write");
            rows += 1;
        }
    }
    out.flush().expect("flush");
    rows
}

fn run_vaxdesk(dir: &Path, csv: &Path) -> (Duration, String) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_vaxdesk"))
        .current_dir(dir)
        .env_remove("VAXDESK_DB")
        .env_remove("VAXDESK_CONFIG")
        .env("VAXDESK_NOW", "2026-11-25T12:00:00Z")
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .arg("--db")
        .arg(dir.join("vaxdesk.db"))
        .arg("import")
        .arg(csv)
        .stdin(Stdio::null())
        .output()
        .expect("run vaxdesk");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "vaxdesk import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (took, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The largest peak RSS of the children waited for so far (kilobytes on Linux).
fn peak_child_rss_kb() -> i64 {
    // SAFETY: getrusage writes into the zeroed struct we own.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) == 0 {
            usage.ru_maxrss
        } else {
            -1
        }
    }
}

/// The reference: the sqlite3 shell's `.import` into plain tables with vaxdesk's indexes.
const REFERENCE: &str = "PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE staging (id TEXT, family_name TEXT, given_name TEXT, birth_date TEXT,
    product TEXT, dose INTEGER, date TEXT, lot TEXT);
CREATE TABLE citizens (id INTEGER PRIMARY KEY, resident_id TEXT NOT NULL UNIQUE,
    family_name TEXT NOT NULL, given_name TEXT NOT NULL, birth_date TEXT NOT NULL);
CREATE INDEX citizens_by_name ON citizens (family_name, given_name, id);
CREATE TABLE injections (id INTEGER PRIMARY KEY, citizen_id INTEGER NOT NULL,
    product TEXT NOT NULL, dose INTEGER NOT NULL, given_on TEXT NOT NULL, lot TEXT);
CREATE INDEX injections_by_citizen ON injections (citizen_id, dose);
CREATE UNIQUE INDEX injections_live_dose ON injections (citizen_id, dose);
BEGIN;
.import --csv --skip 1 '{csv}' staging
INSERT OR IGNORE INTO citizens (resident_id, family_name, given_name, birth_date)
    SELECT id, family_name, given_name, birth_date FROM staging;
INSERT INTO injections (citizen_id, product, dose, given_on, lot)
    SELECT c.id, s.product, s.dose, s.date, s.lot
    FROM staging s JOIN citizens c ON c.resident_id = s.id;
COMMIT;
";

/// The floor: what vaxdesk writes for the same file, done set-based by the sqlite3 shell with
/// the desk's page cache: citizens with a 64-hex-digit keyed hash in a unique index, a sealed
/// id and a sort name; injections; one JSON event for each; the status view's two tables; and
/// eight name-search keys a citizen written in key order into the keys table and its
/// by-citizen index. (Citizen n's rows are lines 2n-1 and 2n, as generated.) No checks, no
/// parsing, no encryption: the cost of the writes alone.
const FLOOR: &str = "PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA cache_size=-49152;
CREATE TABLE staging (id TEXT, family_name TEXT, given_name TEXT, birth_date TEXT,
    product TEXT, dose INTEGER, date TEXT, lot TEXT);
CREATE TABLE citizens (id INTEGER PRIMARY KEY, id_lookup TEXT NOT NULL UNIQUE,
    resident_id_sealed BLOB NOT NULL, masked_id TEXT NOT NULL, family_name TEXT NOT NULL,
    given_name TEXT NOT NULL, family_name_icao TEXT NOT NULL, given_name_icao TEXT NOT NULL,
    birth_date TEXT NOT NULL, sort_name TEXT NOT NULL, compact_name TEXT NOT NULL,
    registered_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL) STRICT;
CREATE INDEX citizens_by_name ON citizens (sort_name, id);
CREATE TABLE injections (id INTEGER PRIMARY KEY, citizen_id INTEGER NOT NULL,
    product TEXT NOT NULL, dose INTEGER NOT NULL, series INTEGER NOT NULL,
    given_on TEXT NOT NULL, lot TEXT, country TEXT NOT NULL, centre TEXT,
    status TEXT NOT NULL, void_reason TEXT, version INTEGER NOT NULL DEFAULT 1,
    recorded_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL) STRICT;
CREATE INDEX injections_by_citizen ON injections (citizen_id, dose);
CREATE UNIQUE INDEX injections_live_dose ON injections (citizen_id, dose)
    WHERE status <> 'VOIDED';
CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, aggregate TEXT NOT NULL,
    actor TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL) STRICT;
CREATE TABLE view_citizens (citizen_id INTEGER PRIMARY KEY, id_lookup TEXT NOT NULL UNIQUE,
    masked_id TEXT NOT NULL, family_name TEXT NOT NULL, given_name TEXT NOT NULL,
    birth_date TEXT NOT NULL, last_change TEXT NOT NULL) STRICT;
CREATE TABLE view_injections (injection_id INTEGER PRIMARY KEY, citizen_id INTEGER NOT NULL,
    product TEXT NOT NULL, dose INTEGER NOT NULL, series INTEGER NOT NULL,
    given_on TEXT NOT NULL, status TEXT NOT NULL, last_change TEXT NOT NULL) STRICT;
CREATE INDEX view_injections_by_citizen ON view_injections (citizen_id, given_on, dose);
CREATE TABLE citizen_search_terms (shared INTEGER NOT NULL, term TEXT NOT NULL,
    citizen_id INTEGER NOT NULL, PRIMARY KEY (shared, term, citizen_id)) STRICT, WITHOUT ROWID;
CREATE INDEX citizen_search_terms_by_citizen ON citizen_search_terms (citizen_id);
BEGIN;
.import --csv --skip 1 '{csv}' staging
INSERT INTO citizens (id_lookup, resident_id_sealed, masked_id, family_name, given_name,
    family_name_icao, given_name_icao, birth_date, sort_name, compact_name, registered_at,
    updated_at, updated_by)
  SELECT lower(hex(randomblob(32))), randomblob(42), substr(id, 1, 8) || '******',
    family_name, given_name, 'KIM', 'MINJUN', birth_date, family_name || ' ' || given_name,
    family_name || given_name, '2026-11-25T12:00:00Z', '2026-11-25T12:00:00Z', 'manager:bench'
  FROM staging WHERE dose = 1;
INSERT INTO injections (citizen_id, product, dose, series, given_on, lot, country, status,
    recorded_at, updated_at, updated_by)
  SELECT (s.rowid + 1) / 2, s.product, s.dose, 2, s.date, s.lot, 'KR', 'ADMINISTERED',
    '2026-11-25T12:00:00Z', '2026-11-25T12:00:00Z', 'manager:bench'
  FROM staging s;
INSERT INTO events (type, aggregate, actor, at, data)
  SELECT 'CitizenRegistered', 'citizen:' || id, 'manager:bench', '2026-11-25T12:00:00Z',
    json_object('type', 'CitizenRegistered', 'citizen', id, 'id_lookup', id_lookup,
      'masked_id', masked_id, 'family_name', family_name, 'given_name', given_name,
      'family_name_icao', family_name_icao, 'given_name_icao', given_name_icao,
      'birth_date', birth_date)
  FROM citizens;
INSERT INTO events (type, aggregate, actor, at, data)
  SELECT 'InjectionRecorded', 'injection:' || id, 'manager:bench', '2026-11-25T12:00:00Z',
    json_object('type', 'InjectionRecorded', 'injection', id, 'citizen', citizen_id,
      'product', product, 'dose', dose, 'series', series, 'date', given_on, 'lot', lot,
      'country', country, 'centre', centre, 'status', status, 'version', 1)
  FROM injections;
INSERT INTO view_citizens SELECT id, id_lookup, masked_id, family_name, given_name, birth_date,
    registered_at FROM citizens;
INSERT INTO view_injections SELECT id, citizen_id, product, dose, series, given_on, status,
    recorded_at FROM injections;
INSERT INTO citizen_search_terms
  SELECT k.k, k.k || 'key' || c.family_name || c.given_name || char(31) || c.sort_name, c.id
  FROM citizens c,
    (WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < 7)
     SELECT k FROM k) k
  ORDER BY 1, 2, 3;
COMMIT;
";

/// Runs `script` in the sqlite3 shell on a new database `name` in `dir`: its wall time.
fn run_sqlite(dir: &Path, name: &str, script: &str) -> Option<Duration> {
    let start = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(dir.join(name))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()?
        .write_all(script.as_bytes())
        .expect("script");
    let out = child.wait_with_output().expect("sqlite3");
    let took = start.elapsed();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(took)
}
