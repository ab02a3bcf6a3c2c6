//! Read models: what the screens and commands show, each read through `app` (never from the
//! store directly), shaped for the one place that shows it.

pub mod audit_log;
pub mod audit_page;
pub mod citizen_list;
pub mod citizen_page;
pub mod health;
pub mod issuer_board;
pub mod kiosk;
pub mod queue;
pub mod sign_in;
pub mod status;
