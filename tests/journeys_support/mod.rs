//! A harness that runs the real `vaxdesk` binary in a pseudo-terminal and reads its screen
//! through a terminal emulator (`vt100`), for the end-to-end journeys in `tests/journeys.rs`.
//!
//! Every desk gets its own temporary folder: the database (`--db`), `HOME` and the XDG data
//! and config folders (so the log and any configuration stay there), and no inherited
//! `VAXDESK_DB` / `VAXDESK_CONFIG` / `VAXDESK_FAULTS` / `VAXDESK_NOW`. Timeouts only bound the
//! waiting; nothing here measures how long anything took.

#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_vaxdesk");

/// How long any one wait may last before the test fails with a dump of the screen.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// How often the screen is looked at while waiting.
const POLL: Duration = Duration::from_millis(20);

/// Keys as a terminal sends them.
pub mod keys {
    pub const TAB: &str = "\t";
    pub const ENTER: &str = "\r";
    pub const ESC: &str = "\x1b";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const CTRL_C: &str = "\x03";
    pub const CTRL_D: &str = "\x04";
    pub const CTRL_Z: &str = "\x1a";
    pub const CTRL_BACKSLASH: &str = "\x1c";
}

/// Reads a PTY's side into `seen` until the other side closes, or until `closed` is set, when
/// it lets go of `fd` (a reader blocked in `read()` would keep the terminal open forever).
pub fn read_until_closed(fd: OwnedFd, closed: &AtomicBool, mut seen: impl FnMut(&[u8])) {
    let mut file = std::fs::File::from(fd);
    let mut buf = [0u8; 8192];
    while !closed.load(Ordering::SeqCst) {
        let mut p = libc::pollfd {
            fd: file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut p, 1, 20) } <= 0 {
            continue;
        }
        match file.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen(&buf[..n]),
        }
    }
}

/// A fresh temporary folder laid out like a user's home.
pub fn home() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for sub in ["data", "config"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("a folder in the temporary home");
    }
    dir
}

/// The database file inside a temporary home.
pub fn db_in(dir: &Path) -> PathBuf {
    dir.join("d.db")
}

/// The environment every child gets (the PTY one and the plain one alike).
fn isolated_env(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("HOME", dir.to_path_buf()),
        ("XDG_DATA_HOME", dir.join("data")),
        ("XDG_CONFIG_HOME", dir.join("config")),
    ]
}

const REMOVED_ENV: [&str; 5] = [
    "VAXDESK_DB",
    "VAXDESK_CONFIG",
    "VAXDESK_FAULTS",
    "VAXDESK_NOW",
    "NO_COLOR",
];

/// A plain `std::process::Command` for the binary with the same isolation as the desk.
pub fn plain_command(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(BIN);
    for k in REMOVED_ENV {
        cmd.env_remove(k);
    }
    for (k, v) in isolated_env(dir) {
        cmd.env(k, v);
    }
    cmd.current_dir(dir);
    cmd
}

/// The real binary running in a pseudo-terminal.
pub struct Desk {
    what: String,
    child: Box<dyn Child + Send + Sync>,
    /// `None` once the terminal was closed ([`Desk::hang_up`]).
    writer: Option<Box<dyn Write + Send>>,
    /// Kept open for the life of the child: dropping it hangs the PTY up.
    master: Option<Box<dyn MasterPty + Send>>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    eof: Arc<AtomicBool>,
    /// Set to make the reader let go of its copy of the terminal's side.
    closed: Arc<AtomicBool>,
    status: Option<ExitStatus>,
    dir: Option<TempDir>,
    db: PathBuf,
}

impl Desk {
    /// `vaxdesk --demo --db <tmp>/d.db ARGS...` in an 80x24 terminal.
    pub fn demo(args: &[&str]) -> Desk {
        Desk::demo_sized(args, 24, 80)
    }

