pub mod audit_log;
pub mod status;
