//! Seed files through the binary: every refusal names the file (as given), the step, the action
//! and the field or reason, and keeps nothing of the file; applying the same content twice
//! changes nothing; `--seed` runs before the command; TOML date literals and Korean names work.

mod support;

use serde_json::json;
use support::*;
use unicode_normalization::UnicodeNormalization;

/// The citizen every refused file registers in its first step.
const NEW: &str = "900101-1234567";
/// A citizen the database already has before the refused file (with an APPLIED application).
const OLD: &str = "850315-2345678";

/// A desk that already holds one citizen, one injection and one pending application, so
/// "unchanged" means something.
fn desk_with_base() -> Desk {
    let desk = Desk::new();
    let base = [
        register(OLD, "이", "서연", "1985-03-15"),
        inject(OLD, 1, "2021-06-01", "3002183"),
        apply(OLD, 1),
    ]
    .concat();
    desk.seed_ok("base.toml", &base);
    desk
}

/// The valid first two steps of every refused file: register NEW, record dose 1.
fn start() -> String {
    register(NEW, "김", "민준", "1990-01-01") + &inject(NEW, 1, "2021-06-01", "FA4598")
}

/// Applies `text` as `file`, expecting a refusal whose message contains every one of `expect`;
/// checks that nothing of the file was kept (log, queue, citizens of earlier steps) and that a
/// second try fails the same way (a refused file is not recorded as applied).
fn refused(desk: &Desk, file: &str, text: &str, expect: &[&str], new_citizens: &[&str]) -> Run {
    let events_before = desk.events_text();
    let queue_before = desk.queue();
    let r = desk.seed(file, text).refused();
    for e in expect {
        assert!(
            r.stderr.contains(e),
            "stderr of a refused {file} should contain {e:?}:\n{}",
            r.stderr
        );
    }
    assert!(
        !r.stdout.contains("applied"),
        "a refused file must not be reported as applied:\n{}",
        r.stdout
    );
    assert_eq!(
        desk.events_text(),
        events_before,
        "the event log changed although {file} was refused"
    );
    assert_eq!(desk.queue(), queue_before, "the queue changed");
    for id in new_citizens {
        desk.assert_not_registered(id);
    }
    desk.status(OLD);
    let again = desk.run(&["seed", file]).refused();
    assert_eq!(
        again.stderr, r.stderr,
        "a second try must fail the same way"
    );
    r
}

#[test]
fn malformed_toml_names_the_file_and_keeps_nothing() {
    let desk = desk_with_base();
    let text = start() + "[[step]\naction = \"apply\"\n";
    let r = refused(&desk, "bad.toml", &text, &["bad.toml: ", "TOML"], &[NEW]);
    assert!(r.stderr.contains("line"), "{}", r.stderr);
    // Valid TOML that is not a list of steps is refused as well.
    refused(
        &desk,
        "bad.toml",
        "[clinic]\nname = \"Jongno\"\n",
        &["bad.toml: ", "clinic"],
        &[],
    );
    refused(&desk, "empty.toml", "", &["empty.toml: ", "step"], &[]);
}

#[test]
fn unknown_action() {
    let desk = desk_with_base();
    let text = start() + &step("vaccinate").s("citizen", NEW).i("dose", 1).done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 3 (vaccinate): action: ", "'vaccinate'"],
        &[NEW],
    );
}

#[test]
fn missing_field() {
    let desk = desk_with_base();
    let text = start()
        + &step("record-injection")
            .s("citizen", NEW)
            .i("dose", 2)
            .s("date", "2021-06-22")
            .s("lot", "FD7211")
            .done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 3 (record-injection): product: ", "missing"],
        &[NEW],
    );
}

#[test]
fn unknown_field() {
    let desk = desk_with_base();
    let text = start()
        + &step("record-injection")
            .s("citizen", NEW)
            .s("product", COMIRNATY)
            .i("dose", 2)
            .s("date", "2021-06-22")
            .s("lot", "FD7211")
            .s("colour", "red")
            .done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &[
            "bad.toml: step 3 (record-injection): colour: ",
            "unknown field",
        ],
        &[NEW],
    );
    // A pasted page as a field's name is cut, as quoted input is.
    let long = "x".repeat(300);
    let text = start()
        + &step("apply")
            .s("citizen", NEW)
            .i("dose", 1)
            .i(&long, 1)
            .done();
    let r = refused(
        &desk,
        "bad.toml",
        &text,
        &[&format!(
            "bad.toml: step 3 (apply): {}…: unknown field",
            "x".repeat(79)
        )],
        &[NEW],
    );
    assert!(!r.stderr.contains(&"x".repeat(80)), "{}", r.stderr);
}

