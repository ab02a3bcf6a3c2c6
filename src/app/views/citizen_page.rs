//! One citizen as the manager sees them: the record, the injections and the applications,
//! each application with the state the clinic names (REVOKED for a revoked certificate, as the
//! kiosk, the issuer and the command line say). Opening the page is recorded in the audit log
//! in the transaction that reads it; reading it again to refresh what is open is not.

use crate::app::store::applying;
use crate::app::store::{self, vaccination};
use crate::app::{AppError, Desk};
use crate::domain::{ResidentId, Standing};
use rusqlite::{Connection, OptionalExtension};

pub use crate::app::store::applying::ApplicationRow;
pub use crate::app::store::vaccination::{CitizenRow, InjectionRow};

/// An application on the citizen's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageApplication {
    pub row: ApplicationRow,
    pub state: Standing,
    pub revocation_reason: Option<String>,
}

/// One citizen: the record, the injections (by dose) and the applications (oldest first).
#[derive(Debug, Clone)]
pub struct CitizenPage {
    pub citizen: CitizenRow,
    pub injections: Vec<InjectionRow>,
    pub applications: Vec<PageApplication>,
}

/// Opens a citizen's page for `actor`: the read and its "view citizen" audit row are one
/// transaction (no row when there is nobody to show).
pub fn open(desk: &Desk, actor: &str, citizen: i64) -> Result<Option<CitizenPage>, AppError> {
    let stamp = desk.stamp(actor);
    store::immediate(desk.conn(), |c| {
        let shown = read_on(c, citizen)?;
        if shown.is_some() {
            desk.audit_in(c, &stamp, "view citizen", Some(citizen), "ok", None)?;
        }
        Ok(shown)
    })
}

/// Reads the page of a citizen already open again (after a change, or another desk's).
pub fn refresh(desk: &Desk, citizen: i64) -> Result<Option<CitizenPage>, AppError> {
    Ok(read_on(desk.conn(), citizen)?)
}

/// Shows a citizen's whole id to `actor`, recorded in the audit log in the same transaction.
pub fn reveal_id(desk: &Desk, actor: &str, citizen: i64) -> Result<ResidentId, AppError> {
    crate::app::access::reveal_id(desk, actor, citizen)
}

fn read_on(conn: &Connection, citizen_id: i64) -> rusqlite::Result<Option<CitizenPage>> {
    let Some(citizen) = vaccination::citizen(conn, citizen_id)? else {
        return Ok(None);
    };
    let mut applications = vec![];
    for row in applying::of_citizen(conn, citizen_id)? {
        let revoked: Option<Option<String>> = match &row.certificate_id {
            Some(uvci) => conn
                .prepare_cached(
                    "SELECT revocation_reason FROM certificates
                     WHERE uvci = ?1 AND revoked_at IS NOT NULL",
                )?
                .query_row([uvci], |r| r.get(0))
                .optional()?,
            None => None,
        };
        applications.push(PageApplication {
            state: match revoked {
                Some(_) => Standing::Revoked,
                None => Standing::Application(row.status),
            },
            revocation_reason: revoked.flatten(),
            row,
        });
    }
    Ok(Some(CitizenPage {
        injections: vaccination::injections_of(conn, citizen_id)?,
        applications,
        citizen,
    }))
}
