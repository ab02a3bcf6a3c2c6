//! `vaxdesk verify` on certificates signed here with a test key: every step passes on the real
//! thing; one changed character anywhere fails with a step and a reason; arbitrary input never
//! panics; and through the binary: exit codes, messages, `--json`, files and PNG pictures.

mod support;

use base64::Engine;
use chrono::{DateTime, Utc};
use p256::ecdsa::SigningKey;
use proptest::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::Desk;
use vaxdesk::cert::{
    Input, Options, Step, TrustStore, TrustedCert, Verification, base45, cose, hc1, trust, verify,
    verify_input,
};

/// Issued 2021-06-01T09:00:00Z, valid a year.
const IAT: i64 = 1_622_538_000;
const EXP: i64 = IAT + 365 * 86_400;
const AT: &str = "2021-07-01T00:00:00Z";
const STEPS: [&str; 9] = [
    "prefix",
    "base45",
    "zlib",
    "cose",
    "signature",
    "key usage",
    "expiry",
    "schema",
    "revocation",
];

/// A test signer: a P-256 key derived from a name and a self-signed certificate for it, both
/// deterministic, so every run tampers with the same string.
struct Signer {
    key: SigningKey,
    der: Vec<u8>,
}

impl Signer {
    fn new(name: &str) -> Signer {
        Signer::with_usage(name, &[])
    }

    /// A signer whose certificate's extended key usage names these OIDs (none: no extension).
    fn with_usage(name: &str, usage: &[&str]) -> Signer {
        use std::str::FromStr;
        use x509_cert::builder::{Builder, CertificateBuilder, Profile};
        use x509_cert::der::{Encode, asn1::UtcTime};
        use x509_cert::time::{Time, Validity};
        let key = SigningKey::from_slice(&Sha256::digest(name.as_bytes())).unwrap();
        let time = |secs: u64| {
            Time::UtcTime(
                UtcTime::from_unix_duration(std::time::Duration::from_secs(secs)).unwrap(),
            )
        };
        let validity = Validity {
            not_before: time(1_609_459_200), // 2021-01-01
            not_after: time(1_924_992_000),  // 2031-01-01
        };
        let spki =
            x509_cert::spki::SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).unwrap();
        let subject = x509_cert::name::Name::from_str(&format!("CN={name},C=KR")).unwrap();
        let mut builder = CertificateBuilder::new(
            Profile::Root,
            x509_cert::serial_number::SerialNumber::from(1u32),
            validity,
            subject,
            spki,
            &key,
        )
        .unwrap();
        if !usage.is_empty() {
            let oids = usage
                .iter()
                .map(|o| x509_cert::der::oid::ObjectIdentifier::new_unwrap(o))
                .collect();
            builder
                .add_extension(&x509_cert::ext::pkix::ExtendedKeyUsage(oids))
                .unwrap();
        }
        let cert = builder.build::<p256::ecdsa::DerSignature>().unwrap();
        Signer {
            key,
            der: cert.to_der().unwrap(),
        }
    }

    fn kid(&self) -> [u8; 8] {
        trust::kid(&self.der)
    }

    fn pem(&self) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&self.der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    }

    fn trust(&self) -> TrustStore {
        TrustStore {
            certs: vec![TrustedCert::from_der(&self.der, "test signer").unwrap()],
        }
    }

    fn cose(&self, dcc: &Value, iat: i64, exp: i64) -> Vec<u8> {
        let claims = cose::cwt_claims("KR", iat, exp, dcc).unwrap();
        cose::sign_es256(claims, &self.kid(), &self.key)
    }

    fn issue(&self, dcc: &Value) -> String {
        hc1::encode(&self.cose(dcc, IAT, EXP))
    }
}

fn signer() -> &'static Signer {
    static SIGNER: OnceLock<Signer> = OnceLock::new();
    SIGNER.get_or_init(|| Signer::new("vaxdesk test signer"))
}

const UVCI: &str = "URN:UVCI:01:KR:VAXDESK0000001#U";

/// A booster for a Korean name, valid against the schema.
fn dcc() -> Value {
    json!({
        "ver": "1.3.0",
        "nam": {"fn": "김", "gn": "민준", "fnt": "GIM", "gnt": "MINJUN"},
        "dob": "1990-01-01",
        "v": [{"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 3, "sd": 2, "dt": "2021-05-31", "co": "KR",
               "is": "Korea Disease Control and Prevention Agency", "ci": UVCI}]
    })
}

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(AT)
        .unwrap()
        .with_timezone(&Utc)
}

