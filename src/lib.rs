//! vaxdesk: vaccination certificates at a clinic desk.
//!
//! Layers point one way: `app` (use cases, one command = one transaction) is the only door to
//! the data; its private rooms are `app::bus` (dispatcher, subscribers, breaker) and
//! `app::store` (SQLite). All of them speak `domain` (pure types and rules). The screens (`tui`)
//! and the binary's commands sit on top; the binary is the only place errors become exit codes.

pub mod app;
pub mod cert;
pub mod config;
pub mod domain;
pub mod privacy;
pub mod tui;

// Old paths, kept while the screens and commands move behind `app` (issue 10).
pub use app::{bus, store};
