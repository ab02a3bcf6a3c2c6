//! The command line, as cargo lays it out: the flags every command shares and the list of
//! subcommands here, one file per subcommand beside it (its clap arguments and a thin `run`),
//! and the opening of the desk in [`open`]. The commands reach the data only through
//! `vaxdesk::app`; what they print passes [`report`]'s output boundary. Errors come back as a
//! [`Failure`]; `main` alone turns them into messages and exit codes.

mod audit;
mod backup;
mod cert;
mod completions;
mod dispatch;
mod doctor;
mod events;
mod export;
mod import;
mod init;
mod keys;
mod man;
mod open;
mod progress;
mod queue;
mod rebuild;
mod registry;
mod relay;
pub mod report;
mod restore;
mod seed;
mod staff;
mod status;
pub mod usage;
mod verify;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use vaxdesk::config::{Config, Paths};
use vaxdesk::i18n::Lang;

const EXAMPLES: &str = "\
Examples:
  vaxdesk init --db clinic.db
  vaxdesk --demo --role citizen
  vaxdesk --db clinic.db --role manager
  vaxdesk --demo status --citizen 900101-1234567
  vaxdesk --db clinic.db seed day-1.toml day-2.toml
  vaxdesk --db clinic.db import people.csv
  vaxdesk --db clinic.db export --out people.csv
  vaxdesk --db clinic.db queue --json
  vaxdesk --db clinic.db events --after 120 --json
  vaxdesk --db clinic.db rebuild-views --check
  vaxdesk --db clinic.db doctor
  vaxdesk --db clinic.db cert export --citizen 900101-1234567 --dose 2 --format png --out cert.png
  vaxdesk verify --trust signer.pem certificate.png
  vaxdesk --db clinic.db staff add kim.nurse --role manager
  vaxdesk --db clinic.db audit --citizen 900101-1234567 --since 2026-11-01

Exit status: 0 success, 1 refused or bad input (message on stderr), 2 usage error.";

#[derive(Debug, Parser)]
#[command(
    name = "vaxdesk",
    version = version(),
    about = "Vaccination certificates at a clinic desk",
    long_about = "Vaccination certificates at a clinic desk: citizens and injections, \
                  certificate applications, and the issuer's queue, kept in one SQLite file. \
                  Without a subcommand it opens the desk (a terminal UI); on a database that is \
                  not there it asks before creating one.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// The database file [default: vaxdesk.db in the user's data directory]
    #[arg(long, global = true, env = "VAXDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Apply a seed file before anything else (repeatable; each file is atomic and idempotent)
    #[arg(long = "seed", global = true, value_name = "FILE")]
    pub seeds: Vec<PathBuf>,

    /// Load the bundled demo clinic (uses its own demo.db unless --db is given)
    #[arg(long, global = true)]
    pub demo: bool,

    /// The keys folder: signing keys and the resident-id key [default: keys (demo-keys with
    /// --demo) in the user's data directory]
    #[arg(long, global = true, env = "VAXDESK_KEYS", value_name = "DIR")]
    pub keys: Option<PathBuf>,

    /// The configuration file [default: config.toml in the user's config directory]
    #[arg(long, global = true, env = "VAXDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The language of the desk's screens and of what commands print for people (not JSON):
    /// ko (Korean) or en (English) [default: `language` in the configuration file, else the
    /// locale (LC_ALL, LC_MESSAGES, LANG), else English]
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,

    /// Open this role's screen directly (without it, a role picker)
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Option<RoleArg>,

    /// Print the default configuration file and exit
    #[arg(long)]
    pub print_default_config: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// Korean
    Ko,
    /// English
    En,
}

