//! `vaxdesk seed` at a clinic's size, beside the sqlite3 shell importing the same rows.
//!
//! Run with `cargo bench --bench seed` (default: 100k and 1M citizens) or
//! `cargo bench --bench seed -- 100000` for chosen sizes (`VAXDESK_SEED_CITIZENS=100000,250000`
//! works too). `VAXDESK_BIN` runs another build of vaxdesk (to compare before and after).
//!
//! For each size N the generator writes a seed file of N `register-citizen` steps, each followed
//! by two `record-injection` steps, straight to a temporary folder (never held in memory). The
//! built binary applies it (`vaxdesk --db … seed FILE`, one process, to a new database) and its
//! CPU time and peak memory are read from the kernel (`wait4`). Then the citizens and
//! injections it stored are written out as CSV, and the `sqlite3` shell `.import`s them into
//! plain tables with the same columns and the same indexes: the floor for the same rows. The
//! ratio is CPU per row against that floor (target ≤ 4x), and the peak memory has a target of
//! ≤ 100 MB at any size. Each side shows the median of three runs (the seed runs once above
//! 200k citizens, where a run takes minutes).

use chrono::{Datelike, Duration as Days, NaiveDate};
use rusqlite::Connection;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PRODUCT: &str = "EU/1/20/1528";
const ACTOR: &str = "manager:park.jiyoung";
const FAMILY: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const SYLLABLE: &[&str] = &[
    "민", "준", "서", "연", "지", "훈", "하", "늘", "예", "은", "도", "윤", "수", "아", "현", "우",
];

fn main() -> Res<()> {
    let sizes = sizes()?;
    let bin = std::env::var_os("VAXDESK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_vaxdesk")));
    println!("vaxdesk seed against sqlite3 .import ({})", bin.display());
    println!(
        "{:>9}  {:>10} {:>10} {:>9}  {:>10} {:>10} {:>9}  {:>7}",
        "citizens",
        "seed wall",
        "seed cpu",
        "seed rss",
        "sqlite wall",
        "sqlite cpu",
        "sqlite rss",
        "cpu x"
    );
    for n in sizes {
        let dir = tempfile::tempdir()?;
        let r = measure(&bin, dir.path(), n)?;
        println!(
            "{:>9}  {:>10} {:>10} {:>9}  {:>10} {:>10} {:>9}  {:>6.2}x   peak ≤ 100 MB: {}, cpu ≤ 4x: {}",
            n,
            secs(r.seed.wall),
            secs(r.seed.cpu),
            mb(r.seed.max_rss_kb),
            secs(r.sqlite.wall),
            secs(r.sqlite.cpu),
            mb(r.sqlite.max_rss_kb),
            r.seed.cpu.as_secs_f64() / r.sqlite.cpu.as_secs_f64(),
            verdict(r.seed.max_rss_kb <= 100 * 1024),
            verdict(r.seed.cpu.as_secs_f64() <= 4.0 * r.sqlite.cpu.as_secs_f64()),
        );
        println!(
            "{:>9}  seed file {} MB, {} rows (citizens + injections)",
            "",
            r.file_bytes / 1_000_000,
            r.rows
        );
    }
    Ok(())
}

/// The sizes: command-line numbers, else `VAXDESK_SEED_CITIZENS`, else 100k and 1M.
fn sizes() -> Res<Vec<usize>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let text = if !args.is_empty() {
        args.join(",")
    } else {
        std::env::var("VAXDESK_SEED_CITIZENS").unwrap_or_else(|_| "100000,1000000".into())
    };
    text.split(',')
        .map(|s| match s.trim().replace('_', "").parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{s:?}: want a number of citizens like 100000").into()),
        })
        .collect()
}

struct Figures {
    seed: Usage,
    sqlite: Usage,
    file_bytes: u64,
    rows: u64,
}

