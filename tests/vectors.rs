//! Every public EU DCC test vector (`../shared/testdata/dcc`, 581 files from other issuers)
//! through vaxdesk's own `verify`, trusting that vector's CERTIFICATE at its VALIDATIONCLOCK.
//!
//! Each `EXPECTED*` flag is compared with the step it is about: UNPREFIX with `prefix`,
//! B45DECODE with `base45`, COMPRESSION with `zlib`, DECODE with `cose` (and the decoded DCC
//! with the vector's JSON, date-times compared as instants), VERIFY with `signature`,
//! EXPIRATIONCHECK with `expiry`, PICTUREDECODE with reading the PNG. Rows of
//! `known_issues.csv` skip only the check they name, as the upstream suite does. Every compared
//! flag must agree except the documented non-bugs in [`NOT_BUGS`].
//!
//! Not compared: SCHEMAVALIDATION (it is about each vector's own schema version, 1.0.0 to
//! 1.3.0; vaxdesk checks 1.3.3, so its counts are printed only), KEYUSAGE (the signer
//! certificate's extended key usage is not a `verify` step), VALIDJSON (the vectors' CBOR field
//! against their JSON: no vaxdesk code involved), VALIDOBJECT/ENCODE (no upstream test uses them).

mod support;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use vaxdesk::cert::{Options, Step, TrustStore, TrustedCert, Verification, qrimage, verify};

/// Disagreements that are the vector's fault, with the reason.
const NOT_BUGS: &[(&str, &str, &str)] = &[
    (
        "JSON",
        "PL/1.3.0/2DCode/raw/1.json",
        "the vector's JSON is another person's certificate (data error upstream)",
    ),
    (
        "JSON",
        "PL/1.3.0/2DCode/raw/5.json",
        "the vector's JSON is another person's certificate (data error upstream)",
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/dcc")
}

fn vector_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("the test vectors are missing at {}: {e}", dir.display()));
    for entry in entries {
        let p = entry.unwrap().path();
        if p.is_dir() {
            vector_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

struct Vector {
    /// Path under the vectors' root, `XX/2DCode/raw/N.json`.
    rel: String,
    country: String,
    stem: String,
    data: Value,
}

fn vectors() -> Vec<Vector> {
    let root = root();
    let mut paths = Vec::new();
    vector_files(&root, &mut paths);
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(p).unwrap();
            let data = serde_json::from_str(text.trim_start_matches('\u{feff}'))
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            Vector {
                country: rel.split('/').next().unwrap().to_string(),
                stem: p.file_stem().unwrap().to_string_lossy().into_owned(),
                rel,
                data,
            }
        })
        .collect()
}

impl Vector {
    /// A flag of EXPECTEDRESULTS (also when nested one level, as some files do).
    fn flag(&self, name: &str) -> Option<bool> {
        let er = &self.data["EXPECTEDRESULTS"];
        er.get(name)
            .or_else(|| er.get("EXPECTEDRESULTS").and_then(|inner| inner.get(name)))
            .and_then(Value::as_bool)
    }

    fn text(&self, field: &str) -> &str {
        self.data[field].as_str().unwrap_or("")
    }

    fn certificate_b64(&self) -> &str {
        self.data["TESTCTX"]["CERTIFICATE"].as_str().unwrap_or("")
    }

    fn clock(&self) -> DateTime<Utc> {
        let ctx = &self.data["TESTCTX"];
        let raw = ctx["VALIDATIONCLOCK"]
            .as_str()
            .or(ctx["validationClockInstant"].as_str())
            .unwrap_or_else(|| panic!("{}: no VALIDATIONCLOCK", self.rel));
        normalise_clock(raw).unwrap_or_else(|| panic!("{}: clock {raw:?}", self.rel))
    }

    fn trust(&self) -> TrustStore {
        let der = base64::engine::general_purpose::STANDARD
            .decode(self.certificate_b64())
            .unwrap_or_default();
        TrustStore {
            certs: TrustedCert::from_der(&der, "CERTIFICATE")
                .into_iter()
                .collect(),
        }
    }

    fn picture(&self) -> Option<&str> {
        self.data
            .get("2DCODE")
            .or(self.data.get("_2DCODE"))
            .and_then(Value::as_str)
    }
}

