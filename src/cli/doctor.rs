//! `vaxdesk doctor`: the database's health (integrity, schema, subscribers, the audit chain)
//! and the files someone other than their owner may read. Exit 1 when something is wrong. A bar
//! on a terminal counts the checks; only the report otherwise. When the database is relayed to
//! a regional registry, the relay's lag follows.

use super::open::{LOG_FILE, Place};
use super::progress::Bar;
use super::{Failure, report};
use std::path::Path;
use std::process::ExitCode;
use vaxdesk::app::views::health;
use vaxdesk::app::{Desk, queries};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;
use vaxdesk::privacy::files;

pub fn run(desk: &Desk, place: &Place, lang: Lang) -> Result<ExitCode, Failure> {
    let checked = queries::doctor_with_progress(desk, &Bar::on_stderr(lang))?;
    let mut key_dirs: Vec<&Path> = vec![&place.ids_dir];
    if let Some(k) = place.keys_dir.as_deref().filter(|k| *k != place.ids_dir) {
        key_dirs.push(k);
    }
    let log = place.log_dir.as_ref().map(|d| d.join(LOG_FILE));
    let warnings = file_warnings(&place.db, &key_dirs, log.as_deref(), lang);
    let code = report::doctor(&checked, &place.db, &warnings, lang);
    if let Some(lag) = health::relay_lag(desk)? {
        say!("{}", relay_line(&lag, lang));
    }
    Ok(code)
}

/// The relay's line: its clinic, checkpoint and what waits to be relayed.
fn relay_line(lag: &health::RelayLag, lang: Lang) -> String {
    match (&lag.oldest_pending_at, lag.pending) {
        (Some(oldest), n) if n > 0 => msg::relay_behind(
            lang,
            &lag.clinic,
            n,
            lag.checkpoint,
            oldest,
            lag.relayed_at.as_deref(),
        ),
        _ => msg::relay_up_to_date(lang, &lag.clinic, lag.checkpoint, lag.relayed_at.as_deref()),
    }
}

/// What `doctor` warns about: the database, its journals and folder, the keys folders and the
/// log file, wherever someone other than their owner may read them, in `lang`.
pub fn file_warnings(db: &Path, key_dirs: &[&Path], log: Option<&Path>, lang: Lang) -> Vec<String> {
    let mut found = files::wide_modes(db, None);
    for dir in key_dirs {
        found.extend(files::wide_modes(db, Some(dir)));
    }
    if let Some(log) = log.filter(|l| l.exists()) {
        found.extend(files::wide_modes(log, None));
    }
    let mut seen = std::collections::BTreeSet::new();
    found
        .into_iter()
        .filter(|w| seen.insert(w.path.clone()))
        .map(|w| msg::wide_mode(lang, &w))
        .collect()
}
