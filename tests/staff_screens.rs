//! Staff at the desk: the sign-in in front of the manager and issuer screens, its throttling
//! and lockout (shared by every desk through the database), the idle lock that hides a screen
//! and gives it back as it was, demo accounts shown in demo mode only, and the audit rows all
//! of it leaves.

mod common;
mod screens_support;

use chrono::Duration;
use screens_support::*;
use vaxdesk::app::staff_admin;
use vaxdesk::domain::StaffName;
use vaxdesk::store::audit::{self, AuditFilter};
use vaxdesk::tui::screen::Role;

/// The audit rows (newest first) with this action.
fn audit_rows(desk: &vaxdesk::app::Desk, action: &str) -> Vec<audit::AuditRow> {
    let all = audit::page(
        desk.conn(),
        &AuditFilter {
            limit: 1000,
            ..Default::default()
        },
    )
    .unwrap();
    all.into_iter().filter(|r| r.action == action).collect()
}

/// Opens 김 민준's detail from the manager's list (search, then Enter).
fn open_kim(m: &mut vaxdesk::tui::shell::Shell<'_>) {
    char_key(m, '/');
    type_text(m, "김");
    enter(m);
    enter(m);
}

/// Ten failed sign-ins in a row, far enough apart that none is held up by the wait: a lock.
fn fail_ten_times(td: &common::TestDesk, mut attempt: impl FnMut()) {
    for _ in 0..10 {
        td.advance(Duration::seconds(600));
        attempt();
    }
}

fn snapshot(name: &str, screen: &str) {
    insta::assert_snapshot!(name, screen);
}

#[test]
fn a_staff_screen_opens_only_after_a_sign_in() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut m = bare_shell(&td.desk, Some(Role::Manager));
    for (w, h) in SIZES {
        let s = screen(&mut m, w, h);
        assert_shows(&s, "Sign in to open the injection manager screen.");
        assert_shows(&s, "Staff sign-in");
        assert_shows(&s, "Name");
        assert_shows(&s, "Passphrase");
        // Nothing of the clinic shows, and no account is offered outside demo mode.
        assert_hides(&s, "김 민준");
        assert_hides(&s, "Demo accounts");
        assert_hides(&s, "demo.manager");
        snapshot(&format!("staff_sign_in_{w}x{h}"), &s);
    }
    // A wrong passphrase: the same message as an unknown name.
    staff_sign_in(&mut m, MANAGER.0, "not the passphrase");
    let s = seen(&mut m);
    assert_shows(&s, "Wrong name or passphrase.");
    assert_hides(&s, "not the passphrase");
    assert!(m.session().is_none());
    td.advance(Duration::seconds(1));
    esc(&mut m);
    staff_sign_in(&mut m, "nobody.here", "whatever it is");
    assert_shows(&seen(&mut m), "Wrong name or passphrase.");

    // The right one opens the list, with the name in the header.
    esc(&mut m);
    staff_sign_in(&mut m, MANAGER.0, MANAGER.2);
    let s = seen(&mut m);
    assert_shows(&s, "Injection manager · nurse.kim");
    assert_shows(&s, "김 민준");
    let rows = audit_rows(&td.desk, "sign-in");
    let results: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.actor.as_str(), r.result.as_str()))
        .collect();
    assert_eq!(results.len(), 3, "every sign-in: {results:?}");
    assert_eq!(results[0], ("nurse.kim", "ok"));
    assert_eq!(results[2], ("nurse.kim", "refused"));
    // A name that is no account is recorded as a pseudonym, never as typed: it could be an
    // id or a passphrase typed in the wrong field.
    assert!(results[1].0.starts_with("unknown:"), "{results:?}");
    assert_eq!(results[1].1, "refused");
    td.advance(Duration::seconds(5));
    esc(&mut m);
    staff_sign_in(&mut m, "900101-1234567", "whatever it is");
    let stored: i64 = td
        .desk
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE actor LIKE '%1234567%' OR actor LIKE '%nobody%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0, "typed names that are no account are not stored");
    let throttled: i64 = td
        .desk
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM sign_in_throttle WHERE subject LIKE '%1234567%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(throttled, 0);
}

