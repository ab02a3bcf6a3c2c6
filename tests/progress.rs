//! Progress of the long commands: what the app tells a [`Progress`] (phases, positions that only
//! grow and end at the total) and what a user sees when standard error is no terminal (the
//! summary alone: no bar, no carriage return, no escape sequence).

mod common;
mod support;

use common::TestDesk;
use std::cell::RefCell;
use std::fmt::Write as _;
use vaxdesk::app::progress::Progress;
use vaxdesk::app::{queries, seed};

/// One phase as a [`Recorder`] saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Phase {
    what: String,
    total: Option<u64>,
    bytes: bool,
    /// The position after each `advance`.
    positions: Vec<u64>,
    notes: Vec<String>,
    finished: bool,
}

impl Phase {
    fn end(&self) -> u64 {
        self.positions.last().copied().unwrap_or(0)
    }
}

/// A [`Progress`] that remembers every call.
#[derive(Default)]
struct Recorder {
    phases: RefCell<Vec<Phase>>,
    /// `finish` calls with no phase open.
    idle_finishes: RefCell<usize>,
}

impl Recorder {
    fn begin(&self, what: &str, total: Option<u64>, bytes: bool) {
        let mut phases = self.phases.borrow_mut();
        if let Some(open) = phases.last_mut() {
            open.finished = true; // a new phase replaces the one drawn
        }
        phases.push(Phase {
            what: what.to_string(),
            total,
            bytes,
            positions: vec![],
            notes: vec![],
            finished: false,
        });
    }

    fn phases(&self) -> Vec<Phase> {
        self.phases.borrow().clone()
    }

    fn phase(&self, starts_with: &str) -> Phase {
        let phases = self.phases();
        phases
            .iter()
            .find(|p| p.what.starts_with(starts_with))
            .cloned()
            .unwrap_or_else(|| panic!("no phase `{starts_with}…` in {phases:#?}"))
    }
}

impl Progress for Recorder {
    fn start(&self, what: &str, total: Option<u64>) {
        self.begin(what, total, false);
    }

    fn start_bytes(&self, what: &str, total: Option<u64>) {
        self.begin(what, total, true);
    }

    fn note(&self, what: &str) {
        let mut phases = self.phases.borrow_mut();
        let open = phases.last_mut().expect("a note inside a phase");
        assert!(!open.finished, "a note after the phase finished");
        open.notes.push(what.to_string());
    }

    fn advance(&self, n: u64) {
        let mut phases = self.phases.borrow_mut();
        let open = phases.last_mut().expect("an advance inside a phase");
        assert!(!open.finished, "an advance after the phase finished");
        assert!(n > 0, "an advance of nothing");
        let at = open.end() + n;
        open.positions.push(at);
    }

    fn finish(&self) {
        match self.phases.borrow_mut().last_mut() {
            Some(open) if !open.finished => open.finished = true,
            _ => *self.idle_finishes.borrow_mut() += 1,
        }
    }
}

fn assert_counts_to_total(p: &Phase) {
    let total = p.total.expect("a known total");
    assert!(
        p.positions.windows(2).all(|w| w[0] < w[1]),
        "positions of `{}` go back: {:?}",
        p.what,
        p.positions
    );
    assert_eq!(p.end(), total, "`{}` ends at its total: {p:#?}", p.what);
    assert!(p.finished, "`{}` is finished", p.what);
}

/// A seed file of `n` citizens with two injections each: `3 * n` `[[step]]` blocks.
fn seed_text(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let id = format!("900101-1{:06}", i);
        write!(
            s,
            "[[step]]\naction = \"register-citizen\"\nid = \"{id}\"\nfamily_name = \"김\"\n\
             given_name = \"민준{i}\"\nbirth_date = \"1990-01-01\"\n\n"
        )
        .unwrap();
        for dose in 1..=2 {
            write!(
                s,
                "[[step]]\naction = \"record-injection\"\ncitizen = \"{id}\"\n\
                 product = \"EU/1/20/1528\"\ndose = {dose}\ndate = \"2021-0{}-01\"\n\
                 lot = \"FA{i:04}\"\n\n",
                dose + 5
            )
            .unwrap();
        }
    }
    s
}

