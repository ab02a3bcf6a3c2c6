//! `vaxdesk seed FILE...`: applies seed files in order, each atomic and idempotent, and says
//! what each did.

use super::Failure;
use std::path::PathBuf;
use std::process::ExitCode;
use vaxdesk::app::{Desk, seed};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    for file in &args.files {
        let outcome = seed::apply_file(desk, file)?;
        say!("{}: {}", file.display(), msg::seed_outcome(lang, &outcome));
    }
    Ok(ExitCode::SUCCESS)
}
