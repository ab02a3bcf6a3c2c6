//! Read-only questions: the citizen's status (from the status view only), the issuer's queue,
//! the event log, the health report, and the status view's rebuild from the log.

use super::progress::{Check, Phase, Progress, Silent};
use super::{AppError, Desk};
use crate::app::bus::dispatcher::SubscriberStatus;
use crate::app::bus::subscribers::STATUS_VIEW;
use crate::app::store::status_view::{self, ViewApplication, ViewCitizen, ViewInjection};
use crate::app::store::{self, outbox, schema};
use crate::domain::event::Event;
use crate::domain::{Refusal, ResidentId, Rule};
use rusqlite::params;

/// A citizen's page: built from the status view alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub citizen: ViewCitizen,
    pub injections: Vec<ViewInjection>,
    pub applications: Vec<ViewApplication>,
    /// True when issuance is delayed ([`issuance_delayed`]): applications are received and
    /// will be processed later.
    pub issuance_delayed: bool,
}

pub fn status(desk: &Desk, id: &ResidentId) -> Result<Status, AppError> {
    let conn = desk.conn();
    let citizen =
        status_view::citizen_by_lookup(conn, &desk.ids().lookup(id))?.ok_or_else(|| {
            Refusal::new(
                Rule::NotFound,
                "citizen",
                format!("citizen {id} is not registered"),
            )
        })?;
    status_page(desk, citizen)
}

/// The status page of a citizen known by internal id (screens and tests hold those).
pub fn status_of(desk: &Desk, citizen_id: i64) -> Result<Status, AppError> {
    let citizen = status_view::citizen_by_id(desk.conn(), citizen_id)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "citizen",
            format!("citizen #{citizen_id} is not in the status view"),
        )
    })?;
    status_page(desk, citizen)
}

fn status_page(desk: &Desk, citizen: ViewCitizen) -> Result<Status, AppError> {
    let conn = desk.conn();
    Ok(Status {
        injections: status_view::injections_of(conn, citizen.citizen_id)?,
        applications: status_view::applications_of(conn, citizen.citizen_id)?,
        issuance_delayed: issuance_delayed(desk)?,
        citizen,
    })
}

/// The one rule for telling a citizen that issuance is delayed, on the kiosk and in
/// `vaxdesk status` alike: the issuer's queue is longer than `long_queue`, or issuance keeps
/// failing (its breaker is not closed, or it lags). The queue is counted only up to the limit,
/// so the cost stays flat however long it grows.
pub fn issuance_delayed(desk: &Desk) -> Result<bool, AppError> {
    let conn = desk.conn();
    let limit = i64::from(desk.config().long_queue);
    let pending: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM
                 (SELECT 1 FROM issuance_requests WHERE status = 'PENDING' LIMIT ?1)",
        )?
        .query_row([limit + 1], |r| r.get(0))?;
    Ok(pending > limit || desk.dispatcher().issuance_delayed(conn)?)
}

/// One pending request in the issuer's queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueueItem {
    pub application: i64,
    /// The citizen's masked id.
    pub citizen: String,
    pub citizen_id: i64,
    /// The injection's version when read: what an issue or reject dialog expects.
    pub injection_version: i64,
    pub name: String,
    pub dose: u32,
    pub series: u32,
    pub product: String,
    pub product_name: String,
    pub date: String,
    pub applied_at: String,
    pub birth_date: String,
    pub lot: Option<String>,
    pub centre: Option<String>,
    pub country: String,
}

