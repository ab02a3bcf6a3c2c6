//! Scripted seed data: a TOML file of ordered `[[step]]` tables, each run through the same
//! commands a user would run.
//!
//! A file is atomic (one transaction: any failing step keeps nothing of the file) and
//! idempotent (its content digest is recorded; the same content again changes nothing). Every
//! error names the file, the step (1-based), the action, the field and the reason.

use super::commands::{self as cmd, find_application, find_citizen, find_injection};
use super::{AppError, Ctx, Desk, Stamp};
use crate::app::store::{self, seed_log};
use crate::domain::{
    BirthDate, CitizenDetails, InjectionDetails, InjectionStatus, Refusal, ResidentId, injection,
    text,
};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
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

const ACTIONS: &[&str] = &[
    "register-citizen",
    "update-citizen",
    "record-injection",
    "update-injection",
    "void-injection",
    "apply",
    "cancel",
    "issue",
    "reject",
];

/// One parsed step: its fields checked for presence and type, not yet for meaning.
#[derive(Debug, Clone)]
struct Step {
    action: &'static str,
    actor: Option<String>,
    at: Option<String>,
    fields: BTreeMap<&'static str, Field>,
}

#[derive(Debug, Clone)]
enum Field {
    Text(String),
    Int(i64),
}

/// The fields each action takes: (name, required, kind).
fn schema(action: &str) -> &'static [(&'static str, bool, Kind)] {
    use Kind::*;
    match action {
        "register-citizen" => &[
            ("id", true, Text),
            ("family_name", true, Text),
            ("given_name", true, Text),
            ("birth_date", true, Date),
            ("family_name_icao", false, Text),
            ("given_name_icao", false, Text),
        ],
        "update-citizen" => &[
            ("id", true, Text),
            ("family_name", false, Text),
            ("given_name", false, Text),
            ("birth_date", false, Date),
            ("family_name_icao", false, Text),
            ("given_name_icao", false, Text),
        ],
        "record-injection" => &[
            ("citizen", true, Text),
            ("product", true, Text),
            ("dose", true, Int),
            ("series", false, Int),
            ("date", true, Date),
            ("lot", false, Text),
            ("status", false, Text),
            ("country", false, Text),
            ("centre", false, Text),
        ],
        "update-injection" => &[
            ("citizen", true, Text),
            ("dose", true, Int),
            ("status", false, Text),
            ("date", false, Date),
            ("lot", false, Text),
            ("product", false, Text),
            ("series", false, Int),
            ("centre", false, Text),
        ],
        "void-injection" | "reject" => &[
            ("citizen", true, Text),
            ("dose", true, Int),
            ("reason", true, Text),
        ],
        _ => &[("citizen", true, Text), ("dose", true, Int)],
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Int,
    /// A string or a TOML local date.
    Date,
}

/// Where a parse error is (step number and action), and what it is.
type ParseError = (Option<(usize, String)>, String);

fn parse(text_in: &str) -> Result<Vec<Step>, ParseError> {
    let doc: toml::Table = text_in.parse().map_err(|e: toml::de::Error| {
        (None, format!("not valid TOML: {}", e.to_string().trim()))
    })?;
    if let Some(k) = doc.keys().find(|k| k.as_str() != "step") {
        return Err((
            None,
            format!("unknown top-level key `{k}` (only [[step]] tables)"),
        ));
    }
    let steps = match doc.get("step") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(_) => return Err((None, "`step` must be an array of [[step]] tables".into())),
        None => return Err((None, "no [[step]] tables".into())),
    };
    steps
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let n = i + 1;
            let table = v
                .as_table()
                .ok_or_else(|| (Some((n, "?".into())), "a step must be a table".into()))?;
            parse_step(table).map_err(|(action, m)| (Some((n, action)), m))
        })
        .collect()
}

