//! Base45 (RFC 9285), the text layer of an HC1 string: it packs bytes into the 45 characters
//! a QR code's alphanumeric mode stores compactly.
//!
//! Written here rather than taken from a crate because decoding must be strict: a 2-character
//! group above 255 or a 3-character group above 65535 is an error, never silently truncated.

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
