//! The desk: a terminal UI with a screen for each role.
//!
//! [`app::Shell`] holds the state and is driven by key events and ticks, so tests drive the
//! real thing through `TestBackend`. [`run`] owns the terminal: it draws only when something
//! changed, wraps each draw in a synchronized update (no flicker), never holds a transaction
//! while waiting for a key, and restores the terminal on quit, panic, SIGTERM and SIGHUP.

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
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use theme::Theme;

/// How often the desk looks for changes made by other desks and for timeouts.
const TICK: Duration = Duration::from_millis(250);

/// Runs the desk until the user quits or a signal asks it to stop.
/// `demo`: the staff sign-in shows the demo accounts.
pub fn run(
    desk: &Desk,
    role: Option<Role>,
    keymap: Keymap,
    theme: Theme,
    demo: bool,
) -> std::io::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    // ratatui::try_init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::try_init()?;
    let result = (|| -> std::io::Result<()> {
        let mut shell = Shell::new(desk, role, keymap, theme).demo(demo);
        let mut dirty = true;
        while !shell.should_quit() && !stop.load(Ordering::Relaxed) {
            if dirty {
                execute!(std::io::stdout(), BeginSynchronizedUpdate)?;
                terminal.draw(|f| shell.render(f))?;
                execute!(std::io::stdout(), EndSynchronizedUpdate)?;
                dirty = false;
            }
            if event::poll(TICK)? {
                match event::read()? {
                    Event::Key(k) if k.kind != KeyEventKind::Release => {
                        shell.key(k);
                        dirty = true;
                    }
                    Event::Resize(..) => dirty = true,
                    Event::Paste(text) => {
                        shell.paste(&text);
                        dirty = true;
                    }
                    _ => {}
                }
            } else {
                dirty |= shell.tick();
            }
        }
        Ok(())
    })();
    ratatui::restore();
    if stop.load(Ordering::Relaxed) {
        tracing::info!("stopped by a signal; terminal restored");
    }
    result
}
