//! The desk's signing keys: a country CA (CSCA) and document-signer certificates, kept in a
//! folder only the owner can enter, private keys readable only by their owner.
//!
//! `init` creates a self-signed CSCA and a first signer carrying the vaccination key-usage OID
//! (1.3.6.1.4.1.1847.2021.1.2); `rotate` starts a new signer under the same CSCA (old signer
//! certificates stay, so what they signed still verifies); `import` takes a signer certificate
//! and key issued by a real authority. The current signer is named in the file `current`.

use chrono::{DateTime, Duration, Utc};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::{Decode, DecodePem, Encode, EncodePem, oid::ObjectIdentifier};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

/// Extended key usage of a document signer that may sign vaccination certificates.
pub const VACCINATION_EKU: &str = "1.3.6.1.4.1.1847.2021.1.2";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no signing key in {0}: create one with `vaxdesk keys init` (or import one with `vaxdesk keys import`)"
    )]
    Missing(String),
    #[error("signing keys already exist in {0}; use `vaxdesk keys rotate` for a new signer")]
    Exists(String),
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("{0}")]
    Invalid(String),
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> KeyError {
    KeyError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// A document signer: its private key and certificate.
pub struct Signer {
    key: SigningKey,
    cert_der: Vec<u8>,
    cert_pem: String,
    kid: [u8; 8],
    not_after: DateTime<Utc>,
}

impl Signer {
    fn new(key: SigningKey, cert_der: Vec<u8>) -> Result<Signer, KeyError> {
        let cert = Certificate::from_der(&cert_der)
            .map_err(|e| KeyError::Invalid(format!("signer certificate: {e}")))?;
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        let public = key.verifying_key().to_encoded_point(false);
        if spki != public.as_bytes() {
            return Err(KeyError::Invalid(
                "the private key does not belong to the signer certificate".into(),
            ));
        }
        let end = cert.tbs_certificate.validity.not_after.to_unix_duration();
        let not_after = DateTime::from_timestamp(end.as_secs() as i64, 0)
            .ok_or_else(|| KeyError::Invalid("signer certificate: bad validity".into()))?;
        let cert_pem = cert.to_pem(LineEnding::LF).map_err(x509)?;
        Ok(Signer {
            kid: super::trust::kid(&cert_der),
            key,
            cert_der,
            cert_pem,
            not_after,
        })
    }

    pub fn kid(&self) -> [u8; 8] {
        self.kid
    }

    pub fn kid_hex(&self) -> String {
        hex::encode(self.kid)
    }

    /// When the signer certificate ends: no certificate it signs may outlive it.
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The signer certificate as PEM text, to share with verifiers.
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    /// Signs CWT claims as a COSE_Sign1 message with this signer's key and kid.
    pub fn sign_claims(&self, claims: Vec<u8>) -> Vec<u8> {
        super::cose::sign_es256(claims, &self.kid, &self.key)
    }
}

/// The folder of keys and certificates.
pub struct KeyStore {
    dir: PathBuf,
}

fn time(t: DateTime<Utc>) -> Result<Time, KeyError> {
    let st = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.timestamp().max(0) as u64);
    Time::try_from(st).map_err(|e| KeyError::Invalid(format!("time: {e}")))
}

fn serial() -> SerialNumber {
    let mut b = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    b[0] &= 0x7f;
    SerialNumber::new(&b).unwrap_or_else(|_| SerialNumber::from(1u32))
}

fn x509(e: impl std::fmt::Display) -> KeyError {
    KeyError::Invalid(format!("certificate: {e}"))
}

