//! `vaxdesk cert export`: an issued certificate as text, QR picture, decoded JSON or a printed
//! page (PDF), written whole or not at all, and recorded in the audit log once it left the desk.

use crate::Failure;
use crate::admin::admin_actor;
use crate::cli::{ExportFormat, Paper};
use crate::report;
use std::io::{IsTerminal, Write};
use std::path::Path;
use vaxdesk::app::{Desk, access, commands};
use vaxdesk::cert::{TrustStore, pdf};
use vaxdesk::domain::ResidentId;
use vaxdesk::store::issuance;

/// Pixels per module of an exported PNG (a typical certificate is about 700 pixels wide).
const PNG_SCALE: usize = 8;

/// What `cert export` was asked for.
pub struct Export<'a> {
    pub citizen: &'a str,
    pub dose: u32,
    pub format: ExportFormat,
    pub out: Option<&'a Path>,
    /// The paper of a PDF (A4 when not given).
    pub paper: Option<Paper>,
}

/// `vaxdesk cert export`: the latest certificate issued for a citizen's dose, as signed.
pub fn cert_export(
    desk: &Desk,
    keys_dir: Option<&Path>,
    request: &Export<'_>,
) -> Result<(), Failure> {
    if request.paper.is_some() && request.format != ExportFormat::Pdf {
        return Err(Failure(
            "--paper: only the printed certificate (--format pdf) has a paper size".into(),
        ));
    }
    let id = ResidentId::parse("--citizen", request.citizen)?;
    let ctx = desk.ctx(desk.conn());
    let citizen = commands::find_citizen(&ctx, &id)?;
    let injection = commands::find_injection(&ctx, &citizen, request.dose)?;
    let dose = request.dose;
    let row = issuance::certificate_for_injection(desk.conn(), injection.id)?.ok_or_else(|| {
        Failure(format!(
            "no certificate has been issued for dose {dose} of {}",
            citizen.masked_id
        ))
    })?;
    let hc1 = row.payload.clone().ok_or_else(|| {
        Failure(format!(
            "certificate {} has no signed text stored (it was issued before this desk signed \
             certificates)",
            row.uvci
        ))
    })?;
    // Decoding needs no trust; checking against this desk's own signers and revocations now
    // tells the JSON (and the warnings) whether a verifier here would accept it today.
    let trust = keys_dir
        .and_then(|dir| TrustStore::desk_signers(dir).ok())
        .unwrap_or_default();
    let revoked = issuance::revoked_uvcis(desk.conn())?;
    let check = vaxdesk::cert::verify(
        &hc1,
        &vaxdesk::cert::Options {
            trust: &trust,
            at: desk.now(),
            revoked: Some(&revoked),
        },
    );
    let bytes = match request.format {
        ExportFormat::Hc1 => format!("{hc1}\n").into_bytes(),
        ExportFormat::Json => {
            if check.certificate.is_none() {
                let why = check
                    .failure()
                    .map(|f| format!("{}: {}", f.step.name(), f.detail))
                    .unwrap_or_default();
                return Err(Failure(format!(
                    "the stored certificate {} does not decode ({why})",
                    row.uvci
                )));
            }
            let value = report::certificate_json(id.as_str(), dose, &row, &check);
            let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into());
            format!("{text}\n").into_bytes()
        }
        ExportFormat::Png | ExportFormat::Svg => {
            let qr = vaxdesk::cert::qr::encode(&hc1)
                .map_err(|e| Failure(format!("certificate {}: {e}", row.uvci)))?;
            if request.format == ExportFormat::Png {
                qr.png(PNG_SCALE)
            } else {
                format!("{}\n", qr.svg()).into_bytes()
            }
        }
        ExportFormat::Pdf => {
            let paper = match request.paper {
                Some(Paper::A6) => pdf::Paper::A6,
                Some(Paper::A4) | None => pdf::Paper::A4,
            };
            // The printed fields are those of the signed certificate, as a verifier reads them.
            let dcc = check.certificate.as_ref().ok_or_else(|| {
                Failure(format!(
                    "the stored certificate {} does not decode",
                    row.uvci
                ))
            })?;
            let valid_until = vaxdesk::domain::clock::parse_stamp(&row.expires_at)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%Y-%m-%d")
                        .to_string()
                })
                .unwrap_or_else(|| row.expires_at.clone());
            pdf::PrintedCertificate::from_dcc(dcc, &hc1, &valid_until, ctx.catalogue, desk.now())
                .and_then(|printed| pdf::render(&printed, paper))
                .map_err(|e| Failure(format!("certificate {}: {e}", row.uvci)))?
        }
    };
    let binary = match request.format {
        ExportFormat::Png => Some(("PNG", "a PNG picture")),
        ExportFormat::Svg => Some(("SVG", "a SVG picture")),
        ExportFormat::Pdf => Some(("PDF", "a PDF document")),
        _ => None,
    };
    if let (None, Some((kind, what))) = (request.out, binary)
        && std::io::stdout().is_terminal()
    {
        return Err(Failure(format!(
            "refusing to write {what} to the terminal; give --out FILE or redirect standard \
             output (> certificate.{})",
            kind.to_lowercase()
        )));
    }
    for warning in report::certificate_warnings(&row, &check) {
        report::note(&format!("vaxdesk: warning: {warning}"));
    }
    match request.out {
        Some(path) => {
            write_atomically(path, &bytes)?;
            report::note(&format!(
                "Wrote certificate {} (dose {dose} of {}) to {}.",
                row.uvci,
                citizen.masked_id,
                path.display()
            ));
        }
        // A closed pipe (`| head -c 10`) ends the process there: nothing is recorded.
        None => report::out_bytes(&bytes),
    }
    // Recorded once the whole certificate has left the desk.
    let how = match request.format {
        ExportFormat::Hc1 => "as hc1",
        ExportFormat::Png => "as png",
        ExportFormat::Svg => "as svg",
        ExportFormat::Json => "as json",
        ExportFormat::Pdf => "as pdf",
    };
    access::record_export(desk, &admin_actor(), citizen.id, &row.uvci, how).map_err(|e| {
        Failure(format!(
            "certificate {} was exported but the audit log could not record it: {e}",
            row.uvci
        ))
    })?;
    Ok(())
}

/// Writes a whole file or nothing: a temporary file beside it, synced, then renamed over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure(format!("--out {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| fail(&"not a file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
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
    // The rename itself survives a crash once the folder is synced (best effort).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
