//! The manager's forms: register a citizen, record or edit an injection, void one. Each
//! submit parses what was typed with the domain's own checks, so a refusal names the field it
//! belongs to and the form shows it beside that field, keeping everything typed.

use crate::app::manage::{self, CitizenRow, InjectionRow, NewCitizen};
use crate::app::{AppError, Desk};
use crate::domain::{
    BirthDate, Catalogue, CitizenDetails, InjectionDetails, InjectionStatus, Refusal, ResidentId,
    icao, injection, text,
};
use crate::i18n::tui::manager as t;
use crate::i18n::{Lang, common};
use crate::tui::widgets::field::Shown;
use crate::tui::widgets::form::{Form, FormField};

/// The staff account, or the citizen's id at the kiosk, to unlock.
pub fn unlock_staff(lang: Lang) -> Form {
    Form::new(
        t::UNLOCK_FORM.get(lang),
        vec![FormField::text("name", t::NAME_OR_ID.get(lang), "", 40)],
    )
    .in_lang(lang)
}

pub fn register(lang: Lang) -> Form {
    let mut birth = FormField::text("birth_date", t::DATE_OF_BIRTH.get(lang), "", 10);
    birth.placeholder = Some(t::DATE_FORMATS.get(lang).into());
    let mut id = FormField::text("id", t::RESIDENT_ID.get(lang), "", 32).shown(Shown::ResidentId);
    id.placeholder = Some(t::RESIDENT_ID_HINT.get(lang).into());
    Form::new(
        t::REGISTER_FORM.get(lang),
        vec![id]
            .into_iter()
            .chain(name_fields(lang, "", "", "", ""))
            .chain([birth])
            .collect(),
    )
    .in_lang(lang)
}

/// The names and their machine-readable forms, with the ICAO 9303 rule for one name stated
/// where it applies: a person with one name has it as the family name.
fn name_fields(
    lang: Lang,
    family: &str,
    given: &str,
    family_icao: &str,
    given_icao: &str,
) -> Vec<FormField> {
    let mut family = FormField::text("family_name", t::FAMILY_NAME.get(lang), family, 80);
    family.placeholder = Some(t::FAMILY_HINT.get(lang).into());
    let mut given = FormField::text("given_name", t::GIVEN_NAME.get(lang), given, 80);
    given.placeholder = Some(t::GIVEN_HINT.get(lang).into());
    vec![
        family,
        given,
        FormField::text("family_name_icao", t::FAMILY_MRZ.get(lang), family_icao, 80),
        FormField::text("given_name_icao", t::GIVEN_MRZ.get(lang), given_icao, 80),
    ]
}

/// The name fields and the machine-readable field each suggests.
const NAME_PAIRS: [(&str, &str); 2] = [
    ("family_name", "family_name_icao"),
    ("given_name", "given_name_icao"),
];

fn suggestion(name_key: &str, name: &str) -> String {
    let name = text::clean(name);
    if name_key == "family_name" {
        icao::family_name(&name)
    } else {
        icao::given_name(&name)
    }
}

/// Keeps each machine-readable name in step with its name: when the name `changed`, its
/// machine-readable form follows it (back to what it was when the name is back to what it
/// was) unless the manager typed it by hand. A hand-typed one stays, with a note; emptied, it
/// takes the suggestion on save and follows the name again.
pub fn suggest_icao(form: &mut Form, changed: &str) {
    let lang = form.lang;
    for (name_key, icao_key) in NAME_PAIRS {
        let name = form.value(name_key);
        let s = suggestion(name_key, &name);
        let hand = form
            .field(icao_key)
            .is_some_and(|f| f.edited && !f.value().trim().is_empty());
        if !hand && name_key == changed {
            let follow = if name == form.initial(name_key) {
                form.initial(icao_key)
            } else {
                s.clone()
            };
            form.suggest(icao_key, &follow);
        }
        let value = form.value(icao_key);
        if let Some(f) = form.field_mut(icao_key) {
            f.placeholder = (!s.is_empty()).then(|| format!("{s} {}", t::SUGGESTED.get(lang)));
            f.note =
                (hand && !s.is_empty() && icao::validate(icao_key, &value).ok() != Some(s.clone()))
                    .then(|| t::typed_by_hand(lang, &s));
        }
    }
}

