//! The HC1 string around a signed certificate: `"HC1:" + Base45(zlib(COSE bytes))`.
//!
//! Each layer is its own function so that `verify` can report which one failed.

use super::base45;
use std::io::{Read, Write};

/// The context identifier of an EU DCC ("health certificate, version 1").
pub const PREFIX: &str = "HC1:";

/// A signed certificate is a few kilobytes; anything inflating past this is refused rather
/// than read into memory (a "zip bomb" in a QR code).
pub const MAX_INFLATED: usize = 256 * 1024;

/// Why an HC1 string did not decode, by layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Prefix(String),
    Base45(String),
    Zlib(String),
}

/// The Base45 text after the prefix.
pub fn strip_prefix(text: &str) -> Result<&str, String> {
    if let Some(rest) = text.strip_prefix(PREFIX) {
        return Ok(rest);
    }
    let start: String = text.chars().take(4).collect();
    Err(if text.is_empty() {
        "the input is empty".into()
    } else if start.eq_ignore_ascii_case(PREFIX) {
        format!("it starts with {start:?}; the prefix is upper case {PREFIX:?}")
    } else {
        format!("it starts with {start:?}, not {PREFIX:?}")
    })
}

/// zlib-inflates, refusing more than [`MAX_INFLATED`] bytes and any data after the stream.
pub fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    if data.first().is_some_and(|&b| b & 0x0f != 8) {
        return Err("not zlib data (no deflate header)".into());
    }
    let mut decoder = flate2::read::ZlibDecoder::new(data);
    let mut out = Vec::new();
    (&mut decoder)
        .take(MAX_INFLATED as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("broken zlib data: {e}"))?;
    if out.len() > MAX_INFLATED {
        return Err(format!("inflates to more than {MAX_INFLATED} bytes"));
    }
    if decoder.total_in() != data.len() as u64 {
        return Err(format!(
            "{} byte(s) after the end of the zlib stream",
            data.len() as u64 - decoder.total_in()
        ));
    }
    Ok(out)
}

/// zlib at the best compression: the QR code gets smaller.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    z.write_all(data).expect("zlib into memory");
    z.finish().expect("zlib into memory")
}

/// The HC1 string of signed COSE bytes (for issuing).
pub fn encode(cose: &[u8]) -> String {
    format!("{PREFIX}{}", base45::encode(&deflate(cose)))
}

/// The COSE bytes inside an HC1 string.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let b45 = strip_prefix(text).map_err(DecodeError::Prefix)?;
    let zlib = base45::decode(b45).map_err(DecodeError::Base45)?;
    inflate(&zlib).map_err(DecodeError::Zlib)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let data = b"any bytes at all \x00\xff".repeat(20);
        let text = encode(&data);
        assert!(text.starts_with("HC1:"));
        assert_eq!(decode(&text).unwrap(), data);
    }

    #[test]
    fn each_layer_names_its_failure() {
        assert!(matches!(decode("HL0:ABC"), Err(DecodeError::Prefix(_))));
        assert!(
            matches!(decode("hc1:ABC"), Err(DecodeError::Prefix(m)) if m.contains("upper case"))
        );
        assert!(matches!(decode("HC1:A"), Err(DecodeError::Base45(_))));
        assert!(matches!(decode("HC1:BB8"), Err(DecodeError::Zlib(_))));
        let mut z = deflate(b"payload");
        z.push(0);
        let text = format!("HC1:{}", base45::encode(&z));
        assert!(matches!(decode(&text), Err(DecodeError::Zlib(m)) if m.contains("after the end")));
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let text = encode(&vec![0u8; MAX_INFLATED + 1]);
        assert!(matches!(decode(&text), Err(DecodeError::Zlib(m)) if m.contains("more than")));
    }
}
