//! The headless commands through the binary: JSON shapes, ordering, the event log, rebuilding
//! the status view, the doctor, usage errors, the demo, bad database files, and issuance
//! failing behind its circuit breaker (with the `fault-injection` feature).

mod support;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::*;
use vaxdesk::domain::citizen::mask;

const KIM: &str = "900101-1234567";

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// 김민준's history, recorded and applied out of order so "oldest first" is tested.
fn kim_history() -> String {
    [
        register(KIM, "김", "민준", "1990-01-01"),
        // Dose 2 is recorded before dose 1.
        inject(KIM, 2, "2021-07-01", "FD7211"),
        inject(KIM, 1, "2021-06-01", "FA4598"),
        inject(KIM, 3, "2021-12-20", "FK0112"),
        schedule(KIM, 4, "2026-12-20"),
        // Applications, with their times out of step order.
        step("apply")
            .s("citizen", KIM)
            .i("dose", 2)
            .at("2026-11-24T09:00:00+09:00")
            .done(),
        step("apply")
            .s("citizen", KIM)
            .i("dose", 1)
            .at("2026-11-24T08:00:00+09:00")
            .done(),
        step("apply")
            .s("citizen", KIM)
            .i("dose", 3)
            .at("2026-11-24T07:00:00+09:00")
            .done(),
        step("void-injection")
            .s("citizen", KIM)
            .i("dose", 3)
            .s("reason", "wrong card")
            .at("2026-11-24T07:30:00+09:00")
            .done(),
        step("issue")
            .s("citizen", KIM)
            .i("dose", 1)
            .at("2026-11-24T10:00:00+09:00")
            .done(),
        step("cancel")
            .s("citizen", KIM)
            .i("dose", 2)
            .at("2026-11-24T10:05:00+09:00")
            .done(),
        step("apply")
            .s("citizen", KIM)
            .i("dose", 2)
            .at("2026-11-24T10:10:00+09:00")
            .done(),
    ]
    .concat()
}

#[test]
fn status_json_has_the_documented_shape_oldest_first() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &kim_history());
    let s = desk.status(KIM);

    let top = keys(&s);
    assert!(
        set(&["citizen", "injections", "applications"]).is_subset(&top),
        "{top:?}"
    );
    assert!(
        top.is_subset(&set(&[
            "citizen",
            "injections",
            "applications",
            "issuance_delayed"
        ])),
        "unexpected top-level keys: {top:?}"
    );
    assert_eq!(
        s["citizen"],
        json!({"id": KIM, "family_name": "김", "given_name": "민준", "birth_date": "1990-01-01"})
    );
    assert_eq!(
        s["injections"],
        json!([
            {"dose": 1, "series": 2, "product": COMIRNATY, "date": "2021-06-01", "status": "ADMINISTERED"},
            {"dose": 2, "series": 2, "product": COMIRNATY, "date": "2021-07-01", "status": "ADMINISTERED"},
            {"dose": 3, "series": 3, "product": COMIRNATY, "date": "2021-12-20", "status": "VOIDED"},
            {"dose": 4, "series": 4, "product": COMIRNATY, "date": "2026-12-20", "status": "SCHEDULED"},
        ])
    );

    let apps = array(&s["applications"]);
    for a in apps {
        assert!(
            set(&["dose", "status", "certificate_id", "reason"]).is_subset(&keys(a)),
            "{a}"
        );
    }
    let got: Vec<(i64, &str)> = apps
        .iter()
        .map(|a| {
            (
                a["dose"].as_i64().expect("dose"),
                a["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (3, "REJECTED"),
            (1, "ISSUED"),
            (2, "CANCELLED"),
            (2, "APPLIED")
        ],
        "applications, oldest first"
    );
    let applied_at: Vec<&str> = apps
        .iter()
        .filter_map(|a| a["applied_at"].as_str())
        .collect();
    assert_eq!(
        applied_at,
        [
            "2026-11-23T22:00:00Z",
            "2026-11-23T23:00:00Z",
            "2026-11-24T00:00:00Z",
            "2026-11-24T01:10:00Z"
        ]
    );
    // Only the issued one has a certificate; only the rejected one has a reason.
    let cert = apps[1]["certificate_id"].as_str().expect("certificate id");
    assert!(cert.starts_with("URN:UVCI:01:KR:"), "{cert}");
    for (i, a) in apps.iter().enumerate() {
        if i != 1 {
            assert_eq!(a["certificate_id"], Value::Null, "{a}");
        }
    }
    let reason = apps[0]["reason"].as_str().expect("rejection reason");
    assert!(reason.contains("wrong card"), "{reason}");
    assert_eq!(apps[1]["reason"], Value::Null);
    assert_eq!(s["issuance_delayed"], json!(false));
}

#[test]
fn status_accepts_the_id_with_or_without_hyphen() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &kim_history());
    let with = desk.status(KIM);
    let without = desk.status("9001011234567");
    let spaced = desk.status(" 900101-1234567 ");
    assert_eq!(with, without);
    assert_eq!(with, spaced);
    assert_eq!(without["citizen"]["id"], KIM);

    // The table form masks the id.
    let text = desk
        .run(&["status", "--citizen", "9001011234567"])
        .ok()
        .stdout;
    assert!(text.contains("김 민준"), "{text}");
    assert!(text.contains("900101-1******"), "{text}");
    assert!(
        !text.contains("1234567"),
        "the id is shown unmasked:\n{text}"
    );
}

