//! Staff administration: accounts added, disabled, given a new passphrase or unlocked.
//!
//! Whoever can open the database file administers staff (the file is its owner's alone), so
//! these run from the command line; each is audited with the administrator as the actor.

use super::{AppError, Desk};
use crate::app::store::{staff, throttle};
use crate::domain::{Refusal, ResidentId, Rule, StaffName, StaffRole};
use crate::privacy::passphrase;

/// One account as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaffListing {
    pub name: String,
    pub role: String,
    pub disabled: bool,
    /// Failed sign-ins in a row.
    pub failures: u32,
    /// Set while the account is locked.
    pub locked_until: Option<String>,
    pub created_at: String,
}

fn no_account(name: &StaffName) -> AppError {
    Refusal::new(
        Rule::NotFound,
        "name",
        format!("there is no staff account named '{name}'"),
    )
    .into()
}

fn strong(text: &str) -> Result<(), AppError> {
    passphrase::check_strength(text).map_err(|m| Refusal::input("passphrase", m).into())
}

/// A passphrase checked and hashed (Argon2id, slow: before any transaction starts). A weak one
/// is refused through `desk.command`, so the refusal is on record like any other.
fn hashed(desk: &Desk, stamp: &super::Stamp, action: &str, text: &str) -> Result<String, AppError> {
    let phc = strong(text).and_then(|()| {
        passphrase::hash(text).map_err(|e| Refusal::input("passphrase", e.to_string()).into())
    });
    match phc {
        Ok(phc) => Ok(phc),
        Err(e) => desk.command(stamp, action, None, |_| Err(e)),
    }
}

/// Adds an account. The passphrase is hashed (Argon2id) before the transaction starts.
pub fn add(
    desk: &Desk,
    admin: &str,
    name: &StaffName,
    role: StaffRole,
    text: &str,
) -> Result<(), AppError> {
    let stamp = desk.stamp(admin);
    let phc = hashed(desk, &stamp, "staff add", text)?;
    let detail = format!("{name} ({role})");
    desk.command_with(
        &stamp,
        "staff add",
        None,
        Some(&detail),
        |ctx| match staff::add(ctx.conn, name, role, &phc, &stamp.at_str()) {
            Err(staff::StaffStoreError::Duplicate { name }) => Err(Refusal::new(
                Rule::AlreadyExists,
                "name",
                format!("there is already an account named '{name}'"),
            )
            .into()),
            other => other.map(|_| ()).map_err(AppError::from),
        },
    )
}

/// Disables (or enables again) an account; a disabled account cannot sign in.
pub fn set_disabled(
    desk: &Desk,
    admin: &str,
    name: &StaffName,
    disabled: bool,
) -> Result<(), AppError> {
    let stamp = desk.stamp(admin);
    let action = if disabled {
        "staff disable"
    } else {
        "staff enable"
    };
    desk.command_with(&stamp, action, None, Some(name.as_str()), |ctx| {
        if !staff::set_disabled(ctx.conn, name, disabled, &stamp.at_str())? {
            return Err(no_account(name));
        }
        Ok(())
    })
}

/// Gives an account a new passphrase; it also clears the account's failed attempts.
pub fn set_passphrase(
    desk: &Desk,
    admin: &str,
    name: &StaffName,
    text: &str,
) -> Result<(), AppError> {
    let stamp = desk.stamp(admin);
    let phc = hashed(desk, &stamp, "staff passwd", text)?;
    desk.command_with(&stamp, "staff passwd", None, Some(name.as_str()), |ctx| {
        if !staff::set_passphrase(ctx.conn, name, &phc, &stamp.at_str())? {
            return Err(no_account(name));
        }
        throttle::unlock(ctx.conn, &throttle::staff_subject(name.as_str()))?;
        Ok(())
    })
}

/// Clears an account's failed attempts and lock; true when there was something to clear.
pub fn unlock(desk: &Desk, admin: &str, name: &StaffName) -> Result<bool, AppError> {
    Ok(unlock_account(desk, admin, name)? != Unlocked::Clear)
}

