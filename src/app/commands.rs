//! The commands, one function each. Each runs inside the caller's transaction (see
//! [`super::Desk::run`]), checks its rules, writes its own context's rows and appends events.

use super::{AppError, Ctx, Stamp};
use crate::app::store::StoreError;
use crate::app::store::applying::{self, ApplicationRow};
use crate::app::store::issuance::{self, NewCertificate};
use crate::app::store::outbox;
use crate::app::store::vaccination::{self, CitizenRow, InjectionRow};
use crate::domain::event::{CitizenFacts, Event, InjectionFacts};
use crate::domain::{
    ApplicationStatus, CitizenDetails, InjectionDetails, InjectionStatus, Refusal, RequestStatus,
    ResidentId, Rule, Uvci, text,
};
use crate::privacy::resident_ids::SealedId;
use chrono::Duration;

fn emit(ctx: &Ctx<'_>, s: &Stamp, e: &Event) -> Result<i64, AppError> {
    Ok(outbox::append(ctx.conn, &s.actor, &s.at_str(), e)?)
}

fn citizen_facts(c: &CitizenRow) -> CitizenFacts {
    CitizenFacts {
        citizen: c.id,
        id_lookup: c.id_lookup.clone(),
        masked_id: c.masked_id.clone(),
        family_name: c.details.family_name.clone(),
        given_name: c.details.given_name.clone(),
        family_name_icao: c.details.family_name_icao.clone(),
        given_name_icao: c.details.given_name_icao.clone(),
        birth_date: c.details.birth_date.to_string(),
    }
}

fn injection_facts(id: i64, citizen: i64, d: &InjectionDetails, version: i64) -> InjectionFacts {
    InjectionFacts {
        injection: id,
        citizen,
        product: d.product.clone(),
        dose: d.dose,
        series: d.series,
        date: d.date.format("%Y-%m-%d").to_string(),
        lot: d.lot.clone(),
        country: d.country.clone(),
        centre: d.centre.clone(),
        status: d.status.as_str().to_string(),
        version,
    }
}

/// Finds a registered citizen by resident id (an exact match through its keyed hash).
pub fn find_citizen(ctx: &Ctx<'_>, id: &ResidentId) -> Result<CitizenRow, AppError> {
    vaccination::citizen_by_lookup(ctx.conn, &ctx.ids.lookup(id))?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "citizen",
            format!("citizen {id} is not registered"),
        )
        .into()
    })
}

/// Finds a registered citizen by internal id (screens hold internal ids).
pub fn citizen_by_id(ctx: &Ctx<'_>, id: i64) -> Result<CitizenRow, AppError> {
    vaccination::citizen(ctx.conn, id)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "citizen",
            "this citizen is no longer registered",
        )
        .into()
    })
}

/// Finds the citizen's injection with this dose number that is not voided.
pub fn find_injection(
    ctx: &Ctx<'_>,
    citizen: &CitizenRow,
    dose: u32,
) -> Result<InjectionRow, AppError> {
    vaccination::live_injection(ctx.conn, citizen.id, dose)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "dose",
            format!(
                "{} has no injection dose {dose} (that is not voided)",
                citizen.masked_id
            ),
        )
        .into()
    })
}

/// Finds the latest application for an injection.
pub fn find_application(
    ctx: &Ctx<'_>,
    citizen: &CitizenRow,
    injection: &InjectionRow,
) -> Result<ApplicationRow, AppError> {
    applying::latest_for_injection(ctx.conn, injection.id)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "application",
            format!(
                "no application for injection dose {} of {}",
                injection.details.dose, citizen.masked_id
            ),
        )
        .into()
    })
}

pub fn register_citizen(
    ctx: &Ctx<'_>,
    s: &Stamp,
    id: &ResidentId,
    details: CitizenDetails,
) -> Result<CitizenRow, AppError> {
    let at_rest = ctx.ids.at_rest(id);
    let already = || {
        Refusal::new(
            Rule::AlreadyExists,
            "id",
            format!("citizen {id} is already registered"),
        )
    };
    // The unique index finds a registered id as the row goes in; a duplicate is also the
    // first thing said when the birth date does not match the id either.
    if let Err(refused) =
        crate::domain::citizen::check_birth_against_id(id.as_str(), &details.birth_date)
    {
        return match vaccination::citizen_by_lookup(ctx.conn, &at_rest.lookup)? {
            Some(_) => Err(already().into()),
            None => Err(refused.into()),
        };
    }
    match register_unknown_citizen(ctx, s, id, at_rest, details) {
        Err(AppError::Store(StoreError::Sql(e))) if vaccination::is_registered_id(&e) => {
            Err(already().into())
        }
        other => other,
    }
}

