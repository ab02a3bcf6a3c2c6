//! Korean and English: which language a person gets, the message table, and every screen of
//! the desk in both languages at 80x24 (snapshots `i18n__en_*` and `i18n__ko_*`), with no
//! English word of the table left on a Korean screen by accident.
//!
//! Snapshots redact what depends on the machine (local times) or on the database (the random
//! tag in certificate ids) to placeholders of the same width, as `tests/screens.rs` does.

mod common;
mod screens_support;

use chrono::Duration;
use common::TestDesk;
use screens_support::*;
use std::collections::BTreeSet;
use vaxdesk::config::Config;
use vaxdesk::i18n::{Lang, detect};
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;

/// `--lang` beats the configuration, which beats the locale: LC_ALL, then LC_MESSAGES, then
/// LANG (the first set and not empty decides), else English.
#[test]
fn language_detection_order() {
    let none = [None, None, None];
    assert_eq!(detect(None, None, none), Lang::En, "nothing set: English");
    let ko_everywhere = [Some("ko_KR.UTF-8"); 3];
    assert_eq!(
        detect(Some(Lang::En), Some(Lang::Ko), ko_everywhere),
        Lang::En,
        "flag first"
    );
    assert_eq!(
        detect(Some(Lang::Ko), Some(Lang::En), none),
        Lang::Ko,
        "flag first"
    );
    assert_eq!(
        detect(None, Some(Lang::En), ko_everywhere),
        Lang::En,
        "then the config"
    );
    assert_eq!(
        detect(None, Some(Lang::Ko), none),
        Lang::Ko,
        "then the config"
    );
    let lc_all = [
        Some("en_US.UTF-8"),
        Some("ko_KR.UTF-8"),
        Some("ko_KR.UTF-8"),
    ];
    assert_eq!(
        detect(None, None, lc_all),
        Lang::En,
        "LC_ALL before the others"
    );
    let lc_all = [Some("ko_KR.UTF-8"), Some("C"), Some("en_US.UTF-8")];
    assert_eq!(
        detect(None, None, lc_all),
        Lang::Ko,
        "LC_ALL before the others"
    );
    let lc_messages = [None, Some("ko_KR.UTF-8"), Some("en_GB.UTF-8")];
    assert_eq!(
        detect(None, None, lc_messages),
        Lang::Ko,
        "LC_MESSAGES before LANG"
    );
    let lc_messages = [Some(""), Some("C.UTF-8"), Some("ko_KR.UTF-8")];
    assert_eq!(
        detect(None, None, lc_messages),
        Lang::En,
        "an empty one is not set"
    );
    assert_eq!(
        detect(None, None, [None, None, Some("ko")]),
        Lang::Ko,
        "LANG last"
    );
    assert_eq!(
        detect(None, None, [Some(""), Some(""), Some("ko_KR.eucKR")]),
        Lang::Ko
    );
    assert_eq!(
        detect(None, None, [None, None, Some("fr_FR.UTF-8")]),
        Lang::En
    );
    assert_eq!(detect(None, None, [None, None, Some("C")]), Lang::En);
}

/// `language` in the configuration: `ko` or `en`; anything else is an error naming the key.
#[test]
fn the_configuration_names_a_bad_language() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "language = \"ko\"\n").unwrap();
    assert_eq!(Config::load(&path, true).unwrap().language, Some(Lang::Ko));
    std::fs::write(&path, "language = \"en\"\n").unwrap();
    assert_eq!(Config::load(&path, true).unwrap().language, Some(Lang::En));
    std::fs::write(&path, "country = \"KR\"\n").unwrap();
    assert_eq!(Config::load(&path, true).unwrap().language, None);
    for bad in ["\"fr\"", "\"KO\"", "1"] {
        std::fs::write(&path, format!("language = {bad}\n")).unwrap();
        let e = Config::load(&path, true).unwrap_err().to_string();
        assert!(e.contains("language"), "{bad}: {e}");
    }
}

/// Every message of the table has both texts, and the names are unique.
#[test]
fn the_table_has_both_texts() {
    let mut names = std::collections::HashSet::new();
    for (name, t) in vaxdesk::i18n::all() {
        assert!(!t.en.trim().is_empty() && !t.ko.trim().is_empty(), "{name}");
        assert!(names.insert(name), "{name} twice");
    }
}

/// `--lang` takes `ko` or `en`; anything else is a usage error naming the flag.
#[test]
fn a_bad_lang_flag_is_a_usage_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vaxdesk"))
        .args(["--lang", "fr", "doctor"])
        .env("VAXDESK_CONFIG", "/nonexistent/vaxdesk-config.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--lang"), "{err}");
}

