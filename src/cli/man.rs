//! `vaxdesk man --out DIR`: writes the manual pages, `vaxdesk.1` and one page per subcommand
//! (`vaxdesk-seed.1`, nested ones as `vaxdesk-cert-export.1`), made with clap_mangen from the
//! same clap definition the binary parses with. Opens no database and reads no keys: packagers
//! run it at build time.

use super::{Cli, Failure};
use clap::CommandFactory;
use clap_mangen::Man;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const HELP: &str = "Examples:\n  vaxdesk man --out man\n  man -l man/vaxdesk-seed.1";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write the pages in (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: &Args, lang: vaxdesk::i18n::Lang) -> Result<ExitCode, Failure> {
    let out = &args.out;
    std::fs::create_dir_all(out).map_err(|e| {
        let what = format!("--out {}", out.display());
        Failure::new(|l| vaxdesk::i18n::cli::file_error(l, &what, &e.to_string()))
    })?;
    // Built once from the top, so every subcommand knows its full name (`vaxdesk-cert-export`).
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut written = 0;
    write_pages(&command, out, &mut written)?;
    say!(
        "{}",
        vaxdesk::i18n::cli::man_written(lang, written, &out.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the page of `command`, then those of its visible subcommands.
fn write_pages(command: &clap::Command, out: &Path, written: &mut usize) -> Result<(), Failure> {
    let page = Man::new(command.clone()).source(format!("vaxdesk {}", env!("CARGO_PKG_VERSION")));
    let path = out.join(page.get_filename());
    let mut roff = Vec::new();
    page.render(&mut roff)?;
    let failed = |e: std::io::Error| {
        let what = path.display().to_string();
        Failure::new(|l| vaxdesk::i18n::cli::file_error(l, &what, &e.to_string()))
    };
    std::fs::write(&path, roff).map_err(failed)?;
    // A manual is for everyone who runs the program: readable by all, unlike the desk's files
    // (whose mask this process sets).
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).map_err(failed)?;
    *written += 1;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, out, written)?;
    }
    Ok(())
}
