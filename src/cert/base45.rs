//! Base45 (RFC 9285), the text layer of an HC1 string: it packs bytes into the 45 characters
//! a QR code's alphanumeric mode stores compactly.
//!
//! Written here rather than taken from a crate because decoding must be strict: a 2-character
//! group above 255 or a 3-character group above 65535 is an error, never silently truncated.
//! The `base45` crate (3.2.0) gets the final group wrong: it turns a final 2-character group
//! into a byte with `as u8`, so `V5` (31 + 5 × 45 = 256) decodes to the byte 0 and `::`
//! (2024) to 232 instead of being refused, and a damaged HC1 string would reach the zlib and
//! COSE layers as other bytes. Its one error value also names no character or position; ours
//! does, and `vaxdesk verify` shows it.

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Each 2 bytes become 3 characters, a final single byte 2, least significant digit first.
pub fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(2) * 3);
    for chunk in input.chunks(2) {
        let (mut n, digits) = match *chunk {
            [a, b] => (u32::from(a) * 256 + u32::from(b), 3),
            [a] => (u32::from(a), 2),
            _ => unreachable!("chunks(2) yields one or two bytes"),
        };
        for _ in 0..digits {
            out.push(char::from(ALPHABET[(n % 45) as usize]));
            n /= 45;
        }
    }
    out
}

/// The reverse of [`encode`]; the error says which character or group is wrong.
pub fn decode(input: &str) -> Result<Vec<u8>, String> {
    let bytes = input.as_bytes();
    let value = |i: usize| -> Result<u32, String> {
        let c = bytes[i];
        ALPHABET
            .iter()
            .position(|&a| a == c)
            .map(|p| p as u32)
            .ok_or_else(|| match input.get(i..).and_then(|s| s.chars().next()) {
                Some(ch) => format!("character {ch:?} at position {} is not Base45", i + 1),
                None => format!("byte {c:#04x} at position {} is not Base45", i + 1),
            })
    };
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for start in (0..bytes.len()).step_by(3) {
        match bytes.len() - start {
            1 => {
                return Err(format!(
                    "{} characters: a Base45 text never leaves a single character over",
                    bytes.len()
                ));
            }
            2 => {
                let n = value(start)? + value(start + 1)? * 45;
                let n = u8::try_from(n).map_err(|_| {
                    format!("the final pair at position {} is out of range", start + 1)
                })?;
                out.push(n);
            }
            _ => {
                let n = value(start)? + value(start + 1)? * 45 + value(start + 2)? * 2025;
                let n = u16::try_from(n)
                    .map_err(|_| format!("the group at position {} is out of range", start + 1))?;
                out.extend_from_slice(&n.to_be_bytes());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"ietf!"), "QED8WEX0");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(decode("%69 VD92EX0").unwrap(), b"Hello!!");
        assert_eq!(decode("").unwrap(), b"");
    }

    #[test]
    fn a_final_group_above_255_is_refused_where_the_crate_truncates_it() {
        // 255 is the largest byte a final pair may hold; 256 and up are damage.
        assert_eq!(decode("U5").unwrap(), [255]);
        assert_eq!(decode("BB8U5").unwrap(), b"AB\xff");
        for damaged in ["V5", "::", "BB8V5"] {
            let e = decode(damaged).unwrap_err();
            assert!(
                e.contains("final pair") && e.contains("out of range"),
                "{e}"
            );
        }
        // Why this module exists: the crate silently makes other bytes of the same text.
        assert_eq!(base45::decode("V5"), Ok(vec![0]));
        assert_eq!(base45::decode("::"), Ok(vec![232]));
        assert_eq!(base45::decode("BB8V5"), Ok(b"AB\0".to_vec()));
    }

    #[test]
    fn out_of_range_and_bad_characters_are_refused() {
        assert!(decode("GGW").unwrap_err().contains("out of range"));
        assert!(decode("::").unwrap_err().contains("out of range"));
        assert_eq!(decode("U5").unwrap(), [255]);
        assert!(decode("V5").unwrap_err().contains("out of range"));
        assert!(decode("BB8A").unwrap_err().contains("single character"));
        assert!(decode("bb8").unwrap_err().contains("'b'"));
        assert!(decode("B\u{e9}8").unwrap_err().contains("not Base45"));
    }
}