#[test]
fn wrong_field_type() {
    let desk = desk_with_base();
    let text = start()
        + &step("record-injection")
            .s("citizen", NEW)
            .s("product", COMIRNATY)
            .s("dose", "two")
            .s("date", "2021-06-22")
            .s("lot", "FD7211")
            .done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &[
            "bad.toml: step 3 (record-injection): dose: ",
            "whole number",
        ],
        &[NEW],
    );
    // A local date-time where a date is expected.
    let text = start()
        + &step("record-injection")
            .s("citizen", NEW)
            .s("product", COMIRNATY)
            .i("dose", 2)
            .raw("date", "2021-06-22T10:00:00")
            .s("lot", "FD7211")
            .done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 3 (record-injection): date: "],
        &[NEW],
    );
}

#[test]
fn impossible_injection_date() {
    let desk = desk_with_base();
    let text = start() + &inject(NEW, 2, "2021-02-30", "FD7211");
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 3 (record-injection): date: ", "2021-02-30"],
        &[NEW],
    );
}

#[test]
fn future_date_for_an_administered_injection() {
    let desk = desk_with_base();
    // Now is 2026-11-25T12:00Z: the 27th is tomorrow or later everywhere on Earth.
    for date in ["2026-11-27", "2027-06-01"] {
        let text = start() + &inject(NEW, 2, date, "FD7211");
        refused(
            &desk,
            "bad.toml",
            &text,
            &[
                "bad.toml: step 3 (record-injection): date: ",
                date,
                "future",
            ],
            &[NEW],
        );
    }
    // The same date is fine for a dose booked ahead.
    desk.seed_ok("ok.toml", &(start() + &schedule(NEW, 2, "2027-06-01")));
    let s = desk.status(NEW);
    assert_eq!(s["injections"][1]["status"], "SCHEDULED");
    assert_eq!(s["injections"][1]["date"], "2027-06-01");
}

#[test]
fn bad_birth_date() {
    let desk = desk_with_base();
    let other = "900202-2345678";
    for (birth, reason) in [
        ("1990-02-30", "1990-02-30"),
        ("1990-13", "1990-13"),
        ("01/02/1990", "01/02/1990"),
        ("2027-01-01", "future"),
    ] {
        let text = start() + &register(other, "박", "지우", birth);
        refused(
            &desk,
            "bad.toml",
            &text,
            &["bad.toml: step 3 (register-citizen): birth_date: ", reason],
            &[NEW, other],
        );
    }
}

#[test]
fn unknown_product() {
    let desk = desk_with_base();
    let text = start()
        + &step("record-injection")
            .s("citizen", NEW)
            .s("product", "EU/9/99/9999")
            .i("dose", 2)
            .s("date", "2021-06-22")
            .s("lot", "FD7211")
            .done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &[
            "bad.toml: step 3 (record-injection): product: ",
            "EU/9/99/9999",
        ],
        &[NEW],
    );
}

#[test]
fn unknown_citizen() {
    let desk = desk_with_base();
    let text = start() + &inject("800101-1234567", 1, "2021-06-01", "FA4598");
    refused(
        &desk,
        "bad.toml",
        &text,
        &[
            "bad.toml: step 3 (record-injection): ",
            "citizen 800101-1******",
            "not registered",
        ],
        &[NEW],
    );
}

#[test]
fn future_step_time() {
    let desk = desk_with_base();
    let text = start()
        + &step("apply")
            .s("citizen", NEW)
            .i("dose", 1)
            .at("2026-12-01T09:00:00+09:00")
            .done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 3 (apply): at: ", "future"],
        &[NEW],
    );
}

#[test]
fn apply_for_a_scheduled_injection_is_refused_at_its_step() {
    let desk = desk_with_base();
    let text = start() + &schedule(NEW, 2, "2026-12-20") + &apply(NEW, 1) + &apply(NEW, 2);
    refused(
        &desk,
        "seed.toml",
        &text,
        &[
            "seed.toml: step 5 (apply): injection dose 2 of 900101-1****** is scheduled, not administered",
        ],
        &[NEW],
    );
}

