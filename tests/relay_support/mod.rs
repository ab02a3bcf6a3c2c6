//! What the relay tests share: a PostgreSQL database of their own on the real server
//! (127.0.0.1:5432, trust authentication), dropped at the end, and clinics made quickly.

#![allow(dead_code)]

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

pub const SERVER: &str = "host=127.0.0.1 port=5432 user=root dbname=test";

/// A random number (std's hasher is seeded randomly per process).
pub fn random() -> u64 {
    static N: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(N.fetch_add(1, Ordering::SeqCst));
    h.write_u32(std::process::id());
    h.finish()
}

/// A database of the test's own on the real server, dropped with it.
pub struct Pg {
    pub name: String,
}

impl Pg {
    pub fn new() -> Pg {
        let name = format!("vaxdesk_t_{:016x}", random());
        let mut admin = postgres::Client::connect(SERVER, postgres::NoTls).unwrap_or_else(|e| {
            panic!("PostgreSQL must answer at 127.0.0.1:5432 (database test, user root): {e}")
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        Pg { name }
    }

    pub fn url(&self) -> String {
        format!("postgresql://root@127.0.0.1:5432/{}", self.name)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(
            &format!("host=127.0.0.1 port=5432 user=root dbname={}", self.name),
            postgres::NoTls,
        )
        .expect("connect to the test database")
    }

    /// One number from a query.
    pub fn count(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).expect(sql).get(0)
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(SERVER, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A CSV of `n` people with one injection each (two events per row: registered, recorded),
/// people `from..from+n` of `support::rrn`.
pub fn people_csv(from: usize, n: usize, date: &str) -> String {
    let mut s = String::from("id,family_name,given_name,birth_date,product,dose,date,lot\n");
    for i in from..from + n {
        s.push_str(&format!(
            "{},Kim,Person{i},{},EU/1/20/1528,1,{date},L{i}\n",
            super::support::rrn(i),
            super::support::rrn_birth(i)
        ));
    }
    s
}

/// The highest seq and the number of events in a desk's log.
pub fn local_events(db: &std::path::Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(db).expect("open the desk's database");
    conn.query_row(
        "SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM events",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("count events")
}

/// The relay's checkpoint in a desk's database (0 before the first relay).
pub fn local_checkpoint(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the desk's database");
    conn.query_row(
        "SELECT COALESCE(MAX(last_seq), 0) FROM relay_state",
        [],
        |r| r.get(0),
    )
    .expect("read the checkpoint")
}

/// Every text and jsonb column of every table in the public schema.
pub fn text_columns(pg: &Pg) -> Vec<(String, String)> {
    pg.client()
        .query(
            "SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'public'
               AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'character')
             ORDER BY table_name, column_name",
            &[],
        )
        .expect("list columns")
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Waits until `f` holds, checking every 100 ms; fails naming `what` after `limit`.
pub fn eventually(what: &str, limit: std::time::Duration, mut f: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting: {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
