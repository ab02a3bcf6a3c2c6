//! What the headless commands print: aligned tables for people, JSON for scripts.
//!
//! Everything a command prints passes the output boundary at the top of this file: text lines
//! through [`out_line`] (and [`note`] for standard error), which escape whatever a terminal
//! would obey (controls, bidi overrides, zero-width characters) wherever the text came from,
//! and bytes (JSON, pictures) through [`out_bytes`]. A closed pipe ends the process there,
//! quietly, as it ends `cat`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;
use vaxdesk::app::DispatchReport;
use vaxdesk::app::certificates::CertificateRow;
use vaxdesk::app::queries::{Doctor, QueueItem, Status, ViewCheck};
use vaxdesk::app::staff_admin::StaffListing;
use vaxdesk::app::views::audit_log::AuditLine;
use vaxdesk::app::{AppError, Desk, maintenance, queries};
use vaxdesk::cert::verify::{kid_text, time_text};
use vaxdesk::cert::{Step, Verification};
use vaxdesk::domain::ResidentId;
use vaxdesk::domain::citizen::display_name;
use vaxdesk::i18n::cli::{self as msg, *};
use vaxdesk::i18n::{Lang, common};

/// Characters a terminal obeys or hides instead of showing: C0 and C1 controls (escape
/// sequences, carriage returns), bidi embeddings, overrides, isolates and marks (which reorder
/// what follows), and zero-width characters (which hide a difference). Shown escaped.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Text made safe for a terminal: every [`hidden`] character written as `\u{1b}`, the rest as
/// it is. The one escaping function of every text output; JSON output is left exact.
pub fn escape(s: &str) -> String {
    if !s.chars().any(hidden) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// How much of a quoted input a message shows.
const QUOTE_MAX: usize = 80;

/// A message with each quoted input ('...' or `...`) longer than [`QUOTE_MAX`] characters cut
/// to that many, ending in `…`: a pasted page does not flood the terminal. A quote ends with
/// its line; a TOML error's snippet (a line of the file over a caret) is cut around the caret.
pub fn cut_quotes(message: &str) -> String {
    let lines: Vec<&str> = message.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if let Some((source, caret)) = lines
            .get(i + 1)
            .and_then(|next| cut_snippet(lines[i], next))
        {
            out.extend([source, caret]);
            i += 2;
        } else {
            out.push(cut_line_quotes(lines[i]));
            i += 1;
        }
    }
    out.join("\n")
}

/// A snippet's source line (`12 | text`) longer than [`QUOTE_MAX`] and the caret line under it
/// (`   |     ^^`), cut to a window of the text around the caret with `…` where it was cut;
/// `None` when the two lines are not such a pair or the text is short enough.
fn cut_snippet(source: &str, under: &str) -> Option<(String, String)> {
    let (gutter, text) = source.split_once(" | ")?;
    gutter.trim().parse::<u32>().ok()?;
    let bar = under.find('|')?;
    let marks = under[bar + 1..].strip_prefix(' ')?;
    let column = marks.find('^')?;
    let carets = marks[column..].chars().take_while(|c| *c == '^').count();
    if !under[..bar].trim().is_empty() || !marks[column + carets..].trim().is_empty() {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= QUOTE_MAX {
        return None;
    }
    // Room for a `…` at each end; the caret a third of the way in.
    let width = QUOTE_MAX - 2;
    let start = column
        .saturating_sub(width / 3)
        .min(chars.len().saturating_sub(width));
    let end = (start + width).min(chars.len());
    let mut window = String::new();
    if start > 0 {
        window.push('…');
    }
    window.extend(&chars[start..end]);
    if end < chars.len() {
        window.push('…');
    }
    let shift = column.saturating_sub(start) + usize::from(start > 0);
    let carets = carets.min(end.saturating_sub(column).max(1));
    Some((
        format!("{gutter} | {window}"),
        format!(
            "{} {}{}",
            &under[..=bar],
            " ".repeat(shift),
            "^".repeat(carets)
        ),
    ))
}

/// One line with each quoted input longer than [`QUOTE_MAX`] characters cut.
fn cut_line_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['\'', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('\'');
        let inner_start = open + quote.len_utf8();
        out.push_str(&rest[..inner_start]);
        let Some(len) = rest[inner_start..].find(quote) else {
            rest = &rest[inner_start..];
            break;
        };
        let inner = &rest[inner_start..inner_start + len];
        out.push_str(&vaxdesk::domain::text::cut(inner, QUOTE_MAX));
        out.push(quote);
        rest = &rest[inner_start + len + quote.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Writes bytes to standard output as they are (JSON, pictures, PEM).
pub fn out_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        output_failed(&e, "standard output");
    }
}

/// Writes one line of text to standard output, escaped.
pub fn out_line(line: &str) {
    out_bytes(format!("{}\n", escape(line)).as_bytes());
}

/// Writes a message to standard error (warnings, progress, errors), each of its lines escaped:
/// a message may span lines (a TOML error shows the line it is about, and a caret under it).
pub fn note(message: &str) {
    let text: String = message.lines().map(|l| escape(l) + "\n").collect();
    let mut err = std::io::stderr().lock();
    if let Err(e) = err.write_all(text.as_bytes()) {
        output_failed(&e, "standard error");
    }
}

/// A write that failed: a reader that went away (`| head -c1`) ends the process quietly, as
/// it ends `cat` (by SIGPIPE); anything else (a full disk) is said and exits 1.
pub fn output_failed(e: &std::io::Error, what: &str) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        closed_pipe();
    }
    let _ = writeln!(std::io::stderr(), "vaxdesk: {what}: {e}");
    std::process::exit(1)
}

