//! The desk: a terminal UI with a screen for each role.
//!
//! [`app::Shell`] holds the state and is driven by key events and ticks, so tests drive the
//! real thing through `TestBackend`. [`run`] owns the terminal: it draws only when something
//! changed, wraps each draw in a synchronized update (no flicker), never holds a transaction
//! while waiting for a key, and restores the terminal on quit, panic and signal.
//!
//! A desk must end when its terminal goes away (a closed window, a dropped SSH session,
//! `tmux kill-session`). crossterm's reader loops inside `read()` when the terminal answers
//! with end-of-file or EIO, so keys are read on a thread of their own and the loop here never
//! waits on crossterm: it waits on a channel, looks at the terminal itself between keys (a hung
//! up terminal reports POLLHUP/POLLERR and refuses `tcgetattr`), and hears SIGTERM, SIGHUP and
//! SIGINT at once. If the desk is busy when a signal comes or the terminal goes (a command
//! waiting for another desk's lock), a watchdog restores the terminal and ends the process
//! after [`GRACE`]; SQLite then rolls the unfinished transaction back: nothing half-done is kept.

pub mod app;
pub mod citizen;
pub mod issuer;
pub mod keymap;
pub mod manager;
pub mod picker;
pub mod staff_gate;
pub mod theme;
pub mod widgets;

use crate::app::Desk;
use app::{Role, Shell};
use keymap::Keymap;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, LeaveAlternateScreen, disable_raw_mode,
};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};
use theme::Theme;

/// How often the desk looks for changes made by other desks and for timeouts.
const TICK: Duration = Duration::from_millis(250);

/// How long a signal waits for the desk to finish what it is doing before the watchdog ends
/// the process.
pub const GRACE: Duration = Duration::from_millis(700);

/// What the loop hears about.
enum Input {
    Event(Event),
    /// The key reader failed.
    Failed(std::io::Error),
    Signal(i32),
}

/// Why the loop ended.
enum End {
    Quit,
    TerminalGone,
    Signal(i32),
}

/// The terminal the keys come from: standard input when it is one (as crossterm reads it),
/// else `/dev/tty`.
struct Tty {
    fd: RawFd,
    _owned: Option<OwnedFd>,
}

impl Tty {
    fn open() -> std::io::Result<Tty> {
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

    fn gone(&self) -> bool {
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
fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), Show, LeaveAlternateScreen);
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        signal_hook::consts::SIGTERM => "SIGTERM",
        signal_hook::consts::SIGHUP => "SIGHUP",
        signal_hook::consts::SIGINT => "SIGINT",
        _ => "a signal",
    }
}

/// Runs the desk until the user quits, the terminal goes away or a signal asks it to stop.
/// `demo`: the staff sign-in shows the demo accounts.
pub fn run(
    desk: &Desk,
    role: Option<Role>,
    keymap: Keymap,
    theme: Theme,
    demo: bool,
) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let tty = Arc::new(Tty::open()?);
    let (tx, rx) = mpsc::channel::<Input>();
    // Set once the loop has ended and the terminal is restored: the watchdog stands down.
    let ended = Arc::new(AtomicBool::new(false));
    // Set when a signal asked the desk to stop.
    let asked = Arc::new(AtomicBool::new(false));
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    let signals_handle = signals.handle();
    {
        let (tx, asked) = (tx.clone(), Arc::clone(&asked));
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    asked.store(true, Ordering::SeqCst);
                    let _ = tx.send(Input::Signal(sig));
                }
            })?;
    }
    {
        // The watchdog: once a signal came or the terminal went away, the loop has GRACE to
        // end; a desk stuck in a command (waiting for another desk's lock) is ended for it.
        let (ended, asked, tty) = (Arc::clone(&ended), Arc::clone(&asked), Arc::clone(&tty));
        std::thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || {
                let mut since: Option<Instant> = None;
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    if ended.load(Ordering::SeqCst) {
                        return;
                    }
                    if !(tty.gone() || asked.load(Ordering::SeqCst)) {
                        continue;
                    }
                    let first = *since.get_or_insert_with(Instant::now);
                    if first.elapsed() >= GRACE && !ended.load(Ordering::SeqCst) {
                        tracing::warn!("the desk was busy when told to stop: leaving without it");
                        restore_terminal();
                        std::process::exit(0);
                    }
                }
            })?;
    }
    // ratatui::try_init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::try_init()?;
    {
        let tx = tx.clone();
        std::thread::Builder::new()
            .name("keys".into())
            .spawn(move || {
                loop {
                    match event::read() {
                        Ok(ev) => {
                            if tx.send(Input::Event(ev)).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Input::Failed(e));
                            break;
                        }
                    }
                }
            })?;
    }
    drop(tx);
    let result = (|| -> std::io::Result<End> {
        let mut shell = Shell::new(desk, role, keymap, theme).demo(demo);
        let mut dirty = true;
        let mut last_tick = Instant::now();
        loop {
            if shell.should_quit() {
                return Ok(End::Quit);
            }
            if tty.gone() {
                return Ok(End::TerminalGone);
            }
            if dirty {
                let drawn = execute!(std::io::stdout(), BeginSynchronizedUpdate)
                    .and_then(|()| terminal.draw(|f| shell.render(f)).map(|_| ()))
                    .and_then(|()| execute!(std::io::stdout(), EndSynchronizedUpdate));
                match drawn {
                    Ok(()) => dirty = false,
                    Err(_) if tty.gone() => return Ok(End::TerminalGone),
                    Err(e) => return Err(e),
                }
            }
            let wait = TICK.saturating_sub(last_tick.elapsed());
            match rx.recv_timeout(wait) {
                Ok(Input::Event(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    shell.key(k);
                    dirty = true;
                }
                Ok(Input::Event(Event::Resize(..))) => dirty = true,
                Ok(Input::Event(Event::Paste(text))) => {
                    shell.paste(&text);
                    dirty = true;
                }
                Ok(Input::Event(_)) => {}
                Ok(Input::Failed(_)) if tty.gone() => return Ok(End::TerminalGone),
                Ok(Input::Failed(e)) => return Err(e),
                Ok(Input::Signal(sig)) => return Ok(End::Signal(sig)),
                Err(RecvTimeoutError::Timeout) => {}
                // Both senders gone: the key reader ended without a word.
                Err(RecvTimeoutError::Disconnected) => return Ok(End::TerminalGone),
            }
            if last_tick.elapsed() >= TICK {
                last_tick = Instant::now();
                dirty |= shell.tick();
            }
        }
    })();
    restore_terminal();
    // The terminal is restored; dropping it must not draw again.
    std::mem::forget(terminal);
    ended.store(true, Ordering::SeqCst);
    signals_handle.close();
    match &result {
        Ok(End::Quit) => {}
        Ok(End::TerminalGone) => tracing::info!("the terminal went away: desk closed"),
        Ok(End::Signal(sig)) => {
            tracing::info!("stopped by {}; terminal restored", signal_name(*sig))
        }
        Err(e) => tracing::warn!("terminal failed: {e}"),
    }
    result.map(|_| ())
}
