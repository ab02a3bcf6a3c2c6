//! Two desks in two processes racing conflicting commands on one record, many times: issue
//! against cancel, issue against issue, void against apply. Each round starts two child
//! processes (this test binary again, running the same test in child mode), lets them open
//! their desks on the shared file, then releases both at once. Write transactions are
//! serialised, so the outcome is always one of the two orders, never a mix: exactly one issue
//! or cancel wins and the other is refused, and nothing is half-done (no certificate without
//! its issued request, no pending request for a closed application). The database's integrity
//! check and the status view's rebuild agree at the end.

mod common;

use common::TestDesk;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use vaxdesk::app::{AppError, commands, queries};

/// Rounds of each race.
const ROUNDS: usize = 20;

/// Set in a child: what to run (`issue APP`, `cancel CITIZEN APP`, `void INJECTION VERSION`,
/// `apply CITIZEN INJECTION`), and the folder of the round's signal files.
const CHILD_COMMAND: &str = "VAXDESK_RACE_COMMAND";
const CHILD_DIR: &str = "VAXDESK_RACE_DIR";
const CHILD_DB: &str = "VAXDESK_RACE_DB";
const CHILD_NAME: &str = "VAXDESK_RACE_NAME";

/// In a child process: open a desk on the shared file, say "ready", wait for "go", run the
/// command and write its outcome (`ok`, `refused: …` or `error: …`) for the parent.
fn run_child() -> bool {
    let Ok(command) = std::env::var(CHILD_COMMAND) else {
        return false;
    };
    let dir = PathBuf::from(std::env::var(CHILD_DIR).unwrap());
    let db = PathBuf::from(std::env::var(CHILD_DB).unwrap());
    let name = std::env::var(CHILD_NAME).unwrap();
    let td_config = vaxdesk::config::Config::default();
    let clock = std::sync::Arc::new(vaxdesk::domain::FixedClock::new(common::t0()));
    let desk = common::open_desk(&db, &td_config, &clock, &vaxdesk::bus::Faults::none());
    std::fs::write(dir.join(format!("{name}.ready")), "").unwrap();
    let start = Instant::now();
    while !dir.join("go").exists() {
        assert!(start.elapsed() < Duration::from_secs(60), "no go signal");
        std::thread::sleep(Duration::from_micros(200));
    }
    let args: Vec<i64> = command
        .split_whitespace()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let stamp = desk.stamp(&format!("race:{name}"));
    let outcome: Result<(), AppError> = match command.split_whitespace().next().unwrap() {
        "issue" => desk
            .command(&stamp, "issue certificate", None, |ctx| {
                commands::issue(ctx, &stamp, args[0])
            })
            .map(|_| ()),
        "cancel" => desk.command(&stamp, "cancel application", Some(args[0]), |ctx| {
            let c = commands::citizen_by_id(ctx, args[0])?;
            commands::cancel(ctx, &stamp, &c, args[1])
        }),
        "void" => desk.command(&stamp, "void injection", None, |ctx| {
            let row = vaxdesk::store::vaccination::injection(ctx.conn, args[0])?.unwrap();
            commands::void_injection(ctx, &stamp, &row, Some(args[1]), "wrong patient")
        }),
        "apply" => desk
            .command(&stamp, "apply", Some(args[0]), |ctx| {
                let c = commands::citizen_by_id(ctx, args[0])?;
                commands::apply(ctx, &stamp, &c, args[1])
            })
            .map(|_| ()),
        other => panic!("unknown race command {other}"),
    };
    let text = match outcome {
        Ok(()) => "ok".to_string(),
        Err(AppError::Refused(r)) => format!("refused: {}: {}", r.rule.label(), r.message),
        Err(e) => format!("error: {e}"),
    };
    std::fs::write(dir.join(format!("{name}.out")), text).unwrap();
    true
}

fn spawn(test: &str, db: &Path, dir: &Path, name: &str, command: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_COMMAND, command)
        .env(CHILD_DIR, dir)
        .env(CHILD_DB, db)
        .env(CHILD_NAME, name)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn a racing desk")
}

/// Runs `a` and `b` in two processes released at the same moment; returns their outcomes.
fn race(td: &TestDesk, test: &str, round: usize, a: &str, b: &str) -> (String, String) {
    let dir = td.dir.path().join(format!("round-{round}"));
    std::fs::create_dir_all(&dir).unwrap();
    let children = [
        spawn(test, &td.path, &dir, "a", a),
        spawn(test, &td.path, &dir, "b", b),
    ];
    let start = Instant::now();
    while !(dir.join("a.ready").exists() && dir.join("b.ready").exists()) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "children not ready"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    std::fs::write(dir.join("go"), "").unwrap();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a racing desk failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let read = |n: &str| std::fs::read_to_string(dir.join(format!("{n}.out"))).unwrap();
    // Whatever a child's desk left undelivered, this desk delivers now.
    td.desk.dispatch().unwrap();
    (read("a"), read("b"))
}

/// A new citizen with one administered dose; returns (citizen, injection).
fn person(td: &TestDesk, n: usize) -> (vaxdesk::store::vaccination::CitizenRow, i64) {
    let c = common::register(
        &td.desk,
        &format!("RACE{n:05}"),
        "Race",
        &format!("Test{n}"),
    );
    let inj = common::record(&td.desk, &c, common::administered(1, 2, "2021-06-01"));
    (c, inj.id)
}

fn certificates_for(td: &TestDesk, app: i64) -> i64 {
    common::count(
        &td.desk,
        &format!("SELECT COUNT(*) FROM certificates WHERE application_id = {app}"),
    )
}