// --- every screen in both languages ----------------------------------------------------------

const KIM: &str = "900101-1234567";
const KIM_BIRTH: &str = "1990-01-01";

/// How to reach one screen from the demo clinic, in a language.
type Recipe = for<'d> fn(&'d TestDesk, Lang) -> Shell<'d>;

fn picker(td: &TestDesk, lang: Lang) -> Shell<'_> {
    shell_in(&td.desk, None, lang)
}

fn citizen_sign_in(td: &TestDesk, lang: Lang) -> Shell<'_> {
    shell_in(&td.desk, Some(Role::Citizen), lang)
}

fn citizen_sign_in_no_match(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = shell_in(&td.desk, Some(Role::Citizen), lang);
    sign_in(&mut c, KIM, "1991-01-01");
    c
}

fn citizen_sign_in_bad_date(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = shell_in(&td.desk, Some(Role::Citizen), lang);
    sign_in(&mut c, KIM, "1990-13-45");
    c
}

fn citizen_page(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = shell_in(&td.desk, Some(Role::Citizen), lang);
    sign_in(&mut c, KIM, KIM_BIRTH);
    c
}

fn citizen_page_issued(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = citizen_page(td, lang);
    char_key(&mut c, 'j');
    c
}

fn citizen_certificate(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = citizen_page_issued(td, lang);
    char_key(&mut c, 'v');
    c
}

fn citizen_certificate_text(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = citizen_certificate(td, lang);
    char_key(&mut c, 't');
    c
}

fn citizen_cancel_confirm(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = citizen_page(td, lang);
    char_key(&mut c, 'c');
    c
}

fn citizen_cancelled_toast(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = citizen_cancel_confirm(td, lang);
    char_key(&mut c, 'y');
    c
}

fn citizen_apply_refused(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = citizen_page_issued(td, lang);
    char_key(&mut c, 'a');
    c
}

fn citizen_help(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut c = citizen_page(td, lang);
    char_key(&mut c, '?');
    c
}

fn kiosk_close(td: &TestDesk, lang: Lang) -> Shell<'_> {
    ensure_staff(&td.desk);
    let mut k = bare_shell_in(&td.desk, Some(Role::Citizen), lang);
    ctrl(&mut k, 'c');
    k
}

fn staff_sign_in(td: &TestDesk, lang: Lang) -> Shell<'_> {
    ensure_staff(&td.desk);
    bare_shell_in(&td.desk, Some(Role::Manager), lang)
}

fn staff_sign_in_demo(td: &TestDesk, lang: Lang) -> Shell<'_> {
    ensure_staff(&td.desk);
    bare_shell_in(&td.desk, Some(Role::Issuer), lang).demo(true)
}

fn staff_sign_in_wrong(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = staff_sign_in(td, lang);
    screens_support::staff_sign_in(&mut m, MANAGER.0, "not the passphrase");
    m
}

fn staff_idle_lock(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = shell_in(&td.desk, Some(Role::Manager), lang);
    td.advance(Duration::seconds(300));
    m.tick();
    assert!(m.locked());
    m
}

fn manager_list(td: &TestDesk, lang: Lang) -> Shell<'_> {
    shell_in(&td.desk, Some(Role::Manager), lang)
}

fn manager_search(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_list(td, lang);
    char_key(&mut m, '/');
    type_text(&mut m, "김");
    m
}

fn manager_search_none(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_list(td, lang);
    char_key(&mut m, '/');
    type_text(&mut m, "없는이름");
    m
}

fn manager_detail(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_search(td, lang);
    enter(&mut m);
    enter(&mut m);
    m
}

/// The manager registers 김 서준 (030303-3456789) born on `birth`.
fn manager_register<'a>(td: &'a TestDesk, lang: Lang, birth: &str) -> Shell<'a> {
    let mut m = manager_list(td, lang);
    char_key(&mut m, 'n');
    type_text(&mut m, "030303-3456789");
    tab(&mut m);
    type_text(&mut m, "김");
    tab(&mut m);
    type_text(&mut m, "서준");
    tab(&mut m);
    tab(&mut m);
    tab(&mut m);
    type_text(&mut m, birth);
    enter(&mut m);
    m
}

fn manager_register_error(td: &TestDesk, lang: Lang) -> Shell<'_> {
    manager_register(td, lang, "2003-13-45")
}