fn measure(bin: &Path, dir: &Path, citizens: usize) -> Res<Figures> {
    let file = dir.join("clinic.toml");
    write_seed(&file, citizens)?;
    let file_bytes = std::fs::metadata(&file)?.len();
    // One process's CPU time on a 2-core machine spreads by ±20% from run to run.
    let seed_runs = if citizens <= 200_000 { RUNS } else { 1 };
    let mut seeds = vec![];
    let home = |run_no: usize| dir.join(format!("desk-{run_no}"));
    for run_no in 0..seed_runs {
        let home = home(run_no);
        let db = home.join("desk.db");
        std::fs::create_dir_all(&home)?;
        let mut seed = Command::new(bin);
        seed.arg("--db")
            .arg(&db)
            .arg("seed")
            .arg(&file)
            .env_remove("VAXDESK_DB")
            .env_remove("VAXDESK_CONFIG")
            .env_remove("VAXDESK_FAULTS")
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("XDG_DATA_HOME", home.join("xdg-data"));
        seeds.push(run(&mut seed, "vaxdesk seed")?);
        if run_no + 1 < seed_runs {
            std::fs::remove_dir_all(&home)?;
        }
    }
    std::fs::remove_file(&file)?;

    let (script, rows) = export_rows(&home(seed_runs - 1).join("desk.db"), dir)?;
    let mut imports = vec![];
    for run_no in 0..RUNS {
        let plain = dir.join(format!("plain-{run_no}.db"));
        let mut import = Command::new("sqlite3");
        import.arg(&plain).stdin(File::open(&script)?);
        imports.push(run(&mut import, "sqlite3 .import")?);
        let imported: i64 = Connection::open(&plain)?.query_row(
            "SELECT (SELECT COUNT(*) FROM citizens) + (SELECT COUNT(*) FROM injections)",
            [],
            |r| r.get(0),
        )?;
        if imported as u64 != rows || rows != 3 * citizens as u64 {
            return Err(format!(
                "rows: seeded {rows}, imported {imported}, want {}",
                3 * citizens
            )
            .into());
        }
        std::fs::remove_file(&plain)?;
    }
    Ok(Figures {
        seed: median(seeds),
        sqlite: median(imports),
        file_bytes,
        rows,
    })
}

/// Runs of the sqlite3 reference at every size, and of the seed up to 200k citizens.
const RUNS: usize = 3;

/// The run with the median CPU time (its wall time and memory with it).
fn median(mut runs: Vec<Usage>) -> Usage {
    runs.sort_by_key(|u| u.cpu);
    runs.swap_remove(runs.len() / 2)
}

