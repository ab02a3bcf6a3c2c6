//! The `vaxdesk` binary: parses flags, opens the desk, applies seeds, runs one command.
//! The only place where errors become messages and exit codes.

/// Prints one line on standard output through the output boundary ([`report::out_line`]):
/// escaped, and quiet on a closed pipe. Every command prints with it, never with `println!`.
macro_rules! say {
    () => {
        $crate::report::out_line("")
    };
    ($($arg:tt)*) => {
        $crate::report::out_line(&format!($($arg)*))
    };
}

mod admin;
mod cli;
mod export;
mod report;

use admin::{audit_command, file_warnings, new_passphrase, staff_command};
use export::{Export, cert_export};

use clap::{CommandFactory, Parser};
use cli::{CertCommand, Cli, Command, KeysCommand, RoleArg, StaffCommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use vaxdesk::app::{Desk, queries, seed};
use vaxdesk::bus::Faults;
use vaxdesk::cert::keys::{KeyError, KeyStore};
use vaxdesk::cert::{Input, TrustStore};
use vaxdesk::config::{Config, Paths};
use vaxdesk::domain::{Clock, FixedClock, ResidentId, StaffName, SystemClock};
use vaxdesk::privacy::{IdKeys, files};
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
    match run(cli) {
        Ok(code) => code,
        Err(Failure(message)) => {
            report::note(&format!("vaxdesk: {}", report::cut_quotes(&message)));
            ExitCode::from(1)
        }
    }
}

/// A command line clap cannot read. Help and version go out as clap writes them; an error
/// echoes what was typed, so it passes the same boundary as every message (escaped, quotes cut
/// to 80 characters), plain (without colours), with clap's exit status (2).
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
    // Rendered again without styles: clap's plain text drops an escape sequence typed in a
    // value instead of showing it, so the message is taken as written, then escaped.
    let plain = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches_from(std::env::args_os())
        .err()
        .map_or_else(|| e.render().to_string(), |e| e.render().ansi().to_string());
    report::note(&report::cut_quotes(&plain));
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
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
            say!(
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
            report::out_bytes(s.cert_pem().as_bytes());
        }
        KeysCommand::Import { cert, key } => {
            let read = |p: &PathBuf, what: &str| {
                vaxdesk::config::read_named_file(p, what)
                    .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
                    .map_err(|e| Failure(format!("{}: {e}", p.display())))
            };
            let s = keys.import(
                &read(cert, "a certificate file")?,
                &read(key, "a key file")?,
            )?;
            say!(
                "Imported the signer (kid {}); it signs from now on.",
                s.kid_hex()
            );
        }
        KeysCommand::Rotate => {
            let s = keys.rotate(country, now)?;
            say!(
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
    // Read only, never migrated: verifying changes nothing, whatever version wrote the file.
    let conn = vaxdesk::store::open_read_only(db).map_err(|e| unreadable(&e))?;
    if vaxdesk::store::schema::version(&conn).map_err(|e| unreadable(&e))? < 6 {
        // Written before revocation existed: nothing was revoked.
        return Ok(Some(vec![]));
    }
    let revoked = issuance::revoked_uvcis(&conn).map_err(|e| unreadable(&e))?;
    Ok(Some(revoked))
}

/// Whether the file at `db` already holds a vaxdesk schema, for `init`: an empty file (or an
/// empty SQLite database) is where the new one goes; a file that is no vaxdesk database is
/// refused as opening it would refuse it.
fn has_a_schema(db: &Path) -> Result<bool, Failure> {
    // Read-only places and a removed -wal are named as such, as every command names them.
    vaxdesk::store::refuse_what_cannot_open(db)?;
    let conn = vaxdesk::store::open_read_only(db)?;
    let version = vaxdesk::store::schema::version(&conn).map_err(|e| {
        Failure(format!(
            "database {} is not a vaxdesk database or is damaged: {}",
            db.display(),
            vaxdesk::store::schema::short(&e)
        ))
    })?;
    Ok(version > 0)
}

/// A database bound to a resident-id key, opened where that key file is missing: a new key
/// would only be refused (and left behind), so say what is wrong before anything is created.
fn refuse_a_lost_id_key(db: &Path, ids_dir: &Path) -> Result<(), Failure> {
    let key = ids_dir.join(vaxdesk::privacy::resident_ids::KEY_FILE);
    if key.exists() || !db.exists() {
        return Ok(());
    }
    let Ok(conn) = vaxdesk::store::open_read_only(db) else {
        // Whatever is wrong with the file, opening it says so.
        return Ok(());
    };
    if vaxdesk::store::schema::id_keys_bound(&conn) {
        return Err(Failure(format!(
            "the resident-id key {} is missing, and the ids in {} cannot be read or found \
             without it; restore it from the backup kept with the database (or give its \
             folder with --keys DIR)",
            key.display(),
            db.display()
        )));
    }
    Ok(())
}

/// The desk started on a database that is not there: asks on the terminal, before the
/// full-screen desk, whether to create it. Only `y` does; `n`, Enter, Esc, Ctrl-C or a closed
/// terminal leave without creating anything (the caller then refuses, exit 1).
fn ask_to_create(db: &Path) -> Result<bool, Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let question = format!(
        "No database at {}. Create a new clinic database here? (y/N) ",
        db.display()
    );
    let _ = write!(out, "{}", report::escape(&question)).and_then(|()| out.flush());
    let key = read_one_key();
    let yes = matches!(key, Some(b'y' | b'Y'));
    let _ = writeln!(out, "{}", if yes { "y" } else { "n" }).and_then(|()| out.flush());
    Ok(yes)
}

