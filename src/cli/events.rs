//! `vaxdesk events`: the event log after a sequence number, streamed page by page.

use super::{Failure, report};
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::i18n::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only events with a sequence number greater than this
    #[arg(long, value_name = "SEQ", default_value_t = 0,
          value_parser = clap::value_parser!(i64).range(0..))]
    pub after: i64,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    report::events(desk, args.after, args.json, lang)?;
    Ok(ExitCode::SUCCESS)
}