/// The issuer's pending requests, oldest first. Citizen and injection facts come from the
/// vaccination context by a synchronous read, so they are current, not copied from the request.
pub fn queue(desk: &Desk, limit: i64) -> Result<Vec<QueueItem>, AppError> {
    let mut stmt = desk.conn().prepare_cached(
        "SELECT r.application_id, c.masked_id, c.family_name, c.given_name, i.dose, i.series,
             i.product, i.given_on, r.applied_at, c.birth_date, i.lot, i.centre, i.country,
             c.id, i.version
         FROM issuance_requests r
         JOIN citizens c ON c.id = r.citizen_id
         JOIN injections i ON i.id = r.injection_id
         WHERE r.status = 'PENDING'
         ORDER BY r.applied_at, r.id
         LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], |r| {
            let product: String = r.get(6)?;
            let family: String = r.get(2)?;
            let given: String = r.get(3)?;
            Ok(QueueItem {
                application: r.get(0)?,
                citizen: r.get(1)?,
                name: crate::domain::citizen::display_name(&family, &given),
                dose: r.get(4)?,
                series: r.get(5)?,
                product_name: desk.catalogue().name_of(&product).to_string(),
                product,
                date: r.get(7)?,
                applied_at: r.get(8)?,
                birth_date: r.get(9)?,
                lot: r.get(10)?,
                centre: r.get(11)?,
                country: r.get(12)?,
                citizen_id: r.get(13)?,
                injection_version: r.get(14)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

impl QueueItem {
    /// What an issue or reject dialog on this item expects to find (see
    /// [`crate::app::commands::Reviewed`]).
    pub fn reviewed(&self) -> crate::app::commands::Reviewed {
        crate::app::commands::Reviewed {
            application: self.application,
            injection_version: self.injection_version,
            name: self.name.clone(),
            birth_date: self.birth_date.clone(),
        }
    }
}

/// What the issuer's list of issued certificates shows: all of them, newest first; those
/// whose identifier starts with a text, in identifier order; or those of citizens whose name
/// matches, in the citizen list's name order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuedFilter {
    All,
    Uvci(String),
    Name(String),
}

impl IssuedFilter {
    /// Reads a search as typed. Names carry no digits, colons or `#`: a text with one is (the
    /// start of) a certificate identifier, whole (`URN:UVCI:…`) or from its unique part on
    /// (`VXD…`, which this desk's country prefix completes).
    pub fn parse(text: &str, country: &str) -> IssuedFilter {
        let t = text.trim();
        if t.is_empty() {
            return IssuedFilter::All;
        }
        let upper = t.to_uppercase();
        let looks_like_id = upper.starts_with("URN:")
            || upper.starts_with("VXD")
            || t.contains(|c: char| c.is_ascii_digit() || c == ':' || c == '#');
        if !looks_like_id {
            return IssuedFilter::Name(t.to_string());
        }
        let whole = "URN:UVCI:";
        if upper.starts_with(whole) || whole.starts_with(&upper) {
            IssuedFilter::Uvci(upper)
        } else {
            IssuedFilter::Uvci(format!("URN:UVCI:01:{}:{upper}", country.to_uppercase()))
        }
    }
}

/// Where a certificate sits in the issued list: its keyset for paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedKey {
    /// `issued_at` (all), the identifier (by identifier) or the citizen's list key (by name).
    key: String,
    citizen: i64,
    id: i64,
}

/// Where a window of the issued list starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuedAnchor {
    First,
    Last,
    /// Rows after this one.
    After(IssuedKey),
    /// Rows before this one (returned in list order).
    Before(IssuedKey),
}

/// One certificate of the issued list, with the key to page on from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedItem {
    pub cert: crate::app::store::issuance::IssuedRow,
    pub product_name: String,
    pub key: IssuedKey,
}

/// Citizens a name search walks at most for one page: a page of a name that many citizens
/// share but few hold certificates stays bounded (the next page goes on from there).
const NAME_WALK: usize = 5_000;

/// A window of at most `limit` issued certificates from `anchor`, in list order, paged in
/// SQL on a keyset (never an OFFSET, never a count): a page costs the same at a million.
pub fn issued_page(
    desk: &Desk,
    filter: &IssuedFilter,
    anchor: &IssuedAnchor,
    limit: usize,
) -> Result<Vec<IssuedItem>, AppError> {
    use crate::app::store::issuance::{self as iss, Direction};
    let conn = desk.conn();
    let n = limit as i64;
    let item = |cert: iss::IssuedRow, key: String, citizen: i64| IssuedItem {
        product_name: desk.catalogue().name_of(&cert.product).to_string(),
        key: IssuedKey {
            key,
            citizen,
            id: cert.id,
        },
        cert,
    };
    let rows = match filter {
        IssuedFilter::All => {
            let (key, id, dir) = match anchor {
                IssuedAnchor::First => ("\u{10FFFF}".to_string(), i64::MAX, Direction::Forward),
                IssuedAnchor::Last => (String::new(), i64::MIN, Direction::Backward),
                IssuedAnchor::After(k) => (k.key.clone(), k.id, Direction::Forward),
                IssuedAnchor::Before(k) => (k.key.clone(), k.id, Direction::Backward),
            };
            iss::issued_by_time(conn, (&key, id), dir, n)?
                .into_iter()
                .map(|c| {
                    let k = c.issued_at.clone();
                    item(c, k, 0)
                })
                .collect()
        }
        IssuedFilter::Uvci(prefix) => {
            let (from, dir) = match anchor {
                IssuedAnchor::First => (String::new(), Direction::Forward),
                IssuedAnchor::Last => ("\u{10FFFF}".to_string(), Direction::Backward),
                IssuedAnchor::After(k) => (k.key.clone(), Direction::Forward),
                IssuedAnchor::Before(k) => (k.key.clone(), Direction::Backward),
            };
            iss::issued_by_uvci(conn, prefix, &from, dir, n)?
                .into_iter()
                .map(|c| {
                    let k = c.uvci.clone();
                    item(c, k, 0)
                })
                .collect()
        }
        IssuedFilter::Name(name) => issued_by_name(desk, name, anchor, limit, &item)?,
    };
    Ok(rows)
}

