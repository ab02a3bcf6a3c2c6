//! Shared helpers for the integration tests that run the real `vaxdesk` binary.
//!
//! Every child gets a fixed clock (`VAXDESK_NOW`), an explicit `--db` in a temporary folder,
//! no inherited `VAXDESK_DB` / `VAXDESK_FAULTS` / `VAXDESK_CONFIG`, and its own XDG folders so
//! a user's configuration can never leak in.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// The fixed "now" of every test unless a test moves it.
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_vaxdesk");

/// What one run of the binary did.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub what: String,
}

impl Run {
    fn from_output(what: String, out: Output) -> Run {
        Run {
            // A child killed by a signal has no code; -1 never matches an expectation.
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            what,
        }
    }

    fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "`{}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.what, self.code, self.stdout, self.stderr
        );
        assert!(
            !self.stderr.contains("internal error") && !self.stderr.contains("panicked"),
            "`{}` panicked:\n{}",
            self.what,
            self.stderr
        );
        self
    }

    /// Exit status 0.
    pub fn ok(self) -> Run {
        self.expect(0)
    }

    /// Exit status 1 with a message on stderr.
    pub fn refused(self) -> Run {
        let r = self.expect(1);
        assert!(
            !r.stderr.trim().is_empty(),
            "`{}` exited 1 without a message on stderr",
            r.what
        );
        r
    }

    /// Exit status 2 (usage error).
    pub fn usage(self) -> Run {
        let r = self.expect(2);
        assert!(
            !r.stderr.trim().is_empty(),
            "`{}` exited 2 without a message on stderr",
            r.what
        );
        r
    }

    /// Stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("`{}` did not print JSON ({e}):\n{}", self.what, self.stdout)
        })
    }
}

