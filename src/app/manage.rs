//! The injection manager's use cases: register and update citizens, record, correct and void
//! injections, unlock a staff account or a kiosk id. Each owns its transaction, its audit row
//! and its refusal; a screen passes in what was typed (parsed with the domain's checks) and the
//! record its form or question was opened on, whose version the command checks again.

use super::staff_admin;
use crate::app::store::{staff, vaccination};
use crate::app::{AppError, Ctx, Desk, commands};
use crate::domain::{CitizenDetails, InjectionDetails, Refusal, ResidentId, Rule, StaffName};

pub use crate::app::store::vaccination::{CitizenRow, InjectionRow};

/// A citizen to register, as the register form typed them.
#[derive(Debug, Clone)]
pub struct NewCitizen {
    pub id: ResidentId,
    pub details: CitizenDetails,
}

/// Registers a citizen; returns their record's number.
pub fn register_citizen(desk: &Desk, actor: &str, new: NewCitizen) -> Result<i64, AppError> {
    let s = desk.stamp(actor);
    desk.command(&s, "register citizen", None, |ctx| {
        commands::register_citizen(ctx, &s, &new.id, new.details).map(|c| c.id)
    })
}

/// Changes a citizen's details; refused when they changed since `citizen` was read.
pub fn update_citizen(
    desk: &Desk,
    actor: &str,
    citizen: &CitizenRow,
    details: CitizenDetails,
) -> Result<(), AppError> {
    let s = desk.stamp(actor);
    desk.command(&s, "update citizen", None, |ctx| {
        commands::update_citizen(ctx, &s, citizen, details)
    })
}

/// Records an injection for `citizen`; returns its number.
pub fn record_injection(
    desk: &Desk,
    actor: &str,
    citizen: &CitizenRow,
    details: InjectionDetails,
) -> Result<i64, AppError> {
    let s = desk.stamp(actor);
    desk.command(&s, "record injection", Some(citizen.id), |ctx| {
        commands::record_injection(ctx, &s, citizen, details)
    })
}

/// Corrects the injection `target` (at the version it was read); returns its new version.
pub fn correct_injection(
    desk: &Desk,
    actor: &str,
    target: &InjectionRow,
    details: InjectionDetails,
) -> Result<i64, AppError> {
    let s = desk.stamp(actor);
    desk.command(&s, "correct injection", None, |ctx| {
        let current = reread(ctx, target)?;
        commands::update_injection(ctx, &s, &current, Some(target.version), details)
    })
}

/// Voids the injection `target` (at the version it was read) with a reason.
pub fn void_injection(
    desk: &Desk,
    actor: &str,
    target: &InjectionRow,
    reason: &str,
) -> Result<(), AppError> {
    let s = desk.stamp(actor);
    desk.command(&s, "void injection", None, |ctx| {
        let current = reread(ctx, target)?;
        commands::void_injection(ctx, &s, &current, Some(target.version), reason)
    })
}

/// The injection as it is now, inside the command's transaction: the version the form was
/// opened with is then checked against it, so a change made meanwhile is refused.
fn reread(ctx: &Ctx<'_>, row: &InjectionRow) -> Result<InjectionRow, AppError> {
    vaccination::injection(ctx.conn, row.id)?
        .ok_or_else(|| Refusal::new(Rule::NotFound, "injection", "this injection is gone").into())
}

/// What an unlock is about: a staff account, or a citizen's id at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockTarget {
    Staff(StaffName),
    Kiosk(ResidentId),
}

/// What `text` names: the staff account with that name, or else a citizen's id at the kiosk
/// (whether or not anyone has it: the kiosk throttles unknown ids too). `None`: neither.
pub fn unlock_target(desk: &Desk, text: &str) -> Option<UnlockTarget> {
    let account = StaffName::parse("name", text)
        .ok()
        .filter(|n| staff::by_name(desk.conn(), n).ok().flatten().is_some());
    match account {
        Some(name) => Some(UnlockTarget::Staff(name)),
        None => ResidentId::parse("name", text)
            .ok()
            .map(UnlockTarget::Kiosk),
    }
}

/// Clears the failed sign-ins and lock of `target`; true when there was something to clear.
pub fn unlock(desk: &Desk, actor: &str, target: &UnlockTarget) -> Result<bool, AppError> {
    match target {
        UnlockTarget::Staff(name) => staff_admin::unlock(desk, actor, name),
        UnlockTarget::Kiosk(id) => staff_admin::unlock_kiosk(desk, actor, id),
    }
}
