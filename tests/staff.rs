//! `vaxdesk staff ...` through the binary: accounts added with a passphrase read from standard
//! input or asked on a terminal without echo, listed, disabled, given a new passphrase and
//! unlocked; passphrases stored as Argon2id PHC strings only; every change in the audit log with
//! `admin:$USER` as the actor.

mod support;

use serde_json::{Value, json};
use std::process::Command;
use support::{Desk, NOW, Run, run, run_input};
use vaxdesk::privacy::passphrase;

/// The administrator the tests run as (`$USER`).
const ADMIN: &str = "lee.admin";
const PASS: &str = "correct horse battery";
const PHC_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

/// `vaxdesk --db DB` run by [`ADMIN`].
fn admin(desk: &Desk) -> Command {
    let mut c = desk.command();
    c.env("USER", ADMIN);
    c
}

fn staff(desk: &Desk, args: &[&str]) -> Run {
    run(admin(desk).arg("staff").args(args))
}

fn staff_input(desk: &Desk, input: &str, args: &[&str]) -> Run {
    run_input(admin(desk).arg("staff").args(args), input)
}

/// Adds an account with `PASS` through `--passphrase-stdin`, asserting success.
fn add(desk: &Desk, name: &str, role: &str) -> Run {
    staff_input(
        desk,
        &format!("{PASS}\n"),
        &["add", name, "--role", role, "--passphrase-stdin"],
    )
    .ok()
}

fn list_json(desk: &Desk) -> Vec<Value> {
    match staff(desk, &["list", "--json"]).ok().json() {
        Value::Array(a) => a,
        other => panic!("staff list --json is not an array: {other}"),
    }
}

/// The stored passphrase hash of an account (read with plain SQL).
fn stored_phc(desk: &Desk, name: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(&desk.db).expect("open the database");
    conn.query_row(
        "SELECT passphrase FROM staff WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .ok()
}

fn account_count(desk: &Desk) -> i64 {
    let conn = rusqlite::Connection::open(&desk.db).expect("open the database");
    conn.query_row("SELECT COUNT(*) FROM staff", [], |r| r.get(0))
        .expect("count")
}

/// The audit rows written by `actor`, oldest first, as (action, result).
fn audit_of(desk: &Desk, actor: &str) -> Vec<(String, String)> {
    let rows = desk.run(&["audit", "--actor", actor, "--json"]).ok().json();
    rows.as_array()
        .expect("audit --json is an array")
        .iter()
        .map(|r| {
            assert_eq!(r["actor"], actor, "{r}");
            (
                r["action"].as_str().expect("action").to_string(),
                r["result"].as_str().expect("result").to_string(),
            )
        })
        .collect()
}

/// The state column of `name` in `staff list`.
fn state_of(desk: &Desk, name: &str) -> String {
    let text = staff(desk, &["list"]).ok().stdout;
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("{name} is not listed:\n{text}"));
    line.split_whitespace()
        .skip(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Records `n` failed sign-ins of `name` at the tests' fixed now, as a desk would.
fn fail_sign_ins(desk: &Desk, name: &str, n: u32) {
    use vaxdesk::store::{self, throttle};
    let conn = store::open(&desk.db).expect("open the database");
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .expect("NOW")
        .with_timezone(&chrono::Utc);
    store::immediate(&conn, |c| {
        for _ in 0..n {
            throttle::record_failure(c, &throttle::staff_subject(name), now)?;
        }
        Ok::<_, rusqlite::Error>(())
    })
    .expect("record failures");
}

#[test]
fn an_added_account_is_listed_and_its_passphrase_stored_as_argon2id() {
    let desk = Desk::new();
    let r = add(&desk, "kim.nurse", "manager");
    assert_eq!(r.stdout.trim(), "Added kim.nurse (manager).");
    // Names are kept in normal form (lower case).
    let r = add(&desk, "Park", "issuer");
    assert_eq!(r.stdout.trim(), "Added park (issuer).");

    let text = staff(&desk, &["list"]).ok().stdout;
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["name", "role", "state"],
            vec!["kim.nurse", "manager", "active"],
            vec!["park", "issuer", "active"],
        ],
        "{text}"
    );

    let accounts = list_json(&desk);
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0]["name"], "kim.nurse");
    assert_eq!(accounts[0]["role"], "MANAGER");
    assert_eq!(accounts[1]["name"], "park");
    assert_eq!(accounts[1]["role"], "ISSUER");
    for a in &accounts {
        assert_eq!(a["disabled"], json!(false), "{a}");
        assert_eq!(a["failures"], json!(0), "{a}");
        assert_eq!(a["locked_until"], Value::Null, "{a}");
        assert_eq!(a["created_at"], NOW, "{a}");
        assert!(a.get("passphrase").is_none(), "the hash is listed: {a}");
    }

    for name in ["kim.nurse", "park"] {
        let phc = stored_phc(&desk, name).expect("the account is stored");
        assert!(phc.starts_with(PHC_PREFIX), "{phc}");
        assert!(!phc.contains(PASS), "{phc}");
        assert!(passphrase::verify(PASS, &phc));
    }
    let db = std::fs::read(&desk.db).expect("read the database");
    assert!(
        !db.windows(PASS.len()).any(|w| w == PASS.as_bytes()),
        "the passphrase is in the database file"
    );
}

