//! Opening the desk for a command, in the same order for every one: the configuration (checked
//! before anything else happens), the database's path and whether it may be created, a new
//! passphrase (asked before the database is opened), the resident-id key, the desk, the
//! signer, the demo and the seeds given with --seed. Without a subcommand the desk's screens
//! open on it.

use super::{Cli, Command, Failure, RoleArg, init, keys, report, staff};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use vaxdesk::app::Faults;
use vaxdesk::app::{Desk, maintenance, seed, staff_admin};
use vaxdesk::cert::keys::KeyStore;
use vaxdesk::config::{Config, Paths};
use vaxdesk::domain::{Clock, FixedClock, SystemClock};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;
use vaxdesk::privacy::IdKeys;
use vaxdesk::privacy::resident_ids::KEY_FILE;
use vaxdesk::tui::keymap::Keymap;
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::theme::Theme;

const DEMO_SEED: &str = include_str!("../../assets/demo-seed.toml");

/// The log file in the data directory.
pub const LOG_FILE: &str = "vaxdesk.log";

/// Where this desk's files are.
pub struct Place {
    pub db: PathBuf,
    /// The folder of the resident-id key.
    pub ids_dir: PathBuf,
    /// The folder of the signing keys, when there is a data directory or --keys.
    pub keys_dir: Option<PathBuf>,
    /// The data directory, where the log goes.
    pub log_dir: Option<PathBuf>,
}

/// An open desk and what the command needs besides it.
pub struct Opened {
    pub desk: Desk,
    pub place: Place,
    /// The new passphrase of `staff add` and `staff passwd`, asked before opening.
    pub passphrase: Option<String>,
    /// The language: `--lang`, else the configuration's `language`, else the locale.
    pub lang: Lang,
    keymap: Keymap,
    theme: Theme,
}

/// `--print-default-config`.
pub fn print_default_config() -> ExitCode {
    report::out_bytes(Config::default_file(&Keymap::default_toml()).as_bytes());
    ExitCode::SUCCESS
}

