//! Issued certificates are real, signed EU DCCs: our verifier and an independent one (the
//! `dgc` crate) accept every one the demo clinic issues, Korean names and boosters included;
//! issuing without a key says how to make one; keys are private to their owner.

mod common;
mod support;

use base64::Engine as _;
use common::*;
use vaxdesk::app::seed;
use vaxdesk::cert::{Options, Step, TrustStore, verify};

const DEMO: &str = include_str!("../assets/demo-seed.toml");

/// Every certificate row: (uvci, payload, issued_at).
fn certificates(t: &TestDesk) -> Vec<(String, String, String)> {
    let conn = t.desk.conn();
    let mut stmt = conn
        .prepare("SELECT uvci, payload, issued_at FROM certificates ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn demo() -> TestDesk {
    let t = TestDesk::new();
    seed::apply_text(&t.desk, "demo-seed.toml", DEMO).unwrap();
    t
}

#[test]
fn every_issued_certificate_verifies_and_carries_the_records() {
    let t = demo();
    let keys = t.path.with_extension("keys");
    let trust = TrustStore::desk_signers(&keys).unwrap();
    let issued = certificates(&t);
    assert_eq!(issued.len(), 4, "the demo issues four certificates");
    for (uvci, payload, issued_at) in &issued {
        assert!(payload.starts_with("HC1:"), "{payload}");
        let at =
            vaxdesk::domain::clock::parse_stamp(issued_at).unwrap() + chrono::Duration::days(1);
        let v = verify(
            payload,
            &Options {
                trust: &trust,
                at,
                revoked: None,
            },
        );
        assert!(v.valid(), "{uvci}: {:?}", v.failure());
        assert!(v.step(Step::Schema).is_some_and(|s| s.ok));
        let dcc = v.certificate.clone().unwrap();
        assert_eq!(dcc["v"][0]["ci"], uvci.as_str());
        assert_eq!(dcc["v"][0]["tg"], "840539006");
        assert_eq!(
            dcc["v"][0]["is"],
            "Korea Disease Control and Prevention Agency"
        );
    }
    // 김 민준's booster 3/3 and 박 지훈's booster 2/1 are among them, with Hangul names.
    let decoded: Vec<serde_json::Value> = issued
        .iter()
        .map(|(_, p, at)| {
            let at = vaxdesk::domain::clock::parse_stamp(at).unwrap();
            verify(
                p,
                &Options {
                    trust: &trust,
                    at,
                    revoked: None,
                },
            )
            .certificate
            .unwrap()
        })
        .collect();
    let find = |fnt: &str, dn: u64| {
        decoded
            .iter()
            .find(|d| d["nam"]["fnt"] == fnt && d["v"][0]["dn"] == dn)
            .unwrap_or_else(|| panic!("no certificate for {fnt} dose {dn}"))
    };
    let kim = find("KIM", 3);
    assert_eq!(
        (kim["nam"]["fn"].as_str(), kim["nam"]["gnt"].as_str()),
        (Some("김"), Some("MINJUN"))
    );
    assert_eq!(kim["v"][0]["sd"], 3);
    let park = find("PARK", 2);
    assert_eq!(
        park["v"][0]["sd"], 1,
        "a booster after a one-dose series is 2/1"
    );
    assert_eq!(park["v"][0]["mp"], "EU/1/20/1525");
}

#[test]
fn an_independent_verifier_accepts_every_issued_certificate() {
    let t = demo();
    let keys = vaxdesk::cert::keys::KeyStore::new(t.path.with_extension("keys"));
    let signer = keys.current().unwrap().unwrap();
    let mut trust = dgc::TrustList::default();
    let b64 = base64::engine::general_purpose::STANDARD.encode(signer.cert_der());
    trust.add_key_from_certificate(&b64).unwrap();
    for (uvci, payload, _) in certificates(&t) {
        let (container, validity) = dgc::validate(&payload, &trust).unwrap();
        assert!(validity.is_valid(), "{uvci}: {validity}");
        assert_eq!(container.issuer, "KR");
        assert_eq!(container.certs[&1].vaccines[0].id, uvci);
    }
}

#[test]
fn issuing_without_a_key_says_how_to_create_one() {
    let mut t = TestDesk::new();
    t.desk.set_signer(None);
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let inj = record(&t.desk, &kim, administered(1, 2, "2021-06-01"));
    let app = apply(&t.desk, &kim, &inj);
    let r = refusal(try_issue(&t.desk, app));
    assert_eq!(r.field, "key");
    assert!(r.message.contains("vaxdesk keys init"), "{}", r.message);
    assert_eq!(application(&t.desk, app).0, "APPLIED", "nothing changed");
}

#[test]
fn keys_commands_through_the_binary() {
    let desk = support::Desk::new(); // runs `keys init`
    let keys = desk.path("xdg-data/vaxdesk/keys");
    let again = desk.run(&["keys", "init"]).refused();
    assert!(again.stderr.contains("keys rotate"), "{}", again.stderr);
    let pem = desk.run(&["keys", "export-cert"]).ok().stdout;
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(keys.clone()), 0o700);
        for e in std::fs::read_dir(&keys).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.contains("key") {
                assert_eq!(mode(p), 0o600, "{name}");
            }
        }
    }
    // A certificate issued before a rotation still verifies after it (default trust).
    desk.seed_ok(
        "day.toml",
        &[
            support::register("900101-1234567", "김", "민준", "1990-01-01"),
            support::step("record-injection")
                .s("citizen", "900101-1234567")
                .s("product", "EU/1/20/1528")
                .i("dose", 1)
                .s("date", "2021-06-01")
                .s("lot", "FA4598")
                .done(),
            support::step("apply")
                .s("citizen", "900101-1234567")
                .i("dose", 1)
                .done(),
            support::step("issue")
                .s("citizen", "900101-1234567")
                .i("dose", 1)
                .done(),
        ]
        .concat(),
    );
    let conn = rusqlite::Connection::open(&desk.db).unwrap();
    let payload: String = conn
        .query_row("SELECT payload FROM certificates", [], |r| r.get(0))
        .unwrap();
    let rotated = desk.run(&["keys", "rotate"]).ok().stdout;
    assert!(rotated.contains("new signer"), "{rotated}");
    assert_ne!(desk.run(&["keys", "export-cert"]).ok().stdout, pem);
    desk.run(&["verify", &payload]).ok();
    // Importing a key that does not belong to the certificate is refused.
    let cert = desk.write("dsc.pem", &pem);
    let key = desk.write(
        "other.key.pem",
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n",
    );
    let r = desk
        .run(&[
            "keys",
            "import",
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ])
        .refused();
    assert!(r.stderr.contains("--key"), "{}", r.stderr);
}

