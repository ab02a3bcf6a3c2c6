//! `vaxdesk relay` and `vaxdesk registry` against the real PostgreSQL server (issue 13): each
//! test makes its own database there and drops it at the end, so the tests run in parallel.
//! PostgreSQL restarting under a running relay is in `tests/relay_restart.rs`, a binary of
//! its own: restarting the server would break the other tests here.

mod relay_support;
mod support;

use relay_support::{Pg, eventually, local_checkpoint, local_events, people_csv, text_columns};
use std::process::Stdio;
use std::time::Duration;
use support::{Desk, apply, inject, issue, register, rrn, step};

/// A new registry key file in the desk's folder.
fn new_key(desk: &Desk) -> String {
    let path = desk.path("registry.key");
    let p = path.to_str().unwrap().to_string();
    desk.run(&["registry", "new-key", "--out", &p]).ok();
    p
}

/// A desk sharing `key` (copied into its folder).
fn desk_with_key(key: &str) -> (Desk, String) {
    let desk = Desk::new();
    let path = desk.path("registry.key");
    std::fs::copy(key, &path).unwrap();
    (desk, path.to_str().unwrap().to_string())
}

fn relay_once(desk: &Desk, pg: &Pg, clinic: &str, key: &str) -> support::Run {
    relay_once_to(desk, &pg.url(), clinic, key)
}

/// `vaxdesk relay --to URL --clinic CLINIC --registry-key KEY --once`.
fn relay_once_to(desk: &Desk, url: &str, clinic: &str, key: &str) -> support::Run {
    desk.run(&[
        "relay",
        "--to",
        url,
        "--clinic",
        clinic,
        "--registry-key",
        key,
        "--once",
    ])
}

fn import(desk: &Desk, name: &str, text: &str) {
    desk.write(name, text);
    desk.run(&["import", name]).ok();
}