impl From<LangArg> for vaxdesk::i18n::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Ko => vaxdesk::i18n::Lang::Ko,
            LangArg::En => vaxdesk::i18n::Lang::En,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// The injection manager: registers citizens, records and corrects injections
    Manager,
    /// The certificate issuer: works the queue, issues or rejects
    Issuer,
    /// The citizen kiosk: apply, cancel, check the status
    Citizen,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new clinic database (and its resident-id key); an existing one is left as it is
    #[command(after_help = init::HELP)]
    Init,

    /// Apply seed files (TOML, ordered [[step]] tables) and print what was done
    #[command(after_help = "Example:\n  vaxdesk --db clinic.db seed citizens.toml injections.toml")]
    Seed(seed::Args),

    /// Import citizens and injections from CSV files (one row per injection; each file atomic
    /// and idempotent)
    #[command(after_help = import::HELP)]
    Import(import::Args),

    /// Export every citizen and injection as CSV, in the import format
    #[command(after_help = export::HELP)]
    Export(export::Args),

    /// Show a citizen's status view: injections and applications
    #[command(after_help = "Example:\n  vaxdesk status --citizen 900101-1234567 --json")]
    Status(status::Args),

    /// Show the issuer's pending requests, oldest first
    #[command(after_help = "Example:\n  vaxdesk queue --json")]
    Queue(queue::Args),

    /// Show the event log
    #[command(after_help = "Example:\n  vaxdesk events --after 100 --json")]
    Events(events::Args),

    /// Rebuild the citizens' status view from the event log
    #[command(after_help = "Example:\n  vaxdesk rebuild-views --check")]
    RebuildViews(rebuild::Args),

    /// Check the database: integrity, schema version, subscriber lag, breaker state, the audit
    /// log's hash chain, and files readable by others than their owner
    Doctor,

    /// Deliver pending events to the subscribers now
    Dispatch,

    /// Verify a signed certificate (EU DCC): an HC1 string, a file holding one, or a PNG of
    /// its QR code
    #[command(after_help = verify::HELP)]
    Verify(verify::Args),

    /// Certificates this desk has issued
    #[command(
        after_help = "Example:\n  vaxdesk --db clinic.db cert export --citizen 900101-1234567 --dose 2 \
                      --format png --out cert.png"
    )]
    Cert {
        #[command(subcommand)]
        action: cert::CertCommand,
    },

    /// Staff accounts that sign in at the desk (whoever can open the database administers them)
    #[command(after_help = staff::HELP)]
    Staff {
        #[command(subcommand)]
        action: staff::StaffCommand,
    },

    /// Show the audit log: who did what, from which desk, to whose record, with what result
    #[command(after_help = audit::HELP)]
    Audit(audit::Args),

    /// The desk's signing keys: a country CA and document signers
    #[command(
        after_help = "Examples:\n  vaxdesk keys init\n  vaxdesk keys export-cert > signer.pem\n  \
                      vaxdesk keys import --cert dsc.pem --key dsc.key.pem\n  vaxdesk keys rotate"
    )]
    Keys {
        #[command(subcommand)]
        action: keys::KeysCommand,
    },

    /// Back up the database (a snapshot taken while the desks work), its keys and a MANIFEST
    #[command(after_help = backup::HELP)]
    Backup(backup::Args),

    /// Restore a backup: checked against its MANIFEST, never over a database in use
    #[command(after_help = restore::HELP)]
    Restore(restore::Args),

    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(after_help = completions::HELP)]
    Completions(completions::Args),

    /// Write the manual pages: vaxdesk.1 and one page per subcommand
    #[command(after_help = man::HELP)]
    Man(man::Args),

    /// Relay the event log to the regional PostgreSQL registry, each event exactly once
    #[command(after_help = relay::HELP)]
    Relay(relay::Args),

    /// The regional registry the relays fill: a new key, one person across clinics, counts
    #[command(after_help = registry::HELP)]
    Registry {
        #[command(subcommand)]
        action: registry::RegistryCommand,
    },
}

/// What `--version` (and `-V`) prints after the name: the version, the git commit the binary
/// was built from (`unknown` when built without git, see build.rs), and the version of the
/// SQLite library it runs (bundled; as the library reports it at run time).
fn version() -> &'static str {
    static LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINE.get_or_init(|| {
        format!(
            "{} (commit {}, SQLite {})",
            env!("CARGO_PKG_VERSION"),
            env!("VAXDESK_COMMIT"),
            vaxdesk::app::maintenance::sqlite_version()
        )
    })
}

/// A failure the user must read, in both languages: `main` prints the one of the language
/// decided for the command on stderr, exit status 1. Made from any error (its English
/// `Display`, and its Korean rendering by type, [`vaxdesk::i18n::cli::error`]), or from a
/// message of the table ([`Failure::new`], [`Failure::text`]).
#[derive(Debug)]
pub struct Failure {
    en: String,
    ko: String,
}

impl Failure {
    /// A message made by a function of the table, in both languages.
    pub fn new(message: impl Fn(Lang) -> String) -> Self {
        Failure {
            en: message(Lang::En),
            ko: message(Lang::Ko),
        }
    }

    /// A message of the table.
    pub fn text(t: vaxdesk::i18n::Text) -> Self {
        Failure {
            en: t.en.to_string(),
            ko: t.ko.to_string(),
        }
    }

