//! The commands in Korean where a person meets them when something goes wrong or takes long:
//! the progress bar's phases and words, `rebuild-views --check`'s differences, the relay's and
//! the registry's refusals, and the errors of seed and CSV files. None of it shows an English
//! word of the command line's message tables (what is for programs, logs and data aside).

mod support;

use std::collections::BTreeSet;
use support::*;

/// `vaxdesk --db DB --lang ko ARGS...`, no locale set.
fn ko(desk: &Desk, args: &[&str]) -> Run {
    let mut cmd = desk.command();
    for k in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
        cmd.env_remove(k);
    }
    cmd.args(["--lang", "ko"]).args(args);
    run(&mut cmd)
}

/// The English words (three letters or more) of the command line's and the relay's message
/// tables, less the words a Korean text keeps (commands, flags, codes, and the CSV columns a
/// file's error names as the file has them).
fn english_words() -> BTreeSet<String> {
    let kept: BTreeSet<String> = vaxdesk::i18n::cli::KEPT_IN_KOREAN
        .iter()
        .chain(&[
            "registry", "key", "new", "out", "clinic", "relay", "url", "file",
        ])
        .chain(&vaxdesk::app::import::COLUMNS)
        .map(|w| w.to_lowercase())
        .collect();
    vaxdesk::i18n::cli::ALL
        .iter()
        .chain(vaxdesk::i18n::relay::ALL)
        .flat_map(|(_, t)| words(t.en))
        .filter(|w| w.len() >= 3 && !kept.contains(w))
        .collect()
}

fn assert_korean(table: &BTreeSet<String>, text: &str) {
    let found: Vec<String> = words(text)
        .into_iter()
        .filter(|w| table.contains(w))
        .collect();
    assert!(found.is_empty(), "English words {found:?} in:\n{text}");
    assert!(
        text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
        "no Korean in:\n{text}"
    );
}

#[test]
fn rebuild_check_names_each_difference_in_korean() {
    let desk = Desk::new();
    desk.seed_ok(
        "people.toml",
        "[[step]]\naction = \"register-citizen\"\nid = \"900101-1234567\"\nfamily_name = \
         \"김\"\ngiven_name = \"민준\"\nbirth_date = \"1990-01-01\"\n\n[[step]]\naction = \
         \"register-citizen\"\nid = \"850505-1234567\"\nfamily_name = \"박\"\ngiven_name = \
         \"서연\"\nbirth_date = \"1985-05-05\"\n",
    );
    let conn = rusqlite::Connection::open(&desk.db).unwrap();
    conn.execute_batch(
        "UPDATE view_citizens SET given_name = '가짜' WHERE citizen_id = 1;
         DELETE FROM view_citizens WHERE citizen_id = 2;",
    )
    .unwrap();
    drop(conn);
    // Exit 1: the view differs (the lines are the report, on standard output).
    let out = ko(&desk, &["rebuild-views", "--check"]);
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0], "현황 보기가 이벤트 2개로 다시 만든 것과 2곳 다릅니다:",
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with("  접종자 1: 기존 보기 ViewCitizen {")
            && lines[1].contains("\"가짜\"")
            && lines[1].contains(", 다시 만든 보기 ViewCitizen {"),
        "{}",
        out.stdout
    );
    assert!(
        lines[2].starts_with("  접종자 2: 기존 보기에 없음: ViewCitizen {"),
        "{}",
        out.stdout
    );
    // English keeps its lines.
    let en = desk.run(&["rebuild-views", "--check"]);
    assert_eq!(en.code, 1, "{en:?}");
    assert!(
        en.stdout.contains("citizen 1: live ViewCitizen {"),
        "{}",
        en.stdout
    );
    assert!(
        en.stdout
            .contains("citizen 2: missing from the live view: ViewCitizen {"),
        "{}",
        en.stdout
    );
}

