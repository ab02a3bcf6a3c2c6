//! The audit log and the files at rest, through the binary: `vaxdesk audit` and its filters,
//! certificate exports on record, UPDATE and DELETE refused by plain SQL, an edit made outside
//! vaxdesk found by `doctor`, files private to their owner (and `doctor` warning when they are
//! not), and no plain resident id anywhere in the database file or its WAL.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::*;

const KIM: &str = "900101-1234567";
const KIM_COMPACT: &str = "9001011234567";
const KIM_MASKED: &str = "900101-1******";
const LEE: &str = "850505-2345678";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// KIM and LEE registered, dose 1 of each issued.
fn history() -> String {
    [
        register(KIM, "김", "민준", "1990-01-01"),
        register(LEE, "이", "서연", "1985-05-05"),
        inject(KIM, 1, "2021-06-01", "FA4598"),
        inject(LEE, 1, "2021-06-02", "FA4599"),
        apply(KIM, 1),
        apply(LEE, 1),
        issue(KIM, 1),
        issue(LEE, 1),
    ]
    .concat()
}

fn audit(desk: &Desk, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "--json"];
    all.extend_from_slice(args);
    match desk.run(&all).ok().json() {
        Value::Array(a) => a,
        other => panic!("audit --json is not an array: {other}"),
    }
}

fn actions(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["action"].as_str().expect("action").to_string())
        .collect()
}

/// Runs as `user` (`$USER`).
fn as_user(desk: &Desk, user: &str, args: &[&str]) -> Run {
    let mut c = desk.command();
    c.env("USER", user).args(args);
    run(&mut c)
}

fn export_kim(desk: &Desk, user: &str, out: &str) -> Run {
    as_user(
        desk,
        user,
        &[
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "1",
            "--format",
            "hc1",
            "--out",
            out,
        ],
    )
}

/// The internal number of a citizen (plain SQL on the keyed hash).
fn internal_id(desk: &Desk, id: &str) -> i64 {
    let conn = rusqlite::Connection::open(&desk.db).expect("open");
    conn.query_row(
        "SELECT id FROM citizens WHERE id_lookup = ?1",
        [desk.lookup(id)],
        |r| r.get(0),
    )
    .expect("the citizen is registered")
}

fn open(desk: &Desk) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&desk.db).expect("open the database");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy timeout");
    conn
}

#[test]
fn rows_have_the_documented_shape_and_chain() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    export_kim(&desk, "clerk", "kim.txt").ok();
    let rows = audit(&desk, &[]);
    assert!(rows.len() >= 2, "{rows:?}");
    let expected: BTreeSet<&str> = [
        "seq",
        "at",
        "actor",
        "host",
        "terminal",
        "process",
        "action",
        "citizen",
        "citizen_masked_id",
        "result",
        "detail",
        "hash",
        "prev_hash",
    ]
    .into_iter()
    .collect();
    for (i, r) in rows.iter().enumerate() {
        let keys: BTreeSet<&str> = r
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, expected, "{r}");
        assert_eq!(r["seq"].as_i64(), Some(i as i64 + 1), "oldest first: {r}");
        assert!(r["process"].as_u64().is_some_and(|p| p > 0), "{r}");
        assert!(!r["host"].as_str().unwrap_or_default().is_empty(), "{r}");
        assert_eq!(r["hash"].as_str().map(str::len), Some(64), "{r}");
        let prev = if i == 0 {
            GENESIS
        } else {
            rows[i - 1]["hash"].as_str().unwrap()
        };
        assert_eq!(r["prev_hash"], prev, "{r}");
    }
    let seed = &rows[0];
    assert_eq!(seed["action"], "seed");
    assert_eq!(seed["actor"], "seed:kim.toml");
    assert_eq!(seed["result"], "ok");
    assert_eq!(seed["at"], NOW);
    assert_eq!(seed["citizen"], Value::Null);
    assert_eq!(seed["citizen_masked_id"], Value::Null);
    assert!(
        seed["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("8 steps"),
        "{seed}"
    );
}

