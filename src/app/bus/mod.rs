//! The internal event dispatcher: delivers committed events to subscribers exactly once.
//!
//! Each subscriber has a checkpoint (the last event seq it handled) that moves in the same
//! transaction as its effects, so a crash, a redelivery or a second desk never doubles an
//! effect. A failing subscriber is retried with backoff behind a circuit breaker and never
//! holds the others back.

pub mod breaker;
pub mod dispatcher;
pub mod faults;
pub mod subscribers;

pub use breaker::{BreakerPolicy, BreakerState};
pub use dispatcher::{DispatchReport, Dispatcher};
pub use faults::Faults;