#[test]
fn seed_reports_bytes_read_at_block_boundaries_ending_at_the_file_size() {
    let t = TestDesk::new();
    let text = seed_text(40);
    let path = t.dir.path().join("people.toml");
    std::fs::write(&path, &text).unwrap();
    let rec = Recorder::default();
    let outcome = seed::apply_file_with_progress(&t.desk, &path, &rec).unwrap();
    assert!(outcome.describe().starts_with("applied 120 steps"));

    let phases = rec.phases();
    let seeding = &phases[0];
    assert!(seeding.what.starts_with("seeding "), "{phases:#?}");
    assert!(seeding.what.ends_with("people.toml"), "{phases:#?}");
    assert!(seeding.bytes, "a seed counts bytes");
    assert_eq!(seeding.total, Some(text.len() as u64));
    assert_counts_to_total(seeding);
    // One report per block at most (120 blocks), and more than one on the way.
    assert!(
        (2..=121).contains(&seeding.positions.len()),
        "{} reports",
        seeding.positions.len()
    );
    // Then the status view is brought up to date, and everything drawn is gone.
    assert_eq!(phases.last().unwrap().what, "updating the status view");
    assert!(phases.iter().all(|p| p.finished), "{phases:#?}");
}

#[test]
fn seed_refused_or_already_applied_still_finishes_the_bar() {
    let t = TestDesk::new();
    let path = t.dir.path().join("people.toml");
    std::fs::write(&path, seed_text(3)).unwrap();
    seed::apply_file(&t.desk, &path).unwrap();

    let again = Recorder::default();
    let outcome = seed::apply_file_with_progress(&t.desk, &path, &again).unwrap();
    assert!(outcome.describe().starts_with("already applied"));
    assert_counts_to_total(&again.phase("seeding "));
    assert!(again.phases().iter().all(|p| p.finished));

    let bad = t.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[step]]\naction = \"register-citizen\"\nid = \"nope\"\n",
    )
    .unwrap();
    let refused = Recorder::default();
    seed::apply_file_with_progress(&t.desk, &bad, &refused).unwrap_err();
    assert!(refused.phases().iter().all(|p| p.finished));
}

#[test]
fn rebuild_views_replays_every_event_of_the_log_with_and_without_check() {
    let t = TestDesk::new();
    seed::apply_text(&t.desk, "people.toml", &seed_text(30)).unwrap();
    let events = common::event_count(&t.desk) as u64;
    assert_eq!(events, 90);
    for keep in [false, true] {
        let rec = Recorder::default();
        let check = queries::rebuild_views_with_progress(&t.desk, keep, &rec).unwrap();
        assert_eq!(check.events as u64, events);
        assert!(check.differences.is_empty(), "{:?}", check.differences);
        let replay = rec.phase("replaying events");
        assert_eq!(replay.total, Some(events));
        assert!(!replay.bytes);
        assert_counts_to_total(&replay);
        assert!(rec.phases().iter().all(|p| p.finished));
    }
}

#[test]
fn rebuild_views_of_an_empty_log_ends_at_zero() {
    let t = TestDesk::new();
    let rec = Recorder::default();
    queries::rebuild_views_with_progress(&t.desk, false, &rec).unwrap();
    let replay = rec.phase("replaying events");
    assert_eq!(replay.total, Some(0));
    assert!(replay.positions.is_empty());
    assert!(replay.finished);
}

#[test]
fn doctor_counts_its_checks_and_names_each_as_it_runs() {
    let t = TestDesk::new();
    seed::apply_text(&t.desk, "people.toml", &seed_text(5)).unwrap();
    let rec = Recorder::default();
    let health = queries::doctor_with_progress(&t.desk, &rec).unwrap();
    assert!(health.problems().is_empty(), "{:?}", health.problems());
    let phases = rec.phases();
    assert_eq!(phases.len(), 1, "{phases:#?}");
    let doctor = &phases[0];
    assert_eq!(doctor.total, Some(queries::DOCTOR_CHECKS.len() as u64));
    assert_eq!(doctor.positions, vec![1, 2, 3, 4]);
    assert_eq!(doctor.notes, queries::DOCTOR_CHECKS.to_vec());
    assert_counts_to_total(doctor);
}

// --- what a user sees with standard error not a terminal ------------------------------------

