//! The policies of domain.md (event → reaction), the status view after every step, exactly-once
//! delivery, the rebuild of the view (rule 9), and the breaker and its fallback (rules 5, 6).

mod common;

use chrono::Duration;
use common::*;
#[cfg(feature = "fault-injection")]
use std::collections::BTreeSet;
use vaxdesk::app::{AppError, queries};
#[cfg(feature = "fault-injection")]
use vaxdesk::bus::BreakerState;
use vaxdesk::domain::{CitizenDetails, InjectionDetails, InjectionStatus, Uvci};
use vaxdesk::store::vaccination::{CitizenRow, InjectionRow};

fn one_dose() -> (TestDesk, CitizenRow, InjectionRow) {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let inj = record(&t.desk, &kim, administered(1, 2, "2021-06-01"));
    (t, kim, inj)
}

fn queue_apps(t: &TestDesk) -> Vec<i64> {
    queries::queue(&t.desk, 10_000)
        .unwrap()
        .into_iter()
        .map(|q| q.application)
        .collect()
}

fn last_event(t: &TestDesk) -> String {
    event_types(&t.desk).pop().unwrap()
}

// --- the policies, with the citizen's page after every step -------------------------------------

#[test]
fn apply_opens_a_pending_request_and_shows_applied() {
    let (t, kim, inj) = one_dose();
    let page = status(&t.desk, &kim);
    assert_eq!(page.injections.len(), 1);
    assert_eq!(page.injections[0].status, "ADMINISTERED");
    assert!(page.applications.is_empty());
    assert!(!page.issuance_delayed);

    let app = apply(&t.desk, &kim, &inj);
    assert_eq!(last_event(&t), "ApplicationSubmitted");
    assert_eq!(request(&t.desk, app), Some(("PENDING".into(), None)));
    let q = queries::queue(&t.desk, 100).unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].application, app);
    // Facts in the queue come from the injection, not the request.
    assert_eq!(q[0].citizen, "900101-1******");
    assert_eq!(q[0].name, "김 민준");
    assert_eq!((q[0].dose, q[0].series), (1, 2));
    assert_eq!(q[0].product_name, "Comirnaty");

    let row = view_application(&t.desk, &kim, app);
    assert_eq!(row.status, "APPLIED");
    assert_eq!((row.dose, row.series), (1, 2));
    assert_eq!(row.product, "EU/1/20/1528");
    assert_eq!(row.date, "2021-06-01");
    assert_eq!(row.certificate_id, None);
    assert!(!status(&t.desk, &kim).issuance_delayed);
}

#[test]
fn issue_makes_the_application_issued_with_the_certificate_id() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    let uvci = try_issue(&t.desk, app).unwrap();
    let id = uvci.as_str().to_string();
    assert!(id.starts_with("URN:UVCI:01:KR:"), "{id}");
    assert!(Uvci::is_well_formed(&id), "{id}");
    assert_eq!(last_event(&t), "CertificateIssued");

    let (st, cert, reason) = application(&t.desk, app);
    assert_eq!(st, "ISSUED");
    assert_eq!(cert.as_deref(), Some(id.as_str()));
    assert_eq!(reason, None);
    assert_eq!(request(&t.desk, app).unwrap().0, "ISSUED");
    assert!(queue_apps(&t).is_empty());
    let (stored, app_of_cert, issuer): (String, i64, String) = t
        .desk
        .conn()
        .query_row(
            "SELECT uvci, application_id, issuer FROM certificates",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((stored.as_str(), app_of_cert), (id.as_str(), app));
    assert_eq!(issuer, t.config.issuer);

    let row = view_application(&t.desk, &kim, app);
    assert_eq!(row.status, "ISSUED");
    assert_eq!(row.certificate_id.as_deref(), Some(id.as_str()));

    // A second certificate gets a different, also well-formed, id.
    let i2 = record(&t.desk, &kim, administered(2, 2, "2021-06-22"));
    let app2 = apply(&t.desk, &kim, &i2);
    let uvci2 = try_issue(&t.desk, app2).unwrap();
    assert_ne!(uvci2, uvci);
    assert!(Uvci::is_well_formed(uvci2.as_str()));
}

#[test]
fn cancel_withdraws_the_request_and_empties_the_queue() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    assert_eq!(queue_apps(&t), [app]);
    try_cancel(&t.desk, &kim, app).unwrap();
    assert_eq!(last_event(&t), "ApplicationCancelled");
    assert_eq!(application(&t.desk, app).0, "CANCELLED");
    assert_eq!(request(&t.desk, app).unwrap().0, "WITHDRAWN");
    assert!(queue_apps(&t).is_empty());
    assert_eq!(
        count(
            &t.desk,
            "SELECT COUNT(*) FROM issuance_requests WHERE status = 'PENDING'"
        ),
        0
    );
    let row = view_application(&t.desk, &kim, app);
    assert_eq!(row.status, "CANCELLED");
    assert_eq!(row.certificate_id, None);
}

