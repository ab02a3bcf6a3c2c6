//! `vaxdesk audit`: the audit log's rows that match, oldest first, citizens shown by their
//! internal number and masked id.

use super::{Failure, report};
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::views::audit_log::{self, Filter};
use vaxdesk::domain::ResidentId;
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

pub const HELP: &str = "\
Rows are printed oldest first. Citizens are shown by their internal number and masked id, never
by the full resident id.

Examples:
  vaxdesk audit --citizen 900101-1234567
  vaxdesk audit --actor kim.nurse --since 2026-11-01
  vaxdesk audit --since 2026-11-25T09:00:00+09:00 --json

Exit status: 0 (also when no row matches), 1 bad input, 2 usage.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only rows about this citizen (resident id, with or without the hyphen)
    #[arg(long, value_name = "ID")]
    pub citizen: Option<String>,
    /// Only rows by this actor, as recorded (a staff name, admin:USER, seed:FILE, kiosk, ...)
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Only rows at or after this time: RFC 3339, or a date YYYY-MM-DD (midnight UTC)
    #[arg(long, value_name = "TIME", value_parser = vaxdesk::domain::clock::parse_since)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let citizen = match &args.citizen {
        None => None,
        Some(raw) => Some(ResidentId::parse("--citizen", raw)?),
    };
    let actor = match args.actor.as_deref().map(str::trim) {
        Some("") => return Err(Failure::text(msg::ACTOR_EMPTY)),
        other => other.map(str::to_string),
    };
    let filter = Filter {
        citizen: citizen.as_ref(),
        actor,
        since: args.since.map(vaxdesk::domain::clock::since_stamp),
    };
    let lines = audit_log::lines(desk, &filter)?;
    if args.json {
        report::audit_json(&lines)?;
    } else {
        report::audit_text(&lines, lang);
    }
    Ok(ExitCode::SUCCESS)
}
