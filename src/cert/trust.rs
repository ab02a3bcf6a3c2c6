//! The signer certificates a verifier trusts, read from PEM files.
//!
//! A DCC names its signer only by `kid`: the first 8 bytes of the SHA-256 of the signer
//! certificate's DER. So a trust store is a list of certificates with that digest computed,
//! looked up by kid when a signature is checked. A signer certificate may also limit what it
//! signs: an extended key usage naming DCC types (test, vaccination, recovery) allows only
//! those; one naming none of them allows every type.

use super::cose::PublicKey;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use x509_cert::der::{Decode, Encode, oid::ObjectIdentifier, pem};
use x509_cert::ext::pkix::ExtendedKeyUsage;

const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// The kinds of certificate a DCC holds, each its own group of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DccType {
    Test,
    Vaccination,
    Recovery,
}

impl DccType {
    pub const ALL: [DccType; 3] = [DccType::Test, DccType::Vaccination, DccType::Recovery];

    /// The DCC's key for this group of entries.
    pub fn group(self) -> &'static str {
        match self {
            DccType::Test => "t",
            DccType::Vaccination => "v",
            DccType::Recovery => "r",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DccType::Test => "test",
            DccType::Vaccination => "vaccination",
            DccType::Recovery => "recovery",
        }
    }

    /// The type an extended key usage OID allows: `1.3.6.1.4.1.1847.2021.1.{1,2,3}`, or its
    /// twin with `.0` after the enterprise arc, which some issuers use.
    pub fn from_key_usage(oid: &str) -> Option<DccType> {
        let last = oid
            .strip_prefix("1.3.6.1.4.1.1847.2021.1.")
            .or_else(|| oid.strip_prefix("1.3.6.1.4.1.0.1847.2021.1."))?;
        match last {
            "1" => Some(DccType::Test),
            "2" => Some(DccType::Vaccination),
            "3" => Some(DccType::Recovery),
            _ => None,
        }
    }
}

/// What a signer certificate may sign, from its extended key usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyUsage {
    /// No extended key usage names a DCC type: any type.
    Any,
    /// Only these types (sorted, no repeats).
    Only(Vec<DccType>),
    /// The extension is there but cannot be read: nothing is allowed.
    Unreadable(String),
}

impl KeyUsage {
    fn of(tbs: &x509_cert::TbsCertificate) -> KeyUsage {
        match tbs.get::<ExtendedKeyUsage>() {
            Ok(None) => KeyUsage::Any,
            Ok(Some((_, usage))) => {
                let mut types: Vec<DccType> = usage
                    .0
                    .iter()
                    .filter_map(|oid| DccType::from_key_usage(&oid.to_string()))
                    .collect();
                types.sort();
                types.dedup();
                if types.is_empty() {
                    KeyUsage::Any
                } else {
                    KeyUsage::Only(types)
                }
            }
            Err(e) => KeyUsage::Unreadable(format!("its extended key usage cannot be read ({e})")),
        }
    }

    pub fn allows(&self, kind: DccType) -> bool {
        match self {
            KeyUsage::Any => true,
            KeyUsage::Only(types) => types.contains(&kind),
            KeyUsage::Unreadable(_) => false,
        }
    }
}

