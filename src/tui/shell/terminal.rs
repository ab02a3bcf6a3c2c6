//! The terminal under the desk: which one the keys come from, whether it is still there, and
//! how to leave it as it was found.

use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{LeaveAlternateScreen, disable_raw_mode};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};

/// The terminal the keys come from: standard input when it is one (as crossterm reads it),
/// else `/dev/tty`.
pub(super) struct Tty {
    fd: RawFd,
    _owned: Option<OwnedFd>,
}

impl Tty {
    pub(super) fn open() -> std::io::Result<Tty> {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() {
            return Ok(Tty {
                fd: std::io::stdin().as_raw_fd(),
                _owned: None,
            });
        }
        let file = std::fs::File::options()
            .read(true)
            .write(true)
            .open("/dev/tty")?;
        let owned = OwnedFd::from(file);
        Ok(Tty {
            fd: owned.as_raw_fd(),
            _owned: Some(owned),
        })
    }

    pub(super) fn gone(&self) -> bool {
        // SAFETY: the descriptor stays open while `self` lives (stdin, or ours).
        terminal_gone(unsafe { BorrowedFd::borrow_raw(self.fd) })
    }
}

/// True when the terminal behind `fd` has gone away: it was hung up (its other side closed),
/// it reports an error, or it is no terminal any more. Never blocks.
pub fn terminal_gone(fd: BorrowedFd<'_>) -> bool {
    let raw = fd.as_raw_fd();
    let mut p = libc::pollfd {
        fd: raw,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    if n > 0 && p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        return true;
    }
    // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `raw` is open for the call; `t` is a valid termios.
    unsafe { libc::tcgetattr(raw, &mut t) != 0 }
}

/// Leaves the desk's screen: cooked mode, cursor shown, main screen. Errors are ignored (the
/// terminal may be gone).
pub(super) fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), Show, LeaveAlternateScreen);
}

pub(super) fn signal_name(sig: i32) -> &'static str {
    match sig {
        signal_hook::consts::SIGTERM => "SIGTERM",
        signal_hook::consts::SIGHUP => "SIGHUP",
        signal_hook::consts::SIGINT => "SIGINT",
        _ => "a signal",
    }
}
