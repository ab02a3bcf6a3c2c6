//! Whether a desk has a database open, and keeping every desk out while a restore replaces it.
//!
//! SQLite's own locks say it, without asking the desks anything. A connection in WAL mode (every
//! desk's) holds, for as long as it is open and not only during a transaction, a shared
//! `fcntl` lock on the database file's SHARED byte range and one on the "DMS" byte of the
//! `-shm` file. So a restore that can take exclusive locks on both knows that no desk has the
//! file open; one that cannot is refused. A flag file or a process list would be a guess; the
//! locks are what SQLite itself relies on.
//!
//! The locks are held until the new file is in place and the old `-wal`/`-shm` are gone: a
//! desk starting meanwhile waits on them. One that had already opened the old file by name
//! would then carry on with a file that has no name any more, so the old file's header is
//! wiped once it is unlinked, and such a desk stops with "not a database" instead of writing
//! where nobody will read. (`fcntl` locks belong to the process: nothing in the restoring
//! process opens these files meanwhile, which would drop them.)

use std::fs::File;
use std::path::{Path, PathBuf};

/// SQLite's lock bytes in the database file (os_unix.c): PENDING, RESERVED, then the SHARED
/// range of 510 bytes. An exclusive lock on all of them is SQLite's own EXCLUSIVE lock.
const PENDING_BYTE: i64 = 0x4000_0000;
const LOCK_BYTES: i64 = 2 + 510;
/// The `-shm` file's "DMS" byte: (22 + 8) * 4 + 8.
const SHM_DMS_BYTE: i64 = 128;

/// The exclusive locks on a database and its `-shm`, held while it is replaced.
pub struct Claim {
    db: Option<File>,
    _shm: Option<File>,
}

/// Why a database cannot be claimed.
pub enum Refused {
    /// A desk (or another program) has it open.
    InUse,
    Io(std::io::Error),
}

impl From<std::io::Error> for Refused {
    fn from(e: std::io::Error) -> Self {
        Refused::Io(e)
    }
}

/// Takes the locks of the database at `db` (whichever of it and its `-shm` exist), or says
/// that someone holds them.
pub fn claim(db: &Path) -> Result<Claim, Refused> {
    let db_file = open_existing(db)?;
    if let Some(f) = &db_file
        && !lock(f, PENDING_BYTE, LOCK_BYTES)?
    {
        return Err(Refused::InUse);
    }
    let shm_file = open_existing(&beside(db, "-shm"))?;
    if let Some(f) = &shm_file
        && !lock(f, SHM_DMS_BYTE, 1)?
    {
        return Err(Refused::InUse);
    }
    Ok(Claim {
        db: db_file,
        _shm: shm_file,
    })
}

impl Claim {
    /// After the old file was replaced: when it has no name left, wipes its header so that a
    /// desk that opened it by name before the replacement cannot go on with it.
    pub fn retire_old(&self) {
        let Some(f) = &self.db else { return };
        #[cfg(unix)]
        {
            use std::os::unix::fs::{FileExt, MetadataExt};
            if f.metadata().is_ok_and(|m| m.nlink() == 0) {
                let _ = f.write_all_at(&[0u8; 100], 0).and_then(|()| f.sync_all());
            }
        }
        #[cfg(not(unix))]
        let _ = f;
    }
}

/// `db` with `suffix` appended (`-wal`, `-shm`).
pub fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

fn open_existing(path: &Path) -> std::io::Result<Option<File>> {
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// An exclusive lock on `len` bytes from `start`, without waiting: false when someone holds
/// any of them.
#[cfg(unix)]
fn lock(file: &File, start: i64, len: i64) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a zeroed flock is a valid value; the fields that matter are set below.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = libc::F_WRLCK as _;
    fl.l_whence = libc::SEEK_SET as _;
    fl.l_start = start as _;
    fl.l_len = len as _;
    // SAFETY: F_SETLK reads the flock it is given; the descriptor is open for the call.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &fl) } == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EACCES) | Some(libc::EAGAIN) => Ok(false),
        _ => Err(e),
    }
}

/// Without `fcntl` locks nothing can be told: the restore goes on (the README asks to close
/// the desks first).
#[cfg(not(unix))]
fn lock(_: &File, _: i64, _: i64) -> std::io::Result<bool> {
    Ok(true)
}
