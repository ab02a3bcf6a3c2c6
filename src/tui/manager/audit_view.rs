//! The audit log as a manager reads it: newest first, filtered by citizen (a whole id), actor
//! and time, one page at a time from SQL (keyset on the row number, never an OFFSET).
//! Whose record shows as the masked id; the log itself holds only internal ids.

use crate::app::Desk;
use crate::app::store::audit::{self, AuditFilter, AuditRow};
use crate::app::store::vaccination;
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
    filter: AuditFilter,
    /// What the filter line shows (the id masked).
    described: String,
    rows: Vec<(AuditRow, Option<String>)>,
    /// The page shows rows older than this (`None`: from the newest row).
    before: Option<i64>,
    /// Rows older than the page exist.
    has_older: bool,
    selected: usize,
    /// Rows that fit on screen (set at each draw).
    height: usize,
    /// The page size the rows were loaded with; a draw at another height reloads.
    loaded: usize,
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
            before: None,
            has_older: false,
            selected: 0,
            height: 20,
            loaded: 0,
            form: None,
        };
        v.load(desk)?;
        Ok(v)
    }

    fn with_whose(desk: &Desk, rows: Vec<AuditRow>) -> Vec<(AuditRow, Option<String>)> {
        rows.into_iter()
            .map(|r| {
                let masked = r
                    .citizen
                    .and_then(|c| vaccination::citizen(desk.conn(), c).ok().flatten())
                    .map(|c| c.masked_id);
                (r, masked)
            })
            .collect()
    }

    /// Loads the page of `height` rows older than `before`, and one more to know whether
    /// there are older rows.
    fn load(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        let n = self.height.max(1);
        let filter = AuditFilter {
            before: self.before,
            limit: n + 1,
            ..self.filter.clone()
        };
        let mut rows = audit::page(desk.conn(), &filter)?;
        self.has_older = rows.len() > n;
        rows.truncate(n);
        self.rows = Self::with_whose(desk, rows);
        self.loaded = n;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    /// The terminal changed size since the page was loaded: load it again at the new size.
    fn fit_height(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        if self.loaded != self.height.max(1) {
            self.load(desk)?;
        }
        Ok(())
    }

    /// True when the page was loaded for another height than the screen now shows.
    pub fn stale(&self) -> bool {
        self.loaded != self.height.max(1)
    }

    /// Shows the `n` rows newer than `seq` (or the oldest when `None`) as the page, or the
    /// first page when fewer than a page are newer. Returns how many newer rows there were.
    fn show_newer(&mut self, desk: &Desk, seq: Option<i64>, n: usize) -> rusqlite::Result<usize> {
        let filter = AuditFilter {
            limit: n,
            ..self.filter.clone()
        };
        let newer = audit::page_newer(desk.conn(), &filter, seq)?;
        let found = newer.len();
        if found == 0 {
            return Ok(0);
        }
        // The page then starts at the newest of them (or at the top of the log).
        self.before = if seq.is_some() && found < n {
            None
        } else {
            newer.last().map(|r| r.seq + 1)
        };
        self.load(desk)?;
        Ok(found)
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
                self.before = None;
                self.selected = 0;
                self.load(desk)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// One row up; at the top of a page the page moves up by one row.
    pub fn up(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.fit_height(desk)?;
        if self.selected > 0 {
            self.selected -= 1;
            return Ok(());
        }
        let first = self.rows.first().map(|(r, _)| r.seq);
        if self.before.is_some() && first.is_some() {
            let height = self.height.max(1);
            let filter = AuditFilter {
                limit: 1,
                ..self.filter.clone()
            };
            if let Some(r) = audit::page_newer(desk.conn(), &filter, first)?.pop() {
                self.before = Some(r.seq + 1);
                self.load(desk)?;
                self.selected = 0;
                // The log may have fewer rows than a page above this one: start at the top.
                if self.rows.len() < height {
                    self.before = None;
                    self.load(desk)?;
                }
            }
        }
        Ok(())
    }

    /// One row down; at the bottom of a page the page moves down by one row.
    pub fn down(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.fit_height(desk)?;
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
            return Ok(());
        }
        if self.has_older
            && let Some((first, _)) = self.rows.first()
        {
            self.before = Some(first.seq);
            self.load(desk)?;
            self.selected = self.rows.len().saturating_sub(1);
        }
        Ok(())
    }

    /// Older rows: the next page, as many rows as the screen shows.
    pub fn page_down(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.fit_height(desk)?;
        let Some((last, _)) = self.rows.last() else {
            return Ok(());
        };
        if !self.has_older {
            self.selected = self.rows.len() - 1;
            return Ok(());
        }
        self.before = Some(last.seq);
        self.selected = 0;
        self.load(desk)
    }

    /// Newer rows: the page above, or the first page.
    pub fn page_up(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.fit_height(desk)?;
        let first = self.rows.first().map(|(r, _)| r.seq);
        if self.before.is_none() || first.is_none() {
            self.selected = 0;
            return Ok(());
        }
        let n = self.height.max(1);
        if self.show_newer(desk, first, n)? == 0 {
            self.before = None;
            self.load(desk)?;
        }
        self.selected = 0;
        Ok(())
    }

    /// The newest row.
    pub fn top(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.before = None;
        self.selected = 0;
        self.load(desk)
    }

    /// The oldest row: the last page, read from the oldest end (never by walking every page).
    pub fn bottom(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.fit_height(desk)?;
        if self.has_older {
            let n = self.height.max(1);
            self.show_newer(desk, None, n)?;
        }
        self.selected = self.rows.len().saturating_sub(1);
        Ok(())
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
            // Padded to the full width, so the highlight spans the whole row.
            lines.push(Line::from(Span::styled(
                cell(&format!(" {mark}{text}"), w),
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
