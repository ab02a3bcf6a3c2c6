//! `vaxdesk relay`: sends this desk's event log to the regional PostgreSQL registry, exactly
//! once per event; without `--once` it keeps running as a service until SIGTERM or SIGINT.

use super::{Failure, report};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use vaxdesk::app::Desk;
use vaxdesk::app::registry::{RegistryKey, RegistryUrl};
use vaxdesk::app::relay::{self, RelayError, RelayLog, RelayOptions};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::relay as w;

pub const HELP: &str = "Reads the events after the relay's checkpoint in batches; each batch goes \
                        to the registry in one PostgreSQL transaction (an event already there is \
                        neither inserted nor applied again), then the checkpoint moves here. \
                        The clinic name is recorded on the first relay; another name is refused \
                        later. No resident id leaves the desk: each citizen is sent as \
                        registry_ref = HMAC-SHA-256(registry key, id). Without --once it runs \
                        until SIGTERM or SIGINT, sends new events within a second, retries an \
                        unreachable registry (backoff up to 30 s) and logs each batch on \
                        stderr. Exit 0 when done or stopped, 1 when refused.\n\n\
                        Examples:\n  vaxdesk registry new-key --out /etc/vaxdesk/registry.key\n  \
                        vaxdesk --db clinic.db relay --to postgresql://relay@registry/vaxdesk \
                        --clinic seoul-1 --registry-key /etc/vaxdesk/registry.key --once";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The registry: a postgresql:// URL (`?sslmode=require` or `verify-full` for TLS)
    /// [default: [relay] url in the configuration]
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// The name this database is relayed under, recorded on the first relay [default: [relay]
    /// clinic in the configuration, else the recorded one]
    #[arg(long, value_name = "NAME")]
    pub clinic: Option<String>,
    /// The region's registry key file (`vaxdesk registry new-key`) [default: [relay]
    /// registry_key_file in the configuration]
    #[arg(long, value_name = "FILE")]
    pub registry_key: Option<PathBuf>,
    /// Relay what is there and exit
    #[arg(long)]
    pub once: bool,
    /// Events per PostgreSQL transaction
    #[arg(long, value_name = "N", default_value_t = relay::DEFAULT_BATCH,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,
}

/// The relay's lines go to stderr, as a service logs.
struct Stderr;

impl RelayLog for Stderr {
    fn line(&self, text: &str) {
        report::note(&format!("vaxdesk relay: {text}"));
    }
}

/// The registry URL (flag, else configuration) and the registry key (flag, else
/// configuration), every missing or bad one named at once.
pub fn url_and_key(
    url_flag: &str,
    url: Option<&str>,
    config_url: Option<&str>,
    key: Option<&PathBuf>,
    config_key: Option<&PathBuf>,
) -> Result<(RegistryUrl, RegistryKey), Failure> {
    let url = match (url, config_url) {
        (Some(u), _) => RegistryUrl::parse(url_flag, u).map_err(Failure::from),
        (None, Some(u)) => RegistryUrl::parse("[relay] url", u).map_err(Failure::from),
        (None, None) => Err(Failure::new(|lang| w::no_registry_url(lang, url_flag))),
    };
    let key = match key.or(config_key) {
        Some(path) => RegistryKey::load(path).map_err(Failure::from),
        None => Err(Failure::text(w::NO_REGISTRY_KEY)),
    };
    match (url, key) {
        (Ok(u), Ok(k)) => Ok((u, k)),
        (Err(a), Err(b)) => Err(Failure::join(a, b)),
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let config = &desk.config().relay;
    let (url, key) = url_and_key(
        "--to",
        args.to.as_deref(),
        config.url.as_deref(),
        args.registry_key.as_ref(),
        config.registry_key_file.as_ref(),
    )?;
    let opts = RelayOptions {
        url,
        clinic: args.clinic.clone().or_else(|| config.clinic.clone()),
        key,
        batch: args.batch,
    };
    if args.once {
        let s = relay::relay_once(desk, &opts, &Stderr).map_err(message)?;
        say!(
            "{}",
            w::relayed(
                lang,
                s.sent,
                s.inserted,
                s.batches,
                &opts.url.to_string(),
                &s.clinic,
                s.checkpoint
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Failure::new(|lang| w::cannot_watch_signals(lang, &e.to_string())))?;
    }
    Stderr.line(&format!(
        "relaying to {} in batches of {} (SIGTERM or SIGINT stops it)",
        opts.url, opts.batch
    ));
    let s = relay::relay_forever(desk, &opts, &Stderr, &stop).map_err(message)?;
    Stderr.line(&format!(
        "stopped at event {}: {} event(s) sent ({} new) in {} batch(es)",
        s.checkpoint, s.sent, s.inserted, s.batches
    ));
    Ok(ExitCode::SUCCESS)
}

fn message(e: RelayError) -> Failure {
    Failure::new(|lang| w::relay_error(lang, &e))
}
