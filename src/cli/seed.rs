//! `vaxdesk seed FILE...`: applies seed files in order, each atomic and idempotent, and says
//! what each did. A bar on a terminal; only the summary otherwise.

use super::Failure;
use super::progress::Bar;
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
    let bar = Bar::on_stderr(lang);
    for file in &args.files {
        let outcome = seed::apply_file_with_progress(desk, file, &bar)?;
        say!("{}: {}", file.display(), msg::seed_outcome(lang, &outcome));
    }
    Ok(ExitCode::SUCCESS)
}