/// Registers a citizen the caller has just looked up by `at_rest.lookup` and not found (an
/// import looks every row up anyway); the unique lookup index still refuses a duplicate.
/// Returns the row as stored.
pub fn register_unknown_citizen(
    ctx: &Ctx<'_>,
    s: &Stamp,
    id: &ResidentId,
    at_rest: SealedId,
    details: CitizenDetails,
) -> Result<CitizenRow, AppError> {
    crate::domain::citizen::check_birth_against_id(id.as_str(), &details.birth_date)?;
    let citizen = vaccination::insert_citizen(
        ctx.conn,
        &at_rest,
        &details,
        &s.at_str(),
        &s.actor,
        ctx.terms,
    )?;
    let row = CitizenRow {
        id: citizen,
        masked_id: at_rest.masked,
        sealed_id: at_rest.sealed,
        id_lookup: at_rest.lookup,
        details,
    };
    emit(ctx, s, &Event::CitizenRegistered(citizen_facts(&row)))?;
    Ok(row)
}

/// Changes a citizen's details. `citizen` is the row as the caller last read it (as the edit
/// form showed it): when the stored details differ from it now, another desk changed them
/// meanwhile and the change is refused, so nobody overwrites what they never saw.
pub fn update_citizen(
    ctx: &Ctx<'_>,
    s: &Stamp,
    citizen: &CitizenRow,
    details: CitizenDetails,
) -> Result<(), AppError> {
    let current = vaccination::citizen(ctx.conn, citizen.id)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "citizen",
            "this citizen is no longer registered",
        )
    })?;
    if current.details != citizen.details {
        return Err(Refusal::new(
            Rule::Stale,
            "citizen",
            format!(
                "{}'s details were changed at another desk meanwhile; nothing was done",
                citizen.details.display_name()
            ),
        )
        .into());
    }
    if details == citizen.details {
        return Ok(());
    }
    // The masked id keeps the birth date and century digit the rule needs.
    crate::domain::citizen::check_birth_against_id(&citizen.masked_id, &details.birth_date)?;
    if ctx.terms == vaccination::TermWrites::Deferred {
        // The citizen's keys may still wait in the temporary table: write them all first.
        vaccination::flush_search_terms(ctx.conn)?;
    }
    vaccination::update_citizen(ctx.conn, citizen.id, &details, &s.at_str(), &s.actor)?;
    let row = CitizenRow {
        details,
        ..citizen.clone()
    };
    emit(ctx, s, &Event::CitizenUpdated(citizen_facts(&row)))?;
    Ok(())
}

/// Records an injection (rule 7); a second live injection with the same dose is refused.
pub fn record_injection(
    ctx: &Ctx<'_>,
    s: &Stamp,
    citizen: &CitizenRow,
    details: InjectionDetails,
) -> Result<i64, AppError> {
    let dose = details.dose;
    // The unique index of live doses finds a taken dose as the row goes in (after the
    // details' own checks, as a lookup first did).
    match record_unknown_injection(ctx, s, citizen, details) {
        Err(AppError::Store(StoreError::Sql(e))) if vaccination::is_live_dose_taken(&e) => {
            Err(Refusal::new(
                Rule::AlreadyExists,
                "dose",
                format!(
                    "{} already has an injection dose {dose}; edit or void it instead",
                    citizen.masked_id
                ),
            )
            .into())
        }
        other => other,
    }
}

