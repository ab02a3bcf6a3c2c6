//! vaxdesk: vaccination certificates at a clinic desk.
//!
//! Layers point one way: `app` (use cases, one command = one transaction) drives `bus`
//! (dispatcher, subscribers, breaker) and `store` (SQLite), which all speak `domain` (pure types
//! and rules). `main.rs` and `cli.rs` sit on top and are the only place errors become exit codes.

pub mod app;
pub mod bus;
pub mod cert;
pub mod config;
pub mod domain;
pub mod privacy;
pub mod store;
pub mod tui;
