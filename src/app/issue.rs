//! The issuer's use cases: issue or reject the application a dialog was opened on, revoke an
//! issued certificate, show one as a QR code. Each runs in one transaction of its own with its
//! audit row; a target another desk moved on meanwhile is refused, and nothing changes.

use crate::app::views::issuer_board::IssuedItem;
use crate::app::views::queue::QueueItem;
use crate::app::{AppError, Desk, access, commands};
use crate::domain::Uvci;

/// Issues a certificate for exactly the application the issuer reviewed (`target`, as the
/// dialog captured it).
pub fn issue(desk: &Desk, actor: &str, target: &QueueItem) -> Result<Uvci, AppError> {
    let stamp = desk.stamp(actor);
    let uvci = desk.command(
        &stamp,
        "issue certificate",
        Some(target.citizen_id),
        |ctx| commands::issue_reviewed(ctx, &stamp, &target.reviewed()),
    )?;
    tracing::info!("issued {uvci} for application {}", target.application);
    Ok(uvci)
}

/// Rejects exactly the application the issuer reviewed, with a reason.
pub fn reject(desk: &Desk, actor: &str, target: &QueueItem, reason: &str) -> Result<(), AppError> {
    let stamp = desk.stamp(actor);
    desk.command(
        &stamp,
        "reject application",
        Some(target.citizen_id),
        |ctx| commands::reject_reviewed(ctx, &stamp, &target.reviewed(), reason),
    )
}

/// Revokes an issued certificate, with a reason.
pub fn revoke(desk: &Desk, actor: &str, target: &IssuedItem, reason: &str) -> Result<(), AppError> {
    let stamp = desk.stamp(actor);
    let cert = &target.cert;
    desk.command(&stamp, "revoke certificate", Some(cert.citizen_id), |ctx| {
        commands::revoke(ctx, &stamp, &cert.uvci, reason)
    })?;
    tracing::info!("revoked {}", cert.uvci);
    Ok(())
}

/// What showing a certificate found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Its signed payload (`HC1:`…), recorded as shown.
    Qr(String),
    /// It is no longer on record.
    Gone,
    /// It was issued before this desk signed certificates: there is no QR code.
    Unsigned,
}

/// Shows an issued certificate as a QR code: one on screen can be photographed, so it is
/// recorded as shown (an export) before it is drawn.
pub fn show(desk: &Desk, actor: &str, target: &IssuedItem) -> Result<Shown, AppError> {
    let cert = &target.cert;
    let Some(row) = crate::app::store::issuance::certificate(desk.conn(), &cert.uvci)? else {
        return Ok(Shown::Gone);
    };
    let Some(hc1) = row.payload else {
        return Ok(Shown::Unsigned);
    };
    access::record_export(
        desk,
        actor,
        cert.citizen_id,
        &cert.uvci,
        "shown as a QR code",
    )?;
    Ok(Shown::Qr(hc1))
}
