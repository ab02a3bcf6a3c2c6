//! Who may use a desk, and every look at a record: staff and kiosk sign-ins (throttled through
//! the database, so every desk counts the same failures), a staff member's view of a citizen,
//! the reveal of an unmasked id and the export of a certificate. Each writes its audit row in
//! the transaction that does the work.

use super::{AppError, Desk, Stamp};
use crate::app::store::status_view::{self, ViewCitizen};
use crate::app::store::throttle::{self, Gate};
use crate::app::store::{self, staff, vaccination};
use crate::domain::staff::LOCK_AFTER;
use crate::domain::{ResidentId, StaffName, StaffRole};
use crate::privacy::passphrase;
use chrono::{DateTime, Utc};

/// A staff member signed in at this desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub name: String,
    pub role: StaffRole,
}

/// Why a sign-in did not open the desk. The messages never tell whether a name or an id exists.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("No match found.")]
    NoMatch,
    #[error("Too many failed attempts: wait {seconds} s before trying again.")]
    Wait { seconds: i64 },
    #[error(
        "Locked after {LOCK_AFTER} failed attempts, until {until} (or until a manager unlocks it)."
    )]
    Locked { until: String },
    #[error("{name} may not open this screen (the account is for the {role} screen).")]
    WrongRole { name: String, role: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<rusqlite::Error> for SignInError {
    fn from(e: rusqlite::Error) -> Self {
        SignInError::App(e.into())
    }
}

fn blocked(gate: Gate, now: DateTime<Utc>) -> Option<SignInError> {
    match gate {
        Gate::Open => None,
        Gate::Wait { until } => Some(SignInError::Wait {
            // Whole seconds, rounded up: "wait 0 s" would be a lie.
            seconds: ((until - now).num_milliseconds() + 999)
                .div_euclid(1000)
                .max(1),
        }),
        Gate::Locked { until } => Some(SignInError::Locked {
            until: until
                .with_timezone(&chrono::Local)
                .format("%H:%M")
                .to_string(),
        }),
    }
}

/// What a blocked attempt is recorded as.
fn blocked_result(e: &SignInError) -> &'static str {
    match e {
        SignInError::Locked { .. } => "locked",
        _ => "throttled",
    }
}

/// Counts a failed attempt and records it (a lockout when this one locked the subject);
/// returns what the screen says: "no match", or the lock.
fn failed(
    desk: &Desk,
    c: &rusqlite::Connection,
    subject: &str,
    stamp: &Stamp,
    action: &str,
    whose: Option<i64>,
) -> Result<SignInError, AppError> {
    let gate = throttle::record_failure(c, subject, stamp.at)?;
    let locked = matches!(gate, Gate::Locked { .. });
    let result = if locked { "lockout" } else { "refused" };
    desk.audit_in(c, stamp, action, whose, result, None)?;
    Ok(match blocked(gate, stamp.at) {
        Some(e @ SignInError::Locked { .. }) => e,
        _ => SignInError::NoMatch,
    })
}

/// Signs a staff member in for `role`'s screen. An unknown or disabled name costs the same
/// time and counts the same failures as a wrong passphrase.
pub fn sign_in_staff(
    desk: &Desk,
    raw_name: &str,
    passphrase_text: &str,
    role: StaffRole,
) -> Result<StaffSession, SignInError> {
    staff_sign_in(desk, raw_name, passphrase_text, Some(role), "sign-in")
}

/// A staff member (a manager or an issuer) closes the citizen kiosk: the same check, the same
/// throttle and the same audit trail as a staff sign-in, so a citizen cannot leave the kiosk
/// for the shell by guessing.
pub fn close_kiosk(
    desk: &Desk,
    raw_name: &str,
    passphrase_text: &str,
) -> Result<StaffSession, SignInError> {
    staff_sign_in(desk, raw_name, passphrase_text, None, "close kiosk")
}

