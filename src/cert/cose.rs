//! The signed layer of a certificate: a COSE_Sign1 message (RFC 9052) whose payload is a CWT
//! (RFC 8392) carrying the DCC under claim -260.
//!
//! Parsing is tolerant where real issuers differ (tag 18 and the CWT tag 61 are optional; `kid`
//! and `alg` may sit in the unprotected header; `iat`/`exp` may be floats; dates may carry CBOR
//! tags) and strict where security depends on it: the protected header wins, its original bytes
//! are what the signature covers, and only ES256 and PS256 are accepted.

use ciborium::value::Value;
use coset::{
    AsCborValue, CoseSign1, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate,
    TaggedCborSerializable, iana,
};
use p256::ecdsa::signature::{Signer, Verifier};
use sha2::Sha256;

/// CBOR tag of a CWT (RFC 8392), which some issuers wrap around the COSE message.
const TAG_CWT: u64 = 61;
/// CBOR tag of a COSE_Sign1 message.
const TAG_SIGN1: u64 = 18;
/// CWT claim holding the health certificate.
const CLAIM_HCERT: i128 = -260;

/// The signature algorithms of the EU DCC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// ECDSA with P-256 and SHA-256 (COSE -7), signature r‖s.
    Es256,
    /// RSASSA-PSS with SHA-256 (COSE -37).
    Ps256,
}

impl Alg {
    pub fn name(self) -> &'static str {
        match self {
            Alg::Es256 => "ES256",
            Alg::Ps256 => "PS256",
        }
    }
}

/// A signer's public key, as read from its certificate.
#[derive(Debug, Clone)]
pub enum PublicKey {
    P256(p256::ecdsa::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
    /// A key neither algorithm can use (for example P-384); kept so the reason can be named.
    Unsupported(String),
}

/// Which header a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderSource {
    Protected,
    Unprotected,
}

/// The CWT claims vaxdesk reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    /// `iss` (1): the issuing country.
    pub iss: Option<String>,
    /// `iat` (6), seconds since the epoch.
    pub iat: Option<f64>,
    /// `exp` (4), seconds since the epoch.
    pub exp: Option<f64>,
    /// `hcert` (-260) key 1: the DCC itself, as JSON.
    pub dcc: serde_json::Value,
}

/// A parsed COSE_Sign1 certificate, signature not yet checked.
#[derive(Debug, Clone)]
pub struct Signed {
    sign1: CoseSign1,
    pub alg: Alg,
    pub kid: Vec<u8>,
    pub kid_source: HeaderSource,
    pub claims: Claims,
}

/// Parses COSE bytes: structure, headers and claims.
pub fn parse(bytes: &[u8]) -> Result<Signed, String> {
    let mut rest = bytes;
    let mut value: Value =
        ciborium::de::from_reader(&mut rest).map_err(|e| format!("not CBOR: {e}"))?;
    if !rest.is_empty() {
        return Err(format!("{} byte(s) after the COSE message", rest.len()));
    }
    let mut outer = None;
    while let Value::Tag(tag, inner) = value {
        match (tag, outer) {
            (TAG_CWT, None) | (TAG_SIGN1, None | Some(TAG_CWT)) => outer = Some(tag),
            _ => return Err(format!("unexpected CBOR tag {tag}")),
        }
        value = *inner;
    }
    let sign1 =
        CoseSign1::from_cbor_value(value).map_err(|e| format!("not a COSE_Sign1 message: {e}"))?;
    let protected = &sign1.protected.header;
    let unprotected = &sign1.unprotected;

    // The protected header wins; the unprotected one only fills a gap.
    let (kid, kid_source) = if !protected.key_id.is_empty() {
        (protected.key_id.clone(), HeaderSource::Protected)
    } else if !unprotected.key_id.is_empty() {
        (unprotected.key_id.clone(), HeaderSource::Unprotected)
    } else {
        return Err("no kid in either header".into());
    };
    let alg = match protected.alg.as_ref().or(unprotected.alg.as_ref()) {
        Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)) => Alg::Es256,
        Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::PS256)) => Alg::Ps256,
        Some(other) => return Err(format!("algorithm {other:?} is neither ES256 nor PS256")),
        None => return Err("no alg in either header".into()),
    };
    let payload = sign1.payload.as_deref().ok_or("no payload")?;
    let claims = parse_claims(payload)?;
    Ok(Signed {
        sign1,
        alg,
        kid,
        kid_source,
        claims,
    })
}