fn check(text: &str, trust: &TrustStore) -> Verification {
    verify(
        text,
        &Options {
            trust,
            at: at(),
            revoked: None,
        },
    )
}

fn step_names(v: &Verification) -> Vec<&'static str> {
    v.steps.iter().map(|s| s.step.name()).collect()
}

#[test]
fn a_certificate_signed_here_passes_every_step() {
    let s = signer();
    let text = s.issue(&dcc());
    let v = check(&text, &s.trust());
    assert!(v.valid(), "{:#?}", v.steps);
    assert_eq!(step_names(&v), STEPS);
    assert_eq!(v.certificate, Some(dcc()));
    assert_eq!(v.kid.as_deref(), Some(&s.kid()[..]));
    assert_eq!(v.issuer.as_deref(), Some("KR"));
    assert_eq!(
        (v.issued_at, v.expires_at),
        (Some(IAT as f64), Some(EXP as f64))
    );
    assert_eq!(hc1::decode(&text).unwrap(), s.cose(&dcc(), IAT, EXP));
}

/// The independent `dgc` crate accepts what the signing helper and `hc1::encode` produce,
/// and rejects it with another signer's key.
#[test]
fn an_independent_verifier_accepts_the_signed_string() {
    let s = signer();
    let text = s.issue(&dcc());
    let mut trust = dgc::TrustList::default();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&s.der);
    trust.add_key_from_certificate(&b64).unwrap();
    let (container, validity) = dgc::validate(&text, &trust).unwrap();
    assert!(validity.is_valid(), "{validity}");
    assert_eq!(container.issuer, "KR");
    assert_eq!(container.certs[&1].name.surname_standard, "GIM");
    assert_eq!(container.certs[&1].vaccines[0].dose_number, 3);

    let mut other = dgc::TrustList::default();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&Signer::new("another signer").der);
    other.add_key_from_certificate(&b64).unwrap();
    let (_, validity) = dgc::validate(&text, &other).unwrap();
    assert!(!validity.is_valid());
}

#[test]
fn each_check_names_its_own_failure() {
    let s = signer();
    let text = s.issue(&dcc());
    let failed = |v: &Verification| {
        let f = v.failure().expect("a failed step");
        (f.step, f.detail.clone())
    };

    // Someone else's trust list: the kid is unknown.
    let (step, why) = failed(&check(&text, &Signer::new("another signer").trust()));
    assert_eq!(step, Step::Signature);
    assert!(
        why.contains("no trusted signer certificate has kid"),
        "{why}"
    );

    // The same kid on a certificate of another key: the signature does not match.
    let mut impostor = s.trust();
    impostor.certs[0].key = Signer::new("another signer").trust().certs[0].key.clone();
    let (step, why) = failed(&check(&text, &impostor));
    assert_eq!(
        (step, why.as_str()),
        (Step::Signature, "the ES256 signature does not match")
    );

    // A changed payload, re-wrapped so every layer around it is sound.
    let mut cose_bytes = s.cose(&dcc(), IAT, EXP);
    let gim = cose_bytes.windows(3).position(|w| w == b"GIM").unwrap();
    cose_bytes[gim] = b'K';
    let (step, why) = failed(&check(&hc1::encode(&cose_bytes), &s.trust()));
    assert_eq!(
        (step, why.as_str()),
        (Step::Signature, "the ES256 signature does not match")
    );

    // Expired, not yet valid.
    let late = s.cose(&dcc(), IAT - 400 * 86_400, IAT - 35 * 86_400);
    let (step, why) = failed(&check(&hc1::encode(&late), &s.trust()));
    assert_eq!(step, Step::Expiry);
    assert!(why.starts_with("expired at 2021-04-27T09:00:00Z"), "{why}");
    let early = s.cose(&dcc(), EXP, EXP + 86_400);
    let (step, why) = failed(&check(&hc1::encode(&early), &s.trust()));
    assert_eq!(step, Step::Expiry);
    assert!(
        why.starts_with("not yet valid at 2021-07-01T00:00:00Z"),
        "{why}"
    );

    // Not the schema: dose 0.
    let mut bad = dcc();
    bad["v"][0]["dn"] = json!(0);
    let v = check(&s.issue(&bad), &s.trust());
    let (step, why) = failed(&v);
    assert_eq!(step, Step::Schema);
    assert!(why.contains("/v/0/dn"), "{why}");
    assert_eq!(
        v.step(Step::Signature).map(|r| r.ok),
        Some(true),
        "the other checks still ran"
    );
    assert_eq!(v.step(Step::Revocation).map(|r| r.ok), Some(true));

    // Revoked on this desk.
    let revoked = vec!["URN:UVCI:01:KR:OTHER#A".to_string(), UVCI.to_string()];
    let options = Options {
        trust: &s.trust(),
        at: at(),
        revoked: Some(&revoked),
    };
    let v = verify(&text, &options);
    let (step, why) = failed(&v);
    assert_eq!(
        (step, why),
        (
            Step::Revocation,
            format!("certificate {UVCI} has been revoked")
        )
    );
    let revoked = vec!["URN:UVCI:01:KR:OTHER#A".to_string()];
    let v = verify(
        &text,
        &Options {
            revoked: Some(&revoked),
            ..options
        },
    );
    assert!(v.valid());
    assert_eq!(
        v.step(Step::Revocation).unwrap().detail,
        "not among 1 revoked certificate(s)"
    );
}