#[test]
fn the_passphrase_is_never_shown_and_an_account_of_the_other_role_is_refused() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut m = bare_shell(&td.desk, Some(Role::Manager));
    type_text(&mut m, ISSUER.0);
    tab(&mut m);
    type_text(&mut m, ISSUER.2);
    let s = seen(&mut m);
    assert_hides(&s, ISSUER.2);
    assert_shows(&s, &"•".repeat(ISSUER.2.chars().count()));
    enter(&mut m);
    let s = seen(&mut m);
    assert_shows(&s, "issuer.lee may not open this screen");
    assert_hides(&s, "김 민준");
    assert!(m.session().is_none());
}

#[test]
fn failed_sign_ins_wait_longer_each_time_then_lock_until_a_manager_unlocks() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut m = bare_shell(&td.desk, Some(Role::Issuer));
    staff_sign_in(&mut m, ISSUER.0, "wrong 1 wrong 1");
    // At once again: refused without checking, and told how long to wait.
    esc(&mut m);
    staff_sign_in(&mut m, ISSUER.0, ISSUER.2);
    assert_shows(&seen(&mut m), "wait 1 s before trying again");
    assert!(m.session().is_none(), "the right passphrase waits too");
    // The waits double: 1, 2, 4, ... seconds; a throttled try counts no failure.
    for (failures, wait) in [(2, 2), (3, 4), (4, 8)] {
        td.advance(Duration::seconds(wait / 2));
        esc(&mut m);
        staff_sign_in(&mut m, ISSUER.0, "still wrong, sorry");
        assert!(m.session().is_none());
        esc(&mut m);
        staff_sign_in(&mut m, ISSUER.0, ISSUER.2);
        assert_shows(&seen(&mut m), &format!("wait {wait} s before trying again"));
        let counted: i64 = td
            .desk
            .conn()
            .query_row(
                "SELECT failures FROM sign_in_throttle WHERE subject = 'staff:issuer.lee'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            counted, failures,
            "failures counted after {failures} wrong tries"
        );
        let refused = audit_rows(&td.desk, "sign-in")
            .iter()
            .filter(|r| r.result == "refused")
            .count();
        assert_eq!(refused as i64, failures);
    }
    // Up to ten failures in a row: locked.
    for _ in 5..=10 {
        td.advance(Duration::seconds(600));
        esc(&mut m);
        staff_sign_in(&mut m, ISSUER.0, "still wrong, sorry");
    }
    let s = seen(&mut m);
    assert_shows(&s, "Locked after 10 failed attempts");
    assert_eq!(audit_rows(&td.desk, "sign-in")[0].result, "lockout");
    // Still locked 14 minutes later, even with the right passphrase; another desk agrees.
    td.advance(Duration::minutes(14));
    let other = second_desk(&td);
    let mut m2 = bare_shell(&other, Some(Role::Issuer));
    staff_sign_in(&mut m2, ISSUER.0, ISSUER.2);
    assert_shows(&seen(&mut m2), "Locked after 10 failed attempts");
    assert_eq!(audit_rows(&td.desk, "sign-in")[0].result, "locked");
    // A manager unlocks it: the right passphrase opens the queue.
    let name = StaffName::parse("name", ISSUER.0).unwrap();
    assert!(staff_admin::unlock(&td.desk, MANAGER.0, &name).unwrap());
    esc(&mut m2);
    staff_sign_in(&mut m2, ISSUER.0, ISSUER.2);
    assert_shows(&seen(&mut m2), "Certificate issuer · issuer.lee");
}

