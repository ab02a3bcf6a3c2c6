//! Injections: one dose given (or scheduled) to one citizen, and the rule 7 input checks.

use super::{Catalogue, Refusal, Rule, text};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InjectionStatus {
    Scheduled,
    Administered,
    Voided,
}

impl InjectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InjectionStatus::Scheduled => "SCHEDULED",
            InjectionStatus::Administered => "ADMINISTERED",
            InjectionStatus::Voided => "VOIDED",
        }
    }

    pub fn lower(self) -> &'static str {
        match self {
            InjectionStatus::Scheduled => "scheduled",
            InjectionStatus::Administered => "administered",
            InjectionStatus::Voided => "voided",
        }
    }
}

impl fmt::Display for InjectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InjectionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "SCHEDULED" => Ok(InjectionStatus::Scheduled),
            "ADMINISTERED" => Ok(InjectionStatus::Administered),
            "VOIDED" => Ok(InjectionStatus::Voided),
            _ => Err(format!(
                "'{s}' is not an injection status (administered or scheduled)"
            )),
        }
    }
}

/// The editable facts of an injection, checked as a whole (rule 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectionDetails {
    pub product: String,
    pub dose: u32,
    pub series: u32,
    pub date: NaiveDate,
    pub lot: Option<String>,
    pub country: String,
    pub centre: Option<String>,
    pub status: InjectionStatus,
}

impl InjectionDetails {
    /// Checks rule 7 against the catalogue and today's date.
    ///
    /// An ADMINISTERED injection has a lot and a date not after `today`; a SCHEDULED one may be
    /// booked ahead. Boosters are normal and count in the series: `3/3` follows `2/2`, and
    /// after a one-dose series they are written `n/1` (`2/1`); otherwise the dose never
    /// exceeds the series (`3/2` is refused).
    pub fn check(&self, catalogue: &Catalogue, today: NaiveDate) -> Result<(), Refusal> {
        if catalogue.get(&self.product).is_none() {
            return Err(Refusal::injection(
                "product",
                format!(
                    "product: '{}' is not in the vaccine catalogue",
                    self.product
                ),
            ));
        }
        if self.dose < 1 {
            return Err(Refusal::injection(
                "dose",
                "dose: must be a whole number ≥ 1",
            ));
        }
        if self.series < 1 {
            return Err(Refusal::injection(
                "series",
                "series: must be a whole number ≥ 1",
            ));
        }
        if self.dose > self.series && self.series != 1 {
            return Err(Refusal::injection(
                "series",
                format!(
                    "series: dose {} cannot be of a series of {}; a booster counts in the series ({}/{}), or is written {}/1 after a one-dose series",
                    self.dose, self.series, self.dose, self.dose, self.dose
                ),
            ));
        }
        if self.status == InjectionStatus::Voided {
            return Err(Refusal::new(
                Rule::State,
                "status",
                "status: an injection is voided with its own command and a reason",
            ));
        }
        if self.status == InjectionStatus::Administered {
            if self.date > today {
                return Err(Refusal::injection(
                    "date",
                    format!("date: {} is in the future", self.date),
                ));
            }
            if self.lot.is_none() {
                return Err(Refusal::injection(
                    "lot",
                    "lot: an administered injection needs a lot number",
                ));
            }
        }
        if self.date < NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(Refusal::injection(
                "date",
                format!("date: {} is before COVID-19 vaccines existed", self.date),
            ));
        }
        check_country(&self.country)?;
        Ok(())
    }
}

/// A dose or series number from input: a whole number ≥ 1.
pub fn count(field: &'static str, value: i64) -> Result<u32, Refusal> {
    if !(1..=99).contains(&value) {
        return Err(Refusal::injection(
            field,
            format!("{field}: {value} is not a whole number from 1 to 99"),
        ));
    }
    Ok(value as u32)
}

/// An injection date from input: `YYYY-MM-DD`, a real date.
pub fn date(field: &'static str, raw: &str) -> Result<NaiveDate, Refusal> {
    text::no_controls(field, raw)?;
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        Refusal::injection(
            field,
            format!("{field}: '{}' is not a real date (YYYY-MM-DD)", raw.trim()),
        )
    })
}

/// A lot number: up to 40 characters; a control character is refused, not removed.
pub fn lot(raw: &str) -> Result<Option<String>, Refusal> {
    text::no_controls("lot", raw)?;
    text::optional("lot", raw, 40)
}