impl KeyStore {
    pub fn new(dir: impl Into<PathBuf>) -> KeyStore {
        KeyStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn ensure_dir(&self) -> Result<(), KeyError> {
        fs::create_dir_all(&self.dir).map_err(|e| file_error(&self.dir, e))?;
        set_mode(&self.dir, 0o700)
    }

    /// Writes a file readable by its owner only: certificates too, since every file in the
    /// keys folder is the desk's own (`keys export-cert` prints one to share).
    fn write(&self, name: &str, text: &str) -> Result<(), KeyError> {
        let path = self.path(name);
        let tmp = self.path(&format!(".{name}.tmp"));
        let mut f = open_new(&tmp, 0o600)?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| file_error(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| file_error(&path, e))
    }

    fn read(&self, name: &str) -> Result<String, KeyError> {
        let p = self.path(name);
        crate::config::read_named_file(&p, "a key file")
            .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
            .map_err(|e| file_error(&p, e))
    }

    pub fn has_keys(&self) -> bool {
        self.path("current").exists()
    }

    /// Creates the CSCA and a first signer for `country`, valid from `now`.
    pub fn init(&self, country: &str, now: DateTime<Utc>) -> Result<Signer, KeyError> {
        if self.has_keys() || self.path("csca.pem").exists() {
            return Err(KeyError::Exists(self.dir.display().to_string()));
        }
        self.ensure_dir()?;
        let ca_key = SigningKey::random(&mut rand_core::OsRng);
        let subject = Name::from_str(&format!("CN=vaxdesk CSCA {country},O=vaxdesk,C={country}"))
            .map_err(x509)?;
        let validity = Validity {
            not_before: time(now - Duration::minutes(5))?,
            not_after: time(now + Duration::days(3650))?,
        };
        let spki = SubjectPublicKeyInfoOwned::from_key(*ca_key.verifying_key()).map_err(x509)?;
        let ca = CertificateBuilder::new(Profile::Root, serial(), validity, subject, spki, &ca_key)
            .map_err(x509)?
            .build::<DerSignature>()
            .map_err(x509)?;
        let ca_pem = ca.to_pem(LineEnding::LF).map_err(x509)?;
        let ca_key_pem = ca_key.to_pkcs8_pem(LineEnding::LF).map_err(x509)?;
        self.write("csca.key.pem", &ca_key_pem)?;
        self.write("csca.pem", &ca_pem)?;
        self.new_signer(country, now)
    }

    /// A new signer under the existing CSCA, made current. Old signers stay trusted.
    pub fn rotate(&self, country: &str, now: DateTime<Utc>) -> Result<Signer, KeyError> {
        if !self.path("csca.key.pem").exists() {
            return Err(KeyError::Missing(self.dir.display().to_string()));
        }
        self.new_signer(country, now)
    }

    fn new_signer(&self, country: &str, now: DateTime<Utc>) -> Result<Signer, KeyError> {
        let ca_key = SigningKey::from_pkcs8_pem(&self.read("csca.key.pem")?)
            .map_err(|e| file_error(&self.path("csca.key.pem"), e))?;
        let ca = Certificate::from_pem(self.read("csca.pem")?.as_bytes())
            .map_err(|e| file_error(&self.path("csca.pem"), e))?;
        let key = SigningKey::random(&mut rand_core::OsRng);
        let subject = Name::from_str(&format!("CN=vaxdesk DSC {country},O=vaxdesk,C={country}"))
            .map_err(x509)?;
        let ca_end = ca.tbs_certificate.validity.not_after;
        let two_years = time(now + Duration::days(730))?;
        let validity = Validity {
            not_before: time(now - Duration::minutes(5))?,
            not_after: if two_years.to_unix_duration() < ca_end.to_unix_duration() {
                two_years
            } else {
                ca_end
            },
        };
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(x509)?;
        let profile = Profile::Leaf {
            issuer: ca.tbs_certificate.subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        };
        let mut builder =
            CertificateBuilder::new(profile, serial(), validity, subject, spki, &ca_key)
                .map_err(x509)?;
        builder
            .add_extension(&ExtendedKeyUsage(vec![ObjectIdentifier::new_unwrap(
                VACCINATION_EKU,
            )]))
            .map_err(x509)?;
        let cert = builder.build::<DerSignature>().map_err(x509)?;
        let der = cert.to_der().map_err(x509)?;
        self.store(key, der)
    }

    /// Takes a signer certificate and its P-256 key from a real authority; makes it current.
    pub fn import(&self, cert_pem: &str, key_pem: &str) -> Result<Signer, KeyError> {
        let cert = Certificate::from_pem(cert_pem.as_bytes())
            .map_err(|e| KeyError::Invalid(format!("--cert: not a PEM certificate ({e})")))?;
        let key = SigningKey::from_pkcs8_pem(key_pem)
            .map_err(|e| KeyError::Invalid(format!("--key: not a PKCS#8 P-256 key ({e})")))?;
        let der = cert.to_der().map_err(x509)?;
        self.ensure_dir()?;
        self.store(key, der)
    }

    fn store(&self, key: SigningKey, der: Vec<u8>) -> Result<Signer, KeyError> {
        let signer = Signer::new(key, der)?;
        let id = signer.kid_hex();
        let key_pem = signer.key.to_pkcs8_pem(LineEnding::LF).map_err(x509)?;
        self.write(&format!("private-signer-{id}.key.pem"), &key_pem)?;
        self.write(&format!("signer-{id}.pem"), &signer.cert_pem())?;
        self.write("current", &format!("{id}\n"))?;
        Ok(signer)
    }

    /// The current signer, if keys exist.
    pub fn current(&self) -> Result<Option<Signer>, KeyError> {
        if !self.has_keys() {
            return Ok(None);
        }
        let id = self.read("current")?.trim().to_string();
        let key_name = format!("private-signer-{id}.key.pem");
        let key = SigningKey::from_pkcs8_pem(&self.read(&key_name)?)
            .map_err(|e| file_error(&self.path(&key_name), e))?;
        let cert_name = format!("signer-{id}.pem");
        let cert = Certificate::from_pem(self.read(&cert_name)?.as_bytes())
            .map_err(|e| file_error(&self.path(&cert_name), e))?;
        Signer::new(key, cert.to_der().map_err(x509)?).map(Some)
    }

    /// The store's own files (the CA, the signers' keys and certificates, `current`), sorted,
    /// for a backup: a temporary file an interrupted write left behind is none of them.
    pub fn files(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return vec![];
        };
        let ours = |n: &str| {
            matches!(n, "current" | "csca.pem" | "csca.key.pem")
                || (n.starts_with("signer-") && n.ends_with(".pem"))
                || (n.starts_with("private-signer-") && n.ends_with(".key.pem"))
        };
        let mut out: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| ours(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect();
        out.sort();
        out
    }

    /// The signer certificate files of this desk, old and current (`signer*.pem`), sorted:
    /// what it has signed with, so what it has issued verifies.
    pub fn signer_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return vec![];
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("signer") && n.ends_with(".pem"))
            })
            .collect();
        files.sort();
        files
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| file_error(path, e))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> Result<(), KeyError> {
    Ok(())
}

