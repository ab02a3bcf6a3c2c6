//! Files only their owner may read: the database, its journals and every key.
//!
//! The process creates everything with a 077 mask, folders it makes are 0700 and private files
//! 0600; `doctor` reads the modes back and names whatever is wider.

use std::io::Write;
use std::path::{Path, PathBuf};

/// From now on, whatever this process creates is its owner's alone (SQLite's `-wal` and `-shm`
/// files, logs, exported certificates).
pub fn restrict_new_files() {
    #[cfg(unix)]
    // SAFETY: umask only swaps the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates the missing parts of `dir` as 0700, leaving folders that already exist as they are
/// (a database may live in a shared folder such as /tmp; `doctor` warns about it).
pub fn create_dir_private(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates `dir` if needed and makes it 0700 (a folder vaxdesk owns, such as its keys).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    create_dir_private(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes a new file (never an existing one) readable by its owner only, synced.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Where a file that replaces `path` whole is written first: its folder and a temporary name
/// beside it (same folder, so the final rename is atomic), any stale one removed. `None` when
/// `path` names no file.
pub fn temp_beside(path: &Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    Some((dir, tmp))
}

/// Syncs a folder, so a rename into it survives a crash (best effort).
pub fn sync_folder(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Creates an empty database file as 0600 when there is none, so SQLite's journals (which copy
/// the main file's mode) are private too.
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    match write_private(path, &[]) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    }
}

/// One path whose mode lets someone other than its owner in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideMode {
    pub path: PathBuf,
    pub mode: u32,
    pub wanted: u32,
}

impl std::fmt::Display for WideMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is {:04o}, wider than {:04o} (run: chmod {:o} '{}')",
            self.path.display(),
            self.mode,
            self.wanted,
            self.wanted,
            self.path.display()
        )
    }
}

/// The database file, its `-wal`/`-shm`, its folder, the keys folder and each file in it,
/// whichever exist and are wider than 0600 (files) or 0700 (folders).
pub fn wide_modes(database: &Path, keys_dir: Option<&Path>) -> Vec<WideMode> {
    let mut paths: Vec<PathBuf> = vec![database.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut p = database.as_os_str().to_owned();
        p.push(suffix);
        paths.push(PathBuf::from(p));
    }
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        paths.push(dir.to_path_buf());
    }
    if let Some(keys) = keys_dir {
        paths.push(keys.to_path_buf());
        if let Ok(entries) = std::fs::read_dir(keys) {
            let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            paths.extend(files);
        }
    }
    paths.iter().filter_map(|p| wide(p)).collect()
}

#[cfg(unix)]
fn wide(path: &Path) -> Option<WideMode> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    let mode = meta.permissions().mode() & 0o7777;
    let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
    (mode & 0o077 != 0).then(|| WideMode {
        path: path.to_path_buf(),
        mode,
        wanted,
    })
}

#[cfg(not(unix))]
fn wide(_: &Path) -> Option<WideMode> {
    None
}
