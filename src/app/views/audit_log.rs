//! The audit log as `vaxdesk audit` prints it: every row that matches, oldest first, each with
//! the masked id of its citizen (never the full resident id).

use crate::app::store::audit::{self, AuditFilter};
use crate::app::store::vaccination;
use crate::app::{AppError, Desk};
use crate::domain::ResidentId;
use std::collections::HashMap;

pub use crate::app::store::audit::AuditRow;

/// How many audit rows one query reads (pages are walked back by seq).
const PAGE: usize = 500;

/// Which rows to show; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub citizen: Option<&'a ResidentId>,
    pub actor: Option<String>,
    /// UTC timestamp in the stored format: rows at or after it.
    pub since: Option<String>,
}

/// One audit row with the masked id of its citizen (when the citizen is known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    pub row: AuditRow,
    pub masked_id: Option<String>,
}

/// The rows matching `filter`, oldest first.
pub fn lines(desk: &Desk, filter: &Filter<'_>) -> Result<Vec<AuditLine>, AppError> {
    let conn = desk.conn();
    let citizen = match filter.citizen {
        None => None,
        // A citizen this desk does not know has no rows; the filter itself is valid.
        Some(id) => match vaccination::citizen_by_lookup(conn, &desk.ids().lookup(id))? {
            Some(c) => Some(c.id),
            None => return Ok(vec![]),
        },
    };
    let mut page_filter = AuditFilter {
        citizen,
        actor: filter.actor.clone(),
        since: filter.since.clone(),
        before: None,
        limit: PAGE,
    };
    let mut rows = Vec::new();
    loop {
        let page = audit::page(conn, &page_filter)?;
        let full = page.len() == PAGE;
        page_filter.before = page.last().map(|r| r.seq);
        rows.extend(page);
        if !full {
            break;
        }
    }
    rows.reverse();
    let mut masked: HashMap<i64, Option<String>> = HashMap::new();
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let masked_id = match row.citizen {
            None => None,
            Some(c) => match masked.get(&c) {
                Some(m) => m.clone(),
                None => {
                    let m = vaccination::citizen(conn, c)?
                        .map(|c| c.masked_id)
                        .filter(|m| !m.is_empty());
                    masked.insert(c, m.clone());
                    m
                }
            },
        };
        lines.push(AuditLine { row, masked_id });
    }
    Ok(lines)
}