#[cfg(unix)]
fn open_new(path: &Path, mode: u32) -> Result<fs::File, KeyError> {
    use std::os::unix::fs::OpenOptionsExt;
    let _ = fs::remove_file(path);
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| file_error(path, e))
}

#[cfg(not(unix))]
fn open_new(path: &Path, _: u32) -> Result<fs::File, KeyError> {
    fs::File::create(path).map_err(|e| file_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn init_rotate_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::new(dir.path().join("keys"));
        assert!(store.current().unwrap().is_none());
        let first = store.init("KR", now()).unwrap();
        assert!(matches!(store.init("KR", now()), Err(KeyError::Exists(_))));
        assert_eq!(store.current().unwrap().unwrap().kid(), first.kid());
        assert_eq!(first.not_after(), now() + Duration::days(730));
        let second = store.rotate("KR", now()).unwrap();
        assert_ne!(first.kid(), second.kid());
        assert_eq!(store.current().unwrap().unwrap().kid(), second.kid());
        let trusted = crate::cert::TrustStore::desk_signers(store.dir()).unwrap();
        let kids: Vec<[u8; 8]> = trusted.certs.iter().map(|c| c.kid).collect();
        assert_eq!(kids.len(), 2, "old signers stay trusted");
        assert!(kids.contains(&first.kid()) && kids.contains(&second.kid()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: PathBuf| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(store.dir().to_path_buf()), 0o700);
            assert_eq!(mode(store.path("csca.key.pem")), 0o600);
            let key = format!("private-signer-{}.key.pem", second.kid_hex());
            assert_eq!(mode(store.path(&key)), 0o600);
            // Certificates and the pointer too: every file of the folder is the owner's.
            for entry in fs::read_dir(store.dir()).unwrap() {
                assert_eq!(mode(entry.unwrap().path()), 0o600);
            }
        }
        let cert = Certificate::from_der(second.cert_der()).unwrap();
        let ext = cert.tbs_certificate.extensions.unwrap();
        let eku = ObjectIdentifier::new_unwrap("2.5.29.37");
        let found = ext.iter().find(|e| e.extn_id == eku).unwrap();
        let usage = ExtendedKeyUsage::from_der(found.extn_value.as_bytes()).unwrap();
        assert_eq!(usage.0, vec![ObjectIdentifier::new_unwrap(VACCINATION_EKU)]);
    }

    #[test]
    fn the_signer_certificate_is_shared_as_standard_pem() {
        let dir = tempfile::tempdir().unwrap();
        let signer = KeyStore::new(dir.path().join("keys"))
            .init("KR", now())
            .unwrap();
        let pem = signer.cert_pem();
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN CERTIFICATE-----"));
        assert_eq!(lines.last(), Some(&"-----END CERTIFICATE-----"));
        assert!(pem.ends_with("-----END CERTIFICATE-----\n"));
        let body = &lines[1..lines.len() - 1];
        assert!(body[..body.len() - 1].iter().all(|l| l.len() == 64));
        assert!(body.last().unwrap().len() <= 64);
        assert_eq!(
            super::super::trust::pem_certificates(&pem).unwrap(),
            vec![signer.cert_der().to_vec()]
        );
        assert_eq!(signer.kid_hex().len(), 16);
        assert_eq!(hex::decode(signer.kid_hex()).unwrap(), signer.kid());
    }

    #[test]
    fn import_checks_the_key_matches() {
        let dir = tempfile::tempdir().unwrap();
        let a = KeyStore::new(dir.path().join("a"));
        let signer = a.init("KR", now()).unwrap();
        let other = SigningKey::random(&mut rand_core::OsRng)
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap();
        let b = KeyStore::new(dir.path().join("b"));
        let e = b.import(&signer.cert_pem(), &other).err().unwrap();
        assert!(e.to_string().contains("does not belong"), "{e}");
        let key = signer.key.to_pkcs8_pem(LineEnding::LF).unwrap();
        assert_eq!(
            b.import(&signer.cert_pem(), &key).unwrap().kid(),
            signer.kid()
        );
        assert!(
            b.import("junk", &key)
                .err()
                .unwrap()
                .to_string()
                .contains("--cert")
        );
    }
}
