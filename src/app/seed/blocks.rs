//! A seed file read a `[[step]]` block at a time, so memory stays flat however long it is.
//!
//! The file is split at top-level `[[step]]` headers; each block is parsed alone, by `toml`
//! or, for a simple `[[step]]` block, by [`super::fast_toml`] to the same fields.
//! A header only counts outside strings and values: a `[[step]]` line inside a multi-line
//! string (`"""`, `'''`) or a multi-line array or inline table does not split. Every byte is
//! hashed on the way (the file's idempotence digest) and checked to be UTF-8, line by line.

use super::fast_toml::{self, FastFields};
use sha2::{Digest, Sha256};
use std::io::BufRead;

/// One piece of the file: the lines before the first header (`step` is false), or one
/// `[[step]]` header and the lines up to the next.
pub struct Block {
    pub text: String,
    /// 1-based line of the file where the block starts.
    pub first_line: usize,
    pub step: bool,
}

/// A block as read: a simple `[[step]]` block's one step, its fields borrowed from the text,
/// or `toml`'s table of anything else.
#[derive(Debug)]
pub enum Parsed<'b> {
    Step(FastFields<'b>),
    Table(toml::Table),
}

impl Block {
    /// The block parsed alone, an error worded with the file's own line numbers.
    pub fn parse(&self) -> Result<Parsed<'_>, String> {
        if self.step
            && let Some(fields) = fast_toml::step_fields(&self.text)
        {
            return Ok(Parsed::Step(fields));
        }
        self.parse_with_toml().map(Parsed::Table)
    }

    /// [`Block::parse`] without the fast path: `toml` reads the block.
    pub fn parse_with_toml(&self) -> Result<toml::Table, String> {
        self.text.parse::<toml::Table>().map_err(|_| {
            // Parsed again behind blank lines: toml then names the line as the file has it.
            let padded = "\n".repeat(self.first_line - 1) + &self.text;
            match padded.parse::<toml::Table>() {
                Err(e) => toml_error(&e),
                Ok(_) => "not valid TOML".to_string(),
            }
        })
    }
}

pub fn toml_error(e: &toml::de::Error) -> String {
    format!("not valid TOML: {}", e.to_string().trim())
}

/// Reads blocks and hashes what it read.
pub struct Blocks<R> {
    reader: R,
    hasher: Sha256,
    /// Lines read so far.
    line: usize,
    scan: Scan,
    /// A header line read while finishing the block before it.
    next_header: Option<String>,
    started: bool,
    line_buf: Vec<u8>,
    line_text: String,
}

impl<R: BufRead> Blocks<R> {
    pub fn new(reader: R) -> Self {
        Blocks {
            reader,
            hasher: Sha256::new(),
            line: 0,
            scan: Scan::default(),
            next_header: None,
            started: false,
            line_buf: Vec::new(),
            line_text: String::new(),
        }
    }

    /// The next block, `None` at the end; an error (not readable, not UTF-8) ends the file.
    pub fn next_block(&mut self) -> Result<Option<Block>, String> {
        let (mut text, step, first_line) = match self.next_header.take() {
            Some(h) => (h, true, self.line),
            None if self.started => return Ok(None),
            None => (String::new(), false, 1),
        };
        self.started = true;
        while self.read_line()? {
            let line = &self.line_text;
            if self.scan.is_step_header(line) {
                self.next_header = Some(line.clone());
                break;
            }
            self.scan.read(line);
            text.push_str(line);
        }
        Ok(Some(Block {
            text,
            first_line,
            step,
        }))
    }

    /// The SHA-256 of every byte read, in hex (call after the last block).
    pub fn digest(self) -> String {
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reads one line into `line_text`; false at the end of the file.
    fn read_line(&mut self) -> Result<bool, String> {
        self.line_buf.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.line_buf)
            .map_err(|e| format!("cannot read: {e}"))?;
        if n == 0 {
            return Ok(false);
        }
        self.line += 1;
        self.hasher.update(&self.line_buf);
        let line = std::str::from_utf8(&self.line_buf)
            .map_err(|e| not_utf8(&self.line_buf, e.valid_up_to(), self.line))?;
        self.line_text.clear();
        self.line_text.push_str(line);
        Ok(true)
    }
}

fn not_utf8(bytes: &[u8], good: usize, line: usize) -> String {
    // Characters before it on its line (all valid), so the column is what an editor shows.
    let column = String::from_utf8_lossy(&bytes[..good]).chars().count() + 1;
    format!(
        "line {line}, column {column}: not UTF-8 text (byte 0x{:02X}); save the file as \
         UTF-8 (a Korean spreadsheet may have saved it as CP949/EUC-KR)",
        bytes[good]
    )
}

/// What carries over from one line to the next: an open multi-line string, open brackets.
#[derive(Default)]
struct Scan {
    /// The quote of an open `"""` or `'''` string.
    string: Option<u8>,
    /// Arrays and inline tables open (TOML 1.1 lets inline tables span lines too).
    depth: usize,
}