fn manager_registered_toast(td: &TestDesk, lang: Lang) -> Shell<'_> {
    manager_register(td, lang, "2003-03-03")
}

fn manager_edit_citizen(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_detail(td, lang);
    char_key(&mut m, 'u');
    m
}

fn manager_record_form(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_detail(td, lang);
    char_key(&mut m, 'a');
    m
}

fn manager_record_choice_typed(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_record_form(td, lang);
    type_text(&mut m, "모더");
    m
}

fn manager_record_error(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_record_form(td, lang);
    tab(&mut m);
    type_text(&mut m, "x");
    enter(&mut m);
    m
}

fn manager_edit_form(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_detail(td, lang);
    char_key(&mut m, 'e');
    m
}

fn manager_void_form(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_detail(td, lang);
    char_key(&mut m, 'x');
    enter(&mut m);
    m
}

fn manager_void_confirm(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_detail(td, lang);
    char_key(&mut m, 'x');
    type_text(&mut m, "wrong patient");
    enter(&mut m);
    m
}

fn manager_revealed(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_detail(td, lang);
    char_key(&mut m, 'i');
    m
}

fn manager_unlock_form(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_list(td, lang);
    char_key(&mut m, 'U');
    type_text(&mut m, "nobody.here");
    enter(&mut m);
    m
}

fn manager_unlock_confirm(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_list(td, lang);
    char_key(&mut m, 'U');
    type_text(&mut m, ISSUER.0);
    enter(&mut m);
    m
}

fn manager_audit(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_list(td, lang);
    char_key(&mut m, 'L');
    m
}

fn manager_audit_filter(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_audit(td, lang);
    char_key(&mut m, '/');
    m
}

fn help_popup(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_detail(td, lang);
    char_key(&mut m, '?');
    m
}

fn quit_confirm(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut m = manager_record_form(td, lang);
    for _ in 0..4 {
        tab(&mut m);
    }
    type_text(&mut m, "FA0001");
    ctrl(&mut m, 'c');
    m
}

fn issuer_queue(td: &TestDesk, lang: Lang) -> Shell<'_> {
    shell_in(&td.desk, Some(Role::Issuer), lang)
}

fn issuer_application_opened(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_queue(td, lang);
    char_key(&mut i, 'j');
    enter(&mut i);
    i
}

fn issuer_issue_confirm(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_queue(td, lang);
    char_key(&mut i, 'i');
    i
}

fn issuer_issued_toast(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_issue_confirm(td, lang);
    char_key(&mut i, 'y');
    i
}

fn issuer_reject_form(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_queue(td, lang);
    char_key(&mut i, 'r');
    i
}

fn issuer_reject_confirm(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_reject_form(td, lang);
    type_text(&mut i, "서류 미비");
    enter(&mut i);
    i
}

fn issuer_issued_list(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_queue(td, lang);
    tab(&mut i);
    i
}

fn issuer_issued_search(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_issued_list(td, lang);
    char_key(&mut i, '/');
    type_text(&mut i, "김민");
    i
}

fn issuer_revoke_form(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_issued_list(td, lang);
    char_key(&mut i, 'x');
    i
}

fn issuer_certificate(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_issued_list(td, lang);
    char_key(&mut i, 'v');
    i
}

fn issuer_help(td: &TestDesk, lang: Lang) -> Shell<'_> {
    let mut i = issuer_queue(td, lang);
    char_key(&mut i, '?');
    i
}

