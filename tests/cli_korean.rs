//! The commands in Korean: `--lang ko`, or a Korean locale (`LANG=ko_KR.UTF-8`, unless
//! `LC_ALL` or `LC_MESSAGES` says otherwise). What people read is Korean; what programs read
//! (`--json`) is the same in both languages.

mod support;

use std::collections::BTreeSet;
use support::*;

const KIM: &str = "900101-1234567";

/// `vaxdesk --db DB --demo ARGS...` with `--lang ko` and no locale.
fn ko(desk: &Desk, args: &[&str]) -> Run {
    let mut cmd = locale(desk.command(), &[]);
    cmd.args(["--lang", "ko", "--demo"]).args(args);
    run(&mut cmd)
}

/// The same in a Korean locale, without the flag.
fn ko_locale(desk: &Desk, args: &[&str]) -> Run {
    let mut cmd = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    cmd.arg("--demo").args(args);
    run(&mut cmd)
}

/// The same in English (no locale at all).
fn en(desk: &Desk, args: &[&str]) -> Run {
    let mut cmd = locale(desk.command(), &[]);
    cmd.arg("--demo").args(args);
    run(&mut cmd)
}

fn has(out: &str, texts: &[&str]) {
    for t in texts {
        assert!(out.contains(t), "{t:?} is not in:\n{out}");
    }
}

#[test]
fn status_and_queue_read_in_korean_by_flag_or_locale() {
    let desk = Desk::new();
    let status = ko(&desk, &["status", "--citizen", KIM]).ok().stdout;
    has(
        &status,
        &[
            "김 민준  900101-1******  생년월일 1990-01-01",
            "예방접종",
            "접종 차수  백신    접종일      상태",
            "1/2        화이자  2021-06-01  접종 완료",
            "증명서 발급 신청",
            "발급       증명서 URN:UVCI:",
        ],
    );
    // The locale alone gives the same page.
    assert_eq!(
        ko_locale(&desk, &["status", "--citizen", KIM]).ok().stdout,
        status
    );
    // LC_ALL overrides LANG; --lang overrides both.
    let mut c = locale(desk.command(), &[("LANG", "ko_KR.UTF-8"), ("LC_ALL", "C")]);
    let english = run(c.args(["--demo", "status", "--citizen", KIM]))
        .ok()
        .stdout;
    has(&english, &["born 1990-01-01", "Injections", "Applications"]);
    assert_eq!(
        en(&desk, &["status", "--citizen", KIM]).ok().stdout,
        english
    );
    let mut c = locale(desk.command(), &[("LANG", "ko_KR.UTF-8")]);
    let flagged = run(c.args(["--lang", "en", "--demo", "status", "--citizen", KIM]));
    assert_eq!(flagged.ok().stdout, english);

    let queue = ko(&desk, &["queue"]).ok().stdout;
    has(
        &queue,
        &[
            "대기 중인 증명서 발급 신청 4건 (오래된 순)",
            "신청 시각",
            "주민등록번호",
            "모더나",
        ],
    );
}

#[test]
fn json_is_the_same_in_both_languages() {
    let desk = Desk::new();
    for args in [
        &["status", "--citizen", KIM, "--json"][..],
        &["queue", "--json"],
        &["events", "--json"],
        &["staff", "list", "--json"],
    ] {
        let english = en(&desk, args).ok().stdout;
        assert_eq!(ko(&desk, args).ok().stdout, english, "{args:?}");
        assert_eq!(ko_locale(&desk, args).ok().stdout, english, "{args:?}");
    }
}

