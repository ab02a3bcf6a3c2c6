//! Certificates leaving the desk: `vaxdesk cert export` reads the certificate issued for a
//! citizen's dose and the desk's revocations, hands them to whoever writes them out, and
//! records the export in the audit log, in one transaction. The record is kept only when the
//! certificate did leave (written whole, or sent down the pipe); a failed write keeps
//! nothing. And `vaxdesk verify` reads a desk's revocations without opening the desk.
//!
//! Printing (`p` on a certificate at the kiosk or in the issuer's list) is an export too:
//! [`print`] makes the printed page ([`printed_page`], which `cert export --format pdf` writes
//! too) and sends it to the configured CUPS queue with `lp`, or saves it in the data folder's
//! `prints/`, and records it the same way, only once the page has left. Its steps are apart
//! ([`prepare_print`], [`PrintJob::send`], [`record_print`]) so a screen can wait for a slow
//! `lp` on a thread of its own: the read and the record then are two transactions.

use crate::app::commands;
use crate::app::store::{self, StoreError, issuance, schema, vaccination};
use crate::app::{AppError, Desk};
use crate::cert::pdf;
use crate::config::PaperSize;
use crate::domain::{Refusal, ResidentId, Rule};
use crate::privacy::files;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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
    deliver_then_record(
        desk,
        actor,
        |ctx| {
            let citizen = commands::find_citizen(ctx, id)?;
            let injection = commands::find_injection(ctx, &citizen, dose)?;
            let certificate = issuance::certificate_for_injection(ctx.conn, injection.id)?
                .ok_or_else(|| {
                    AppError::from(Refusal::new(
                        Rule::NotFound,
                        "dose",
                        format!(
                            "no certificate has been issued for dose {dose} of {}",
                            citizen.masked_id
                        ),
                    ))
                })?;
            Ok((citizen.masked_id, dose, certificate))
        },
        |exported| deliver(exported).map(|()| how.to_string()),
    )
}

/// The steps every export shares: `find` reads the certificate (the citizen's masked id, the
/// dose, the row) in a read transaction, `deliver` writes it out and says how (the audit
/// row's detail after the certificate id), then the audit row is written: in the same
/// transaction when it can become a write, else in one of its own.
fn deliver_then_record<E>(
    desk: &Desk,
    actor: &str,
    find: impl FnOnce(&crate::app::Ctx<'_>) -> Result<(String, u32, CertificateRow), AppError>,
    deliver: impl FnOnce(&Exported) -> Result<String, E>,
) -> Result<(), ExportError<E>> {
    let stamp = desk.stamp(actor);
    let conn = desk.conn();
    conn.execute_batch("BEGIN DEFERRED")?;
    let read_and_delivered = (|| -> Result<(i64, String, String), ExportError<E>> {
        let ctx = desk.ctx(conn);
        let (masked_id, dose, certificate) = find(&ctx)?;
        let hc1 = signed_text(&certificate)?;
        let exported = Exported {
            masked_id,
            dose,
            hc1,
            revoked: issuance::revoked_uvcis(conn)?,
            certificate,
        };
        let how = deliver(&exported).map_err(ExportError::Delivery)?;
        Ok((
            exported.certificate.citizen_id,
            exported.certificate.uvci,
            how,
        ))
    })();
    let (citizen, uvci, how) = match read_and_delivered {
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

/// Where a printed certificate goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A CUPS queue: `lp -d NAME`, the PDF on its standard input.
    Printer(String),
    /// A folder the PDF is saved in, never over another file.
    Folder(PathBuf),
}

impl Destination {
    /// What the configuration asks for: its `printer` queue, else the `prints/` folder beside
    /// the database (the data folder).
    pub fn configured(desk: &Desk) -> Result<Destination, AppError> {
        if let Some(name) = &desk.config().printer {
            return Ok(Destination::Printer(name.clone()));
        }
        let db = desk
            .conn()
            .path()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .ok_or_else(|| {
                AppError::Certificate(
                    "this desk's database is in memory: there is no data folder to save a \
                     printed certificate in; set `printer` in the configuration"
                        .into(),
                )
            })?;
        let dir = db
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Ok(Destination::Folder(dir.join("prints")))
    }
}

/// The certificate to print: its id and its holder (the use case checks they belong together).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintTarget {
    pub citizen: i64,
    pub uvci: String,
}

/// A printed certificate and where it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    /// Sent to the queue; `job` is what `lp` said (`request id is Front_Desk-12 (1 file(s))`).
    Queued {
        uvci: String,
        printer: String,
        job: String,
    },
    /// Saved as a new file.
    Saved { uvci: String, path: PathBuf },
}