/// Every screen of the desk: the role picker, the sign-ins and the lock, the kiosk, the
/// manager's and the issuer's screens, their forms, questions, help and notices.
const SCREENS: &[(&str, Recipe)] = &[
    ("role_picker", picker),
    ("citizen_sign_in", citizen_sign_in),
    ("citizen_sign_in_no_match", citizen_sign_in_no_match),
    ("citizen_sign_in_bad_date", citizen_sign_in_bad_date),
    ("citizen_page", citizen_page),
    ("citizen_page_issued", citizen_page_issued),
    ("citizen_certificate", citizen_certificate),
    ("citizen_certificate_text", citizen_certificate_text),
    ("citizen_cancel_confirm", citizen_cancel_confirm),
    ("citizen_cancelled_toast", citizen_cancelled_toast),
    ("citizen_apply_refused", citizen_apply_refused),
    ("citizen_help", citizen_help),
    ("kiosk_close", kiosk_close),
    ("staff_sign_in", staff_sign_in),
    ("staff_sign_in_demo", staff_sign_in_demo),
    ("staff_sign_in_wrong", staff_sign_in_wrong),
    ("staff_idle_lock", staff_idle_lock),
    ("manager_list", manager_list),
    ("manager_search", manager_search),
    ("manager_search_none", manager_search_none),
    ("manager_detail", manager_detail),
    ("manager_register_error", manager_register_error),
    ("manager_registered_toast", manager_registered_toast),
    ("manager_edit_citizen", manager_edit_citizen),
    ("manager_record_form", manager_record_form),
    ("manager_record_choice_typed", manager_record_choice_typed),
    ("manager_record_error", manager_record_error),
    ("manager_edit_form", manager_edit_form),
    ("manager_void_form", manager_void_form),
    ("manager_void_confirm", manager_void_confirm),
    ("manager_revealed", manager_revealed),
    ("manager_unlock_form", manager_unlock_form),
    ("manager_unlock_confirm", manager_unlock_confirm),
    ("manager_audit", manager_audit),
    ("manager_audit_filter", manager_audit_filter),
    ("help_popup", help_popup),
    ("quit_confirm", quit_confirm),
    ("issuer_queue", issuer_queue),
    ("issuer_application_opened", issuer_application_opened),
    ("issuer_issue_confirm", issuer_issue_confirm),
    ("issuer_issued_toast", issuer_issued_toast),
    ("issuer_reject_form", issuer_reject_form),
    ("issuer_reject_confirm", issuer_reject_confirm),
    ("issuer_issued_list", issuer_issued_list),
    ("issuer_issued_search", issuer_issued_search),
    ("issuer_revoke_form", issuer_revoke_form),
    ("issuer_certificate", issuer_certificate),
    ("issuer_help", issuer_help),
];

/// Redactions: (pattern, replacement of the same width).
const FILTERS: &[(&str, &str)] = &[
    // Local date and time, which depend on the machine's time zone.
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "YYYY-MM-DD hh:mm"),
    (r"\b\d{2}-\d{2} \d{2}:\d{2}", "MM-DD hh:mm"),
    // A certificate's expiry, shown as a local date.
    (r"(valid until|유효기간) \d{4}-\d{2}-\d{2}", "$1 YYYY-MM-DD"),
    // The record form's default date: today, in local time.
    (
        r"(Date given\s+|접종일\s+)\d{4}-\d{2}-\d{2}",
        "${1}YYYY-MM-DD",
    ),
    // The random per-database tag in certificate ids, and the check character it changes.
    (r"VXD[0-9A-F]{8}(\d{8})#[A-Z0-9/:]", "VXD[tag-id]$1#?"),
    (r"(\d+#)[A-Z0-9/:]", "${1}?"),
    // A time cut by a popup's border.
    (r"\b\d{2}-\d{2} \d{2}:\d\b", "MM-DD hh:m"),
    (r"\d{4}-\d{2}-\d{2} \d{2}([^:\d])", "YYYY-MM-DD hh$1"),
    // A whole resident id (shown on purpose after `i`): no snapshot holds one.
    (r"\b\d{6}-\d{7}\b", "YYMMDD-NNNNNNN"),
    // The desk an audit row came from: host, terminal and process differ from run to run.
    (
        r"\b(desk|데스크) [^,\n]*, [^,\n]*, pid \d+",
        "$1 HOST, TTY, pid PID",
    ),
    // The certificate's text (HC1:...) in its box, which holds the tag and a signature.
    (
        r"(?m)^│ *[0-9A-Z$%*+\-./:][0-9A-Z $%*+\-./:]*│$",
        "│[certificate text]│",
    ),
];

/// The screen as text at 80x24, with a check that a wide character never overflows a row.
fn draw_80x24(shell: &mut Shell<'_>) -> String {
    let buffer = draw(shell, 80, 24);
    let text = text(&buffer);
    for line in text.lines() {
        assert!(columns(line) <= 80, "a row wider than 80 columns: {line:?}");
    }
    text
}

/// Each screen in each language, drawn at 80x24 on a fresh demo clinic.
fn both_languages(mut each: impl FnMut(&str, Lang, &str)) {
    for (name, recipe) in SCREENS {
        for lang in [Lang::En, Lang::Ko] {
            let td = demo();
            let mut shell = recipe(&td, lang);
            let text = draw_80x24(&mut shell);
            each(name, lang, &text);
        }
    }
}