#[test]
fn the_passphrase_line_loses_only_its_line_end() {
    let desk = Desk::new();
    let spaced = "  spaces around it  ";
    for (name, input) in [
        ("unix", format!("{spaced}\n")),
        ("dos", format!("{spaced}\r\n")),
        ("no-newline", spaced.to_string()),
    ] {
        staff_input(
            &desk,
            &format!("{input}this second line is not read\n"),
            &["add", name, "--role", "issuer", "--passphrase-stdin"],
        )
        .ok();
        // Only the first line is the passphrase (the no-newline case reads to the end).
        let phc = stored_phc(&desk, name).expect("added");
        if name == "no-newline" {
            assert!(passphrase::verify(
                &format!("{spaced}this second line is not read"),
                &phc
            ));
        } else {
            assert!(passphrase::verify(spaced, &phc), "{name}");
            assert!(!passphrase::verify(spaced.trim(), &phc), "{name}");
        }
    }
}

#[test]
fn a_duplicate_name_is_refused_naming_the_account() {
    let desk = Desk::new();
    add(&desk, "kim.nurse", "manager");
    let before = stored_phc(&desk, "kim.nurse");
    let r = staff_input(
        &desk,
        "another good passphrase\n",
        &["add", "KIM.NURSE", "--role", "issuer", "--passphrase-stdin"],
    )
    .refused();
    assert!(r.stderr.contains("kim.nurse"), "{}", r.stderr);
    assert!(r.stderr.contains("already"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(account_count(&desk), 1);
    assert_eq!(
        stored_phc(&desk, "kim.nurse"),
        before,
        "the account changed"
    );
    assert_eq!(list_json(&desk)[0]["role"], "MANAGER");
}

#[test]
fn a_weak_passphrase_is_refused_naming_the_reason() {
    let desk = Desk::new();
    for (input, reason) in [
        ("short\n", "too short"),
        ("\n", "too short"),
        ("            \n", "white space"),
        (&format!("{}\n", "x".repeat(1025)) as &str, "too long"),
    ] {
        let r = staff_input(
            &desk,
            input,
            &[
                "add",
                "kim.nurse",
                "--role",
                "manager",
                "--passphrase-stdin",
            ],
        )
        .refused();
        assert!(r.stderr.contains("passphrase"), "{}", r.stderr);
        assert!(r.stderr.contains(reason), "{input:?}: {}", r.stderr);
    }
    assert_eq!(account_count(&desk), 0);
    add(&desk, "kim.nurse", "manager");
    let before = stored_phc(&desk, "kim.nurse");
    let r = staff_input(
        &desk,
        "short\n",
        &["passwd", "kim.nurse", "--passphrase-stdin"],
    )
    .refused();
    assert!(r.stderr.contains("passphrase"), "{}", r.stderr);
    assert_eq!(stored_phc(&desk, "kim.nurse"), before);
}

#[test]
fn bad_names_and_roles_are_refused() {
    let desk = Desk::new();
    let r = staff_input(
        &desk,
        &format!("{PASS}\n"),
        &[
            "add",
            "kim nurse",
            "--role",
            "manager",
            "--passphrase-stdin",
        ],
    )
    .refused();
    assert!(r.stderr.contains("NAME"), "{}", r.stderr);
    for args in [
        vec!["add", "kim", "--role", "admin", "--passphrase-stdin"],
        vec!["add", "kim", "--passphrase-stdin"],
        vec!["add", "--role", "manager"],
        vec!["disable"],
        vec!["frobnicate", "kim"],
    ] {
        staff_input(&desk, &format!("{PASS}\n"), &args).usage();
    }
    assert!(!desk.db.exists() || account_count(&desk) == 0);
}

#[test]
fn without_a_terminal_the_passphrase_must_come_from_stdin() {
    let desk = Desk::new();
    for args in [
        vec!["add", "kim.nurse", "--role", "manager"],
        vec!["passwd", "kim.nurse"],
    ] {
        // Standard input is not a terminal (here: empty).
        let r = staff(&desk, &args).refused();
        assert!(r.stderr.contains("no terminal"), "{}", r.stderr);
        assert!(r.stderr.contains("--passphrase-stdin"), "{}", r.stderr);
    }
    // The database is there (only `init` and seeds create one): nothing was added to it.
    assert_eq!(account_count(&desk), 0, "a refused add created an account");
}

#[test]
fn disable_and_enable_show_in_the_list() {
    let desk = Desk::new();
    add(&desk, "kim.nurse", "manager");
    add(&desk, "park", "issuer");
    let r = staff(&desk, &["disable", "park"]).ok();
    assert!(r.stdout.contains("park"), "{}", r.stdout);
    assert_eq!(state_of(&desk, "park"), "disabled");
    assert_eq!(state_of(&desk, "kim.nurse"), "active");
    let accounts = list_json(&desk);
    assert_eq!(accounts[1]["name"], "park");
    assert_eq!(accounts[1]["disabled"], json!(true));
    assert_eq!(accounts[0]["disabled"], json!(false));

    staff(&desk, &["enable", "PARK"]).ok();
    assert_eq!(state_of(&desk, "park"), "active");
    let r = staff(&desk, &["disable", "nobody"]).refused();
    assert!(r.stderr.contains("'nobody'"), "{}", r.stderr);
}

#[test]
fn passwd_replaces_the_stored_hash() {
    let desk = Desk::new();
    add(&desk, "kim.nurse", "manager");
    let before = stored_phc(&desk, "kim.nurse").expect("added");
    let new = "a brand new passphrase";
    let r = staff_input(
        &desk,
        &format!("{new}\n"),
        &["passwd", "kim.nurse", "--passphrase-stdin"],
    )
    .ok();
    assert!(r.stdout.contains("kim.nurse"), "{}", r.stdout);
    let after = stored_phc(&desk, "kim.nurse").expect("still there");
    assert_ne!(after, before);
    assert!(after.starts_with(PHC_PREFIX), "{after}");
    assert!(passphrase::verify(new, &after));
    assert!(!passphrase::verify(PASS, &after));

    let r = staff_input(
        &desk,
        &format!("{new}\n"),
        &["passwd", "nobody", "--passphrase-stdin"],
    )
    .refused();
    assert!(r.stderr.contains("'nobody'"), "{}", r.stderr);
}

#[test]
fn failed_sign_ins_show_and_unlock_clears_them() {
    let desk = Desk::new();
    add(&desk, "kim.nurse", "manager");
    add(&desk, "park", "issuer");

    let r = staff(&desk, &["unlock", "nobody"]).refused();
    assert!(r.stderr.contains("'nobody'"), "{}", r.stderr);
    let r = staff(&desk, &["unlock", "park"]).ok();
    assert!(r.stdout.contains("was not locked"), "{}", r.stdout);

    fail_sign_ins(&desk, "park", 3);
    assert_eq!(state_of(&desk, "park"), "3 failed attempts");
    assert_eq!(list_json(&desk)[1]["failures"], json!(3));
    let r = staff(&desk, &["unlock", "park"]).ok();
    assert!(
        r.stdout.contains("was not locked") && r.stdout.contains("3 failed attempts"),
        "{}",
        r.stdout
    );
    assert_eq!(state_of(&desk, "park"), "active");

    // Ten failures in a row lock the account for 15 minutes.
    fail_sign_ins(&desk, "kim.nurse", 10);
    let until =
        chrono::DateTime::parse_from_rfc3339(NOW).expect("NOW") + chrono::Duration::minutes(15);
    let shown = until
        .with_timezone(&chrono::Local)
        .format("%H:%M")
        .to_string();
    assert_eq!(
        state_of(&desk, "kim.nurse"),
        format!("locked until {shown}")
    );
    let accounts = list_json(&desk);
    assert_eq!(accounts[0]["failures"], json!(10));
    assert_eq!(accounts[0]["locked_until"], "2026-11-25T12:15:00Z");
    let r = staff(&desk, &["unlock", "kim.nurse"]).ok();
    assert!(
        r.stdout.contains("Unlocked kim.nurse") && r.stdout.contains("was locked"),
        "{}",
        r.stdout
    );
    assert_eq!(state_of(&desk, "kim.nurse"), "active");
    let accounts = list_json(&desk);
    assert_eq!(accounts[0]["failures"], json!(0));
    assert_eq!(accounts[0]["locked_until"], Value::Null);
}

#[test]
fn every_administration_is_audited_as_admin_user() {
    let desk = Desk::new();
    add(&desk, "kim.nurse", "manager");
    staff_input(
        &desk,
        &format!("{PASS}\n"),
        &["add", "kim.nurse", "--role", "issuer", "--passphrase-stdin"],
    )
    .refused();
    staff_input(
        &desk,
        "short\n",
        &["add", "park", "--role", "issuer", "--passphrase-stdin"],
    )
    .refused();
    staff(&desk, &["disable", "kim.nurse"]).ok();
    staff(&desk, &["enable", "kim.nurse"]).ok();
    staff_input(
        &desk,
        "a brand new passphrase\n",
        &["passwd", "kim.nurse", "--passphrase-stdin"],
    )
    .ok();
    staff(&desk, &["unlock", "kim.nurse"]).ok();
    staff(&desk, &["unlock", "nobody"]).refused();
    staff(&desk, &["list"]).ok();

    let rows = audit_of(&desk, &format!("admin:{ADMIN}"));
    let got: Vec<(&str, &str)> = rows.iter().map(|(a, r)| (a.as_str(), r.as_str())).collect();
    assert_eq!(
        got,
        [
            ("staff add", "ok"),
            ("staff add", "refused: already exists (name)"),
            ("staff add", "refused: rule 8 (input) (passphrase)"),
            ("staff disable", "ok"),
            ("staff enable", "ok"),
            ("staff passwd", "ok"),
            ("staff unlock", "ok"),
            ("staff unlock", "refused: not found (name)"),
        ]
    );
    // Without $USER the administrator is "unknown".
    let mut c = desk.command();
    c.env_remove("USER").args(["staff", "disable", "kim.nurse"]);
    run(&mut c).ok();
    assert_eq!(
        audit_of(&desk, "admin:unknown"),
        [("staff disable".to_string(), "ok".to_string())]
    );
}

/// Runs `args` on a pseudo-terminal, answering each prompt in turn; returns the exit code and
/// everything the terminal showed.
fn on_terminal(desk: &Desk, args: &[&str], answers: &[(&str, &str)]) -> (u32, String) {
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let (master, mut child) = desk.spawn_in_pty(args, &[("USER", ADMIN)], 120);
    let mut reader = master.try_clone_reader().expect("a PTY reader");
    let mut writer = master.take_writer().expect("a PTY writer");
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        // The terminal side closes when the child exits (EIO on Linux ends the read).
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    for (prompt, answer) in answers {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !seen.contains(prompt) {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(bytes) => seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => panic!("no prompt {prompt:?}; the terminal showed:\n{seen}"),
            }
        }
        // What follows the prompt is judged from here on.
        seen = seen
            .split_once(prompt)
            .map(|(_, rest)| rest)
            .unwrap_or("")
            .to_string();
        // The prompt is written before echo is turned off: a person cannot type in between,
        // but a test can. Wait until the terminal no longer echoes.
        while echoes(master.as_raw_fd()) {
            assert!(Instant::now() < deadline, "echo never went off:\n{seen}");
            std::thread::sleep(Duration::from_millis(5));
        }
        writer
            .write_all(format!("{answer}\r").as_bytes())
            .expect("type on the terminal");
        writer.flush().expect("flush");
    }
    let status = child.wait().expect("the binary ends");
    drop(writer);
    drop(master);
    while let Ok(bytes) = rx.recv_timeout(Duration::from_secs(5)) {
        seen.push_str(&String::from_utf8_lossy(&bytes));
    }
    let _ = reading.join();
    (status.exit_code(), seen)
}

/// Whether the terminal behind `fd` (the PTY's master side) echoes what is typed.
fn echoes(fd: Option<std::os::fd::RawFd>) -> bool {
    let fd = fd.expect("the PTY has a file descriptor");
    // SAFETY: `termios` is plain data; tcgetattr fills it and reads nothing else.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is the open PTY master, `t` outlives the call.
    let rc = unsafe { libc::tcgetattr(fd, &mut t) };
    assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
    t.c_lflag & libc::ECHO != 0
}

#[test]
fn on_a_terminal_the_passphrase_is_asked_twice_without_echo() {
    let desk = Desk::new();
    let (code, shown) = on_terminal(
        &desk,
        &["staff", "add", "kim.nurse", "--role", "manager"],
        &[("Passphrase for kim.nurse: ", PASS), ("Again: ", PASS)],
    );
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Added kim.nurse (manager)."), "{shown}");
    assert!(!shown.contains(PASS), "the passphrase was echoed:\n{shown}");
    let phc = stored_phc(&desk, "kim.nurse").expect("added");
    assert!(phc.starts_with(PHC_PREFIX) && passphrase::verify(PASS, &phc));

    // Two entries that differ change nothing.
    let (code, shown) = on_terminal(
        &desk,
        &["staff", "passwd", "kim.nurse"],
        &[
            ("Passphrase for kim.nurse: ", "a brand new passphrase"),
            ("Again: ", "a brand new passphrasf"),
        ],
    );
    assert_eq!(code, 1, "{shown}");
    assert!(shown.contains("differ"), "{shown}");
    assert!(!shown.contains("brand new"), "echoed:\n{shown}");
    assert_eq!(
        stored_phc(&desk, "kim.nurse").as_deref(),
        Some(phc.as_str())
    );

    // A weak one is refused before it is asked again.
    let (code, shown) = on_terminal(
        &desk,
        &["staff", "add", "park", "--role", "issuer"],
        &[("Passphrase for park: ", "short")],
    );
    assert_eq!(code, 1, "{shown}");
    assert!(shown.contains("too short"), "{shown}");
    assert!(!shown.contains("Again"), "{shown}");
    assert_eq!(account_count(&desk), 1);
}