/// Why the printed page (the PDF) of a certificate could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// The stored signed text does not decode into a certificate.
    #[error("the stored certificate {uvci} does not decode")]
    DoesNotDecode { uvci: String },
    /// The page could not be laid out (`why` is the PDF writer's reason).
    #[error("certificate {uvci}: {why}")]
    Layout { uvci: String, why: String },
}

/// How `lp` ended when it did not queue the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LpEnd {
    /// The queue's name was refused before `lp` was started.
    NotStarted,
    /// It exited with this status.
    Exit(i32),
    /// A signal stopped it.
    Signal,
    /// Waiting for it failed (the system's reason).
    Lost(String),
}

impl std::fmt::Display for LpEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LpEnd::NotStarted => f.write_str("not started"),
            LpEnd::Exit(code) => write!(f, "exit status {code}"),
            LpEnd::Signal => f.write_str("stopped by a signal"),
            LpEnd::Lost(why) => f.write_str(why),
        }
    }
}

/// Why a page did not leave (nothing was recorded). The English text is for the log; the
/// screens word each case in their language (`i18n::tui::widgets::print_failure`).
#[derive(Debug, thiserror::Error)]
pub enum PrintFailure {
    #[error("the printed page could not be made: {0}")]
    Page(PageError),
    #[error(
        "`lp` was not found: install the CUPS client (cups-client) or remove `printer` from \
         the configuration to save the PDF instead"
    )]
    NoLp,
    #[error("`lp` could not be started: {0}")]
    Spawn(std::io::Error),
    #[error("printer {printer}: lp failed ({status}){}", if .said.is_empty() { String::new() } else { format!(": {}", .said) })]
    Lp {
        printer: String,
        status: LpEnd,
        said: String,
    },
    #[error("printer {printer}: lp did not answer within {seconds} seconds; it was stopped")]
    LpTimedOut { printer: String, seconds: u64 },
    /// The desk closed while `lp` was still running: it was stopped (and waited for).
    #[error("printer {printer}: the desk closed before lp had finished; it was stopped")]
    Stopped { printer: String },
    #[error("the PDF could not be saved in {}: {source}", .folder.display())]
    Save {
        folder: PathBuf,
        source: std::io::Error,
    },
}

/// How long `lp` may take to queue a job before it is stopped.
const LP_TIMEOUT: Duration = Duration::from_secs(60);

/// A certificate made ready to print: its page and what its record needs. [`prepare_print`]
/// makes it (a read of the database, on the desk's thread); [`PrintJob::send`] sends the page
/// and touches no database, so a screen runs it on a thread of its own while the desk keeps
/// answering keys; [`record_print`] writes the audit row once the page has left. [`print`] does
/// the three in a row.
#[derive(Debug)]
pub struct PrintJob {
    stamp: crate::app::Stamp,
    citizen: i64,
    uvci: String,
    dose: u32,
    pdf: Vec<u8>,
    destination: Destination,
}

/// A page that left the desk and is not on record yet: [`record_print`] takes it by value, so
/// one page is recorded once.
#[derive(Debug)]
#[must_use = "a page that left is recorded with record_print"]
pub struct Sent {
    how: String,
    printed: Printed,
}

impl PrintJob {
    /// The certificate's id.
    pub fn uvci(&self) -> &str {
        &self.uvci
    }

    /// Where the page goes.
    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// Sends the page to its queue with `lp`, or saves it in its folder. Setting `stop` stops a
    /// running `lp` (killed, and waited for: no process is left behind) and the page counts as
    /// not sent ([`PrintFailure::Stopped`]).
    pub fn send(&self, stop: &AtomicBool) -> Result<Sent, PrintFailure> {
        let uvci = self.uvci.clone();
        match &self.destination {
            Destination::Printer(name) => {
                let job = send_to_lp(name, &self.pdf, stop)?;
                Ok(Sent {
                    how: format!("printed on queue {name}"),
                    printed: Printed::Queued {
                        uvci,
                        printer: name.clone(),
                        job,
                    },
                })
            }
            Destination::Folder(folder) => {
                let path = save_in(folder, &self.uvci, self.dose, &self.pdf)?;
                Ok(Sent {
                    how: format!("printed to {}", path.display()),
                    printed: Printed::Saved { uvci, path },
                })
            }
        }
    }
}

/// Prints certificate `target` for staff member `actor`: the page (the PDF of `cert export
/// --format pdf`, on the configured paper) goes to `destination`, then the export is recorded
/// (`export certificate`, `printed on queue NAME` or `printed to FILE`). A revoked
/// certificate is refused; a failed `lp` or save records nothing. The three steps in a row:
/// [`prepare_print`], [`PrintJob::send`], [`record_print`].
pub fn print(
    desk: &Desk,
    actor: &str,
    target: &PrintTarget,
    destination: &Destination,
) -> Result<Printed, ExportError<PrintFailure>> {
    let job = prepare_print(desk, actor, target, destination)?;
    let sent = job
        .send(&AtomicBool::new(false))
        .map_err(ExportError::Delivery)?;
    record_print(desk, &job, sent)
}