/// Every `(clinic, seq)` of `clinic` present once and gapless from 1 to the desk's last seq.
fn assert_gapless(pg: &Pg, clinic: &str, desk: &Desk) {
    let (last, count) = local_events(&desk.db);
    assert!(count > 0);
    let row = pg
        .client()
        .query_one(
            "SELECT COUNT(*), COUNT(DISTINCT seq), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0)
             FROM vaxdesk_events WHERE clinic = $1",
            &[&clinic],
        )
        .unwrap();
    let (n, distinct, min, max): (i64, i64, i64, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(
        (n, distinct, min, max),
        (count, count, 1, last),
        "clinic {clinic}"
    );
    assert_eq!(
        local_checkpoint(&desk.db),
        last,
        "the checkpoint of {clinic}"
    );
}

#[test]
fn two_clinics_of_ten_thousand_events_relay_into_one_registry_each_event_once() {
    let pg = Pg::new();
    let first = Desk::new();
    let key = new_key(&first);
    let (second, key2) = desk_with_key(&key);
    // Person 0 is vaccinated at both clinics: dose 1 in the north, dose 2 in the south.
    import(&first, "north.csv", &people_csv(0, 5000, "2021-03-01"));
    let mut south = people_csv(5000, 4999, "2021-03-02");
    south.push_str(&format!(
        "{},Kim,Person0,{},EU/1/20/1528,2,2021-04-01,S2\n",
        rrn(0),
        support::rrn_birth(0)
    ));
    import(&second, "south.csv", &south);
    for desk in [&first, &second] {
        assert!(
            local_events(&desk.db).1 >= 10_000,
            "{:?}",
            local_events(&desk.db)
        );
    }

    // Both relays at once, on a registry that has no schema yet.
    let spawn = |desk: &Desk, clinic: &str, key: &str| {
        desk.command()
            .args([
                "relay",
                "--to",
                &pg.url(),
                "--clinic",
                clinic,
                "--registry-key",
                key,
                "--once",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn(&first, "north", &key);
    let b = spawn(&second, "south", &key2);
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.starts_with("relayed "), "{stdout}");
    }
    assert_gapless(&pg, "north", &first);
    assert_gapless(&pg, "south", &second);
    assert_eq!(pg.count("SELECT COUNT(*) FROM vaxdesk_schema_version"), 1);

    // Again: nothing new, nothing twice.
    let r = relay_once(&first, &pg, "north", &key).ok();
    assert!(r.stdout.contains("relayed 0 event(s)"), "{}", r.stdout);
    assert_gapless(&pg, "north", &first);

    // The registry: one person per resident id, one injection per row.
    assert_eq!(pg.count("SELECT COUNT(*) FROM registry_people"), 9999);
    assert_eq!(pg.count("SELECT COUNT(*) FROM registry_injections"), 10_000);
    let r = first
        .run(&[
            "registry",
            "status",
            "--from",
            &pg.url(),
            "--registry-key",
            &key,
            "--citizen",
            &rrn(0),
            "--json",
        ])
        .ok();
    let v = r.json();
    let inj = v["injections"].as_array().unwrap();
    assert_eq!(inj.len(), 2, "{v}");
    assert_eq!(
        (inj[0]["clinic"].as_str(), inj[0]["dose"].as_i64()),
        (Some("north"), Some(1))
    );
    assert_eq!(
        (inj[1]["clinic"].as_str(), inj[1]["dose"].as_i64()),
        (Some("south"), Some(2))
    );
    assert_eq!(v["person"]["given_name"], "Person0");
    assert!(!r.stdout.contains(&rrn(0)[7..]), "the id is not shown back");
    let text = first
        .run(&[
            "registry",
            "status",
            "--from",
            &pg.url(),
            "--registry-key",
            &key,
            "--citizen",
            &rrn(0),
        ])
        .ok()
        .stdout;
    assert!(text.contains("injections    2"), "{text}");
    assert!(
        text.contains("north") && text.contains("south") && text.contains("2/2"),
        "{text}"
    );

    let stats = first
        .run(&["registry", "stats", "--from", &pg.url(), "--json"])
        .ok()
        .json();
    assert_eq!(stats["total"]["people"], 9999);
    let clinics = stats["clinics"].as_array().unwrap();
    assert_eq!(clinics.len(), 2);
    assert_eq!(clinics[0]["clinic"], "north");
    assert_eq!(clinics[0]["injections"][0]["n"], 5000);
    let doses: Vec<(i64, i64)> = stats["total"]["injections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["dose"].as_i64().unwrap(), d["n"].as_i64().unwrap()))
        .collect();
    assert_eq!(doses, [(1, 9999), (2, 1)]);
    let text = first
        .run(&["registry", "stats", "--from", &pg.url()])
        .ok()
        .stdout;
    assert!(text.contains("north") && text.contains("all"), "{text}");

    // The same in Korean: labels, headers and the total's row.
    let ko = first
        .run(&[
            "--lang",
            "ko",
            "registry",
            "status",
            "--from",
            &pg.url(),
            "--registry-key",
            &key,
            "--citizen",
            &rrn(0),
        ])
        .ok()
        .stdout;
    assert!(ko.contains("예방접종      2"), "{ko}");
    assert!(ko.contains("접종 차수") && ko.contains("2/2"), "{ko}");
    assert!(!ko.contains("injections"), "{ko}");
    let ko = first
        .run(&["--lang", "ko", "registry", "stats", "--from", &pg.url()])
        .ok()
        .stdout;
    assert!(
        ko.contains("전체") && ko.contains("백신과 접종 차수별 예방접종"),
        "{ko}"
    );

    // No plain resident id anywhere in the registry: nothing shaped like one (six digits, a
    // dash, seven digits; or thirteen digits standing alone, not inside a hex reference).
    for (table, column) in text_columns(&pg) {
        let found = pg.count(&format!(
            "SELECT COUNT(*) FROM {table} WHERE {column}::text ~ '[0-9]{{6}}-[0-9]{{7}}'
                OR {column}::text ~ '(^|[^0-9a-zA-Z])[0-9]{{13}}([^0-9a-zA-Z]|$)'"
        ));
        assert_eq!(
            found, 0,
            "{table}.{column} holds something shaped like a resident id"
        );
    }
}

#[test]
fn nothing_in_the_registry_holds_a_plain_resident_id() {
    let pg = Pg::new();
    let desk = Desk::new();
    let key = new_key(&desk);
    let ids = ["900101-1234567", "851212-2345678", "M48291734"];
    let mut seed = String::new();
    seed.push_str(&register(ids[0], "김", "민준", "1990-01-01"));
    seed.push_str(&register(ids[1], "Lee", "Soo", "1985-12-12"));
    seed.push_str(&register(ids[2], "Müller", "Anna", "1988-03-03"));
    seed.push_str(
        &step("update-citizen")
            .s("id", ids[1])
            .s("given_name", "Sooyeon")
            .done(),
    );
    for id in ids {
        seed.push_str(&inject(id, 1, "2026-10-01", "FA1"));
        seed.push_str(&apply(id, 1));
        seed.push_str(&issue(id, 1));
    }
    seed.push_str(
        &step("void-injection")
            .s("citizen", ids[2])
            .i("dose", 1)
            .s("reason", "wrong product")
            .done(),
    );
    desk.seed_ok("day.toml", &seed);
    relay_once(&desk, &pg, "north", &key).ok();
    let kinds: Vec<String> = pg
        .client()
        .query(
            "SELECT DISTINCT kind FROM vaxdesk_events ORDER BY kind",
            &[],
        )
        .unwrap()
        .into_iter()
        .map(|r| r.get(0))
        .collect();
    for k in [
        "CitizenRegistered",
        "CitizenUpdated",
        "InjectionRecorded",
        "CertificateIssued",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} relayed: {kinds:?}");
    }
    // The desk's own keyed hash and masked id are not sent either.
    let lookups: Vec<String> = ids.iter().map(|i| desk.lookup(i)).collect();
    let columns = text_columns(&pg);
    assert!(columns.len() >= 20, "{columns:?}");
    for (table, column) in &columns {
        let mut client = pg.client();
        let values: Vec<Option<String>> = client
            .query(&format!("SELECT {column}::text FROM {table}"), &[])
            .unwrap()
            .into_iter()
            .map(|r| r.get(0))
            .collect();
        for v in values.into_iter().flatten() {
            for id in ids {
                let bare = id.replace('-', "");
                assert!(
                    !v.contains(id) && !v.contains(&bare) && !v.contains(&id[..8]),
                    "{table}.{column} holds resident id {id}: {v}"
                );
            }
            for l in &lookups {
                assert!(
                    !v.contains(l.as_str()),
                    "{table}.{column} holds the desk's keyed hash"
                );
            }
            assert!(
                !v.contains("******"),
                "{table}.{column} holds a masked id: {v}"
            );
        }
    }
    // Every event of a citizen carries its registry_ref, the same across kinds.
    let without =
        pg.count("SELECT COUNT(*) FROM vaxdesk_events WHERE NOT payload ? 'registry_ref'");
    assert_eq!(without, 0);
    assert_eq!(pg.count("SELECT COUNT(*) FROM registry_people"), 3);
    assert_eq!(
        pg.count("SELECT COUNT(*) FROM registry_injections WHERE status = 'VOIDED'"),
        1
    );
    assert_eq!(pg.count("SELECT COUNT(*) FROM registry_certificates"), 3);
}

#[test]
fn a_relay_killed_at_twenty_random_moments_then_run_again_sends_each_event_once() {
    let pg = Pg::new();
    let desk = Desk::new();
    let key = new_key(&desk);
    import(&desk, "people.csv", &people_csv(0, 5000, "2021-03-01"));
    let (last, _) = local_events(&desk.db);
    // A running relay (small batches: many transactions to land in) killed at random.
    let mut killed_mid_way = 0;
    for round in 0..20 {
        let mut child = desk
            .command()
            .args([
                "relay",
                "--to",
                &pg.url(),
                "--clinic",
                "north",
                "--registry-key",
                &key,
                "--batch",
                "37",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wait = Duration::from_millis(100 + relay_support::random() % 700);
        std::thread::sleep(wait);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let checkpoint = local_checkpoint(&desk.db);
        if checkpoint > 0 && checkpoint < last {
            killed_mid_way += 1;
        }
        // What the registry has is a prefix of the log, once each, whatever the moment.
        let row = pg
            .client()
            .query_opt(
                "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM vaxdesk_events WHERE clinic = 'north'",
                &[],
            )
            .ok()
            .flatten();
        if let Some(row) = row {
            let (n, max): (i64, i64) = (row.get(0), row.get(1));
            assert_eq!(n, max, "round {round}: a gap or a duplicate");
            assert!(
                max >= checkpoint,
                "round {round}: the checkpoint ran ahead of the registry"
            );
        }
    }
    assert!(killed_mid_way > 0, "no kill landed while relaying");
    relay_once(&desk, &pg, "north", &key).ok();
    assert_gapless(&pg, "north", &desk);
    assert_eq!(pg.count("SELECT COUNT(*) FROM registry_people"), 5000);
    assert_eq!(pg.count("SELECT COUNT(*) FROM registry_injections"), 5000);
    assert_eq!(
        pg.count("SELECT COUNT(*) FROM (SELECT registry_ref FROM registry_injections GROUP BY 1 HAVING COUNT(*) > 1) d"),
        0
    );
}

#[test]
fn refusals_name_their_reason_and_exit_1() {
    let pg = Pg::new();
    let desk = Desk::new();
    let key = new_key(&desk);
    desk.seed_ok(
        "a.toml",
        &register("900101-1234567", "Kim", "Minjun", "1990-01-01"),
    );

    // No registry key.
    let r = desk
        .run(&["relay", "--to", &pg.url(), "--clinic", "north", "--once"])
        .refused();
    assert!(
        r.stderr.contains("no registry key") && r.stderr.contains("--registry-key"),
        "{}",
        r.stderr
    );
    // A URL that is not PostgreSQL's, and one that does not parse.
    let r = relay_once_to(&desk, "mysql://root@127.0.0.1/test", "north", &key).refused();
    assert!(
        r.stderr.contains("--to: not a PostgreSQL URL"),
        "{}",
        r.stderr
    );
    let r = relay_once_to(
        &desk,
        "postgresql://root@127.0.0.1:notaport/x",
        "north",
        &key,
    )
    .refused();
    assert!(
        r.stderr.contains("--to: not a valid PostgreSQL URL"),
        "{}",
        r.stderr
    );
    // Nothing listening there.
    let r = relay_once_to(&desk, "postgresql://root@127.0.0.1:1/test", "north", &key).refused();
    assert!(
        r.stderr.contains("registry postgresql://127.0.0.1:1/test"),
        "{}",
        r.stderr
    );
    // A database that is not there: refused at once, even by a running relay (only an
    // unreachable or restarting server is waited for).
    let r = desk
        .run(&[
            "relay",
            "--to",
            "postgresql://root@127.0.0.1:5432/vaxdesk_no_such_database",
            "--clinic",
            "north",
            "--registry-key",
            &key,
        ])
        .refused();
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    // No clinic name on the first relay.
    let r = desk
        .run(&["relay", "--to", &pg.url(), "--registry-key", &key, "--once"])
        .refused();
    assert!(
        r.stderr.contains("no clinic name") && r.stderr.contains("--clinic"),
        "{}",
        r.stderr
    );
    // A clinic name that is not one.
    let r = relay_once_to(&desk, &pg.url(), "a b", &key).refused();
    assert!(r.stderr.contains("--clinic:"), "{}", r.stderr);
    assert_eq!(local_checkpoint(&desk.db), 0, "nothing was recorded");
    // --batch 0 is a usage error.
    desk.run(&[
        "relay",
        "--to",
        &pg.url(),
        "--clinic",
        "north",
        "--registry-key",
        &key,
        "--batch",
        "0",
    ])
    .usage();

    relay_once(&desk, &pg, "north", &key).ok();
    // The recorded name is used without --clinic; another name is refused.
    desk.run(&["relay", "--to", &pg.url(), "--registry-key", &key, "--once"])
        .ok();
    let r = relay_once(&desk, &pg, "south", &key).refused();
    assert!(
        r.stderr.contains("relayed as clinic 'north'") && r.stderr.contains("'south'"),
        "{}",
        r.stderr
    );
    // Another database under a name the registry already has.
    let (other, other_key) = desk_with_key(&key);
    other.seed_ok(
        "b.toml",
        &register("850505-2345678", "Lee", "Soo", "1985-05-05"),
    );
    let r = relay_once(&other, &pg, "north", &other_key).refused();
    assert!(
        r.stderr
            .contains("already relayed there from another database"),
        "{}",
        r.stderr
    );
    assert_eq!(
        pg.count("SELECT COUNT(*) FROM vaxdesk_events WHERE clinic = 'north'"),
        local_events(&desk.db).1
    );

    // `registry status` without a key, and a key file that is none.
    let r = desk
        .run(&[
            "registry",
            "status",
            "--from",
            &pg.url(),
            "--citizen",
            "900101-1234567",
        ])
        .refused();
    assert!(r.stderr.contains("--registry-key"), "{}", r.stderr);
    let bad = desk.write("bad.key", "nope");
    let r = desk
        .run(&[
            "registry",
            "status",
            "--from",
            &pg.url(),
            "--registry-key",
            bad.to_str().unwrap(),
            "--citizen",
            "900101-1234567",
        ])
        .refused();
    assert!(
        r.stderr.contains("not a vaxdesk registry key"),
        "{}",
        r.stderr
    );
    // Someone the registry does not know.
    let r = desk
        .run(&[
            "registry",
            "status",
            "--from",
            &pg.url(),
            "--registry-key",
            &key,
            "--citizen",
            "850505-2345678",
        ])
        .refused();
    assert!(
        r.stderr.contains("no record of this person"),
        "{}",
        r.stderr
    );
    // new-key never overwrites.
    let before = std::fs::read(&key).unwrap();
    let r = desk.run(&["registry", "new-key", "--out", &key]).refused();
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read(&key).unwrap(), before);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // A registry no relay created.
    let empty = Pg::new();
    let r = desk
        .run(&["registry", "stats", "--from", &empty.url()])
        .refused();
    assert!(
        r.stderr.contains("no vaxdesk registry there yet"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_configuration_gives_url_clinic_and_key() {
    let pg = Pg::new();
    let desk = Desk::new();
    let key = new_key(&desk);
    desk.seed_ok(
        "a.toml",
        &register("900101-1234567", "Kim", "Minjun", "1990-01-01"),
    );
    let config = desk.write(
        "config.toml",
        &format!(
            "[relay]\nurl = \"{}\"\nclinic = \"east\"\nregistry_key_file = \"{key}\"\n",
            pg.url()
        ),
    );
    let c = config.to_str().unwrap();
    desk.run(&["--config", c, "relay", "--once"]).ok();
    assert_gapless(&pg, "east", &desk);
    let v = desk
        .run(&[
            "--config",
            c,
            "registry",
            "status",
            "--citizen",
            "900101-1234567",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(v["person"]["first_clinic"], "east");
    let bad = desk.write("bad.toml", "[relay]\nurl = \"http://x\"\n");
    let r = desk
        .run(&["--config", bad.to_str().unwrap(), "doctor"])
        .refused();
    assert!(r.stderr.contains("relay.url"), "{}", r.stderr);
}

#[test]
fn a_running_relay_sends_new_events_shows_in_doctor_and_stops_on_sigterm() {
    let pg = Pg::new();
    let desk = Desk::new();
    let key = new_key(&desk);
    desk.seed_ok(
        "a.toml",
        &register("900101-1234567", "Kim", "Minjun", "1990-01-01"),
    );
    let child = desk
        .command()
        .args([
            "relay",
            "--to",
            &pg.url(),
            "--clinic",
            "north",
            "--registry-key",
            &key,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let events = |pg: &Pg| {
        pg.client()
            .query_one("SELECT COUNT(*) FROM vaxdesk_events", &[])
            .map(|r| r.get::<_, i64>(0))
            .unwrap_or(0)
    };
    eventually("the first event relayed", Duration::from_secs(60), || {
        events(&pg) == 1
    });
    desk.seed_ok("b.toml", &inject("900101-1234567", 1, "2026-10-01", "FA1"));
    eventually("the new event relayed", Duration::from_secs(60), || {
        events(&pg) == 2
    });
    // The checkpoint follows the registry (a moment later: it moves after the registry's
    // commit, in the desk's own transaction).
    eventually(
        "doctor shows the relay up to date",
        Duration::from_secs(60),
        || {
            desk.run(&["doctor"])
                .ok()
                .stdout
                .contains("relay        clinic 'north': up to date at event 2")
        },
    );

    // SIGTERM ends it between batches, with status 0.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("connected to registry postgresql://127.0.0.1:5432/"),
        "{stderr}"
    );
    assert!(stderr.contains("relayed events 1..1"), "{stderr}");
    assert!(stderr.contains("stopped at event 2"), "{stderr}");

    // Events committed while no relay runs are the doctor's lag.
    desk.seed_ok(
        "c.toml",
        &register("850505-2345678", "Lee", "Soo", "1985-05-05"),
    );
    let doctor = desk.run(&["doctor"]).ok().stdout;
    assert!(
        doctor.contains("relay        clinic 'north': 1 event(s) not yet relayed (checkpoint 2"),
        "{doctor}"
    );
}

#[test]
fn the_registry_key_file_is_checked_before_any_connection() {
    // Run against nothing at all: the refusal comes before a connection is tried.
    let desk = Desk::new();
    let r = desk.run(&["relay", "--once"]).refused();
    assert!(
        r.stderr.contains("no registry URL")
            && r.stderr.contains("--to")
            && r.stderr.contains("no registry key"),
        "{}",
        r.stderr
    );
}

#[test]
fn sslmode_require_encrypts_and_verify_full_checks_the_certificate() {
    // The server's certificate is Debian's self-signed one: `require` encrypts without
    // checking it (libpq's meaning), `verify-full` checks it and refuses.
    let pg = Pg::new();
    let desk = Desk::new();
    let key = new_key(&desk);
    desk.seed_ok(
        "a.toml",
        &register("900101-1234567", "Kim", "Minjun", "1990-01-01"),
    );
    let url = |mode: &str| format!("{}?sslmode={mode}", pg.url());
    let r = relay_once_to(&desk, &url("verify-full"), "north", &key).refused();
    assert!(
        r.stderr.contains("TLS") && r.stderr.contains("certificate"),
        "{}",
        r.stderr
    );
    desk.run(&[
        "relay",
        "--to",
        &url("require"),
        "--clinic",
        "north",
        "--registry-key",
        &key,
        "--once",
    ])
    .ok();
    assert_gapless(&pg, "north", &desk);
}