#[test]
fn seed_import_and_their_refusals_in_korean() {
    let desk = Desk::new();
    let first = ko(&desk, &["doctor"]);
    has(
        &first.stderr,
        &[
            "demo-seed.toml: 46단계를 적용했습니다 (apply 11,",
            "demo: 직원 계정 2개를 만들었습니다",
        ],
    );
    let good = desk.write(
        "day-1.toml",
        &register("850505-1234567", "박", "서연", "1985-05-05"),
    );
    let out = ko(&desk, &["seed", good.to_str().unwrap()]).ok();
    has(&out.stdout, &["1단계를 적용했습니다 (register-citizen 1)"]);
    let again = ko(&desk, &["seed", good.to_str().unwrap()]).ok();
    has(
        &again.stdout,
        &["에 이미 적용했습니다. 아무것도 바꾸지 않았습니다"],
    );

    let bad = desk.write(
        "bad.toml",
        &register("850606-1234567", "박", "서준", "1990-13-45"),
    );
    let out = ko(&desk, &["seed", bad.to_str().unwrap()]).refused();
    has(
        &out.stderr,
        &[
            "1단계 (register-citizen): birth_date: '1990-13-45'은(는) 날짜가 아닙니다 \
           (YYYY-MM-DD, YYYY-MM 또는 YYYY)",
        ],
    );

    let csv = "id,family_name,given_name,birth_date\n850707-1234567,최,지우,1990-13-45\n";
    desk.write("people.csv", csv);
    let out = ko(&desk, &["import", "people.csv"]).refused();
    assert_eq!(
        out.stderr,
        "vaxdesk: people.csv: 2행, birth_date 열: \"1990-13-45\"은(는) 날짜가 아닙니다 \
         (YYYY-MM-DD, YYYY-MM 또는 YYYY)\n"
    );
    let out = en(&desk, &["import", "people.csv"]).refused();
    assert_eq!(
        out.stderr,
        "vaxdesk: people.csv: line 2, column birth_date: \"1990-13-45\" is not a date \
         (YYYY-MM-DD, YYYY-MM or YYYY)\n"
    );
    let good = "id,family_name,given_name,birth_date\n850707-1234567,최,지우,1985-07-07\n";
    desk.write("people.csv", good);
    let out = ko(&desk, &["import", "people.csv"]).ok();
    has(
        &out.stdout,
        &["people.csv: 1행을 가져왔습니다 (UTF-8): 접종자 1명 등록, 0명 일치; 예방접종 0건 기록"],
    );

    let clash = "id,family_name,given_name,birth_date\n850808-1234567,최,지민,1990-12-05\n";
    desk.write("clash.csv", clash);
    let out = ko(&desk, &["import", "clash.csv"]).refused();
    assert_eq!(
        out.stderr,
        "vaxdesk: clash.csv: 2행, birth_date 열: 1990-12-05은(는) 주민등록번호와 맞지 \
         않습니다. 주민등록번호로는 1985-08-08입니다 (앞 여섯 자리와 하이픈 뒤 첫 자리)\n"
    );

    // A refusal of the desk's rules, after parsing: in the locale's language.
    let out = ko_locale(&desk, &["status", "--citizen", "900101-1234568"]).refused();
    has(&out.stderr, &["은(는) 등록되어 있지 않습니다"]);
    // A flag clap cannot read is a usage error (exit 2), in Korean too.
    let out = ko(&desk, &["queue", "--no-such-flag"]).usage();
    has(
        &out.stderr,
        &["오류: '--no-such-flag'은(는) 이 명령에 없는 인수입니다"],
    );
}

#[test]
fn doctor_cert_export_and_verify_in_korean() {
    let desk = Desk::new();
    let doctor = ko(&desk, &["doctor"]).ok().stdout;
    has(
        &doctor,
        &[
            "무결성        정상",
            "대기열        대기 중인 요청 4건",
            "모두 정상입니다.",
        ],
    );

    let out = ko(
        &desk,
        &[
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "2",
            "--format",
            "hc1",
            "--out",
            "cert.txt",
        ],
    )
    .ok();
    has(
        &out.stderr,
        &[
            "증명서 URN:UVCI:",
            "(900101-1******, 접종 차수 2)를 cert.txt에 저장했습니다.",
        ],
    );
    let valid = ko(&desk, &["verify", "cert.txt"]).ok().stdout;
    has(
        &valid,
        &[
            "증명서가 유효합니다.",
            "서명        통과",
            "예방접종     접종 차수 2/2,",
            "2021-06-22",
        ],
    );
    let english = en(&desk, &["verify", "cert.txt", "--json"]).ok().stdout;
    assert_eq!(
        ko(&desk, &["verify", "cert.txt", "--json"]).ok().stdout,
        english
    );

    let text = std::fs::read_to_string(desk.path("cert.txt")).unwrap();
    let mut chars: Vec<char> = text.trim().chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
    desk.write("tampered.txt", &chars.into_iter().collect::<String>());
    let out = ko(&desk, &["verify", "tampered.txt"]).refused();
    has(&out.stdout, &["증명서가 유효하지 않습니다.", "실패"]);
    assert!(
        out.stderr.starts_with("vaxdesk: 검증 실패 ("),
        "{}",
        out.stderr
    );
}