/// The first step of [`print`]: reads certificate `target` (refused when it is not on record,
/// is not the citizen's or was revoked) in a read transaction and makes its page, on the
/// configured paper. Nothing is written.
pub fn prepare_print(
    desk: &Desk,
    actor: &str,
    target: &PrintTarget,
    destination: &Destination,
) -> Result<PrintJob, ExportError<PrintFailure>> {
    let paper = match desk.config().paper {
        PaperSize::A4 => pdf::Paper::A4,
        PaperSize::A6 => pdf::Paper::A6,
    };
    let stamp = desk.stamp(actor);
    let conn = desk.conn();
    conn.execute_batch("BEGIN DEFERRED")?;
    let read = (|| -> Result<Exported, AppError> {
        let ctx = desk.ctx(conn);
        let not_found = || {
            AppError::from(Refusal::new(
                Rule::NotFound,
                "certificate",
                format!("certificate {} is not on record", target.uvci),
            ))
        };
        let row = issuance::certificate(ctx.conn, &target.uvci)?
            .filter(|r| r.citizen_id == target.citizen)
            .ok_or_else(not_found)?;
        if row.revoked_at.is_some() {
            return Err(Refusal::new(
                Rule::State,
                "certificate",
                format!("certificate {} was revoked; it is not printed", row.uvci),
            )
            .into());
        }
        let citizen = commands::citizen_by_id(&ctx, row.citizen_id)?;
        let dose = vaccination::injection(ctx.conn, row.injection_id)?
            .ok_or_else(not_found)?
            .details
            .dose;
        let hc1 = signed_text(&row)?;
        Ok(Exported {
            masked_id: citizen.masked_id,
            dose,
            hc1,
            revoked: issuance::revoked_uvcis(conn)?,
            certificate: row,
        })
    })();
    // Only read: the end of the transaction changes nothing either way.
    let _ = conn.execute_batch(if read.is_ok() { "COMMIT" } else { "ROLLBACK" });
    let exported = read?;
    let page = printed_page(desk, &exported, paper)
        .map_err(|e| ExportError::Delivery(PrintFailure::Page(e)))?;
    Ok(PrintJob {
        stamp,
        citizen: exported.certificate.citizen_id,
        uvci: exported.certificate.uvci,
        dose: exported.dose,
        pdf: page,
        destination: destination.clone(),
    })
}

/// The last step of [`print`]: the page of `job` left (`sent`); the export is recorded
/// (`export certificate`, by the job's actor, at the time it was asked for) in a transaction
/// of its own.
pub fn record_print(
    desk: &Desk,
    job: &PrintJob,
    sent: Sent,
) -> Result<Printed, ExportError<PrintFailure>> {
    let detail = format!("{} {}", job.uvci, sent.how);
    store::immediate(desk.conn(), |conn| {
        desk.audit_in(
            conn,
            &job.stamp,
            "export certificate",
            Some(job.citizen),
            "ok",
            Some(&detail),
        )
    })
    .map_err(|source| ExportError::NotRecorded {
        uvci: job.uvci.clone(),
        source,
    })?;
    Ok(sent.printed)
}

/// [`prepare_print`] at the kiosk: the citizen signed in prints one of their own certificates
/// (the actor is their session, `citizen#ID`, as for their other kiosk actions).
pub fn prepare_print_for_citizen(
    desk: &Desk,
    citizen: i64,
    uvci: &str,
    destination: &Destination,
) -> Result<PrintJob, ExportError<PrintFailure>> {
    let target = PrintTarget {
        citizen,
        uvci: uvci.to_string(),
    };
    prepare_print(desk, &format!("citizen#{citizen}"), &target, destination)
}

/// The signed text of a certificate row, refused when the row has none.
fn signed_text(certificate: &CertificateRow) -> Result<String, AppError> {
    certificate.payload.clone().ok_or_else(|| {
        AppError::from(Refusal::new(
            Rule::NotFound,
            "certificate",
            format!(
                "certificate {} has no signed text stored (it was issued before this desk \
                 signed certificates)",
                certificate.uvci
            ),
        ))
    })
}

