//! The `vaxdesk` binary: parses flags, opens the desk, applies seeds, runs one command.
//! The only place where errors become messages and exit codes.

mod cli;
mod report;

use clap::Parser;
use cli::{Cli, Command, KeysCommand, RoleArg};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use vaxdesk::app::{Desk, queries, seed};
use vaxdesk::bus::Faults;
use vaxdesk::cert::keys::{KeyError, KeyStore};
use vaxdesk::cert::{Input, TrustStore};
use vaxdesk::config::{Config, Paths};
use vaxdesk::domain::{Clock, FixedClock, ResidentId, SystemClock};
use vaxdesk::tui::app::Role;
use vaxdesk::tui::keymap::Keymap;
use vaxdesk::tui::theme::Theme;

const DEMO_SEED: &str = include_str!("../assets/demo-seed.toml");

/// A failure the user must read: printed on stderr, exit status 1.
#[derive(Debug)]
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("vaxdesk: internal error: {info}");
        eprintln!("nothing half-done was saved; please report this with the command you ran");
    }));
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("vaxdesk: {message}");
            ExitCode::from(1)
        }
    }
}

/// Logs go to `vaxdesk.log` in the data directory, never to the screen. A log that cannot be
/// opened is not a reason to refuse the desk.
fn init_log(dir: &Path) {
    let _ = std::fs::create_dir_all(dir);
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("vaxdesk.log"))
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
}

