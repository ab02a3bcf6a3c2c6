//! Citizens: who they are, their resident id and their date of birth.

use super::{Refusal, icao, text};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use std::fmt;

/// A national or registry id, in one normal form.
///
/// A Korean resident registration number is kept as `YYMMDD-NNNNNNN` whether it was typed with
/// or without the hyphen; other ids are upper-cased with spaces removed. It prints masked
/// (`Display` and `Debug` alike), so no message, log line or panic ever carries the id; only
/// [`ResidentId::as_str`] gives it whole, for sealing and hashing.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId(String);

impl ResidentId {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Refusal> {
        text::no_controls(field, raw)?;
        let v: String = text::clean(raw)
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        if v.is_empty() {
            return Err(Refusal::input(field, format!("{field}: must not be empty")));
        }
        let digits: String = v.chars().filter(|c| *c != '-').collect();
        if digits.len() == 13 && digits.chars().all(|c| c.is_ascii_digit()) {
            return Ok(ResidentId(format!("{}-{}", &digits[..6], &digits[6..])));
        }
        if !(4..=32).contains(&v.chars().count())
            || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Refusal::input(
                field,
                // The text is not echoed: it may be a mistyped id, and messages reach logs.
                format!("{field}: not an id (4 to 32 letters, digits or '-')"),
            ));
        }
        Ok(ResidentId(v))
    }

    /// Reads an id already in normal form (from the store or an event).
    pub fn from_stored(s: String) -> Self {
        ResidentId(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as shown on screens: `900101-1******`, or the first four characters.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks a stored id for display.
pub fn mask(id: &str) -> String {
    let keep = match id.find('-') {
        Some(6) if id.len() == 14 => 8,
        _ => 4.min(id.len() / 2),
    };
    id.chars()
        .enumerate()
        .map(|(i, c)| if i < keep || c == '-' { c } else { '*' })
        .collect()
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

/// A date of birth, as precise as it is known (the certificate allows `YYYY-MM` and `YYYY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthDate {
    Full(NaiveDate),
    YearMonth(i32, u32),
    Year(i32),
}

impl BirthDate {
    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; refuses impossible and future dates.
    pub fn parse(field: &'static str, raw: &str, today: NaiveDate) -> Result<Self, Refusal> {
        text::no_controls(field, raw)?;
        let s = raw.trim();
        let bad = || {
            Refusal::input(
                field,
                format!("{field}: '{s}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
            )
        };
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Result<u32, Refusal> {
            if p.len() != len || !p.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let date = match parts.as_slice() {
            [y] => BirthDate::Year(num(y, 4)? as i32),
            [y, m] => {
                let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
                if !(1..=12).contains(&m) {
                    return Err(bad());
                }
                BirthDate::YearMonth(y, m)
            }
            [y, m, d] => BirthDate::Full(
                NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)
                    .ok_or_else(bad)?,
            ),
            _ => return Err(bad()),
        };
        if date.year() < 1900 {
            return Err(Refusal::input(
                field,
                format!("{field}: {s} is before 1900"),
            ));
        }
        let future = match date {
            BirthDate::Full(d) => d > today,
            BirthDate::YearMonth(y, m) => (y, m) > (today.year(), today.month()),
            BirthDate::Year(y) => y > today.year(),
        };
        if future {
            return Err(Refusal::input(
                field,
                format!("{field}: {s} is in the future"),
            ));
        }
        Ok(date)
    }

    pub fn year(&self) -> i32 {
        match *self {
            BirthDate::Full(d) => d.year(),
            BirthDate::YearMonth(y, _) | BirthDate::Year(y) => y,
        }
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BirthDate::Full(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            BirthDate::YearMonth(y, m) => write!(f, "{y:04}-{m:02}"),
            BirthDate::Year(y) => write!(f, "{y:04}"),
        }
    }
}

/// The birth date a Korean resident registration number states: `YYMMDD` and the century
/// digit after the hyphen (1/2/5/6 → 19xx, 3/4/7/8 → 20xx, 9/0 → 18xx). Reads the whole id or
/// its masked form (`900101-1******`); `None` for any other kind of id.
pub fn id_birth(id: &str) -> Option<(i32, u32, u32)> {
    let b = id.as_bytes();
    if b.len() != 14 || b[6] != b'-' || !b[..6].iter().chain(&b[7..8]).all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let century = match b[7] {
        b'1' | b'2' | b'5' | b'6' => 1900,
        b'3' | b'4' | b'7' | b'8' => 2000,
        _ => 1800,
    };
    Some((century + n(0) as i32, n(2), n(4)))
}

/// Refuses a date of birth that disagrees with what the resident id states, as far as the date
/// is known (`YYYY-MM` and `YYYY` agree when their year and month do). Ids that state no date
/// (passport numbers) agree with any.
pub fn check_birth_against_id(id: &str, birth: &BirthDate) -> Result<(), Refusal> {
    let Some((y, m, d)) = id_birth(id) else {
        return Ok(());
    };
    let agrees = match *birth {
        BirthDate::Full(b) => (b.year(), b.month(), b.day()) == (y, m, d),
        BirthDate::YearMonth(by, bm) => (by, bm) == (y, m),
        BirthDate::Year(by) => by == y,
    };
    if agrees {
        return Ok(());
    }
    let stated = match *birth {
        BirthDate::Full(_) => format!("{y:04}-{m:02}-{d:02}"),
        BirthDate::YearMonth(..) => format!("{y:04}-{m:02}"),
        BirthDate::Year(_) => format!("{y:04}"),
    };
    Err(Refusal::input(
        "birth_date",
        format!(
            "birth_date: {birth} does not agree with the resident id, which says {stated} (its first six digits and the digit after the hyphen)"
        ),
    ))
}

/// Why a citizen with a given name only is refused, and what to do instead.
pub const FAMILY_NAME_REQUIRED: &str = "family_name: must not be empty; a person with one name only has it as the family name and no given name (ICAO 9303: the primary identifier is never empty)";

/// What a citizen's record says: names (with their machine-readable forms) and date of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenDetails {
    pub family_name: String,
    pub given_name: String,
    pub family_name_icao: String,
    pub given_name_icao: String,
    pub birth_date: BirthDate,
}

impl CitizenDetails {
    /// Builds checked details; a missing machine-readable form is suggested from the name.
    pub fn new(
        family_name: &str,
        given_name: &str,
        family_name_icao: Option<&str>,
        given_name_icao: Option<&str>,
        birth_date: BirthDate,
    ) -> Result<Self, Refusal> {
        let family_name =
            text::optional("family_name", family_name, text::NAME_MAX)?.unwrap_or_default();
        let given_name =
            text::optional("given_name", given_name, text::NAME_MAX)?.unwrap_or_default();
        if family_name.is_empty() {
            return Err(Refusal::input("family_name", FAMILY_NAME_REQUIRED));
        }
        let family_name_icao = match family_name_icao {
            Some(v) => icao::validate("family_name_icao", v)?,
            None => icao::family_name(&family_name),
        };
        let given_name_icao = match given_name_icao {
            Some(v) => icao::validate("given_name_icao", v)?,
            None => icao::given_name(&given_name),
        };
        if !family_name.is_empty() && family_name_icao.is_empty() {
            return Err(Refusal::input(
                "family_name_icao",
                format!(
                    "family_name_icao: no machine-readable form can be suggested for '{family_name}'; give one (A-Z and '<')"
                ),
            ));
        }
        Ok(CitizenDetails {
            family_name,
            given_name,
            family_name_icao,
            given_name_icao,
            birth_date,
        })
    }

    /// The name as a clinic writes it: family name first.
    pub fn display_name(&self) -> String {
        display_name(&self.family_name, &self.given_name)
    }

    /// The keys a name search finds this citizen by (see [`text::search_key`]): each word of
    /// each name and of its machine-readable form, and the whole name in either order, so
    /// `muller`, `kim`, `민준`, `김민준` and `minjun kim` all find their person.
    pub fn search_terms(&self) -> BTreeSet<String> {
        search_terms(
            &self.family_name,
            &self.given_name,
            &self.family_name_icao,
            &self.given_name_icao,
        )
    }
}

/// The search keys of these names (see [`CitizenDetails::search_terms`]).
pub fn search_terms(
    family: &str,
    given: &str,
    family_icao: &str,
    given_icao: &str,
) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for (family, given) in [(family, given), (family_icao, given_icao)] {
        for part in [family, given] {
            terms.extend(
                part.split(|c: char| !c.is_alphanumeric())
                    .map(text::search_key),
            );
            terms.insert(text::search_key(part));
        }
        terms.insert(text::search_key(&format!("{family}{given}")));
        terms.insert(text::search_key(&format!("{given}{family}")));
    }
    terms.remove("");
    terms
}

/// `family given`, or whichever part exists.
pub fn display_name(family: &str, given: &str) -> String {
    match (family.is_empty(), given.is_empty()) {
        (false, false) => format!("{family} {given}"),
        (false, true) => family.to_string(),
        _ => given.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn resident_ids_are_normalised_and_masked() {
        let a = ResidentId::parse("id", "9001011234567").unwrap();
        let b = ResidentId::parse("id", " 900101-1234567 ").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "900101-1234567");
        assert_eq!(a.masked(), "900101-1******");
        assert_eq!(
            ResidentId::parse("id", "m12345678").unwrap().as_str(),
            "M12345678"
        );
        assert_eq!(
            ResidentId::parse("id", "M12345678").unwrap().masked(),
            "M123*****"
        );
        assert_eq!(ResidentId::parse("id", "a b!").unwrap_err().field, "id");
        assert!(ResidentId::parse("id", "").is_err());
    }

    #[test]
    fn birth_dates_full_partial_and_refused() {
        let p = |s| BirthDate::parse("birth_date", s, today());
        assert_eq!(p("1990-01-31").unwrap().to_string(), "1990-01-31");
        assert_eq!(p("1990-02").unwrap().to_string(), "1990-02");
        assert_eq!(p("1990").unwrap().to_string(), "1990");
        for bad in [
            "1990-02-30",
            "1990-13",
            "90-01-01",
            "1990/01/01",
            "",
            "1899",
        ] {
            assert_eq!(p(bad).unwrap_err().field, "birth_date", "{bad}");
        }
        assert!(p("2026-12").unwrap_err().message.contains("future"));
        assert!(p("2026-11-25").is_ok());
    }

    #[test]
    fn search_terms_cover_words_icao_and_both_orders() {
        let d = CitizenDetails::new(
            "Müller-Lüdenscheidt",
            "Anna Maria",
            None,
            None,
            BirthDate::Year(1990),
        )
        .unwrap();
        let t = d.search_terms();
        for want in [
            "muller",
            "ludenscheidt",
            "mullerludenscheidt",
            "anna",
            "maria",
            "annamaria",
            "mullerludenscheidtannamaria",
            "annamariamullerludenscheidt",
            "mueller",
            "muellerluedenscheidt",
        ] {
            assert!(t.contains(want), "{want} in {t:?}");
        }
        let k = CitizenDetails::new("김", "민준", None, None, BirthDate::Year(1990)).unwrap();
        let t = k.search_terms();
        for want in [
            "김",
            "민준",
            "김민준",
            "민준김",
            "kim",
            "minjun",
            "kimminjun",
        ] {
            assert!(t.contains(want), "{want} in {t:?}");
        }
    }

    #[test]
    fn birth_dates_agree_with_the_resident_id() {
        let full = |s| BirthDate::parse("birth_date", s, today()).unwrap();
        assert_eq!(id_birth("900101-1234567"), Some((1990, 1, 1)));
        assert_eq!(id_birth("900101-1******"), Some((1990, 1, 1)));
        assert_eq!(id_birth("050315-3******"), Some((2005, 3, 15)));
        assert_eq!(id_birth("050315-8******"), Some((2005, 3, 15)));
        assert_eq!(id_birth("990101-6******"), Some((1999, 1, 1)));
        assert_eq!(id_birth("990101-0******"), Some((1899, 1, 1)));
        assert_eq!(id_birth("M123*****"), None);
        let id = "900101-1234567";
        assert!(check_birth_against_id(id, &full("1990-01-01")).is_ok());
        assert!(check_birth_against_id(id, &full("1990-01")).is_ok());
        assert!(check_birth_against_id(id, &full("1990")).is_ok());
        for bad in ["1990-01-02", "1990-02", "1991", "2000-01-01"] {
            let e = check_birth_against_id(id, &full(bad)).unwrap_err();
            assert_eq!(e.field, "birth_date", "{bad}");
        }
        assert!(check_birth_against_id("050315-4234567", &full("2005-03-15")).is_ok());
        assert!(check_birth_against_id("050315-1234567", &full("2005-03-15")).is_err());
        assert!(check_birth_against_id("M12345678", &full("1990")).is_ok());
    }

    #[test]
    fn ids_and_dates_with_controls_are_refused() {
        assert_eq!(
            ResidentId::parse("id", "900101-123\u{0}4567")
                .unwrap_err()
                .field,
            "id"
        );
        let e = BirthDate::parse("birth_date", "1990-01-0\u{1b}1", today()).unwrap_err();
        assert!(e.message.contains("U+001B"), "{e}");
    }

    #[test]
    fn details_suggest_icao_and_need_a_name() {
        let d = CitizenDetails::new("김", "민준", None, None, BirthDate::Year(1990)).unwrap();
        assert_eq!(
            (d.family_name_icao.as_str(), d.given_name_icao.as_str()),
            ("KIM", "MINJUN")
        );
        assert_eq!(d.display_name(), "김 민준");
        assert!(CitizenDetails::new(" ", "", None, None, BirthDate::Year(1990)).is_err());
        let given_only = CitizenDetails::new("", "민준", None, None, BirthDate::Year(1990));
        assert_eq!(given_only.unwrap_err().field, "family_name");
        assert!(CitizenDetails::new("Sukarno", "", None, None, BirthDate::Year(1990)).is_ok());
        let e = CitizenDetails::new("Kim", "", Some("K1M"), None, BirthDate::Year(1990));
        assert_eq!(e.unwrap_err().field, "family_name_icao");
    }
}