#[test]
fn cancel_after_issue_is_refused_and_the_issue_is_undone() {
    let desk = desk_with_base();
    let text = start() + &apply(NEW, 1) + &issue(NEW, 1) + &cancel(NEW, 1);
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 5 (cancel): ", "ISSUED"],
        &[NEW],
    );
    // The citizen who was already there is untouched: still APPLIED, still in the queue.
    let s = desk.status(OLD);
    assert_eq!(s["applications"].as_array().map(Vec::len), Some(1));
    assert_eq!(s["applications"][0]["status"], "APPLIED");
    let q = desk.queue();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["citizen"], vaxdesk::domain::citizen::mask(OLD));
}

#[test]
fn a_second_application_for_the_same_injection_is_refused() {
    let desk = desk_with_base();
    let text = start() + &apply(NEW, 1) + &apply(OLD, 1);
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 4 (apply): ", "already has an application"],
        &[NEW],
    );
}

#[test]
fn the_file_is_named_as_given() {
    let desk = desk_with_base();
    let text = start() + &inject(NEW, 2, "2021-02-30", "FD7211");
    // A relative path with a folder and a space.
    refused(
        &desk,
        "seeds/day 2.toml",
        &text,
        &["seeds/day 2.toml: step 3 (record-injection): date: "],
        &[NEW],
    );
    // An absolute path.
    let abs = desk.write("abs.toml", &text);
    let r = run(desk.command().arg("seed").arg(&abs)).refused();
    assert!(
        r.stderr
            .contains(&format!("{}: step 3 (record-injection): date: ", rel(&abs))),
        "{}",
        r.stderr
    );
    // A file that does not exist.
    let r = desk.run(&["seed", "missing.toml"]).refused();
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
}

#[test]
fn a_failing_file_among_several_keeps_the_files_before_it() {
    let desk = Desk::new();
    desk.write("a.toml", &register(NEW, "김", "민준", "1990-01-01"));
    desk.write(
        "b.toml",
        &(register(OLD, "이", "서연", "1985-03-15") + "[[step]]\n"),
    );
    let r = desk.run(&["seed", "a.toml", "b.toml"]).refused();
    assert!(r.stdout.contains("a.toml: applied"), "{}", r.stdout);
    assert!(r.stderr.contains("b.toml: step 2"), "{}", r.stderr);
    desk.status(NEW);
    desk.assert_not_registered(OLD);
}

#[test]
fn the_same_file_twice_is_already_applied() {
    let desk = Desk::new();
    let a = [
        register(NEW, "김", "민준", "1990-01-01"),
        inject(NEW, 1, "2021-06-01", "FA4598"),
        apply(NEW, 1),
    ]
    .concat();
    let first = desk.seed_ok("a.toml", &a);
    assert!(
        first.stdout.contains("a.toml: applied 3 steps"),
        "{}",
        first.stdout
    );
    let log = desk.events_text();
    let n = desk.events().len();
    assert_eq!(n, 3);

    let second = desk.run(&["seed", "a.toml"]).ok();
    assert!(
        second.stdout.contains("a.toml: already applied"),
        "{}",
        second.stdout
    );
    assert_eq!(desk.events_text(), log, "a second run changed the log");

    // The same content under another name is the same file.
    std::fs::copy(desk.path("a.toml"), desk.path("copy.toml")).expect("copy");
    let copy = desk.run(&["seed", "copy.toml"]).ok();
    assert!(
        copy.stdout.contains("copy.toml: already applied"),
        "{}",
        copy.stdout
    );
    assert_eq!(desk.events_text(), log);

    // A different file applies; then both together are already applied.
    let b = [
        register(OLD, "이", "서연", "1985-03-15"),
        inject(OLD, 1, "2021-06-01", "3002183"),
    ]
    .concat();
    desk.seed_ok("b.toml", &b);
    assert_eq!(desk.events().len(), n + 2);
    let both = desk.run(&["seed", "a.toml", "b.toml"]).ok();
    assert!(
        both.stdout.contains("a.toml: already applied"),
        "{}",
        both.stdout
    );
    assert!(
        both.stdout.contains("b.toml: already applied"),
        "{}",
        both.stdout
    );
    assert_eq!(desk.events().len(), n + 2);
    assert_eq!(
        desk.queue().len(),
        1,
        "one application, one pending request"
    );
}

