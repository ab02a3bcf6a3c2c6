//! CSV import at scale, against its reference in the same run (issue 12): 1,000,000 rows
//! (500,000 citizens, two injections each) generated to a temporary CSV, imported by the
//! `vaxdesk` binary this bench is built with (release), then by the `sqlite3` shell's
//! `.import` of the same file into a plain staging table, split into plain `citizens` and
//! `injections` tables with the indexes vaxdesk keeps on them, in one transaction, with the
//! same durability settings (WAL, synchronous=FULL).
//!
//! Prints both wall times, their ratio (target: at most 3x) and vaxdesk's peak resident memory
//! (target: under 100 MB), read with getrusage(RUSAGE_CHILDREN) right after vaxdesk exits and
//! before sqlite3 starts. `VAXDESK_BENCH_ROWS=20000 cargo bench --bench import` for a quick
//! run. Needs `sqlite3` on the PATH (apt-get install sqlite3); without it only vaxdesk is timed.

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

    match run_sqlite(dir.path(), &csv) {
        Some(reference) => {
            println!("sqlite3 .import: {:>8.2} s", secs(reference));
            println!(
                "ratio vaxdesk / sqlite3: {:.2}x (target <= 3x)",
                secs(vaxdesk) / secs(reference).max(1e-9)
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
fn run_sqlite(dir: &Path, csv: &Path) -> Option<Duration> {
    let script = format!(
        "PRAGMA journal_mode=WAL;
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
.import --csv --skip 1 '{}' staging
INSERT OR IGNORE INTO citizens (resident_id, family_name, given_name, birth_date)
    SELECT id, family_name, given_name, birth_date FROM staging;
INSERT INTO injections (citizen_id, product, dose, given_on, lot)
    SELECT c.id, s.product, s.dose, s.date, s.lot
    FROM staging s JOIN citizens c ON c.resident_id = s.id;
COMMIT;
",
        csv.display()
    );
    let start = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(dir.join("reference.db"))
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
