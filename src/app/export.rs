//! CSV export: every citizen and every injection that is not voided, in exactly the import
//! format ([`super::import::COLUMNS`]), ordered by name then citizen, so an export imported
//! into an empty database gives every citizen the same status.
//!
//! Resident ids are written whole (the file can rebuild the clinic) unless masked; either way
//! the export is on record in the audit log, naming where it went. Rows are read in one read
//! transaction (a consistent snapshot while desks keep working) and written as they come.
//! Voided injections and applications are not in the import format and are not exported.

use super::progress::{Phase, Progress};
use super::{AppError, Desk};
use crate::app::store::spreadsheet::{self, ExportRow};
use crate::domain::ResidentId;
use crate::privacy::files;
use std::io::Write;
use std::path::Path;

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub citizens: u64,
    pub injections: u64,
    pub rows: u64,
}

impl ExportSummary {
    pub fn describe(&self, target: &str, masked: bool) -> String {
        format!(
            "exported {} citizens and {} injections ({} rows{}) to {target}",
            self.citizens,
            self.injections,
            self.rows,
            if masked { ", ids masked" } else { "" }
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    App(#[from] AppError),
    /// Writing the file (or standard output) failed; a file is not left half written.
    #[error("{target}: {message}")]
    Write { target: String, message: String },
}

impl From<rusqlite::Error> for ExportError {
    fn from(e: rusqlite::Error) -> Self {
        ExportError::App(e.into())
    }
}

/// Exports to `path`: a new file readable by its owner only, in place (renamed over it) only
/// once it is whole and the audit row is written.
pub fn export_file(
    desk: &Desk,
    actor: &str,
    path: &Path,
    masked: bool,
    progress: &dyn Progress,
) -> Result<ExportSummary, ExportError> {
    let target = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| ExportError::Write {
        target: target.clone(),
        message: e.to_string(),
    };
    let (dir, tmp) = files::temp_beside(path).ok_or_else(|| fail(&"not a file name"))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&tmp).map_err(|e| fail(&e))?;
    let written = (|| {
        let mut out = std::io::BufWriter::new(file);
        let summary = export_rows(
            desk,
            actor,
            &mut out,
            (&target, Some(&target)),
            masked,
            progress,
        )?;
        let file = out.into_inner().map_err(|e| fail(&e.into_error()))?;
        file.sync_all().map_err(|e| fail(&e))?;
        std::fs::rename(&tmp, path).map_err(|e| fail(&e))?;
        files::sync_folder(&dir);
        Ok(summary)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Exports to `out` (standard output, named `target` in the audit log).
pub fn export_to(
    desk: &Desk,
    actor: &str,
    out: &mut dyn Write,
    target: &str,
    masked: bool,
    progress: &dyn Progress,
) -> Result<ExportSummary, ExportError> {
    export_rows(desk, actor, out, (target, None), masked, progress)
}

/// Exports to `out`: `target` names it in the audit log, `file` is the file's path (`None`:
/// standard output) as the progress tells it.
fn export_rows(
    desk: &Desk,
    actor: &str,
    out: &mut dyn Write,
    (target, file): (&str, Option<&str>),
    masked: bool,
    progress: &dyn Progress,
) -> Result<ExportSummary, ExportError> {
    let stamp = desk.stamp(actor);
    let fail = |e: &dyn std::fmt::Display| ExportError::Write {
        target: target.to_string(),
        message: e.to_string(),
    };
    let conn = desk.conn();
    // One snapshot for the count and the rows.
    conn.execute_batch("BEGIN")?;
    let result = (|| {
        let total = spreadsheet::export_rows(conn)?;
        progress.phase(Phase::Exporting { to: file }, Some(total));
        let mut csv = csv::Writer::from_writer(&mut *out);
        csv.write_record(super::import::COLUMNS)
            .map_err(|e| fail(&e))?;
        let mut summary = ExportSummary::default();
        let mut last: Option<(i64, String)> = None;
        spreadsheet::for_each_export_row(conn, |row: &ExportRow| -> Result<(), ExportError> {
            let id = match &last {
                Some((citizen, id)) if *citizen == row.citizen => id.clone(),
                _ => {
                    summary.citizens += 1;
                    let id = if masked {
                        row.masked_id.clone()
                    } else {
                        desk.ids()
                            .open(&row.sealed_id)
                            .map(|id: ResidentId| id.as_str().to_string())
                            .map_err(AppError::from)?
                    };
                    last = Some((row.citizen, id.clone()));
                    id
                }
            };
            csv.write_record(record(&id, row).iter().map(|f| f.as_bytes()))
                .map_err(|e| fail(&e))?;
            summary.rows += 1;
            summary.injections += u64::from(row.injection.is_some());
            progress.advance(1);
            Ok(())
        })?;
        csv.flush().map_err(|e| fail(&e))?;
        Ok(summary)
    })();
    let _ = conn.execute_batch("COMMIT");
    progress.finish();
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = desk.audit(&stamp, "export", None, "failed", Some(target));
            return Err(e);
        }
    };
    let detail = format!(
        "to {target}: {} citizens, {} injections, ids {}",
        summary.citizens,
        summary.injections,
        if masked { "masked" } else { "whole" }
    );
    desk.audit(&stamp, "export", None, "ok", Some(&detail))?;
    Ok(summary)
}

/// One row in the import format's column order.
fn record<'a>(id: &'a str, row: &'a ExportRow) -> Vec<std::borrow::Cow<'a, str>> {
    use std::borrow::Cow::{Borrowed, Owned};
    let mut r = vec![
        Borrowed(id),
        Borrowed(row.family_name.as_str()),
        Borrowed(row.given_name.as_str()),
        Borrowed(row.birth_date.as_str()),
        Borrowed(row.family_name_icao.as_str()),
        Borrowed(row.given_name_icao.as_str()),
    ];
    match &row.injection {
        None => r.extend(std::iter::repeat_n(Borrowed(""), 8)),
        Some(i) => r.extend([
            Borrowed(i.product.as_str()),
            Owned(i.dose.to_string()),
            Owned(i.series.to_string()),
            Borrowed(i.date.as_str()),
            Borrowed(i.lot.as_deref().unwrap_or_default()),
            Owned(i.status.to_ascii_lowercase()),
            Borrowed(i.centre.as_deref().unwrap_or_default()),
            Borrowed(i.country.as_str()),
        ]),
    }
    r
}
