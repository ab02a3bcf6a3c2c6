//! The audit log as a manager reads it: the page `app::views::audit_page` reads (newest
//! first, a page at a time), the filter form over it (a whole citizen id, an actor, a time),
//! and the line naming the desk of the selected row. Whose record shows as the masked id.

use crate::app::views::audit_page::{AuditPage, AuditQuery};
use crate::app::{AppError, Desk};
use crate::domain::ResidentId;
use crate::i18n::tui::manager as t;
use crate::i18n::{Lang, common};
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
    lang: Lang,
}

fn filter_form(lang: Lang) -> Form {
    let mut since = FormField::text("since", t::AUDIT_SINCE.get(lang), "", 25);
    since.placeholder = Some(t::AUDIT_SINCE_HINT.get(lang).into());
    Form::new(
        t::AUDIT_FILTER.get(lang),
        vec![
            FormField::text("citizen", t::AUDIT_CITIZEN.get(lang), "", 32).shown(Shown::ResidentId),
            FormField::text("actor", t::AUDIT_ACTOR.get(lang), "", 80),
            since,
        ],
    )
    .in_lang(lang)
}

/// Parses the "since" field: empty, or a bound as `audit --since` takes it.
fn parse_since(lang: Lang, raw: &str) -> Result<Option<String>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    crate::domain::clock::parse_since(s)
        .map(|t| Some(crate::domain::clock::since_stamp(t)))
        .map_err(|why| match lang {
            Lang::En => format!("since: '{s}' {why}"),
            Lang::Ko => format!("{}: '{s}' {}", t::AUDIT_SINCE.ko, t::AUDIT_SINCE_HINT.ko),
        })
}

impl AuditView {
    pub fn new(desk: &Desk, lang: Lang) -> Result<Self, AppError> {
        Ok(AuditView {
            page: AuditPage::open(desk)?,
            described: t::AUDIT_ALL.get(lang).into(),
            form: None,
            lang,
        })
    }

    pub fn open_filter(&mut self) {
        self.form = Some(filter_form(self.lang));
    }

    /// Applies the filter form; a field it cannot read stays open with its reason.
    pub fn form_key(&mut self, desk: &Desk, ev: &KeyEvent) -> Result<(), AppError> {
        let lang = self.lang;
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
                            form.set_error("citizen", &common::refusal(lang, &e));
                            return Ok(());
                        }
                    };
                    said.push(format!(
                        "{} {}",
                        t::AUDIT_CITIZEN_WORD.get(lang),
                        id.masked()
                    ));
                    query.citizen = Some(id);
                }
                let actor = form.value("actor").trim().to_string();
                if !actor.is_empty() {
                    said.push(format!("{} {actor}", t::AUDIT_ACTOR_WORD.get(lang)));
                    query.actor = Some(actor);
                }
                match parse_since(lang, &form.value("since")) {
                    Ok(since) => {
                        if let Some(s) = &since {
                            said.push(format!("{} {s}", t::AUDIT_SINCE_WORD.get(lang)));
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
                    t::AUDIT_ALL.get(lang).into()
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
        let lang = self.lang;
        let mut lines = vec![
            Line::from(Span::styled(
                fit(
                    &format!(" {} · {}", t::AUDIT_TITLE.get(lang), self.described),
                    w,
                ),
                theme.title(),
            )),
            Line::from(Span::styled(
                fit(
                    &format!(
                        "   {}  {}  {}  {}  {}",
                        cell(t::COL_TIME.get(lang), 16),
                        cell(t::COL_ACTOR.get(lang), 14),
                        cell(t::COL_ACTION.get(lang), 18),
                        cell(t::COL_WHOSE.get(lang), 14),
                        t::COL_RESULT.get(lang)
                    ),
                    w,
                ),
                theme.header(),
            )),
        ];
        if self.page.rows().is_empty() {
            lines.push(Line::from(Span::styled(
                format!("   {}", t::AUDIT_NONE.get(lang)),
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
                " {} {} · {} {}, {}, pid {}{}",
                t::AUDIT_ROW.get(lang),
                r.seq,
                t::AUDIT_DESK.get(lang),
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
        form.render(frame, r, theme, t::AUDIT_KEYS.get(lang))
    }
}
