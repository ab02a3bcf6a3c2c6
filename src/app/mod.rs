//! Use cases: one command = one `BEGIN IMMEDIATE` transaction.
//!
//! A [`Desk`] owns the connection, the clock, the catalogue and the dispatcher. A command loads
//! what it needs, checks the rules (the synchronous cross-context checks included), writes its
//! rows, appends its events, lets the subscribers handle them, and commits: all or nothing.

pub mod commands;
pub mod queries;
pub mod seed;

use crate::bus::{DispatchReport, Dispatcher, Faults};
use crate::config::Config;
use crate::domain::{Catalogue, Clock, Refusal};
use crate::store::{self, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;

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
}

/// What a command may read and use, besides the open transaction.
pub struct Ctx<'a> {
    pub conn: &'a Connection,
    pub catalogue: &'a Catalogue,
    pub config: &'a Config,
}

/// One desk: a connection to the shared database and what the commands need.
pub struct Desk {
    conn: Connection,
    clock: Arc<dyn Clock>,
    catalogue: Catalogue,
    config: Config,
    dispatcher: Dispatcher,
}

impl Desk {
    /// Opens the database (creating and migrating it if needed) and catches up on events left
    /// pending by a failure or another desk.
    pub fn open(
        path: &Path,
        config: Config,
        clock: Arc<dyn Clock>,
        faults: Faults,
    ) -> Result<Desk, AppError> {
        let conn = store::open(path)?;
        let dispatcher = Dispatcher::new(config.breaker(), clock.clone(), faults);
        let desk = Desk {
            conn,
            clock,
            catalogue: Catalogue::bundled(),
            config,
            dispatcher,
        };
        desk.dispatch()?;
        Ok(desk)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    pub fn dispatcher(&self) -> &Dispatcher {
        &self.dispatcher
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

    /// Runs a command in one immediate transaction, delivering its events before commit.
    pub fn run<T>(&self, f: impl FnOnce(&Ctx<'_>) -> Result<T, AppError>) -> Result<T, AppError> {
        store::immediate(&self.conn, |conn| {
            let ctx = Ctx {
                conn,
                catalogue: &self.catalogue,
                config: &self.config,
            };
            let v = f(&ctx)?;
            self.dispatcher.deliver(conn)?;
            Ok(v)
        })
    }

    /// Delivers pending events now, in a transaction of its own.
    pub fn dispatch(&self) -> Result<DispatchReport, AppError> {
        Ok(self.dispatcher.catch_up(&self.conn)?)
    }
}