#[test]
fn seed_flag_applies_before_the_command() {
    let desk = Desk::new();
    desk.write("a.toml", &register(NEW, "김", "민준", "1990-01-01"));
    desk.write(
        "b.toml",
        &(inject(NEW, 1, "2021-06-01", "FA4598") + &apply(NEW, 1)),
    );
    let r = desk
        .run(&[
            "--seed",
            "a.toml",
            "--seed",
            "b.toml",
            "status",
            "--citizen",
            NEW,
            "--json",
        ])
        .ok();
    assert!(r.stderr.contains("a.toml: applied"), "{}", r.stderr);
    assert!(r.stderr.contains("b.toml: applied"), "{}", r.stderr);
    let s = r.json();
    assert_eq!(s["citizen"]["id"], NEW);
    assert_eq!(s["applications"][0]["status"], "APPLIED");

    // Again: nothing changes, and the command still runs.
    let n = desk.events().len();
    let r = desk
        .run(&["--seed", "a.toml", "--seed", "b.toml", "queue", "--json"])
        .ok();
    assert!(r.stderr.contains("a.toml: already applied"), "{}", r.stderr);
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    assert_eq!(desk.events().len(), n);

    // A refused --seed file stops everything: the command does not run.
    desk.write("bad.toml", &register(OLD, "이", "서연", "1985-02-30"));
    let r = desk
        .run(&["--seed", "bad.toml", "status", "--citizen", NEW, "--json"])
        .refused();
    assert!(
        r.stderr
            .contains("bad.toml: step 1 (register-citizen): birth_date: "),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "the command ran anyway:\n{}", r.stdout);
}

#[test]
fn toml_date_literals_work() {
    let desk = Desk::new();
    let text = step("register-citizen")
        .s("id", NEW)
        .s("family_name", "김")
        .s("given_name", "민준")
        .raw("birth_date", "1990-01-01")
        .raw("at", "2021-06-01T09:00:00+09:00")
        .done()
        + &step("record-injection")
            .s("citizen", NEW)
            .s("product", COMIRNATY)
            .i("dose", 1)
            .raw("date", "2021-06-01")
            .s("lot", "FA4598")
            .raw("at", "2021-06-01T09:30:00+09:00")
            .done()
        + &step("record-injection")
            .s("citizen", NEW)
            .s("product", COMIRNATY)
            .i("dose", 2)
            .raw("date", "2026-12-20")
            .s("status", "scheduled")
            .done();
    desk.seed_ok("literals.toml", &text);
    let s = desk.status(NEW);
    assert_eq!(s["citizen"]["birth_date"], "1990-01-01");
    assert_eq!(s["injections"][0]["date"], "2021-06-01");
    assert_eq!(s["injections"][1]["date"], "2026-12-20");
    let events = desk.events();
    assert_eq!(events[0]["at"], "2021-06-01T00:00:00Z");
    assert_eq!(events[1]["at"], "2021-06-01T00:30:00Z");
    assert_eq!(events[1]["data"]["date"], "2021-06-01");
}

#[test]
fn partial_birth_dates_round_trip() {
    let desk = Desk::new();
    let text = register("M48213907", "Müller", "Anna Lena", "1988-11")
        + &register("P55501234", "Smith-Jones", "Charles Edward", "1964");
    desk.seed_ok("p.toml", &text);
    let m = desk.status("m48213907");
    assert_eq!(
        m["citizen"],
        json!({"id": "M48213907", "family_name": "Müller", "given_name": "Anna Lena",
               "birth_date": "1988-11"})
    );
    assert_eq!(desk.status("P55501234")["citizen"]["birth_date"], "1964");
}

