//! The citizen kiosk stays a kiosk: quitting asks a manager or an issuer to sign in (throttled
//! as the staff sign-in is), Esc keeps the kiosk, and no key leads a citizen to the shell. Its
//! sign-in checks the date before counting an attempt and clears a throttle's wait when it is
//! over. What it says about issuance being delayed is what `vaxdesk status` says, and a revoked
//! certificate reads REVOKED on the manager's screens as it does here.

mod common;
mod journeys_support;
mod screens_support;

use chrono::Duration;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use screens_support::*;
use vaxdesk::app::queries;
use vaxdesk::bus::Faults;
use vaxdesk::config::Config;
use vaxdesk::domain::ResidentId;
use vaxdesk::store::audit::{self, AuditFilter};
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;

const KIM: &str = "900101-1234567";
const KIM_BIRTH: &str = "1990-01-01";
const LEE: &str = "850315-2345678";

/// (actor, result) of the audit rows with this action, newest first.
fn audited(desk: &vaxdesk::app::Desk, action: &str) -> Vec<(String, String)> {
    audit::page(
        desk.conn(),
        &AuditFilter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|r| r.action == action)
    .map(|r| (r.actor, r.result))
    .collect()
}

fn press(shell: &mut Shell<'_>, code: KeyCode, modifiers: KeyModifiers) {
    shell.key(KeyEvent::new(code, modifiers));
}

#[test]
fn quitting_the_kiosk_asks_for_staff_and_esc_keeps_the_kiosk() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    // Ctrl-C on the sign-in, where `q` is typed text.
    ctrl(&mut k, 'c');
    assert!(!k.should_quit() && k.closing_kiosk());
    for (w, h) in SIZES {
        let s = screen(&mut k, w, h);
        assert_shows(&s, "Closing the kiosk needs a manager or an issuer.");
        assert_shows(&s, "Staff only: close the kiosk");
        assert_shows(&s, "Esc back to the kiosk");
        insta::assert_snapshot!(format!("kiosk_close_{w}x{h}"), s);
    }
    esc(&mut k);
    assert!(!k.closing_kiosk() && !k.should_quit());
    assert_shows(&seen(&mut k), "Welcome. Sign in");

    // On the page, `q` asks too, and the citizen's page is hidden while staff sign in.
    sign_in(&mut k, KIM, KIM_BIRTH);
    let s = seen(&mut k);
    assert_shows(&s, "김 민준");
    // The hints say what `q` does here; so does the help.
    assert_shows(&s, "q staff exit");
    assert_hides(&s, "q quit");
    char_key(&mut k, '?');
    assert_shows(&seen(&mut k), "staff exit");
    esc(&mut k);
    char_key(&mut k, 'q');
    let s = seen(&mut k);
    assert!(k.closing_kiosk() && !k.should_quit());
    assert_hides(&s, "김 민준");
    // A wrong passphrase, then at once the right one: throttled like the staff sign-in.
    staff_sign_in(&mut k, MANAGER.0, "not the passphrase");
    assert_shows(&seen(&mut k), "Wrong name or passphrase.");
    assert!(!k.should_quit());
    esc(&mut k);
    // Esc: the kiosk stays, with the citizen's page as it was.
    assert_shows(&seen(&mut k), "김 민준");
    ctrl(&mut k, 'q');
    staff_sign_in(&mut k, MANAGER.0, MANAGER.2);
    assert_shows(&seen(&mut k), "wait 1 s before trying again");
    assert!(
        !k.should_quit(),
        "the throttle holds the right passphrase too"
    );
    // The manager screen's sign-in counts the same failures.
    let mut m = bare_shell(&td.desk, Some(Role::Manager));
    staff_sign_in(&mut m, MANAGER.0, MANAGER.2);
    assert_shows(&seen(&mut m), "wait 1 s before trying again");
    // Once the wait is over, an issuer closes the kiosk as well as a manager would.
    td.advance(Duration::seconds(1));
    esc(&mut k);
    ctrl(&mut k, 'c');
    staff_sign_in(&mut k, ISSUER.0, ISSUER.2);
    assert!(k.should_quit());
    assert_eq!(
        audited(&td.desk, "close kiosk"),
        [
            ("issuer.lee".to_string(), "ok".to_string()),
            ("nurse.kim".into(), "throttled".into()),
            ("nurse.kim".into(), "refused".into()),
        ]
    );
}

#[test]
fn a_staff_sign_in_left_at_the_kiosk_goes_when_the_kiosk_would_forget() {
    let td = demo();
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    // Long untouched, then Ctrl-C: the sign-in stays while someone is at it.
    td.advance(Duration::minutes(30));
    k.tick();
    ctrl(&mut k, 'c');
    k.tick();
    assert!(k.closing_kiosk(), "opened just now");
    type_text(&mut k, "nurse");
    td.advance(Duration::seconds(119));
    k.tick();
    assert!(k.closing_kiosk());
    td.advance(Duration::seconds(1));
    assert!(k.tick());
    assert!(!k.closing_kiosk() && !k.should_quit());
    assert_hides(&seen(&mut k), "nurse");
}

