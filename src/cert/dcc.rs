//! The certificate's content: the EU DCC JSON (schema 1.3.x) for one vaccination.
//!
//! Everything comes from the records, never from a request: names and their ICAO forms from
//! the citizen, product, dose, series, date and country from the injection, manufacturer and
//! vaccine type from the catalogue, the issuer's name from the configuration.

use crate::domain::{CitizenDetails, InjectionDetails, Product};
use serde_json::{Value, json};

/// The disease targeted: COVID-19 (SNOMED CT 840539006).
pub const COVID_19: &str = "840539006";
/// The schema version written into `ver`.
pub const VERSION: &str = "1.3.0";

/// The DCC JSON for one vaccination.
pub fn vaccination(
    citizen: &CitizenDetails,
    injection: &InjectionDetails,
    product: &Product,
    issuer: &str,
    uvci: &str,
) -> Value {
    let mut nam = serde_json::Map::new();
    if !citizen.family_name.is_empty() {
        nam.insert("fn".into(), json!(citizen.family_name));
    }
    nam.insert("fnt".into(), json!(citizen.family_name_icao));
    if !citizen.given_name.is_empty() {
        nam.insert("gn".into(), json!(citizen.given_name));
    }
    if !citizen.given_name_icao.is_empty() {
        nam.insert("gnt".into(), json!(citizen.given_name_icao));
    }
    json!({
        "ver": VERSION,
        "nam": nam,
        "dob": citizen.birth_date.to_string(),
        "v": [{
            "tg": COVID_19,
            "vp": product.vaccine_type,
            "mp": product.code,
            "ma": product.manufacturer,
            "dn": injection.dose,
            "sd": injection.series,
            "dt": injection.date.format("%Y-%m-%d").to_string(),
            "co": injection.country,
            "is": issuer,
            "ci": uvci,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BirthDate, Catalogue, InjectionStatus};
    use chrono::NaiveDate;

    #[test]
    fn builds_the_vaccination_entry_from_the_records() {
        let c = CitizenDetails::new("김", "민준", None, None, BirthDate::Year(1990)).unwrap();
        let i = InjectionDetails {
            product: "EU/1/20/1528".into(),
            dose: 3,
            series: 3,
            date: NaiveDate::from_ymd_opt(2021, 12, 20).unwrap(),
            lot: Some("FK0112".into()),
            country: "KR".into(),
            centre: None,
            status: InjectionStatus::Administered,
        };
        let cat = Catalogue::bundled();
        let p = cat.get("EU/1/20/1528").unwrap();
        let v = vaccination(&c, &i, p, "KDCA", "URN:UVCI:01:KR:X#A");
        assert_eq!(v["nam"]["fnt"], "KIM");
        assert_eq!(v["nam"]["gnt"], "MINJUN");
        assert_eq!(v["dob"], "1990");
        let e = &v["v"][0];
        assert_eq!((e["dn"].as_u64(), e["sd"].as_u64()), (Some(3), Some(3)));
        assert_eq!(e["ma"], "ORG-100030215");
        assert_eq!(e["vp"], "1119349007");
        assert_eq!(e["tg"], COVID_19);
        let only_family =
            CitizenDetails::new("Lee", "", None, None, BirthDate::Year(1990)).unwrap();
        let v = vaccination(&only_family, &i, p, "KDCA", "x");
        assert!(v["nam"].get("gn").is_none() && v["nam"].get("gnt").is_none());
    }
}