/// N citizens with two Comirnaty doses each, 21 days apart in 2021, written as they are made.
fn write_seed(path: &Path, citizens: usize) -> Res<()> {
    let mut out = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let first_day = NaiveDate::from_ymd_opt(2021, 3, 1).ok_or("date")?;
    for i in 0..citizens {
        let birth = NaiveDate::from_ymd_opt(
            1940 + (i % 65) as i32,
            1 + (i % 12) as u32,
            1 + (i % 28) as u32,
        )
        .ok_or("date")?;
        // YYMMDD, the century digit the birth year implies, a serial unique per citizen.
        let century = if birth.year() < 2000 { 1 } else { 3 } + i % 2;
        let id = format!("{}-{century}{:06}", birth.format("%y%m%d"), i % 1_000_000);
        let id = if i < 1_000_000 {
            id
        } else {
            format!("{id}-{}", i / 1_000_000)
        };
        let day1 = first_day + Days::days((i % 200) as i64);
        writeln!(
            out,
            "[[step]]\naction = \"register-citizen\"\nid = \"{id}\"\nfamily_name = \"{}\"\n\
             given_name = \"{}{}\"\nbirth_date = \"{}\"\nactor = \"{ACTOR}\"\n\
             at = \"{}T09:05:00+09:00\"\n",
            FAMILY[i % FAMILY.len()],
            SYLLABLE[i % SYLLABLE.len()],
            SYLLABLE[(i / SYLLABLE.len()) % SYLLABLE.len()],
            birth.format("%Y-%m-%d"),
            day1.format("%Y-%m-%d"),
        )?;
        for dose in 1..=2u32 {
            let day = (day1 + Days::days(21 * i64::from(dose - 1))).format("%Y-%m-%d");
            writeln!(
                out,
                "[[step]]\naction = \"record-injection\"\ncitizen = \"{id}\"\n\
                 product = \"{PRODUCT}\"\ndose = {dose}\ndate = \"{day}\"\n\
                 lot = \"FA{:04}\"\nactor = \"{ACTOR}\"\nat = \"{day}T09:30:00+09:00\"\n",
                (i * 7 + dose as usize) % 9973
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Writes the seeded citizens and injections as CSV and a sqlite3 script that imports them
/// into plain tables (same columns, no constraints) with the seeded tables' own indexes.
fn export_rows(db: &Path, dir: &Path) -> Res<(PathBuf, u64)> {
    let conn = Connection::open(db)?;
    let mut script = String::from("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n");
    let mut rows = 0;
    for table in ["citizens", "injections"] {
        // The integer primary key stays the rowid, as in the desk's table.
        let cols: Vec<String> = conn
            .prepare(&format!(
                "SELECT name || IIF(pk = 1, ' INTEGER PRIMARY KEY', '') \
                 FROM pragma_table_info('{table}') ORDER BY cid"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        script += &format!("CREATE TABLE {table} ({});\n", cols.join(", "));
        let indexes: Vec<String> = conn
            .prepare(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 \
                 AND sql IS NOT NULL",
            )?
            .query_map([table], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for sql in indexes {
            script += &format!("{sql};\n");
        }
        // The unique columns the tables declare inline keep their unique index too.
        let uniques: Vec<String> = conn
            .prepare(&format!(
                "SELECT ii.name FROM pragma_index_list('{table}') il, pragma_index_info(il.name) ii \
                 WHERE il.origin = 'u'"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for col in uniques {
            script += &format!("CREATE UNIQUE INDEX {table}_{col}_unique ON {table} ({col});\n");
        }
        let csv = dir.join(format!("{table}.csv"));
        rows += write_csv(&conn, table, cols.len(), &csv)?;
        script += &format!(".import --csv {} {table}\n", csv.display());
    }
    let path = dir.join("import.sql");
    std::fs::write(&path, script)?;
    Ok((path, rows))
}

fn write_csv(conn: &Connection, table: &str, cols: usize, path: &Path) -> Res<u64> {
    use rusqlite::types::ValueRef;
    let mut out = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))?;
    let mut q = stmt.query([])?;
    let mut n = 0;
    while let Some(r) = q.next()? {
        for c in 0..cols {
            if c > 0 {
                out.write_all(b",")?;
            }
            match r.get_ref(c)? {
                ValueRef::Null => {}
                ValueRef::Integer(i) => write!(out, "{i}")?,
                ValueRef::Real(f) => write!(out, "{f}")?,
                ValueRef::Text(t) => {
                    let t = String::from_utf8_lossy(t).replace('"', "\"\"");
                    write!(out, "\"{t}\"")?
                }
                // Sealed ids: as hex text, about the size they take in the row.
                ValueRef::Blob(b) => {
                    for byte in b {
                        write!(out, "{byte:02x}")?;
                    }
                }
            }
        }
        out.write_all(b"\n")?;
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

/// What one child process cost, as the kernel counted it.
struct Usage {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: i64,
}

fn run(cmd: &mut Command, what: &str) -> Res<Usage> {
    let start = Instant::now();
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and `pid` is our own child, not yet waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if waited != pid {
        return Err(format!("{what}: wait4 failed: {}", std::io::Error::last_os_error()).into());
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        return Err(format!("{what} failed ({status}): {err}").into());
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok(Usage {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        max_rss_kb: usage.ru_maxrss,
    })
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn mb(kb: i64) -> String {
    format!("{} MB", kb / 1024)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}
