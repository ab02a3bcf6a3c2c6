//! The audit log as a manager reads it: newest first, filtered by citizen (a whole id), actor
//! and time, one page at a time from SQL (keyset on the row number, never an OFFSET).
//! Whose record shows as the masked id; the log itself holds only internal ids.

use crate::app::Desk;
use crate::domain::ResidentId;
use crate::store::audit::{self, AuditFilter, AuditRow};
use crate::store::vaccination;
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
    filter: AuditFilter,
    /// What the filter line shows (the id masked).
    described: String,
    rows: Vec<(AuditRow, Option<String>)>,
    /// The first row of each page before this one (PageUp goes back).
    pages: Vec<Option<i64>>,
    before: Option<i64>,
    selected: usize,
    height: usize,
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
    pub fn new(desk: &Desk) -> rusqlite::Result<Self> {
        let mut v = AuditView {
            filter: AuditFilter::default(),
            described: "all rows".into(),
            rows: vec![],
            pages: vec![],
            before: None,
            selected: 0,
            height: 20,
            form: None,
        };
        v.load(desk)?;
        Ok(v)
    }

    fn load(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        let filter = AuditFilter {
            before: self.before,
            limit: self.height.max(1),
            ..self.filter.clone()
        };
        self.rows = audit::page(desk.conn(), &filter)?
            .into_iter()
            .map(|r| {
                let masked = r
                    .citizen
                    .and_then(|c| vaccination::citizen(desk.conn(), c).ok().flatten())
                    .map(|c| c.masked_id);
                (r, masked)
            })
            .collect();
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    /// Reloads the page shown (new rows appear on the first page).
    pub fn reload(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.load(desk)
    }

    pub fn open_filter(&mut self) {
        self.form = Some(filter_form());
    }

    /// Applies the filter form; a field it cannot read stays open with its reason.
    pub fn form_key(&mut self, desk: &Desk, ev: &KeyEvent) -> rusqlite::Result<()> {
        let Some(form) = &mut self.form else {
            return Ok(());
        };
        match form.handle(ev) {
            FormEvent::Cancel => self.form = None,
            FormEvent::Submit => {
                form.clear_errors();
                let mut filter = AuditFilter::default();
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
                    let lookup = desk.ids().lookup(&id);
                    // An id nobody has matches nothing (-1 is no citizen's number).
                    filter.citizen = Some(
                        vaccination::citizen_by_lookup(desk.conn(), &lookup)?.map_or(-1, |c| c.id),
                    );
                    said.push(format!("citizen {}", id.masked()));
                }
                let actor = form.value("actor").trim().to_string();
                if !actor.is_empty() {
                    said.push(format!("actor {actor}"));
                    filter.actor = Some(actor);
                }
                match parse_since(&form.value("since")) {
                    Ok(since) => {
                        if let Some(s) = &since {
                            said.push(format!("since {s}"));
                        }
                        filter.since = since;
                    }
                    Err(m) => {
                        form.set_error("since", &m);
                        return Ok(());
                    }
                }
                self.described = if said.is_empty() {
                    "all rows".into()
                } else {
                    said.join(", ")
                };
                self.filter = filter;
                self.form = None;
                self.pages.clear();
                self.before = None;
                self.selected = 0;
                self.load(desk)?;
            }
            _ => {}
        }
        Ok(())
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn down(&mut self) {
        self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
    }

    /// Older rows.
    pub fn page_down(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        let Some((last, _)) = self.rows.last() else {
            return Ok(());
        };
        if self.rows.len() < self.height {
            self.selected = self.rows.len() - 1;
            return Ok(());
        }
        self.pages.push(self.before);
        self.before = Some(last.seq);
        self.selected = 0;
        self.load(desk)?;
        if self.rows.is_empty() {
            // There was nothing older: stay on the last page.
            self.before = self.pages.pop().flatten();
            self.load(desk)?;
        }
        Ok(())
    }

    /// Newer rows.
    pub fn page_up(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        match self.pages.pop() {
            Some(before) => {
                self.before = before;
                self.selected = 0;
                self.load(desk)
            }
            None => {
                self.selected = 0;
                Ok(())
            }
        }
    }

    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
        let fresh_height = area.height.saturating_sub(3).max(1) as usize;
        self.height = fresh_height;
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
        if self.rows.is_empty() {
            lines.push(Line::from(Span::styled(
                "   No audit rows match.",
                theme.muted(),
            )));
        }
        for (i, (r, masked)) in self.rows.iter().take(fresh_height).enumerate() {
            let whose = match (masked, r.citizen) {
                (Some(m), _) => m.clone(),
                (None, Some(c)) => format!("#{c}"),
                (None, None) => String::new(),
            };
            let text = format!(
                "{}  {}  {}  {}  {}",
                cell(&local_time(&r.at), 16),
                cell(&r.actor, 14),
                cell(&r.action, 18),
                cell(&whose, 14),
                r.result
            );
            let (mark, style) = if i == self.selected {
                (SELECTED, theme.selected())
            } else {
                ("  ", ratatui::style::Style::default())
            };
            lines.push(Line::from(Span::styled(
                fit(&format!(" {mark}{text}"), w),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
        if let Some((r, _)) = self.rows.get(self.selected) {
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