/// One side won and the other was refused by the rule that guards the record.
#[track_caller]
fn one_wins(outcomes: &(String, String)) -> bool {
    let (a, b) = outcomes;
    let ok = [a, b].iter().filter(|o| o.as_str() == "ok").count();
    let refused = [a, b].iter().filter(|o| o.starts_with("refused")).count();
    assert_eq!((ok, refused), (1, 1), "exactly one wins: {outcomes:?}");
    a == "ok"
}

/// The database is whole, nothing waits to be delivered, and the status view rebuilt from
/// the log equals the live one.
fn all_consistent(td: &TestDesk) {
    let d = queries::doctor(&td.desk).unwrap();
    assert_eq!(d.integrity, ["ok"]);
    assert!(d.problems().is_empty(), "{:?}", d.problems());
    let check = queries::rebuild_views(&td.desk, false).unwrap();
    assert!(check.differences.is_empty(), "{:?}", check.differences);
}

#[test]
fn issue_races_cancel_in_two_processes() {
    if run_child() {
        return;
    }
    let td = TestDesk::new();
    let (mut issued, mut cancelled) = (0, 0);
    for round in 0..ROUNDS {
        let (c, inj) = person(&td, round);
        let app = common::try_apply(&td.desk, &c, inj).unwrap();
        let issue = format!("issue {app}");
        let cancel = format!("cancel {} {app}", c.id);
        // Each side goes first as often.
        let (issue_won, _) = if round % 2 == 0 {
            let o = race(
                &td,
                "issue_races_cancel_in_two_processes",
                round,
                &issue,
                &cancel,
            );
            (one_wins(&o), o)
        } else {
            let o = race(
                &td,
                "issue_races_cancel_in_two_processes",
                round,
                &cancel,
                &issue,
            );
            (!one_wins(&o), o)
        };
        let (status, _, _) = common::application(&td.desk, app);
        let (request, _) = common::request(&td.desk, app).unwrap();
        if issue_won {
            issued += 1;
            assert_eq!((status.as_str(), request.as_str()), ("ISSUED", "ISSUED"));
            assert_eq!(certificates_for(&td, app), 1);
        } else {
            cancelled += 1;
            assert_eq!(
                (status.as_str(), request.as_str()),
                ("CANCELLED", "WITHDRAWN")
            );
            assert_eq!(
                certificates_for(&td, app),
                0,
                "no certificate for a cancelled one"
            );
        }
    }
    eprintln!("issued {issued} cancelled {cancelled}");
    assert_eq!(issued + cancelled, ROUNDS);
    all_consistent(&td);
}

#[test]
fn issue_races_issue_in_two_processes() {
    if run_child() {
        return;
    }
    let td = TestDesk::new();
    for round in 0..ROUNDS {
        let (c, inj) = person(&td, round);
        let app = common::try_apply(&td.desk, &c, inj).unwrap();
        let issue = format!("issue {app}");
        let o = race(
            &td,
            "issue_races_issue_in_two_processes",
            round,
            &issue,
            &issue,
        );
        one_wins(&o);
        let loser = if o.0 == "ok" { &o.1 } else { &o.0 };
        assert!(loser.contains("rule 4"), "{loser}");
        assert_eq!(certificates_for(&td, app), 1, "one certificate, never two");
        assert_eq!(common::application(&td.desk, app).0, "ISSUED");
    }
    all_consistent(&td);
}

/// Void against apply: when the void commits first the application is refused (rule 1); when
/// the application commits first, the void still stands (a wrong record must go) and rejects
/// it by policy. Either way the two never leave an APPLIED application, or a PENDING request,
/// on a voided dose.
#[test]
fn void_races_apply_in_two_processes() {
    if run_child() {
        return;
    }
    let td = TestDesk::new();
    let (mut apply_refused, mut applied_then_rejected) = (0, 0);
    for round in 0..ROUNDS {
        let (c, inj) = person(&td, round);
        let version = common::injection_by_id(&td.desk, inj).version;
        let void = format!("void {inj} {version}");
        let apply = format!("apply {} {inj}", c.id);
        let (v, a) = if round % 2 == 0 {
            race(
                &td,
                "void_races_apply_in_two_processes",
                round,
                &void,
                &apply,
            )
        } else {
            let (a, v) = race(
                &td,
                "void_races_apply_in_two_processes",
                round,
                &apply,
                &void,
            );
            (v, a)
        };
        assert_eq!(v, "ok", "the void stands either way (apply was {a})");
        assert_eq!(
            common::injection_by_id(&td.desk, inj)
                .details
                .status
                .as_str(),
            "VOIDED"
        );
        let on_dose: Vec<String> = {
            let mut stmt = td
                .desk
                .conn()
                .prepare(
                    "SELECT a.status || '/' || COALESCE(r.status, '-') FROM applications a
                     LEFT JOIN issuance_requests r ON r.application_id = a.id
                     WHERE a.injection_id = ?1",
                )
                .unwrap();
            stmt.query_map([inj], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        if a == "ok" {
            applied_then_rejected += 1;
            assert_eq!(on_dose.len(), 1, "{on_dose:?}");
            assert!(on_dose[0].starts_with("REJECTED/"), "{on_dose:?}");
            assert!(!on_dose[0].ends_with("/PENDING"), "{on_dose:?}");
        } else {
            apply_refused += 1;
            assert!(a.contains("rule 1"), "{a}");
            assert!(on_dose.is_empty(), "{on_dose:?}");
        }
    }
    eprintln!("apply refused {apply_refused} applied then rejected {applied_then_rejected}");
    assert_eq!(apply_refused + applied_then_rejected, ROUNDS);
    all_consistent(&td);
}
