//! Scripted seed data: a TOML file of ordered `[[step]]` tables, each run through the same
//! commands a user would run.
//!
//! A file is atomic (one transaction: any failing step keeps nothing of the file) and
//! idempotent (its content digest is recorded; the same content again changes nothing). Every
//! error names the file, the step (1-based), the action, the field and the reason.
//!
//! A file is read and applied a `[[step]]` block at a time ([`blocks`]), so a million citizens
//! take no more memory than ten: the digest is computed as the bytes go by and checked at the
//! end, still inside the file's transaction. The actions and their fields are one enum
//! ([`step::Action`]).

mod blocks;
mod fast_toml;
mod step;

use super::commands::{self as cmd, find_application, find_citizen, find_injection};
use super::progress::{Progress, Silent};
use super::{AppError, Ctx, Desk, Stamp};
use crate::app::store::vaccination::{self, CitizenRow};
use crate::app::store::{self, seed_log};
use crate::config::not_a_file;
use crate::domain::{
    BirthDate, CitizenDetails, InjectionDetails, InjectionStatus, Refusal, ResidentId, injection,
    text,
};
use blocks::{Blocks, Parsed};
use chrono::{DateTime, Utc};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use step::{Action, Step, parse_fast_step, parse_step};
use toml::Value;

/// A seed file refused; nothing of it was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    pub file: String,
    /// 1-based step number and action, when the error is in a step.
    pub step: Option<(usize, String)>,
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.step {
            Some((n, action)) => {
                // An unknown action is the file's text: a long one is cut, as quotes are.
                let shown = text::cut(action, 80);
                write!(f, "{}: step {n} ({shown}): {}", self.file, self.message)
            }
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for SeedError {}

/// What applying a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    Applied {
        steps: usize,
        /// Steps per action, in action order.
        actions: BTreeMap<&'static str, usize>,
    },
    /// The same content was applied before, at this time.
    AlreadyApplied { at: String },
}

impl SeedOutcome {
    /// One line for the user: `applied 12 steps (3 register-citizen, 5 record-injection, ...)`.
    pub fn describe(&self) -> String {
        match self {
            SeedOutcome::Applied { steps, actions } => {
                let parts: Vec<String> = actions.iter().map(|(a, n)| format!("{n} {a}")).collect();
                format!("applied {steps} steps ({})", parts.join(", "))
            }
            SeedOutcome::AlreadyApplied { at } => {
                format!("already applied at {at}; nothing changed")
            }
        }
    }
}

/// Applies one seed file from disk, read a step at a time.
pub fn apply_file(desk: &Desk, path: &Path) -> Result<SeedOutcome, AppError> {
    apply_file_with_progress(desk, path, &Silent)
}

/// [`apply_file`], telling `progress` the bytes read out of the file's size, at each
/// `[[step]]` block (the size is known before reading; the number of steps is not).
pub fn apply_file_with_progress(
    desk: &Desk,
    path: &Path,
    progress: &dyn Progress,
) -> Result<SeedOutcome, AppError> {
    let name = path.display().to_string();
    let file = open_file(path).map_err(|message| SeedError {
        file: name.clone(),
        step: None,
        message,
    })?;
    let size = file.metadata().ok().map(|m| m.len());
    let reader = BufReader::with_capacity(1 << 16, file);
    let result = apply_reader(desk, &name, reader, &Told::new(progress, &name, size));
    progress.finish();
    result
}

/// A folder or a FIFO is refused before reading (reading a FIFO would wait forever).
fn open_file(path: &Path) -> Result<File, String> {
    if let Some(kind) = std::fs::metadata(path).ok().as_ref().and_then(not_a_file) {
        return Err(format!("is {kind}, not a seed file"));
    }
    File::open(path).map_err(|e| format!("cannot read: {e}"))
}

/// Applies seed text under a name used in messages.
pub fn apply_text(desk: &Desk, name: &str, text_in: &str) -> Result<SeedOutcome, AppError> {
    let size = Some(text_in.len() as u64);
    apply_reader(
        desk,
        name,
        text_in.as_bytes(),
        &Told::new(&Silent, name, size),
    )
}

/// Tells a [`Progress`] how many bytes of a file the blocks have taken so far.
struct Told<'p> {
    progress: &'p dyn Progress,
    told: Cell<u64>,
}

