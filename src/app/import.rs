//! CSV import: a clinic's spreadsheet (or the national system's export) of citizens and
//! injections, one row per injection, taken in through the same commands and the same cleaning
//! as the seed actions `register-citizen` and `record-injection`.
//!
//! A file is one unit of work, like a seed file: one transaction, so a row that fails keeps
//! nothing of the file, and its content digest is recorded, so the same file again changes
//! nothing. Rows that say what the database already says are matched (citizens) or skipped
//! (injections); rows that say something else are refused, never applied over it. The file
//! is read as a stream, one record at a time: memory does not grow with its size.

mod decoding;

pub use decoding::TextEncoding;

use super::commands as cmd;
use super::progress::Progress;
use super::{AppError, Ctx, Desk, Stamp};
use crate::app::store::vaccination::{self, CitizenRow};
use crate::app::store::{self, seed_log, spreadsheet};
use crate::domain::{
    BirthDate, CitizenDetails, InjectionDetails, InjectionStatus, Refusal, ResidentId, injection,
    text,
};
use decoding::{Decoded, NotText};
use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// The columns of the import format, in the order export writes them.
pub const COLUMNS: [&str; 14] = [
    "id",
    "family_name",
    "given_name",
    "birth_date",
    "family_name_icao",
    "given_name_icao",
    "product",
    "dose",
    "series",
    "date",
    "lot",
    "status",
    "centre",
    "country",
];

/// Columns every file has: who the row is about.
const REQUIRED: [Col; 4] = [Col::Id, Col::FamilyName, Col::GivenName, Col::BirthDate];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    FamilyName,
    GivenName,
    BirthDate,
    FamilyNameIcao,
    GivenNameIcao,
    Product,
    Dose,
    Series,
    Date,
    Lot,
    Status,
    Centre,
    Country,
}

const ALL: [Col; 14] = [
    Col::Id,
    Col::FamilyName,
    Col::GivenName,
    Col::BirthDate,
    Col::FamilyNameIcao,
    Col::GivenNameIcao,
    Col::Product,
    Col::Dose,
    Col::Series,
    Col::Date,
    Col::Lot,
    Col::Status,
    Col::Centre,
    Col::Country,
];

impl Col {
    fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }
}

/// A file refused; nothing of it was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::error::Error for ImportError {}

