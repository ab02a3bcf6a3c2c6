//! The desk's screens, driven by keys through the real `Shell` on a seeded database and drawn
//! on a test terminal: every screen at 80x24 and 120x40 as a snapshot, the main flows of each
//! role with what the user sees and what the database holds, two desks on one file, the
//! kiosk's idle timeout, and colourless rendering.
//!
//! Snapshots show local times, which depend on the machine's time zone, and certificate ids,
//! which carry a random per-database tag; both are redacted to placeholders of the same width,
//! so the columns in the snapshots are the columns on screen.

mod common;
mod screens_support;

use chrono::Duration;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use screens_support::*;
use vaxdesk::app::queries;
use vaxdesk::app::{Desk, queries::Status};
use vaxdesk::domain::ResidentId;
use vaxdesk::domain::citizen::mask;
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;

// --- snapshots -------------------------------------------------------------------------------

/// Redactions: (pattern, replacement of the same width).
const FILTERS: &[(&str, &str)] = &[
    // Local date and time (`YYYY-MM-DD HH:MM`), which depend on the machine's time zone.
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "YYYY-MM-DD hh:mm"),
    // The same without the year (the issuer's recently issued certificates).
    (r"\b\d{2}-\d{2} \d{2}:\d{2}", "MM-DD hh:mm"),
    // A certificate's expiry, shown as a local date.
    (r"valid until \d{4}-\d{2}-\d{2}", "valid until YYYY-MM-DD"),
    // The record form's default date: today, in local time.
    (r"(Date given\s+)\d{4}-\d{2}-\d{2}", "${1}YYYY-MM-DD"),
    // The random per-database tag in certificate ids, and the check character it changes.
    (r"VXD[0-9A-F]{8}(\d{8})#[A-Z0-9/:]", "VXD[tag-id]$1#?"),
    // The check character alone, where a popup covers the tag.
    (r"(\d{7}#)[A-Z0-9/:]", "${1}?"),
];

/// For each size (the larger first): draws the screen, runs `$check` on it (the buffer and
/// its text), then snapshots it as `<name>_<w>x<h>`. A check that fails stops before
/// the snapshot, so a screen with a defect is never recorded as the expected one.
macro_rules! check_and_snapshot {
    ($name:expr, $shell:expr, $check:expr) => {{
        let mut settings = insta::Settings::clone_current();
        for (pattern, replacement) in FILTERS {
            settings.add_filter(pattern, *replacement);
        }
        for (w, h) in [SIZES[1], SIZES[0]] {
            let buffer = draw($shell, w, h);
            let text = text(&buffer);
            let check: &dyn Fn(&Buffer, &str) = &$check;
            check(&buffer, &text);
            settings.bind(|| {
                insta::assert_snapshot!(format!("{}_{}x{}", $name, w, h), text);
            });
        }
    }};
}

// --- helpers ---------------------------------------------------------------------------------

const KIM: &str = "900101-1234567";
const KIM_BIRTH: &str = "1990-01-01";
const LEE: &str = "850315-2345678";
const LEE_BIRTH: &str = "1985-03-15";

fn status(desk: &Desk, id: &str) -> Status {
    queries::status(desk, &ResidentId::parse("id", id).unwrap()).unwrap()
}

/// The status of the citizen's latest application for `dose`.
fn application_status(desk: &Desk, id: &str, dose: u32) -> Option<(String, Option<String>)> {
    status(desk, id)
        .applications
        .into_iter()
        .filter(|a| a.dose == dose)
        .max_by_key(|a| a.application_id)
        .map(|a| (a.status, a.certificate_id))
}

/// The keyed hash the database finds `id` by.
fn lookup(td: &common::TestDesk, id: &str) -> String {
    td.desk.ids().lookup(&ResidentId::parse("id", id).unwrap())
}

/// The newest audit rows with this action: (actor, whose record, result).
fn audited(desk: &Desk, action: &str) -> Vec<(String, Option<i64>, String)> {
    let rows = vaxdesk::store::audit::page(
        desk.conn(),
        &vaxdesk::store::audit::AuditFilter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .unwrap();
    rows.into_iter()
        .filter(|r| r.action == action)
        .map(|r| (r.actor, r.citizen, r.result))
        .collect()
}

fn queue(desk: &Desk) -> Vec<queries::QueueItem> {
    queries::queue(desk, 100).unwrap()
}

/// The last line of the screen: the footer with the key hints.
fn footer(screen: &str) -> &str {
    screen.lines().last().unwrap_or("")
}

/// The manager's list filtered by `/` and `text`, the search closed with Enter.
fn search(m: &mut Shell<'_>, text: &str) {
    char_key(m, '/');
    type_text(m, text);
    enter(m);
}

/// The manager's detail of 김 민준.
fn manager_on_kim(desk: &Desk) -> Shell<'_> {
    let mut m = shell(desk, Some(Role::Manager));
    search(&mut m, "김");
    enter(&mut m);
    assert_shows(&seen(&mut m), "machine-readable: KIM / MINJUN");
    m
}

/// Fills the register form: id, family name, given name, (MRZ fields left to the
/// suggestion), date of birth.
fn fill_register(m: &mut Shell<'_>, id: &str, family: &str, given: &str, birth: &str) {
    char_key(m, 'n');
    type_text(m, id);
    tab(m);
    type_text(m, family);
    tab(m);
    type_text(m, given);
    tab(m);
    tab(m);
    tab(m);
    type_text(m, birth);
}

/// In the record form: moves the focus from the vaccine to `field` (form order).
fn focus(m: &mut Shell<'_>, field: &str) {
    let order = [
        "product", "dose", "series", "date", "lot", "centre", "status", "country",
    ];
    let n = order.iter().position(|f| *f == field).unwrap();
    for _ in 0..n {
        tab(m);
    }
}

fn clear_field(m: &mut Shell<'_>) {
    ctrl(m, 'u');
}

/// Every cell uses the terminal's own colours (no foreground or background set).
fn assert_colourless(buffer: &Buffer) {
    for (i, c) in buffer.content.iter().enumerate() {
        assert!(
            c.fg == Color::Reset && c.bg == Color::Reset,
            "cell {i} ({:?}) has a colour: fg {:?} bg {:?}",
            c.symbol(),
            c.fg,
            c.bg
        );
    }
}

/// The rows (screen line numbers) that carry the selection marker.
fn marked_rows(buffer: &Buffer) -> Vec<usize> {
    lines(buffer)
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains('▶'))
        .map(|(i, _)| i)
        .collect()
}

/// True when the row's cell under the marker is drawn reversed (the plain theme's selection).
fn reversed_at(buffer: &Buffer, row: usize) -> bool {
    let w = buffer.area.width as usize;
    buffer.content[row * w..(row + 1) * w]
        .iter()
        .any(|c| c.symbol() == "▶" && c.modifier.contains(Modifier::REVERSED))
}

// --- 1. every screen, at 80x24 and 120x40 ----------------------------------------------------

