//! Popups: a yes/no confirmation, the help list, and toasts.

use super::{fit, width};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Draws a yes/no question.
pub fn confirm(frame: &mut Frame<'_>, area: Rect, theme: &Theme, title: &str, question: &str) {
    let w = (width(question) as u16 + 4).clamp(34, 64).min(area.width);
    let wrapped = super::wrap(question, w.saturating_sub(3) as usize);
    let r = centered(area, w, wrapped.len() as u16 + 4);
    super::clear_for_popup(frame, r);
    let mut text: Vec<Line<'_>> = wrapped
        .into_iter()
        .map(|l| Line::raw(format!(" {l}")))
        .collect();
    text.push(Line::raw(""));
    text.push(Line::from(Span::styled(
        " y / Enter: yes    n / Esc: no",
        theme.muted(),
    )));
    frame.render_widget(
        Paragraph::new(text).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(format!(" {title} "), theme.title())),
        ),
        r,
    );
}

/// Draws the help list: every binding of the current screen with its description.
pub fn help(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    hints: &[(Vec<String>, &'static str)],
) {
    let hints: Vec<(String, &str)> = hints.iter().map(|(k, d)| (k.join("/"), *d)).collect();
    let key_w = hints.iter().map(|(k, _)| width(k)).max().unwrap_or(4) + 2;
    let h = (hints.len() as u16 + 4).min(area.height);
    let r = centered(area, 56, h);
    super::clear_for_popup(frame, r);
    let mut lines: Vec<Line<'_>> = hints
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(
                    format!("{k}{}", " ".repeat(key_w - width(k))),
                    theme.accent(),
                ),
                Span::raw(d.to_string()),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Esc or ? closes this help",
        theme.muted(),
    )));
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(" Keys ", theme.title())),
        ),
        r,
    );
}

/// Draws a short notice in the bottom-right corner of `area`, wrapped to at most three lines.
pub fn toast(frame: &mut Frame<'_>, area: Rect, theme: &Theme, text: &str, ok: bool) {
    let max = area.width.saturating_sub(6).min(70) as usize;
    let mut lines = super::wrap(text, max);
    if lines.len() > 3 {
        lines.truncate(3);
        lines[2] = fit(&format!("{}…", lines[2]), max);
    }
    let w = lines.iter().map(|l| width(l)).max().unwrap_or(0) as u16 + 4;
    let h = lines.len() as u16 + 2;
    if area.height < h || area.width < w {
        return;
    }
    let r = Rect::new(area.x + area.width - w, area.y + area.height - h, w, h);
    super::clear_for_popup(frame, r);
    let style = if ok { theme.success() } else { theme.error() };
    let text: Vec<Line<'_>> = lines
        .into_iter()
        .map(|l| Line::from(Span::styled(format!(" {l}"), style)))
        .collect();
    frame.render_widget(
        Paragraph::new(text).block(Block::default().borders(Borders::ALL).border_style(style)),
        r,
    );
}
