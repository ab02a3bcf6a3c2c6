//! `vaxdesk export`: the import format, ordered by name then id, whole ids unless `--masked`,
//! an audit row naming the file; and the round trip issue 12 asks for: export, import into an
//! empty database, `status --json` equal for every citizen.

mod support;

use support::{COMIRNATY, Desk, inject, register, schedule, step};

const HEADER: &str = "id,family_name,given_name,birth_date,family_name_icao,given_name_icao,\
                      product,dose,series,date,lot,status,centre,country";

/// A clinic made through seed files (not through import): Korean and Latin names, a citizen
/// without injections, a scheduled dose, a centre with a comma and quotes, explicit ICAO
/// names, a booster, a voided dose.
fn clinic() -> (Desk, Vec<&'static str>) {
    let desk = Desk::new();
    let ids = vec![
        "900101-1234567",
        "850505-2345678",
        "770707-1234567",
        "P12345678",
        "010101-3234567",
    ];
    let text = register(ids[0], "김", "민준", "1990-01-01")
        + &inject(ids[0], 1, "2021-03-01", "FA1")
        + &inject(ids[0], 2, "2021-04-01", "FA2")
        + &step("record-injection")
            .s("citizen", ids[0])
            .s("product", COMIRNATY)
            .i("dose", 3)
            .i("series", 3)
            .s("date", "2022-01-10")
            .s("lot", "FB9")
            .s("centre", "Seoul \"Central\", Gangnam")
            .s("country", "KR")
            .done()
        + &register(ids[1], "Lee", "Soo", "1985-05-05")
        + &step("register-citizen")
            .s("id", ids[2])
            .s("family_name", "Müller")
            .s("given_name", "Anna")
            .s("family_name_icao", "MUELLER")
            .s("birth_date", "1977-07-07")
            .done()
        + &inject(ids[2], 1, "2021-05-01", "FC1")
        + &schedule(ids[2], 2, "2026-12-20")
        + &register(ids[3], "Lee", "Soo", "1960")
        + &inject(ids[3], 1, "2021-06-01", "FD1")
        + &step("void-injection")
            .s("citizen", ids[3])
            .i("dose", 1)
            .s("reason", "wrong person")
            .done()
        + &register(ids[4], "박", "", "2001-01-01");
    desk.seed_ok("clinic.toml", &text);
    (desk, ids)
}

#[test]
fn export_then_import_into_an_empty_database_gives_every_citizen_the_same_status() {
    let (desk, ids) = clinic();
    let r = desk.run(&["export", "--out", "people.csv"]).ok();
    assert!(
        r.stderr
            .contains("exported 5 citizens and 5 injections (8 rows) to people.csv"),
        "{}",
        r.stderr
    );
    let exported = std::fs::read_to_string(desk.path("people.csv")).expect("the export");

    // Another clinic, its own keys, no database yet.
    let empty = Desk::without_database();
    std::fs::write(empty.path("people.csv"), &exported).expect("copy");
    let r = empty.run(&["import", "people.csv"]).ok();
    assert!(
        r.stdout
            .contains("5 citizens registered, 0 matched; 5 injections recorded, 0 skipped"),
        "{}",
        r.stdout
    );
    for id in &ids {
        let mut there = desk.status(id);
        // The voided dose is not in the import format: it stays behind.
        if *id == "P12345678" {
            assert_eq!(there["injections"][0]["status"], "VOIDED");
            there["injections"] = serde_json::json!([]);
        }
        assert_eq!(empty.status(id), there, "status of {id}");
    }
    // And the new clinic exports the same file.
    empty.run(&["export", "--out", "again.csv"]).ok();
    assert_eq!(
        std::fs::read_to_string(empty.path("again.csv")).expect("again"),
        exported
    );
}