/// A test result and a recovery for the same person, valid against the schema.
fn test_dcc() -> Value {
    json!({
        "ver": "1.3.0",
        "nam": {"fn": "김", "gn": "민준", "fnt": "GIM", "gnt": "MINJUN"},
        "dob": "1990-01-01",
        "t": [{"tg": "840539006", "tt": "LP6464-4", "nm": "Roche LightCycler qPCR",
               "sc": "2021-05-30T10:00:00Z", "tr": "260415000", "tc": "Seoul test centre",
               "co": "KR", "is": "Korea Disease Control and Prevention Agency",
               "ci": "URN:UVCI:01:KR:VAXDESKTEST01#T"}]
    })
}

fn recovery_dcc() -> Value {
    json!({
        "ver": "1.3.0",
        "nam": {"fn": "김", "gn": "민준", "fnt": "GIM", "gnt": "MINJUN"},
        "dob": "1990-01-01",
        "r": [{"tg": "840539006", "fr": "2021-05-01", "co": "KR",
               "is": "Korea Disease Control and Prevention Agency", "df": "2021-05-12",
               "du": "2021-10-28", "ci": "URN:UVCI:01:KR:VAXDESKREC001#R"}]
    })
}

const EKU_TEST: &str = "1.3.6.1.4.1.1847.2021.1.1";
const EKU_VACCINATION: &str = "1.3.6.1.4.1.1847.2021.1.2";
const EKU_TEST_TWIN: &str = "1.3.6.1.4.1.0.1847.2021.1.1";
const EKU_RECOVERY_TWIN: &str = "1.3.6.1.4.1.0.1847.2021.1.3";
/// TLS server authentication: an extended key usage that names no DCC type.
const EKU_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";

