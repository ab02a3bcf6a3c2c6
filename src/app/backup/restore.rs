//! Putting a backup back, whole or not at all.
//!
//! In this order, so that a refusal at any step has changed nothing: every file is checked
//! against the manifest; a database that exists is replaced only with `--force`, and one a desk
//! has open never (see [`super::in_use`], whose locks are held from the check until the new
//! file is in place); a key file that would replace a different one is refused before anything
//! is written. Then the database is copied beside its place, synced, checked against the
//! resident-id key it will be read with, and renamed over the old one; the old `-wal` and
//! `-shm` go with it, so they never pair with the new file.

use super::in_use::{self, Refused};
use super::manifest::{self, DATABASE, Manifest};
use super::{BackupError, file_error, sync_dir};
use crate::app::progress::{Phase, Progress};
use crate::app::store::{self, schema};
use crate::privacy::resident_ids::KEY_FILE;
use crate::privacy::{IdKeys, files};
use std::path::{Path, PathBuf};

/// The manifest's name in a backup folder.
pub const MANIFEST: &str = "MANIFEST";

/// Where a backup goes back to.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub db: &'a Path,
    /// The desk's keys folder: the backup's keys go there; without them, the resident-id key
    /// of the database must be there already.
    pub keys_dir: &'a Path,
    /// Replace a database that exists (never one in use), and signing files that differ.
    pub force: bool,
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub manifest: Manifest,
    /// The database file written (a link's own file when `--db` named a link).
    pub db: PathBuf,
    /// Whether a database was there before.
    pub replaced: bool,
    /// Key files written, and key files already there with the same content.
    pub keys_written: usize,
    pub keys_kept: usize,
}

/// Restores the backup in `dir` to `target`; see the module's doc for the order of things.
pub fn restore(
    dir: &Path,
    target: Target<'_>,
    progress: &dyn Progress,
) -> Result<Restored, BackupError> {
    let manifest = super::check(dir, progress)?;
    if manifest.schema > schema::VERSION {
        return Err(BackupError::TooNew {
            dir: dir.display().to_string(),
            found: manifest.schema,
            known: schema::VERSION,
        });
    }
    let db = real_path(target.db)?;
    let shown = db.display().to_string();
    let replaced = store::exists(&db)? && !store::is_empty_file(&db);
    if replaced && !target.force {
        return Err(BackupError::Exists(shown));
    }
    let claim = in_use::claim(&db).map_err(|e| match e {
        Refused::InUse => BackupError::InUse(shown.clone()),
        Refused::Io(e) => file_error(&db)(e),
    })?;
    let plan = plan_keys(dir, &manifest, target)?;
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        files::create_dir_private(parent).map_err(file_error(parent))?;
    }
    let temp = Temporary(temp_path(&db));
    let _ = std::fs::remove_file(&temp.0);
    let entry = manifest
        .database()
        .ok_or_else(|| BackupError::Manifest {
            path: dir.join(MANIFEST).display().to_string(),
            reason: format!("it names no database ({DATABASE})"),
        })?
        .clone();
    progress.phase(Phase::CopyingDatabase, Some(entry.size));
    let copied = manifest::copy_measured(&dir.join(DATABASE), &temp.0, &|n| progress.advance(n))
        .map_err(file_error(&temp.0));
    progress.finish();
    let (size, sha) = copied?;
    if size != entry.size || sha != entry.sha256 {
        return Err(BackupError::Damaged {
            dir: dir.display().to_string(),
            problems: vec![format!("{DATABASE} changed while it was copied")],
        });
    }
    let keys_written = write_keys(&plan, target.keys_dir)?;
    check_id_key(&temp.0, target.keys_dir)?;
    std::fs::rename(&temp.0, &db).map_err(file_error(&db))?;
    std::mem::forget(temp);
    for suffix in ["-wal", "-shm"] {
        let old = in_use::beside(&db, suffix);
        match std::fs::remove_file(&old) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(file_error(&old)(e));
            }
            _ => {}
        }
    }
    sync_dir(
        db.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    claim.retire_old();
    drop(claim);
    Ok(Restored {
        manifest,
        db,
        replaced,
        keys_written,
        keys_kept: plan.kept,
    })
}