/// The kid of a certificate: SHA-256 of its DER, first 8 bytes.
pub fn kid(der: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(der);
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

/// One trusted signer certificate.
#[derive(Debug, Clone)]
pub struct TrustedCert {
    pub kid: [u8; 8],
    pub key: PublicKey,
    /// The subject, RFC 4514 style (`CN=…,C=KR`).
    pub subject: String,
    pub not_before: Option<DateTime<Utc>>,
    pub not_after: Option<DateTime<Utc>>,
    /// The DCC types it may sign.
    pub key_usage: KeyUsage,
    /// Where it was read from, for messages.
    pub source: String,
}

impl TrustedCert {
    /// Reads a DER X.509 certificate. A key vaxdesk cannot use still loads (as
    /// [`PublicKey::Unsupported`]) so that verifying names the reason.
    pub fn from_der(der: &[u8], source: &str) -> Result<TrustedCert, String> {
        let cert = x509_cert::Certificate::from_der(der)
            .map_err(|e| format!("not an X.509 certificate: {e}"))?;
        let tbs = &cert.tbs_certificate;
        let spki = &tbs.subject_public_key_info;
        let spki_der = spki
            .to_der()
            .map_err(|e| format!("the public key does not encode: {e}"))?;
        let key = if spki.algorithm.oid == OID_EC {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match curve {
                Some(OID_P256) => {
                    use p256::pkcs8::DecodePublicKey;
                    p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der)
                        .map(PublicKey::P256)
                        .map_err(|e| format!("bad P-256 key: {e}"))?
                }
                Some(OID_P384) => PublicKey::Unsupported("an EC key on P-384".into()),
                Some(OID_P521) => PublicKey::Unsupported("an EC key on P-521".into()),
                Some(other) => PublicKey::Unsupported(format!("an EC key on curve {other}")),
                None => PublicKey::Unsupported("an EC key without a named curve".into()),
            }
        } else if spki.algorithm.oid == OID_RSA {
            use rsa::pkcs8::DecodePublicKey;
            rsa::RsaPublicKey::from_public_key_der(&spki_der)
                .map(PublicKey::Rsa)
                .map_err(|e| format!("bad RSA key: {e}"))?
        } else {
            PublicKey::Unsupported(format!("a key of algorithm {}", spki.algorithm.oid))
        };
        let time = |t: &x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs())
                .ok()
                .and_then(|s| DateTime::from_timestamp(s, 0))
        };
        Ok(TrustedCert {
            kid: kid(der),
            key,
            subject: tbs.subject.to_string(),
            not_before: time(&tbs.validity.not_before),
            not_after: time(&tbs.validity.not_after),
            key_usage: KeyUsage::of(tbs),
            source: source.to_string(),
        })
    }
}

/// The DER bodies of the `CERTIFICATE` blocks of a PEM text, exactly as encoded (the kid is
/// the digest of these bytes, so they are never re-encoded). Text around the blocks, such as
/// `openssl x509 -text` output, and blocks of other kinds are passed over.
///
/// Each block is decoded by x509-cert's own PEM support (RFC 7468, lines of 64 characters,
/// as openssl and every common tool write them).
pub fn pem_certificates(text: &str) -> Result<Vec<Vec<u8>>, String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let end = block
            .find(END)
            .ok_or("a certificate block has no END line")?
            + END.len();
        let (_, der) = pem::decode_vec(&block.as_bytes()[..end]).map_err(|e| {
            format!(
                "certificate {} is not a valid PEM block ({e}; RFC 7468 wants base64 in \
                 lines of 64 characters)",
                out.len() + 1
            )
        })?;
        out.push(der);
        rest = &block[end..];
    }
    Ok(out)
}

/// The certificates trusted by one verification.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    pub certs: Vec<TrustedCert>,
}

impl TrustStore {
    /// Adds every certificate of a PEM file (a DER file is accepted too).
    pub fn add_file(&mut self, path: &Path) -> Result<(), String> {
        let name = path.display().to_string();
        let bytes = crate::config::read_named_file(path, "a certificate file")
            .map_err(|e| format!("{name}: {e}"))?;
        let ders = match std::str::from_utf8(&bytes) {
            Ok(text) if text.contains("-----BEGIN") => {
                pem_certificates(text).map_err(|e| format!("{name}: {e}"))?
            }
            _ => vec![bytes],
        };
        if ders.is_empty() {
            return Err(format!("{name}: no CERTIFICATE block"));
        }
        for der in ders {
            let cert = TrustedCert::from_der(&der, &name).map_err(|e| format!("{name}: {e}"))?;
            self.certs.push(cert);
        }
        Ok(())
    }

    pub fn from_files(paths: &[PathBuf]) -> Result<TrustStore, String> {
        let mut store = TrustStore::default();
        for p in paths {
            store.add_file(p)?;
        }
        Ok(store)
    }