#[test]
fn screen_role_picker() {
    let td = demo();
    let mut p = shell(&td.desk, None);
    check_and_snapshot!("role_picker", &mut p, |b: &Buffer, s: &str| {
        assert_frame(b, "Who is at the desk?");
        assert_shows(s, "▶ 1 Injection manager");
        assert_shows(s, "2 Certificate issuer");
        assert_shows(s, "3 Citizen");
        assert_shows(s, "↑/↓ choose · Enter open · 1-3 open directly");
        // Each role's description is readable to its end.
        assert_shows(s, "registers citizens, records and corrects injections");
        assert_shows(s, "works the queue of applications, issues certificates");
        assert_shows(s, "applies for a certificate, checks the status");
    });
    // A role opens by its number.
    char_key(&mut p, '3');
    assert_shows(&seen(&mut p), "vaxdesk · Citizen");
}

/// The kiosk's sign-in footer offers what its keys do there: Enter signs in (it saves
/// nothing).
fn assert_sign_in_footer(s: &str) {
    let f = footer(s);
    assert!(
        f.contains("Enter sign in") && !f.contains("save"),
        "the sign-in footer: {f:?}"
    );
}

#[test]
fn screen_citizen_sign_in_empty() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    check_and_snapshot!("citizen_sign_in", &mut c, |b: &Buffer, s: &str| {
        assert_frame(b, "Sign in");
        assert_shows(
            s,
            "Welcome. Sign in to see your vaccinations and certificates.",
        );
        assert_shows(s, "▶ Resident id");
        assert_shows(s, "Date of birth   YYYY-MM-DD");
        assert_shows(s, "Tab next field · Enter sign in");
        assert_sign_in_footer(s);
    });
}

#[test]
fn screen_citizen_sign_in_no_match() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, "1991-01-01");
    check_and_snapshot!("citizen_sign_in_no_match", &mut c, |b: &Buffer, s: &str| {
        assert_frame(b, "Sign in");
        assert_shows(s, "✗ No match found for this id and date of birth.");
        // What was typed stays, to be corrected.
        assert_shows(s, "Resident id     900101-1••••••");
        assert_shows(s, "▶ Date of birth   1991-01-01");
        assert_hides(s, "민준");
        assert_sign_in_footer(s);
    });
    // Esc clears both fields and the message; a right pair then signs in.
    esc(&mut c);
    let s = seen(&mut c);
    assert_hides(&s, "900101");
    assert_hides(&s, "No match found");
    assert_shows(&s, "▶ Resident id");
    // The next try for the same id waits a second (throttled, whoever's id it is).
    td.advance(Duration::seconds(1));
    sign_in(&mut c, KIM, KIM_BIRTH);
    assert_shows(&seen(&mut c), "김 민준");
}

#[test]
fn screen_citizen_page() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    check_and_snapshot!("citizen_page", &mut c, |_: &Buffer, s: &str| {
        assert_shows(s, "김 민준   900101-1******   born 1990-01-01");
        // The kiosk never shows the full id.
        assert_hides(s, KIM);
        let first = line_with(s, "1/2");
        assert!(first.contains("▶ 1/2   Comirnaty"), "{first}");
        assert!(first.contains("ADMINISTERED  APPLIED"), "{first}");
        assert!(line_with(s, "2/2").contains("ADMINISTERED  ISSUED"));
        assert!(line_with(s, "3/3").contains("ADMINISTERED  ISSUED"));
        assert_shows(s, "waiting for the issuer.");
        assert_shows(s, "Press c to cancel it.");
        assert_shows(footer(s), "a apply for certificate");
        assert_shows(footer(s), "c cancel application");
    });
    // An issued dose shows its certificate.
    char_key(&mut c, 'j');
    let s = seen(&mut c);
    assert!(line_with(&s, "2/2").starts_with(" ▶ 2/2"));
    assert_shows(&s, "Certificate URN:UVCI:01:KR:VXD");
    assert_shows(&s, "valid until");
}

#[test]
fn screen_citizen_cancel_confirm() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    char_key(&mut c, 'c');
    check_and_snapshot!("citizen_cancel_confirm", &mut c, |b: &Buffer, s: &str| {
        assert_frame(b, "Cancel application");
        assert_shows(s, "Cancel your application for dose 1/2?");
        assert_shows(s, "y / Enter: yes    n / Esc: no");
    });
    // n keeps the application.
    char_key(&mut c, 'n');
    assert_hides(&seen(&mut c), "Cancel your application");
    assert_eq!(application_status(&td.desk, KIM, 1).unwrap().0, "APPLIED");
}

#[test]
fn screen_manager_list() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    check_and_snapshot!("manager_list", &mut m, |b: &Buffer, s: &str| {
        assert_shows(s, "Citizens (9)");
        // Korean and Latin names in one column: the id column starts at the same screen
        // column on every row.
        let ids: Vec<usize> = [
            "M482", "780830-2", "P555", "900101-1", "630518-1", "720704-1",
        ]
        .iter()
        .map(|id| column_of(line_with(s, id), id).unwrap())
        .collect();
        assert!(
            ids.iter().all(|c| *c == ids[0]),
            "ids not aligned: {ids:?}\n{s}"
        );
        assert!(
            line_with(s, "김 민준")
                .contains("900101-1******  1990-01-01  3      application APPLIED")
        );
        assert!(line_with(s, "최 하늘").ends_with("injection SCHEDULED"));
        assert_eq!(marked_rows(b), vec![3]);
        assert_shows(footer(s), "n register citizen");
        assert_shows(footer(s), "Enter open");
        // Every hint names its key: the search is on `/`.
        assert_shows(footer(s), "/ search");
    });
}

#[test]
fn screen_manager_search() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, '/');
    type_text(&mut m, "김");
    check_and_snapshot!("manager_search", &mut m, |_: &Buffer, s: &str| {
        assert_shows(s, "Search: 김");
        assert_shows(s, "▶ 김 민준");
        for other in ["이 서연", "박 지훈", "Müller", "Smith-Jones"] {
            assert_hides(s, other);
        }
        // Enter ends the search here (keeping the filter); nothing is saved.
        assert!(
            !footer(s).contains("save"),
            "the search footer offers 'save': {:?}",
            footer(s)
        );
    });
    // Esc ends the search and shows everyone again.
    esc(&mut m);
    let s = seen(&mut m);
    assert_shows(&s, "Citizens (9)");
    assert_shows(&s, "이 서연");
}

#[test]
fn screen_manager_detail() {
    let td = demo();
    let mut m = manager_on_kim(&td.desk);
    check_and_snapshot!("manager_detail", &mut m, |_: &Buffer, s: &str| {
        // Staff see the id in full.
        assert_shows(s, "김 민준   900101-1******   born 1990-01-01");
        assert_shows(s, "machine-readable: KIM / MINJUN");
        assert!(line_with(s, "FA4598").contains("▶ 1/2    Comirnaty"));
        assert!(line_with(s, "FD7211").contains("ADMINISTERED"));
        assert!(line_with(s, "FK0112").contains("3/3"));
        assert_shows(s, "Seoul Jongno Vaccination Centre, KR");
        assert!(line_with(s, "dose 1/2").contains("APPLIED"));
        assert!(line_with(s, "dose 2/2").contains("ISSUED    URN:UVCI:01:KR:VXD"));
        assert_shows(footer(s), "a record dose");
        assert_shows(footer(s), "e edit dose");
        assert_shows(footer(s), "x void dose");
    });
}