/// A product code as typed (seed files): trimmed; a control character is refused.
pub fn product(raw: &str) -> Result<String, Refusal> {
    text::no_controls("product", raw)?;
    Ok(raw.trim().to_string())
}

/// A country code as typed: trimmed and upper-cased, then checked by [`check_country`].
pub fn country(raw: &str) -> Result<String, Refusal> {
    text::no_controls("country", raw)?;
    let code = raw.trim().to_ascii_uppercase();
    check_country(&code)?;
    Ok(code)
}

/// The ISO 3166 alpha-2 codes a certificate may name: the EU DCC value set `country-2-codes`.
const COUNTRIES: &str = include_str!("../../assets/countries.txt");

/// The English name of an ISO 3166 alpha-2 code in the value set.
pub fn country_name(code: &str) -> Option<&'static str> {
    // Read into a map once: every imported injection checks its country.
    static BY_CODE: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
        COUNTRIES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(' '))
            .collect()
    });
    BY_CODE.get(code).copied().filter(|_| code.len() == 2)
}

/// An ISO 3166 alpha-2 country code from the value set (`ZZ` and other unassigned codes are
/// refused).
pub fn check_country(code: &str) -> Result<(), Refusal> {
    let shape = code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase());
    if !shape || country_name(code).is_none() {
        // Quoted as written (controls were refused before): where it is printed, a long
        // quote is cut.
        return Err(Refusal::injection(
            "country",
            format!(
                "country: '{code}' is not an ISO 3166 alpha-2 country code (two letters, e.g. KR)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> InjectionDetails {
        InjectionDetails {
            product: "EU/1/20/1528".into(),
            dose: 1,
            series: 2,
            date: NaiveDate::from_ymd_opt(2021, 6, 1).unwrap(),
            lot: Some("FA1234".into()),
            country: "KR".into(),
            centre: None,
            status: InjectionStatus::Administered,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn field(d: InjectionDetails) -> &'static str {
        d.check(&Catalogue::bundled(), today()).unwrap_err().field
    }

    #[test]
    fn rule_7_refusals_name_the_field() {
        assert!(ok().check(&Catalogue::bundled(), today()).is_ok());
        assert_eq!(
            field(InjectionDetails {
                product: "X".into(),
                ..ok()
            }),
            "product"
        );
        assert_eq!(field(InjectionDetails { lot: None, ..ok() }), "lot");
        let future = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            field(InjectionDetails {
                date: future,
                ..ok()
            }),
            "date"
        );
        assert_eq!(
            field(InjectionDetails {
                country: "kor".into(),
                ..ok()
            }),
            "country"
        );
        assert_eq!(count("dose", 0).unwrap_err().field, "dose");
        for bad in ["ZZ", "XX", "K", "kr\u{0}"] {
            assert_eq!(
                field(InjectionDetails {
                    country: bad.into(),
                    ..ok()
                }),
                "country",
                "{bad}"
            );
        }
        assert_eq!(country(" kr ").unwrap(), "KR");
        assert_eq!(country("K\u{0}R").unwrap_err().field, "country");
        assert_eq!(country_name("KR"), Some("Korea, Republic of"));
        assert_eq!(country_name("AD"), Some("Andorra"));
        assert_eq!(country_name("ZZ"), None);
        assert_eq!(country_name("KOR"), None);
        assert_eq!(country_name(""), None);
        assert_eq!(lot("FA\u{7}12").unwrap_err().field, "lot");
        assert_eq!(date("date", "2021-06-01\u{0}").unwrap_err().field, "date");
        let e = InjectionDetails {
            dose: 3,
            series: 2,
            ..ok()
        }
        .check(&Catalogue::bundled(), today())
        .unwrap_err();
        assert_eq!(e.field, "series");
        assert!(e.message.contains("3/3"), "{e}");
        assert_eq!(date("date", "2021-02-30").unwrap_err().field, "date");
    }

    #[test]
    fn scheduled_may_be_ahead_and_without_lot_and_boosters_are_normal() {
        let d = InjectionDetails {
            status: InjectionStatus::Scheduled,
            lot: None,
            date: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
            ..ok()
        };
        assert!(d.check(&Catalogue::bundled(), today()).is_ok());
        let booster = InjectionDetails {
            dose: 2,
            series: 1,
            ..ok()
        };
        assert!(booster.check(&Catalogue::bundled(), today()).is_ok());
        let third = InjectionDetails {
            dose: 3,
            series: 3,
            ..ok()
        };
        assert!(third.check(&Catalogue::bundled(), today()).is_ok());
    }
}
