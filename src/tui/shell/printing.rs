//! A certificate being printed while the desk goes on: the page is sent on a thread of its
//! own (a hung `lp` can take a minute to give up), and the desk's thread, which alone uses
//! the database, records it when it has left.
//!
//! Exactly one record per page that left: the thread hands back what it sent once, through a
//! channel, and [`Printing::finish`] and [`Printing::poll`] both take it from there to
//! `certificates::record_print` (which takes it by value). A desk that closes while `lp` still
//! runs stops it and waits for it ([`Printing::finish`]): no `lp` is left behind, and a page
//! that did leave before is recorded all the same.

use crate::app::Desk;
use crate::app::certificates::{self, ExportError, PrintFailure, PrintJob, Printed, Sent};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, TryRecvError};
use std::thread::JoinHandle;

/// What a print came to: where the page went, or why it did not (the screen's toast).
pub(super) type Outcome = Result<Printed, ExportError<PrintFailure>>;

/// One print under way.
pub(super) struct Printing {
    job: Arc<PrintJob>,
    stop: Arc<AtomicBool>,
    done: mpsc::Receiver<Result<Sent, PrintFailure>>,
    thread: Option<JoinHandle<()>>,
}

impl Printing {
    /// Starts sending `job`'s page on a thread of its own.
    pub(super) fn start(job: PrintJob) -> std::io::Result<Printing> {
        let job = Arc::new(job);
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, done) = mpsc::channel();
        let thread = {
            let (job, stop) = (Arc::clone(&job), Arc::clone(&stop));
            std::thread::Builder::new()
                .name("print".into())
                .spawn(move || {
                    // The desk may have stopped listening; the page's fate is then logged.
                    let sent = job.send(&stop);
                    if let Err(e) = &sent {
                        tracing::info!("certificate {} not printed: {e}", job.uvci());
                    }
                    let _ = tx.send(sent);
                })?
        };
        tracing::info!("printing certificate {}", job.uvci());
        Ok(Printing {
            job,
            stop,
            done,
            thread: Some(thread),
        })
    }

    /// The print's outcome once the page left (recorded now) or failed; `None` while it is
    /// still on its way.
    pub(super) fn poll(&mut self, desk: &Desk) -> Option<Outcome> {
        let sent = match self.done.try_recv() {
            Ok(sent) => sent,
            Err(TryRecvError::Empty) => return None,
            // The thread ended without a word (it panicked): nothing is known to have left.
            Err(TryRecvError::Disconnected) => Err(PrintFailure::Stopped {
                printer: self.printer(),
            }),
        };
        Some(self.settle(desk, sent))
    }

    /// The desk closes: a running `lp` is stopped and waited for, and a page that left is
    /// recorded. Returns the outcome (for the log).
    pub(super) fn finish(mut self, desk: &Desk) -> Outcome {
        self.stop.store(true, Ordering::SeqCst);
        // The thread answers at once when stopped: `lp` is killed and reaped first.
        let sent = self.done.recv().unwrap_or_else(|_| {
            Err(PrintFailure::Stopped {
                printer: self.printer(),
            })
        });
        self.settle(desk, sent)
    }

    fn settle(&mut self, desk: &Desk, sent: Result<Sent, PrintFailure>) -> Outcome {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let outcome = sent
            .map_err(ExportError::Delivery)
            .and_then(|sent| certificates::record_print(desk, &self.job, sent));
        match &outcome {
            Ok(_) => tracing::info!("certificate {} printed", self.job.uvci()),
            Err(e) => tracing::warn!("certificate {} not printed: {e:?}", self.job.uvci()),
        }
        outcome
    }

    fn printer(&self) -> String {
        match self.job.destination() {
            certificates::Destination::Printer(name) => name.clone(),
            certificates::Destination::Folder(folder) => folder.display().to_string(),
        }
    }
}
