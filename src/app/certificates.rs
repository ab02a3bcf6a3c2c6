//! Certificates leaving the desk: `vaxdesk cert export` reads the certificate issued for a
//! citizen's dose and the desk's revocations, hands them to whoever writes them out, and
//! records the export in the audit log, in one transaction. The record is kept only when the
//! certificate did leave (written whole, or sent down the pipe); a failed write keeps
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
/// `deliver` writes it out, and then the audit row (`export certificate`, with the
/// certificate id and `how`) is written in the transaction that read it.
///
/// The transaction reads first and takes the write lock only for the audit row: a slow
/// reader at the other end of a pipe (`| less`) never holds up the other desks. When another
/// desk wrote meanwhile, the snapshot cannot become a write and the row is written in a
/// transaction of its own, once the certificate has left all the same.
pub fn export<E>(
    desk: &Desk,
    actor: &str,
    id: &ResidentId,
    dose: u32,
    how: &str,
    deliver: impl FnOnce(&Exported) -> Result<(), E>,
) -> Result<(), ExportError<E>> {
    let stamp = desk.stamp(actor);
    let conn = desk.conn();
    conn.execute_batch("BEGIN DEFERRED")?;
    let read_and_delivered = (|| -> Result<(i64, String), ExportError<E>> {
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
        Ok((citizen.id, exported.certificate.uvci))
    })();
    let (citizen, uvci) = match read_and_delivered {
        Ok(done) => done,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    };
    let detail = format!("{uvci} {how}");
    let record = |conn: &rusqlite::Connection| {
        desk.audit_in(
            conn,
            &stamp,
            "export certificate",
            Some(citizen),
            "ok",
            Some(&detail),
        )
    };
    let in_the_same = record(conn).and_then(|()| Ok(conn.execute_batch("COMMIT")?));
    if in_the_same.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
        store::immediate(conn, record)
            .map_err(|source| ExportError::NotRecorded { uvci, source })?;
    }
    Ok(())
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
