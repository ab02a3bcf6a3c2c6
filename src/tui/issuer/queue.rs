//! The issuer's queue of pending applications, oldest first, its detail pane, and one
//! application opened whole (Enter). The opened application is the one that was selected:
//! a reload never swaps it for another; when it leaves the queue meanwhile, it says so.

use crate::app::views::queue::{self, QueueItem};
use crate::app::{AppError, Desk};
use crate::domain::Catalogue;
use crate::domain::citizen::mask;
use crate::i18n::tui::issuer as t;
use crate::i18n::{Lang, common};
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::{cell, fit, local_time, wrap_indented};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Requests loaded at once; the count above the table tells how many wait in all.
const QUEUE_WINDOW: i64 = 500;

#[derive(Default)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    pub pending: i64,
    selected: usize,
    /// First row shown (the table scrolls with the selection).
    offset: usize,
    rows_shown: usize,
}

impl Queue {
    /// Reads the queue again, staying on the same application when it is still there.
    pub fn load(&mut self, desk: &Desk) -> Result<(), AppError> {
        let keep = self.current().map(|q| q.application);
        self.items = queue::window(desk, QUEUE_WINDOW)?;
        self.pending = queue::pending(desk)?;
        if let Some(i) = keep.and_then(|a| self.items.iter().position(|q| q.application == a)) {
            self.selected = i;
        }
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
        Ok(())
    }

    pub fn current(&self) -> Option<&QueueItem> {
        self.items.get(self.selected)
    }

    /// The application as the queue has it now, if it is still waiting.
    pub fn find(&self, application: i64) -> Option<&QueueItem> {
        self.items.iter().find(|q| q.application == application)
    }

    /// Rows a page moves.
    pub fn page(&self) -> usize {
        self.rows_shown.max(1)
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.items.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
    }

    pub fn render(
        &mut self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        lang: Lang,
        catalogue: &Catalogue,
    ) {
        // Fixed columns take 53; the name gets the rest.
        let name_w = (area.width as usize).saturating_sub(54).clamp(8, 30);
        let w = area.width as usize;
        let mut lines = vec![Line::from(Span::styled(
            fit(
                &format!(
                    "   {}  {}  {}  {}  {}",
                    cell(t::COL_APPLIED.get(lang), 16),
                    cell(t::COL_NAME.get(lang), name_w),
                    cell(t::COL_VACCINE.get(lang), 12),
                    cell(t::COL_DOSE.get(lang), 4),
                    t::COL_GIVEN.get(lang)
                ),
                w,
            ),
            theme.header(),
        ))];
        let shown = area.height.saturating_sub(1) as usize;
        self.rows_shown = shown;
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + shown {
            self.offset = self.selected + 1 - shown;
        }
        if self.items.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("   {}", t::QUEUE_NONE.get(lang)),
                theme.muted(),
            )));
        }
        for (i, q) in self.items.iter().enumerate().skip(self.offset).take(shown) {
            let sel = i == self.selected;
            let text = format!(
                "{}{}  {}  {}  {}  {}",
                if sel { SELECTED } else { "  " },
                cell(&local_time(&q.applied_at), 16),
                cell(&q.name, name_w),
                cell(product(lang, catalogue, q), 12),
                cell(&format!("{}/{}", q.dose, q.series), 4),
                q.date
            );
            let style = if sel { theme.selected() } else { Style::new() };
            // Padded to the full width, so the highlight spans the whole row.
            lines.push(Line::from(Span::styled(
                cell(&format!(" {text}"), w),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// The lines that describe an application, whole: the pane cuts them to its width with `…`,
/// the opened application wraps them.
fn about(lang: Lang, q: &QueueItem, catalogue: &Catalogue) -> Vec<String> {
    let p = catalogue.get(&q.product);
    vec![
        format!(
            " {}   {}   {} {}",
            q.name,
            mask(&q.citizen),
            t::BORN.get(lang),
            q.birth_date
        ),
        format!(
            " {} ({}), {}   {} {}/{}",
            product(lang, catalogue, q),
            q.product,
            p.map(|p| p.manufacturer_name.as_str()).unwrap_or(""),
            t::DOSE.get(lang),
            q.dose,
            q.series
        ),
        format!(
            " {} {} · {} {} · {} {}",
            t::GIVEN.get(lang),
            q.date,
            t::LOT.get(lang),
            q.lot.as_deref().unwrap_or("—"),
            q.centre.as_deref().unwrap_or(""),
            q.country
        ),
        format!(" {} {}", t::APPLIED_AT.get(lang), local_time(&q.applied_at)),
    ]
}

/// The product's name in `lang` (the read model's name in English).
fn product<'a>(lang: Lang, catalogue: &'a Catalogue, q: &'a QueueItem) -> &'a str {
    match lang {
        Lang::En => &q.product_name,
        Lang::Ko => common::product_of(lang, catalogue, &q.product),
    }
}

/// The pane under the queue: the selected application.
pub fn render_pane(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    lang: Lang,
    q: Option<&QueueItem>,
    catalogue: &Catalogue,
) {
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        format!(" {} ", t::APPLICATION.get(lang)),
        theme.title(),
    ));
    let Some(q) = q else {
        frame.render_widget(block, area);
        return;
    };
    let w = area.width as usize;
    let lines: Vec<Line<'_>> = about(lang, q, catalogue)
        .iter()
        .map(|l| Line::raw(fit(l, w)))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One application opened whole, as it was when opened; `now` is the queue's current copy
/// (`None` once it left the queue).
pub fn render_opened(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    lang: Lang,
    q: &QueueItem,
    now: Option<&QueueItem>,
    catalogue: &Catalogue,
) {
    let w = area.width.saturating_sub(2) as usize;
    // Opened, the application shows whole: a long name, lot or centre wraps under itself.
    let block = Block::default().borders(Borders::ALL).title(Span::styled(
        fit(&format!(" {} ", t::application_of(lang, &q.name)), w),
        theme.title(),
    ));
    let mut lines: Vec<Line<'_>> = about(lang, q, catalogue)
        .iter()
        .flat_map(|l| wrap_indented(l, w))
        .map(Line::raw)
        .collect();
    lines.push(Line::raw(""));
    let note = match now {
        None => Some(t::GONE_ELSEWHERE),
        Some(n) if n != q => Some(t::CHANGED_ELSEWHERE),
        Some(_) => None,
    };
    match note {
        Some(n) => lines.push(Line::from(Span::styled(
            format!(" {}", n.get(lang)),
            theme.error(),
        ))),
        None => lines.push(Line::from(Span::styled(
            format!(" {}", t::WAITING.get(lang)),
            theme.muted(),
        ))),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