impl<'p> Told<'p> {
    fn new(progress: &'p dyn Progress, name: &str, size: Option<u64>) -> Self {
        progress.phase(super::progress::Phase::Seeding { file: name }, size);
        Told {
            progress,
            told: Cell::new(0),
        }
    }

    /// `read` bytes are read in all: the bar moves by what it has not been told yet.
    fn at(&self, read: u64) {
        let more = read.saturating_sub(self.told.get());
        if more > 0 {
            self.told.set(read);
            self.progress.advance(more);
        }
    }
}

/// A reader that counts the bytes taken from it, for [`Told`].
struct Counted<'t, R> {
    inner: R,
    taken: &'t Cell<u64>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.taken.set(self.taken.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.taken.set(self.taken.get() + amt as u64);
        self.inner.consume(amt);
    }
}

/// Why a file is refused, by precedence: what the file is (not readable, not TOML, not a list
/// of steps, a step not well formed) comes before what applying it finds, wherever in the file
/// either is; so once one is found, the rest is still read (not applied) to find the others.
#[derive(Default)]
struct Findings {
    toml: Option<String>,
    /// The first unknown top-level key, in key order.
    top_key: Option<String>,
    /// What the lines before the first `[[step]]` say about `step` (an inline array of steps).
    preamble: Option<String>,
    /// The first step not well formed.
    step: Option<((usize, String), String)>,
    /// The first step refused when applied.
    run: Option<AppError>,
}

impl Findings {
    fn any(&self) -> bool {
        self.toml.is_some() || self.top_key.is_some() || self.step.is_some() || self.run.is_some()
    }

    fn top_key(&mut self, t: &toml::Table) {
        if let Some(k) = t.keys().find(|k| k.as_str() != "step")
            && self.top_key.as_ref().is_none_or(|old| k < old)
        {
            self.top_key = Some(k.clone());
        }
    }
}

/// Ends the file's transaction early: refused, or applied before (nothing to keep either way).
enum Stop {
    Refused(AppError),
    AlreadyApplied(String),
}

impl From<rusqlite::Error> for Stop {
    fn from(e: rusqlite::Error) -> Self {
        Stop::Refused(e.into())
    }
}

impl From<AppError> for Stop {
    fn from(e: AppError) -> Self {
        Stop::Refused(e)
    }
}