fn parse_step(t: &toml::Table) -> Result<Step, (String, String)> {
    let action = match t.get("action") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(("?".into(), "action: must be a string".into())),
        None => return Err(("?".into(), "action: missing".into())),
    };
    let Some(action) = ACTIONS.iter().copied().find(|a| *a == action) else {
        return Err((
            action.to_string(),
            format!(
                "action: unknown action '{action}' (one of: {})",
                ACTIONS.join(", ")
            ),
        ));
    };
    let fail = |m: String| (action.to_string(), m);
    let spec = schema(action);
    for key in t.keys() {
        let known = matches!(key.as_str(), "action" | "actor" | "at")
            || spec.iter().any(|(k, _, _)| k == key);
        if !known {
            let key = text::cut(key, 80);
            return Err(fail(format!("{key}: unknown field for {action}")));
        }
    }
    let mut fields = BTreeMap::new();
    for &(key, required, kind) in spec {
        match (t.get(key), kind) {
            (None, _) if required => {
                return Err(fail(format!("{key}: missing (required for {action})")));
            }
            (None, _) => {}
            (Some(Value::String(s)), Kind::Text | Kind::Date) => {
                fields.insert(key, Field::Text(s.clone()));
            }
            (Some(Value::Datetime(d)), Kind::Date) if d.date.is_some() && d.time.is_none() => {
                fields.insert(key, Field::Text(d.to_string()));
            }
            (Some(Value::Integer(i)), Kind::Int) => {
                fields.insert(key, Field::Int(*i));
            }
            (Some(v), Kind::Int) => {
                return Err(fail(format!(
                    "{key}: must be a whole number, not {}",
                    v.type_str()
                )));
            }
            (Some(v), Kind::Date) => {
                return Err(fail(format!(
                    "{key}: must be a date (\"YYYY-MM-DD\"), not {}",
                    v.type_str()
                )));
            }
            (Some(v), Kind::Text) => {
                return Err(fail(format!(
                    "{key}: must be a string, not {}",
                    v.type_str()
                )));
            }
        }
    }
    let actor = match t.get("actor") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => {
            return Err(fail(format!(
                "actor: must be a string, not {}",
                v.type_str()
            )));
        }
    };
    let at = match t.get("at") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Datetime(d)) if d.offset.is_some() => Some(d.to_string()),
        Some(v) => {
            return Err(fail(format!(
                "at: must be an RFC 3339 time with an offset (e.g. 2021-06-01T09:30:00+09:00), not {}",
                v.type_str()
            )));
        }
    };
    Ok(Step {
        action,
        actor,
        at,
        fields,
    })
}

impl Step {
    fn text(&self, key: &str) -> Option<&str> {
        match self.fields.get(key) {
            Some(Field::Text(s)) => Some(s),
            _ => None,
        }
    }

    fn int(&self, key: &str) -> Option<i64> {
        match self.fields.get(key) {
            Some(Field::Int(i)) => Some(*i),
            _ => None,
        }
    }

    /// A field `parse` has made sure is present.
    fn must(&self, key: &'static str) -> &str {
        self.text(key).unwrap_or_default()
    }

    fn dose(&self) -> Result<u32, Refusal> {
        injection::count("dose", self.int("dose").unwrap_or_default())
    }
}

/// Applies one seed file from disk.
pub fn apply_file(desk: &Desk, path: &Path) -> Result<SeedOutcome, AppError> {
    let name = path.display().to_string();
    let text = read_file(path).map_err(|message| SeedError {
        file: name.clone(),
        step: None,
        message,
    })?;
    apply_text(desk, &name, &text)
}

