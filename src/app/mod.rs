//! Use cases: one command = one `BEGIN IMMEDIATE` transaction.
//!
//! A [`Desk`] owns the connection, the clock, the catalogue and the dispatcher. A command loads
//! what it needs, checks the rules (the synchronous cross-context checks included), writes its
//! rows and appends its events, and commits: all or nothing. Its events are delivered to the
//! subscribers right after the commit.

pub mod access;
pub mod backup;
#[cfg(feature = "internals")]
pub mod bus;
#[cfg(not(feature = "internals"))]
mod bus;
pub mod certificates;
pub mod commands;
pub mod export;
pub mod import;
pub mod issue;
pub mod kiosk;
pub mod maintenance;
pub mod manage;
pub mod progress;
pub mod queries;
pub mod registry;
pub mod relay;
pub mod seed;
pub mod staff_admin;
#[cfg(feature = "internals")]
pub mod store;
#[cfg(not(feature = "internals"))]
mod store;
pub mod views;

use crate::app::bus::Dispatcher;
pub use crate::app::bus::{BreakerPolicy, BreakerState, DispatchReport, Faults};
use crate::cert::keys::Signer;
use crate::config::Config;
use crate::domain::{Catalogue, Clock, Refusal};
use crate::privacy::IdKeys;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;
/// The database's own errors (opening, schema, SQLite), for the command line to word them.
pub use store::StoreError;
use store::audit::{self, AuditEntry, DeskIdentity};
/// An event of the log that cannot be read, or SQLite failing while reading it.
pub use store::outbox::ReadError as LogError;
/// A staff account's store refusing (a name taken) or failing.
pub use store::staff::StaffStoreError as StaffError;

