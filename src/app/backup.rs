//! Backups a clinic can trust, taken while the desks work, and put back only whole.
//!
//! A backup is a folder: `vaxdesk.db`, a snapshot of the database at one moment (SQLite's
//! `VACUUM INTO`, in one read transaction that the desks writing meanwhile neither wait for
//! nor disturb); `keys/`, the resident-id key and the signing keys and certificates (unless
//! left out: with them the backup reads like the desk itself); and `MANIFEST`, each file's
//! size and SHA-256 with the schema version, the vaxdesk version and the time. The folder is
//! its owner's alone (0700, files 0600) and written once: an existing folder with anything in
//! it is refused.
//!
//! [`restore`] checks every file against the manifest before it writes anything, and replaces
//! a database only atomically and only when no desk has it open.

pub mod in_use;
pub mod manifest;
pub mod restore;

use super::Desk;
use super::progress::{Phase, Progress};
use super::store::{self, StoreError};
use crate::cert::keys::KeyStore;
use crate::privacy::files;
use crate::privacy::resident_ids::KEY_FILE;
use manifest::{DATABASE, Entry, KEYS, Manifest};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "the backup folder {0} already exists and is not empty; give a new or empty folder \
         (nothing was written)"
    )]
    NotEmpty(String),
    #[error("the backup folder {0} is not a folder (nothing was written)")]
    NotAFolder(String),
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a vaxdesk backup manifest: {reason}; nothing was restored")]
    Manifest { path: String, reason: String },
    #[error("the backup {dir} does not match its MANIFEST: {}; nothing was restored", .problems.join("; "))]
    Damaged { dir: String, problems: Vec<String> },
    #[error(
        "the backup {dir} has schema version {found}, newer than this vaxdesk understands \
         ({known}); restore it with a newer vaxdesk (nothing was restored)"
    )]
    TooNew { dir: String, found: i64, known: i64 },
    #[error(
        "database {0} already exists; restore replaces it only with --force (nothing was \
         restored)"
    )]
    Exists(String),
    #[error(
        "database {0} is open in a desk (or another program): restore never replaces a \
         database in use; close every desk on it and try again (nothing was restored)"
    )]
    InUse(String),
    #[error("{path} already holds another key than the backup's{hint}; nothing was restored")]
    KeyConflict { path: String, hint: &'static str },
    #[error(
        "the backup holds no keys (it was taken with --without-keys) and {path} is not there: \
         put the resident-id key that belongs to this database there, or give its folder \
         with --keys DIR (nothing was restored)"
    )]
    NoIdKey { path: String },
    #[error(
        "the database in the backup belongs to another resident-id key than {path}; give the \
         folder of its own key with --keys DIR (nothing was restored)"
    )]
    WrongIdKey { path: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Privacy(#[from] crate::privacy::IdKeyError),
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::File {
        path: path.display().to_string(),
        source,
    }
}

/// Where the desk keeps its key files.
#[derive(Debug, Clone, Copy)]
pub struct KeySources<'a> {
    /// The folder of the resident-id key.
    pub ids_dir: &'a Path,
    /// The folder of the signing keys, if the desk has one.
    pub keys_dir: Option<&'a Path>,
}

impl KeySources<'_> {
    /// The key files to back up, each with its name in the backup: the resident-id key, then
    /// the signing keys and certificates.
    fn files(&self) -> Vec<(String, PathBuf)> {
        let mut out = vec![];
        let ids = self.ids_dir.join(KEY_FILE);
        if ids.exists() {
            out.push((KEY_FILE.to_string(), ids));
        }
        if let Some(dir) = self.keys_dir {
            for path in KeyStore::new(dir).files() {
                if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                    out.push((name.to_string(), path.clone()));
                }
            }
        }
        out
    }
}

