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
    let desk = Desk::new();
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
        "[dispatch]\nbreaker_failures = 3\nbreaker_open_seconds = 1\n",
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
    let s = desk.status(&ids[99]);
    assert_eq!(s["applications"][0]["status"], "APPLIED");
    assert_eq!(s["issuance_delayed"], json!(false));
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
