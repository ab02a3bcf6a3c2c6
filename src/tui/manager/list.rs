//! The manager's citizen list as drawn: the search line and a window of rows. The window and
//! its keyset paging are `app::views::citizen_list`'s, so moving and paging cost the same with
//! a million citizens. `/` filters as you type: by name prefix, or, when the text is an id
//! (it has digits), the one citizen with exactly that id, found only whole; it shows masked.

use crate::app::views::citizen_list::{self, CitizenListPage, Latest};
use crate::i18n::tui::manager as t;
use crate::i18n::{Lang, common};
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::field::{Shown, TextField};
use crate::tui::widgets::{cell, fit, width};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The list's page (read through `app`) and the search line typed over it.
pub struct CitizenList {
    pub page: CitizenListPage,
    pub search: TextField,
}

impl CitizenList {
    pub fn new() -> Self {
        CitizenList {
            page: CitizenListPage::default(),
            search: TextField::new("", 40),
        }
    }

    /// True while the search text is (the start of) an id, which shows masked.
    pub fn is_id_search(&self) -> bool {
        citizen_list::is_id_search(self.search.value())
    }

    /// Draws the search line and the rows; returns the cursor while searching.
    pub fn render(
        &mut self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        lang: Lang,
        searching: bool,
    ) -> Option<Position> {
        // Fixed columns take 40 and "Latest" needs 22 ("injection ADMINISTERED": which record
        // and its state); the name gets the rest.
        let name_w = (area.width as usize).saturating_sub(62).clamp(12, 40);
        let w = area.width as usize;
        // An id being searched shows masked, like every id on screen.
        self.search.shown = if self.is_id_search() {
            Shown::ResidentId
        } else {
            Shown::Plain
        };
        let search = self.search.display();
        let title = if searching || !search.is_empty() {
            format!(" {} {search}", t::SEARCH.get(lang))
        } else {
            format!(" {}", t::citizens(lang, self.page.total()))
        };
        let mut lines = vec![
            Line::from(Span::styled(fit(&title, w), theme.title())),
            Line::from(Span::styled(
                fit(
                    &format!(
                        "   {}  {}  {}  {}  {}",
                        cell(t::COL_NAME.get(lang), name_w),
                        cell(t::COL_ID.get(lang), 14),
                        cell(t::COL_BORN.get(lang), 10),
                        cell(t::COL_DOSES.get(lang), 5),
                        t::COL_LATEST.get(lang)
                    ),
                    w,
                ),
                theme.header(),
            )),
        ];
        let shown = area.height.saturating_sub(2) as usize;
        self.page.set_height(shown);
        if self.page.rows().is_empty() {
            let text = if search.is_empty() {
                t::NO_CITIZENS
            } else if self.is_id_search() {
                t::NO_SUCH_ID
            } else {
                t::NO_MATCH
            };
            let text = format!("   {}", text.get(lang));
            lines.push(Line::from(Span::styled(text, theme.muted())));
        }
        for (i, r) in self.page.rows().iter().enumerate().take(shown) {
            let sel = i == self.page.selected();
            let text = format!(
                "{}{}  {}  {}  {}  ",
                if sel { SELECTED } else { "  " },
                cell(&r.name, name_w),
                cell(&r.masked_id, 14),
                cell(&r.birth_date, 10),
                cell(&r.doses.to_string(), 5),
            );
            let (what, status) = latest_words(lang, r.latest);
            let latest = latest_text(lang, r.latest);
            lines.push(if sel {
                // The highlight spans the whole row.
                Line::from(Span::styled(
                    cell(&format!(" {text}{latest}"), w),
                    theme.selected(),
                ))
            } else {
                let head = fit(&format!(" {text}"), w);
                let rest = w.saturating_sub(width(&head));
                let what = match what {
                    "" => String::new(),
                    what => fit(&format!("{what} "), rest),
                };
                let rest = rest.saturating_sub(width(&what));
                Line::from(vec![
                    Span::raw(head),
                    Span::styled(what, theme.muted()),
                    Span::styled(fit(status, rest), latest_style(theme, r.latest)),
                ])
            });
        }
        frame.render_widget(Paragraph::new(lines), area);
        // The cursor follows " Search: " in the screen's language.
        let label = width(&format!(" {} ", t::SEARCH.get(lang))) as u16;
        searching.then(|| Position::new(area.x + label + self.search.cursor_column(), area.y))
    }
}

/// The Latest column: which record, and its state, in `lang` (English as the read model
/// says it). A state that names its record already is not preceded by it again (접종 완료,
/// not 접종 접종 완료).
fn latest_text(lang: Lang, latest: Latest) -> String {
    match latest_words(lang, latest) {
        ("", status) => status.to_string(),
        (what, status) => format!("{what} {status}"),
    }
}

/// The Latest column's two parts: the record (empty when the state names it) and its state.
fn latest_words(lang: Lang, latest: Latest) -> (&'static str, &'static str) {
    let (what, status) = latest_parts(lang, latest);
    if status.starts_with(what) {
        ("", status)
    } else {
        (what, status)
    }
}

fn latest_parts(lang: Lang, latest: Latest) -> (&'static str, &'static str) {
    match (lang, latest) {
        (Lang::En, l) => (l.what(), l.status()),
        (_, Latest::Nothing) => ("", ""),
        (_, Latest::Injection(s)) => (
            t::LATEST_INJECTION.get(lang),
            common::injection_status(lang, s),
        ),
        (_, Latest::Application(s)) => (t::LATEST_APPLICATION.get(lang), common::standing(lang, s)),
    }
}

/// The Latest column's colour: the state of the record it names.
fn latest_style(theme: &Theme, latest: Latest) -> Style {
    match latest {
        Latest::Nothing => theme.muted(),
        Latest::Injection(s) => theme.injection(s),
        Latest::Application(s) => theme.standing(Some(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InjectionStatus;

    #[test]
    fn the_latest_column_names_an_injection_once() {
        let text = |lang, s| latest_text(lang, Latest::Injection(s));
        assert_eq!(text(Lang::Ko, InjectionStatus::Administered), "접종 완료");
        assert_eq!(text(Lang::Ko, InjectionStatus::Scheduled), "접종 예정");
        assert_eq!(text(Lang::Ko, InjectionStatus::Voided), "접종 무효");
        assert_eq!(
            text(Lang::En, InjectionStatus::Administered),
            "injection ADMINISTERED"
        );
        assert_eq!(latest_text(Lang::Ko, Latest::Nothing), "");
    }
}
