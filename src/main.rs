//! The `vaxdesk` binary: parses flags, opens the desk, applies seeds, runs one command.
//! The only place where errors become messages and exit codes.

mod cli;
mod report;

use clap::Parser;
use cli::{
    CertCommand, Cli, Command, ExportFormat, KeysCommand, RoleArg, StaffCommand, StaffRoleArg,
};
use rusqlite::OptionalExtension;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use vaxdesk::app::staff_admin::{self, Unlocked};
use vaxdesk::app::{Desk, access, commands, queries, seed};
use vaxdesk::bus::Faults;
use vaxdesk::cert::keys::{KeyError, KeyStore};
use vaxdesk::cert::{Input, TrustStore};
use vaxdesk::config::{Config, Paths};
use vaxdesk::domain::{Clock, FixedClock, ResidentId, StaffName, StaffRole, SystemClock};
use vaxdesk::privacy::{IdKeys, files, passphrase};
use vaxdesk::store::audit::{self, AuditFilter};
use vaxdesk::store::issuance;
use vaxdesk::tui::app::Role;
use vaxdesk::tui::keymap::Keymap;
use vaxdesk::tui::theme::Theme;

const DEMO_SEED: &str = include_str!("../assets/demo-seed.toml");

/// A failure the user must read: printed on stderr, exit status 1.
#[derive(Debug)]
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    // Whatever this process creates (the database's -wal and -shm, the log, exports, keys) is
    // its owner's alone.
    files::restrict_new_files();
    std::panic::set_hook(Box::new(|info| {
        eprintln!("vaxdesk: internal error: {info}");
        eprintln!("nothing half-done was saved; please report this with the command you ran");
    }));
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("vaxdesk: {message}");
            ExitCode::from(1)
        }
    }
}

const LOG_FILE: &str = "vaxdesk.log";

/// Logs go to `vaxdesk.log` in the data directory, never to the screen, in a file that is its
/// owner's alone (0600) like the database. A log that cannot be opened is not a reason to
/// refuse the desk.
fn init_log(dir: &Path) {
    let _ = files::create_dir_private(dir);
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let Ok(file) = options.open(dir.join(LOG_FILE)) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
}