/// The file `db` names: a link's own file, so that the link keeps pointing at the restored
/// database. A folder or a broken link is refused.
fn real_path(db: &Path) -> Result<PathBuf, BackupError> {
    store::exists(db)?;
    let is_link = std::fs::symlink_metadata(db).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        return std::fs::canonicalize(db).map_err(file_error(db));
    }
    Ok(db.to_path_buf())
}

/// `.NAME.restoring-PID` beside `db`: the same folder, so that the rename is atomic.
fn temp_path(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vaxdesk.db".into());
    db.with_file_name(format!(".{name}.restoring-{}", std::process::id()))
}

/// A file removed when dropped (the new database, until it is renamed into place).
struct Temporary(PathBuf);

impl Drop for Temporary {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The key files to write: (in the backup, in the keys folder); and how many are there
/// already with the same content.
struct KeyPlan {
    writes: Vec<(PathBuf, PathBuf, String)>,
    kept: usize,
}

fn plan_keys(dir: &Path, manifest: &Manifest, target: Target<'_>) -> Result<KeyPlan, BackupError> {
    let mut plan = KeyPlan {
        writes: vec![],
        kept: 0,
    };
    let holds_id_key = manifest.key_files().any(|e| e.key_name() == Some(KEY_FILE));
    let present = target.keys_dir.join(KEY_FILE);
    if !holds_id_key && !present.exists() {
        return Err(BackupError::NoIdKey {
            path: present.display().to_string(),
        });
    }
    for entry in manifest.key_files() {
        let Some(name) = entry.key_name() else {
            continue;
        };
        let there = target.keys_dir.join(name);
        match std::fs::read(&there) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_error(&there)(e)),
            Ok(bytes) if manifest::sha256(&bytes) == entry.sha256 => {
                plan.kept += 1;
                continue;
            }
            Ok(_) if name == KEY_FILE => {
                return Err(BackupError::KeyConflict {
                    path: there.display().to_string(),
                    hint: " (the key of another database, whose ids cannot be read without \
                           it, so it is never replaced); restore into another keys folder \
                           with --keys DIR",
                });
            }
            Ok(_) if !target.force => {
                return Err(BackupError::KeyConflict {
                    path: there.display().to_string(),
                    hint: " (give --force to replace the signing files, or another keys \
                           folder with --keys DIR)",
                });
            }
            Ok(_) => {}
        }
        plan.writes
            .push((dir.join(&entry.name), there, entry.sha256.clone()));
    }
    Ok(plan)
}

/// Writes the planned key files, each whole (written beside, synced, renamed).
fn write_keys(plan: &KeyPlan, keys_dir: &Path) -> Result<usize, BackupError> {
    if plan.writes.is_empty() {
        return Ok(0);
    }
    files::private_dir(keys_dir).map_err(file_error(keys_dir))?;
    for (from, to, sha) in &plan.writes {
        let bytes = std::fs::read(from).map_err(file_error(from))?;
        if manifest::sha256(&bytes) != *sha {
            return Err(BackupError::Damaged {
                dir: from.display().to_string(),
                problems: vec!["it changed while it was copied".into()],
            });
        }
        let temp = Temporary(temp_path(to));
        let _ = std::fs::remove_file(&temp.0);
        files::write_private(&temp.0, &bytes).map_err(file_error(&temp.0))?;
        std::fs::rename(&temp.0, to).map_err(file_error(to))?;
        std::mem::forget(temp);
    }
    sync_dir(keys_dir)?;
    Ok(plan.writes.len())
}

/// Refuses a database that belongs to another resident-id key than the one in `keys_dir`.
fn check_id_key(db: &Path, keys_dir: &Path) -> Result<(), BackupError> {
    let Some(bound) = store::backup::bound_key(db)? else {
        return Ok(());
    };
    let key = keys_dir.join(KEY_FILE);
    if !key.exists() {
        return Err(BackupError::NoIdKey {
            path: key.display().to_string(),
        });
    }
    if IdKeys::load_or_create(keys_dir)?.fingerprint() != bound {
        return Err(BackupError::WrongIdKey {
            path: key.display().to_string(),
        });
    }
    Ok(())
}
