//! Secrets at rest: resident ids sealed and found by a keyed hash, staff passphrases as
//! Argon2id hashes, files private to their owner.
//!
//! Kept apart from `domain` because it does the slow, random, cryptographic work the pure rules
//! must not, and apart from `store` because nothing here touches the database. The store and
//! the commands call it so that the plain id never reaches the database, the event log, the
//! status view or the log file.

pub mod files;
pub mod passphrase;
pub mod resident_ids;

pub use resident_ids::{IdKeyError, IdKeys};
