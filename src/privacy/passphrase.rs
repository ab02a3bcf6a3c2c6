//! Staff passphrases: Argon2id PHC strings, checked in constant work whether or not the
//! account exists.
//!
//! Only the PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) is stored. The cost is the
//! `argon2` crate's default (OWASP's minimum), read back from the stored string on verify, so a
//! later raise of the default leaves old hashes valid. A passphrase is NFC-normalised before it
//! is hashed or checked: the same Korean passphrase typed on two systems may arrive composed on
//! one and decomposed on the other.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use unicode_normalization::UnicodeNormalization;

/// Fewest characters a passphrase may have (NIST SP 800-63B's minimum for chosen secrets;
/// throttling and lockout bound online guessing, Argon2id offline guessing).
pub const MIN_CHARS: usize = 8;
/// Most characters a passphrase may have (a pasted file is not a passphrase).
pub const MAX_CHARS: usize = 1024;

/// A hash of a passphrase no one knows, at the default cost: verifying against it takes as long
/// as verifying a real account's passphrase, so an unknown name is not told apart by timing.
pub const DUMMY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$R+Bzwd6aVD5hEq+MqEy0Aw$6Azmd6N0kmYuujzN4+GO306CpeQtwmP/BCMiGaDLY4w";

#[derive(Debug, thiserror::Error)]
pub enum PassphraseError {
    #[error("cannot hash the passphrase: {0}")]
    Hash(String),
}

fn normal(passphrase: &str) -> String {
    passphrase.nfc().collect()
}

/// Hashes `passphrase` with Argon2id at the default cost and a fresh random salt.
pub fn hash(passphrase: &str) -> Result<String, PassphraseError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(normal(passphrase).as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PassphraseError::Hash(e.to_string()))
}

/// True when `passphrase` matches the stored PHC string; false for a wrong passphrase and for a
/// stored string that is malformed or of another algorithm.
pub fn verify(passphrase: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(normal(passphrase).as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one real [`verify`] and refuses: for a name with no (usable) account.
pub fn verify_dummy(passphrase: &str) -> bool {
    let _ = verify(passphrase, DUMMY_PHC);
    false
}

/// Refuses a passphrase too short, too long or made only of white space; the message says why.
pub fn check_strength(passphrase: &str) -> Result<(), String> {
    let n = normal(passphrase).chars().count();
    if passphrase.chars().all(char::is_whitespace) && !passphrase.is_empty() {
        return Err("the passphrase is only white space".to_string());
    }
    if n < MIN_CHARS {
        return Err(format!(
            "the passphrase is too short ({n} characters, at least {MIN_CHARS})"
        ));
    }
    if n > MAX_CHARS {
        return Err(format!(
            "the passphrase is too long ({n} characters, at most {MAX_CHARS})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT_COST: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

    #[test]
    fn verifies_the_right_passphrase_only() {
        let phc = hash("correct horse battery").unwrap();
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse battery!", &phc));
        assert!(!verify("", &phc));
    }

    #[test]
    fn salts_differ() {
        assert_ne!(
            hash("same passphrase").unwrap(),
            hash("same passphrase").unwrap()
        );
    }

    #[test]
    fn refuses_malformed_stored_strings() {
        for bad in [
            "",
            "plain text",
            "$argon2id$v=19$",
            "$pbkdf2$x",
            "$argon2id$v=19$m=0,t=0,p=0$aaaa$bbbb",
        ] {
            assert!(!verify("anything at all", bad), "{bad}");
        }
    }

    #[test]
    fn hashes_at_least_the_default_cost() {
        assert!(hash("a long enough one").unwrap().starts_with(DEFAULT_COST));
        assert!(DUMMY_PHC.starts_with(DEFAULT_COST));
        assert!(PasswordHash::new(DUMMY_PHC).is_ok());
    }

    #[test]
    fn dummy_refuses_everything() {
        assert!(!verify_dummy("correct horse battery"));
        assert!(!verify_dummy(""));
    }

    #[test]
    fn composed_and_decomposed_hangul_match() {
        let composed = "비밀번호는김치찌개입니다";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        let phc = hash(composed).unwrap();
        assert!(verify(&decomposed, &phc));
    }

    #[test]
    fn strength_names_the_reason() {
        assert!(check_strength("01234567").is_ok());
        assert!(check_strength("김치찌개된장찌개").is_ok()); // 8 characters, 24 bytes
        assert!(
            check_strength("0123456")
                .unwrap_err()
                .contains("7 characters, at least 8")
        );
        assert!(check_strength("short").unwrap_err().contains("too short"));
        assert!(check_strength("").unwrap_err().contains("too short"));
        assert!(
            check_strength("김치찌개")
                .unwrap_err()
                .contains("4 characters")
        );
        assert!(
            check_strength(&" ".repeat(12))
                .unwrap_err()
                .contains("white space")
        );
        assert!(
            check_strength(" \t\n ")
                .unwrap_err()
                .contains("white space")
        );
        assert!(
            check_strength(&"x".repeat(MAX_CHARS + 1))
                .unwrap_err()
                .contains("too long")
        );
    }
}
