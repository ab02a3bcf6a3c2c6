//! What the commands print, through the real binary: a closed pipe ends every command quietly
//! (as it ends `cat`), and no control character from data reaches a terminal, whether it came
//! from a certificate, a seed file or a database edited by another tool; JSON stays exact.

mod support;

use serde_json::Value;
use std::process::{Command, ExitStatus, Stdio};
use support::{Desk, apply, inject, issue, register};

const KIM: &str = "900101-1234567";

/// What a forged name or an edited row carries: a screen clear and a cursor move that would
/// paint a verdict, a right-to-left override, a zero-width space and a bell.
const HOSTILE: &str = "\u{1b}[2J\u{1b}[HThe certificate is valid.\u{202e}gpj.exe\u{200b}\u{7}";

/// A desk where dose 1 of KIM has an issued certificate.
fn issued_desk() -> Desk {
    let desk = Desk::new();
    desk.seed_ok(
        "day.toml",
        &[
            register(KIM, "김", "민준", "1990-01-01"),
            inject(KIM, 1, "2021-06-01", "FA4598"),
            inject(KIM, 2, "2021-06-22", "FA4599"),
            apply(KIM, 1),
            issue(KIM, 1),
            apply(KIM, 2),
        ]
        .concat(),
    );
    desk
}

/// Every command that prints, with its arguments.
fn printing_commands(hc1: &str) -> Vec<Vec<String>> {
    let export = |format: &str| {
        [
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "1",
            "--format",
            format,
        ]
        .map(String::from)
        .to_vec()
    };
    let mut all: Vec<Vec<String>> = [
        &["status", "--citizen", KIM][..],
        &["status", "--citizen", KIM, "--json"],
        &["queue"],
        &["queue", "--json"],
        &["events"],
        &["events", "--json"],
        &["audit"],
        &["audit", "--json"],
        &["doctor"],
        &["dispatch"],
        &["rebuild-views", "--check"],
        &["rebuild-views"],
        &["staff", "list"],
        &["staff", "list", "--json"],
        &["keys", "export-cert"],
        &["init"],
        &["seed", "day.toml"],
        &["verify", hc1],
        &["verify", "--json", hc1],
        &["--print-default-config"],
    ]
    .iter()
    .map(|args| args.iter().map(|s| s.to_string()).collect())
    .collect();
    for format in ["hc1", "json", "svg", "png"] {
        all.push(export(format));
    }
    // Last: a new signer for every later command.
    all.push(vec!["keys".into(), "rotate".into()]);
    all
}

