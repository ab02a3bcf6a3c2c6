//! The citizen's page at the kiosk, read from the status view alone: who they are, their
//! injections, their applications and whether issuance is delayed ([`issuance_delayed`], the
//! same rule `vaxdesk status` tells).
//!
//! [`issuance_delayed`]: crate::app::queries::issuance_delayed

use crate::app::{AppError, Desk, queries};
use crate::domain::{ApplicationStatus, InjectionStatus};

pub use crate::app::queries::Status as Page;
pub use crate::app::store::status_view::{ViewApplication, ViewCitizen, ViewInjection};

/// The page of the citizen signed in (known by internal id).
pub fn page(desk: &Desk, citizen_id: i64) -> Result<Page, AppError> {
    queries::status_of(desk, citizen_id)
}

/// Where an application stands on the citizen's page: a state of the domain's, or revoked
/// (its certificate was revoked after issue; the status view keeps that as a state of its
/// own, so the kiosk, the issuer and the command line all say REVOKED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Application(ApplicationStatus),
    Revoked,
}

impl Standing {
    pub const APPLIED: Standing = Standing::Application(ApplicationStatus::Applied);
    pub const ISSUED: Standing = Standing::Application(ApplicationStatus::Issued);

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Application(s) => s.as_str(),
            Standing::Revoked => "REVOKED",
        }
    }

    /// True while it blocks a new application for the same dose (rule 2; a revoked
    /// certificate is a matter for the desk).
    pub fn is_active(self) -> bool {
        matches!(self, Standing::Application(s) if s.is_active())
    }
}

impl std::fmt::Display for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ViewApplication {
    /// The row's state as a type; `None` only for a value no projection writes.
    pub fn standing(&self) -> Option<Standing> {
        match self.status.as_str() {
            "REVOKED" => Some(Standing::Revoked),
            other => other.parse().ok().map(Standing::Application),
        }
    }
}

impl ViewInjection {
    /// The injection's state as a type; `None` only for a value no projection writes.
    pub fn injection_status(&self) -> Option<InjectionStatus> {
        self.status.parse().ok()
    }
}