/// Why an import stopped: the file (its line, column and reason), or the desk.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{0}")]
    File(ImportError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<rusqlite::Error> for ImportFailure {
    fn from(e: rusqlite::Error) -> Self {
        ImportFailure::App(e.into())
    }
}

impl ImportError {
    /// `people.csv: line 57, column birth_date: "1990-13-45" is not a date (...)`.
    pub fn describe(&self) -> String {
        let mut s = format!("{}: ", self.file);
        match (self.line, &self.column) {
            (Some(l), Some(c)) => s.push_str(&format!("line {l}, column {}: ", text::cut(c, 40))),
            (Some(l), None) => s.push_str(&format!("line {l}: ")),
            (None, Some(c)) => s.push_str(&format!("column {}: ", text::cut(c, 40))),
            (None, None) => {}
        }
        s.push_str(&self.message);
        s
    }
}

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(ImportSummary),
    /// The same content was imported (or seeded) before, at this time.
    AlreadyImported {
        at: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: u64,
    pub registered: u64,
    pub matched: u64,
    pub recorded: u64,
    pub skipped: u64,
    /// The encoding the file was read in.
    pub encoding: &'static str,
}

impl ImportOutcome {
    /// One line: `imported 4 rows (UTF-8): 2 citizens registered, 1 matched; 3 injections
    /// recorded, 0 skipped`.
    pub fn describe(&self) -> String {
        match self {
            ImportOutcome::Imported(s) => format!(
                "imported {} rows ({}): {} citizens registered, {} matched; {} injections \
                 recorded, {} skipped",
                s.rows, s.encoding, s.registered, s.matched, s.recorded, s.skipped
            ),
            ImportOutcome::AlreadyImported { at } => {
                format!("already imported at {at}; nothing changed")
            }
        }
    }
}

/// Imports one CSV file as `actor`, reporting rows to `progress`.
pub fn import_file(
    desk: &Desk,
    actor: &str,
    path: &Path,
    asked: TextEncoding,
    progress: &dyn Progress,
) -> Result<ImportOutcome, ImportFailure> {
    let name = path.display().to_string();
    let fail = |line: Option<u64>, column: Option<&str>, message: String| {
        ImportFailure::File(ImportError {
            file: name.clone(),
            line,
            column: column.map(str::to_string),
            message,
        })
    };
    let open = || -> Result<File, ImportFailure> {
        let meta = std::fs::metadata(path).map_err(|e| fail(None, None, cannot_read(&e)))?;
        if let Some(kind) = crate::config::not_a_file(&meta) {
            return Err(fail(None, None, format!("is {kind}, not a CSV file")));
        }
        File::open(path).map_err(|e| fail(None, None, cannot_read(&e)))
    };
    progress.phase(super::progress::Phase::Reading { file: &name }, None);
    let survey = decoding::survey(open()?, asked);
    progress.finish();
    let survey = survey.map_err(|e| fail(None, None, cannot_read(&e)))?;
    let digest = format!("csv:{}", survey.digest);
    let reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(Decoded::new(BufReader::new(open()?), survey.encoding));
    let stamp = desk.stamp(actor);
    let detail = format!("{name}, sha256 {}", &survey.digest[..16]);
    let outcome = store::immediate_bulk(desk.conn(), |conn| {
        if let Some(at) = seed_log::applied_at(conn, &digest)? {
            return Ok(ImportOutcome::AlreadyImported { at });
        }
        progress.phase(
            super::progress::Phase::Importing { file: &name },
            Some(survey.lines.saturating_sub(1)),
        );
        let mut run = Run {
            ctx: desk.bulk_ctx(conn)?,
            stamp: &stamp,
            before: spreadsheet::last_citizen(conn)?,
            last: None,
            summary: ImportSummary {
                encoding: survey.encoding.name(),
                ..ImportSummary::default()
            },
        };
        spreadsheet::start_matched(conn)?;
        let result = run.rows(reader, progress, &fail);
        progress.finish();
        result?;
        progress.phase(super::progress::Phase::WritingNameSearch, None);
        let written = vaccination::flush_search_terms(conn);
        progress.finish();
        written?;
        progress.phase(super::progress::Phase::UpdatingStatusView, None);
        let delivered = desk.dispatcher().deliver(conn);
        progress.finish();
        delivered?;
        let summary = run.summary;
        seed_log::record(
            conn,
            &digest,
            &name,
            summary.rows as usize,
            &crate::domain::clock::stamp(stamp.at),
        )?;
        let detail = format!(
            "{detail}: {} rows, {} registered, {} matched, {} recorded, {} skipped",
            summary.rows, summary.registered, summary.matched, summary.recorded, summary.skipped
        );
        desk.audit_in(conn, &stamp, "import", None, "ok", Some(&detail))?;
        Ok(ImportOutcome::Imported(summary))
    });
    if outcome.is_err() {
        // Not the message: it may quote what the file says about a person.
        let _ = desk.audit(&stamp, "import", None, "refused", Some(&detail));
    }
    outcome
}

fn cannot_read(e: &std::io::Error) -> String {
    format!("cannot read: {e}")
}

/// Where each column of the import format is in this file.
struct Header {
    at: [Option<usize>; 14],
}

impl Header {
    fn read(names: &csv::StringRecord) -> Result<Header, (Option<String>, String)> {
        let mut at = [None; 14];
        for (i, raw) in names.iter().enumerate() {
            let name = raw.trim_start_matches('\u{FEFF}').trim();
            if name.is_empty() {
                return Err((
                    None,
                    format!("field {} of the header row has no column name", i + 1),
                ));
            }
            let Some(col) = ALL.iter().find(|c| c.name().eq_ignore_ascii_case(name)) else {
                return Err((
                    Some(name.to_string()),
                    format!(
                        "not a column of the import format (columns: {})",
                        COLUMNS.join(", ")
                    ),
                ));
            };
            if at[*col as usize].replace(i).is_some() {
                return Err((Some(col.name().into()), "appears twice".into()));
            }
        }
        if let Some(missing) = REQUIRED.iter().find(|c| at[**c as usize].is_none()) {
            return Err((
                None,
                format!(
                    "no column {} (every file has id, family_name, given_name and birth_date)",
                    missing.name()
                ),
            ));
        }
        if at[Col::Product as usize].is_some()
            && let Some(missing) = [Col::Dose, Col::Date]
                .iter()
                .find(|c| at[**c as usize].is_none())
        {
            return Err((
                None,
                format!(
                    "no column {} (a file with product has dose and date too)",
                    missing.name()
                ),
            ));
        }
        Ok(Header { at })
    }

    fn get<'r>(&self, row: &'r csv::StringRecord, col: Col) -> &'r str {
        self.at[col as usize]
            .and_then(|i| row.get(i))
            .unwrap_or_default()
    }

    fn given<'r>(&self, row: &'r csv::StringRecord, col: Col) -> Option<&'r str> {
        Some(self.get(row, col)).filter(|v| !v.trim().is_empty())
    }
}