/// A signer whose extended key usage names DCC types signs only those; one naming none of
/// them (or with no extended key usage at all) signs any. The refusal names the certificate's
/// type and the allowed ones, and the other checks still run.
#[test]
fn the_signers_key_usage_limits_what_it_may_sign() {
    let vaccinations = Signer::with_usage("vaccination signer", &[EKU_VACCINATION]);
    let v = check(&vaccinations.issue(&dcc()), &vaccinations.trust());
    assert!(v.valid(), "{:#?}", v.steps);
    assert_eq!(
        v.step(Step::KeyUsage).unwrap().detail,
        "a vaccination certificate, and the signer certificate CN=vaccination signer,C=KR \
         may sign vaccination certificates"
    );
    for (kind, other) in [("test", test_dcc()), ("recovery", recovery_dcc())] {
        let v = check(&vaccinations.issue(&other), &vaccinations.trust());
        assert!(!v.valid());
        let f = v.failure().unwrap();
        assert_eq!(f.step, Step::KeyUsage, "{:#?}", v.steps);
        assert_eq!(
            f.detail,
            format!(
                "a {kind} certificate, but the signer certificate CN=vaccination signer,C=KR \
                 may sign only vaccination certificates"
            )
        );
        assert_eq!(step_names(&v), STEPS, "the other checks still ran");
        assert!(
            v.steps.iter().filter(|s| !s.ok).count() == 1,
            "{:#?}",
            v.steps
        );
    }

    // The `.0.` twins of the OIDs count the same; several types may be named.
    let two = Signer::with_usage(
        "test and recovery signer",
        &[EKU_SERVER_AUTH, EKU_TEST_TWIN, EKU_RECOVERY_TWIN],
    );
    assert!(check(&two.issue(&test_dcc()), &two.trust()).valid());
    assert!(check(&two.issue(&recovery_dcc()), &two.trust()).valid());
    let v = check(&two.issue(&dcc()), &two.trust());
    assert_eq!(
        v.failure().map(|f| (f.step, f.detail.as_str())),
        Some((
            Step::KeyUsage,
            "a vaccination certificate, but the signer certificate \
             CN=test and recovery signer,C=KR may sign only test and recovery certificates"
        ))
    );
    let tests_only = Signer::with_usage("test signer", &[EKU_TEST]);
    assert!(check(&tests_only.issue(&test_dcc()), &tests_only.trust()).valid());
    assert!(!check(&tests_only.issue(&dcc()), &tests_only.trust()).valid());

    // No DCC type named, or no extended key usage: any type.
    for unrestricted in [
        Signer::with_usage("tls signer", &[EKU_SERVER_AUTH]),
        Signer::new("plain signer"),
    ] {
        for any in [dcc(), test_dcc(), recovery_dcc()] {
            let v = check(&unrestricted.issue(&any), &unrestricted.trust());
            assert!(v.valid(), "{:#?}", v.steps);
            assert!(
                v.step(Step::KeyUsage)
                    .unwrap()
                    .detail
                    .ends_with("names no certificate type, so it may sign any"),
                "{:#?}",
                v.steps
            );
        }
    }

    // A certificate holding two types needs a signer allowed both.
    let mut both = dcc();
    both["t"] = test_dcc()["t"].clone();
    let v = check(&vaccinations.issue(&both), &vaccinations.trust());
    assert_eq!(
        v.step(Step::KeyUsage).map(|s| (s.ok, s.detail.as_str())),
        Some((
            false,
            "a test and vaccination certificate, but the signer certificate \
             CN=vaccination signer,C=KR may sign only vaccination certificates"
        ))
    );

    // An extended key usage that cannot be read allows nothing, and says why.
    let mut broken = Signer::with_usage("broken signer", &[EKU_VACCINATION]);
    let eku = broken
        .der
        .windows(5)
        .position(|w| w == [0x06, 0x03, 0x55, 0x1d, 0x25])
        .expect("the extended key usage extension");
    // After the OID: `critical` (a BOOLEAN, when present), then the OCTET STRING's tag and
    // length; the SEQUENCE of OIDs starts there.
    let mut value = eku + 5;
    if broken.der[value] == 0x01 {
        value += 3;
    }
    value += 2;
    assert_eq!(broken.der[value], 0x30);
    broken.der[value] = 0x31;
    let v = check(&broken.issue(&dcc()), &broken.trust());
    let f = v.failure().unwrap();
    assert_eq!(f.step, Step::KeyUsage, "{:#?}", v.steps);
    assert!(
        f.detail.starts_with(
            "a vaccination certificate, but the signer certificate CN=broken signer,C=KR \
             may sign nothing: its extended key usage cannot be read"
        ),
        "{}",
        f.detail
    );

    // A signature by the signer the kid names but another key: its usage is still judged.
    let mut impostor = vaccinations.trust();
    impostor.certs[0].key = Signer::new("another signer").trust().certs[0].key.clone();
    let v = check(&vaccinations.issue(&test_dcc()), &impostor);
    assert_eq!(
        v.steps
            .iter()
            .filter(|s| !s.ok)
            .map(|s| s.step)
            .collect::<Vec<_>>(),
        [Step::Signature, Step::KeyUsage]
    );
    // No trusted certificate with the kid: nothing to judge, so no key usage step.
    let v = check(&vaccinations.issue(&test_dcc()), &signer().trust());
    assert_eq!(v.failure().map(|f| f.step), Some(Step::Signature));
    assert!(v.step(Step::KeyUsage).is_none(), "{:#?}", v.steps);
    assert!(v.step(Step::Revocation).is_some());
}