/// Applies a seed file as it is read: one transaction for the whole file, each `[[step]]`
/// block parsed and applied in turn, the digest computed on the way and checked at the end.
fn apply_reader(
    desk: &Desk,
    name: &str,
    reader: impl BufRead,
    told: &Told<'_>,
) -> Result<SeedOutcome, AppError> {
    let taken = Cell::new(0);
    let reader = Counted {
        inner: reader,
        taken: &taken,
    };
    let err = |step: Option<(usize, String)>, message: String| SeedError {
        file: name.to_string(),
        step,
        message,
    };
    let now = desk.now();
    let stamp = Stamp {
        actor: format!("seed:{name}"),
        at: now,
    };
    let mut applied = false;
    let outcome = store::immediate_bulk(desk.conn(), |conn| -> Result<SeedOutcome, Stop> {
        let ctx = desk.bulk_ctx(conn)?;
        let mut run = Run::new(desk, &ctx, now, name);
        let mut found = Findings::default();
        let mut blocks = Blocks::new(reader);
        let mut steps = 0usize;
        // The lines before the first [[step]], kept only when they define `step` themselves.
        let mut preamble: Option<String> = None;
        while let Some(block) = blocks
            .next_block()
            .map_err(|m| Stop::Refused(err(None, m).into()))?
        {
            told.at(taken.get());
            if found.toml.is_some() {
                continue; // only an unreadable byte further on can still change the answer
            }
            let parsed = match block.parse() {
                Ok(p) => p,
                Err(m) => {
                    found.toml = Some(m);
                    continue;
                }
            };
            if block.step
                && let Some(before) = preamble.take()
            {
                // The preamble defined `step` and a [[step]] follows: toml's own word on it.
                found.toml = Some(match (before + &block.text).parse::<toml::Table>() {
                    Err(e) => blocks::toml_error(&e),
                    Ok(_) => "not valid TOML: `step` is defined twice".to_string(),
                });
                continue;
            }
            // A simple block is its one step, with no table: no other top-level key, no array.
            let (fast, table) = match parsed {
                Parsed::Step(fields) => (Some(fields), toml::Table::new()),
                Parsed::Table(t) => (None, t),
            };
            found.top_key(&table);
            let tables: Vec<&Value> = match (block.step, table.get("step")) {
                (_, None) => vec![],
                (true, Some(Value::Array(a))) => a.iter().collect(),
                (false, Some(v)) => {
                    preamble = Some(block.text.clone());
                    match v {
                        // Steps as an inline array: fine while no [[step]] header follows.
                        Value::Array(a) if !a.is_empty() => a.iter().collect(),
                        _ => {
                            found.preamble =
                                Some("`step` must be an array of [[step]] tables".into());
                            vec![]
                        }
                    }
                }
                (true, Some(_)) => vec![], // a [[step]] header always makes an array
            };
            let read =
                fast.as_deref()
                    .map(parse_fast_step)
                    .into_iter()
                    .chain(tables.into_iter().map(|value| match value.as_table() {
                        None => Err(("?".to_string(), "a step must be a table".to_string())),
                        Some(t) => parse_step(t),
                    }));
            for step in read {
                steps += 1;
                let step = match step {
                    Ok(s) => s,
                    Err((action, m)) => {
                        if found.step.is_none() {
                            found.step = Some(((steps, action), m));
                        }
                        continue;
                    }
                };
                if found.any() {
                    continue;
                }
                if let Err(e) = run.step(&step) {
                    found.run = Some(match e {
                        AppError::Refused(r) => {
                            AppError::Seed(err(Some((steps, step.name.to_string())), r.message))
                        }
                        other => other,
                    });
                }
            }
        }
        told.at(taken.get());
        let digest = blocks.digest();
        if let Some(m) = found.toml {
            return Err(Stop::Refused(err(None, m).into()));
        }
        if let Some(k) = found.top_key {
            let m = format!("unknown top-level key `{k}` (only [[step]] tables)");
            return Err(Stop::Refused(err(None, m).into()));
        }
        if let Some(m) = found.preamble {
            return Err(Stop::Refused(err(None, m).into()));
        }
        if steps == 0 {
            return Err(Stop::Refused(err(None, "no [[step]] tables".into()).into()));
        }
        if let Some((at, m)) = found.step {
            return Err(Stop::Refused(err(Some(at), m).into()));
        }
        if let Some(at) = seed_log::applied_at(conn, &digest)? {
            return Err(Stop::AlreadyApplied(at));
        }
        if let Some(e) = found.run {
            applied = true;
            return Err(Stop::Refused(e));
        }
        applied = true;
        told.progress
            .phase(super::progress::Phase::WritingNameSearch, None);
        vaccination::flush_search_terms(conn)?;
        told.progress
            .phase(super::progress::Phase::UpdatingStatusView, None);
        desk.dispatcher().deliver(conn)?;
        seed_log::record(
            conn,
            &digest,
            name,
            steps,
            &crate::domain::clock::stamp(now),
        )?;
        // One audit row for the file: it is one unit of work.
        let detail = format!("{steps} steps, sha256 {}", &digest[..16]);
        desk.audit_in(conn, &stamp, "seed", None, "ok", Some(&detail))?;
        Ok(SeedOutcome::Applied {
            steps,
            actions: run.actions,
        })
    });
    match outcome {
        Ok(o) => Ok(o),
        Err(Stop::AlreadyApplied(at)) => Ok(SeedOutcome::AlreadyApplied { at }),
        Err(Stop::Refused(e)) => {
            if applied || !matches!(e, AppError::Seed(_)) {
                // Not the message: it may quote what the file says about a person.
                let _ = desk.audit(&stamp, "seed", None, "refused", None);
            }
            Err(e)
        }
    }
}

/// Applies steps in the file's transaction, remembering the citizens the file names.
struct Run<'c, 'a> {
    desk: &'c Desk,
    ctx: &'c Ctx<'a>,
    now: DateTime<Utc>,
    /// `seed:<file name>`, the default actor of staff steps.
    staff: String,
    /// Steps per action, in action order.
    actions: BTreeMap<&'static str, usize>,
    /// Citizens by the resident id as the file writes it: a register step is usually followed
    /// by that citizen's injections. Bounded, so a long file's memory stays flat.
    citizens: HashMap<String, CitizenRow>,
}

/// Citizens remembered at most (then forgotten all at once).
const REMEMBERED: usize = 4096;

