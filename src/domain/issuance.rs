//! The issuer's side: requests in the queue and certificate identifiers (UVCI).

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    Pending,
    Issued,
    Withdrawn,
    Rejected,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "PENDING",
            RequestStatus::Issued => "ISSUED",
            RequestStatus::Withdrawn => "WITHDRAWN",
            RequestStatus::Rejected => "REJECTED",
        }
    }
}

impl fmt::Display for RequestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RequestStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "PENDING" => Ok(RequestStatus::Pending),
            "ISSUED" => Ok(RequestStatus::Issued),
            "WITHDRAWN" => Ok(RequestStatus::Withdrawn),
            "REJECTED" => Ok(RequestStatus::Rejected),
            _ => Err(format!("'{s}' is not a request status")),
        }
    }
}

/// Alphabet of the UVCI check character (Luhn mod N), in the order the EU guidelines give.
const UVCI_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";

/// A unique vaccination certificate identifier: `URN:UVCI:01:KR:<opaque id>#<check>`.
///
/// The check character is Luhn mod N over the whole identifier before `#`, `URN:UVCI:`
/// included, as the EU reference implementation (eu-dcc-schema, Luhn-Mod-N) computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uvci(String);

impl Uvci {
    /// Builds the identifier for a country and an opaque unique part (`A-Z0-9` only).
    pub fn new(country: &str, unique: &str) -> Self {
        let body = format!("URN:UVCI:01:{country}:{unique}");
        let check = luhn_mod_n(&body);
        Uvci(format!("{body}#{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the check character after `#` matches.
    pub fn is_well_formed(s: &str) -> bool {
        if !s.starts_with("URN:UVCI:") {
            return false;
        }
        match s.rsplit_once('#') {
            Some((body, check)) => {
                body.bytes().all(|b| UVCI_ALPHABET.contains(&b))
                    && check.len() == 1
                    && check.starts_with(luhn_mod_n(body))
            }
            None => false,
        }
    }
}

impl fmt::Display for Uvci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Luhn mod N check character over [`UVCI_ALPHABET`]; other characters are skipped.
fn luhn_mod_n(input: &str) -> char {
    let n = UVCI_ALPHABET.len() as u32;
    let mut factor = 2;
    let mut sum = 0;
    for b in input.bytes().rev() {
        let Some(code) = UVCI_ALPHABET.iter().position(|&a| a == b) else {
            continue;
        };
        let addend = factor * code as u32;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    UVCI_ALPHABET[((n - sum % n) % n) as usize] as char
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uvci_has_a_valid_check_character() {
        let u = Uvci::new("KR", "VXDAB12CD3400000001");
        assert!(
            u.as_str()
                .starts_with("URN:UVCI:01:KR:VXDAB12CD3400000001#")
        );
        assert!(Uvci::is_well_formed(u.as_str()));
        let mut broken = u.as_str().to_string();
        broken.replace_range(20..21, "Z");
        assert!(!Uvci::is_well_formed(&broken) || broken == u.as_str());
    }

    #[test]
    fn check_characters_of_the_reference_and_a_real_certificate() {
        // The reference implementation's own example, and Austria's test vector AT/1.
        assert_eq!(luhn_mod_n("URN:UVCI:01:NL:187/37512422923"), 'Z');
        assert!(Uvci::is_well_formed(
            "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"
        ));
    }

    #[test]
    fn every_single_character_change_is_detected() {
        let u = Uvci::new("KR", "VXD0000000042");
        let s = u.as_str();
        let at = s.find("VXD").unwrap();
        for i in at..s.len() - 2 {
            for c in ['A', '7', 'Q'] {
                let mut t = s.to_string();
                if t.as_bytes()[i] as char == c {
                    continue;
                }
                t.replace_range(i..i + 1, &c.to_string());
                assert!(!Uvci::is_well_formed(&t), "{t}");
            }
        }
    }
}