#[test]
fn screen_manager_register_field_error() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    fill_register(&mut m, "030303-3456789", "김", "서준", "2003-13-45");
    enter(&mut m);
    // Nothing was registered.
    assert!(
        queries::status(
            &td.desk,
            &ResidentId::parse("id", "030303-3456789").unwrap()
        )
        .is_err()
    );
    check_and_snapshot!("manager_register_error", &mut m, |b: &Buffer, s: &str| {
        assert_frame(b, "Register citizen");
        // Everything typed is kept.
        assert_shows(s, "Resident id     030303-3••••••");
        assert_shows(s, "Family name     김");
        assert_shows(s, "Given name      서준");
        // The machine-readable forms follow the names as they are typed.
        assert_shows(s, "Family (MRZ)    KIM ");
        assert_shows(s, "Given (MRZ)     SEOJUN ");
        // The error is right under the date of birth, which has the focus.
        let all: Vec<&str> = s.lines().collect();
        let at = all
            .iter()
            .position(|l| l.contains("▶ Date of birth   2003-13-45"))
            .expect("the focus is on the date of birth");
        assert!(
            all[at + 1].contains("✗ birth_date: '2003-13-45' is not a date"),
            "{}",
            all[at + 1]
        );
        // The error is readable to its end: it says which formats are accepted.
        assert_shows(s, "(YYYY-MM-DD, YYYY-MM or YYYY)");
        // Only text fields here: the hint offers no ←→ choice.
        assert_shows(s, "Tab/↑↓ move · Enter save · Esc back");
        assert_hides(s, "←→ choose");
    });
}

#[test]
fn screen_manager_record_form() {
    let td = demo();
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, 'a');
    check_and_snapshot!("manager_record_form", &mut m, |b: &Buffer, s: &str| {
        assert_frame(b, "Record injection for 김 민준");
        assert_shows(s, "▶ Vaccine         ◀ Comirnaty · 화이자 — EU/1/20/1528 ▶");
        // The next dose after 3/3, with the booster's series.
        assert_shows(s, "Dose            4");
        assert_shows(s, "Series of       4");
        assert_shows(s, "Lot");
        assert_shows(s, "Status          ◀ administered ▶");
        assert_shows(s, "Country         KR");
        assert_shows(s, "Tab/↑↓ move · ←→ choose · Enter save · Esc back");
    });
}

#[test]
fn screen_manager_void_confirm() {
    let td = demo();
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, 'x');
    type_text(&mut m, "wrong patient");
    let b = draw(&mut m, 80, 24);
    assert_frame(&b, "Void dose 1");
    assert_shows(&text(&b), "▶ Reason          wrong patient");
    enter(&mut m);
    check_and_snapshot!("manager_void_confirm", &mut m, |b: &Buffer, s: &str| {
        assert_frame(b, "Void injection");
        assert_shows(
            s,
            "│ Void dose 1 (Comirnaty) of 김 민준? A pending application    │",
        );
        assert_shows(s, "for it will be rejected.");
        assert_shows(s, "y / Enter: yes    n / Esc: no");
    });
    // Confirmed: the dose is voided and its pending application rejected.
    char_key(&mut m, 'y');
    let s = seen(&mut m);
    assert_shows(&s, "Voided dose 1");
    assert!(line_with(&s, "FA4598").contains("VOIDED"));
    assert_shows(&s, "voided: wrong patient");
    assert_eq!(application_status(&td.desk, KIM, 1).unwrap().0, "REJECTED");
    let kim = status(&td.desk, KIM).citizen.citizen_id;
    assert_eq!(
        audited(&td.desk, "void injection")[0],
        ("nurse.kim".to_string(), Some(kim), "ok".to_string())
    );
}

#[test]
fn screen_issuer_queue() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    check_and_snapshot!("issuer_queue", &mut i, |_: &Buffer, s: &str| {
        assert_shows(
            s,
            "Queue 4 pending · issuance ok · applying ok · status-view ok",
        );
        // Oldest first; the names line up with the vaccine column whatever the script.
        let names = ["김 민준", "정 유나", "남궁 민", "Nguyễn Thị Mai"];
        let vaccine: Vec<usize> = names
            .iter()
            .map(|n| {
                let l = line_with(s, n);
                column_of(l, "Comirnaty")
                    .or_else(|| column_of(l, "Spikevax"))
                    .unwrap()
            })
            .collect();
        assert!(vaccine.iter().all(|c| *c == vaccine[0]), "{vaccine:?}\n{s}");
        let rows: Vec<usize> = names
            .iter()
            .map(|n| s.lines().position(|l| l.contains(n)).unwrap())
            .collect();
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "not oldest first:\n{s}"
        );
        let first = s.lines().nth(rows[0]).unwrap();
        assert!(first.starts_with(" ▶ "), "{first}");
        assert!(first.contains("Comirnaty     1/2   2021-06-01"), "{first}");
        // The detail pane is about the selected request.
        assert_shows(
            s,
            "Comirnaty (EU/1/20/1528), Biontech Manufacturing GmbH   dose 1/2",
        );
        assert_shows(
            s,
            "given 2021-06-01 · lot FA4598 · Seoul Jongno Vaccination Centre KR",
        );
        assert_shows(s, "Recently issued");
        // Enter opens the application; issuing is `i` (then `y`).
        assert_shows(footer(s), "Enter open");
        assert_shows(footer(s), "i issue certificate");
        assert_shows(footer(s), "r reject");
    });
    // Moving down moves the detail pane along.
    char_key(&mut i, 'j');
    let s = seen(&mut i);
    assert_shows(
        &s,
        "given 2022-01-10 · lot FL8095 · Gangnam-gu Health Centre KR",
    );
}

#[test]
fn screen_issuer_issue_confirm() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'i');
    check_and_snapshot!("issuer_issue_confirm", &mut i, |b: &Buffer, s: &str| {
        assert_frame(b, "Issue certificate");
        assert_shows(s, "Issue a certificate to 김 민준 for Comirnaty dose 1/2?");
        assert_shows(s, "y / Enter: yes    n / Esc: no");
    });
    // n: nothing issued.
    char_key(&mut i, 'n');
    assert_eq!(queue(&td.desk).len(), 4);
    assert_hides(&seen(&mut i), "Issue a certificate");
}

#[test]
fn screen_issuer_reject_form() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'r');
    check_and_snapshot!("issuer_reject_form", &mut i, |b: &Buffer, s: &str| {
        // The frame is whole, even where it crosses a Korean name underneath.
        assert_frame(b, "Reject the application of 김 민준");
        assert_shows(s, "▶ Reason");
        assert_shows(s, "Enter continue · Esc back");
    });
    // With a reason, the issuer is asked once more: a rejection cannot be undone.
    type_text(&mut i, "card unreadable");
    enter(&mut i);
    let s = screen(&mut i, 120, 40);
    assert_shows(
        &s,
        "Reject the application of 김 민준 for Comirnaty dose 1/2?",
    );
    assert_shows(&s, "Reason: card unreadable");
    assert_eq!(queue(&td.desk).len(), 4, "nothing is rejected before y");
    char_key(&mut i, 'y');
    let s = seen(&mut i);
    assert_shows(&s, "Rejected the application of 김 민준");
    assert_eq!(application_status(&td.desk, KIM, 1).unwrap().0, "REJECTED");
    assert_eq!(queue(&td.desk).len(), 3);
    let kim = status(&td.desk, KIM).citizen.citizen_id;
    assert_eq!(
        audited(&td.desk, "reject application")[0],
        ("issuer.lee".to_string(), Some(kim), "ok".to_string())
    );
}