/// The name search of the citizen list (the same function the manager's `/` uses), then
/// each citizen's certificates through their own index.
fn issued_by_name(
    desk: &Desk,
    name: &str,
    anchor: &IssuedAnchor,
    limit: usize,
    item: &dyn Fn(crate::app::store::issuance::IssuedRow, String, i64) -> IssuedItem,
) -> Result<Vec<IssuedItem>, AppError> {
    use crate::app::store::issuance::{self as iss, Direction};
    use crate::app::store::vaccination::{self, Anchor, ListOrder};
    let conn = desk.conn();
    let (dir, mut at, within) = match anchor {
        IssuedAnchor::First => (Direction::Forward, Anchor::First, None),
        IssuedAnchor::Last => (Direction::Backward, Anchor::Last, None),
        IssuedAnchor::After(k) => (
            Direction::Forward,
            Anchor::After(k.key.clone(), k.citizen),
            Some(k),
        ),
        IssuedAnchor::Before(k) => (
            Direction::Backward,
            Anchor::Before(k.key.clone(), k.citizen),
            Some(k),
        ),
    };
    // Chunks in walking order; a backward walk is turned round at the end.
    let mut chunks: Vec<Vec<IssuedItem>> = vec![];
    let take = |chunks: &mut Vec<Vec<IssuedItem>>, rows: Vec<iss::IssuedRow>, key: &str| {
        let citizen_chunk = rows
            .into_iter()
            .map(|r| {
                let c = r.citizen_id;
                item(r, key.to_string(), c)
            })
            .collect();
        chunks.push(citizen_chunk);
    };
    if let Some(k) = within {
        let rows = iss::issued_to_citizen(conn, k.citizen, k.id, dir, limit as i64)?;
        take(&mut chunks, rows, &k.key);
    }
    const BATCH: usize = 64;
    let mut walked = 0;
    'walk: while found_so_far(&chunks) < limit && walked < NAME_WALK {
        let batch = vaccination::citizens_window(conn, ListOrder::Name, name, &at, BATCH as i64)?;
        let full = batch.len() == BATCH;
        let ordered: Vec<_> = match dir {
            Direction::Forward => batch,
            Direction::Backward => batch.into_iter().rev().collect(),
        };
        for c in ordered {
            walked += 1;
            at = match dir {
                Direction::Forward => Anchor::After(c.key.clone(), c.id),
                Direction::Backward => Anchor::Before(c.key.clone(), c.id),
            };
            let from = match dir {
                Direction::Forward => i64::MIN,
                Direction::Backward => i64::MAX,
            };
            let left = limit - found_so_far(&chunks);
            let rows = iss::issued_to_citizen(conn, c.id, from, dir, left as i64)?;
            take(&mut chunks, rows, &c.key);
            if found_so_far(&chunks) >= limit {
                break 'walk;
            }
        }
        if !full {
            break;
        }
    }
    if dir == Direction::Backward {
        chunks.reverse();
    }
    let mut out: Vec<IssuedItem> = chunks.into_iter().flatten().collect();
    out.truncate(limit);
    Ok(out)
}

fn found_so_far(chunks: &[Vec<IssuedItem>]) -> usize {
    chunks.iter().map(Vec::len).sum()
}

/// A certificate in the issuer's "recently issued" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentCertificate {
    pub uvci: String,
    pub name: String,
    pub issued_at: String,
    pub revoked: bool,
}

