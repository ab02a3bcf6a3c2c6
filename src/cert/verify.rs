//! `vaxdesk verify`: checks a certificate step by step and says which step failed and why.
//!
//! The decoding steps (qr, prefix, base45, zlib, cose) each need the previous one, so the
//! first failure ends the run. The checks on a decoded certificate (signature, key usage,
//! expiry, schema, revocation) are independent and all run, so one report shows every problem;
//! the certificate is valid only when every step passed. Key usage needs to know the signer:
//! it judges the trusted certificate that the kid names, and is left out when there is none
//! (the signature step already says so).

use super::cose::{self, HeaderSource};
use super::trust::{DccType, KeyUsage, TrustStore, TrustedCert};
use super::{base45, hc1, qrimage, schema};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::path::Path;

/// The steps, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Only for a picture: reading the QR code.
    Qr,
    Prefix,
    Base45,
    Zlib,
    Cose,
    Signature,
    /// The signer certificate may sign this type of certificate.
    KeyUsage,
    Expiry,
    Schema,
    Revocation,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Qr => "qr",
            Step::Prefix => "prefix",
            Step::Base45 => "base45",
            Step::Zlib => "zlib",
            Step::Cose => "cose",
            Step::Signature => "signature",
            Step::KeyUsage => "key usage",
            Step::Expiry => "expiry",
            Step::Schema => "schema",
            Step::Revocation => "revocation",
        }
    }
}

/// The outcome of one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    pub step: Step,
    pub ok: bool,
    pub detail: String,
}

/// What verifying found.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub steps: Vec<StepResult>,
    /// The DCC (the hcert payload) when it decoded, valid or not.
    pub certificate: Option<Value>,
    pub kid: Option<Vec<u8>>,
    pub issuer: Option<String>,
    pub issued_at: Option<f64>,
    pub expires_at: Option<f64>,
}

impl Verification {
    /// Valid when every step ran and passed.
    pub fn valid(&self) -> bool {
        self.steps
            .last()
            .is_some_and(|s| s.step == Step::Revocation)
            && self.steps.iter().all(|s| s.ok)
    }

    /// The first step that failed.
    pub fn failure(&self) -> Option<&StepResult> {
        self.steps.iter().find(|s| !s.ok)
    }

    /// The result of one step, if it ran.
    pub fn step(&self, step: Step) -> Option<&StepResult> {
        self.steps.iter().find(|s| s.step == step)
    }

    /// The `--json` form.
    pub fn to_json(&self) -> Value {
        json!({
            "valid": self.valid(),
            "steps": self.steps.iter().map(|s| json!({
                "step": s.step.name(), "ok": s.ok, "detail": s.detail,
            })).collect::<Vec<_>>(),
            "certificate": self.certificate,
            "kid": self.kid.as_deref().map(kid_text),
            "issuer": self.issuer,
            "issued_at": self.issued_at.and_then(time_text),
            "expires_at": self.expires_at.and_then(time_text),
        })
    }

    fn push(&mut self, step: Step, result: Result<String, String>) {
        let ok = result.is_ok();
        let detail = result.unwrap_or_else(|e| e);
        self.steps.push(StepResult { step, ok, detail });
    }

    /// Records a decoding step and passes its value on.
    fn record<T>(
        &mut self,
        step: Step,
        result: Result<T, String>,
        describe: impl FnOnce(&T) -> String,
    ) -> Option<T> {
        match result {
            Ok(value) => {
                self.push(step, Ok(describe(&value)));
                Some(value)
            }
            Err(e) => {
                self.push(step, Err(e));
                None
            }
        }
    }
}

/// A kid as DCC trust lists write it: standard base64.
pub fn kid_text(kid: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(kid)
}

/// Epoch seconds (possibly fractional) as RFC 3339 UTC.
pub fn time_text(secs: f64) -> Option<String> {
    let millis = (secs * 1000.0).round();
    if !millis.is_finite() || millis.abs() > 1e17 {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// What the verifier trusts and when it checks.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub trust: &'a TrustStore,
    pub at: DateTime<Utc>,
    /// This desk's revoked UVCIs; `None` when no revocations are recorded.
    pub revoked: Option<&'a [String]>,
}

/// What `verify` was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The HC1 text itself, typed on the command line.
    Argument(String),
    /// The text of a file.
    File(String),
    /// A PNG picture of the QR code.
    Picture(Vec<u8>),
}

