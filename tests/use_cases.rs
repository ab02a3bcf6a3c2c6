//! The issuer's and the kiosk's use cases as the screens call them: each keeps its own audit
//! row (actor, action, result), a refused one changes nothing and is on record, and the
//! kiosk page tells an application's state as a type.

mod common;

use common::*;
use vaxdesk::app::views::issuer_board::{self, IssuedAnchor, IssuedFilter};
use vaxdesk::app::views::kiosk::{self as page, Standing};
use vaxdesk::app::views::queue;
use vaxdesk::app::{AppError, issue, kiosk};
use vaxdesk::domain::{ApplicationStatus, InjectionStatus};

/// The last audit row: (actor, action, citizen, result, detail).
fn last_audit(t: &TestDesk) -> (String, String, Option<i64>, String, Option<String>) {
    t.desk
        .conn()
        .query_row(
            "SELECT actor, action, citizen, result, detail FROM audit_log
             ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
}

#[test]
fn the_kiosk_applies_and_cancels_on_record_as_the_citizen() {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let dose = record(&t.desk, &kim, administered(1, 2, "2026-11-01"));
    let actor = format!("citizen#{}", kim.id);

    let app = kiosk::apply(&t.desk, kim.id, dose.id).unwrap();
    assert_eq!(
        last_audit(&t),
        (
            actor.clone(),
            "apply".into(),
            Some(kim.id),
            "ok".into(),
            None
        )
    );
    let shown = page::page(&t.desk, kim.id).unwrap();
    assert_eq!(shown.applications[0].standing(), Some(Standing::APPLIED));
    assert_eq!(
        shown.injections[0].injection_status(),
        Some(InjectionStatus::Administered)
    );

    kiosk::cancel(&t.desk, kim.id, app).unwrap();
    assert_eq!(
        last_audit(&t),
        (
            actor.clone(),
            "cancel application".into(),
            Some(kim.id),
            "ok".into(),
            None
        )
    );
    let cancelled = Standing::Application(ApplicationStatus::Cancelled);
    assert_eq!(
        view_application(&t.desk, &kim, app).standing(),
        Some(cancelled)
    );

    // Cancelling again is refused, changes nothing, and is on record as refused.
    let before = dump(&t.desk);
    let again = kiosk::cancel(&t.desk, kim.id, app);
    assert!(matches!(again, Err(AppError::Refused(_))), "{again:?}");
    assert_eq!(dump(&t.desk), before);
    let (who, action, citizen, result, _) = last_audit(&t);
    assert_eq!(
        (who, action, citizen),
        (actor, "cancel application".into(), Some(kim.id))
    );
    assert!(result.starts_with("refused: "), "{result}");
}

#[test]
fn the_issuer_acts_on_the_target_it_reviewed_and_a_moved_one_is_refused() {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let dose = record(&t.desk, &kim, administered(1, 2, "2026-11-01"));
    apply(&t.desk, &kim, &dose);
    let waiting = queue::window(&t.desk, 10).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(queue::pending(&t.desk).unwrap(), 1);
    let target = waiting[0].clone();

    issue::reject(&t.desk, "kang", &target, "lot not on the list").unwrap();
    assert_eq!(
        last_audit(&t),
        (
            "kang".into(),
            "reject application".into(),
            Some(kim.id),
            "ok".into(),
            None
        )
    );
    assert_eq!(queue::pending(&t.desk).unwrap(), 0);

    // The same dialog target again: another desk handled it meanwhile.
    let before = dump(&t.desk);
    let late = issue::issue(&t.desk, "kang", &target);
    assert!(matches!(late, Err(AppError::Refused(_))), "{late:?}");
    assert_eq!(dump(&t.desk), before);
    let (_, action, _, result, _) = last_audit(&t);
    assert_eq!(action, "issue certificate");
    assert!(result.starts_with("refused: "), "{result}");
}

#[test]
fn a_certificate_shown_is_recorded_and_a_revoked_one_says_so_on_the_kiosk() {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let dose = record(&t.desk, &kim, administered(1, 2, "2026-11-01"));
    let app = apply(&t.desk, &kim, &dose);
    let target = queue::window(&t.desk, 10).unwrap().remove(0);
    let uvci = issue::issue(&t.desk, "kang", &target).unwrap().to_string();
    assert_eq!(
        view_application(&t.desk, &kim, app).standing(),
        Some(Standing::ISSUED)
    );

    let issued =
        issuer_board::issued_page(&t.desk, &IssuedFilter::All, &IssuedAnchor::First, 5).unwrap();
    assert_eq!(issued.len(), 1);
    let shown = issue::show(&t.desk, "kang", &issued[0]).unwrap();
    let issue::Shown::Qr(hc1) = shown else {
        panic!("a signed certificate shows as a QR code: {shown:?}");
    };
    assert!(hc1.starts_with("HC1:"), "{hc1}");
    assert_eq!(
        last_audit(&t),
        (
            "kang".into(),
            "export certificate".into(),
            Some(kim.id),
            "ok".into(),
            Some(format!("{uvci} shown as a QR code"))
        )
    );

    issue::revoke(&t.desk, "kang", &issued[0], "issued to the wrong person").unwrap();
    assert_eq!(last_audit(&t).1, "revoke certificate");
    let revoked = view_application(&t.desk, &kim, app);
    assert_eq!(revoked.standing(), Some(Standing::Revoked));
    assert!(!Standing::Revoked.is_active());

    kiosk::show_certificate(&t.desk, kim.id, &uvci).unwrap();
    assert_eq!(
        last_audit(&t),
        (
            format!("citizen#{}", kim.id),
            "export certificate".into(),
            Some(kim.id),
            "ok".into(),
            Some(format!("{uvci} shown as a QR code"))
        )
    );
}