/// Runs a prepared command to completion.
pub fn run(cmd: &mut Command) -> Run {
    let what = describe(cmd);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{what}`: {e}"));
    Run::from_output(what, out)
}

/// Runs a prepared command to completion with `input` on its standard input.
pub fn run_input(cmd: &mut Command, input: &str) -> Run {
    use std::io::Write;
    let what = describe(cmd);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `{what}`: {e}"));
    let mut stdin = child.stdin.take().expect("a piped stdin");
    // The child may exit without reading (a usage error): a closed pipe is not a failure.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("cannot wait for `{what}`: {e}"));
    Run::from_output(what, out)
}

fn describe(cmd: &Command) -> String {
    let mut s = String::from("vaxdesk");
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// A temporary desk: a folder, a database path in it, and the clock its children see.
pub struct Desk {
    pub dir: TempDir,
    pub db: PathBuf,
    pub now: String,
}

impl Default for Desk {
    fn default() -> Self {
        Desk::new()
    }
}

impl Desk {
    pub fn new() -> Desk {
        let desk = Desk::without_database();
        // Its database is created as a clinic creates one: no other command creates it.
        run(desk.command().arg("init")).ok();
        desk
    }

    /// A desk with its keys but no database yet (tests of what creates one, and what not).
    pub fn without_database() -> Desk {
        let dir = tempfile::Builder::new()
            .prefix("vaxdesk-it-")
            .tempdir()
            .expect("temporary folder");
        let db = dir.path().join("desk.db");
        let desk = Desk {
            dir,
            db,
            now: NOW.to_string(),
        };
        // Issuing signs: every test desk gets its own keys in its own data directory (made
        // here, not by `keys init`, which would create the default database too).
        // Private, as the binary makes every folder it creates.
        vaxdesk::privacy::files::create_dir_private(&desk.keys_dir()).expect("keys folder");
        let now = chrono::DateTime::parse_from_rfc3339(NOW).expect("NOW");
        vaxdesk::cert::keys::KeyStore::new(desk.keys_dir())
            .init("KR", now.with_timezone(&chrono::Utc))
            .expect("signing keys");
        desk
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The desk's keys folder (signing keys and the resident-id key).
    pub fn keys_dir(&self) -> PathBuf {
        self.path("xdg-data/vaxdesk/keys")
    }

    /// The keyed hash events and the status view carry for a resident id.
    pub fn lookup(&self, id: &str) -> String {
        let keys = vaxdesk::privacy::IdKeys::load_or_create(&self.keys_dir()).expect("id keys");
        keys.lookup(&vaxdesk::domain::ResidentId::parse("id", id).expect("an id"))
    }

    /// Writes a file under the desk's folder (creating sub-folders); returns its full path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&p, text).expect("write file");
        p
    }

    /// The binary with a clean environment, run in the desk's folder, without `--db`.
    pub fn bare(&self) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env_remove("VAXDESK_DB")
            .env_remove("VAXDESK_FAULTS")
            .env_remove("VAXDESK_CONFIG")
            .env("VAXDESK_NOW", &self.now)
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("XDG_DATA_HOME", self.dir.path().join("xdg-data"))
            .env("RUST_BACKTRACE", "0");
        c
    }

    /// The binary with a clean environment and `--db` set to the desk's database.
    pub fn command(&self) -> Command {
        let mut c = self.bare();
        c.arg("--db").arg(&self.db);
        c
    }

    /// `vaxdesk --db DB ARGS...` in a pseudo-terminal of 24 rows and `cols` columns, with the
    /// same environment as [`Desk::command`] plus `env`; returns the terminal's master side
    /// (read it, write to it) and the child.
    pub fn spawn_in_pty(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
    ) -> (
        Box<dyn portable_pty::MasterPty + Send>,
        Box<dyn portable_pty::Child + Send + Sync>,
    ) {
        let pair = portable_pty::native_pty_system()
            .openpty(portable_pty::PtySize {
                rows: 24,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = portable_pty::CommandBuilder::new(BIN);
        cmd.args(["--db", &self.db.to_string_lossy()]);
        cmd.args(args);
        for k in ["VAXDESK_DB", "VAXDESK_FAULTS", "VAXDESK_CONFIG"] {
            cmd.env_remove(k);
        }
        cmd.env("VAXDESK_NOW", &self.now);
        cmd.env("XDG_CONFIG_HOME", self.path("xdg-config"));
        cmd.env("XDG_DATA_HOME", self.path("xdg-data"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(self.dir.path());
        let child = pair.slave.spawn_command(cmd).expect("the binary starts");
        drop(pair.slave);
        (pair.master, child)
    }

    /// Runs `vaxdesk --db DB ARGS...`.
    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command().args(args))
    }

    /// Runs with extra environment variables.
    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut c = self.command();
        for (k, v) in env {
            c.env(k, v);
        }
        run(c.args(args))
    }

    /// Runs `vaxdesk --db DB ARGS...` with `input` on standard input.
    pub fn run_input(&self, input: &str, args: &[&str]) -> Run {
        run_input(self.command().args(args), input)
    }

    /// Writes `text` to `name` (relative to the desk's folder) and runs `seed name`.
    pub fn seed(&self, name: &str, text: &str) -> Run {
        self.write(name, text);
        self.run(&["seed", name])
    }

    /// Like [`Desk::seed`], asserting success.
    pub fn seed_ok(&self, name: &str, text: &str) -> Run {
        let r = self.seed(name, text).ok();
        assert!(
            r.stdout.contains(&format!("{name}: applied")),
            "seed {name} did not report `applied`:\n{}",
            r.stdout
        );
        r
    }

    /// `events --json`, raw (to compare the whole log before and after).
    pub fn events_text(&self) -> String {
        self.run(&["events", "--json"]).ok().stdout
    }

    /// `events --json`, parsed.
    pub fn events(&self) -> Vec<Value> {
        let r = self.run(&["events", "--json"]).ok();
        match r.json() {
            Value::Array(a) => a,
            other => panic!("events --json is not an array: {other}"),
        }
    }

    /// `status --citizen ID --json`, asserting success.
    pub fn status(&self, id: &str) -> Value {
        self.run(&["status", "--citizen", id, "--json"]).ok().json()
    }

    /// Asserts the citizen is not registered (exit 1, "not registered").
    pub fn assert_not_registered(&self, id: &str) {
        let r = self.run(&["status", "--citizen", id, "--json"]).refused();
        assert!(
            r.stderr.contains("not registered"),
            "status of {id}: expected `not registered`, got:\n{}",
            r.stderr
        );
        assert!(
            r.stdout.trim().is_empty(),
            "status of {id} printed:\n{}",
            r.stdout
        );
    }

    /// `queue --json`, parsed.
    pub fn queue(&self) -> Vec<Value> {
        match self.run(&["queue", "--json"]).ok().json() {
            Value::Array(a) => a,
            other => panic!("queue --json is not an array: {other}"),
        }
    }
}

/// The keyed hashes of the ids of the `CitizenRegistered` events in a log (compare with
/// [`Desk::lookup`]).
pub fn registered_ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["type"] == "CitizenRegistered")
        .map(|e| {
            e["data"]["id_lookup"]
                .as_str()
                .expect("CitizenRegistered has data.id_lookup")
                .to_string()
        })
        .collect()
}

/// The same, as a set, asserting no id was registered twice.
pub fn registered_set(events: &[Value]) -> BTreeSet<String> {
    let ids = registered_ids(events);
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "a citizen was registered twice");
    set
}

/// Counts events of one type.
pub fn count_type(events: &[Value], t: &str) -> usize {
    events.iter().filter(|e| e["type"] == t).count()
}

// --- seed text ---------------------------------------------------------------------------------

/// Builds one `[[step]]` table.
pub struct Step(String);

pub fn step(action: &str) -> Step {
    Step(format!("[[step]]\naction = {}\n", quote(action)))
}

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

impl Step {
    /// A string field.
    pub fn s(mut self, key: &str, value: &str) -> Step {
        let _ = writeln!(self.0, "{key} = {}", quote(value));
        self
    }

    /// An integer field.
    pub fn i(mut self, key: &str, value: i64) -> Step {
        let _ = writeln!(self.0, "{key} = {value}");
        self
    }

    /// A field written as a raw TOML literal (dates, wrong types).
    pub fn raw(mut self, key: &str, literal: &str) -> Step {
        let _ = writeln!(self.0, "{key} = {literal}");
        self
    }

    /// The step's time (`at`, RFC 3339 with offset).
    pub fn at(self, at: &str) -> Step {
        self.s("at", at)
    }

    pub fn done(self) -> String {
        self.0 + "\n"
    }
}

/// The Comirnaty catalogue code (two-dose series).
pub const COMIRNATY: &str = "EU/1/20/1528";

pub fn register(id: &str, family: &str, given: &str, birth: &str) -> String {
    step("register-citizen")
        .s("id", id)
        .s("family_name", family)
        .s("given_name", given)
        .s("birth_date", birth)
        .done()
}

/// An administered Comirnaty dose.
pub fn inject(citizen: &str, dose: i64, date: &str, lot: &str) -> String {
    step("record-injection")
        .s("citizen", citizen)
        .s("product", COMIRNATY)
        .i("dose", dose)
        .s("date", date)
        .s("lot", lot)
        .done()
}

/// A scheduled (booked ahead) Comirnaty dose.
pub fn schedule(citizen: &str, dose: i64, date: &str) -> String {
    step("record-injection")
        .s("citizen", citizen)
        .s("product", COMIRNATY)
        .i("dose", dose)
        .s("date", date)
        .s("status", "scheduled")
        .done()
}

pub fn apply(citizen: &str, dose: i64) -> String {
    step("apply").s("citizen", citizen).i("dose", dose).done()
}

pub fn issue(citizen: &str, dose: i64) -> String {
    step("issue").s("citizen", citizen).i("dose", dose).done()
}

pub fn cancel(citizen: &str, dose: i64) -> String {
    step("cancel").s("citizen", citizen).i("dose", dose).done()
}

/// A distinct Korean resident registration number for test citizen `n`.
pub fn rrn(n: usize) -> String {
    // YYMMDD stays a plausible date; the last seven digits carry the number.
    format!(
        "{:02}{:02}{:02}-1{:06}",
        50 + (n / 336) % 50,
        1 + (n / 28) % 12,
        1 + n % 28,
        n
    )
}

/// The date of birth `rrn(n)` states (`YYMMDD` and the century digit 1: 19YY).
pub fn rrn_birth(n: usize) -> String {
    let id = rrn(n);
    format!("19{}-{}-{}", &id[0..2], &id[2..4], &id[4..6])
}

/// Path helper: a file name relative to a folder, as text.
pub fn rel(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// A tiny deterministic pseudo-random generator (xorshift64*), seeded per test run.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `VAXDESK_TEST_SEED` when set, otherwise from the time; the seed is printed so
    /// a failing run can be repeated.
    pub fn from_env_or_time(label: &str) -> Rng {
        let seed = std::env::var("VAXDESK_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0x9E37_79B9_7F4A_7C15)
            });
        eprintln!("{label}: VAXDESK_TEST_SEED={seed}");
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// `cmd` with no locale set but `vars`.
pub fn locale(mut cmd: Command, vars: &[(&str, &str)]) -> Command {
    for k in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
        cmd.env_remove(k);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd
}

/// Lower-case ASCII words of `text`, leaving out tokens that are paths, flags, codes or names
/// of things (they hold `/`, `.`, `-`, `=`, `:` or `_`: files, UVCIs, seed actions,
/// subscribers); what the Korean-output tests count as English.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|t| !t.contains(['/', '.', '-', '=', ':', '_']) || t.ends_with('.'))
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
