//! `vaxdesk cert export`: an issued certificate as text, QR picture, decoded JSON or a printed
//! page (PDF). The
//! reads, the writing out (whole or not at all) and the audit row happen in one transaction
//! (`app::certificates::export`): the export is on record exactly when the certificate left.

use super::open::Place;
use super::{Failure, admin_actor, report};
use clap::Subcommand;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::certificates::{self, ExportError, Exported, PageError};
use vaxdesk::cert::{TrustStore, Verification, pdf};
use vaxdesk::domain::ResidentId;
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;
use vaxdesk::privacy::files;

/// Pixels per module of an exported PNG (a typical certificate is about 700 pixels wide).
const PNG_SCALE: usize = 8;

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Export the certificate issued for one of a citizen's doses: the signed HC1 text, its QR
    /// code as a PNG or SVG picture, the decoded certificate as JSON, or a printable PDF
    #[command(after_help = CERT_EXPORT_HELP)]
    Export {
        /// The citizen's resident id (with or without the hyphen)
        #[arg(long, value_name = "ID")]
        citizen: String,
        /// The dose number of the (not voided) injection
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        dose: u32,
        /// What to write
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: ExportFormat,
        /// Write to this file (replaced atomically) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The paper of a printed certificate (--format pdf; A4 when not given)
        #[arg(long, value_enum, value_name = "PAPER")]
        paper: Option<Paper>,
    },
}

const CERT_EXPORT_HELP: &str = "\
The certificate is the latest one issued for that injection, exactly as it was signed. A revoked
certificate is still exported, with a warning on stderr (and \"revoked\": true in the JSON).
PNG, SVG and PDF go to --out FILE, or to standard output when it is not a terminal. The PDF is
the printed certificate (PDF/A-2b, one page, A4 or --paper a6): names, vaccination, UVCI and the
QR code, in Korean and English; never the resident id.

Examples:
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format hc1
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format png --out cert.png
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format svg > cert.svg
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format json | jq .certificate
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format pdf --paper a6 --out cert.pdf
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format hc1 --out cert.txt && \
vaxdesk verify cert.txt

Exit status: 0 exported, 1 no such citizen, dose or certificate (or nowhere to write), 2 usage.";

/// What `cert export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// The signed text, `HC1:...` (what the QR code holds)
    Hc1,
    /// The QR code as a PNG picture (black and white)
    Png,
    /// The QR code as an SVG picture
    Svg,
    /// The decoded certificate (the DCC JSON) with its id, dates and revocation
    Json,
    /// The printed certificate: a one-page PDF/A with the QR code
    Pdf,
}

/// The paper a printed certificate is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    /// 210 x 297 mm
    A4,
    /// 105 x 148 mm
    A6,
}

pub fn run(
    desk: &Desk,
    place: &Place,
    action: &CertCommand,
    lang: Lang,
) -> Result<ExitCode, Failure> {
    let CertCommand::Export {
        citizen,
        dose,
        format,
        out,
        paper,
    } = action;
    if paper.is_some() && *format != ExportFormat::Pdf {
        return Err(Failure::text(msg::PAPER_ONLY_PDF));
    }
    let id = ResidentId::parse("--citizen", citizen)?;
    // Decoding needs no trust; checking against this desk's own signers and revocations now
    // tells the JSON (and the warnings) whether a verifier here would accept it today.
    let trust = place
        .keys_dir
        .as_deref()
        .and_then(|dir| TrustStore::desk_signers(dir).ok())
        .unwrap_or_default();
    let how = match format {
        ExportFormat::Hc1 => "as hc1",
        ExportFormat::Png => "as png",
        ExportFormat::Svg => "as svg",
        ExportFormat::Json => "as json",
        ExportFormat::Pdf => "as pdf",
    };
    let write_out = |exported: &Exported| -> Result<(), Failure> {
        let check = check(desk, &trust, exported);
        let bytes = render(desk, &id, (*format, *paper), exported, &check)?;
        deliver(*format, out.as_deref(), exported, &check, &bytes, lang)
    };
    match certificates::export(desk, &admin_actor(), &id, *dose, how, write_out) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(ExportError::Refused(e)) => Err(e.into()),
        Err(ExportError::Delivery(failure)) => Err(failure),
        Err(ExportError::NotRecorded { uvci, source }) => Err(Failure::new(|l| {
            msg::not_recorded(l, &uvci, &vaxdesk::i18n::cli::app_error(l, &source))
        })),
    }
}

