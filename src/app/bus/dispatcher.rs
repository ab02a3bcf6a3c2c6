//! Delivers the log to every subscriber, each from its own checkpoint.
//!
//! Events are delivered only after the command that wrote them has committed
//! ([`Dispatcher::catch_up`], right after each command, on demand and at start-up, which also
//! picks up work left by a failure or another desk). A seed file is the one exception: it is a
//! single unit of work, so [`Dispatcher::deliver`] runs inside its transaction between steps and
//! the file's events and their effects commit together or not at all. Each subscriber runs in
//! a savepoint: if it fails, only its own work is undone and the breaker records it.

use super::Faults;
use super::breaker::{BreakerPolicy, BreakerState, Gate};
use super::subscribers::{ApplyingPolicy, HandlerError, IssuancePolicy, StatusView, Subscriber};
use crate::app::store::{self, outbox};
use crate::domain::Clock;
use crate::domain::event::EventKind;
use rusqlite::Connection;
use std::sync::Arc;

/// Events read per batch.
const BATCH: i64 = 1000;

pub struct Dispatcher {
    subscribers: Vec<Box<dyn Subscriber>>,
    policy: BreakerPolicy,
    clock: Arc<dyn Clock>,
}

/// What one delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Events handled, summed over subscribers.
    pub delivered: u64,
    /// Subscribers that failed in this delivery, with the error.
    pub failures: Vec<(String, String)>,
    /// Subscribers skipped because their breaker or backoff said wait.
    pub waiting: Vec<String>,
}

/// One subscriber's position and health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberStatus {
    pub name: String,
    pub checkpoint: i64,
    pub lag: i64,
    pub state: BreakerState,
    pub consecutive_failures: i64,
    pub retry_at: Option<String>,
    pub last_error: Option<String>,
}

impl Dispatcher {
    /// The desk's subscribers: issuance, applying and the status view.
    pub fn new(policy: BreakerPolicy, clock: Arc<dyn Clock>, faults: Faults) -> Self {
        Dispatcher {
            subscribers: vec![
                Box::new(IssuancePolicy { faults }),
                Box::new(ApplyingPolicy),
                Box::new(StatusView),
            ],
            policy,
            clock,
        }
    }

