//! The citizen's use cases at the kiosk: apply for a certificate for a dose, cancel a pending
//! application, show an issued certificate. Each runs in one transaction with its audit row,
//! on the record of the citizen signed in (`citizen#<id>` is the actor).

use crate::app::{AppError, Desk, access, commands};

fn actor(citizen: i64) -> String {
    format!("citizen#{citizen}")
}

/// Applies for a certificate for one of the citizen's own injections; the new application's
/// id.
pub fn apply(desk: &Desk, citizen: i64, injection: i64) -> Result<i64, AppError> {
    let stamp = desk.stamp(&actor(citizen));
    desk.command(&stamp, "apply", Some(citizen), |ctx| {
        let c = commands::citizen_by_id(ctx, citizen)?;
        commands::apply(ctx, &stamp, &c, injection)
    })
}

/// Cancels one of the citizen's own applications while it still waits (refused once the
/// issuer handled it).
pub fn cancel(desk: &Desk, citizen: i64, application: i64) -> Result<(), AppError> {
    let stamp = desk.stamp(&actor(citizen));
    desk.command(&stamp, "cancel application", Some(citizen), |ctx| {
        let c = commands::citizen_by_id(ctx, citizen)?;
        commands::cancel(ctx, &stamp, &c, application)
    })
}

/// Records that the citizen's certificate `certificate_id` is shown as a QR code (one on
/// screen can be photographed: it is an export).
pub fn show_certificate(desk: &Desk, citizen: i64, certificate_id: &str) -> Result<(), AppError> {
    access::record_export(
        desk,
        &actor(citizen),
        citizen,
        certificate_id,
        "shown as a QR code",
    )
}
