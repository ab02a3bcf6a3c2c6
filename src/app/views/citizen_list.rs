//! The manager's citizen list, one window of rows at a time: a keyset walk of an index,
//! never the whole table and never an OFFSET, so moving and paging cost the same with a
//! million citizens. A search is a name prefix, or, when the text is an id, the one citizen
//! with exactly that id (ids are stored sealed and found only whole, never by a part).

use crate::app::store::vaccination::{self, Anchor, ListOrder};
use crate::app::{AppError, Desk};
use crate::domain::{ApplicationStatus, InjectionStatus, ResidentId, Standing};
use rusqlite::{Connection, OptionalExtension};

/// What the "Latest" column says about a citizen, and which record it is about: the latest
/// application (REVOKED when its certificate was revoked), or else the latest injection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latest {
    Nothing,
    Injection(InjectionStatus),
    Application(Standing),
}

impl Latest {
    /// The record the state is of, in the clinic's words.
    pub fn what(&self) -> &'static str {
        match self {
            Latest::Nothing => "",
            Latest::Injection(_) => "injection",
            Latest::Application(_) => "application",
        }
    }

    pub fn status(&self) -> &'static str {
        match self {
            Latest::Nothing => "",
            Latest::Injection(s) => s.as_str(),
            Latest::Application(s) => s.as_str(),
        }
    }
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenListItem {
    pub id: i64,
    pub masked_id: String,
    pub name: String,
    pub birth_date: String,
    /// The key the list is ordered by.
    key: String,
    /// ADMINISTERED injections.
    pub doses: i64,
    pub latest: Latest,
}

/// True while a search text is (the start of) an id: it starts with a digit (a resident
/// registration number), or it holds a digit and reads as an id (a passport number such as
/// `M48213907`; names carry no digits).
pub fn is_id_search(text: &str) -> bool {
    let q = text.trim();
    q.starts_with(|c: char| c.is_ascii_digit())
        || (q.contains(|c: char| c.is_ascii_digit()) && ResidentId::parse("id", q).is_ok())
}

/// The list as shown: a window of `height` rows, the selected one, and the total count.
#[derive(Debug, Clone)]
pub struct CitizenListPage {
    rows: Vec<CitizenListItem>,
    selected: usize,
    /// Rows that fit on screen (the screen says at each draw).
    height: usize,
    search: String,
    total: i64,
}

impl Default for CitizenListPage {
    fn default() -> Self {
        CitizenListPage {
            rows: vec![],
            selected: 0,
            height: 20,
            search: String::new(),
            total: 0,
        }
    }
}

impl CitizenListPage {
    pub fn rows(&self) -> &[CitizenListItem] {
        &self.rows
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn current(&self) -> Option<&CitizenListItem> {
        self.rows.get(self.selected)
    }

    /// Registered citizens (kept up to date by the store, never counted on a refresh).
    pub fn total(&self) -> i64 {
        self.total
    }

    /// How many rows the screen shows; the next load fetches that many.
    pub fn set_height(&mut self, rows: usize) {
        self.height = rows.max(1);
    }

    /// A new search text: the list starts over from its first row.
    pub fn search(&mut self, desk: &Desk, text: &str) -> Result<(), AppError> {
        self.search = text.to_string();
        self.restart(desk)
    }

    /// The index walked and its key: a search starting with a digit is an id, found only
    /// whole (through its keyed hash); anything else is a name prefix. `None`: not an id.
    fn order(&self, desk: &Desk) -> Option<(ListOrder, String)> {
        let q = self.search.trim().to_string();
        if !is_id_search(&q) {
            return Some((ListOrder::Name, q));
        }
        let id = ResidentId::parse("id", &q).ok()?;
        Some((ListOrder::Lookup, desk.ids().lookup(&id)))
    }

    fn window(
        &self,
        desk: &Desk,
        anchor: &Anchor,
        n: usize,
    ) -> Result<Vec<CitizenListItem>, AppError> {
        let Some((order, key)) = self.order(desk) else {
            return Ok(vec![]);
        };
        let conn = desk.conn();
        vaccination::citizens_window(conn, order, &key, anchor, n as i64)?
            .into_iter()
            .map(|r| {
                Ok(CitizenListItem {
                    latest: latest_of(conn, r.id)?,
                    id: r.id,
                    masked_id: r.masked_id,
                    name: r.name,
                    birth_date: r.birth_date,
                    key: r.key,
                    doses: r.doses,
                })
            })
            .collect()
    }

    fn key_of(r: &CitizenListItem) -> (String, i64) {
        (r.key.clone(), r.id)
    }

    /// Reloads the window from its first row (after a change), keeping the selected citizen.
    pub fn reload(&mut self, desk: &Desk) -> Result<(), AppError> {
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

    /// Starts over from the first row.
    pub fn restart(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.rows = self.window(desk, &Anchor::First, self.height)?;
        self.selected = 0;
        Ok(())
    }

    pub fn down(&mut self, desk: &Desk) -> Result<(), AppError> {
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

    pub fn up(&mut self, desk: &Desk) -> Result<(), AppError> {
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

    pub fn page_down(&mut self, desk: &Desk) -> Result<(), AppError> {
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

    pub fn page_up(&mut self, desk: &Desk) -> Result<(), AppError> {
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

    pub fn top(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.restart(desk)
    }

    pub fn bottom(&mut self, desk: &Desk) -> Result<(), AppError> {
        self.rows = self.window(desk, &Anchor::Last, self.height)?;
        self.selected = self.rows.len().saturating_sub(1);
        Ok(())
    }
}

/// A citizen's latest application's state (REVOKED for a revoked certificate), or else their
/// latest injection's. Two index lookups.
fn latest_of(conn: &Connection, citizen_id: i64) -> Result<Latest, AppError> {
    let application: Option<(String, bool)> = conn
        .prepare_cached(
            "SELECT a.status, k.revoked_at IS NOT NULL
             FROM applications a LEFT JOIN certificates k ON k.application_id = a.id
             WHERE a.citizen_id = ?1 ORDER BY a.id DESC LIMIT 1",
        )?
        .query_row([citizen_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((status, revoked)) = application {
        return Ok(Latest::Application(if revoked {
            Standing::Revoked
        } else {
            Standing::Application(parsed::<ApplicationStatus>(&status)?)
        }));
    }
    let injection: Option<String> = conn
        .prepare_cached(
            "SELECT status FROM injections WHERE citizen_id = ?1
             ORDER BY dose DESC, id DESC LIMIT 1",
        )?
        .query_row([citizen_id], |r| r.get(0))
        .optional()?;
    Ok(match injection {
        Some(s) => Latest::Injection(parsed::<InjectionStatus>(&s)?),
        None => Latest::Nothing,
    })
}

/// A stored status read back as its enum; a value the schema's CHECK let through is a
/// store error, never a panic.
fn parsed<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, AppError> {
    s.parse().map_err(|e: String| {
        AppError::from(rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            e.into(),
        ))
    })
}
