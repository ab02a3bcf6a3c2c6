//! The manager's citizen list as drawn: the search line and a window of rows. The window and
//! its keyset paging are `app::views::citizen_list`'s, so moving and paging cost the same with
//! a million citizens. `/` filters as you type: by name prefix, or, when the text is an id
//! (it has digits), the one citizen with exactly that id, found only whole; it shows masked.

use crate::app::views::citizen_list::{self, CitizenListPage, Latest};
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
            format!(" Search: {search}")
        } else {
            format!(" Citizens ({})", self.page.total())
        };
        let mut lines = vec![
            Line::from(Span::styled(fit(&title, w), theme.title())),
            Line::from(Span::styled(
                fit(
                    &format!(
                        "   {}  {}  {}  {}  {}",
                        cell("Name", name_w),
                        cell("Id", 14),
                        cell("Born", 10),
                        cell("Doses", 5),
                        "Latest"
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
                "   No citizens registered yet. Press n to register one."
            } else if self.is_id_search() {
                "   No citizen has this id. Ids are found whole: type all of it."
            } else {
                "   No citizen matches this search."
            };
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
            let status = r.latest.status();
            let latest = format!("{} {status}", r.latest.what());
            lines.push(if sel {
                // The highlight spans the whole row.
                Line::from(Span::styled(
                    cell(&format!(" {text}{latest}"), w),
                    theme.selected(),
                ))
            } else {
                let head = fit(&format!(" {text}"), w);
                let rest = w.saturating_sub(width(&head));
                let what = fit(&format!("{} ", r.latest.what()), rest);
                let rest = rest.saturating_sub(width(&what));
                Line::from(vec![
                    Span::raw(head),
                    Span::styled(what, theme.muted()),
                    Span::styled(fit(status, rest), latest_style(theme, r.latest)),
                ])
            });
        }
        frame.render_widget(Paragraph::new(lines), area);
        searching.then(|| Position::new(area.x + 9 + self.search.cursor_column(), area.y))
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