/// A method of [`Desk`] that hands out the connection or runs a closure on it: visible inside
/// `app` only, so the screens and the commands cannot reach the data past the use cases. The
/// package's own tests and benches see it through the `internals` feature.
macro_rules! inside_app {
    ($(#[$meta:meta])* fn $name:ident $($rest:tt)*) => {
        #[cfg(feature = "internals")]
        $(#[$meta])*
        pub fn $name $($rest)*
        #[cfg(not(feature = "internals"))]
        $(#[$meta])*
        pub(in crate::app) fn $name $($rest)*
    };
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A rule or an input check refused the command; nothing changed.
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("{0}")]
    Seed(#[from] seed::SeedError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Log(#[from] store::outbox::ReadError),
    #[error("{0}")]
    Certificate(String),
    #[error(transparent)]
    Privacy(#[from] crate::privacy::IdKeyError),
    #[error(transparent)]
    Staff(#[from] crate::app::store::staff::StaffStoreError),
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Store(StoreError::Sql(e))
    }
}

/// Who makes a change, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl Stamp {
    pub fn at_str(&self) -> String {
        crate::domain::clock::stamp(self.at)
    }

    /// The latest calendar date anywhere on Earth at this moment (UTC+14): a date after it is
    /// in the future wherever the desk stands, and a clinic at UTC+9 recording at 08:00 is
    /// not refused for "today".
    pub fn today(&self) -> chrono::NaiveDate {
        (self.at + chrono::Duration::hours(14)).date_naive()
    }
}

/// What a command may read and use, besides the open transaction.
pub struct Ctx<'a> {
    pub conn: &'a Connection,
    pub catalogue: &'a Catalogue,
    pub config: &'a Config,
    /// The document signer issuing uses; `None` when this desk has no key.
    pub signer: Option<&'a Signer>,
    /// Seals resident ids and hashes them for lookup.
    pub ids: &'a IdKeys,
    /// Whether new citizens' name-search keys are written now or at the end of a big file.
    pub terms: store::vaccination::TermWrites,
}

/// One desk: a connection to the shared database and what the commands need.
pub struct Desk {
    conn: Connection,
    clock: Arc<dyn Clock>,
    catalogue: Catalogue,
    config: Config,
    dispatcher: Dispatcher,
    signer: Option<Signer>,
    ids: IdKeys,
    identity: DeskIdentity,
    /// What the catch-up at opening delivered (`vaxdesk dispatch` counts it too).
    opening_delivery: DispatchReport,
}

impl Desk {
    /// Opens the database (creating and migrating it if needed) with the desk's resident-id
    /// keys, and catches up on events left pending by a failure or another desk.
    pub fn open(
        path: &Path,
        ids: IdKeys,
        config: Config,
        clock: Arc<dyn Clock>,
        faults: Faults,
    ) -> Result<Desk, AppError> {
        let conn = store::open_with(path, Some(&ids))?;
        Desk::with_connection(conn, ids, config, clock, faults)
    }

    /// [`Desk::open`] for a database that must exist already: a missing one is refused with
    /// [`StoreError::Missing`] and nothing is created (a mistyped path is not a new clinic).
    pub fn open_existing(
        path: &Path,
        ids: IdKeys,
        config: Config,
        clock: Arc<dyn Clock>,
        faults: Faults,
    ) -> Result<Desk, AppError> {
        let conn = store::open_existing_with(path, Some(&ids))?;
        Desk::with_connection(conn, ids, config, clock, faults)
    }

    fn with_connection(
        conn: Connection,
        ids: IdKeys,
        config: Config,
        clock: Arc<dyn Clock>,
        faults: Faults,
    ) -> Result<Desk, AppError> {
        let dispatcher = Dispatcher::new(config.breaker(), clock.clone(), faults);
        let mut desk = Desk {
            conn,
            clock,
            catalogue: Catalogue::bundled(),
            config,
            dispatcher,
            signer: None,
            ids,
            identity: DeskIdentity::on_host(crate::config::host_name()),
            opening_delivery: DispatchReport::default(),
        };
        desk.opening_delivery = desk.dispatch()?;
        Ok(desk)
    }

    /// What the catch-up when this desk opened delivered.
    pub fn opening_delivery(&self) -> &DispatchReport {
        &self.opening_delivery
    }

    /// Gives the desk its document signer (issuing refuses without one).
    pub fn set_signer(&mut self, signer: Option<Signer>) {
        self.signer = signer;
    }

    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_ref()
    }

    inside_app! {
        /// The context a command runs with, over `conn`.
        fn ctx<'a>(&'a self, conn: &'a Connection) -> Ctx<'a> {
            Ctx {
                conn,
                catalogue: &self.catalogue,
                config: &self.config,
                signer: self.signer.as_ref(),
                ids: &self.ids,
                terms: store::vaccination::TermWrites::Now,
            }
        }
    }

    inside_app! {
        /// The context of one big file's transaction (a seed file, a CSV import): new
        /// citizens' search keys are deferred, and the file's runner writes them with
        /// [`store::vaccination::flush_search_terms`] before it commits.
        fn bulk_ctx<'a>(&'a self, conn: &'a Connection) -> rusqlite::Result<Ctx<'a>> {
            store::vaccination::defer_search_terms(conn)?;
            Ok(Ctx {
                terms: store::vaccination::TermWrites::Deferred,
                ..self.ctx(conn)
            })
        }
    }

    /// The resident-id keys (lookups and the audited reveal).
    pub fn ids(&self) -> &IdKeys {
        &self.ids
    }

    inside_app! {
        fn conn(&self) -> &Connection {
            &self.conn
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    inside_app! {
        fn dispatcher(&self) -> &Dispatcher {
            &self.dispatcher
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A stamp for `actor` at the clock's now.
    pub fn stamp(&self, actor: &str) -> Stamp {
        Stamp {
            actor: actor.to_string(),
            at: self.clock.now(),
        }
    }

    inside_app! {
        /// Runs a command in one immediate transaction, then delivers its events, without an
        /// audit row: the primitive under [`Desk::command`], which every desk and the command line
        /// use; tests and benchmarks call it to exercise a rule alone.
        ///
        /// Delivery happens after commit, in a transaction of its own: a failing subscriber never
        /// undoes an acknowledged command, and whatever is not delivered now is caught up later.
        #[cfg(any(test, feature = "internals"))]
        fn run<T>(&self, f: impl FnOnce(&Ctx<'_>) -> Result<T, AppError>) -> Result<T, AppError> {
            let v = store::immediate(&self.conn, |conn| f(&self.ctx(conn)))?;
            // The command is committed; a delivery that cannot run now (another desk holding the
            // lock too long) is retried by the next command, tick or start-up.
            let _ = self.dispatch();
            Ok(v)
        }
    }

    inside_app! {
        /// Runs a command for `stamp.actor` and records it in the audit log: in the same
        /// transaction when it succeeds (whose record: `citizen`, or else the citizen of its first
        /// event), in one of its own when it is refused or fails (nothing else is kept then).
        fn command<T>(
            &self,
            stamp: &Stamp,
            action: &str,
            citizen: Option<i64>,
            f: impl FnOnce(&Ctx<'_>) -> Result<T, AppError>,
        ) -> Result<T, AppError> {
            self.command_with(stamp, action, citizen, None, f)
        }
    }

    inside_app! {
        /// [`Desk::command`] with a detail for the audit row (what it was about, never a
        /// resident id).
        fn command_with<T>(
            &self,
            stamp: &Stamp,
            action: &str,
            citizen: Option<i64>,
            detail: Option<&str>,
            f: impl FnOnce(&Ctx<'_>) -> Result<T, AppError>,
        ) -> Result<T, AppError> {
            let result = store::immediate(&self.conn, |conn| {
                let before = store::outbox::last_seq(conn)?;
                let v = f(&self.ctx(conn))?;
                let whose = match citizen {
                    Some(c) => Some(c),
                    None => store::outbox::first_citizen_after(conn, before)?,
                };
                self.audit_in(conn, stamp, action, whose, "ok", detail)?;
                Ok(v)
            });
            match result {
                Ok(v) => {
                    let _ = self.dispatch();
                    Ok(v)
                }
                Err(e) => {
                    let outcome = match &e {
                        AppError::Refused(r) => format!("refused: {} ({})", r.rule.label(), r.field),
                        _ => "failed".to_string(),
                    };
                    // The refusal is on record even though the command kept nothing.
                    let _ = self.audit(stamp, action, citizen, &outcome, detail);
                    Err(e)
                }
            }
        }
    }

    /// Writes one audit row in a transaction of its own.
    pub fn audit(
        &self,
        stamp: &Stamp,
        action: &str,
        citizen: Option<i64>,
        result: &str,
        detail: Option<&str>,
    ) -> Result<(), AppError> {
        store::immediate(&self.conn, |conn| {
            self.audit_in(conn, stamp, action, citizen, result, detail)
        })
    }

    inside_app! {
        /// Writes one audit row inside the caller's transaction.
        fn audit_in(
            &self,
            conn: &Connection,
            stamp: &Stamp,
            action: &str,
            citizen: Option<i64>,
            result: &str,
            detail: Option<&str>,
        ) -> Result<(), AppError> {
            let at = stamp.at_str();
            audit::append(
                conn,
                &self.identity,
                &AuditEntry {
                    at: &at,
                    actor: &stamp.actor,
                    action,
                    citizen,
                    result,
                    detail,
                },
            )?;
            Ok(())
        }
    }

    /// This desk: host, terminal and process, as the audit log records them.
    pub fn identity(&self) -> &DeskIdentity {
        &self.identity
    }

    /// Delivers pending events now, in a transaction of its own.
    pub fn dispatch(&self) -> Result<DispatchReport, AppError> {
        Ok(self.dispatcher.catch_up(&self.conn)?)
    }
}
