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

/// What a bar counts: things (rows, events, checks) or bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Count,
    Bytes,
}

impl Bar {
    fn begin(&self, what: &str, total: Option<u64>, unit: Unit) {
        if !self.shown {
            return;
        }
        let what = super::report::escape(what);
        self.with(|slot| {
            if let Some(old) = slot.take() {
                old.finish_and_clear();
            }
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr_with_hz(8));
            let template = match (total.is_some(), unit) {
                (true, Unit::Count) => {
                    "{msg} [{bar:30}] {human_pos}/{human_len} {per_sec} {eta} left"
                }
                (true, Unit::Bytes) => {
                    "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta} left"
                }
                (false, Unit::Count) => "{spinner} {msg} {human_pos} {per_sec}",
                (false, Unit::Bytes) => "{spinner} {msg} {binary_bytes} {binary_bytes_per_sec}",
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(what);
            bar.enable_steady_tick(Duration::from_millis(250));
            *slot = Some(bar);
        });
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: Option<u64>) {
        self.begin(what, total, Unit::Count);
    }

    fn start_bytes(&self, what: &str, total: Option<u64>) {
        self.begin(what, total, Unit::Bytes);
    }

    fn note(&self, what: &str) {
        if !self.shown {
            return;
        }
        let what = super::report::escape(what);
        self.with(|slot| {
            if let Some(bar) = slot.as_ref() {
                bar.set_message(what);
            }
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