    /// This desk's own signer certificates: `signer*.pem` in its keys folder.
    pub fn desk_signers(keys_dir: &Path) -> Result<TrustStore, String> {
        let files = super::keys::KeyStore::new(keys_dir).signer_files();
        if files.is_empty() {
            return Err(format!(
                "there are no trusted signer certificates (no signer*.pem in {}); \
                 pass --trust PEM_FILE with the signer's certificate",
                keys_dir.display()
            ));
        }
        TrustStore::from_files(&files)
    }

    /// The trusted certificates with this kid (normally one).
    pub fn with_kid<'a>(&'a self, kid: &[u8]) -> impl Iterator<Item = &'a TrustedCert> {
        self.certs.iter().filter(move |c| c.kid[..] == *kid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_found_and_bad_ones_named() {
        let long: Vec<u8> = (0..=99).collect();
        let long_pem = x509_cert::der::pem::encode_string(
            "CERTIFICATE",
            x509_cert::der::pem::LineEnding::LF,
            &long,
        )
        .unwrap();
        let pem = format!(
            "junk\n-----BEGIN CERTIFICATE-----\nAAECAw==\n-----END CERTIFICATE-----\n\
             -----BEGIN PRIVATE KEY-----\nBQ==\n-----END PRIVATE KEY-----\n\
             Subject: CN=x\n{long_pem}-----BEGIN CERTIFICATE-----\r\nBA==\r\n-----END CERTIFICATE-----\r\n"
        );
        assert_eq!(
            pem_certificates(&pem).unwrap(),
            vec![vec![0, 1, 2, 3], long, vec![4]]
        );
        assert!(pem_certificates("-----BEGIN CERTIFICATE-----\nAA").is_err());
        // Base64 wrapped other than in lines of 64 is refused, and the message says so.
        let e =
            pem_certificates("-----BEGIN CERTIFICATE-----\nAAEC\nAw==\n-----END CERTIFICATE-----")
                .unwrap_err();
        assert!(
            e.starts_with("certificate 1 is not a valid PEM block") && e.contains("64"),
            "{e}"
        );
        assert!(
            pem_certificates("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----").is_err()
        );
        assert!(TrustedCert::from_der(&[0, 1, 2, 3], "x").is_err());
    }

    #[test]
    fn key_usage_oids_name_dcc_types_and_their_twins() {
        for (oid, kind) in [
            ("1.3.6.1.4.1.1847.2021.1.1", Some(DccType::Test)),
            ("1.3.6.1.4.1.1847.2021.1.2", Some(DccType::Vaccination)),
            ("1.3.6.1.4.1.1847.2021.1.3", Some(DccType::Recovery)),
            ("1.3.6.1.4.1.0.1847.2021.1.1", Some(DccType::Test)),
            ("1.3.6.1.4.1.0.1847.2021.1.2", Some(DccType::Vaccination)),
            ("1.3.6.1.4.1.0.1847.2021.1.3", Some(DccType::Recovery)),
            ("1.3.6.1.4.1.1847.2021.1.4", None),
            ("1.3.6.1.4.1.1847.2021.1.20", None),
            ("1.3.6.1.4.1.1847.2021.1.2.1", None),
            ("1.3.6.1.4.1.1847.2021.1", None),
            ("1.3.6.1.5.5.7.3.1", None),
        ] {
            assert_eq!(DccType::from_key_usage(oid), kind, "{oid}");
        }
        let only = KeyUsage::Only(vec![DccType::Vaccination]);
        assert!(only.allows(DccType::Vaccination) && !only.allows(DccType::Test));
        assert!(KeyUsage::Any.allows(DccType::Recovery));
        assert!(!KeyUsage::Unreadable("x".into()).allows(DccType::Vaccination));
    }

    #[test]
    fn no_desk_signers_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let e = TrustStore::desk_signers(&dir.path().join("keys")).unwrap_err();
        assert!(
            e.contains("no trusted signer certificates") && e.contains("--trust"),
            "{e}"
        );
    }
}
