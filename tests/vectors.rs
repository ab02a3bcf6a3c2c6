//! Every public EU DCC test vector (`../shared/testdata/dcc`, 581 files from other issuers)
//! through the real `vaxdesk verify --json` binary, trusting that vector's CERTIFICATE at its
//! VALIDATIONCLOCK, and judged only by the vector's own `EXPECTED*` flags.
//!
//! Each flag is compared with the step it is about: UNPREFIX with `prefix`, B45DECODE with
//! `base45`, COMPRESSION with `zlib`, DECODE with `cose` (and the decoded DCC with the vector's
//! JSON, date-times compared as instants), VERIFY with `signature`, KEYUSAGE with `key usage`,
//! EXPIRATIONCHECK with `expiry`, SCHEMAVALIDATION with `schema`; PICTUREDECODE with reading the
//! PNG. A step expected to fail must have run and failed: a step the run never reached agrees
//! only when an earlier step failed that the vector expects to fail.
//!
//! The overall result (exit 0 valid, 1 invalid) is compared for every vector too: the vector
//! expects it valid when every flag it sets is true and every step it leaves untested passed
//! (the counts say how many verdicts rest on such untested steps). The exit status must agree
//! with the `--json` verdict, and a refusal names the first failed step on stderr.
//!
//! Rows of `known_issues.csv` skip only the check of the upstream test they name, as the
//! upstream suite does; a skipped flag counts as untested for the overall result. Every
//! comparison must agree except the documented non-bugs in [`NOT_BUGS`]. Not compared:
//! VALIDJSON (the vectors' CBOR field against their JSON: no vaxdesk code involved),
//! VALIDOBJECT/ENCODE (no upstream test uses them).

mod support;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use vaxdesk::cert::qrimage;

/// Disagreements that are the vector's fault or a rule vaxdesk does not check, with the reason:
/// (check, vectors, reason).
const NOT_BUGS: &[(&str, &[&str], &str)] = &[
    (
        "JSON",
        &["PL/1.3.0/2DCode/raw/1.json", "PL/1.3.0/2DCode/raw/5.json"],
        "the vector's JSON is another person's certificate (data error upstream)",
    ),
    (
        "VERIFY",
        &["common/2DCode/raw/CBO2.json"],
        "INVALID: wrong CWT structure, says the vector: it fails at cose, before any signature \
         can be checked, and flags only VERIFY (upstream counts a message that does not decode \
         as a failed verification)",
    ),
    (
        "KEYUSAGE",
        &["IS/2DCode/raw/3.json"],
        "its signer certificate has no extended key usage, so it may sign any type; upstream's \
         own test_expected_key_usage fails on this file too (data error upstream)",
    ),
    (
        "OVERALL",
        &["IS/2DCode/raw/3.json"],
        "only its KEYUSAGE flag is false, and that flag is a data error upstream (see KEYUSAGE)",
    ),
    (
        "SCHEMAVALIDATION",
        PL_VALUE_SETS,
        "the vector's schema failure is a value-set rule (test device 9999, country XY, \
         manufacturer ORG-99999999), which the JSON schema does not bind and vaxdesk does not \
         check; upstream's test_cose_schema asserts nothing when the flag is false",
    ),
    (
        "OVERALL",
        PL_VALUE_SETS,
        "only its SCHEMAVALIDATION flag is false, for a value-set rule (see SCHEMAVALIDATION)",
    ),
];

/// Poland's vectors 7, 8 and 9 in each schema version: values outside the EU value sets.
const PL_VALUE_SETS: &[&str] = &[
    "PL/1.0.0/2DCode/raw/7.json",
    "PL/1.0.0/2DCode/raw/8.json",
    "PL/1.0.0/2DCode/raw/9.json",
    "PL/1.2.1/2DCode/raw/7.json",
    "PL/1.2.1/2DCode/raw/8.json",
    "PL/1.2.1/2DCode/raw/9.json",
    "PL/1.3.0/2DCode/raw/7.json",
    "PL/1.3.0/2DCode/raw/8.json",
    "PL/1.3.0/2DCode/raw/9.json",
];

