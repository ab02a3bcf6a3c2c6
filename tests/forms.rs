//! The manager's forms as a person types into them, through the real `Shell` on the demo
//! clinic and drawn on a test terminal: the vaccine picker (what was typed, any word, Korean
//! names, Backspace), machine-readable names that follow their names unless typed by hand, the
//! ICAO rule for one name, the cleaning note on a name, and the rules the form enforces (each
//! refusal under its field, nothing kept).

mod common;
mod screens_support;

use ratatui::crossterm::event::KeyCode;
use screens_support::*;
use vaxdesk::app::Desk;
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;

const KIM: &str = "900101-1234567";

fn open_kim(desk: &Desk) -> Shell<'_> {
    let mut m = shell(desk, Some(Role::Manager));
    char_key(&mut m, '/');
    type_text(&mut m, "김민준");
    enter(&mut m);
    enter(&mut m);
    assert_shows(&seen(&mut m), "machine-readable: KIM / MINJUN");
    m
}

/// The record form on 김 민준 (the focus on the vaccine).
fn record_form(desk: &Desk) -> Shell<'_> {
    let mut m = open_kim(desk);
    char_key(&mut m, 'a');
    assert_shows(&seen(&mut m), "Record injection for 김 민준");
    m
}

fn backspace(m: &mut Shell<'_>, n: usize) {
    for _ in 0..n {
        key(m, KeyCode::Backspace);
    }
}

/// The vaccine line of the record form.
fn vaccine(m: &mut Shell<'_>) -> String {
    line_with(&seen(m), "Vaccine ").to_string()
}

#[test]
fn the_picker_shows_what_was_typed_and_backspace_widens_again() {
    let td = demo();
    let mut m = record_form(&td.desk);
    type_text(&mut m, "comi");
    let s = seen(&mut m);
    assert!(vaccine(&mut m).contains("◀ Comirnaty · 화이자 — EU/1/20/1528 ▶"));
    assert_shows(&s, "typed: comi · 1 match");
    // Typing on past a match: nothing matches, and the screen says so.
    type_text(&mut m, "mod");
    assert_shows(
        &seen(&mut m),
        "typed: comimod · no match; Backspace to widen",
    );
    // Backspace narrows back to what was typed before, then to another vaccine.
    backspace(&mut m, 3);
    assert_shows(&seen(&mut m), "typed: comi · 1 match");
    backspace(&mut m, 4);
    assert_hides(&seen(&mut m), "typed:");
    type_text(&mut m, "mod");
    assert!(
        vaccine(&mut m).contains("Spikevax · 모더나"),
        "{}",
        vaccine(&mut m)
    );
    assert_shows(&seen(&mut m), "typed: mod · 1 match");
}

#[test]
fn the_picker_matches_korean_names_codes_and_manufacturers() {
    let td = demo();
    let mut m = record_form(&td.desk);
    for (typed, shown) in [
        ("모더나", "Spikevax · 모더나 — EU/1/20/1507"),
        ("화이", "Comirnaty · 화이자"),
        ("얀센", "Jcovden · 얀센"),
        ("노바", "Nuvaxovid · 노바백스"),
        ("시노백", "CoronaVac · 시노백"),
        ("1507", "Spikevax"),
        ("eu/1/21/1618", "Nuvaxovid"),
        ("janssen", "Jcovden"),
        ("BIONTECH", "Comirnaty"),
        ("moderna spain", "Spikevax"),
    ] {
        type_text(&mut m, typed);
        let line = vaccine(&mut m);
        assert!(line.contains(shown), "{typed}: {line}");
        assert_shows(&seen(&mut m), &format!("typed: {typed}"));
        backspace(&mut m, typed.chars().count());
    }
    // Two products of one manufacturer: ←/→ walk the two, and only them.
    type_text(&mut m, "astrazeneca");
    assert_shows(&seen(&mut m), "typed: astrazeneca · 2 matches");
    let first = vaccine(&mut m);
    key(&mut m, KeyCode::Right);
    let second = vaccine(&mut m);
    key(&mut m, KeyCode::Right);
    assert_eq!(vaccine(&mut m), first);
    let both = [first, second].join("\n");
    assert!(
        both.contains("AZD2816") && both.contains("Vaxzevria"),
        "{both}"
    );
}

#[test]
fn a_vaccine_found_by_its_korean_name_is_recorded_with_its_series() {
    let td = demo();
    let mut m = record_form(&td.desk);
    // 김 민준 had 3 doses: the fourth of Jcovden (one-dose series) is 4/1, never 4/2.
    type_text(&mut m, "얀센");
    let s = seen(&mut m);
    assert_shows(&s, "Dose            4");
    assert_shows(&s, "Series of       1");
    for _ in 0..4 {
        tab(&mut m);
    }
    type_text(&mut m, "JC2211");
    enter(&mut m);
    let s = seen(&mut m);
    assert_hides(&s, "Record injection for");
    let row = line_with(&s, "4/1");
    assert!(row.contains("Jcovden") && row.contains("JC2211"), "{row}");
    let c = common::citizen(&td.desk, KIM);
    let inj = common::injection(&td.desk, &c, 4);
    assert_eq!(inj.details.product, "EU/1/20/1525");
    assert_eq!((inj.details.dose, inj.details.series), (4, 1));
}