/// This desk's own signer (made by `keys init`) carries the vaccination OID: what it issues
/// passes the key usage step, and it could not sign a test or recovery certificate.
#[test]
fn the_desks_own_signer_may_sign_vaccinations_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = vaxdesk::cert::keys::KeyStore::new(dir.path().join("keys"));
    let own = store.init("KR", at() - chrono::Duration::days(60)).unwrap();
    let trust = TrustStore::desk_signers(store.dir()).unwrap();
    assert_eq!(
        trust.certs[0].key_usage,
        trust::KeyUsage::Only(vec![trust::DccType::Vaccination])
    );
    let sign =
        |dcc: &Value| hc1::encode(&own.sign_claims(cose::cwt_claims("KR", IAT, EXP, dcc).unwrap()));
    let v = check(&sign(&dcc()), &trust);
    assert!(v.valid(), "{:#?}", v.steps);
    let ok = &v.step(Step::KeyUsage).unwrap().detail;
    assert!(ok.ends_with("may sign vaccination certificates"), "{ok}");
    for other in [test_dcc(), recovery_dcc()] {
        let v = check(&sign(&other), &trust);
        assert_eq!(
            v.failure().map(|f| f.step),
            Some(Step::KeyUsage),
            "{:#?}",
            v.steps
        );
    }
}

/// One changed character anywhere in the string, to every other character of the Base45
/// alphabet (and a lower-case letter), and one deleted character anywhere: never valid, always
/// a named step with a reason.
#[test]
fn one_changed_character_anywhere_fails_with_a_reason() {
    let s = signer();
    let trust = s.trust();
    let text = s.issue(&dcc());
    assert!(check(&text, &trust).valid());
    let alphabet: Vec<char> = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:a"
        .chars()
        .collect();
    let mut by_step: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut tried = 0;
    let chars: Vec<char> = text.chars().collect();
    let mut assert_fails = |changed: String, what: String| {
        let v = check(&changed, &trust);
        assert!(!v.valid(), "{what} still verifies");
        let f = v
            .failure()
            .unwrap_or_else(|| panic!("{what}: no failed step"));
        assert!(!f.detail.trim().is_empty(), "{what}: no reason");
        *by_step.entry(f.step.name()).or_default() += 1;
        tried += 1;
    };
    for i in 0..chars.len() {
        for &c in alphabet.iter().filter(|&&c| c != chars[i]) {
            let mut changed = chars.clone();
            changed[i] = c;
            assert_fails(changed.into_iter().collect(), format!("{c:?} at {i}"));
        }
        let mut shorter = chars.clone();
        shorter.remove(i);
        assert_fails(shorter.into_iter().collect(), format!("deleting {i}"));
    }
    println!(
        "{tried} changed strings of {} characters fail at: {by_step:?}",
        chars.len()
    );
}

fn options(trust: &TrustStore) -> Options<'_> {
    Options {
        trust,
        at: at(),
        revoked: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_is_refused_without_panicking(text in any::<String>()) {
        let v = check(&text, &signer().trust());
        prop_assert!(!v.valid());
        prop_assert!(v.failure().is_some());
    }

    #[test]
    fn any_base45_text_is_refused_without_panicking(text in "HC1:[0-9A-Z $%*+./:-]{0,300}") {
        prop_assert!(!check(&text, &signer().trust()).valid());
    }

    /// Bytes that pass prefix, Base45 and zlib, so the CBOR and COSE parsers see them.
    #[test]
    fn any_wrapped_bytes_are_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let v = check(&hc1::encode(&bytes), &signer().trust());
        prop_assert!(!v.valid());
        prop_assert!(v.step(Step::Zlib).is_some_and(|s| s.ok));
        // And the same bytes as raw zlib input.
        let v = check(&format!("HC1:{}", base45::encode(&bytes)), &signer().trust());
        prop_assert!(!v.valid());
    }

    /// A real message with one byte changed, re-wrapped soundly: caught, never a panic.
    #[test]
    fn a_changed_byte_in_the_signed_message_is_caught(index in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let s = signer();
        let mut bytes = s.cose(&dcc(), IAT, EXP);
        let i = index.index(bytes.len());
        bytes[i] ^= flip;
        let v = check(&hc1::encode(&bytes), &s.trust());
        prop_assert!(!v.valid(), "byte {} ^ {:#04x} still verifies", i, flip);
    }

    #[test]
    fn any_picture_bytes_are_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&bytes);
        let trust = signer().trust();
        let v = verify_input(&Input::Picture(png), &options(&trust));
        prop_assert_eq!(v.steps.len(), 1);
        prop_assert_eq!(v.steps[0].step, Step::Qr);
        prop_assert!(!v.steps[0].ok);
    }
}