/// The CWT claims map, read as plain CBOR (floats and unknown claims are fine).
fn parse_claims(payload: &[u8]) -> Result<Claims, String> {
    let mut rest = payload;
    let claims: Value =
        ciborium::de::from_reader(&mut rest).map_err(|e| format!("claims are not CBOR: {e}"))?;
    if !rest.is_empty() {
        return Err(format!("{} byte(s) after the claims", rest.len()));
    }
    let map = claims.as_map().ok_or("the claims are not a CBOR map")?;
    let mut iss = None;
    let mut iat = None;
    let mut exp = None;
    let mut dcc = None;
    for (key, value) in map {
        let Some(key) = key.as_integer().map(i128::from) else {
            continue;
        };
        match key {
            1 => iss = Some(value.as_text().ok_or("iss is not text")?.to_string()),
            4 => exp = Some(seconds(value).ok_or("exp is not a number")?),
            6 => iat = Some(seconds(value).ok_or("iat is not a number")?),
            CLAIM_HCERT => {
                let hcert = value.as_map().ok_or("hcert (-260) is not a map")?;
                let (_, inner) = hcert
                    .iter()
                    .find(|(k, _)| k.as_integer().map(i128::from) == Some(1))
                    .ok_or("hcert (-260) has no DCC under key 1")?;
                dcc = Some(cbor_to_json(inner).map_err(|e| format!("the DCC: {e}"))?);
            }
            _ => {}
        }
    }
    Ok(Claims {
        iss,
        iat,
        exp,
        dcc: dcc.ok_or("no hcert (-260) claim")?,
    })
}

/// A CWT time: integer or float seconds, possibly under tag 1.
fn seconds(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(i128::from(*i) as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        Value::Tag(1, inner) => seconds(inner),
        _ => None,
    }
}

impl Signed {
    /// Checks the signature with a trusted signer's key.
    pub fn verify(&self, key: &PublicKey) -> Result<(), String> {
        self.sign1
            .verify_signature(b"", |sig, data| match (self.alg, key) {
                (Alg::Es256, PublicKey::P256(vk)) => {
                    let sig = p256::ecdsa::Signature::from_slice(sig).map_err(|_| {
                        format!("an ES256 signature is 64 bytes, this one {}", sig.len())
                    })?;
                    vk.verify(data, &sig)
                        .map_err(|_| "the ES256 signature does not match".to_string())
                }
                (Alg::Ps256, PublicKey::Rsa(pk)) => {
                    let sig = rsa::pss::Signature::try_from(sig)
                        .map_err(|e| format!("malformed PS256 signature: {e}"))?;
                    rsa::pss::VerifyingKey::<Sha256>::new(pk.clone())
                        .verify(data, &sig)
                        .map_err(|_| "the PS256 signature does not match".to_string())
                }
                (alg, PublicKey::Unsupported(what)) => Err(format!(
                    "the signer's key ({what}) cannot check an {} signature",
                    alg.name()
                )),
                (alg, _) => Err(format!(
                    "the signer's key is not of the kind {} needs",
                    alg.name()
                )),
            })
    }
}

/// CWT claims: 1 iss, 4 exp, 6 iat, -260 hcert {1: DCC}.
pub fn cwt_claims(
    iss: &str,
    iat: i64,
    exp: i64,
    dcc: &serde_json::Value,
) -> Result<Vec<u8>, String> {
    let dcc = Value::serialized(dcc).map_err(|e| format!("the DCC as CBOR: {e}"))?;
    let claims = Value::Map(vec![
        (Value::from(1), Value::from(iss)),
        (Value::from(4), Value::from(exp)),
        (Value::from(6), Value::from(iat)),
        (
            Value::from(CLAIM_HCERT as i64),
            Value::Map(vec![(Value::from(1), dcc)]),
        ),
    ]);
    let mut out = Vec::new();
    ciborium::ser::into_writer(&claims, &mut out).map_err(|e| format!("claims as CBOR: {e}"))?;
    Ok(out)
}

/// Signs claims as COSE_Sign1 with ES256: protected `{1: -7, 4: kid}`, empty unprotected
/// header, tag 18, signature r‖s (64 bytes, deterministic per RFC 6979).
pub fn sign_es256(claims: Vec<u8>, kid: &[u8], key: &p256::ecdsa::SigningKey) -> Vec<u8> {
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::ES256)
        .key_id(kid.to_vec())
        .build();
    CoseSign1Builder::new()
        .protected(protected)
        .payload(claims)
        .create_signature(b"", |tbs| {
            let sig: p256::ecdsa::Signature = key.sign(tbs);
            sig.to_bytes().to_vec()
        })
        .build()
        .to_tagged_vec()
        // Encoding a message built from byte strings and a small header cannot fail.
        .expect("COSE_Sign1 encodes")
}