/// Ends the process the way a closed pipe ends `cat`: killed by SIGPIPE, without a message.
fn closed_pipe() -> ! {
    #[cfg(unix)]
    // SAFETY: restoring the default action of SIGPIPE and raising it only ends this process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
    std::process::exit(141)
}

/// Pads to a display width (Korean characters are two columns wide).
fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Prints rows as columns aligned by display width, cells escaped before they are measured.
fn table(header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| escape(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let line = |cells: &[String]| {
        let n = cells.len();
        let out_cells: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i + 1 == n {
                    c.clone()
                } else {
                    pad(c, widths[i])
                }
            })
            .collect();
        out_line(&format!("  {}", out_cells.join("  ").trim_end()));
    };
    line(&header.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    for r in &rows {
        line(r);
    }
}

/// Prints a value as pretty JSON (exact: strings keep every character, escaped by JSON).
pub fn json<T: serde::Serialize>(value: &T) -> Result<(), AppError> {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    out_bytes(format!("{text}\n").as_bytes());
    Ok(())
}

/// `id` is the id the caller asked about (the database keeps only its sealed form).
pub fn status_json(id: &ResidentId, s: &Status) -> Result<(), AppError> {
    let value = serde_json::json!({
        "citizen": {
            "id": id.as_str(),
            "family_name": s.citizen.family_name,
            "given_name": s.citizen.given_name,
            "birth_date": s.citizen.birth_date,
        },
        "injections": s.injections.iter().map(|i| serde_json::json!({
            "dose": i.dose,
            "series": i.series,
            "product": i.product,
            "date": i.date,
            "status": i.status,
        })).collect::<Vec<_>>(),
        "applications": s.applications.iter().map(|a| serde_json::json!({
            "dose": a.dose,
            "series": a.series,
            "product": a.product,
            "status": a.status,
            "certificate_id": a.certificate_id,
            "reason": a.reason,
            "applied_at": a.applied_at,
        })).collect::<Vec<_>>(),
        "issuance_delayed": s.issuance_delayed,
    });
    json(&value)
}

/// A product's name by its code, in `lang` (Korean: its Korean name where it has one).
fn product(desk: &Desk, code: &str, lang: Lang) -> String {
    match desk.catalogue().get(code) {
        Some(p) => common::product_name(lang, p).to_string(),
        None => code.to_string(),
    }
}