#[test]
fn screen_help_popup() {
    let td = demo();
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, '?');
    check_and_snapshot!("help_popup", &mut m, |b: &Buffer, s: &str| {
        assert_frame(b, "Keys");
        for line in [
            "?/F1       help",
            "q/C-c/C-q  quit",
            "Esc        back",
            "↑/k        up",
            "PgDn       page down",
            "a          record dose",
            "e          edit dose",
            "x          void dose",
            "Esc or ? closes this help",
        ] {
            assert_shows(s, line);
        }
        // Only what works here: the list's keys are not offered in the detail.
        assert_hides(s, "register citizen");
    });
    // Keys do nothing else while the help is open; Esc closes it.
    char_key(&mut m, 'a');
    assert_hides(&seen(&mut m), "Record injection for");
    esc(&mut m);
    let s = seen(&mut m);
    assert_hides(&s, "Esc or ? closes this help");
    assert_shows(&s, "machine-readable: KIM / MINJUN");
}

#[test]
fn help_on_the_list_names_the_list_keys() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    key(&mut m, ratatui::crossterm::event::KeyCode::F(1));
    let s = seen(&mut m);
    for line in [
        "/          search",
        "n          register citizen",
        "Enter      open",
    ] {
        assert_shows(&s, line);
    }
    char_key(&mut m, '?');
    assert_hides(&seen(&mut m), "Esc or ? closes this help");
}

#[test]
fn screen_quit_confirm_with_unsaved_input() {
    let td = demo();
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, 'a');
    focus(&mut m, "lot");
    type_text(&mut m, "FA0001");
    ctrl(&mut m, 'c');
    assert!(!m.should_quit());
    check_and_snapshot!("quit_confirm", &mut m, |b: &Buffer, s: &str| {
        assert_frame(b, "Quit");
        assert_shows(s, "What you typed is not saved. Quit anyway?");
        assert_shows(s, "y / Enter: yes    n / Esc: no");
    });
    // n: back to the form with the text kept; Ctrl+C and y: quit.
    char_key(&mut m, 'n');
    assert!(!m.should_quit());
    assert_shows(&seen(&mut m), "▶ Lot             FA0001");
    ctrl(&mut m, 'c');
    char_key(&mut m, 'y');
    assert!(m.should_quit());
}

#[test]
fn quit_without_unsaved_input_asks_nothing() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    ctrl(&mut m, 'c');
    assert!(m.should_quit());
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'q');
    assert!(i.should_quit());
}

// --- 2. flows by keys ------------------------------------------------------------------------

#[test]
fn flow_manager_registers_a_korean_name_and_records_an_injection() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    fill_register(&mut m, "030303-3456789", "김", "서준", "2003-03-03");
    enter(&mut m);
    let s = seen(&mut m);
    assert_shows(&s, "Registered 김 서준");
    assert_shows(&s, "김 서준   030303-3******   born 2003-03-03");
    assert_shows(&s, "machine-readable: KIM / SEOJUN");
    assert_shows(&s, "No injections yet. Press a to record one.");
    let st = status(&td.desk, "030303-3456789");
    assert_eq!(
        (
            st.citizen.family_name.as_str(),
            st.citizen.given_name.as_str()
        ),
        ("김", "서준")
    );
    assert!(st.injections.is_empty());

    // Record dose 1 of Comirnaty, given on a typed date, with a lot and a centre.
    char_key(&mut m, 'a');
    assert_shows(&seen(&mut m), "Record injection for 김 서준");
    focus(&mut m, "date");
    clear_field(&mut m);
    type_text(&mut m, "2026-11-20");
    tab(&mut m);
    type_text(&mut m, "FA7777");
    tab(&mut m);
    type_text(&mut m, "강남구 보건소");
    enter(&mut m);
    let s = seen(&mut m);
    assert_shows(&s, "Recorded dose 1");
    let row = line_with(&s, "FA7777");
    assert!(
        row.contains("▶ 1/2    Comirnaty                 2026-11-20  FA7777      ADMINISTERED"),
        "{row}\n{s}"
    );
    assert_shows(&s, "강남구 보건소, KR");
    let st = status(&td.desk, "030303-3456789");
    assert_eq!(st.injections.len(), 1);
    // Both commands are on record with the manager's name and whose record they changed.
    let whose = Some(st.citizen.citizen_id);
    let ok = |action| audited(&td.desk, action)[0].clone();
    let me = "nurse.kim".to_string();
    assert_eq!(ok("register citizen"), (me.clone(), whose, "ok".into()));
    assert_eq!(ok("record injection"), (me.clone(), whose, "ok".into()));
    assert_eq!(ok("view citizen"), (me, whose, "ok".into()));
    let inj = &st.injections[0];
    assert_eq!(
        (inj.dose, inj.series, inj.date.as_str(), inj.status.as_str()),
        (1, 2, "2026-11-20", "ADMINISTERED")
    );

    // Back in the list: ten citizens, the new one with one dose.
    esc(&mut m);
    let s = screen(&mut m, 120, 40);
    assert_shows(&s, "Citizens (10)");
    assert!(
        line_with(&s, "김 서준")
            .ends_with("030303-3******  2003-03-03  1      injection ADMINISTERED"),
        "{s}"
    );
}

#[test]
fn manager_list_shows_the_latest_status_in_full_at_80x24() {
    let td = demo();
    // A new citizen with one dose given: their latest status is ADMINISTERED, the longest
    // status word.
    let mut m = shell(&td.desk, Some(Role::Manager));
    fill_register(&mut m, "030303-3456789", "김", "서준", "2003-03-03");
    enter(&mut m);
    char_key(&mut m, 'a');
    focus(&mut m, "lot");
    type_text(&mut m, "FA7777");
    enter(&mut m);
    esc(&mut m);
    let s = seen(&mut m);
    let row = line_with(&s, "김 서준");
    assert!(
        row.ends_with("  injection ADMINISTERED"),
        "the Latest column cuts the status at 80x24: {row:?}\n{s}"
    );
}

#[test]
fn flow_citizen_applies_then_cancels() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, LEE, LEE_BIRTH);
    let s = seen(&mut c);
    assert_shows(&s, "이 서연");
    // Dose 1 has no application yet.
    assert!(
        line_with(&s, "1/2").contains("▶ 1/2   Spikevax           2021-06-01  ADMINISTERED  —")
    );
    assert_shows(&s, "Press a to apply for a certificate for this dose.");
    assert_eq!(application_status(&td.desk, LEE, 1), None);

    char_key(&mut c, 'a');
    let s = seen(&mut c);
    assert_shows(&s, "Applied for a certificate for dose 1.");
    assert!(line_with(&s, "1/2").contains("ADMINISTERED  APPLIED"));
    assert_shows(&s, "waiting for the issuer.");
    assert_eq!(application_status(&td.desk, LEE, 1).unwrap().0, "APPLIED");
    assert!(
        queue(&td.desk)
            .iter()
            .any(|q| q.citizen == mask(LEE) && q.dose == 1)
    );

    char_key(&mut c, 'c');
    assert_shows(&seen(&mut c), "Cancel your application for dose 1/2?");
    char_key(&mut c, 'y');
    let s = seen(&mut c);
    assert_shows(&s, "Application cancelled.");
    assert!(line_with(&s, "1/2").contains("ADMINISTERED  CANCELLED"));
    assert_shows(&s, "Last application CANCELLED");
    assert_eq!(application_status(&td.desk, LEE, 1).unwrap().0, "CANCELLED");
    assert!(!queue(&td.desk).iter().any(|q| q.citizen == mask(LEE)));
    let lee = status(&td.desk, LEE).citizen.citizen_id;
    let me = format!("citizen#{lee}");
    for action in ["kiosk sign-in", "apply", "cancel application"] {
        assert_eq!(
            audited(&td.desk, action)[0],
            (me.clone(), Some(lee), "ok".to_string()),
            "{action}"
        );
    }
}

