//! Validation of a DCC against the EU DCC JSON schema 1.3.3 (bundled, so verifying works
//! offline), with `format` checked too: a `date` field must hold a plain date.

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

/// `Ok` when the DCC is valid; otherwise the first problems, each with its JSON pointer.
pub fn validate(dcc: &Value) -> Result<(), String> {
    let problems: Vec<String> = validator()
        .iter_errors(dcc)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{}: {e}", if at.is_empty() { "/" } else { &at })
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
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
        validate(&dcc).unwrap();
        dcc["dob"] = "1815-01-01".into();
        dcc["v"][0]["dt"] = "2021-05-29T10:00:00Z".into();
        let e = validate(&dcc).unwrap_err();
        assert!(e.contains("/dob") && e.contains("/v/0/dt"), "{e}");
        assert!(validate(&serde_json::json!({})).is_err());
    }
}