impl<'c, 'a> Run<'c, 'a> {
    fn new(desk: &'c Desk, ctx: &'c Ctx<'a>, now: DateTime<Utc>, file: &str) -> Self {
        Run {
            desk,
            ctx,
            now,
            staff: format!("seed:{}", short_name(file)),
            actions: BTreeMap::new(),
            citizens: HashMap::new(),
        }
    }

    fn step(&mut self, step: &Step) -> Result<(), AppError> {
        if step.action.reads_projections() {
            // These read what subscribers maintain: bring them up to date first.
            self.desk.dispatcher().deliver(self.ctx.conn)?;
        }
        self.run(step)?;
        *self.actions.entry(step.name).or_insert(0) += 1;
        Ok(())
    }

    fn stamp(&self, step: &Step, default_actor: &str) -> Result<Stamp, Refusal> {
        stamp_for(step, self.now, default_actor)
    }

    /// The registered citizen the file names in `field`.
    fn citizen(&mut self, field: &'static str, written: &str) -> Result<CitizenRow, AppError> {
        if let Some(c) = self.citizens.get(written) {
            return Ok(c.clone());
        }
        let c = find_citizen(self.ctx, &ResidentId::parse(field, written)?)?;
        self.remember(written, c.clone());
        Ok(c)
    }

    fn remember(&mut self, written: &str, c: CitizenRow) {
        if self.citizens.len() >= REMEMBERED {
            self.citizens.clear();
        }
        self.citizens.insert(written.to_string(), c);
    }