/// One key from the terminal, without waiting for Enter; `None` on end of input.
#[cfg(unix)]
fn read_one_key() -> Option<u8> {
    // SAFETY: a zeroed termios is a valid value for tcgetattr to fill in.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: tcgetattr only writes the struct it is given; fd 0 is the terminal (checked).
    let have = unsafe { libc::tcgetattr(0, &mut saved) } == 0;
    if have {
        let mut raw = saved;
        // One byte at a time, unechoed; Ctrl-C arrives as a byte (and means no).
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: sets fd 0's attributes from a struct tcgetattr filled in.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw) };
    }
    let mut byte = [0u8; 1];
    let read = std::io::Read::read(&mut std::io::stdin().lock(), &mut byte);
    if have {
        // SAFETY: restores what tcgetattr read; TCSAFLUSH drops the rest of an escape sequence.
        unsafe { libc::tcsetattr(0, libc::TCSAFLUSH, &saved) };
    }
    match read {
        Ok(1) => Some(byte[0]),
        _ => None,
    }
}

#[cfg(not(unix))]
fn read_one_key() -> Option<u8> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    line.bytes().next()
}

/// `vaxdesk verify`: exit 0 when valid, 1 naming the failed step. `named` is a database given
/// with --db (or VAXDESK_DB): when it is not there, the revocation step says its list was not
/// read, rather than that there is none.
fn verify(
    keys_dir: Option<&Path>,
    db: Option<&Path>,
    named: bool,
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
    let mut result = vaxdesk::cert::verify_input(&input, &options);
    if let Some(db) = db.filter(|_| named && revoked.is_none()) {
        for step in &mut result.steps {
            if step.step == vaxdesk::cert::Step::Revocation && step.ok {
                step.detail = format!(
                    "no database at {}: its revocations were not checked",
                    db.display()
                );
            }
        }
    }
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

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if cli.print_default_config {
        report::out_bytes(Config::default_file(&Keymap::default_toml()).as_bytes());
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
        let named = cli.db.is_some();
        return verify(
            keys_dir.as_deref(),
            db.as_deref(),
            named,
            trust,
            *at,
            *json,
            input,
        );
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
    let db: PathBuf = database_path(&cli, paths.as_ref()).ok_or_else(|| {
        Failure("cannot find a data directory for the database; give one with --db PATH".into())
    })?;
    // An empty file is no database yet: the commands that create one make it there.
    let exists = vaxdesk::store::exists(&db)? && !vaxdesk::store::is_empty_file(&db);
    let tui = cli.command.is_none();
    if tui && (!std::io::stdout().is_terminal() || !std::io::stdin().is_terminal()) {
        return Err(Failure(
            "the desk needs a terminal; for scripts use a subcommand (see --help)".into(),
        ));
    }
    if exists && matches!(cli.command, Some(Command::Init)) && has_a_schema(&db)? {
        say!(
            "There is already a database at {}; nothing was changed.",
            db.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Only these create a database that is not there: a mistyped --db is not a new clinic.
    let setting_up = matches!(
        cli.command,
        Some(
            Command::Init
                | Command::Keys {
                    action: KeysCommand::Init
                }
        )
    );
    let creates = cli.demo
        || !cli.seeds.is_empty()
        || setting_up
        || matches!(cli.command, Some(Command::Seed { .. }));
    // The desk asks first; a command is refused.
    let may_open = exists || creates || (tui && ask_to_create(&db)?);
    if !may_open {
        return Err(vaxdesk::store::StoreError::Missing {
            path: db.display().to_string(),
        }
        .into());
    }
    let keys = keys_dir.as_ref().map(KeyStore::new);
    if let Some(Command::Keys { action }) = &cli.command {
        let keys = keys
            .as_ref()
            .ok_or_else(|| Failure("cannot find a data directory for the keys".into()))?;
        let code = keys_command(keys, action, &config.country, clock()?.now())?;
        if exists || !setting_up {
            return Ok(code);
        }
        // `keys init` for a new clinic creates its database too, below.
    }
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
    if tui {
        init_log(log_dir.as_deref().unwrap_or_else(|| Path::new(".")));
    }
    let now = clock()?.now();
    // The resident-id key follows the database, since a database is bound to the key that
    // sealed its ids: the demo's own demo.db keeps it beside the demo signing keys; a database
    // named with --db keeps it in the keys folder, whether or not --demo is given.
    let ids_dir = cli
        .keys
        .clone()
        .or_else(|| {
            paths
                .as_ref()
                .map(|p| p.keys_dir(cli.demo && cli.db.is_none()))
        })
        .ok_or_else(|| {
            Failure("cannot find a folder for the keys; give one with --keys DIR".into())
        })?;
    refuse_a_lost_id_key(&db, &ids_dir)?;
    let (ids, created) = IdKeys::load_or_create_noting(&ids_dir)?;
    let key = ids_dir.join(vaxdesk::privacy::resident_ids::KEY_FILE);
    // `init` and `keys init` say it on standard output, with the database.
    if created {
        if !setting_up {
            report::note(&format!(
                "vaxdesk: created the resident-id key {}; keep it (and back it up) with the \
                 database: without it the ids in the database cannot be read",
                key.display()
            ));
        }
        tracing::info!("created the resident-id key {}", key.display());
    }
    let faults = Faults::from_env();
    let opened = if exists {
        Desk::open_existing(&db, ids, config, clock()?, faults)
    } else {
        Desk::open(&db, ids, config, clock()?, faults)
    };
    let mut desk = match opened {
        Ok(desk) => desk,
        Err(e) => {
            // A key made for a database that could not be made seals nothing: it goes too, so
            // the refusal's "nothing was changed" holds.
            if created && !exists && !db.exists() {
                let _ = std::fs::remove_file(&key);
            }
            return Err(e.into());
        }
    };
    if !exists {
        tracing::info!("created the database {}", db.display());
    }
    if setting_up {
        say!("Created the database {}.", db.display());
        if created {
            say!(
                "Created the resident-id key {}; keep it (and back it up) with the database: \
                 without it the ids in the database cannot be read.",
                key.display()
            );
        } else {
            say!(
                "Its resident-id key is {} (it was already there); keep it with the database.",
                key.display()
            );
        }
    }
    if let Some(keys) = &keys {
        if cli.demo && !keys.has_keys() {
            let signer = keys.init(&desk.config().country, now)?;
            report::note(&format!(
                "demo: created a signing key ({})",
                signer.kid_hex()
            ));
        }
        desk.set_signer(keys.current()?);
    }

    if cli.demo {
        let outcome = seed::apply_text(&desk, "demo-seed.toml", DEMO_SEED)?;
        if matches!(outcome, seed::SeedOutcome::Applied { .. }) {
            report::note(&format!("demo-seed.toml: {}", outcome.describe()));
        }
        let created = vaxdesk::app::staff_admin::ensure_demo_staff(&desk)?;
        if created > 0 {
            report::note(&format!(
                "demo: created {created} staff account(s) (shown on the sign-in screen)"
            ));
        }
    }
    for file in &cli.seeds {
        let outcome = seed::apply_file(&desk, file)?;
        report::note(&format!("{}: {}", file.display(), outcome.describe()));
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
                say!("{}: {}", file.display(), outcome.describe());
            }
        }
        Command::Status { citizen, json } => {
            let id = ResidentId::parse("--citizen", &citizen)?;
            let status = queries::status(&desk, &id)?;
            // A look at a citizen's record from the command line is on record too.
            let stamp = desk.stamp(&admin::admin_actor());
            let whose = Some(status.citizen.citizen_id);
            desk.audit(&stamp, "view status", whose, "ok", None)?;
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
            // What opening the desk caught up on was delivered by this command too.
            let opening = desk.opening_delivery().clone();
            let mut r = desk.dispatch()?;
            r.delivered += opening.delivered;
            for failure in opening.failures.into_iter().rev() {
                if !r.failures.iter().any(|(name, _)| *name == failure.0) {
                    r.failures.insert(0, failure);
                }
            }
            return Ok(report::dispatch(&desk, &r)?);
        }
        Command::Cert {
            action:
                CertCommand::Export {
                    citizen,
                    dose,
                    format,
                    out,
                    paper,
                },
        } => {
            let request = Export {
                citizen: &citizen,
                dose,
                format,
                out: out.as_deref(),
                paper,
            };
            cert_export(&desk, keys_dir.as_deref(), &request)?;
        }
        // Said when the database was created above.
        Command::Init => {}
        // Handled before the desk opens.
        Command::Verify { .. } | Command::Keys { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
