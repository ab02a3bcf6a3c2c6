//! The rules of domain.md, one test per rule and per refusal, through the public commands.

mod common;

use common::*;
use vaxdesk::app::{AppError, commands, seed};
use vaxdesk::domain::{
    BirthDate, CitizenDetails, InjectionDetails, InjectionStatus, Rule, injection, text,
};
use vaxdesk::store::vaccination::{CitizenRow, InjectionRow};

/// A desk with one citizen who has one administered dose.
fn one_dose() -> (TestDesk, CitizenRow, InjectionRow) {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let inj = record(&t.desk, &kim, administered(1, 2, "2021-06-01"));
    (t, kim, inj)
}

// --- rule 1: own, ADMINISTERED injection --------------------------------------------------------

#[test]
fn rule1_apply_for_another_citizens_injection_is_refused() {
    let (t, kim, inj) = one_dose();
    let lee = register(&t.desk, "850315-2345678", "이", "서연");
    let r = refused_unchanged(&t.desk, Rule::OwnAdministeredInjection, || {
        try_apply(&t.desk, &lee, inj.id)
    });
    assert_eq!(r.field, "injection");
    assert!(status(&t.desk, &lee).applications.is_empty());
    // The owner may apply for it.
    let app = apply(&t.desk, &kim, &inj);
    assert_eq!(application(&t.desk, app).0, "APPLIED");
}

#[test]
fn rule1_apply_for_an_unknown_injection_is_refused() {
    let (t, kim, inj) = one_dose();
    refused_unchanged(&t.desk, Rule::OwnAdministeredInjection, || {
        try_apply(&t.desk, &kim, inj.id + 1000)
    });
}

#[test]
fn rule1_apply_for_a_scheduled_injection_is_refused() {
    let t = TestDesk::new();
    let choi = register(&t.desk, "010909-4567890", "최", "하늘");
    let inj = record(&t.desk, &choi, scheduled(2, 2, "2026-12-08"));
    assert_eq!(inj.details.status, InjectionStatus::Scheduled);
    let r = refused_unchanged(&t.desk, Rule::OwnAdministeredInjection, || {
        try_apply(&t.desk, &choi, inj.id)
    });
    assert!(r.message.contains("scheduled"), "{}", r.message);
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM applications"), 0);
}

#[test]
fn rule1_apply_for_a_voided_injection_is_refused() {
    let (t, kim, inj) = one_dose();
    try_void(&t.desk, &inj, Some(inj.version), "wrong product").unwrap();
    assert_eq!(
        injection_by_id(&t.desk, inj.id).details.status,
        InjectionStatus::Voided
    );
    let r = refused_unchanged(&t.desk, Rule::OwnAdministeredInjection, || {
        try_apply(&t.desk, &kim, inj.id)
    });
    assert!(r.message.contains("voided"), "{}", r.message);
}

// --- rule 2: one active application per injection -----------------------------------------------

#[test]
fn rule2_second_active_application_is_refused() {
    let (t, kim, inj) = one_dose();
    let first = apply(&t.desk, &kim, &inj);
    let r = refused_unchanged(&t.desk, Rule::OneActiveApplication, || {
        try_apply(&t.desk, &kim, inj.id)
    });
    assert!(r.message.contains("APPLIED"), "{}", r.message);
    assert_eq!(status(&t.desk, &kim).applications.len(), 1);
    assert_eq!(application(&t.desk, first).0, "APPLIED");
}

#[test]
fn rule2_after_cancelled_a_new_application_is_allowed() {
    let (t, kim, inj) = one_dose();
    let first = apply(&t.desk, &kim, &inj);
    try_cancel(&t.desk, &kim, first).unwrap();
    let second = apply(&t.desk, &kim, &inj);
    assert_ne!(first, second);
    assert_eq!(application(&t.desk, first).0, "CANCELLED");
    assert_eq!(application(&t.desk, second).0, "APPLIED");
    let page = status(&t.desk, &kim);
    let states: Vec<&str> = page
        .applications
        .iter()
        .map(|a| a.status.as_str())
        .collect();
    assert_eq!(states, ["CANCELLED", "APPLIED"]);
}

#[test]
fn rule2_after_rejected_a_new_application_is_allowed() {
    let (t, kim, inj) = one_dose();
    let first = apply(&t.desk, &kim, &inj);
    try_reject(&t.desk, first, "please bring the vaccination card").unwrap();
    assert_eq!(application(&t.desk, first).0, "REJECTED");
    let second = apply(&t.desk, &kim, &inj);
    assert_eq!(application(&t.desk, second).0, "APPLIED");
    assert_eq!(request(&t.desk, second).unwrap().0, "PENDING");
}

