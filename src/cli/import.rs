//! `vaxdesk import FILE...`: takes in spreadsheets of citizens and injections (CSV, one row per
//! injection), each file atomic and idempotent, and says what each did. A bar on a terminal;
//! only the summary otherwise.

use super::progress::Bar;
use super::{Failure, admin_actor};
use std::path::PathBuf;
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::import::{self, TextEncoding};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

pub const HELP: &str = "\
Columns (by name, in any order): id, family_name, given_name, birth_date, family_name_icao,
given_name_icao, product, dose, series, date, lot, status, centre, country. One row per
injection; a row without product registers the citizen only.

Example:
  vaxdesk --db clinic.db import people.csv";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The files' text encoding: auto reads UTF-8 (with or without a BOM), else CP949/EUC-KR
    #[arg(long, value_enum, default_value = "auto", value_name = "ENCODING")]
    pub encoding: EncodingArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EncodingArg {
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(alias = "euc-kr")]
    Cp949,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let encoding = match args.encoding {
        EncodingArg::Auto => TextEncoding::Auto,
        EncodingArg::Utf8 => TextEncoding::Utf8,
        EncodingArg::Cp949 => TextEncoding::Cp949,
    };
    let bar = Bar::on_stderr(lang);
    for file in &args.files {
        let outcome = import::import_file(desk, &admin_actor(), file, encoding, &bar)?;
        say!(
            "{}: {}",
            file.display(),
            msg::import_outcome(lang, &outcome)
        );
    }
    Ok(ExitCode::SUCCESS)
}
