//! A dialog acts on exactly what it showed. Two desks on one database file: one opens a
//! question or a form, the other changes the record meanwhile, the first desk reloads (its
//! tick sees the other desk's commit) and answers. The dialog keeps its text and its target
//! across the reload; when the target changed, the answer does nothing to anyone (the command
//! is refused in its transaction) and the dialog says what happened.
//!
//! And Enter never issues: on the issuer's queue it opens the application.

mod common;
mod screens_support;

use chrono::Duration;
use common::TestDesk;
use screens_support::*;
use vaxdesk::app::{Desk, queries};
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;

const KIM: &str = "900101-1234567";
const KIM_BIRTH: &str = "1990-01-01";
const PARK: &str = "720704-1456789";

fn queue(desk: &Desk) -> Vec<queries::QueueItem> {
    queries::queue(desk, 100).unwrap()
}

/// The pending application of the citizen named `name`.
fn pending_of(desk: &Desk, name: &str) -> i64 {
    queue(desk)
        .into_iter()
        .find(|q| q.name == name)
        .unwrap_or_else(|| panic!("{name} has no pending application"))
        .application
}

fn certificates(desk: &Desk) -> i64 {
    common::count(desk, "SELECT COUNT(*) FROM certificates")
}

/// The other desk's commit reaches this one at its next tick.
fn other_desk_changed(td: &TestDesk, shell: &mut Shell<'_>) {
    td.advance(Duration::seconds(2));
    assert!(shell.tick(), "the desk redraws after another desk's change");
}

/// The screen at 120x40, where a whole question fits on few lines.
fn wide(shell: &mut Shell<'_>) -> String {
    screen(shell, 120, 40)
}

#[track_caller]
fn assert_says(screen: &str, text: &str) {
    assert!(
        flat(screen).contains(text),
        "expected the screen to say {text:?}:\n{screen}"
    );
}

#[test]
fn an_issue_question_keeps_its_applicant_when_another_desk_issues_them_meanwhile() {
    let td = demo();
    let other = second_desk(&td);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'i');
    assert_says(
        &wide(&mut i),
        "Issue a certificate to 김 민준 for Comirnaty dose 1/2?",
    );
    // Another desk issues 김 민준 meanwhile; this desk's queue reloads under the question.
    common::try_issue(&other, pending_of(&other, "김 민준")).unwrap();
    let issued = certificates(&td.desk);
    other_desk_changed(&td, &mut i);
    let s = wide(&mut i);
    assert_says(&s, "Issue a certificate to 김 민준 for Comirnaty dose 1/2?");
    assert_hides(&s, "Issue a certificate to 정 유나");
    // y does nothing to the next applicant, and the question says what happened.
    char_key(&mut i, 'y');
    let s = wide(&mut i);
    assert_says(
        &s,
        "김 민준's application was issued at another desk (by issuer:kang) meanwhile; nothing was done.",
    );
    assert_eq!(certificates(&td.desk), issued, "no second certificate");
    assert_eq!(queue(&td.desk)[0].name, "정 유나", "정 유나 still waits");
    // Another y only closes it.
    char_key(&mut i, 'y');
    assert_eq!(certificates(&td.desk), issued);
    assert_hides(&wide(&mut i), "Issue certificate");
}

#[test]
fn an_issue_question_is_refused_when_the_injection_was_corrected_meanwhile() {
    let td = demo();
    let other = second_desk(&td);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'i');
    let kim = common::citizen(&other, KIM);
    let row = common::injection(&other, &kim, 1);
    let mut corrected = row.details.clone();
    corrected.lot = Some("FA9999".into());
    common::try_update(&other, &row, Some(row.version), corrected).unwrap();
    other_desk_changed(&td, &mut i);
    char_key(&mut i, 'y');
    assert_says(
        &wide(&mut i),
        "김 민준's injection was changed at another desk meanwhile; nothing was done.",
    );
    assert_eq!(queue(&td.desk).len(), 4, "nothing issued");
}

