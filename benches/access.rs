//! What staff accounts, the audit log and sealed ids cost, measured with `std::time::Instant`
//! on real files (WAL, `synchronous=FULL`).
//!
//! Run with `cargo bench --bench access` (release profile). `VAXDESK_BENCH_SCALE=0.1` shrinks
//! the sizes for a quick run.
//!
//! 1. **Sign-in.** A staff sign-in with the right passphrase (Argon2id verify at the argon2
//!    crate's default cost, the throttle row and the audit row in one transaction), a wrong
//!    one, and an unknown name (a dummy verify of the same cost: the two must take the same
//!    time, or the timing would tell which names exist); a kiosk sign-in (keyed hash, throttle,
//!    audit).
//! 2. **One audited command.** `apply` through `Desk::command` (the command plus its audit row
//!    in the same commit) against the same command through `Desk::run` (no audit row) and a
//!    bare one-row commit, interleaved.
//! 3. **The audit log at size.** `verify_chain` over the whole log and one filtered page
//!    (newest first) by actor and by citizen, on a log of 100k rows.
//! 4. **Sealing.** `IdKeys::at_rest` (AES-256-GCM seal, HMAC lookup) and `IdKeys::open`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vaxdesk::app::{Desk, Stamp, access, commands, staff_admin};
use vaxdesk::bus::Faults;
use vaxdesk::config::Config;
use vaxdesk::domain::{
    BirthDate, CitizenDetails, FixedClock, InjectionDetails, InjectionStatus, ResidentId,
    StaffName, StaffRole,
};
use vaxdesk::privacy::IdKeys;
use vaxdesk::store::audit::{self, AuditEntry, AuditFilter};
use vaxdesk::store::{self};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const FULL_AUDIT_ROWS: usize = 100_000;
const FULL_APPLY_OPS: usize = 1_000;
const SIGN_INS: usize = 20;
const PASS: &str = "jongno clinic 2026";

fn main() -> Res<()> {
    let scale = match std::env::var("VAXDESK_BENCH_SCALE") {
        Ok(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| "VAXDESK_BENCH_SCALE: a number")?,
        Err(_) => 1.0,
    };
    let sized = |full: usize| ((full as f64 * scale).round() as usize).max(10);
    let dir = tempfile::tempdir()?;
    println!("vaxdesk access benchmarks: scale {scale}");
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let desk = open(&dir.path().join("access.db"), clock.clone())?;
    bench_sign_in(&desk, &clock)?;
    bench_command(&desk, &clock, sized(FULL_APPLY_OPS))?;
    bench_audit(&desk, sized(FULL_AUDIT_ROWS))?;
    bench_sealing(desk.ids());
    Ok(())
}

fn open(path: &Path, clock: Arc<FixedClock>) -> Res<Desk> {
    let ids = IdKeys::load_or_create(&path.with_extension("keys"))?;
    Ok(Desk::open(
        path,
        ids,
        Config::default(),
        clock,
        Faults::none(),
    )?)
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn timed(n: usize, mut f: impl FnMut() -> Res<()>) -> Res<Duration> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        samples.push(t.elapsed());
    }
    Ok(median(&mut samples))
}

fn bench_sign_in(desk: &Desk, clock: &FixedClock) -> Res<()> {
    let name = StaffName::parse("name", "nurse.kim")?;
    let t = Instant::now();
    staff_admin::add(desk, "admin:bench", &name, StaffRole::Manager, PASS)?;
    let add = t.elapsed();
    let right = timed(SIGN_INS, || {
        access::sign_in_staff(desk, "nurse.kim", PASS, StaffRole::Manager)?;
        Ok(())
    })?;
    // Failures are throttled: move the clock past each wait, and unlock before the tenth.
    let wrong = timed(SIGN_INS, || {
        clock.advance(chrono::Duration::minutes(20));
        staff_admin::unlock(desk, "admin:bench", &name)?;
        let r = access::sign_in_staff(desk, "nurse.kim", "not it at all", StaffRole::Manager);
        assert!(r.is_err());
        Ok(())
    })?;
    let unknown = timed(SIGN_INS, || {
        clock.advance(chrono::Duration::minutes(20));
        let r = access::sign_in_staff(desk, "no.such.name", "not it at all", StaffRole::Manager);
        assert!(r.is_err());
        Ok(())
    })?;
    // A kiosk sign-in: one registered citizen.
    let id = ResidentId::parse("id", "900101-1234567")?;
    let details = CitizenDetails::new("김", "민준", None, None, BirthDate::Year(1990))?;
    let stamp = desk.stamp("manager:bench");
    desk.command(&stamp, "register citizen", None, |ctx| {
        commands::register_citizen(ctx, &stamp, &id, details)
    })?;
    let kiosk = timed(SIGN_INS * 10, || {
        access::sign_in_citizen(desk, &id, "1990")?;
        Ok(())
    })?;
    println!("\n1. Sign-in (median of {SIGN_INS})");
    println!("   staff add (hash)                 {}", ms(add));
    println!("   staff sign-in, right passphrase  {}", ms(right));
    println!("   staff sign-in, wrong passphrase  {}", ms(wrong));
    println!("   staff sign-in, unknown name      {}", ms(unknown));
    println!(
        "   kiosk sign-in (median of {})    {}",
        SIGN_INS * 10,
        ms(kiosk)
    );
    Ok(())
}

