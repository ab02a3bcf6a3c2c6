//! The manager's name search finds what a clerk types: decomposed Hangul (as a macOS keyboard
//! sends it), Latin without case or marks, the machine-readable form, any word of a name, the
//! whole name in either order; each citizen once, paged through an index (the query plan is
//! read, so a full scan at a million citizens is caught here, not at a desk).

mod common;
mod screens_support;

use common::*;
use screens_support::*;
use unicode_normalization::UnicodeNormalization;
use vaxdesk::app::Desk;
use vaxdesk::store::vaccination::{
    Anchor, CitizenListRow, ListOrder, citizens_window, citizens_window_plan,
};
use vaxdesk::tui::screen::Role;

/// A desk with the names the cases need.
fn clinic() -> TestDesk {
    let t = TestDesk::new();
    for (id, family, given) in [
        ("900101-1234567", "김", "민준"),
        ("950505-2234567", "김", "가은"),
        ("M48213907", "Müller", "Anna Lena"),
        ("M48213908", "Mueller", "Jonas"),
        ("780830-2234567", "Nguyễn", "Thị Mai"),
        ("P55501234", "Smith-Jones", "Charles Edward"),
        ("M00000042", "Kimball", "Ann"),
    ] {
        register(&t.desk, id, family, given);
    }
    t
}

fn find(desk: &Desk, query: &str) -> Vec<String> {
    citizens_window(desk.conn(), ListOrder::Name, query, &Anchor::First, 50)
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

#[track_caller]
fn finds(desk: &Desk, query: &str, want: &[&str]) {
    let got = find(desk, query);
    assert_eq!(got, want, "search {query:?}");
}

#[test]
fn decomposed_hangul_finds_the_composed_name() {
    let t = clinic();
    let decomposed: String = "김".nfd().collect();
    assert_ne!(decomposed, "김");
    finds(&t.desk, &decomposed, &["김 가은", "김 민준"]);
    let whole: String = "김민준".nfd().collect();
    finds(&t.desk, &whole, &["김 민준"]);
}

#[test]
fn latin_ignores_case_and_marks() {
    let t = clinic();
    finds(&t.desk, "muller", &["Müller Anna Lena"]);
    finds(&t.desk, "MULLER", &["Müller Anna Lena"]);
    finds(&t.desk, "Müller", &["Müller Anna Lena"]);
    finds(&t.desk, "nguyen", &["Nguyễn Thị Mai"]);
    finds(&t.desk, "NGUYỄN", &["Nguyễn Thị Mai"]);
    // `mueller` is both a name and Müller's machine-readable form.
    finds(&t.desk, "mueller", &["Mueller Jonas", "Müller Anna Lena"]);
}

#[test]
fn the_machine_readable_form_finds_the_korean_name() {
    let t = clinic();
    // A whole word first, then the longer names it begins.
    finds(&t.desk, "KIM", &["김 가은", "김 민준", "Kimball Ann"]);
    finds(&t.desk, "minjun", &["김 민준"]);
    finds(&t.desk, "kim minjun", &["김 민준"]);
}

#[test]
fn a_given_name_and_any_word_match_and_each_citizen_shows_once() {
    let t = clinic();
    finds(&t.desk, "민준", &["김 민준"]);
    finds(&t.desk, "anna", &["Müller Anna Lena"]);
    finds(&t.desk, "lena", &["Müller Anna Lena"]);
    finds(&t.desk, "mai", &["Nguyễn Thị Mai"]);
    finds(&t.desk, "jones", &["Smith-Jones Charles Edward"]);
    finds(&t.desk, "smith-jones", &["Smith-Jones Charles Edward"]);
    finds(&t.desk, "charles edward", &["Smith-Jones Charles Edward"]);
    // The given name first, as a passport writes it.
    finds(&t.desk, "anna lena muller", &["Müller Anna Lena"]);
    // Kimball Ann has several keys starting with "ann" and "kim": still one row each.
    finds(&t.desk, "ann", &["Kimball Ann", "Müller Anna Lena"]);
    finds(&t.desk, "zzz", &[]);
    finds(&t.desk, "--", &[]);
}

/// The manager corrects a family name to Schäfer (SCHAEFER).
fn rename_to_schafer(desk: &Desk, id: &str) {
    let c = citizen(desk, id);
    let s = desk.stamp("manager:park");
    let d = vaxdesk::domain::CitizenDetails {
        family_name: "Schäfer".into(),
        family_name_icao: "SCHAEFER".into(),
        ..c.details.clone()
    };
    desk.run(|ctx| vaxdesk::app::commands::update_citizen(ctx, &s, &c, d))
        .unwrap();
}

#[test]
fn a_renamed_citizen_is_found_by_the_new_name_only() {
    let t = clinic();
    rename_to_schafer(&t.desk, "M48213908");
    finds(&t.desk, "schafer", &["Schäfer Jonas"]);
    finds(&t.desk, "schaefer", &["Schäfer Jonas"]);
    finds(&t.desk, "mueller", &["Müller Anna Lena"]);
}

#[test]
fn a_search_pages_through_every_match_once_in_both_directions() {
    let t = TestDesk::new();
    for i in 0..45 {
        register(
            &t.desk,
            &format!("M{:08}", 1000 + i),
            "Kim",
            &format!("Person {i:02}"),
        );
    }
    register(&t.desk, "M99999999", "Lee", "Kimberly");
    let page = |anchor: &Anchor| -> Vec<CitizenListRow> {
        citizens_window(t.desk.conn(), ListOrder::Name, "kim", anchor, 7).unwrap()
    };
    let mut seen = vec![];
    let mut rows = page(&Anchor::First);
    while !rows.is_empty() {
        seen.extend(rows.iter().map(|r| r.id));
        let last = rows.last().unwrap();
        rows = page(&Anchor::After(last.key.clone(), last.id));
    }
    assert_eq!(seen.len(), 46, "every match once");
    let unique: std::collections::BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), 46, "no citizen twice");
    // And back from the end.
    let mut back = vec![];
    let mut rows = page(&Anchor::Last);
    while !rows.is_empty() {
        back.splice(0..0, rows.iter().map(|r| r.id));
        let first = rows.first().unwrap();
        rows = page(&Anchor::Before(first.key.clone(), first.id));
    }
    assert_eq!(back, seen);
}