/// The edit form of 김 민준 (the focus on the family name).
fn edit_kim(desk: &Desk) -> Shell<'_> {
    let mut m = open_kim(desk);
    char_key(&mut m, 'u');
    assert_shows(&seen(&mut m), "Edit 김 민준");
    m
}

fn shift_tab(m: &mut Shell<'_>) {
    key(m, KeyCode::BackTab);
}

#[test]
fn editing_a_name_re_suggests_its_machine_readable_form() {
    let td = demo();
    let mut m = edit_kim(&td.desk);
    tab(&mut m);
    backspace(&mut m, 2);
    type_text(&mut m, "서준");
    let s = seen(&mut m);
    assert_shows(&s, "Given (MRZ)     SEOJUN ");
    // Only the name that changed: the family name's form stays.
    assert_shows(&s, "Family (MRZ)    KIM ");
    // Back to the name it had: back to the form it had.
    backspace(&mut m, 2);
    type_text(&mut m, "민준");
    assert_shows(&seen(&mut m), "Given (MRZ)     MINJUN ");
    backspace(&mut m, 2);
    type_text(&mut m, "하늘");
    enter(&mut m);
    assert_shows(&seen(&mut m), "machine-readable: KIM / HANEUL");
    let c = common::citizen(&td.desk, KIM);
    assert_eq!(
        (
            c.details.given_name.as_str(),
            c.details.given_name_icao.as_str()
        ),
        ("하늘", "HANEUL")
    );
}

#[test]
fn a_hand_typed_machine_readable_form_stays_when_the_name_changes() {
    let td = demo();
    let mut m = edit_kim(&td.desk);
    tab(&mut m);
    tab(&mut m);
    backspace(&mut m, 3);
    type_text(&mut m, "GIM");
    shift_tab(&mut m);
    shift_tab(&mut m);
    backspace(&mut m, 1);
    type_text(&mut m, "이");
    let s = seen(&mut m);
    assert_shows(&s, "Family (MRZ)    GIM ");
    assert_shows(
        &s,
        "typed by hand; the name suggests LEE (empty it to follow)",
    );
    enter(&mut m);
    assert_shows(&seen(&mut m), "machine-readable: GIM / MINJUN");
    let c = common::citizen(&td.desk, KIM);
    assert_eq!(
        (
            c.details.family_name.as_str(),
            c.details.family_name_icao.as_str()
        ),
        ("이", "GIM")
    );
}

#[test]
fn registering_fills_the_machine_readable_forms_as_names_are_typed() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, 'n');
    type_text(&mut m, "M77001122");
    tab(&mut m);
    type_text(&mut m, "Müller");
    tab(&mut m);
    type_text(&mut m, "Jürgen");
    let s = seen(&mut m);
    assert_shows(&s, "Family (MRZ)    MUELLER ");
    assert_shows(&s, "Given (MRZ)     JUERGEN ");
    // One correction of the name, one more suggestion.
    backspace(&mut m, 6);
    type_text(&mut m, "Jörg");
    assert_shows(&seen(&mut m), "Given (MRZ)     JOERG ");
}

#[test]
fn a_given_name_alone_is_refused_with_the_icao_rule_and_nothing_is_registered() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, 'n');
    type_text(&mut m, "M77001122");
    tab(&mut m);
    // The rule is stated where the name goes.
    assert_shows(
        &seen(&mut m),
        "Family name     required; one name only goes here (ICAO 9303)",
    );
    tab(&mut m);
    type_text(&mut m, "Sukarno");
    for _ in 0..3 {
        tab(&mut m);
    }
    type_text(&mut m, "1960");
    let before = common::dump(&td.desk);
    enter(&mut m);
    let s = seen(&mut m);
    let all: Vec<&str> = s.lines().collect();
    let at = all
        .iter()
        .position(|l| l.contains("▶ Family name"))
        .expect("the focus is on the family name");
    assert!(
        all[at + 1].contains("✗ family_name: must not be empty"),
        "{}",
        all[at + 1]
    );
    assert_shows(&s, "ICAO 9303");
    assert_eq!(common::dump(&td.desk), before, "nothing was registered");
    // As the rule says: the one name as the family name, no given name.
    type_text(&mut m, "Sukarno");
    tab(&mut m);
    backspace(&mut m, 7);
    enter(&mut m);
    assert_shows(&seen(&mut m), "Registered Sukarno");
    let c = common::citizen(&td.desk, "M77001122");
    assert_eq!(
        (
            c.details.family_name_icao.as_str(),
            c.details.given_name_icao.as_str()
        ),
        ("SUKARNO", "")
    );
}

