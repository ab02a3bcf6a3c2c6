//! The issuer's board besides the queue: issued certificates, newest first, a keyset window
//! at a time, found by identifier or holder.

use crate::app::{AppError, Desk, queries};

pub use crate::app::queries::{IssuedAnchor, IssuedFilter, IssuedItem};

/// `n` issued certificates from `anchor` that `filter` keeps.
pub fn issued_page(
    desk: &Desk,
    filter: &IssuedFilter,
    anchor: &IssuedAnchor,
    n: usize,
) -> Result<Vec<IssuedItem>, AppError> {
    queries::issued_page(desk, filter, anchor, n)
}