/// A row refused: the column (when one is to blame) and the reason.
enum RowError {
    At(&'static str, String),
    App(AppError),
}

impl From<Refusal> for RowError {
    fn from(r: Refusal) -> Self {
        RowError::App(r.into())
    }
}

impl From<AppError> for RowError {
    fn from(e: AppError) -> Self {
        RowError::App(e)
    }
}

impl From<rusqlite::Error> for RowError {
    fn from(e: rusqlite::Error) -> Self {
        RowError::App(e.into())
    }
}

/// One file's import under way.
struct Run<'a> {
    ctx: Ctx<'a>,
    stamp: &'a Stamp,
    /// Citizens numbered above this were registered by this file.
    before: i64,
    /// The previous row's citizen: rows of one citizen usually follow each other.
    last: Option<(ResidentId, CitizenRow)>,
    summary: ImportSummary,
}

type Fail<'f> = dyn Fn(Option<u64>, Option<&str>, String) -> ImportFailure + 'f;

impl Run<'_> {
    fn rows<R: std::io::Read>(
        &mut self,
        mut reader: csv::Reader<R>,
        progress: &dyn Progress,
        fail: &Fail<'_>,
    ) -> Result<(), ImportFailure> {
        let names = match reader.headers() {
            Ok(h) if h.iter().all(|f| f.trim().is_empty()) => {
                return Err(fail(Some(1), None, "no header row".into()));
            }
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(e, fail)),
        };
        let header = Header::read(&names).map_err(|(c, m)| fail(Some(1), c.as_deref(), m))?;
        let width = names.len();
        let mut row = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut row) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => return Err(csv_error(e, fail)),
            }
            let line = row.position().map_or(0, |p| p.line());
            if row.len() != width {
                return Err(fail(
                    Some(line),
                    None,
                    format!("has {} fields, the header has {width}", row.len()),
                ));
            }
            self.row(&header, &row).map_err(|e| match e {
                RowError::At(column, message) => fail(Some(line), Some(column), message),
                RowError::App(AppError::Refused(r)) => {
                    let raw = ALL
                        .iter()
                        .find(|c| c.name() == r.field)
                        .map_or("", |c| header.get(&row, *c));
                    fail(Some(line), Some(r.field), reason(r.field, &r.message, raw))
                }
                RowError::App(other) => ImportFailure::App(other),
            })?;
            self.summary.rows += 1;
            progress.advance(1);
        }
    }

    fn row(&mut self, h: &Header, row: &csv::StringRecord) -> Result<(), RowError> {
        let s = self.stamp;
        let id = ResidentId::parse("id", h.get(row, Col::Id))?;
        let birth = BirthDate::parse("birth_date", h.get(row, Col::BirthDate), s.today())?;
        let fam_icao = h.given(row, Col::FamilyNameIcao);
        let giv_icao = h.given(row, Col::GivenNameIcao);
        let details = CitizenDetails::new(
            h.get(row, Col::FamilyName),
            h.get(row, Col::GivenName),
            fam_icao,
            giv_icao,
            birth,
        )?;
        let citizen = match self.last.take() {
            Some((last_id, c)) if last_id == id => c,
            _ => self.citizen(&id, &details)?,
        };
        same_citizen(&citizen, &details, fam_icao.is_some(), giv_icao.is_some())?;
        let result = self.injection(h, row, &citizen);
        self.last = Some((id, citizen));
        result
    }

    /// The row's citizen: registered now, or found (and counted as matched once).
    fn citizen(
        &mut self,
        id: &ResidentId,
        details: &CitizenDetails,
    ) -> Result<CitizenRow, RowError> {
        let conn = self.ctx.conn;
        let lookup = self.ctx.ids.lookup(id);
        if let Some(found) = vaccination::citizen_by_lookup(conn, &lookup)? {
            if found.id <= self.before && spreadsheet::note_matched(conn, found.id)? {
                self.summary.matched += 1;
            }
            return Ok(found);
        }
        let at_rest = self.ctx.ids.at_rest_with_lookup(id, lookup);
        let row =
            cmd::register_unknown_citizen(&self.ctx, self.stamp, id, at_rest, details.clone())?;
        self.summary.registered += 1;
        Ok(row)
    }

    fn injection(
        &mut self,
        h: &Header,
        row: &csv::StringRecord,
        citizen: &CitizenRow,
    ) -> Result<(), RowError> {
        let Some(product) = h.given(row, Col::Product) else {
            if let Some(col) = [Col::Dose, Col::Date]
                .into_iter()
                .find(|c| h.given(row, *c).is_some())
            {
                return Err(RowError::At(
                    "product",
                    format!(
                        "empty, but the row gives a {}; a row without product registers the \
                         citizen only",
                        col.name()
                    ),
                ));
            }
            return Ok(());
        };
        let ctx = &self.ctx;
        let product = injection::product(product)?;
        let dose = injection::count("dose", whole("dose", h.get(row, Col::Dose))?)?;
        let series = match h.given(row, Col::Series) {
            Some(v) => injection::count("series", whole("series", v)?)?,
            // As the seed action: the catalogue's series for this dose.
            None => ctx
                .catalogue
                .get(&product)
                .map(|p| p.series_for(dose))
                .ok_or_else(|| {
                    Refusal::injection(
                        "product",
                        format!("product: '{product}' is not in the vaccine catalogue"),
                    )
                })?,
        };
        let details = InjectionDetails {
            dose,
            series,
            date: injection::date("date", h.get(row, Col::Date))?,
            lot: injection::lot(h.get(row, Col::Lot))?,
            country: match h.given(row, Col::Country) {
                Some(c) => injection::country(c)?,
                None => ctx.config.country.clone(),
            },
            centre: text::optional("centre", h.get(row, Col::Centre), 120)?,
            status: status(h.given(row, Col::Status).unwrap_or("administered"))?,
            product,
        };
        match vaccination::live_injection(ctx.conn, citizen.id, dose)? {
            Some(known) if known.details == details => {
                self.summary.skipped += 1;
                Ok(())
            }
            Some(known) => Err(differs(citizen, &known.details, &details)),
            None => {
                cmd::record_unknown_injection(ctx, self.stamp, citizen, details)?;
                self.summary.recorded += 1;
                Ok(())
            }
        }
    }
}