impl Input {
    /// INPUT of the command line: an HC1 string, a file holding one, or a PNG picture.
    pub fn from_arg(arg: &str) -> Result<Input, String> {
        if arg.starts_with(hc1::PREFIX) || std::fs::metadata(arg).is_err() {
            return Ok(Input::Argument(arg.to_string()));
        }
        let bytes = crate::config::read_named_file(Path::new(arg), "a certificate file")
            .map_err(|e| format!("{arg}: {e}"))?;
        if qrimage::is_png(&bytes) {
            return Ok(Input::Picture(bytes));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{arg}: neither a text file nor a PNG picture"))?;
        // Base45 has a space, so only line ends are trimmed at the end.
        let text = text.trim_start_matches('\u{feff}').trim_start();
        Ok(Input::File(text.trim_end_matches(['\r', '\n']).to_string()))
    }
}

/// Verifies whatever INPUT was.
pub fn verify_input(input: &Input, options: &Options) -> Verification {
    match input {
        Input::Argument(text) => {
            let mut v = verify(text, options);
            // Text not shaped like "XXX:" was more likely meant as a file name.
            let context_like = text.get(..4).is_some_and(|p| p.ends_with(':'));
            if let Some(s) = v.steps.first_mut().filter(|s| !s.ok && !context_like) {
                s.detail.push_str(" (and no file has that name)");
            }
            v
        }
        Input::File(text) => verify(text, options),
        Input::Picture(bytes) => {
            let mut v = Verification::default();
            match qrimage::decode_png(bytes) {
                Ok(text) => {
                    v.push(
                        Step::Qr,
                        Ok(format!("read a QR code of {} characters", text.len())),
                    );
                    let rest = verify(&text, options);
                    v.steps.extend(rest.steps);
                    Verification {
                        steps: v.steps,
                        ..rest
                    }
                }
                Err(e) => {
                    v.push(Step::Qr, Err(e));
                    v
                }
            }
        }
    }
}

/// Verifies an HC1 string. Never panics, whatever the text.
pub fn verify(text: &str, options: &Options) -> Verification {
    let mut v = Verification::default();
    let Some(signed) = decode_steps(text, &mut v) else {
        return v;
    };
    v.kid = Some(signed.kid.clone());
    v.issuer = signed.claims.iss.clone();
    v.issued_at = signed.claims.iat;
    v.expires_at = signed.claims.exp;
    v.certificate = Some(signed.claims.dcc.clone());

    let (signature, signer) = check_signature(&signed, options.trust);
    v.push(Step::Signature, signature);
    if let Some(signer) = signer {
        v.push(Step::KeyUsage, check_key_usage(&signed.claims.dcc, signer));
    }
    v.push(Step::Expiry, check_expiry(&signed.claims, options.at));
    v.push(Step::Schema, schema::validate(&signed.claims.dcc));
    v.push(
        Step::Revocation,
        check_revocation(&signed.claims.dcc, options.revoked),
    );
    v
}

/// prefix, base45, zlib, cose: the parsed message, or `None` after a failed step.
fn decode_steps(text: &str, v: &mut Verification) -> Option<cose::Signed> {
    let b45 = v.record(Step::Prefix, hc1::strip_prefix(text), |_| {
        format!("starts with {:?}", hc1::PREFIX)
    })?;
    let zlib = v.record(Step::Base45, base45::decode(b45), |z| {
        format!("{} characters to {} bytes", b45.len(), z.len())
    })?;
    let cose_bytes = v.record(Step::Zlib, hc1::inflate(&zlib), |c| {
        format!("inflated to {} bytes", c.len())
    })?;
    v.record(Step::Cose, cose::parse(&cose_bytes), describe_cose)
}

fn describe_cose(s: &cose::Signed) -> String {
    let from = match s.kid_source {
        HeaderSource::Protected => "protected",
        HeaderSource::Unprotected => "unprotected",
    };
    format!(
        "COSE_Sign1, {}, kid {} ({from} header)",
        s.alg.name(),
        kid_text(&s.kid)
    )
}

/// The signature, and the signer it names: the trusted certificate whose key verified it, or
/// else the first one with its kid; `None` when no trusted certificate has that kid.
fn check_signature<'a>(
    signed: &cose::Signed,
    trust: &'a TrustStore,
) -> (Result<String, String>, Option<&'a TrustedCert>) {
    let mut reasons = Vec::new();
    for cert in trust.with_kid(&signed.kid) {
        match signed.verify(&cert.key) {
            Ok(()) => {
                let detail = format!(
                    "{} signature by {} ({})",
                    signed.alg.name(),
                    cert.subject,
                    cert.source
                );
                return (Ok(detail), Some(cert));
            }
            Err(e) => reasons.push(e),
        }
    }
    if reasons.is_empty() {
        let reason = format!(
            "no trusted signer certificate has kid {} ({} trusted)",
            kid_text(&signed.kid),
            trust.certs.len()
        );
        return (Err(reason), None);
    }
    (Err(reasons.join("; ")), trust.with_kid(&signed.kid).next())
}