#[test]
fn reject_closes_request_and_application_with_the_reason() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    let reason = "lot FF2382 is not on the delivery list";
    try_reject(&t.desk, app, reason).unwrap();
    let (st, cert, why) = application(&t.desk, app);
    assert_eq!((st.as_str(), cert), ("REJECTED", None));
    assert_eq!(why.as_deref(), Some(reason));
    assert_eq!(
        request(&t.desk, app),
        Some(("REJECTED".into(), Some(reason.into())))
    );
    assert!(queue_apps(&t).is_empty());
    let row = view_application(&t.desk, &kim, app);
    assert_eq!(row.status, "REJECTED");
    assert_eq!(row.reason.as_deref(), Some(reason));
}

#[test]
fn void_rejects_the_pending_application_with_the_reason() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_void(
        &t.desk,
        &inj,
        Some(inj.version),
        "recorded against the wrong product",
    )
    .unwrap();

    let types = event_types(&t.desk);
    assert_eq!(
        &types[types.len() - 2..],
        ["InjectionVoided", "ApplicationRejected"]
    );
    let (st, _, reason) = application(&t.desk, app);
    assert_eq!(st, "REJECTED");
    let reason = reason.unwrap();
    assert!(
        reason.contains("recorded against the wrong product"),
        "{reason}"
    );
    let (rst, rreason) = request(&t.desk, app).unwrap();
    assert_eq!(rst, "REJECTED");
    assert_eq!(rreason.as_deref(), Some(reason.as_str()));
    assert!(queue_apps(&t).is_empty());

    let page = status(&t.desk, &kim);
    assert_eq!(page.injections[0].status, "VOIDED");
    let row = view_application(&t.desk, &kim, app);
    assert_eq!(row.status, "REJECTED");
    assert_eq!(row.reason.as_deref(), Some(reason.as_str()));
}

#[test]
fn void_leaves_an_issued_application_alone() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    let uvci = try_issue(&t.desk, app).unwrap();
    try_void(&t.desk, &inj, None, "entered twice").unwrap();
    let (st, cert, reason) = application(&t.desk, app);
    assert_eq!(st, "ISSUED");
    assert_eq!(cert.as_deref(), Some(uvci.as_str()));
    assert_eq!(reason, None);
    assert_eq!(request(&t.desk, app).unwrap().0, "ISSUED");
    assert_eq!(view_application(&t.desk, &kim, app).status, "ISSUED");
    assert_eq!(last_event(&t), "InjectionVoided");
}

#[test]
fn update_to_scheduled_rejects_the_pending_application() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    let v = try_update(
        &t.desk,
        &inj,
        Some(inj.version),
        InjectionDetails {
            status: InjectionStatus::Scheduled,
            date: day("2026-12-01"),
            ..inj.details.clone()
        },
    )
    .unwrap();
    assert_eq!(v, 2);
    let (st, _, reason) = application(&t.desk, app);
    assert_eq!(st, "REJECTED");
    let reason = reason.unwrap();
    assert!(reason.contains("SCHEDULED"), "{reason}");
    assert_eq!(request(&t.desk, app).unwrap().0, "REJECTED");
    assert!(queue_apps(&t).is_empty());

    let page = status(&t.desk, &kim);
    assert_eq!(page.injections[0].status, "SCHEDULED");
    assert_eq!(page.injections[0].date, "2026-12-01");
    let row = view_application(&t.desk, &kim, app);
    assert_eq!(row.status, "REJECTED");
    assert_eq!(row.reason.as_deref(), Some(reason.as_str()));
}

#[test]
fn update_that_stays_administered_keeps_the_application() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_update(
        &t.desk,
        &inj,
        Some(1),
        InjectionDetails {
            lot: Some("FA4599".into()),
            date: day("2021-06-02"),
            ..inj.details.clone()
        },
    )
    .unwrap();
    assert_eq!(application(&t.desk, app).0, "APPLIED");
    assert_eq!(request(&t.desk, app).unwrap().0, "PENDING");
    // The page shows the corrected date on the application too.
    assert_eq!(view_application(&t.desk, &kim, app).date, "2021-06-02");
}

