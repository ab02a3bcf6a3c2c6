//! Privacy at rest: resident ids sealed and found by a keyed hash, files private to their owner.
//!
//! Nothing here knows about screens or rules; the store and the commands call it so that the
//! plain id never reaches the database, the event log, the status view or the log file.

pub mod files;
pub mod resident_ids;

pub use resident_ids::{IdKeyError, IdKeys};