// ---- through the binary ----

fn write_pem(desk: &Desk, name: &str, signer: &Signer) -> PathBuf {
    desk.write(name, &signer.pem())
}

fn verify_run(desk: &Desk, args: &[&str], input: impl AsRef<std::ffi::OsStr>) -> support::Run {
    support::run(desk.bare().arg("verify").args(args).arg(input))
}

#[test]
fn the_binary_exits_0_when_valid_and_1_naming_the_step() {
    let desk = Desk::new();
    let s = signer();
    let pem = write_pem(&desk, "signer.pem", s);
    let pem = pem.to_str().unwrap();
    let text = s.issue(&dcc());

    let out = verify_run(&desk, &["--trust", pem, "--at", AT], &text).ok();
    assert!(
        out.stdout.starts_with("The certificate is valid."),
        "{}",
        out.stdout
    );
    for step in STEPS {
        assert!(
            out.stdout.contains(&format!("  {step} ")),
            "{step} missing:\n{}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains("김, 민준  (GIM<<MINJUN)"),
        "{}",
        out.stdout
    );

    // One character changed in the middle.
    let mut chars: Vec<char> = text.chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let out = verify_run(&desk, &["--trust", pem, "--at", AT], &tampered).refused();
    let line = out.stderr.lines().next().unwrap();
    assert!(line.starts_with("vaxdesk: verify failed at "), "{line}");
    let (step, reason) = line["vaxdesk: verify failed at ".len()..]
        .split_once(": ")
        .unwrap();
    assert!(STEPS.contains(&step), "{line}");
    assert!(!reason.trim().is_empty(), "{line}");
    assert!(out.stdout.contains("NOT valid"), "{}", out.stdout);

    // Expired by now (the clock of the child is 2026).
    let out = verify_run(&desk, &["--trust", pem], &text).refused();
    assert!(
        out.stderr
            .starts_with("vaxdesk: verify failed at expiry: expired at 2022-06-01T09:00:00Z"),
        "{}",
        out.stderr
    );

    // Usage errors.
    let out = verify_run(&desk, &["--trust", pem, "--at", "yesterday"], &text).usage();
    assert!(out.stderr.contains("RFC 3339"), "{}", out.stderr);
    support::run(desk.bare().args(["verify", "--trust", pem])).usage();

    // A trust file that is no certificate.
    let junk = desk.write("junk.pem", "hello");
    let out = verify_run(
        &desk,
        &["--trust", junk.to_str().unwrap(), "--at", AT],
        &text,
    )
    .refused();
    assert!(
        out.stderr.contains("--trust") && out.stderr.contains("junk.pem"),
        "{}",
        out.stderr
    );
}

/// Through the binary: a test certificate from a signer that may sign only vaccinations is
/// refused at `key usage`, in the table, on stderr and in `--json`.
#[test]
fn the_binary_refuses_a_type_the_signer_may_not_sign() {
    let desk = Desk::new();
    let s = Signer::with_usage("vaccination signer", &[EKU_VACCINATION]);
    let pem = desk.write("vaccination-signer.pem", &s.pem());
    let pem = pem.to_str().unwrap();
    let reason = "a test certificate, but the signer certificate CN=vaccination signer,C=KR \
                  may sign only vaccination certificates";

    let out = verify_run(&desk, &["--trust", pem, "--at", AT], s.issue(&test_dcc())).refused();
    assert!(
        out.stdout.starts_with("The certificate is NOT valid."),
        "{}",
        out.stdout
    );
    let row = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("key usage "))
        .unwrap_or_else(|| panic!("no key usage row:\n{}", out.stdout));
    assert!(row.contains(" FAILED ") && row.ends_with(reason), "{row}");
    assert_eq!(
        out.stderr.trim_end(),
        format!("vaxdesk: verify failed at key usage: {reason}")
    );

    let json = verify_run(
        &desk,
        &["--trust", pem, "--at", AT, "--json"],
        s.issue(&test_dcc()),
    )
    .refused()
    .json();
    assert_eq!(json["valid"], false);
    let step = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "key usage")
        .unwrap();
    assert_eq!(
        step,
        &json!({"step": "key usage", "ok": false, "detail": reason})
    );

    // `verify --help` names the step in its place.
    let help = support::run(desk.bare().args(["verify", "--help"]))
        .ok()
        .stdout;
    assert!(help.contains("signature, key usage ("), "{help}");

    // The same signer's vaccination certificate passes, its key usage shown as ok.
    let out = verify_run(&desk, &["--trust", pem, "--at", AT], s.issue(&dcc())).ok();
    assert!(
        out.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("key usage ") && l.contains(" ok ")),
        "{}",
        out.stdout
    );
}