#[test]
fn status_view_follows_every_step_of_a_clinic_day() {
    let t = TestDesk::new();
    let d = &t.desk;
    let kim = register(d, "900101-1234567", "김", "민준");
    let page = status(d, &kim);
    assert_eq!(page.citizen.masked_id, "900101-1******");
    assert_eq!(page.citizen.family_name, "김");
    assert!(page.injections.is_empty() && page.applications.is_empty());

    let i1 = record(d, &kim, administered(1, 2, "2021-06-01"));
    let i2 = record(d, &kim, administered(2, 2, "2021-06-22"));
    let page = status(d, &kim);
    assert_eq!(page.injections.len(), 2);

    let a1 = apply(d, &kim, &i1);
    let a2 = apply(d, &kim, &i2);
    let states = |t: &TestDesk| -> Vec<(i64, String)> {
        status(&t.desk, &kim)
            .applications
            .into_iter()
            .map(|a| (a.application_id, a.status))
            .collect()
    };
    assert_eq!(
        states(&t),
        [(a1, "APPLIED".to_string()), (a2, "APPLIED".to_string())]
    );
    try_cancel(d, &kim, a1).unwrap();
    assert_eq!(
        states(&t),
        [(a1, "CANCELLED".to_string()), (a2, "APPLIED".to_string())]
    );
    t.advance(Duration::minutes(5));
    let a3 = apply(d, &kim, &i1);
    try_issue(d, a2).unwrap();
    assert_eq!(
        states(&t),
        [
            (a1, "CANCELLED".to_string()),
            (a2, "ISSUED".to_string()),
            (a3, "APPLIED".to_string())
        ]
    );
    try_reject(d, a3, "call the clinic").unwrap();
    assert_eq!(view_application(d, &kim, a3).status, "REJECTED");
    let last = view_application(d, &kim, a3).last_change;
    assert_eq!(last, "2026-11-25T09:05:00Z");

    // A corrected name shows on the page.
    let s = d.stamp("manager:park");
    let renamed = CitizenDetails {
        birth_date: kim.details.birth_date,
        ..details("김", "민수")
    };
    d.run(|ctx| vaxdesk::app::commands::update_citizen(ctx, &s, &kim, renamed))
        .unwrap();
    assert_eq!(status(d, &kim).citizen.given_name, "민수");

    assert!(
        queries::rebuild_views(d, false)
            .unwrap()
            .differences
            .is_empty()
    );
}

// --- exactly once ------------------------------------------------------------------------------

/// A desk that has been through every policy: issued, cancelled and applied again, rejected by
/// the issuer, rejected by a void, and rejected by a correction to SCHEDULED.
fn busy_desk() -> (TestDesk, Vec<i64>) {
    let t = TestDesk::new();
    let d = &t.desk;
    let mut apps = vec![];
    let kim = register(d, "900101-1234567", "김", "민준");
    let lee = register(d, "850315-2345678", "이", "서연");
    let park = register(d, "720704-1456789", "박", "지훈");
    let k1 = record(d, &kim, administered(1, 2, "2021-06-01"));
    let k2 = record(d, &kim, administered(2, 2, "2021-06-22"));
    let l1 = record(d, &lee, administered(1, 2, "2021-06-01"));
    let l2 = record(d, &lee, administered(2, 2, "2021-06-29"));
    let p1 = record(d, &park, administered(1, 1, "2021-06-02"));

    // issued
    let a = apply(d, &kim, &k1);
    try_issue(d, a).unwrap();
    apps.push(a);
    // cancelled then applied again and left pending
    let a = apply(d, &kim, &k2);
    try_cancel(d, &kim, a).unwrap();
    apps.push(a);
    apps.push(apply(d, &kim, &k2));
    // rejected by the issuer
    let a = apply(d, &lee, &l1);
    try_reject(d, a, "bring the card").unwrap();
    apps.push(a);
    // voided under a pending application
    let a = apply(d, &lee, &l2);
    try_void(d, &l2, None, "wrong citizen").unwrap();
    apps.push(a);
    // corrected to SCHEDULED under a pending application
    let a = apply(d, &park, &p1);
    apps.push(a);
    try_update(d, &p1, None, to_scheduled(&p1)).unwrap();
    assert_eq!(application(d, a).0, "REJECTED");
    (t, apps)
}

fn to_scheduled(row: &InjectionRow) -> InjectionDetails {
    InjectionDetails {
        status: InjectionStatus::Scheduled,
        lot: None,
        ..row.details.clone()
    }
}

/// Resets every checkpoint to 0 and dispatches: every event is delivered again.
fn redeliver_everything(t: &TestDesk) -> vaxdesk::bus::DispatchReport {
    t.desk
        .conn()
        .execute("UPDATE subscriber_checkpoints SET last_seq = 0", [])
        .unwrap();
    t.desk.dispatch().unwrap()
}