/// The `limit` most recently issued certificates, newest first.
pub fn recent_certificates(desk: &Desk, limit: i64) -> Result<Vec<RecentCertificate>, AppError> {
    let mut stmt = desk.conn().prepare_cached(
        "SELECT k.uvci, c.family_name, c.given_name, k.issued_at, k.revoked_at IS NOT NULL
         FROM certificates k JOIN citizens c ON c.id = k.citizen_id
         ORDER BY k.issued_at DESC, k.id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], |r| {
            let (f, g): (String, String) = (r.get(1)?, r.get(2)?);
            Ok(RecentCertificate {
                uvci: r.get(0)?,
                name: crate::domain::citizen::display_name(&f, &g),
                issued_at: r.get(3)?,
                revoked: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Up to `limit` log rows after `after`.
pub fn events(desk: &Desk, after: i64, limit: i64) -> Result<Vec<outbox::LogRow>, AppError> {
    Ok(outbox::rows_after(desk.conn(), after, limit)?)
}

/// What differs between the live status view and one rebuilt from the log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewCheck {
    pub events: i64,
    /// One English line per row that differs (see [`Difference`] for their parts).
    pub differences: Vec<String>,
}

impl ViewCheck {
    /// The differences by their parts, for a command to word them in its language.
    pub fn typed_differences(&self) -> Vec<Difference> {
        self.differences
            .iter()
            .map(|d| Difference::parse(d))
            .collect()
    }
}

/// A table of the status view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewTable {
    Citizen,
    Injection,
    Application,
}

impl ViewTable {
    /// Its name in a difference's line.
    pub fn name(self) -> &'static str {
        match self {
            ViewTable::Citizen => "citizen",
            ViewTable::Injection => "injection",
            ViewTable::Application => "application",
        }
    }
}

/// One row where the live status view and a rebuild differ. The rows are shown as the store
/// reads them (their field names and values, for support).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The live view has a row the rebuild does not.
    LiveOnly {
        table: ViewTable,
        key: i64,
        live: String,
    },
    /// Both have the row, with different values.
    Differs {
        table: ViewTable,
        key: i64,
        live: String,
        rebuilt: String,
    },
    /// The rebuild has a row the live view lacks.
    RebuiltOnly {
        table: ViewTable,
        key: i64,
        rebuilt: String,
    },
    /// A line of another form, as it was written.
    Other(String),
}

impl Difference {
    /// The parts of one of [`ViewCheck::differences`]' lines (the three forms the status
    /// view's comparison writes: `TABLE KEY: in the live view only: ROW`, `TABLE KEY: live
    /// ROW but rebuilt ROW`, `TABLE KEY: missing from the live view: ROW`).
    pub fn parse(line: &str) -> Difference {
        let typed = || {
            let (head, rest) = line.split_once(": ")?;
            let (table, key) = head.split_once(' ')?;
            let table = [
                ViewTable::Citizen,
                ViewTable::Injection,
                ViewTable::Application,
            ]
            .into_iter()
            .find(|t| t.name() == table)?;
            let key: i64 = key.parse().ok()?;
            if let Some(live) = rest.strip_prefix("in the live view only: ") {
                return Some(Difference::LiveOnly {
                    table,
                    key,
                    live: live.to_string(),
                });
            }
            if let Some(rebuilt) = rest.strip_prefix("missing from the live view: ") {
                return Some(Difference::RebuiltOnly {
                    table,
                    key,
                    rebuilt: rebuilt.to_string(),
                });
            }
            // A row is `Type { .. }`: the rebuilt one starts after the live one's last brace.
            let both = rest.strip_prefix("live ")?;
            let (live, rebuilt) = both.split_once("} but rebuilt ")?;
            Some(Difference::Differs {
                table,
                key,
                live: format!("{live}}}"),
                rebuilt: rebuilt.to_string(),
            })
        };
        typed().unwrap_or_else(|| Difference::Other(line.to_string()))
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::LiveOnly { table, key, live } => {
                write!(f, "{} {key}: in the live view only: {live}", table.name())
            }
            Difference::Differs {
                table,
                key,
                live,
                rebuilt,
            } => write!(
                f,
                "{} {key}: live {live} but rebuilt {rebuilt}",
                table.name()
            ),
            Difference::RebuiltOnly {
                table,
                key,
                rebuilt,
            } => {
                write!(
                    f,
                    "{} {key}: missing from the live view: {rebuilt}",
                    table.name()
                )
            }
            Difference::Other(line) => f.write_str(line),
        }
    }
}

