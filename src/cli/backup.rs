//! `vaxdesk backup DIR [--without-keys]`: a backup taken while the desks work (the snapshot
//! and the manifest are `app::backup`'s); a bar on a terminal, the summary on standard output.

use super::Failure;
use super::open::Place;
use super::progress::Bar;
use std::path::PathBuf;
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::backup::{self, KeySources};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

pub const HELP: &str = "\
The folder is made 0700 and every file in it 0600: vaxdesk.db (a snapshot of one moment,
taken while the desks keep working), keys/ (the resident-id key and the signing keys and
certificates) and MANIFEST (each file's size and SHA-256, the schema and vaxdesk versions, the
time). A folder that exists and is not empty is refused.

A backup with its keys reads like the desk itself: whoever holds it can read every resident
id and sign certificates. Keep it as safe as the desk, or leave the keys out with
--without-keys and keep them apart (restore then needs them in its keys folder).

Examples:
  vaxdesk --db clinic.db backup /mnt/backup/clinic-2026-11-30
  vaxdesk --db clinic.db backup --without-keys /mnt/offsite/clinic-2026-11-30

Exit status: 0 written, 1 refused (nothing is left behind).";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write (new, or empty)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Leave the key files out (keep them apart from the backup)
    #[arg(long)]
    pub without_keys: bool,
}

pub fn run(desk: &Desk, place: &Place, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let keys = (!args.without_keys).then_some(KeySources {
        ids_dir: &place.ids_dir,
        keys_dir: place.keys_dir.as_deref(),
    });
    let bar = Bar::on_stderr(lang);
    let manifest = backup::take(desk, &args.dir, keys, &bar)?;
    drop(bar);
    let db = manifest.database().map_or(0, |e| e.size);
    let keys = if args.without_keys {
        msg::KEYS_LEFT_OUT.get(lang).to_string()
    } else {
        msg::key_files(lang, manifest.key_files().count())
    };
    say!(
        "{}",
        msg::backed_up(
            lang,
            (
                &place.db.display().to_string(),
                &args.dir.display().to_string()
            ),
            &size(db, lang),
            manifest.schema,
            &keys,
            &manifest.taken
        )
    );
    if args.without_keys {
        say!("{}", msg::BACKUP_WITHOUT_KEYS.get(lang));
    } else {
        say!("{}", msg::BACKUP_WITH_KEYS.get(lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// A file size as a person reads it.
fn size(bytes: u64, lang: Lang) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return msg::bytes(lang, bytes);
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
