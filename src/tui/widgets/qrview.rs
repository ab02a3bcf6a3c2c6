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
}

impl QrView {
    pub fn new(about: Vec<String>, hc1: String) -> QrView {
        QrView {
            about,
            hc1,
            as_text: false,
            graphics: graphics::detected(),
            frames: Default::default(),
        }
    }

    /// The same view for a terminal that shows `graphics` (tests, or a terminal asked again).
    pub fn with_graphics(mut self, graphics: Graphics) -> QrView {
        self.graphics = graphics;
        self
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        super::clear_for_popup(frame, area);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(" Certificate ", theme.title()));
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
                    format!("No QR code: {e}"),
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
                Paragraph::new(Span::styled(fit(HINT, inner.width as usize), theme.muted())),
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
                    &format!(
                        "The QR code needs {cols} columns and {} rows; this terminal gives {}x{}. \
                         Enlarge the window, press t to show the certificate as text, or p to \
                         print it.",
                        rows + lines.len() as u16 + 3,
                        frame.area().width,
                        frame.area().height
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
                        &format!(
                            "The certificate text needs {} rows; enlarge the window.",
                            text.len() + 4
                        ),
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
                fit(HINT, inner.width as usize),
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
            fit(HINT, inner.width as usize),
            theme.muted(),
        )));
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// Copies the exact `HC1:` string to the clipboard; says what happened either way.
    pub fn copy(&self) -> Result<String, String> {
        super::clipboard::copy(&self.hc1)?;
        Ok(format!(
            "Copied the certificate text ({} characters). If the clipboard stays empty, this \
             terminal does not allow copying: press t and select the text.",
            self.hc1.chars().count()
        ))
    }
}

/// The keys of the certificate view, under it.
const HINT: &str = "t text / code · c copy · p print · Esc close";

/// What the screen says after `p`: where the certificate went (true), or why it did not
/// (false). A refusal or a failed `lp` or save left no "printed" record.
pub fn printed_message(
    result: Result<certificates::Printed, certificates::ExportError<certificates::PrintFailure>>,
) -> (String, bool) {
    use certificates::{ExportError, Printed};
    match result {
        Ok(Printed::Saved { uvci: _, path }) => {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            let folder = path.parent().unwrap_or(&path).display();
            (format!("No printer is set: saved {file} in {folder}"), true)
        }
        Ok(Printed::Queued { uvci, printer, job }) => {
            let job = if job.is_empty() {
                String::new()
            } else {
                format!(" ({job})")
            };
            (
                format!("Certificate {uvci} was sent to printer {printer}{job}."),
                true,
            )
        }
        Err(ExportError::Refused(e)) => (format!("Not printed: {e}"), false),
        Err(ExportError::Delivery(failure)) => (format!("Not printed: {failure}"), false),
        Err(ExportError::NotRecorded { uvci, source }) => (
            format!(
                "Certificate {uvci} was printed, but the audit log could not record it: {source}"
            ),
            false,
        ),
    }
}
