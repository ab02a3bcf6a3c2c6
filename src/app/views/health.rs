//! The desk's health as a screen watches it: whether another desk committed since the last
//! look, whether events wait for delivery, and each subscriber's state (the issuer's header).

use crate::app::{AppError, Desk};

pub use crate::app::bus::BreakerState;
pub use crate::app::bus::dispatcher::SubscriberStatus;

/// SQLite's `data_version`: changes when another connection commits. Reading it costs no
/// table access, so a screen may ask on every tick; 0 when it cannot be read.
pub fn data_version(desk: &Desk) -> i64 {
    desk.conn()
        .query_row("PRAGMA data_version", [], |r| r.get(0))
        .unwrap_or(0)
}

/// True when some subscriber has events left to deliver.
pub fn has_lag(desk: &Desk) -> bool {
    desk.conn()
        .query_row(
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM events) >
                    (SELECT COALESCE(MIN(last_seq), 0) FROM subscriber_checkpoints)",
            [],
            |r| r.get(0),
        )
        .unwrap_or(false)
}

/// Every subscriber's checkpoint, lag and breaker state.
pub fn subscribers(desk: &Desk) -> Result<Vec<SubscriberStatus>, AppError> {
    Ok(desk.dispatcher().status(desk.conn())?)
}

/// True when a subscriber delivers normally: its breaker closed and nothing left behind.
pub fn healthy(s: &SubscriberStatus) -> bool {
    s.state == BreakerState::Closed && s.lag == 0
}

pub use crate::app::relay::RelayLag;

/// The relay's lag to the regional registry (`doctor`): events committed here and not yet
/// acknowledged by the registry, and when the oldest of them was committed. `None` when this
/// database was never relayed.
pub fn relay_lag(desk: &Desk) -> Result<Option<RelayLag>, AppError> {
    crate::app::relay::lag(desk)
}
