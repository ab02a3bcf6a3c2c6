//! Certificate applications and their state machine (rules 2 and 3).

use super::{Refusal, Rule};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationStatus {
    Applied,
    Issued,
    Cancelled,
    Rejected,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Applied => "APPLIED",
            ApplicationStatus::Issued => "ISSUED",
            ApplicationStatus::Cancelled => "CANCELLED",
            ApplicationStatus::Rejected => "REJECTED",
        }
    }

    /// Rule 2: APPLIED and ISSUED count as active.
    pub fn is_active(self) -> bool {
        matches!(self, ApplicationStatus::Applied | ApplicationStatus::Issued)
    }

    /// Rule 3: a citizen may cancel only while APPLIED.
    pub fn check_cancel(self) -> Result<(), Refusal> {
        match self {
            ApplicationStatus::Applied => Ok(()),
            other => Err(Refusal::new(
                Rule::CancelOnlyApplied,
                "application",
                format!(
                    "the application is {}; only an application still being processed (APPLIED) can be cancelled",
                    other.as_str()
                ),
            )),
        }
    }

    /// Rule 4: the issuer may issue or reject only an APPLIED application.
    pub fn check_issue(self) -> Result<(), Refusal> {
        match self {
            ApplicationStatus::Applied => Ok(()),
            other => Err(Refusal::new(
                Rule::IssueOnlyPending,
                "application",
                format!("the application is {}, not APPLIED", other.as_str()),
            )),
        }
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ApplicationStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "APPLIED" => Ok(ApplicationStatus::Applied),
            "ISSUED" => Ok(ApplicationStatus::Issued),
            "CANCELLED" => Ok(ApplicationStatus::Cancelled),
            "REJECTED" => Ok(ApplicationStatus::Rejected),
            _ => Err(format!("'{s}' is not an application status")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ApplicationStatus::*;

    #[test]
    fn cancel_and_issue_only_while_applied() {
        assert!(Applied.check_cancel().is_ok());
        for s in [Issued, Cancelled, Rejected] {
            assert_eq!(
                s.check_cancel().unwrap_err().rule,
                super::Rule::CancelOnlyApplied
            );
            assert_eq!(
                s.check_issue().unwrap_err().rule,
                super::Rule::IssueOnlyPending
            );
        }
        assert!(Applied.is_active() && Issued.is_active());
        assert!(!Cancelled.is_active() && !Rejected.is_active());
    }
}

/// Where an application stands as every screen shows it: its own state, or revoked (its
/// certificate was revoked after issue; the application itself stays ISSUED, and the status view
/// keeps REVOKED as a state of its own, so the kiosk, the issuer, the manager and the command
/// line all say REVOKED).
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