/// The types of certificate a DCC holds (normally one).
pub fn dcc_types(dcc: &Value) -> Vec<DccType> {
    DccType::ALL
        .into_iter()
        .filter(|t| dcc.get(t.group()).is_some())
        .collect()
}

/// "vaccination", "test or recovery", …
fn type_list(types: &[DccType], joiner: &str) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} {joiner} {last}", rest.join(", ")),
    }
}

/// The signer's extended key usage allows every type of certificate this DCC holds.
fn check_key_usage(dcc: &Value, signer: &TrustedCert) -> Result<String, String> {
    let types = dcc_types(dcc);
    let holds = if types.is_empty() {
        "a certificate with no vaccination, test or recovery entry".to_string()
    } else {
        format!("a {} certificate", type_list(&types, "and"))
    };
    let may = match &signer.key_usage {
        KeyUsage::Any => {
            return Ok(format!(
                "{holds}; the signer certificate {} names no certificate type, so it may sign any",
                signer.subject
            ));
        }
        KeyUsage::Unreadable(why) => {
            return Err(format!(
                "{holds}, but the signer certificate {} may sign nothing: {why}",
                signer.subject
            ));
        }
        KeyUsage::Only(allowed) => format!("{} certificates", type_list(allowed, "and")),
    };
    if types.is_empty() || types.iter().any(|t| !signer.key_usage.allows(*t)) {
        return Err(format!(
            "{holds}, but the signer certificate {} may sign only {may}",
            signer.subject
        ));
    }
    Ok(format!(
        "{holds}, and the signer certificate {} may sign {may}",
        signer.subject
    ))
}

fn check_expiry(claims: &cose::Claims, at: DateTime<Utc>) -> Result<String, String> {
    let at_secs = at.timestamp() as f64 + f64::from(at.timestamp_subsec_millis()) / 1000.0;
    let at_text = time_text(at_secs).unwrap_or_else(|| at.to_rfc3339());
    let show = |secs: f64| time_text(secs).unwrap_or_else(|| format!("{secs} s"));
    let iat = claims.iat.ok_or("no issue time (iat)")?;
    let exp = claims.exp.ok_or("no expiry time (exp)")?;
    if at_secs < iat {
        return Err(format!(
            "not yet valid at {at_text}: issued at {}",
            show(iat)
        ));
    }
    if at_secs > exp {
        return Err(format!("expired at {} (checked at {at_text})", show(exp)));
    }
    Ok(format!(
        "valid from {} to {} at {at_text}",
        show(iat),
        show(exp)
    ))
}

/// The UVCIs (`ci`) of a DCC's entries.
pub fn uvcis(dcc: &Value) -> Vec<&str> {
    ["v", "t", "r"]
        .iter()
        .filter_map(|group| dcc.get(group).and_then(Value::as_array))
        .flatten()
        .filter_map(|entry| entry.get("ci").and_then(Value::as_str))
        .collect()
}

/// This desk's revocations: fails when an entry's UVCI is on the revoked list.
pub fn check_revocation(dcc: &Value, revoked: Option<&[String]>) -> Result<String, String> {
    let Some(revoked) = revoked else {
        return Ok("no revocations recorded".into());
    };
    let ids = uvcis(dcc);
    match ids
        .iter()
        .find(|id| revoked.iter().any(|r| r.trim() == **id))
    {
        Some(id) => Err(format!("certificate {id} has been revoked")),
        None => Ok(format!(
            "not among {} revoked certificate(s)",
            revoked.len()
        )),
    }
}
