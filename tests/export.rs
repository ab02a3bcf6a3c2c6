//! `vaxdesk cert export` through the binary: every format comes back through `vaxdesk verify`
//! (the HC1 text and the PNG picture), the JSON carries the record, a dose without a
//! certificate is refused, and `verify` on this desk rejects a certificate revoked here.

mod support;

use std::path::Path;
use std::process::Stdio;
use support::{Desk, apply, inject, issue, register};

const KIM: &str = "900101-1234567";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A desk where dose 1 of KIM has an issued certificate and dose 2 is recorded but not issued.
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
        ]
        .concat(),
    );
    desk
}

fn export(desk: &Desk, format: &str, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "cert",
        "export",
        "--citizen",
        KIM,
        "--dose",
        "1",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    desk.run(&args)
}

/// The stored certificate id of dose 1.
fn uvci(desk: &Desk) -> String {
    rusqlite::Connection::open(&desk.db)
        .unwrap()
        .query_row("SELECT uvci FROM certificates", [], |r| r.get(0))
        .unwrap()
}

/// Nothing but the named files in the desk's folder (no temporary files left behind).
fn assert_no_temporary_files(desk: &Desk) {
    for e in std::fs::read_dir(desk.dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {name}");
    }
}

#[test]
fn hc1_and_png_exports_verify() {
    let desk = issued_desk();
    // HC1 on standard output, then verified as an argument.
    let hc1 = export(&desk, "hc1", &[]).ok().stdout;
    let hc1 = hc1.trim_end();
    assert!(hc1.starts_with("HC1:") && !hc1.contains('\n'), "{hc1}");
    let v = desk.run(&["verify", hc1]).ok();
    assert!(
        v.stdout.contains("The certificate is valid."),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout.contains("not among 0 revoked"),
        "verify consulted this desk's revocations:\n{}",
        v.stdout
    );
    // HC1 into a file, verified as a file.
    let r = export(&desk, "hc1", &["--out", "cert.txt"]).ok();
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("cert.txt"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(desk.path("cert.txt")).unwrap(),
        format!("{hc1}\n")
    );
    desk.run(&["verify", "cert.txt"]).ok();
    // PNG into a file: the picture reads back to the same certificate.
    export(&desk, "png", &["--out", "cert.png"]).ok();
    let png = std::fs::read(desk.path("cert.png")).unwrap();
    assert!(png.starts_with(PNG_SIGNATURE));
    let v = desk.run(&["verify", "cert.png", "--json"]).ok().json();
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["steps"][0]["step"], "qr");
    assert_eq!(v["certificate"]["v"][0]["ci"], uvci(&desk).as_str());
    // Replacing an existing file works too, atomically (no temporary file left).
    export(&desk, "png", &["--out", "cert.png"]).ok();
    assert_eq!(std::fs::read(desk.path("cert.png")).unwrap(), png);
    assert_no_temporary_files(&desk);
    // PNG to standard output when it is not a terminal: the same bytes.
    let out = desk
        .command()
        .args(["cert", "export", "--citizen", KIM, "--dose", "1"])
        .args(["--format", "png"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, png);
    // A folder that does not exist: refused, naming --out.
    let r = export(&desk, "png", &["--out", "missing/cert.png"]).refused();
    assert!(r.stderr.contains("--out"), "{}", r.stderr);
}

