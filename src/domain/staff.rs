//! Staff accounts and the sign-in throttle policy, as pure types and functions.
//!
//! Who may sign in at a desk (a named account with a role) and how long a failed sign-in makes
//! the next attempt wait. The store applies the policy (`store::throttle`); the numbers live here
//! so they can be tested without a database or a clock.

use super::{Refusal, text};
use chrono::Duration;
use std::fmt;

/// What an account may do: a manager runs the desk's accounts, an issuer issues certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StaffRole {
    Manager,
    Issuer,
}

impl StaffRole {
    /// The stored form (`MANAGER`, `ISSUER`).
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Manager => "MANAGER",
            StaffRole::Issuer => "ISSUER",
        }
    }

    /// Reads a role typed in any case (`manager`, `Issuer`) or as stored.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Refusal> {
        let v = text::clean(raw);
        match v.to_ascii_uppercase().as_str() {
            "MANAGER" => Ok(StaffRole::Manager),
            "ISSUER" => Ok(StaffRole::Issuer),
            _ => Err(Refusal::input(
                field,
                format!("{field}: '{v}' is not a role (manager or issuer)"),
            )),
        }
    }
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest account name.
pub const STAFF_NAME_MAX: usize = 40;

/// An account name in normal form: ASCII letters (lower-cased), digits, `.`, `-`, `_` and
/// Hangul syllables, 1 to 40 characters, no spaces.
///
/// Letters are ASCII only (plus Hangul) and lower-cased so that two accounts cannot differ only
/// by case or by a look-alike letter from another script (Cyrillic `а` for Latin `a`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StaffName(String);

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '\u{AC00}'..='\u{D7A3}')
}

impl StaffName {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Refusal> {
        let v = text::clean(raw).to_ascii_lowercase();
        let n = v.chars().count();
        if n == 0 {
            return Err(Refusal::input(field, format!("{field}: must not be empty")));
        }
        if n > STAFF_NAME_MAX {
            return Err(Refusal::input(
                field,
                format!("{field}: too long ({n} characters, at most {STAFF_NAME_MAX})"),
            ));
        }
        // Control characters are refused, not silently dropped as `clean` would: a name typed
        // with one is not the name it looks like.
        if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) || !v.chars().all(name_char) {
            return Err(Refusal::input(
                field,
                format!(
                    "{field}: '{v}' is not an account name (letters, digits, '.', '-', '_' or \
                     Hangul, no spaces)"
                ),
            ));
        }
        Ok(StaffName(v))
    }

    /// Reads a name already in normal form (from the store).
    pub fn from_stored(s: String) -> Self {
        StaffName(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StaffName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Failures in a row after which an account (or kiosk id) is locked.
pub const LOCK_AFTER: u32 = 10;
/// How long a lock lasts unless a manager lifts it first.
pub const LOCK_FOR: Duration = Duration::minutes(15);
/// The longest wait between attempts: 2^9 s (the wait after the ninth failure is 2^8 s).
pub const DELAY_MAX: Duration = Duration::seconds(1 << 9);

/// The wait before the next attempt after `failures` failures in a row: none, then 1 s, 2 s,
/// 4 s, ... doubling, at most [`DELAY_MAX`].
pub fn delay_after(failures: u32) -> Duration {
    match failures {
        0 => Duration::zero(),
        n => Duration::seconds(1 << (n.min(10) - 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_and_show_as_stored() {
        assert_eq!(
            StaffRole::parse("role", "manager").unwrap(),
            StaffRole::Manager
        );
        assert_eq!(
            StaffRole::parse("role", " Issuer ").unwrap(),
            StaffRole::Issuer
        );
        assert_eq!(
            StaffRole::parse("role", "MANAGER").unwrap(),
            StaffRole::Manager
        );
        assert_eq!(StaffRole::Manager.to_string(), "MANAGER");
        assert_eq!(StaffRole::Issuer.to_string(), "ISSUER");
        let e = StaffRole::parse("role", "admin").unwrap_err();
        assert_eq!(e.field, "role");
        assert!(e.message.contains("manager or issuer"), "{e}");
    }

    #[test]
    fn names_accepted() {
        assert_eq!(
            StaffName::parse("name", "kim.nurse").unwrap().as_str(),
            "kim.nurse"
        );
        assert_eq!(
            StaffName::parse("name", "박서연").unwrap().as_str(),
            "박서연"
        );
        assert_eq!(
            StaffName::parse("name", " Lee_2-a ").unwrap().as_str(),
            "lee_2-a"
        );
        let decomposed = "\u{1100}\u{1175}\u{11B7}"; // 김 as conjoining jamo
        assert_eq!(StaffName::parse("name", decomposed).unwrap().as_str(), "김");
        assert!(StaffName::parse("name", &"a".repeat(40)).is_ok());
    }

    #[test]
    fn names_refused() {
        for bad in [
            "",
            "   ",
            "kim nurse",
            "kim\u{0007}",
            "kim\u{0000}x",
            "kim@clinic",
            "kаm",
        ] {
            let e = StaffName::parse("name", bad).unwrap_err();
            assert_eq!(e.field, "name", "{bad}");
        }
        let e = StaffName::parse("name", &"a".repeat(41)).unwrap_err();
        assert!(e.message.contains("too long"), "{e}");
        assert!(
            StaffName::parse("name", "")
                .unwrap_err()
                .message
                .contains("empty")
        );
    }

    #[test]
    fn delays_double_from_one_second() {
        assert_eq!(delay_after(0), Duration::zero());
        let secs: Vec<i64> = (1..=5).map(|n| delay_after(n).num_seconds()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16]);
        assert_eq!(delay_after(10), DELAY_MAX);
        assert_eq!(delay_after(11), DELAY_MAX);
        assert_eq!(delay_after(u32::MAX), DELAY_MAX);
    }

    #[test]
    fn lock_policy() {
        assert_eq!(LOCK_AFTER, 10);
        assert_eq!(LOCK_FOR, Duration::minutes(15));
    }
}