#[test]
fn a_lock_lasts_fifteen_minutes() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut m = bare_shell(&td.desk, Some(Role::Manager));
    fail_ten_times(&td, || {
        esc(&mut m);
        staff_sign_in(&mut m, MANAGER.0, "a wrong passphrase");
    });
    assert_shows(&seen(&mut m), "Locked after 10 failed attempts");
    td.advance(Duration::minutes(15) + Duration::seconds(1));
    esc(&mut m);
    staff_sign_in(&mut m, MANAGER.0, MANAGER.2);
    assert_shows(&seen(&mut m), "Injection manager · nurse.kim");
}

#[test]
fn an_idle_staff_screen_locks_and_comes_back_as_it_was() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    open_kim(&mut m);
    let before = seen(&mut m);
    assert_shows(&before, "machine-readable: KIM / MINJUN");

    // Just under five minutes: nothing happens.
    td.advance(Duration::seconds(299));
    m.tick();
    assert!(!m.locked());
    td.advance(Duration::seconds(1));
    assert!(m.tick(), "the lock is a change to draw");
    assert!(m.locked());
    for (w, h) in SIZES {
        let s = screen(&mut m, w, h);
        assert_shows(&s, "Locked while away. nurse.kim, type your passphrase.");
        // Nothing of the record shows while locked.
        assert_hides(&s, "김 민준");
        assert_hides(&s, "900101");
        snapshot(&format!("staff_idle_lock_{w}x{h}"), &s);
    }
    // Keys are the lock's: 'q' is typed, not a quit; a wrong passphrase keeps it locked.
    type_text(&mut m, "q wrong one");
    enter(&mut m);
    assert!(m.locked() && !m.should_quit());
    // The lock asks for a passphrase only, and says so.
    let s = seen(&mut m);
    assert_shows(&s, "Wrong passphrase.");
    assert_hides(&s, "Wrong name");
    td.advance(Duration::seconds(1));
    type_text(&mut m, MANAGER.2);
    enter(&mut m);
    assert!(!m.locked());
    assert_eq!(seen(&mut m), before, "the same screen, as it was");
}

#[test]
fn demo_mode_shows_the_demo_accounts_on_the_sign_in() {
    let td = demo();
    staff_admin::ensure_demo_staff(&td.desk).unwrap();
    let mut m = bare_shell(&td.desk, Some(Role::Issuer)).demo(true);
    let s = screen(&mut m, 80, 24);
    assert_shows(&s, "Demo accounts (demo mode only):");
    let (name, _, pass) = staff_admin::DEMO_STAFF[1];
    assert_shows(&s, name);
    assert_shows(&s, pass);
    staff_sign_in(&mut m, name, pass);
    assert_shows(&seen(&mut m), "Certificate issuer · demo.issuer");
    // The same database without demo mode offers nothing.
    let mut plain = bare_shell(&td.desk, Some(Role::Issuer));
    assert_hides(&screen(&mut plain, 80, 24), "Demo accounts");
}

#[test]
fn commands_and_detail_views_are_audited_with_the_staff_name() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    open_kim(&mut m);
    assert_shows(&seen(&mut m), "machine-readable: KIM / MINJUN");
    let views = audit_rows(&td.desk, "view citizen");
    assert_eq!(views.len(), 1, "one row for opening the detail");
    assert_eq!(views[0].actor, "nurse.kim");
    let kim = views[0].citizen.expect("whose record");

    // A refused command is on record too.
    char_key(&mut m, 'a');
    // The record form opens with a date; an empty lot for ADMINISTERED is refused.
    enter(&mut m);
    let refused = audit_rows(&td.desk, "record injection");
    assert!(
        refused
            .first()
            .is_some_and(|r| r.actor == "nurse.kim" && r.result.starts_with("refused")),
        "{refused:?}"
    );
    assert_eq!(
        refused[0].citizen,
        Some(kim),
        "the refusal names whose record it was"
    );
    assert!(
        audit::verify_chain(td.desk.conn())
            .unwrap()
            .broken
            .is_none()
    );
}

