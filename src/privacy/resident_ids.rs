//! Resident ids at rest: sealed with AES-256-GCM, found by a keyed hash (HMAC-SHA-256).
//!
//! A resident registration number may be kept only encrypted, so the database holds three
//! things per citizen and never the id itself: the sealed id (opened only to reveal it, an
//! audited act), its keyed hash (exact-match lookup; without the key it cannot be guessed
//! from the few million possible ids) and its masked form for screens. The key file sits
//! beside the signing key, readable by its owner only, and is created on first use.

use crate::domain::ResidentId;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use std::fmt;
use std::path::{Path, PathBuf};

/// The key file's name in the keys folder.
pub const KEY_FILE: &str = "resident-ids.key";
const HEADER: &str = "vaxdesk-resident-ids-v1:";
/// Binds a sealed value to its purpose: it cannot be passed off as anything else.
const AAD: &[u8] = b"vaxdesk resident id";
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum IdKeyError {
    #[error("resident-id key {path}: {reason}")]
    File { path: String, reason: String },
    #[error(
        "a sealed resident id does not open with this desk's key (wrong key file or damaged row)"
    )]
    Unsealable,
}

/// An id as the database keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedId {
    /// The keyed hash (hex) it is found by.
    pub lookup: String,
    /// Nonce, ciphertext and tag.
    pub sealed: Vec<u8>,
    /// `900101-1******`.
    pub masked: String,
}

/// The two keys: one seals ids, the other hashes them for lookup.
///
/// Both are kept ready to use (the AES key schedule, the HMAC's keyed state): a bulk file
/// seals and hashes an id per citizen, and setting a key up costs more than one short id.
#[derive(Clone)]
pub struct IdKeys {
    cipher: Aes256Gcm,
    mac: Hmac<Sha256>,
}

impl fmt::Debug for IdKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdKeys(..)")
    }
}

impl IdKeys {
    /// Keys from 64 bytes (sealing key, then lookup key).
    pub fn from_bytes(bytes: &[u8; 64]) -> IdKeys {
        let (seal, lookup) = bytes.split_at(32);
        IdKeys {
            cipher: Aes256Gcm::new_from_slice(seal).expect("AES-256 takes a 32-byte key"),
            mac: <Hmac<Sha256> as Mac>::new_from_slice(lookup)
                .expect("HMAC takes a key of any length"),
        }
    }

    /// Fresh random keys (a new desk, or a test).
    pub fn generate() -> IdKeys {
        let mut bytes = [0u8; 64];
        OsRng.fill_bytes(&mut bytes);
        IdKeys::from_bytes(&bytes)
    }

    /// Reads the key file in `dir`, creating it (0600, in a 0700 folder) when there is none.
    /// Two desks starting at once agree on one file: it appears whole or not at all.
    pub fn load_or_create(dir: &Path) -> Result<IdKeys, IdKeyError> {
        Self::load_or_create_noting(dir).map(|(keys, _)| keys)
    }

    /// [`IdKeys::load_or_create`], also telling whether this call created the file (the
    /// caller says so: it must be kept, and backed up, with the database).
    pub fn load_or_create_noting(dir: &Path) -> Result<(IdKeys, bool), IdKeyError> {
        let path = dir.join(KEY_FILE);
        let created = !path.exists() && create(dir, &path)?;
        let fail = |reason: String| IdKeyError::File {
            path: path.display().to_string(),
            reason,
        };
        let bytes =
            crate::config::read_named_file(&path, "a key file").map_err(|e| fail(e.to_string()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| fail("not a vaxdesk resident-id key file".into()))?;
        let digits = text
            .trim()
            .strip_prefix(HEADER)
            .ok_or_else(|| fail("not a vaxdesk resident-id key file".into()))?;
        let bytes: [u8; 64] = hex::decode(digits)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| fail("damaged (expected 64 bytes in hex)".into()))?;
        Ok((IdKeys::from_bytes(&bytes), created))
    }

    /// Everything the database keeps of `id`.
    pub fn at_rest(&self, id: &ResidentId) -> SealedId {
        self.at_rest_with_lookup(id, self.lookup(id))
    }

    /// [`at_rest`](Self::at_rest) for an id whose [`lookup`](Self::lookup) the caller has
    /// already computed (an import looks every row up before it registers anyone).
    pub fn at_rest_with_lookup(&self, id: &ResidentId, lookup: String) -> SealedId {
        SealedId {
            lookup,
            sealed: self.seal(id),
            masked: id.masked(),
        }
    }