/// Takes a backup of `desk`'s database (and the key files in `keys`, unless `None`) into the
/// folder `dir`, which must be new or empty. Nothing is left behind when it fails.
pub fn take(
    desk: &Desk,
    dir: &Path,
    keys: Option<KeySources<'_>>,
    progress: &dyn Progress,
) -> Result<Manifest, BackupError> {
    let created = prepare_folder(dir)?;
    let mut written = vec![];
    let result = write_backup(desk, dir, keys, progress, &mut written);
    progress.finish();
    if result.is_err() {
        for p in written.iter().rev() {
            let _ = std::fs::remove_file(p).or_else(|_| std::fs::remove_dir(p));
        }
        if created {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

/// Makes `dir` (0700) or takes an empty one; true when it was made here.
fn prepare_folder(dir: &Path) -> Result<bool, BackupError> {
    let shown = || dir.display().to_string();
    // A link to a folder (a mounted backup disk) is that folder.
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(BackupError::NotAFolder(shown())),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(file_error(dir))?;
            if entries.next().is_some() {
                return Err(BackupError::NotEmpty(shown()));
            }
            files::private_dir(dir).map_err(file_error(dir))?;
            return Ok(false);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(file_error(dir)(e)),
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        files::create_dir_private(parent).map_err(file_error(parent))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(file_error(dir))?;
    // The mode asked for is narrowed by the process's mask, never widened: set it outright.
    files::private_dir(dir).map_err(file_error(dir))?;
    Ok(true)
}

fn write_backup(
    desk: &Desk,
    dir: &Path,
    keys: Option<KeySources<'_>>,
    progress: &dyn Progress,
    written: &mut Vec<PathBuf>,
) -> Result<Manifest, BackupError> {
    let taken = crate::domain::clock::stamp(desk.now());
    // The database: made empty and private first, since SQLite would make it world-readable.
    let db = dir.join(DATABASE);
    progress.phase(Phase::DatabaseSnapshot, None);
    files::write_private(&db, &[]).map_err(file_error(&db))?;
    written.push(db.clone());
    store::backup::snapshot_into(desk.conn(), &db)?;
    sync_file(&db)?;
    let schema = store::backup::schema_version(&db)?;
    let size = std::fs::metadata(&db).map_err(file_error(&db))?.len();
    progress.phase(Phase::DatabaseChecksum, Some(size));
    let (size, sha256) =
        manifest::measure(&db, &|n| progress.advance(n)).map_err(file_error(&db))?;
    let mut entries = vec![Entry {
        name: DATABASE.to_string(),
        size,
        sha256,
    }];
    if let Some(keys) = keys {
        let sources = keys.files();
        let keys_dir = dir.join(KEYS);
        progress.phase(Phase::KeyFiles, Some(sources.len() as u64));
        files::private_dir(&keys_dir).map_err(file_error(&keys_dir))?;
        written.push(keys_dir.clone());
        for (name, source) in sources {
            let bytes = crate::config::read_named_file(&source, "a key file")
                .map_err(file_error(&source))?;
            let copy = keys_dir.join(&name);
            files::write_private(&copy, &bytes).map_err(file_error(&copy))?;
            written.push(copy);
            entries.push(Entry {
                name: format!("{KEYS}/{name}"),
                size: bytes.len() as u64,
                sha256: manifest::sha256(&bytes),
            });
            progress.advance(1);
        }
        sync_dir(&keys_dir)?;
    }
    let manifest = Manifest {
        format: manifest::FORMAT,
        vaxdesk: env!("CARGO_PKG_VERSION").to_string(),
        schema,
        taken,
        keys: keys.is_some(),
        files: entries,
    };
    // Written last: a backup without its MANIFEST is unfinished, and restore refuses it.
    let path = dir.join(restore::MANIFEST);
    files::write_private(&path, manifest.to_text()?.as_bytes()).map_err(file_error(&path))?;
    written.push(path);
    sync_dir(dir)?;
    Ok(manifest)
}

/// Reads the manifest in `dir` and checks every file it names: the manifest, when each is
/// there with its size and SHA-256; otherwise every missing or changed file, named.
pub fn check(dir: &Path, progress: &dyn Progress) -> Result<Manifest, BackupError> {
    let path = dir.join(restore::MANIFEST);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| BackupError::Manifest {
            path: path.display().to_string(),
            reason: "it is not text".into(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::Manifest {
                path: path.display().to_string(),
                reason: "it is not there (not a backup, or one that did not finish)".into(),
            });
        }
        Err(e) => return Err(file_error(&path)(e)),
    };
    let manifest = Manifest::parse(&path, &text)?;
    let total = manifest.files.iter().map(|e| e.size).sum();
    progress.phase(Phase::CheckingBackup, Some(total));
    let mut problems = vec![];
    for entry in &manifest.files {
        let file = dir.join(&entry.name);
        match manifest::measure(&file, &|n| progress.advance(n)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("{} is missing", entry.name));
            }
            Err(e) => problems.push(format!("{} cannot be read: {e}", entry.name)),
            Ok((size, _)) if size != entry.size => problems.push(format!(
                "{} changed ({size} bytes, the manifest says {})",
                entry.name, entry.size
            )),
            Ok((_, sha)) if sha != entry.sha256 => problems.push(format!(
                "{} changed (its SHA-256 is not the manifest's)",
                entry.name
            )),
            Ok(_) => {}
        }
    }
    progress.finish();
    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(BackupError::Damaged {
            dir: dir.display().to_string(),
            problems,
        })
    }
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(file_error(path))
}

/// Makes the names in `dir` survive a power cut.
fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    sync_file(dir)?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