/// A staff sign-in for `role` (any staff role when `None`), recorded as `action`.
fn staff_sign_in(
    desk: &Desk,
    raw_name: &str,
    passphrase_text: &str,
    role: Option<StaffRole>,
    action: &str,
) -> Result<StaffSession, SignInError> {
    let now = desk.now();
    let name = StaffName::parse("name", raw_name).ok();
    store::immediate(desk.conn(), |c| -> Result<_, SignInError> {
        let row = match &name {
            Some(n) => staff::by_name(c, n)?,
            None => None,
        };
        // A name that is no account is kept only as a keyed pseudonym: it may be an id or a
        // passphrase typed in the wrong field, and the audit log keeps what it is given.
        let shown = match (&row, &name) {
            (Some(_), Some(n)) => n.as_str().to_string(),
            _ => format!(
                "unknown:{}",
                desk.ids()
                    .pseudonym(&crate::domain::text::clean(raw_name).to_lowercase())
            ),
        };
        let subject = throttle::staff_subject(&shown);
        let stamp = Stamp {
            actor: shown.clone(),
            at: now,
        };
        if let Some(e) = blocked(throttle::gate(c, &subject, now)?, now) {
            desk.audit_in(c, &stamp, action, None, blocked_result(&e), None)?;
            return Ok(Err(e));
        }
        let account = row.filter(|r| !r.disabled);
        let right = match &account {
            Some(r) => passphrase::verify(passphrase_text, &r.passphrase),
            None => passphrase::verify_dummy(passphrase_text),
        };
        let account = match account {
            Some(a) if right => a,
            _ => return Ok(Err(failed(desk, c, &subject, &stamp, action, None)?)),
        };
        throttle::record_success(c, &subject)?;
        if role.is_some_and(|r| r != account.role) {
            desk.audit_in(c, &stamp, action, None, "refused: wrong role", None)?;
            return Ok(Err(SignInError::WrongRole {
                name: shown.clone(),
                role: match account.role {
                    StaffRole::Manager => "injection manager".into(),
                    StaffRole::Issuer => "certificate issuer".into(),
                },
            }));
        }
        desk.audit_in(c, &stamp, action, None, "ok", Some(account.role.as_str()))?;
        Ok(Ok(StaffSession {
            name: shown.clone(),
            role: account.role,
        }))
    })?
}

/// The kiosk's sign-in: id and date of birth, throttled per id whether or not it exists.
pub fn sign_in_citizen(
    desk: &Desk,
    id: &ResidentId,
    birth_date: &str,
) -> Result<ViewCitizen, SignInError> {
    let now = desk.now();
    let lookup = desk.ids().lookup(id);
    let subject = throttle::kiosk_subject(&lookup);
    let stamp = Stamp {
        actor: "kiosk".into(),
        at: now,
    };
    store::immediate(desk.conn(), |c| -> Result<_, SignInError> {
        // Whose record an attempt was against is for the audit log only, never the screen.
        let whose = status_view::citizen_by_lookup(c, &lookup)?.map(|v| v.citizen_id);
        if let Some(e) = blocked(throttle::gate(c, &subject, now)?, now) {
            desk.audit_in(c, &stamp, "kiosk sign-in", whose, blocked_result(&e), None)?;
            return Ok(Err(e));
        }
        match status_view::citizen_signing_in(c, &lookup, birth_date)? {
            Some(citizen) => {
                throttle::record_success(c, &subject)?;
                let actor = Stamp {
                    actor: format!("citizen#{}", citizen.citizen_id),
                    at: now,
                };
                desk.audit_in(c, &actor, "kiosk sign-in", whose, "ok", None)?;
                Ok(Ok(citizen))
            }
            None => Ok(Err(failed(
                desk,
                c,
                &subject,
                &stamp,
                "kiosk sign-in",
                whose,
            )?)),
        }
    })?
}

/// Opens a citizen's sealed id for a staff member, and records that it was shown.
pub fn reveal_id(desk: &Desk, actor: &str, citizen: i64) -> Result<ResidentId, AppError> {
    let stamp = desk.stamp(actor);
    store::immediate(desk.conn(), |c| {
        let row = vaccination::citizen(c, citizen)?.ok_or_else(|| {
            AppError::Refused(crate::domain::Refusal::new(
                crate::domain::Rule::NotFound,
                "citizen",
                format!("citizen #{citizen} is not registered"),
            ))
        })?;
        let id = desk.ids().open(&row.sealed_id)?;
        // A sealed id copied onto another citizen's row would open; its hash tells.
        if desk.ids().lookup(&id) != row.id_lookup {
            return Err(crate::privacy::IdKeyError::Unsealable.into());
        }
        desk.audit_in(c, &stamp, "reveal id", Some(citizen), "ok", None)?;
        Ok(id)
    })
}

/// Records that a certificate left the desk (a file, a printout, a QR code on screen).
pub fn record_export(
    desk: &Desk,
    actor: &str,
    citizen: i64,
    uvci: &str,
    how: &str,
) -> Result<(), AppError> {
    let stamp = desk.stamp(actor);
    let detail = format!("{uvci} {how}");
    desk.audit(
        &stamp,
        "export certificate",
        Some(citizen),
        "ok",
        Some(&detail),
    )
}