pub fn status_text(desk: &Desk, s: &Status, lang: Lang) {
    let c = &s.citizen;
    say!(
        "{}",
        msg::status_headline(
            lang,
            &display_name(&c.family_name, &c.given_name),
            &c.masked_id,
            &c.birth_date
        )
    );
    say!();
    say!("{}", INJECTIONS.get(lang));
    if s.injections.is_empty() {
        say!("{}", NONE_RECORDED.get(lang));
    } else {
        let rows: Vec<Vec<String>> = s
            .injections
            .iter()
            .map(|i| {
                vec![
                    common::dose(i.dose, i.series),
                    product(desk, &i.product, lang),
                    i.date.clone(),
                    msg::stored_status(lang, &i.status),
                ]
            })
            .collect();
        let header = [COL_DOSE, COL_VACCINE, COL_DATE, COL_STATUS].map(|t| t.get(lang));
        table(&header, &rows);
    }
    say!();
    say!("{}", APPLICATIONS.get(lang));
    if s.applications.is_empty() {
        say!("{}", NONE.get(lang));
    } else {
        let rows: Vec<Vec<String>> = s
            .applications
            .iter()
            .map(|a| {
                let note = match (&a.certificate_id, &a.reason) {
                    (Some(cert), _) => msg::certificate(lang, cert),
                    (None, Some(reason)) => reason.clone(),
                    _ => String::new(),
                };
                vec![
                    common::dose(a.dose, a.series),
                    product(desk, &a.product, lang),
                    a.applied_at.clone(),
                    msg::stored_status(lang, &a.status),
                    note,
                ]
            })
            .collect();
        let header = [COL_DOSE, COL_VACCINE, COL_APPLIED, COL_STATUS].map(|t| t.get(lang));
        table(&[header[0], header[1], header[2], header[3], ""], &rows);
    }
    if s.issuance_delayed && s.applications.iter().any(|a| a.status == "APPLIED") {
        say!();
        say!("{}", DELAYED.get(lang));
    }
}

pub fn queue_text(desk: &Desk, items: &[QueueItem], lang: Lang) {
    if items.is_empty() {
        say!("{}", QUEUE_EMPTY.get(lang));
        return;
    }
    say!("{}", msg::queue_count(lang, items.len()));
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|q| {
            vec![
                q.applied_at.clone(),
                q.name.clone(),
                q.citizen.clone(),
                match lang {
                    Lang::En => q.product_name.clone(),
                    Lang::Ko => product(desk, &q.product, lang),
                },
                common::dose(q.dose, q.series),
                q.date.clone(),
            ]
        })
        .collect();
    let header = [
        COL_APPLIED,
        COL_NAME,
        COL_ID,
        COL_VACCINE,
        COL_DOSE,
        COL_GIVEN,
    ]
    .map(|t| t.get(lang));
    table(&header, &rows);
}

pub fn events(desk: &Desk, after: i64, as_json: bool, lang: Lang) -> Result<(), AppError> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = write_events(desk, &mut out, after, as_json, lang)?.and_then(|()| out.flush()) {
        output_failed(&e, "standard output");
    }
    Ok(())
}

fn write_events(
    desk: &Desk,
    out: &mut impl Write,
    after: i64,
    as_json: bool,
    lang: Lang,
) -> Result<std::io::Result<()>, AppError> {
    let mut from = after;
    let mut first = true;
    if as_json && let Err(e) = write!(out, "[") {
        return Ok(Err(e));
    }
    loop {
        let rows = queries::events(desk, from, 5000)?;
        let Some(last) = rows.last().map(|r| r.seq) else {
            break;
        };
        for r in &rows {
            let written = if as_json {
                let data: serde_json::Value = serde_json::from_str(&r.data)
                    .unwrap_or(serde_json::Value::String(r.data.clone()));
                let item = serde_json::json!({
                    "seq": r.seq, "type": r.type_name, "actor": r.actor, "at": r.at, "data": data,
                });
                write!(out, "{}\n  {item}", if first { "" } else { "," })
            } else {
                writeln!(
                    out,
                    "{}",
                    escape(&format!(
                        "{:>6}  {}  {:<22} {:<24} {}",
                        r.seq, r.at, r.type_name, r.actor, r.data
                    ))
                )
            };
            if let Err(e) = written {
                return Ok(Err(e));
            }
            first = false;
        }
        from = last;
    }
    Ok(if as_json {
        writeln!(out, "{}]", if first { "" } else { "\n" })
    } else if first {
        writeln!(out, "{}", msg::no_events_after(lang, after))
    } else {
        Ok(())
    })
}