/// Every resident id the demo clinic registers, and the ids the screen tests type.
fn seeded_ids() -> Vec<String> {
    let seed = include_str!("../assets/demo-seed.toml");
    let mut ids: Vec<String> = seed
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .map(str::to_string)
        .collect();
    ids.push("030303-3456789".into());
    ids
}

#[test]
fn no_screen_snapshot_shows_a_whole_resident_id() {
    let ids = seeded_ids();
    assert!(ids.len() >= 9, "the demo registers nine citizens: {ids:?}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for id in &ids {
            assert!(
                !text.contains(id.as_str()) && !text.contains(&id.replace('-', "")),
                "{} shows the whole id {id}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 36, "every screen snapshot is read ({checked})");
}

#[test]
fn a_manager_reveals_a_whole_id_and_it_is_recorded() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    open_kim(&mut m);
    let s = screen(&mut m, 120, 40);
    assert_shows(&s, "900101-1******");
    assert_shows(&s, "i show whole id");
    assert!(audit_rows(&td.desk, "reveal id").is_empty());
    char_key(&mut m, 'i');
    let s = seen(&mut m);
    assert_shows(&s, "김 민준   900101-1234567   born 1990-01-01");
    assert_shows(&s, "Whole id shown; this is recorded in the audit log.");
    let rows = audit_rows(&td.desk, "reveal id");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor, "nurse.kim");
    assert_eq!(
        rows[0].citizen,
        audit_rows(&td.desk, "view citizen")[0].citizen
    );
    // Leaving the detail hides it again.
    esc(&mut m);
    enter(&mut m);
    assert_shows(&seen(&mut m), "900101-1******");
}

#[test]
fn the_audit_screen_filters_by_whole_id_actor_and_time_and_pages() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    // Open 김 민준 and 이 서연: two views.
    for name in ["김", "이"] {
        char_key(&mut m, '/');
        type_text(&mut m, name);
        enter(&mut m);
        enter(&mut m);
        esc(&mut m);
        esc(&mut m);
    }
    char_key(&mut m, 'L');
    let s = screen(&mut m, 120, 40);
    assert_shows(&s, "Audit log · all rows");
    assert_shows(&s, "view citizen");
    assert_shows(&s, "nurse.kim");
    assert_shows(&s, "sign-in");
    assert_shows(&s, "seed");
    // Whose record shows masked.
    assert_shows(&s, "900101-1******");
    assert_shows(&s, "850315-2******");
    assert_hides(&s, "1234567");

    // By whole id: only 김 민준's rows (their seed steps are one seed row, without a citizen).
    char_key(&mut m, 'f');
    type_text(&mut m, "900101-1234567");
    enter(&mut m);
    let s = screen(&mut m, 120, 40);
    assert_shows(&s, "Audit log · citizen 900101-1******");
    assert_shows(&s, "view citizen");
    assert_hides(&s, "850315-2******");
    assert_hides(&s, "sign-in");

    // A partial id finds nothing: ids are matched whole.
    char_key(&mut m, 'f');
    type_text(&mut m, "900101");
    enter(&mut m);
    assert_shows(&screen(&mut m, 120, 40), "No audit rows match.");

    // By actor, and by time.
    char_key(&mut m, 'f');
    tab(&mut m);
    type_text(&mut m, "nurse.kim");
    enter(&mut m);
    let s = screen(&mut m, 120, 40);
    assert_shows(&s, "actor nurse.kim");
    assert_hides(&s, "seed:");
    char_key(&mut m, 'f');
    tab(&mut m);
    tab(&mut m);
    type_text(&mut m, "2030-01-01");
    enter(&mut m);
    assert_shows(&screen(&mut m, 120, 40), "No audit rows match.");
    char_key(&mut m, 'f');
    tab(&mut m);
    tab(&mut m);
    type_text(&mut m, "yesterday");
    enter(&mut m);
    assert_shows(&seen(&mut m), "since: 'yesterday' is not a date");
    esc(&mut m);
    // An empty filter shows every row again.
    char_key(&mut m, 'f');
    enter(&mut m);
    assert_shows(&seen(&mut m), "Audit log · all rows");

    // Paging: at 80x24 a page holds 19 rows; PageDown shows older ones, PageUp comes back.
    let first = screen(&mut m, 80, 24);
    key(&mut m, ratatui::crossterm::event::KeyCode::PageDown);
    let older = screen(&mut m, 80, 24);
    assert_ne!(first, older);
    key(&mut m, ratatui::crossterm::event::KeyCode::PageUp);
    assert_eq!(screen(&mut m, 80, 24), first);
    esc(&mut m);
    assert_shows(&seen(&mut m), "Citizens (9)");
}