/// A vaccination date written as a date-time (as Poland's certificates do) passes the schema
/// step, judged by its date, and the step's detail says so in the table and in `--json`.
#[test]
fn the_binary_accepts_a_date_time_as_the_vaccination_date_and_says_so() {
    let desk = Desk::new();
    let s = signer();
    let pem = write_pem(&desk, "signer.pem", s);
    let pem = pem.to_str().unwrap();
    let mut polish = dcc();
    polish["v"][0]["dt"] = json!("2021-05-31T22:54:00+02:00");
    let text = s.issue(&polish);
    let said = "(a date-time where the schema says date, accepted as the EU reference \
                validators do: /v/0/dt \"2021-05-31T22:54:00+02:00\" as the date 2021-05-31)";

    let out = verify_run(&desk, &["--trust", pem, "--at", AT], &text).ok();
    let row = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("schema "))
        .unwrap();
    assert!(row.contains(" ok ") && row.ends_with(said), "{row}");
    let json = verify_run(&desk, &["--trust", pem, "--at", AT, "--json"], &text)
        .ok()
        .json();
    let step = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "schema")
        .unwrap();
    assert_eq!(step["ok"], true);
    assert_eq!(
        step["detail"],
        format!("valid against the DCC schema 1.3.3 {said}")
    );

    // Not a date-time on a real date: still refused, naming the field.
    polish["v"][0]["dt"] = json!("2021-02-30T10:00:00Z");
    let out = verify_run(&desk, &["--trust", pem, "--at", AT], s.issue(&polish)).refused();
    assert!(
        out.stderr
            .starts_with("vaxdesk: verify failed at schema: /v/0/dt: \"2021-02-30T10:00:00Z\""),
        "{}",
        out.stderr
    );
}

