//! Korean and English: which language a person gets, and the message table.

use vaxdesk::config::Config;
use vaxdesk::i18n::{Lang, detect};

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
