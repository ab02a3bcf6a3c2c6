//! A single-line text field that measures display width, so the cursor sits exactly after
//! Korean text and an IME shows its preedit in the right place. Text longer than its box
//! scrolls with the cursor, and `…` marks what is out of view on either side.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;

/// How a field shows what was typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shown {
    #[default]
    Plain,
    /// A resident id: the birth date and the next digit show, the rest is hidden as typed.
    ResidentId,
    /// A passphrase: nothing shows.
    Secret,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    value: String,
    /// Cursor position in characters.
    cursor: usize,
    max_chars: usize,
    pub shown: Shown,
}

impl TextField {
    pub fn new(value: &str, max_chars: usize) -> Self {
        TextField {
            value: value.to_string(),
            cursor: value.chars().count(),
            max_chars,
            shown: Shown::Plain,
        }
    }

    /// What the screen shows: the value, or its masked form.
    /// Control, bidi and zero-width characters (pasted) show as `�`, so they are seen and
    /// never reach the terminal.
    pub fn display(&self) -> String {
        match self.shown {
            Shown::Plain => self
                .value
                .chars()
                .map(|c| {
                    if crate::domain::text::is_invisible(c) {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect(),
            Shown::Secret => "•".repeat(self.value.chars().count()),
            Shown::ResidentId => {
                let digits_first = self.value.chars().take(6).all(|c| c.is_ascii_digit());
                let keep = if digits_first { 7 } else { 4 };
                let mut seen = 0;
                self.value
                    .chars()
                    .map(|c| {
                        if !c.is_alphanumeric() {
                            return c;
                        }
                        seen += 1;
                        if seen <= keep { c } else { '•' }
                    })
                    .collect()
            }
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn set(&mut self, value: &str) {
        self.value = value.to_string();
        self.cursor = value.chars().count();
    }

    /// Inserts pasted text at the cursor as it is, control characters included (the form's
    /// checks refuse or clean them where they land), up to the length cap.
    pub fn insert_str(&mut self, text: &str) {
        for c in text.chars() {
            if self.value.chars().count() >= self.max_chars {
                break;
            }
            let at = self.byte_at(self.cursor);
            self.value.insert(at, c);
            self.cursor += 1;
        }
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// Handles an editing key; returns true when the key was used.
    pub fn handle(&mut self, ev: &KeyEvent) -> bool {
        if ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return match ev.code {
                KeyCode::Char('u') => {
                    self.clear();
                    true
                }
                _ => false,
            };
        }
        match ev.code {
            KeyCode::Char(c) if !c.is_control() => {
                if self.value.chars().count() < self.max_chars {
                    let at = self.byte_at(self.cursor);
                    self.value.insert(at, c);
                    self.cursor += 1;
                }
                true
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
                true
            }
            KeyCode::Delete if self.cursor < self.value.chars().count() => {
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
                true
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                true
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(self.value.chars().count());
                true
            }
            KeyCode::Home => {
                self.cursor = 0;
                true
            }
            KeyCode::End => {
                self.cursor = self.value.chars().count();
                true
            }
            KeyCode::Backspace | KeyCode::Delete => true,
            _ => false,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// The most characters the field takes.
    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// `37/200`: how much is typed of how much the field takes.
    pub fn counter(&self) -> String {
        format!("{}/{}", self.value.chars().count(), self.max_chars)
    }

    /// What fits in `width` columns, scrolled so the cursor is in view, with `…` where text
    /// is out of view; and the cursor's column in it.
    pub fn view(&self, width: usize) -> (String, u16) {
        let shown = self.display();
        let col = self.cursor_column() as usize;
        // Everything fits, with a cell for the cursor after the end.
        if super::width(&shown) < width || (super::width(&shown) == width && col < width) {
            return (shown, col as u16);
        }
        if width < 3 {
            return (
                super::fit(&shown, width),
                col.min(width.saturating_sub(1)) as u16,
            );
        }
        // The cursor within the first columns: the start shows, the rest is cut with `…`.
        if col + 2 <= width {
            return (super::fit(&shown, width), col as u16);
        }
        // Otherwise the cursor sits near the right edge, `…` at the left.
        let chars: Vec<char> = shown.chars().collect();
        let at = self.cursor.min(chars.len());
        // Room after the cursor: the character under it, and `…` when more follows.
        let under = chars.get(at).map_or(1, |c| c.width().unwrap_or(0).max(1));
        let after_w: usize = chars[at..].iter().map(|c| c.width().unwrap_or(0)).sum();
        let reserve = if after_w <= under { under } else { under + 1 };
        let room = width.saturating_sub(1 + reserve);
        let mut start = at;
        let mut used = 0;
        while start > 0 {
            let w = chars[start - 1].width().unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            start -= 1;
        }
        let before: String = chars[start..at].iter().collect();
        let after: String = chars[at..].iter().collect();
        let rest = width - 1 - used;
        let out = format!("…{before}{}", super::fit(&after, rest));
        (out, (1 + used) as u16)
    }

    /// Columns from the start of the shown text to the cursor.
    pub fn cursor_column(&self) -> u16 {
        self.display()
            .chars()
            .take(self.cursor)
            .map(|c| c.width().unwrap_or(0))
            .sum::<usize>() as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn ids_and_passphrases_are_masked_as_typed() {
        let mut f = TextField::new("900101-1234567", 32);
        f.shown = Shown::ResidentId;
        assert_eq!(f.display(), "900101-1••••••");
        assert_eq!(f.value(), "900101-1234567");
        f.set("9001011234567");
        assert_eq!(f.display(), "9001011••••••");
        f.set("M48211199");
        assert_eq!(f.display(), "M482•••••");
        f.set("김민준 pass");
        f.shown = Shown::Secret;
        assert_eq!(f.display(), "••••••••");
        assert_eq!(f.cursor_column(), 8);
    }

    #[test]
    fn edits_and_measures_korean_width() {
        let mut f = TextField::new("", 10);
        for c in "김민준".chars() {
            f.handle(&key(KeyCode::Char(c)));
        }
        assert_eq!(f.value(), "김민준");
        assert_eq!(f.cursor_column(), 6);
        f.handle(&key(KeyCode::Left));
        f.handle(&key(KeyCode::Backspace));
        assert_eq!(f.value(), "김준");
        assert_eq!(f.cursor_column(), 2);
        f.handle(&key(KeyCode::End));
        assert_eq!(f.cursor_column(), 4);
    }

    /// Types `n` characters of `text` repeated.
    fn typed(text: &str, n: usize, max: usize) -> TextField {
        let mut f = TextField::new("", max);
        for c in text.chars().cycle().take(n) {
            f.handle(&key(KeyCode::Char(c)));
        }
        f
    }

    #[test]
    fn long_text_scrolls_with_the_cursor_and_marks_what_is_out_of_view() {
        let f = typed("abcdefghij", 37, 200);
        assert_eq!(f.counter(), "37/200");
        // Short enough: shown whole, the cursor after it.
        assert_eq!(f.view(40), (f.value().to_string(), 37));
        // Longer than the box: the end shows, `…` before it, the cursor in view.
        let (shown, col) = f.view(20);
        assert_eq!(super::super::width(&shown), 19);
        assert!(
            shown.starts_with('…') && shown.ends_with("abcdefg"),
            "{shown}"
        );
        assert_eq!(col, 19);
        // Home: the start shows, `…` after it.
        let mut home = f.clone();
        home.handle(&key(KeyCode::Home));
        let (shown, col) = home.view(20);
        assert_eq!(shown, "abcdefghijabcdefghi…");
        assert_eq!(col, 0);
        // In the middle: both ends marked, the cursor within the box.
        let mut mid = f.clone();
        for _ in 0..10 {
            mid.handle(&key(KeyCode::Left));
        }
        let (shown, col) = mid.view(20);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(col, 18);
        // The character under the cursor shows, not a mark.
        assert_eq!(shown.chars().nth(18), Some('h'));
        assert_eq!(super::super::width(&shown), 20);
    }

    #[test]
    fn korean_text_scrolls_by_display_width() {
        let f = typed("김민준", 30, 200);
        for width in [3, 4, 5, 10, 21] {
            let (shown, col) = f.view(width);
            assert!(super::super::width(&shown) <= width, "{shown} in {width}");
            assert!(usize::from(col) < width, "cursor {col} in {width}");
        }
    }

    #[test]
    fn respects_the_length_cap() {
        let mut f = TextField::new("abc", 3);
        f.handle(&key(KeyCode::Char('d')));
        assert_eq!(f.value(), "abc");
    }
}
