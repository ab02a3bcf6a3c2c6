//! Popups: a yes/no confirmation, the help list, and toasts.
//!
//! A confirmation that leads to a command is a [`Confirm`]: it owns its target (the record's id
//! and version, captured when it opened) and its text, so a reload behind it changes neither,
//! and when the command is refused because the record moved on, it says so itself.

use super::{fit, width};
use crate::i18n::Lang;
use crate::i18n::tui::{keys as k, widgets as w};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
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

/// What a key did to an open [`Confirm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Run the command on the dialog's target.
    Yes,
    /// Close the dialog; nothing is done.
    Close,
    /// Not an answer: the dialog stays as it is.
    Wait,
}

/// A yes/no question about one record, with that record (`target`) captured when it opened.
#[derive(Debug, Clone)]
pub struct Confirm<T> {
    title: String,
    question: String,
    pub target: T,
    /// Set when the command was refused: what happened instead.
    refused: Option<String>,
    lang: Lang,
}

impl<T> Confirm<T> {
    pub fn new(
        lang: Lang,
        title: impl Into<String>,
        question: impl Into<String>,
        target: T,
    ) -> Self {
        Confirm {
            title: title.into(),
            question: question.into(),
            target,
            refused: None,
            lang,
        }
    }

    pub fn question(&self) -> &str {
        &self.question
    }

    /// True once the command was refused (the dialog then only closes).
    pub fn is_refused(&self) -> bool {
        self.refused.is_some()
    }

    /// The command was refused: the dialog says why, and that nothing was done.
    pub fn refuse(&mut self, why: &str) {
        self.refused = Some(refusal_text(self.lang, why));
    }

    /// What `action` means here. Once refused, yes and no both only close the dialog, so a
    /// second `y` can never act on anything.
    pub fn answer(&self, action: Option<crate::tui::keymap::Action>) -> Answer {
        use crate::tui::keymap::Action;
        match action {
            Some(Action::Yes) if self.refused.is_none() => Answer::Yes,
            Some(Action::Yes | Action::No) => Answer::Close,
            _ => Answer::Wait,
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        match &self.refused {
            None => confirm(frame, area, theme, self.lang, &self.title, &self.question),
            Some(why) => {
                let paragraphs = [
                    (self.question.as_str(), theme.muted()),
                    (why, theme.error()),
                ];
                let keys = w::CLOSE_KEYS.get(self.lang);
                question_box(frame, area, theme, &self.title, &paragraphs, keys);
            }
        }
    }
}

/// A refusal as a sentence that says nothing was done.
pub fn refusal_text(lang: Lang, why: &str) -> String {
    let mut chars = why.trim().chars();
    let mut text: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !text.ends_with('.') {
        text.push('.');
    }
    let done = w::NOTHING_DONE.get(lang);
    let said = match lang {
        Lang::En => text.to_lowercase().contains("nothing was done"),
        Lang::Ko => text.contains(done) || text.contains("아무것도 바꾸지 않았습니다"),
    };
    if !said {
        text.push(' ');
        text.push_str(done);
    }
    text
}

/// Draws a yes/no question.
pub fn confirm(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    lang: Lang,
    title: &str,
    question: &str,
) {
    let paragraphs = [(question, Style::default())];
    let keys = w::YES_NO_KEYS.get(lang);
    question_box(frame, area, theme, title, &paragraphs, keys);
}

/// A box of wrapped paragraphs (a blank line between them), then the keys that answer it;
/// one column is kept free at each side so wrapped text never touches the border.
fn question_box(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    title: &str,
    paragraphs: &[(&str, Style)],
    keys: &str,
) {
    let widest = paragraphs.iter().map(|(t, _)| width(t)).max().unwrap_or(0);
    let w = (widest as u16 + 4).clamp(34, 64).min(area.width);
    let inner = w.saturating_sub(4) as usize;
    let mut text: Vec<Line<'_>> = vec![];
    for (i, (paragraph, style)) in paragraphs.iter().enumerate() {
        if i > 0 {
            text.push(Line::raw(""));
        }
        text.extend(
            super::wrap(paragraph, inner)
                .into_iter()
                .map(|l| Line::from(Span::styled(format!(" {l}"), *style))),
        );
    }
    text.push(Line::raw(""));
    text.push(Line::from(Span::styled(format!(" {keys}"), theme.muted())));
    let r = centered(area, w, text.len() as u16 + 2);
    super::clear_for_popup(frame, r);
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
    lang: Lang,
    hints: &[(Vec<String>, &str)],
    exceptions: &[&str],
) {
    let hints: Vec<(String, &str)> = hints.iter().map(|(k, d)| (k.join("/"), *d)).collect();
    let key_w = hints.iter().map(|(k, _)| width(k)).max().unwrap_or(4) + 2;
    let notes: Vec<String> = exceptions.iter().flat_map(|n| super::wrap(n, 52)).collect();
    let extra = if notes.is_empty() { 0 } else { notes.len() + 1 };
    let h = ((hints.len() + extra) as u16 + 4).min(area.height);
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
    if !notes.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(
            notes
                .into_iter()
                .map(|n| Line::from(Span::styled(n, theme.muted()))),
        );
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        k::HELP_CLOSE.get(lang),
        theme.muted(),
    )));
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(Span::styled(
            format!(" {} ", k::HELP_TITLE.get(lang)),
            theme.title(),
        ))),
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