/// A dose or series as the file writes it: a whole number.
fn whole(field: &'static str, raw: &str) -> Result<i64, Refusal> {
    text::no_controls(field, raw)?;
    let v = raw.trim();
    v.parse()
        .map_err(|_| Refusal::injection(field, format!("{field}: '{v}' is not a whole number")))
}

/// The status as the seed action reads it: administered or scheduled (voiding is its own
/// command, with a reason).
fn status(raw: &str) -> Result<InjectionStatus, Refusal> {
    text::no_controls("status", raw)?;
    match raw.trim().to_ascii_lowercase().as_str() {
        "administered" => Ok(InjectionStatus::Administered),
        "scheduled" => Ok(InjectionStatus::Scheduled),
        _ => Err(Refusal::injection(
            "status",
            format!("status: '{}' is not administered or scheduled", raw.trim()),
        )),
    }
}

/// A registered citizen matches a row that says the same; a row that says otherwise is
/// refused (a correction is made at the desk, where it is seen).
fn same_citizen(
    known: &CitizenRow,
    row: &CitizenDetails,
    fam_icao: bool,
    giv_icao: bool,
) -> Result<(), RowError> {
    let k = &known.details;
    let pairs = [
        ("family_name", &k.family_name, &row.family_name, true),
        ("given_name", &k.given_name, &row.given_name, true),
        (
            "family_name_icao",
            &k.family_name_icao,
            &row.family_name_icao,
            fam_icao,
        ),
        (
            "given_name_icao",
            &k.given_name_icao,
            &row.given_name_icao,
            giv_icao,
        ),
    ];
    if k.birth_date != row.birth_date {
        return Err(other_details(
            known,
            "birth_date",
            &k.birth_date.to_string(),
            &row.birth_date.to_string(),
        ));
    }
    for (column, known_value, row_value, compared) in pairs {
        if compared && known_value != row_value {
            return Err(other_details(known, column, known_value, row_value));
        }
    }
    Ok(())
}

