//! The three subscribers and the policies they carry out (domain.md, "Policies").
//!
//! A subscriber writes only its own context's tables, may append events of its own, and is
//! idempotent: a target that has already moved on is left as it is.
//!
//! Each subscriber says which event kinds it reacts to with a `match` over [`EventKind`] that
//! has no wildcard: adding an event kind does not compile until every subscriber has decided
//! whether it cares.

use super::Faults;
use crate::app::store::{applying, issuance, outbox, status_view};
use crate::domain::event::{Event, EventKind, StoredEvent};
use crate::domain::{ApplicationStatus, RequestStatus};
use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Log(#[from] outbox::ReadError),
    #[error("injected fault: {0}")]
    Fault(&'static str),
}

pub trait Subscriber: Send + Sync {
    /// Stable name: the key of its checkpoint and health rows.
    fn name(&self) -> &'static str;
    /// Whether it reacts to events of this kind; the others only move its checkpoint.
    /// Implement it as a `match` without a wildcard (see the module doc).
    fn handles(&self, kind: EventKind) -> bool;
    fn handle(&self, conn: &Connection, e: &StoredEvent) -> Result<(), HandlerError>;
}

pub const ISSUANCE: &str = "issuance";
pub const APPLYING: &str = "applying";
pub const STATUS_VIEW: &str = "status-view";

/// Issuance policy: opens a PENDING request per application, withdraws it on cancellation and
/// closes it when the application is rejected elsewhere.
pub struct IssuancePolicy {
    pub faults: Faults,
}

impl Subscriber for IssuancePolicy {
    fn name(&self) -> &'static str {
        ISSUANCE
    }

    fn handles(&self, kind: EventKind) -> bool {
        use EventKind::*;
        match kind {
            ApplicationSubmitted | ApplicationCancelled | ApplicationRejected => true,
            CitizenRegistered | CitizenUpdated | InjectionRecorded | InjectionUpdated
            | InjectionVoided | CertificateIssued | CertificateRevoked => false,
        }
    }

    fn handle(&self, conn: &Connection, e: &StoredEvent) -> Result<(), HandlerError> {
        if self.faults.issuance() {
            return Err(HandlerError::Fault("issuance is failing (VAXDESK_FAULTS)"));
        }
        let actor = "policy:issuance";
        match &e.event {
            Event::ApplicationSubmitted {
                application,
                citizen,
                injection,
                ..
            } => {
                issuance::open_request(conn, *application, *citizen, *injection, &e.at)?;
            }
            Event::ApplicationCancelled { application, .. } => {
                issuance::close_request(
                    conn,
                    *application,
                    RequestStatus::Withdrawn,
                    None,
                    &e.at,
                    actor,
                )?;
            }
            Event::ApplicationRejected {
                application,
                reason,
                ..
            } => {
                issuance::close_request(
                    conn,
                    *application,
                    RequestStatus::Rejected,
                    Some(reason),
                    &e.at,
                    actor,
                )?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Applying policy: an issued certificate makes its application ISSUED; an injection voided, or
/// corrected so it is no longer ADMINISTERED, rejects its APPLIED application.
pub struct ApplyingPolicy;

impl Subscriber for ApplyingPolicy {
    fn name(&self) -> &'static str {
        APPLYING
    }

    fn handles(&self, kind: EventKind) -> bool {
        use EventKind::*;
        match kind {
            CertificateIssued | ApplicationRejected | InjectionVoided | InjectionUpdated => true,
            CitizenRegistered | CitizenUpdated | InjectionRecorded | ApplicationSubmitted
            | ApplicationCancelled | CertificateRevoked => false,
        }
    }

    fn handle(&self, conn: &Connection, e: &StoredEvent) -> Result<(), HandlerError> {
        let actor = "policy:applying";
        match &e.event {
            Event::CertificateIssued {
                certificate,
                application,
                ..
            } => {
                applying::close(
                    conn,
                    *application,
                    ApplicationStatus::Issued,
                    Some(certificate),
                    None,
                    &e.at,
                    actor,
                )?;
            }
            Event::ApplicationRejected {
                application,
                reason,
                ..
            } => {
                applying::close(
                    conn,
                    *application,
                    ApplicationStatus::Rejected,
                    None,
                    Some(reason),
                    &e.at,
                    actor,
                )?;
            }
            Event::InjectionVoided {
                injection, reason, ..
            } => {
                reject_applied(conn, *injection, &format!("injection voided: {reason}"), e)?;
            }
            Event::InjectionUpdated(i) if i.status != "ADMINISTERED" => {
                let reason = format!("injection is no longer administered (now {})", i.status);
                reject_applied(conn, i.injection, &reason, e)?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn reject_applied(
    conn: &Connection,
    injection: i64,
    reason: &str,
    cause: &StoredEvent,
) -> Result<(), HandlerError> {
    for app in applying::applied_before(conn, injection, cause.seq)? {
        let moved = applying::close(
            conn,
            app.id,
            ApplicationStatus::Rejected,
            None,
            Some(reason),
            &cause.at,
            "policy:applying",
        )?;
        if moved {
            outbox::append(
                conn,
                "policy:applying",
                &cause.at,
                &Event::ApplicationRejected {
                    application: app.id,
                    citizen: app.citizen_id,
                    injection,
                    reason: reason.to_string(),
                },
            )?;
        }
    }
    Ok(())
}

/// The citizen's status view (CQRS read model).
pub struct StatusView;

impl Subscriber for StatusView {
    fn name(&self) -> &'static str {
        STATUS_VIEW
    }

    fn handles(&self, kind: EventKind) -> bool {
        use EventKind::*;
        // Everything a citizen's page shows comes from the log.
        match kind {
            CitizenRegistered | CitizenUpdated | InjectionRecorded | InjectionUpdated
            | InjectionVoided | ApplicationSubmitted | ApplicationCancelled
            | ApplicationRejected | CertificateIssued | CertificateRevoked => true,
        }
    }

    fn handle(&self, conn: &Connection, e: &StoredEvent) -> Result<(), HandlerError> {
        status_view::project(conn, e)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interest(sub: &dyn Subscriber) -> Vec<&'static str> {
        EventKind::ALL
            .iter()
            .filter(|k| sub.handles(**k))
            .map(|k| k.name())
            .collect()
    }

    #[test]
    fn each_subscriber_reacts_to_the_kinds_its_policy_names() {
        let issuance = IssuancePolicy {
            faults: Faults::default(),
        };
        assert_eq!(
            interest(&issuance),
            [
                "ApplicationSubmitted",
                "ApplicationCancelled",
                "ApplicationRejected"
            ]
        );
        assert_eq!(
            interest(&ApplyingPolicy),
            [
                "InjectionUpdated",
                "InjectionVoided",
                "ApplicationRejected",
                "CertificateIssued"
            ]
        );
        assert_eq!(interest(&StatusView).len(), EventKind::ALL.len());
    }
}
