//! `vaxdesk status --citizen`: a citizen's page read from the status view, and the look at it
//! on record, in one transaction. Whether issuance is delayed comes from the kiosk's own rule
//! ([`queries::issuance_delayed`], through [`queries::status`]), so the two never disagree.

use crate::app::queries::{self, Status};
use crate::app::store;
use crate::app::{AppError, Desk};
use crate::domain::ResidentId;

/// The status page of the citizen with resident id `id`, recorded in the audit log as viewed
/// by `actor`. An unknown citizen is refused and nothing is recorded.
pub fn view_status(desk: &Desk, actor: &str, id: &ResidentId) -> Result<Status, AppError> {
    let stamp = desk.stamp(actor);
    store::immediate(desk.conn(), |conn| {
        // The page is read on the desk's connection, inside this transaction.
        let status = queries::status(desk, id)?;
        let whose = Some(status.citizen.citizen_id);
        desk.audit_in(conn, &stamp, "view status", whose, "ok", None)?;
        Ok(status)
    })
}
