//! `vaxdesk import`: spreadsheets of citizens and injections, through the binary. Every rule of
//! issue 12's "CSV import": columns by name in any order, one row per injection, a row without
//! product registers only, matched / skipped / refused, atomic and idempotent files with
//! messages naming line and column, UTF-8 with or without a BOM and CP949, and a database the
//! import creates.

mod support;

use support::{COMIRNATY, Desk, count_type, register};

const HEADER: &str = "id,family_name,given_name,birth_date,product,dose,date,lot";

fn csv(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

fn import(desk: &Desk, name: &str, text: &str) -> support::Run {
    desk.write(name, text);
    desk.run(&["import", name])
}

#[test]
fn columns_by_name_in_any_order_register_and_record_with_korean_names() {
    let desk = Desk::new();
    let text = "lot,date,dose,product,birth_date,given_name,family_name,id,centre,status\n\
                FA1,2021-03-01,1,EU/1/20/1528,1990-01-01,민준,김,900101-1234567,\"Seoul, Gangnam\",\n\
                ,2026-12-20,2,EU/1/20/1528,1990-01-01,민준,김,9001011234567,,scheduled\n";
    let r = import(&desk, "people.csv", text).ok();
    assert_eq!(
        r.stdout.trim(),
        "people.csv: imported 2 rows (UTF-8): 1 citizens registered, 0 matched; 2 injections \
         recorded, 0 skipped"
    );
    let s = desk.status("900101-1234567");
    assert_eq!(s["citizen"]["family_name"], "김");
    assert_eq!(s["citizen"]["given_name"], "민준");
    assert_eq!(s["citizen"]["birth_date"], "1990-01-01");
    let inj = s["injections"].as_array().expect("injections");
    assert_eq!(inj.len(), 2);
    assert_eq!(inj[0]["dose"], 1);
    // Without a series column, the catalogue's, as the seed action does it.
    assert_eq!(inj[0]["series"], 2);
    assert_eq!(inj[0]["product"], COMIRNATY);
    assert_eq!(inj[0]["status"], "ADMINISTERED");
    assert_eq!(inj[1]["status"], "SCHEDULED");
    assert_eq!(inj[1]["date"], "2026-12-20");
}

#[test]
fn a_row_without_product_registers_the_citizen_only() {
    let desk = Desk::new();
    let text = "id,family_name,given_name,birth_date\n850505-2345678,Lee,Soo,1985-05-05\n";
    let r = import(&desk, "people.csv", text).ok();
    assert!(
        r.stdout
            .contains("1 citizens registered, 0 matched; 0 injections recorded, 0 skipped"),
        "{}",
        r.stdout
    );
    let s = desk.status("850505-2345678");
    assert_eq!(s["citizen"]["family_name"], "Lee");
    assert_eq!(s["injections"].as_array().map(Vec::len), Some(0));

    // In a file with injection columns too: empty product, empty injection cells.
    let r = import(
        &desk,
        "more.csv",
        &csv(&["860606-2345678,Park,Ji,1986-06-06,,,,"]),
    )
    .ok();
    assert!(r.stdout.contains("1 citizens registered"), "{}", r.stdout);
    assert_eq!(
        desk.status("860606-2345678")["injections"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[test]
fn a_dose_without_a_product_is_refused_not_taken_as_a_registration() {
    let desk = Desk::new();
    let r = import(
        &desk,
        "people.csv",
        &csv(&["860606-2345678,Park,Ji,1986-06-06,,1,2021-03-01,FA1"]),
    )
    .refused();
    assert!(
        r.stderr
            .contains("people.csv: line 2, column product: empty"),
        "{}",
        r.stderr
    );
    desk.assert_not_registered("860606-2345678");
}

#[test]
fn existing_citizens_are_matched_identical_injections_skipped() {
    let desk = Desk::new();
    desk.seed_ok(
        "first.toml",
        &(register("900101-1234567", "Kim", "Minjun", "1990-01-01")
            + &support::inject("900101-1234567", 1, "2021-03-01", "FA1")),
    );
    let events = desk.events().len();
    // Two rows of one existing citizen: matched once; dose 1 as recorded: skipped.
    let r = import(
        &desk,
        "people.csv",
        &csv(&[
            "900101-1234567,Kim,Minjun,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1",
            "900101-1234567,Kim,Minjun,1990-01-01,EU/1/20/1528,2,2021-04-01,FA2",
            "850505-2345678,Lee,Soo,1985-05-05,,,,",
        ]),
    )
    .ok();
    assert_eq!(
        r.stdout.trim(),
        "people.csv: imported 3 rows (UTF-8): 1 citizens registered, 1 matched; 1 injections \
         recorded, 1 skipped"
    );
    let all = desk.events();
    assert_eq!(all.len(), events + 2, "one registration and one injection");
    assert_eq!(count_type(&all, "CitizenRegistered"), 2);
    assert_eq!(count_type(&all, "InjectionRecorded"), 2);
}

#[test]
fn a_citizen_with_other_details_is_refused_and_nothing_of_the_file_is_kept() {
    let desk = Desk::new();
    desk.seed_ok(
        "first.toml",
        &register("900101-1234567", "Kim", "Minjun", "1990-01-01"),
    );
    let before = desk.events_text();
    let r = import(
        &desk,
        "people.csv",
        &csv(&[
            "850505-2345678,Lee,Soo,1985-05-05,,,,",
            "900101-1234567,Kim,Minsu,1990-01-01,,,,",
        ]),
    )
    .refused();
    assert_eq!(
        r.stderr.trim(),
        "vaxdesk: people.csv: line 3, column given_name: \"Minsu\" differs from citizen \
         900101-1******'s registered given_name \"Minjun\"; correct it at the desk, or correct \
         the file"
    );
    assert_eq!(desk.events_text(), before);
    desk.assert_not_registered("850505-2345678");
}

#[test]
fn an_injection_with_other_details_is_refused_naming_the_column() {
    let desk = Desk::new();
    desk.seed_ok(
        "first.toml",
        &(register("900101-1234567", "Kim", "Minjun", "1990-01-01")
            + &support::inject("900101-1234567", 1, "2021-03-01", "FA1")),
    );
    let before = desk.events_text();
    let r = import(
        &desk,
        "people.csv",
        &csv(&["900101-1234567,Kim,Minjun,1990-01-01,EU/1/20/1528,1,2021-03-02,FA1"]),
    )
    .refused();
    assert!(
        r.stderr.contains(
            "people.csv: line 2, column date: \"2021-03-02\" differs from dose 1 already \
             recorded for 900101-1****** (date \"2021-03-01\")"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(desk.events_text(), before);
}

#[test]
fn a_broken_row_in_the_middle_keeps_nothing_and_says_where() {
    let desk = Desk::new();
    let before = desk.events_text();
    let r = import(
        &desk,
        "people.csv",
        &csv(&[
            "900101-1234567,김,민준,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1",
            "850505-2345678,Lee,Soo,1985-05-05,,,,",
            "700101-1234567,Park,Ji,1990-13-45,,,,",
            "860606-2345678,Choi,Yu,1986-06-06,,,,",
        ]),
    )
    .refused();
    assert_eq!(
        r.stderr.trim(),
        "vaxdesk: people.csv: line 4, column birth_date: \"1990-13-45\" is not a date \
         (YYYY-MM-DD, YYYY-MM or YYYY)"
    );
    assert_eq!(desk.events_text(), before);
    desk.assert_not_registered("900101-1234567");
    desk.assert_not_registered("850505-2345678");
    // Fixed, the same file goes in whole.
    let r = import(
        &desk,
        "people.csv",
        &csv(&[
            "900101-1234567,김,민준,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1",
            "850505-2345678,Lee,Soo,1985-05-05,,,,",
        ]),
    )
    .ok();
    assert!(r.stdout.contains("2 citizens registered"), "{}", r.stdout);
}

#[test]
fn a_line_is_counted_as_an_editor_shows_it_past_a_quoted_newline() {
    let desk = Desk::new();
    let text = "id,family_name,given_name,birth_date,product,dose,date,lot,centre\n\
                900101-1234567,Kim,Minjun,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1,\"Seoul\nGangnam\"\n\
                850505-2345678,Lee,Soo,1985-05-05,EU/1/20/1528,1,2021-03-01,,\n";
    let r = import(&desk, "people.csv", text).refused();
    assert!(
        r.stderr
            .contains("people.csv: line 4, column lot: an administered injection needs a lot"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_same_content_again_is_already_imported() {
    let desk = Desk::new();
    let text = csv(&["900101-1234567,Kim,Minjun,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1"]);
    import(&desk, "people.csv", &text).ok();
    let before = desk.events_text();
    let r = import(&desk, "copy.csv", &text).ok();
    assert_eq!(
        r.stdout.trim(),
        format!(
            "copy.csv: already imported at {}; nothing changed",
            desk.now
        )
    );
    assert_eq!(desk.events_text(), before);
}

#[test]
fn header_problems_are_named_on_line_1() {
    let desk = Desk::new();
    let r = import(
        &desk,
        "a.csv",
        "id,family_name,given_name,birth_date,vaccine\n",
    )
    .refused();
    assert!(
        r.stderr
            .contains("a.csv: line 1, column vaccine: not a column of the import format"),
        "{}",
        r.stderr
    );
    let r = import(&desk, "b.csv", "id,family_name,given_name\n").refused();
    assert!(
        r.stderr.contains("b.csv: line 1: no column birth_date"),
        "{}",
        r.stderr
    );
    let r = import(
        &desk,
        "c.csv",
        "id,family_name,given_name,birth_date,product,dose\n",
    )
    .refused();
    assert!(
        r.stderr.contains("c.csv: line 1: no column date"),
        "{}",
        r.stderr
    );
    let r = import(&desk, "e.csv", "id,family_name,given_name,birth_date,\n").refused();
    assert!(
        r.stderr
            .contains("e.csv: line 1: field 5 of the header row has no column name"),
        "{}",
        r.stderr
    );
    let r = import(&desk, "d.csv", &csv(&["900101-1234567,Kim"])).refused();
    assert!(
        r.stderr
            .contains("d.csv: line 2: has 2 fields, the header has 8"),
        "{}",
        r.stderr
    );
}

#[test]
fn cells_are_cleaned_as_the_seed_actions_clean_them() {
    let desk = Desk::new();
    // Spaces around values, a hyphen-less id, a zero-width space in a name.
    let text = "id,family_name,given_name,birth_date\n 9001011234567 , Kim\u{200B} , Min  jun ,1990-01-01\n";
    import(&desk, "people.csv", text).ok();
    let s = desk.status("900101-1234567");
    assert_eq!(s["citizen"]["family_name"], "Kim");
    assert_eq!(s["citizen"]["given_name"], "Min jun");
}

#[test]
fn a_bom_is_read_as_utf8() {
    let desk = Desk::new();
    let text = format!(
        "\u{FEFF}{}",
        csv(&["900101-1234567,김,민준,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1"])
    );
    let r = import(&desk, "people.csv", &text).ok();
    assert!(r.stdout.contains("(UTF-8)"), "{}", r.stdout);
    assert_eq!(
        desk.status("900101-1234567")["citizen"]["family_name"],
        "김"
    );
}

#[test]
fn a_cp949_file_from_korean_excel_is_read_by_auto_and_cp949() {
    let desk = Desk::new();
    let text = csv(&[
        "900101-1234567,김,민준,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1",
        "850505-2345678,이,서연,1985-05-05,,,,",
    ]);
    let (bytes, _, lossy) = encoding_rs::EUC_KR.encode(&text);
    assert!(!lossy);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file is not UTF-8"
    );
    std::fs::write(desk.path("excel.csv"), &bytes).expect("write");

    // Read as UTF-8 on purpose: refused, naming the line where the text stops being UTF-8.
    let r = desk
        .run(&["import", "excel.csv", "--encoding", "utf-8"])
        .refused();
    assert!(
        r.stderr.contains("excel.csv: line 2: not UTF-8 text"),
        "{}",
        r.stderr
    );
    desk.assert_not_registered("900101-1234567");

    let r = desk.run(&["import", "excel.csv"]).ok();
    assert!(r.stdout.contains("(CP949)"), "{}", r.stdout);
    assert_eq!(
        desk.status("900101-1234567")["citizen"]["family_name"],
        "김"
    );
    assert_eq!(
        desk.status("850505-2345678")["citizen"]["given_name"],
        "서연"
    );

    // --encoding cp949 on another desk reads it the same.
    let other = Desk::new();
    std::fs::write(other.path("excel.csv"), &bytes).expect("write");
    other
        .run(&["import", "excel.csv", "--encoding", "cp949"])
        .ok();
    assert_eq!(
        other.status("850505-2345678")["citizen"]["family_name"],
        "이"
    );
}

#[test]
fn import_creates_a_database_that_is_not_there_yet() {
    let desk = Desk::without_database();
    assert!(!desk.db.exists());
    let r = import(
        &desk,
        "people.csv",
        &csv(&["900101-1234567,Kim,Minjun,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1"]),
    )
    .ok();
    assert!(r.stdout.contains("1 citizens registered"), "{}", r.stdout);
    assert!(desk.db.exists());
    assert_eq!(desk.status("900101-1234567")["injections"][0]["dose"], 1);
}

#[test]
fn a_missing_file_or_a_folder_is_refused_with_its_name() {
    let desk = Desk::new();
    let r = desk.run(&["import", "nowhere.csv"]).refused();
    assert!(
        r.stderr.contains("nowhere.csv: cannot read"),
        "{}",
        r.stderr
    );
    std::fs::create_dir(desk.path("folder.csv")).expect("folder");
    let r = desk.run(&["import", "folder.csv"]).refused();
    assert!(
        r.stderr.contains("folder.csv: is a folder, not a CSV file"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_import_is_on_record_in_the_audit_log() {
    let desk = Desk::new();
    import(
        &desk,
        "people.csv",
        &csv(&["900101-1234567,Kim,Minjun,1990-01-01,EU/1/20/1528,1,2021-03-01,FA1"]),
    )
    .ok();
    let log = desk.run(&["audit", "--json"]).ok().json();
    let rows = log.as_array().expect("audit rows");
    let row = rows
        .iter()
        .rev()
        .find(|r| r["action"] == "import")
        .expect("an import row");
    assert_eq!(row["result"], "ok");
    let detail = row["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("people.csv, sha256 "), "{detail}");
    assert!(
        detail.ends_with("1 rows, 1 registered, 0 matched, 1 recorded, 0 skipped"),
        "{detail}"
    );
}
