//! Machine-readable names (ICAO 9303): upper case `A-Z` with `<` between words.
//!
//! The desk suggests a transliteration when a citizen is registered; staff may edit it. Latin
//! letters follow ICAO 9303 part 3 (Ä → AE, ß → SS, other marks dropped); Hangul follows the
//! Revised Romanization syllable by syllable, the way Korean passports write given names, with
//! the customary passport spellings for the common family names (김 → KIM, 이 → LEE).

use super::Refusal;
use unicode_normalization::UnicodeNormalization;

/// Longest machine-readable name part the certificate schema accepts.
pub const MAX: usize = 80;

/// Checks an edited machine-readable name against the schema pattern `^[A-Z<]*$`.
pub fn validate(field: &'static str, value: &str) -> Result<String, Refusal> {
    let v = value.trim().to_ascii_uppercase().replace([' ', '-'], "<");
    if let Some(c) = v.chars().find(|c| !(c.is_ascii_uppercase() || *c == '<')) {
        return Err(Refusal::input(
            field,
            format!("{field}: '{c}' is not allowed; use the letters A-Z and '<' only"),
        ));
    }
    if v.len() > MAX {
        return Err(Refusal::input(
            field,
            format!("{field}: too long ({} characters, at most {MAX})", v.len()),
        ));
    }
    Ok(v)
}

/// Suggests the machine-readable form of a family name.
pub fn family_name(name: &str) -> String {
    let trimmed = name.trim();
    if let Some(s) = KOREAN_FAMILY_NAMES.iter().find(|(h, _)| *h == trimmed) {
        return s.1.to_string();
    }
    transliterate(trimmed)
}

/// Suggests the machine-readable form of a given name.
pub fn given_name(name: &str) -> String {
    transliterate(name.trim())
}

/// Transliterates any text: Latin per ICAO 9303, Hangul per Revised Romanization; separators
/// become `<`; characters with no transliteration are left out.
pub fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_uppercase());
        } else if c == ' ' || c == '-' || c == ',' {
            if !out.is_empty() && !out.ends_with('<') {
                out.push('<');
            }
        } else if let Some(s) = hangul(c) {
            out.push_str(&s);
        } else if let Some(s) = latin(c) {
            out.push_str(s);
        } else {
            // Any other Latin letter with marks (Vietnamese ễ, ị, ...): keep the base letter.
            out.extend(
                c.nfd()
                    .filter(char::is_ascii_alphabetic)
                    .map(|b| b.to_ascii_uppercase()),
            );
        }
    }
    while out.ends_with('<') {
        out.pop();
    }
    out.truncate(MAX);
    out
}

fn latin(c: char) -> Option<&'static str> {
    let upper: String = c.to_uppercase().collect();
    let s = match upper.as_str() {
        "Ä" | "Æ" => "AE",
        "Ö" | "Ø" | "Œ" => "OE",
        "Ü" => "UE",
        "Å" => "AA",
        "ß" | "ẞ" | "SS" => "SS",
        "Þ" => "TH",
        "Ĳ" => "IJ",
        "Ð" | "Đ" | "Ď" => "D",
        "À" | "Á" | "Â" | "Ã" | "Ā" | "Ă" | "Ą" => "A",
        "Ç" | "Ć" | "Ĉ" | "Ċ" | "Č" => "C",
        "È" | "É" | "Ê" | "Ë" | "Ē" | "Ĕ" | "Ė" | "Ę" | "Ě" => "E",
        "Ĝ" | "Ğ" | "Ġ" | "Ģ" => "G",
        "Ĥ" | "Ħ" => "H",
        "Ì" | "Í" | "Î" | "Ï" | "Ĩ" | "Ī" | "Ĭ" | "Į" | "İ" | "I" => "I",
        "Ĵ" => "J",
        "Ķ" => "K",
        "Ĺ" | "Ļ" | "Ľ" | "Ŀ" | "Ł" => "L",
        "Ñ" | "Ń" | "Ņ" | "Ň" => "N",
        "Ò" | "Ó" | "Ô" | "Õ" | "Ō" | "Ŏ" | "Ő" => "O",
        "Ŕ" | "Ŗ" | "Ř" => "R",
        "Ś" | "Ŝ" | "Ş" | "Š" | "Ș" => "S",
        "Ţ" | "Ť" | "Ŧ" | "Ț" => "T",
        "Ù" | "Ú" | "Û" | "Ũ" | "Ū" | "Ŭ" | "Ů" | "Ű" | "Ų" => "U",
        "Ŵ" => "W",
        "Ý" | "Ÿ" | "Ŷ" => "Y",
        "Ź" | "Ż" | "Ž" => "Z",
        _ => return None,
    };
    Some(s)
}

