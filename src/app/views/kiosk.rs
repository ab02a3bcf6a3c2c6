//! The citizen's page at the kiosk, read from the status view alone: who they are, their
//! injections, their applications and whether issuance is delayed ([`issuance_delayed`], the
//! same rule `vaxdesk status` tells).
//!
//! [`issuance_delayed`]: crate::app::queries::issuance_delayed

use crate::app::{AppError, Desk, queries};
use crate::domain::{InjectionStatus, Standing};

pub use crate::app::queries::Status as Page;
pub use crate::app::store::status_view::{ViewApplication, ViewCitizen, ViewInjection};

/// The page of the citizen signed in (known by internal id).
pub fn page(desk: &Desk, citizen_id: i64) -> Result<Page, AppError> {
    queries::status_of(desk, citizen_id)
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
