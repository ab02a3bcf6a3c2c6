//! The relay: this desk's event log sent to the regional registry in PostgreSQL, delivered at
//! least once and applied exactly once.
//!
//! Each batch is read after the relay's checkpoint, written in one PostgreSQL transaction
//! (events inserted with `ON CONFLICT (clinic, seq) DO NOTHING`, only the new ones applied to
//! the registry tables), and only then the checkpoint moves in the desk's database: at once
//! when the desks leave the write lock free, else within a second (the relay goes on from
//! what the registry acknowledged). A kill before it moves sends those events again; the
//! registry inserts and applies none of them twice.
//!
//! Nothing relayed holds a resident id: the desk's keyed hash (`id_lookup`) and masked id are
//! dropped from every payload, and each event carries the citizen's `registry_ref`
//! (HMAC-SHA-256 of the id under the region's registry key), computed here from the sealed id.

mod local;

use crate::app::registry::{OutEvent, Registry, RegistryError, RegistryKey, RegistryUrl};
use crate::app::{AppError, Desk};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The default number of events per PostgreSQL transaction.
pub const DEFAULT_BATCH: u32 = 1000;
/// The longest wait between two tries while the registry is unreachable.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// How often a caught-up relay looks for new events (they go out within a second).
const POLL: Duration = Duration::from_millis(50);
/// The longest a running relay leaves its checkpoint behind what the registry acknowledged.
const ADVANCE_AT_LEAST: Duration = Duration::from_secs(1);
/// Citizens whose `registry_ref` is kept between batches, at most.
const CACHE_MAX: usize = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// Refused before anything was sent (clinic name, database); nothing changed.
    #[error("{0}")]
    Refused(RelayRefusal),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Local(#[from] AppError),
}

impl From<rusqlite::Error> for RelayError {
    fn from(e: rusqlite::Error) -> Self {
        RelayError::Local(e.into())
    }
}

/// What the relay is asked to do.
pub struct RelayOptions {
    pub url: RegistryUrl,
    /// The clinic name given (flag or configuration); `None` uses the recorded one.
    pub clinic: Option<String>,
    pub key: RegistryKey,
    /// Events per PostgreSQL transaction (at least 1).
    pub batch: u32,
}

/// Where the relay tells what it does, one line at a time (a service log).
pub trait RelayLog {
    fn line(&self, text: &str);
}

/// What a relay run sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub clinic: String,
    /// Events sent (a batch sent again after a crash counts again).
    pub sent: u64,
    /// Events new to the registry.
    pub inserted: u64,
    pub batches: u64,
    /// The checkpoint at the end.
    pub checkpoint: i64,
}

/// Why the relay refused, by its kind (the command line words it in the user's language;
/// its English is its `Display`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelayRefusal {
    #[error("--batch: must be at least 1")]
    NoBatch,
    #[error("{0}")]
    ClinicName(ClinicNameError),
    #[error(
        "this database is relayed as clinic '{recorded}'; it cannot be relayed as '{given}' \
         (one database, one clinic name)"
    )]
    OtherClinic { recorded: String, given: String },
    #[error(
        "no clinic name: give one with --clinic NAME (or [relay] clinic in the configuration); \
         it is recorded on the first relay"
    )]
    NoClinic,
    #[error("this database was just recorded as clinic '{clinic}' by another relay")]
    RecordedMeanwhile { clinic: String },
    #[error(
        "registry {url}: it holds clinic '{clinic}' up to event {theirs}, but this database \
         ends at {ours} (restored from an older backup?); nothing was sent"
    )]
    RegistryAhead {
        url: String,
        clinic: String,
        theirs: i64,
        ours: i64,
    },
    #[error("citizen {citizen} of the event log is not in the database (damaged?)")]
    CitizenMissing { citizen: i64 },
}

/// A clinic name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClinicNameError {
    #[error("{field}: a clinic name must be 1 to 64 characters")]
    Length { field: String },
    #[error("{field}: a clinic name may hold letters, digits, '.', '_' and '-' only")]
    Characters { field: String },
}

/// Checks a clinic name: 1 to 64 characters, letters, digits, `.`, `_`, `-`.
pub fn check_clinic(field: &str, name: &str) -> Result<String, String> {
    clinic_name(field, name).map_err(|e| e.to_string())
}