/// Every screen in both languages at 80x24.
#[test]
fn every_screen_in_both_languages_at_80x24() {
    let mut settings = insta::Settings::clone_current();
    for (pattern, replacement) in FILTERS {
        settings.add_filter(pattern, *replacement);
    }
    settings.set_prepend_module_to_snapshot(true);
    both_languages(|name, lang, text| {
        if lang == Lang::Ko {
            // The footer always keeps help and quit, in Korean.
            let footer = text.lines().last().unwrap_or("");
            assert!(
                footer.contains("도움말") || footer.contains("로그인") || footer.contains("Enter"),
                "{name}: {footer}"
            );
        }
        // The certificate as text is as long as its signature and compression make it: it is
        // checked, not recorded.
        if name == "citizen_certificate_text" {
            assert!(text.contains("HC1:"), "{name}: {text}");
            return;
        }
        settings.bind(|| {
            insta::assert_snapshot!(format!("{}_{name}_80x24", lang.code()), text);
        });
    });
}

/// Words of the English table that may stand on a Korean screen: codes, key names and data
/// (product names come from the catalogue; staff names, the subscribers' names, ICAO names
/// and audit actions are data or for support, and stay as they are).
const ALLOWED: &[&str] = &[
    // Codes and formats.
    "uvci",
    "hc1",
    "icao",
    "mrz",
    "yyyy",
    "yymmdd",
    "nnnnnnn",
    "pid",
    // The program's own name, in the title of every screen.
    "vaxdesk",
    // Key names.
    "enter",
    "esc",
    "tab",
    "backspace",
    "bksp",
    "ctrl",
    "pgup",
    "pgdn",
    "home",
    "end",
    "space",
];

/// The English words of the message table (three letters or more), lower case.
fn english_words() -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for (_, t) in vaxdesk::i18n::all() {
        for w in t.en.split(|c: char| !c.is_ascii_alphabetic()) {
            if w.len() >= 3 {
                words.insert(w.to_lowercase());
            }
        }
    }
    let catalogue = vaxdesk::domain::Catalogue::bundled();
    let mut allowed: BTreeSet<String> = ALLOWED.iter().map(|w| w.to_string()).collect();
    for p in catalogue.products() {
        for w in [&p.name, &p.manufacturer_name]
            .into_iter()
            .flat_map(|n| n.split(|c: char| !c.is_ascii_alphabetic()))
        {
            allowed.insert(w.to_lowercase());
        }
    }
    words.retain(|w| !allowed.contains(w));
    words
}

/// What the demo clinic holds that is data, not wording: staff names, machine-readable names,
/// audit actions and results, subscribers' names, a reason typed in English.
fn data_words(text: &str) -> String {
    let mut text = text.to_string();
    for data in [
        // Staff accounts and the demo's passphrases.
        "nurse.kim",
        "issuer.lee",
        "issuer:kang.minho",
        "demo.manager",
        "demo.issuer",
        "manager-demo-pass",
        "issuer-demo-pass",
        "nobody.here",
        // A reason typed in English, and the seed's centres.
        "wrong patient",
        "Vaccination Centre",
        "Health Centre",
        // The audit log's actors, actions and details are for support: English by design.
        "admin:test",
        "seed:demo-see",
        "sign-in",
        "staff add",
        "  seed  ",
        "MANAGER",
    ] {
        text = text.replace(data, "");
    }
    text
}

/// The screen without a certificate's `HC1:` text and UVCIs: Base45 is capitals, digits and
/// ` $%*+-./:`, and a UVCI ends in hex, so either may spell any word (a signed certificate
/// once held `ROW`); that is data.
fn without_certificate_text(text: &str) -> String {
    let base45 = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || " $%*+-./:".contains(c);
    text.lines()
        .filter(|line| {
            let inner = line.trim_matches(|c: char| c == '│' || c == ' ');
            !(inner.chars().count() >= 20 && inner.chars().all(base45))
        })
        .map(|line| {
            line.split(' ')
                // A narrow column cuts the UVCI at its front: `…VCI:01:KR:VXD…`.
                .filter(|token| !token.contains("VCI:"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// No Korean screen shows an English word of the message table (a message left untranslated).
#[test]
fn no_korean_screen_shows_an_english_word_of_the_table() {
    let words = english_words();
    let mut found = vec![];
    both_languages(|name, lang, text| {
        if lang != Lang::Ko {
            return;
        }
        let text = without_certificate_text(&data_words(text));
        for w in text.split(|c: char| !c.is_ascii_alphabetic()) {
            if w.len() >= 3 && words.contains(&w.to_lowercase()) {
                found.push(format!("{name}: {w:?}"));
            }
        }
    });
    found.dedup();
    assert!(
        found.is_empty(),
        "English words on Korean screens:\n{}",
        found.join("\n")
    );
}