#[test]
fn a_rejection_keeps_its_applicant_and_is_refused_once_they_cancelled() {
    let td = demo();
    let other = second_desk(&td);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, 'r');
    type_text(&mut i, "card unreadable");
    // The citizen cancels at the kiosk (another desk) while the reason is typed.
    let kim = common::citizen(&other, KIM);
    common::try_cancel(&other, &kim, pending_of(&other, "김 민준")).unwrap();
    other_desk_changed(&td, &mut i);
    let s = wide(&mut i);
    assert_says(&s, "Reject the application of 김 민준");
    assert_shows(&s, "card unreadable");
    enter(&mut i);
    assert_says(
        &wide(&mut i),
        "Reject the application of 김 민준 for Comirnaty dose 1/2? Reason: card unreadable",
    );
    char_key(&mut i, 'y');
    assert_says(
        &wide(&mut i),
        "김 민준 cancelled the application meanwhile; nothing was done.",
    );
    // 정 유나, now first in the queue, is untouched.
    let q = queue(&td.desk);
    assert_eq!(q.len(), 3);
    assert_eq!(q[0].name, "정 유나");
}

#[test]
fn a_revocation_keeps_its_certificate_when_a_newer_one_arrives() {
    let td = demo();
    let other = second_desk(&td);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    let s = seen(&mut i);
    assert!(line_with(&s, "▶ ").contains("박 지훈"), "{s}");
    char_key(&mut i, 'x');
    type_text(&mut i, "wrong lot recorded");
    enter(&mut i);
    let park_uvci = vaxdesk::store::issuance::certificate_for_injection(
        td.desk.conn(),
        common::injection(&td.desk, &common::citizen(&td.desk, PARK), 2).id,
    )
    .unwrap()
    .unwrap()
    .uvci;
    // Another desk issues a certificate: it heads the list now.
    let kim_uvci = common::try_issue(&other, pending_of(&other, "김 민준")).unwrap();
    other_desk_changed(&td, &mut i);
    let s = wide(&mut i);
    assert_says(
        &s,
        &format!("Revoke the certificate of 박 지훈 ({park_uvci})?"),
    );
    // At 80 columns too, the holder's name reads whole on one line of the question.
    let narrow = seen(&mut i);
    assert!(
        line_with(&narrow, "Revoke the").contains("Revoke the certificate of 박 지훈"),
        "{narrow}"
    );
    char_key(&mut i, 'y');
    assert_shows(&seen(&mut i), "Revoked the certificate of 박 지훈");
    let revoked = vaxdesk::store::issuance::revoked_uvcis(td.desk.conn()).unwrap();
    assert_eq!(
        revoked,
        vec![park_uvci],
        "only the certificate that was shown"
    );
    assert!(!revoked.contains(&kim_uvci.to_string()));
}

#[test]
fn a_revocation_already_made_at_another_desk_is_refused_in_the_question() {
    let td = demo();
    let other = second_desk(&td);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    char_key(&mut i, 'x');
    type_text(&mut i, "wrong lot recorded");
    enter(&mut i);
    let uvci = queries::issued_page(
        &other,
        &queries::IssuedFilter::All,
        &queries::IssuedAnchor::First,
        1,
    )
    .unwrap()[0]
        .cert
        .uvci
        .clone();
    let s = other.stamp("issuer:kang");
    other
        .run(|ctx| vaxdesk::app::commands::revoke(ctx, &s, &uvci, "duplicate"))
        .unwrap();
    other_desk_changed(&td, &mut i);
    char_key(&mut i, 'y');
    assert_says(
        &wide(&mut i),
        &format!("Certificate {uvci} is already revoked. Nothing was done."),
    );
    let reason: String = td
        .desk
        .conn()
        .query_row(
            "SELECT revocation_reason FROM certificates WHERE uvci = ?1",
            [&uvci],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "duplicate", "the first revocation stands");
}

/// The manager's detail of 김 민준.
fn manager_on_kim(desk: &Desk) -> Shell<'_> {
    let mut m = shell(desk, Some(Role::Manager));
    char_key(&mut m, '/');
    type_text(&mut m, "김");
    enter(&mut m);
    enter(&mut m);
    assert_shows(&seen(&mut m), "machine-readable: KIM / MINJUN");
    m
}