const INITIALS: [&str; 19] = [
    "G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "", "J", "JJ", "CH", "K", "T", "P",
    "H",
];
const VOWELS: [&str; 21] = [
    "A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WO", "WE",
    "WI", "YU", "EU", "UI", "I",
];
const FINALS: [&str; 28] = [
    "", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P", "P",
    "T", "T", "NG", "T", "T", "K", "T", "P", "T",
];

/// One precomposed Hangul syllable, romanised on its own.
fn hangul(c: char) -> Option<String> {
    let s = (c as u32).checked_sub(0xAC00)?;
    if s >= 11172 {
        return None;
    }
    let (l, v, t) = (s / 588, (s % 588) / 28, s % 28);
    // A syllable-initial ㄹ is written R, a final one L (Revised Romanization).
    Some(format!(
        "{}{}{}",
        INITIALS[l as usize], VOWELS[v as usize], FINALS[t as usize]
    ))
}

/// Customary passport spellings of the most common Korean family names.
const KOREAN_FAMILY_NAMES: &[(&str, &str)] = &[
    ("김", "KIM"),
    ("이", "LEE"),
    ("박", "PARK"),
    ("최", "CHOI"),
    ("정", "JUNG"),
    ("강", "KANG"),
    ("조", "CHO"),
    ("윤", "YOON"),
    ("장", "JANG"),
    ("임", "LIM"),
    ("오", "OH"),
    ("신", "SHIN"),
    ("권", "KWON"),
    ("황", "HWANG"),
    ("안", "AHN"),
    ("유", "YOO"),
    ("류", "RYU"),
    ("노", "NOH"),
    ("우", "WOO"),
    ("문", "MOON"),
    ("배", "BAE"),
    ("백", "BAEK"),
    ("허", "HEO"),
    ("남", "NAM"),
    ("심", "SHIM"),
    ("곽", "KWAK"),
    ("성", "SUNG"),
    ("차", "CHA"),
    ("주", "JOO"),
    ("구", "KOO"),
    ("전", "JEON"),
    ("선우", "SUNWOO"),
    ("남궁", "NAMGOONG"),
    ("제갈", "JEGAL"),
    ("황보", "HWANGBO"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_examples() {
        assert_eq!(family_name("Musterfrau-Gößinger"), "MUSTERFRAU<GOESSINGER");
        assert_eq!(family_name("Smith-Jones"), "SMITH<JONES");
        assert_eq!(given_name("Charles Edward"), "CHARLES<EDWARD");
        assert_eq!(family_name("Červenková Panklová"), "CERVENKOVA<PANKLOVA");
        assert_eq!(given_name("Gabriele"), "GABRIELE");
        assert_eq!(family_name("Nguyễn"), "NGUYEN");
        assert_eq!(given_name("Thị Mai"), "THI<MAI");
    }

    #[test]
    fn korean_names() {
        assert_eq!(family_name("김"), "KIM");
        assert_eq!(family_name("이"), "LEE");
        assert_eq!(given_name("민준"), "MINJUN");
        assert_eq!(given_name("서연"), "SEOYEON");
        assert_eq!(given_name("지혜"), "JIHYE");
        assert_eq!(family_name("독고"), "DOKGO");
        assert_eq!(given_name("하늘"), "HANEUL");
    }

    #[test]
    fn validates_edits() {
        assert_eq!(validate("family_name_icao", "kim").unwrap(), "KIM");
        assert_eq!(validate("given_name_icao", "min jun").unwrap(), "MIN<JUN");
        let e = validate("given_name_icao", "MIN1").unwrap_err();
        assert_eq!(e.field, "given_name_icao");
        assert!(validate("x", &"A".repeat(81)).is_err());
    }
}