/// [`check_clinic`], saying why by its kind.
pub fn clinic_name(field: &str, name: &str) -> Result<String, ClinicNameError> {
    let n = name.trim();
    let field = field.to_string();
    if n.is_empty() || n.chars().count() > 64 {
        return Err(ClinicNameError::Length { field });
    }
    if !n
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(ClinicNameError::Characters { field });
    }
    Ok(n.to_string())
}

/// The relay over one desk.
struct Relay<'a> {
    desk: &'a Desk,
    clinic: String,
    database_id: String,
    key: RegistryKey,
    batch: i64,
    /// Whether the clinic name is recorded in the desk's database yet.
    recorded: bool,
    refs: HashMap<i64, String>,
    /// The last event the registry has acknowledged: the checkpoint, or ahead of it while
    /// moving the checkpoint waits for a moment the desks leave the write lock free.
    sent: i64,
    /// When the checkpoint last moved.
    advanced: Instant,
}

impl<'a> Relay<'a> {
    /// Resolves the clinic name: the one given must match the recorded one; without one given,
    /// the recorded one; neither is refused with the flag to use.
    fn new(desk: &'a Desk, opts: &RelayOptions) -> Result<Relay<'a>, RelayError> {
        if opts.batch == 0 {
            return Err(RelayError::Refused(RelayRefusal::NoBatch));
        }
        let given = match &opts.clinic {
            Some(c) => Some(
                clinic_name("--clinic", c)
                    .map_err(|e| RelayError::Refused(RelayRefusal::ClinicName(e)))?,
            ),
            None => None,
        };
        let state = local::state(desk.conn())?;
        let (clinic, database_id, recorded) = match (given, state) {
            (Some(g), Some(s)) if g != s.clinic => {
                return Err(RelayError::Refused(RelayRefusal::OtherClinic {
                    recorded: s.clinic,
                    given: g,
                }));
            }
            (_, Some(s)) => (s.clinic, s.database_id, true),
            (Some(g), None) => (g, new_database_id(), false),
            (None, None) => {
                return Err(RelayError::Refused(RelayRefusal::NoClinic));
            }
        };
        Ok(Relay {
            desk,
            clinic,
            database_id,
            key: opts.key.clone(),
            batch: i64::from(opts.batch),
            recorded,
            refs: HashMap::new(),
            sent: 0,
            advanced: Instant::now(),
        })
    }

    /// Claims the clinic's name in the registry and records it here on the first relay.
    fn claim(&mut self, registry: &mut Registry) -> Result<(), RelayError> {
        let theirs = registry.claim(&self.clinic, &self.database_id)?;
        if !self.recorded {
            let s = local::record(self.desk.conn(), &self.clinic, &self.database_id)?;
            if s.clinic != self.clinic {
                return Err(RelayError::Refused(RelayRefusal::RecordedMeanwhile {
                    clinic: s.clinic,
                }));
            }
            self.database_id = s.database_id;
            self.recorded = true;
        }
        let ours = local::last_seq(self.desk.conn())?;
        if theirs > ours {
            return Err(RelayError::Refused(RelayRefusal::RegistryAhead {
                url: registry.url().to_string(),
                clinic: self.clinic.clone(),
                theirs,
                ours,
            }));
        }
        Ok(())
    }

    fn checkpoint(&self) -> Result<i64, RelayError> {
        Ok(local::state(self.desk.conn())?.map_or(0, |s| s.last_seq))
    }

    /// Moves the checkpoint up to what the registry has acknowledged. Unless `now`, only when
    /// the write lock is free at once, or a second has passed since it last moved: a kill
    /// before it moves sends those events again, and the registry keeps each once.
    fn advance(&mut self, now: bool) -> Result<(), RelayError> {
        if self.sent <= self.checkpoint()? {
            return Ok(());
        }
        let at = crate::domain::clock::stamp(self.desk.now());
        let conn = self.desk.conn();
        let moved = if now || self.advanced.elapsed() >= ADVANCE_AT_LEAST {
            local::advance(conn, self.sent, &at)?;
            true
        } else {
            local::try_advance(conn, self.sent, &at)?
        };
        if moved {
            self.advanced = Instant::now();
        }
        Ok(())
    }

    /// Sends one batch; `None` when there was nothing to send (the checkpoint is then moved
    /// up to what was sent).
    fn step(&mut self, registry: &mut Registry) -> Result<Option<Batch>, RelayError> {
        let started = Instant::now();
        let after = self.checkpoint()?.max(self.sent);
        let rows = local::events_after(self.desk.conn(), after, self.batch)?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            self.advance(true)?;
            return Ok(None);
        };
        let (first, last) = (first.seq, last.seq);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let payload = self.payload(row.seq, &row.data)?;
            out.push(OutEvent {
                seq: row.seq,
                kind: row.type_name,
                at: row.at,
                payload,
            });
        }
        let written = registry.write_batch(&self.clinic, &self.database_id, &out)?;
        self.sent = last;
        self.advance(false)?;
        let lag = local::last_seq(self.desk.conn())? - last;
        Ok(Some(Batch {
            first,
            last,
            sent: out.len() as u64,
            inserted: written.inserted,
            elapsed: started.elapsed(),
            lag,
        }))
    }

    /// The event's data as relayed: without the desk's keyed hash and masked id, with the
    /// citizen's `registry_ref`.
    fn payload(&mut self, seq: i64, data: &str) -> Result<String, RelayError> {
        let damaged = |reason: String| {
            RelayError::Local(AppError::Log(
                crate::app::store::outbox::ReadError::Undecodable {
                    seq,
                    type_name: "event".into(),
                    reason,
                },
            ))
        };
        let mut value: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(data).map_err(|e| damaged(e.to_string()))?;
        value.remove("id_lookup");
        value.remove("masked_id");
        if let Some(citizen) = value.get("citizen").and_then(serde_json::Value::as_i64) {
            let r = self.registry_ref(citizen)?;
            value.insert("registry_ref".into(), serde_json::Value::String(r));
        }
        serde_json::to_string(&value).map_err(|e| damaged(e.to_string()))
    }

    fn registry_ref(&mut self, citizen: i64) -> Result<String, RelayError> {
        if let Some(r) = self.refs.get(&citizen) {
            return Ok(r.clone());
        }
        let sealed = local::sealed_id(self.desk.conn(), citizen)?
            .ok_or_else(|| RelayError::Refused(RelayRefusal::CitizenMissing { citizen }))?;
        let id = self.desk.ids().open(&sealed).map_err(AppError::from)?;
        let r = self.key.registry_ref(&id);
        if self.refs.len() >= CACHE_MAX {
            self.refs.clear();
        }
        self.refs.insert(citizen, r.clone());
        Ok(r)
    }
}

