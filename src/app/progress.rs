//! How far a long piece of work has got (a seed file, an import, an export, a rebuild, a
//! backup), told without the app knowing how it is shown: the command line draws a bar on a
//! terminal, tests and the screens pass [`Silent`].
//!
//! The app names a phase by its kind ([`Phase`]) and a doctor's check by its kind
//! ([`Check`]), never by a sentence: the command line words them in the user's language
//! (`i18n::cli::phase`, `i18n::cli::check`). Their English is their `Display`, which is what
//! the text methods ([`Progress::start`], [`Progress::note`]) receive by default.

use std::fmt;

/// A phase of a long piece of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase<'a> {
    /// Applying a seed file (counts bytes).
    Seeding { file: &'a str },
    /// Reading a CSV file through once (its encoding, its lines).
    Reading { file: &'a str },
    /// Importing a CSV file's rows.
    Importing { file: &'a str },
    /// Writing a file's new citizens' name-search keys, sorted, before it commits.
    WritingNameSearch,
    /// Delivering new events to the status view.
    UpdatingStatusView,
    /// Copying the live status view aside before a rebuild.
    CopyingLiveView,
    /// Replaying the event log into the status view.
    ReplayingEvents,
    /// Comparing a rebuild with the live view.
    ComparingWithLiveView,
    /// `doctor`'s checks ([`Check`]).
    Doctor,
    /// Taking a backup's snapshot of the database.
    DatabaseSnapshot,
    /// The backup's checksum of the database.
    DatabaseChecksum,
    /// Copying the key files into a backup.
    KeyFiles,
    /// Checking a backup against its MANIFEST.
    CheckingBackup,
    /// Exporting CSV rows to a file (`Some(path)`) or to standard output (`None`).
    Exporting { to: Option<&'a str> },
    /// Copying a backup's database into place.
    CopyingDatabase,
}

impl Phase<'_> {
    /// Whether the phase counts bytes (drawn as sizes and a byte rate) rather than things.
    pub fn counts_bytes(&self) -> bool {
        matches!(self, Phase::Seeding { .. })
    }
}

impl fmt::Display for Phase<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phase::Seeding { file } => write!(f, "seeding {file}"),
            Phase::Reading { file } => write!(f, "reading {file}"),
            Phase::Importing { file } => write!(f, "importing {file}"),
            Phase::WritingNameSearch => f.write_str("writing the name search"),
            Phase::UpdatingStatusView => f.write_str("updating the status view"),
            Phase::CopyingLiveView => f.write_str("copying the live view aside"),
            Phase::ReplayingEvents => f.write_str("replaying events"),
            Phase::ComparingWithLiveView => f.write_str("comparing with the live view"),
            Phase::Doctor => f.write_str("doctor"),
            Phase::DatabaseSnapshot => f.write_str("database snapshot"),
            Phase::DatabaseChecksum => f.write_str("checksum of the database"),
            Phase::KeyFiles => f.write_str("key files"),
            Phase::CheckingBackup => f.write_str("checking the backup"),
            Phase::Exporting { to: Some(path) } => write!(f, "exporting to {path}"),
            Phase::Exporting { to: None } => f.write_str("exporting to standard output"),
            Phase::CopyingDatabase => f.write_str("copying the database"),
        }
    }
}

/// One of `doctor`'s checks, in the order it runs them ([`Check::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Integrity,
    EveryEvent,
    SchemaAndSubscribers,
    AuditChain,
}

impl Check {
    /// Every check, in the order `doctor` runs them.
    pub const ALL: [Check; 4] = [
        Check::Integrity,
        Check::EveryEvent,
        Check::SchemaAndSubscribers,
        Check::AuditChain,
    ];

    /// The check's name in English (its `Display`).
    pub const fn name(self) -> &'static str {
        match self {
            Check::Integrity => "integrity check",
            Check::EveryEvent => "reading every event",
            Check::SchemaAndSubscribers => "schema and subscribers",
            Check::AuditChain => "audit chain",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Receives the progress of one piece of work. Calls are cheap; a drawing side throttles.
///
/// The app calls [`phase`](Progress::phase) and [`check`](Progress::check); by default they
/// hand the phase's or check's English to [`start`](Progress::start),
/// [`start_bytes`](Progress::start_bytes) and [`note`](Progress::note), which is all a
/// recorder needs. A side that shows them to people overrides them to word them in its
/// language.
pub trait Progress {
    /// A new phase, by its English words, and, when known, how many units it has.
    fn start(&self, what: &str, total: Option<u64>);
    /// Like [`start`](Progress::start), counting bytes (drawn as sizes and a byte rate).
    fn start_bytes(&self, what: &str, total: Option<u64>) {
        self.start(what, total);
    }
    /// What the phase is doing now (a check's name), shown beside its count.
    fn note(&self, _what: &str) {}
    /// A new phase and, when known, how many units it has (bytes when
    /// [`Phase::counts_bytes`]).
    fn phase(&self, phase: Phase<'_>, total: Option<u64>) {
        if phase.counts_bytes() {
            self.start_bytes(&phase.to_string(), total);
        } else {
            self.start(&phase.to_string(), total);
        }
    }
    /// The doctor's check running now, shown beside its count.
    fn check(&self, check: Check) {
        self.note(check.name());
    }
    /// `n` more units are done.
    fn advance(&self, n: u64);
    /// The phase ended (done or refused); whatever is drawn goes away.
    fn finish(&self);
}

/// Progress that nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _what: &str, _total: Option<u64>) {}
    fn phase(&self, _phase: Phase<'_>, _total: Option<u64>) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}
