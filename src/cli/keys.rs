//! `vaxdesk keys ...`: creates, shows, imports or rotates the signing keys. Runs before the
//! desk opens; only `keys init` on a new clinic goes on to create its database.

use super::{Failure, report};
use clap::Subcommand;
use std::path::PathBuf;
use vaxdesk::cert::keys::{KeyError, KeyStore};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a P-256 country CA and a first document-signer certificate
    Init,
    /// Print the current signer certificate (PEM) for verifiers
    ExportCert,
    /// Take a signer certificate and its P-256 key (PKCS#8 PEM) issued by a real authority
    Import {
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Start a new document signer; certificates signed by the old one still verify
    Rotate,
}

pub fn run(
    keys: &KeyStore,
    action: &KeysCommand,
    country: &str,
    now: chrono::DateTime<chrono::Utc>,
    lang: Lang,
) -> Result<(), Failure> {
    match action {
        KeysCommand::Init => {
            let s = keys.init(country, now)?;
            say!(
                "{}",
                msg::keys_created(
                    lang,
                    &s.kid_hex(),
                    &keys.dir().display().to_string(),
                    &s.not_after().format("%Y-%m-%d").to_string()
                )
            );
        }
        KeysCommand::ExportCert => {
            let s = keys
                .current()?
                .ok_or_else(|| KeyError::Missing(keys.dir().display().to_string()))?;
            report::out_bytes(s.cert_pem().as_bytes());
        }
        KeysCommand::Import { cert, key } => {
            let read = |p: &PathBuf, what: &str| {
                vaxdesk::config::read_named_file(p, what)
                    .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
                    .map_err(|e| {
                        let what = p.display().to_string();
                        Failure::new(|l| msg::file_error(l, &what, &e.to_string()))
                    })
            };
            let s = keys.import(
                &read(cert, "a certificate file")?,
                &read(key, "a key file")?,
            )?;
            say!("{}", msg::keys_imported(lang, &s.kid_hex()));
        }
        KeysCommand::Rotate => {
            let s = keys.rotate(country, now)?;
            say!("{}", msg::keys_rotated(lang, &s.kid_hex()));
        }
    }
    Ok(())
}
