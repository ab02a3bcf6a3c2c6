//! The issuer's list of issued certificates: every one reachable, newest first, read in SQL a
//! window at a time from a keyset (never the whole table, never an OFFSET or a count), so it
//! moves the same with a million certificates. `/` finds certificates in place by identifier
//! (whole or from its unique part) or by the holder's name (the citizen list's own name
//! search). The selected certificate shows in a detail pane under the list.

use crate::app::views::issuer_board::{self, IssuedAnchor, IssuedFilter, IssuedItem};
use crate::app::{AppError, Desk};
use crate::domain::Catalogue;
use crate::domain::Standing;
use crate::i18n::tui::issuer as t;
use crate::i18n::{Lang, common};
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::{cell, fit, local_time};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Rows held at once; moving past either end reads the next rows from their keyset.
const WINDOW: usize = 60;

pub struct IssuedList {
    pub rows: Vec<IssuedItem>,
    pub selected: usize,
    /// True when `rows[0]` is the first certificate of the list (new ones then show up).
    at_top: bool,
    /// First row drawn (the table scrolls with the selection inside the window).
    offset: usize,
    /// Rows that fit on screen (set at each draw; a page is this many).
    pub shown: usize,
    pub search: TextField,
    pub searching: bool,
    country: String,
    lang: Lang,
    catalogue: Catalogue,
}

impl IssuedList {
    pub fn new(desk: &Desk, lang: Lang) -> Self {
        IssuedList {
            rows: vec![],
            selected: 0,
            at_top: true,
            offset: 0,
            shown: 10,
            search: TextField::new("", 60),
            searching: false,
            country: desk.config().country.clone(),
            lang,
            catalogue: desk.catalogue().clone(),
        }
    }

    pub fn filter(&self) -> IssuedFilter {
        IssuedFilter::parse(self.search.value(), &self.country)
    }

    fn page(
        &self,
        desk: &Desk,
        anchor: &IssuedAnchor,
        n: usize,
    ) -> Result<Vec<IssuedItem>, AppError> {
        issuer_board::issued_page(desk, &self.filter(), anchor, n)
    }

    pub fn current(&self) -> Option<&IssuedItem> {
        self.rows.get(self.selected)
    }

    /// From the first certificate (a new search, or `g`).
    pub fn restart(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.rows = self.page(desk, &IssuedAnchor::First, WINDOW)?;
        self.at_top = true;
        self.selected = 0;
        self.offset = 0;
        Ok(())
    }