#[test]
fn rule2_after_issued_a_new_application_is_refused() {
    let (t, kim, inj) = one_dose();
    let first = apply(&t.desk, &kim, &inj);
    try_issue(&t.desk, first).unwrap();
    assert_eq!(application(&t.desk, first).0, "ISSUED");
    let r = refused_unchanged(&t.desk, Rule::OneActiveApplication, || {
        try_apply(&t.desk, &kim, inj.id)
    });
    assert!(r.message.contains("ISSUED"), "{}", r.message);
}

// --- rule 3: cancel only while APPLIED ----------------------------------------------------------

/// Cancels `app` expecting a rule 3 refusal; the event count and the citizen's page stay as
/// they were.
fn cancel_is_refused_and_nothing_changes(t: &TestDesk, kim: &CitizenRow, app: i64, was: &str) {
    let events = event_count(&t.desk);
    let page = status(&t.desk, kim);
    let before = application(&t.desk, app);
    let req = request(&t.desk, app);
    let r = refused_unchanged(&t.desk, Rule::CancelOnlyApplied, || {
        try_cancel(&t.desk, kim, app)
    });
    assert!(
        r.message.contains(was),
        "message should say {was}: {}",
        r.message
    );
    assert_eq!(event_count(&t.desk), events);
    assert_eq!(status(&t.desk, kim), page);
    assert_eq!(application(&t.desk, app), before);
    assert_eq!(before.0, was);
    assert_eq!(request(&t.desk, app), req);
    assert_eq!(view_application(&t.desk, kim, app).status, was);
}

#[test]
fn rule3_cancel_after_issued_is_refused_and_nothing_changes() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_issue(&t.desk, app).unwrap();
    cancel_is_refused_and_nothing_changes(&t, &kim, app, "ISSUED");
}

#[test]
fn rule3_cancel_after_rejected_is_refused_and_nothing_changes() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_reject(&t.desk, app, "lot not on the delivery list").unwrap();
    cancel_is_refused_and_nothing_changes(&t, &kim, app, "REJECTED");
}

#[test]
fn rule3_cancel_after_cancelled_is_refused_and_nothing_changes() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_cancel(&t.desk, &kim, app).unwrap();
    cancel_is_refused_and_nothing_changes(&t, &kim, app, "CANCELLED");
}

#[test]
fn rule3_cancel_of_someone_elses_application_is_refused() {
    let (t, kim, inj) = one_dose();
    let lee = register(&t.desk, "850315-2345678", "이", "서연");
    let app = apply(&t.desk, &kim, &inj);
    refused_unchanged(&t.desk, Rule::NotFound, || try_cancel(&t.desk, &lee, app));
    assert_eq!(application(&t.desk, app).0, "APPLIED");
}

// --- rule 4: issue and cancel check each other ---------------------------------------------------

#[test]
fn rule4_issue_is_refused_when_the_application_was_cancelled() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_cancel(&t.desk, &kim, app).unwrap();
    let r = refused_unchanged(&t.desk, Rule::IssueOnlyPending, || try_issue(&t.desk, app));
    assert!(r.message.contains("CANCELLED"), "{}", r.message);
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM certificates"), 0);
    assert_eq!(request(&t.desk, app).unwrap().0, "WITHDRAWN");
}

#[test]
fn rule4_cancel_is_refused_once_the_request_is_issued() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    let uvci = try_issue(&t.desk, app).unwrap();
    assert_eq!(request(&t.desk, app).unwrap().0, "ISSUED");
    let r = refused_unchanged(&t.desk, Rule::CancelOnlyApplied, || {
        try_cancel(&t.desk, &kim, app)
    });
    assert_eq!(r.field, "application");
    let (st, cert, _) = application(&t.desk, app);
    assert_eq!(st, "ISSUED");
    assert_eq!(cert.as_deref(), Some(uvci.as_str()));
}

/// Another desk issued and committed, but the applying policy has not run yet: the application
/// still reads APPLIED, so only the synchronous check of the issuer's request refuses the cancel.
#[test]
fn rule4_cancel_is_refused_by_the_request_before_the_policy_has_run() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    // Issue in a bare transaction, as a second desk would, with no delivery after it.
    vaxdesk::store::immediate(t.desk.conn(), |conn| -> Result<_, AppError> {
        commands::issue(&t.desk.ctx(conn), &t.desk.stamp("issuer:other-desk"), app)
    })
    .unwrap();
    assert_eq!(application(&t.desk, app).0, "APPLIED", "policy has not run");
    assert_eq!(request(&t.desk, app).unwrap().0, "ISSUED");
    let r = refusal(vaxdesk::store::immediate(t.desk.conn(), |conn| {
        let stamp = t.desk.stamp("citizen");
        commands::cancel(&t.desk.ctx(conn), &stamp, &kim, app)
    }));
    assert_eq!(r.rule, Rule::CancelOnlyApplied);
    assert!(r.message.contains("issuer"), "{}", r.message);
    // Once delivered, the application is ISSUED, never CANCELLED.
    t.desk.dispatch().unwrap();
    assert_eq!(application(&t.desk, app).0, "ISSUED");
}