#[test]
fn a_void_question_keeps_its_dose_and_is_refused_when_it_was_corrected_meanwhile() {
    let td = demo();
    let other = second_desk(&td);
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, 'x');
    type_text(&mut m, "wrong patient");
    enter(&mut m);
    // The form hides under its question: the question quotes the reason it will record.
    let question = "Void dose 1 (Comirnaty) of 김 민준? A pending application for it will be \
         rejected. Reason: wrong patient";
    assert_says(&wide(&mut m), question);
    let kim = common::citizen(&other, KIM);
    let row = common::injection(&other, &kim, 1);
    let mut corrected = row.details.clone();
    corrected.lot = Some("FA9999".into());
    common::try_update(&other, &row, Some(row.version), corrected).unwrap();
    other_desk_changed(&td, &mut m);
    assert_says(&wide(&mut m), question);
    char_key(&mut m, 'y');
    // (The void form stays behind the question: read the question's own lines.)
    let s = wide(&mut m);
    assert_shows(
        &s,
        "Injection dose 1 was changed at another desk meanwhile;",
    );
    assert_shows(&s, "nothing was done.");
    let now = common::injection(&td.desk, &kim, 1);
    assert_eq!(now.details.status.as_str(), "ADMINISTERED", "not voided");
    assert_eq!(now.details.lot.as_deref(), Some("FA9999"));
    // Closing the refusal closes the void form of the dose as it was, too: the detail shows
    // the dose as it is now, and Enter asks nothing again.
    enter(&mut m);
    let s = wide(&mut m);
    assert_hides(&s, "Void dose 1");
    assert_hides(&s, "wrong patient");
    assert_shows(&s, "FA9999");
    enter(&mut m);
    assert_hides(&wide(&mut m), "Void dose 1");
}

#[test]
fn an_injection_edit_form_is_refused_when_the_dose_was_corrected_meanwhile() {
    let td = demo();
    let other = second_desk(&td);
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, 'e');
    for _ in 0..4 {
        tab(&mut m);
    }
    ctrl(&mut m, 'u');
    type_text(&mut m, "FA1111");
    let kim = common::citizen(&other, KIM);
    let row = common::injection(&other, &kim, 1);
    let mut corrected = row.details.clone();
    corrected.lot = Some("FA9999".into());
    common::try_update(&other, &row, Some(row.version), corrected).unwrap();
    other_desk_changed(&td, &mut m);
    let s = wide(&mut m);
    assert_shows(&s, "Edit dose 1 of 김 민준");
    assert_shows(&s, "FA1111");
    enter(&mut m);
    assert_says(
        &wide(&mut m),
        "injection dose 1 was changed at another desk meanwhile; nothing was done",
    );
    let now = common::injection(&td.desk, &kim, 1);
    assert_eq!(
        now.details.lot.as_deref(),
        Some("FA9999"),
        "the other desk's lot stays"
    );
}

#[test]
fn a_citizen_edit_form_keeps_its_citizen_and_is_refused_when_they_were_renamed_meanwhile() {
    let td = demo();
    let other = second_desk(&td);
    let mut m = manager_on_kim(&td.desk);
    char_key(&mut m, 'u');
    tab(&mut m);
    ctrl(&mut m, 'u');
    type_text(&mut m, "민수");
    // Another desk corrects the birth date meanwhile.
    let kim = common::citizen(&other, KIM);
    let mut d = kim.details.clone();
    d.birth_date = vaxdesk::domain::BirthDate::Year(1990);
    let s = other.stamp("manager:choi");
    other
        .run(|ctx| vaxdesk::app::commands::update_citizen(ctx, &s, &kim, d.clone()))
        .unwrap();
    other_desk_changed(&td, &mut m);
    assert_shows(&wide(&mut m), "Edit 김 민준");
    enter(&mut m);
    assert_says(
        &wide(&mut m),
        "김 민준's details were changed at another desk meanwhile; nothing was done",
    );
    let now = common::citizen(&td.desk, KIM);
    assert_eq!(
        now.details, d,
        "the other desk's change stays; nothing overwrote it"
    );
}

#[test]
fn a_cancel_question_keeps_its_application_and_says_when_it_was_issued_meanwhile() {
    let td = demo();
    let other = second_desk(&td);
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    char_key(&mut c, 'c');
    assert_says(&wide(&mut c), "Cancel your application for dose 1/2?");
    common::try_issue(&other, pending_of(&other, "김 민준")).unwrap();
    other_desk_changed(&td, &mut c);
    assert_says(&wide(&mut c), "Cancel your application for dose 1/2?");
    char_key(&mut c, 'y');
    assert_says(
        &wide(&mut c),
        "The application is ISSUED; only an application still being processed (APPLIED) can be cancelled. Nothing was done.",
    );
    let kim = common::citizen(&td.desk, KIM);
    let issued = common::status(&td.desk, &kim)
        .applications
        .iter()
        .filter(|a| a.status == "ISSUED")
        .count();
    assert_eq!(issued, 3, "the certificate stands");
    char_key(&mut c, 'n');
    assert_hides(&wide(&mut c), "Cancel application");
}

