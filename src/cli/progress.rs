//! The progress bar long commands draw on standard error: rate and time left on a terminal,
//! nothing at all otherwise (a script or a log reads only the final summary). indicatif does
//! the drawing and the terminal check; it refreshes at most a few times a second, so the work
//! can report every row.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;
use vaxdesk::app::progress::Progress;

/// A bar on standard error when it is a terminal; silent otherwise.
pub struct Bar {
    bar: Mutex<Option<ProgressBar>>,
    shown: bool,
}

impl Bar {
    pub fn on_stderr() -> Self {
        Bar {
            bar: Mutex::new(None),
            shown: std::io::stderr().is_terminal(),
        }
    }

    fn with(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        if let Ok(mut bar) = self.bar.lock() {
            f(&mut bar);
        }
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: Option<u64>) {
        if !self.shown {
            return;
        }
        let what = super::report::escape(what);
        self.with(|slot| {
            if let Some(old) = slot.take() {
                old.finish_and_clear();
            }
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr_with_hz(8));
            let template = if total.is_some() {
                "{msg} [{bar:30}] {human_pos}/{human_len} {per_sec} {eta} left"
            } else {
                "{spinner} {msg} {human_pos} {per_sec}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(what);
            bar.enable_steady_tick(Duration::from_millis(250));
            *slot = Some(bar);
        });
    }

    fn advance(&self, n: u64) {
        if !self.shown {
            return;
        }
        self.with(|slot| {
            if let Some(bar) = slot.as_ref() {
                bar.inc(n);
            }
        });
    }

    fn finish(&self) {
        self.with(|slot| {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        });
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}
