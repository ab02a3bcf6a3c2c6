//! Validation of a DCC against the EU DCC JSON schema 1.3.3 (bundled, so verifying works
//! offline), with `format` checked too: a `date` field must hold a plain date.
//!
//! One exception follows the EU reference validators: the schema is JSON Schema 2020-12, where
//! `format` is only an annotation, and issuers in the wild write a `date` field as a full
//! RFC 3339 date-time (Poland the vaccination date `v[].dt`, Singapore the recovery dates
//! `r[].fr`, `df`, `du`). Such a value is accepted when it is a real date-time on a real date,
//! judged by the date it names, and the result says so. Anything else in a `date` field (a
//! date-time without its offset, a 30 February) is still refused.

use serde_json::Value;
use std::sync::OnceLock;

/// The combined schema from `ehn-dcc-development/eu-dcc-schema`, release 1.3.3 (Apache-2.0).
pub const SCHEMA_JSON: &str = include_str!("../../assets/dcc-schema-1.3.3.json");
pub const VERSION: &str = "1.3.3";

/// How many problems a message lists before "and N more".
const SHOWN: usize = 3;

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // The schema is bundled and tested; failing here is a build defect, not bad input.
        let schema: Value = serde_json::from_str(SCHEMA_JSON).expect("bundled schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("bundled schema compiles")
    })
}

/// The date an RFC 3339 date-time names, in its own offset (as written, not moved to UTC).
fn date_of(value: &Value) -> Option<chrono::NaiveDate> {
    let when = chrono::DateTime::parse_from_rfc3339(value.as_str()?).ok()?;
    Some(when.date_naive())
}

/// `Ok` with what was checked when the DCC is valid; otherwise the first problems, each with
/// its JSON pointer.
pub fn validate(dcc: &Value) -> Result<String, String> {
    let mut accepted = Vec::new();
    let mut problems = Vec::new();
    for e in validator().iter_errors(dcc) {
        let at = e.instance_path().to_string();
        let is_date = matches!(
            e.kind(),
            jsonschema::error::ValidationErrorKind::Format { format } if format == "date"
        );
        if is_date && let Some(date) = date_of(e.instance()) {
            accepted.push(format!("{at} {} as the date {date}", e.instance()));
            continue;
        }
        problems.push(format!("{}: {e}", if at.is_empty() { "/" } else { &at }));
    }
    if problems.is_empty() {
        let mut detail = format!("valid against the DCC schema {VERSION}");
        if !accepted.is_empty() {
            detail.push_str(&format!(
                " (a date-time where the schema says date, accepted as the EU reference \
                 validators do: {})",
                accepted.join(", ")
            ));
        }
        return Ok(detail);
    }
    let mut message = problems[..problems.len().min(SHOWN)].join("; ");
    if problems.len() > SHOWN {
        message.push_str(&format!(" (and {} more)", problems.len() - SHOWN));
    }
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vaccination_passes_and_mistakes_are_located() {
        let mut dcc = serde_json::json!({
            "ver": "1.3.0",
            "nam": {"fn": "Musterfrau", "fnt": "MUSTERFRAU", "gn": "Erika", "gnt": "ERIKA"},
            "dob": "1964-08-12",
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
                   "ma": "ORG-100030215", "dn": 2, "sd": 2, "dt": "2021-05-29",
                   "co": "AT", "is": "Ministry of Health, Austria",
                   "ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"}]
        });
        assert_eq!(
            validate(&dcc).unwrap(),
            "valid against the DCC schema 1.3.3"
        );
        dcc["dob"] = "1815-01-01".into();
        dcc["v"][0]["dt"] = "2021-05-29T10:00:00".into();
        let e = validate(&dcc).unwrap_err();
        assert!(e.contains("/dob") && e.contains("/v/0/dt"), "{e}");
        assert!(validate(&serde_json::json!({})).is_err());
    }

    /// As the EU reference validators do (`format` is an annotation in JSON Schema 2020-12),
    /// a date-time in a `date` field passes when it is a real date-time, judged by its date.
    #[test]
    fn a_date_time_in_a_date_field_is_judged_by_its_date() {
        let mut dcc = serde_json::json!({
            "ver": "1.3.0",
            "nam": {"fnt": "TAN", "gnt": "CHENG"},
            "dob": "1990-01-15",
            "v": [{"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/21/1529",
                   "ma": "ORG-100030215", "dn": 1, "sd": 2, "dt": "2021-03-18T22:54:00+02:00",
                   "co": "PL", "is": "Centrum e-Zdrowia", "ci": "URN:UVCI:01:PL:1/AB"}]
        });
        let ok = validate(&dcc).unwrap();
        assert!(
            ok.starts_with("valid against the DCC schema 1.3.3 (a date-time where the schema")
                && ok.contains("/v/0/dt \"2021-03-18T22:54:00+02:00\" as the date 2021-03-18"),
            "{ok}"
        );
        // Its own date, not the UTC one: 00:30 at +09:00 is still the 19th.
        dcc["v"][0]["dt"] = "2021-03-19T00:30:00+09:00".into();
        assert!(validate(&dcc).unwrap().contains("as the date 2021-03-19"));
        for bad in [
            "2021-02-30T10:00:00Z",
            "2021-03-18T25:00:00Z",
            "2021-03-18T10:00:00",
            "2021-03-18 junk",
            "18.03.2021",
        ] {
            dcc["v"][0]["dt"] = bad.into();
            let e = validate(&dcc).unwrap_err();
            assert!(
                e.contains("/v/0/dt") && e.contains("is not a \"date\""),
                "{bad}: {e}"
            );
        }
        let recovery = serde_json::json!({
            "ver": "1.3.0",
            "nam": {"fnt": "TAN"},
            "dob": "1990-01-15",
            "r": [{"tg": "840539006", "fr": "2022-01-01T00:00:00.000Z", "co": "SG",
                   "df": "2022-01-08T00:00:00.000Z", "du": "2022-06-30", "is": "MOH",
                   "ci": "URN:UVCI:01:SG:1"}]
        });
        let ok = validate(&recovery).unwrap();
        assert!(
            ok.contains("/r/0/fr") && ok.contains("/r/0/df") && !ok.contains("/r/0/du"),
            "{ok}"
        );
    }
}