#[test]
fn redelivery_of_every_event_changes_nothing() {
    let (t, apps) = busy_desk();
    let d = &t.desk;
    let before = state_tables(d);
    let events = event_count(d);
    let queue = queue_apps(&t);
    let app_states: Vec<_> = apps.iter().map(|a| application(d, *a)).collect();

    let report = redeliver_everything(&t);
    assert!(report.failures.is_empty(), "{report:?}");
    // The status view handles every event again; the policies the ones they react to.
    assert!(report.delivered > events as u64, "{report:?}");

    let after_states: Vec<_> = apps.iter().map(|a| application(d, *a)).collect();
    assert_eq!(
        after_states, app_states,
        "applications changed on redelivery"
    );
    assert_eq!(event_count(d), events, "redelivery appended events");
    assert_eq!(queue_apps(&t), queue);
    assert_eq!(state_tables(d), before);
    for s in queries::doctor(d).unwrap().subscribers {
        assert_eq!(s.lag, 0, "{s:?}");
    }
    // And once more, for good measure: a second full redelivery is just as harmless.
    redeliver_everything(&t);
    assert_eq!(state_tables(d), before);
    assert_eq!(event_count(d), events);
}

#[test]
fn redelivered_correction_does_not_reject_a_later_application() {
    // An injection corrected to SCHEDULED (its application rejected), corrected back to
    // ADMINISTERED, and applied for again. Redelivering the old InjectionUpdated(SCHEDULED)
    // must not reject the new application: that event was already handled.
    let t = TestDesk::new();
    let d = &t.desk;
    let park = register(d, "720704-1456789", "박", "지훈");
    let p1 = record(d, &park, administered(1, 1, "2021-06-02"));
    let first = apply(d, &park, &p1);
    let v = try_update(d, &p1, Some(1), to_scheduled(&p1)).unwrap();
    assert_eq!(application(d, first).0, "REJECTED");
    let p1 = injection_by_id(d, p1.id);
    try_update(d, &p1, Some(v), administered(1, 1, "2021-06-02")).unwrap();
    let again = apply(d, &park, &p1);
    assert_eq!(application(d, again).0, "APPLIED");
    assert_eq!(request(d, again).unwrap().0, "PENDING");
    let before = state_tables(d);
    let events = event_count(d);

    let report = redeliver_everything(&t);
    assert!(report.failures.is_empty(), "{report:?}");
    assert_eq!(
        application(d, again),
        ("APPLIED".to_string(), None, None),
        "a redelivered event rejected an application made after it"
    );
    assert_eq!(request(d, again).unwrap().0, "PENDING");
    assert_eq!(queue_apps(&t), [again]);
    assert_eq!(view_application(d, &park, again).status, "APPLIED");
    assert_eq!(event_count(d), events, "redelivery appended events");
    assert_eq!(state_tables(d), before);
}

#[test]
fn dispatch_with_nothing_pending_changes_nothing() {
    let (t, _apps) = busy_desk();
    let before = dump(&t.desk);
    let report = t.desk.dispatch().unwrap();
    assert_eq!(report.delivered, 0);
    assert_eq!(dump(&t.desk), before);
}

// --- rule 9: the view rebuilt from the log equals the live view ---------------------------------

/// Runs `n` random commands over `citizens` citizens; refusals are expected and ignored.
fn random_clinic(t: &TestDesk, seed: u64, citizens: usize, n: usize) -> (usize, usize) {
    random_clinic_with(t, seed, citizens, n, &mut |_| {})
}

