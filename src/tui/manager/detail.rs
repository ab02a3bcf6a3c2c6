//! One citizen as the manager sees them: identity (the id masked until the manager reveals it,
//! which is recorded), injections with product, dose, date, lot and status, and the
//! applications.

use crate::app::views::citizen_page::{
    self, CitizenPage, CitizenRow, InjectionRow, PageApplication,
};
use crate::app::{AppError, Desk};
use crate::domain::{Catalogue, InjectionStatus, ResidentId};
use crate::i18n::tui::manager as t;
use crate::i18n::{Lang, common};
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::{cell, fit, local_time, width};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub struct Detail {
    pub citizen: CitizenRow,
    pub injections: Vec<InjectionRow>,
    /// With REVOKED shown for a revoked certificate.
    pub applications: Vec<PageApplication>,
    pub selected: usize,
    /// The whole id, once the manager asked to see it (kept until the detail closes).
    pub revealed: Option<ResidentId>,
}

impl Detail {
    fn new(page: CitizenPage) -> Detail {
        Detail {
            citizen: page.citizen,
            injections: page.injections,
            applications: page.applications,
            selected: 0,
            revealed: None,
        }
    }

    /// Opens a citizen's page for `actor` (recorded in the audit log); `None`: not registered.
    pub fn open(desk: &Desk, actor: &str, citizen: i64) -> Result<Option<Detail>, AppError> {
        Ok(citizen_page::open(desk, actor, citizen)?.map(Detail::new))
    }

    /// Reloads in place, keeping the selected injection.
    pub fn reload(&mut self, desk: &Desk) -> Result<(), AppError> {
        let keep = self.current().map(|i| i.id);
        if let Some(page) = citizen_page::refresh(desk, self.citizen.id)? {
            let mut fresh = Detail::new(page);
            fresh.selected = keep
                .and_then(|id| fresh.injections.iter().position(|i| i.id == id))
                .unwrap_or(self.selected)
                .min(fresh.injections.len().saturating_sub(1));
            fresh.revealed = self.revealed.take();
            *self = fresh;
        }
        Ok(())
    }

    pub fn current(&self) -> Option<&InjectionRow> {
        self.injections.get(self.selected)
    }

    /// The next dose number to record: one past the highest live dose.
    pub fn next_dose(&self) -> u32 {
        self.injections
            .iter()
            .filter(|i| i.details.status != InjectionStatus::Voided)
            .map(|i| i.details.dose)
            .max()
            .unwrap_or(0)
            + 1
    }

    pub fn render(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        lang: Lang,
        catalogue: &Catalogue,
    ) {
        let c = &self.citizen;
        let d = &c.details;
        let apps_h = (self.applications.len().max(1) + 2) as u16;
        let [who, injections, apps] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(3),
            Constraint::Length(apps_h.min(area.height / 3).max(3)),
        ])
        .areas(area);
        let w = area.width as usize;
        // The id and birth date always show: a long name gives way, cut with `…`.
        let id_born = format!(
            "   {}   {} {}",
            self.revealed
                .as_ref()
                .map_or(c.masked_id.as_str(), |id| id.as_str()),
            t::BORN.get(lang),
            d.birth_date
        );
        let name_room = w.saturating_sub(width(&id_born)).max(12);
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled(
                        fit(&format!(" {}", d.display_name()), name_room),
                        theme.title(),
                    ),
                    Span::raw(id_born),
                ]),
                Line::from(Span::styled(
                    fit(
                        &format!(
                            " {} {} / {}",
                            t::MACHINE_READABLE.get(lang),
                            d.family_name_icao,
                            if d.given_name_icao.is_empty() {
                                "—"
                            } else {
                                &d.given_name_icao
                            }
                        ),
                        w,
                    ),
                    theme.muted(),
                )),
            ]),
            who,
        );
        let name_w = w.saturating_sub(56).clamp(10, 24);
        let mut lines = vec![Line::from(Span::styled(
            format!(
                "   {}  {}  {}  {}  {}",
                cell(t::COL_DOSE.get(lang), 5),
                cell(t::COL_VACCINE.get(lang), name_w),
                cell(t::COL_GIVEN.get(lang), 10),
                cell(t::COL_LOT.get(lang), 10),
                t::COL_STATUS.get(lang)
            ),
            theme.header(),
        ))];
        if self.injections.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("   {}", t::NO_INJECTIONS.get(lang)),
                theme.muted(),
            )));
        }
        let shown = injections.height.saturating_sub(2) as usize;
        let start = self.selected.saturating_sub(shown.saturating_sub(1));
        for (i, inj) in self.injections.iter().enumerate().skip(start).take(shown) {
            let sel = i == self.selected;
            let x = &inj.details;
            let text = format!(
                "{}{}  {}  {}  {}  ",
                if sel { SELECTED } else { "  " },
                cell(&format!("{}/{}", x.dose, x.series), 5),
                cell(common::product_of(lang, catalogue, &x.product), name_w),
                cell(&x.date.to_string(), 10),
                cell(x.lot.as_deref().unwrap_or("—"), 10),
            );
            lines.push(if sel {
                // The highlight spans the whole row.
                Line::from(Span::styled(
                    cell(
                        &format!(" {text}{}", common::injection_status(lang, x.status)),
                        w,
                    ),
                    theme.selected(),
                ))
            } else {
                Line::from(vec![
                    Span::styled(format!(" {text}"), Style::new()),
                    Span::styled(
                        common::injection_status(lang, x.status),
                        theme.injection(x.status),
                    ),
                ])
            });
        }
        if let Some(inj) = self.current() {
            let extra = match (&inj.details.centre, &inj.void_reason) {
                (_, Some(r)) => format!("   {} {r}", t::VOIDED_BECAUSE.get(lang)),
                (Some(c), None) => format!("   {c}, {}", inj.details.country),
                (None, None) => format!("   {}", inj.details.country),
            };
            lines.push(Line::from(Span::styled(fit(&extra, w), theme.muted())));
        }
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(
                Span::styled(format!(" {} ", t::INJECTIONS.get(lang)), theme.title()),
            )),
            injections,
        );
        let mut lines = vec![];
        if self.applications.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(" {}", t::NO_APPLICATIONS.get(lang)),
                theme.muted(),
            )));
        }
        for shown in self.applications.iter().rev() {
            let a = &shown.row;
            let dose = self
                .injections
                .iter()
                .find(|i| i.id == a.injection_id)
                .map(|i| format!("{}/{}", i.details.dose, i.details.series))
                .unwrap_or_default();
            let note = a
                .certificate_id
                .clone()
                .or_else(|| a.reason.clone())
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::raw(format!(
                    " {} {}  {}  ",
                    t::DOSE_WORD.get(lang),
                    cell(&dose, 5),
                    local_time(&a.applied_at)
                )),
                Span::styled(
                    cell(common::standing(lang, shown.state), 10),
                    theme.standing(Some(shown.state)),
                ),
                Span::raw(fit(&note, w.saturating_sub(44))),
            ]));
        }
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(
                Span::styled(format!(" {} ", t::APPLICATIONS.get(lang)), theme.title()),
            )),
            apps,
        );
    }
}
