//! The `vaxdesk` binary: parses the command line and runs it ([`cli`]). The only place where
//! errors become messages and exit codes: 1 for a refusal or bad input, 2 for a usage error.

/// Prints one line on standard output through the output boundary ([`cli::report::out_line`]):
/// escaped, and quiet on a closed pipe. Every command prints with it, never with `println!`.
macro_rules! say {
    () => {
        $crate::cli::report::out_line("")
    };
    ($($arg:tt)*) => {
        $crate::cli::report::out_line(&format!($($arg)*))
    };
}

mod cli;

use clap::Parser;
use cli::{Cli, report};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Whatever this process creates (the database's -wal and -shm, the log, exports, keys) is
    // its owner's alone.
    vaxdesk::privacy::files::restrict_new_files();
    std::panic::set_hook(Box::new(|info| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "vaxdesk: internal error: {}\nnothing half-done was saved; please report this with \
             the command you ran",
            report::escape(&info.to_string())
        );
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    // Decided once, before anything can fail: a refusal after parsing is in this language.
    let lang = cli::language(&cli);
    match cli::run(cli, lang) {
        Ok(code) => code,
        Err(failure) => {
            let message = failure.message(lang);
            report::note(&format!("vaxdesk: {}", report::cut_quotes(message)));
            ExitCode::from(1)
        }
    }
}

/// A command line clap cannot read. Help and version go out as clap writes them; an error, in
/// the person's language ([`cli::usage`]), echoes what was typed, so it passes the same
/// boundary as every message (escaped, quotes cut to 80 characters), plain (without colours),
/// with clap's exit status (2).
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    report::note(&report::cut_quotes(&cli::usage::message(e, &args)));
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}
