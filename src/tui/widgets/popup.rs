//! Popups: a yes/no confirmation, the help list, and toasts.

use super::{fit, width};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

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
    let w = (width(question) as u16 + 4).clamp(30, 64);
    let lines = (width(question) as u16 / (w - 4)) + 1;
    let r = centered(area, w, lines + 4);
    frame.render_widget(Clear, r);
    let text = vec![
        Line::raw(question.to_string()),
        Line::raw(""),
        Line::from(Span::styled("y / Enter: yes    n / Esc: no", theme.muted())),
    ];
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(format!(" {title} "), theme.title())),
        ),
        r,
    );
}

/// Draws the help list: every binding of the current screen with its description.
pub fn help(frame: &mut Frame<'_>, area: Rect, theme: &Theme, hints: &[(String, &'static str)]) {
    let key_w = hints.iter().map(|(k, _)| width(k)).max().unwrap_or(4) + 2;
    let h = (hints.len() as u16 + 4).min(area.height);
    let r = centered(area, 56, h);
    frame.render_widget(Clear, r);
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

/// Draws a short notice in the bottom-right corner of `area`.
pub fn toast(frame: &mut Frame<'_>, area: Rect, theme: &Theme, text: &str, ok: bool) {
    let text = fit(text, area.width.saturating_sub(4) as usize);
    let w = width(&text) as u16 + 4;
    if area.height < 3 || area.width < w {
        return;
    }
    let r = Rect::new(area.x + area.width - w, area.y + area.height - 3, w, 3);
    frame.render_widget(Clear, r);
    let style = if ok { theme.success() } else { theme.error() };
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(text, style)))
            .block(Block::default().borders(Borders::ALL).border_style(style)),
        r,
    );
}
