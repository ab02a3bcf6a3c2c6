//! `vaxdesk queue`: the issuer's pending requests, oldest first.

use super::{Failure, report};
use std::process::ExitCode;
use vaxdesk::app::{Desk, queries};
use vaxdesk::i18n::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let items = queries::queue(desk, i64::MAX)?;
    if args.json {
        report::json(&items)?;
    } else {
        report::queue_text(desk, &items, lang);
    }
    Ok(ExitCode::SUCCESS)
}
