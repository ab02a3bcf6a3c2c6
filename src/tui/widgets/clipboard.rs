//! Copying text to the user's clipboard through the terminal: an OSC 52 sequence
//! (`ESC ] 52 ; c ; <base64> ESC \`), which works over SSH and needs no clipboard program.
//!
//! Whether the terminal honours it cannot be asked reliably (many ignore it, tmux needs
//! `set-clipboard on`), so the desk says what it did and that the terminal may not allow it.
//! The bytes go through a per-thread sink: the terminal (stdout) by default, a buffer in tests.

use base64::Engine;
use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::rc::Rc;

type Sink = Rc<RefCell<Vec<u8>>>;

thread_local! {
    /// Where this thread's terminal writes go instead of stdout (tests).
    static CAPTURE: RefCell<Option<Sink>> = const { RefCell::new(None) };
}

/// The OSC 52 sequence that puts `text` on the system clipboard.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x1b\\")
}

/// Why nothing was copied.
#[derive(Debug)]
pub enum CopyError {
    /// The desk's output is not a terminal.
    NoTerminal,
    /// Writing to the terminal failed (the error as the system said it).
    Refused(String),
}

/// Writes `text` to the clipboard through the terminal. An error says why nothing was sent.
pub fn copy(text: &str) -> Result<(), CopyError> {
    let seq = osc52(text);
    if let Some(sink) = CAPTURE.with(|c| c.borrow().clone()) {
        sink.borrow_mut().extend_from_slice(seq.as_bytes());
        return Ok(());
    }
    let mut out = std::io::stdout();
    if !out.is_terminal() {
        return Err(CopyError::NoTerminal);
    }
    out.write_all(seq.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CopyError::Refused(e.to_string()))
}

/// What [`copy`] wrote on this thread while the capture lives (for tests).
pub struct Captured(Sink);

impl Captured {
    /// Everything written so far, as text.
    pub fn written(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

impl Drop for Captured {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}

/// Sends this thread's terminal writes to a buffer instead of stdout until the result drops.
pub fn capture() -> Captured {
    let sink: Sink = Rc::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(Rc::clone(&sink)));
    Captured(sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_carries_the_text_exactly() {
        assert_eq!(osc52("HC1:A B"), "\x1b]52;c;SEMxOkEgQg==\x1b\\");
        let seen = capture();
        copy("김 민준").unwrap();
        let written = seen.written();
        let b64 = written
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix("\x1b\\"))
            .unwrap();
        let back = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert_eq!(String::from_utf8(back).unwrap(), "김 민준");
    }
}