pub fn rebuild(r: &ViewCheck, check_only: bool, lang: Lang) -> ExitCode {
    say!(
        "{}",
        msg::rebuild(lang, check_only, r.events, r.differences.len())
    );
    if r.differences.is_empty() {
        return ExitCode::SUCCESS;
    }
    for d in r.typed_differences() {
        say!("  {}", msg::difference(lang, &d));
    }
    if check_only {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `doctor`: the health report. `warnings` (files readable by others) are printed but alone do
/// not fail it.
pub fn doctor(d: &Doctor, db: &Path, warnings: &[String], lang: Lang) -> ExitCode {
    say!("{}{}", DOCTOR_DATABASE.get(lang), db.display());
    say!(
        "{}{}",
        DOCTOR_INTEGRITY.get(lang),
        msg::integrity(lang, &d.integrity)
    );
    say!(
        "{}{}",
        DOCTOR_SCHEMA.get(lang),
        msg::schema(
            lang,
            d.schema_version,
            d.schema_version == d.schema_expected
        )
    );
    say!("{}{}", DOCTOR_EVENTS.get(lang), d.events);
    say!(
        "{}{}",
        DOCTOR_QUEUE.get(lang),
        msg::pending_requests(lang, d.pending_requests)
    );
    say!(
        "{}{}",
        DOCTOR_AUDIT.get(lang),
        msg::audit_chain(
            lang,
            d.audit.rows,
            // Noted down elsewhere, the head shows rows later cut from the end.
            d.audit
                .head
                .as_ref()
                .map(|(seq, hash)| (*seq, hash.get(..16).unwrap_or(hash))),
            d.audit.broken.as_ref().map(|b| b.seq)
        )
    );
    say!("{}", DOCTOR_SUBSCRIBERS.get(lang));
    let rows: Vec<Vec<String>> = d
        .subscribers
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.checkpoint.to_string(),
                s.lag.to_string(),
                msg::breaker(lang, &s.state.to_string()),
                s.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        COL_NAME,
        COL_CHECKPOINT,
        COL_LAG,
        COL_BREAKER,
        COL_LAST_ERROR,
    ]
    .map(|t| t.get(lang));
    table(&header, &rows);
    for w in warnings {
        say!("{}", msg::warning(lang, w));
    }
    let problems = msg::doctor_problems(lang, d);
    if problems.is_empty() {
        match warnings.len() {
            0 => say!("{}", ALL_WELL.get(lang)),
            1 => say!("{}", ALL_WELL_ONE.get(lang)),
            n => say!("{}", msg::all_well_warnings(lang, n)),
        }
        ExitCode::SUCCESS
    } else {
        say!("{}", msg::problems(lang, problems.len()));
        for p in &problems {
            say!("  - {p}");
        }
        ExitCode::from(1)
    }
}

pub fn dispatch(desk: &Desk, r: &DispatchReport, lang: Lang) -> Result<ExitCode, AppError> {
    say!("{}", msg::delivered(lang, r.delivered));
    for (name, e) in &r.failures {
        say!("{}", msg::subscriber_failed(lang, name, e));
    }
    for name in &r.waiting {
        say!("{}", msg::subscriber_waiting(lang, name));
    }
    let lagging = maintenance::lagging_subscribers(desk)?;
    Ok(if lagging == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `verify` for people: every step that ran, then what the certificate says.
pub fn verify_text(v: &Verification, lang: Lang) {
    say!("{}", if v.valid() { VALID } else { NOT_VALID }.get(lang));
    let rows: Vec<Vec<String>> = v
        .steps
        .iter()
        .map(|s| {
            vec![
                msg::verify_step(lang, s.step.name()),
                if s.ok { STEP_OK } else { STEP_FAILED }
                    .get(lang)
                    .to_string(),
                msg::verify_detail(lang, &s.detail),
            ]
        })
        .collect();
    table(
        &[COL_STEP, COL_RESULT, COL_DETAIL].map(|t| t.get(lang)),
        &rows,
    );
    let Some(dcc) = &v.certificate else {
        return;
    };
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    say!();
    let nam = &dcc["nam"];
    // Family name first, as the DCC and the MRZ order them.
    let name = [text(&nam["fn"]), text(&nam["gn"])].join(", ");
    let standard = [text(&nam["fnt"]), text(&nam["gnt"])].join("<<");
    say!(
        "{}{}  ({standard})",
        msg::verify_label(lang, "holder"),
        name.trim_matches([',', ' '])
    );
    say!("{}{}", msg::verify_label(lang, "born"), text(&dcc["dob"]));
    for (group, kind) in [("v", "vaccination"), ("t", "test"), ("r", "recovery")] {
        for entry in dcc[group].as_array().into_iter().flatten() {
            let what = match group {
                "v" => msg::verify_dose(
                    lang,
                    &text(&entry["dn"]),
                    &text(&entry["sd"]),
                    &text(&entry["mp"]),
                    &text(&entry["dt"]),
                ),
                "t" => format!("{}, {}", text(&entry["tt"]), text(&entry["sc"])),
                _ => msg::first_positive(lang, &text(&entry["fr"])),
            };
            say!(
                "{}{what}, {}",
                msg::verify_label(lang, kind),
                text(&entry["co"])
            );
            say!("{}{}", msg::verify_label(lang, "uvci"), text(&entry["ci"]));
        }
    }
    let time = |t: Option<f64>| t.and_then(time_text).unwrap_or_else(|| "-".into());
    say!(
        "{}",
        msg::verify_issuer(
            lang,
            v.issuer.as_deref().unwrap_or("-"),
            &time(v.issued_at),
            &time(v.expires_at)
        )
    );
    if let Some(kid) = &v.kid {
        say!("{}{}", msg::verify_label(lang, "kid"), kid_text(kid));
    }
}

/// `cert export --format json`: the decoded DCC (`certificate`) with the stored record (id,
/// dates, revocation) and whether this desk's verifier accepts it now (`valid`, `problems`).
pub fn certificate_json(
    citizen: &str,
    dose: u32,
    row: &CertificateRow,
    check: &Verification,
) -> serde_json::Value {
    serde_json::json!({
        "citizen": citizen,
        "dose": dose,
        "uvci": row.uvci,
        "issued_at": row.issued_at,
        "expires_at": row.expires_at,
        "revoked": row.revoked_at.is_some(),
        "revoked_at": row.revoked_at,
        "revocation_reason": row.revocation_reason,
        "issuer": check.issuer,
        "kid": check.kid.as_deref().map(kid_text),
        "valid": check.valid(),
        "problems": check.steps.iter().filter(|s| !s.ok).map(|s| serde_json::json!({
            "step": s.step.name(), "detail": s.detail,
        })).collect::<Vec<_>>(),
        "certificate": check.certificate,
        "hc1": row.payload,
    })
}

/// What `cert export` warns about on stderr: a revoked certificate, and any other reason this
/// desk's verifier would refuse it now.
pub fn certificate_warnings(row: &CertificateRow, check: &Verification, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(at) = &row.revoked_at {
        out.push(msg::certificate_revoked(
            lang,
            &row.uvci,
            at,
            row.revocation_reason.as_deref(),
        ));
    }
    for s in check
        .steps
        .iter()
        .filter(|s| !s.ok && s.step != Step::Revocation)
    {
        out.push(msg::certificate_not_verifying(
            lang,
            &row.uvci,
            s.step.name(),
            &s.detail,
        ));
    }
    out
}

/// A stored stamp in the desk's local time (`2026-11-25 21:00`), or as stored if it does not
/// read.
fn local(at: &str, format: &str) -> String {
    vaxdesk::domain::clock::parse_stamp(at)
        .map(|t| t.with_timezone(&chrono::Local).format(format).to_string())
        .unwrap_or_else(|| at.to_string())
}

/// `staff list`: name, role and whether the account can sign in now.
pub fn staff_text(accounts: &[StaffListing], lang: Lang) {
    if accounts.is_empty() {
        say!("{}", STAFF_NONE.get(lang));
        return;
    }
    let rows: Vec<Vec<String>> = accounts
        .iter()
        .map(|a| {
            let state = if a.disabled {
                STAFF_DISABLED.get(lang).to_string()
            } else {
                let until = a.locked_until.as_deref().map(|u| local(u, "%H:%M"));
                msg::staff_state(lang, until.as_deref(), a.failures)
            };
            vec![a.name.clone(), msg::staff_role(lang, &a.role), state]
        })
        .collect();
    table(&[COL_NAME, COL_ROLE, COL_STATE].map(|t| t.get(lang)), &rows);
}

/// `audit --json`: every row as an object, oldest first.
pub fn audit_json(lines: &[AuditLine]) -> Result<(), AppError> {
    let items: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| {
            let r = &l.row;
            serde_json::json!({
                "seq": r.seq,
                "at": r.at,
                "actor": r.actor,
                "host": r.host,
                "terminal": r.terminal,
                "process": r.process,
                "action": r.action,
                "citizen": r.citizen,
                "citizen_masked_id": l.masked_id,
                "result": r.result,
                "detail": r.detail,
                "hash": r.hash,
                "prev_hash": r.prev_hash,
            })
        })
        .collect();
    json(&items)
}

/// `audit`: one row per line, oldest first; citizens by number and masked id only.
pub fn audit_text(lines: &[AuditLine], lang: Lang) {
    if lines.is_empty() {
        say!("{}", AUDIT_NONE.get(lang));
        return;
    }
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let r = &l.row;
            let citizen = match (r.citizen, &l.masked_id) {
                (Some(c), Some(m)) => format!("#{c} {m}"),
                (Some(c), None) => format!("#{c}"),
                (None, _) => "-".to_string(),
            };
            [
                r.seq.to_string(),
                local(&r.at, "%Y-%m-%d %H:%M:%S"),
                r.actor.clone(),
                r.action.clone(),
                citizen,
                r.result.clone(),
                // The terminal as `who` shows it (pts/3); the JSON keeps the whole path.
                format!(
                    "{}/{}/{}",
                    r.host,
                    r.terminal.strip_prefix("/dev/").unwrap_or(&r.terminal),
                    r.process
                ),
                r.detail.clone().unwrap_or_default(),
            ]
            .to_vec()
        })
        .collect();
    let header = [
        COL_SEQ,
        COL_TIME,
        COL_ACTOR,
        COL_ACTION,
        COL_CITIZEN,
        COL_RESULT,
        COL_DESK,
        COL_DETAIL,
    ]
    .map(|t| t.get(lang));
    table(&header, &rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_zero_width_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(escape("김 민준 Müller"), "김 민준 Müller");
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("\u{9b}\u{7f}\n\t"), "\\u{9b}\\u{7f}\\u{a}\\u{9}");
        for c in [
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
            '\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}',
        ] {
            assert_eq!(escape(&c.to_string()), c.escape_unicode().to_string());
        }
        // Escaping twice changes nothing more (tables escape cells, lines escape again).
        assert_eq!(escape(&escape("x\u{1b}y")), escape("x\u{1b}y"));
    }

    #[test]
    fn long_quotes_are_cut_to_80_characters_and_short_ones_kept() {
        let long = "가".repeat(100);
        let cut = cut_quotes(&format!("name: '{long}' is wrong; `{long}`"));
        let kept = format!("{}…", "가".repeat(79));
        assert_eq!(cut, format!("name: '{kept}' is wrong; `{kept}`"));
        let short = "status: 'done' is not a status (chmod 700 'w')";
        assert_eq!(cut_quotes(short), short);
        assert_eq!(cut_quotes("an odd ' quote"), "an odd ' quote");
        // A quote never runs on into the next line.
        let lines = format!("O'Brien\n{long}\nit's");
        assert_eq!(cut_quotes(&lines), lines);
    }

    #[test]
    fn a_long_line_in_a_toml_snippet_is_cut_around_its_caret() {
        let text = format!("x = \"{}\" {}\n", "a".repeat(150), "y".repeat(150));
        let message = toml::from_str::<toml::Table>(&text)
            .expect_err("not TOML")
            .to_string();
        let cut = cut_quotes(&message);
        let lines: Vec<&str> = cut.lines().collect();
        for line in &lines {
            assert!(line.chars().count() <= QUOTE_MAX + 8, "{cut}");
        }
        let (at, source) = lines
            .iter()
            .enumerate()
            .find(|(_, l)| l.starts_with("1 | "))
            .expect("the snippet's line");
        assert!(
            source.starts_with("1 | …") && source.ends_with('…'),
            "{cut}"
        );
        // Columns count characters (`…` is one).
        let caret = lines[at + 1].find('^').expect("a caret");
        let before: String = source.chars().take(caret).collect();
        assert_eq!(
            source.chars().nth(caret),
            Some('y'),
            "the caret moved:\n{cut}"
        );
        assert!(!before.contains('y'), "{cut}");
        assert_eq!(lines.last(), message.lines().last().as_ref(), "{cut}");
    }
}