#[test]
fn rule4_issue_is_refused_after_reject() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_reject(&t.desk, app, "please bring the vaccination card").unwrap();
    refused_unchanged(&t.desk, Rule::IssueOnlyPending, || try_issue(&t.desk, app));
    // ... and a second reject too.
    refused_unchanged(&t.desk, Rule::IssueOnlyPending, || {
        try_reject(&t.desk, app, "again")
    });
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM certificates"), 0);
    assert_eq!(request(&t.desk, app).unwrap().0, "REJECTED");
}

#[test]
fn rule4_issue_twice_is_refused() {
    let (t, kim, inj) = one_dose();
    let app = apply(&t.desk, &kim, &inj);
    try_issue(&t.desk, app).unwrap();
    refused_unchanged(&t.desk, Rule::IssueOnlyPending, || try_issue(&t.desk, app));
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM certificates"), 1);
}

#[test]
fn rule4_issue_of_an_unknown_application_is_refused() {
    let (t, _kim, _inj) = one_dose();
    refused_unchanged(&t.desk, Rule::NotFound, || try_issue(&t.desk, 4242));
}

#[cfg(feature = "fault-injection")]
#[test]
fn rule4_cancel_wins_while_issuance_lags_and_issue_is_refused() {
    use vaxdesk::bus::Faults;
    let faults = Faults::none();
    let t = TestDesk::with(vaxdesk::config::Config::default(), faults.clone());
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let inj = record(&t.desk, &kim, administered(1, 2, "2021-06-01"));
    let app = apply(&t.desk, &kim, &inj);
    assert_eq!(request(&t.desk, app).unwrap().0, "PENDING");
    // Issuance stops; the citizen cancels: the request is still PENDING until it recovers.
    faults.set_issuance(true);
    try_cancel(&t.desk, &kim, app).unwrap();
    assert_eq!(request(&t.desk, app).unwrap().0, "PENDING");
    // The issuer sees the request but issue checks the application synchronously.
    let r = refused_unchanged(&t.desk, Rule::IssueOnlyPending, || try_issue(&t.desk, app));
    assert!(r.message.contains("CANCELLED"), "{}", r.message);
    faults.set_issuance(false);
    t.advance(chrono::Duration::seconds(60));
    t.desk.dispatch().unwrap();
    assert_eq!(request(&t.desk, app).unwrap().0, "WITHDRAWN");
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM certificates"), 0);
}

#[cfg(feature = "fault-injection")]
#[test]
fn rule4_issue_is_refused_before_the_request_reaches_the_queue() {
    use vaxdesk::bus::Faults;
    let faults = Faults::none();
    let t = TestDesk::with(vaxdesk::config::Config::default(), faults.clone());
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let inj = record(&t.desk, &kim, administered(1, 2, "2021-06-01"));
    faults.set_issuance(true);
    let app = apply(&t.desk, &kim, &inj);
    assert_eq!(request(&t.desk, app), None);
    let r = refused_unchanged(&t.desk, Rule::IssueOnlyPending, || try_issue(&t.desk, app));
    assert!(r.message.contains("queue"), "{}", r.message);
}

// --- rule 7: injection input --------------------------------------------------------------------

/// Records `d` for a fresh citizen, expecting a rule 7 refusal on `field`; nothing changes.
fn injection_refused(d: InjectionDetails, rule: Rule, field: &str) {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let s = t.desk.stamp("manager:park");
    let r = refused_unchanged(&t.desk, rule, || {
        t.desk
            .run(|ctx| commands::record_injection(ctx, &s, &kim, d))
    });
    assert_eq!(r.field, field, "{r:?}");
    assert!(
        r.message.contains(field),
        "the message names the field: {}",
        r.message
    );
    assert!(status(&t.desk, &kim).injections.is_empty());
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM injections"), 0);
}

#[test]
fn rule7_dose_zero_is_refused() {
    injection_refused(
        InjectionDetails {
            dose: 0,
            ..administered(1, 2, "2021-06-01")
        },
        Rule::InjectionInput,
        "dose",
    );
    assert_eq!(injection::count("dose", 0).unwrap_err().field, "dose");
    assert_eq!(injection::count("dose", -1).unwrap_err().field, "dose");
}

#[test]
fn rule7_series_zero_is_refused() {
    injection_refused(
        administered(1, 0, "2021-06-01"),
        Rule::InjectionInput,
        "series",
    );
    assert_eq!(injection::count("series", 0).unwrap_err().field, "series");
}

#[test]
fn rule7_future_date_for_administered_is_refused() {
    // The clock says 2026-11-25; tomorrow has not happened yet.
    injection_refused(
        administered(1, 2, "2026-11-26"),
        Rule::InjectionInput,
        "date",
    );
}

#[test]
fn rule7_future_date_for_scheduled_is_accepted() {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    let inj = record(&t.desk, &kim, scheduled(1, 2, "2026-12-08"));
    assert_eq!(inj.details.status, InjectionStatus::Scheduled);
    assert_eq!(status(&t.desk, &kim).injections[0].status, "SCHEDULED");
}