fn clock() -> Result<Arc<dyn Clock>, Failure> {
    // VAXDESK_NOW fixes the clock (scripted demos and tests).
    match std::env::var("VAXDESK_NOW") {
        Ok(v) => {
            let t = chrono::DateTime::parse_from_rfc3339(v.trim())
                .map_err(|_| Failure(format!("VAXDESK_NOW: '{v}' is not an RFC 3339 time")))?;
            Ok(Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}

/// `vaxdesk keys ...`: creates, shows, imports or rotates the signing keys.
fn keys_command(
    keys: &KeyStore,
    action: &KeysCommand,
    country: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ExitCode, Failure> {
    match action {
        KeysCommand::Init => {
            let s = keys.init(country, now)?;
            println!(
                "Created a country CA and a document signer (kid {}) in {}; valid until {}.",
                s.kid_hex(),
                keys.dir().display(),
                s.not_after().format("%Y-%m-%d")
            );
        }
        KeysCommand::ExportCert => {
            let s = keys
                .current()?
                .ok_or_else(|| KeyError::Missing(keys.dir().display().to_string()))?;
            print!("{}", s.cert_pem());
        }
        KeysCommand::Import { cert, key } => {
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).map_err(|e| Failure(format!("{}: {e}", p.display())))
            };
            let s = keys.import(&read(cert)?, &read(key)?)?;
            println!(
                "Imported the signer (kid {}); it signs from now on.",
                s.kid_hex()
            );
        }
        KeysCommand::Rotate => {
            let s = keys.rotate(country, now)?;
            println!(
                "A new signer (kid {}) signs from now on; the old ones stay trusted.",
                s.kid_hex()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The database file, resolved the same way for every command: `--db` (or `VAXDESK_DB`), else
/// `demo.db` with `--demo`, else `vaxdesk.db`, both in the data directory.
fn database_path(cli: &Cli, paths: Option<&Paths>) -> Option<PathBuf> {
    match (&cli.db, paths) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(paths)) if cli.demo => Some(paths.demo_database()),
        (None, Some(paths)) => Some(paths.database()),
        (None, None) => None,
    }
}

/// This desk's revoked certificate ids, when its database exists (verifying never creates
/// one); `None` when there is no database.
fn desk_revocations(db: Option<&Path>) -> Result<Option<Vec<String>>, Failure> {
    let Some(db) = db.filter(|db| db.exists()) else {
        return Ok(None);
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        Failure(format!(
            "cannot read this desk's revocations from {}: {e}",
            db.display()
        ))
    };
    let conn = vaxdesk::store::open(db).map_err(|e| unreadable(&e))?;
    let revoked = issuance::revoked_uvcis(&conn).map_err(|e| unreadable(&e))?;
    Ok(Some(revoked))
}

/// `vaxdesk verify`: exit 0 when valid, 1 naming the failed step.
fn verify(
    keys_dir: Option<&Path>,
    db: Option<&Path>,
    trust: &[PathBuf],
    at: Option<chrono::DateTime<chrono::Utc>>,
    json: bool,
    input: &str,
) -> Result<ExitCode, Failure> {
    let store = match keys_dir {
        _ if !trust.is_empty() => {
            TrustStore::from_files(trust).map_err(|e| Failure(format!("--trust {e}")))?
        }
        Some(dir) => TrustStore::desk_signers(dir)?,
        None => {
            return Err(Failure(
                "there are no trusted signer certificates (no data directory); pass --trust PEM_FILE"
                    .into(),
            ));
        }
    };
    let at = match at {
        Some(at) => at,
        None => clock()?.now(),
    };
    let input = Input::from_arg(input)?;
    let revoked = desk_revocations(db)?;
    let options = vaxdesk::cert::Options {
        trust: &store,
        at,
        revoked: revoked.as_deref(),
    };
    let result = vaxdesk::cert::verify_input(&input, &options);
    if json {
        report::json(&result.to_json())?;
    } else {
        report::verify_text(&result);
    }
    match result.failure() {
        None if result.valid() => Ok(ExitCode::SUCCESS),
        None => Err(Failure("verify failed: not every step ran".into())),
        Some(f) => Err(Failure(format!(
            "verify failed at {}: {}",
            f.step.name(),
            f.detail
        ))),
    }
}

/// Pixels per module of an exported PNG (a typical certificate is about 700 pixels wide).
const PNG_SCALE: usize = 8;

/// What `cert export` was asked for.
struct Export<'a> {
    citizen: &'a str,
    dose: u32,
    format: ExportFormat,
    out: Option<&'a Path>,
}

/// `vaxdesk cert export`: the latest certificate issued for a citizen's dose, as signed.
fn cert_export(desk: &Desk, keys_dir: Option<&Path>, request: &Export<'_>) -> Result<(), Failure> {
    let id = ResidentId::parse("--citizen", request.citizen)?;
    let ctx = desk.ctx(desk.conn());
    let citizen = commands::find_citizen(&ctx, &id)?;
    let injection = commands::find_injection(&ctx, &citizen, request.dose)?;
    let dose = request.dose;
    let row = issuance::certificate_for_injection(desk.conn(), injection.id)?.ok_or_else(|| {
        Failure(format!(
            "no certificate has been issued for dose {dose} of {}",
            citizen.masked_id
        ))
    })?;
    let hc1 = row.payload.clone().ok_or_else(|| {
        Failure(format!(
            "certificate {} has no signed text stored (it was issued before this desk signed \
             certificates)",
            row.uvci
        ))
    })?;
    // Decoding needs no trust; checking against this desk's own signers and revocations now
    // tells the JSON (and the warnings) whether a verifier here would accept it today.
    let trust = keys_dir
        .and_then(|dir| TrustStore::desk_signers(dir).ok())
        .unwrap_or_default();
    let revoked = issuance::revoked_uvcis(desk.conn())?;
    let check = vaxdesk::cert::verify(
        &hc1,
        &vaxdesk::cert::Options {
            trust: &trust,
            at: desk.now(),
            revoked: Some(&revoked),
        },
    );
    let bytes = match request.format {
        ExportFormat::Hc1 => format!("{hc1}\n").into_bytes(),
        ExportFormat::Json => {
            if check.certificate.is_none() {
                let why = check
                    .failure()
                    .map(|f| format!("{}: {}", f.step.name(), f.detail))
                    .unwrap_or_default();
                return Err(Failure(format!(
                    "the stored certificate {} does not decode ({why})",
                    row.uvci
                )));
            }
            let value = report::certificate_json(id.as_str(), dose, &row, &check);
            let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into());
            format!("{text}\n").into_bytes()
        }
        ExportFormat::Png | ExportFormat::Svg => {
            let qr = vaxdesk::cert::qr::encode(&hc1)
                .map_err(|e| Failure(format!("certificate {}: {e}", row.uvci)))?;
            if request.format == ExportFormat::Png {
                qr.png(PNG_SCALE)
            } else {
                format!("{}\n", qr.svg()).into_bytes()
            }
        }
    };
    let picture = match request.format {
        ExportFormat::Png => Some("PNG"),
        ExportFormat::Svg => Some("SVG"),
        _ => None,
    };
    if let (None, Some(kind)) = (request.out, picture)
        && std::io::stdout().is_terminal()
    {
        return Err(Failure(format!(
            "refusing to write a {kind} picture to the terminal; give --out FILE or redirect \
             standard output (> certificate.{})",
            kind.to_lowercase()
        )));
    }
    for warning in report::certificate_warnings(&row, &check) {
        eprintln!("vaxdesk: warning: {warning}");
    }
    let written = match request.out {
        Some(path) => {
            write_atomically(path, &bytes)?;
            eprintln!(
                "Wrote certificate {} (dose {dose} of {}) to {}.",
                row.uvci,
                citizen.masked_id,
                path.display()
            );
            true
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
                Ok(()) => true,
                // A closed pipe (`| head -c 10`) ends the output quietly.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
                Err(e) => return Err(Failure(format!("standard output: {e}"))),
            }
        }
    };
    // Recorded once the whole certificate has left the desk.
    if written {
        let how = match request.format {
            ExportFormat::Hc1 => "as hc1",
            ExportFormat::Png => "as png",
            ExportFormat::Svg => "as svg",
            ExportFormat::Json => "as json",
        };
        access::record_export(desk, &admin_actor(), citizen.id, &row.uvci, how).map_err(|e| {
            Failure(format!(
                "certificate {} was exported but the audit log could not record it: {e}",
                row.uvci
            ))
        })?;
    }
    Ok(())
}

/// Writes a whole file or nothing: a temporary file beside it, synced, then renamed over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure(format!("--out {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| fail(&"not a file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(&e));
    }
    // The rename itself survives a crash once the folder is synced (best effort).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Who administers from the command line, as the audit log records it: `admin:$USER`.
