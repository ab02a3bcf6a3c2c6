//! Usage errors (a command line clap cannot read) in Korean: with `--lang ko`, a Korean locale
//! or `language = "ko"` in the configuration, what is wrong is said in Korean, naming the flag,
//! the value or the subcommand as typed, with clap's usage line and where to read more; the
//! exit status stays 2. English mode prints clap's message as it always did. `--help` stays
//! clap's (English).

mod support;

use std::process::Command;
use support::*;

/// `vaxdesk --db DB --lang ko ARGS...`, no locale: a usage error (exit 2, nothing on stdout);
/// its standard error.
fn ko(desk: &Desk, args: &[&str]) -> String {
    let mut cmd = locale(desk.command(), &[]);
    usage(cmd.args(["--lang", "ko"]).args(args))
}

/// `vaxdesk --db DB ARGS...` with `LANG=ko_KR.UTF-8`: a usage error; its standard error.
fn ko_locale(desk: &Desk, args: &[&str]) -> String {
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    usage(cmd.args(args))
}

/// `vaxdesk --db DB ARGS...` without locale: a usage error; its standard error.
fn en(desk: &Desk, args: &[&str]) -> String {
    let mut cmd = locale(desk.command(), &[]);
    usage(cmd.args(args))
}

fn usage(cmd: &mut Command) -> String {
    let r = run(cmd).usage();
    assert!(r.stdout.is_empty(), "{}: {}", r.what, r.stdout);
    r.stderr
}

/// Clap's English, which a Korean usage error must not hold.
const CLAP_ENGLISH: &[&str] = &[
    "error",
    "unexpected",
    "unrecognized",
    "required",
    "invalid",
    "found",
    "provided",
    "supplied",
    "argument",
    "subcommand",
    "cannot",
    "possible values",
    "similar",
    "tip",
    "Usage",
    "information",
    "try",
    "not in",
    "digit",
];

/// `out` is Korean: it holds `texts`, says where to read more in Korean, and holds none of
/// clap's English words (clap's usage line, where it gives one, is checked by the caller).
fn korean(out: &str, texts: &[&str]) {
    for t in texts {
        assert!(out.contains(t), "{t:?} is not in:\n{out}");
    }
    assert!(out.starts_with("오류: "), "{out}");
    assert!(out.contains("자세한 내용은 'vaxdesk"), "{out}");
    let lower = out.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphabetic()).collect();
    for w in CLAP_ENGLISH.iter().map(|w| w.to_lowercase()) {
        let found = if w.contains(' ') {
            lower.contains(&w)
        } else {
            words.contains(&w.as_str())
        };
        assert!(!found, "{w:?} in:\n{out}");
    }
}

