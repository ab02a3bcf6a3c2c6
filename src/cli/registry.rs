//! `vaxdesk registry`: the regional registry the relays fill. `new-key` makes the key a
//! region's clinics share; `status` shows one person's injections and certificates from every
//! clinic (the id is turned into its `registry_ref` here and never sent); `stats` counts.
//! Opens no desk.

use super::relay::url_and_key;
use super::{Cli, Failure, report};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;
use vaxdesk::app::registry::{ClinicStats, Registry, RegistryKey, RegistryUrl};
use vaxdesk::config::{Config, Paths};
use vaxdesk::domain::ResidentId;
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;
use vaxdesk::i18n::relay as w;

pub const HELP: &str = "Examples:\n  vaxdesk registry new-key --out /etc/vaxdesk/registry.key\n  \
                        vaxdesk registry status --from postgresql://registry/vaxdesk \
                        --registry-key registry.key --citizen 900101-1234567\n  \
                        vaxdesk registry stats --from postgresql://registry/vaxdesk --json";

#[derive(Debug, clap::Subcommand)]
pub enum RegistryCommand {
    /// Write a new registry key file (0600; an existing file is never overwritten). Every
    /// clinic of a region relays with the same key, so one person has one registry_ref
    NewKey {
        /// Where to write it
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// One person's injections and certificates from every clinic
    Status {
        /// The registry: a postgresql:// URL [default: [relay] url in the configuration]
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// The region's registry key file [default: [relay] registry_key_file]
        #[arg(long, value_name = "FILE")]
        registry_key: Option<PathBuf>,
        /// The person's resident id (turned into its registry_ref here; never sent)
        #[arg(long, value_name = "ID")]
        citizen: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// People, injections by product and dose, certificates issued and revoked, per clinic
    /// and in all
    Stats {
        /// The registry: a postgresql:// URL [default: [relay] url in the configuration]
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

fn config(cli: &Cli, paths: Option<&Paths>) -> Result<Config, Failure> {
    Ok(match (&cli.config, paths) {
        (Some(p), _) => Config::load(p, true)?,
        (None, Some(paths)) => Config::load(&paths.config_file, false)?,
        (None, None) => Config::default(),
    })
}

pub fn run(
    cli: &Cli,
    paths: Option<&Paths>,
    action: &RegistryCommand,
    lang: Lang,
) -> Result<ExitCode, Failure> {
    match action {
        RegistryCommand::NewKey { out } => {
            RegistryKey::create_file(out)?;
            say!("{}", w::new_key(lang, &out.display().to_string()));
            Ok(ExitCode::SUCCESS)
        }
        RegistryCommand::Status {
            from,
            registry_key,
            citizen,
            json,
        } => {
            let config = config(cli, paths)?;
            let id = ResidentId::parse("--citizen", citizen).map_err(Failure::from);
            let found = url_and_key(
                "--from",
                from.as_deref(),
                config.relay.url.as_deref(),
                registry_key.as_ref(),
                config.relay.registry_key_file.as_ref(),
            );
            let ((url, key), id) = match (found, id) {
                (Ok(f), Ok(id)) => (f, id),
                (Err(a), Err(b)) => return Err(Failure::join(a, b)),
                (Err(e), _) | (_, Err(e)) => return Err(e),
            };
            let registry_ref = key.registry_ref(&id);
            let record = Registry::open_to_read(&url)?.person(&registry_ref)?;
            if record.person.is_none() && record.injections.is_empty() {
                return Err(Failure::new(|lang| match lang {
                    Lang::En => format!(
                        "registry {url}: no record of this person (is the registry key the one \
                         the clinics relay with?)"
                    ),
                    Lang::Ko => format!(
                        "등록부 {url}: 이 사람의 기록이 없습니다 (기관들이 중계할 때 쓰는 \
                         등록부 키가 맞습니까?)"
                    ),
                }));
            }
            if *json {
                report::json(&json!({
                    "registry_ref": registry_ref,
                    "person": record.person,
                    "injections": record.injections,
                    "certificates": record.certificates,
                }))?;
                return Ok(ExitCode::SUCCESS);
            }
            say!("{}{url}", w::label(lang, w::REGISTRY));
            match &record.person {
                Some(p) => say!(
                    "{}{}",
                    w::label(lang, w::PERSON),
                    w::person(
                        lang,
                        &format!("{} {}", p.family_name, p.given_name),
                        &p.birth_date,
                        &p.first_clinic
                    )
                ),
                None => say!(
                    "{}{}",
                    w::label(lang, w::PERSON),
                    w::NOT_REGISTERED.get(lang)
                ),
            }
            say!(
                "{}{}",
                w::label(lang, w::INJECTIONS),
                record.injections.len()
            );
            let rows: Vec<Vec<String>> = record
                .injections
                .iter()
                .map(|i| {
                    vec![
                        i.clinic.clone(),
                        i.date.clone(),
                        i.product.clone(),
                        format!("{}/{}", i.dose, i.series),
                        msg::stored_status(lang, &i.status),
                        i.lot.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            table(
                &[
                    w::COL_CLINIC.get(lang),
                    w::COL_DATE.get(lang),
                    w::COL_PRODUCT.get(lang),
                    w::COL_DOSE.get(lang),
                    w::COL_STATUS.get(lang),
                    w::COL_LOT.get(lang),
                ],
                &rows,
            );
            say!(
                "{}{}",
                w::label(lang, w::CERTIFICATES),
                record.certificates.len()
            );
            let rows: Vec<Vec<String>> = record
                .certificates
                .iter()
                .map(|c| {
                    vec![
                        c.clinic.clone(),
                        c.uvci.clone(),
                        c.issued_at.clone(),
                        c.revoked_at
                            .clone()
                            .map_or_else(|| "-".to_string(), |r| w::revoked_at(lang, &r)),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                table(
                    &[
                        w::COL_CLINIC.get(lang),
                        w::COL_UVCI.get(lang),
                        w::COL_ISSUED.get(lang),
                        w::COL_REVOKED.get(lang),
                    ],
                    &rows,
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        RegistryCommand::Stats { from, json } => {
            let config = config(cli, paths)?;
            let url = match (from, &config.relay.url) {
                (Some(u), _) => RegistryUrl::parse("--from", u).map_err(Failure::from),
                (None, Some(u)) => RegistryUrl::parse("[relay] url", u).map_err(Failure::from),
                (None, None) => Err(Failure::new(|lang| w::no_registry_url(lang, "--from"))),
            }?;
            let stats = Registry::open_to_read(&url)?.stats()?;
            if *json {
                report::json(&stats)?;
                return Ok(ExitCode::SUCCESS);
            }
            say!("{}{url}", w::label(lang, w::REGISTRY));
            let clinic = |c: &ClinicStats| {
                if std::ptr::eq(c, &stats.total) {
                    w::ALL_CLINICS.get(lang).to_string()
                } else {
                    c.clinic.clone()
                }
            };
            let line = |c: &ClinicStats| {
                vec![
                    clinic(c),
                    c.events.to_string(),
                    c.people.to_string(),
                    c.injections.iter().map(|d| d.n).sum::<i64>().to_string(),
                    c.certificates_issued.to_string(),
                    c.certificates_revoked.to_string(),
                ]
            };
            let mut rows: Vec<Vec<String>> = stats.clinics.iter().map(line).collect();
            rows.push(line(&stats.total));
            table(
                &[
                    w::COL_CLINIC.get(lang),
                    w::COL_EVENTS.get(lang),
                    w::COL_PEOPLE.get(lang),
                    w::COL_INJECTIONS.get(lang),
                    w::COL_ISSUED.get(lang),
                    w::COL_REVOKED.get(lang),
                ],
                &rows,
            );
            say!("{}", w::BY_PRODUCT_AND_DOSE.get(lang));
            let mut rows = Vec::new();
            for c in stats.clinics.iter().chain(std::iter::once(&stats.total)) {
                for d in &c.injections {
                    rows.push(vec![
                        clinic(c),
                        d.product.clone(),
                        d.dose.to_string(),
                        d.n.to_string(),
                    ]);
                }
            }
            table(
                &[
                    w::COL_CLINIC.get(lang),
                    w::COL_PRODUCT.get(lang),
                    w::COL_DOSE.get(lang),
                    w::COL_INJECTIONS.get(lang),
                ],
                &rows,
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Columns aligned by display width, each cell escaped before it is measured.
fn table(header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<String>> = std::iter::once(header.iter().map(|h| h.to_string()).collect())
        .chain(
            rows.iter()
                .map(|r| r.iter().map(|c| report::escape(c)).collect()),
        )
        .collect();
    let mut widths = vec![0; header.len()];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c}{}", " ".repeat(widths[i] - c.width())))
            .collect();
        // Already escaped: written as is.
        report::out_bytes(format!("  {}\n", cells.join("  ").trim_end()).as_bytes());
    }
}