impl Scan {
    fn is_step_header(&self, line: &str) -> bool {
        if self.string.is_some() || self.depth > 0 {
            return false;
        }
        // A byte-order mark may open the file.
        let t = line.trim_start_matches('\u{feff}').trim();
        if t == "[[step]]" {
            return true;
        }
        // `[[ step ]]`, `[["step"]]`, a comment after it: toml says what the header names.
        t.starts_with("[[")
            && t.parse::<toml::Table>().is_ok_and(|table| {
                table.len() == 1 && matches!(table.get("step"), Some(toml::Value::Array(_)))
            })
    }

    /// Follows strings, comments and brackets through one line that is not a step header.
    fn read(&mut self, line: &str) {
        let b = line.as_bytes();
        if self.string.is_none() && self.depth == 0 && line.trim_start().starts_with('[') {
            return; // another table's header
        }
        let mut value = false;
        let mut i = 0;
        while i < b.len() {
            if let Some(q) = self.string {
                if q == b'"' && b[i] == b'\\' {
                    i += 2;
                } else if b[i..].starts_with(&[q, q, q]) {
                    i += 3;
                    // Up to two quotes more belong to the string.
                    let mut extra = 0;
                    while extra < 2 && b.get(i) == Some(&q) {
                        i += 1;
                        extra += 1;
                    }
                    self.string = None;
                } else {
                    i += 1;
                }
                continue;
            }
            match b[i] {
                b'#' => return,
                q @ (b'"' | b'\'') => {
                    if b[i..].starts_with(&[q, q, q]) {
                        self.string = Some(q);
                        i += 3;
                        continue;
                    }
                    // A one-line string: to its closing quote or the end of the line.
                    i += 1;
                    while i < b.len() && b[i] != q {
                        i += if q == b'"' && b[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'=' => value = true,
                b'[' | b'{' if value || self.depth > 0 => self.depth += 1,
                b']' | b'}' if self.depth > 0 => self.depth -= 1,
                _ => {}
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(usize, bool, String)> {
        let mut blocks = Blocks::new(text.as_bytes());
        let mut out = vec![];
        while let Some(b) = blocks.next_block().unwrap() {
            out.push((b.first_line, b.step, b.text));
        }
        out
    }

    #[test]
    fn splits_at_step_headers_only() {
        let text = "# seed\n[[step]]\na = 1\n[[ step ]] # two\nb = \"[[step]]\"\n[[step.x]]\n";
        let blocks = split(text);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0], (1, false, "# seed\n".to_string()));
        assert_eq!(blocks[1], (2, true, "[[step]]\na = 1\n".to_string()));
        assert_eq!(blocks[2].0, 4);
        assert!(blocks[2].2.ends_with("[[step.x]]\n"));
    }

    #[test]
    fn a_byte_order_mark_before_the_first_header_is_no_preamble() {
        let blocks = split("\u{feff}[[step]]\na = 1\n");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].2, "");
        assert!(blocks[1].1);
    }

    #[test]
    fn a_header_inside_a_multi_line_string_or_array_does_not_split() {
        for inside in [
            "s = \"\"\"\n[[step]]\n\"\"\"\n",
            "s = '''\n[[step]]\n'''\n",
            "s = \"\"\"a\\\"\"\"\n[[step]]\n\"\"\"\n",
            "s = [\n[[\"step\"]],\n]\n",
            "s = { a = [\n[[\"step\"]]\n] }\n",
        ] {
            let text = format!("[[step]]\n{inside}[[step]]\nz = 1\n");
            let blocks = split(&text);
            assert_eq!(blocks.len(), 3, "{inside}");
            assert_eq!(blocks[1].2, format!("[[step]]\n{inside}"));
            assert!(blocks[1].2.parse::<toml::Table>().is_ok(), "{inside}");
        }
    }

    #[test]
    fn the_digest_is_the_files_bytes_and_bad_bytes_name_line_and_column() {
        let text = "[[step]]\na = 1\n";
        let mut blocks = Blocks::new(text.as_bytes());
        while blocks.next_block().unwrap().is_some() {}
        let want: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(blocks.digest(), want);
        let bad: &[u8] = b"[[step]]\nname = \"\xea\xb9\x80\xff\"\n";
        let mut blocks = Blocks::new(bad);
        let e = loop {
            match blocks.next_block() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("not refused"),
                Err(e) => break e,
            }
        };
        assert!(
            e.starts_with("line 2, column 10: not UTF-8 text (byte 0xFF)"),
            "{e}"
        );
    }

    #[test]
    fn a_block_error_names_the_files_line() {
        let text = "[[step]]\na = 1\n\n[[step]]\nb = = 2\n";
        let mut blocks = Blocks::new(text.as_bytes());
        let mut errors = vec![];
        while let Some(b) = blocks.next_block().unwrap() {
            if let Err(e) = b.parse() {
                errors.push(e);
            }
        }
        assert_eq!(errors.len(), 1);
        let whole = toml_error(&text.parse::<toml::Table>().unwrap_err());
        assert_eq!(errors[0], whole);
    }
}
