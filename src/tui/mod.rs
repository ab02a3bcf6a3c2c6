//! The desk: a terminal UI with a screen for each role.
//!
//! [`shell::Shell`] holds the state and is driven by key events and ticks, so tests drive the
//! real thing through `TestBackend`; [`run`] owns the terminal. The role screens share the
//! types in [`screen`]; they reach the data only through `app` (use cases and read models).

pub mod citizen;
pub mod issuer;
pub mod keymap;
pub mod manager;
pub mod picker;
pub mod screen;
pub mod shell;
pub mod staff_gate;
pub mod theme;
pub mod widgets;

pub use shell::terminal::terminal_gone;
pub use shell::{GRACE, run};
