//! The registry key: shared by a region's clinics, it turns a resident id into the
//! `registry_ref` that links one person across clinics (HMAC-SHA-256 of the id), so the
//! registry never holds the id itself and cannot recompute it without the key.

use crate::domain::ResidentId;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use std::fmt;
use std::path::Path;

const HEADER: &str = "vaxdesk-registry-key-v1:";

#[derive(Debug, thiserror::Error)]
#[error("registry key {path}: {reason}")]
pub struct KeyFileError {
    pub path: String,
    pub reason: KeyFileReason,
}

/// Why a registry key file was refused (its English is its `Display`).
#[derive(Debug, thiserror::Error)]
pub enum KeyFileReason {
    /// `create_file` never replaces a key (`out`: the file was there before it began, so
    /// another `--out` is the way).
    #[error("already exists; a registry key is never overwritten{}",
        if *.out { " (choose another --out)" } else { "" })]
    Exists { out: bool },
    /// The file could not be read or written.
    #[error("{0}")]
    Io(std::io::Error),
    #[error("not a vaxdesk registry key file")]
    NotAKeyFile,
    #[error("damaged (expected 32 bytes in hex)")]
    Damaged,
}

/// The region's registry key (32 random bytes).
#[derive(Clone)]
pub struct RegistryKey([u8; 32]);

impl fmt::Debug for RegistryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegistryKey(..)")
    }
}

impl RegistryKey {
    /// A fresh random key.
    pub fn generate() -> RegistryKey {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        RegistryKey(bytes)
    }

    /// Writes a new key file at `path`, readable by its owner only (0600); an existing file is
    /// never replaced (it may be the key a region's clinics already share).
    pub fn create_file(path: &Path) -> Result<(), KeyFileError> {
        let fail = |reason: KeyFileReason| KeyFileError {
            path: path.display().to_string(),
            reason,
        };
        if path.symlink_metadata().is_ok() {
            return Err(fail(KeyFileReason::Exists { out: true }));
        }
        let key = RegistryKey::generate();
        let text = format!("{HEADER}{}\n", hex::encode(key.0));
        crate::privacy::files::write_private(path, text.as_bytes()).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                fail(KeyFileReason::Exists { out: false })
            } else {
                fail(KeyFileReason::Io(e))
            }
        })
    }

    /// Reads a key file written by [`RegistryKey::create_file`].
    pub fn load(path: &Path) -> Result<RegistryKey, KeyFileError> {
        let fail = |reason: KeyFileReason| KeyFileError {
            path: path.display().to_string(),
            reason,
        };
        let bytes = crate::config::read_named_file(path, "a key file")
            .map_err(|e| fail(KeyFileReason::Io(e)))?;
        let text = String::from_utf8(bytes).map_err(|_| fail(KeyFileReason::NotAKeyFile))?;
        let digits = text
            .trim()
            .strip_prefix(HEADER)
            .ok_or_else(|| fail(KeyFileReason::NotAKeyFile))?;
        let bytes: [u8; 32] = hex::decode(digits)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| fail(KeyFileReason::Damaged))?;
        Ok(RegistryKey(bytes))
    }

    /// `registry_ref = HMAC-SHA-256(key, resident id)`, in hex; the id in its normal form
    /// (`900101-1234567`), so every clinic computes the same reference for one person.
    pub fn registry_ref(&self, id: &ResidentId) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(id.as_str().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_private_never_overwritten_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.key");
        RegistryKey::create_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let before = std::fs::read(&path).unwrap();
        let e = RegistryKey::create_file(&path).unwrap_err().to_string();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let key = RegistryKey::load(&path).unwrap();
        let id = ResidentId::parse("id", "9001011234567").unwrap();
        let r = key.registry_ref(&id);
        assert_eq!(r.len(), 64);
        assert_eq!(r, RegistryKey::load(&path).unwrap().registry_ref(&id));
        assert_ne!(r, RegistryKey::generate().registry_ref(&id));
        std::fs::write(dir.path().join("bad"), "garbage").unwrap();
        let e = RegistryKey::load(&dir.path().join("bad"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a vaxdesk registry key"), "{e}");
    }
}
