//! A certificate shown as its QR code, with the holder, dose and validity beside it: as a
//! picture where the terminal shows pictures ([`graphics`]), scaled to the panel; else in
//! half-blocks when they fit; else it says what size it needs and offers `p` print and `t`
//! the text form.
//!
//! The text form is the exact `HC1:` string: Base45 has a space in its alphabet, so it is cut
//! at a fixed width and never at spaces, and nothing is dropped; `c` copies it (OSC 52).

use super::graphics::{self, Graphics};
use super::{chunks, fit, wrap};
use crate::app::certificates;
use crate::cert::qr;
use crate::i18n::Lang;
use crate::i18n::tui::app_error;
use crate::i18n::tui::widgets as w;
use crate::tui::screen::Cx;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub struct QrView {
    /// Lines about the certificate: holder, dose, dates, id.
    pub about: Vec<String>,
    pub hc1: String,
    /// Show the `HC1:` text instead of the code.
    pub as_text: bool,
    /// What the terminal can show (as it answered at start).
    pub graphics: Graphics,
    /// Draws so far (a picture sent in one cell is sent again at each draw).
    frames: std::cell::Cell<u64>,
    /// The language of the view's own words.
    pub lang: Lang,
}

impl QrView {
    pub fn new(about: Vec<String>, hc1: String) -> QrView {
        QrView {
            about,
            hc1,
            as_text: false,
            graphics: graphics::detected(),
            frames: Default::default(),
            lang: Lang::En,
        }
    }

    /// The same view with its own words in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> QrView {
        self.lang = lang;
        self
    }

    /// The same view for a terminal that shows `graphics` (tests, or a terminal asked again).
    pub fn with_graphics(mut self, graphics: Graphics) -> QrView {
        self.graphics = graphics;
        self
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        super::clear_for_popup(frame, area);
        let block = Block::default().borders(Borders::ALL).title(Span::styled(
            format!(" {} ", w::CERTIFICATE.get(self.lang)),
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines: Vec<Line<'_>> = self
            .about
            .iter()
            .map(|l| Line::raw(fit(l, inner.width as usize)))
            .collect();
        let code = match qr::encode(&self.hc1) {
            Ok(code) => code,
            Err(e) => {
                lines.push(Line::from(Span::styled(
                    w::no_qr(self.lang, &e.to_string()),
                    theme.error(),
                )));
                frame.render_widget(Paragraph::new(lines), inner);
                return;
            }
        };
        // A picture, where the terminal shows one and it fits between the lines about the
        // certificate (and a blank line) and the keys' hint.
        let top = lines.len() as u16 + 1;
        let room = Rect::new(
            inner.x,
            inner.y + top,
            inner.width,
            inner.height.saturating_sub(top + 1),
        );
        if !self.as_text
            && let (Some(protocol), Some(at)) = (
                self.graphics.protocol,
                graphics::place(&code, room, &self.graphics),
            )
        {
            frame.render_widget(Paragraph::new(lines), inner);
            let hint_at = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
            frame.render_widget(
                Paragraph::new(Span::styled(
                    fit(w::QR_KEYS.get(self.lang), inner.width as usize),
                    theme.muted(),
                )),
                hint_at,
            );
            let n = self.frames.get().wrapping_add(1);
            self.frames.set(n);
            graphics::draw(frame.buffer_mut(), &code, &at, protocol, n);
            return;
        }
        let (cols, rows) = code.cells();
        let room = inner.height.saturating_sub(lines.len() as u16 + 2);
        if self.as_text || cols > inner.width || rows > room {
            if !self.as_text {
                lines.push(Line::raw(""));
                for l in wrap(
                    &w::qr_needs(
                        self.lang,
                        cols,
                        rows + lines.len() as u16 + 3,
                        frame.area().width,
                        frame.area().height,
                    ),
                    inner.width as usize,
                ) {
                    lines.push(Line::from(Span::styled(l, theme.accent())));
                }
            } else {
                // Fixed-width rows that join back to the stored string, spaces included.
                let text = chunks(&self.hc1, inner.width as usize);
                let room = inner.height as usize;
                if lines.len() + text.len() + 3 > room {
                    // The certificate's text matters more than the lines about it.
                    lines.clear();
                }
                if text.len() + 2 > room {
                    for l in wrap(
                        &w::text_needs(self.lang, text.len() + 4),
                        inner.width as usize,
                    ) {
                        lines.push(Line::from(Span::styled(l, theme.accent())));
                    }
                } else {
                    if !lines.is_empty() {
                        lines.push(Line::raw(""));
                    }
                    lines.extend(text.into_iter().map(Line::raw));
                }
            }
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(
                fit(w::QR_KEYS.get(self.lang), inner.width as usize),
                theme.muted(),
            )));
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let pad = (inner.width - cols) / 2;
        let block_style = Style::new().fg(Color::White).bg(Color::Black);
        lines.push(Line::raw(""));
        for l in code.terminal_lines() {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(pad as usize)),
                Span::styled(l, block_style),
            ]));
        }
        lines.push(Line::from(Span::styled(
            fit(w::QR_KEYS.get(self.lang), inner.width as usize),
            theme.muted(),
        )));
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// Copies the exact `HC1:` string to the clipboard; says what happened either way.
    pub fn copy(&self) -> Result<String, String> {
        super::clipboard::copy(&self.hc1).map_err(|e| match (self.lang, e) {
            (_, super::clipboard::CopyError::NoTerminal) => w::NO_TERMINAL.get(self.lang).into(),
            (lang, super::clipboard::CopyError::Refused(e)) => w::copy_refused(lang, &e),
        })?;
        Ok(w::copied(self.lang, self.hc1.chars().count()))
    }
}

/// What the screen says after `p`, in `lang`: where the certificate went (true), or why it did
/// not (false). A refusal or a failed `lp` or save left no "printed" record.
pub fn printed_message(
    lang: Lang,
    result: Result<certificates::Printed, certificates::ExportError<certificates::PrintFailure>>,
) -> (String, bool) {
    use certificates::{ExportError, Printed};
    match result {
        Ok(Printed::Saved { uvci: _, path }) => {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            let folder = path.parent().unwrap_or(&path).display().to_string();
            (w::print_saved(lang, &file, &folder), true)
        }
        Ok(Printed::Queued { uvci, printer, job }) => {
            (w::print_queued(lang, &uvci, &printer, &job), true)
        }
        Err(ExportError::Refused(e)) => (w::not_printed(lang, &app_error(lang, &e)), false),
        Err(ExportError::Delivery(failure)) => (
            w::not_printed(lang, &w::print_failure(lang, &failure)),
            false,
        ),
        Err(ExportError::NotRecorded { uvci, source }) => (
            w::printed_not_recorded(lang, &uvci, &app_error(lang, &source)),
            false,
        ),
    }
}

/// `p`: hands the page made ready to the shell to print (it says "printing…", then the
/// outcome), or says why there is none to print.
pub fn start_print(
    cx: &mut Cx<'_>,
    prepared: Result<certificates::PrintJob, certificates::ExportError<certificates::PrintFailure>>,
) {
    match prepared {
        Ok(job) => cx.print(job),
        Err(e) => {
            let (said, _) = printed_message(cx.lang, Err(e));
            cx.fail(said);
        }
    }
}
