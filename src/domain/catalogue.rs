//! The vaccine catalogue: which products a desk may record, and what the certificate needs
//! to know of each (manufacturer, vaccine type, usual series length).
//!
//! The bundled `assets/catalogue.toml` is derived from the EU DCC value sets and checked when
//! it is loaded, so a bad edit is caught at start-up, not on a certificate.

use serde::Deserialize;
use std::collections::HashMap;

const BUNDLED: &str = include_str!("../../assets/catalogue.toml");

/// SNOMED CT codes of the vaccine types the value set `vaccine-prophylaxis` allows.
const VACCINE_TYPES: &[&str] = &[
    "1119305005",
    "1119349007",
    "1162643001",
    "1157024006",
    "29061000087103",
    "28531000087107",
    "30141000087107",
    "1187593009",
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Medicinal product code (`mp`), e.g. `EU/1/20/1528`.
    pub code: String,
    pub name: String,
    /// The name Korean clinics use (화이자, 모더나, ...), where one is in use.
    #[serde(default)]
    pub name_ko: Option<String>,
    /// Marketing authorisation holder or manufacturer code (`ma`).
    pub manufacturer: String,
    pub manufacturer_name: String,
    /// Vaccine or prophylaxis code (`vp`).
    pub vaccine_type: String,
    pub vaccine_type_name: String,
    /// Usual number of doses in the primary series.
    pub series: u32,
}

impl Product {
    /// The series to record for `dose` when none is given: the usual series, except that a
    /// booster after a series of two or more counts in it (`3/3`, `4/4`) while one after a
    /// one-dose series is written `n/1` (`2/1`), as the EU encoding guidance does.
    pub fn series_for(&self, dose: u32) -> u32 {
        if self.series == 1 {
            1
        } else {
            self.series.max(dose)
        }
    }

    /// The words a picker matches what was typed against: the name, the Korean name, the
    /// product code and the manufacturer (code and name).
    pub fn keywords(&self) -> String {
        let mut k = format!(
            "{} {} {} {}",
            self.name, self.code, self.manufacturer, self.manufacturer_name
        );
        if let Some(ko) = &self.name_ko {
            k.push(' ');
            k.push_str(ko);
        }
        k
    }

    /// `Comirnaty · 화이자`: the name with its Korean name, where there is one.
    pub fn label(&self) -> String {
        match &self.name_ko {
            Some(ko) => format!("{} · {ko}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    products: Vec<Product>,
    by_code: HashMap<String, usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("catalogue: {0}")]
    Syntax(String),
    #[error("catalogue: product {index} ({code}): {reason}")]
    Product {
        index: usize,
        code: String,
        reason: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    product: Vec<Product>,
}

impl Catalogue {
    /// The catalogue shipped with the binary.
    pub fn bundled() -> Self {
        // Covered by a unit test: the bundled file always parses and validates.
        Self::parse(BUNDLED).expect("bundled catalogue is valid")
    }

    /// Parses and validates a catalogue file.
    pub fn parse(text: &str) -> Result<Self, CatalogueError> {
        let file: File = toml::from_str(text).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        let mut by_code = HashMap::new();
        for (i, p) in file.product.iter().enumerate() {
            let bad = |reason: &str| CatalogueError::Product {
                index: i + 1,
                code: p.code.clone(),
                reason: reason.to_string(),
            };
            if p.code.trim().is_empty() || p.name.trim().is_empty() {
                return Err(bad("code and name must not be empty"));
            }
            if p.manufacturer.trim().is_empty() {
                return Err(bad("manufacturer must not be empty"));
            }
            if !VACCINE_TYPES.contains(&p.vaccine_type.as_str()) {
                return Err(bad("vaccine_type is not in the EU value set"));
            }
            if p.name_ko.as_deref().is_some_and(|k| k.trim().is_empty()) {
                return Err(bad("name_ko must not be empty (leave it out instead)"));
            }
            if p.series == 0 {
                return Err(bad("series must be at least 1"));
            }
            if by_code.insert(p.code.clone(), i).is_some() {
                return Err(bad("code appears twice"));
            }
        }
        if file.product.is_empty() {
            return Err(CatalogueError::Syntax("no products".into()));
        }
        Ok(Catalogue {
            products: file.product,
            by_code,
        })
    }

    pub fn get(&self, code: &str) -> Option<&Product> {
        self.by_code.get(code).map(|&i| &self.products[i])
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The product's display name, or the code itself when it is unknown.
    pub fn name_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.get(code).map_or(code, |p| p.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalogue_is_valid() {
        let c = Catalogue::bundled();
        let comirnaty = c.get("EU/1/20/1528").unwrap();
        assert_eq!(comirnaty.name, "Comirnaty");
        assert_eq!(comirnaty.manufacturer, "ORG-100030215");
        assert_eq!(comirnaty.series, 2);
        assert_eq!(c.get("EU/1/20/1525").unwrap().series, 1);
        assert_eq!(comirnaty.name_ko.as_deref(), Some("화이자"));
        assert_eq!(comirnaty.series_for(3), 3);
        assert_eq!(comirnaty.series_for(1), 2);
        assert_eq!(c.get("EU/1/20/1525").unwrap().series_for(2), 1);
        assert!(
            c.get("NVX-CoV2373").is_none(),
            "deprecated products are left out"
        );
    }

    #[test]
    fn refuses_bad_entries() {
        let one = |extra: &str| {
            format!(
                "[[product]]\ncode = \"X\"\nname = \"X\"\nmanufacturer = \"M\"\nmanufacturer_name = \"M\"\nvaccine_type = \"1119349007\"\nvaccine_type_name = \"t\"\n{extra}"
            )
        };
        assert!(Catalogue::parse(&one("series = 2")).is_ok());
        let e = Catalogue::parse(&one("series = 0"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("series"), "{e}");
        let twice = format!("{}\n{}", one("series = 1"), one("series = 1"));
        assert!(
            Catalogue::parse(&twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        assert!(Catalogue::parse(&one("series = 1\ncolour = 3")).is_err());
    }
}