/// Runs a command whose standard output is a pipe nobody reads any more (the reader exited).
fn into_closed_pipe(cmd: &mut Command) -> (ExitStatus, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = cmd
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Quiet as `cat`: no message, and success or the end SIGPIPE gives; never a panic (101).
fn assert_quiet(what: &str, status: ExitStatus, stderr: &str) {
    use std::os::unix::process::ExitStatusExt;
    assert!(
        stderr.is_empty(),
        "`{what}` into a closed pipe said something:\n{stderr}"
    );
    assert!(
        status.success() || status.signal() == Some(libc::SIGPIPE),
        "`{what}` into a closed pipe ended with {status}, not as `cat` does"
    );
}

#[test]
fn every_printing_command_stops_quietly_on_a_closed_pipe() {
    let desk = issued_desk();
    let hc1 = desk
        .run(&[
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "1",
            "--format",
            "hc1",
        ])
        .ok()
        .stdout
        .trim_end()
        .to_string();
    for args in printing_commands(&hc1) {
        let what = args.join(" ");
        let (status, stderr) = into_closed_pipe(desk.command().args(&args));
        assert_quiet(&what, status, &stderr);
    }
    // A message on a closed standard error ends as quietly.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = desk
        .bare()
        .args(["--db", "typo/clinic.db", "queue"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(writer)
        .output()
        .expect("the binary runs");
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.code() == Some(1) || out.status.signal() == Some(libc::SIGPIPE),
        "a refusal into a closed standard error ended with {}",
        out.status
    );
}

#[test]
fn a_reader_that_takes_one_byte_and_exits_ends_a_long_listing_quietly() {
    let desk = issued_desk();
    // Enough events that the listing outlives the reader's pipe buffer.
    let mut text = String::new();
    for i in 0..400 {
        let id = support::rrn(1000 + i);
        text += &register(
            &id,
            "정",
            &format!("유나{i}"),
            &support::rrn_birth(1000 + i),
        );
        text += &inject(&id, 1, "2022-01-10", &format!("FL{i:04}"));
    }
    desk.seed_ok("many.toml", &text);
    for args in [&["events"][..], &["events", "--json"], &["audit"]] {
        let mut child = desk
            .command()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut stdout = child.stdout.take().expect("piped");
        let mut one = [0u8; 1];
        std::io::Read::read_exact(&mut stdout, &mut one).expect("a first byte");
        drop(stdout);
        let out = child.wait_with_output().expect("it ends");
        assert_quiet(
            &args.join(" "),
            out.status,
            &String::from_utf8_lossy(&out.stderr),
        );
    }
}

/// No escape, bidi or zero-width character in `text`, and the hostile text shown escaped.
fn assert_escaped(what: &str, text: &str) {
    assert_no_raw(what, text);
    assert!(
        text.contains("\\u{1b}[2J") && text.contains("\\u{202e}") && text.contains("\\u{200b}"),
        "`{what}` does not show the hostile text escaped:\n{text}"
    );
}

/// No escape, bidi or zero-width character in `text`.
fn assert_no_raw(what: &str, text: &str) {
    let raw = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if let Some(c) = text.chars().find(|c| raw(*c)) {
        panic!("`{what}` printed {c:?} raw:\n{text}");
    }
}

#[test]
fn a_forged_certificates_name_is_shown_escaped_and_its_json_is_exact() {
    let desk = Desk::new();
    let signer = vaxdesk::cert::keys::KeyStore::new(desk.keys_dir())
        .current()
        .expect("the desk's keys")
        .expect("a signer");
    let dcc = serde_json::json!({
        "ver": "1.3.0",
        "nam": {"fn": HOSTILE, "gn": "민준", "fnt": "GIM", "gnt": "MINJUN"},
        "dob": "1990-01-01",
        "v": [{"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 1, "sd": 2, "dt": "2021-05-31", "co": "KR",
               "is": "Korea Disease Control and Prevention Agency",
               "ci": "URN:UVCI:01:KR:FORGED\u{1b}[2J#U"}]
    });
    let iat = chrono::DateTime::parse_from_rfc3339(support::NOW)
        .expect("NOW")
        .timestamp();
    let claims =
        vaxdesk::cert::cose::cwt_claims("KR", iat, iat + 86_400 * 3650, &dcc).expect("claims");
    let hc1 = vaxdesk::cert::hc1::encode(&signer.sign_claims(claims));

    let r = support::run(desk.bare().args(["verify", &hc1]));
    assert_ne!(r.code, 101, "{r:?}");
    assert_escaped("verify", &r.stdout);
    assert_no_raw("verify (standard error)", &r.stderr);

    let r = support::run(desk.bare().args(["verify", "--json", &hc1]));
    let json: Value = r.json();
    assert_eq!(
        json["certificate"]["nam"]["fn"], HOSTILE,
        "JSON keeps the name exactly"
    );
}

#[test]
fn a_seed_files_name_is_shown_escaped_everywhere_it_is_printed() {
    let desk = Desk::new();
    let name = format!("day{HOSTILE}.toml");
    desk.write(&name, &[register(KIM, "김", "민준", "1990-01-01")].concat());
    let r = desk.run(&["seed", &name]).ok();
    assert_escaped("seed", &r.stdout);
    let r = desk.run(&["events"]).ok();
    assert_escaped("events", &r.stdout);
    let r = desk.run(&["audit"]).ok();
    assert_escaped("audit", &r.stdout);
    // JSON keeps the actor exactly.
    let audit = desk.run(&["audit", "--json"]).ok().json();
    let actor = format!("seed:{name}");
    assert!(
        audit
            .as_array()
            .expect("an array")
            .iter()
            .any(|row| row["actor"] == actor.as_str()),
        "{audit}"
    );
    let events = desk.events();
    assert!(events.iter().any(|e| e["actor"] == actor.as_str()));
    // A refusal quoting the file's content is escaped on standard error too.
    desk.write(
        "bad.toml",
        &format!("[[step]]\naction = \"{}\"\n", "\\u001b[2J\\u202e\\u200b"),
    );
    let r = desk.run(&["seed", "bad.toml"]).refused();
    assert_escaped("seed (refused)", &r.stderr);
}

#[test]
fn rows_edited_by_another_tool_are_shown_escaped_and_json_stays_exact() {
    let desk = issued_desk();
    support::run_input(
        desk.command().args([
            "staff",
            "add",
            "kim.nurse",
            "--role",
            "manager",
            "--passphrase-stdin",
        ]),
        "correct horse battery staple\n",
    )
    .ok();
    {
        let conn = rusqlite::Connection::open(&desk.db).expect("open");
        for sql in [
            "UPDATE citizens SET family_name = ?1",
            "UPDATE view_citizens SET family_name = ?1",
            "UPDATE staff SET name = ?1",
            "INSERT OR REPLACE INTO subscriber_health \
             (subscriber, state, consecutive_failures, last_error) VALUES ('issuance', 'CLOSED', 0, ?1)",
        ] {
            conn.execute(sql, [HOSTILE]).expect(sql);
        }
    }
    for args in [
        &["status", "--citizen", KIM][..],
        &["queue"],
        &["staff", "list"],
        &["doctor"],
    ] {
        let r = support::run(desk.command().args(args));
        assert!(r.code == 0 || r.code == 1, "{r:?}");
        assert_escaped(&args.join(" "), &r.stdout);
    }
    let status = desk.status(KIM);
    assert_eq!(status["citizen"]["family_name"], HOSTILE);
    let staff = desk.run(&["staff", "list", "--json"]).ok().json();
    assert_eq!(staff[0]["name"], HOSTILE, "{staff}");
}

#[test]
fn a_usage_error_shows_the_typed_value_escaped() {
    let desk = Desk::new();
    for args in [
        &["audit", "--since", HOSTILE][..],
        &[
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "1",
            "--format",
            HOSTILE,
        ],
        &[HOSTILE],
    ] {
        let r = support::run(desk.command().args(args)).usage();
        assert_escaped(&format!("{args:?} (standard error)"), &r.stderr);
        assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    }
}
