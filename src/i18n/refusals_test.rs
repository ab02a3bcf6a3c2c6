//! Every refusal the domain gives, made by calling the domain with bad input, reads in Korean
//! without an English word of the message table (its values and field names aside).

use super::Lang;
use super::cli::refusal;
use crate::domain::citizen::check_birth_against_id;
use crate::domain::staff::{StaffName, StaffRole};
use crate::domain::{
    ApplicationStatus, BirthDate, Catalogue, CitizenDetails, InjectionDetails, InjectionStatus,
    Refusal, ResidentId, icao, injection, text,
};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// Words a Korean text keeps as they are: values a person types (statuses and roles of a seed
/// file, flags) and codes.
const KEPT: &[&str] = &[
    "administered",
    "scheduled",
    "manager",
    "issuer",
    "icao",
    "iso",
    "rfc",
    "covid",
    "hangul",
];

/// The English words of the message table (three letters or more, lower case), as
/// `tests/cli_korean.rs` counts them, less [`super::cli::KEPT_IN_KOREAN`] and [`KEPT`].
fn english_words() -> BTreeSet<String> {
    let kept: BTreeSet<String> = super::cli::KEPT_IN_KOREAN
        .iter()
        .chain(KEPT)
        .map(|w| w.to_lowercase())
        .collect();
    super::all()
        .flat_map(|(_, t)| words(t.en))
        .filter(|w| w.len() >= 3 && !kept.contains(w))
        .collect()
}

/// Lower-case ASCII words of `text`, leaving out tokens that are field names, paths or codes
/// (they hold `/`, `.`, `-`, `=`, `:` or `_`) and quoted values (`'...'`).
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|t| !t.contains(['/', '.', '-', '=', ':', '_', '\'']) || t.ends_with('.'))
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn details() -> InjectionDetails {
    InjectionDetails {
        product: "EU/1/20/1528".into(),
        dose: 1,
        series: 2,
        date: day(2021, 6, 1),
        lot: Some("FA1234".into()),
        country: "KR".into(),
        centre: None,
        status: InjectionStatus::Administered,
    }
}

/// One refusal of each kind the domain gives.
fn refusals() -> Vec<Refusal> {
    let today = day(2026, 11, 30);
    let catalogue = Catalogue::bundled();
    let injection = |change: &dyn Fn(&mut InjectionDetails)| {
        let mut d = details();
        change(&mut d);
        d.check(&catalogue, today).unwrap_err()
    };
    let birth = |raw: &str| BirthDate::parse("birth_date", raw, today).unwrap_err();
    let full = BirthDate::Full(day(1990, 1, 1));
    vec![
        text::no_controls("reason", "a\u{7}b").unwrap_err(),
        text::required("reason", " ", 10).unwrap_err(),
        text::required("reason", &"x".repeat(20), 10).unwrap_err(),
        injection(&|d| d.product = "EU/9/99/9999".into()),
        injection(&|d| d.dose = 0),
        injection(&|d| d.series = 0),
        injection(&|d| (d.dose, d.series) = (3, 2)),
        injection(&|d| d.status = InjectionStatus::Voided),
        injection(&|d| d.date = day(2027, 1, 1)),
        injection(&|d| d.lot = None),
        injection(&|d| d.date = day(2019, 1, 1)),
        injection::count("dose", 100).unwrap_err(),
        injection::date("date", "2021-02-30").unwrap_err(),
        injection::country("ZZ").unwrap_err(),
        ApplicationStatus::Issued.check_cancel().unwrap_err(),
        ApplicationStatus::Cancelled.check_issue().unwrap_err(),
        ResidentId::parse("id", " ").unwrap_err(),
        ResidentId::parse("id", "!!").unwrap_err(),
        birth("1990-13-45"),
        birth("1899"),
        birth("2999-01-01"),
        check_birth_against_id("900101-1234567", &BirthDate::Full(day(1991, 1, 1))).unwrap_err(),
        CitizenDetails::new("", "민준", None, None, full).unwrap_err(),
        CitizenDetails::new("★", "", None, None, full).unwrap_err(),
        icao::validate("family_name_icao", "KIM1").unwrap_err(),
        icao::validate("family_name_icao", &"A".repeat(100)).unwrap_err(),
        StaffRole::parse("role", "boss").unwrap_err(),
        StaffName::parse("name", "").unwrap_err(),
        StaffName::parse("name", &"a".repeat(100)).unwrap_err(),
        StaffName::parse("name", "kim nurse").unwrap_err(),
    ]
}

#[test]
fn every_domain_refusal_reads_in_korean() {
    let table = english_words();
    let mut found = vec![];
    for r in refusals() {
        let ko = refusal(Lang::Ko, &r);
        assert_eq!(refusal(Lang::En, &r), r.message);
        let english: Vec<String> = words(&ko)
            .into_iter()
            .filter(|w| table.contains(w))
            .collect();
        if !english.is_empty() {
            found.push(format!("{english:?} in {ko:?} (from {:?})", r.message));
        }
    }
    assert!(found.is_empty(), "English left:\n{}", found.join("\n"));
}