    /// `vaxdesk --demo --db <tmp>/d.db ARGS...` in a `cols` x `rows` terminal.
    pub fn demo_sized(args: &[&str], rows: u16, cols: u16) -> Desk {
        let dir = home();
        let db = db_in(dir.path());
        let mut all: Vec<String> = vec!["--demo".into(), "--db".into(), db.display().to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        Desk::spawn(dir, db, &all, rows, cols)
    }

    fn spawn(dir: TempDir, db: PathBuf, args: &[String], rows: u16, cols: u16) -> Desk {
        let what = format!("vaxdesk {} ({cols}x{rows})", args.join(" "));
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        for k in REMOVED_ENV {
            cmd.env_remove(k);
        }
        for (k, v) in isolated_env(dir.path()) {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(dir.path());
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("`{what}` did not start: {e}"));
        // Only the child holds the terminal side now, so its exit ends the reader.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let eof = Arc::new(AtomicBool::new(false));
        let closed = Arc::new(AtomicBool::new(false));
        {
            let master_fd = pair.master.as_raw_fd().expect("the PTY's descriptor");
            // SAFETY: the master stays open until after this borrow is duplicated.
            let fd = unsafe { BorrowedFd::borrow_raw(master_fd) }
                .try_clone_to_owned()
                .expect("a PTY reader");
            let (parser, raw) = (Arc::clone(&parser), Arc::clone(&raw));
            let eof = Arc::clone(&eof);
            let closed = Arc::clone(&closed);
            thread::spawn(move || {
                read_until_closed(fd, &closed, |bytes| {
                    raw.lock().unwrap().extend_from_slice(bytes);
                    parser.lock().unwrap().process(bytes);
                });
                eof.store(true, Ordering::SeqCst);
            });
        }
        let writer = pair.master.take_writer().expect("a PTY writer");
        Desk {
            what,
            child,
            writer: Some(writer),
            master: Some(pair.master),
            parser,
            raw,
            eof,
            closed,
            status: None,
            dir: Some(dir),
            db,
        }
    }

    /// The temporary home (database, log, config).
    /// Signs in at the staff sign-in with a demo account (the screen lists them in demo mode).
    pub fn staff_sign_in(&mut self, name: &str, passphrase: &str) {
        self.wait_for_all(&["Staff sign-in", "Demo accounts", name]);
        self.type_text(name);
        self.send("\t");
        self.type_text(passphrase);
        self.send("\r");
    }

    /// Asserts that a resident id (with or without its hyphen) appears nowhere in the bytes of
    /// the database, its WAL or the desk's log file, and that the log was written.
    pub fn assert_id_nowhere(&self, id: &str) {
        let plain = id.replace('-', "");
        let log = self.dir().join("data/vaxdesk/vaxdesk.log");
        assert!(log.exists(), "the desk writes its log at {}", log.display());
        let mut wal = self.db().as_os_str().to_owned();
        wal.push("-wal");
        for file in [log, self.db().to_path_buf(), PathBuf::from(wal)] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(id) && !text.contains(&plain),
                "{} holds the resident id {id}",
                file.display()
            );
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.as_ref().expect("the temporary home").path()
    }