/// Rebuilds the status view from the event log. With `keep == false` the rebuild is compared
/// with the live view and thrown away; with `keep == true` it replaces the live view.
///
/// Memory stays flat at any size: the live rows are copied aside into temporary tables kept on
/// disk, events are projected a batch at a time, and the two sides are compared in SQL.
pub fn rebuild_views(desk: &Desk, keep: bool) -> Result<ViewCheck, AppError> {
    rebuild_views_with_progress(desk, keep, &Silent)
}

/// [`rebuild_views`], telling `progress` the events replayed out of the log's.
pub fn rebuild_views_with_progress(
    desk: &Desk,
    keep: bool,
    progress: &dyn Progress,
) -> Result<ViewCheck, AppError> {
    let result = rebuild(desk, keep, progress);
    progress.finish();
    result
}

fn rebuild(desk: &Desk, keep: bool, progress: &dyn Progress) -> Result<ViewCheck, AppError> {
    let conn = desk.conn();
    let run = |c: &rusqlite::Connection| -> Result<ViewCheck, AppError> {
        // Bring the live view up to the head of the log first, so both sides see the same events.
        progress.phase(Phase::UpdatingStatusView, None);
        desk.dispatcher().deliver(c)?;
        progress.phase(Phase::CopyingLiveView, None);
        status_view::copy_live(c)?;
        status_view::clear(c)?;
        let total: i64 = c.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?;
        progress.phase(Phase::ReplayingEvents, Some(total.max(0) as u64));
        let mut from = 0;
        let mut n = 0;
        loop {
            let batch = outbox::events_after(c, from, 5000)?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                break;
            };
            for e in &batch {
                status_view::project(c, e)?;
            }
            n += batch.len() as i64;
            from = last;
            progress.advance(batch.len() as u64);
        }
        outbox::set_checkpoint(c, STATUS_VIEW, from)?;
        progress.phase(Phase::ComparingWithLiveView, None);
        let differences = status_view::differences(c)?;
        status_view::drop_live_copy(c)?;
        Ok(ViewCheck {
            events: n,
            differences,
        })
    };
    // The copy of the live view goes to a temporary file, not memory (the bundled SQLite keeps
    // temporary tables in memory by default). Set outside a transaction, as SQLite requires.
    let temp_store: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
    conn.pragma_update(None, "temp_store", "FILE")?;
    let result = if keep {
        store::immediate(conn, run)
    } else {
        // Compare inside a transaction that is always rolled back.
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(AppError::from)
            .and_then(|()| {
                let result = run(conn);
                conn.execute_batch("ROLLBACK")?;
                result
            })
    };
    conn.pragma_update(None, "temp_store", temp_store)?;
    result
}

/// The desk's health, as `vaxdesk doctor` reports it.
#[derive(Debug, Clone)]
pub struct Doctor {
    pub integrity: Vec<String>,
    pub schema_version: i64,
    pub schema_expected: i64,
    pub events: i64,
    pub subscribers: Vec<SubscriberStatus>,
    pub pending_requests: i64,
    pub undecodable_event: Option<String>,
    /// The audit log's hash chain: rows checked and the first broken row, if any.
    pub audit: crate::app::store::audit::ChainCheck,
}

