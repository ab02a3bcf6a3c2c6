//! The issuer's queue: pending applications, oldest first, a window at a time, and how many
//! wait in all.

use crate::app::{AppError, Desk, queries};

pub use crate::app::queries::QueueItem;

/// The oldest `limit` pending applications.
pub fn window(desk: &Desk, limit: i64) -> Result<Vec<QueueItem>, AppError> {
    queries::queue(desk, limit)
}

/// How many applications wait for the issuer.
pub fn pending(desk: &Desk) -> Result<i64, AppError> {
    Ok(crate::app::store::issuance::pending_count(desk.conn())?)
}