#[test]
fn the_export_is_the_import_format_ordered_by_name_then_id() {
    let (desk, _) = clinic();
    let r = desk.run(&["export"]).ok();
    let want = [
        HEADER,
        "850505-2345678,Lee,Soo,1985-05-05,LEE,SOO,,,,,,,,",
        "P12345678,Lee,Soo,1960,LEE,SOO,,,,,,,,",
        "770707-1234567,Müller,Anna,1977-07-07,MUELLER,ANNA,EU/1/20/1528,1,2,2021-05-01,FC1,administered,,KR",
        "770707-1234567,Müller,Anna,1977-07-07,MUELLER,ANNA,EU/1/20/1528,2,2,2026-12-20,,scheduled,,KR",
        "900101-1234567,김,민준,1990-01-01,KIM,MINJUN,EU/1/20/1528,1,2,2021-03-01,FA1,administered,,KR",
        "900101-1234567,김,민준,1990-01-01,KIM,MINJUN,EU/1/20/1528,2,2,2021-04-01,FA2,administered,,KR",
        "900101-1234567,김,민준,1990-01-01,KIM,MINJUN,EU/1/20/1528,3,3,2022-01-10,FB9,administered,\"Seoul \"\"Central\"\", Gangnam\",KR",
        "010101-3234567,박,,2001-01-01,PARK,,,,,,,,,",
    ];
    assert_eq!(r.stdout.lines().collect::<Vec<_>>(), want);
    // The summary goes to standard error: standard output is the file.
    assert!(r.stderr.contains("to standard output"), "{}", r.stderr);
}

#[test]
fn masked_ids_are_masked_everywhere_in_the_file() {
    let (desk, ids) = clinic();
    desk.run(&["export", "--masked", "--out", "masked.csv"])
        .ok();
    let text = std::fs::read_to_string(desk.path("masked.csv")).expect("export");
    for id in &ids {
        assert!(!text.contains(id), "{id} whole in a masked export");
    }
    assert!(text.contains("\n900101-1******,김,민준,"), "{text}");
    assert!(text.contains("\nP123*****,Lee,Soo,1960,"), "{text}");
    // A masked file does not import: its ids are not ids.
    let other = Desk::new();
    std::fs::write(other.path("masked.csv"), &text).expect("copy");
    let r = other.run(&["import", "masked.csv"]).refused();
    assert!(
        r.stderr
            .contains("masked.csv: line 2, column id: not an id"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_export_writes_one_audit_row_naming_the_file() {
    let (desk, _) = clinic();
    desk.run(&["export", "--out", "people.csv"]).ok();
    desk.run(&["export", "--masked"]).ok();
    let log = desk.run(&["audit", "--json"]).ok().json();
    let exports: Vec<_> = log
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["action"] == "export")
        .collect();
    assert_eq!(exports.len(), 2, "{log:#}");
    assert_eq!(exports[0]["result"], "ok");
    assert_eq!(
        exports[0]["detail"],
        "to people.csv: 5 citizens, 5 injections, ids whole"
    );
    assert_eq!(
        exports[1]["detail"],
        "to standard output: 5 citizens, 5 injections, ids masked"
    );
}

#[test]
fn the_file_is_readable_by_its_owner_only_and_replaced_whole() {
    use std::os::unix::fs::PermissionsExt;
    let (desk, _) = clinic();
    std::fs::write(desk.path("people.csv"), "old").expect("old file");
    desk.run(&["export", "--out", "people.csv"]).ok();
    let meta = std::fs::metadata(desk.path("people.csv")).expect("export");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(desk.path("people.csv")).expect("export");
    assert!(text.starts_with(HEADER), "{text}");
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(desk.dir.path())
        .expect("folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_export_into_a_folder_that_is_not_there_is_refused_and_not_recorded_as_done() {
    let (desk, _) = clinic();
    let r = desk
        .run(&["export", "--out", "nowhere/people.csv"])
        .refused();
    assert!(r.stderr.contains("nowhere/people.csv"), "{}", r.stderr);
    let log = desk.run(&["audit", "--json"]).ok().json();
    assert!(
        !log.as_array()
            .expect("rows")
            .iter()
            .any(|r| r["action"] == "export" && r["result"] == "ok"),
        "{log:#}"
    );
}

#[test]
fn an_export_into_a_closed_pipe_stops_quietly_and_is_on_record_as_failed() {
    use std::os::unix::process::ExitStatusExt;
    let (desk, _) = clinic();
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = desk
        .command()
        .arg("export")
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}", out.status);
    let log = desk.run(&["audit", "--json"]).ok().json();
    let last = log
        .as_array()
        .and_then(|rows| rows.iter().rev().find(|r| r["action"] == "export"))
        .expect("an export row");
    assert_eq!(last["result"], "failed");
    assert_eq!(last["detail"], "standard output");
}