/// The printed page of an exported certificate, on `paper`: the fields of the signed
/// certificate as a verifier decodes them (no trust needed to decode) and its `HC1:` text as
/// the QR code. The one maker of the page: `p` on a screen and `cert export --format pdf`.
pub fn printed_page(
    desk: &Desk,
    exported: &Exported,
    paper: pdf::Paper,
) -> Result<Vec<u8>, PageError> {
    let trust = crate::cert::TrustStore::default();
    let check = crate::cert::verify(
        &exported.hc1,
        &crate::cert::Options {
            trust: &trust,
            at: desk.now(),
            revoked: Some(&exported.revoked),
        },
    );
    let row = &exported.certificate;
    let dcc = check.certificate.ok_or_else(|| PageError::DoesNotDecode {
        uvci: row.uvci.clone(),
    })?;
    let valid_until = crate::domain::clock::parse_stamp(&row.expires_at)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_else(|| row.expires_at.clone());
    pdf::PrintedCertificate::from_dcc(
        &dcc,
        &exported.hc1,
        &valid_until,
        desk.catalogue(),
        desk.now(),
    )
    .and_then(|printed| pdf::render(&printed, paper))
    .map_err(|why| PageError::Layout {
        uvci: row.uvci.clone(),
        why,
    })
}

/// Sends `pdf` to CUPS queue `printer` as `lp -d NAME` (arguments, no shell; the PDF on its
/// standard input, so no file is left behind) and returns what `lp` said. `lp` is always waited
/// for: when it ends, when it takes longer than [`LP_TIMEOUT`] and when `stop` is set (the last
/// two kill it first).
fn send_to_lp(printer: &str, pdf: &[u8], stop: &AtomicBool) -> Result<String, PrintFailure> {
    let failed = |status: LpEnd, said: String| PrintFailure::Lp {
        printer: printer.to_string(),
        status,
        said,
    };
    // Checked when the configuration loaded; checked again where it becomes an argument.
    crate::config::check_printer(printer).map_err(|why| failed(LpEnd::NotStarted, why))?;
    let mut child = Command::new("lp")
        .arg("-d")
        .arg(printer)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => PrintFailure::NoLp,
            _ => PrintFailure::Spawn(e),
        })?;
    // Written, and read, on threads of their own: a chatty or stuck lp never blocks the desk
    // past the timeout.
    let mut stdin = child.stdin.take();
    let bytes = pdf.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut input) = stdin.take() {
            let _ = input.write_all(&bytes);
        }
    });
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(pipe) = pipe {
                let _ = pipe.take(16 * 1024).read_to_string(&mut text);
            }
            text
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if stop.load(Ordering::SeqCst) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PrintFailure::Stopped {
                    printer: printer.to_string(),
                });
            }
            Ok(None) if started.elapsed() < LP_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PrintFailure::LpTimedOut {
                    printer: printer.to_string(),
                    seconds: LP_TIMEOUT.as_secs(),
                });
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(LpEnd::Lost(e.to_string()), String::new()));
            }
        }
    };
    let _ = writer.join();
    let said = out.join().unwrap_or_default();
    let complaint = err.join().unwrap_or_default();
    // What lp said, on one line, without its control characters, cut at 300 characters.
    let clean = |s: &str| -> String {
        let words: Vec<&str> = s
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|w| !w.is_empty())
            .collect();
        words
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect()
    };
    if !status.success() {
        let status = match status.code() {
            Some(code) => LpEnd::Exit(code),
            None => LpEnd::Signal,
        };
        return Err(failed(status, clean(&complaint)));
    }
    Ok(clean(&said))
}

/// The file name of a printed certificate: `certificate-<id>-dose<N>.pdf`, the id's
/// characters other than letters, digits, `-` and `_` as `_` (no `/`, `:` or `#` in a name).
pub fn print_file_name(uvci: &str, dose: u32) -> String {
    let id = uvci
        .strip_prefix("URN:UVCI:")
        .unwrap_or(uvci)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    format!("certificate-{id}-dose{dose}.pdf")
}

/// Saves `pdf` in `folder` (made 0700 when missing) as a new 0600 file, never over another:
/// a second print of the same certificate gets `-2`, `-3`, ... before `.pdf`.
fn save_in(folder: &Path, uvci: &str, dose: u32, pdf: &[u8]) -> Result<PathBuf, PrintFailure> {
    let fail = |source| PrintFailure::Save {
        folder: folder.to_path_buf(),
        source,
    };
    files::create_dir_private(folder).map_err(fail)?;
    let name = print_file_name(uvci, dose);
    let stem = name.trim_end_matches(".pdf");
    for n in 1..=999 {
        let path = match n {
            1 => folder.join(&name),
            _ => folder.join(format!("{stem}-{n}.pdf")),
        };
        match files::write_private(&path, pdf) {
            Ok(()) => {
                files::sync_folder(folder);
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                // A part written is no print.
                let _ = std::fs::remove_file(&path);
                return Err(fail(e));
            }
        }
    }
    Err(fail(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{stem}.pdf and 998 numbered copies are there already"),
    )))
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
