//! `vaxdesk staff ...`: staff accounts from the command line. Whoever can open the database
//! file administers; every change is recorded as `admin:$USER`. A new passphrase is asked
//! before the database is opened, so a refusal there changes nothing.

use super::{Failure, admin_actor, report};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Read};
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::staff_admin::{self, Unlocked};
use vaxdesk::domain::{StaffName, StaffRole};
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;
use vaxdesk::privacy::passphrase;

pub const HELP: &str = "\
Passphrases are asked twice on the terminal without echo, or read as one line from standard
input with --passphrase-stdin; only their Argon2id hash is stored. After 10 failed sign-ins in a
row an account locks for 15 minutes, or until `staff unlock`. Every change is written to the
audit log with admin:$USER as the actor.

Examples:
  vaxdesk staff add kim.nurse --role manager
  printf '%s\\n' \"$PASS\" | vaxdesk staff add park --role issuer --passphrase-stdin
  vaxdesk staff list --json
  vaxdesk staff disable park
  vaxdesk staff passwd kim.nurse
  vaxdesk staff unlock kim.nurse

Exit status: 0 done, 1 refused or bad input (message on stderr), 2 usage.";

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add an account; asks for its passphrase twice
    Add {
        /// The account name: letters, digits, '.', '-', '_' or Hangul, no spaces
        #[arg(value_name = "NAME")]
        name: String,
        /// What the account may do
        #[arg(long, value_enum, value_name = "ROLE")]
        role: StaffRoleArg,
        /// Read the passphrase as one line from standard input (for scripts)
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// List the accounts with their role and state
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it can no longer sign in
    Disable {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Enable a disabled account again
    Enable {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Give an account a new passphrase (also clears its failed attempts)
    Passwd {
        #[arg(value_name = "NAME")]
        name: String,
        /// Read the passphrase as one line from standard input (for scripts)
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// Clear an account's failed sign-ins and lift its lock
    Unlock {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// The role of a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StaffRoleArg {
    /// Runs the desk: registers citizens, records and corrects injections
    Manager,
    /// Works the queue: issues or rejects certificates
    Issuer,
}

/// The new passphrase `staff add` and `staff passwd` need, asked before the database opens;
/// `None` for the other actions.
pub fn new_passphrase_for(action: &StaffCommand, lang: Lang) -> Result<Option<String>, Failure> {
    match action {
        StaffCommand::Add {
            name,
            passphrase_stdin,
            ..
        }
        | StaffCommand::Passwd {
            name,
            passphrase_stdin,
        } => {
            let name = StaffName::parse("NAME", name)?;
            Ok(Some(new_passphrase(&name, *passphrase_stdin, lang)?))
        }
        _ => Ok(None),
    }
}

/// The longest line `--passphrase-stdin` reads (a passphrase has at most 1024 characters).
const PASSPHRASE_LINE_MAX: u64 = 16 * 1024;

/// A new passphrase: one line of standard input, or asked twice on the terminal without echo.
fn new_passphrase(name: &StaffName, from_stdin: bool, lang: Lang) -> Result<String, Failure> {
    if from_stdin {
        let mut line = Vec::new();
        std::io::stdin()
            .lock()
            .take(PASSPHRASE_LINE_MAX)
            .read_until(b'\n', &mut line)
            .map_err(|e| Failure::new(|l| msg::passphrase_stdin(l, &e.to_string())))?;
        // Only the line's end goes; spaces are part of a passphrase.
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        return String::from_utf8(line).map_err(|_| Failure::text(msg::PASS_NOT_UTF8));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::text(msg::PASS_NO_TERMINAL));
    }
    let ask = |prompt: String| {
        echo_restored_on_interrupt(|| rpassword::prompt_password(prompt))
            .map_err(|e| Failure::new(|l| msg::passphrase_terminal(l, &e.to_string())))
    };
    let first = ask(msg::passphrase_for(lang, name.as_str()))?;
    // A weak one is refused before it is typed again.
    passphrase::check_strength(&first).map_err(|e| Failure::new(|l| msg::reason(l, &e)))?;
    let again = ask(msg::PASS_AGAIN.get(lang).to_string())?;
    if again != first {
        return Err(Failure::text(msg::PASS_DIFFER));
    }
    Ok(first)
}

/// Runs a prompt that turns echo off, so that Ctrl-C during it leaves the terminal as it was:
/// rpassword restores echo only when it returns, and SIGINT would end the process first.
#[cfg(unix)]
fn echo_restored_on_interrupt<T>(prompt: impl FnOnce() -> T) -> T {
    // SAFETY: a zeroed termios is a valid value for tcgetattr to fill in.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: tcgetattr only writes the struct it is given; fd 0 is the terminal (checked).
    let read = unsafe { libc::tcgetattr(0, &mut saved) } == 0;
    let handler = read
        .then(|| {
            // SAFETY: the handler calls only async-signal-safe functions (tcsetattr, write,
            // _exit) on values it owns.
            unsafe {
                signal_hook::low_level::register(signal_hook::consts::SIGINT, move || {
                    libc::tcsetattr(0, libc::TCSANOW, &saved);
                    libc::write(2, b"\n".as_ptr().cast(), 1);
                    libc::_exit(130);
                })
            }
            .ok()
        })
        .flatten();
    let value = prompt();
    if let Some(id) = handler {
        signal_hook::low_level::unregister(id);
    }
    value
}

#[cfg(not(unix))]
fn echo_restored_on_interrupt<T>(prompt: impl FnOnce() -> T) -> T {
    prompt()
}

/// `vaxdesk staff ...`. `text` is the new passphrase of `add` and `passwd`, read beforehand.
pub fn run(
    desk: &Desk,
    action: &StaffCommand,
    text: Option<String>,
    lang: Lang,
) -> Result<ExitCode, Failure> {
    let admin = admin_actor();
    let name = |raw: &str| StaffName::parse("NAME", raw);
    let text = text.unwrap_or_default();
    match action {
        StaffCommand::Add {
            name: raw, role, ..
        } => {
            let name = name(raw)?;
            let role = match role {
                StaffRoleArg::Manager => StaffRole::Manager,
                StaffRoleArg::Issuer => StaffRole::Issuer,
            };
            staff_admin::add(desk, &admin, &name, role, &text)?;
            say!(
                "{}",
                msg::staff_added(lang, name.as_str(), &role.as_str().to_lowercase())
            );
        }
        StaffCommand::List { json } => {
            let accounts = staff_admin::list(desk)?;
            if *json {
                report::json(&accounts)?;
            } else {
                report::staff_text(&accounts, lang);
            }
        }
        StaffCommand::Disable { name: raw } => {
            let name = name(raw)?;
            staff_admin::set_disabled(desk, &admin, &name, true)?;
            say!("{}", msg::staff_disabled(lang, name.as_str()));
        }
        StaffCommand::Enable { name: raw } => {
            let name = name(raw)?;
            staff_admin::set_disabled(desk, &admin, &name, false)?;
            say!("{}", msg::staff_enabled(lang, name.as_str()));
        }
        StaffCommand::Passwd { name: raw, .. } => {
            let name = name(raw)?;
            staff_admin::set_passphrase(desk, &admin, &name, &text)?;
            say!("{}", msg::staff_passwd(lang, name.as_str()));
        }
        StaffCommand::Unlock { name: raw } => {
            let name = name(raw)?;
            match staff_admin::unlock_account(desk, &admin, &name)? {
                Unlocked::WasLocked { until, failures } => {
                    let until = vaxdesk::domain::clock::parse_stamp(&until)
                        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
                        .unwrap_or(until);
                    say!(
                        "{}",
                        msg::staff_unlocked(lang, name.as_str(), &until, failures)
                    );
                }
                Unlocked::HadFailures(n) => say!("{}", msg::staff_cleared(lang, name.as_str(), n)),
                Unlocked::Clear => say!("{}", msg::staff_nothing(lang, name.as_str())),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