/// Records an injection whose dose the caller has just looked up and not found live (an
/// import looks every row up anyway); the unique live-dose index still refuses a duplicate.
pub fn record_unknown_injection(
    ctx: &Ctx<'_>,
    s: &Stamp,
    citizen: &CitizenRow,
    details: InjectionDetails,
) -> Result<i64, AppError> {
    details.check(ctx.catalogue, s.today())?;
    let id = vaccination::insert_injection(ctx.conn, citizen.id, &details, &s.at_str(), &s.actor)?;
    emit(
        ctx,
        s,
        &Event::InjectionRecorded(injection_facts(id, citizen.id, &details, 1)),
    )?;
    Ok(id)
}

fn check_version(row: &InjectionRow, expected: Option<i64>) -> Result<(), Refusal> {
    match expected {
        Some(v) if v != row.version => Err(stale(row)),
        _ => Ok(()),
    }
}

fn stale(row: &InjectionRow) -> Refusal {
    Refusal::new(
        Rule::Stale,
        "version",
        format!(
            "injection dose {} was changed at another desk meanwhile; nothing was done",
            row.details.dose
        ),
    )
}

/// Corrects an injection; returns its new version. An APPLIED application for it is rejected
/// by the applying policy when it is no longer ADMINISTERED.
pub fn update_injection(
    ctx: &Ctx<'_>,
    s: &Stamp,
    row: &InjectionRow,
    expected_version: Option<i64>,
    details: InjectionDetails,
) -> Result<i64, AppError> {
    if row.details.status == InjectionStatus::Voided {
        return Err(Refusal::new(
            Rule::State,
            "status",
            format!(
                "injection dose {} is voided and cannot be changed",
                row.details.dose
            ),
        )
        .into());
    }
    check_version(row, expected_version)?;
    if details == row.details {
        return Ok(row.version);
    }
    details.check(ctx.catalogue, s.today())?;
    if details.dose != row.details.dose
        && vaccination::live_injection(ctx.conn, row.citizen_id, details.dose)?.is_some()
    {
        return Err(Refusal::new(
            Rule::AlreadyExists,
            "dose",
            format!("the citizen already has an injection dose {}", details.dose),
        )
        .into());
    }
    let version = vaccination::update_injection(
        ctx.conn,
        row.id,
        row.version,
        &details,
        &s.at_str(),
        &s.actor,
    )?
    .ok_or_else(|| stale(row))?;
    emit(
        ctx,
        s,
        &Event::InjectionUpdated(injection_facts(row.id, row.citizen_id, &details, version)),
    )?;
    Ok(version)
}

/// Voids an injection with a reason; its APPLIED application is rejected by policy.
pub fn void_injection(
    ctx: &Ctx<'_>,
    s: &Stamp,
    row: &InjectionRow,
    expected_version: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    let reason = text::required("reason", reason, text::TEXT_MAX)?;
    if row.details.status == InjectionStatus::Voided {
        return Err(Refusal::new(
            Rule::State,
            "status",
            format!("injection dose {} is already voided", row.details.dose),
        )
        .into());
    }
    check_version(row, expected_version)?;
    let version = vaccination::void_injection(
        ctx.conn,
        row.id,
        row.version,
        &reason,
        &s.at_str(),
        &s.actor,
    )?
    .ok_or_else(|| stale(row))?;
    emit(
        ctx,
        s,
        &Event::InjectionVoided {
            injection: row.id,
            citizen: row.citizen_id,
            dose: row.details.dose,
            reason,
            version,
        },
    )?;
    Ok(())
}

/// A citizen applies for a certificate for their own ADMINISTERED injection (rules 1, 2).
pub fn apply(
    ctx: &Ctx<'_>,
    s: &Stamp,
    citizen: &CitizenRow,
    injection_id: i64,
) -> Result<i64, AppError> {
    let injection = vaccination::injection(ctx.conn, injection_id)?
        .filter(|i| i.citizen_id == citizen.id)
        .ok_or_else(|| {
            Refusal::new(
                Rule::OwnAdministeredInjection,
                "injection",
                format!(
                    "injection {injection_id} is not an injection of {}",
                    citizen.masked_id
                ),
            )
        })?;
    let d = &injection.details;
    if d.status != InjectionStatus::Administered {
        return Err(Refusal::new(
            Rule::OwnAdministeredInjection,
            "injection",
            format!(
                "injection dose {} of {} is {}, not administered",
                d.dose,
                citizen.masked_id,
                d.status.lower()
            ),
        )
        .into());
    }
    if let Some(active) = applying::active_for_injection(ctx.conn, injection.id)? {
        return Err(Refusal::new(
            Rule::OneActiveApplication,
            "injection",
            format!(
                "injection dose {} of {} already has an application that is {}",
                d.dose, citizen.masked_id, active.status
            ),
        )
        .into());
    }
    let id = applying::insert(ctx.conn, citizen.id, injection.id, &s.at_str(), &s.actor)?;
    let seq = emit(
        ctx,
        s,
        &Event::ApplicationSubmitted {
            application: id,
            citizen: citizen.id,
            injection: injection.id,
            product: d.product.clone(),
            dose: d.dose,
            series: d.series,
            date: d.date.format("%Y-%m-%d").to_string(),
        },
    )?;
    applying::set_submitted_seq(ctx.conn, id, seq)?;
    Ok(id)
}