/// The English words of the command line's messages: a Korean output holding one of them
/// forgot to translate something.
fn english_words() -> BTreeSet<String> {
    let kept: BTreeSet<String> = vaxdesk::i18n::cli::KEPT_IN_KOREAN
        .iter()
        .map(|w| w.to_lowercase())
        .collect();
    vaxdesk::i18n::cli::ALL
        .iter()
        .flat_map(|(_, t)| words(t.en))
        .filter(|w| w.len() >= 3 && !kept.contains(w))
        .collect()
}

#[test]
fn korean_output_holds_no_english_word_of_the_message_table() {
    let desk = Desk::new();
    let table = english_words();
    let mut outputs = vec![];
    let mut keep = |r: Run| outputs.push(format!("{}\n{}", r.stdout, r.stderr));
    keep(ko(&desk, &["status", "--citizen", KIM]).ok());
    keep(ko(&desk, &["queue"]).ok());
    keep(ko(&desk, &["doctor"]).ok());
    keep(ko(&desk, &["rebuild-views", "--check"]).ok());
    keep(ko(&desk, &["staff", "list"]).ok());
    keep(ko(&desk, &["export", "--out", "out.csv"]).ok());
    let seed = desk.write(
        "s.toml",
        &register("850505-1234567", "박", "서연", "1985-05-05"),
    );
    keep(ko(&desk, &["seed", seed.to_str().unwrap()]).ok());
    keep(ko(&desk, &["status", "--citizen", "900101-1234568"]).refused());
    keep(
        ko(
            &desk,
            &[
                "cert",
                "export",
                "--citizen",
                KIM,
                "--dose",
                "2",
                "--format",
                "hc1",
                "--out",
                "c.txt",
            ],
        )
        .ok(),
    );
    keep(ko(&desk, &["verify", "c.txt"]).ok());
    // Usage errors, less clap's usage line, the command named for its help and the flags'
    // value names (`<TIME>`): the command's own words, as `--help` spells them.
    for args in [
        &["seed"][..],
        &["frobnicate"],
        &["queue", "--no-such-flag"],
        &["audit", "--since", "yesterday"],
        &["status", "--citizen"],
    ] {
        let r = ko(&desk, args).usage();
        let told: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| !l.starts_with("사용법: ") && !l.starts_with("자세한 내용은 "))
            .collect();
        assert!(told.len() < r.stderr.lines().count(), "{}", r.stderr);
        let mut told = told.join("\n");
        while let Some((open, close)) = told
            .find('<')
            .and_then(|o| Some((o, o + told[o..].find('>')?)))
        {
            told.replace_range(open..=close, "");
        }
        outputs.push(told);
    }
    for out in &outputs {
        // Subscriber names are the desk's own identifiers.
        let found: Vec<String> = words(out)
            .into_iter()
            .filter(|w| table.contains(w) && !["issuance", "applying"].contains(&w.as_str()))
            .collect();
        assert!(found.is_empty(), "English words {found:?} in:\n{out}");
    }
}

#[test]
fn every_cli_message_has_both_texts() {
    for (name, t) in vaxdesk::i18n::cli::ALL {
        assert!(!t.en.trim().is_empty(), "{name}");
        assert!(!t.ko.trim().is_empty(), "{name}");
        assert_ne!(t.en, t.ko, "{name}: not translated");
    }
}
