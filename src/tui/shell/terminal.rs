//! The terminal under the desk: which one the keys come from, whether it is still there, and
//! how to leave it as it was found.

use crate::tui::widgets::graphics::{self, Graphics};
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
    /// Opens it (asking it nothing: see [`Tty::ask_graphics`]).
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

    /// On a real terminal (standard input and output both) asks which picture protocol it
    /// shows ([`query_graphics`]) and keeps the answer for the QR view. Call it in raw mode,
    /// before anything else reads the keys: echo and line editing are off, so the answers
    /// never show, and Ctrl-C is a key, so no signal can end the desk halfway with the
    /// terminal changed; every way out of raw mode (quit, signal, panic, the watchdog)
    /// restores the terminal as it was. Returns true when Ctrl-C was typed meanwhile (the
    /// desk then treats it as the key it is).
    pub(super) fn ask_graphics(&self) -> bool {
        use std::io::IsTerminal;
        if self._owned.is_some() || !std::io::stdout().is_terminal() {
            return false;
        }
        let (found, ctrl_c) = query_graphics(self.fd);
        graphics::set_detected(found);
        ctrl_c
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

/// How long the terminal has to answer the picture questions.
const QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(400);

/// Asks the terminal behind `fd` (which must be standard input, in raw mode; the questions go
/// to standard output) which picture protocol it shows and its cell size: the answers are read
/// with `poll` until the device attributes come (every terminal answers those) or
/// [`QUERY_TIMEOUT`] passes, so a terminal that answers nothing costs that much and no more.
/// The terminal's modes are not touched here: raw mode already has echo and line editing off.
/// `VAXDESK_GRAPHICS=off` asks nothing and draws no pictures. Also returns whether Ctrl-C
/// (a byte 3 in raw mode) was typed while it waited.
fn query_graphics(fd: RawFd) -> (Graphics, bool) {
    use std::io::Write;
    let iterm = graphics::iterm_by_env();
    if std::env::var("VAXDESK_GRAPHICS").is_ok_and(|v| v == "off") {
        return (Graphics::default(), false);
    }
    let mut got = Vec::new();
    let mut out = std::io::stdout();
    if out
        .write_all(graphics::QUERY.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
    {
        let deadline = std::time::Instant::now() + QUERY_TIMEOUT;
        let mut buf = [0u8; 256];
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut p, 1, left.as_millis().max(1) as i32) };
            if ready < 0
                && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
            {
                // A signal (heard by the desk's handler): the wait goes on to its end.
                continue;
            }
            if ready <= 0 || p.revents & libc::POLLIN == 0 {
                break;
            }
            // SAFETY: `buf` is valid for its length; `fd` is open.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            got.extend_from_slice(&buf[..n as usize]);
            if graphics::parse_replies(&got).done {
                break;
            }
        }
    }
    // No answer holds a control byte 3: it is the key.
    let ctrl_c = got.contains(&3);
    let mut replies = graphics::parse_replies(&got);
    if replies.cell.is_none() {
        replies.cell = cell_pixels(fd);
    }
    let found = replies.graphics(iterm);
    tracing::info!(
        "terminal pictures: {:?}, cell {:?} (answered {} bytes)",
        found.protocol,
        found.cell,
        got.len()
    );
    (found, ctrl_c)
}

/// A cell's size in pixels from the terminal's window size, when it reports pixels.
fn cell_pixels(fd: RawFd) -> Option<(u16, u16)> {
    // SAFETY: a zeroed winsize is a valid buffer for TIOCGWINSZ to fill.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is open; `ws` is a valid winsize.
    if unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } != 0 {
        return None;
    }
    if ws.ws_col == 0 || ws.ws_row == 0 || ws.ws_xpixel == 0 || ws.ws_ypixel == 0 {
        return None;
    }
    Some((ws.ws_xpixel / ws.ws_col, ws.ws_ypixel / ws.ws_row))
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
