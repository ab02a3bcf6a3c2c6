//! PostgreSQL restarted under a running relay (issue 13): the relay waits, resumes and
//! finishes with the same result. A test binary of its own: restarting the server breaks
//! every other connection to it, so no other relay test may run meanwhile (cargo runs test
//! binaries one after another).

mod relay_support;
mod support;

use relay_support::{Pg, eventually, local_checkpoint, local_events, people_csv};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::Desk;

fn restart_postgres() {
    let out = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", "15", "main", "restart"])
        .output()
        .expect("pg_ctlcluster runs (as root)");
    assert!(
        out.status.success(),
        "pg_ctlcluster restart failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn postgres_restarted_while_the_relay_runs_the_relay_waits_resumes_and_finishes() {
    let pg = Pg::new();
    let desk = Desk::new();
    let key = desk.path("registry.key");
    let key = key.to_str().unwrap();
    desk.run(&["registry", "new-key", "--out", key]).ok();
    desk.write("a.csv", &people_csv(0, 1000, "2021-03-01"));
    desk.run(&["import", "a.csv"]).ok();
    let child = desk
        .command()
        .args([
            "relay",
            "--to",
            &pg.url(),
            "--clinic",
            "north",
            "--registry-key",
            key,
            "--batch",
            "10",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let relayed = |pg: &Pg| {
        pg.client()
            .query_one("SELECT COUNT(*) FROM vaxdesk_events", &[])
            .map(|r| r.get::<_, i64>(0))
            .unwrap_or(-1)
    };
    eventually("the relay started", Duration::from_secs(120), || {
        relayed(&pg) > 0
    });
    restart_postgres();
    // Events committed while the registry was away go out too.
    desk.write("b.csv", &people_csv(1000, 500, "2021-03-02"));
    desk.run(&["import", "b.csv"]).ok();
    let (last, count) = local_events(&desk.db);
    eventually("every event relayed", Duration::from_secs(120), || {
        local_checkpoint(&desk.db) == last
    });
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("retrying in"),
        "the relay saw the restart:\n{stderr}"
    );
    assert!(
        stderr.matches("connected to registry").count() >= 2,
        "{stderr}"
    );
    let row = pg
        .client()
        .query_one(
            "SELECT COUNT(*), MIN(seq), MAX(seq) FROM vaxdesk_events WHERE clinic = 'north'",
            &[],
        )
        .unwrap();
    let (n, min, max): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((n, min, max), (count, 1, last));
    assert_eq!(pg.count("SELECT COUNT(*) FROM registry_injections"), 1500);
}