/// No bar drawn: no carriage return, no escape sequence, no bar's words.
fn assert_no_bar(r: &support::Run) {
    for (name, text) in [("stderr", &r.stderr), ("stdout", &r.stdout)] {
        assert!(
            !text.contains('\r') && !text.contains("\x1b["),
            "`{}` drew on {name}: {text:?}",
            r.what
        );
        for word in ["seeding ", "replaying events", " left", "integrity check"] {
            assert!(
                !text.contains(word),
                "`{}` {name} has {word:?}: {text:?}",
                r.what
            );
        }
    }
}

#[test]
fn with_stderr_a_pipe_seed_rebuild_and_doctor_print_only_their_summary() {
    let desk = support::Desk::new();
    desk.write("people.toml", &seed_text(200));

    let r = desk.run(&["seed", "people.toml"]).ok();
    assert_no_bar(&r);
    assert_eq!(
        r.stdout,
        "people.toml: applied 600 steps (400 record-injection, 200 register-citizen)\n"
    );
    let again = desk.run(&["seed", "people.toml"]).ok();
    assert_no_bar(&again);
    assert!(again.stdout.starts_with("people.toml: already applied at "));

    for args in [
        &["rebuild-views"][..],
        &["rebuild-views", "--check"],
        &["doctor"],
    ] {
        let r = desk.run(args).ok();
        assert_no_bar(&r);
        assert!(!r.stdout.is_empty(), "`{}` printed its summary", r.what);
    }

    desk.write("bad.toml", "[[step]]\naction = \"nope\"\n");
    let refused = desk.run(&["seed", "bad.toml"]).refused();
    assert_no_bar(&refused);
}

// --- what a user sees on a terminal -----------------------------------------------------------

/// `vaxdesk ARGS` in a pseudo-terminal: everything it wrote there, and its exit status.
fn on_a_terminal(desk: &support::Desk, args: &[&str]) -> (String, u32) {
    use std::io::Read;
    let (master, mut child) = desk.spawn_in_pty(args, &[], 120);
    let mut reader = master.try_clone_reader().expect("a PTY reader");
    let mut out = Vec::new();
    // The terminal side closes when the child exits (EIO on Linux ends the read).
    let _ = reader.read_to_end(&mut out);
    let status = child.wait().expect("the binary ends");
    (
        String::from_utf8_lossy(&out).into_owned(),
        status.exit_code(),
    )
}

/// The bar (`drawn`) shows, and is cleared (an erase-line sequence) before `summary` is printed.
fn assert_bar_then_summary(text: &str, drawn: &str, summary: &str) {
    let bar = text
        .rfind(drawn)
        .unwrap_or_else(|| panic!("no bar {drawn:?} on the terminal: {text:?}"));
    let end = text
        .find(summary)
        .unwrap_or_else(|| panic!("no summary {summary:?} on the terminal: {text:?}"));
    assert!(bar < end, "the bar is drawn after the summary: {text:?}");
    assert!(
        text[bar..end].contains("\x1b[2K"),
        "the bar is not cleared before the summary: {text:?}"
    );
    assert!(!text[end..].contains(drawn), "{text:?}");
}

#[test]
fn on_a_terminal_seed_rebuild_and_doctor_draw_a_bar_and_clear_it_before_the_summary() {
    let desk = support::Desk::new();
    desk.write("people.toml", &seed_text(20));
    let (text, code) = on_a_terminal(&desk, &["seed", "people.toml"]);
    assert_eq!(code, 0, "{text}");
    assert_bar_then_summary(
        &text,
        "seeding people.toml",
        "people.toml: applied 60 steps",
    );

    let (text, code) = on_a_terminal(&desk, &["rebuild-views", "--check"]);
    assert_eq!(code, 0, "{text}");
    let summary = desk.run(&["rebuild-views", "--check"]).ok().stdout;
    let first = summary.lines().next().unwrap();
    assert_bar_then_summary(&text, "replaying events", first);

    let (text, code) = on_a_terminal(&desk, &["doctor"]);
    assert_eq!(code, 0, "{text}");
    let summary = desk.run(&["doctor"]).ok().stdout;
    let first = summary.lines().next().unwrap();
    assert_bar_then_summary(&text, "doctor [", first);
}
