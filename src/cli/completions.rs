//! `vaxdesk completions SHELL`: prints the shell's completion script, made from the same clap
//! definition the binary parses with (so it never drifts from the real flags). Opens no
//! database and reads no keys: packagers run it at build time.

use super::{Cli, report};
use clap::CommandFactory;
use clap_complete::Shell;
use std::process::ExitCode;

pub const HELP: &str = "Examples:\n  \
    vaxdesk completions bash > ~/.local/share/bash-completion/completions/vaxdesk\n  \
    vaxdesk completions zsh > ~/.zfunc/_vaxdesk\n  \
    vaxdesk completions fish > ~/.config/fish/completions/vaxdesk.fish";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// The script goes out as clap_complete writes it: it is code for the shell, not text to
/// escape, and it holds no user data.
pub fn run(args: &Args) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "vaxdesk", &mut script);
    report::out_bytes(&script);
    ExitCode::SUCCESS
}
