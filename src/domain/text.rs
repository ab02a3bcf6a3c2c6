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

/// A control, bidi-override or zero-width character: never part of a name, id or code.
pub fn is_invisible(c: char) -> bool {
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
    // Nearly all text is NFC already (precomposed Hangul, plain Latin): the quick check
    // spares it the normaliser, which a million-citizen seed file would feel.
    let out = match is_nfc(raw) {
        true => squeeze(raw.chars(), raw.len()),
        false => squeeze(raw.nfc(), raw.len()),
    };
    // NFC again: removing a character can bring a base and its combining mark together.
    match is_nfc(&out) {
        true => out,
        false => out.nfc().collect(),
    }
}

/// True when `s` is certainly NFC (the quick check's "maybe" counts as no).
fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes
}

/// Strips invisibles and folds white space to single spaces, trimmed.
fn squeeze(chars: impl Iterator<Item = char>, size: usize) -> String {
    let mut out = String::with_capacity(size);
    let mut pending_space = false;
    for c in chars {
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
    out
}

/// Refuses a code-like value (an id, a date, a product or country code, a lot) that holds a
/// control, bidi or zero-width character. Such a value is not cleaned: a silently changed id or
/// lot would be a different record, so the person typing it is asked to look again.
pub fn no_controls(field: &'static str, raw: &str) -> Result<(), Refusal> {
    match raw.chars().find(|c| is_invisible(*c)) {
        Some(c) => Err(Refusal::input(
            field,
            format!(
                "{field}: holds a control or invisible character (U+{:04X}); nothing was kept",
                c as u32
            ),
        )),
        None => Ok(()),
    }
}

/// What [`clean`] removes from `raw` that a person would want to know about (white space
/// folding and normalisation are not worth a note).
pub fn cleaning_note(raw: &str) -> Option<&'static str> {
    raw.chars()
        .any(|c| !c.is_whitespace() && is_invisible(c))
        .then_some("control characters removed")
}

/// Folds text for search: NFC, lower case, Latin letters without their marks (`Müller` →
/// `muller`, `Nguyễn` → `nguyen`, `ß` → `ss`). Hangul and other scripts keep their letters.
pub fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let chars: Box<dyn Iterator<Item = char>> = match is_nfc(raw) {
        true => Box::new(raw.chars()),
        false => Box::new(raw.nfc()),
    };
    for c in chars {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            // Hangul syllables decompose into jamo: keep them whole.
            '\u{AC00}'..='\u{D7A3}' => out.push(c),
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ => {
                for d in std::iter::once(c).nfd() {
                    if !unicode_normalization::char::is_combining_mark(d) {
                        out.extend(d.to_lowercase());
                    }
                }
            }
        }
    }
    out
}

/// The key a search compares: [`fold`]ed, letters and digits only (`김 민준` → `김민준`,
/// `Smith-Jones` → `smithjones`).
pub fn search_key(raw: &str) -> String {
    fold(raw).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Text from outside as a message shows it: at most `max` characters, a longer one cut to
/// `max - 1` and `…`, so a pasted page does not flood the screen.
pub fn cut(raw: &str, max: usize) -> String {
    if raw.chars().count() <= max {
        return raw.to_string();
    }
    raw.chars()
        .take(max.saturating_sub(1))
        .chain(['…'])
        .collect()
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
    fn codes_with_controls_are_refused_and_names_get_a_note() {
        assert!(no_controls("lot", "FA1234").is_ok());
        let e = no_controls("lot", "FA\u{0}1234").unwrap_err();
        assert_eq!(e.field, "lot");
        assert!(e.message.contains("U+0000"), "{e}");
        assert_eq!(no_controls("id", "A\u{202E}B").unwrap_err().field, "id");
        assert_eq!(
            cleaning_note("Kim\u{7}"),
            Some("control characters removed")
        );
        assert_eq!(cleaning_note(" Kim  Min "), None);
    }

    #[test]
    fn folds_case_marks_and_hangul_for_search() {
        assert_eq!(fold("Müller"), "muller");
        assert_eq!(fold("MÜLLER"), "muller");
        assert_eq!(fold("Nguyễn"), "nguyen");
        assert_eq!(fold("Gößinger"), "gossinger");
        assert_eq!(fold("\u{1100}\u{1175}\u{11B7}"), "김");
        assert_eq!(search_key("김 민준"), "김민준");
        assert_eq!(search_key("Smith-Jones"), "smithjones");
    }

    /// Text that is NFC already skips the normaliser: the result is what normalising first
    /// and last gives, for any mix of marks, jamo, invisibles and white space.
    #[test]
    fn the_quick_path_cleans_and_folds_as_the_normaliser_does() {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "a", "Z", "é", "e\u{301}", "\u{301}", "김", "\u{1100}", "\u{1175}", "\u{11B7}", "민준",
            " ", "\t", "\u{200B}", "\u{202E}", "\u{7}", "\u{FEFF}", "\u{AD}", "ß", "Nguyễn",
            "o\u{308}", "\u{308}", "-", "'", "\u{3000}", "Å", "A\u{30A}", "\u{212B}",
        ]);
        let reference_clean = |raw: &str| -> String {
            let out = squeeze(raw.nfc(), raw.len());
            out.nfc().collect()
        };
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&prop::collection::vec(piece, 0..12), |parts| {
                let raw = parts.concat();
                prop_assert_eq!(clean(&raw), reference_clean(&raw));
                let folded: String = {
                    let nfc: String = raw.nfc().collect();
                    fold(&nfc)
                };
                prop_assert_eq!(fold(&raw), folded);
                Ok(())
            })
            .unwrap();
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