    /// Reads the window again where it stands (another desk issued or revoked), keeping the
    /// selected certificate.
    pub fn reload(&mut self, desk: &Desk) -> Result<(), AppError> {
        let keep = self.current().map(|r| (r.cert.id, r.key.clone()));
        let n = self.rows.len().max(WINDOW / 2);
        let anchor = match self.rows.first() {
            Some(first) if !self.at_top => {
                match self
                    .page(desk, &IssuedAnchor::Before(first.key.clone()), 1)?
                    .pop()
                {
                    Some(before) => IssuedAnchor::After(before.key),
                    None => IssuedAnchor::First,
                }
            }
            _ => IssuedAnchor::First,
        };
        self.at_top = anchor == IssuedAnchor::First;
        self.rows = self.page(desk, &anchor, n)?;
        if let Some((id, key)) = keep {
            // Rows that arrived above pushed it out of the window: read from it instead.
            if !self.rows.iter().any(|r| r.cert.id == id) {
                let anchor = match self.page(desk, &IssuedAnchor::Before(key), 1)?.pop() {
                    Some(before) => IssuedAnchor::After(before.key),
                    None => IssuedAnchor::First,
                };
                self.at_top = anchor == IssuedAnchor::First;
                self.rows = self.page(desk, &anchor, n)?;
                self.offset = 0;
            }
            if let Some(i) = self.rows.iter().position(|r| r.cert.id == id) {
                self.selected = i;
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        Ok(())
    }

    /// Moves the selection by `delta` rows, reading more from the database at either end.
    pub fn move_by(&mut self, desk: &Desk, delta: isize) -> Result<(), AppError> {
        let target = self.selected as isize + delta;
        let len = self.rows.len() as isize;
        if target >= len
            && let Some(last) = self.rows.last()
        {
            let more = self.page(
                desk,
                &IssuedAnchor::After(last.key.clone()),
                (target - len + 1) as usize,
            )?;
            self.rows.extend(more);
        }
        let mut target = target;
        if target < 0
            && let Some(first) = self.rows.first()
        {
            let want = (-target) as usize;
            let more = self.page(desk, &IssuedAnchor::Before(first.key.clone()), want)?;
            if more.len() < want {
                self.at_top = true;
            }
            target += more.len() as isize;
            self.offset += more.len();
            self.rows.splice(0..0, more);
        }
        self.selected = target.clamp(0, self.rows.len().saturating_sub(1) as isize) as usize;
        // Keep the window bounded around the selection.
        if self.rows.len() > WINDOW {
            if self.selected >= WINDOW / 2 {
                let drop = (self.selected + 1)
                    .saturating_sub(WINDOW / 2)
                    .min(self.rows.len() - WINDOW);
                if drop > 0 {
                    self.rows.drain(..drop);
                    self.selected -= drop;
                    self.offset = self.offset.saturating_sub(drop);
                    self.at_top = false;
                }
            }
            self.rows.truncate(WINDOW.max(self.selected + 1));
        }
        Ok(())
    }

    pub fn page_down(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.move_by(desk, self.shown.max(1) as isize)
    }

    pub fn page_up(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.move_by(desk, -(self.shown.max(1) as isize))
    }

    /// To the last certificate of the list.
    pub fn bottom(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.rows = self.page(desk, &IssuedAnchor::Last, WINDOW)?;
        self.at_top = self.rows.len() < WINDOW;
        self.selected = self.rows.len().saturating_sub(1);
        Ok(())
    }

    /// Draws the search line, the rows and the selected certificate's detail pane; returns the
    /// cursor while searching.
    pub fn render(
        &mut self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        focused: bool,
    ) -> Option<Position> {
        let [list, detail] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(7)]).areas(area);
        let w = list.width as usize;
        let search = self.search.value().to_string();
        let lang = self.lang;
        let head = t::ISSUED_TITLE.get(lang);
        let title = match self.filter() {
            _ if self.searching => format!(" {head} · {} {search}", t::SEARCH.get(lang)),
            IssuedFilter::All => format!(" {head} · {}", t::NEWEST_FIRST.get(lang)),
            IssuedFilter::Uvci(p) => format!(" {head} · {}", t::id_starting(lang, &p)),
            IssuedFilter::Name(n) => format!(" {head} · {}", t::holder_named(lang, &n)),
        };
        // Fixed columns take 45 and a whole identifier 36; the name gets what is left, 10 to
        // 30 as in the queue (at 80 columns the identifier gives way, cut at its start).
        let name_w = w.saturating_sub(45 + 36).clamp(10, 30);
        let mut lines = vec![
            Line::from(Span::styled(fit(&title, w), theme.title())),
            Line::from(Span::styled(
                fit(
                    &format!(
                        "   {}  {}  {}  {}  {}",
                        cell(t::COL_ISSUED.get(lang), 16),
                        cell(t::COL_HOLDER.get(lang), name_w),
                        cell(t::COL_DOSE.get(lang), 4),
                        cell(t::COL_STATUS.get(lang), 7),
                        t::COL_CERTIFICATE.get(lang),
                    ),
                    w,
                ),
                theme.header(),
            )),
        ];
        let shown = list.height.saturating_sub(2) as usize;
        self.shown = shown.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + shown {
            self.offset = self.selected + 1 - shown;
        }
        if self.rows.is_empty() {
            let text = if search.trim().is_empty() {
                format!("   {}", t::NO_CERTIFICATES.get(lang))
            } else {
                format!("   {}", t::no_match(lang, search.trim()))
            };
            lines.push(Line::from(Span::styled(text, theme.muted())));
        }
        for (i, r) in self.rows.iter().enumerate().skip(self.offset).take(shown) {
            let sel = focused && i == self.selected;
            let c = &r.cert;
            let status = if c.revoked_at.is_some() {
                common::REVOKED.get(lang)
            } else {
                common::ISSUED.get(lang)
            };
            let head = format!(
                " {}{}  {}  {}  {}  ",
                if sel { SELECTED } else { "  " },
                cell(&local_time(&c.issued_at), 16),
                cell(&c.name, name_w),
                cell(&format!("{}/{}", c.dose, c.series), 4),
                cell(status, 7),
            );
            let room = w.saturating_sub(crate::tui::widgets::width(&head));
            let text = cell(&format!("{head}{}", keep_tail(&c.uvci, room)), w);
            let style = if sel {
                theme.selected()
            } else if c.revoked_at.is_some() {
                theme.standing(Some(Standing::Revoked))
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
        frame.render_widget(Paragraph::new(lines), list);
        self.render_detail(frame, detail, theme);
        self.searching.then(|| {
            let at =
                crate::tui::widgets::width(&format!(" {head} · {} ", t::SEARCH.get(lang))) as u16;
            Position::new(list.x + at + self.search.cursor_column(), list.y)
        })
    }

    fn render_detail(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let block = Block::default().borders(Borders::TOP).title(Span::styled(
            format!(" {} ", t::CERTIFICATE.get(self.lang)),
            theme.title(),
        ));
        let lang = self.lang;
        let Some(r) = self.current() else {
            frame.render_widget(block, area);
            return;
        };
        let c = &r.cert;
        let w = area.width as usize;
        let mut lines = vec![
            Line::raw(fit(
                &format!(
                    " {}   {}   {} {}",
                    c.name,
                    c.masked_id,
                    t::BORN.get(lang),
                    c.birth_date
                ),
                w,
            )),
            Line::raw(fit(
                &format!(
                    " {} {} {} {}",
                    match lang {
                        Lang::En => r.product_name.as_str(),
                        Lang::Ko => common::product_of(lang, &self.catalogue, &c.product),
                    },
                    common::doses(lang, c.dose, c.series),
                    t::GIVEN.get(lang),
                    c.given_on
                ),
                w,
            )),
            Line::raw(fit(
                &format!(
                    " {} {} {} {} · {} {}",
                    t::ISSUED_AT.get(lang),
                    local_time(&c.issued_at),
                    t::BY.get(lang),
                    c.issued_by,
                    t::VALID_UNTIL.get(lang),
                    local_time(&c.expires_at)
                ),
                w,
            )),
            Line::raw(fit(&format!(" {}", c.uvci), w)),
        ];
        if let Some(at) = &c.revoked_at {
            lines.push(Line::from(Span::styled(
                fit(
                    &format!(
                        " {} {}: {}",
                        common::REVOKED.get(lang),
                        local_time(at),
                        c.revocation_reason.as_deref().unwrap_or("")
                    ),
                    w,
                ),
                theme.error(),
            )));
        }
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// `s` cut from the front to at most `max` columns: an identifier's end (its counter and check
/// character) is what tells two certificates apart.
fn keep_tail(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max || max == 0 {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n + 1 - max).collect();
    format!("…{tail}")
}
