//! `vaxdesk status --citizen ID`: a citizen's page from the status view. The look is on record
//! in the audit log, read and recorded in one transaction.

use super::{Failure, admin_actor, report};
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::views::status::view_status;
use vaxdesk::domain::ResidentId;
use vaxdesk::i18n::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The citizen's resident id (with or without the hyphen)
    #[arg(long, value_name = "ID")]
    pub citizen: String,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let id = ResidentId::parse("--citizen", &args.citizen)?;
    let status = view_status(desk, &admin_actor(), &id)?;
    if args.json {
        report::status_json(&id, &status)?;
    } else {
        report::status_text(desk, &status, lang);
    }
    Ok(ExitCode::SUCCESS)
}