#[test]
fn status_of_an_unknown_citizen_is_refused() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &kim_history());
    desk.assert_not_registered("800101-1234567");
    desk.assert_not_registered("X1234567");
    let r = desk
        .run(&["status", "--citizen", "no such id!", "--json"])
        .refused();
    assert!(r.stderr.contains("--citizen"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn queue_json_lists_pending_requests_oldest_first() {
    let desk = Desk::new();
    assert_eq!(
        desk.queue(),
        Vec::<Value>::new(),
        "a new desk has an empty queue"
    );
    let ids = [rrn(1), rrn(2), rrn(3), rrn(4)];
    let mut text = String::new();
    for (i, id) in ids.iter().enumerate() {
        text += &register(id, "최", &format!("하늘{i}"), &rrn_birth(i + 1));
        text += &inject(id, 1, "2021-07-12", "ABV5300");
    }
    // Applied in step order 0, 1, 2, 3 but at times 10:00, 09:00, 11:00, 08:00.
    for (id, at) in ids.iter().zip([
        "2026-11-24T10:00:00+09:00",
        "2026-11-24T09:00:00+09:00",
        "2026-11-24T11:00:00+09:00",
        "2026-11-24T08:00:00+09:00",
    ]) {
        text += &step("apply").s("citizen", id).i("dose", 1).at(at).done();
    }
    // The issuer handles the oldest: it leaves the queue.
    text += &issue(&ids[3], 1);
    desk.seed_ok("q.toml", &text);

    let q = desk.queue();
    for item in &q {
        assert!(
            set(&["citizen", "dose", "product", "applied_at"]).is_subset(&keys(item)),
            "{item}"
        );
        assert_eq!(item["dose"], 1);
        assert_eq!(item["product"], COMIRNATY);
    }
    let order: Vec<(&str, &str)> = q
        .iter()
        .map(|i| {
            (
                i["citizen"].as_str().expect("citizen"),
                i["applied_at"].as_str().expect("applied_at"),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (mask(&ids[1]).as_str(), "2026-11-24T00:00:00Z"),
            (mask(&ids[0]).as_str(), "2026-11-24T01:00:00Z"),
            (mask(&ids[2]).as_str(), "2026-11-24T02:00:00Z"),
        ]
    );

    let text = desk.run(&["queue"]).ok().stdout;
    assert!(text.contains("3 pending"), "{text}");
}

#[test]
fn events_json_and_after() {
    let desk = Desk::new();
    assert_eq!(desk.run(&["events", "--json"]).ok().json(), json!([]));
    desk.seed_ok("kim.toml", &kim_history());
    let all = desk.events();
    let n = all.len();
    assert!(n >= 12, "expected at least one event per step, got {n}");
    for (i, e) in all.iter().enumerate() {
        assert_eq!(keys(e), set(&["seq", "type", "actor", "at", "data"]), "{e}");
        assert_eq!(e["seq"].as_i64(), Some(i as i64 + 1), "seq is 1, 2, 3, ...");
        assert!(e["type"].is_string() && e["actor"].is_string() && e["at"].is_string());
        assert!(e["data"].is_object(), "{e}");
    }
    assert_eq!(all[0]["type"], "CitizenRegistered");
    assert_eq!(all[0]["actor"], "seed:kim.toml");
    assert_eq!(all[0]["at"], NOW);
    // Citizens travel by internal id, keyed hash and mask: never the resident id.
    assert_eq!(all[0]["data"]["masked_id"], "900101-1******");
    assert_eq!(all[0]["data"]["id_lookup"], desk.lookup(KIM).as_str());
    assert!(all[0]["data"].get("resident_id").is_none(), "{}", all[0]);
    let log = desk.run(&["events", "--json"]).ok().stdout;
    assert!(
        !log.contains("1234567"),
        "the resident id leaked into the log:\n{log}"
    );
    assert_eq!(count_type(&all, "InjectionRecorded"), 4);
    assert_eq!(count_type(&all, "ApplicationSubmitted"), 4);
    assert_eq!(count_type(&all, "CertificateIssued"), 1);

    let after = |seq: usize| -> Vec<Value> {
        let r = desk
            .run(&["events", "--after", &seq.to_string(), "--json"])
            .ok();
        array(&r.json()).clone()
    };
    assert_eq!(after(0), all);
    assert_eq!(after(5), all[5..].to_vec());
    assert_eq!(after(n - 1), all[n - 1..].to_vec());
    assert_eq!(after(n), Vec::<Value>::new());
    assert_eq!(after(n + 1000), Vec::<Value>::new());

    let text = desk.run(&["events", "--after", &n.to_string()]).ok().stdout;
    assert!(text.contains(&format!("No events after {n}")), "{text}");
}

#[test]
fn rebuild_views_detects_and_repairs_a_corrupted_view_row() {
    let desk = Desk::new();
    desk.run(&["--demo", "status", "--citizen", KIM]).ok();
    let r = desk.run(&["rebuild-views", "--check"]).ok();
    assert!(r.stdout.contains("matches"), "{}", r.stdout);
    let log = desk.events_text();
    let before = desk.status(KIM);
    let dose1 = array(&before["applications"])
        .iter()
        .find(|a| a["dose"] == 1)
        .cloned()
        .expect("demo: 김민준 applied for dose 1");
    assert_eq!(dose1["status"], "APPLIED");

    {
        let conn = rusqlite::Connection::open(&desk.db).expect("open the database");
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .expect("busy timeout");
        let n = conn
            .execute(
                "UPDATE view_applications SET status = 'ISSUED'
                 WHERE status = 'APPLIED' AND dose = 1 AND citizen_id =
                     (SELECT citizen_id FROM view_citizens WHERE id_lookup = ?1)",
                [desk.lookup(KIM)],
            )
            .expect("corrupt the view");
        assert_eq!(n, 1);
    }
    let corrupted = desk.status(KIM);
    assert_ne!(corrupted, before, "the corruption shows in the status view");

    let r = desk.run(&["rebuild-views", "--check"]);
    assert_eq!(
        r.code, 1,
        "--check must fail on a corrupted view:\n{}{}",
        r.stdout, r.stderr
    );
    assert!(r.stdout.contains("differ"), "{}", r.stdout);
    assert!(r.stdout.contains("application"), "{}", r.stdout);
    assert!(
        r.stdout.contains("ISSUED") && r.stdout.contains("APPLIED"),
        "the difference should show both values:\n{}",
        r.stdout
    );
    // --check only compares.
    assert_eq!(desk.status(KIM), corrupted);
    assert_eq!(desk.run(&["rebuild-views", "--check"]).code, 1);

    let r = desk.run(&["rebuild-views"]).ok();
    assert!(r.stdout.contains("repaired 1"), "{}", r.stdout);
    assert_eq!(desk.status(KIM), before);
    desk.run(&["rebuild-views", "--check"]).ok();
    assert_eq!(desk.events_text(), log, "rebuilding never touches the log");
    desk.run(&["doctor"]).ok();
}

#[test]
fn doctor_on_a_healthy_database() {
    let desk = Desk::new();
    let r = desk.run(&["doctor"]).ok();
    assert!(r.stdout.contains("All well"), "{}", r.stdout);
    desk.run(&["--demo", "doctor"]).ok();
    let r = desk.run(&["doctor"]).ok();
    assert!(r.stdout.contains("All well"), "{}", r.stdout);
    assert!(r.stdout.contains("4 pending"), "{}", r.stdout);
}

/// Garbage bytes that are no SQLite database.
fn garbage() -> Vec<u8> {
    let mut bytes = b"this is not a database, just a note to self\n".repeat(50);
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    bytes
}

#[test]
fn a_garbage_database_file_is_refused_clearly() {
    let desk = Desk::new();
    let bytes = garbage();
    std::fs::write(desk.path("notes.db"), &bytes).expect("write");
    for args in [
        vec!["doctor"],
        vec!["status", "--citizen", KIM],
        vec!["queue", "--json"],
        vec!["seed", "x.toml"],
    ] {
        let mut c = desk.bare();
        c.args(["--db", "notes.db"]).args(&args);
        let r = run(&mut c).refused();
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(r.stderr.contains("notes.db"), "{}", r.stderr);
        assert!(r.stderr.contains("database"), "{}", r.stderr);
        assert!(
            r.stderr.lines().count() <= 2,
            "the message should be short:\n{}",
            r.stderr
        );
    }
    assert_eq!(
        std::fs::read(desk.path("notes.db")).expect("read"),
        bytes,
        "the file must be left as it was"
    );
    // A folder is not a database file either.
    std::fs::create_dir_all(desk.path("folder.db")).expect("mkdir");
    let mut c = desk.bare();
    let r = run(c.args(["--db", "folder.db", "doctor"])).refused();
    assert!(r.stderr.contains("folder.db"), "{}", r.stderr);
}

#[test]
fn another_programs_sqlite_database_is_refused_with_a_short_message() {
    let desk = Desk::new();
    let other = desk.path("photos.db");
    {
        let conn = rusqlite::Connection::open(&other).expect("create");
        conn.execute_batch(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT);
             INSERT INTO events (title) VALUES ('birthday');",
        )
        .expect("fill");
    }
    let mut c = desk.bare();
    let r = run(c.args(["--db", "photos.db", "doctor"])).refused();
    assert!(r.stderr.contains("photos.db"), "{}", r.stderr);
    assert!(
        r.stderr.lines().count() <= 2,
        "the message should be one clear line, not a schema dump:\n{}",
        r.stderr
    );
    let conn = rusqlite::Connection::open(&other).expect("open");
    let title: String = conn
        .query_row("SELECT title FROM events", [], |r| r.get(0))
        .expect("the other program's data is intact");
    assert_eq!(title, "birthday");
}

#[test]
fn usage_errors_exit_2() {
    let desk = Desk::without_database();
    for args in [
        vec!["--bogus", "queue"],
        vec!["queue", "--bogus"],
        vec!["status"],
        vec!["status", "--json"],
        vec!["events", "--after", "-1"],
        vec!["events", "--after", "seven"],
        vec!["seed"],
        vec!["frobnicate"],
    ] {
        let r = desk.run(&args).usage();
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    assert!(
        !desk.db.exists(),
        "a usage error must not create the database"
    );
    run(desk.bare().arg("--help")).ok();
    run(desk.bare().arg("--version")).ok();
}

#[test]
fn demo_works_and_is_idempotent() {
    let desk = Desk::new();
    let first = desk
        .run(&["--demo", "status", "--citizen", KIM, "--json"])
        .ok();
    assert!(
        first.stderr.contains("demo-seed.toml: applied"),
        "{}",
        first.stderr
    );
    let s = first.json();
    assert_eq!(s["citizen"]["family_name"], "김");
    let log = desk.events_text();

    let again = desk
        .run(&["--demo", "status", "--citizen", KIM, "--json"])
        .ok();
    assert!(
        !again.stderr.contains("demo-seed.toml: applied"),
        "the demo was applied twice:\n{}",
        again.stderr
    );
    assert_eq!(again.json(), s);
    assert_eq!(
        desk.events_text(),
        log,
        "the demo changed the log on a second run"
    );
    let text = desk
        .run(&["--demo", "status", "--citizen", KIM])
        .ok()
        .stdout;
    assert!(text.contains("김 민준"), "{text}");
    assert_eq!(desk.events_text(), log);
}

/// Rules 5 and 6: while issuance fails, applications are still accepted (APPLIED) and the
/// citizen is told issuance is delayed; once it recovers, every application reaches the queue
/// exactly once.
#[cfg(feature = "fault-injection")]
#[test]
fn issuance_failures_delay_but_lose_nothing() {
    use chrono::{DateTime, Duration, SecondsFormat, Utc};

    let mut desk = Desk::new();
    desk.write(
        "config.toml",
        "long_queue = 200\n[dispatch]\nbreaker_failures = 3\nbreaker_open_seconds = 1\n",
    );
    let t0: DateTime<Utc> = NOW.parse().expect("NOW");
    let at = |secs: i64| (t0 + Duration::seconds(secs)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let ids: Vec<String> = (0..100).map(|i| rrn(100 + i)).collect();

    // Citizens and injections, without faults.
    let mut text = String::new();
    for (i, id) in ids.iter().enumerate() {
        text += &register(id, "정", &format!("유나{i}"), &rrn_birth(100 + i));
        text += &inject(id, 1, "2022-01-10", &format!("FL{i:04}"));
    }
    desk.write("people.toml", &text);
    desk.run(&["--config", "config.toml", "seed", "people.toml"])
        .ok();

    // 100 applications in four files, each run a second after the last, issuance failing.
    let faulty = |desk: &Desk, args: &[&str]| {
        let mut all = vec!["--config", "config.toml"];
        all.extend_from_slice(args);
        desk.run_env(&[("VAXDESK_FAULTS", "issuance")], &all)
    };
    let mut secs = 0;
    for (n, chunk) in ids.chunks(25).enumerate() {
        desk.now = at(secs);
        let name = format!("apply-{n}.toml");
        let text: String = chunk.iter().map(|id| apply(id, 1)).collect();
        desk.write(&name, &text);
        let r = faulty(&desk, &["seed", &name]).ok();
        assert!(r.stdout.contains("applied 25 steps"), "{}", r.stdout);
        if n == 0 {
            let doc = faulty(&desk, &["doctor"]);
            assert!(
                doc.code == 1 && doc.stdout.contains("injected fault"),
                "VAXDESK_FAULTS=issuance had no effect: was {BIN} built without \
                 --features fault-injection (e.g. by a concurrent plain `cargo build`)?\n{}",
                doc.stdout
            );
        }
        secs += 1;
    }
    // The breaker opens after three failures in a row (each try after its backoff).
    let mut delayed = false;
    for _ in 0..10 {
        desk.now = at(secs - 1);
        if faulty(&desk, &["status", "--citizen", &ids[0], "--json"])
            .ok()
            .json()["issuance_delayed"]
            == json!(true)
        {
            delayed = true;
            break;
        }
        desk.now = at(secs);
        let r = faulty(&desk, &["dispatch"]);
        assert!(r.code == 0 || r.code == 1, "{r:?}");
        secs += 1;
    }
    assert!(delayed, "status never said issuance is delayed");

    // Every application is received, none reached the issuer, the doctor reports it.
    for id in &ids {
        let s = faulty(&desk, &["status", "--citizen", id, "--json"])
            .ok()
            .json();
        assert_eq!(s["applications"].as_array().map(Vec::len), Some(1), "{s}");
        assert_eq!(s["applications"][0]["status"], "APPLIED", "{s}");
        assert_eq!(s["issuance_delayed"], json!(true), "{s}");
    }
    let q = faulty(&desk, &["queue", "--json"]).ok().json();
    assert_eq!(
        q,
        json!([]),
        "nothing reaches the queue while issuance fails"
    );
    let doc = faulty(&desk, &["doctor"]);
    assert_eq!(
        doc.code, 1,
        "doctor must report the failing subscriber:\n{}",
        doc.stdout
    );
    assert!(doc.stdout.contains("issuance"), "{}", doc.stdout);
    assert!(doc.stdout.contains("OPEN"), "{}", doc.stdout);
    let text = faulty(&desk, &["status", "--citizen", &ids[0]]).ok().stdout;
    assert!(text.contains("delayed"), "{text}");

    // Recovered, after the pause: the first command of any process catches up.
    desk.now = at(secs + 60);
    let q = desk
        .run(&["--config", "config.toml", "queue", "--json"])
        .ok()
        .json();
    let q = array(&q);
    assert_eq!(q.len(), 100, "every application reaches the queue");
    let citizens: BTreeSet<&str> = q.iter().filter_map(|i| i["citizen"].as_str()).collect();
    let masked: Vec<String> = ids.iter().map(|id| mask(id)).collect();
    let expected: BTreeSet<&str> = masked.iter().map(String::as_str).collect();
    assert_eq!(citizens, expected, "exactly one request per application");

    let r = desk.run(&["--config", "config.toml", "dispatch"]).ok();
    assert!(r.stdout.contains("Delivered"), "{}", r.stdout);
    assert_eq!(
        desk.queue().len(),
        100,
        "no duplicates after another delivery"
    );
    let s = desk
        .run(&[
            "--config",
            "config.toml",
            "status",
            "--citizen",
            &ids[99],
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(s["applications"][0]["status"], "APPLIED");
    assert_eq!(s["issuance_delayed"], json!(false));
    // With the default limit (50), 100 waiting requests are a delay: status says what the
    // kiosk says.
    assert_eq!(desk.status(&ids[99])["issuance_delayed"], json!(true));
    desk.run(&["--config", "config.toml", "doctor"]).ok();
    desk.run(&["rebuild-views", "--check"]).ok();
}

#[test]
fn a_database_without_its_resident_id_key_is_refused_and_no_new_key_is_made() {
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &kim_history());
    let moved = desk.path("keys-elsewhere");
    std::fs::rename(desk.keys_dir(), &moved).expect("move the keys folder");
    let r = desk.run(&["status", "--citizen", KIM]).refused();
    assert!(
        r.stderr.contains("resident-ids.key is missing") && r.stderr.contains("restore it"),
        "{}",
        r.stderr
    );
    assert!(
        !desk.keys_dir().join("resident-ids.key").exists(),
        "no stray key is created"
    );
    // Given its folder, the database reads as before.
    let keys = moved.display().to_string();
    let s = desk
        .run(&["--keys", &keys, "status", "--citizen", KIM, "--json"])
        .ok();
    assert_eq!(s.json()["citizen"]["family_name"], "김");
}

/// The exact refusal of a command run on a database that is not there.
fn no_database(path: &str) -> String {
    format!("vaxdesk: no database at {path} (create one with: vaxdesk init --db {path})\n")
}

/// Runs a prepared command, failing (not hanging) if it has not ended within a minute.
fn run_or_hang(cmd: &mut std::process::Command) -> Run {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut stdout)
        .expect("stdout");
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)
        .expect("stderr");
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        what: format!("{cmd:?}"),
    }
}

#[test]
fn a_mistyped_db_is_refused_and_creates_nothing() {
    let desk = Desk::without_database();
    let key = desk.keys_dir().join("resident-ids.key");
    for args in [
        &["queue"][..],
        &["queue", "--json"],
        &["status", "--citizen", KIM],
        &["events"],
        &["audit"],
        &["doctor"],
        &["dispatch"],
        &["rebuild-views", "--check"],
        &["staff", "list"],
        &["staff", "disable", "kim.nurse"],
        &[
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "1",
            "--format",
            "hc1",
        ],
        &["keys", "export-cert"],
    ] {
        let r = run(desk.bare().args(["--db", "typo/clinc.db"]).args(args)).refused();
        assert_eq!(r.stderr, no_database("typo/clinc.db"), "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    // The default database too, when no --db is given.
    let default = desk.path("xdg-data/vaxdesk/vaxdesk.db");
    let r = run(desk.bare().arg("queue")).refused();
    assert_eq!(r.stderr, no_database(&default.display().to_string()));
    assert!(!desk.path("typo").exists(), "the folder was created");
    assert!(!default.exists(), "a database was created");
    assert!(!key.exists(), "a resident-id key was created");
}

#[test]
fn init_creates_the_database_and_its_key_once() {
    let desk = Desk::without_database();
    let key = desk.keys_dir().join("resident-ids.key");
    let r = run(desk.bare().args(["--db", "clinic/new.db", "init"])).ok();
    assert!(r.stdout.contains("clinic/new.db"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&key.display().to_string()),
        "{}",
        r.stdout
    );
    let db = desk.path("clinic/new.db");
    assert!(db.exists() && key.exists());
    let before = (
        std::fs::read(&db).expect("read"),
        std::fs::read(&key).expect("key"),
    );
    let r = run(desk.bare().args(["--db", "clinic/new.db", "init"])).ok();
    assert!(
        r.stdout.contains("already") && r.stdout.contains("nothing was changed"),
        "{}",
        r.stdout
    );
    assert_eq!(
        (
            std::fs::read(&db).expect("read"),
            std::fs::read(&key).expect("key")
        ),
        before,
        "init on an existing database changed it"
    );
    let r = run(desk.bare().args(["--db", "clinic/new.db", "queue"])).ok();
    assert!(r.stdout.contains("The queue is empty"), "{}", r.stdout);
    // `keys init` sets up a new clinic's database with its keys.
    let r = run(desk
        .bare()
        .args(["--keys", "keys-2", "--db", "second.db", "keys", "init"]))
    .ok();
    assert!(r.stdout.contains("second.db"), "{}", r.stdout);
    assert!(desk.path("second.db").exists() && desk.path("keys-2/resident-ids.key").exists());
    run(desk
        .bare()
        .args(["--keys", "keys-2", "--db", "second.db", "queue"]))
    .ok();
    // A seed file creates its database too.
    desk.write("kim.toml", &kim_history());
    run(desk.bare().args(["--db", "seeded.db", "seed", "kim.toml"])).ok();
    run(desk
        .bare()
        .args(["--db", "seeded.db", "status", "--citizen", KIM]))
    .ok();
}

/// `init` says "already a database" only of a vaxdesk database: a file that is no database
/// is refused as the other commands refuse it, and an empty file becomes the new database.
#[test]
fn init_on_a_file_that_is_no_clinic_database_says_what_it_is() {
    let desk = Desk::without_database();
    desk.write("notes.db", "shopping list\n");
    let r = run(desk.bare().args(["--db", "notes.db", "init"])).refused();
    assert!(
        r.stderr.contains("notes.db") && r.stderr.contains("not a vaxdesk database"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(
        std::fs::read_to_string(desk.path("notes.db")).expect("read"),
        "shopping list\n"
    );
    {
        let other = rusqlite::Connection::open(desk.path("other.db")).expect("open");
        other.execute("CREATE TABLE t (x)", []).expect("create");
    }
    let r = run(desk.bare().args(["--db", "other.db", "init"])).refused();
    assert!(r.stderr.contains("another program"), "{}", r.stderr);
    desk.write("empty.db", "");
    // An empty file is no clinic either: only init makes one of it.
    let r = run(desk.bare().args(["--db", "empty.db", "queue"])).refused();
    assert_eq!(r.stderr, no_database("empty.db"));
    assert_eq!(
        std::fs::metadata(desk.path("empty.db"))
            .expect("there")
            .len(),
        0
    );
    let r = run(desk.bare().args(["--db", "empty.db", "init"])).ok();
    assert!(
        r.stdout.contains("Created the database empty.db"),
        "{}",
        r.stdout
    );
    run(desk.bare().args(["--db", "empty.db", "queue"])).ok();
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_is_refused_at_once_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let desk = Desk::new();
    let fifo = desk.path("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).expect("a path");
    // SAFETY: mkfifo only reads the NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    std::fs::create_dir(desk.path("folder")).expect("mkdir");
    for (name, kind) in [("pipe", "FIFO"), ("folder", "folder")] {
        for args in [
            vec!["--db", name, "queue"],
            vec!["--config", name, "queue"],
            vec!["seed", name],
            // Every other file a command reads: a certificate, a trust list, a key to import.
            vec!["verify", name],
            vec!["verify", "--trust", name, "HC1:6BF"],
            vec!["keys", "import", "--cert", name, "--key", name],
        ] {
            let mut c = if args[0] == "--db" {
                desk.bare()
            } else {
                desk.command()
            };
            let r = run_or_hang(c.args(&args));
            assert_eq!(r.code, 1, "{args:?}: {r:?}");
            assert!(
                r.stderr.contains(name) && r.stderr.contains(kind),
                "{args:?}: {}",
                r.stderr
            );
        }
    }
    // A keys folder whose resident-id key or signer certificate is a FIFO.
    for file in ["resident-ids.key", "signer-0.pem"] {
        let dir = desk.path(&format!("keys-{file}"));
        std::fs::create_dir(&dir).expect("mkdir");
        let c = std::ffi::CString::new(dir.join(file).as_os_str().as_bytes()).expect("a path");
        // SAFETY: mkfifo only reads the NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        let args = if file.ends_with(".pem") {
            vec!["verify", "HC1:6BF"]
        } else {
            vec!["queue"]
        };
        let r = run_or_hang(desk.command().arg("--keys").arg(&dir).args(&args));
        assert_eq!(r.code, 1, "{file}: {r:?}");
        assert!(
            r.stderr.contains(file) && r.stderr.contains("FIFO"),
            "{file}: {}",
            r.stderr
        );
    }
}

/// A database path that is a link to nothing: neither a command nor `init` calls it missing
/// (and so suggests `init`, which could only fail the same way); both name the link.
#[cfg(unix)]
#[test]
fn a_link_to_a_missing_database_is_named_as_such() {
    let desk = Desk::without_database();
    std::os::unix::fs::symlink(desk.path("moved/clinic.db"), desk.path("clinic.db"))
        .expect("symlink");
    for args in [&["queue"][..], &["init"]] {
        let r = run(desk.bare().args(["--db", "clinic.db"]).args(args)).refused();
        assert!(
            r.stderr.contains("clinic.db is a link to")
                && r.stderr.contains("moved/clinic.db")
                && !r.stderr.contains("vaxdesk init"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert!(!desk.path("moved").exists(), "a folder was created");
}

/// Runs as an ordinary user even when the tests run as root (root writes anything): the
/// desk's folder is handed to `nobody`, who then meets the file modes as a clinic's user does.
#[cfg(unix)]
fn as_ordinary_user(desk: &Desk, cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    fn chown_all(p: &std::path::Path) {
        std::os::unix::fs::lchown(p, Some(65534), Some(65534)).expect("chown");
        if p.is_dir() && !p.is_symlink() {
            for e in std::fs::read_dir(p).expect("read_dir") {
                chown_all(&e.expect("entry").path());
            }
        }
    }
    chown_all(desk.dir.path());
    cmd.uid(65534).gid(65534);
}

#[cfg(unix)]
#[test]
fn a_read_only_database_is_reported_as_read_only_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    let desk = Desk::new();
    desk.seed_ok("kim.toml", &kim_history());
    std::fs::create_dir(desk.path("clinic")).expect("mkdir");
    let db = desk.path("clinic/desk.db");
    std::fs::rename(&desk.db, &db).expect("move the database");
    let bytes = std::fs::read(&db).expect("read");
    let cases: [(&str, &dyn Fn()); 2] = [
        ("a read-only file", &|| mode(&db, 0o400)),
        ("a read-only folder", &|| mode(&desk.path("clinic"), 0o500)),
    ];
    for (what, make) in cases {
        mode(&desk.path("clinic"), 0o700);
        mode(&db, 0o600);
        make();
        for args in [&["queue"][..], &["status", "--citizen", KIM], &["doctor"]] {
            let mut c = desk.bare();
            c.args(["--db", "clinic/desk.db"]).args(args);
            as_ordinary_user(&desk, &mut c);
            let r = run(&mut c).refused();
            assert!(
                r.stderr.contains("clinic/desk.db") && r.stderr.contains("read-only"),
                "{what}, {args:?}: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("damaged"), "{what}: {}", r.stderr);
        }
    }
    mode(&desk.path("clinic"), 0o700);
    mode(&db, 0o600);
    assert_eq!(
        std::fs::read(&db).expect("read"),
        bytes,
        "the database changed"
    );
}

/// `init` that cannot create its database (here: in a read-only folder) leaves no resident-id
/// key behind, as its "nothing was changed" says.
#[cfg(unix)]
#[test]
fn init_that_cannot_create_the_database_leaves_no_key() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::without_database();
    let key = desk.keys_dir().join("resident-ids.key");
    std::fs::remove_file(&key).ok();
    std::fs::create_dir(desk.path("locked")).expect("mkdir");
    let mut c = desk.bare();
    c.args(["--db", "locked/new.db", "init"]);
    as_ordinary_user(&desk, &mut c);
    std::fs::set_permissions(desk.path("locked"), std::fs::Permissions::from_mode(0o500))
        .expect("chmod");
    let r = run(&mut c).refused();
    assert!(
        r.stderr.contains("locked/new.db") && r.stderr.contains("read-only"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        !desk.path("locked/new.db").exists(),
        "a database was created"
    );
    assert!(!key.exists(), "a resident-id key was left behind");
}

#[test]
fn a_database_whose_wal_was_removed_is_reported_not_shown_empty() {
    let desk = Desk::new();
    // Another desk holds the database open, so its changes stay in the -wal file.
    let holder = rusqlite::Connection::open(&desk.db).expect("open");
    let _: i64 = holder
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .expect("read");
    desk.seed_ok("kim.toml", &kim_history());
    let wal = desk.path("desk.db-wal");
    assert!(wal.exists(), "the changes are in the -wal file");
    std::fs::remove_file(&wal).expect("remove the -wal");
    // The holder keeps its -shm index as it was (it would otherwise checkpoint at close).
    std::mem::forget(holder);
    // Commands that only read the file (verify's revocations, init's look) say it too, and
    // leave the evidence (the -shm index) as it was for the next one.
    let r = desk.run(&["verify", "HC1:6BF"]).refused();
    assert!(r.stderr.contains("desk.db-wal"), "{}", r.stderr);
    let r = desk.run(&["init"]).refused();
    assert!(r.stderr.contains("desk.db-wal"), "{}", r.stderr);
    let r = desk.run(&["status", "--citizen", KIM]).refused();
    assert!(
        r.stderr.contains("desk.db-wal") && r.stderr.contains("removed"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("damaged"), "{}", r.stderr);
    let r = desk.run(&["queue"]).refused();
    assert!(
        r.stdout.is_empty(),
        "an emptied clinic was shown:\n{}",
        r.stdout
    );
}

#[test]
fn a_seed_file_that_is_not_utf8_names_the_line() {
    let desk = Desk::new();
    let mut bytes = kim_history().into_bytes();
    let line = bytes.iter().filter(|b| **b == b'\n').count() + 1;
    // A name as a Korean spreadsheet saves it (CP949 for 김).
    bytes.extend_from_slice(
        b"[[step]]\naction = \"register-citizen\"\nfamily_name = \"\xb1\xe8\"\n",
    );
    std::fs::write(desk.path("cp949.toml"), &bytes).expect("write");
    let log = desk.events_text();
    let r = desk.run(&["seed", "cp949.toml"]).refused();
    assert!(
        r.stderr.contains("cp949.toml") && r.stderr.contains(&format!("line {}", line + 2)),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("UTF-8"), "{}", r.stderr);
    assert_eq!(desk.events_text(), log, "nothing was kept");
}

#[test]
fn long_bad_input_is_quoted_cut_to_80_characters() {
    let desk = Desk::new();
    let long = "x".repeat(500);
    let r = desk
        .run_env(&[("VAXDESK_NOW", &long)], &["queue"])
        .refused();
    let cut = format!("'{}…'", "x".repeat(79));
    assert!(r.stderr.contains(&cut), "{}", r.stderr);
    assert!(!r.stderr.contains(&"x".repeat(80)), "{}", r.stderr);
    // A value clap refuses is cut the same way.
    let r = desk.run(&["audit", "--since", &long]).usage();
    assert!(r.stderr.contains(&cut), "{}", r.stderr);
    assert!(!r.stderr.contains(&"x".repeat(80)), "{}", r.stderr);
    // A line of a file that is not TOML at all is shown cut around the place it breaks.
    desk.write("bare.toml", &format!("[[step]]\naction = {long}\n"));
    let r = desk.run(&["seed", "bare.toml"]).refused();
    assert!(
        r.stderr.contains("line 2") && r.stderr.contains('…'),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(&"x".repeat(80)), "{}", r.stderr);
    desk.write("long.toml", &format!("[[step]]\naction = \"{long}\"\n"));
    let r = desk.run(&["seed", "long.toml"]).refused();
    assert!(r.stderr.contains(&cut), "{}", r.stderr);
    assert!(!r.stderr.contains(&"x".repeat(80)), "{}", r.stderr);
}

/// `dispatch` reports what it delivered, including what its own start-up caught up on.
#[cfg(feature = "fault-injection")]
#[test]
fn dispatch_counts_the_events_its_start_up_delivered() {
    let mut desk = Desk::new();
    let id = rrn(5);
    desk.seed_ok(
        "lee.toml",
        &[
            register(&id, "이", "서연", &rrn_birth(5)),
            inject(&id, 1, "2022-01-10", "FL0001"),
        ]
        .concat(),
    );
    let before = desk.queue().len();
    desk.write("apply.toml", &apply(&id, 1));
    // Issuance fails: the application's event waits for it.
    desk.run_env(&[("VAXDESK_FAULTS", "issuance")], &["seed", "apply.toml"])
        .ok();
    // Later, issuance works again: the first command catches up.
    desk.now = "2026-11-25T13:00:00Z".into();
    let r = desk.run(&["dispatch"]).ok();
    let delivered: u64 = r
        .stdout
        .strip_prefix("Delivered ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(delivered > 0, "{}", r.stdout);
    assert_eq!(
        desk.queue().len(),
        before + 1,
        "the application reached the queue"
    );
    let r = desk.run(&["dispatch"]).ok();
    assert!(
        r.stdout.starts_with("Delivered 0 event(s)."),
        "{}",
        r.stdout
    );
}

/// The pseudo-terminal's output so far, read on a thread of its own.
#[cfg(unix)]
fn screen_of(master: &dyn portable_pty::MasterPty) -> std::sync::Arc<std::sync::Mutex<String>> {
    use std::io::Read;
    let text = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut reader = master.try_clone_reader().expect("a PTY reader");
    let shared = text.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut t = shared.lock().expect("lock");
            t.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

/// Waits until `done` holds, failing after a minute with `what`.
#[cfg(unix)]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn the_desk_asks_before_it_creates_a_database() {
    const QUESTION: &str = "Create a new clinic database here? (y/N)";
    let desk = Desk::without_database();
    let key = desk.keys_dir().join("resident-ids.key");
    for answer in ["n", "\r", "\u{1b}", "q"] {
        let (master, mut child) = desk.spawn_in_pty(&[], &[], 80);
        let screen = screen_of(&*master);
        wait_until("the desk did not ask", || {
            screen.lock().expect("lock").contains(QUESTION)
        });
        let shown = screen.lock().expect("lock").clone();
        assert!(
            shown.contains(&format!("No database at {}.", desk.db.display())),
            "{shown}"
        );
        let mut writer = master.take_writer().expect("a PTY writer");
        std::io::Write::write_all(&mut writer, answer.as_bytes()).expect("answer");
        let mut status = None;
        wait_until(&format!("{answer:?} did not end the desk"), || {
            status = child.try_wait().expect("wait");
            status.is_some()
        });
        assert_eq!(status.map(|s| s.exit_code()), Some(1), "{answer:?}");
        assert!(!desk.db.exists(), "{answer:?} created the database");
        assert!(!key.exists(), "{answer:?} created a resident-id key");
    }
    // `y` creates it and opens the desk.
    let (master, mut child) = desk.spawn_in_pty(&[], &[], 80);
    let screen = screen_of(&*master);
    wait_until("the desk did not ask", || {
        screen.lock().expect("lock").contains(QUESTION)
    });
    let mut writer = master.take_writer().expect("a PTY writer");
    std::io::Write::write_all(&mut writer, b"y").expect("answer");
    let log = desk.path("xdg-data/vaxdesk/vaxdesk.log");
    wait_until("the desk did not open", || {
        std::fs::read_to_string(&log).is_ok_and(|t| t.contains("desk opened"))
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(desk.db.exists() && key.exists());
    run(desk.command().arg("queue")).ok();
}