#[test]
fn relay_and_registry_refusals_read_in_korean() {
    let desk = Desk::new();
    let table = english_words();
    let unreachable = "postgres://127.0.0.1:1/x";

    let out = ko(&desk, &["relay", "--to", unreachable, "--clinic", "a"]).refused();
    assert_eq!(
        out.stderr,
        "vaxdesk: 등록부 키가 없습니다: --registry-key FILE 로 주세요 (또는 설정의 [relay] \
         registry_key_file). 키는 `vaxdesk registry new-key --out FILE` 로 만듭니다\n"
    );

    ko(&desk, &["registry", "new-key", "--out", "region.key"]).ok();
    let again = ko(&desk, &["registry", "new-key", "--out", "region.key"]).refused();
    assert_korean(&table, &again.stderr);
    assert!(again.stderr.contains("이미 있습니다"), "{}", again.stderr);

    let bad_clinic = ko(
        &desk,
        &[
            "relay",
            "--to",
            unreachable,
            "--clinic",
            "a b",
            "--registry-key",
            "region.key",
            "--once",
        ],
    )
    .refused();
    assert_eq!(
        bad_clinic.stderr,
        "vaxdesk: 중계: --clinic: 기관 이름에는 글자, 숫자, '.', '_', '-'만 쓸 수 있습니다\n"
    );

    let down = ko(
        &desk,
        &[
            "relay",
            "--to",
            unreachable,
            "--clinic",
            "a",
            "--registry-key",
            "region.key",
            "--once",
        ],
    )
    .refused();
    assert!(
        down.stderr
            .starts_with("vaxdesk: 중계: 등록부 postgresql://127.0.0.1:1/x에 연결하거나"),
        "{}",
        down.stderr
    );

    let both = ko(
        &desk,
        &["relay", "--to", "mysql://x", "--registry-key", "no.key"],
    )
    .refused();
    assert_korean(&table, &both.stderr);
    assert!(
        both.stderr.contains("--to: PostgreSQL URL이 아닙니다") && both.stderr.contains("no.key"),
        "{}",
        both.stderr
    );

    for args in [
        &["registry", "stats"][..],
        &["registry", "stats", "--from", unreachable],
        &[
            "registry",
            "status",
            "--from",
            unreachable,
            "--registry-key",
            "region.key",
            "--citizen",
            "900101-1234567",
        ],
    ] {
        let out = ko(&desk, args).refused();
        assert_korean(&table, &out.stderr);
        assert!(out.stderr.contains("등록부"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn seed_csv_and_file_errors_read_in_korean() {
    let desk = Desk::new();
    let table = english_words();
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "missing.toml",
            "",
            "missing.toml: 읽을 수 없습니다: 파일이나 폴더가 없습니다 (시스템 오류 2)",
        ),
        (
            "no-family.toml",
            "[[step]]\naction = \"register-citizen\"\nid = \"900101-1234567\"\n",
            "no-family.toml: 1단계 (register-citizen): family_name: 없습니다 \
             (register-citizen에 꼭 있어야 합니다)",
        ),
        (
            "typed.toml",
            "[[step]]\naction = \"register-citizen\"\nid = 5\n",
            "typed.toml: 1단계 (register-citizen): id: 문자열이어야 합니다. 받은 값: 정수",
        ),
        (
            "header.csv",
            "id,family_name\n1,2\n",
            "header.csv: 1행: given_name 열이 없습니다 (모든 파일에 id, family_name, \
             given_name, birth_date 열이 있어야 합니다)",
        ),
        (
            "future.csv",
            "id,family_name,given_name,birth_date,product,dose,date\n900101-1234567,김,민준,\
             1990-01-01,EU/1/20/1528,1,2099-01-01\n",
            "future.csv: 2행, date 열: 2099-01-01은(는) 미래입니다",
        ),
    ];
    for (name, text, said) in cases {
        if !text.is_empty() {
            desk.write(name, text);
        }
        let command = if name.ends_with(".csv") {
            "import"
        } else {
            "seed"
        };
        let out = ko(&desk, &[command, name]).refused();
        assert_eq!(out.stderr, format!("vaxdesk: {said}\n"), "{name}");
        assert_korean(&table, &out.stderr);
    }
    std::fs::create_dir(desk.path("folder.csv")).unwrap();
    let out = ko(&desk, &["import", "folder.csv"]).refused();
    assert_eq!(
        out.stderr,
        "vaxdesk: folder.csv: 폴더이며 CSV 파일이 아닙니다\n"
    );
}

/// Everything `vaxdesk ARGS` wrote on a pseudo-terminal.
fn on_a_terminal(desk: &Desk, args: &[&str]) -> String {
    use std::io::Read;
    let (master, mut child) = desk.spawn_in_pty(args, &[("LANG", "C.UTF-8")], 120);
    let mut reader = master.try_clone_reader().expect("a PTY reader");
    let mut out = Vec::new();
    let _ = reader.read_to_end(&mut out);
    assert_eq!(child.wait().expect("the binary ends").exit_code(), 0);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn on_a_terminal_the_bar_names_its_phase_in_korean() {
    let desk = Desk::new();
    let mut seed = String::new();
    for i in 0..300 {
        seed.push_str(&format!(
            "[[step]]\naction = \"register-citizen\"\nid = \"900101-1{i:06}\"\nfamily_name = \
             \"김\"\ngiven_name = \"민준{i}\"\nbirth_date = \"1990-01-01\"\n\n"
        ));
    }
    desk.write("people.toml", &seed);
    let text = on_a_terminal(&desk, &["--lang", "ko", "seed", "people.toml"]);
    assert!(text.contains("people.toml 적용 중"), "{text:?}");
    assert!(text.contains("300단계를 적용했습니다"), "{text:?}");

    let text = on_a_terminal(&desk, &["--lang", "ko", "rebuild-views", "--check"]);
    assert!(text.contains("이벤트 다시 적용 중"), "{text:?}");
    let text = on_a_terminal(&desk, &["--lang", "ko", "doctor"]);
    assert!(text.contains("점검 ["), "{text:?}");
    let text = on_a_terminal(&desk, &["--lang", "ko", "export", "--out", "out.csv"]);
    assert!(text.contains("out.csv(으)로 내보내는 중"), "{text:?}");
    // Whatever the bar drew: none of its English (phases, checks, time left, rate units).
    for text in [
        on_a_terminal(&desk, &["--lang", "ko", "rebuild-views"]),
        on_a_terminal(&desk, &["--lang", "ko", "doctor"]),
    ] {
        for english in [
            "seeding",
            "replaying",
            "updating",
            "comparing",
            "integrity check",
            "audit chain",
            " left",
            "/s ",
        ] {
            assert!(!text.contains(english), "{english:?} in {text:?}");
        }
    }
}

#[test]
fn the_bar_words_time_and_rate_in_each_language() {
    use vaxdesk::i18n::{Lang, cli};
    assert_eq!(cli::bar_duration(Lang::Ko, "3s"), "3초");
    assert_eq!(cli::bar_duration(Lang::Ko, "12m"), "12분");
    assert_eq!(cli::bar_duration(Lang::Ko, "2h"), "2시간");
    assert_eq!(cli::bar_duration(Lang::En, "3s"), "3s");
    assert_eq!(cli::bar_rate(Lang::Ko, "12.5"), "12.5/초");
    assert_eq!(cli::bar_rate(Lang::En, "1.00 MiB"), "1.00 MiB/s");
    assert_eq!(cli::BAR_LEFT.get(Lang::Ko), "남음");
}

#[test]
fn files_the_commands_cannot_read_or_write_are_said_in_korean() {
    let desk = Desk::new();
    let table = english_words();
    desk.write("junk.pem", "junk\n");
    let out = ko(
        &desk,
        &["keys", "import", "--cert", "junk.pem", "--key", "junk.pem"],
    )
    .refused();
    assert!(
        out.stderr
            .starts_with("vaxdesk: --cert: PEM 인증서가 아닙니다 ("),
        "{}",
        out.stderr
    );
    let out = ko(
        &desk,
        &["keys", "import", "--cert", "none.pem", "--key", "junk.pem"],
    )
    .refused();
    assert_eq!(
        out.stderr,
        "vaxdesk: none.pem: 파일이나 폴더가 없습니다 (시스템 오류 2)\n"
    );
    let out = ko(&desk, &["export", "--out", "no/such/folder/out.csv"]).refused();
    assert_korean(&table, &out.stderr);
    assert!(out.stderr.contains("에 쓸 수 없습니다"), "{}", out.stderr);
    let out = ko(&desk, &["restore", "no-backup"]).refused();
    assert_korean(&table, &out.stderr);
}

#[test]
fn doctor_warns_of_a_file_others_may_read_in_korean() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    std::fs::set_permissions(&desk.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = ko(&desk, &["doctor"]).ok();
    let db = desk.db.display();
    assert!(
        out.stdout.contains(&format!(
            "경고: {db}의 권한이 0644(으)로 0600보다 넓습니다 (실행: chmod 600 '{db}')"
        )),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("wider"), "{}", out.stdout);
}