fn admin_actor() -> String {
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
fn new_passphrase(name: &StaffName, from_stdin: bool) -> Result<String, Failure> {
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
        rpassword::prompt_password(prompt)
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

/// `vaxdesk staff ...`. `text` is the new passphrase of `add` and `passwd`, read beforehand.
fn staff_command(
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
            println!("Added {name} ({}).", role.as_str().to_lowercase());
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
            println!("Disabled {name}: it can no longer sign in.");
        }
        StaffCommand::Enable { name: raw } => {
            let name = name(&raw)?;
            staff_admin::set_disabled(desk, &admin, &name, false)?;
            println!("Enabled {name}: it can sign in again.");
        }
        StaffCommand::Passwd { name: raw, .. } => {
            let name = name(&raw)?;
            staff_admin::set_passphrase(desk, &admin, &name, &text)?;
            println!("Changed the passphrase of {name}.");
        }
        StaffCommand::Unlock { name: raw } => {
            let name = name(&raw)?;
            match staff_admin::unlock_account(desk, &admin, &name)? {
                Unlocked::WasLocked { until, failures } => println!(
                    "Unlocked {name}: it was locked until {} after {failures} failed attempts.",
                    vaxdesk::domain::clock::parse_stamp(&until)
                        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
                        .unwrap_or(until)
                ),
                Unlocked::HadFailures(n) => println!(
                    "{name} was not locked; cleared its {n} failed attempt{}.",
                    if n == 1 { "" } else { "s" }
                ),
                Unlocked::Clear => {
                    println!("{name} was not locked and had no failed attempts; nothing to clear.")
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How many audit rows one query reads (pages are walked back by seq).
const AUDIT_PAGE: usize = 500;

/// `vaxdesk audit`: the rows that match, oldest first.
fn audit_command(
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
    // Stored stamps keep whole seconds: round a fraction up so nothing earlier slips in.
    let since = since.map(|t| {
        let whole = chrono::DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
        let t = if whole < t {
            whole + chrono::Duration::seconds(1)
        } else {
            whole
        };
        vaxdesk::domain::clock::stamp(t)
    });
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
fn file_warnings(db: &Path, key_dirs: &[&Path], log: Option<&Path>) -> Vec<String> {
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

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if cli.print_default_config {
        print!("{}", Config::default_file(&Keymap::default_toml()));
        return Ok(ExitCode::SUCCESS);
    }
    let paths = Paths::discover();
    let keys_dir: Option<PathBuf> = cli
        .keys
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.keys_dir(cli.demo)));
    // Verifying reads no database and no configuration.
    if let Some(Command::Verify {
        trust,
        at,
        json,
        input,
    }) = &cli.command
    {
        let db = database_path(&cli, paths.as_ref());
        return verify(keys_dir.as_deref(), db.as_deref(), trust, *at, *json, input);
    }
    let (config, config_path) = match (&cli.config, &paths) {
        (Some(p), _) => (Config::load(p, true)?, p.display().to_string()),
        (None, Some(paths)) => (
            Config::load(&paths.config_file, false)?,
            paths.config_file.display().to_string(),
        ),
        (None, None) => (Config::default(), "config".into()),
    };
    // Bindings and colours are checked before anything else happens.
    let keymap =
        Keymap::new(&config.keys).map_err(|e| Failure(format!("config {config_path}: {e}")))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::new(&config.colours, no_color)
        .map_err(|e| Failure(format!("config {config_path}: {e}")))?;
    let keys = keys_dir.as_ref().map(KeyStore::new);
    if let Some(Command::Keys { action }) = &cli.command {
        let keys = keys
            .as_ref()
            .ok_or_else(|| Failure("cannot find a data directory for the keys".into()))?;
        return keys_command(keys, action, &config.country, clock()?.now());
    }
    let db: PathBuf = database_path(&cli, paths.as_ref()).ok_or_else(|| {
        Failure("cannot find a data directory for the database; give one with --db PATH".into())
    })?;
    let log_dir = paths.as_ref().map(|p| p.data_dir.clone());
    // A new passphrase is asked before the database is opened: a refusal here changes nothing.
    let passphrase_text = match &cli.command {
        Some(Command::Staff {
            action:
                StaffCommand::Add {
                    name,
                    passphrase_stdin,
                    ..
                }
                | StaffCommand::Passwd {
                    name,
                    passphrase_stdin,
                },
        }) => {
            let name = StaffName::parse("NAME", name)?;
            Some(new_passphrase(&name, *passphrase_stdin)?)
        }
        _ => None,
    };
    let tui = cli.command.is_none();
    if tui {
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            return Err(Failure(
                "the desk needs a terminal; for scripts use a subcommand (see --help)".into(),
            ));
        }
        init_log(log_dir.as_deref().unwrap_or_else(|| Path::new(".")));
    }
    let now = clock()?.now();
    // One resident-id key per keys folder, demo or not: a database is bound to the key that
    // sealed its ids, whichever flags later open it.
    let ids_dir = cli
        .keys
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.keys_dir(false)))
        .ok_or_else(|| {
            Failure("cannot find a folder for the keys; give one with --keys DIR".into())
        })?;
    let ids = IdKeys::load_or_create(&ids_dir)?;
    let mut desk = Desk::open(&db, ids, config, clock()?, Faults::from_env())?;
    if let Some(keys) = &keys {
        if cli.demo && !keys.has_keys() {
            let signer = keys.init(&desk.config().country, now)?;
            eprintln!("demo: created a signing key ({})", signer.kid_hex());
        }
        desk.set_signer(keys.current()?);
    }

    if cli.demo {
        let outcome = seed::apply_text(&desk, "demo-seed.toml", DEMO_SEED)?;
        if matches!(outcome, seed::SeedOutcome::Applied { .. }) {
            eprintln!("demo-seed.toml: {}", outcome.describe());
        }
        let created = vaxdesk::app::staff_admin::ensure_demo_staff(&desk)?;
        if created > 0 {
            eprintln!("demo: created {created} staff account(s) (shown on the sign-in screen)");
        }
    }
    for file in &cli.seeds {
        let outcome = seed::apply_file(&desk, file)?;
        eprintln!("{}: {}", file.display(), outcome.describe());
    }

    let Some(command) = cli.command else {
        let role = cli.role.map(|r| match r {
            RoleArg::Manager => Role::Manager,
            RoleArg::Issuer => Role::Issuer,
            RoleArg::Citizen => Role::Citizen,
        });
        tracing::info!("desk opened on {}", db.display());
        vaxdesk::tui::run(&desk, role, keymap, theme, cli.demo)
            .map_err(|e| Failure(format!("terminal: {e}")))?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Seed { files } => {
            for file in &files {
                let outcome = seed::apply_file(&desk, file)?;
                println!("{}: {}", file.display(), outcome.describe());
            }
        }
        Command::Status { citizen, json } => {
            let id = ResidentId::parse("--citizen", &citizen)?;
            let status = queries::status(&desk, &id)?;
            if json {
                report::status_json(&id, &status)?;
            } else {
                report::status_text(&desk, &status);
            }
        }
        Command::Queue { json } => {
            let items = queries::queue(&desk, i64::MAX)?;
            if json {
                report::json(&items)?;
            } else {
                report::queue_text(&items);
            }
        }
        Command::Events { after, json } => report::events(&desk, after, json)?,
        Command::RebuildViews { check } => {
            let result = queries::rebuild_views(&desk, !check)?;
            return Ok(report::rebuild(&result, check));
        }
        Command::Doctor => {
            let d = queries::doctor(&desk)?;
            let mut key_dirs: Vec<&Path> = vec![&ids_dir];
            if let Some(k) = keys_dir.as_deref().filter(|k| *k != ids_dir) {
                key_dirs.push(k);
            }
            let log = log_dir.as_ref().map(|d| d.join(LOG_FILE));
            let warnings = file_warnings(&db, &key_dirs, log.as_deref());
            return Ok(report::doctor(&d, &db, &warnings));
        }
        Command::Staff { action } => return staff_command(&desk, action, passphrase_text),
        Command::Audit {
            citizen,
            actor,
            since,
            json,
        } => audit_command(&desk, citizen.as_deref(), actor.as_deref(), since, json)?,
        Command::Dispatch => {
            let r = desk.dispatch()?;
            return Ok(report::dispatch(&desk, &r)?);
        }
        Command::Cert {
            action:
                CertCommand::Export {
                    citizen,
                    dose,
                    format,
                    out,
                },
        } => {
            let request = Export {
                citizen: &citizen,
                dose,
                format,
                out: out.as_deref(),
            };
            cert_export(&desk, keys_dir.as_deref(), &request)?;
        }
        // Handled before the desk opens.
        Command::Verify { .. } | Command::Keys { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
