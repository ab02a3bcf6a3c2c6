//! `vaxdesk verify`: checks a signed certificate step by step; exit 0 when valid, 1 naming the
//! failed step. Reads no configuration and opens no desk: only this desk's revocations, when
//! its database is there.

use super::open::{clock, database_path, keys_dir};
use super::{Cli, Failure, report};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vaxdesk::app::certificates;
use vaxdesk::cert::keys::KeyStore;
use vaxdesk::cert::{Input, TrustStore};
use vaxdesk::config::Paths;
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

pub const HELP: &str = "Steps, in order: prefix, base45, zlib, cose, signature, key usage (the \
                        signer's extended key usage allows this type), expiry, schema \
                        (1.3.3), revocation (a PNG is read first: qr). \
                        Exit 0 when valid, 1 with the failed step and reason.\n\n\
                        Examples:\n  vaxdesk verify 'HC1:6BF...'\n  \
                        vaxdesk verify --trust signer.pem --at 2021-06-01T12:00:00Z qr.png --json";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Trust this signer certificate (PEM, repeatable) [default: this desk's signer
    /// certificates, keys/signer*.pem in the data directory]
    #[arg(long, value_name = "PEM_FILE")]
    pub trust: Vec<PathBuf>,
    /// Check validity at this time (RFC 3339) [default: now]
    #[arg(long, value_name = "RFC3339", value_parser = parse_rfc3339)]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// Print the decoded certificate and every step as JSON
    #[arg(long)]
    pub json: bool,
    /// An HC1 string, a file holding one, or a PNG picture of the QR code
    #[arg(value_name = "INPUT")]
    pub input: String,
}

fn parse_rfc3339(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 time such as 2021-06-01T12:00:00Z ({e})"))
}

/// Verifies `args.input` against the trusted signers and this desk's revocations. A database
/// named with --db (or VAXDESK_DB) that is not there: the revocation step says its list was
/// not read, rather than that there is none.
pub fn run(cli: &Cli, paths: Option<&Paths>, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let keys_dir = keys_dir(cli, paths);
    let db = database_path(cli, paths);
    let named = cli.db.is_some();
    let trusted = match keys_dir {
        _ if !args.trust.is_empty() => TrustStore::from_files(&args.trust)
            .map_err(|e| Failure::new(|l| msg::trust_error(l, &e.to_string())))?,
        Some(dir) if KeyStore::new(&dir).signer_files().is_empty() => {
            let dir = dir.display().to_string();
            return Err(Failure::new(|l| msg::no_desk_signers(l, &dir)));
        }
        Some(dir) => TrustStore::desk_signers(&dir)?,
        None => {
            return Err(Failure::text(msg::NO_TRUSTED_SIGNERS));
        }
    };
    let at = match args.at {
        Some(at) => at,
        None => clock()?.now(),
    };
    let input = Input::from_arg(&args.input)?;
    let revoked = desk_revocations(db.as_deref())?;
    let options = vaxdesk::cert::Options {
        trust: &trusted,
        at,
        revoked: revoked.as_deref(),
    };
    let mut result = vaxdesk::cert::verify_input(&input, &options);
    if let Some(db) = db.filter(|_| named && revoked.is_none()) {
        for step in &mut result.steps {
            if step.step == vaxdesk::cert::Step::Revocation && step.ok {
                // The JSON carries it too: English, as JSON is.
                step.detail = msg::revocations_not_checked(Lang::En, &db.display().to_string());
            }
        }
    }
    if args.json {
        report::json(&result.to_json())?;
    } else {
        report::verify_text(&result, lang);
    }
    match result.failure() {
        None if result.valid() => Ok(ExitCode::SUCCESS),
        None => Err(Failure::text(msg::VERIFY_NOT_EVERY_STEP)),
        Some(f) => Err(Failure::new(|l| {
            msg::verify_failed(l, f.step.name(), &f.detail)
        })),
    }
}

/// This desk's revoked certificate ids, when its database exists (verifying never creates
/// one); `None` when there is no database.
fn desk_revocations(db: Option<&Path>) -> Result<Option<Vec<String>>, Failure> {
    let Some(db) = db else {
        return Ok(None);
    };
    certificates::revoked_in(db).map_err(|e| {
        let (db, e) = (db.display().to_string(), e.to_string());
        Failure::new(|l| msg::revocations_unreadable(l, &db, &e))
    })
}
