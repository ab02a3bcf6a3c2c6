//! Administration from the command line: staff accounts and the audit log. Whoever can open
//! the database file administers; every change is recorded as `admin:$USER`.

use crate::Failure;
use crate::cli::{StaffCommand, StaffRoleArg};
use crate::report;
use rusqlite::OptionalExtension;
use std::io::{BufRead, IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::staff_admin::{self, Unlocked};
use vaxdesk::domain::{ResidentId, StaffName, StaffRole};
use vaxdesk::privacy::{files, passphrase};
use vaxdesk::store::audit::{self, AuditFilter};

/// Who administers from the command line, as the audit log records it: `admin:$USER`.
/// `$USER` names the administrator: only the file's owner can open the database (0600), so
/// the name is for reading the log, not a credential.
pub fn admin_actor() -> String {
    let user = std::env::var("USER")
        .ok()
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    format!("admin:{user}")
}

/// The longest line `--passphrase-stdin` reads (a passphrase has at most 1024 characters).
const PASSPHRASE_LINE_MAX: u64 = 16 * 1024;

/// A new passphrase: one line of standard input, or asked twice on the terminal without echo.
pub fn new_passphrase(name: &StaffName, from_stdin: bool) -> Result<String, Failure> {
    if from_stdin {
        let mut line = Vec::new();
        std::io::stdin()
            .lock()
            .take(PASSPHRASE_LINE_MAX)
            .read_until(b'\n', &mut line)
            .map_err(|e| Failure(format!("--passphrase-stdin: {e}")))?;
        // Only the line's end goes; spaces are part of a passphrase.
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        return String::from_utf8(line).map_err(|_| {
            Failure("--passphrase-stdin: the passphrase is not UTF-8 text".to_string())
        });
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure(
            "no terminal to ask for the passphrase; use --passphrase-stdin".to_string(),
        ));
    }
    let ask = |prompt: String| {
        echo_restored_on_interrupt(|| rpassword::prompt_password(prompt))
            .map_err(|e| Failure(format!("cannot read the passphrase from the terminal: {e}")))
    };
    let first = ask(format!("Passphrase for {name}: "))?;
    // A weak one is refused before it is typed again.
    passphrase::check_strength(&first).map_err(Failure)?;
    let again = ask("Again: ".to_string())?;
    if again != first {
        return Err(Failure(
            "passphrase: the two entries differ; nothing was changed".to_string(),
        ));
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
pub fn staff_command(
    desk: &Desk,
    action: StaffCommand,
    text: Option<String>,
) -> Result<ExitCode, Failure> {
    let admin = admin_actor();
    let name = |raw: &str| StaffName::parse("NAME", raw);
    let text = text.unwrap_or_default();
    match action {
        StaffCommand::Add {
            name: raw, role, ..
        } => {
            let name = name(&raw)?;
            let role = match role {
                StaffRoleArg::Manager => StaffRole::Manager,
                StaffRoleArg::Issuer => StaffRole::Issuer,
            };
            staff_admin::add(desk, &admin, &name, role, &text)?;
            say!("Added {name} ({}).", role.as_str().to_lowercase());
        }
        StaffCommand::List { json } => {
            let accounts = staff_admin::list(desk)?;
            if json {
                report::json(&accounts)?;
            } else {
                report::staff_text(&accounts);
            }
        }
        StaffCommand::Disable { name: raw } => {
            let name = name(&raw)?;
            staff_admin::set_disabled(desk, &admin, &name, true)?;
            say!("Disabled {name}: it can no longer sign in.");
        }
        StaffCommand::Enable { name: raw } => {
            let name = name(&raw)?;
            staff_admin::set_disabled(desk, &admin, &name, false)?;
            say!("Enabled {name}: it can sign in again.");
        }
        StaffCommand::Passwd { name: raw, .. } => {
            let name = name(&raw)?;
            staff_admin::set_passphrase(desk, &admin, &name, &text)?;
            say!("Changed the passphrase of {name}.");
        }
        StaffCommand::Unlock { name: raw } => {
            let name = name(&raw)?;
            match staff_admin::unlock_account(desk, &admin, &name)? {
                Unlocked::WasLocked { until, failures } => say!(
                    "Unlocked {name}: it was locked until {} after {failures} failed attempts.",
                    vaxdesk::domain::clock::parse_stamp(&until)
                        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
                        .unwrap_or(until)
                ),
                Unlocked::HadFailures(n) => say!(
                    "{name} was not locked; cleared its {n} failed attempt{}.",
                    if n == 1 { "" } else { "s" }
                ),
                Unlocked::Clear => {
                    say!("{name} was not locked and had no failed attempts; nothing to clear.")
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How many audit rows one query reads (pages are walked back by seq).
const AUDIT_PAGE: usize = 500;

/// `vaxdesk audit`: the rows that match, oldest first.
pub fn audit_command(
    desk: &Desk,
    citizen: Option<&str>,
    actor: Option<&str>,
    since: Option<chrono::DateTime<chrono::Utc>>,
    json: bool,
) -> Result<(), Failure> {
    let conn = desk.conn();
    let citizen = match citizen {
        None => None,
        Some(raw) => {
            let id = ResidentId::parse("--citizen", raw)?;
            let found: Option<i64> = conn
                .query_row(
                    "SELECT id FROM citizens WHERE id_lookup = ?1",
                    [desk.ids().lookup(&id)],
                    |r| r.get(0),
                )
                .optional()?;
            // A citizen this desk does not know has no rows; the filter itself is valid.
            Some(found)
        }
    };
    let actor = match actor.map(str::trim) {
        Some("") => return Err(Failure("--actor: must not be empty".to_string())),
        other => other.map(str::to_string),
    };
    let since = since.map(vaxdesk::domain::clock::since_stamp);
    let mut rows = Vec::new();
    if citizen != Some(None) {
        let mut filter = AuditFilter {
            citizen: citizen.flatten(),
            actor,
            since,
            before: None,
            limit: AUDIT_PAGE,
        };
        loop {
            let page = audit::page(conn, &filter)?;
            let full = page.len() == AUDIT_PAGE;
            filter.before = page.last().map(|r| r.seq);
            rows.extend(page);
            if !full {
                break;
            }
        }
    }
    rows.reverse();
    let mut masked: std::collections::HashMap<i64, Option<String>> = Default::default();
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let masked_id = match row.citizen {
            None => None,
            Some(c) => match masked.get(&c) {
                Some(m) => m.clone(),
                None => {
                    let m: Option<String> = conn
                        .query_row("SELECT masked_id FROM citizens WHERE id = ?1", [c], |r| {
                            r.get(0)
                        })
                        .optional()?
                        .filter(|m: &String| !m.is_empty());
                    masked.insert(c, m.clone());
                    m
                }
            },
        };
        lines.push(report::AuditLine { row, masked_id });
    }
    if json {
        report::audit_json(&lines)?;
    } else {
        report::audit_text(&lines);
    }
    Ok(())
}

/// What `doctor` warns about: the database, its journals and folder, the keys folders and the
/// log file, wherever someone other than their owner may read them.
pub fn file_warnings(db: &Path, key_dirs: &[&Path], log: Option<&Path>) -> Vec<String> {
    let mut found = files::wide_modes(db, None);
    for dir in key_dirs {
        found.extend(files::wide_modes(db, Some(dir)));
    }
    if let Some(log) = log.filter(|l| l.exists()) {
        found.extend(files::wide_modes(log, None));
    }
    let mut seen = std::collections::BTreeSet::new();
    found
        .into_iter()
        .filter(|w| seen.insert(w.path.clone()))
        .map(|w| w.to_string())
        .collect()
}
