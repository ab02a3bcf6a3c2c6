//! The `vaxdesk` binary: parses flags, opens the desk, applies seeds, runs one command.
//! The only place where errors become messages and exit codes.

mod cli;
mod report;

use clap::Parser;
use cli::{Cli, Command};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use vaxdesk::app::{Desk, queries, seed};
use vaxdesk::bus::Faults;
use vaxdesk::config::{Config, Paths};
use vaxdesk::domain::{Clock, FixedClock, ResidentId, SystemClock};

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

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let paths = Paths::discover();
    let config = match (&cli.config, &paths) {
        (Some(p), _) => Config::load(p, true)?,
        (None, Some(paths)) => Config::load(&paths.config_file, false)?,
        (None, None) => Config::default(),
    };
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
    let desk = Desk::open(&db, config, clock()?, Faults::from_env())?;

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
        report::summary(&desk, &db)?;
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
    }
    Ok(ExitCode::SUCCESS)
}
