//! The manager's forms: register a citizen, record or edit an injection, void one. Each
//! submit parses what was typed with the domain's own checks, so a refusal names the field it
//! belongs to and the form shows it beside that field, keeping everything typed.

use crate::app::{AppError, Desk, commands};
use crate::domain::{
    BirthDate, Catalogue, CitizenDetails, InjectionDetails, InjectionStatus, Refusal, ResidentId,
    icao, injection, text,
};
use crate::store::vaccination::{CitizenRow, InjectionRow};
use crate::tui::widgets::field::Shown;
use crate::tui::widgets::form::{Form, FormField};

/// The staff account, or the citizen's id at the kiosk, to unlock.
pub fn unlock_staff() -> Form {
    Form::new(
        "Unlock a staff account or a kiosk id",
        vec![FormField::text("name", "Name or id", "", 40)],
    )
}

pub fn register() -> Form {
    let mut birth = FormField::text("birth_date", "Date of birth", "", 10);
    birth.placeholder = Some("YYYY-MM-DD, YYYY-MM or YYYY".into());
    let mut id = FormField::text("id", "Resident id", "", 32).shown(Shown::ResidentId);
    id.placeholder = Some("YYMMDD-NNNNNNN or a passport number".into());
    Form::new(
        "Register citizen",
        vec![
            id,
            FormField::text("family_name", "Family name", "", 80),
            FormField::text("given_name", "Given name", "", 80),
            FormField::text("family_name_icao", "Family (MRZ)", "", 80),
            FormField::text("given_name_icao", "Given (MRZ)", "", 80),
            birth,
        ],
    )
}

/// Shows the suggested machine-readable names in the empty MRZ fields as the names change.
pub fn suggest_icao(form: &mut Form) {
    let family = icao::family_name(&text::clean(&form.value("family_name")));
    let given = icao::given_name(&text::clean(&form.value("given_name")));
    for (key, s) in [("family_name_icao", family), ("given_name_icao", given)] {
        if let Some(f) = form.field_mut(key) {
            f.placeholder = (!s.is_empty()).then(|| format!("{s} (suggested)"));
        }
    }
}

fn optional(v: &str) -> Option<&str> {
    let v = v.trim();
    (!v.is_empty()).then_some(v)
}

/// The citizen's details as typed in the register or edit form; an empty MRZ field takes
/// the suggestion.
fn citizen_details(form: &Form, s: &crate::app::Stamp) -> Result<CitizenDetails, Refusal> {
    let birth = BirthDate::parse("birth_date", &form.value("birth_date"), s.today())?;
    CitizenDetails::new(
        &form.value("family_name"),
        &form.value("given_name"),
        optional(&form.value("family_name_icao")),
        optional(&form.value("given_name_icao")),
        birth,
    )
}

pub fn submit_register(desk: &Desk, form: &Form, actor: &str) -> Result<(i64, String), AppError> {
    let s = desk.stamp(actor);
    let id = ResidentId::parse("id", &form.value("id"))?;
    let details = citizen_details(form, &s)?;
    let name = details.display_name();
    let citizen = desk.command(&s, "register citizen", None, |ctx| {
        commands::register_citizen(ctx, &s, &id, details)
    })?;
    Ok((citizen, name))
}

fn products(catalogue: &Catalogue) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = catalogue
        .products()
        .iter()
        .map(|p| (p.code.clone(), format!("{} — {}", p.name, p.code)))
        .collect();
    list.sort_by_key(|p| p.1.to_lowercase());
    list
}

fn statuses() -> Vec<(String, String)> {
    vec![
        ("administered".into(), "administered".into()),
        ("scheduled".into(), "scheduled".into()),
    ]
}

/// The record/edit form, prefilled from `from` (edit) or with defaults (record).
pub fn injection(
    desk: &Desk,
    citizen: &CitizenRow,
    from: Option<&InjectionRow>,
    next_dose: u32,
    today: &str,
) -> Form {
    let catalogue = desk.catalogue();
    let list = products(catalogue);
    let (product, dose, series, date, lot, centre, status, country) = match from {
        Some(r) => {
            let d = &r.details;
            (
                d.product.clone(),
                d.dose.to_string(),
                d.series.to_string(),
                d.date.to_string(),
                d.lot.clone().unwrap_or_default(),
                d.centre.clone().unwrap_or_default(),
                d.status,
                d.country.clone(),
            )
        }
        None => {
            let first = "EU/1/20/1528".to_string();
            let series = default_series(catalogue.get(&first).map_or(2, |p| p.series), next_dose);
            (
                first,
                next_dose.to_string(),
                series.to_string(),
                today.to_string(),
                String::new(),
                String::new(),
                InjectionStatus::Administered,
                desk.config().country.clone(),
            )
        }
    };
    let selected = list.iter().position(|p| p.0 == product).unwrap_or(0);
    let status_index = usize::from(status == InjectionStatus::Scheduled);
    let title = match from {
        Some(r) => format!(
            "Edit dose {} of {}",
            r.details.dose,
            citizen.details.display_name()
        ),
        None => format!("Record injection for {}", citizen.details.display_name()),
    };
    Form::new(
        title,
        vec![
            FormField::choice("product", "Vaccine", list, selected),
            FormField::text("dose", "Dose", &dose, 2),
            FormField::text("series", "Series of", &series, 2),
            FormField::text("date", "Date given", &date, 10),
            FormField::text("lot", "Lot", &lot, 40),
            FormField::text("centre", "Centre", &centre, 120),
            FormField::choice("status", "Status", statuses(), status_index),
            FormField::text("country", "Country", &country, 2),
        ],
    )
}