fn own_application(
    ctx: &Ctx<'_>,
    citizen: &CitizenRow,
    application_id: i64,
) -> Result<ApplicationRow, AppError> {
    applying::application(ctx.conn, application_id)?
        .filter(|a| a.citizen_id == citizen.id)
        .ok_or_else(|| {
            Refusal::new(
                Rule::NotFound,
                "application",
                format!(
                    "application {application_id} of {} not found",
                    citizen.masked_id
                ),
            )
            .into()
        })
}

/// A citizen cancels their application while it is APPLIED and its request still PENDING
/// (rules 3 and 4: checked here, synchronously, against the issuer's queue).
pub fn cancel(
    ctx: &Ctx<'_>,
    s: &Stamp,
    citizen: &CitizenRow,
    application_id: i64,
) -> Result<(), AppError> {
    let app = own_application(ctx, citizen, application_id)?;
    app.status.check_cancel()?;
    if let Some(req) = issuance::request_for_application(ctx.conn, app.id)?
        && req.status != RequestStatus::Pending
    {
        return Err(Refusal::new(
            Rule::CancelOnlyApplied,
            "application",
            format!(
                "the issuer has already handled this application (request {}); it can no longer be cancelled and nothing was done",
                req.status
            ),
        )
        .into());
    }
    applying::close(
        ctx.conn,
        app.id,
        ApplicationStatus::Cancelled,
        None,
        None,
        &s.at_str(),
        &s.actor,
    )?;
    emit(
        ctx,
        s,
        &Event::ApplicationCancelled {
            application: app.id,
            citizen: app.citizen_id,
            injection: app.injection_id,
        },
    )?;
    Ok(())
}

/// Loads an application the issuer may act on: APPLIED, with a PENDING request (rule 4).
fn issuable(ctx: &Ctx<'_>, application_id: i64) -> Result<ApplicationRow, AppError> {
    let app = applying::application(ctx.conn, application_id)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "application",
            format!("application {application_id} not found"),
        )
    })?;
    app.status.check_issue()?;
    match issuance::request_for_application(ctx.conn, app.id)? {
        Some(r) if r.status == RequestStatus::Pending => Ok(app),
        Some(r) => Err(Refusal::new(
            Rule::IssueOnlyPending,
            "application",
            format!(
                "the request for this application is {}, not PENDING",
                r.status
            ),
        )
        .into()),
        None => Err(Refusal::new(
            Rule::IssueOnlyPending,
            "application",
            "the application has not reached the issuer's queue yet (issuance is delayed)",
        )
        .into()),
    }
}

/// Unique part of certificate ids: a per-database desk tag and a counter never reused.
fn certificate_unique(ctx: &Ctx<'_>) -> Result<String, AppError> {
    let tag: String = ctx.conn.query_row(
        "INSERT INTO desk_meta (key, value)
         VALUES ('desk_tag', upper(substr(hex(randomblob(4)), 1, 8)))
         ON CONFLICT (key) DO UPDATE SET value = value
         RETURNING value",
        [],
        |r| r.get(0),
    )?;
    let n = issuance::next_certificate_number(ctx.conn)?;
    Ok(format!("VXD{tag}{n:08}"))
}