#[test]
fn a_name_with_pasted_control_characters_is_cleaned_and_the_form_says_so() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, 'n');
    type_text(&mut m, "M77001122");
    tab(&mut m);
    m.paste("Ki\u{200B}m\u{1b}");
    let s = seen(&mut m);
    // Seen as they are, never sent to the terminal.
    assert_shows(&s, "Family name     Ki\u{FFFD}m\u{FFFD}");
    let all: Vec<&str> = s.lines().collect();
    let at = all.iter().position(|l| l.contains("Family name")).unwrap();
    assert!(
        all[at + 1].contains("control characters removed"),
        "{}",
        all[at + 1]
    );
    assert_shows(&s, "Family (MRZ)    KIM ");
    tab(&mut m);
    type_text(&mut m, "Sora");
    tab(&mut m);
    tab(&mut m);
    tab(&mut m);
    type_text(&mut m, "1990");
    enter(&mut m);
    let c = common::citizen(&td.desk, "M77001122");
    assert_eq!(c.details.family_name, "Kim");
}

// --- rules the forms enforce: the refusal under its field, nothing kept ----------------------

/// Presses Enter and checks the refusal lands under `label`'s line and nothing changed.
fn refused_under(td: &common::TestDesk, m: &mut Shell<'_>, label: &str, expect: &str) {
    let before = common::dump(&td.desk);
    enter(m);
    let s = seen(m);
    let all: Vec<&str> = s.lines().collect();
    let at = all
        .iter()
        .position(|l| l.contains(&format!("▶ {label}")))
        .unwrap_or_else(|| panic!("the focus is on {label}:\n{s}"));
    assert!(all[at + 1].contains(expect), "{}\n{s}", all[at + 1]);
    assert_eq!(
        common::dump(&td.desk),
        before,
        "a refusal changed the database"
    );
}

#[test]
fn the_register_form_refuses_a_birth_date_the_resident_id_contradicts() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    for (id, birth, ok) in [
        ("030303-3456789", "1903-03-03", false),
        ("030303-1456789", "2003-03-03", false),
        ("030303-3456789", "2003-04", false),
        ("030303-3456789", "2003-03", true),
    ] {
        char_key(&mut m, 'n');
        type_text(&mut m, id);
        tab(&mut m);
        type_text(&mut m, "김");
        tab(&mut m);
        type_text(&mut m, "서준");
        for _ in 0..3 {
            tab(&mut m);
        }
        type_text(&mut m, birth);
        if ok {
            enter(&mut m);
            assert_shows(&seen(&mut m), "Registered 김 서준");
        } else {
            refused_under(&td, &mut m, "Date of birth", "✗ birth_date: ");
            assert_shows(&seen(&mut m), "does not agree with the resident id");
            esc(&mut m);
            assert_hides(&seen(&mut m), "Register citizen");
        }
    }
}

#[test]
fn the_edit_form_refuses_a_birth_date_the_resident_id_contradicts() {
    let td = demo();
    let mut m = edit_kim(&td.desk);
    for _ in 0..4 {
        tab(&mut m);
    }
    backspace(&mut m, 10);
    type_text(&mut m, "1990-02");
    refused_under(
        &td,
        &mut m,
        "Date of birth",
        "✗ birth_date: 1990-02 does not agree",
    );
}

#[test]
fn the_record_form_refuses_a_dose_beyond_its_series_a_country_and_a_pasted_control() {
    let td = demo();
    let mut m = record_form(&td.desk);
    // Dose 4 of a series typed as 2: refused under the series.
    tab(&mut m);
    tab(&mut m);
    backspace(&mut m, 2);
    type_text(&mut m, "2");
    for _ in 0..2 {
        tab(&mut m);
    }
    type_text(&mut m, "FK0113");
    refused_under(
        &td,
        &mut m,
        "Series of",
        "✗ series: dose 4 cannot be of a series of 2",
    );
    backspace(&mut m, 1);
    type_text(&mut m, "4");
    // A country outside the value set.
    for _ in 0..5 {
        tab(&mut m);
    }
    backspace(&mut m, 2);
    type_text(&mut m, "ZZ");
    refused_under(&td, &mut m, "Country", "✗ country: 'ZZ' is not an ISO 3166");
    backspace(&mut m, 2);
    type_text(&mut m, "KR");
    // A lot with a NUL pasted into it: refused, not cleaned.
    for _ in 0..5 {
        tab(&mut m);
    }
    backspace(&mut m, 6);
    m.paste("FK\u{0}0113");
    refused_under(
        &td,
        &mut m,
        "Lot",
        "✗ lot: holds a control or invisible character (U+0000)",
    );
}
