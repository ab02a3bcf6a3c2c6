//! Small widgets shared by every screen: text fields, forms, popups, toasts.

pub mod field;
pub mod form;
pub mod popup;
pub mod qrview;

use unicode_width::UnicodeWidthStr;

/// Display width of a string (Korean characters take two columns).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Breaks `s` into lines of at most `max` columns, at spaces where possible.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = vec![];
    let mut line = String::new();
    for word in s.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word longer than a line is cut where it must be.
        let mut rest = word.to_string();
        while width(&rest) > max {
            let mut head = String::new();
            for c in rest.chars() {
                if width(&head) + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > max {
                    break;
                }
                head.push(c);
            }
            rest = rest[head.len()..].to_string();
            lines.push(head);
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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