/// One thing `doctor` found wrong. The checks are made once, here; each language renders
/// them ([`Doctor::problems`] in English, `i18n::cli::doctor_problems` in Korean), and a new
/// kind stops the build until every language words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding<'a> {
    /// SQLite's `integrity_check` report, quoted as it is.
    Integrity(&'a [String]),
    Schema {
        version: i64,
        expected: i64,
    },
    SubscriberBehind {
        name: &'a str,
        lag: i64,
        last_error: Option<&'a str>,
    },
    BreakerNotClosed {
        name: &'a str,
        state: crate::app::bus::BreakerState,
    },
    /// An event the subscribers cannot read, described as found.
    UndecodableEvent(&'a str),
    AuditChainBroken {
        seq: i64,
        reason: &'a str,
    },
}

impl Doctor {
    /// What is wrong, in the order doctor reports it; empty when all is well.
    pub fn findings(&self) -> Vec<Finding<'_>> {
        let mut f = vec![];
        if self.integrity != ["ok"] {
            f.push(Finding::Integrity(&self.integrity));
        }
        if self.schema_version != self.schema_expected {
            f.push(Finding::Schema {
                version: self.schema_version,
                expected: self.schema_expected,
            });
        }
        for s in &self.subscribers {
            if s.lag > 0 {
                f.push(Finding::SubscriberBehind {
                    name: &s.name,
                    lag: s.lag,
                    last_error: s.last_error.as_deref(),
                });
            }
            if s.state != crate::app::bus::BreakerState::Closed {
                f.push(Finding::BreakerNotClosed {
                    name: &s.name,
                    state: s.state,
                });
            }
        }
        if let Some(e) = &self.undecodable_event {
            f.push(Finding::UndecodableEvent(e));
        }
        if let Some(b) = &self.audit.broken {
            f.push(Finding::AuditChainBroken {
                seq: b.seq,
                reason: &b.reason,
            });
        }
        f
    }

    /// Problems found, in English; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        self.findings()
            .into_iter()
            .map(|f| match f {
                Finding::Integrity(report) => format!("integrity check: {}", report.join("; ")),
                Finding::Schema { version, expected } => {
                    format!("schema version {version} (expected {expected})")
                }
                Finding::SubscriberBehind {
                    name,
                    lag,
                    last_error,
                } => format!(
                    "subscriber {name} is {lag} event(s) behind{}",
                    last_error
                        .map(|e| format!(" (last error: {e})"))
                        .unwrap_or_default()
                ),
                Finding::BreakerNotClosed { name, state } => {
                    format!("subscriber {name} breaker is {state}")
                }
                Finding::UndecodableEvent(e) => e.to_string(),
                Finding::AuditChainBroken { seq, reason } => {
                    format!("audit log: row {seq}: {reason}")
                }
            })
            .collect()
    }
}

pub fn doctor(desk: &Desk) -> Result<Doctor, AppError> {
    doctor_with_progress(desk, &Silent)
}

/// The checks [`doctor_with_progress`] counts, in order: each is the bar's message while it runs.
/// Their English names ([`Check::name`]); the command line words each [`Check`] in the user's
/// language.
pub const DOCTOR_CHECKS: [&str; 4] = [
    Check::ALL[0].name(),
    Check::ALL[1].name(),
    Check::ALL[2].name(),
    Check::ALL[3].name(),
];

/// [`doctor`], telling `progress` the checks done out of [`DOCTOR_CHECKS`] and naming the
/// one running (the integrity check reads every page: on a big database it is the long one).
pub fn doctor_with_progress(desk: &Desk, progress: &dyn Progress) -> Result<Doctor, AppError> {
    progress.phase(Phase::Doctor, Some(DOCTOR_CHECKS.len() as u64));
    let result = examine(desk, progress);
    progress.finish();
    result
}

fn examine(desk: &Desk, progress: &dyn Progress) -> Result<Doctor, AppError> {
    let conn = desk.conn();
    progress.check(Check::Integrity);
    let integrity = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    progress.advance(1);
    // Every stored event must decode: a subscriber would stall on one that does not.
    progress.check(Check::EveryEvent);
    let mut undecodable_event = None;
    let mut stmt = conn.prepare("SELECT seq, type, data FROM events ORDER BY seq")?;
    let mut rows = stmt.query(params![])?;
    while let Some(r) = rows.next()? {
        let (seq, t, d): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if let Err(e) = Event::from_stored(&t, &d) {
            undecodable_event = Some(format!("event {seq} ({t}) cannot be read: {e}"));
            break;
        }
    }
    drop(rows);
    progress.advance(1);
    progress.check(Check::SchemaAndSubscribers);
    let schema_version = schema::version(conn)?;
    let events = outbox::last_seq(conn)?;
    let subscribers = desk.dispatcher().status(conn)?;
    let pending_requests = store::issuance::pending_count(conn)?;
    progress.advance(1);
    progress.check(Check::AuditChain);
    let audit = store::audit::verify_chain(conn)?;
    progress.advance(1);
    Ok(Doctor {
        integrity,
        schema_version,
        schema_expected: schema::VERSION,
        events,
        subscribers,
        pending_requests,
        undecodable_event,
        audit,
    })
}