#[test]
fn flow_issuer_issues_and_the_citizen_sees_the_certificate() {
    let td = demo();
    // The citizen is at the kiosk, on a desk of their own (another process, same file).
    let kiosk = second_desk(&td);
    let mut c = shell(&kiosk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    assert!(line_with(&seen(&mut c), "1/2").contains("APPLIED"));

    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'i');
    char_key(&mut i, 'y');
    let (st, uvci) = application_status(&td.desk, KIM, 1).unwrap();
    assert_eq!(st, "ISSUED");
    let uvci = uvci.expect("an issued application has a certificate id");
    assert!(uvci.starts_with("URN:UVCI:01:KR:VXD"), "{uvci}");
    let s = seen(&mut i);
    assert_shows(&s, &format!("Issued {uvci} to 김 민준"));
    assert_shows(&s, "Queue 3 pending");
    assert!(line_with(&s, "정 유나").starts_with(" ▶ "), "{s}");
    // The newest certificate heads the "recently issued" list.
    let recent: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("Recently issued"))
        .collect();
    assert!(
        recent[1].contains("김 민준") && recent[1].contains(&uvci),
        "{s}"
    );
    assert_eq!(queue(&td.desk).len(), 3);
    let kim = status(&td.desk, KIM).citizen.citizen_id;
    assert_eq!(
        audited(&td.desk, "issue certificate")[0],
        ("issuer.lee".to_string(), Some(kim), "ok".to_string())
    );

    // The kiosk picks it up on its next tick.
    td.advance(Duration::seconds(2));
    assert!(
        c.tick(),
        "the kiosk should redraw after another desk's change"
    );
    let s = seen(&mut c);
    assert!(line_with(&s, "1/2").contains("ADMINISTERED  ISSUED"), "{s}");
    assert_shows(&s, &format!("Certificate {uvci}"));
    assert_shows(&s, "valid until");
    assert_hides(&s, "waiting for the issuer");
}

#[test]
fn refused_apply_when_the_dose_already_has_an_issued_application() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    char_key(&mut c, 'j');
    let before = status(&td.desk, KIM);
    char_key(&mut c, 'a');
    let s = seen(&mut c);
    assert_shows(&s, "Dose 2 already has an application (ISSUED).");
    assert_eq!(status(&td.desk, KIM), before);
    // Cancelling an issued one is refused too, with its reason.
    char_key(&mut c, 'c');
    assert_shows(
        &seen(&mut c),
        "This application is ISSUED; only a pending one can be cancelled.",
    );
    assert_eq!(status(&td.desk, KIM), before);
    // The toast goes after a few seconds.
    td.advance(Duration::seconds(5));
    c.tick();
    assert_hides(&seen(&mut c), "This application is ISSUED");
}

#[test]
fn refused_issue_on_an_empty_queue() {
    let td = common::TestDesk::new();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    let s = seen(&mut i);
    assert_shows(&s, "Queue 0 pending");
    assert_shows(&s, "The queue is empty: no applications are waiting.");
    assert_shows(&s, "none yet");
    char_key(&mut i, 'i');
    let s = seen(&mut i);
    assert_shows(&s, "The queue is empty.");
    assert_hides(&s, "Issue certificate");
    char_key(&mut i, 'r');
    assert_hides(&seen(&mut i), "Reject the application");
}

#[test]
fn refused_record_without_a_lot_keeps_what_was_typed() {
    let td = demo();
    let mut m = manager_on_kim(&td.desk);
    let before = status(&td.desk, KIM);
    char_key(&mut m, 'a');
    focus(&mut m, "date");
    clear_field(&mut m);
    type_text(&mut m, "2026-11-20");
    tab(&mut m);
    tab(&mut m);
    type_text(&mut m, "Seoul Jongno Vaccination Centre");
    enter(&mut m);
    let buffer = draw(&mut m, 80, 24);
    let all = lines(&buffer);
    let s = all.join("\n");
    let at = all
        .iter()
        .position(|l| l.contains("▶ Lot"))
        .unwrap_or_else(|| panic!("the focus goes to the lot:\n{s}"));
    assert!(
        all[at + 1].contains("✗ lot: an administered injection needs a lot number"),
        "{}\n{s}",
        all[at + 1]
    );
    assert_shows(&s, "Date given      2026-11-20");
    assert_shows(&s, "Centre          Seoul Jongno Vaccination Centre");
    assert_shows(&s, "Dose            4");
    assert_eq!(status(&td.desk, KIM), before);
    // Typing a lot clears the error; saving then works.
    type_text(&mut m, "FA0001");
    assert_hides(&seen(&mut m), "needs a lot number");
    enter(&mut m);
    let s = seen(&mut m);
    assert_shows(&s, "Recorded dose 4");
    assert!(line_with(&s, "FA0001").contains("4/4"));
    assert_eq!(status(&td.desk, KIM).injections.len(), 4);
}

// --- 3. two desks on one database file -------------------------------------------------------

#[test]
fn two_desks_a_registration_appears_in_the_other_list() {
    let td = demo();
    let other = second_desk(&td);
    let mut here = shell(&td.desk, Some(Role::Manager));
    let mut there = shell(&other, Some(Role::Manager));
    assert_shows(&seen(&mut there), "Citizens (9)");

    fill_register(&mut here, "030303-3456789", "김", "서준", "2003-03-03");
    enter(&mut here);
    assert_shows(&seen(&mut here), "Registered 김 서준");

    // Not yet redrawn there; after a tick it is.
    assert_hides(&seen(&mut there), "김 서준");
    td.advance(Duration::seconds(2));
    assert!(there.tick());
    let s = seen(&mut there);
    assert_shows(&s, "Citizens (10)");
    assert!(line_with(&s, "김 서준").contains("030303-3******  2003-03-03  0"));
    // A second tick with nothing new changes nothing.
    td.advance(Duration::seconds(2));
    assert!(!there.tick());
}

#[test]
fn two_desks_an_application_reaches_the_other_issuer() {
    let td = demo();
    let other = second_desk(&td);
    let mut issuer = shell(&other, Some(Role::Issuer));
    assert_shows(&seen(&mut issuer), "Queue 4 pending");
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, LEE, LEE_BIRTH);
    char_key(&mut c, 'a');
    assert_shows(&seen(&mut c), "Applied for a certificate for dose 1.");

    td.advance(Duration::seconds(2));
    assert!(issuer.tick());
    let s = seen(&mut issuer);
    assert_shows(&s, "Queue 5 pending");
    assert!(line_with(&s, "이 서연").contains("Spikevax      1/2   2021-06-01"));

    // And the issuer's work goes back to the kiosk.
    char_key(&mut issuer, 'G');
    assert!(line_with(&seen(&mut issuer), "이 서연").starts_with(" ▶ "));
    char_key(&mut issuer, 'i');
    char_key(&mut issuer, 'y');
    assert_eq!(application_status(&other, LEE, 1).unwrap().0, "ISSUED");
    td.advance(Duration::seconds(2));
    assert!(c.tick());
    assert!(line_with(&seen(&mut c), "1/2").contains("ISSUED"));
}

