//! Crash safety: `vaxdesk seed f1 ... fN` is killed with SIGKILL at pseudo-random points (after
//! a number of acknowledged files, or after a small delay). Every file the binary acknowledged
//! (`<file>: applied ...` is printed after its commit) must survive, the database must pass
//! its integrity check, and no file may ever be applied twice.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;
use support::*;

const FILES: usize = 300;

fn citizen(i: usize) -> String {
    rrn(1000 + i)
}

/// Reads the lines the child printed; only complete lines count.
fn read_line(r: &mut impl BufRead) -> Option<String> {
    let mut line = String::new();
    match r.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) if line.ends_with('\n') => Some(line.trim_end().to_string()),
        Ok(_) => None,
    }
}

/// What one acknowledged line says: the file index and whether it was applied just now.
fn parse(line: &str, names: &BTreeMap<String, usize>) -> (usize, bool) {
    let (file, rest) = line
        .split_once(": ")
        .unwrap_or_else(|| panic!("unexpected output line: {line:?}"));
    let i = *names
        .get(file)
        .unwrap_or_else(|| panic!("unknown file in output: {line:?}"));
    if rest.starts_with("applied ") {
        (i, true)
    } else if rest.starts_with("already applied") {
        (i, false)
    } else {
        panic!("unexpected output line: {line:?}")
    }
}

fn integrity_ok(desk: &Desk) {
    let conn = rusqlite::Connection::open(&desk.db).expect("open the database");
    conn.busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("integrity check");
    assert_eq!(rows, ["ok"], "PRAGMA integrity_check");
}

#[test]
fn killed_seed_runs_keep_every_acknowledged_file() {
    let desk = Desk::new();
    let mut names = BTreeMap::new();
    let mut files = vec![];
    for i in 0..FILES {
        let name = format!("c{i:03}.toml");
        let text = register(&citizen(i), "박", &format!("지훈{i}"), &rrn_birth(1000 + i));
        desk.write(&name, &text);
        names.insert(name.clone(), i);
        files.push(name);
    }
    let mut rng = Rng::from_env_or_time("crash");
    let mut acked: BTreeSet<usize> = BTreeSet::new();
    let mut applied_count: BTreeMap<usize, usize> = BTreeMap::new();

    for round in 0..8 {
        let mut child = desk
            .command()
            .arg("seed")
            .args(&files)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn vaxdesk seed");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut lines = vec![];
        let how = if round % 2 == 0 {
            // After a pseudo-random number of acknowledged files.
            let k = rng.below(FILES as u64) as usize;
            while lines.len() < k {
                match read_line(&mut out) {
                    Some(l) => lines.push(l),
                    None => break,
                }
            }
            format!("after {k} acknowledged lines")
        } else {
            // After a small pseudo-random delay (possibly before the schema exists).
            let ms = rng.below(if round == 1 { 15 } else { 120 });
            std::thread::sleep(Duration::from_millis(ms));
            format!("after {ms} ms")
        };
        let _ = child.kill(); // SIGKILL on Unix
        // Lines already in the pipe were printed after their commit: acknowledged too.
        while let Some(l) = read_line(&mut out) {
            lines.push(l);
        }
        let status = child.wait().expect("wait");
        eprintln!(
            "round {round}: killed {how}; {} line(s) acknowledged; {status}",
            lines.len()
        );
        for l in &lines {
            let (i, fresh) = parse(l, &names);
            acked.insert(i);
            if fresh {
                *applied_count.entry(i).or_default() += 1;
            }
        }
        if let Some((i, n)) = applied_count.iter().find(|(_, n)| **n > 1) {
            panic!("{} was applied {n} times", files[*i]);
        }

        // Every acknowledged file's citizen is there, exactly once.
        if !desk.db.exists() {
            assert!(acked.is_empty(), "acknowledged files but no database");
            continue;
        }
        integrity_ok(&desk);
        let events = desk.events();
        let registered = registered_set(&events);
        assert_eq!(events.len(), registered.len(), "one event per file");
        for i in &acked {
            assert!(
                registered.contains(&desk.lookup(&citizen(*i))),
                "round {round}: {} was acknowledged but its citizen is missing",
                files[*i]
            );
        }
        // The most recently acknowledged file, and a few others, through the status view.
        let mut check: Vec<usize> = lines
            .iter()
            .rev()
            .take(1)
            .map(|l| parse(l, &names).0)
            .collect();
        let acked_list: Vec<usize> = acked.iter().copied().collect();
        for _ in 0..3 {
            if !acked_list.is_empty() {
                check.push(acked_list[rng.below(acked_list.len() as u64) as usize]);
            }
        }
        for i in check {
            let s = desk.status(&citizen(i));
            assert_eq!(s["citizen"]["given_name"], format!("지훈{i}"));
        }
        desk.run(&["doctor"]).ok();
    }

    // A last run without a kill finishes the job: every file once, nothing twice.
    let r = desk
        .run(
            &["seed"]
                .into_iter()
                .chain(files.iter().map(String::as_str))
                .collect::<Vec<_>>(),
        )
        .ok();
    let mut seen = BTreeSet::new();
    for l in r.stdout.lines() {
        let (i, fresh) = parse(l, &names);
        assert!(
            !(fresh && acked.contains(&i)),
            "{} was acknowledged but applied again",
            files[i]
        );
        seen.insert(i);
    }
    assert_eq!(seen.len(), FILES, "one line per file");
    integrity_ok(&desk);
    let events = desk.events();
    let registered = registered_set(&events);
    assert_eq!(registered.len(), FILES);
    assert_eq!(events.len(), FILES);
    desk.run(&["doctor"]).ok();
    desk.run(&["rebuild-views", "--check"]).ok();
}