/// The checks a flag names, in the order `verify` runs their steps: (check, flag, step).
const CHECKS: [(&str, &str, &str); 8] = [
    ("UNPREFIX", "EXPECTEDUNPREFIX", "prefix"),
    ("B45DECODE", "EXPECTEDB45DECODE", "base45"),
    ("COMPRESSION", "EXPECTEDCOMPRESSION", "zlib"),
    ("DECODE", "EXPECTEDDECODE", "cose"),
    ("VERIFY", "EXPECTEDVERIFY", "signature"),
    ("KEYUSAGE", "EXPECTEDKEYUSAGE", "key usage"),
    ("EXPIRATIONCHECK", "EXPECTEDEXPIRATIONCHECK", "expiry"),
    ("SCHEMAVALIDATION", "EXPECTEDSCHEMAVALIDATION", "schema"),
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

    /// The CERTIFICATE as the text of a PEM file, for `--trust`.
    fn pem(&self) -> String {
        let b64 = self.certificate_b64();
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

/// The upstream test that checks a flag (the first column of known_issues.csv); `None` for
/// the overall result, which no upstream test checks (so nothing skips it).
fn upstream_test(check: &str) -> Option<&'static str> {
    Some(match check {
        "UNPREFIX" => "test_un_prefix",
        "B45DECODE" => "test_b45decode",
        "COMPRESSION" => "test_compression",
        "DECODE" | "JSON" => "test_cose_json",
        "VERIFY" => "test_verification_check",
        "KEYUSAGE" => "test_expected_key_usage",
        "EXPIRATIONCHECK" => "test_expiration_check",
        "PICTUREDECODE" => "test_picture_decode",
        "SCHEMAVALIDATION" => "test_cose_schema",
        "OVERALL" => return None,
        other => panic!("no upstream test for {other}"),
    })
}

/// What a run said about the step a check is about.
enum Outcome {
    Ran {
        ok: bool,
        detail: String,
    },
    /// The run ended before the step: `first_failed` (a step name and its detail) failed
    /// first, and `after_expected_failure` says whether the vector expects that failure.
    NotReached {
        first_failed: Option<(String, String)>,
        after_expected_failure: bool,
    },
}

#[derive(Default)]
struct Count {
    agree: u32,
    /// Of the agreements, those where the vector expects the step to fail.
    agree_false: u32,
    disagree: u32,
    known: u32,
    /// Not reached, after a failure the vector expects.
    not_reached: u32,
}

#[derive(Default)]
struct Tally {
    counts: BTreeMap<&'static str, Count>,
    disagreements: Vec<(String, String, String)>,
    known: Vec<(String, String, String)>,
}

impl Tally {
    /// The check is skipped for this vector by a row of known_issues.csv, matched as
    /// upstream's fixture does (test and country, and the file or every file).
    fn skipped(&self, check: &str, v: &Vector) -> bool {
        let Some(test) = upstream_test(check) else {
            return false;
        };
        self.known.iter().any(|(t, country, stem)| {
            (t == test || t.is_empty())
                && *country == v.country
                && (stem.is_empty() || *stem == v.stem)
        })
    }

    fn compare(&mut self, check: &'static str, v: &Vector, expected: Option<bool>, got: &Outcome) {
        let Some(expected) = expected else { return };
        let skipped = self.skipped(check, v);
        let count = self.counts.entry(check).or_default();
        let why = match got {
            _ if skipped => {
                count.known += 1;
                return;
            }
            Outcome::Ran { ok, .. } if *ok == expected => {
                count.agree += 1;
                count.agree_false += u32::from(!expected);
                return;
            }
            Outcome::NotReached {
                after_expected_failure: true,
                ..
            } => {
                count.not_reached += 1;
                return;
            }
            Outcome::Ran { ok, detail } => format!("expected {expected}, got {ok}: {detail}"),
            Outcome::NotReached {
                first_failed: Some((step, detail)),
                ..
            } => format!(
                "expected {expected}, never reached: the run failed first at {step}, \
                 which the vector does not expect: {detail}"
            ),
            Outcome::NotReached {
                first_failed: None, ..
            } => {
                format!("expected {expected}, never reached though no step failed")
            }
        };
        count.disagree += 1;
        self.disagreements
            .push((check.to_string(), v.rel.clone(), why));
    }

    fn print(&self) {
        println!(
            "{:<17} {:>6} {:>8} {:>9} {:>12} {:>12}",
            "check", "agree", "(false)", "disagree", "known issue", "not reached"
        );
        for (check, c) in &self.counts {
            println!(
                "{check:<17} {:>6} {:>8} {:>9} {:>12} {:>12}",
                c.agree,
                format!("({})", c.agree_false),
                c.disagree,
                c.known,
                c.not_reached
            );
        }
        println!("((false): agreements where the vector expects the step to fail)");
        println!("(not reached: after an earlier step failed that the vector expects to fail)");
    }

    /// Every disagreement is a documented non-bug, and every documented one still happens.
    fn assert_agreement(&self) {
        let mut unexpected = Vec::new();
        for (check, rel, why) in &self.disagreements {
            match NOT_BUGS
                .iter()
                .find(|(c, rels, _)| c == check && rels.contains(&rel.as_str()))
            {
                Some((_, _, reason)) => println!("not a bug: {check} {rel}: {reason}"),
                None => unexpected.push(format!("{check} {rel}: {why}")),
            }
        }
        for (check, rels, _) in NOT_BUGS {
            if !self.counts.contains_key(check) {
                continue;
            }
            for rel in *rels {
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
            "{} disagreement(s):\n{}",
            unexpected.len(),
            unexpected.join("\n")
        );
    }
}

/// `vaxdesk verify --json --at CLOCK --trust CERTIFICATE.pem PREFIX` for every vector, the
/// runs spread over the cores, in the vectors' order.
fn run_every_vector(desk: &support::Desk, all: &[Vector]) -> Vec<support::Run> {
    let jobs: Vec<(PathBuf, String, &str)> = all
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let pem = desk.write(&format!("trust/{i}.pem"), &v.pem());
            (pem, v.clock().to_rfc3339(), v.text("PREFIX"))
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(threads).max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(pem, at, prefix)| {
                            support::run(
                                desk.bare()
                                    .args(["verify", "--json", "--at", at, "--trust"])
                                    .arg(pem)
                                    .arg(prefix),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

/// A step of a `--json` run: (name, ok, detail).
fn json_steps(rel: &str, json: &Value) -> Vec<(String, bool, String)> {
    json["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{rel}: no steps in {json}"))
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["ok"].as_bool().unwrap(),
                s["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_vector_through_the_binary_agrees_with_its_expected_results() {
    let started = std::time::Instant::now();
    let all = vectors();
    assert!(all.len() >= 581, "only {} vectors found", all.len());
    let desk = support::Desk::new();
    let runs = run_every_vector(&desk, &all);
    let ran_in = started.elapsed();
    let mut tally = Tally {
        known: known_issues(),
        ..Tally::default()
    };
    // Vectors whose flags in force all say valid but that fail at a step the vector does not
    // flag, or whose flag a known issue skips: their verdict rests on the step alone.
    let mut untested_failures = Vec::new();
    let mut resting_on_known_issues = 0;
    for (v, run) in all.iter().zip(&runs) {
        let rel = &v.rel;
        assert!(
            (run.code == 0 || run.code == 1) && !run.stderr.contains("panicked"),
            "{rel}: exited {}:\n{}",
            run.code,
            run.stderr
        );
        let json = run.json();
        let steps = json_steps(rel, &json);
        let first_failed = steps.iter().find(|(_, ok, _)| !ok);
        let complete = steps.last().is_some_and(|(s, _, _)| s == "revocation");
        assert_eq!(
            json["valid"].as_bool(),
            Some(complete && first_failed.is_none()),
            "{rel}: `valid` is not every step run and passed"
        );
        assert_eq!(
            run.code == 0,
            json["valid"] == true,
            "{rel}: exit status and `valid` differ"
        );
        // The step, not its detail: text from a certificate may be shown escaped there.
        if let Some((step, _, _)) = first_failed {
            let said = format!("vaxdesk: verify failed at {step}: ");
            assert!(
                run.stderr.starts_with(&said),
                "{rel}: stderr {:?}, not {said:?}",
                run.stderr
            );
        }

        // Each flag against its step; the flags in force decide the overall result where
        // they speak, the steps they leave untested (or skipped) where they do not.
        let check_of = |step: &str| CHECKS.iter().find(|(_, _, s)| *s == step);
        let mut flags_say_valid = true;
        let mut in_force = Vec::new();
        for (check, flag, step) in CHECKS {
            let expected = v.flag(flag);
            let got = match steps.iter().find(|(s, _, _)| s == step) {
                Some((_, ok, detail)) => Outcome::Ran {
                    ok: *ok,
                    detail: detail.clone(),
                },
                None => Outcome::NotReached {
                    first_failed: first_failed.map(|(s, _, d)| (s.clone(), d.clone())),
                    after_expected_failure: first_failed
                        .and_then(|(s, _, _)| check_of(s))
                        .is_some_and(|(_, f, _)| v.flag(f) == Some(false)),
                },
            };
            tally.compare(check, v, expected, &got);
            if let Some(expected) = expected.filter(|_| !tally.skipped(check, v)) {
                flags_say_valid &= expected;
                in_force.push(step);
            }
        }
        let untested_failed: Vec<&(String, bool, String)> = steps
            .iter()
            .filter(|(s, ok, _)| !ok && !in_force.contains(&s.as_str()))
            .collect();
        if flags_say_valid && let Some((step, _, detail)) = untested_failed.first() {
            let flagged = check_of(step).is_some_and(|(_, f, _)| v.flag(f).is_some());
            let line = format!("{rel}: {step}: {detail}");
            if flagged {
                resting_on_known_issues += 1;
            } else {
                untested_failures.push(line);
            }
        }
        let overall = Outcome::Ran {
            ok: run.code == 0,
            detail: match first_failed {
                Some((step, _, detail)) => format!("exit 1, failed at {step}: {detail}"),
                None => "exit 0".into(),
            },
        };
        tally.compare(
            "OVERALL",
            v,
            Some(flags_say_valid && untested_failed.is_empty()),
            &overall,
        );

        // The decoded DCC is the vector's JSON wherever decoding is expected to work.
        if let (Some(true), Some(expected)) = (v.flag("EXPECTEDDECODE"), v.data.get("JSON"))
            && expected.is_object()
        {
            let got = same_json(&json["certificate"], expected);
            let outcome = Outcome::Ran {
                ok: got,
                detail: "decoded DCC differs from JSON".into(),
            };
            tally.compare("JSON", v, Some(true), &outcome);
        }
    }

    println!(
        "\n{} vectors through the binary in {ran_in:.1?} ({:.1?} in all)",
        all.len(),
        started.elapsed()
    );
    tally.print();
    println!(
        "\nOVERALL: {resting_on_known_issues} verdict(s) rest on a step whose flag a known issue \
         skips, and {} on a step the vector does not flag:",
        untested_failures.len()
    );
    for line in &untested_failures {
        println!("  {line}");
    }
    tally.assert_agreement();
    for (check, _, _) in CHECKS.iter().chain([&("JSON", "", "")]) {
        assert!(
            tally.counts.get(check).is_some_and(|c| c.agree > 0),
            "{check} never compared"
        );
    }
    let overall = &tally.counts["OVERALL"];
    assert_eq!(
        (overall.agree + overall.disagree) as usize,
        all.len(),
        "the overall result of every vector is compared"
    );
    // The signers limited to other types (common CO6-CO11, the Dutch test+wrong_key files).
    let key_usage = &tally.counts["KEYUSAGE"];
    assert!(
        key_usage.agree_false >= 78,
        "only {} refusals at key usage agree",
        key_usage.agree_false
    );
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
        let outcome = Outcome::Ran {
            ok: read.as_deref() == Ok(v.text("PREFIX")),
            detail: format!("{read:?}"),
        };
        tally.compare("PICTUREDECODE", v, Some(*expected), &outcome);
    }
    println!("\n{} pictures in {:.1?}", jobs.len(), started.elapsed());
    tally.print();
    tally.assert_agreement();
    assert!(tally.counts["PICTUREDECODE"].agree > 0);
}