#[test]
fn the_search_walks_indexes_never_the_whole_table() {
    let t = clinic();
    let conn = t.desk.conn();
    // No ANALYZE, as at a desk: the plan rests on the indexes alone, whatever the size.
    for anchor in [
        Anchor::First,
        Anchor::Last,
        Anchor::After("kim\u{1f}".into(), 3),
        Anchor::Before("kim\u{1f}".into(), 3),
    ] {
        let plan = citizens_window_plan(conn, ListOrder::Name, "kim", &anchor).unwrap();
        // A range seek on the keys, one `shared` value at a time: never a citizen's second
        // match, so the end of a big prefix costs what its start does.
        assert!(
            plan.contains("SEARCH t USING PRIMARY KEY (shared=? AND"),
            "{plan}"
        );
        assert!(
            plan.contains("SEARCH c USING INTEGER PRIMARY KEY"),
            "{plan}"
        );
        for bad in ["SCAN", "TEMP B-TREE"] {
            assert!(!plan.contains(bad), "{bad} in {plan}");
        }
    }
    // The plain list (no search) keeps its own index.
    let plan = citizens_window_plan(conn, ListOrder::Name, "", &Anchor::First).unwrap();
    assert!(plan.contains("citizens_by_name"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn the_manager_finds_a_name_typed_decomposed_and_in_capitals() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    for (typed, name) in [
        ("김민준".nfd().collect::<String>(), "김 민준"),
        ("MULLER".to_string(), "Müller Anna Lena"),
        ("nguyen".to_string(), "Nguyễn Thị Mai"),
        ("KIM".to_string(), "김 민준"),
    ] {
        char_key(&mut m, '/');
        type_text(&mut m, &typed);
        enter(&mut m);
        let s = seen(&mut m);
        let selected = line_with(&s, "▶ ");
        assert!(selected.contains(name), "{typed}: {selected}\n{s}");
        key(&mut m, ratatui::crossterm::event::KeyCode::Esc);
        let s = seen(&mut m);
        assert!(!s.contains(&format!("/{typed}")), "{s}");
    }
}

/// The by-citizen index as the schema holds it (`None` when it is missing): the same text
/// whether migration 12 made it or a big file rebuilt it.
fn by_citizen_index(desk: &Desk) -> Option<String> {
    desk.conn()
        .query_row(
            "SELECT sql FROM sqlite_schema
             WHERE type = 'index' AND name = 'citizen_search_terms_by_citizen'",
            [],
            |r| r.get::<_, String>(0),
        )
        .ok()
}

fn import(desk: &Desk, dir: &std::path::Path, name: &str, csv: &str) {
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    vaxdesk::app::import::import_file(
        desk,
        "manager:park",
        &path,
        vaxdesk::app::import::TextEncoding::Auto,
        &vaxdesk::app::progress::Silent,
    )
    .unwrap();
}

/// A file's new citizens get their search keys at the end of its transaction, in one sorted
/// write (rebuilding the by-citizen index when the file brings most of the keys): the names
/// are found afterwards either way, and the index is there for the next rename.
#[test]
fn citizens_imported_in_a_big_file_and_in_a_small_one_are_found_by_name() {
    let t = TestDesk::new();
    let as_migrated = by_citizen_index(&t.desk);
    assert!(as_migrated.is_some());
    let dir = tempfile::tempdir().unwrap();
    // A new clinic's first file: every key is new.
    import(
        &t.desk,
        dir.path(),
        "first.csv",
        "id,family_name,given_name,birth_date\n\
         900101-1234567,김,민준,1990-01-01\n\
         M48213907,Müller,Anna Lena,1980-05-05\n",
    );
    assert_eq!(by_citizen_index(&t.desk), as_migrated);
    finds(&t.desk, "김민준", &["김 민준"]);
    finds(&t.desk, "muller", &["Müller Anna Lena"]);
    for n in 0..20 {
        register(
            &t.desk,
            &format!("M900000{n:02}"),
            "Park",
            &format!("Extra{n:02}"),
        );
    }
    // A small file into a bigger table: the index is kept and updated.
    import(
        &t.desk,
        dir.path(),
        "second.csv",
        "id,family_name,given_name,birth_date\n950505-2234567,김,가은,1995-05-05\n",
    );
    assert_eq!(by_citizen_index(&t.desk), as_migrated);
    finds(&t.desk, "김", &["김 가은", "김 민준"]);
    finds(&t.desk, "extra07", &["Park Extra07"]);
    // The keys written by the files are replaced on a rename, as any citizen's.
    rename_to_schafer(&t.desk, "M48213907");
    finds(&t.desk, "muller", &[]);
    finds(&t.desk, "schafer", &["Schäfer Anna Lena"]);
}

/// A seed file that registers a citizen and renames them later in the same file: the keys
/// of the first name, still waiting to be written, do not outlive the rename.
#[test]
fn a_citizen_renamed_later_in_the_same_seed_file_is_found_by_the_new_name_only() {
    let t = TestDesk::new();
    let text = r#"
[[step]]
action = "register-citizen"
id = "M48213908"
family_name = "Mueller"
given_name = "Jonas"
birth_date = "1979-02-03"

[[step]]
action = "register-citizen"
id = "900101-1234567"
family_name = "김"
given_name = "민준"
birth_date = "1990-01-01"

[[step]]
action = "update-citizen"
id = "M48213908"
family_name = "Schäfer"
family_name_icao = "SCHAEFER"
"#;
    vaxdesk::app::seed::apply_text(&t.desk, "rename.toml", text).unwrap();
    finds(&t.desk, "mueller", &[]);
    finds(&t.desk, "schaefer", &["Schäfer Jonas"]);
    finds(&t.desk, "민준", &["김 민준"]);
}
