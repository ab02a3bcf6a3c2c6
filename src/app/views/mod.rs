//! Read models: what the screens and commands show, read through `app` (never from `store`).

pub mod audit_log;
pub mod audit_page;
pub mod citizen_list;
pub mod citizen_page;
pub mod status;