#[test]
fn svg_and_json_exports() {
    let desk = issued_desk();
    let id = uvci(&desk);
    // SVG to standard output (not a terminal here) and to a file.
    let svg = export(&desk, "svg", &[]).ok().stdout;
    assert!(
        svg.starts_with("<?xml") || svg.starts_with("<svg"),
        "{svg:.80}"
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    export(&desk, "svg", &["--out", "cert.svg"]).ok();
    assert_eq!(std::fs::read_to_string(desk.path("cert.svg")).unwrap(), svg);
    // JSON: the decoded DCC with the record's id, dates and revocation.
    let j = export(&desk, "json", &[]).ok().json();
    assert_eq!(j["uvci"], id.as_str());
    assert_eq!(j["citizen"], KIM);
    assert_eq!(j["dose"], 1);
    assert_eq!(j["revoked"], false);
    assert!(j["revoked_at"].is_null());
    assert_eq!(j["issued_at"], support::NOW);
    assert!(
        j["expires_at"].as_str().is_some_and(|e| e > support::NOW),
        "{j}"
    );
    assert_eq!(j["valid"], true, "{j}");
    assert_eq!(j["problems"], serde_json::json!([]));
    let dcc = &j["certificate"];
    assert_eq!(dcc["ver"], "1.3.0");
    assert_eq!(dcc["nam"]["fnt"], "KIM");
    assert_eq!(dcc["dob"], "1990-01-01");
    assert_eq!(dcc["v"][0]["ci"], id.as_str());
    assert_eq!(dcc["v"][0]["dn"], 1);
    assert_eq!(dcc["v"][0]["dt"], "2021-06-01");
    let hc1 = export(&desk, "hc1", &[]).ok().stdout;
    assert_eq!(j["hc1"], hc1.trim_end());
    // JSON into a file.
    export(&desk, "json", &["--out", "cert.json"]).ok();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(desk.path("cert.json")).unwrap()).unwrap();
    assert_eq!(file, j);
    assert_no_temporary_files(&desk);
}