#[test]
fn rule7_unknown_product_is_refused() {
    injection_refused(
        InjectionDetails {
            product: "EU/9/99/9999".into(),
            ..administered(1, 2, "2021-06-01")
        },
        Rule::InjectionInput,
        "product",
    );
}

#[test]
fn rule7_administered_without_lot_is_refused() {
    injection_refused(
        InjectionDetails {
            lot: None,
            ..administered(1, 2, "2021-06-01")
        },
        Rule::InjectionInput,
        "lot",
    );
}

#[test]
fn rule7_bad_country_is_refused() {
    injection_refused(
        InjectionDetails {
            country: "Korea".into(),
            ..administered(1, 2, "2021-06-01")
        },
        Rule::InjectionInput,
        "country",
    );
}

#[test]
fn rule7_bad_date_string_is_refused() {
    for bad in ["2021-02-30", "2021-13-01", "01/06/2021", "yesterday", ""] {
        let r = injection::date("date", bad).unwrap_err();
        assert_eq!((r.rule, r.field), (Rule::InjectionInput, "date"), "{bad}");
    }
    // The same through a seed file: named file, step, action and field; nothing kept.
    let t = TestDesk::new();
    let before = dump(&t.desk);
    let seed_text = r#"
[[step]]
action = "register-citizen"
id = "900101-1234567"
family_name = "김"
given_name = "민준"
birth_date = "1990-01-01"

[[step]]
action = "record-injection"
citizen = "900101-1234567"
product = "EU/1/20/1528"
dose = 1
date = "2021-02-30"
lot = "FA4598"
"#;
    let e = seed::apply_text(&t.desk, "bad-date.toml", seed_text).unwrap_err();
    let AppError::Seed(e) = e else {
        panic!("expected a seed error, got {e:?}")
    };
    assert_eq!(e.file, "bad-date.toml");
    assert_eq!(e.step, Some((2, "record-injection".to_string())));
    assert!(e.message.contains("date"), "{}", e.message);
    assert!(e.message.contains("2021-02-30"), "{}", e.message);
    assert_eq!(dump(&t.desk), before, "a refused seed file kept something");
    assert_eq!(event_count(&t.desk), 0);
}

#[test]
fn rule7_boosters_3_of_3_and_2_of_1_are_accepted() {
    let t = TestDesk::new();
    let kim = register(&t.desk, "900101-1234567", "김", "민준");
    record(&t.desk, &kim, administered(1, 2, "2021-06-01"));
    record(&t.desk, &kim, administered(2, 2, "2021-06-22"));
    let booster = record(&t.desk, &kim, administered(3, 3, "2021-12-20"));
    assert_eq!((booster.details.dose, booster.details.series), (3, 3));

    let park = register(&t.desk, "720704-1456789", "박", "지훈");
    let jcovden = |dose, date: &str| InjectionDetails {
        product: "EU/1/20/1525".into(),
        ..administered(dose, 1, date)
    };
    record(&t.desk, &park, jcovden(1, "2021-06-02"));
    let b2 = record(&t.desk, &park, jcovden(2, "2021-11-15"));
    assert_eq!((b2.details.dose, b2.details.series), (2, 1));

    // Both boosters can be applied for and issued.
    for (c, inj) in [(&kim, &booster), (&park, &b2)] {
        let app = apply(&t.desk, c, inj);
        try_issue(&t.desk, app).unwrap();
        let row = view_application(&t.desk, c, app);
        assert_eq!(row.status, "ISSUED");
        assert_eq!(
            (row.dose, row.series),
            (inj.details.dose, inj.details.series)
        );
    }
    let doses: Vec<(u32, u32)> = status(&t.desk, &kim)
        .injections
        .iter()
        .map(|i| (i.dose, i.series))
        .collect();
    assert_eq!(doses, [(1, 2), (2, 2), (3, 3)]);
}

#[test]
fn rule7_second_live_injection_with_the_same_dose_is_refused() {
    let (t, kim, _inj) = one_dose();
    let s = t.desk.stamp("manager:park");
    let r = refused_unchanged(&t.desk, Rule::AlreadyExists, || {
        t.desk
            .run(|ctx| commands::record_injection(ctx, &s, &kim, administered(1, 2, "2021-06-02")))
    });
    assert_eq!(r.field, "dose");
    assert_eq!(
        r.message,
        format!(
            "{} already has an injection dose 1; edit or void it instead",
            kim.masked_id
        )
    );
    // Details that fail their own checks are refused for that first, as before.
    let mut bad = administered(1, 2, "2021-06-02");
    bad.lot = None;
    refused_unchanged(&t.desk, Rule::InjectionInput, || {
        t.desk
            .run(|ctx| commands::record_injection(ctx, &s, &kim, bad.clone()))
    });
}