/// VALIDATIONCLOCK in any of its shapes: no zone means UTC, `+hhmm` means `+hh:mm`.
fn normalise_clock(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    let zone_at = s
        .char_indices()
        .skip(19)
        .find(|(_, c)| matches!(c, 'Z' | 'z' | '+' | '-'))
        .map(|(i, _)| i);
    let (body, zone) = match zone_at {
        None => (s, "+00:00".to_string()),
        Some(i) => {
            let z = &s[i..];
            let z = if z.len() == 5 {
                format!("{}:{}", &z[..3], &z[3..])
            } else {
                z.to_string()
            };
            (&s[..i], z)
        }
    };
    DateTime::parse_from_rfc3339(&format!("{body}{zone}"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// JSON equality where date-times are compared as instants (to the second, as upstream) and
/// numbers by value.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_json(v, w))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => {
            x == y
                || match (instant(x), instant(y)) {
                    (Some(p), Some(q)) => p == q,
                    _ => false,
                }
        }
        _ => a == b,
    }
}

fn instant(s: &str) -> Option<i64> {
    (s.len() > 10 && s.as_bytes()[10] == b'T')
        .then(|| normalise_clock(s))
        .flatten()
        .map(|t| t.timestamp())
}

/// known_issues.csv rows: (upstream test, country, file stem); an empty stem = every file.
fn known_issues() -> Vec<(String, String, String)> {
    std::fs::read_to_string(root().join("known_issues.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].into(),
                f[1].into(),
                f.get(2).unwrap_or(&"").to_string(),
            )
        })
        .collect()
}

/// The upstream test that checks a flag (the first column of known_issues.csv).
fn upstream_test(check: &str) -> &'static str {
    match check {
        "UNPREFIX" => "test_un_prefix",
        "B45DECODE" => "test_b45decode",
        "COMPRESSION" => "test_compression",
        "DECODE" | "JSON" => "test_cose_json",
        "VERIFY" => "test_verification_check",
        "EXPIRATIONCHECK" => "test_expiration_check",
        "PICTUREDECODE" => "test_picture_decode",
        "SCHEMA" => "test_cose_schema",
        other => panic!("no upstream test for {other}"),
    }
}

#[derive(Default)]
struct Count {
    agree: u32,
    disagree: u32,
    known: u32,
}

#[derive(Default)]
struct Tally {
    counts: BTreeMap<&'static str, Count>,
    disagreements: Vec<(String, String, String)>,
    known: Vec<(String, String, String)>,
}

impl Tally {
    fn compare(
        &mut self,
        check: &'static str,
        v: &Vector,
        expected: Option<bool>,
        got: bool,
        why: &str,
    ) {
        let Some(expected) = expected else { return };
        let count = self.counts.entry(check).or_default();
        let skipped = self.known.iter().any(|(test, country, stem)| {
            test == upstream_test(check)
                && *country == v.country
                && (stem.is_empty() || *stem == v.stem)
        });
        if skipped {
            count.known += 1;
        } else if expected == got {
            count.agree += 1;
        } else {
            count.disagree += 1;
            self.disagreements.push((
                check.to_string(),
                v.rel.clone(),
                format!("expected {expected}, got {got}: {why}"),
            ));
        }
    }
}

impl Tally {
    fn print(&self) {
        println!(
            "{:<16} {:>6} {:>9} {:>13}",
            "check", "agree", "disagree", "known issue"
        );
        for (check, c) in &self.counts {
            println!(
                "{check:<16} {:>6} {:>9} {:>13}",
                c.agree, c.disagree, c.known
            );
        }
    }

    /// Every disagreement is a documented non-bug, and every documented one still happens.
    fn assert_agreement(&self) {
        let mut unexpected = Vec::new();
        for (check, rel, why) in &self.disagreements {
            match NOT_BUGS.iter().find(|(c, r, _)| c == check && r == rel) {
                Some((_, _, reason)) => println!("not a bug: {check} {rel}: {reason}"),
                None => unexpected.push(format!("{check} {rel}: {why}")),
            }
        }
        for (check, rel, _) in NOT_BUGS {
            if self.counts.contains_key(check) {
                assert!(
                    self.disagreements
                        .iter()
                        .any(|(c, r, _)| c == check && r == rel),
                    "{check} {rel} is listed as a non-bug but agrees now: update NOT_BUGS"
                );
            }
        }
        assert!(
            unexpected.is_empty(),
            "disagreements:\n{}",
            unexpected.join("\n")
        );
    }
}