/// Notes under the name fields what cleaning removed (a pasted control or bidi character).
fn note_cleaning(form: &mut Form, key: &str) {
    let lang = form.lang;
    let value = form.value(key);
    if let Some(f) = form.field_mut(key) {
        // The domain says it in English; the form says it in its own language.
        f.note = text::cleaning_note(&value).map(|_| t::CLEANED.get(lang).to_string());
    }
}

/// What a changed field does to the others: names re-suggest their machine-readable forms
/// and note their cleaning; the product and the dose re-suggest the series until it is typed.
pub fn changed(form: &mut Form, key: &str, catalogue: &Catalogue, series_typed: &mut bool) {
    match key {
        "family_name" | "given_name" => {
            note_cleaning(form, key);
            suggest_icao(form, key);
        }
        "family_name_icao" | "given_name_icao" => suggest_icao(form, key),
        "series" => *series_typed = true,
        "product" | "dose" if !*series_typed => follow_series(form, catalogue),
        _ => {}
    }
}

fn optional(v: &str) -> Option<&str> {
    let v = v.trim();
    (!v.is_empty()).then_some(v)
}

/// The citizen's details as typed in the register or edit form; an empty MRZ field takes
/// the suggestion.
fn citizen_details(form: &Form, desk: &Desk, actor: &str) -> Result<CitizenDetails, Refusal> {
    let today = desk.stamp(actor).today();
    let birth = BirthDate::parse("birth_date", &form.value("birth_date"), today)?;
    CitizenDetails::new(
        &form.value("family_name"),
        &form.value("given_name"),
        optional(&form.value("family_name_icao")),
        optional(&form.value("given_name_icao")),
        birth,
    )
}

pub fn submit_register(desk: &Desk, form: &Form, actor: &str) -> Result<(i64, String), AppError> {
    let id = ResidentId::parse("id", &form.value("id"))?;
    let details = citizen_details(form, desk, actor)?;
    let name = details.display_name();
    let citizen = manage::register_citizen(desk, actor, NewCitizen { id, details })?;
    Ok((citizen, name))
}

/// The vaccine picker's options, `(code, label)` by label, and the words typing matches in
/// each: name, Korean name, product code and manufacturer.
fn products(lang: Lang, catalogue: &Catalogue) -> (Vec<(String, String)>, Vec<String>) {
    let mut list: Vec<(String, String, String)> = catalogue
        .products()
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                match (lang, &p.name_ko) {
                    (Lang::Ko, Some(ko)) => format!("{ko} · {} — {}", p.name, p.code),
                    _ => format!("{} — {}", p.label(), p.code),
                },
                p.keywords(),
            )
        })
        .collect();
    list.sort_by_key(|p| p.1.to_lowercase());
    list.into_iter().map(|(c, l, k)| ((c, l), k)).unzip()
}

/// The statuses a form may set (voiding has its own question).
const STATUSES: [InjectionStatus; 2] = [InjectionStatus::Administered, InjectionStatus::Scheduled];

fn statuses(lang: Lang) -> Vec<(String, String)> {
    STATUSES
        .iter()
        .map(|s| {
            let label = match lang {
                Lang::En => s.lower(),
                Lang::Ko => common::injection_status(lang, *s),
            };
            (s.lower().to_string(), label.to_string())
        })
        .collect()
}

