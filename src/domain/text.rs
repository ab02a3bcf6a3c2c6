//! Cleans text where it enters (seed files, forms): one place, applied once.
//!
//! Control, bidi-override and zero-width characters are removed, runs of white space become one
//! space, the result is NFC-normalised (Korean names from some systems arrive decomposed) and
//! trimmed. A value that is empty or too long afterwards is refused, never silently cut.

use super::Refusal;
use unicode_normalization::UnicodeNormalization;

/// Longest name part the certificate schema accepts.
pub const NAME_MAX: usize = 80;
/// Longest free text (reasons, centres, lots).
pub const TEXT_MAX: usize = 200;

fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{061C}'              // Arabic letter mark
            | '\u{FEFF}'              // BOM / zero-width no-break space
            | '\u{00AD}') // soft hyphen
}

/// Cleans `raw` without judging it: strip invisibles, fold white space, NFC, trim.
pub fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.nfc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !is_invisible(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    // NFC again: removing a character can bring a base and its combining mark together.
    out.nfc().collect()
}

/// A required text field: cleaned, not empty, at most `max` characters.
pub fn required(field: &'static str, raw: &str, max: usize) -> Result<String, Refusal> {
    let v = clean(raw);
    if v.is_empty() {
        return Err(Refusal::input(field, format!("{field}: must not be empty")));
    }
    limit(field, v, max)
}

/// An optional text field: cleaned; empty becomes `None`.
pub fn optional(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, Refusal> {
    let v = clean(raw);
    if v.is_empty() {
        return Ok(None);
    }
    limit(field, v, max).map(Some)
}

fn limit(field: &'static str, v: String, max: usize) -> Result<String, Refusal> {
    let n = v.chars().count();
    if n > max {
        return Err(Refusal::input(
            field,
            format!("{field}: too long ({n} characters, at most {max})"),
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_controls_bidi_and_zero_width() {
        assert_eq!(clean("Kim\u{202E}\u{200B} Min\u{0007}jun"), "Kim Minjun");
        assert_eq!(clean("  a \t\n b  "), "a b");
    }

    #[test]
    fn composes_decomposed_hangul() {
        let decomposed = "\u{1100}\u{1175}\u{11B7}"; // 김 as conjoining jamo
        assert_eq!(clean(decomposed), "김");
    }

    #[test]
    fn refuses_empty_and_too_long() {
        assert_eq!(
            required("given_name", " \u{200B} ", 10).unwrap_err().field,
            "given_name"
        );
        let e = required("lot", &"x".repeat(11), 10).unwrap_err();
        assert!(e.message.contains("too long"), "{e}");
        assert_eq!(optional("centre", "  ", 10).unwrap(), None);
    }
}