fn new_database_id() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// One batch sent.
struct Batch {
    first: i64,
    last: i64,
    sent: u64,
    inserted: u64,
    elapsed: Duration,
    lag: i64,
}

impl Batch {
    fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-6);
        format!(
            "relayed events {}..{} ({} sent, {} new) in {} ms, {:.0} events/s, lag {} events",
            self.first,
            self.last,
            self.sent,
            self.inserted,
            self.elapsed.as_millis(),
            self.sent as f64 / secs,
            self.lag
        )
    }
}

impl Summary {
    fn add(&mut self, b: &Batch) {
        self.sent += b.sent;
        self.inserted += b.inserted;
        self.batches += 1;
        self.checkpoint = b.last;
    }
}

/// `vaxdesk relay --once`: relays what is there and returns; any failure ends it.
pub fn relay_once(
    desk: &Desk,
    opts: &RelayOptions,
    log: &dyn RelayLog,
) -> Result<Summary, RelayError> {
    let mut relay = Relay::new(desk, opts)?;
    let mut registry = Registry::open(&opts.url)?;
    relay.claim(&mut registry)?;
    let mut summary = Summary {
        clinic: relay.clinic.clone(),
        checkpoint: relay.checkpoint()?,
        ..Summary::default()
    };
    while let Some(b) = relay.step(&mut registry)? {
        log.line(&b.line());
        summary.add(&b);
    }
    summary.checkpoint = relay.checkpoint()?;
    Ok(summary)
}