#[test]
fn rule7_update_with_bad_input_is_refused() {
    let (t, _kim, inj) = one_dose();
    refused_unchanged(&t.desk, Rule::InjectionInput, || {
        try_update(
            &t.desk,
            &inj,
            Some(inj.version),
            InjectionDetails {
                lot: None,
                ..inj.details.clone()
            },
        )
    });
    refused_unchanged(&t.desk, Rule::InjectionInput, || {
        try_update(
            &t.desk,
            &inj,
            Some(inj.version),
            InjectionDetails {
                series: 0,
                ..inj.details.clone()
            },
        )
    });
}

// --- rule 8: text cleaning and bad input ---------------------------------------------------------

#[test]
fn rule8_bidi_and_zero_width_characters_are_stripped() {
    let t = TestDesk::new();
    let c = register(
        &t.desk,
        "M48213907",
        "Mül\u{200B}ler\u{202E}",
        "\u{2066}Anna\u{2069}  \u{FEFF}Lena\u{200D}",
    );
    assert_eq!(c.details.family_name, "Müller");
    assert_eq!(c.details.given_name, "Anna Lena");
    assert_eq!(c.details.family_name_icao, "MUELLER");
    assert_eq!(c.details.given_name_icao, "ANNA<LENA");
    let page = status(&t.desk, &c);
    assert_eq!(page.citizen.family_name, "Müller");
    assert_eq!(page.citizen.given_name, "Anna Lena");
    // The clean-up is the same everywhere text enters.
    assert_eq!(
        text::clean("Kim\u{202E}\u{200B} Min\u{0007}jun"),
        "Kim Minjun"
    );
}