#[test]
fn an_export_is_on_record_with_the_masked_id_only() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    let uvci: String = open(&desk)
        .query_row(
            "SELECT uvci FROM certificates WHERE citizen_id = ?1",
            [internal_id(&desk, KIM)],
            |r| r.get(0),
        )
        .expect("issued");
    // A failed export leaves no row.
    export_kim(&desk, "clerk", "no/such/folder/kim.txt").refused();
    assert!(audit(&desk, &["--citizen", KIM]).is_empty());

    export_kim(&desk, "clerk", "kim.txt").ok();
    as_user(
        &desk,
        "clerk",
        &[
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "1",
            "--format",
            "svg",
        ],
    )
    .ok();
    let rows = audit(&desk, &["--citizen", KIM]);
    assert_eq!(actions(&rows), ["export certificate", "export certificate"]);
    for (r, how) in rows.iter().zip(["as hc1", "as svg"]) {
        assert_eq!(r["actor"], "admin:clerk", "{r}");
        assert_eq!(r["result"], "ok", "{r}");
        assert_eq!(r["citizen"], internal_id(&desk, KIM), "{r}");
        assert_eq!(r["citizen_masked_id"], KIM_MASKED, "{r}");
        assert_eq!(r["detail"], format!("{uvci} {how}"), "{r}");
    }

    let text = desk.run(&["audit", "--citizen", KIM_COMPACT]).ok().stdout;
    let n = internal_id(&desk, KIM);
    assert!(
        text.contains(&format!("#{n} {KIM_MASKED}")),
        "the citizen column:\n{text}"
    );
    assert!(text.contains("export certificate"), "{text}");
    for shown in [
        text,
        desk.run(&["audit"]).ok().stdout,
        desk.run(&["audit", "--json"]).ok().stdout,
    ] {
        assert!(
            !shown.contains(KIM) && !shown.contains(KIM_COMPACT) && !shown.contains("1234567"),
            "a plain resident id is shown:\n{shown}"
        );
    }
}

