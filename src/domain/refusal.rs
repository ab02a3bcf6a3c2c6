//! The one error type of the domain: a refusal that names the rule and the field.

use std::fmt;

/// Which rule of `domain.md` (or which input check) refused a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Rule 1: a citizen applies only for their own ADMINISTERED injection.
    OwnAdministeredInjection,
    /// Rule 2: at most one active (APPLIED or ISSUED) application per injection.
    OneActiveApplication,
    /// Rule 3: cancel only while APPLIED (and while the request is still PENDING).
    CancelOnlyApplied,
    /// Rule 4: issue or reject only an APPLIED application whose request is PENDING.
    IssueOnlyPending,
    /// Rule 7: injection input (dose, series, date, product, lot).
    InjectionInput,
    /// Rule 8: any other input (names, ids, dates, free text).
    Input,
    /// The record named does not exist.
    NotFound,
    /// The record already exists (a second registration, a second live dose).
    AlreadyExists,
    /// The record changed since it was read (optimistic concurrency).
    Stale,
    /// A state change the state machine does not allow (e.g. editing a voided injection).
    State,
}

impl Rule {
    /// Short label used in logs and machine output.
    pub fn label(self) -> &'static str {
        match self {
            Rule::OwnAdministeredInjection => "rule 1 (own administered injection)",
            Rule::OneActiveApplication => "rule 2 (one active application)",
            Rule::CancelOnlyApplied => "rule 3 (cancel only while applied)",
            Rule::IssueOnlyPending => "rule 4 (issue only a pending application)",
            Rule::InjectionInput => "rule 7 (injection input)",
            Rule::Input => "rule 8 (input)",
            Rule::NotFound => "not found",
            Rule::AlreadyExists => "already exists",
            Rule::Stale => "changed meanwhile",
            Rule::State => "not allowed in this state",
        }
    }
}

/// A command refused: nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    /// The input field or record the refusal is about (`dose`, `date`, `application`, ...).
    pub field: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(rule: Rule, field: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            rule,
            field,
            message: message.into(),
        }
    }

    /// An input refusal (rule 8) for `field`.
    pub fn input(field: &'static str, message: impl Into<String>) -> Self {
        Refusal::new(Rule::Input, field, message)
    }

    /// An injection input refusal (rule 7) for `field`.
    pub fn injection(field: &'static str, message: impl Into<String>) -> Self {
        Refusal::new(Rule::InjectionInput, field, message)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}