#[test]
fn korean_names_round_trip() {
    let desk = Desk::new();
    // One name as typed (precomposed), one as some systems send it (decomposed jamo).
    let decomposed_family: String = "김".nfd().collect();
    let decomposed_given: String = "서연".nfd().collect();
    assert_ne!(decomposed_family, "김");
    let text = register(NEW, "남궁", "민준", "1990-01-01")
        + &register(OLD, &decomposed_family, &decomposed_given, "1985-03-15");
    desk.seed_ok("names.toml", &text);

    let s = desk.status(NEW);
    assert_eq!(s["citizen"]["family_name"], "남궁");
    assert_eq!(s["citizen"]["given_name"], "민준");
    let s = desk.status(OLD);
    assert_eq!(s["citizen"]["family_name"], "김");
    assert_eq!(s["citizen"]["given_name"], "서연");

    let text = desk.run(&["status", "--citizen", NEW]).ok().stdout;
    assert!(text.contains("남궁 민준"), "{text}");
    let events = desk.events();
    assert_eq!(events[0]["data"]["family_name"], "남궁");
    assert_eq!(events[1]["data"]["family_name"], "김");
}

// --- issue 9 point 13: the rules the forms enforce, in seed files too ---------------------------

#[test]
fn a_birth_date_the_resident_id_contradicts_is_refused() {
    let desk = desk_with_base();
    for (id, birth) in [
        ("900202-2345678", "1990-02-03"),
        ("900202-2345678", "1990-03"),
        ("900202-2345678", "1991"),
        ("050315-1345678", "2005-03-15"),
        ("050315-4345678", "1905-03-15"),
    ] {
        let text = start() + &register(id, "박", "지우", birth);
        refused(
            &desk,
            "bad.toml",
            &text,
            &[
                "bad.toml: step 3 (register-citizen): birth_date: ",
                "does not agree with the resident id",
            ],
            &[NEW, id],
        );
    }
    // A correction is held to the id too.
    let text = start()
        + &step("update-citizen")
            .s("id", NEW)
            .s("birth_date", "1990-01-02")
            .done();
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 3 (update-citizen): birth_date: 1990-01-02 does not agree"],
        &[NEW],
    );
    // As far as a partial date goes, it agrees.
    desk.seed_ok(
        "ok.toml",
        &(register("050315-4345678", "박", "지우", "2005-03")
            + &register("900202-2345678", "박", "지호", "1990")),
    );
}

#[test]
fn a_given_name_alone_is_refused_naming_the_family_name() {
    let desk = desk_with_base();
    let text = start() + &register("M77001122", "", "Sukarno", "1960");
    refused(
        &desk,
        "bad.toml",
        &text,
        &[
            "bad.toml: step 3 (register-citizen): family_name: must not be empty",
            "ICAO 9303",
        ],
        &[NEW, "M77001122"],
    );
}