#[test]
fn citizen_and_actor_filters() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    export_kim(&desk, "clerk", "kim.txt").ok();
    export_kim(&desk, "nurse", "kim2.txt").ok();

    // By citizen, with or without the hyphen; another citizen has no rows.
    let kim = audit(&desk, &["--citizen", KIM]);
    assert_eq!(kim.len(), 2);
    assert_eq!(audit(&desk, &["--citizen", KIM_COMPACT]), kim);
    assert!(audit(&desk, &["--citizen", LEE]).is_empty());
    // An id this desk does not know is a valid filter with no rows.
    assert!(audit(&desk, &["--citizen", "800101-1999999"]).is_empty());
    let r = desk.run(&["audit", "--citizen", "800101-1999999"]).ok();
    assert!(r.stdout.contains("no audit rows"), "{}", r.stdout);
    let r = desk.run(&["audit", "--citizen", "not an id!"]).refused();
    assert!(r.stderr.contains("--citizen"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    // By actor, as recorded.
    let seed = audit(&desk, &["--actor", "seed:kim.toml"]);
    assert_eq!(actions(&seed), ["seed"]);
    let clerk = audit(&desk, &["--actor", "admin:clerk"]);
    assert_eq!(actions(&clerk), ["export certificate"]);
    let nurse = audit(&desk, &["--actor", "admin:nurse", "--citizen", KIM]);
    assert_eq!(actions(&nurse), ["export certificate"]);
    assert!(clerk[0]["seq"].as_i64() < nurse[0]["seq"].as_i64());
    assert!(audit(&desk, &["--actor", "admin:nurse", "--citizen", LEE]).is_empty());
    assert!(audit(&desk, &["--actor", "nobody"]).is_empty());
    let r = desk.run(&["audit", "--actor", " "]).refused();
    assert!(r.stderr.contains("--actor"), "{}", r.stderr);

    // A look at the record from the command line is on record as well.
    as_user(&desk, "clerk", &["status", "--citizen", KIM]).ok();
    let views = audit(&desk, &["--citizen", KIM, "--actor", "admin:clerk"]);
    assert_eq!(actions(&views), ["export certificate", "view status"]);
}

#[test]
fn since_takes_a_time_or_a_date() {
    let mut desk = Desk::new();
    desk.seed_ok("day-1.toml", &register(KIM, "김", "민준", "1990-01-01"));
    desk.now = "2026-11-26T09:00:00Z".into();
    desk.seed_ok("day-2.toml", &register(LEE, "이", "서연", "1985-05-05"));

    let actors = |since: &str| -> Vec<String> {
        audit(&desk, &["--since", since])
            .iter()
            .map(|r| r["actor"].as_str().expect("actor").to_string())
            .collect()
    };
    assert_eq!(actors("2026-11-25"), ["seed:day-1.toml", "seed:day-2.toml"]);
    assert_eq!(actors("2026-11-26"), ["seed:day-2.toml"]);
    assert_eq!(actors("2026-11-27"), Vec::<String>::new());
    // 08:00 in Seoul is 23:00 UTC the day before.
    assert_eq!(actors("2026-11-26T08:00:00+09:00"), ["seed:day-2.toml"]);
    assert_eq!(
        actors("2026-11-25T12:00:00Z"),
        ["seed:day-1.toml", "seed:day-2.toml"]
    );
    assert_eq!(actors("2026-11-25T12:00:00.5Z"), ["seed:day-2.toml"]);
    assert_eq!(actors("2026-11-26T09:00:00Z"), ["seed:day-2.toml"]);
    assert_eq!(actors("2026-11-26T09:00:01Z"), Vec::<String>::new());
    let both = audit(
        &desk,
        &["--since", "2026-11-26", "--actor", "seed:day-1.toml"],
    );
    assert!(both.is_empty(), "{both:?}");

    for bad in ["yesterday", "2026-13-01", "2026-11-26 09:00", ""] {
        let r = desk.run(&["audit", "--since", bad]).usage();
        assert!(r.stderr.contains("--since"), "{bad}: {}", r.stderr);
    }
}

#[test]
fn plain_sql_cannot_update_or_delete_audit_rows() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    let before = desk.run(&["audit", "--json"]).ok().stdout;
    let conn = open(&desk);
    for sql in [
        "UPDATE audit_log SET result = 'x'",
        "UPDATE audit_log SET actor = 'someone else' WHERE seq = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE seq = 1",
    ] {
        let e = conn.execute(sql, []).expect_err(sql);
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    drop(conn);
    assert_eq!(desk.run(&["audit", "--json"]).ok().stdout, before);
    let r = desk.run(&["doctor"]).ok();
    assert!(r.stdout.contains("hash chain OK"), "{}", r.stdout);
    // The head: the last row and the start of its hash, to note down elsewhere.
    let rows = audit(&desk, &[]);
    let last = rows.last().expect("rows");
    let head = format!(
        "head row {} {}",
        last["seq"],
        &last["hash"].as_str().expect("hash")[..16]
    );
    assert!(r.stdout.contains(&head), "{head}\n{}", r.stdout);
}

#[test]
fn doctor_names_the_first_row_edited_outside_vaxdesk() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    export_kim(&desk, "clerk", "kim.txt").ok();
    export_kim(&desk, "clerk", "kim2.txt").ok();
    assert!(audit(&desk, &[]).len() >= 3);
    open(&desk)
        .execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit_log SET result = 'x' WHERE seq = 2;",
        )
        .expect("edit row 2 outside vaxdesk");
    let r = desk.run(&["doctor"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("audit log: row 2:"), "{}", r.stdout);
    assert!(r.stdout.contains("edited"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("row 3"),
        "only the first broken row:\n{}",
        r.stdout
    );
}

#[test]
fn doctor_names_a_row_deleted_outside_vaxdesk() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    export_kim(&desk, "clerk", "kim.txt").ok();
    export_kim(&desk, "clerk", "kim2.txt").ok();
    open(&desk)
        .execute_batch(
            "DROP TRIGGER audit_no_delete;
             DELETE FROM audit_log WHERE seq = 2;",
        )
        .expect("delete row 2 outside vaxdesk");
    let r = desk.run(&["doctor"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("row 2 is missing"), "{}", r.stdout);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// `path` with `suffix` added to its name (`desk.db` → `desk.db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(unix)]
fn assert_private(db: &Path, keys: &Path) {
    let folder = db.parent().expect("a folder");
    assert_eq!(mode(folder), 0o700, "{}", folder.display());
    assert_eq!(mode(db), 0o600, "{}", db.display());
    for suffix in ["-wal", "-shm"] {
        let p = with_suffix(db, suffix);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
    assert_eq!(mode(keys), 0o700, "{}", keys.display());
    let mut n = 0;
    for e in std::fs::read_dir(keys).expect("the keys folder") {
        let p = e.expect("an entry").path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
        n += 1;
    }
    assert!(n >= 2, "expected the signing keys and the resident-id key");
}

#[cfg(unix)]
#[test]
fn a_fresh_database_and_keys_are_private_to_their_owner() {
    let desk = Desk::new();
    // The signing keys were made by `keys init` (Desk::new); the database and the
    // resident-id key are made now, in a folder that does not exist yet.
    desk.write("kim.toml", &history());
    let r = run(desk
        .bare()
        .args(["--db", "private/desk.db", "seed", "kim.toml"]))
    .ok();
    assert!(r.stdout.contains("applied"), "{}", r.stdout);
    let db = desk.path("private/desk.db");
    assert_private(&db, &desk.keys_dir());
    assert_eq!(mode(&desk.path("xdg-data/vaxdesk")), 0o700);

    // While another desk holds the database open, its journals stay on disk.
    let holder = rusqlite::Connection::open(&db).expect("open");
    let _: i64 = holder
        .query_row("SELECT COUNT(*) FROM citizens", [], |r| r.get(0))
        .expect("read");
    run(desk.bare().args(["--db", "private/desk.db", "queue"])).ok();
    assert!(with_suffix(&db, "-wal").exists());
    assert_private(&db, &desk.keys_dir());
    drop(holder);

    // Another keys folder given with --keys: made private too.
    let r = run(desk.bare().args([
        "--keys",
        "other-keys",
        "--db",
        "other/desk.db",
        "keys",
        "init",
    ]))
    .ok();
    assert!(r.stdout.contains("Created"), "{}", r.stdout);
    run(desk
        .bare()
        .args(["--keys", "other-keys", "--db", "other/desk.db", "queue"]))
    .ok();
    assert_private(&desk.path("other/desk.db"), &desk.path("other-keys"));

    // An exported certificate is private as well.
    let mut c = desk.bare();
    c.args([
        "--db",
        "private/desk.db",
        "cert",
        "export",
        "--citizen",
        KIM,
        "--dose",
        "1",
        "--format",
        "png",
        "--out",
        "kim.png",
    ]);
    run(&mut c).ok();
    assert_eq!(mode(&desk.path("kim.png")), 0o600);
}

#[cfg(unix)]
#[test]
fn doctor_warns_about_files_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    let chmod = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    // The database's folder is the test's temporary folder: make it what vaxdesk would make.
    chmod(desk.dir.path(), 0o700);
    let r = desk.run(&["doctor"]).ok();
    assert!(!r.stdout.contains("warning"), "{}", r.stdout);
    assert!(r.stdout.contains("All well."), "{}", r.stdout);

    chmod(&desk.db, 0o644);
    let r = desk.run(&["doctor"]).ok();
    let warnings: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    // The database first; its -wal and -shm (made while the doctor has it open) copy its mode.
    assert!(
        warnings[0].starts_with(&format!("warning: {} is 0644", desk.db.display())),
        "{}",
        r.stdout
    );
    assert!(
        warnings[1..].iter().all(|w| w.contains("desk.db-")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("All well, apart from"), "{}", r.stdout);

    // A shared folder holding the database is named too.
    chmod(desk.dir.path(), 0o755);
    let r = desk.run(&["doctor"]).ok();
    let folder = format!("warning: {} is 0755", desk.dir.path().display());
    assert!(r.stdout.contains(&folder), "{}", r.stdout);
    chmod(desk.dir.path(), 0o700);

    let keys = desk.keys_dir();
    chmod(&keys, 0o755);
    chmod(&keys.join("resident-ids.key"), 0o640);
    let r = desk.run(&["doctor"]).ok();
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("warning:") && l.contains(&keys.display().to_string())),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("resident-ids.key is 0640"),
        "{}",
        r.stdout
    );

    chmod(&desk.db, 0o600);
    chmod(&keys, 0o700);
    chmod(&keys.join("resident-ids.key"), 0o600);
    let r = desk.run(&["doctor"]).ok();
    assert!(r.stdout.contains("All well."), "{}", r.stdout);
    assert!(!r.stdout.contains("warning"), "{}", r.stdout);

    // A problem and a warning: the problem fails the doctor, the warning is still shown.
    open(&desk)
        .execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit_log SET actor = 'x' WHERE seq = 1;",
        )
        .expect("edit");
    chmod(&desk.db, 0o660);
    let r = desk.run(&["doctor"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("audit log: row 1:"), "{}", r.stdout);
    assert!(r.stdout.contains("warning:"), "{}", r.stdout);
}

/// Whether `needle` occurs anywhere in `hay`.
fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn no_plain_resident_id_in_the_database_or_its_wal() {
    let desk = Desk::new();
    // The database exists and another desk holds it open, so what the seed writes stays in
    // the WAL when the seeding process ends.
    desk.run(&["queue"]).ok();
    let holder = open(&desk);
    let _: i64 = holder
        .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
        .expect("read");
    desk.seed_ok("kim.toml", &history());
    export_kim(&desk, "clerk", "kim.txt").ok();
    desk.run(&["status", "--citizen", KIM]).ok();
    desk.run(&["audit", "--citizen", KIM]).ok();

    let wal = with_suffix(&desk.db, "-wal");
    assert!(wal.exists(), "the WAL is kept while the database is open");
    let log = desk.path("xdg-data/vaxdesk/vaxdesk.log");
    let mut files = vec![desk.db.clone(), wal.clone()];
    if log.exists() {
        files.push(log);
    }
    let wal_bytes = std::fs::read(&wal).expect("read the WAL");
    assert!(
        contains(&wal_bytes, "export certificate"),
        "the seed and the export should be in the WAL (else this test checks nothing)"
    );
    for file in &files {
        let bytes = std::fs::read(file).expect("read");
        for id in [KIM, KIM_COMPACT, LEE, &LEE.replace('-', "")] {
            assert!(
                !contains(&bytes, id),
                "{} holds the plain resident id {id}",
                file.display()
            );
        }
    }
    drop(holder);

    // Exact lookups still work, with or without the hyphen.
    for id in [KIM, KIM_COMPACT] {
        let s = desk.status(id);
        assert_eq!(s["citizen"]["id"], KIM);
        assert_eq!(s["citizen"]["family_name"], "김");
    }
    assert_eq!(desk.status(LEE)["citizen"]["given_name"], "서연");
}

#[cfg(unix)]
#[test]
fn the_log_file_is_private_and_holds_no_plain_id() {
    use std::io::Read;
    use std::time::{Duration, Instant};

    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    let (master, mut child) = desk.spawn_in_pty(&["--role", "citizen"], &[], 80);
    let mut reader = master.try_clone_reader().expect("a PTY reader");
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
    });
    // The desk logs that it opened the database before its first screen.
    let log = desk.path("xdg-data/vaxdesk/vaxdesk.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&log).is_ok_and(|t| t.contains("desk opened")) {
        assert!(Instant::now() < deadline, "the desk wrote no log");
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(mode(&log), 0o600);
    let bytes = std::fs::read(&log).expect("read the log");
    for id in [KIM, KIM_COMPACT] {
        assert!(!contains(&bytes, id), "the log holds {id}");
    }
    // `doctor` names a log that others may read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let r = desk.run(&["doctor"]).ok();
    let shown = format!("warning: {} is 0644", log.display());
    assert!(r.stdout.contains(&shown), "{}", r.stdout);
}

/// `status --citizen` is a look at a record: one `view status` row, written in the transaction
/// that read the page; a citizen the desk does not know is refused and leaves no row.
#[test]
fn a_status_look_is_on_record_once() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &history());
    let before = audit(&desk, &[]).len();
    let r = as_user(&desk, "clerk", &["status", "--citizen", "800101-1234567"]).refused();
    assert!(r.stderr.contains("not registered"), "{}", r.stderr);
    assert_eq!(audit(&desk, &[]).len(), before, "a refused look left a row");

    let page = as_user(&desk, "clerk", &["status", "--citizen", KIM, "--json"])
        .ok()
        .json();
    assert_eq!(page["issuance_delayed"], false, "{page}");
    let rows = audit(&desk, &["--actor", "admin:clerk"]);
    assert_eq!(actions(&rows), ["view status"]);
    assert_eq!(rows[0]["citizen"], internal_id(&desk, KIM), "{}", rows[0]);
    assert_eq!(rows[0]["result"], "ok", "{}", rows[0]);
    assert_eq!(audit(&desk, &[]).len(), before + 1);
}