/// The issuer issues a certificate; the application becomes ISSUED through the policy.
pub fn issue(ctx: &Ctx<'_>, s: &Stamp, application_id: i64) -> Result<Uvci, AppError> {
    let app = issuable(ctx, application_id)?;
    let signer = ctx.signer.ok_or_else(|| {
        Refusal::new(
            Rule::State,
            "key",
            "this desk has no signing key: create one with `vaxdesk keys init` (or import one with `vaxdesk keys import`)",
        )
    })?;
    let injection = vaccination::injection(ctx.conn, app.injection_id)?
        .filter(|i| i.details.status == InjectionStatus::Administered)
        .ok_or_else(|| {
            Refusal::new(
                Rule::IssueOnlyPending,
                "injection",
                "the injection is no longer administered; the application will be rejected",
            )
        })?;
    let uvci = Uvci::new(&ctx.config.country, &certificate_unique(ctx)?);
    let issued_at = s.at_str();
    // Valid for the configured days, never past the signer certificate's end.
    let expires = (s.at + Duration::days(i64::from(ctx.config.certificate_validity_days)))
        .min(signer.not_after());
    if expires <= s.at {
        return Err(Refusal::new(
            Rule::State,
            "key",
            "the signing certificate has expired: start a new signer with `vaxdesk keys rotate`",
        )
        .into());
    }
    let expires_at = crate::domain::clock::stamp(expires);
    let citizen = vaccination::citizen(ctx.conn, app.citizen_id)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "citizen",
            "the citizen is no longer registered",
        )
    })?;
    let product = ctx
        .catalogue
        .get(&injection.details.product)
        .ok_or_else(|| Refusal::injection("product", "product: not in the vaccine catalogue"))?;
    let dcc = crate::cert::dcc::vaccination(
        &citizen.details,
        &injection.details,
        product,
        &ctx.config.issuer,
        uvci.as_str(),
    );
    let claims = crate::cert::cose::cwt_claims(
        &ctx.config.country,
        s.at.timestamp(),
        expires.timestamp(),
        &dcc,
    )
    .map_err(AppError::Certificate)?;
    let payload = crate::cert::hc1::encode(&signer.sign_claims(claims));
    let key_id = signer.kid_hex();
    issuance::insert_certificate(
        ctx.conn,
        &NewCertificate {
            uvci: uvci.as_str(),
            application_id: app.id,
            injection_id: injection.id,
            citizen_id: app.citizen_id,
            issued_at: &issued_at,
            expires_at: &expires_at,
            issuer: &ctx.config.issuer,
            issued_by: &s.actor,
            key_id: &key_id,
            payload: &payload,
        },
    )?;
    issuance::close_request(
        ctx.conn,
        app.id,
        RequestStatus::Issued,
        None,
        &issued_at,
        &s.actor,
    )?;
    emit(
        ctx,
        s,
        &Event::CertificateIssued {
            certificate: uvci.as_str().to_string(),
            application: app.id,
            citizen: app.citizen_id,
            injection: injection.id,
            issued_at,
            expires_at,
            issuer: ctx.config.issuer.clone(),
            payload: Some(payload),
            key_id: Some(key_id),
        },
    )?;
    Ok(uvci)
}

/// What an issuer saw before issuing or rejecting (the confirm dialog's target): the command
/// refuses, in its own transaction, when the application, its injection or its holder is no
/// longer what was shown, so `y` never acts on something nobody reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    pub application: i64,
    /// The injection's version when it was shown.
    pub injection_version: i64,
    /// The holder's name and date of birth as shown.
    pub name: String,
    pub birth_date: String,
}