/// A seed file's text: a folder or a FIFO is refused before reading (reading a FIFO would
/// wait forever), and text that is not UTF-8 is refused naming the line where it stops.
fn read_file(path: &Path) -> Result<String, String> {
    let bytes = crate::config::read_named_file(path, "a seed file").map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidInput {
            e.to_string()
        } else {
            format!("cannot read: {e}")
        }
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let good = e.utf8_error().valid_up_to();
        let line_start = bytes[..good]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = bytes[..good].iter().filter(|b| **b == b'\n').count() + 1;
        // Characters before it on its line (all valid), so the column is what an editor shows.
        let column = String::from_utf8_lossy(&bytes[line_start..good])
            .chars()
            .count()
            + 1;
        format!(
            "line {line}, column {column}: not UTF-8 text (byte 0x{:02X}); save the file as \
             UTF-8 (a Korean spreadsheet may have saved it as CP949/EUC-KR)",
            bytes[good]
        )
    })
}

/// Applies seed text under a name used in messages.
pub fn apply_text(desk: &Desk, name: &str, text_in: &str) -> Result<SeedOutcome, AppError> {
    let err = |step: Option<(usize, String)>, message: String| SeedError {
        file: name.to_string(),
        step,
        message,
    };
    let digest = hex(&Sha256::digest(text_in.as_bytes()));
    let steps = parse(text_in).map_err(|(step, m)| err(step, m))?;
    let now = desk.now();
    let stamp = Stamp {
        actor: format!("seed:{name}"),
        at: now,
    };
    let outcome = store::immediate(desk.conn(), |conn| -> Result<SeedOutcome, AppError> {
        if let Some(at) = seed_log::applied_at(conn, &digest)? {
            return Ok(SeedOutcome::AlreadyApplied { at });
        }
        let ctx = desk.ctx(conn);
        let mut actions = BTreeMap::new();
        for (i, step) in steps.iter().enumerate() {
            let here = || Some((i + 1, step.action.to_string()));
            if matches!(step.action, "apply" | "cancel" | "issue" | "reject") {
                // These read what subscribers maintain: bring them up to date first.
                desk.dispatcher().deliver(conn)?;
            }
            run_step(&ctx, step, now, name).map_err(|e| match e {
                AppError::Refused(r) => AppError::Seed(err(here(), r.message)),
                other => other,
            })?;
            *actions.entry(step.action).or_insert(0) += 1;
        }
        desk.dispatcher().deliver(conn)?;
        seed_log::record(
            conn,
            &digest,
            name,
            steps.len(),
            &crate::domain::clock::stamp(now),
        )?;
        // One audit row for the file: it is one unit of work.
        let detail = format!("{} steps, sha256 {}", steps.len(), &digest[..16]);
        desk.audit_in(conn, &stamp, "seed", None, "ok", Some(&detail))?;
        Ok(SeedOutcome::Applied {
            steps: steps.len(),
            actions,
        })
    });
    if outcome.is_err() {
        // Not the message: it may quote what the file says about a person.
        let _ = desk.audit(&stamp, "seed", None, "refused", None);
    }
    outcome
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn stamp_for(step: &Step, now: DateTime<Utc>, default_actor: String) -> Result<Stamp, Refusal> {
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
        None => default_actor,
    };
    Ok(Stamp { actor, at })
}