/// The record/edit form, prefilled from `from` (edit) or with defaults (record).
pub fn injection(
    desk: &Desk,
    citizen: &CitizenRow,
    from: Option<&InjectionRow>,
    next_dose: u32,
    today: &str,
    lang: Lang,
) -> Form {
    let catalogue = desk.catalogue();
    let (list, keywords) = products(lang, catalogue);
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
            let series = catalogue.get(&first).map_or(2, |p| p.series_for(next_dose));
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
    let status_index = STATUSES.iter().position(|s| *s == status).unwrap_or(0);
    let title = match from {
        Some(r) => t::edit_dose_title(lang, r.details.dose, &citizen.details.display_name()),
        None => t::record_title(lang, &citizen.details.display_name()),
    };
    Form::new(
        title,
        vec![
            FormField::choice("product", t::F_VACCINE.get(lang), list, selected).keywords(keywords),
            FormField::text("dose", t::F_DOSE.get(lang), &dose, 2),
            FormField::text("series", t::F_SERIES.get(lang), &series, 2),
            FormField::text("date", t::F_DATE.get(lang), &date, 10),
            FormField::text("lot", t::F_LOT.get(lang), &lot, 40),
            FormField::text("centre", t::F_CENTRE.get(lang), &centre, 120),
            FormField::choice(
                "status",
                t::F_STATUS.get(lang),
                statuses(lang),
                status_index,
            ),
            FormField::text("country", t::F_COUNTRY.get(lang), &country, 2),
        ],
    )
    .in_lang(lang)
}

/// After the product or the dose changed: the series follows the catalogue
/// ([`crate::domain::Product::series_for`], as seed files do) unless it was typed by hand.
pub fn follow_series(form: &mut Form, catalogue: &Catalogue) {
    let product = form.value("product");
    let Ok(dose) = form.value("dose").trim().parse::<u32>() else {
        return;
    };
    if let Some(p) = catalogue.get(&product) {
        form.suggest("series", &p.series_for(dose.max(1)).to_string());
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
        country: injection::country(&form.value("country"))?,
        centre: text::optional("centre", &form.value("centre"), 120)?,
        status: match form.value("status").parse() {
            Ok(InjectionStatus::Scheduled) => InjectionStatus::Scheduled,
            _ => InjectionStatus::Administered,
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
    manage::record_injection(desk, actor, citizen, d)?;
    Ok(dose)
}

pub fn submit_edit(
    desk: &Desk,
    form: &Form,
    row: &InjectionRow,
    actor: &str,
) -> Result<u32, AppError> {
    let d = details(form)?;
    let dose = d.dose;
    manage::correct_injection(desk, actor, row, d)?;
    Ok(dose)
}

pub fn void(dose: u32, lang: Lang) -> Form {
    Form::new(
        t::void_title(lang, dose),
        vec![FormField::text("reason", t::F_REASON.get(lang), "", 200)],
    )
    .in_lang(lang)
}

/// The edit form of a registered citizen: names, their machine-readable forms, birth date.
pub fn edit_citizen(citizen: &CitizenRow, lang: Lang) -> Form {
    let d = &citizen.details;
    let birth_date = d.birth_date.to_string();
    let mut birth = FormField::text("birth_date", t::DATE_OF_BIRTH.get(lang), &birth_date, 10);
    birth.placeholder = Some(t::DATE_FORMATS.get(lang).into());
    let mut form = Form::new(
        t::edit_citizen_title(lang, &d.display_name()),
        name_fields(
            lang,
            &d.family_name,
            &d.given_name,
            &d.family_name_icao,
            &d.given_name_icao,
        )
        .into_iter()
        .chain([birth])
        .collect(),
    )
    .in_lang(lang);
    suggest_icao(&mut form, "");
    form
}

pub fn submit_edit_citizen(
    desk: &Desk,
    form: &Form,
    citizen: &CitizenRow,
    actor: &str,
) -> Result<(), AppError> {
    let details = citizen_details(form, desk, actor)?;
    manage::update_citizen(desk, actor, citizen, details)
}