/// What [`unlock_account`] found before it cleared the account's sign-in state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlocked {
    /// The account was locked until this time (a stamp), after `failures` failures in a row.
    WasLocked { until: String, failures: u32 },
    /// Not locked, but it had this many failures in a row.
    HadFailures(u32),
    /// Nothing to clear.
    Clear,
}

/// Clears an account's failed attempts and lock, and says what there was to clear.
pub fn unlock_account(desk: &Desk, admin: &str, name: &StaffName) -> Result<Unlocked, AppError> {
    let stamp = desk.stamp(admin);
    desk.command_with(&stamp, "staff unlock", None, Some(name.as_str()), |ctx| {
        if staff::by_name(ctx.conn, name)?.is_none() {
            return Err(no_account(name));
        }
        let subject = throttle::staff_subject(name.as_str());
        let before = throttle::state(ctx.conn, &subject)?;
        throttle::unlock(ctx.conn, &subject)?;
        Ok(match before {
            Some(t) => match t.locked_until.filter(|u| *u > stamp.at) {
                Some(until) => Unlocked::WasLocked {
                    until: crate::domain::clock::stamp(until),
                    failures: t.failures,
                },
                None if t.failures > 0 => Unlocked::HadFailures(t.failures),
                None => Unlocked::Clear,
            },
            None => Unlocked::Clear,
        })
    })
}

/// Lets a citizen's id sign in at the kiosk again after failed attempts locked it; true when
/// there was something to clear. Works the same for an id nobody has (the kiosk throttles
/// those too), so it reveals nothing either.
pub fn unlock_kiosk(desk: &Desk, admin: &str, id: &ResidentId) -> Result<bool, AppError> {
    let stamp = desk.stamp(admin);
    let lookup = desk.ids().lookup(id);
    let whose =
        crate::app::store::vaccination::citizen_by_lookup(desk.conn(), &lookup)?.map(|c| c.id);
    desk.command(&stamp, "kiosk unlock", whose, |ctx| {
        Ok(throttle::unlock(
            ctx.conn,
            &throttle::kiosk_subject(&lookup),
        )?)
    })
}

/// Every account, by name, with its sign-in state.
pub fn list(desk: &Desk) -> Result<Vec<StaffListing>, AppError> {
    let conn = desk.conn();
    let now = desk.now();
    let mut out = vec![];
    for r in staff::list(conn)? {
        let state = throttle::state(conn, &throttle::staff_subject(&r.name))?;
        let (failures, locked_until) = match state {
            Some(t) => (
                t.failures,
                t.locked_until
                    .filter(|u| *u > now)
                    .map(crate::domain::clock::stamp),
            ),
            None => (0, None),
        };
        out.push(StaffListing {
            name: r.name,
            role: r.role.as_str().to_string(),
            disabled: r.disabled,
            failures,
            locked_until,
            created_at: r.created_at,
        });
    }
    Ok(out)
}

/// The demo clinic's accounts: shown on the sign-in screen in demo mode only.
pub const DEMO_STAFF: &[(&str, StaffRole, &str)] = &[
    ("demo.manager", StaffRole::Manager, "manager-demo-pass"),
    ("demo.issuer", StaffRole::Issuer, "issuer-demo-pass"),
];

/// Creates the demo accounts that are missing (demo mode only).
pub fn ensure_demo_staff(desk: &Desk) -> Result<usize, AppError> {
    let mut created = 0;
    for (name, role, text) in DEMO_STAFF {
        let name = StaffName::parse("name", name)?;
        if staff::by_name(desk.conn(), &name)?.is_some() {
            continue;
        }
        let phc =
            passphrase::hash(text).map_err(|e| Refusal::input("passphrase", e.to_string()))?;
        let stamp = desk.stamp("demo");
        let detail = format!("{name} ({role})");
        let added = desk.command_with(&stamp, "staff add", None, Some(&detail), |ctx| {
            match staff::add(ctx.conn, &name, *role, &phc, &stamp.at_str()) {
                // Another desk made it first.
                Err(staff::StaffStoreError::Duplicate { .. }) => Ok(false),
                other => other.map(|_| true).map_err(AppError::from),
            }
        })?;
        created += usize::from(added);
    }
    Ok(created)
}