#[test]
fn refusals_and_usage_errors() {
    let desk = issued_desk();
    let run = |dose: &str, format: &str| {
        desk.run(&[
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            dose,
            "--format",
            format,
        ])
    };
    // Dose 2 is recorded, but no certificate was issued for it.
    let r = run("2", "hc1").refused();
    assert!(
        r.stderr.contains(&format!(
            "no certificate has been issued for dose 2 of {}",
            vaxdesk::domain::citizen::mask(KIM)
        )),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = run("3", "json").refused();
    assert!(r.stderr.contains("no injection dose 3"), "{}", r.stderr);
    let r = desk
        .run(&[
            "cert",
            "export",
            "--citizen",
            "800101-1234567",
            "--dose",
            "1",
            "--format",
            "hc1",
        ])
        .refused();
    assert!(r.stderr.contains("not registered"), "{}", r.stderr);
    // Usage errors: exit 2.
    let r = run("1", "jpeg").usage();
    assert!(r.stderr.contains("--format"), "{}", r.stderr);
    run("0", "hc1").usage();
    desk.run(&["cert", "export", "--citizen", KIM, "--dose", "1"])
        .usage();
    // The help shows the formats and an example.
    let help = desk.run(&["cert", "export", "--help"]).ok().stdout;
    for word in [
        "hc1",
        "png",
        "svg",
        "json",
        "pdf",
        "--paper",
        "--out",
        "Examples:",
    ] {
        assert!(help.contains(word), "help lacks {word}:\n{help}");
    }
}

/// Marks the certificate revoked directly in the database, as a revocation would.
fn revoke(db: &Path, uvci: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let n = conn
        .execute(
            "UPDATE certificates SET revoked_at = '2026-11-25T00:00:00Z', \
             revocation_reason = 'test' WHERE uvci = ?1",
            [uvci],
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn verify_rejects_a_certificate_revoked_on_this_desk() {
    let desk = issued_desk();
    let id = uvci(&desk);
    let hc1 = export(&desk, "hc1", &[]).ok().stdout.trim_end().to_string();
    export(&desk, "png", &["--out", "cert.png"]).ok();
    let signer = desk.run(&["keys", "export-cert"]).ok().stdout;
    let signer = desk.write("signer.pem", &signer);
    revoke(&desk.db, &id);

    // Through --db, the text and the picture: exit 1 at the revocation step.
    for input in [hc1.as_str(), "cert.png"] {
        let r = desk.run(&["verify", input]).refused();
        assert!(
            r.stderr.contains("verify failed at revocation"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(&id), "{}", r.stderr);
    }
    let j = desk.run(&["verify", "--json", &hc1]).refused().json();
    assert_eq!(j["valid"], false);
    let steps = j["steps"].as_array().unwrap();
    let failed: Vec<&str> = steps
        .iter()
        .filter(|s| s["ok"] == false)
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["revocation"], "only revocation fails: {j}");
    // With explicit trust the desk's revocations still count.
    let trust = signer.to_string_lossy().into_owned();
    desk.run(&["verify", "--trust", &trust, &hc1]).refused();
    // The database found through VAXDESK_DB, as the other commands find it.
    let r = support::run(
        desk.bare()
            .env("VAXDESK_DB", &desk.db)
            .args(["verify", &hc1]),
    )
    .refused();
    assert!(r.stderr.contains("revocation"), "{}", r.stderr);

    // Still exportable: JSON shows it, every format warns on stderr.
    let r = export(&desk, "json", &[]).ok();
    assert!(r.stderr.contains("revoked"), "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["revoked"], true);
    assert_eq!(j["revoked_at"], "2026-11-25T00:00:00Z");
    assert_eq!(j["revocation_reason"], "test");
    assert_eq!(j["valid"], false);
    assert_eq!(j["problems"][0]["step"], "revocation");
    let r = export(&desk, "hc1", &[]).ok();
    assert_eq!(r.stdout.trim_end(), hc1);
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("revoked"),
        "{}",
        r.stderr
    );
}

#[test]
fn verify_never_creates_a_database() {
    let desk = issued_desk();
    let hc1 = export(&desk, "hc1", &[]).ok().stdout.trim_end().to_string();
    revoke(&desk.db, &uvci(&desk));
    // No --db: the default database in the data directory does not exist, so no revocations
    // are known (and none is created).
    let default_db = desk.path("xdg-data/vaxdesk/vaxdesk.db");
    assert!(!default_db.exists());
    let r = support::run(desk.bare().args(["verify", &hc1])).ok();
    assert!(r.stdout.contains("no revocations recorded"), "{}", r.stdout);
    assert!(
        !default_db.exists(),
        "verify created {}",
        default_db.display()
    );
    // An explicit --db that does not exist: the same, and still nothing created.
    let missing = desk.path("elsewhere/none.db");
    support::run(desk.bare().arg("--db").arg(&missing).args(["verify", &hc1])).ok();
    assert!(!missing.exists() && !desk.path("elsewhere").exists());
    // --demo looks at demo.db, which does not exist here either (trusting this desk's signer,
    // as the demo has keys of its own).
    let signer = desk.run(&["keys", "export-cert"]).ok().stdout;
    let signer = desk.write("signer.pem", &signer);
    let trust = signer.to_string_lossy().into_owned();
    let r = support::run(
        desk.bare()
            .args(["--demo", "verify", "--trust", &trust, &hc1]),
    )
    .ok();
    assert!(r.stdout.contains("no revocations recorded"), "{}", r.stdout);
    assert!(!desk.path("xdg-data/vaxdesk/demo.db").exists());
}

#[test]
fn pictures_are_not_written_to_a_terminal() {
    use std::io::Read;
    let desk = issued_desk();
    for format in ["png", "svg"] {
        let args = [
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "1",
            "--format",
            format,
        ];
        let (master, mut child) = desk.spawn_in_pty(&args, &[], 200);
        let mut reader = master.try_clone_reader().expect("a PTY reader");
        let mut out = Vec::new();
        // The terminal side closes when the child exits (EIO on Linux ends the read).
        let _ = reader.read_to_end(&mut out);
        let status = child.wait().expect("the binary ends");
        let text = String::from_utf8_lossy(&out);
        assert_eq!(status.exit_code(), 1, "{format}: {text}");
        assert!(
            text.contains(&format!(
                "refusing to write a {} picture to the terminal",
                format.to_uppercase()
            )) && text.contains("--out"),
            "{format}: {text}"
        );
        assert!(!out.windows(4).any(|w| w == b"\x89PNG") && !text.contains("<svg"));
    }
}
