//! `vaxdesk backup` and `vaxdesk restore` through the binary: a backup taken while two desks
//! write holds every change acknowledged before it began and restores whole; a changed or
//! missing file is named and nothing is restored; a database that exists is replaced only with
//! --force, and one a desk has open never (a second process holds it open, as a desk does);
//! the backup is its owner's alone; the keys go where --keys says and read the restored ids.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

/// Set in a child process: hold the database open as a desk does, until told to stop.
const HOLD_DB: &str = "VAXDESK_TEST_HOLD_DB";
const HOLD_KEYS: &str = "VAXDESK_TEST_HOLD_KEYS";
const HOLD_SIGNALS: &str = "VAXDESK_TEST_HOLD_SIGNALS";
/// A seed text the holding desk applies first, its WAL never checkpointed (its pages stay in
/// the -wal file when the process is killed).
const HOLD_SEED: &str = "VAXDESK_TEST_HOLD_SEED";

/// In a child: opens a desk on the database (as `vaxdesk` does: its keys, WAL, catch-up),
/// says `ready`, and keeps it open until `stop` appears or it is killed.
fn hold_if_child() -> bool {
    let Ok(db) = std::env::var(HOLD_DB) else {
        return false;
    };
    let keys = PathBuf::from(std::env::var(HOLD_KEYS).unwrap());
    let signals = PathBuf::from(std::env::var(HOLD_SIGNALS).unwrap());
    let ids = vaxdesk::privacy::IdKeys::load_or_create(&keys).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let desk = vaxdesk::app::Desk::open_existing(
        Path::new(&db),
        ids,
        vaxdesk::config::Config::default(),
        Arc::new(vaxdesk::domain::FixedClock::new(now)),
        vaxdesk::app::Faults::none(),
    )
    .unwrap();
    if let Ok(text) = std::env::var(HOLD_SEED) {
        desk.conn()
            .execute_batch("PRAGMA wal_autocheckpoint = 0")
            .unwrap();
        vaxdesk::app::seed::apply_text(&desk, "late.toml", &text).unwrap();
    }
    std::fs::write(signals.join("ready"), "").unwrap();
    let start = Instant::now();
    while !signals.join("stop").exists() && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// A second process holding `desk`'s database open, started by re-running `test` in child
/// mode; returns once its desk is open.
struct Holder {
    child: Child,
    signals: PathBuf,
}

impl Holder {
    fn start(desk: &Desk, test: &str, seed: Option<&str>) -> Holder {
        let signals = desk.path(&format!("hold-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&signals);
        std::fs::create_dir_all(&signals).unwrap();
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(HOLD_DB, &desk.db)
            .env(HOLD_KEYS, desk.keys_dir())
            .env(HOLD_SIGNALS, &signals)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(text) = seed {
            cmd.env(HOLD_SEED, text);
        }
        let mut child = cmd.spawn().expect("a holding desk starts");
        let start = Instant::now();
        while !signals.join("ready").exists() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the holding desk ended before it was ready"
            );
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "holder not ready"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        Holder { child, signals }
    }

    /// Closes its desk as a desk closes, and waits for the process.
    fn stop(mut self) {
        std::fs::write(self.signals.join("stop"), "").unwrap();
        assert!(self.child.wait().unwrap().success());
    }

    /// Ends the process at once (a desk that crashed): its -wal and -shm stay behind.
    fn kill(mut self) {
        self.child.kill().unwrap();
        let _ = self.child.wait();
    }
}

/// Citizens `first..first+n`, each with one administered dose.
fn people(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| {
            let id = rrn(i);
            register(&id, "이", &format!("서연{i}"), &rrn_birth(i))
                + &inject(&id, 1, "2021-06-01", &format!("L{i}"))
        })
        .collect()
}

/// A desk with `n` citizens.
fn desk_with(n: usize) -> Desk {
    let desk = Desk::new();
    desk.seed_ok("people.toml", &people(0, n));
    desk
}

/// `vaxdesk restore DIR --db DB --keys KEYS [more]` in the desk's folder.
fn restore(desk: &Desk, dir: &Path, db: &Path, keys: &Path, more: &[&str]) -> Run {
    let mut c = desk.bare();
    c.arg("--db").arg(db).arg("--keys").arg(keys);
    c.arg("restore").arg(dir).args(more);
    run(&mut c)
}

/// `vaxdesk --db DB --keys KEYS ARGS`.
fn on(desk: &Desk, db: &Path, keys: &Path, args: &[&str]) -> Run {
    let mut c = desk.bare();
    c.arg("--db").arg(db).arg("--keys").arg(keys).args(args);
    run(&mut c)
}

fn registered_in(desk: &Desk, db: &Path, keys: &Path) -> BTreeSet<String> {
    let r = on(desk, db, keys, &["events", "--json"]).ok();
    match r.json() {
        serde_json::Value::Array(events) => registered_set(&events),
        other => panic!("events --json is not an array: {other}"),
    }
}

fn integrity(db: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// The manifest's file names.
fn manifest_names(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("MANIFEST")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    value["file"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for name in files_under(from) {
        let target = to.join(&name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&name), target).unwrap();
    }
}

fn flip_a_byte(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(file, bytes).unwrap();
}

#[test]
fn a_backup_taken_while_two_desks_write_holds_every_change_acknowledged_before_it() {
    let desk = desk_with(300);
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new((0..300).map(rrn).collect()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = [10_000usize, 20_000]
        .into_iter()
        .map(|base| {
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            let (dir, db, now) = (
                desk.dir.path().to_path_buf(),
                desk.db.clone(),
                desk.now.clone(),
            );
            std::thread::spawn(move || {
                let mut round = 0;
                while !stop.load(Ordering::SeqCst) {
                    let first = base + round * 3;
                    let name = format!("w{base}-{round}.toml");
                    std::fs::write(dir.join(&name), people(first, 3)).unwrap();
                    let mut c = Command::new(BIN);
                    c.current_dir(&dir)
                        .env_remove("VAXDESK_DB")
                        .env("VAXDESK_NOW", &now)
                        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
                        .env("XDG_DATA_HOME", dir.join("xdg-data"))
                        .arg("--db")
                        .arg(&db)
                        .args(["seed", &name]);
                    run(&mut c).ok();
                    // Acknowledged: the command exited 0, its transaction committed.
                    acknowledged
                        .lock()
                        .unwrap()
                        .extend((first..first + 3).map(rrn));
                    round += 1;
                }
            })
        })
        .collect();
    let wait_for = |n: usize| {
        let start = Instant::now();
        while acknowledged.lock().unwrap().len() < n {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "writers stalled"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait_for(300 + 12);
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let dir = desk.path("backup");
    let r = desk.run(&["backup", dir.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("Backed up"), "{}", r.stdout);
    // The writers went on during and after it.
    wait_for(before.len() + 12);
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }

    assert_eq!(integrity(&dir.join("vaxdesk.db")), "ok");
    let db = desk.path("restored/clinic.db");
    let keys = desk.path("restored/keys");
    let r = restore(&desk, &dir, &db, &keys, &[]).ok();
    assert!(r.stdout.contains("integrity    ok"), "{}", r.stdout);
    assert!(r.stdout.contains("All well"), "{}", r.stdout);
    on(&desk, &db, &keys, &["doctor"]).ok();
    on(&desk, &db, &keys, &["rebuild-views", "--check"]).ok();

    let restored = registered_in(&desk, &db, &keys);
    let live = registered_in(&desk, &desk.db, &desk.keys_dir());
    for id in &before {
        assert!(
            restored.contains(&desk.lookup(id)),
            "{id} was acknowledged before the backup began but is not in it"
        );
    }
    assert!(
        restored.is_subset(&live),
        "the backup holds only what was written"
    );
    assert!(
        restored.len() < live.len(),
        "the writers went on after the backup"
    );
    // The restored desk reads its sealed ids.
    for id in before.iter().step_by(50) {
        let s = on(&desk, &db, &keys, &["status", "--citizen", id, "--json"])
            .ok()
            .json();
        assert_eq!(s["citizen"]["id"], id.as_str());
    }
}

#[test]
fn a_flipped_byte_in_the_database_or_a_key_file_is_refused_naming_the_file() {
    let desk = desk_with(20);
    let dir = desk.path("backup");
    desk.run(&["backup", dir.to_str().unwrap()]).ok();
    for file in ["vaxdesk.db", "keys/resident-ids.key"] {
        let damaged = desk.path(&format!("damaged-{}", file.replace('/', "-")));
        copy_dir(&dir, &damaged);
        flip_a_byte(&damaged.join(file));
        let db = desk.path("new/clinic.db");
        let keys = desk.path("new/keys");
        let r = restore(&desk, &damaged, &db, &keys, &[]).refused();
        assert!(
            r.stderr.contains(&format!("{file} changed")),
            "{file}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("nothing was restored"), "{}", r.stderr);
        assert!(
            !db.exists() && !keys.exists(),
            "{file}: something was restored"
        );
        assert!(!desk.path("new").exists(), "{file}: a folder was made");
        // Over an existing database, even with --force, nothing changes either.
        let before = std::fs::read(&desk.db).unwrap();
        let r = restore(&desk, &damaged, &desk.db, &desk.keys_dir(), &["--force"]).refused();
        assert!(
            r.stderr.contains(&format!("{file} changed")),
            "{}",
            r.stderr
        );
        assert_eq!(std::fs::read(&desk.db).unwrap(), before);
    }
}

#[test]
fn a_missing_file_or_manifest_is_named_and_nothing_is_restored() {
    let desk = desk_with(5);
    let dir = desk.path("backup");
    desk.run(&["backup", dir.to_str().unwrap()]).ok();
    let db = desk.path("new/clinic.db");
    let keys = desk.path("new/keys");

    let lost_key = desk.path("lost-key");
    copy_dir(&dir, &lost_key);
    std::fs::remove_file(lost_key.join("keys/current")).unwrap();
    let r = restore(&desk, &lost_key, &db, &keys, &[]).refused();
    assert!(r.stderr.contains("keys/current is missing"), "{}", r.stderr);

    let lost_db = desk.path("lost-db");
    copy_dir(&dir, &lost_db);
    std::fs::remove_file(lost_db.join("vaxdesk.db")).unwrap();
    let r = restore(&desk, &lost_db, &db, &keys, &[]).refused();
    assert!(r.stderr.contains("vaxdesk.db is missing"), "{}", r.stderr);

    let unfinished = desk.path("unfinished");
    copy_dir(&dir, &unfinished);
    std::fs::remove_file(unfinished.join("MANIFEST")).unwrap();
    let r = restore(&desk, &unfinished, &db, &keys, &[]).refused();
    assert!(r.stderr.contains("MANIFEST"), "{}", r.stderr);
    assert!(!desk.path("new").exists(), "something was restored");

    // Where it goes is never guessed.
    let r = run(desk.bare().arg("restore").arg(&dir)).refused();
    assert!(r.stderr.contains("restore needs --db PATH"), "{}", r.stderr);
}

#[test]
fn an_existing_database_is_refused_without_force_and_replaced_whole_with_it() {
    if hold_if_child() {
        return;
    }
    let desk = desk_with(5);
    let dir = desk.path("backup");
    desk.run(&["backup", dir.to_str().unwrap()]).ok();
    desk.seed_ok("later.toml", &people(100, 1));

    let r = restore(&desk, &dir, &desk.db, &desk.keys_dir(), &[]).refused();
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    desk.status(&rrn(100));

    // A desk that crashed after writing leaves its -wal behind, holding that change.
    Holder::start(
        &desk,
        "an_existing_database_is_refused_without_force_and_replaced_whole_with_it",
        Some(&people(200, 1)),
    )
    .kill();
    assert!(std::fs::metadata(format!("{}-wal", desk.db.display())).is_ok_and(|m| m.len() > 0));

    let r = restore(&desk, &dir, &desk.db, &desk.keys_dir(), &["--force"]).ok();
    assert!(
        r.stdout.contains("it replaced the one there"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("All well"), "{}", r.stdout);
    // The backup's state, whole: neither the later change nor the old -wal's.
    desk.assert_not_registered(&rrn(100));
    desk.assert_not_registered(&rrn(200));
    desk.status(&rrn(4));
    desk.run(&["doctor"]).ok();
    // No temporary file is left beside it.
    let left: Vec<String> = std::fs::read_dir(desk.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_database_a_desk_has_open_is_never_replaced_even_with_force() {
    if hold_if_child() {
        return;
    }
    let desk = desk_with(5);
    let dir = desk.path("backup");
    desk.run(&["backup", dir.to_str().unwrap()]).ok();
    desk.seed_ok("later.toml", &people(100, 1));
    let before = std::fs::read(&desk.db).unwrap();

    let holder = Holder::start(
        &desk,
        "a_database_a_desk_has_open_is_never_replaced_even_with_force",
        None,
    );
    let r = restore(&desk, &dir, &desk.db, &desk.keys_dir(), &["--force"]).refused();
    assert!(r.stderr.contains("is open in a desk"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was restored"), "{}", r.stderr);
    assert_eq!(std::fs::read(&desk.db).unwrap(), before);
    holder.stop();

    desk.status(&rrn(100));
    restore(&desk, &dir, &desk.db, &desk.keys_dir(), &["--force"]).ok();
    desk.assert_not_registered(&rrn(100));
}

#[cfg(unix)]
#[test]
fn the_backup_is_its_owners_alone_and_a_used_folder_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let desk = desk_with(5);
    let dir = desk.path("backups/monday");
    desk.run(&["backup", dir.to_str().unwrap()]).ok();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("keys")), 0o700);
    let files = files_under(&dir);
    assert!(files.len() >= 6, "{files:?}");
    for f in &files {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    // Every file is in the manifest, and the manifest names the signing keys too.
    let mut named = manifest_names(&dir);
    named.push("MANIFEST".into());
    named.sort();
    assert_eq!(named, files);
    assert!(files.iter().any(|f| f.starts_with("keys/private-signer-")));
    assert!(files.contains(&"keys/resident-ids.key".to_string()));

    // An empty folder that exists is taken (and made private); one with anything in it is not.
    let empty = desk.path("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o755)).unwrap();
    desk.run(&["backup", empty.to_str().unwrap()]).ok();
    assert_eq!(mode(&empty), 0o700);
    let r = desk.run(&["backup", dir.to_str().unwrap()]).refused();
    assert!(r.stderr.contains(dir.to_str().unwrap()), "{}", r.stderr);
    assert!(r.stderr.contains("not empty"), "{}", r.stderr);
    assert_eq!(files_under(&dir), files);
}

#[test]
fn without_keys_the_backup_has_none_and_restore_needs_them() {
    let desk = desk_with(5);
    let dir = desk.path("backup");
    let r = desk
        .run(&["backup", "--without-keys", dir.to_str().unwrap()])
        .ok();
    assert!(r.stdout.contains("the keys were left out"), "{}", r.stdout);
    assert_eq!(manifest_names(&dir), ["vaxdesk.db"]);
    assert_eq!(files_under(&dir), ["MANIFEST", "vaxdesk.db"]);

    let db = desk.path("new/clinic.db");
    let r = restore(&desk, &dir, &db, &desk.path("empty-keys"), &[]).refused();
    assert!(r.stderr.contains("--without-keys"), "{}", r.stderr);
    assert!(!db.exists());
    // With the desk's own keys folder it restores and reads its ids.
    restore(&desk, &dir, &db, &desk.keys_dir(), &[]).ok();
    let s = on(
        &desk,
        &db,
        &desk.keys_dir(),
        &["status", "--citizen", &rrn(3), "--json"],
    )
    .ok()
    .json();
    assert_eq!(s["citizen"]["id"], rrn(3).as_str());
}

#[test]
fn restore_puts_the_keys_in_the_keys_folder_and_the_restored_desk_reads_its_ids() {
    let desk = desk_with(5);
    let dir = desk.path("backup");
    desk.run(&["backup", dir.to_str().unwrap()]).ok();

    // A keys folder holding another database's resident-id key is never overwritten.
    let other = Desk::new();
    let db = desk.path("new/clinic.db");
    let r = restore(&desk, &dir, &db, &other.keys_dir(), &["--force"]).refused();
    assert!(r.stderr.contains("resident-ids.key"), "{}", r.stderr);
    assert!(!db.exists());

    let keys = desk.path("new/keys");
    let r = restore(&desk, &dir, &db, &keys, &[]).ok();
    assert!(
        r.stdout.contains("written, 0 already there"),
        "{}",
        r.stdout
    );
    for name in files_under(&desk.keys_dir()) {
        assert_eq!(
            std::fs::read(keys.join(&name)).unwrap(),
            std::fs::read(desk.keys_dir().join(&name)).unwrap(),
            "{name}"
        );
    }
    let s = on(
        &desk,
        &db,
        &keys,
        &["status", "--citizen", &rrn(2), "--json"],
    )
    .ok()
    .json();
    assert_eq!(s["citizen"]["id"], rrn(2).as_str());
    assert_eq!(s["injections"][0]["status"], "ADMINISTERED");
}

#[cfg(unix)]
#[test]
fn the_desk_open_in_a_terminal_keeps_its_database_from_being_replaced() {
    use std::io::Read;
    let desk = desk_with(3);
    let dir = desk.path("backup");
    desk.run(&["backup", dir.to_str().unwrap()]).ok();
    let before = std::fs::read(&desk.db).unwrap();
    let (master, mut child) = desk.spawn_in_pty(&["--role", "citizen"], &[], 80);
    let mut reader = master.try_clone_reader().expect("a PTY reader");
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
    });
    // The desk logs that it opened the database before its first screen.
    let log = desk.path("xdg-data/vaxdesk/vaxdesk.log");
    let start = Instant::now();
    while !std::fs::read_to_string(&log).is_ok_and(|t| t.contains("desk opened")) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the desk did not open"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = restore(&desk, &dir, &desk.db, &desk.keys_dir(), &["--force"]).refused();
    assert!(r.stderr.contains("is open in a desk"), "{}", r.stderr);
    assert_eq!(std::fs::read(&desk.db).unwrap(), before);
    // Once the desk is gone (even killed), the database can be replaced.
    let _ = child.kill();
    let _ = child.wait();
    drop(master);
    restore(&desk, &dir, &desk.db, &desk.keys_dir(), &["--force"]).ok();
    desk.status(&rrn(2));
}
