//! Several desks on one database file at once: separate processes running seed files against
//! the same (possibly not yet created) database. Nothing is lost, nothing is doubled.

mod support;

use std::collections::BTreeSet;
use std::process::{Child, Stdio};
use support::*;

fn spawn_seed(desk: &Desk, files: &[String]) -> Child {
    desk.command()
        .arg("seed")
        .args(files)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vaxdesk seed")
}

fn finish(child: Child, what: &str) -> Run {
    let out = child.wait_with_output().expect("wait");
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        what: what.to_string(),
    };
    r.ok()
}

/// Citizens `first..first+n`, each with one administered injection (and an application).
fn people(first: usize, n: usize, with_apply: bool) -> String {
    let mut text = String::new();
    for i in first..first + n {
        let id = rrn(i);
        text += &register(&id, "이", &format!("서연{i}"), &rrn_birth(i));
        text += &inject(&id, 1, "2021-06-01", &format!("L{i}"));
        if with_apply {
            text += &apply(&id, 1);
        }
    }
    text
}

fn check_all_present(desk: &Desk, ids: &BTreeSet<String>) {
    let events = desk.events();
    let registered = registered_set(&events);
    let expected: BTreeSet<String> = ids.iter().map(|id| desk.lookup(id)).collect();
    assert_eq!(registered, expected, "every citizen of both desks, once");
    // A few of each through the status view.
    for id in ids.iter().step_by(37) {
        let s = desk.status(id);
        assert_eq!(s["citizen"]["id"], id.as_str());
        assert_eq!(s["injections"][0]["status"], "ADMINISTERED");
    }
    desk.run(&["doctor"]).ok();
    desk.run(&["rebuild-views", "--check"]).ok();
}

#[test]
fn two_desks_seed_different_files_at_once() {
    let desk = Desk::new();
    // The database does not exist yet: both processes race to create it.
    desk.write("a.toml", &people(0, 200, false));
    desk.write("b.toml", &people(1000, 200, false));
    let a = spawn_seed(&desk, &["a.toml".into()]);
    let b = spawn_seed(&desk, &["b.toml".into()]);
    let ra = finish(a, "seed a.toml");
    let rb = finish(b, "seed b.toml");
    assert!(
        ra.stdout.contains("a.toml: applied 400 steps"),
        "{}",
        ra.stdout
    );
    assert!(
        rb.stdout.contains("b.toml: applied 400 steps"),
        "{}",
        rb.stdout
    );

    let ids: BTreeSet<String> = (0..200).chain(1000..1200).map(rrn).collect();
    let events = desk.events();
    assert_eq!(
        events.len(),
        400 + 400,
        "events = the sum of both files' steps"
    );
    assert_eq!(count_type(&events, "InjectionRecorded"), 400);
    let seqs: Vec<i64> = events.iter().filter_map(|e| e["seq"].as_i64()).collect();
    assert_eq!(seqs, (1..=800).collect::<Vec<i64>>(), "no gaps, no doubles");
    check_all_present(&desk, &ids);
}

#[test]
fn two_desks_interleave_many_small_files_with_applications() {
    let desk = Desk::new();
    desk.run(&["doctor"]).ok(); // the database exists this time
    let mut a_files = vec![];
    let mut b_files = vec![];
    for f in 0..10 {
        let a = format!("a{f}.toml");
        let b = format!("b{f}.toml");
        desk.write(&a, &people(2000 + f * 10, 10, true));
        desk.write(&b, &people(3000 + f * 10, 10, true));
        a_files.push(a);
        b_files.push(b);
    }
    let a = spawn_seed(&desk, &a_files);
    let b = spawn_seed(&desk, &b_files);
    let ra = finish(a, "seed a*.toml");
    let rb = finish(b, "seed b*.toml");
    assert_eq!(
        ra.stdout.matches("applied 30 steps").count(),
        10,
        "{}",
        ra.stdout
    );
    assert_eq!(
        rb.stdout.matches("applied 30 steps").count(),
        10,
        "{}",
        rb.stdout
    );

    let ids: BTreeSet<String> = (2000..2100).chain(3000..3100).map(rrn).collect();
    let events = desk.events();
    assert_eq!(events.len(), 600);
    assert_eq!(count_type(&events, "ApplicationSubmitted"), 200);
    check_all_present(&desk, &ids);

    // Exactly one pending request per application, whichever desk delivered it.
    let queue = desk.queue();
    assert_eq!(queue.len(), 200);
    let queued: BTreeSet<String> = queue
        .iter()
        .filter_map(|q| q["citizen"].as_str().map(str::to_string))
        .collect();
    let masked: BTreeSet<String> = ids
        .iter()
        .map(|id| vaxdesk::domain::citizen::mask(id))
        .collect();
    assert_eq!(queued, masked);
}

#[test]
fn the_same_file_on_two_desks_at_once_is_applied_once() {
    let desk = Desk::new();
    desk.write("same.toml", &people(4000, 100, true));
    let a = spawn_seed(&desk, &["same.toml".into()]);
    let b = spawn_seed(&desk, &["same.toml".into()]);
    let ra = finish(a, "seed same.toml (a)");
    let rb = finish(b, "seed same.toml (b)");
    let both = format!("{}{}", ra.stdout, rb.stdout);
    assert_eq!(
        both.matches("same.toml: applied 300 steps").count(),
        1,
        "{both}"
    );
    assert_eq!(
        both.matches("same.toml: already applied").count(),
        1,
        "{both}"
    );

    let ids: BTreeSet<String> = (4000..4100).map(rrn).collect();
    assert_eq!(desk.events().len(), 300);
    assert_eq!(desk.queue().len(), 100);
    check_all_present(&desk, &ids);
}