// --- 4. the kiosk forgets an idle citizen ------------------------------------------------------

#[test]
fn idle_kiosk_returns_to_an_empty_sign_in() {
    let td = demo();
    assert_eq!(td.config.idle_timeout_seconds, 120);
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    assert_shows(&seen(&mut c), "김 민준");

    td.advance(Duration::seconds(119));
    c.tick();
    assert_shows(&seen(&mut c), "김 민준");

    td.advance(Duration::seconds(2));
    assert!(c.tick());
    let s = seen(&mut c);
    assert_hides(&s, "민준");
    assert_hides(&s, "900101");
    assert_shows(&s, "Welcome. Sign in");
    assert_shows(&s, "Date of birth   YYYY-MM-DD");
    // Empty: a new sign-in starts from nothing.
    sign_in(&mut c, LEE, LEE_BIRTH);
    assert_shows(&seen(&mut c), "이 서연");
}

#[test]
fn idle_kiosk_forgets_a_half_typed_sign_in() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    type_text(&mut c, KIM);
    td.advance(Duration::seconds(121));
    assert!(c.tick());
    assert_hides(&seen(&mut c), "900101");
}

#[test]
fn esc_on_the_citizen_page_signs_out() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    assert_shows(&seen(&mut c), "김 민준");
    esc(&mut c);
    let s = seen(&mut c);
    assert_hides(&s, "민준");
    assert_hides(&s, "900101");
    assert_shows(&s, "▶ Resident id");
    assert_shows(&s, "Date of birth   YYYY-MM-DD");
}

// --- 5. without colour, the selection still shows ------------------------------------------------

#[test]
fn colourless_selection_is_marked() {
    let td = demo();
    // The citizen page: the marker on the selected dose, moving with it.
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    let b = draw(&mut c, 80, 24);
    assert_colourless(&b);
    let rows = marked_rows(&b);
    assert_eq!(rows.len(), 1, "{}", text(&b));
    assert!(lines(&b)[rows[0]].contains("▶ 1/2"));
    assert!(reversed_at(&b, rows[0]));
    char_key(&mut c, 'j');
    let b = draw(&mut c, 80, 24);
    let moved = marked_rows(&b);
    assert_eq!(moved, vec![rows[0] + 1]);
    assert!(lines(&b)[moved[0]].contains("▶ 2/2"));
    assert!(reversed_at(&b, moved[0]));

    // The manager's list, the issuer's queue and the role picker.
    for role in [Some(Role::Manager), Some(Role::Issuer), None] {
        let mut s = shell(&td.desk, role);
        for (w, h) in SIZES {
            let b = draw(&mut s, w, h);
            assert_colourless(&b);
            let rows = marked_rows(&b);
            assert_eq!(rows.len(), 1, "{role:?}: {}", text(&b));
            assert!(reversed_at(&b, rows[0]), "{role:?}: {}", text(&b));
        }
        char_key(&mut s, 'j');
        let b = draw(&mut s, 80, 24);
        assert_eq!(marked_rows(&b).len(), 1);
    }
}

#[test]
fn flow_issuer_revokes_a_certificate_and_the_citizen_sees_it() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    // From the queue, revoking says where to go.
    char_key(&mut i, 'x');
    assert_shows(&seen(&mut i), "Press Tab to choose a certificate");
    // Tab to the recently issued certificates; the newest is selected.
    tab(&mut i);
    let s = seen(&mut i);
    let newest = line_with(&s, "▶ ").to_string();
    assert!(newest.contains("박 지훈"), "{newest}");
    char_key(&mut i, 'x');
    assert_shows(&seen(&mut i), "Revoke the certificate of 박 지훈");
    // An empty reason is refused beside the field.
    enter(&mut i);
    assert_shows(&seen(&mut i), "reason: say why the certificate is revoked");
    type_text(&mut i, "wrong lot recorded");
    enter(&mut i);
    // The reason form is gone under the question: the question quotes what it records.
    let s = seen(&mut i);
    let question = s
        .lines()
        .map(|l| l.replace('│', " ").trim().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        question.contains("Verifiers at this desk will refuse it. Reason: wrong lot recorded"),
        "{s}"
    );
    char_key(&mut i, 'y');
    let s = seen(&mut i);
    assert_shows(&s, "Revoked the certificate of 박 지훈");
    assert!(line_with(&s, "박 지훈").contains("REVOKED"), "{s}");
    // The citizen's kiosk shows it revoked, with the reason.
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, "720704-1456789", "1972-07-04");
    char_key(&mut c, 'j');
    let s = seen(&mut c);
    assert_shows(&s, "was revoked.");
    assert_shows(&s, "Reason: wrong lot recorded");
    // Revoking it again is refused.
    char_key(&mut i, 'x');
    assert_shows(&seen(&mut i), "This certificate is already revoked.");
    let park = status(&td.desk, "720704-1456789").citizen.citizen_id;
    assert_eq!(
        audited(&td.desk, "revoke certificate")[0],
        ("issuer.lee".to_string(), Some(park), "ok".to_string())
    );
}