/// `vaxdesk relay`: relays, then keeps relaying new events as they are committed, until
/// `stop` is set (checked between batches). An unreachable or failing registry is retried
/// with exponential backoff (capped at [`MAX_BACKOFF`]); a refusal or a local failure ends it.
pub fn relay_forever(
    desk: &Desk,
    opts: &RelayOptions,
    log: &dyn RelayLog,
    stop: &AtomicBool,
) -> Result<Summary, RelayError> {
    let mut relay = Relay::new(desk, opts)?;
    let mut summary = Summary {
        clinic: relay.clinic.clone(),
        checkpoint: relay.checkpoint()?,
        ..Summary::default()
    };
    let mut registry: Option<Registry> = None;
    let mut backoff = FIRST_BACKOFF;
    let mut idle = false;
    while !stop.load(Ordering::SeqCst) {
        let result = match registry.as_mut() {
            None => connect(&mut relay, &opts.url).map(|r| {
                log.line(&format!(
                    "connected to registry {} as clinic '{}'",
                    opts.url, relay.clinic
                ));
                registry = Some(r);
                None
            }),
            Some(r) => relay.step(r).map(Some),
        };
        match result {
            // Just connected: send what is there.
            Ok(None) => {}
            Ok(Some(Some(b))) => {
                backoff = FIRST_BACKOFF;
                idle = false;
                log.line(&b.line());
                summary.add(&b);
            }
            Ok(Some(None)) => {
                backoff = FIRST_BACKOFF;
                if !idle {
                    idle = true;
                    log.line(&format!(
                        "up to date at event {}; waiting for new events",
                        relay.checkpoint()?
                    ));
                }
                wait_for_events(desk, relay.checkpoint()?, stop)?;
            }
            Err(RelayError::Registry(e)) if e.is_transient() => {
                registry = None;
                idle = false;
                log.line(&format!("{e}; retrying in {:.1} s", backoff.as_secs_f64()));
                sleep_unless(stop, backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            Err(e) => return Err(e),
        }
    }
    // Stopped between batches: the checkpoint catches up with what the registry has.
    relay.advance(true)?;
    summary.checkpoint = relay.checkpoint()?;
    Ok(summary)
}

/// Opens the registry (its schema brought up to date) and claims the clinic's name.
fn connect(relay: &mut Relay<'_>, url: &RegistryUrl) -> Result<Registry, RelayError> {
    let mut registry = Registry::open(url)?;
    relay.claim(&mut registry)?;
    Ok(registry)
}

/// Waits until an event after `checkpoint` is committed, or `stop`.
fn wait_for_events(desk: &Desk, checkpoint: i64, stop: &AtomicBool) -> Result<(), RelayError> {
    while !stop.load(Ordering::SeqCst) {
        if local::last_seq(desk.conn())? > checkpoint {
            return Ok(());
        }
        std::thread::sleep(POLL);
    }
    Ok(())
}

/// Sleeps `total` in short steps, returning early once `stop` is set.
fn sleep_unless(stop: &AtomicBool, total: Duration) {
    let end = Instant::now() + total;
    while !stop.load(Ordering::SeqCst) {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

/// The relay's lag as `doctor` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayLag {
    pub clinic: String,
    pub checkpoint: i64,
    /// Events committed but not yet acknowledged by the registry.
    pub pending: i64,
    /// When the oldest of them was committed.
    pub oldest_pending_at: Option<String>,
    /// When the relay last moved its checkpoint.
    pub relayed_at: Option<String>,
}

/// The relay's lag, when this database has been relayed.
pub fn lag(desk: &Desk) -> Result<Option<RelayLag>, AppError> {
    let conn = desk.conn();
    let Some(s) = local::state(conn)? else {
        return Ok(None);
    };
    let last = local::last_seq(conn)?;
    Ok(Some(RelayLag {
        clinic: s.clinic,
        checkpoint: s.last_seq,
        pending: (last - s.last_seq).max(0),
        oldest_pending_at: local::first_at_after(conn, s.last_seq)?,
        relayed_at: s.relayed_at,
    }))
}

/// The recorded clinic name, if this database has been relayed.
pub fn recorded_clinic(desk: &Desk) -> Result<Option<String>, AppError> {
    Ok(local::state(desk.conn())?.map(|s| s.clinic))
}
