//! How far a long piece of work has got (a seed file, an import, an export, a rebuild, a
//! backup), told without the app knowing how it is shown: the command line draws a bar on a
//! terminal, tests and the screens pass [`Silent`].

/// Receives the progress of one piece of work. Calls are cheap; a drawing side throttles.
pub trait Progress {
    /// A new phase: what is being done and, when known, how many units it has.
    fn start(&self, what: &str, total: Option<u64>);
    /// Like [`start`](Progress::start), counting bytes (drawn as sizes and a byte rate).
    fn start_bytes(&self, what: &str, total: Option<u64>) {
        self.start(what, total);
    }
    /// What the phase is doing now (a check's name), shown beside its count.
    fn note(&self, _what: &str) {}
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
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}