/// As [`random_clinic`], calling `between` with a random number before every step.
fn random_clinic_with(
    t: &TestDesk,
    seed: u64,
    citizens: usize,
    n: usize,
    between: &mut dyn FnMut(u64),
) -> (usize, usize) {
    let d = &t.desk;
    let mut rng = Rng::new(seed);
    let products = [
        "EU/1/20/1528",
        "EU/1/20/1507",
        "EU/1/20/1525",
        "EU/1/21/1529",
    ];
    let mut people = vec![];
    for i in 0..citizens {
        people.push(register(
            d,
            &format!("M{:08}", 1000 + i),
            "Test",
            &format!("Person {i}"),
        ));
    }
    let (mut ok, mut refused) = (0, 0);
    for step in 0..n {
        t.advance(Duration::seconds(1 + rng.below(600) as i64));
        between(rng.next_u64());
        let c = people[rng.below(people.len() as u64) as usize].clone();
        let c = d
            .run(|ctx| vaxdesk::app::commands::citizen_by_id(ctx, c.id))
            .unwrap();
        let dose = 1 + rng.below(4) as u32;
        let live = || {
            d.run(|ctx| vaxdesk::app::commands::find_injection(ctx, &c, dose))
                .ok()
        };
        let latest_app = |inj: &InjectionRow| {
            d.run(|ctx| vaxdesk::app::commands::find_application(ctx, &c, inj))
                .ok()
        };
        let result: Result<(), AppError> = match rng.below(100) {
            0..=24 => {
                let day0 = day("2021-03-01") + Duration::days(rng.below(900) as i64);
                let mut det = InjectionDetails {
                    product: rng.pick(&products).to_string(),
                    // A dose never exceeds its series, except n/1 after a one-dose series.
                    series: match 1 + rng.below(3) as u32 {
                        1 => 1,
                        n => n.max(dose),
                    },
                    date: day0,
                    ..administered(dose, 2, "2021-06-01")
                };
                if rng.chance(15) {
                    det.status = InjectionStatus::Scheduled;
                    det.lot = None;
                    det.date = day("2026-12-01") + Duration::days(rng.below(30) as i64);
                }
                if rng.chance(5) {
                    det.lot = None; // refused when administered
                }
                let s = d.stamp("manager:park");
                d.run(|ctx| vaxdesk::app::commands::record_injection(ctx, &s, &c, det))
                    .map(|_| ())
            }
            25..=44 => match live() {
                Some(inj) => try_apply(d, &c, inj.id).map(|_| ()),
                None => continue,
            },
            45..=54 => match live().and_then(|i| latest_app(&i)) {
                Some(a) => try_cancel(d, &c, a.id),
                None => continue,
            },
            55..=69 => match live().and_then(|i| latest_app(&i)) {
                Some(a) => try_issue(d, a.id).map(|_| ()),
                None => continue,
            },
            70..=76 => match live().and_then(|i| latest_app(&i)) {
                Some(a) => try_reject(d, a.id, &format!("reason {step}")),
                None => continue,
            },
            77..=86 => match live() {
                Some(inj) => {
                    let mut det = inj.details.clone();
                    match rng.below(4) {
                        0 => {
                            det.status = InjectionStatus::Scheduled;
                            det.date = day("2026-12-10");
                        }
                        1 => {
                            det.status = InjectionStatus::Administered;
                            det.date = day("2022-01-10");
                            det.lot = Some(format!("LOT{step}"));
                        }
                        2 => det.centre = Some(format!("Centre {step}")),
                        _ => det.dose = 1 + rng.below(4) as u32,
                    }
                    // Sometimes with a stale version.
                    let expected = if rng.chance(10) {
                        Some(inj.version - 1)
                    } else {
                        Some(inj.version)
                    };
                    try_update(d, &inj, expected, det).map(|_| ())
                }
                None => continue,
            },
            87..=92 => match live() {
                Some(inj) => try_void(d, &inj, None, &format!("void {step}")),
                None => continue,
            },
            _ => {
                let s = d.stamp("manager:park");
                let det = details("Test", &format!("Renamed {step}"));
                d.run(|ctx| vaxdesk::app::commands::update_citizen(ctx, &s, &c, det))
            }
        };
        match result {
            Ok(()) => ok += 1,
            Err(AppError::Refused(_)) => refused += 1,
            Err(e) => panic!("step {step}: unexpected error {e:?}"),
        }
    }
    (ok, refused)
}