fn clock() -> Result<Arc<dyn Clock>, Failure> {
    // VAXDESK_NOW fixes the clock (scripted demos and tests).
    match std::env::var("VAXDESK_NOW") {
        Ok(v) => {
            let t = chrono::DateTime::parse_from_rfc3339(v.trim())
                .map_err(|_| Failure(format!("VAXDESK_NOW: '{v}' is not an RFC 3339 time")))?;
            Ok(Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}

/// `vaxdesk keys ...`: creates, shows, imports or rotates the signing keys.
fn keys_command(
    keys: &KeyStore,
    action: &KeysCommand,
    country: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ExitCode, Failure> {
    match action {
        KeysCommand::Init => {
            let s = keys.init(country, now)?;
            println!(
                "Created a country CA and a document signer (kid {}) in {}; valid until {}.",
                s.kid_hex(),
                keys.dir().display(),
                s.not_after().format("%Y-%m-%d")
            );
        }
        KeysCommand::ExportCert => {
            let s = keys
                .current()?
                .ok_or_else(|| KeyError::Missing(keys.dir().display().to_string()))?;
            print!("{}", s.cert_pem());
        }
        KeysCommand::Import { cert, key } => {
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).map_err(|e| Failure(format!("{}: {e}", p.display())))
            };
            let s = keys.import(&read(cert)?, &read(key)?)?;
            println!(
                "Imported the signer (kid {}); it signs from now on.",
                s.kid_hex()
            );
        }
        KeysCommand::Rotate => {
            let s = keys.rotate(country, now)?;
            println!(
                "A new signer (kid {}) signs from now on; the old ones stay trusted.",
                s.kid_hex()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `vaxdesk verify`: exit 0 when valid, 1 naming the failed step.
fn verify(
    paths: Option<&Paths>,
    demo: bool,
    trust: &[PathBuf],
    at: Option<chrono::DateTime<chrono::Utc>>,
    json: bool,
    input: &str,
) -> Result<ExitCode, Failure> {
    let store = match paths {
        _ if !trust.is_empty() => {
            TrustStore::from_files(trust).map_err(|e| Failure(format!("--trust {e}")))?
        }
        Some(paths) => TrustStore::desk_signers(&paths.keys_dir(demo))?,
        None => {
            return Err(Failure(
                "there are no trusted signer certificates (no data directory); pass --trust PEM_FILE"
                    .into(),
            ));
        }
    };
    let at = match at {
        Some(at) => at,
        None => clock()?.now(),
    };
    let input = Input::from_arg(input)?;
    let options = vaxdesk::cert::Options {
        trust: &store,
        at,
        revoked: None,
    };
    let result = vaxdesk::cert::verify_input(&input, &options);
    if json {
        report::json(&result.to_json())?;
    } else {
        report::verify_text(&result);
    }
    match result.failure() {
        None if result.valid() => Ok(ExitCode::SUCCESS),
        None => Err(Failure("verify failed: not every step ran".into())),
        Some(f) => Err(Failure(format!(
            "verify failed at {}: {}",
            f.step.name(),
            f.detail
        ))),
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if cli.print_default_config {
        print!("{}", Config::default_file(&Keymap::default_toml()));
        return Ok(ExitCode::SUCCESS);
    }
    let paths = Paths::discover();
    // Verifying reads no database and no configuration.
    if let Some(Command::Verify {
        trust,
        at,
        json,
        input,
    }) = &cli.command
    {
        return verify(paths.as_ref(), cli.demo, trust, *at, *json, input);
    }
    let (config, config_path) = match (&cli.config, &paths) {
        (Some(p), _) => (Config::load(p, true)?, p.display().to_string()),
        (None, Some(paths)) => (
            Config::load(&paths.config_file, false)?,
            paths.config_file.display().to_string(),
        ),
        (None, None) => (Config::default(), "config".into()),
    };
    // Bindings and colours are checked before anything else happens.
    let keymap =
        Keymap::new(&config.keys).map_err(|e| Failure(format!("config {config_path}: {e}")))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::new(&config.colours, no_color)
        .map_err(|e| Failure(format!("config {config_path}: {e}")))?;
    let keys = paths.as_ref().map(|p| KeyStore::new(p.keys_dir(cli.demo)));
    if let Some(Command::Keys { action }) = &cli.command {
        let keys = keys
            .as_ref()
            .ok_or_else(|| Failure("cannot find a data directory for the keys".into()))?;
        return keys_command(keys, action, &config.country, clock()?.now());
    }
    let db: PathBuf = match (&cli.db, &paths) {
        (Some(p), _) => p.clone(),
        (None, Some(paths)) if cli.demo => paths.demo_database(),
        (None, Some(paths)) => paths.database(),
        (None, None) => {
            return Err(Failure(
                "cannot find a data directory for the database; give one with --db PATH".into(),
            ));
        }
    };
    let log_dir = paths.as_ref().map(|p| p.data_dir.clone());
    let tui = cli.command.is_none();
    if tui {
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            return Err(Failure(
                "the desk needs a terminal; for scripts use a subcommand (see --help)".into(),
            ));
        }
        init_log(log_dir.as_deref().unwrap_or_else(|| Path::new(".")));
    }
    let now = clock()?.now();
    let mut desk = Desk::open(&db, config, clock()?, Faults::from_env())?;
    if let Some(keys) = &keys {
        if cli.demo && !keys.has_keys() {
            let signer = keys.init(&desk.config().country, now)?;
            eprintln!("demo: created a signing key ({})", signer.kid_hex());
        }
        desk.set_signer(keys.current()?);
    }

    if cli.demo {
        let outcome = seed::apply_text(&desk, "demo-seed.toml", DEMO_SEED)?;
        if matches!(outcome, seed::SeedOutcome::Applied { .. }) {
            eprintln!("demo-seed.toml: {}", outcome.describe());
        }
    }
    for file in &cli.seeds {
        let outcome = seed::apply_file(&desk, file)?;
        eprintln!("{}: {}", file.display(), outcome.describe());
    }

    let Some(command) = cli.command else {
        let role = cli.role.map(|r| match r {
            RoleArg::Manager => Role::Manager,
            RoleArg::Issuer => Role::Issuer,
            RoleArg::Citizen => Role::Citizen,
        });
        tracing::info!("desk opened on {}", db.display());
        vaxdesk::tui::run(&desk, role, keymap, theme)
            .map_err(|e| Failure(format!("terminal: {e}")))?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Seed { files } => {
            for file in &files {
                let outcome = seed::apply_file(&desk, file)?;
                println!("{}: {}", file.display(), outcome.describe());
            }
        }
        Command::Status { citizen, json } => {
            let id = ResidentId::parse("--citizen", &citizen)?;
            let status = queries::status(&desk, &id)?;
            if json {
                report::status_json(&status)?;
            } else {
                report::status_text(&desk, &status);
            }
        }
        Command::Queue { json } => {
            let items = queries::queue(&desk, i64::MAX)?;
            if json {
                report::json(&items)?;
            } else {
                report::queue_text(&items);
            }
        }
        Command::Events { after, json } => report::events(&desk, after, json)?,
        Command::RebuildViews { check } => {
            let result = queries::rebuild_views(&desk, !check)?;
            return Ok(report::rebuild(&result, check));
        }
        Command::Doctor => {
            let d = queries::doctor(&desk)?;
            return Ok(report::doctor(&d, &db));
        }
        Command::Dispatch => {
            let r = desk.dispatch()?;
            return Ok(report::dispatch(&desk, &r)?);
        }
        // Handled before the desk opens.
        Command::Verify { .. } | Command::Keys { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