#[test]
fn a_dose_beyond_its_series_is_refused_and_a_booster_gets_the_catalogue_series() {
    let desk = desk_with_base();
    let booster = |dose: i64, series: i64| {
        step("record-injection")
            .s("citizen", NEW)
            .s("product", COMIRNATY)
            .i("dose", dose)
            .i("series", series)
            .s("date", "2021-12-20")
            .s("lot", "FK0112")
            .done()
    };
    refused(
        &desk,
        "bad.toml",
        &(start() + &booster(3, 2)),
        &[
            "bad.toml: step 3 (record-injection): series: dose 3 cannot be of a series of 2",
            "3/3",
        ],
        &[NEW],
    );
    // Without a series: 3/3 after Comirnaty's two doses, 2/1 after Jcovden's one, as the form.
    let text = start()
        + &inject(NEW, 2, "2021-06-22", "FD7211")
        + &inject(NEW, 3, "2021-12-20", "FK0112")
        + &register("720704-1456789", "박", "지훈", "1972-07-04")
        + &step("record-injection")
            .s("citizen", "720704-1456789")
            .s("product", "EU/1/20/1525")
            .i("dose", 1)
            .s("date", "2021-06-02")
            .s("lot", "JC0001")
            .done()
        + &step("record-injection")
            .s("citizen", "720704-1456789")
            .s("product", "EU/1/20/1525")
            .i("dose", 2)
            .s("date", "2021-11-15")
            .s("lot", "JC0002")
            .done();
    desk.seed_ok("boosters.toml", &text);
    let doses = |id: &str| -> Vec<(i64, i64)> {
        desk.status(id)["injections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["dose"].as_i64().unwrap(), i["series"].as_i64().unwrap()))
            .collect()
    };
    assert_eq!(doses(NEW), [(1, 2), (2, 2), (3, 3)]);
    assert_eq!(doses("720704-1456789"), [(1, 1), (2, 1)]);
}

#[test]
fn a_country_outside_the_value_set_is_refused() {
    let desk = desk_with_base();
    let long = "K".repeat(300);
    for country in ["ZZ", "XX", "KOR", "K1", &long] {
        // What was written is quoted, a long value cut to 80 characters.
        let shown = if country.len() > 80 {
            format!("'{}…'", "K".repeat(79))
        } else {
            format!("'{country}'")
        };
        let text = start()
            + &step("record-injection")
                .s("citizen", NEW)
                .s("product", COMIRNATY)
                .i("dose", 2)
                .s("date", "2021-06-22")
                .s("lot", "FD7211")
                .s("country", country)
                .done();
        refused(
            &desk,
            "bad.toml",
            &text,
            &[
                &format!("bad.toml: step 3 (record-injection): country: {shown} is "),
                "not an ISO 3166 alpha-2 country code",
            ],
            &[NEW],
        );
    }
}

#[test]
fn control_characters_in_ids_dates_codes_and_lots_are_refused_naming_the_field() {
    let desk = desk_with_base();
    let dose2 = |field: &str, value: &str| {
        let mut s = step("record-injection");
        for (k, v) in [
            ("citizen", NEW),
            ("product", COMIRNATY),
            ("date", "2021-06-22"),
            ("lot", "FD7211"),
        ] {
            s = s.s(k, if k == field { value } else { v });
        }
        if field == "country" {
            s = s.s("country", value);
        }
        s.i("dose", 2).done()
    };
    for (field, text) in [
        ("lot", dose2("lot", "FD\u{0}7211")),
        ("lot", dose2("lot", "FD7211\u{200B}")),
        ("date", dose2("date", "2021-06-22\u{1b}")),
        ("product", dose2("product", "EU/1/20/1528\u{0}")),
        ("country", dose2("country", "K\u{7}R")),
        ("citizen", dose2("citizen", "900101-123\u{0}4567")),
    ] {
        refused(
            &desk,
            "bad.toml",
            &(start() + &text),
            &[
                &format!("bad.toml: step 3 (record-injection): {field}: "),
                "control or invisible character",
            ],
            &[NEW],
        );
    }
    let late = start()
        + &step("apply")
            .s("citizen", NEW)
            .i("dose", 1)
            .at("2021-06-02T09:00:00+09:00\u{0}")
            .done();
    refused(
        &desk,
        "bad.toml",
        &late,
        &["bad.toml: step 3 (apply): at: holds a control or invisible character (U+0000)"],
        &[NEW],
    );
    // Who did it is an id too: a changed actor would be someone else.
    let by = start()
        + &step("apply")
            .s("citizen", NEW)
            .i("dose", 1)
            .s("actor", "manager:park\u{1b}[2J")
            .done();
    refused(
        &desk,
        "bad.toml",
        &by,
        &["bad.toml: step 3 (apply): actor: holds a control or invisible character (U+001B)"],
        &[NEW],
    );
    let text = start() + &register("900202-23456\u{0}78", "박", "지우", "1990-02-02");
    refused(
        &desk,
        "bad.toml",
        &text,
        &["bad.toml: step 3 (register-citizen): id: holds a control"],
        &[NEW],
    );
    // Names are cleaned, as before.
    desk.seed_ok(
        "names.toml",
        &register("900202-2345678", "박\u{0}", "지\u{202E}우", "1990-02-02"),
    );
    let s = desk.status("900202-2345678");
    assert_eq!(s["citizen"]["family_name"], "박");
    assert_eq!(s["citizen"]["given_name"], "지우");
}

#[test]
fn the_demo_seed_satisfies_every_rule() {
    let desk = Desk::new();
    let demo = include_str!("../assets/demo-seed.toml");
    desk.seed_ok("demo-seed.toml", demo);
    for id in ["900101-1234567", "M48213907"] {
        let s = desk.status(id);
        for i in s["injections"].as_array().unwrap() {
            let (dose, series) = (i["dose"].as_i64().unwrap(), i["series"].as_i64().unwrap());
            assert!(dose <= series || series == 1, "{id}: {dose}/{series}");
        }
    }
}