#[test]
fn a_manager_unlocks_a_locked_account_from_the_desk() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut i = bare_shell(&td.desk, Some(Role::Issuer));
    fail_ten_times(&td, || {
        esc(&mut i);
        staff_sign_in(&mut i, ISSUER.0, "a wrong passphrase");
    });
    assert_shows(&seen(&mut i), "Locked after 10 failed attempts");
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, 'U');
    let s = seen(&mut m);
    assert_shows(&s, "Unlock a staff account");
    // One field, and Enter goes on to a question: the form's hint says so.
    assert_shows(&s, "Enter continue · Esc back");
    assert_hides(&s, "←→ choose");
    type_text(&mut m, "issuer.lee");
    enter(&mut m);
    // Unlocking asks first (no key acts irreversibly without a question).
    assert_shows(&seen(&mut m), "Unlock issuer.lee? They can sign in again");
    char_key(&mut m, 'y');
    assert_shows(
        &seen(&mut m),
        "Unlocked issuer.lee: they can sign in again.",
    );
    let rows = audit_rows(&td.desk, "staff unlock");
    assert_eq!(
        (rows[0].actor.as_str(), rows[0].result.as_str()),
        ("nurse.kim", "ok")
    );
    esc(&mut i);
    staff_sign_in(&mut i, ISSUER.0, ISSUER.2);
    assert_shows(&seen(&mut i), "Certificate issuer · issuer.lee");
}

#[test]
fn showing_a_certificate_is_recorded_as_an_export() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    char_key(&mut i, 'v');
    assert_shows(&screen(&mut i, 120, 40), "URN:UVCI:01:KR:");
    let rows = audit_rows(&td.desk, "export certificate");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor, "issuer.lee");
    assert!(
        rows[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("URN:UVCI:01:KR:") && d.ends_with("shown as a QR code")),
        "{:?}",
        rows[0].detail
    );
    assert!(rows[0].citizen.is_some());
}

#[test]
fn the_kiosk_throttles_per_id_and_never_says_whether_the_id_exists() {
    let td = demo();
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    let mut answers = vec![];
    // A registered id with a wrong birth date, and an id nobody has: the same answers.
    for id in ["900101-1234567", "990101-1999999"] {
        sign_in(&mut k, id, "1980-01-01");
        let first = seen(&mut k);
        esc(&mut k);
        sign_in(&mut k, id, "1980-01-01");
        let second = seen(&mut k);
        esc(&mut k);
        answers.push((first.replace(id, "ID"), second.replace(id, "ID")));
    }
    assert_shows(
        &answers[0].0,
        "No match found for this id and date of birth.",
    );
    assert_shows(&answers[0].1, "wait 1 s before trying again");
    let masked = |s: &str| {
        s.replace("900101-1••••••", "ID")
            .replace("990101-1••••••", "ID")
    };
    assert_eq!(
        (masked(&answers[0].0), masked(&answers[0].1)),
        (masked(&answers[1].0), masked(&answers[1].1)),
        "a registered id and an unknown one get the same screens"
    );
    // Throttling is per id: another id is not held up.
    sign_in(&mut k, "850315-2345678", "1985-03-15");
    assert_shows(&seen(&mut k), "이 서연");
    // Every attempt is on record; the registered id's attempts name whose record it was.
    let rows = audit_rows(&td.desk, "kiosk sign-in");
    let results: Vec<&str> = rows.iter().map(|r| r.result.as_str()).collect();
    assert_eq!(
        results,
        ["ok", "throttled", "refused", "throttled", "refused"]
    );
    assert!(rows[2].citizen.is_none() && rows[4].citizen.is_some());
}

