//! The audit log as a manager reads it: newest first, filtered by citizen (a whole id), actor
//! and time, one page at a time from SQL (keyset on the row number, never an OFFSET). Whose
//! record a row is about shows as the masked id; the log itself holds only internal ids.

use crate::app::store::audit::{self, AuditFilter};
use crate::app::store::vaccination;
use crate::app::{AppError, Desk};
use crate::domain::ResidentId;

pub use crate::app::store::audit::AuditRow;

/// One row as shown, with whose record it is about.
#[derive(Debug, Clone)]
pub struct AuditItem {
    pub row: AuditRow,
    masked: Option<String>,
}

impl AuditItem {
    /// The masked id of the citizen the row is about, `#n` for a citizen no longer
    /// registered, or nothing.
    pub fn whose(&self) -> String {
        match (&self.masked, self.row.citizen) {
            (Some(m), _) => m.clone(),
            (None, Some(c)) => format!("#{c}"),
            (None, None) => String::new(),
        }
    }
}

/// What the manager filters by; `since` is a stored stamp (see
/// [`crate::domain::clock::since_stamp`]).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub citizen: Option<ResidentId>,
    pub actor: Option<String>,
    pub since: Option<String>,
}

/// A page of the log and where it stands in it.
pub struct AuditPage {
    filter: AuditFilter,
    rows: Vec<AuditItem>,
    /// The page shows rows older than this (`None`: from the newest row).
    before: Option<i64>,
    /// Rows older than the page exist.
    has_older: bool,
    selected: usize,
    /// Rows that fit on screen (the screen says at each draw).
    height: usize,
    /// The page size the rows were loaded with; a draw at another height reloads.
    loaded: usize,
}

impl AuditPage {
    /// The first page of the whole log.
    pub fn open(desk: &Desk) -> Result<Self, AppError> {
        let mut p = AuditPage {
            filter: AuditFilter::default(),
            rows: vec![],
            before: None,
            has_older: false,
            selected: 0,
            height: 20,
            loaded: 0,
        };
        p.load(desk)?;
        Ok(p)
    }

    pub fn rows(&self) -> &[AuditItem] {
        &self.rows
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    /// How many rows the screen shows; [`AuditPage::stale`] tells when to load again.
    pub fn set_height(&mut self, rows: usize) {
        self.height = rows;
    }

    /// True when the page was loaded for another height than the screen now shows.
    pub fn stale(&self) -> bool {
        self.loaded != self.height.max(1)
    }

    /// Applies a filter and shows its newest rows. An id nobody has matches nothing.
    pub fn filter(&mut self, desk: &Desk, query: AuditQuery) -> Result<(), AppError> {
        let citizen = match &query.citizen {
            Some(id) => {
                let lookup = desk.ids().lookup(id);
                // -1 is no citizen's number.
                Some(vaccination::citizen_by_lookup(desk.conn(), &lookup)?.map_or(-1, |c| c.id))
            }
            None => None,
        };
        self.filter = AuditFilter {
            citizen,
            actor: query.actor,
            since: query.since,
            ..AuditFilter::default()
        };
        self.before = None;
        self.selected = 0;
        self.load(desk)
    }

    fn with_whose(desk: &Desk, rows: Vec<AuditRow>) -> Vec<AuditItem> {
        rows.into_iter()
            .map(|row| {
                let masked = row
                    .citizen
                    .and_then(|c| vaccination::citizen(desk.conn(), c).ok().flatten())
                    .map(|c| c.masked_id);
                AuditItem { row, masked }
            })
            .collect()
    }

    /// Loads the page of `height` rows older than `before`, and one more to know whether
    /// there are older rows.
    fn load(&mut self, desk: &Desk) -> Result<(), AppError> {
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
    fn fit_height(&mut self, desk: &Desk) -> Result<(), AppError> {
        if self.stale() {
            self.load(desk)?;
        }
        Ok(())
    }

    /// Shows the `n` rows newer than `seq` (or the oldest when `None`) as the page, or the
    /// first page when fewer than a page are newer. Returns how many newer rows there were.
    fn show_newer(&mut self, desk: &Desk, seq: Option<i64>, n: usize) -> Result<usize, AppError> {
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
    pub fn reload(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.load(desk)
    }

    /// One row up; at the top of a page the page moves up by one row.
    pub fn up(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.fit_height(desk)?;
        if self.selected > 0 {
            self.selected -= 1;
            return Ok(());
        }
        let first = self.rows.first().map(|r| r.row.seq);
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
    pub fn down(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.fit_height(desk)?;
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
            return Ok(());
        }
        if self.has_older
            && let Some(first) = self.rows.first()
        {
            self.before = Some(first.row.seq);
            self.load(desk)?;
            self.selected = self.rows.len().saturating_sub(1);
        }
        Ok(())
    }

    /// Older rows: the next page, as many rows as the screen shows.
    pub fn page_down(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.fit_height(desk)?;
        let Some(last) = self.rows.last() else {
            return Ok(());
        };
        if !self.has_older {
            self.selected = self.rows.len() - 1;
            return Ok(());
        }
        self.before = Some(last.row.seq);
        self.selected = 0;
        self.load(desk)
    }

    /// Newer rows: the page above, or the first page.
    pub fn page_up(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.fit_height(desk)?;
        let first = self.rows.first().map(|r| r.row.seq);
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
    pub fn top(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.before = None;
        self.selected = 0;
        self.load(desk)
    }

    /// The oldest row: the last page, read from the oldest end (never by walking every page).
    pub fn bottom(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.fit_height(desk)?;
        if self.has_older {
            let n = self.height.max(1);
            self.show_newer(desk, None, n)?;
        }
        self.selected = self.rows.len().saturating_sub(1);
        Ok(())
    }
}