/// CBOR to JSON for the DCC. `ciborium`'s serde path refuses tags, and some issuers wrap
/// date-times in tag 0 (text) or tag 1 (epoch seconds), so this walks the value itself.
pub fn cbor_to_json(value: &Value) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match value {
        Value::Integer(i) => {
            let i = i128::from(*i);
            if let Ok(u) = u64::try_from(i) {
                J::from(u)
            } else {
                J::from(i64::try_from(i).map_err(|_| format!("integer {i} out of range"))?)
            }
        }
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .ok_or_else(|| format!("number {f} has no JSON form"))?,
        Value::Text(s) => J::String(s.clone()),
        Value::Bool(b) => J::Bool(*b),
        Value::Null => J::Null,
        Value::Tag(1, inner) => match seconds(inner) {
            Some(secs) => J::String(epoch_to_text(secs)?),
            None => return Err("tag 1 around something that is not a time".into()),
        },
        Value::Tag(_, inner) => cbor_to_json(inner)?,
        Value::Array(items) => J::Array(items.iter().map(cbor_to_json).collect::<Result<_, _>>()?),
        Value::Map(entries) => {
            let mut object = serde_json::Map::new();
            for (k, v) in entries {
                let k = k.as_text().ok_or("a map key that is not text")?;
                object.insert(k.to_string(), cbor_to_json(v)?);
            }
            J::Object(object)
        }
        Value::Bytes(_) => return Err("a byte string where text was expected".into()),
        _ => return Err("an unsupported CBOR item".into()),
    })
}

/// Epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`, the form the DCC uses for date-times.
fn epoch_to_text(secs: f64) -> Result<String, String> {
    chrono::DateTime::from_timestamp(secs.floor() as i64, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .ok_or_else(|| format!("time {secs} out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap()
    }

    fn signed() -> Vec<u8> {
        let dcc = serde_json::json!({"ver": "1.3.0", "v": [{"dn": 1}]});
        sign_es256(
            cwt_claims("KR", 100, 200, &dcc).unwrap(),
            b"kid-0001",
            &key(),
        )
    }

    #[test]
    fn sign_then_parse_and_verify() {
        let bytes = signed();
        assert_eq!(bytes[0], 0xd2, "tag 18");
        let s = parse(&bytes).unwrap();
        assert_eq!((s.alg, s.kid.as_slice()), (Alg::Es256, &b"kid-0001"[..]));
        assert_eq!(s.kid_source, HeaderSource::Protected);
        assert_eq!(s.claims.iss.as_deref(), Some("KR"));
        assert_eq!((s.claims.iat, s.claims.exp), (Some(100.0), Some(200.0)));
        assert_eq!(s.claims.dcc["v"][0]["dn"], 1);
        s.verify(&PublicKey::P256(*key().verifying_key())).unwrap();
        let other = p256::ecdsa::SigningKey::from_slice(&[8u8; 32]).unwrap();
        assert!(s.verify(&PublicKey::P256(*other.verifying_key())).is_err());
        assert!(s.verify(&PublicKey::Unsupported("P-384".into())).is_err());
    }

    #[test]
    fn tags_are_optional_but_not_arbitrary() {
        let tagged = signed();
        assert!(parse(&tagged[1..]).is_ok(), "untagged");
        let mut cwt = vec![0xd8, 61];
        cwt.extend_from_slice(&tagged);
        assert!(parse(&cwt).is_ok(), "tag 61 around tag 18");
        let mut other = vec![0xd8, 62];
        other.extend_from_slice(&tagged);
        assert!(parse(&other).unwrap_err().contains("tag 62"));
        let mut trailing = tagged.clone();
        trailing.push(0);
        assert!(parse(&trailing).unwrap_err().contains("after"));
    }

    #[test]
    fn tagged_dates_become_text() {
        let v = Value::Map(vec![
            (
                Value::from("a"),
                Value::Tag(0, Box::new(Value::from("2021-05-01T10:00:00Z"))),
            ),
            (
                Value::from("b"),
                Value::Tag(1, Box::new(Value::from(1_620_000_000))),
            ),
        ]);
        let j = cbor_to_json(&v).unwrap();
        assert_eq!(j["a"], "2021-05-01T10:00:00Z");
        assert_eq!(j["b"], "2021-05-03T00:00:00Z");
        assert!(cbor_to_json(&Value::Bytes(vec![1])).is_err());
    }
}