fn step_ok(v: &Verification, step: Step) -> (bool, String) {
    match v.step(step) {
        Some(s) => (s.ok, s.detail.clone()),
        None => (
            false,
            format!("not reached: {:?}", v.failure().map(|f| &f.detail)),
        ),
    }
}

#[test]
fn every_vector_agrees_with_its_expected_results() {
    let started = std::time::Instant::now();
    let all = vectors();
    assert!(all.len() >= 581, "only {} vectors found", all.len());
    let mut tally = Tally {
        known: known_issues(),
        ..Tally::default()
    };
    let mut schema_counts: BTreeMap<String, u32> = BTreeMap::new();
    for v in &all {
        let trust = v.trust();
        let options = Options {
            trust: &trust,
            at: v.clock(),
            revoked: None,
        };
        let result = verify(v.text("PREFIX"), &options);
        for (check, flag, step) in [
            ("UNPREFIX", "EXPECTEDUNPREFIX", Step::Prefix),
            ("B45DECODE", "EXPECTEDB45DECODE", Step::Base45),
            ("COMPRESSION", "EXPECTEDCOMPRESSION", Step::Zlib),
            ("DECODE", "EXPECTEDDECODE", Step::Cose),
            ("VERIFY", "EXPECTEDVERIFY", Step::Signature),
            ("EXPIRATIONCHECK", "EXPECTEDEXPIRATIONCHECK", Step::Expiry),
        ] {
            let (ok, why) = step_ok(&result, step);
            tally.compare(check, v, v.flag(flag), ok, &why);
        }
        // The decoded DCC is the vector's JSON wherever decoding is expected to work.
        if let (Some(true), Some(json)) = (v.flag("EXPECTEDDECODE"), v.data.get("JSON"))
            && json.is_object()
        {
            let got = result
                .certificate
                .as_ref()
                .is_some_and(|c| same_json(c, json));
            tally.compare("JSON", v, Some(true), got, "decoded DCC differs from JSON");
        }
        if let (Some(expected), Some(s)) = (
            v.flag("EXPECTEDSCHEMAVALIDATION"),
            result.step(Step::Schema),
        ) {
            *schema_counts
                .entry(format!(
                    "expected {expected:<5} 1.3.3 {}",
                    if s.ok { "valid" } else { "invalid" }
                ))
                .or_default() += 1;
        }
    }

    println!("\n{} vectors in {:.1?}", all.len(), started.elapsed());
    tally.print();
    println!("\nSCHEMAVALIDATION (own schema version) against vaxdesk's 1.3.3, not compared:");
    for (k, n) in &schema_counts {
        println!("  {k}: {n}");
    }
    tally.assert_agreement();
    for check in [
        "UNPREFIX",
        "B45DECODE",
        "COMPRESSION",
        "DECODE",
        "VERIFY",
        "EXPIRATIONCHECK",
        "JSON",
    ] {
        assert!(
            tally.counts.get(check).is_some_and(|c| c.agree > 0),
            "{check} never compared"
        );
    }
}