    /// Two failures found at once (say, a bad URL and a missing key), told together.
    pub fn join(a: Failure, b: Failure) -> Self {
        Failure {
            en: format!("{}; {}", a.en, b.en),
            ko: format!("{}; {}", a.ko, b.ko),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

impl<E: std::fmt::Display + 'static> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure {
            en: e.to_string(),
            ko: vaxdesk::i18n::cli::error(Lang::Ko, &e),
        }
    }
}

/// Who administers from the command line, as the audit log records it: `admin:$USER`.
/// `$USER` names the administrator: only the file's owner can open the database (0600), so
/// the name is for reading the log, not a credential.
pub fn admin_actor() -> String {
    let user = std::env::var("USER")
        .ok()
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    format!("admin:{user}")
}

/// The language of everything the command prints for people, decided once before it runs:
/// `--lang`, else `language` in the configuration file (when it reads; a configuration that
/// does not is refused later, in the locale's language), else the locale, else English.
pub fn language(cli: &Cli) -> Lang {
    if let Some(lang) = cli.lang {
        return lang.into();
    }
    open::language(
        cli,
        &readable_config(cli.config.as_deref()).unwrap_or_default(),
    )
}

/// The configuration file `named` (`--config`, `VAXDESK_CONFIG`), else the default one, when
/// it reads (a missing default file reads as the defaults); `None` when it does not, or there
/// is no configuration directory.
pub fn readable_config(named: Option<&std::path::Path>) -> Option<Config> {
    match (named, Paths::discover()) {
        (Some(p), _) => Config::load(p, false).ok(),
        (None, Some(paths)) => Config::load(&paths.config_file, false).ok(),
        (None, None) => None,
    }
}

/// Runs what the command line asks, its human output in `lang`: the default configuration,
/// the completion scripts and manual pages, a `verify` (none of which opens a desk), or else
/// opens the desk and runs the command on it (the desk's screens without one).
pub fn run(cli: Cli, lang: Lang) -> Result<ExitCode, Failure> {
    if cli.print_default_config {
        return Ok(open::print_default_config());
    }
    // Made from the command line's definition alone: no configuration, no desk.
    match &cli.command {
        Some(Command::Completions(args)) => return Ok(completions::run(args)),
        Some(Command::Man(args)) => return man::run(args, lang),
        _ => {}
    }
    let paths = Paths::discover();
    if let Some(Command::Verify(args)) = &cli.command {
        return verify::run(&cli, paths.as_ref(), args, lang);
    }
    // The registry is in PostgreSQL: no desk.
    if let Some(Command::Registry { action }) = &cli.command {
        return registry::run(&cli, paths.as_ref(), action, lang);
    }
    // Before any desk opens: the database may not exist, and none may hold it open.
    if let Some(Command::Restore(args)) = &cli.command {
        return restore::run(&cli, paths.as_ref(), args, lang);
    }
    let Some(opened) = open::open(&cli, paths.as_ref(), lang)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let open::Opened { desk, place, .. } = &opened;
    let Some(command) = &cli.command else {
        return open::desk_screens(&cli, opened);
    };
    match command {
        Command::Seed(args) => seed::run(desk, args, lang),
        Command::Import(args) => import::run(desk, args, lang),
        Command::Export(args) => export::run(desk, args, lang),
        Command::Status(args) => status::run(desk, args, lang),
        Command::Queue(args) => queue::run(desk, args, lang),
        Command::Events(args) => events::run(desk, args, lang),
        Command::RebuildViews(args) => rebuild::run(desk, args, lang),
        Command::Doctor => doctor::run(desk, place, lang),
        Command::Dispatch => dispatch::run(desk, lang),
        Command::Staff { action } => staff::run(desk, action, opened.passphrase.clone(), lang),
        Command::Audit(args) => audit::run(desk, args, lang),
        Command::Cert { action } => cert::run(desk, place, action, lang),
        Command::Backup(args) => backup::run(desk, place, args, lang),
        Command::Relay(args) => relay::run(desk, args, lang),
        // Said when the database was created; the keys were handled before the desk opened.
        Command::Init | Command::Keys { .. } => Ok(ExitCode::SUCCESS),
        // Handled before the desk opens.
        Command::Verify(_)
        | Command::Restore(_)
        | Command::Completions(_)
        | Command::Man(_)
        | Command::Registry { .. } => Ok(ExitCode::SUCCESS),
    }
}
