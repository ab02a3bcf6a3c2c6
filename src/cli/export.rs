//! `vaxdesk export`: every citizen and injection as CSV in the import format, to a file or to
//! standard output; the summary on standard error (standard output may be the CSV).

use super::progress::Bar;
use super::{Failure, admin_actor, report};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use vaxdesk::app::Desk;
use vaxdesk::app::export;
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

pub const HELP: &str = "\
Writes exactly the import format, ordered by name. Resident ids are whole unless --masked;
the export is recorded in the audit log.

Examples:
  vaxdesk --db clinic.db export --out people.csv
  vaxdesk --db clinic.db export --masked > people-masked.csv";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file (readable by its owner only; replaced whole) instead of standard
    /// output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write resident ids masked (900101-1******): for sharing, not for importing again
    #[arg(long)]
    pub masked: bool,
}

pub fn run(desk: &Desk, args: &Args, lang: Lang) -> Result<ExitCode, Failure> {
    let bar = Bar::on_stderr(lang);
    let (summary, target) = match &args.out {
        Some(path) => (
            export::export_file(desk, &admin_actor(), path, args.masked, &bar)?,
            path.display().to_string(),
        ),
        None => {
            let target = "standard output";
            let mut out = Watched {
                inner: std::io::BufWriter::new(std::io::stdout().lock()),
                closed: false,
            };
            let summary =
                export::export_to(desk, &admin_actor(), &mut out, target, args.masked, &bar);
            if out.closed {
                // The reader went away (`| head`): the export is on record as failed; end
                // quietly, as `cat` does.
                report::output_failed(&std::io::ErrorKind::BrokenPipe.into(), target);
            }
            (summary?, msg::STANDARD_OUTPUT.get(lang).to_string())
        }
    };
    report::note(&msg::export_summary(lang, &summary, &target, args.masked));
    Ok(ExitCode::SUCCESS)
}

/// Standard output, noting whether its reader went away.
struct Watched<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Watched<W> {
    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            self.closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
        }
        r
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}