#[test]
fn no_key_takes_a_citizen_out_of_the_kiosk() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    let mut keys: Vec<(KeyCode, KeyModifiers)> = vec![];
    for c in (' '..='~').chain(['ㄱ', '김']) {
        keys.push((KeyCode::Char(c), KeyModifiers::NONE));
        keys.push((KeyCode::Char(c), KeyModifiers::CONTROL));
        keys.push((KeyCode::Char(c), KeyModifiers::ALT));
    }
    for code in [
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Delete,
        KeyCode::Insert,
    ]
    .into_iter()
    .chain((1..=12).map(KeyCode::F))
    {
        keys.push((code, KeyModifiers::NONE));
    }
    // Every key, on the sign-in and on a citizen's page, with help and dialogs as they open;
    // whenever the staff sign-in comes up it is left with Esc.
    for page in [false, true] {
        if page {
            esc(&mut k);
            sign_in(&mut k, KIM, KIM_BIRTH);
            assert_shows(&seen(&mut k), "김 민준");
        }
        for (code, modifiers) in &keys {
            press(&mut k, *code, *modifiers);
            let s = seen(&mut k);
            assert!(
                !k.should_quit(),
                "{code:?} {modifiers:?} left the kiosk:\n{s}"
            );
            assert_hides(&s, "Who is at the desk?");
            assert_hides(&s, "Quit anyway?");
            if k.closing_kiosk() {
                esc(&mut k);
                assert!(!k.closing_kiosk());
            }
        }
    }
    // Nothing a citizen typed was a staff sign-in that counted.
    assert!(audited(&td.desk, "close kiosk").is_empty());
}

#[test]
fn a_malformed_date_names_the_field_and_costs_no_attempt() {
    let td = demo();
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    for bad in ["1990-1-1", "01/01/1990", "1990-02-30", "19900101"] {
        esc(&mut k);
        sign_in(&mut k, KIM, bad);
        let s = seen(&mut k);
        assert_shows(&s, "Date of birth:");
        assert_shows(&s, "is not a date");
        assert_shows(&s, "(YYYY-MM-DD");
        assert_hides(&s, "No match found");
    }
    assert!(audited(&td.desk, "kiosk sign-in").is_empty(), "no attempt");
    let throttled: i64 = td
        .desk
        .conn()
        .query_row("SELECT COUNT(*) FROM sign_in_throttle", [], |r| r.get(0))
        .unwrap();
    assert_eq!(throttled, 0);
    // The right date at once: nothing holds it up.
    esc(&mut k);
    sign_in(&mut k, KIM, KIM_BIRTH);
    assert_shows(&seen(&mut k), "김 민준");
}

#[test]
fn a_kiosk_wait_clears_when_over_and_keeps_what_was_typed() {
    let td = demo();
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut k, KIM, "1980-01-01");
    assert_shows(&seen(&mut k), "No match found");
    // Correct the date and try again at once: held up, and what was typed stays.
    for _ in 0.."1980-01-01".len() {
        key(&mut k, KeyCode::Backspace);
    }
    type_text(&mut k, KIM_BIRTH);
    enter(&mut k);
    let s = seen(&mut k);
    assert_shows(&s, "wait 1 s before trying again");
    assert_shows(&s, "900101-1••••••");
    assert_shows(&s, KIM_BIRTH);
    // The message goes when the wait is over.
    assert!(!k.tick());
    td.advance(Duration::seconds(1));
    assert!(k.tick(), "the cleared message is a change to draw");
    let s = seen(&mut k);
    assert_hides(&s, "wait 1 s");
    assert_shows(&s, KIM_BIRTH);
    enter(&mut k);
    assert_shows(&seen(&mut k), "김 민준");
}

#[test]
fn a_staff_wait_clears_when_over_and_keeps_the_passphrase() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut m = bare_shell(&td.desk, Some(Role::Manager));
    staff_sign_in(&mut m, MANAGER.0, "not the passphrase");
    esc(&mut m);
    staff_sign_in(&mut m, MANAGER.0, MANAGER.2);
    let s = seen(&mut m);
    assert_shows(&s, "wait 1 s before trying again");
    // Not checked, so kept: name and passphrase (shown as dots).
    assert_shows(&s, MANAGER.0);
    assert_shows(&s, &"•".repeat(MANAGER.2.chars().count()));
    assert!(!m.tick());
    td.advance(Duration::seconds(1));
    assert!(m.tick());
    assert_hides(&seen(&mut m), "wait 1 s");
    enter(&mut m);
    assert_shows(&seen(&mut m), "Injection manager · nurse.kim");
}

/// A desk whose queue is longer than `long_queue` (the demo has 4 pending).
fn long_queue_desk() -> common::TestDesk {
    let config = Config {
        long_queue: 3,
        ..Config::default()
    };
    let td = common::TestDesk::with(config, Faults::none());
    seed(&td.desk);
    td
}

