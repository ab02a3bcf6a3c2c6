//! `vaxdesk dispatch`: delivers pending events to the subscribers now; exit 1 while one still
//! lags.

use super::{Failure, report};
use std::process::ExitCode;
use vaxdesk::app::{Desk, maintenance};
use vaxdesk::i18n::Lang;

pub fn run(desk: &Desk, lang: Lang) -> Result<ExitCode, Failure> {
    let delivered = maintenance::dispatch(desk)?;
    Ok(report::dispatch(desk, &delivered, lang)?)
}
