//! A CSV file's bytes as UTF-8 text, decoded as a stream: what Korean Excel saves is
//! CP949/EUC-KR, what other tools save is UTF-8, often with a byte-order mark. encoding_rs
//! does the decoding (its EUC-KR is the WHATWG one, which is CP949, the Unified Hangul Code).
//!
//! `auto` decides before the import starts, in the same pass that takes the file's digest:
//! a BOM or bytes that are valid UTF-8 throughout mean UTF-8, anything else CP949.

use encoding_rs::{DecoderResult, EUC_KR, Encoding, UTF_8};
use sha2::{Digest, Sha256};
use std::io::{self, Read};

/// How a file's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 with or without a BOM, else CP949.
    Auto,
    Utf8,
    Cp949,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Auto => "auto",
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Cp949 => "CP949",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Cp949 => EUC_KR,
            _ => UTF_8,
        }
    }
}

/// What the first pass learnt: the digest of the bytes, about how many lines there are, and
/// (for `auto`) the encoding.
pub struct Survey {
    pub digest: String,
    pub lines: u64,
    pub encoding: TextEncoding,
}

const CHUNK: usize = 64 * 1024;

/// Reads the whole file once: its SHA-256, its line count, and whether it is UTF-8.
pub fn survey(mut file: impl Read, asked: TextEncoding) -> io::Result<Survey> {
    let mut hash = Sha256::new();
    let mut lines = 0u64;
    let mut buf = vec![0u8; CHUNK];
    let mut scratch = vec![0u8; CHUNK * 3 + 16];
    let mut utf8 = (asked == TextEncoding::Auto).then(|| UTF_8.new_decoder_with_bom_removal());
    let mut is_utf8 = true;
    loop {
        let n = read_some(&mut file, &mut buf)?;
        let chunk = &buf[..n];
        hash.update(chunk);
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        if let Some(d) = utf8.as_mut().filter(|_| is_utf8) {
            let mut src = chunk;
            loop {
                let (result, read, _) =
                    d.decode_to_utf8_without_replacement(src, &mut scratch, n == 0);
                src = &src[read..];
                match result {
                    DecoderResult::InputEmpty => break,
                    DecoderResult::OutputFull => continue,
                    DecoderResult::Malformed(..) => {
                        is_utf8 = false;
                        break;
                    }
                }
            }
        }
        if n == 0 {
            break;
        }
    }
    let encoding = match asked {
        TextEncoding::Auto if is_utf8 => TextEncoding::Utf8,
        TextEncoding::Auto => TextEncoding::Cp949,
        other => other,
    };
    Ok(Survey {
        digest: hash.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        lines,
        encoding,
    })
}

fn read_some(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Bytes that are not text in the encoding, at this line (1-based).
#[derive(Debug)]
pub struct NotText {
    pub line: u64,
    pub encoding: TextEncoding,
}

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not {} text", self.encoding.name())?;
        if self.encoding == TextEncoding::Utf8 {
            f.write_str(" (a Korean spreadsheet saves CP949: try --encoding cp949)")?;
        }
        Ok(())
    }
}

impl std::error::Error for NotText {}

/// A reader giving the file's text as UTF-8; a malformed byte is an [`io::Error`] wrapping
/// [`NotText`].
pub struct Decoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: TextEncoding,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
    lines: u64,
    failed: bool,
}

impl<R: Read> Decoded<R> {
    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        Decoded {
            inner,
            decoder: encoding.encoding().new_decoder_with_bom_removal(),
            encoding,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            done: false,
            lines: 0,
            failed: false,
        }
    }

    fn not_text(&mut self) -> io::Error {
        self.failed = true;
        io::Error::new(
            io::ErrorKind::InvalidData,
            NotText {
                line: self.lines + 1,
                encoding: self.encoding,
            },
        )
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(self.not_text());
        }
        loop {
            if self.done || out.is_empty() {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.end = read_some(&mut self.inner, &mut self.buf)?;
                self.start = 0;
                self.eof = self.end == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.buf[self.start..self.end],
                out,
                self.eof,
            );
            self.start += read;
            self.lines += out[..written].iter().filter(|b| **b == b'\n').count() as u64;
            match result {
                DecoderResult::Malformed(..) => {
                    if written > 0 {
                        // What came before the bad bytes first; the error on the next call.
                        self.failed = true;
                        return Ok(written);
                    }
                    return Err(self.not_text());
                }
                DecoderResult::InputEmpty if self.eof => {
                    self.done = true;
                    return Ok(written);
                }
                _ if written > 0 => return Ok(written),
                DecoderResult::OutputFull => {
                    // Smaller than one character: the caller's buffer is too small.
                    return Err(io::Error::other("read buffer too small for decoding"));
                }
                DecoderResult::InputEmpty => {}
            }
        }
    }
}
