//! `vaxdesk rebuild-views`: rebuilds the citizens' status view from the event log, or with
//! `--check` only compares (exit 1 when the live view differs). A bar on a terminal; only the
//! summary otherwise.

use super::progress::Bar;
use super::{Failure, report};
use std::process::ExitCode;
use vaxdesk::app::{Desk, queries};
use vaxdesk::i18n::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only compare: exit 1 and show the differences if the live view differs
    #[arg(long)]
    pub check: bool,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let result = queries::rebuild_views_with_progress(desk, !args.check, &Bar::on_stderr(lang))?;
    Ok(report::rebuild(&result, args.check, lang))
}