fn other_details(known: &CitizenRow, column: &'static str, was: &str, now: &str) -> RowError {
    RowError::At(
        column,
        format!(
            "\"{}\" differs from citizen {}'s registered {column} \"{}\"; correct it at the \
             desk, or correct the file",
            text::cut(now, 80),
            known.masked_id,
            text::cut(was, 80)
        ),
    )
}

/// An injection the database has with other details: the first column that differs.
fn differs(citizen: &CitizenRow, known: &InjectionDetails, row: &InjectionDetails) -> RowError {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = [
        ("product", known.product.clone(), row.product.clone()),
        ("series", known.series.to_string(), row.series.to_string()),
        (
            "date",
            known.date.format("%Y-%m-%d").to_string(),
            row.date.format("%Y-%m-%d").to_string(),
        ),
        ("lot", opt(&known.lot), opt(&row.lot)),
        (
            "status",
            known.status.lower().into(),
            row.status.lower().into(),
        ),
        ("centre", opt(&known.centre), opt(&row.centre)),
        ("country", known.country.clone(), row.country.clone()),
    ];
    let (column, was, now) = fields.into_iter().find(|(_, a, b)| a != b).unwrap_or((
        "dose",
        String::new(),
        String::new(),
    ));
    RowError::At(
        column,
        format!(
            "\"{}\" differs from dose {} already recorded for {} ({column} \"{}\"); an \
             injection is corrected at the desk, not by an import",
            text::cut(&now, 80),
            known.dose,
            citizen.masked_id,
            text::cut(&was, 80)
        ),
    )
}

/// A refusal's message as the import says it: without the `field: ` the column already
/// names, and the file's value in double quotes, as a spreadsheet quotes.
fn reason(field: &str, message: &str, raw: &str) -> String {
    let rest = message
        .strip_prefix(field)
        .and_then(|m| m.strip_prefix(": "))
        .unwrap_or(message);
    let value = raw.trim();
    if !value.is_empty()
        && let Some(after) = rest.strip_prefix(&format!("'{value}'"))
    {
        return format!("\"{value}\"{after}");
    }
    rest.to_string()
}

fn csv_error(e: csv::Error, fail: &Fail<'_>) -> ImportFailure {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => match io.get_ref().and_then(|i| i.downcast_ref::<NotText>()) {
            Some(not) => fail(Some(not.line), None, not.to_string()),
            None => fail(line, None, cannot_read(&io)),
        },
        csv::ErrorKind::Utf8 { pos, .. } => fail(
            pos.map(|p| p.line()).or(line),
            None,
            "not UTF-8 text".into(),
        ),
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => fail(
            pos.map(|p| p.line()).or(line),
            None,
            format!("has {len} fields, the header has {expected_len}"),
        ),
        other => fail(line, None, format!("not CSV: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_as_the_column_says_it() {
        assert_eq!(
            reason(
                "birth_date",
                "birth_date: '1990-13-45' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                " 1990-13-45 "
            ),
            "\"1990-13-45\" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"
        );
        assert_eq!(reason("lot", "lot: too long", "x"), "too long");
    }
}
