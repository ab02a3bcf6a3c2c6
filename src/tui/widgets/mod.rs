//! Small widgets shared by every screen: text fields, forms, popups, toasts.

pub mod field;
pub mod form;
pub mod popup;

use unicode_width::UnicodeWidthStr;

/// Display width of a string (Korean characters take two columns).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, marking a cut with `…`.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
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