/// The clock: `VAXDESK_NOW` fixes it (scripted demos and tests).
pub fn clock() -> Result<Arc<dyn Clock>, Failure> {
    match std::env::var("VAXDESK_NOW") {
        Ok(v) => {
            let t = chrono::DateTime::parse_from_rfc3339(v.trim())
                .map_err(|_| Failure::new(|l| msg::now_not_rfc3339(l, &v)))?;
            Ok(Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}

/// The language of what a person reads: `--lang`, else `language` in the configuration, else
/// the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English.
pub fn language(cli: &Cli, config: &Config) -> Lang {
    let locale = vaxdesk::i18n::locale_from_env();
    vaxdesk::i18n::detect(
        cli.lang.map(Lang::from),
        config.language,
        [0, 1, 2].map(|i| locale[i].as_deref()),
    )
}

/// The signing keys' folder: --keys, else `keys` (`demo-keys` with --demo) in the data
/// directory.
pub fn keys_dir(cli: &Cli, paths: Option<&Paths>) -> Option<PathBuf> {
    cli.keys
        .clone()
        .or_else(|| paths.map(|p| p.keys_dir(cli.demo)))
}

/// The database file, resolved the same way for every command: `--db` (or `VAXDESK_DB`), else
/// `demo.db` with `--demo`, else `vaxdesk.db`, both in the data directory.
pub fn database_path(cli: &Cli, paths: Option<&Paths>) -> Option<PathBuf> {
    match (&cli.db, paths) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(paths)) if cli.demo => Some(paths.demo_database()),
        (None, Some(paths)) => Some(paths.database()),
        (None, None) => None,
    }
}

/// Opens the desk for `cli`'s command. `None` when the command was done before a desk was
/// needed (`init` on an existing database, `keys` on an existing clinic).
pub fn open(cli: &Cli, paths: Option<&Paths>, lang: Lang) -> Result<Option<Opened>, Failure> {
    let keys_dir = keys_dir(cli, paths);
    let (config, config_path) = match (&cli.config, paths) {
        (Some(p), _) => (Config::load(p, true)?, p.display().to_string()),
        (None, Some(paths)) => (
            Config::load(&paths.config_file, false)?,
            paths.config_file.display().to_string(),
        ),
        (None, None) => (Config::default(), "config".into()),
    };
    // Bindings and colours are checked before anything else happens.
    let config_error = |e: String| Failure::new(|l| msg::config_error(l, &config_path, &e));
    let keymap = Keymap::new(&config.keys).map_err(|e| config_error(e.to_string()))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::new(&config.colours, no_color).map_err(|e| config_error(e.to_string()))?;
    let db: PathBuf =
        database_path(cli, paths).ok_or_else(|| Failure::text(msg::NO_DATA_DIR_DB))?;
    // An empty file is no database yet: the commands that create one make it there.
    let exists = maintenance::database_exists(&db)?;
    let tui = cli.command.is_none();
    if tui && (!std::io::stdout().is_terminal() || !std::io::stdin().is_terminal()) {
        return Err(Failure::text(msg::NEEDS_TERMINAL));
    }
    if exists && matches!(cli.command, Some(Command::Init)) && init::already_there(&db, lang)? {
        return Ok(None);
    }
    // Only these create a database that is not there: a mistyped --db is not a new clinic.
    let setting_up = matches!(
        cli.command,
        Some(
            Command::Init
                | Command::Keys {
                    action: keys::KeysCommand::Init
                }
        )
    );
    let creates = cli.demo
        || !cli.seeds.is_empty()
        || setting_up
        || matches!(cli.command, Some(Command::Seed(_) | Command::Import(_)));
    // The desk asks first; a command is refused.
    let may_open = exists || creates || (tui && ask_to_create(&db, lang));
    if !may_open {
        return Err(Failure::new(|l| msg::missing_database(l, &db)));
    }
    let keys = keys_dir.as_ref().map(KeyStore::new);
    if let Some(Command::Keys { action }) = &cli.command {
        let keys = keys
            .as_ref()
            .ok_or_else(|| Failure::text(msg::NO_DATA_DIR_KEYS))?;
        keys::run(keys, action, &config.country, clock()?.now(), lang)?;
        if exists || !setting_up {
            return Ok(None);
        }
        // `keys init` for a new clinic creates its database too, below.
    }
    let log_dir = paths.map(|p| p.data_dir.clone());
    // A new passphrase is asked before the database is opened: a refusal here changes nothing.
    let passphrase = match &cli.command {
        Some(Command::Staff { action }) => staff::new_passphrase_for(action, lang)?,
        _ => None,
    };
    if tui {
        init_log(log_dir.as_deref().unwrap_or_else(|| Path::new(".")));
    }
    let now = clock()?.now();
    // The resident-id key follows the database, since a database is bound to the key that
    // sealed its ids: the demo's own demo.db keeps it beside the demo signing keys; a database
    // named with --db keeps it in the keys folder, whether or not --demo is given.
    let ids_dir = cli
        .keys
        .clone()
        .or_else(|| paths.map(|p| p.keys_dir(cli.demo && cli.db.is_none())))
        .ok_or_else(|| Failure::text(msg::NO_KEYS_FOLDER))?;
    refuse_a_lost_id_key(&db, &ids_dir)?;
    let (ids, created) = IdKeys::load_or_create_noting(&ids_dir)?;
    let key = ids_dir.join(KEY_FILE);
    // `init` and `keys init` say it on standard output, with the database.
    if created {
        if !setting_up {
            report::note(&msg::key_created_note(lang, &key.display().to_string()));
        }
        tracing::info!("created the resident-id key {}", key.display());
    }
    let faults = Faults::from_env();
    let opened = if exists {
        Desk::open_existing(&db, ids, config, clock()?, faults)
    } else {
        Desk::open(&db, ids, config, clock()?, faults)
    };
    let mut desk = match opened {
        Ok(desk) => desk,
        Err(e) => {
            // A key made for a database that could not be made seals nothing: it goes too, so
            // the refusal's "nothing was changed" holds.
            if created && !exists && !db.exists() {
                let _ = std::fs::remove_file(&key);
            }
            return Err(e.into());
        }
    };
    if !exists {
        tracing::info!("created the database {}", db.display());
    }
    if setting_up {
        init::say_created(&db, &key, created, lang);
    }
    if let Some(keys) = &keys {
        if cli.demo && !keys.has_keys() {
            let signer = keys.init(&desk.config().country, now)?;
            report::note(&msg::demo_signing_key(lang, &signer.kid_hex()));
        }
        // Only issuing signs: the desk's screens, the demo and seed files (`issue` steps). The
        // other commands never read the private key (a certificate export sends the text
        // signed when it was issued).
        if may_issue(cli) {
            desk.set_signer(keys.current()?);
        }
    }
    if cli.demo {
        let outcome = seed::apply_text(&desk, "demo-seed.toml", DEMO_SEED)?;
        if matches!(outcome, seed::SeedOutcome::Applied { .. }) {
            report::note(&format!(
                "demo-seed.toml: {}",
                msg::seed_outcome(lang, &outcome)
            ));
        }
        let created = staff_admin::ensure_demo_staff(&desk)?;
        if created > 0 {
            report::note(&msg::demo_staff(lang, created));
        }
    }
    let bar = super::progress::Bar::on_stderr(lang);
    for file in &cli.seeds {
        let outcome = seed::apply_file_with_progress(&desk, file, &bar)?;
        report::note(&format!(
            "{}: {}",
            file.display(),
            msg::seed_outcome(lang, &outcome)
        ));
    }
    Ok(Some(Opened {
        desk,
        place: Place {
            db,
            ids_dir,
            keys_dir,
            log_dir,
        },
        passphrase,
        lang,
        keymap,
        theme,
    }))
}

/// Whether this run may issue a certificate, and so needs the signing key: the desk's screens,
/// the demo, and seed files (given with --seed or to `seed`).
fn may_issue(cli: &Cli) -> bool {
    cli.command.is_none()
        || cli.demo
        || !cli.seeds.is_empty()
        || matches!(cli.command, Some(Command::Seed(_)))
}

/// The desk's screens, when no subcommand was given.
pub fn desk_screens(cli: &Cli, opened: Opened) -> Result<ExitCode, Failure> {
    let role = cli.role.map(|r| match r {
        RoleArg::Manager => Role::Manager,
        RoleArg::Issuer => Role::Issuer,
        RoleArg::Citizen => Role::Citizen,
    });
    tracing::info!("desk opened on {}", opened.place.db.display());
    vaxdesk::tui::run(
        &opened.desk,
        role,
        opened.keymap,
        opened.theme,
        opened.lang,
        cli.demo,
    )
    .map_err(|e| Failure::new(|l| msg::terminal_error(l, &e.to_string())))?;
    Ok(ExitCode::SUCCESS)
}

/// Logs go to `vaxdesk.log` in the data directory, never to the screen, in a file that is its
/// owner's alone (0600) like the database. A log that cannot be opened is not a reason to
/// refuse the desk.
fn init_log(dir: &Path) {
    let _ = vaxdesk::privacy::files::create_dir_private(dir);
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let Ok(file) = options.open(dir.join(LOG_FILE)) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
}

/// A database bound to a resident-id key, opened where that key file is missing: a new key
/// would only be refused (and left behind), so say what is wrong before anything is created.
fn refuse_a_lost_id_key(db: &Path, ids_dir: &Path) -> Result<(), Failure> {
    let key = ids_dir.join(KEY_FILE);
    if key.exists() || !maintenance::id_keys_bound(db) {
        return Ok(());
    }
    let (key, db) = (key.display().to_string(), db.display().to_string());
    Err(Failure::new(|l| msg::lost_id_key(l, &key, &db)))
}

/// The desk started on a database that is not there: asks on the terminal, before the
/// full-screen desk, whether to create it. Only `y` does; `n`, Enter, Esc, Ctrl-C or a closed
/// terminal leave without creating anything (the caller then refuses, exit 1).
fn ask_to_create(db: &Path, lang: Lang) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let question = msg::create_database_question(lang, &db.display().to_string());
    let _ = write!(out, "{}", report::escape(&question)).and_then(|()| out.flush());
    let key = read_one_key();
    let yes = matches!(key, Some(b'y' | b'Y'));
    let _ = writeln!(out, "{}", if yes { "y" } else { "n" }).and_then(|()| out.flush());
    yes
}

/// One key from the terminal, without waiting for Enter; `None` on end of input.
#[cfg(unix)]
fn read_one_key() -> Option<u8> {
    // SAFETY: a zeroed termios is a valid value for tcgetattr to fill in.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: tcgetattr only writes the struct it is given; fd 0 is the terminal (checked).
    let have = unsafe { libc::tcgetattr(0, &mut saved) } == 0;
    if have {
        let mut raw = saved;
        // One byte at a time, unechoed; Ctrl-C arrives as a byte (and means no).
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: sets fd 0's attributes from a struct tcgetattr filled in.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw) };
    }
    let mut byte = [0u8; 1];
    let read = std::io::Read::read(&mut std::io::stdin().lock(), &mut byte);
    if have {
        // SAFETY: restores what tcgetattr read; TCSAFLUSH drops the rest of an escape sequence.
        unsafe { libc::tcsetattr(0, libc::TCSAFLUSH, &saved) };
    }
    match read {
        Ok(1) => Some(byte[0]),
        _ => None,
    }
}

#[cfg(not(unix))]
fn read_one_key() -> Option<u8> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    line.bytes().next()
}