fn run_step(ctx: &Ctx<'_>, step: &Step, now: DateTime<Utc>, file: &str) -> Result<(), AppError> {
    let staff = || format!("seed:{}", short_name(file));
    match step.action {
        "register-citizen" => {
            let s = stamp_for(step, now, staff())?;
            let id = ResidentId::parse("id", step.must("id"))?;
            let birth = BirthDate::parse("birth_date", step.must("birth_date"), s.today())?;
            let details = CitizenDetails::new(
                step.must("family_name"),
                step.must("given_name"),
                step.text("family_name_icao"),
                step.text("given_name_icao"),
                birth,
            )?;
            cmd::register_citizen(ctx, &s, &id, details)?;
        }
        "update-citizen" => {
            let s = stamp_for(step, now, staff())?;
            let citizen = find_citizen(ctx, &ResidentId::parse("id", step.must("id"))?)?;
            let old = &citizen.details;
            let family = step.text("family_name").unwrap_or(&old.family_name);
            let given = step.text("given_name").unwrap_or(&old.given_name);
            let birth = match step.text("birth_date") {
                Some(b) => BirthDate::parse("birth_date", b, s.today())?,
                None => old.birth_date,
            };
            // A changed name gets a fresh suggestion unless a machine-readable form is given.
            let fam_icao = step
                .text("family_name_icao")
                .or((step.text("family_name").is_none()).then_some(old.family_name_icao.as_str()));
            let giv_icao = step
                .text("given_name_icao")
                .or((step.text("given_name").is_none()).then_some(old.given_name_icao.as_str()));
            let details = CitizenDetails::new(family, given, fam_icao, giv_icao, birth)?;
            cmd::update_citizen(ctx, &s, &citizen, details)?;
        }
        "record-injection" => {
            let s = stamp_for(step, now, staff())?;
            let citizen = find_citizen(ctx, &ResidentId::parse("citizen", step.must("citizen"))?)?;
            let product = injection::product(step.must("product"))?;
            let dose = step.dose()?;
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
                series: match step.int("series") {
                    Some(v) => injection::count("series", v)?,
                    None => default_series,
                },
                date: injection::date("date", step.must("date"))?,
                lot: injection::lot(step.text("lot").unwrap_or_default())?,
                country: match step.text("country") {
                    Some(c) => injection::country(c)?,
                    None => ctx.config.country.clone(),
                },
                centre: text::optional("centre", step.text("centre").unwrap_or_default(), 120)?,
                status: status(step.text("status").unwrap_or("administered"))?,
                product,
            };
            cmd::record_injection(ctx, &s, &citizen, details)?;
        }
        "update-injection" => {
            let s = stamp_for(step, now, staff())?;
            let citizen = find_citizen(ctx, &ResidentId::parse("citizen", step.must("citizen"))?)?;
            let row = find_injection(ctx, &citizen, step.dose()?)?;
            let mut d = row.details.clone();
            if let Some(v) = step.text("status") {
                d.status = status(v)?;
            }
            if let Some(v) = step.text("date") {
                d.date = injection::date("date", v)?;
            }
            if let Some(v) = step.text("lot") {
                d.lot = injection::lot(v)?;
            }
            if let Some(v) = step.text("product") {
                d.product = injection::product(v)?;
            }
            if let Some(v) = step.int("series") {
                d.series = injection::count("series", v)?;
            }
            if let Some(v) = step.text("centre") {
                d.centre = text::optional("centre", v, 120)?;
            }
            cmd::update_injection(ctx, &s, &row, None, d)?;
        }
        "void-injection" => {
            let s = stamp_for(step, now, staff())?;
            let citizen = find_citizen(ctx, &ResidentId::parse("citizen", step.must("citizen"))?)?;
            let row = find_injection(ctx, &citizen, step.dose()?)?;
            cmd::void_injection(ctx, &s, &row, None, step.must("reason"))?;
        }
        action => {
            let citizen = find_citizen(ctx, &ResidentId::parse("citizen", step.must("citizen"))?)?;
            let row = find_injection(ctx, &citizen, step.dose()?)?;
            let own = format!("citizen#{}", citizen.id);
            match action {
                "apply" => {
                    let s = stamp_for(step, now, own)?;
                    cmd::apply(ctx, &s, &citizen, row.id)?;
                }
                "cancel" => {
                    let s = stamp_for(step, now, own)?;
                    let app = find_application(ctx, &citizen, &row)?;
                    cmd::cancel(ctx, &s, &citizen, app.id)?;
                }
                "issue" => {
                    let s = stamp_for(step, now, staff())?;
                    let app = find_application(ctx, &citizen, &row)?;
                    cmd::issue(ctx, &s, app.id)?;
                }
                _ => {
                    let s = stamp_for(step, now, staff())?;
                    let app = find_application(ctx, &citizen, &row)?;
                    cmd::reject(ctx, &s, app.id, step.must("reason"))?;
                }
            }
        }
    }
    Ok(())
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
