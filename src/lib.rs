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
pub mod i18n;
pub mod privacy;
pub mod tui;

// The package's own tests and benches reach the store by these paths (feature `internals`).
#[cfg(feature = "internals")]
pub use app::{bus, store};