    /// The sealed id: a random nonce followed by the ciphertext and its tag.
    pub fn seal(&self, id: &ResidentId) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: id.as_str().as_bytes(),
                    aad: AAD,
                },
            )
            .expect("AES-GCM encrypts any id of a few bytes");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a sealed id; refuses one sealed with another key or altered.
    pub fn open(&self, sealed: &[u8]) -> Result<ResidentId, IdKeyError> {
        if sealed.len() <= NONCE_LEN {
            return Err(IdKeyError::Unsealable);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: AAD,
                },
            )
            .map_err(|_| IdKeyError::Unsealable)?;
        let text = String::from_utf8(plain).map_err(|_| IdKeyError::Unsealable)?;
        Ok(ResidentId::from_stored(text))
    }

    /// The keyed hash an id is found by (hex).
    pub fn lookup(&self, id: &ResidentId) -> String {
        self.mac(&[b"id:", id.as_str().as_bytes()])
    }

    /// A stable stand-in for text that must not be stored as typed (a sign-in name that is no
    /// account may be an id or a passphrase typed in the wrong field): 16 hex characters.
    pub fn pseudonym(&self, text: &str) -> String {
        self.mac(&[b"pseudonym:", text.as_bytes()])[..16].to_string()
    }

    /// A short value that tells whether a database was written with these keys.
    pub fn fingerprint(&self) -> String {
        self.mac(&[b"vaxdesk key check"])[..16].to_string()
    }

    fn mac(&self, parts: &[&[u8]]) -> String {
        let mut mac = self.mac.clone();
        for p in parts {
            mac.update(p);
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Creates the key file; false when another desk made it first.
fn create(dir: &Path, path: &PathBuf) -> Result<bool, IdKeyError> {
    let fail = |reason: String| IdKeyError::File {
        path: path.display().to_string(),
        reason,
    };
    super::files::private_dir(dir).map_err(|e| fail(e.to_string()))?;
    let mut bytes = [0u8; 64];
    OsRng.fill_bytes(&mut bytes);
    let text = format!("{HEADER}{}\n", hex::encode(bytes));
    let tmp = dir.join(format!(".{KEY_FILE}.{}.tmp", std::process::id()));
    super::files::write_private(&tmp, text.as_bytes()).map_err(|e| fail(e.to_string()))?;
    // A hard link appears atomically and fails if another desk made the file first.
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            // The new name survives a power cut once the folder is synced.
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| fail(e.to_string()))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(fail(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ResidentId {
        ResidentId::parse("id", s).unwrap()
    }

    #[test]
    fn seal_opens_with_the_same_keys_only() {
        let keys = IdKeys::generate();
        let sealed = keys.seal(&id("900101-1234567"));
        assert!(!String::from_utf8_lossy(&sealed).contains("1234567"));
        assert_eq!(keys.open(&sealed).unwrap(), id("9001011234567"));
        assert!(IdKeys::generate().open(&sealed).is_err());
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(keys.open(&altered).is_err());
        assert!(keys.open(&sealed[..5]).is_err());
        // A fresh nonce each time: equal ids do not seal alike.
        assert_ne!(keys.seal(&id("900101-1234567")), sealed);
    }

    #[test]
    fn lookup_is_stable_per_key_and_hides_the_id() {
        let keys = IdKeys::generate();
        let a = keys.lookup(&id("900101-1234567"));
        assert_eq!(a, keys.lookup(&id("9001011234567")));
        assert_ne!(a, keys.lookup(&id("900101-1234568")));
        assert_ne!(a, IdKeys::generate().lookup(&id("900101-1234567")));
        assert_eq!(a.len(), 64);
        assert!(!a.contains("900101"));
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_created_once_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let keys_dir = dir.path().join("keys");
        let a = IdKeys::load_or_create(&keys_dir).unwrap();
        let b = IdKeys::load_or_create(&keys_dir).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&keys_dir), 0o700);
        assert_eq!(mode(&keys_dir.join(KEY_FILE)), 0o600);
        std::fs::write(keys_dir.join(KEY_FILE), "garbage").unwrap();
        let e = IdKeys::load_or_create(&keys_dir).unwrap_err().to_string();
        assert!(
            e.contains("resident-ids.key") && e.contains("not a vaxdesk"),
            "{e}"
        );
    }
}
