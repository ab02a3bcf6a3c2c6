//! The relay to a PostgreSQL registry (issue 13), against the local server (127.0.0.1:5432,
//! trust authentication, a database of its own, dropped at the end):
//!
//! 1. throughput: a clinic of 100,000 events (50,000 CSV rows: registered + recorded) relayed
//!    by `vaxdesk relay --once` in batches of 1,000; events/s (goal: at least 10,000);
//! 2. lag: a running relay while this process commits 100 commands a second for 10 seconds
//!    (one citizen registered each, through the desk's use case); for each commit, the time
//!    until the registry holds its event (p50, p99, max; goal: within a second).
//!
//! `VAXDESK_BENCH_EVENTS=20000 cargo bench --bench relay` for a quick run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const SERVER: &str = "host=127.0.0.1 port=5432 user=root dbname=test";

fn main() {
    let events: usize = std::env::var("VAXDESK_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::Builder::new()
        .prefix("vaxdesk-bench-relay-")
        .tempdir()
        .expect("temporary folder");
    let db_name = format!("vaxdesk_bench_{}", std::process::id());
    let mut admin = postgres::Client::connect(SERVER, postgres::NoTls)
        .expect("PostgreSQL must answer at 127.0.0.1:5432 (database test, user root)");
    // One statement each: neither runs inside a transaction block.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db_name}"))
        .expect("drop an old bench database");
    admin
        .batch_execute(&format!("CREATE DATABASE {db_name}"))
        .expect("create the bench database");
    let url = format!("postgresql://root@127.0.0.1:5432/{db_name}");
    let result = std::panic::catch_unwind(|| bench(dir.path(), &url, &db_name, events));
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"));
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn vaxdesk(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vaxdesk"));
    c.current_dir(dir)
        .env_remove("VAXDESK_DB")
        .env_remove("VAXDESK_CONFIG")
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .arg("--db")
        .arg(dir.join("clinic.db"))
        .stdin(Stdio::null());
    c
}

fn ok(c: &mut Command, what: &str) -> String {
    let out = c.output().expect(what);
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn bench(dir: &Path, url: &str, db_name: &str, events: usize) {
    let key = dir.join("registry.key");
    ok(
        vaxdesk(dir)
            .args(["registry", "new-key", "--out"])
            .arg(&key),
        "new-key",
    );
    // The clinic: two events per row.
    let rows = events / 2;
    let csv = dir.join("people.csv");
    let mut text = String::from("id,family_name,given_name,birth_date,product,dose,date,lot\n");
    for i in 0..rows {
        text.push_str(&format!(
            "700101-1{i:06},Kim,P{i},1970-01-01,EU/1/20/1528,1,2021-03-01,L{}\n",
            i % 97
        ));
    }
    std::fs::write(&csv, text).expect("write the CSV");
    ok(vaxdesk(dir).arg("import").arg(&csv), "import");
    let _ = std::fs::remove_file(&csv);

    // 1. Throughput.
    let start = Instant::now();
    let out = ok(
        vaxdesk(dir)
            .args([
                "relay",
                "--to",
                url,
                "--clinic",
                "bench",
                "--once",
                "--registry-key",
            ])
            .arg(&key),
        "relay --once",
    );
    let took = start.elapsed().as_secs_f64();
    println!(
        "relay bench: {} events, batches of 1000, to {url}",
        rows * 2
    );
    println!("  {}", out.trim());
    println!(
        "  throughput: {:.2} s, {:.0} events/s (goal >= 10,000), process start included",
        took,
        (rows * 2) as f64 / took
    );

    // 2. Lag under a steady 100 commands/s.
    let mut relay = vaxdesk(dir)
        .args(["relay", "--to", url, "--clinic", "bench", "--registry-key"])
        .arg(&key)
        .stderr(match std::env::var_os("VAXDESK_BENCH_RELAY_LOG") {
            // The relay's own log (one line per batch), to see where time goes.
            Some(path) => Stdio::from(std::fs::File::create(path).expect("the relay's log")),
            None => Stdio::null(),
        })
        .spawn()
        .expect("start the relay");
    let conn = format!("host=127.0.0.1 port=5432 user=root dbname={db_name}");
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&conn, postgres::NoTls).expect("watch");
            let mut seen: Vec<(Instant, i64)> = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let max: i64 = client
                    .query_one(
                        "SELECT COALESCE(MAX(last_seq), 0) FROM vaxdesk_clinics",
                        &[],
                    )
                    .map(|r| r.get(0))
                    .unwrap_or(0);
                seen.push((Instant::now(), max));
                std::thread::sleep(Duration::from_millis(2));
            }
            seen
        })
    };
    let desk = open_desk(dir);
    let mut commits: Vec<(Instant, i64)> = Vec::new();
    let period = Duration::from_millis(10);
    let begin = Instant::now();
    for n in 0..1000usize {
        let due = begin + period * n as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let step = format!(
            "[[step]]\naction = \"register-citizen\"\nid = \"800101-2{n:06}\"\n\
             family_name = \"Lee\"\ngiven_name = \"L{n}\"\nbirth_date = \"1980-01-01\"\n"
        );
        vaxdesk::app::seed::apply_text(&desk, &format!("lag-{n}.toml"), &step).expect("register");
        let seq = last_seq(&dir.join("clinic.db"));
        commits.push((Instant::now(), seq));
    }
    let sent = begin.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::SeqCst);
    let seen = watcher.join().expect("watcher");
    let _ = relay.kill();
    let _ = relay.wait();
    let mut lags: Vec<f64> = commits
        .iter()
        .filter_map(|(at, seq)| {
            seen.iter()
                .find(|(t, max)| t >= at && max >= seq)
                .map(|(t, _)| (*t - *at).as_secs_f64() * 1000.0)
        })
        .collect();
    lags.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| lags[((lags.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "  lag at {:.0} commands/s for {:.1} s ({} of {} seen): p50 {:.0} ms, p99 {:.0} ms, \
         max {:.0} ms (goal: within 1 s)",
        commits.len() as f64 / sent,
        sent,
        lags.len(),
        commits.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    );
}

fn open_desk(dir: &Path) -> vaxdesk::app::Desk {
    let keys: PathBuf = dir.join("xdg-data/vaxdesk/keys");
    let ids = vaxdesk::privacy::IdKeys::load_or_create(&keys).expect("resident-id keys");
    vaxdesk::app::Desk::open(
        &dir.join("clinic.db"),
        ids,
        vaxdesk::config::Config::default(),
        Arc::new(vaxdesk::domain::SystemClock),
        vaxdesk::app::Faults::none(),
    )
    .expect("open the desk")
}

fn last_seq(db: &Path) -> i64 {
    thread_local! {
        static CONN: std::cell::OnceCell<rusqlite::Connection> = const { std::cell::OnceCell::new() };
    }
    CONN.with(|c| {
        c.get_or_init(|| rusqlite::Connection::open(db).expect("open"))
            .query_row("SELECT MAX(seq) FROM events", [], |r| r.get(0))
            .expect("last seq")
    })
}