/// The series to suggest for a dose: the product's usual series, except that a booster after
/// a series of two or more counts in it (3/3, 4/4) while one after a one-dose series stays
/// `n/1` (2/1), as the EU encoding guidance does.
pub fn default_series(product_series: u32, dose: u32) -> u32 {
    if product_series == 1 {
        1
    } else {
        product_series.max(dose)
    }
}

/// After the product changed: the series follows the catalogue unless it was typed by hand.
pub fn follow_series(form: &mut Form, catalogue: &Catalogue) {
    let product = form.value("product");
    let dose = form.value("dose").trim().parse().unwrap_or(1);
    if let (Some(p), Some(f)) = (catalogue.get(&product), form.field_mut("series"))
        && let crate::tui::widgets::form::Input::Text(t) = &mut f.input
    {
        t.set(&default_series(p.series, dose).to_string());
    }
}

fn number(field: &'static str, raw: &str) -> Result<u32, Refusal> {
    let v: i64 = raw.trim().parse().map_err(|_| {
        Refusal::injection(
            field,
            format!("{field}: '{}' is not a whole number", raw.trim()),
        )
    })?;
    injection::count(field, v)
}

fn details(form: &Form) -> Result<InjectionDetails, Refusal> {
    Ok(InjectionDetails {
        product: form.value("product"),
        dose: number("dose", &form.value("dose"))?,
        series: number("series", &form.value("series"))?,
        date: injection::date("date", &form.value("date"))?,
        lot: injection::lot(&form.value("lot"))?,
        country: form.value("country").trim().to_ascii_uppercase(),
        centre: text::optional("centre", &form.value("centre"), 120)?,
        status: if form.value("status") == "scheduled" {
            InjectionStatus::Scheduled
        } else {
            InjectionStatus::Administered
        },
    })
}

pub fn submit_record(
    desk: &Desk,
    form: &Form,
    citizen: &CitizenRow,
    actor: &str,
) -> Result<u32, AppError> {
    let d = details(form)?;
    let dose = d.dose;
    let s = desk.stamp(actor);
    desk.command(&s, "record injection", Some(citizen.id), |ctx| {
        commands::record_injection(ctx, &s, citizen, d)
    })?;
    Ok(dose)
}

/// The injection as it is now, inside the command's transaction: the version the form was
/// opened with is then checked against it, so a change made meanwhile is refused.
fn reread(ctx: &crate::app::Ctx<'_>, row: &InjectionRow) -> Result<InjectionRow, AppError> {
    crate::store::vaccination::injection(ctx.conn, row.id)?.ok_or_else(|| {
        Refusal::new(
            crate::domain::Rule::NotFound,
            "injection",
            "this injection is gone",
        )
        .into()
    })
}

pub fn submit_edit(
    desk: &Desk,
    form: &Form,
    row: &InjectionRow,
    actor: &str,
) -> Result<u32, AppError> {
    let d = details(form)?;
    let dose = d.dose;
    let s = desk.stamp(actor);
    desk.command(&s, "correct injection", None, |ctx| {
        let current = reread(ctx, row)?;
        commands::update_injection(ctx, &s, &current, Some(row.version), d)
    })?;
    Ok(dose)
}

pub fn void(dose: u32) -> Form {
    Form::new(
        format!("Void dose {dose}"),
        vec![FormField::text("reason", "Reason", "", 200)],
    )
}

pub fn submit_void(
    desk: &Desk,
    reason: &str,
    row: &InjectionRow,
    actor: &str,
) -> Result<(), AppError> {
    let s = desk.stamp(actor);
    desk.command(&s, "void injection", None, |ctx| {
        let current = reread(ctx, row)?;
        commands::void_injection(ctx, &s, &current, Some(row.version), reason)
    })
}

/// The edit form of a registered citizen: names, their machine-readable forms, birth date.
pub fn edit_citizen(citizen: &CitizenRow) -> Form {
    let d = &citizen.details;
    let mut birth = FormField::text("birth_date", "Date of birth", &d.birth_date.to_string(), 10);
    birth.placeholder = Some("YYYY-MM-DD, YYYY-MM or YYYY".into());
    let mut form = Form::new(
        format!("Edit {}", d.display_name()),
        vec![
            FormField::text("family_name", "Family name", &d.family_name, 80),
            FormField::text("given_name", "Given name", &d.given_name, 80),
            FormField::text("family_name_icao", "Family (MRZ)", &d.family_name_icao, 80),
            FormField::text("given_name_icao", "Given (MRZ)", &d.given_name_icao, 80),
            birth,
        ],
    );
    suggest_icao(&mut form);
    form
}

pub fn submit_edit_citizen(
    desk: &Desk,
    form: &Form,
    citizen: &CitizenRow,
    actor: &str,
) -> Result<(), AppError> {
    let s = desk.stamp(actor);
    let details = citizen_details(form, &s)?;
    desk.command(&s, "update citizen", None, |ctx| {
        commands::update_citizen(ctx, &s, citizen, details)
    })
}
