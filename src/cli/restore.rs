//! `vaxdesk restore DIR --db PATH [--keys DIR] [--force]`: puts a backup back (checked, whole,
//! never over a database in use: `app::backup::restore`), then runs doctor's checks on the
//! result. Runs before any desk opens: the database may not exist yet, and the one there must
//! not be opened (a desk of ours holding it would look like a desk in use).

use super::open::{self, LOG_FILE};
use super::progress::Bar;
use super::{Cli, Failure, doctor, report};
use std::path::PathBuf;
use std::process::ExitCode;
use vaxdesk::app::Faults;
use vaxdesk::app::backup::restore::{self as restoring, Target};
use vaxdesk::app::{Desk, queries};
use vaxdesk::config::{Config, Paths};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;
use vaxdesk::privacy::IdKeys;

pub const HELP: &str = "\
--db PATH is needed here: a restore never guesses where a database goes.

Every file is checked against the backup's MANIFEST first: a missing or changed file is named
and nothing is restored. A database that exists is replaced only with --force, and one a desk
(or another program) has open never, not even with --force. The new file is written beside
the old one, synced and renamed over it; the old -wal and -shm go with the old file.

The backup's keys go to the keys folder (--keys DIR, else the desk's usual one); a different
resident-id key there is never replaced, and other different key files only with --force. A
backup taken --without-keys needs the database's resident-id key there already. Then doctor's
checks run on the restored database.

Examples:
  vaxdesk restore /mnt/backup/clinic-2026-11-30 --db clinic.db
  vaxdesk restore /mnt/backup/clinic-2026-11-30 --db clinic.db --keys keys --force

Exit status: 0 restored and all well, 1 refused (nothing restored) or doctor found a problem
in the restored database.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup folder (the one `vaxdesk backup` wrote)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Replace a database that exists (never one a desk has open), and key files that differ
    #[arg(long)]
    pub force: bool,
}

pub fn run(cli: &Cli, paths: Option<&Paths>, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    if cli.demo || !cli.seeds.is_empty() {
        return Err(Failure::text(msg::RESTORE_NO_DEMO));
    }
    let db = cli
        .db
        .clone()
        .ok_or_else(|| Failure::text(msg::RESTORE_NEEDS_DB))?;
    let keys_dir = cli
        .keys
        .clone()
        .or_else(|| paths.map(|p| p.keys_dir(false)))
        .ok_or_else(|| Failure::text(msg::NO_KEYS_FOLDER))?;
    let config = config(cli, paths)?;
    let bar = Bar::on_stderr(lang);
    let target = Target {
        db: &db,
        keys_dir: &keys_dir,
        force: args.force,
    };
    let done = restoring::restore(&args.dir, target, &bar)?;
    drop(bar);
    let m = &done.manifest;
    say!(
        "{}",
        msg::restore_checked(
            lang,
            &args.dir.display().to_string(),
            m.files.len(),
            (&m.taken, &m.vaxdesk),
            m.schema,
        )
    );
    say!(
        "{}",
        msg::restored(lang, &done.db.display().to_string(), done.replaced)
    );
    let keys_shown = keys_dir.display().to_string();
    if m.keys {
        say!(
            "{}",
            msg::restored_keys(lang, &keys_shown, done.keys_written, done.keys_kept)
        );
    } else {
        say!("{}", msg::restored_no_keys(lang, &keys_shown));
    }
    say!("{}", msg::DOCTOR_ON_RESTORED.get(lang));
    let ids = IdKeys::load_or_create(&keys_dir)?;
    let desk = Desk::open_existing(&done.db, ids, config, open::clock()?, Faults::from_env())?;
    let health = queries::doctor_with_progress(&desk, &Bar::on_stderr(lang))?;
    let log = paths.map(|p| p.data_dir.join(LOG_FILE));
    let warnings = doctor::file_warnings(&done.db, &[keys_dir.as_path()], log.as_deref(), lang);
    Ok(report::doctor(&health, &done.db, &warnings, lang))
}

/// The configuration, read as the desk reads it (the breaker's policy for doctor's checks).
fn config(cli: &Cli, paths: Option<&Paths>) -> Result<Config, Failure> {
    Ok(match (&cli.config, paths) {
        (Some(p), _) => Config::load(p, true)?,
        (None, Some(paths)) => Config::load(&paths.config_file, false)?,
        (None, None) => Config::default(),
    })
}