/// The bytes to write: the signed text, its QR picture, the decoded certificate as JSON, or the
/// printed page.
fn render(
    desk: &Desk,
    id: &ResidentId,
    (format, paper): (ExportFormat, Option<Paper>),
    exported: &Exported,
    check: &Verification,
) -> Result<Vec<u8>, Failure> {
    let row = &exported.certificate;
    let hc1 = &exported.hc1;
    Ok(match format {
        ExportFormat::Hc1 => format!("{hc1}\n").into_bytes(),
        ExportFormat::Json => {
            if check.certificate.is_none() {
                let why = check
                    .failure()
                    .map(|f| format!("{}: {}", f.step.name(), f.detail))
                    .unwrap_or_default();
                return Err(Failure::new(|l| {
                    msg::does_not_decode(l, &row.uvci, Some(&why))
                }));
            }
            let value = report::certificate_json(id.as_str(), exported.dose, row, check);
            let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into());
            format!("{text}\n").into_bytes()
        }
        ExportFormat::Png | ExportFormat::Svg => {
            let qr = vaxdesk::cert::qr::encode(hc1).map_err(|e| {
                Failure::new(|l| msg::certificate_failed(l, &row.uvci, &e.to_string()))
            })?;
            if format == ExportFormat::Png {
                qr.png(PNG_SCALE)
            } else {
                format!("{}\n", qr.svg()).into_bytes()
            }
        }
        ExportFormat::Pdf => {
            let paper = match paper {
                Some(Paper::A6) => pdf::Paper::A6,
                Some(Paper::A4) | None => pdf::Paper::A4,
            };
            // The page `p` prints on a screen: one maker of it (app::certificates).
            certificates::printed_page(desk, exported, paper).map_err(|e| match e {
                PageError::DoesNotDecode { uvci } => {
                    Failure::new(move |l| msg::does_not_decode(l, &uvci, None))
                }
                PageError::Layout { uvci, why } => {
                    Failure::new(move |l| msg::certificate_failed(l, &uvci, &why))
                }
            })?
        }
    })
}

/// The stored certificate checked as a verifier at this desk would check it now.
fn check(desk: &Desk, trust: &TrustStore, exported: &Exported) -> Verification {
    vaxdesk::cert::verify(
        &exported.hc1,
        &vaxdesk::cert::Options {
            trust,
            at: desk.now(),
            revoked: Some(&exported.revoked),
        },
    )
}

/// Writes the bytes to `out` (atomically) or to standard output, with the warnings first.
fn deliver(
    format: ExportFormat,
    out: Option<&Path>,
    exported: &Exported,
    check: &Verification,
    bytes: &[u8],
    lang: Lang,
) -> Result<(), Failure> {
    let row = &exported.certificate;
    let binary = match format {
        ExportFormat::Png => Some("PNG"),
        ExportFormat::Svg => Some("SVG"),
        ExportFormat::Pdf => Some("PDF"),
        _ => None,
    };
    if let (None, Some(kind)) = (out, binary)
        && std::io::stdout().is_terminal()
    {
        return Err(Failure::new(|l| msg::not_to_terminal(l, kind)));
    }
    for warning in report::certificate_warnings(row, check, lang) {
        report::note(&msg::warning_line(lang, &warning));
    }
    match out {
        Some(path) => {
            write_atomically(path, bytes)?;
            report::note(&msg::wrote_certificate(
                lang,
                &row.uvci,
                exported.dose,
                &exported.masked_id,
                &path.display().to_string(),
            ));
        }
        // A closed pipe (`| head -c 10`) ends the process there, before the commit: nothing
        // is recorded.
        None => report::out_bytes(bytes),
    }
    Ok(())
}

/// Writes a whole file or nothing: a temporary file beside it, synced, then renamed over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| {
        let (what, e) = (format!("--out {}", path.display()), e.to_string());
        Failure::new(move |l| msg::file_error(l, &what, &e))
    };
    let (dir, tmp) = files::temp_beside(path).ok_or_else(|| fail(&"not a file name"))?;
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(&e));
    }
    files::sync_folder(&dir);
    Ok(())
}
