//! The progress bar long commands draw on standard error: rate and time left on a terminal,
//! nothing at all otherwise (a script or a log reads only the final summary). indicatif does
//! the drawing and the terminal check; it refreshes at most a few times a second, so the work
//! can report every row. The phases' names and the bar's own words (the time left, the rate's
//! unit) are in the language of the command ([`vaxdesk::i18n::cli::phase`]).

use indicatif::{
    BinaryBytes, HumanDuration, HumanFloatCount, ProgressBar, ProgressDrawTarget, ProgressState,
    ProgressStyle,
};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;
use vaxdesk::app::progress::{Check, Phase, Progress};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

/// A bar on standard error when it is a terminal; silent otherwise.
pub struct Bar {
    bar: Mutex<Option<Drawn>>,
    shown: bool,
    lang: Lang,
}

/// The bar of the phase under way, and what it counts.
struct Drawn {
    bar: ProgressBar,
    unit: Unit,
}

/// What a bar counts: things (rows, events, checks) or bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Count,
    Bytes,
}

impl Unit {
    /// Before anything is counted there is no rate to tell the time left by: how far (or, with
    /// no total, a spinner and the time spent), until [`Unit::counting`] takes over.
    fn waiting(self, total: bool) -> &'static str {
        match (total, self) {
            (true, Unit::Count) => "{msg} [{bar:30}] {human_pos}/{human_len}",
            (true, Unit::Bytes) => "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes}",
            (false, _) => "{spinner} {msg} {elapsed}",
        }
    }

    /// Once something is counted: how far, the rate, and with a total the time left.
    fn counting(self, total: bool, lang: Lang) -> String {
        let left = msg::BAR_LEFT.get(lang);
        match (total, self) {
            (true, Unit::Count) => {
                format!(
                    "{{msg}} [{{bar:30}}] {{human_pos}}/{{human_len}} {{per_sec:1}} {{eta}} {left}"
                )
            }
            (true, Unit::Bytes) => format!(
                "{{msg}} [{{bar:30}}] {{binary_bytes}}/{{binary_total_bytes}} \
                 {{binary_bytes_per_sec}} {{eta}} {left}"
            ),
            (false, Unit::Count) => "{spinner} {msg} {human_pos} {per_sec:1}".into(),
            (false, Unit::Bytes) => "{spinner} {msg} {binary_bytes} {binary_bytes_per_sec}".into(),
        }
    }
}

/// indicatif's short duration (`3s`, `2m`) in `lang`.
fn duration(lang: Lang, d: std::time::Duration, w: &mut dyn std::fmt::Write) {
    let _ = w.write_str(&msg::bar_duration(lang, &format!("{:#}", HumanDuration(d))));
}

fn style(bar: &ProgressBar, template: &str, lang: Lang) {
    let Ok(mut style) = ProgressStyle::with_template(template) else {
        return;
    };
    // indicatif's own time and rate keys say `s`, `m`, `/s`: in Korean, ours replace them.
    if lang != Lang::En {
        style = style
            .with_key(
                "eta",
                move |s: &ProgressState, w: &mut dyn std::fmt::Write| duration(lang, s.eta(), w),
            )
            .with_key(
                "elapsed",
                move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    duration(lang, s.elapsed(), w)
                },
            )
            .with_key(
                "per_sec",
                move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let amount = format!("{:.1}", HumanFloatCount(s.per_sec()));
                    let _ = w.write_str(&msg::bar_rate(lang, &amount));
                },
            )
            .with_key(
                "binary_bytes_per_sec",
                move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let amount = BinaryBytes(s.per_sec() as u64).to_string();
                    let _ = w.write_str(&msg::bar_rate(lang, &amount));
                },
            );
    }
    bar.set_style(style.progress_chars("=> "));
}

impl Bar {
    /// A bar whose words are in `lang`.
    pub fn on_stderr(lang: Lang) -> Self {
        Bar {
            bar: Mutex::new(None),
            shown: std::io::stderr().is_terminal(),
            lang,
        }
    }

    fn with(&self, f: impl FnOnce(&mut Option<Drawn>)) {
        if let Ok(mut bar) = self.bar.lock() {
            f(&mut bar);
        }
    }

    fn begin(&self, what: &str, total: Option<u64>, unit: Unit) {
        if !self.shown {
            return;
        }
        let what = super::report::escape(what);
        self.with(|slot| {
            if let Some(old) = slot.take() {
                old.bar.finish_and_clear();
            }
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr_with_hz(8));
            style(&bar, unit.waiting(total.is_some()), self.lang);
            bar.set_message(what);
            bar.enable_steady_tick(Duration::from_millis(250));
            *slot = Some(Drawn { bar, unit });
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

    fn phase(&self, phase: Phase<'_>, total: Option<u64>) {
        let unit = if phase.counts_bytes() {
            Unit::Bytes
        } else {
            Unit::Count
        };
        self.begin(&msg::phase(self.lang, &phase), total, unit);
    }

    fn check(&self, check: Check) {
        self.note(msg::check(self.lang, check));
    }

    fn note(&self, what: &str) {
        if !self.shown {
            return;
        }
        let what = super::report::escape(what);
        self.with(|slot| {
            if let Some(d) = slot.as_ref() {
                d.bar.set_message(what);
            }
        });
    }

    fn advance(&self, n: u64) {
        if !self.shown {
            return;
        }
        self.with(|slot| {
            if let Some(d) = slot.as_ref() {
                if d.bar.position() == 0 {
                    let template = d.unit.counting(d.bar.length().is_some(), self.lang);
                    style(&d.bar, &template, self.lang);
                }
                d.bar.inc(n);
            }
        });
    }

    fn finish(&self) {
        self.with(|slot| {
            if let Some(d) = slot.take() {
                d.bar.finish_and_clear();
            }
        });
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}