fn bench_command(desk: &Desk, clock: &FixedClock, ops: usize) -> Res<()> {
    // Citizens with one administered injection each; every apply is on a fresh one.
    let stamp = desk.stamp("manager:bench");
    let mut injections = vec![];
    let given = chrono::NaiveDate::from_ymd_opt(2021, 6, 1).ok_or("date")?;
    for i in 0..(2 * ops) {
        let id = ResidentId::parse("id", &format!("P{i:08}"))?;
        let details = CitizenDetails::new(
            "Test",
            &format!("Person {i}"),
            None,
            None,
            BirthDate::Year(1980),
        )?;
        let injection = desk.run(|ctx| {
            let row = commands::register_citizen(ctx, &stamp, &id, details)?;
            commands::record_injection(
                ctx,
                &stamp,
                &row,
                InjectionDetails {
                    product: "EU/1/20/1528".into(),
                    dose: 1,
                    series: 2,
                    date: given,
                    lot: Some("FA4598".into()),
                    country: "KR".into(),
                    centre: None,
                    status: InjectionStatus::Administered,
                },
            )
            .map(|inj| (row.id, inj))
        })?;
        injections.push(injection);
    }
    desk.conn().execute_batch(
        "CREATE TABLE IF NOT EXISTS bench_scratch (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
    )?;
    let (mut audited, mut plain, mut bare) = (vec![], vec![], vec![]);
    for pair in injections.chunks(2) {
        clock.advance(chrono::Duration::seconds(1));
        let [(c1, i1), (c2, i2)] = pair else { break };
        let s1 = Stamp {
            actor: format!("citizen#{c1}"),
            at: desk.now(),
        };
        let t = Instant::now();
        desk.command(&s1, "apply", Some(*c1), |ctx| {
            let c = commands::citizen_by_id(ctx, *c1)?;
            commands::apply(ctx, &s1, &c, *i1)
        })?;
        audited.push(t.elapsed());
        let s2 = Stamp {
            actor: format!("citizen#{c2}"),
            at: desk.now(),
        };
        let t = Instant::now();
        desk.run(|ctx| {
            let c = commands::citizen_by_id(ctx, *c2)?;
            commands::apply(ctx, &s2, &c, *i2)
        })?;
        plain.push(t.elapsed());
        let t = Instant::now();
        store::immediate(desk.conn(), |c| {
            c.prepare_cached("INSERT INTO bench_scratch (v) VALUES ('x')")?
                .execute([])
        })?;
        bare.push(t.elapsed());
    }
    let (a, p, b) = (median(&mut audited), median(&mut plain), median(&mut bare));
    println!("\n2. One apply command (median of {ops} each, interleaved)");
    println!("   Desk::command (with audit row)   {}", ms(a));
    println!("   Desk::run (no audit row)         {}", ms(p));
    println!("   bare one-row commit              {}", ms(b));
    println!(
        "   audited / bare = {:.2}x, audit row adds {:.3} ms",
        a.as_secs_f64() / b.as_secs_f64(),
        (a.as_secs_f64() - p.as_secs_f64()) * 1000.0
    );
    Ok(())
}

fn bench_audit(desk: &Desk, rows: usize) -> Res<()> {
    let conn = desk.conn();
    let t = Instant::now();
    store::immediate(conn, |c| -> rusqlite::Result<()> {
        for i in 0..rows {
            let at = format!(
                "2026-11-25T{:02}:{:02}:{:02}Z",
                (i / 3600) % 24,
                (i / 60) % 60,
                i % 60
            );
            let actor = format!("staff.{}", i % 50);
            audit::append(
                c,
                desk.identity(),
                &AuditEntry {
                    at: &at,
                    actor: &actor,
                    action: "view citizen",
                    citizen: Some((i % 5000) as i64 + 1),
                    result: "ok",
                    detail: None,
                },
            )?;
        }
        Ok(())
    })?;
    let fill = t.elapsed();
    let total = audit::last_seq(conn)?;
    let t = Instant::now();
    let check = audit::verify_chain(conn)?;
    let verify = t.elapsed();
    assert!(check.broken.is_none());
    let page = |filter: AuditFilter| -> Res<Duration> {
        timed(50, || {
            let rows = audit::page(conn, &filter)?;
            assert!(!rows.is_empty());
            Ok(())
        })
    };
    let by_actor = page(AuditFilter {
        actor: Some("staff.7".into()),
        limit: 20,
        ..Default::default()
    })?;
    let by_citizen = page(AuditFilter {
        citizen: Some(42),
        limit: 20,
        ..Default::default()
    })?;
    let newest = page(AuditFilter {
        limit: 20,
        ..Default::default()
    })?;
    println!("\n3. The audit log at {total} rows");
    println!(
        "   append {rows} rows in one transaction  {} ({:.1} µs a row)",
        ms(fill),
        fill.as_secs_f64() * 1e6 / rows as f64
    );
    println!("   verify_chain (whole log)          {}", ms(verify));
    println!("   page of 20, newest                {}", ms(newest));
    println!("   page of 20, by actor              {}", ms(by_actor));
    println!("   page of 20, by citizen            {}", ms(by_citizen));
    Ok(())
}

fn bench_sealing(ids: &IdKeys) {
    let id = ResidentId::parse("id", "900101-1234567").expect("an id");
    let n = 100_000;
    let t = Instant::now();
    let mut last = None;
    for _ in 0..n {
        last = Some(ids.at_rest(&id));
    }
    let seal = t.elapsed() / n;
    let sealed = last.expect("sealed").sealed;
    let t = Instant::now();
    for _ in 0..n {
        let _ = ids.open(&sealed);
    }
    let open = t.elapsed() / n;
    println!("\n4. Sealing (mean of {n})");
    println!(
        "   at_rest (seal + keyed hash)      {:.2} µs",
        seal.as_secs_f64() * 1e6
    );
    println!(
        "   open                             {:.2} µs",
        open.as_secs_f64() * 1e6
    );
}
