//! Small widgets shared by every screen: text fields, forms, popups, toasts.

pub mod clipboard;
pub mod field;
pub mod form;
pub mod graphics;
pub mod popup;
pub mod qrview;

use unicode_width::UnicodeWidthStr;

/// Display width of a string (Korean characters take two columns).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Breaks `s` into lines of at most `max` columns, at spaces where possible.
///
/// `textwrap` measures each character's display width (Hangul takes two columns) and cuts a
/// word longer than a line; a character wider than the whole line gets a line of its own, so
/// this always ends. Words are not split at hyphens: an id such as `900101-1******` stays
/// whole when it fits.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let options = textwrap::Options::new(max.max(1))
        .break_words(true)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    // Leading spaces are dropped, as before: `wrap_indented` keeps an indent on purpose.
    textwrap::wrap(s.trim_start_matches(' '), options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

/// Breaks `s` like [`wrap`], keeping its leading spaces on every line: a wrapped line of an
/// indented text (a detail pane, the kiosk's notes) lines up under its first line.
pub fn wrap_indented(s: &str, max: usize) -> Vec<String> {
    let body = s.trim_start_matches(' ');
    let indent = &s[..s.len() - body.len()];
    // An indent that leaves no room for text is dropped rather than kept at any cost.
    let indent = if width(indent) * 2 > max { "" } else { indent };
    wrap(body, max.saturating_sub(width(indent)))
        .into_iter()
        .map(|l| format!("{indent}{l}"))
        .collect()
}

/// Cuts `s` into pieces of at most `max` columns, in order, dropping nothing: joined they give
/// `s` back exactly (spaces included). A character wider than `max` gets a piece of its own,
/// so this always ends.
pub fn chunks(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = vec![];
    let mut piece = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > max && !piece.is_empty() {
            out.push(std::mem::take(&mut piece));
            w = 0;
        }
        piece.push(c);
        w += cw;
    }
    if !piece.is_empty() || out.is_empty() {
        out.push(piece);
    }
    out
}

/// Clears `area` for a popup, including a double-width character just left of it whose
/// second half would otherwise cover the popup's left border.
pub fn clear_for_popup(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect) {
    frame.render_widget(ratatui::widgets::Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in area.y..area.y + area.height {
        if let Some(cell) = buf.cell_mut((area.x - 1, y))
            && width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// Cuts `s` to at most `max` columns, marking a cut with `…`.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// A stored UTC stamp as the desk's local time, `YYYY-MM-DD HH:MM`.
pub fn local_time(stamp: &str) -> String {
    crate::domain::clock::parse_stamp(stamp)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| stamp.to_string())
}

/// A stored UTC stamp as the desk's local date.
pub fn local_date(stamp: &str) -> String {
    local_time(stamp).chars().take(10).collect()
}

/// `s` fitted and padded to exactly `w` columns (table cells that align with Korean names).
pub fn cell(s: &str, w: usize) -> String {
    let f = fit(s, w);
    let pad = w.saturating_sub(width(&f));
    format!("{f}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_ends_for_a_double_width_character_wider_than_the_line() {
        // Before: `wrap("김민준", 1)` never returned (no character fits one column).
        assert_eq!(wrap("김민준", 1), vec!["김", "민", "준"]);
        assert_eq!(wrap("a 김", 1), vec!["a", "김"]);
        assert_eq!(wrap("김민준 abc", 3), vec!["김", "민", "준", "abc"]);
        assert_eq!(wrap("", 5), vec![""]);
    }

    #[test]
    fn wrap_cuts_at_spaces_only_and_drops_leading_spaces() {
        // A hyphenated id is one word: it moves to the next line whole.
        assert_eq!(wrap("id 900101-1******", 14), vec!["id", "900101-1******"]);
        assert_eq!(wrap("  Lot  AB-12", 6), vec!["Lot", "AB-12"]);
        // A line break in a message starts a new line.
        assert_eq!(wrap("first\nsecond", 20), vec!["first", "second"]);
    }

    #[test]
    fn wrap_keeps_every_word_and_the_width() {
        let text = "Issuance is delayed at the moment. 김민준 님의 신청은 접수되었습니다.";
        for max in 1..40 {
            let lines = wrap(text, max);
            for l in &lines {
                assert!(width(l) <= max.max(2), "{l:?} is wider than {max}");
            }
            let words: Vec<&str> = text.split(' ').collect();
            if max >= 16 {
                assert_eq!(lines.join(" ").split(' ').collect::<Vec<_>>(), words);
            }
        }
    }

    #[test]
    fn wrapped_lines_keep_their_indent() {
        let lines = wrap_indented(" Reason: the lot number was entered for the wrong dose", 24);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(l.starts_with(' ') && !l.starts_with("  "), "{l:?}");
            assert!(width(l) <= 24);
        }
    }

    #[test]
    fn chunks_drop_nothing() {
        let hc1 = "HC1:6BF OX2 0 9A -1";
        for max in 1..8 {
            let pieces = chunks(hc1, max);
            assert_eq!(pieces.concat(), hc1);
            assert!(pieces.iter().all(|p| width(p) <= max));
        }
        assert_eq!(chunks("김민", 1), vec!["김", "민"]);
    }

    #[test]
    fn fit_marks_a_cut_and_counts_hangul_double() {
        assert_eq!(fit("김민준", 6), "김민준");
        assert_eq!(fit("김민준", 5), "김민…");
        assert_eq!(fit("김민준", 4), "김…");
        assert_eq!(width(&cell("김민준 Müller", 8)), 8);
    }
}