#[test]
fn the_kiosk_and_status_agree_that_issuance_is_delayed() {
    let td = long_queue_desk();
    let kim = ResidentId::parse("id", KIM).unwrap();
    assert!(queries::issuance_delayed(&td.desk).unwrap());
    assert!(queries::status(&td.desk, &kim).unwrap().issuance_delayed);
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut k, KIM, KIM_BIRTH);
    assert_shows(&seen(&mut k), "Issuance is delayed at the moment.");
    // A queue within the limit: neither says so.
    let td = demo();
    assert!(!queries::status(&td.desk, &kim).unwrap().issuance_delayed);
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut k, KIM, KIM_BIRTH);
    assert_hides(&seen(&mut k), "Issuance is delayed");
}

#[test]
fn vaxdesk_status_says_issuance_is_delayed_when_the_kiosk_does() {
    let dir = journeys_support::home();
    let config = dir.path().join("long-queue.toml");
    std::fs::write(&config, "long_queue = 3\n").unwrap();
    let out = journeys_support::plain_command(dir.path())
        .arg("--demo")
        .arg("--db")
        .arg(dir.path().join("d.db"))
        .arg("--config")
        .arg(&config)
        .args(["status", "--citizen", KIM])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Issuance is delayed"), "{stdout}");
}

#[test]
fn a_revoked_certificate_reads_revoked_on_the_managers_list_and_detail() {
    let td = demo();
    let lee = ResidentId::parse("id", LEE).unwrap();
    let latest = queries::status(&td.desk, &lee)
        .unwrap()
        .applications
        .into_iter()
        .max_by_key(|a| a.application_id)
        .unwrap();
    assert_eq!(latest.status, "ISSUED");
    let uvci = latest.certificate_id.unwrap();
    let stamp = td.desk.stamp("issuer.lee");
    td.desk
        .run(|ctx| vaxdesk::app::commands::revoke(ctx, &stamp, &uvci, "issued in error"))
        .unwrap();
    let mut m = shell(&td.desk, Some(Role::Manager));
    let s = seen(&mut m);
    let row = line_with(&s, "이 서연");
    assert!(row.ends_with("application REVOKED"), "{row:?}\n{s}");
    // Which record the Latest column is about: an application, or an injection.
    assert!(
        line_with(&s, "최 하늘").ends_with("injection SCHEDULED"),
        "{s}"
    );
    assert!(
        line_with(&s, "박 지훈").ends_with("application ISSUED"),
        "{s}"
    );
    char_key(&mut m, '/');
    type_text(&mut m, "이");
    enter(&mut m);
    enter(&mut m);
    let s = seen(&mut m);
    let app_row = line_with(&s, &uvci[..20]);
    assert!(app_row.contains("REVOKED"), "{app_row:?}\n{s}");
    assert!(!app_row.contains("ISSUED"), "{app_row:?}\n{s}");
}

/// The last line of the screen: the footer's hints.
fn footer(screen: &str) -> &str {
    screen.lines().last().unwrap_or_default()
}

#[test]
fn the_kiosk_footers_say_what_esc_and_enter_do_there() {
    let td = demo();
    ensure_staff(&td.desk);
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut k, KIM, KIM_BIRTH);
    for (w, h) in SIZES {
        // On the citizen's page Esc signs out ("leave", short enough for the other hints).
        let s = screen(&mut k, w, h);
        assert_shows(footer(&s), "Esc leave");
        assert_hides(footer(&s), "Esc back");
    }
    // At the staff sign-in that closes the kiosk, Esc goes back to the kiosk (it clears
    // nothing) and Enter closes the kiosk.
    char_key(&mut k, 'q');
    assert!(k.closing_kiosk());
    for (w, h) in SIZES {
        let s = screen(&mut k, w, h);
        assert_shows(footer(&s), "Enter close the kiosk");
        assert_shows(footer(&s), "Esc back to the kiosk");
        assert_hides(footer(&s), "Esc clear");
        assert_hides(footer(&s), "sign in");
    }
    esc(&mut k);
    assert!(!k.closing_kiosk());
    assert_shows(footer(&seen(&mut k)), "Esc leave");
    // The certificate's view keeps its own Esc: it closes the view, and says so.
    key(&mut k, KeyCode::Down);
    char_key(&mut k, 'v');
    let s = seen(&mut k);
    assert_shows(footer(&s), "Esc back");
    assert_hides(footer(&s), "leave");
}

/// The kiosk's sign-in names what Enter does in one wording, in its box's line of keys and in
/// the footer: in Korean the box's own title (본인 확인: a citizen has no account), never the
/// staff's 로그인.
#[test]
fn the_kiosk_sign_in_says_what_enter_does_in_one_wording() {
    use vaxdesk::i18n::Lang;
    let td = demo();
    for (lang, said) in [(Lang::En, "Enter sign in"), (Lang::Ko, "Enter 본인 확인")] {
        let mut k = bare_shell_in(&td.desk, Some(Role::Citizen), lang);
        for (w, h) in SIZES {
            let s = screen(&mut k, w, h);
            let footer = s.lines().last().unwrap();
            let in_box = line_with(&s, "Tab ");
            assert!(
                footer.contains(said) && in_box.contains(said),
                "{lang:?}: the footer and the box both say {said:?}:\n{s}"
            );
            if lang == Lang::Ko {
                assert_hides(&s, "로그인");
            }
        }
    }
}
