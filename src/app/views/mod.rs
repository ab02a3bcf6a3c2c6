//! Read models: what the screens and commands show, each read through `app` (never from the
//! store directly), shaped for the one place that shows it.

pub mod health;
pub mod issuer_board;
pub mod kiosk;
pub mod queue;
pub mod sign_in;