/// The `2DCODE` picture reads as `PREFIX` where EXPECTEDPICTUREDECODE says so (files without
/// a picture have nothing to read; upstream skips them too). Pictures are read on every core:
/// unoptimised QR reading is the slow part of this file.
#[test]
fn every_picture_reads_as_its_prefix() {
    let started = std::time::Instant::now();
    let all = vectors();
    let jobs: Vec<(&Vector, bool, &str)> = all
        .iter()
        .filter_map(|v| Some((v, v.flag("EXPECTEDPICTUREDECODE")?, v.picture()?)))
        .collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let read: Vec<Result<String, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(threads).max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(_, _, b64)| {
                            let png = base64::engine::general_purpose::STANDARD
                                .decode(b64)
                                .map_err(|e| e.to_string())?;
                            qrimage::decode_png(&png)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut tally = Tally {
        known: known_issues(),
        ..Tally::default()
    };
    for ((v, expected, _), read) in jobs.iter().zip(&read) {
        let got = read.as_deref() == Ok(v.text("PREFIX"));
        tally.compare(
            "PICTUREDECODE",
            v,
            Some(*expected),
            got,
            &format!("{read:?}"),
        );
    }
    println!("\n{} pictures in {:.1?}", jobs.len(), started.elapsed());
    tally.print();
    tally.assert_agreement();
    assert!(tally.counts["PICTUREDECODE"].agree > 0);
}

/// A few vectors through the real binary: `--trust` with the vector's CERTIFICATE as PEM,
/// `--at` its normalised VALIDATIONCLOCK, `--json`; the steps match the library's.
#[test]
fn some_vectors_through_the_binary() {
    let desk = support::Desk::new();
    let by_rel: BTreeMap<String, Vector> =
        vectors().into_iter().map(|v| (v.rel.clone(), v)).collect();
    for (i, rel) in [
        "AT/2DCode/raw/1.json",        // valid, ES256
        "CH/2DCode/raw/1.json",        // valid, PS256
        "DE/2DCode/raw/1.json",        // kid in the unprotected header
        "common/2DCode/raw/CO22.json", // wrong kid in the protected header
        "common/2DCode/raw/CO16.json", // clock before iat
        "common/2DCode/raw/H2.json",   // prefix HC2:
        "common/2DCode/raw/Z1.json",   // broken zlib
    ]
    .iter()
    .enumerate()
    {
        let v = &by_rel[*rel];
        let b64 = v.certificate_b64();
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let pem = desk.write(
            &format!("trust-{i}.pem"),
            &format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                lines.join("\n")
            ),
        );
        let at = v.clock().to_rfc3339();
        let trust = v.trust();
        let expected = verify(
            v.text("PREFIX"),
            &Options {
                trust: &trust,
                at: v.clock(),
                revoked: None,
            },
        );
        let run = support::run(
            desk.bare()
                .args(["verify", "--json", "--at", &at, "--trust"])
                .arg(&pem)
                .arg(v.text("PREFIX")),
        );
        let out = if expected.valid() {
            run.ok()
        } else {
            run.refused()
        };
        let json = out.json();
        assert_eq!(json["valid"], expected.valid(), "{rel}");
        let steps: Vec<(String, bool)> = json["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["step"].as_str().unwrap().to_string(),
                    s["ok"].as_bool().unwrap(),
                )
            })
            .collect();
        let want: Vec<(String, bool)> = expected
            .steps
            .iter()
            .map(|s| (s.step.name().to_string(), s.ok))
            .collect();
        assert_eq!(steps, want, "{rel}");
        if let Some(f) = expected.failure() {
            assert!(
                out.stderr
                    .contains(&format!("verify failed at {}: ", f.step.name())),
                "{rel}: {}",
                out.stderr
            );
        }
        for (flag, step) in [
            ("EXPECTEDVERIFY", "signature"),
            ("EXPECTEDEXPIRATIONCHECK", "expiry"),
            ("EXPECTEDDECODE", "cose"),
            ("EXPECTEDUNPREFIX", "prefix"),
            ("EXPECTEDCOMPRESSION", "zlib"),
        ] {
            if let Some(e) = v.flag(flag) {
                let got = steps.iter().any(|(s, ok)| s == step && *ok);
                assert_eq!(got, e, "{rel}: {flag}");
            }
        }
        // The picture of the valid ES256 vector as INPUT: read first, then the same steps.
        if *rel == "AT/2DCode/raw/1.json" {
            let png = base64::engine::general_purpose::STANDARD
                .decode(v.picture().unwrap())
                .unwrap();
            let file = desk.path("at-1.png");
            std::fs::write(&file, png).unwrap();
            let json = support::run(
                desk.bare()
                    .args(["verify", "--json", "--at", &at, "--trust"])
                    .arg(&pem)
                    .arg(&file),
            )
            .ok()
            .json();
            assert_eq!(json["steps"][0]["step"], "qr");
            assert_eq!(json["steps"].as_array().unwrap().len(), want.len() + 1);
            assert_eq!(json["certificate"], expected.certificate.clone().unwrap());
        }
    }
}