    /// The database file.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// The screen as text, one line per row (trailing blanks trimmed).
    pub fn screen(&self) -> String {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (_, cols) = screen.size();
        screen
            .rows(0, cols)
            .map(|r| r.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Everything the child wrote, escape sequences included.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// The parsed screen state, for assertions on modes.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    fn dump(&self) -> String {
        let raw = self.raw();
        let tail = &raw[raw.len().saturating_sub(600)..];
        format!(
            "--- screen of `{}`\n{}\n--- end of screen\n--- last output bytes\n{:?}",
            self.what,
            self.screen(),
            String::from_utf8_lossy(tail)
        )
    }

    /// Waits until `pred` holds for the screen text; fails with a dump of the screen.
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() >= deadline {
                panic!(
                    "waited {TIMEOUT:?} for {what}, in vain\n{}\n--- child exited: {:?}",
                    self.dump(),
                    self.status
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Waits until `text` is on the screen; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on the screen"), |s| s.contains(text))
    }

    /// Waits until every one of `texts` is on the screen at once.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_until(&format!("all of {texts:?} on the screen"), |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    /// Closes the terminal's other side, as a closed window or a dropped SSH session does.
    pub fn hang_up(&mut self) {
        self.writer = None;
        self.master = None;
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Writes keys to the terminal.
    pub fn send(&mut self, keys: &str) {
        let Some(writer) = self.writer.as_mut() else {
            panic!("`{}`: the terminal was closed", self.what);
        };
        if let Err(e) = writer
            .write_all(keys.as_bytes())
            .and_then(|()| writer.flush())
        {
            panic!("could not type into `{}`: {e}\n{}", self.what, self.dump());
        }
    }

    /// Types `text` one key at a time, as a person would (a multi-byte character is one key).
    pub fn type_text(&mut self, text: &str) {
        let mut buf = [0u8; 4];
        for c in text.chars() {
            self.send(c.encode_utf8(&mut buf));
        }
    }

    /// The child's process id (for signals).
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child's process id")
    }

    /// Sends a signal with `kill(1)`.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("kill(1) runs");
        assert!(status.success(), "kill -{name} {} failed", self.pid());
    }

    /// The terminal's local modes now (`c_lflag`: echo, line editing, signals), as the desk's
    /// side of it has them (read through the other side, which shares them).
    pub fn local_modes(&self) -> libc::tcflag_t {
        let master = self.master.as_ref().expect("the terminal is open");
        let fd = master.as_raw_fd().expect("the PTY's descriptor");
        // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` stays open while `master` lives; `t` is a valid termios.
        let rc = unsafe { libc::tcgetattr(fd, &mut t) };
        assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        t.c_lflag
    }

    /// Waits for the child to exit and for its last output to be read.
    pub fn wait_exit(&mut self) -> ExitStatus {
        if let Some(s) = &self.status {
            return s.clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break s,
                Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
                Ok(None) => {
                    let dump = self.dump();
                    let _ = self.child.kill();
                    panic!("`{}` did not exit within {TIMEOUT:?}\n{dump}", self.what);
                }
                Err(e) => panic!("waiting for `{}`: {e}", self.what),
            }
        };
        self.status = Some(status.clone());
        // The reader stops once the terminal side is closed: all output is in by then.
        let deadline = Instant::now() + TIMEOUT;
        while !self.eof.load(Ordering::SeqCst) {
            assert!(
                Instant::now() < deadline,
                "the output of `{}` did not end after it exited\n{}",
                self.what,
                self.dump()
            );
            thread::sleep(POLL);
        }
        status
    }

    /// After the child exited: the terminal is back to normal (main screen, cursor shown,
    /// the leave-alternate-screen sequence written) and nothing panicked.
    pub fn assert_restored(&self) {
        let (alternate, hidden) = self.with_screen(|s| (s.alternate_screen(), s.hide_cursor()));
        assert!(
            !alternate,
            "`{}` left the terminal on the alternate screen\n{}",
            self.what,
            self.dump()
        );
        assert!(
            !hidden,
            "`{}` left the cursor hidden\n{}",
            self.what,
            self.dump()
        );
        let raw = self.raw();
        assert!(
            raw.windows(8).any(|w| w == b"\x1b[?1049l"),
            "`{}` never wrote the leave-alternate-screen sequence\n{}",
            self.what,
            self.dump()
        );
        let text = String::from_utf8_lossy(&raw);
        assert!(
            !text.contains("internal error") && !text.contains("panicked"),
            "`{}` panicked:\n{}",
            self.what,
            self.dump()
        );
    }

    /// Waits for the exit, checks it was status 0 and that the terminal is restored.
    pub fn expect_clean_exit(&mut self) {
        let status = self.wait_exit();
        assert!(
            status.success(),
            "`{}` exited with {status}\n{}",
            self.what,
            self.dump()
        );
        self.assert_restored();
    }

    /// Runs a subcommand on this desk's database with a plain (non-terminal) process.
    pub fn run_subcommand(&self, args: &[&str]) -> std::process::Output {
        plain_command(self.dir())
            .arg("--db")
            .arg(self.db())
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the binary runs")
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        // A failed test must not leave its desk running.
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