#[test]
fn enter_on_the_queue_opens_the_application_and_issues_nothing() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    let before = certificates(&td.desk);
    enter(&mut i);
    let s = seen(&mut i);
    assert_shows(&s, "Application of 김 민준");
    assert_shows(&s, "Waiting in the queue.");
    assert_shows(footer(&s), "i issue certificate");
    assert_shows(footer(&s), "Esc back");
    // Enter again does nothing either.
    enter(&mut i);
    assert_eq!(certificates(&td.desk), before);
    assert_eq!(queue(&td.desk).len(), 4);
    // i asks; y issues the application that is open.
    char_key(&mut i, 'i');
    assert_says(
        &wide(&mut i),
        "Issue a certificate to 김 민준 for Comirnaty dose 1/2?",
    );
    assert_eq!(certificates(&td.desk), before);
    char_key(&mut i, 'y');
    assert_eq!(certificates(&td.desk), before + 1);
    let s = seen(&mut i);
    assert_shows(&s, "Issued URN:UVCI:");
    assert_shows(&s, "Queue 3 pending");
}

#[test]
fn an_opened_application_says_when_it_left_the_queue_and_issuing_it_is_refused() {
    let td = demo();
    let other = second_desk(&td);
    let mut i = shell(&td.desk, Some(Role::Issuer));
    enter(&mut i);
    common::try_reject(&other, pending_of(&other, "김 민준"), "duplicate").unwrap();
    other_desk_changed(&td, &mut i);
    let s = wide(&mut i);
    assert_shows(&s, "Application of 김 민준");
    assert_says(&s, "This application is no longer waiting");
    char_key(&mut i, 'i');
    char_key(&mut i, 'y');
    assert_says(
        &wide(&mut i),
        "김 민준's application was rejected at another desk (by issuer:kang) meanwhile; nothing was done.",
    );
    assert_eq!(queue(&td.desk)[0].name, "정 유나");
    // Esc closes the question, then goes back to the queue.
    esc(&mut i);
    esc(&mut i);
    assert!(line_with(&seen(&mut i), "▶ ").contains("정 유나"));
}

/// The last line of the screen: the footer with the key hints.
fn footer(screen: &str) -> &str {
    screen.lines().last().unwrap_or("")
}

#[test]
fn unlocking_asks_first_and_no_unlocks_nothing() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, 'U');
    type_text(&mut m, "issuer.lee");
    enter(&mut m);
    assert_says(
        &wide(&mut m),
        "Unlock issuer.lee? They can sign in again at once.",
    );
    let audited = |desk: &Desk| {
        common::count(
            desk,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff unlock'",
        )
    };
    assert_eq!(audited(&td.desk), 0, "nothing before y");
    char_key(&mut m, 'n');
    assert_eq!(audited(&td.desk), 0);
    // n goes back to the form, with what was typed.
    let s = wide(&mut m);
    assert_hides(&s, "Unlock issuer.lee?");
    assert_shows(&s, "issuer.lee");
}

/// `?` lists where Enter, Esc and `/` mean something else than open, back and search.
#[test]
fn help_names_the_exceptions_to_enter_and_esc() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    char_key(&mut i, '?');
    let s = wide(&mut i);
    assert_shows(&s, "Enter      open");
    assert_shows(&s, "i          issue certificate");
    esc(&mut i);
    char_key(&mut i, 'i');
    char_key(&mut i, '?');
    assert_says(
        &wide(&mut i),
        "In a question, Enter means yes and Esc means no.",
    );
    esc(&mut i);
    char_key(&mut i, 'n');
    tab(&mut i);
    char_key(&mut i, '?');
    assert_says(
        &wide(&mut i),
        "Esc clears a search first, then goes back to the queue.",
    );
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, '?');
    assert_shows(&wide(&mut m), "Esc clears the search.");
}