    #[cfg(any(test, feature = "internals"))]
    pub fn subscriber_names(&self) -> Vec<&'static str> {
        self.subscribers.iter().map(|s| s.name()).collect()
    }

    /// Delivers every pending event inside the current transaction, until no subscriber has
    /// anything left (policies may append events that others must see).
    pub fn deliver(&self, conn: &Connection) -> rusqlite::Result<DispatchReport> {
        let mut report = DispatchReport::default();
        let mut skip: Vec<&'static str> = vec![];
        loop {
            let head = outbox::last_seq(conn)?;
            let mut progressed = false;
            for sub in &self.subscribers {
                if skip.contains(&sub.name()) {
                    continue;
                }
                if outbox::checkpoint(conn, sub.name())? >= head {
                    continue;
                }
                match self.deliver_one(conn, sub.as_ref(), head)? {
                    Outcome::Delivered(n) => {
                        report.delivered += n;
                        progressed |= n > 0;
                    }
                    Outcome::Waiting => {
                        report.waiting.push(sub.name().to_string());
                        skip.push(sub.name());
                    }
                    Outcome::Failed(e) => {
                        report.failures.push((sub.name().to_string(), e));
                        skip.push(sub.name());
                    }
                }
            }
            if !progressed && outbox::last_seq(conn)? == head {
                return Ok(report);
            }
        }
    }

    /// Delivers pending events in a transaction of its own (after a command, on demand, at
    /// start-up, on a TUI tick).
    ///
    /// This transaction commits with `synchronous=NORMAL`: everything it writes is derived from
    /// the durable log and re-derived after a power loss (checkpoint and effects are lost
    /// together), so it need not pay a second fsync per command. A process crash loses nothing.
    pub fn catch_up(&self, conn: &Connection) -> rusqlite::Result<DispatchReport> {
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let result = store::immediate(conn, |c| self.deliver(c));
        conn.pragma_update(None, "synchronous", "FULL")?;
        result
    }

    fn deliver_one(
        &self,
        conn: &Connection,
        sub: &dyn Subscriber,
        head: i64,
    ) -> rusqlite::Result<Outcome> {
        let name = sub.name();
        let kinds: Vec<EventKind> = EventKind::ALL
            .iter()
            .copied()
            .filter(|k| sub.handles(*k))
            .collect();
        // A subscriber of every kind reads the log unfiltered.
        let filter = (kinds.len() < EventKind::ALL.len()).then_some(kinds.as_slice());
        let read = |c: &Connection, from: i64| outbox::events_between(c, from, head, filter, BATCH);
        let start = outbox::checkpoint(conn, name)?;
        let now = self.clock.now();
        let health = outbox::health(conn, name)?;
        let first = match read(conn, start) {
            // Nothing it reacts to: move its checkpoint without calling it.
            Ok(b) if b.is_empty() => {
                outbox::set_checkpoint(conn, name, head)?;
                return Ok(Outcome::Delivered(0));
            }
            Ok(b) => Ok(b),
            Err(e) => Err(HandlerError::from(e)),
        };
        if let Gate::Wait(_) = self.policy.gate(&health, now) {
            return Ok(Outcome::Waiting);
        }
        let result = store::savepoint(conn, |c| -> Result<u64, HandlerError> {
            let mut batch = first?;
            let mut n = 0;
            loop {
                for e in &batch {
                    sub.handle(c, e)?;
                }
                n += batch.len() as u64;
                let full = batch.len() as i64 == BATCH;
                match batch.last() {
                    Some(last) if full => {
                        outbox::set_checkpoint(c, name, last.seq)?;
                        batch = read(c, last.seq)?;
                    }
                    _ => {
                        outbox::set_checkpoint(c, name, head)?;
                        return Ok(n);
                    }
                }
            }
        });
        match result {
            Ok(n) => {
                if health.consecutive_failures != 0 || health.state != "CLOSED" {
                    outbox::set_health(conn, name, &self.policy.on_success())?;
                }
                Ok(Outcome::Delivered(n))
            }
            Err(e) => {
                let message = e.to_string();
                outbox::set_health(conn, name, &self.policy.on_failure(&health, now, &message))?;
                Ok(Outcome::Failed(message))
            }
        }
    }

    /// Every subscriber's checkpoint, lag and breaker, as of now.
    pub fn status(&self, conn: &Connection) -> rusqlite::Result<Vec<SubscriberStatus>> {
        let head = outbox::last_seq(conn)?;
        let now = self.clock.now();
        self.subscribers
            .iter()
            .map(|s| {
                let checkpoint = outbox::checkpoint(conn, s.name())?;
                let h = outbox::health(conn, s.name())?;
                Ok(SubscriberStatus {
                    name: s.name().to_string(),
                    checkpoint,
                    lag: head - checkpoint,
                    state: self.policy.state(&h, now),
                    consecutive_failures: h.consecutive_failures,
                    retry_at: h.retry_at,
                    last_error: h.last_error,
                })
            })
            .collect()
    }

    /// True when issuance is delayed (the citizen's fallback): its breaker is not closed, or
    /// it is failing and has events it could not yet handle.
    pub fn issuance_delayed(&self, conn: &Connection) -> rusqlite::Result<bool> {
        let name = super::subscribers::ISSUANCE;
        let h = outbox::health(conn, name)?;
        let failing_behind =
            h.consecutive_failures > 0 && outbox::checkpoint(conn, name)? < outbox::last_seq(conn)?;
        Ok(self.policy.state(&h, self.clock.now()) != BreakerState::Closed || failing_behind)
    }

    /// The time used for the breaker, stamped.
    #[cfg(any(test, feature = "internals"))]
    pub fn now_stamp(&self) -> String {
        crate::domain::clock::stamp(self.clock.now())
    }
}

enum Outcome {
    Delivered(u64),
    Waiting,
    Failed(String),
}