/// Refuses with what happened when the application moved on or changed since it was shown.
fn check_reviewed(ctx: &Ctx<'_>, r: &Reviewed) -> Result<(), AppError> {
    let meanwhile = |what: String| -> AppError {
        Refusal::new(
            Rule::Stale,
            "application",
            format!("{what} meanwhile; nothing was done"),
        )
        .into()
    };
    let app = applying::application(ctx.conn, r.application)?
        .ok_or_else(|| meanwhile(format!("{}'s application was removed", r.name)))?;
    let request = issuance::request_for_application(ctx.conn, app.id)?;
    let by = request
        .as_ref()
        .and_then(|q| q.closed_by.as_deref())
        .map_or_else(
            || " at another desk".to_string(),
            |b| format!(" at another desk (by {b})"),
        );
    let name = &r.name;
    match (app.status, request.as_ref().map(|q| q.status)) {
        (ApplicationStatus::Applied, Some(RequestStatus::Pending)) => {}
        (ApplicationStatus::Cancelled, _) | (_, Some(RequestStatus::Withdrawn)) => {
            return Err(meanwhile(format!("{name} cancelled the application")));
        }
        (ApplicationStatus::Issued, _) | (_, Some(RequestStatus::Issued)) => {
            return Err(meanwhile(format!("{name}'s application was issued{by}")));
        }
        (ApplicationStatus::Rejected, _) | (_, Some(RequestStatus::Rejected)) => {
            return Err(meanwhile(format!("{name}'s application was rejected{by}")));
        }
        (_, None) => {
            return Err(meanwhile(format!(
                "{name}'s application left the issuer's queue"
            )));
        }
    }
    let injection = vaccination::injection(ctx.conn, app.injection_id)?;
    if injection.as_ref().map(|i| i.version) != Some(r.injection_version) {
        return Err(meanwhile(format!(
            "{name}'s injection was changed at another desk"
        )));
    }
    let holder = vaccination::citizen(ctx.conn, app.citizen_id)?;
    let shown = holder
        .as_ref()
        .map(|c| (c.details.display_name(), c.details.birth_date.to_string()));
    if shown != Some((r.name.clone(), r.birth_date.clone())) {
        return Err(meanwhile(format!(
            "{name}'s details were changed at another desk"
        )));
    }
    Ok(())
}

/// Issues exactly the application the issuer reviewed (see [`Reviewed`]).
pub fn issue_reviewed(ctx: &Ctx<'_>, s: &Stamp, r: &Reviewed) -> Result<Uvci, AppError> {
    check_reviewed(ctx, r)?;
    issue(ctx, s, r.application)
}

/// Rejects exactly the application the issuer reviewed (see [`Reviewed`]).
pub fn reject_reviewed(
    ctx: &Ctx<'_>,
    s: &Stamp,
    r: &Reviewed,
    reason: &str,
) -> Result<(), AppError> {
    let reason = text::required("reason", reason, text::TEXT_MAX)?;
    check_reviewed(ctx, r)?;
    reject(ctx, s, r.application, &reason)
}

/// The issuer rejects an application with a reason.
pub fn reject(ctx: &Ctx<'_>, s: &Stamp, application_id: i64, reason: &str) -> Result<(), AppError> {
    let reason = text::required("reason", reason, text::TEXT_MAX)?;
    let app = issuable(ctx, application_id)?;
    issuance::close_request(
        ctx.conn,
        app.id,
        RequestStatus::Rejected,
        Some(&reason),
        &s.at_str(),
        &s.actor,
    )?;
    emit(
        ctx,
        s,
        &Event::ApplicationRejected {
            application: app.id,
            citizen: app.citizen_id,
            injection: app.injection_id,
            reason,
        },
    )?;
    Ok(())
}

/// The issuer revokes an issued certificate with a reason. The certificate stays on record;
/// the status view shows it REVOKED and `verify` on this desk refuses it.
pub fn revoke(ctx: &Ctx<'_>, s: &Stamp, uvci: &str, reason: &str) -> Result<(), AppError> {
    let reason = text::required("reason", reason, text::TEXT_MAX)?;
    let cert = issuance::certificate(ctx.conn, uvci)?.ok_or_else(|| {
        Refusal::new(
            Rule::NotFound,
            "certificate",
            format!("certificate {uvci} was not issued by this desk"),
        )
    })?;
    if cert.revoked_at.is_some() {
        return Err(Refusal::new(
            Rule::State,
            "certificate",
            format!("certificate {uvci} is already revoked"),
        )
        .into());
    }
    issuance::revoke(ctx.conn, uvci, &reason, &s.at_str(), &s.actor)?;
    emit(
        ctx,
        s,
        &Event::CertificateRevoked {
            certificate: uvci.to_string(),
            application: cert.application_id,
            citizen: cert.citizen_id,
            injection: cert.injection_id,
            reason,
        },
    )?;
    Ok(())
}
