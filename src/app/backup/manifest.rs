//! The backup's `MANIFEST`: what the backup holds (each file's name, size and SHA-256), which
//! schema and which vaxdesk wrote it, and when. `restore` checks every file against it before
//! anything is written, so a flipped bit, a truncated copy or a lost file is named instead of
//! restored. A TOML file, so that a person can read it and `sha256sum` can check it by hand.

use super::BackupError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The manifest's format; a later vaxdesk that changes it says so here.
pub const FORMAT: u32 = 1;

/// The database's name in a backup.
pub const DATABASE: &str = "vaxdesk.db";

/// The folder of the key files in a backup.
pub const KEYS: &str = "keys";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The vaxdesk that took the backup.
    pub vaxdesk: String,
    /// The database's schema version.
    pub schema: i64,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub taken: String,
    /// Whether the key files are in the backup.
    pub keys: bool,
    #[serde(rename = "file", default)]
    pub files: Vec<Entry>,
}

/// One file of the backup, by its path inside the backup folder (`/` between parts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

impl Entry {
    /// A key file's own name (`keys/NAME`), or `None` for the database.
    pub fn key_name(&self) -> Option<&str> {
        self.name.strip_prefix(KEYS)?.strip_prefix('/')
    }
}

impl Manifest {
    pub fn to_text(&self) -> Result<String, BackupError> {
        let body = toml::to_string(self).map_err(|e| BackupError::Manifest {
            path: "MANIFEST".into(),
            reason: e.to_string(),
        })?;
        Ok(format!(
            "# A vaxdesk backup. Check and restore it with:\n\
             #   vaxdesk restore FOLDER --db PATH [--keys DIR]\n\
             # (each file's SHA-256 is below; `sha256sum` can check them by hand).\n{body}"
        ))
    }

    /// Reads a manifest, refusing one that names a file outside the backup, names one twice,
    /// or has no database.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, BackupError> {
        let fail = |reason: String| BackupError::Manifest {
            path: path.display().to_string(),
            reason,
        };
        let m: Manifest = toml::from_str(text).map_err(|e| fail(e.message().to_string()))?;
        if m.format != FORMAT {
            return Err(fail(format!(
                "format {} (this vaxdesk reads format {FORMAT}); use the vaxdesk that took it",
                m.format
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        for e in &m.files {
            let fine = e.name == DATABASE || e.key_name().is_some_and(plain_name);
            if !fine {
                return Err(fail(format!("names a file it cannot hold: {:?}", e.name)));
            }
            if !seen.insert(e.name.as_str()) {
                return Err(fail(format!("names {} twice", e.name)));
            }
        }
        if !seen.contains(DATABASE) {
            return Err(fail(format!("names no database ({DATABASE})")));
        }
        Ok(m)
    }

    pub fn database(&self) -> Option<&Entry> {
        self.files.iter().find(|e| e.name == DATABASE)
    }

    pub fn key_files(&self) -> impl Iterator<Item = &Entry> {
        self.files.iter().filter(|e| e.key_name().is_some())
    }
}

/// A file name with no folder in it, not hidden, not `.` or `..`.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && !name.chars().any(char::is_control)
}

/// A file's size and SHA-256 (lower-case hex), read in pieces; `advance` hears of each piece.
pub fn measure(path: &Path, advance: &dyn Fn(u64)) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        advance(n as u64);
    }
    Ok((size, hex(&hasher.finalize())))
}

/// Copies `from` into the new file `to` (0600, synced), returning what [`measure`] would say
/// of the bytes copied: the copy is checked by what was written, not by a second read.
pub fn copy_measured(
    from: &Path,
    to: &Path,
    advance: &dyn Fn(u64),
) -> std::io::Result<(u64, String)> {
    use std::io::Write;
    let mut source = std::fs::File::open(from)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut copy = options.open(to)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = source.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        copy.write_all(&buf[..n])?;
        size += n as u64;
        advance(n as u64);
    }
    copy.sync_all()?;
    Ok((size, hex(&hasher.finalize())))
}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(names: &[&str]) -> String {
        let mut m = Manifest {
            format: FORMAT,
            vaxdesk: "0.1.0".into(),
            schema: 3,
            taken: "2026-11-25T12:00:00Z".into(),
            keys: true,
            files: vec![],
        };
        for n in names {
            m.files.push(Entry {
                name: n.to_string(),
                size: 1,
                sha256: sha256(b"x"),
            });
        }
        m.to_text().unwrap()
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let text = manifest(&[DATABASE, "keys/resident-ids.key"]);
        let m = Manifest::parse(Path::new("MANIFEST"), &text).unwrap();
        assert_eq!(m.files.len(), 2);
        assert_eq!(m.key_files().count(), 1);
        assert_eq!(m.database().unwrap().sha256, sha256(b"x"));
    }

    #[test]
    fn names_outside_the_backup_or_twice_or_no_database_are_refused() {
        for (names, says) in [
            (&[DATABASE, "keys/../../etc/passwd"][..], "cannot hold"),
            (&[DATABASE, "/etc/passwd"][..], "cannot hold"),
            (&[DATABASE, "keys/.hidden"][..], "cannot hold"),
            (&[DATABASE, "other.db"][..], "cannot hold"),
            (&[DATABASE, DATABASE][..], "twice"),
            (&["keys/current"][..], "no database"),
        ] {
            let e = Manifest::parse(Path::new("MANIFEST"), &manifest(names)).unwrap_err();
            assert!(e.to_string().contains(says), "{names:?}: {e}");
        }
    }
}