#[test]
fn a_desk_without_staff_accounts_says_how_to_add_one() {
    let td = demo();
    let mut m = bare_shell(&td.desk, Some(Role::Issuer));
    let s = screen(&mut m, 80, 24);
    assert_shows(&s, "No staff accounts yet. The database's owner adds one:");
    // The command names this database: the desk may not be on the default one.
    let command = format!(
        "vaxdesk --db {} staff add NAME --role issuer",
        td.path.display()
    );
    // Cut at the box's width, so compared without the spaces.
    let bare = |t: &str| t.split_whitespace().collect::<String>();
    let shown: String = s
        .lines()
        .skip_while(|l| !l.contains("No staff accounts yet"))
        .skip(1)
        .collect();
    assert!(bare(&shown).starts_with(&bare(&command)), "{command}\n{s}");
    ensure_staff(&td.desk);
    let mut m = bare_shell(&td.desk, Some(Role::Issuer));
    assert_hides(&screen(&mut m, 80, 24), "No staff accounts yet");
}

#[test]
fn a_passport_number_finds_its_citizen_whole_and_shows_masked() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, '/');
    type_text(&mut m, "M48213907");
    let s = seen(&mut m);
    assert_shows(&s, "Search: M482•••••");
    assert_shows(&s, "Müller Anna Lena");
    assert_hides(&s, "M48213907");
    // A part of it finds nothing.
    key(&mut m, ratatui::crossterm::event::KeyCode::Backspace);
    assert_shows(&seen(&mut m), "No citizen has this id.");
}

#[test]
fn a_kiosk_id_locked_by_failed_attempts_is_unlocked_by_a_manager() {
    let td = demo();
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    fail_ten_times(&td, || {
        esc(&mut k);
        sign_in(&mut k, "900101-1234567", "1980-01-01");
    });
    let s = seen(&mut k);
    assert_shows(&s, "Locked after 10 failed attempts");
    esc(&mut k);
    sign_in(&mut k, "900101-1234567", "1990-01-01");
    assert_hides(&seen(&mut k), "김 민준");
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, 'U');
    type_text(&mut m, "900101-1234567");
    enter(&mut m);
    char_key(&mut m, 'y');
    assert_shows(&seen(&mut m), "The kiosk takes 900101-1****** again.");
    let rows = audit_rows(&td.desk, "kiosk unlock");
    assert_eq!(rows[0].actor, "nurse.kim");
    assert!(rows[0].citizen.is_some());
    esc(&mut k);
    sign_in(&mut k, "900101-1234567", "1990-01-01");
    assert_shows(&seen(&mut k), "김 민준");
}

#[test]
fn the_role_picker_leads_to_the_staff_sign_in() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut p = bare_shell(&td.desk, None);
    char_key(&mut p, '2');
    let s = seen(&mut p);
    assert_shows(&s, "Certificate issuer · sign in");
    assert_hides(&s, "Queue");
    staff_sign_in(&mut p, ISSUER.0, ISSUER.2);
    assert_shows(&seen(&mut p), "Queue 4 pending");
}

#[test]
fn the_idle_lock_footer_says_enter_unlocks_and_offers_no_other_field() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    td.advance(Duration::seconds(300));
    m.tick();
    assert!(m.locked());
    for (w, h) in SIZES {
        let s = screen(&mut m, w, h);
        let footer = s.lines().last().unwrap_or_default();
        assert_shows(footer, "Enter unlock");
        assert_shows(footer, "Esc clear");
        assert_hides(footer, "sign in");
        assert_hides(footer, "next field");
    }
}