    fn run(&mut self, step: &Step) -> Result<(), AppError> {
        let ctx = self.ctx;
        match &step.action {
            Action::RegisterCitizen {
                id,
                family_name,
                given_name,
                birth_date,
                family_name_icao,
                given_name_icao,
            } => {
                let s = self.stamp(step, &self.staff)?;
                let resident = ResidentId::parse("id", id)?;
                let birth = BirthDate::parse("birth_date", &birth_date.0, s.today())?;
                let details = CitizenDetails::new(
                    family_name,
                    given_name,
                    family_name_icao.as_deref(),
                    given_name_icao.as_deref(),
                    birth,
                )?;
                let citizen = cmd::register_citizen(ctx, &s, &resident, details)?;
                // The steps after it usually name this citizen: remember the row as stored.
                self.remember(id, citizen);
            }
            Action::UpdateCitizen {
                id,
                family_name,
                given_name,
                birth_date,
                family_name_icao,
                given_name_icao,
            } => {
                let s = self.stamp(step, &self.staff)?;
                let citizen = self.citizen("id", id)?;
                let old = &citizen.details;
                let family = family_name.as_deref().unwrap_or(&old.family_name);
                let given = given_name.as_deref().unwrap_or(&old.given_name);
                let birth = match birth_date {
                    Some(b) => BirthDate::parse("birth_date", &b.0, s.today())?,
                    None => old.birth_date,
                };
                // A changed name gets a fresh suggestion unless a machine-readable form is given.
                let fam_icao = family_name_icao.as_deref().or(family_name
                    .is_none()
                    .then_some(old.family_name_icao.as_str()));
                let giv_icao = given_name_icao
                    .as_deref()
                    .or(given_name.is_none().then_some(old.given_name_icao.as_str()));
                let details = CitizenDetails::new(family, given, fam_icao, giv_icao, birth)?;
                self.citizens.remove(id.as_str());
                cmd::update_citizen(ctx, &s, &citizen, details)?;
            }
            Action::RecordInjection {
                citizen,
                product,
                dose,
                series,
                date,
                lot,
                status: state,
                country,
                centre,
            } => {
                let s = self.stamp(step, &self.staff)?;
                let citizen = self.citizen("citizen", citizen)?;
                let product = injection::product(product)?;
                let dose = injection::count("dose", *dose)?;
                // Without a series the catalogue's, as the form suggests it: a booster is 3/3
                // after a two-dose series and 2/1 after a one-dose one.
                let default_series = ctx
                    .catalogue
                    .get(&product)
                    .map(|p| p.series_for(dose))
                    .ok_or_else(|| {
                        Refusal::injection(
                            "product",
                            format!("product: '{product}' is not in the vaccine catalogue"),
                        )
                    })?;
                let details = InjectionDetails {
                    dose,
                    series: match series {
                        Some(v) => injection::count("series", *v)?,
                        None => default_series,
                    },
                    date: injection::date("date", &date.0)?,
                    lot: injection::lot(lot.as_deref().unwrap_or_default())?,
                    country: match country {
                        Some(c) => injection::country(c)?,
                        None => ctx.config.country.clone(),
                    },
                    centre: text::optional("centre", centre.as_deref().unwrap_or_default(), 120)?,
                    status: status(state.as_deref().unwrap_or("administered"))?,
                    product,
                };
                cmd::record_injection(ctx, &s, &citizen, details)?;
            }
            Action::UpdateInjection {
                citizen,
                dose,
                status: state,
                date,
                lot,
                product,
                series,
                centre,
            } => {
                let s = self.stamp(step, &self.staff)?;
                let citizen = self.citizen("citizen", citizen)?;
                let row = find_injection(ctx, &citizen, injection::count("dose", *dose)?)?;
                let mut d = row.details.clone();
                if let Some(v) = state {
                    d.status = status(v)?;
                }
                if let Some(v) = date {
                    d.date = injection::date("date", &v.0)?;
                }
                if let Some(v) = lot {
                    d.lot = injection::lot(v)?;
                }
                if let Some(v) = product {
                    d.product = injection::product(v)?;
                }
                if let Some(v) = series {
                    d.series = injection::count("series", *v)?;
                }
                if let Some(v) = centre {
                    d.centre = text::optional("centre", v, 120)?;
                }
                cmd::update_injection(ctx, &s, &row, None, d)?;
            }
            Action::VoidInjection {
                citizen,
                dose,
                reason,
            } => {
                let s = self.stamp(step, &self.staff)?;
                let citizen = self.citizen("citizen", citizen)?;
                let row = find_injection(ctx, &citizen, injection::count("dose", *dose)?)?;
                cmd::void_injection(ctx, &s, &row, None, reason)?;
            }
            Action::Apply { citizen, dose } | Action::Cancel { citizen, dose } => {
                let citizen = self.citizen("citizen", citizen)?;
                let row = find_injection(ctx, &citizen, injection::count("dose", *dose)?)?;
                // The citizen acts for themselves.
                let s = self.stamp(step, &format!("citizen#{}", citizen.id))?;
                if let Action::Apply { .. } = step.action {
                    cmd::apply(ctx, &s, &citizen, row.id)?;
                } else {
                    let app = find_application(ctx, &citizen, &row)?;
                    cmd::cancel(ctx, &s, &citizen, app.id)?;
                }
            }
            Action::Issue { citizen, dose } | Action::Reject { citizen, dose, .. } => {
                let citizen = self.citizen("citizen", citizen)?;
                let row = find_injection(ctx, &citizen, injection::count("dose", *dose)?)?;
                let s = self.stamp(step, &self.staff)?;
                let app = find_application(ctx, &citizen, &row)?;
                match &step.action {
                    Action::Reject { reason, .. } => cmd::reject(ctx, &s, app.id, reason)?,
                    _ => {
                        cmd::issue(ctx, &s, app.id)?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn stamp_for(step: &Step, now: DateTime<Utc>, default_actor: &str) -> Result<Stamp, Refusal> {
    let at = match &step.at {
        None => now,
        Some(s) => {
            text::no_controls("at", s)?;
            let t = DateTime::parse_from_rfc3339(s.trim())
                .map_err(|_| {
                    Refusal::input(
                        "at",
                        format!(
                            "at: '{s}' is not an RFC 3339 time (e.g. 2021-06-01T09:30:00+09:00)"
                        ),
                    )
                })?
                .with_timezone(&Utc);
            if t > now {
                return Err(Refusal::input("at", format!("at: {s} is in the future")));
            }
            t
        }
    };
    let actor = match &step.actor {
        Some(a) => {
            // Who acted is an id: refused, not cleaned, like the ids it stands beside.
            text::no_controls("actor", a)?;
            text::required("actor", a, 80)?
        }
        None => default_actor.to_string(),
    };
    Ok(Stamp { actor, at })
}

fn status(raw: &str) -> Result<InjectionStatus, Refusal> {
    text::no_controls("status", raw)?;
    match raw.trim().to_ascii_lowercase().as_str() {
        "administered" => Ok(InjectionStatus::Administered),
        "scheduled" => Ok(InjectionStatus::Scheduled),
        "voided" => Err(Refusal::injection(
            "status",
            "status: use the void-injection action (with a reason) to void an injection",
        )),
        _ => Err(Refusal::injection(
            "status",
            format!("status: '{raw}' is not administered or scheduled"),
        )),
    }
}

fn short_name(file: &str) -> &str {
    Path::new(file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(file)
}
