//! The audit log as a manager reads it: the page `app::views::audit_page` reads (newest
//! first, a page at a time), the filter form over it (a whole citizen id, an actor, a time),
//! and the line naming the desk of the selected row. Whose record shows as the masked id.

use crate::app::views::audit_page::{AuditPage, AuditQuery};
use crate::app::{AppError, Desk};
use crate::domain::ResidentId;
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::field::Shown;
use crate::tui::widgets::form::{Form, FormEvent, FormField};
use crate::tui::widgets::popup::centered;
use crate::tui::widgets::{cell, fit, local_time};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct AuditView {
    /// The page of the log shown (read through `app`).
    pub page: AuditPage,
    /// What the filter line shows (the id masked).
    described: String,
    pub form: Option<Form>,
}

fn filter_form() -> Form {
    let mut since = FormField::text("since", "Since", "", 25);
    since.placeholder = Some("YYYY-MM-DD or 2026-11-25T09:00:00Z".into());
    Form::new(
        "Filter the audit log",
        vec![
            FormField::text("citizen", "Citizen id", "", 32).shown(Shown::ResidentId),
            FormField::text("actor", "Actor", "", 80),
            since,
        ],
    )
}

/// Parses the "since" field: empty, or a bound as `audit --since` takes it.
fn parse_since(raw: &str) -> Result<Option<String>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    crate::domain::clock::parse_since(s)
        .map(|t| Some(crate::domain::clock::since_stamp(t)))
        .map_err(|why| format!("since: '{s}' {why}"))
}

impl AuditView {
    pub fn new(desk: &Desk) -> Result<Self, AppError> {
        Ok(AuditView {
            page: AuditPage::open(desk)?,
            described: "all rows".into(),
            form: None,
        })
    }

    pub fn open_filter(&mut self) {
        self.form = Some(filter_form());
    }

    /// Applies the filter form; a field it cannot read stays open with its reason.
    pub fn form_key(&mut self, desk: &Desk, ev: &KeyEvent) -> Result<(), AppError> {
        let Some(form) = &mut self.form else {
            return Ok(());
        };
        match form.handle(ev) {
            FormEvent::Cancel => self.form = None,
            FormEvent::Submit => {
                form.clear_errors();
                let mut query = AuditQuery::default();
                let mut said = vec![];
                let id_text = form.value("citizen");
                if !id_text.trim().is_empty() {
                    let id = match ResidentId::parse("citizen", &id_text) {
                        Ok(id) => id,
                        Err(e) => {
                            form.set_error("citizen", &e.message);
                            return Ok(());
                        }
                    };
                    said.push(format!("citizen {}", id.masked()));
                    query.citizen = Some(id);
                }
                let actor = form.value("actor").trim().to_string();
                if !actor.is_empty() {
                    said.push(format!("actor {actor}"));
                    query.actor = Some(actor);
                }
                match parse_since(&form.value("since")) {
                    Ok(since) => {
                        if let Some(s) = &since {
                            said.push(format!("since {s}"));
                        }
                        query.since = since;
                    }
                    Err(m) => {
                        form.set_error("since", &m);
                        return Ok(());
                    }
                }
                self.page.filter(desk, query)?;
                self.described = if said.is_empty() {
                    "all rows".into()
                } else {
                    said.join(", ")
                };
                self.form = None;
            }
            _ => {}
        }
        Ok(())
    }

    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
        let fresh_height = area.height.saturating_sub(3).max(1) as usize;
        self.page.set_height(fresh_height);
        let w = area.width as usize;
        let mut lines = vec![
            Line::from(Span::styled(
                fit(&format!(" Audit log · {}", self.described), w),
                theme.title(),
            )),
            Line::from(Span::styled(
                fit(
                    &format!(
                        "   {}  {}  {}  {}  {}",
                        cell("Time", 16),
                        cell("Actor", 14),
                        cell("Action", 18),
                        cell("Whose", 14),
                        "Result"
                    ),
                    w,
                ),
                theme.header(),
            )),
        ];
        if self.page.rows().is_empty() {
            lines.push(Line::from(Span::styled(
                "   No audit rows match.",
                theme.muted(),
            )));
        }
        for (i, item) in self.page.rows().iter().take(fresh_height).enumerate() {
            let (r, whose) = (&item.row, item.whose());
            let text = format!(
                "{}  {}  {}  {}  {}",
                cell(&local_time(&r.at), 16),
                cell(&r.actor, 14),
                cell(&r.action, 18),
                cell(&whose, 14),
                r.result
            );
            let (mark, style) = if i == self.page.selected() {
                (SELECTED, theme.selected())
            } else {
                ("  ", ratatui::style::Style::default())
            };
            // Padded to the full width, so the highlight spans the whole row.
            lines.push(Line::from(Span::styled(
                cell(&format!(" {mark}{text}"), w),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
        if let Some(r) = self.page.rows().get(self.page.selected()).map(|i| &i.row) {
            let desk_line = format!(
                " row {} · desk {}, {}, pid {}{}",
                r.seq,
                r.host,
                r.terminal,
                r.process,
                r.detail
                    .as_ref()
                    .map(|d| format!(" · {d}"))
                    .unwrap_or_default()
            );
            let y = area.bottom().saturating_sub(1);
            frame.render_widget(
                Paragraph::new(Span::styled(fit(&desk_line, w), theme.muted())),
                Rect::new(area.x, y, area.width, 1),
            );
        }
        let form = self.form.as_ref()?;
        let fw = area.width.min(72);
        let r = centered(area, fw, form.height(fw) + 2);
        form.render(frame, r, theme, "Tab move · Enter apply · Esc back")
    }
}