#[test]
fn rule8_decomposed_hangul_is_stored_composed() {
    let t = TestDesk::new();
    // 김 and 민준 as conjoining jamo, the way some systems send them.
    let family = "\u{1100}\u{1175}\u{11B7}";
    let given = "\u{1106}\u{1175}\u{11AB}\u{110C}\u{116E}\u{11AB}";
    let c = register(&t.desk, "900101-1234567", family, given);
    assert_eq!(c.details.family_name, "김");
    assert_eq!(c.details.given_name, "민준");
    assert_eq!(c.details.family_name_icao, "KIM");
    assert_eq!(c.details.given_name_icao, "MINJUN");
    let stored: (String, String) = t
        .desk
        .conn()
        .query_row(
            "SELECT family_name, given_name FROM citizens WHERE id = ?1",
            [c.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, ("김".to_string(), "민준".to_string()));
    let page = status(&t.desk, &c);
    assert_eq!(
        (
            page.citizen.family_name.as_str(),
            page.citizen.given_name.as_str()
        ),
        ("김", "민준")
    );
    // The stored name equals the composed spelling typed on another screen.
    assert_eq!(
        (
            c.details.family_name.as_str(),
            c.details.given_name.as_str()
        ),
        ("김", "민준")
    );
    // A zero-width character between a base and its mark: once removed, the two compose.
    let c = register(
        &t.desk,
        "M48213907",
        "\u{1100}\u{200B}\u{1175}\u{11B7}",
        "Jose\u{200B}\u{0301}",
    );
    assert_eq!(c.details.family_name, "김");
    assert_eq!(c.details.given_name, "José");
    assert_eq!(status(&t.desk, &c).citizen.given_name, "José");
}

#[test]
fn rule8_too_long_names_are_refused() {
    let long = "가".repeat(text::NAME_MAX + 1);
    let e = CitizenDetails::new(&long, "민준", None, None, BirthDate::Year(1990)).unwrap_err();
    assert_eq!((e.rule, e.field), (Rule::Input, "family_name"));
    assert!(e.message.contains("too long"), "{}", e.message);
    let e = CitizenDetails::new("김", &long, None, None, BirthDate::Year(1990)).unwrap_err();
    assert_eq!((e.rule, e.field), (Rule::Input, "given_name"));
    // Exactly at the limit is fine.
    let ok = "가".repeat(text::NAME_MAX);
    assert!(CitizenDetails::new(&ok, "민준", None, None, BirthDate::Year(1990)).is_ok());

    // Through a seed file: the file is refused, names the field, and keeps nothing.
    let t = TestDesk::new();
    let before = dump(&t.desk);
    let seed_text = format!(
        "[[step]]\naction = \"register-citizen\"\nid = \"900101-1234567\"\nfamily_name = \"{long}\"\ngiven_name = \"민준\"\nbirth_date = \"1990\"\n"
    );
    let e = seed::apply_text(&t.desk, "long.toml", &seed_text).unwrap_err();
    let AppError::Seed(e) = e else {
        panic!("expected a seed error, got {e:?}")
    };
    assert_eq!(e.step, Some((1, "register-citizen".to_string())));
    assert!(e.message.contains("family_name"), "{}", e.message);
    assert!(e.message.contains("too long"), "{}", e.message);
    assert_eq!(dump(&t.desk), before);
}

#[test]
fn rule8_empty_name_and_bad_ids_and_birth_dates_are_refused() {
    let e = CitizenDetails::new(" \u{200B} ", "", None, None, BirthDate::Year(1990)).unwrap_err();
    assert_eq!(e.field, "family_name");
    let e = vaxdesk::domain::ResidentId::parse("id", "a b!").unwrap_err();
    assert_eq!((e.rule, e.field), (Rule::Input, "id"));
    let today = t0().date_naive();
    for bad in ["1990-02-30", "1990-13", "1899", "2027"] {
        let e = BirthDate::parse("birth_date", bad, today).unwrap_err();
        assert_eq!((e.rule, e.field), (Rule::Input, "birth_date"), "{bad}");
    }
}

#[test]
fn rule8_a_seed_file_failing_late_keeps_nothing() {
    let t = TestDesk::new();
    let before = dump(&t.desk);
    let seed_text = r#"
[[step]]
action = "register-citizen"
id = "900101-1234567"
family_name = "김"
given_name = "민준"
birth_date = "1990-01-01"

[[step]]
action = "record-injection"
citizen = "900101-1234567"
product = "EU/1/20/1528"
dose = 1
date = "2021-06-01"
lot = "FA4598"

[[step]]
action = "record-injection"
citizen = "900101-1234567"
product = "EU/1/20/1528"
dose = 0
date = "2021-06-22"
lot = "FD7211"
"#;
    let e = seed::apply_text(&t.desk, "late.toml", seed_text).unwrap_err();
    let AppError::Seed(e) = e else {
        panic!("expected a seed error, got {e:?}")
    };
    assert_eq!(e.step, Some((3, "record-injection".to_string())));
    assert!(e.message.contains("dose"), "{}", e.message);
    assert_eq!(dump(&t.desk), before);
    assert_eq!(event_count(&t.desk), 0);
}

// --- registration, concurrency ------------------------------------------------------------------

#[test]
fn duplicate_registration_is_refused() {
    let t = TestDesk::new();
    register(&t.desk, "900101-1234567", "김", "민준");
    let s = t.desk.stamp("manager:park");
    // Typed without the hyphen it is the same normalised id.
    for typed in ["900101-1234567", "9001011234567", " 900101 1234567 "] {
        let r = refused_unchanged(&t.desk, Rule::AlreadyExists, || {
            t.desk
                .run(|ctx| commands::register_citizen(ctx, &s, &rid(typed), details("이", "서연")))
        });
        assert_eq!(r.field, "id");
    }
    // Born as the id says (the unique index refuses it) or not (the duplicate is still what
    // is said first).
    for birth in [BirthDate::Year(1990), BirthDate::Year(1980)] {
        let mut d = details("이", "서연");
        d.birth_date = birth;
        let r = refused_unchanged(&t.desk, Rule::AlreadyExists, || {
            t.desk
                .run(|ctx| commands::register_citizen(ctx, &s, &rid("900101-1234567"), d.clone()))
        });
        assert_eq!(
            (r.field, r.message.as_str()),
            ("id", "citizen 900101-1****** is already registered")
        );
    }
    assert_eq!(count(&t.desk, "SELECT COUNT(*) FROM citizens"), 1);
    assert_eq!(citizen(&t.desk, "900101-1234567").details.family_name, "김");
}

#[test]
fn stale_expected_version_is_refused() {
    let (t, kim, inj) = one_dose();
    assert_eq!(inj.version, 1);
    let v2 = try_update(
        &t.desk,
        &inj,
        Some(1),
        InjectionDetails {
            lot: Some("FA4599".into()),
            ..inj.details.clone()
        },
    )
    .unwrap();
    assert_eq!(v2, 2);
    // A second editor still holding version 1.
    let fresh = injection(&t.desk, &kim, 1);
    let r = refused_unchanged(&t.desk, Rule::Stale, || {
        try_update(
            &t.desk,
            &fresh,
            Some(1),
            InjectionDetails {
                lot: Some("FA9999".into()),
                ..fresh.details.clone()
            },
        )
    });
    assert_eq!(r.field, "version");
    // The stale row itself (read before the change) is refused too, even without a version.
    refused_unchanged(&t.desk, Rule::Stale, || {
        try_update(
            &t.desk,
            &inj,
            None,
            InjectionDetails {
                lot: Some("FA9999".into()),
                ..inj.details.clone()
            },
        )
    });
    refused_unchanged(&t.desk, Rule::Stale, || {
        try_void(&t.desk, &fresh, Some(1), "typo")
    });
    let now = injection(&t.desk, &kim, 1);
    assert_eq!(now.version, 2);
    assert_eq!(now.details.lot.as_deref(), Some("FA4599"));
}

#[test]
fn voided_injection_cannot_be_changed_or_voided_again() {
    let (t, _kim, inj) = one_dose();
    try_void(&t.desk, &inj, Some(1), "wrong product").unwrap();
    let voided = injection_by_id(&t.desk, inj.id);
    refused_unchanged(&t.desk, Rule::State, || {
        try_void(&t.desk, &voided, None, "again")
    });
    refused_unchanged(&t.desk, Rule::State, || {
        try_update(&t.desk, &voided, None, administered(1, 2, "2021-06-02"))
    });
    // Voiding needs a reason.
    let (t, _kim, inj) = one_dose();
    let r = refused_unchanged(&t.desk, Rule::Input, || try_void(&t.desk, &inj, None, " "));
    assert_eq!(r.field, "reason");
}

#[test]
fn every_refusal_leaves_the_database_unchanged() {
    // One desk with a bit of everything, then every kind of refusal against it.
    let t = TestDesk::new();
    let d = &t.desk;
    let kim = register(d, "900101-1234567", "김", "민준");
    let lee = register(d, "850315-2345678", "이", "서연");
    let i1 = record(d, &kim, administered(1, 2, "2021-06-01"));
    let i2 = record(d, &kim, administered(2, 2, "2021-06-22"));
    let sch = record(d, &lee, scheduled(1, 2, "2026-12-08"));
    let issued = apply(d, &kim, &i1);
    try_issue(d, issued).unwrap();
    let pending = apply(d, &kim, &i2);
    let events = event_count(d);
    let s = d.stamp("someone");

    refused_unchanged(d, Rule::AlreadyExists, || {
        d.run(|ctx| commands::register_citizen(ctx, &s, &rid("9001011234567"), details("a", "b")))
    });
    refused_unchanged(d, Rule::NotFound, || {
        d.run(|ctx| commands::find_citizen(ctx, &rid("M00000000")))
    });
    refused_unchanged(d, Rule::NotFound, || {
        d.run(|ctx| commands::find_injection(ctx, &lee, 7))
    });
    refused_unchanged(d, Rule::NotFound, || {
        d.run(|ctx| commands::find_application(ctx, &lee, &sch))
    });
    refused_unchanged(d, Rule::InjectionInput, || {
        d.run(|ctx| commands::record_injection(ctx, &s, &lee, administered(2, 2, "2027-01-01")))
    });
    refused_unchanged(d, Rule::OwnAdministeredInjection, || {
        try_apply(d, &lee, i2.id)
    });
    refused_unchanged(d, Rule::OwnAdministeredInjection, || {
        try_apply(d, &lee, sch.id)
    });
    refused_unchanged(d, Rule::OneActiveApplication, || try_apply(d, &kim, i1.id));
    refused_unchanged(d, Rule::OneActiveApplication, || try_apply(d, &kim, i2.id));
    refused_unchanged(d, Rule::CancelOnlyApplied, || try_cancel(d, &kim, issued));
    refused_unchanged(d, Rule::IssueOnlyPending, || try_issue(d, issued));
    refused_unchanged(d, Rule::IssueOnlyPending, || try_reject(d, issued, "no"));
    refused_unchanged(d, Rule::Input, || try_reject(d, pending, "\u{200B}"));
    refused_unchanged(d, Rule::Stale, || {
        try_update(d, &i2, Some(9), administered(2, 2, "2021-06-23"))
    });
    refused_unchanged(d, Rule::AlreadyExists, || {
        try_update(d, &i2, Some(1), administered(1, 2, "2021-06-22"))
    });
    refused_unchanged(d, Rule::State, || {
        try_update(
            d,
            &i2,
            None,
            InjectionDetails {
                status: InjectionStatus::Voided,
                ..i2.details.clone()
            },
        )
    });
    refused_unchanged(d, Rule::Input, || try_void(d, &i2, None, ""));

    assert_eq!(event_count(d), events);
    assert_eq!(application(d, pending).0, "APPLIED");
    assert_eq!(request(d, pending).unwrap().0, "PENDING");
    assert_eq!(application(d, issued).0, "ISSUED");
}

// --- issue 9 point 13: rules every door enforces ------------------------------------------------

fn register_with(
    t: &TestDesk,
    id: &str,
    family: &str,
    given: &str,
    birth: BirthDate,
) -> Result<i64, AppError> {
    let s = t.desk.stamp("manager:park");
    let d = CitizenDetails::new(family, given, None, None, birth).map_err(AppError::Refused)?;
    let id = rid(id);
    t.desk
        .run(|ctx| commands::register_citizen(ctx, &s, &id, d))
        .map(|c| c.id)
}

fn ymd(s: &str) -> BirthDate {
    BirthDate::parse("birth_date", s, day("2026-11-25")).unwrap()
}

#[test]
fn rule8_the_birth_date_agrees_with_the_resident_id_and_its_century_digit() {
    let t = TestDesk::new();
    for (id, birth) in [
        ("900101-1234567", "1990-01-02"),
        ("900101-1234567", "1991"),
        ("900101-1234567", "1990-02"),
        // 3/4/7/8: born in the 2000s.
        ("050315-1234567", "2005-03-15"),
        ("050315-3234567", "1905-03-15"),
        ("050315-8234567", "1905-03"),
        // 9/0: born in the 1800s, which no birth date here can be.
        ("990101-9234567", "1999-01-01"),
    ] {
        let r = refused_unchanged(&t.desk, Rule::Input, || {
            register_with(&t, id, "김", "민준", ymd(birth))
        });
        assert_eq!(r.field, "birth_date", "{id} {birth}: {r:?}");
        assert!(r.message.contains("resident id"), "{}", r.message);
    }
    for (id, birth) in [
        ("900101-1234567", "1990-01-01"),
        ("900102-2234567", "1990-01"),
        ("900103-5234567", "1990"),
        ("050315-4234567", "2005-03-15"),
        ("050316-7234567", "2005"),
        ("M48213907", "1961-02-03"),
    ] {
        register_with(&t, id, "김", "민준", ymd(birth))
            .unwrap_or_else(|e| panic!("{id} {birth}: {e:?}"));
    }
    // A correction of the birth date is held to the same id.
    let kim = citizen(&t.desk, "900101-1234567");
    let s = t.desk.stamp("manager:park");
    let moved = CitizenDetails {
        birth_date: ymd("1990-01-11"),
        ..kim.details.clone()
    };
    let r = refused_unchanged(&t.desk, Rule::Input, || {
        t.desk
            .run(|ctx| commands::update_citizen(ctx, &s, &kim, moved))
    });
    assert_eq!(r.field, "birth_date");
}

#[test]
fn rule8_a_family_name_is_required_and_one_name_goes_there() {
    let e = CitizenDetails::new("", "Sukarno", None, None, BirthDate::Year(1960)).unwrap_err();
    assert_eq!(e.field, "family_name");
    assert!(e.message.contains("ICAO 9303"), "{}", e.message);
    let one = CitizenDetails::new("Sukarno", "", None, None, BirthDate::Year(1960)).unwrap();
    assert_eq!(
        (one.family_name_icao.as_str(), one.given_name_icao.as_str()),
        ("SUKARNO", "")
    );
}

#[test]
fn rule7_a_dose_beyond_its_series_is_refused_except_after_a_one_dose_series() {
    let r = {
        let t = TestDesk::new();
        let kim = register(&t.desk, "900101-1234567", "김", "민준");
        let s = t.desk.stamp("manager:park");
        refused_unchanged(&t.desk, Rule::InjectionInput, || {
            t.desk.run(|ctx| {
                commands::record_injection(ctx, &s, &kim, administered(3, 2, "2021-12-20"))
            })
        })
    };
    assert_eq!(r.field, "series");
    assert!(r.message.contains("3/3"), "{}", r.message);
    // The same rule on a correction.
    let (t, _kim, inj) = one_dose();
    let d = InjectionDetails {
        dose: 3,
        ..inj.details.clone()
    };
    let r = refused_unchanged(&t.desk, Rule::InjectionInput, || {
        try_update(&t.desk, &inj, Some(inj.version), d)
    });
    assert_eq!(r.field, "series");
}

#[test]
fn rule7_a_country_outside_the_value_set_is_refused() {
    for bad in ["ZZ", "XX", "UK", "K", "KOR", "kr"] {
        injection_refused(
            InjectionDetails {
                country: bad.into(),
                ..administered(1, 2, "2021-06-01")
            },
            Rule::InjectionInput,
            "country",
        );
    }
    assert_eq!(injection::country(" de ").unwrap(), "DE");
}

#[test]
fn rule8_control_characters_in_ids_dates_codes_and_lots_are_refused_not_removed() {
    assert_eq!(rid_err("900101-1234\u{0}567"), "id");
    assert_eq!(rid_err("M4821\u{202E}3907"), "id");
    assert_eq!(
        BirthDate::parse("birth_date", "1990-01-01\u{0}", day("2026-11-25"))
            .unwrap_err()
            .field,
        "birth_date"
    );
    assert_eq!(
        injection::date("date", "2021-06-01\u{1b}")
            .unwrap_err()
            .field,
        "date"
    );
    assert_eq!(injection::lot("FA\u{0}4598").unwrap_err().field, "lot");
    assert_eq!(injection::lot("FA4598\u{200B}").unwrap_err().field, "lot");
    assert_eq!(
        injection::product("EU/1/20/1528\u{0}").unwrap_err().field,
        "product"
    );
    assert_eq!(injection::country("K\u{7}R").unwrap_err().field, "country");
    let e = text::no_controls("lot", "FA\u{85}1").unwrap_err();
    assert!(e.message.contains("U+0085"), "{}", e.message);
    // Names keep being cleaned.
    assert_eq!(text::clean("Ki\u{0}m"), "Kim");
}

fn rid_err(raw: &str) -> &'static str {
    vaxdesk::domain::ResidentId::parse("id", raw)
        .unwrap_err()
        .field
}