/// Reads the half-block QR code drawn on screen back into modules and decodes it with rqrr.
fn decode_screen_qr(buffer: &Buffer) -> String {
    let lines = lines(buffer);
    // The code's lines are those made only of block characters and spaces, with blocks.
    let rows: Vec<Vec<char>> = lines
        .iter()
        // The view's border is not part of the code.
        .map(|l| {
            l.replace('│', " ")
                .trim_end()
                .chars()
                .collect::<Vec<char>>()
        })
        .filter(|l| {
            l.iter().any(|c| matches!(c, '█' | '▀' | '▄'))
                && l.iter().all(|c| matches!(c, '█' | '▀' | '▄' | ' '))
        })
        .collect();
    assert!(
        rows.len() > 20,
        "no QR code on screen:\n{}",
        lines.join("\n")
    );
    let start = rows
        .iter()
        .map(|r| r.iter().position(|c| *c != ' ').unwrap_or(usize::MAX))
        .min()
        .unwrap();
    let width = rows.iter().map(|r| r.len()).max().unwrap() - start;
    let height = rows.len() * 2;
    // Light module = drawn half; dark = blank. Scale each module to 4x4 pixels.
    let scale = 4;
    let (w, h) = (width * scale, height * scale);
    let mut luma = vec![255u8; w * h];
    for (ry, row) in rows.iter().enumerate() {
        for x in 0..width {
            let c = row.get(start + x).copied().unwrap_or(' ');
            let (top, bottom) = match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            for (dy, light) in [(0, top), (1, bottom)] {
                let y = ry * 2 + dy;
                for py in 0..scale {
                    for px in 0..scale {
                        luma[(y * scale + py) * w + x * scale + px] = if light { 255 } else { 0 };
                    }
                }
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one code on screen");
    grids[0].decode().unwrap().1
}

#[test]
fn the_citizen_sees_the_certificate_as_a_qr_code_or_what_size_it_needs() {
    let td = demo();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    char_key(&mut c, 'j'); // dose 2/2, ISSUED
    assert_shows(&seen(&mut c), "Press v to show it as a QR code.");
    char_key(&mut c, 'v');
    // Too small at 80x24: it says what it needs and offers the text form.
    let s = screen(&mut c, 80, 24);
    assert_shows(&s, "The QR code needs");
    assert_shows(&s, "press t to show the certificate as text");
    char_key(&mut c, 't');
    assert_shows(&screen(&mut c, 80, 24), "HC1:");
    char_key(&mut c, 't');
    // Large enough: the code on screen decodes to the stored certificate.
    let buffer = draw(&mut c, 130, 70);
    let s = text(&buffer);
    assert_shows(&s, "김 민준");
    assert_shows(&s, "dose 2/2");
    let stored: String = td
        .desk
        .conn()
        .query_row(
            "SELECT payload FROM certificates c JOIN injections i ON i.id = c.injection_id
             JOIN citizens z ON z.id = i.citizen_id
             WHERE z.id_lookup = ?1 AND i.dose = 2",
            [lookup(&td, KIM)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(decode_screen_qr(&buffer), stored);
    // Esc closes it.
    esc(&mut c);
    assert_hides(&seen(&mut c), "The QR code needs");
}

#[test]
fn the_manager_edits_the_machine_readable_name() {
    let td = demo();
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, 'u');
    assert_shows(&seen(&mut m), "Edit 김 민준");
    // Family name, given name, family MRZ, then the given name's MRZ.
    for _ in 0..3 {
        tab(&mut m);
    }
    clear_field(&mut m);
    type_text(&mut m, "MIN1");
    enter(&mut m);
    let s = seen(&mut m);
    assert_shows(&s, "given_name_icao: '1' is not allowed");
    // The refused field has the focus, with what was typed.
    clear_field(&mut m);
    type_text(&mut m, "min jun");
    enter(&mut m);
    let s = seen(&mut m);
    assert_shows(&s, "Saved the citizen's details");
    assert_shows(&s, "machine-readable: KIM / MIN<JUN");
    let gnt: String = td
        .desk
        .conn()
        .query_row(
            "SELECT given_name_icao FROM citizens WHERE id_lookup = ?1",
            [lookup(&td, KIM)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gnt, "MIN<JUN");
}

// --- the issuer's list of issued certificates ------------------------------------------------

/// `n` more certificates, one per new citizen ("Holder NN"), issued in order after the demo's.
fn issue_many(desk: &Desk, n: usize) {
    for k in 0..n {
        let c = common::register(desk, &format!("HOLD{k:04}"), "Holder", &format!("{k:02}"));
        let inj = common::record(desk, &c, common::administered(1, 2, "2021-06-01"));
        let app = common::apply(desk, &c, &inj);
        common::try_issue(desk, app).unwrap();
    }
}

/// Every certificate identifier on record, newest first.
fn all_uvcis(desk: &Desk) -> Vec<String> {
    let mut stmt = desk
        .conn()
        .prepare("SELECT uvci FROM certificates ORDER BY issued_at DESC, id DESC")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The identifier in the issued list's detail pane (the selected certificate).
fn selected_uvci(screen: &str) -> String {
    screen
        .lines()
        .skip_while(|l| !l.contains(" Certificate ─"))
        .find(|l| l.trim_start().starts_with("URN:UVCI:"))
        .unwrap_or_else(|| panic!("no certificate in the detail pane:\n{screen}"))
        .trim()
        .to_string()
}

#[test]
fn screen_issuer_issued_list() {
    let td = demo();
    issue_many(&td.desk, 3);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    check_and_snapshot!("issuer_issued_list", &mut i, |_: &Buffer, s: &str| {
        assert_shows(s, "Issued certificates · newest first");
        // The newest first and selected; its detail pane under the list.
        assert!(line_with(s, "▶ ").contains("Holder 02"), "{s}");
        assert_shows(s, "Holder 02   HOLD****   born 1980");
        // At 80 columns an identifier is cut at its start, never at its distinctive end.
        assert!(line_with(s, "Holder 01").contains("00000006#"), "{s}");
        assert_shows(s, "Comirnaty dose 1/2 given 2021-06-01");
        assert_shows(s, "by issuer:kang · valid until");
        // Its own keys in the footer.
        let f = footer(s);
        for hint in [
            "/ search",
            "Tab queue / issued",
            "v show certificate",
            "Esc back",
        ] {
            assert_shows(f, hint);
        }
    });
    // The oldest is there too, and the detail pane follows the selection.
    char_key(&mut i, 'G');
    let s = seen(&mut i);
    assert_eq!(selected_uvci(&s), *all_uvcis(&td.desk).last().unwrap());
    assert_shows(&s, "김 민준   900101-1******");
    // Esc goes back to the queue.
    esc(&mut i);
    assert_shows(&seen(&mut i), "Queue 4 pending");
    assert_hides(&seen(&mut i), "Issued certificates");
}

#[test]
fn every_issued_certificate_is_reachable_one_row_and_one_page_at_a_time() {
    let td = demo();
    // More than the list holds at once (60), so moving reads further pages from the database.
    issue_many(&td.desk, 80);
    let all = all_uvcis(&td.desk);
    assert_eq!(all.len(), 84);
    for (w, h) in SIZES {
        let mut i = shell(&td.desk, Some(Role::Issuer));
        tab(&mut i);
        let mut seen_down = vec![selected_uvci(&screen(&mut i, w, h))];
        for _ in 1..all.len() {
            char_key(&mut i, 'j');
            seen_down.push(selected_uvci(&screen(&mut i, w, h)));
        }
        assert_eq!(
            seen_down, all,
            "{w}x{h}: every certificate in order, going down"
        );
        // Past the end stays on the last.
        char_key(&mut i, 'j');
        assert_eq!(selected_uvci(&screen(&mut i, w, h)), all[all.len() - 1]);
        // And all the way back up.
        for k in (0..all.len() - 1).rev() {
            char_key(&mut i, 'k');
            assert_eq!(
                selected_uvci(&screen(&mut i, w, h)),
                all[k],
                "{w}x{h}: up to {k}"
            );
        }
        // A page moves by the rows shown: as many rows as the screen has for the list.
        let before = screen(&mut i, w, h);
        let rows = before
            .lines()
            .filter(|l| l.contains("ISSUED") && l.contains("Holder"))
            .count();
        key(&mut i, ratatui::crossterm::event::KeyCode::PageDown);
        assert_eq!(selected_uvci(&screen(&mut i, w, h)), all[rows], "{w}x{h}");
        key(&mut i, ratatui::crossterm::event::KeyCode::PageDown);
        assert_eq!(
            selected_uvci(&screen(&mut i, w, h)),
            all[2 * rows],
            "{w}x{h}"
        );
        key(&mut i, ratatui::crossterm::event::KeyCode::PageUp);
        assert_eq!(selected_uvci(&screen(&mut i, w, h)), all[rows], "{w}x{h}");
        char_key(&mut i, 'G');
        assert_eq!(selected_uvci(&screen(&mut i, w, h)), all[all.len() - 1]);
        char_key(&mut i, 'g');
        assert_eq!(selected_uvci(&screen(&mut i, w, h)), all[0]);
    }
}

#[test]
fn issued_list_search_finds_by_identifier_or_holder_name() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    // By name: the citizen list's own name search, then that citizen's certificates.
    char_key(&mut i, '/');
    type_text(&mut i, "김민");
    check_and_snapshot!("issuer_issued_search", &mut i, |_: &Buffer, s: &str| {
        assert_shows(s, "Issued certificates · search: 김민");
        let rows: Vec<&str> = s.lines().filter(|l| l.contains("ISSUED")).collect();
        assert_eq!(rows.len(), 2, "{s}");
        assert!(rows.iter().all(|l| l.contains("김 민준")), "{s}");
    });
    // Enter keeps the results; the list keys work on them.
    enter(&mut i);
    let s = seen(&mut i);
    assert_shows(&s, "Issued certificates · holder named 김민");
    char_key(&mut i, 'j');
    assert_shows(&seen(&mut i), "김 민준   900101-1******");
    // Esc clears the search first, then goes back to the queue.
    esc(&mut i);
    assert_shows(&seen(&mut i), "Issued certificates · newest first");
    // By identifier: whole, in lower case, or from its unique part.
    let all = all_uvcis(&td.desk);
    let lee = &all[1];
    for typed in [
        lee.to_lowercase(),
        lee["URN:UVCI:01:KR:".len()..].to_string(),
    ] {
        char_key(&mut i, '/');
        type_text(&mut i, &typed);
        enter(&mut i);
        let s = seen(&mut i);
        let rows: Vec<&str> = s.lines().filter(|l| l.contains("ISSUED")).collect();
        assert_eq!(rows.len(), 1, "{typed}: one certificate:\n{s}");
        assert_eq!(selected_uvci(&s), *lee);
        assert_shows(&s, "이 서연");
        esc(&mut i);
    }
    // Nothing matches: said so, and nothing is selected.
    char_key(&mut i, '/');
    type_text(&mut i, "nobody");
    let s = seen(&mut i);
    assert_shows(&s, "No certificate matches 'nobody'.");
    esc(&mut i);
    esc(&mut i);
    assert_shows(&seen(&mut i), "Queue 4 pending");
}

/// Paging by holder name walks the citizens the name search finds, each one's certificates in
/// issue order, a page at a time both ways, and reaches every one of them exactly once.
#[test]
fn issued_pages_by_holder_name_reach_every_certificate_both_ways() {
    use queries::{IssuedAnchor, IssuedFilter, issued_page};
    let td = demo();
    issue_many(&td.desk, 7);
    // One holder with a second certificate.
    let c = common::citizen(&td.desk, "HOLD0003");
    let inj = common::record(&td.desk, &c, common::administered(2, 2, "2021-07-01"));
    let app = common::apply(&td.desk, &c, &inj);
    common::try_issue(&td.desk, app).unwrap();
    let filter = IssuedFilter::parse("holder", "KR");
    assert_eq!(filter, IssuedFilter::Name("holder".into()));
    let label = |p: &[queries::IssuedItem]| -> Vec<String> {
        p.iter()
            .map(|i| format!("{} {}", i.cert.name, i.cert.dose))
            .collect()
    };
    let mut forward = vec![];
    let mut anchor = IssuedAnchor::First;
    loop {
        let page = issued_page(&td.desk, &filter, &anchor, 3).unwrap();
        forward.extend(label(&page));
        match page.last() {
            Some(last) if page.len() == 3 => anchor = IssuedAnchor::After(last.key.clone()),
            _ => break,
        }
    }
    let expected: Vec<String> = (0..7)
        .flat_map(|k| {
            let one = format!("Holder {k:02} 1");
            if k == 3 {
                vec![one, "Holder 03 2".to_string()]
            } else {
                vec![one]
            }
        })
        .collect();
    assert_eq!(forward, expected);
    let mut backward = vec![];
    let mut anchor = IssuedAnchor::Last;
    loop {
        let page = issued_page(&td.desk, &filter, &anchor, 3).unwrap();
        let mut l = label(&page);
        l.extend(backward);
        backward = l;
        match page.first() {
            Some(first) if page.len() == 3 => anchor = IssuedAnchor::Before(first.key.clone()),
            _ => break,
        }
    }
    assert_eq!(backward, expected);
    // An identifier, whole or from its unique part, reads as one; anything else as a name.
    let uvci = "URN:UVCI:01:KR:VXD0A1B2C3D00000001#X";
    assert_eq!(
        IssuedFilter::parse(&uvci.to_lowercase(), "KR"),
        IssuedFilter::Uvci(uvci.into())
    );
    assert_eq!(
        IssuedFilter::parse("vxd0a1b2c3d", "KR"),
        IssuedFilter::Uvci("URN:UVCI:01:KR:VXD0A1B2C3D".into())
    );
    assert_eq!(
        IssuedFilter::parse("  Müller ", "KR"),
        IssuedFilter::Name("Müller".into())
    );
    assert_eq!(IssuedFilter::parse(" ", "KR"), IssuedFilter::All);
}

#[test]
fn screen_issuer_application_opened() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'j');
    enter(&mut i);
    check_and_snapshot!(
        "issuer_application_opened",
        &mut i,
        |b: &Buffer, s: &str| {
            assert_frame(b, "Application of 정 유나");
            assert_shows(
                s,
                "given 2022-01-10 · lot FL8095 · Gangnam-gu Health Centre KR",
            );
            assert_shows(s, "Waiting in the queue.");
            let f = footer(s);
            for hint in ["Esc back", "i issue certificate", "r reject"] {
                assert_shows(f, hint);
            }
        }
    );
    // r asks for a reason for this application, i asks before issuing it.
    char_key(&mut i, 'i');
    assert_shows(
        &screen(&mut i, 120, 40),
        "Issue a certificate to 정 유나 for Comirnaty dose 1/2?",
    );
    char_key(&mut i, 'n');
    esc(&mut i);
    assert!(line_with(&seen(&mut i), "▶ ").contains("정 유나"));
    assert_eq!(queue(&td.desk).len(), 4);
}

#[test]
fn the_issued_list_stays_on_its_certificate_when_another_desk_issues() {
    let td = demo();
    // More than a reload reads at once (30), so the oldest certificates lie past its first page.
    issue_many(&td.desk, 36);
    let other = second_desk(&td);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    key(&mut i, ratatui::crossterm::event::KeyCode::End);
    let all = all_uvcis(&td.desk);
    let oldest = all.last().unwrap().clone();
    assert_eq!(selected_uvci(&screen(&mut i, 80, 24)), oldest);
    // Another desk issues: the list reloads with a new certificate at its top.
    let pending = queries::queue(&other, 1).unwrap()[0].application;
    common::try_issue(&other, pending).unwrap();
    td.advance(Duration::seconds(2));
    assert!(i.tick(), "the desk redraws after another desk's change");
    let s = screen(&mut i, 80, 24);
    assert_eq!(
        selected_uvci(&s),
        oldest,
        "the selection stays on the certificate it was on:\n{s}"
    );
    // The list above it still reaches the new one.
    key(&mut i, ratatui::crossterm::event::KeyCode::Home);
    assert_eq!(
        selected_uvci(&screen(&mut i, 80, 24)),
        all_uvcis(&td.desk)[0]
    );
}