#[test]
fn rule9_rebuild_after_a_long_random_day_equals_the_live_view() {
    let t = TestDesk::new();
    let (ok, refused) = random_clinic(&t, 0x5eed_cafe, 30, 1200);
    assert!(
        ok + refused >= 500,
        "too few commands ran: {ok} ok, {refused} refused"
    );
    assert!(
        ok >= 250,
        "too few commands succeeded: {ok} (refused {refused})"
    );
    assert!(refused > 0, "the sequence should hit some refusals");
    // Every kind of application status was reached.
    for st in ["APPLIED", "ISSUED", "CANCELLED", "REJECTED"] {
        assert!(
            count(
                &t.desk,
                &format!("SELECT COUNT(*) FROM applications WHERE status = '{st}'")
            ) > 0,
            "no {st} application in the random day"
        );
    }
    let events = event_count(&t.desk);
    let check = queries::rebuild_views(&t.desk, false).unwrap();
    assert_eq!(check.events, events);
    assert!(
        check.differences.is_empty(),
        "{} differences, first: {:?}",
        check.differences.len(),
        check.differences.first()
    );
    // The view agrees with the applying context it mirrors.
    let live: Vec<(i64, String, Option<String>)> = {
        let mut st = t
            .desk
            .conn()
            .prepare(
                "SELECT application_id, status, certificate_id FROM view_applications ORDER BY 1",
            )
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let truth: Vec<(i64, String, Option<String>)> = {
        let mut st = t
            .desk
            .conn()
            .prepare("SELECT id, status, certificate_id FROM applications ORDER BY 1")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(live, truth);
    // One request per application that reached the queue, never two.
    assert_eq!(
        count(&t.desk, "SELECT COUNT(*) FROM issuance_requests"),
        count(&t.desk, "SELECT COUNT(*) FROM applications")
    );
}

#[test]
fn rule9_the_check_finds_a_corrupted_view_row_and_a_rebuild_repairs_it() {
    let t = TestDesk::new();
    random_clinic(&t, 42, 30, 1000);
    assert!(
        queries::rebuild_views(&t.desk, false)
            .unwrap()
            .differences
            .is_empty()
    );
    let victim: i64 = count(
        &t.desk,
        "SELECT MIN(application_id) FROM view_applications WHERE status = 'CANCELLED'",
    );
    t.desk
        .conn()
        .execute(
            "UPDATE view_applications SET status = 'ISSUED', certificate_id = 'URN:UVCI:01:KR:FAKE#A'
             WHERE application_id = ?1",
            [victim],
        )
        .unwrap();
    let check = queries::rebuild_views(&t.desk, false).unwrap();
    assert_eq!(check.differences.len(), 1, "{:?}", check.differences);
    assert!(
        check.differences[0].starts_with(&format!("application {victim}:")),
        "{:?}",
        check.differences
    );
    assert!(check.differences[0].contains("FAKE"));
    // The check only compares: the corruption is still there.
    assert_eq!(
        count(
            &t.desk,
            &format!(
                "SELECT COUNT(*) FROM view_applications WHERE application_id = {victim} AND status = 'ISSUED'"
            )
        ),
        1
    );
    // A missing citizen row is found too.
    t.desk
        .conn()
        .execute("DELETE FROM view_citizens WHERE citizen_id = (SELECT MAX(citizen_id) FROM view_citizens)", [])
        .unwrap();
    let check = queries::rebuild_views(&t.desk, false).unwrap();
    assert_eq!(check.differences.len(), 2, "{:?}", check.differences);
    assert!(
        check
            .differences
            .iter()
            .any(|d| d.starts_with("citizen") && d.contains("missing from the live view")),
        "{:?}",
        check.differences
    );
    // Rebuilding for real repairs both.
    queries::rebuild_views(&t.desk, true).unwrap();
    assert!(
        queries::rebuild_views(&t.desk, false)
            .unwrap()
            .differences
            .is_empty()
    );
    assert_eq!(
        count(
            &t.desk,
            &format!(
                "SELECT COUNT(*) FROM view_applications WHERE application_id = {victim} AND status = 'CANCELLED'"
            )
        ),
        1
    );
}

// --- rules 5 and 6: accepted while issuance fails, breaker, catch-up -----------------------------

#[cfg(feature = "fault-injection")]
fn issuance_status(t: &TestDesk) -> vaxdesk::bus::dispatcher::SubscriberStatus {
    queries::doctor(&t.desk)
        .unwrap()
        .subscribers
        .into_iter()
        .find(|s| s.name == "issuance")
        .unwrap()
}

#[cfg(feature = "fault-injection")]
#[test]
fn rules5_6_applications_accepted_while_issuance_fails_then_delivered_exactly_once() {
    use vaxdesk::bus::Faults;
    let faults = Faults::none();
    // A queue limit above the 100 requests: "delayed" here is the breaker's alone.
    let config = vaxdesk::config::Config {
        long_queue: 200,
        ..Default::default()
    };
    let t = TestDesk::with(config, faults.clone());
    let d = &t.desk;
    let mut people = vec![];
    for i in 0..25 {
        let c = register(
            d,
            &format!("M{:08}", 5000 + i),
            "Test",
            &format!("Person {i}"),
        );
        let mut injections = vec![];
        for dose in 1..=4 {
            injections.push(record(d, &c, administered(dose, dose.max(2), "2021-06-01")));
        }
        people.push((c, injections));
    }

    faults.set_issuance(true);
    let mut apps = vec![];
    for (c, injections) in &people {
        for inj in injections {
            // Time passes between applications, so backoffs run out and the breaker is tried.
            t.advance(Duration::seconds(10));
            apps.push(apply(d, c, inj));
        }
    }
    assert_eq!(apps.len(), 100);
    assert_eq!(
        count(
            d,
            "SELECT COUNT(*) FROM applications WHERE status = 'APPLIED'"
        ),
        100
    );
    assert_eq!(count(d, "SELECT COUNT(*) FROM issuance_requests"), 0);
    assert!(queue_apps(&t).is_empty());

    // The breaker is open; the citizen is told issuance is delayed.
    let s = issuance_status(&t);
    assert_eq!(s.state, BreakerState::Open, "{s:?}");
    assert!(s.consecutive_failures >= i64::from(t.config.dispatch.breaker_failures));
    assert!(s.lag > 0);
    assert!(
        s.last_error
            .as_deref()
            .unwrap_or("")
            .contains("injected fault")
    );
    let doctor = queries::doctor(d).unwrap();
    assert!(
        doctor
            .problems()
            .iter()
            .any(|p| p.contains("issuance breaker is OPEN")),
        "{:?}",
        doctor.problems()
    );
    assert_eq!(doctor.pending_requests, 0);
    let (c0, _) = &people[0];
    let page = status(d, c0);
    assert!(page.issuance_delayed);
    assert_eq!(page.applications.len(), 4);
    assert!(page.applications.iter().all(|a| a.status == "APPLIED"));
    // The other subscribers are not held back.
    for s in doctor.subscribers.iter().filter(|s| s.name != "issuance") {
        assert_eq!((s.lag, s.state), (0, BreakerState::Closed), "{s:?}");
    }

    // While open, a dispatch does not even try.
    let report = d.dispatch().unwrap();
    assert_eq!(report.waiting, ["issuance"]);
    assert!(report.failures.is_empty());

    // Issuance recovers; after the pause a trial delivery catches everything up.
    faults.set_issuance(false);
    t.advance(Duration::seconds(
        i64::from(t.config.dispatch.breaker_open_seconds) + 1,
    ));
    assert_eq!(issuance_status(&t).state, BreakerState::HalfOpen);
    let report = d.dispatch().unwrap();
    assert!(report.failures.is_empty(), "{report:?}");
    assert_eq!(count(d, "SELECT COUNT(*) FROM issuance_requests"), 100);
    assert_eq!(
        count(
            d,
            "SELECT COUNT(DISTINCT application_id) FROM issuance_requests"
        ),
        100
    );
    let mut queued = queue_apps(&t);
    assert_eq!(queued.len(), 100);
    queued.sort();
    let mut expected = apps.clone();
    expected.sort();
    assert_eq!(queued, expected);
    let ids: BTreeSet<i64> = queued.iter().copied().collect();
    assert_eq!(ids.len(), 100);

    let s = issuance_status(&t);
    assert_eq!(
        (s.state, s.lag, s.consecutive_failures),
        (BreakerState::Closed, 0, 0)
    );
    assert!(!status(d, c0).issuance_delayed);
    assert!(queries::doctor(d).unwrap().problems().is_empty());

    // Nothing more on another dispatch, nor on a full redelivery.
    d.dispatch().unwrap();
    d.conn()
        .execute("UPDATE subscriber_checkpoints SET last_seq = 0", [])
        .unwrap();
    d.dispatch().unwrap();
    assert_eq!(count(d, "SELECT COUNT(*) FROM issuance_requests"), 100);
    assert_eq!(queue_apps(&t).len(), 100);

    // And the issuer can now work the queue.
    try_issue(d, apps[0]).unwrap();
    assert_eq!(application(d, apps[0]).0, "ISSUED");
}

#[cfg(feature = "fault-injection")]
#[test]
fn rule6_breaker_opens_only_after_the_configured_failures() {
    use vaxdesk::bus::Faults;
    let faults = Faults::none();
    let mut config = vaxdesk::config::Config::default();
    config.dispatch.breaker_failures = 3;
    config.dispatch.breaker_open_seconds = 120;
    let t = TestDesk::with(config, faults.clone());
    let d = &t.desk;
    let c = register(d, "M00000001", "Test", "Person");
    let injections: Vec<_> = (1..=5)
        .map(|dose| record(d, &c, administered(dose, dose.max(2), "2021-06-01")))
        .collect();
    faults.set_issuance(true);
    for (i, inj) in injections.iter().take(3).enumerate() {
        t.advance(Duration::seconds(10));
        apply(d, &c, inj);
        let s = issuance_status(&t);
        assert_eq!(s.consecutive_failures, i as i64 + 1, "{s:?}");
        let want = if i < 2 {
            BreakerState::Closed
        } else {
            BreakerState::Open
        };
        assert_eq!(s.state, want, "after failure {}", i + 1);
        // Failing with work left behind already counts as delayed, breaker open or not.
        assert!(status(d, &c).issuance_delayed, "after failure {}", i + 1);
    }
    // Still open before the pause is over, whatever happens meanwhile.
    t.advance(Duration::seconds(100));
    apply(d, &c, &injections[3]);
    let s = issuance_status(&t);
    assert_eq!((s.state, s.consecutive_failures), (BreakerState::Open, 3));
    // A failed trial opens it again for a full pause.
    t.advance(Duration::seconds(30));
    assert_eq!(issuance_status(&t).state, BreakerState::HalfOpen);
    d.dispatch().unwrap();
    let s = issuance_status(&t);
    assert_eq!((s.state, s.consecutive_failures), (BreakerState::Open, 4));
    t.advance(Duration::seconds(119));
    assert_eq!(issuance_status(&t).state, BreakerState::Open);
    faults.set_issuance(false);
    t.advance(Duration::seconds(2));
    apply(d, &c, &injections[4]);
    let s = issuance_status(&t);
    assert_eq!((s.state, s.lag), (BreakerState::Closed, 0));
    assert_eq!(count(d, "SELECT COUNT(*) FROM issuance_requests"), 5);
}

#[cfg(feature = "fault-injection")]
#[test]
fn restart_catches_up_pending_events() {
    use vaxdesk::bus::Faults;
    let faults = Faults::none();
    let mut t = TestDesk::with(vaxdesk::config::Config::default(), faults.clone());
    let c = register(&t.desk, "M00000001", "Test", "Person");
    let inj: Vec<_> = (1..=3)
        .map(|dose| record(&t.desk, &c, administered(dose, dose.max(2), "2021-06-01")))
        .collect();
    faults.set_issuance(true);
    let mut apps = vec![];
    for i in &inj {
        t.advance(Duration::seconds(10));
        apps.push(apply(&t.desk, &c, i));
    }
    // One cancelled while issuance is down: its request must end WITHDRAWN, not PENDING.
    try_cancel(&t.desk, &c, apps[2]).unwrap();
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM issuance_requests"), 0);

    // The desk is closed and opened again later, issuance working.
    t.advance(Duration::seconds(120));
    t.reopen(Faults::none());
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM issuance_requests"), 3);
    assert_eq!(request(&t.desk, apps[0]).unwrap().0, "PENDING");
    assert_eq!(request(&t.desk, apps[1]).unwrap().0, "PENDING");
    assert_eq!(request(&t.desk, apps[2]).unwrap().0, "WITHDRAWN");
    assert_eq!(queue_apps(&t), apps[..2]);
    let s = issuance_status(&t);
    assert_eq!((s.state, s.lag), (BreakerState::Closed, 0));
    assert!(!status(&t.desk, &c).issuance_delayed);

    // Opening again changes nothing.
    let before = state_tables(&t.desk);
    t.reopen(Faults::none());
    assert_eq!(state_tables(&t.desk), before);
}

#[cfg(feature = "fault-injection")]
#[test]
fn restart_before_the_pause_is_over_still_waits() {
    use vaxdesk::bus::Faults;
    let faults = Faults::none();
    let mut t = TestDesk::with(vaxdesk::config::Config::default(), faults.clone());
    let c = register(&t.desk, "M00000001", "Test", "Person");
    let inj = record(&t.desk, &c, administered(1, 2, "2021-06-01"));
    faults.set_issuance(true);
    let app = apply(&t.desk, &c, &inj);
    // The breaker record lives in the database: a new desk respects the backoff.
    t.reopen(Faults::none());
    assert_eq!(request(&t.desk, app), None);
    t.advance(Duration::seconds(1));
    t.desk.dispatch().unwrap();
    assert_eq!(request(&t.desk, app).unwrap().0, "PENDING");
}

#[cfg(feature = "fault-injection")]
#[test]
fn rule5_random_day_with_issuance_failing_on_and_off_loses_and_doubles_nothing() {
    use vaxdesk::bus::Faults;
    let faults = Faults::none();
    let t = TestDesk::with(vaxdesk::config::Config::default(), faults.clone());
    let switch = faults.clone();
    let mut failing = false;
    let mut toggles = 0;
    let (ok, refused) = random_clinic_with(&t, 0xfa17, 30, 1000, &mut |r| {
        if r % 100 < 8 {
            failing = !failing;
            toggles += 1;
            switch.set_issuance(failing);
        }
    });
    assert!(toggles > 10, "{toggles}");
    assert!(
        ok + refused >= 500 && ok >= 200,
        "{ok} ok, {refused} refused"
    );
    faults.set_issuance(false);
    t.advance(Duration::hours(1));
    let report = t.desk.dispatch().unwrap();
    assert!(report.failures.is_empty(), "{report:?}");
    let d = &t.desk;

    // One request per application, and each request agrees with its application.
    assert_eq!(
        count(d, "SELECT COUNT(*) FROM issuance_requests"),
        count(d, "SELECT COUNT(*) FROM applications")
    );
    assert_eq!(
        count(
            d,
            "SELECT COUNT(DISTINCT application_id) FROM issuance_requests"
        ),
        count(d, "SELECT COUNT(*) FROM applications")
    );
    let mut stmt = d
        .conn()
        .prepare(
            "SELECT a.id, a.status, r.status FROM applications a
             LEFT JOIN issuance_requests r ON r.application_id = a.id ORDER BY a.id",
        )
        .unwrap();
    let pairs: Vec<(i64, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (id, app, req) in &pairs {
        let want = match app.as_str() {
            "APPLIED" => "PENDING",
            "ISSUED" => "ISSUED",
            "CANCELLED" => "WITHDRAWN",
            "REJECTED" => "REJECTED",
            other => panic!("unknown status {other}"),
        };
        assert_eq!(req.as_deref(), Some(want), "application {id} is {app}");
    }
    let pending: Vec<i64> = pairs
        .iter()
        .filter(|p| p.1 == "APPLIED")
        .map(|p| p.0)
        .collect();
    let mut queued = queue_apps(&t);
    queued.sort();
    assert_eq!(queued, pending);
    assert!(
        queries::rebuild_views(d, false)
            .unwrap()
            .differences
            .is_empty()
    );
    assert!(queries::doctor(d).unwrap().problems().is_empty());
}