#[test]
fn usage_errors_in_korean_by_flag_and_by_locale() {
    let desk = Desk::without_database();
    // A missing argument: what is missing, the subcommand's usage and its help.
    let out = ko(&desk, &["seed"]);
    korean(
        &out,
        &[
            "오류: 꼭 주어야 하는 인수가 빠졌습니다:\n  <FILE>...",
            "사용법: vaxdesk seed <FILE>...",
            "자세한 내용은 'vaxdesk seed --help'에서 볼 수 있습니다.",
        ],
    );
    assert_eq!(ko_locale(&desk, &["seed"]), out);
    // `--lang=ko` reads as `--lang ko`, after the subcommand too (the flag is global).
    let mut cmd = locale(desk.command(), &[]);
    korean(
        &usage(cmd.args(["seed", "--lang=ko"])),
        &[
            "오류: 꼭 주어야 하는 인수가 빠졌습니다:\n  <FILE>...",
            "사용법: vaxdesk seed --lang <LANG> <FILE>...",
            "자세한 내용은 'vaxdesk seed --help'에서 볼 수 있습니다.",
        ],
    );

    // An unknown subcommand, with clap's suggestion.
    let out = ko(&desk, &["frobnicate"]);
    korean(&out, &["'frobnicate'은(는) 없는 하위 명령입니다"]);
    korean(
        &out,
        &["사용법: vaxdesk [OPTIONS] [COMMAND]", "'vaxdesk --help'"],
    );
    let out = ko_locale(&desk, &["stauts"]);
    korean(
        &out,
        &[
            "'stauts'은(는) 없는 하위 명령입니다",
            "참고: 비슷한 하위 명령이 있습니다: 'staff', 'audit', 'status'",
        ],
    );
    let out = ko(&desk, &["rebuild-view"]);
    korean(
        &out,
        &["참고: 비슷한 하위 명령 'rebuild-views'이(가) 있습니다"],
    );

    // A flag without its value.
    let out = ko(&desk, &["status", "--citizen"]);
    korean(
        &out,
        &[
            "'--citizen <ID>'에 값을 주지 않았습니다",
            "'vaxdesk status --help'",
        ],
    );
    assert_eq!(ko_locale(&desk, &["status", "--citizen"]), out);

    // A value that is not one of the flag's values: the values it takes.
    let export = [
        "cert",
        "export",
        "--citizen",
        "900101-1234567",
        "--dose",
        "2",
        "--format",
        "gif",
        "--out",
        "c.gif",
    ];
    let out = ko(&desk, &export);
    korean(
        &out,
        &[
            "'--format <FORMAT>'에 'gif'은(는) 쓸 수 없는 값입니다",
            "[쓸 수 있는 값: ",
            "'vaxdesk cert export --help'",
        ],
    );
    assert_eq!(ko_locale(&desk, &export), out);

    // An unknown flag, and one close to a real one.
    let out = ko(&desk, &["queue", "--no-such-flag"]);
    korean(
        &out,
        &[
            "'--no-such-flag'은(는) 이 명령에 없는 인수입니다",
            "사용법: vaxdesk queue [OPTIONS]",
            "'vaxdesk queue --help'",
        ],
    );
    let out = ko_locale(&desk, &["queue", "--jsn"]);
    korean(
        &out,
        &[
            "'--jsn'은(는) 이 명령에 없는 인수입니다",
            "참고: 비슷한 인수 '--json'이(가) 있습니다",
        ],
    );
    // A flag given twice (clap's conflict of a flag with itself).
    let out = ko(&desk, &["status", "--citizen", "a", "--citizen", "b"]);
    korean(
        &out,
        &[
            "'--citizen <ID>'은(는) 한 번만 쓸 수 있습니다",
            "사용법: vaxdesk status [OPTIONS] --citizen <ID>",
        ],
    );
    let mut cmd = locale(desk.command(), &[]);
    let out = usage(cmd.args(["--lang", "ko", "--lang", "en", "queue"]));
    korean(&out, &["'--lang <LANG>'은(는) 한 번만 쓸 수 있습니다"]);

    // A value given to a flag that takes none.
    let out = ko_locale(&desk, &["queue", "--json=yes"]);
    korean(
        &out,
        &[
            "'--json'에는 값을 더 줄 수 없습니다: 'yes'",
            "사용법: vaxdesk queue --json",
        ],
    );

    // A command group without its subcommand shows clap's help (English), exit 2.
    let mut cmd = locale(desk.command(), &[]);
    let r = run(cmd.args(["--lang", "ko", "cert"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("Usage: vaxdesk cert"), "{}", r.stderr);
}

#[test]
fn a_refused_value_keeps_its_parser_s_reason_in_korean() {
    let desk = Desk::without_database();
    let out = ko(&desk, &["audit", "--since", "yesterday"]);
    korean(
        &out,
        &[
            "'--since <TIME>'에 'yesterday'은(는) 쓸 수 없는 값입니다: 날짜(2026-11-25)도 RFC \
             3339 시각(2026-11-25T09:00:00+09:00)도 아닙니다",
        ],
    );
    assert_eq!(ko_locale(&desk, &["audit", "--since", "yesterday"]), out);
    let out = ko(&desk, &["events", "--after", "seven"]);
    korean(
        &out,
        &["'seven'은(는) 쓸 수 없는 값입니다: 숫자가 아닌 글자가 있습니다"],
    );
    let mut dose = vec!["cert", "export", "--citizen", "900101-1234567"];
    dose.extend(["--dose", "0", "--format", "png", "--out", "c.png"]);
    let out = ko(&desk, &dose);
    korean(
        &out,
        &["'0'은(는) 쓸 수 없는 값입니다: 0은(는) 1부터 4294967295까지의 범위를 벗어납니다"],
    );
    let out = ko(&desk, &["verify", "--at", "noon", "x.txt"]);
    korean(
        &out,
        &["'noon'은(는) 쓸 수 없는 값입니다: 2021-06-01T12:00:00Z 같은 RFC 3339 시각이 아닙니다 ("],
    );
}

#[test]
fn typed_values_are_escaped_and_cut_in_korean_too() {
    let desk = Desk::without_database();
    let long = "x".repeat(300);
    let out = ko(&desk, &["audit", "--since", &long]);
    assert!(out.contains(&format!("'{}…'", "x".repeat(79))), "{out}");
    assert!(!out.contains(&"x".repeat(80)), "{out}");
    let hostile = "\u{1b}[31mred\u{7}";
    for args in [
        vec![hostile.to_string()],
        vec!["queue".to_string(), format!("--x{hostile}")],
        vec![
            "cert".into(),
            "export".into(),
            "--format".into(),
            hostile.into(),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ko(&desk, &args);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("\\u{1b}[31mred\\u{7}'"), "{args:?}: {out}");
    }
}

#[test]
fn the_configuration_s_language_decides_when_no_flag_does() {
    let desk = Desk::without_database();
    desk.write("xdg-config/vaxdesk/config.toml", "language = \"ko\"\n");
    let out = en(&desk, &["frobnicate"]);
    korean(&out, &["'frobnicate'은(는) 없는 하위 명령입니다"]);
    // --lang wins over the configuration, the configuration over the locale.
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    let english = usage(cmd.args(["--lang", "en", "frobnicate"]));
    assert!(
        english.starts_with("error: unrecognized subcommand 'frobnicate'"),
        "{english}"
    );
    desk.write("en.toml", "language = \"en\"\n");
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    assert_eq!(
        usage(cmd.args(["--config", "en.toml", "frobnicate"])),
        english
    );
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    cmd.env("VAXDESK_CONFIG", "en.toml");
    assert_eq!(usage(cmd.args(["frobnicate"])), english);

    // A configuration that does not read leaves the usage error a usage error, in the
    // locale's language.
    desk.write("broken.toml", "language = \n[[[");
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    let out = usage(cmd.args(["--config", "broken.toml", "frobnicate"]));
    korean(&out, &["'frobnicate'은(는) 없는 하위 명령입니다"]);
    let mut cmd = locale(desk.command(), &[]);
    let out = usage(cmd.args(["--config=broken.toml", "frobnicate"]));
    assert!(out.starts_with("error: unrecognized subcommand"), "{out}");
    std::fs::create_dir(desk.path("folder.toml")).unwrap();
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    let out = usage(cmd.args(["--config", "folder.toml", "frobnicate"]));
    korean(&out, &["'frobnicate'은(는) 없는 하위 명령입니다"]);
}

#[test]
fn english_usage_errors_are_clap_s_as_before() {
    let desk = Desk::without_database();
    assert_eq!(
        en(&desk, &["seed"]),
        "error: the following required arguments were not provided:\n  <FILE>...\n\n\
         Usage: vaxdesk seed <FILE>...\n\nFor more information, try '--help'.\n"
    );
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8"), ("LC_ALL", "C")]);
    assert_eq!(usage(cmd.args(["seed"])), en(&desk, &["seed"]));
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    assert_eq!(
        usage(cmd.args(["--lang", "en", "status", "--citizen"])),
        en(&desk, &["status", "--citizen"])
    );
    // A --lang clap refuses is a usage error of its own, in the locale's language.
    let out = en(&desk, &["--lang", "fr", "queue"]);
    assert!(
        out.starts_with("error: invalid value 'fr' for '--lang <LANG>'"),
        "{out}"
    );
    let out = ko_locale(&desk, &["--lang", "fr", "queue"]);
    korean(
        &out,
        &[
            "'--lang <LANG>'에 'fr'은(는) 쓸 수 없는 값입니다",
            "ko",
            "en",
        ],
    );
    // Help stays clap's, in English, whatever the language.
    let mut cmd = locale(desk.command(), &[]);
    let help = run(cmd.args(["--lang", "ko", "seed", "--help"])).ok();
    assert!(
        help.stdout.contains("Usage: vaxdesk seed"),
        "{}",
        help.stdout
    );
}
