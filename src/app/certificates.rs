//! Certificates leaving the desk: `vaxdesk cert export` reads the certificate issued for a
//! citizen's dose and the desk's revocations, hands them to whoever writes them out, and
//! records the export in the audit log, all in one transaction. The record is kept only when
//! the certificate did leave (written whole, or sent down the pipe); a failed write keeps
//! nothing. And `vaxdesk verify` reads a desk's revocations without opening the desk.

use crate::app::commands;
use crate::app::store::{self, StoreError, issuance, schema};
use crate::app::{AppError, Desk};
use crate::domain::{Refusal, ResidentId, Rule};
use std::path::Path;

pub use crate::app::store::issuance::CertificateRow;

/// What an export hands to the code that writes it out.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The citizen's masked id (`900101-1******`), for messages.
    pub masked_id: String,
    pub dose: u32,
    pub certificate: CertificateRow,
    /// The signed text, `HC1:...`.
    pub hc1: String,
    /// Every certificate id this desk has revoked, read in the same transaction.
    pub revoked: Vec<String>,
}

/// Why an export did not end recorded.
#[derive(Debug)]
pub enum ExportError<E> {
    /// Nothing left the desk: no such citizen, dose or certificate, or the database refused.
    Refused(AppError),
    /// Writing it out failed; nothing was recorded.
    Delivery(E),
    /// The certificate left the desk, but its audit row could not be kept.
    NotRecorded { uvci: String, source: AppError },
}

impl<E> From<rusqlite::Error> for ExportError<E> {
    fn from(e: rusqlite::Error) -> Self {
        ExportError::Refused(e.into())
    }
}

impl<E> From<AppError> for ExportError<E> {
    fn from(e: AppError) -> Self {
        ExportError::Refused(e)
    }
}

/// Exports the latest certificate issued for dose `dose` of citizen `id` for `actor`:
/// `deliver` writes it out inside the transaction, and the audit row (`export certificate`,
/// with the certificate id and `how`) is written after it, before the commit.
pub fn export<E>(
    desk: &Desk,
    actor: &str,
    id: &ResidentId,
    dose: u32,
    how: &str,
    deliver: impl FnOnce(&Exported) -> Result<(), E>,
) -> Result<(), ExportError<E>> {
    let stamp = desk.stamp(actor);
    let mut left: Option<String> = None;
    let result = store::immediate(desk.conn(), |conn| -> Result<(), ExportError<E>> {
        let ctx = desk.ctx(conn);
        let citizen = commands::find_citizen(&ctx, id)?;
        let injection = commands::find_injection(&ctx, &citizen, dose)?;
        let certificate =
            issuance::certificate_for_injection(conn, injection.id)?.ok_or_else(|| {
                AppError::from(Refusal::new(
                    Rule::NotFound,
                    "dose",
                    format!(
                        "no certificate has been issued for dose {dose} of {}",
                        citizen.masked_id
                    ),
                ))
            })?;
        let hc1 = certificate.payload.clone().ok_or_else(|| {
            AppError::from(Refusal::new(
                Rule::NotFound,
                "certificate",
                format!(
                    "certificate {} has no signed text stored (it was issued before this desk \
                     signed certificates)",
                    certificate.uvci
                ),
            ))
        })?;
        let exported = Exported {
            masked_id: citizen.masked_id,
            dose,
            hc1,
            revoked: issuance::revoked_uvcis(conn)?,
            certificate,
        };
        deliver(&exported).map_err(ExportError::Delivery)?;
        let uvci = exported.certificate.uvci;
        left = Some(uvci.clone());
        let detail = format!("{uvci} {how}");
        desk.audit_in(
            conn,
            &stamp,
            "export certificate",
            Some(citizen.id),
            "ok",
            Some(&detail),
        )?;
        Ok(())
    });
    match (result, left) {
        // Gone out but not recorded: the audit row or the commit failed after delivery.
        (Err(ExportError::Refused(source)), Some(uvci)) => {
            Err(ExportError::NotRecorded { uvci, source })
        }
        (result, _) => result,
    }
}

/// Why the revocations of a desk could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RevocationsError {
    #[error(transparent)]
    Open(#[from] StoreError),
    #[error(transparent)]
    Read(#[from] rusqlite::Error),
}

/// The certificate ids revoked in the database at `db`, read without opening the desk (read
/// only, never migrated: verifying changes nothing, whatever version wrote the file); `None`
/// when there is no database there (verifying never creates one).
pub fn revoked_in(db: &Path) -> Result<Option<Vec<String>>, RevocationsError> {
    if !db.exists() {
        return Ok(None);
    }
    let conn = store::open_read_only(db)?;
    if schema::version(&conn)? < 6 {
        // Written before revocation existed: nothing was revoked.
        return Ok(Some(vec![]));
    }
    Ok(Some(issuance::revoked_uvcis(&conn)?))
}
