//! The manager's citizen list: a window of rows fetched from a keyset, never the whole table,
//! so moving and paging cost the same with a million citizens. `/` filters as you type: by
//! name prefix, or, when the text is an id (it has digits), the one citizen with exactly that id
//! (ids are stored sealed and found only whole, never by a part).

use crate::app::Desk;
use crate::app::queries::{self, CitizenListItem};
use crate::app::store::vaccination::{self, Anchor, ListOrder};
use crate::domain::ResidentId;
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::field::{Shown, TextField};
use crate::tui::widgets::{cell, fit, width};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct CitizenList {
    pub rows: Vec<CitizenListItem>,
    pub selected: usize,
    /// Rows that fit on screen (set at each draw).
    pub height: usize,
    pub search: TextField,
    pub searching: bool,
    pub total: i64,
}

impl CitizenList {
    pub fn new() -> Self {
        CitizenList {
            rows: vec![],
            selected: 0,
            height: 20,
            search: TextField::new("", 40),
            searching: false,
            total: 0,
        }
    }

    /// A search starting with a digit is an id, found only whole (through its keyed hash);
    /// anything else is a name prefix.
    fn order(&self, desk: &Desk) -> Option<(ListOrder, String)> {
        let q = self.search.value().trim().to_string();
        if !self.is_id_search() {
            return Some((ListOrder::Name, q));
        }
        let id = ResidentId::parse("id", &q).ok()?;
        Some((ListOrder::Lookup, desk.ids().lookup(&id)))
    }

    /// True while the search text is (the start of) an id: it starts with a digit (a resident
    /// registration number), or it holds a digit and reads as an id (a passport number such as
    /// `M48213907`; names carry no digits).
    pub fn is_id_search(&self) -> bool {
        let q = self.search.value().trim();
        q.starts_with(|c: char| c.is_ascii_digit())
            || (q.contains(|c: char| c.is_ascii_digit()) && ResidentId::parse("id", q).is_ok())
    }

    fn window(
        &self,
        desk: &Desk,
        anchor: &Anchor,
        n: usize,
    ) -> rusqlite::Result<Vec<CitizenListItem>> {
        match self.order(desk) {
            Some((order, key)) => queries::citizens_window(desk, order, &key, anchor, n as i64),
            None => Ok(vec![]),
        }
    }

    fn key_of(r: &CitizenListItem) -> (String, i64) {
        (r.key.clone(), r.id)
    }

    /// Reloads the window from its first row (after a change or a new search).
    pub fn reload(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        let keep = self.rows.get(self.selected).map(|r| r.id);
        let anchor = match self.rows.first() {
            Some(r) => {
                let (k, i) = Self::key_of(r);
                Anchor::From(k, i)
            }
            None => Anchor::First,
        };
        self.rows = self.window(desk, &anchor, self.height)?;
        if self.rows.len() < self.height {
            // Near the end: fill from the end so the page stays full.
            self.rows = self.window(desk, &Anchor::Last, self.height)?;
        }
        self.total = vaccination::citizen_count(desk.conn())?;
        if let Some(i) = keep.and_then(|id| self.rows.iter().position(|r| r.id == id)) {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    /// Starts over from the first row (a new search text).
    pub fn restart(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.rows = self.window(desk, &Anchor::First, self.height)?;
        self.selected = 0;
        Ok(())
    }

    pub fn down(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
            return Ok(());
        }
        let Some(last) = self.rows.last() else {
            return Ok(());
        };
        let (k, i) = Self::key_of(last);
        let next = self.window(desk, &Anchor::After(k, i), 1)?;
        if !next.is_empty() {
            self.rows.extend(next);
            if self.rows.len() > self.height {
                self.rows.remove(0);
            }
            self.selected = self.rows.len() - 1;
        }
        Ok(())
    }

    pub fn up(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        if self.selected > 0 {
            self.selected -= 1;
            return Ok(());
        }
        let Some(first) = self.rows.first() else {
            return Ok(());
        };
        let (k, i) = Self::key_of(first);
        let prev = self.window(desk, &Anchor::Before(k, i), 1)?;
        if let Some(p) = prev.into_iter().next() {
            self.rows.insert(0, p);
            self.rows.truncate(self.height.max(1));
            self.selected = 0;
        }
        Ok(())
    }

    pub fn page_down(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        let Some(last) = self.rows.last() else {
            return Ok(());
        };
        let (k, i) = Self::key_of(last);
        let next = self.window(desk, &Anchor::After(k, i), self.height)?;
        if next.is_empty() {
            self.selected = self.rows.len().saturating_sub(1);
        } else if next.len() < self.height {
            self.rows = self.window(desk, &Anchor::Last, self.height)?;
            self.selected = self.rows.len().saturating_sub(1);
        } else {
            self.rows = next;
            self.selected = 0;
        }
        Ok(())
    }

    pub fn page_up(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        let Some(first) = self.rows.first() else {
            return Ok(());
        };
        let (k, i) = Self::key_of(first);
        let prev = self.window(desk, &Anchor::Before(k, i), self.height)?;
        if prev.is_empty() {
            self.selected = 0;
        } else if prev.len() < self.height {
            self.rows = self.window(desk, &Anchor::First, self.height)?;
            self.selected = 0;
        } else {
            self.rows = prev;
            self.selected = self.rows.len() - 1;
        }
        Ok(())
    }

    pub fn top(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.restart(desk)
    }

    pub fn bottom(&mut self, desk: &Desk) -> rusqlite::Result<()> {
        self.rows = self.window(desk, &Anchor::Last, self.height)?;
        self.selected = self.rows.len().saturating_sub(1);
        Ok(())
    }

    pub fn current(&self) -> Option<&CitizenListItem> {
        self.rows.get(self.selected)
    }

    /// Draws the search line and the rows; returns the cursor while searching.
    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
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
        let title = if self.searching || !search.is_empty() {
            format!(" Search: {search}")
        } else {
            format!(" Citizens ({})", self.total)
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
        self.height = shown.max(1);
        if self.rows.is_empty() {
            let text = if search.is_empty() {
                "   No citizens registered yet. Press n to register one."
            } else if self.is_id_search() {
                "   No citizen has this id. Ids are found whole: type all of it."
            } else {
                "   No citizen matches this search."
            };
            lines.push(Line::from(Span::styled(text, theme.muted())));
        }
        for (i, r) in self.rows.iter().enumerate().take(shown) {
            let sel = i == self.selected;
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
                    Span::styled(fit(status, rest), theme.status(status)),
                ])
            });
        }
        frame.render_widget(Paragraph::new(lines), area);
        self.searching
            .then(|| Position::new(area.x + 9 + self.search.cursor_column(), area.y))
    }
}