#[test]
fn without_trust_it_uses_the_desks_own_signers_or_says_there_are_none() {
    let desk = Desk::new();
    // A desk that never made keys.
    std::fs::remove_dir_all(desk.path("xdg-data/vaxdesk/keys")).unwrap();
    let s = signer();
    let text = s.issue(&dcc());
    let out = verify_run(&desk, &["--at", AT], &text).refused();
    assert!(
        out.stderr
            .contains("there are no trusted signer certificates")
            && out.stderr.contains("--trust"),
        "{}",
        out.stderr
    );
    // keys/signer*.pem in the data directory ($XDG_DATA_HOME/vaxdesk).
    desk.write("xdg-data/vaxdesk/keys/signer-1.pem", &s.pem());
    desk.write(
        "xdg-data/vaxdesk/keys/other.pem",
        &Signer::new("not a signer file").pem(),
    );
    verify_run(&desk, &["--at", AT], &text).ok();
    // A certificate of another signer there is not trusted for this one.
    let other = Signer::new("another signer").issue(&dcc());
    let out = verify_run(&desk, &["--at", AT], &other).refused();
    assert!(
        out.stderr.starts_with(
            "vaxdesk: verify failed at signature: no trusted signer certificate has kid"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn json_output_has_the_steps_and_the_decoded_certificate() {
    let desk = Desk::new();
    let s = signer();
    let pem = write_pem(&desk, "signer.pem", s);
    let pem = pem.to_str().unwrap();
    let text = s.issue(&dcc());
    let json = verify_run(&desk, &["--trust", pem, "--at", AT, "--json"], &text)
        .ok()
        .json();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "valid",
            "steps",
            "certificate",
            "kid",
            "issuer",
            "issued_at",
            "expires_at"
        ]
    );
    assert_eq!(json["valid"], true);
    let steps = json["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(names, STEPS);
    for step in steps {
        let keys: Vec<&str> = step
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["step", "ok", "detail"]);
        assert_eq!(step["ok"], true);
        assert!(step["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    assert_eq!(json["certificate"], dcc());
    assert_eq!(
        json["kid"],
        base64::engine::general_purpose::STANDARD.encode(s.kid())
    );
    assert_eq!(json["issuer"], "KR");
    assert_eq!(json["issued_at"], "2021-06-01T09:00:00Z");
    assert_eq!(json["expires_at"], "2022-06-01T09:00:00Z");

    // Invalid: still JSON on stdout, exit 1, the reason on stderr; nothing decoded is null.
    let json = verify_run(&desk, &["--trust", pem, "--at", AT, "--json"], "HC1:A")
        .refused()
        .json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["steps"].as_array().unwrap().len(), 2);
    assert_eq!(json["steps"][1]["step"], "base45");
    assert_eq!(json["steps"][1]["ok"], false);
    for key in ["certificate", "kid", "issuer", "issued_at", "expires_at"] {
        assert_eq!(json[key], Value::Null, "{key}");
    }
}

#[test]
fn input_may_be_a_file_or_a_png_picture() {
    let desk = Desk::new();
    let s = signer();
    let pem = write_pem(&desk, "signer.pem", s);
    let pem = pem.to_str().unwrap();
    let text = s.issue(&dcc());

    // A file holding the string (with a line end, as editors save it).
    let file = desk.write("certificate.txt", &format!("{text}\r\n"));
    verify_run(&desk, &["--trust", pem, "--at", AT], &file).ok();
    assert_eq!(
        Input::from_arg(file.to_str().unwrap()).unwrap(),
        Input::File(text.clone())
    );
    let missing = verify_run(&desk, &["--trust", pem, "--at", AT], "no-such-file.png").refused();
    assert!(
        missing.stderr.contains("no file has that name"),
        "{}",
        missing.stderr
    );

    // A PNG of a QR code: the public test vector AT/1 with its own signer and clock.
    let vector: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/testdata/dcc/AT/2DCode/raw/1.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let b64 = |field: &Value| {
        base64::engine::general_purpose::STANDARD
            .decode(field.as_str().unwrap())
            .unwrap()
    };
    let png = desk.path("at-1.png");
    std::fs::write(&png, b64(&vector["2DCODE"])).unwrap();
    let at_trust = desk.path("at-1.der");
    std::fs::write(&at_trust, b64(&vector["TESTCTX"]["CERTIFICATE"])).unwrap();
    let json = verify_run(
        &desk,
        &[
            "--trust",
            at_trust.to_str().unwrap(),
            "--at",
            "2021-05-06T18:00:00Z",
            "--json",
        ],
        &png,
    )
    .ok()
    .json();
    let names: Vec<&str> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "qr");
    assert_eq!(names[1..], STEPS);
    assert_eq!(json["certificate"], vector["JSON"]);

    // A picture without a code fails at reading it.
    let mut blank = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut blank, 64, 64);
        enc.set_color(png::ColorType::Grayscale);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[255u8; 64 * 64]).unwrap();
        w.finish().unwrap();
    }
    let blank_file = desk.path("blank.png");
    std::fs::write(&blank_file, blank).unwrap();
    let out = verify_run(&desk, &["--trust", pem, "--at", AT], &blank_file).refused();
    assert!(
        out.stderr
            .starts_with("vaxdesk: verify failed at qr: no QR code found in the picture"),
        "{}",
        out.stderr
    );
}

/// A database named with --db that is not there is not a desk without revocations: the
/// revocation step says its list was not read, in the table and in `--json`.
#[test]
fn a_missing_db_named_for_verify_is_said_in_the_revocation_step() {
    let desk = Desk::new();
    let s = signer();
    let pem = write_pem(&desk, "signer.pem", s);
    let pem = pem.to_str().unwrap();
    let text = s.issue(&dcc());
    let said = "no database at typo/clinc.db: its revocations were not checked";
    let out = support::run(
        desk.bare()
            .args([
                "--db",
                "typo/clinc.db",
                "verify",
                "--trust",
                pem,
                "--at",
                AT,
            ])
            .arg(&text),
    );
    assert!(out.stdout.contains(said), "{}", out.stdout);
    let out = support::run(
        desk.bare()
            .args(["--db", "typo/clinc.db", "verify", "--json", "--trust", pem])
            .args(["--at", AT])
            .arg(&text),
    );
    let json: Value = out.json();
    let step = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "revocation")
        .cloned()
        .unwrap();
    assert_eq!(step["detail"], said, "{json}");
    assert!(!desk.path("typo").exists(), "a folder was created");
}