#[test]
fn a_revoked_certificate_shows_revoked_and_fails_verification_here() {
    let t = demo();
    let (uvci, payload, issued_at) = certificates(&t).remove(0);
    let stamp = t.desk.stamp("issuer:kang");
    t.desk
        .run(|ctx| vaxdesk::app::commands::revoke(ctx, &stamp, &uvci, "issued to the wrong person"))
        .unwrap();
    // The status view says REVOKED, with the reason.
    let kim = t.desk.conn();
    let (status, reason): (String, String) = kim
        .query_row(
            "SELECT status, reason FROM view_applications WHERE certificate_id = ?1",
            [&uvci],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("REVOKED", "issued to the wrong person")
    );
    assert!(
        event_types(&t.desk)
            .iter()
            .any(|e| e == "CertificateRevoked")
    );
    // This desk's verifier refuses it at the revocation step; the signature is still fine.
    let trust = TrustStore::desk_signers(&t.path.with_extension("keys")).unwrap();
    let revoked = vaxdesk::store::issuance::revoked_uvcis(t.desk.conn()).unwrap();
    let at = vaxdesk::domain::clock::parse_stamp(&issued_at).unwrap();
    let v = verify(
        &payload,
        &Options {
            trust: &trust,
            at,
            revoked: Some(&revoked),
        },
    );
    let f = v.failure().expect("revoked");
    assert_eq!(f.step, Step::Revocation);
    assert!(v.step(Step::Signature).is_some_and(|s| s.ok));
    // Revoking twice is refused and changes nothing.
    let before = event_count(&t.desk);
    let r = refusal(
        t.desk
            .run(|ctx| vaxdesk::app::commands::revoke(ctx, &stamp, &uvci, "again")),
    );
    assert_eq!(r.field, "certificate");
    assert_eq!(event_count(&t.desk), before);
    // The rebuilt view agrees with the live one.
    let check = vaxdesk::app::queries::rebuild_views(&t.desk, false).unwrap();
    assert!(check.differences.is_empty(), "{:?}", check.differences);
}

#[test]
fn the_bundled_schema_is_the_shared_one() {
    let bundled = include_str!("../assets/dcc-schema-1.3.3.json");
    let shared = std::fs::read_to_string("../shared/reference/dcc/schema/DCC.combined-schema.json")
        .expect("the shared reference is at ../shared");
    assert_eq!(
        bundled, shared,
        "assets/dcc-schema-1.3.3.json must be a verbatim copy"
    );
}

/// `cert export` keeps its audit row once the certificate has left, written in the transaction
/// that read it; when another desk writes while the certificate is written out, the row is kept
/// all the same (in a transaction of its own), and a failed write keeps none.
#[test]
fn an_export_is_on_record_once_it_left_even_when_another_desk_wrote_meanwhile() {
    use vaxdesk::app::certificates::{self, ExportError};
    let t = demo();
    let kim = rid("900101-1234567");
    let exports = |t: &TestDesk| -> Vec<String> {
        let conn = t.desk.conn();
        let mut stmt = conn
            .prepare(
                "SELECT detail FROM audit_log WHERE action = 'export certificate' ORDER BY seq",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };

    let failed = certificates::export(&t.desk, "admin:test", &kim, 2, "as png", |_| {
        Err("disk full")
    });
    assert!(
        matches!(failed, Err(ExportError::Delivery("disk full"))),
        "{failed:?}"
    );
    assert!(exports(&t).is_empty(), "a failed write is on record");

    let mut uvci = String::new();
    certificates::export(&t.desk, "admin:test", &kim, 2, "as hc1", |e| {
        uvci = e.certificate.uvci.clone();
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap();
    assert_eq!(exports(&t), [format!("{uvci} as hc1")]);

    let other = open_desk(&t.path, &t.config, &t.clock, &t.faults);
    certificates::export(&t.desk, "admin:test", &kim, 2, "as svg", |_| {
        other.audit(&other.stamp("admin:other"), "test write", None, "ok", None)
    })
    .unwrap();
    assert_eq!(
        exports(&t),
        [format!("{uvci} as hc1"), format!("{uvci} as svg")]
    );
}
