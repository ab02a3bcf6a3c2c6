//! The command line's words (`src/cli/`): the summaries and tables the commands print for
//! people, and their refusals and errors. What is for programs stays English: `--json`, event
//! names, audit actions, the log; clap's `--help` is clap's (English), its usage errors are
//! told in Korean from their kind and values (`USAGE_*`, [`usage_text`]).
//!
//! Errors made in `app/` keep their English `Display` (the message JSON and the logs carry);
//! [`error`] renders them in Korean by their type and variant: a refusal by its rule and field
//! ([`super::common::refusal`]), a seed or CSV file's error with the same parts as in English
//! (file, line, column or step, and the reason).

use super::Lang;
use super::common;
use crate::app::AppError;
use crate::app::import::{ImportError, ImportFailure, ImportOutcome};
use crate::app::progress::{Check, Phase};
use crate::app::queries::{Difference, ViewTable};
use crate::app::seed::{SeedError, SeedOutcome};
use crate::domain::Refusal;
use std::any::Any;
use std::fmt::Display;

crate::messages! {
    BORN { en: "born", ko: "생년월일" }
    INJECTIONS { en: "Injections", ko: "예방접종" }
    NONE_RECORDED { en: "  none recorded", ko: "  기록 없음" }
    APPLICATIONS { en: "Applications", ko: "증명서 발급 신청" }
    NONE { en: "  none", ko: "  없음" }
    COL_DOSE { en: "dose", ko: "접종 차수" }
    COL_VACCINE { en: "vaccine", ko: "백신" }
    COL_DATE { en: "date", ko: "접종일" }
    COL_STATUS { en: "status", ko: "상태" }
    COL_APPLIED { en: "applied", ko: "신청 시각" }
    COL_NAME { en: "name", ko: "이름" }
    COL_ID { en: "id", ko: "주민등록번호" }
    COL_GIVEN { en: "given", ko: "접종일" }
    COL_CHECKPOINT { en: "checkpoint", ko: "처리 위치" }
    COL_LAG { en: "lag", ko: "밀린 수" }
    COL_BREAKER { en: "breaker", ko: "차단기" }
    COL_LAST_ERROR { en: "last error", ko: "마지막 오류" }
    COL_STEP { en: "step", ko: "단계" }
    COL_RESULT { en: "result", ko: "결과" }
    COL_DETAIL { en: "detail", ko: "내용" }
    COL_ROLE { en: "role", ko: "역할" }
    COL_STATE { en: "state", ko: "상태" }
    COL_SEQ { en: "seq", ko: "번호" }
    COL_TIME { en: "time", ko: "시각" }
    COL_ACTOR { en: "actor", ko: "처리자" }
    COL_ACTION { en: "action", ko: "작업" }
    COL_CITIZEN { en: "citizen", ko: "접종자" }
    COL_DESK { en: "desk", ko: "데스크" }
    DELAYED {
        en: "Your application is received. Issuance is delayed at the moment; it will be processed later.",
        ko: "증명서 발급 신청이 접수되었습니다. 지금은 발급이 늦어지고 있으며, 나중에 처리됩니다."
    }
    QUEUE_EMPTY { en: "The queue is empty: no pending applications.",
        ko: "대기열이 비어 있습니다: 대기 중인 증명서 발급 신청이 없습니다." }
    STEP_OK { en: "ok", ko: "통과" }
    STEP_FAILED { en: "FAILED", ko: "실패" }
    VALID { en: "The certificate is valid.", ko: "증명서가 유효합니다." }
    NOT_VALID { en: "The certificate is NOT valid.", ko: "증명서가 유효하지 않습니다." }
    DOCTOR_DATABASE { en: "database     ", ko: "데이터베이스  " }
    DOCTOR_INTEGRITY { en: "integrity    ", ko: "무결성        " }
    DOCTOR_SCHEMA { en: "schema       ", ko: "스키마        " }
    DOCTOR_EVENTS { en: "events       ", ko: "이벤트        " }
    DOCTOR_QUEUE { en: "queue        ", ko: "대기열        " }
    DOCTOR_AUDIT { en: "audit log    ", ko: "감사 기록     " }
    DOCTOR_SUBSCRIBERS { en: "subscribers", ko: "구독자" }
    ALL_WELL { en: "All well.", ko: "모두 정상입니다." }
    ALL_WELL_ONE { en: "All well, apart from the warning above.",
        ko: "위의 경고 하나를 빼면 모두 정상입니다." }
    STAFF_NONE {
        en: "There are no staff accounts yet; add one with: vaxdesk staff add NAME --role manager",
        ko: "아직 직원 계정이 없습니다. 추가하려면: vaxdesk staff add NAME --role manager"
    }
    STAFF_DISABLED { en: "disabled", ko: "사용 중지" }
    STAFF_ACTIVE { en: "active", ko: "사용 중" }
    AUDIT_NONE { en: "There are no audit rows that match.", ko: "조건에 맞는 감사 기록이 없습니다." }
    KEYS_LEFT_OUT { en: "the keys were left out", ko: "키는 넣지 않았습니다" }
    BACKUP_WITHOUT_KEYS {
        en: "Keep the keys apart from it: restoring needs the resident-id key in the keys folder.",
        ko: "키는 따로 보관하세요: 복원하려면 키 폴더에 주민등록번호 키가 있어야 합니다."
    }
    BACKUP_WITH_KEYS {
        en: "It holds the keys, so it reads like the desk itself: keep it as safe as the desk.",
        ko: "키가 들어 있어 데스크와 똑같이 읽을 수 있습니다: 데스크만큼 안전하게 보관하세요."
    }
    DOCTOR_ON_RESTORED { en: "Doctor's checks on the restored database:",
        ko: "복원한 데이터베이스 점검 결과:" }
    VERIFY_NOT_EVERY_STEP { en: "verify failed: not every step ran",
        ko: "검증 실패: 모든 단계가 실행되지 않았습니다" }
    NO_TRUSTED_SIGNERS {
        en: "there are no trusted signer certificates (no data directory); pass --trust PEM_FILE",
        ko: "신뢰하는 서명 인증서가 없습니다 (데이터 폴더 없음). --trust PEM_FILE 을 주세요"
    }
    PAPER_ONLY_PDF {
        en: "--paper: only the printed certificate (--format pdf) has a paper size",
        ko: "--paper: 용지 크기는 인쇄용 증명서(--format pdf)에만 있습니다"
    }
    NO_DATA_DIR_DB {
        en: "cannot find a data directory for the database; give one with --db PATH",
        ko: "데이터베이스를 둘 데이터 폴더를 찾을 수 없습니다. --db PATH 로 지정하세요"
    }
    NO_DATA_DIR_KEYS { en: "cannot find a data directory for the keys",
        ko: "키를 둘 데이터 폴더를 찾을 수 없습니다" }
    NO_KEYS_FOLDER {
        en: "cannot find a folder for the keys; give one with --keys DIR",
        ko: "키 폴더를 찾을 수 없습니다. --keys DIR 로 지정하세요"
    }
    NEEDS_TERMINAL {
        en: "the desk needs a terminal; for scripts use a subcommand (see --help)",
        ko: "데스크 화면에는 터미널이 필요합니다. 스크립트에서는 하위 명령을 쓰세요 (--help 참고)"
    }
    ACTOR_EMPTY { en: "--actor: must not be empty", ko: "--actor: 비어 있으면 안 됩니다" }
    PASS_NOT_UTF8 { en: "--passphrase-stdin: the passphrase is not UTF-8 text",
        ko: "--passphrase-stdin: 암호가 UTF-8 텍스트가 아닙니다" }
    PASS_NO_TERMINAL { en: "no terminal to ask for the passphrase; use --passphrase-stdin",
        ko: "암호를 물을 터미널이 없습니다. --passphrase-stdin 을 쓰세요" }
    PASS_DIFFER { en: "passphrase: the two entries differ; nothing was changed",
        ko: "암호: 두 번 입력한 값이 다릅니다. 아무것도 바꾸지 않았습니다" }
    PASS_AGAIN { en: "Again: ", ko: "다시 입력: " }
    // A command line clap cannot read (`src/cli/usage.rs`), by clap's error kind. English
    // prints clap's own message: `en` is clap's wording, for reference and for the English
    // words a Korean text must not hold; `{0}`, `{1}`, ... are its values, in clap's order.
    USAGE_ERROR { en: "error:", ko: "오류:" }
    USAGE_VALUE_NEEDED { en: "a value is required for '{0}' but none was supplied",
        ko: "'{0}'에 값을 주지 않았습니다" }
    USAGE_BAD_VALUE { en: "invalid value '{1}' for '{0}'",
        ko: "'{0}'에 '{1}'은(는) 쓸 수 없는 값입니다" }
    USAGE_BAD_VALUE_BECAUSE { en: "invalid value '{1}' for '{0}': {2}",
        ko: "'{0}'에 '{1}'은(는) 쓸 수 없는 값입니다: {2}" }
    USAGE_POSSIBLE_VALUES { en: "possible values", ko: "쓸 수 있는 값" }
    USAGE_UNKNOWN_ARGUMENT { en: "unexpected argument '{0}' found",
        ko: "'{0}'은(는) 이 명령에 없는 인수입니다" }
    USAGE_UNKNOWN_SUBCOMMAND { en: "unrecognized subcommand '{0}'",
        ko: "'{0}'은(는) 없는 하위 명령입니다" }
    USAGE_MISSING_ARGUMENTS { en: "the following required arguments were not provided:",
        ko: "꼭 주어야 하는 인수가 빠졌습니다:" }
    USAGE_MISSING_SUBCOMMAND { en: "'{0}' requires a subcommand but one was not provided",
        ko: "'{0}' 다음에 하위 명령을 주어야 합니다" }
    USAGE_SUBCOMMANDS { en: "subcommands", ko: "하위 명령" }
    USAGE_CONFLICT { en: "the argument '{0}' cannot be used with '{1}'",
        ko: "'{0}'은(는) '{1}'와(과) 함께 쓸 수 없습니다" }
    USAGE_CONFLICT_LIST { en: "the argument '{0}' cannot be used with:",
        ko: "'{0}'은(는) 다음 인수와 함께 쓸 수 없습니다:" }
    USAGE_CONFLICT_OTHERS {
        en: "the argument '{0}' cannot be used with one or more of the other specified arguments",
        ko: "'{0}'은(는) 함께 준 다른 인수와 같이 쓸 수 없습니다"
    }
    USAGE_REPEATED { en: "the argument '{0}' cannot be used multiple times",
        ko: "'{0}'은(는) 한 번만 쓸 수 있습니다" }
    USAGE_TOO_MANY { en: "unexpected value '{1}' for '{0}' found; no more were expected",
        ko: "'{0}'에는 값을 더 줄 수 없습니다: '{1}'" }
    USAGE_TOO_FEW { en: "{2} values required by '{0}'; only {1} provided",
        ko: "'{0}'에는 값이 {2}개 필요한데 {1}개만 주었습니다" }
    USAGE_WRONG_NUMBER { en: "{2} values required for '{0}' but {1} provided",
        ko: "'{0}'에는 값이 {2}개 필요한데 {1}개를 주었습니다" }
    USAGE_NO_EQUALS { en: "equal sign is needed when assigning values to '{0}'",
        ko: "'{0}'의 값은 등호(=)로 붙여 주세요 ({0}=값)" }
    USAGE_NOT_UTF8 { en: "invalid UTF-8 was detected in one or more arguments",
        ko: "UTF-8 텍스트가 아닌 인수가 있습니다" }
    /// Another kind: clap's English message, framed.
    USAGE_OTHER { en: "{0}", ko: "명령줄을 읽지 못했습니다 (원문): {0}" }
    USAGE_TIP { en: "tip:", ko: "참고:" }
    USAGE_SIMILAR_ARGUMENT { en: "a similar argument exists: '{0}'",
        ko: "비슷한 인수 '{0}'이(가) 있습니다" }
    USAGE_SIMILAR_SUBCOMMAND { en: "a similar subcommand exists: '{0}'",
        ko: "비슷한 하위 명령 '{0}'이(가) 있습니다" }
    USAGE_SIMILAR_SUBCOMMANDS { en: "some similar subcommands exist: {0}",
        ko: "비슷한 하위 명령이 있습니다: {0}" }
    USAGE_SIMILAR_VALUE { en: "a similar value exists: '{0}'",
        ko: "비슷한 값 '{0}'이(가) 있습니다" }
    USAGE_AS_VALUE { en: "to pass '{0}' as a value, use '{1}'",
        ko: "'{0}'을(를) 값으로 주려면 '{1}'처럼 쓰세요" }
    USAGE_REMOVE_DASHES { en: "subcommand '{0}' exists; to use it, remove the '--' before it",
        ko: "하위 명령 '{0}'이(가) 있습니다. 쓰려면 앞의 '--'를 빼세요" }
    USAGE_SUBCOMMAND_FLAG { en: "'{0}' exists", ko: "'{0}'처럼 쓸 수 있습니다" }
    USAGE_LINE { en: "Usage:", ko: "사용법:" }
    USAGE_MORE { en: "For more information, try '{0}'.",
        ko: "자세한 내용은 '{0}'에서 볼 수 있습니다." }
    RESTORE_NO_DEMO {
        en: "restore takes neither --demo nor --seed: it puts a backup back as it was",
        ko: "restore 에는 --demo 도 --seed 도 쓸 수 없습니다: 백업을 있던 그대로 되돌립니다"
    }
    RESTORE_NEEDS_DB { en: "restore needs --db PATH: where the restored database goes",
        ko: "restore 에는 --db PATH 가 필요합니다: 복원한 데이터베이스를 둘 곳" }
    STANDARD_OUTPUT { en: "standard output", ko: "표준 출력" }
    /// After the time a bar has left (`3m left`).
    BAR_LEFT { en: "left", ko: "남음" }
}

/// The words of this table that a Korean text may contain although they are English: codes,
/// file and key names, command names and flags a person types as they are.
pub const KEPT_IN_KOREAN: &[&str] = &[
    "vaxdesk",
    "staff",
    "add",
    "NAME",
    "role",
    "manager",
    "PEM_FILE",
    "trust",
    "paper",
    "format",
    "pdf",
    "db",
    "PATH",
    "keys",
    "DIR",
    "help",
    "actor",
    "passphrase",
    "stdin",
    "UTF",
    "restore",
    "demo",
    "seed",
    "ID",
    "UVCI",
    "HC1",
    "JSON",
    "CSV",
    "MANIFEST",
    "SHA",
    "KiB",
    "MiB",
    "GiB",
    "TiB",
    "ok",
    "YYYY",
    "MM",
    "DD",
];

/// "born 1990-01-01" / "생년월일 1990-01-01".
pub fn status_headline(lang: Lang, name: &str, masked: &str, born: &str) -> String {
    format!("{name}  {masked}  {} {born}", BORN.get(lang))
}

/// A status as the status view stores it (`APPLIED`, `ADMINISTERED`, ...), in `lang`.
pub fn stored_status(lang: Lang, s: &str) -> String {
    if lang == Lang::En {
        return s.to_string();
    }
    if let Ok(a) = s.parse() {
        return common::application_status(lang, a).to_string();
    }
    if let Ok(i) = s.parse() {
        return common::injection_status(lang, i).to_string();
    }
    if s == "REVOKED" {
        return common::REVOKED.get(lang).to_string();
    }
    s.to_string()
}

/// "certificate URN:UVCI:..." / "증명서 URN:UVCI:...".
pub fn certificate(lang: Lang, uvci: &str) -> String {
    match lang {
        Lang::En => format!("certificate {uvci}"),
        Lang::Ko => format!("증명서 {uvci}"),
    }
}

pub fn queue_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("{n} pending application(s), oldest first"),
        Lang::Ko => format!("대기 중인 증명서 발급 신청 {n}건 (오래된 순)"),
    }
}

pub fn no_events_after(lang: Lang, after: i64) -> String {
    match lang {
        Lang::En => format!("No events after {after}."),
        Lang::Ko => format!("{after}번 뒤로 이벤트가 없습니다."),
    }
}

/// `rebuild-views`' first line: (check only, number of events, differences).
pub fn rebuild(lang: Lang, check_only: bool, events: i64, differences: usize) -> String {
    match (lang, check_only, differences) {
        (Lang::En, true, 0) => format!("The status view matches a rebuild from {events} events."),
        (Lang::En, false, 0) => {
            format!("Rebuilt the status view from {events} events (it matched the live view).")
        }
        (Lang::En, true, n) => format!(
            "The status view differs from a rebuild from {events} events ({n} difference(s)):"
        ),
        (Lang::En, false, n) => {
            format!("Rebuilt the status view from {events} events; it repaired {n} difference(s):")
        }
        (Lang::Ko, true, 0) => {
            format!("현황 보기가 이벤트 {events}개로 다시 만든 것과 같습니다.")
        }
        (Lang::Ko, false, 0) => {
            format!("이벤트 {events}개로 현황 보기를 다시 만들었습니다 (기존 보기와 같았습니다).")
        }
        (Lang::Ko, true, n) => {
            format!("현황 보기가 이벤트 {events}개로 다시 만든 것과 {n}곳 다릅니다:")
        }
        (Lang::Ko, false, n) => {
            format!("이벤트 {events}개로 현황 보기를 다시 만들어 {n}곳을 고쳤습니다:")
        }
    }
}

/// One line of `rebuild-views`' differences: the table and key, what differs, and the rows as
/// the store reads them (field names and values, quoted as they are, for support).
pub fn difference(lang: Lang, d: &Difference) -> String {
    if lang == Lang::En {
        return d.to_string();
    }
    let table = |t: &ViewTable| match t {
        ViewTable::Citizen => "접종자",
        ViewTable::Injection => "예방접종",
        ViewTable::Application => "증명서 발급 신청",
    };
    match d {
        Difference::LiveOnly {
            table: t,
            key,
            live,
        } => {
            format!("{} {key}: 기존 보기에만 있음: {live}", table(t))
        }
        Difference::Differs {
            table: t,
            key,
            live,
            rebuilt,
        } => format!(
            "{} {key}: 기존 보기 {live}, 다시 만든 보기 {rebuilt}",
            table(t)
        ),
        Difference::RebuiltOnly {
            table: t,
            key,
            rebuilt,
        } => format!("{} {key}: 기존 보기에 없음: {rebuilt}", table(t)),
        Difference::Other(line) => line.clone(),
    }
}

pub fn schema(lang: Lang, version: i64, current: bool) -> String {
    match (lang, current) {
        (Lang::En, true) => format!("version {version} (current)"),
        (Lang::En, false) => format!("version {version}"),
        (Lang::Ko, true) => format!("버전 {version} (최신)"),
        (Lang::Ko, false) => format!("버전 {version}"),
    }
}

/// The integrity check's words: SQLite's `ok` in Korean; anything else as SQLite says it.
pub fn integrity(lang: Lang, lines: &[String]) -> String {
    if lang == Lang::Ko && lines == ["ok"] {
        return "정상".to_string();
    }
    lines.join("; ")
}

pub fn pending_requests(lang: Lang, n: i64) -> String {
    match lang {
        Lang::En => format!("{n} pending request(s)"),
        Lang::Ko => format!("대기 중인 요청 {n}건"),
    }
}

/// The audit log's chain: rows, and OK with its head, or where it broke.
pub fn audit_chain(
    lang: Lang,
    rows: u64,
    head: Option<(i64, &str)>,
    broken: Option<i64>,
) -> String {
    match lang {
        Lang::En => format!(
            "{rows} row(s), {}",
            match (broken, head) {
                (Some(seq), _) => format!("hash chain broken at row {seq}"),
                (None, Some((seq, hash))) => format!("hash chain OK, head row {seq} {hash}"),
                (None, None) => "hash chain OK".to_string(),
            }
        ),
        Lang::Ko => format!(
            "{rows}행, {}",
            match (broken, head) {
                (Some(seq), _) => format!("해시 체인이 {seq}행에서 끊겼습니다"),
                (None, Some((seq, hash))) => format!("해시 체인 정상, 마지막 행 {seq} {hash}"),
                (None, None) => "해시 체인 정상".to_string(),
            }
        ),
    }
}

/// A subscriber's breaker state (`closed`, `open`, `half-open`).
pub fn breaker(lang: Lang, state: &str) -> String {
    match (lang, state.to_ascii_lowercase().as_str()) {
        (Lang::Ko, "closed") => "닫힘".into(),
        (Lang::Ko, "open") => "열림".into(),
        (Lang::Ko, "half-open" | "half_open") => "반쯤 열림".into(),
        _ => state.to_string(),
    }
}

/// A file or folder others than its owner may read (`doctor`'s warning).
pub fn wide_mode(lang: Lang, w: &crate::privacy::files::WideMode) -> String {
    match lang {
        Lang::En => w.to_string(),
        Lang::Ko => format!(
            "{path}의 권한이 {:04o}(으)로 {:04o}보다 넓습니다 (실행: chmod {:o} '{path}')",
            w.mode,
            w.wanted,
            w.wanted,
            path = w.path.display()
        ),
    }
}

pub fn warning(lang: Lang, w: &str) -> String {
    match lang {
        Lang::En => format!("warning: {w}"),
        Lang::Ko => format!("경고: {w}"),
    }
}

pub fn all_well_warnings(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("All well, apart from the {n} warnings above."),
        Lang::Ko => format!("위의 경고 {n}개를 빼면 모두 정상입니다."),
    }
}

pub fn problems(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("{n} problem(s):"),
        Lang::Ko => format!("문제 {n}건:"),
    }
}

pub fn delivered(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("Delivered {n} event(s)."),
        Lang::Ko => format!("이벤트 {n}개를 전달했습니다."),
    }
}

pub fn subscriber_failed(lang: Lang, name: &str, e: &str) -> String {
    match lang {
        Lang::En => format!("  {name} failed: {e}"),
        Lang::Ko => format!("  {name} 실패: {e}"),
    }
}

pub fn subscriber_waiting(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("  {name} is waiting (backoff or open breaker)"),
        Lang::Ko => format!("  {name} 대기 중 (재시도 대기 또는 차단기 열림)"),
    }
}

/// A step of `verify` by name (`signature`, `key usage`, ...).
pub fn verify_step(lang: Lang, name: &str) -> String {
    let ko = match name {
        "qr" => "QR 읽기",
        "prefix" => "HC1 접두어",
        "base45" => "Base45",
        "zlib" => "zlib",
        "cose" => "COSE",
        "signature" => "서명",
        "key usage" => "키 용도",
        "expiry" => "유효기간",
        "schema" => "스키마",
        "revocation" => "폐기 여부",
        other => other,
    };
    match lang {
        Lang::En => name.to_string(),
        Lang::Ko => ko.to_string(),
    }
}

/// The labels of `verify`'s certificate lines, padded to 13 columns.
pub fn verify_label(lang: Lang, label: &str) -> String {
    let ko = match label {
        "holder" => "소지자",
        "born" => "생년월일",
        "vaccination" => "예방접종",
        "test" => "검사",
        "recovery" => "회복",
        "uvci" => "UVCI",
        "issuer" => "발급 기관",
        "kid" => "키 ID",
        other => other,
    };
    let word = match lang {
        Lang::En => label,
        Lang::Ko => ko,
    };
    let width = unicode_width::UnicodeWidthStr::width(word);
    format!("{word}{}", " ".repeat(13usize.saturating_sub(width)))
}

/// `verify`'s vaccination entry: `dose 2/2, EU/1/20/1528, 2021-06-01`.
pub fn verify_dose(lang: Lang, dn: &str, sd: &str, mp: &str, dt: &str) -> String {
    match lang {
        Lang::En => format!("dose {dn}/{sd}, {mp}, {dt}"),
        Lang::Ko => format!("접종 차수 {dn}/{sd}, {mp}, {dt}"),
    }
}

pub fn first_positive(lang: Lang, fr: &str) -> String {
    match lang {
        Lang::En => format!("first positive {fr}"),
        Lang::Ko => format!("첫 양성 {fr}"),
    }
}

/// `issuer X  issued T  expires T`.
pub fn verify_issuer(lang: Lang, issuer: &str, issued: &str, expires: &str) -> String {
    match lang {
        Lang::En => format!(
            "{}{issuer}  issued {issued}  expires {expires}",
            verify_label(lang, "issuer")
        ),
        Lang::Ko => format!(
            "{}{issuer}  발급 {issued}  만료 {expires}",
            verify_label(lang, "issuer")
        ),
    }
}

pub fn verify_failed(lang: Lang, step: &str, detail: &str) -> String {
    match lang {
        Lang::En => format!("verify failed at {step}: {detail}"),
        Lang::Ko => format!(
            "검증 실패 ({}): {}",
            verify_step(lang, step),
            verify_detail(lang, detail)
        ),
    }
}

/// A file (or `--out FILE`) that could not be read or written: `what` names it, `e` is what
/// the system (or a library) said, its common words in Korean.
pub fn file_error(lang: Lang, what: &str, e: &str) -> String {
    match lang {
        Lang::En => format!("{what}: {e}"),
        Lang::Ko => format!("{what}: {}", reason(lang, e)),
    }
}

/// A certificate that could not be drawn or printed (the library's reason kept).
pub fn certificate_failed(lang: Lang, uvci: &str, e: &str) -> String {
    match lang {
        Lang::En => format!("certificate {uvci}: {e}"),
        Lang::Ko => format!("증명서 {uvci}을(를) 만들 수 없습니다: {e}"),
    }
}

/// `verify` on a desk whose keys folder holds no signer certificate.
pub fn no_desk_signers(lang: Lang, dir: &str) -> String {
    match lang {
        Lang::En => format!(
            "there are no trusted signer certificates (no signer*.pem in {dir}); pass --trust \
             PEM_FILE with the signer's certificate"
        ),
        Lang::Ko => format!(
            "신뢰하는 서명 인증서가 없습니다 ({dir}에 signer*.pem 없음). 서명자의 인증서를 \
             --trust PEM_FILE 로 주세요"
        ),
    }
}

pub fn trust_error(lang: Lang, e: &str) -> String {
    match lang {
        Lang::En => format!("--trust {e}"),
        Lang::Ko => format!("--trust: {}", reason(lang, e)),
    }
}

pub fn revocations_unreadable(lang: Lang, db: &str, e: &str) -> String {
    match lang {
        Lang::En => format!("cannot read this desk's revocations from {db}: {e}"),
        Lang::Ko => format!("{db}에서 이 데스크의 폐기 목록을 읽을 수 없습니다: {e}"),
    }
}

pub fn revocations_not_checked(lang: Lang, db: &str) -> String {
    match lang {
        Lang::En => format!("no database at {db}: its revocations were not checked"),
        Lang::Ko => format!("{db}에 데이터베이스가 없어 폐기 여부를 확인하지 않았습니다"),
    }
}

/// `cert export`'s confirmation on standard error.
pub fn wrote_certificate(lang: Lang, uvci: &str, dose: u32, masked: &str, path: &str) -> String {
    match lang {
        Lang::En => format!("Wrote certificate {uvci} (dose {dose} of {masked}) to {path}."),
        Lang::Ko => format!("증명서 {uvci} ({masked}, 접종 차수 {dose})를 {path}에 저장했습니다."),
    }
}

pub fn warning_line(lang: Lang, w: &str) -> String {
    match lang {
        Lang::En => format!("vaxdesk: warning: {w}"),
        Lang::Ko => format!("vaxdesk: 경고: {w}"),
    }
}

pub fn certificate_revoked(lang: Lang, uvci: &str, at: &str, reason: Option<&str>) -> String {
    match lang {
        Lang::En => format!(
            "certificate {uvci} was revoked at {at}{}; `vaxdesk verify` on this desk rejects it",
            reason.map(|r| format!(" ({r})")).unwrap_or_default()
        ),
        Lang::Ko => format!(
            "증명서 {uvci}은(는) {at}에 폐기되었습니다{}. 이 데스크의 `vaxdesk verify`는 이를 거부합니다",
            reason.map(|r| format!(" ({r})")).unwrap_or_default()
        ),
    }
}

pub fn certificate_not_verifying(lang: Lang, uvci: &str, step: &str, detail: &str) -> String {
    match lang {
        Lang::En => {
            format!("certificate {uvci} does not verify here now: {step}: {detail}")
        }
        Lang::Ko => format!(
            "증명서 {uvci}은(는) 지금 이 데스크에서 검증되지 않습니다: {}: {}",
            verify_step(lang, step),
            verify_detail(lang, detail)
        ),
    }
}

pub fn not_recorded(lang: Lang, uvci: &str, source: &str) -> String {
    match lang {
        Lang::En => format!(
            "certificate {uvci} was exported but the audit log could not record it: {source}"
        ),
        Lang::Ko => {
            format!("증명서 {uvci}을(를) 내보냈지만 감사 기록에 남기지 못했습니다: {source}")
        }
    }
}

pub fn does_not_decode(lang: Lang, uvci: &str, why: Option<&str>) -> String {
    match (lang, why) {
        (Lang::En, Some(why)) => format!("the stored certificate {uvci} does not decode ({why})"),
        (Lang::En, None) => format!("the stored certificate {uvci} does not decode"),
        (Lang::Ko, Some(why)) => format!("저장된 증명서 {uvci}을(를) 해독할 수 없습니다 ({why})"),
        (Lang::Ko, None) => format!("저장된 증명서 {uvci}을(를) 해독할 수 없습니다"),
    }
}

/// A picture or document refused on a terminal.
pub fn not_to_terminal(lang: Lang, kind: &str) -> String {
    let ext = kind.to_lowercase();
    match lang {
        Lang::En => {
            let what = match kind {
                "PNG" => "a PNG picture",
                "SVG" => "a SVG picture",
                _ => "a PDF document",
            };
            format!(
                "refusing to write {what} to the terminal; give --out FILE or redirect standard \
                 output (> certificate.{ext})"
            )
        }
        Lang::Ko => format!(
            "{kind} 파일을 터미널에 쓰지 않습니다. --out FILE 을 주거나 표준 출력을 \
             돌리세요 (> certificate.{ext})"
        ),
    }
}

/// `staff list`'s state of an account.
pub fn staff_state(lang: Lang, locked_until: Option<&str>, failures: u32) -> String {
    match (lang, locked_until, failures) {
        (Lang::En, Some(t), _) => format!("locked until {t}"),
        (Lang::En, None, 0) => STAFF_ACTIVE.en.to_string(),
        (Lang::En, None, 1) => "1 failed attempt".to_string(),
        (Lang::En, None, n) => format!("{n} failed attempts"),
        (Lang::Ko, Some(t), _) => format!("{t}까지 잠김"),
        (Lang::Ko, None, 0) => STAFF_ACTIVE.ko.to_string(),
        (Lang::Ko, None, n) => format!("로그인 실패 {n}회"),
    }
}

pub fn staff_role(lang: Lang, role: &str) -> String {
    match (lang, role.to_lowercase().as_str()) {
        (Lang::Ko, "manager") => "예방접종 관리".into(),
        (Lang::Ko, "issuer") => "증명서 발급".into(),
        (_, r) => r.to_string(),
    }
}

pub fn staff_added(lang: Lang, name: &str, role: &str) -> String {
    match lang {
        Lang::En => format!("Added {name} ({role})."),
        Lang::Ko => format!("{name} 계정을 추가했습니다 ({}).", staff_role(lang, role)),
    }
}

pub fn staff_disabled(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Disabled {name}: it can no longer sign in."),
        Lang::Ko => format!("{name} 계정을 사용 중지했습니다: 더는 로그인할 수 없습니다."),
    }
}

pub fn staff_enabled(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Enabled {name}: it can sign in again."),
        Lang::Ko => format!("{name} 계정을 다시 사용합니다: 다시 로그인할 수 있습니다."),
    }
}

pub fn staff_passwd(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Changed the passphrase of {name}."),
        Lang::Ko => format!("{name} 계정의 암호를 바꿨습니다."),
    }
}

pub fn staff_unlocked(lang: Lang, name: &str, until: &str, failures: u32) -> String {
    match lang {
        Lang::En => format!(
            "Unlocked {name}: it was locked until {until} after {failures} failed attempts."
        ),
        Lang::Ko => format!(
            "{name} 계정의 잠금을 풀었습니다: 로그인 실패 {failures}회로 {until}까지 잠겨 있었습니다."
        ),
    }
}

pub fn staff_cleared(lang: Lang, name: &str, n: u32) -> String {
    match lang {
        Lang::En => format!(
            "{name} was not locked; cleared its {n} failed attempt{}.",
            if n == 1 { "" } else { "s" }
        ),
        Lang::Ko => format!("{name} 계정은 잠겨 있지 않았습니다. 로그인 실패 {n}회를 지웠습니다."),
    }
}

pub fn staff_nothing(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => {
            format!("{name} was not locked and had no failed attempts; nothing to clear.")
        }
        Lang::Ko => {
            format!("{name} 계정은 잠겨 있지 않았고 로그인 실패도 없었습니다. 지울 것이 없습니다.")
        }
    }
}

pub fn passphrase_for(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Passphrase for {name}: "),
        Lang::Ko => format!("{name} 계정의 암호: "),
    }
}

pub fn passphrase_stdin(lang: Lang, e: &str) -> String {
    match lang {
        Lang::En => format!("--passphrase-stdin: {e}"),
        Lang::Ko => format!("--passphrase-stdin: 읽을 수 없습니다: {e}"),
    }
}

pub fn passphrase_terminal(lang: Lang, e: &str) -> String {
    match lang {
        Lang::En => format!("cannot read the passphrase from the terminal: {e}"),
        Lang::Ko => format!("터미널에서 암호를 읽을 수 없습니다: {e}"),
    }
}

pub fn keys_created(lang: Lang, kid: &str, dir: &str, until: &str) -> String {
    match lang {
        Lang::En => format!(
            "Created a country CA and a document signer (kid {kid}) in {dir}; valid until {until}."
        ),
        Lang::Ko => format!(
            "{dir}에 국가 CA와 문서 서명자(키 ID {kid})를 만들었습니다. {until}까지 유효합니다."
        ),
    }
}

pub fn keys_imported(lang: Lang, kid: &str) -> String {
    match lang {
        Lang::En => format!("Imported the signer (kid {kid}); it signs from now on."),
        Lang::Ko => format!("서명자(키 ID {kid})를 가져왔습니다. 지금부터 이 키로 서명합니다."),
    }
}

pub fn keys_rotated(lang: Lang, kid: &str) -> String {
    match lang {
        Lang::En => {
            format!("A new signer (kid {kid}) signs from now on; the old ones stay trusted.")
        }
        Lang::Ko => {
            format!("지금부터 새 서명자(키 ID {kid})가 서명합니다. 이전 서명자도 계속 신뢰합니다.")
        }
    }
}

pub fn init_already(lang: Lang, db: &str) -> String {
    match lang {
        Lang::En => format!("There is already a database at {db}; nothing was changed."),
        Lang::Ko => format!("{db}에 이미 데이터베이스가 있습니다. 아무것도 바꾸지 않았습니다."),
    }
}

pub fn init_created(lang: Lang, db: &str) -> String {
    match lang {
        Lang::En => format!("Created the database {db}."),
        Lang::Ko => format!("데이터베이스 {db}을(를) 만들었습니다."),
    }
}

pub fn init_key_created(lang: Lang, key: &str) -> String {
    match lang {
        Lang::En => format!(
            "Created the resident-id key {key}; keep it (and back it up) with the database: \
             without it the ids in the database cannot be read."
        ),
        Lang::Ko => format!(
            "주민등록번호 키 {key}을(를) 만들었습니다. 데이터베이스와 함께 보관(과 백업)하세요: \
             이 키가 없으면 데이터베이스의 주민등록번호를 읽을 수 없습니다."
        ),
    }
}

pub fn init_key_there(lang: Lang, key: &str) -> String {
    match lang {
        Lang::En => format!(
            "Its resident-id key is {key} (it was already there); keep it with the database."
        ),
        Lang::Ko => format!(
            "주민등록번호 키는 {key}입니다 (이미 있었습니다). 데이터베이스와 함께 보관하세요."
        ),
    }
}

pub fn key_created_note(lang: Lang, key: &str) -> String {
    match lang {
        Lang::En => format!(
            "vaxdesk: created the resident-id key {key}; keep it (and back it up) with the \
             database: without it the ids in the database cannot be read"
        ),
        Lang::Ko => format!(
            "vaxdesk: 주민등록번호 키 {key}을(를) 만들었습니다. 데이터베이스와 함께 보관(과 \
             백업)하세요: 이 키가 없으면 데이터베이스의 주민등록번호를 읽을 수 없습니다"
        ),
    }
}

pub fn demo_signing_key(lang: Lang, kid: &str) -> String {
    match lang {
        Lang::En => format!("demo: created a signing key ({kid})"),
        Lang::Ko => format!("demo: 서명 키를 만들었습니다 ({kid})"),
    }
}

pub fn demo_staff(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => {
            format!("demo: created {n} staff account(s) (shown on the sign-in screen)")
        }
        Lang::Ko => format!("demo: 직원 계정 {n}개를 만들었습니다 (로그인 화면에 보입니다)"),
    }
}

pub fn lost_id_key(lang: Lang, key: &str, db: &str) -> String {
    match lang {
        Lang::En => format!(
            "the resident-id key {key} is missing, and the ids in {db} cannot be read or found \
             without it; restore it from the backup kept with the database (or give its \
             folder with --keys DIR)"
        ),
        Lang::Ko => format!(
            "주민등록번호 키 {key}이(가) 없습니다. 이 키 없이는 {db}의 주민등록번호를 읽거나 \
             찾을 수 없습니다. 데이터베이스와 함께 보관한 백업에서 복원하세요 (또는 --keys \
             DIR 로 그 폴더를 지정하세요)"
        ),
    }
}

pub fn create_database_question(lang: Lang, db: &str) -> String {
    match lang {
        Lang::En => format!("No database at {db}. Create a new clinic database here? (y/N) "),
        Lang::Ko => {
            format!("{db}에 데이터베이스가 없습니다. 여기에 새 데이터베이스를 만들까요? (y/N) ")
        }
    }
}

pub fn config_error(lang: Lang, path: &str, e: &str) -> String {
    match lang {
        Lang::En => format!("config {path}: {e}"),
        Lang::Ko => format!("설정 파일 {path}: {e}"),
    }
}

pub fn now_not_rfc3339(lang: Lang, v: &str) -> String {
    match lang {
        Lang::En => format!("VAXDESK_NOW: '{v}' is not an RFC 3339 time"),
        Lang::Ko => format!("VAXDESK_NOW: '{v}'은(는) RFC 3339 시각이 아닙니다"),
    }
}

pub fn terminal_error(lang: Lang, e: &str) -> String {
    match lang {
        Lang::En => format!("terminal: {e}"),
        Lang::Ko => format!("터미널: {e}"),
    }
}

/// A command on a database that is not there (the English is the desk's own refusal).
pub fn missing_database(lang: Lang, db: &std::path::Path) -> String {
    match lang {
        Lang::En => crate::app::maintenance::missing(db).to_string(),
        Lang::Ko => format!(
            "{}에 데이터베이스가 없습니다 (만들려면: vaxdesk init --db {})",
            db.display(),
            db.display()
        ),
    }
}

/// `man`'s summary.
pub fn man_written(lang: Lang, n: usize, dir: &str) -> String {
    match lang {
        Lang::En => format!("wrote {n} manual pages in {dir}"),
        Lang::Ko => format!("{dir}에 매뉴얼 페이지 {n}개를 썼습니다"),
    }
}

/// What `doctor` finds wrong, in `lang` (English: [`Doctor::problems`]). SQLite's integrity
/// report, a subscriber's last error and the audit chain's reason are quoted as they are.
pub fn doctor_problems(lang: Lang, d: &crate::app::queries::Doctor) -> Vec<String> {
    use crate::app::queries::Finding;
    if lang == Lang::En {
        return d.problems();
    }
    d.findings()
        .into_iter()
        .map(|f| match f {
            Finding::Integrity(report) => format!("무결성 검사: {}", report.join("; ")),
            Finding::Schema { version, expected } => {
                format!("스키마 버전 {version} (기대한 버전 {expected})")
            }
            Finding::SubscriberBehind {
                name,
                lag,
                last_error,
            } => format!(
                "구독자 {name}이(가) 이벤트 {lag}개 밀려 있습니다{}",
                last_error
                    .map(|e| format!(" (마지막 오류: {e})"))
                    .unwrap_or_default()
            ),
            Finding::BreakerNotClosed { name, state } => format!(
                "구독자 {name}의 차단기가 {} 상태입니다",
                breaker(lang, &state.to_string())
            ),
            Finding::UndecodableEvent(e) => reason(lang, e),
            Finding::AuditChainBroken { seq, reason: why } => {
                format!("감사 기록: {seq}행: {}", reason(lang, why))
            }
        })
        .collect()
}

/// A file size as a person reads it (`512 bytes`, `1.5 MiB`).
pub fn bytes(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("{n} bytes"),
        Lang::Ko => format!("{n}바이트"),
    }
}

pub fn key_files(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("{n} key file(s)"),
        Lang::Ko => format!("키 파일 {n}개"),
    }
}

/// `backup`'s summary line.
pub fn backed_up(
    lang: Lang,
    (db, dir): (&str, &str),
    size: &str,
    schema: i64,
    keys: &str,
    taken: &str,
) -> String {
    match lang {
        Lang::En => format!(
            "Backed up {db} to {dir}: the database ({size}, schema version {schema}) and {keys}, \
             taken {taken}; MANIFEST holds each file's SHA-256."
        ),
        Lang::Ko => format!(
            "{db}을(를) {dir}에 백업했습니다: 데이터베이스({size}, 스키마 버전 {schema})와 \
             {keys}, {taken} 시점. MANIFEST에 파일마다 SHA-256이 있습니다."
        ),
    }
}

pub fn restore_checked(
    lang: Lang,
    dir: &str,
    files: usize,
    (taken, version): (&str, &str),
    schema: i64,
) -> String {
    match lang {
        Lang::En => format!(
            "Checked the backup {dir}: {files} file(s) as its MANIFEST lists them (taken {taken} \
             by vaxdesk {version}, schema version {schema})."
        ),
        Lang::Ko => format!(
            "백업 {dir}을(를) 확인했습니다: MANIFEST에 적힌 대로 파일 {files}개 ({taken}에 \
             vaxdesk {version}로 만듦, 스키마 버전 {schema})."
        ),
    }
}

pub fn restored(lang: Lang, db: &str, replaced: bool) -> String {
    match (lang, replaced) {
        (Lang::En, true) => format!("Restored the database {db} (it replaced the one there)."),
        (Lang::En, false) => format!("Restored the database {db}."),
        (Lang::Ko, true) => {
            format!("데이터베이스 {db}을(를) 복원했습니다 (있던 것을 바꿨습니다).")
        }
        (Lang::Ko, false) => format!("데이터베이스 {db}을(를) 복원했습니다."),
    }
}

pub fn restored_keys(lang: Lang, dir: &str, written: usize, there: usize) -> String {
    match lang {
        Lang::En => format!("Key files in {dir}: {written} written, {there} already there."),
        Lang::Ko => format!("{dir}의 키 파일: {written}개 씀, {there}개는 이미 있음."),
    }
}

pub fn restored_no_keys(lang: Lang, dir: &str) -> String {
    match lang {
        Lang::En => format!("The backup holds no keys; the resident-id key in {dir} reads it."),
        Lang::Ko => format!("백업에 키가 없습니다. {dir}의 주민등록번호 키로 읽습니다."),
    }
}

/// `seed`'s line for one file: `applied 12 steps (3 register-citizen, ...)`. Action names are
/// the seed file's own words, kept as written.
pub fn seed_outcome(lang: Lang, o: &SeedOutcome) -> String {
    match (lang, o) {
        (Lang::En, _) => o.describe(),
        (Lang::Ko, SeedOutcome::Applied { steps, actions }) => {
            let parts: Vec<String> = actions.iter().map(|(a, n)| format!("{a} {n}")).collect();
            format!("{steps}단계를 적용했습니다 ({})", parts.join(", "))
        }
        (Lang::Ko, SeedOutcome::AlreadyApplied { at }) => {
            format!("{at}에 이미 적용했습니다. 아무것도 바꾸지 않았습니다")
        }
    }
}

/// `import`'s line for one file.
pub fn import_outcome(lang: Lang, o: &ImportOutcome) -> String {
    match (lang, o) {
        (Lang::En, _) => o.describe(),
        (Lang::Ko, ImportOutcome::Imported(s)) => format!(
            "{}행을 가져왔습니다 ({}): 접종자 {}명 등록, {}명 일치; 예방접종 {}건 기록, {}건 건너뜀",
            s.rows, s.encoding, s.registered, s.matched, s.recorded, s.skipped
        ),
        (Lang::Ko, ImportOutcome::AlreadyImported { at }) => {
            format!("{at}에 이미 가져왔습니다. 아무것도 바꾸지 않았습니다")
        }
    }
}

/// `template` (a message of the usage errors' table) in `lang`, `{0}`, `{1}`, ... replaced by
/// `values` in one pass: a value holding `{1}` stays as it was typed.
pub fn usage_text(lang: Lang, template: super::Text, values: &[&str]) -> String {
    fill_holes(template.get(lang), values)
}

/// `text` with `{0}`, `{1}`, ... replaced by `values`, in one pass.
fn fill_holes(text: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let hole = after
            .find('}')
            .and_then(|close| Some((close, after[..close].parse::<usize>().ok()?)));
        match hole.and_then(|(close, i)| Some((close, *values.get(i)?))) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A tip of clap's (`to pass '-x' as a value, use '-- -x'`) in `lang`; `None` for a tip this
/// table does not know (left out in Korean rather than shown in English).
pub fn usage_tip(lang: Lang, tip: &str) -> Option<String> {
    if lang == Lang::En {
        return Some(tip.to_string());
    }
    [USAGE_REMOVE_DASHES, USAGE_AS_VALUE, USAGE_SUBCOMMAND_FLAG]
        .into_iter()
        .find_map(|t| {
            let pattern = t.en.replace("{0}", "{}").replace("{1}", "{}");
            let values = holes(&pattern, tip)?;
            Some(usage_text(lang, t, &values))
        })
}

/// The reasons the command line's value parsers give (clap's ranges, Rust's numbers,
/// chrono's times, and `verify --at`'s and `audit --since`'s own), as patterns: `{}` holds a
/// value, kept as it is; `{0}`, `{1}`, ... place them in the Korean. Tried in order.
const USAGE_REASON_PATTERNS: &[(&str, &str)] = &[
    (
        "{} is not in {}..={}",
        "{0}은(는) {1}부터 {2}까지의 범위를 벗어납니다",
    ),
    (
        "{} is not in {}..{}",
        "{0}은(는) {1} 이상 {2} 미만의 범위를 벗어납니다",
    ),
    (
        "not an RFC 3339 time such as 2021-06-01T12:00:00Z ({})",
        "2021-06-01T12:00:00Z 같은 RFC 3339 시각이 아닙니다 ({0})",
    ),
];

/// Phrases of those reasons, replaced where they occur (before the patterns are tried).
const USAGE_REASON_PHRASES: &[(&str, &str)] = &[
    (
        "is not a date (2026-11-25) or an RFC 3339 time (2026-11-25T09:00:00+09:00)",
        "날짜(2026-11-25)도 RFC 3339 시각(2026-11-25T09:00:00+09:00)도 아닙니다",
    ),
    (
        "invalid digit found in string",
        "숫자가 아닌 글자가 있습니다",
    ),
    (
        "cannot parse integer from empty string",
        "값이 비어 있습니다",
    ),
    ("number too large to fit in target type", "너무 큰 수입니다"),
    (
        "number too small to fit in target type",
        "너무 작은 수입니다",
    ),
    ("input is out of range", "범위를 벗어난 값입니다"),
    (
        "no possible date and time matching input",
        "그런 날짜와 시각은 없습니다",
    ),
    (
        "input is not enough for unique date and time",
        "날짜와 시각을 정하기에 모자랍니다",
    ),
    (
        "input contains invalid characters",
        "쓸 수 없는 글자가 있습니다",
    ),
    ("premature end of input", "중간에 끝났습니다"),
    ("trailing input", "끝에 남는 글자가 있습니다"),
    (
        "bad or unsupported format string",
        "지원하지 않는 형식입니다",
    ),
];

/// Why a value parser of the command line refused a value, in `lang`: its known phrases and
/// patterns in Korean, else the domain's reasons ([`reason`]), the values as they are.
pub fn usage_reason(lang: Lang, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    let mut out = message.to_string();
    for (en, ko) in USAGE_REASON_PHRASES {
        if out.contains(en) {
            out = out.replace(en, ko);
        }
    }
    for (en, ko) in USAGE_REASON_PATTERNS {
        if let Some(values) = holes(en, &out) {
            return fill_holes(ko, &values);
        }
    }
    reason(lang, &out)
}

/// `export`'s summary.
pub fn export_summary(
    lang: Lang,
    s: &crate::app::export::ExportSummary,
    target: &str,
    masked: bool,
) -> String {
    match lang {
        Lang::En => s.describe(target, masked),
        Lang::Ko => format!(
            "접종자 {}명과 예방접종 {}건({}행{})을 {target}(으)로 내보냈습니다",
            s.citizens,
            s.injections,
            s.rows,
            if masked {
                ", 주민등록번호 가림"
            } else {
                ""
            }
        ),
    }
}

/// A CSV file's error, with the same parts as the English one: `people.csv: 57행,
/// birth_date 열: "1990-13-45"은(는) 날짜가 아닙니다 (YYYY-MM-DD, YYYY-MM 또는 YYYY)`.
pub fn import_error(lang: Lang, e: &ImportError) -> String {
    if lang == Lang::En {
        return e.describe();
    }
    let mut s = format!("{}: ", e.file);
    let column = e.column.as_deref().map(|c| crate::domain::text::cut(c, 40));
    match (e.line, column) {
        (Some(l), Some(c)) => s.push_str(&format!("{l}행, {c} 열: ")),
        (Some(l), None) => s.push_str(&format!("{l}행: ")),
        (None, Some(c)) => s.push_str(&format!("{c} 열: ")),
        (None, None) => {}
    }
    s.push_str(&reason(lang, &e.message));
    s
}

/// A seed file's error: `day-1.toml: 3단계 (record-injection): ...`.
pub fn seed_error(lang: Lang, e: &SeedError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match &e.step {
        Some((n, action)) => format!(
            "{}: {n}단계 ({}): {}",
            e.file,
            crate::domain::text::cut(action, 80),
            reason(lang, &e.message)
        ),
        None => format!("{}: {}", e.file, reason(lang, &e.message)),
    }
}

/// The reasons domain checks give in English, and their Korean: each English phrase is
/// replaced where it occurs, so the values around it (a field, a quoted input, a number) stay
/// where the English put them. Longer phrases first.
const REASONS: &[(&str, &str)] = &[
    // The signing keys' reasons (`cert::keys`), the library's detail kept.
    (": not a PEM certificate (", ": PEM 인증서가 아닙니다 ("),
    (
        ": not a PKCS#8 P-256 key (",
        ": PKCS#8 P-256 키가 아닙니다 (",
    ),
    (
        "signer certificate: bad validity",
        "서명 인증서: 유효기간이 잘못되었습니다",
    ),
    ("signer certificate: ", "서명 인증서: "),
    (
        "the private key does not belong to the signer certificate",
        "개인 키가 서명 인증서의 것이 아닙니다",
    ),
    (
        ": holds a control or invisible character (",
        ": 제어 문자나 보이지 않는 문자가 있습니다 (",
    ),
    ("); nothing was kept", "). 아무것도 저장하지 않았습니다"),
    (
        ": an injection is voided with its own command and a reason",
        ": 예방접종 기록은 무효 처리 명령으로 사유와 함께 무효 처리합니다",
    ),
    (
        ": use the void-injection action (with a reason) to void an injection",
        ": 예방접종 기록을 무효 처리하려면 void-injection 작업(사유 포함)을 쓰세요",
    ),
    (
        ": an administered injection needs a lot number",
        ": 접종 완료 기록에는 로트 번호가 필요합니다",
    ),
    (
        " is before COVID-19 vaccines existed",
        "은(는) 코로나19 백신이 나오기 전입니다",
    ),
    (" is in the future", "은(는) 미래입니다"),
    (" is before 1900", "은(는) 1900년 이전입니다"),
    (
        ": not an id (4 to 32 letters, digits or '-')",
        ": 주민등록번호나 여권 번호가 아닙니다 (글자, 숫자, '-' 4~32자)",
    ),
    (
        ": no machine-readable form can be suggested for ",
        ": 기계 판독용 표기를 제안할 수 없는 이름: ",
    ),
    ("; give one (A-Z and '<')", ". 직접 입력하세요 (A-Z와 '<')"),
    (
        " is not an account name (letters, digits, '.', '-', '_' or Hangul, no spaces)",
        "은(는) 계정 이름이 아닙니다 (영문자, 숫자, '.', '-', '_' 또는 한글, 공백 없음)",
    ),
    (
        " was not issued by this desk",
        "은(는) 이 데스크가 발급한 증명서가 아닙니다",
    ),
    (" is not on record", "은(는) 기록에 없습니다"),
    (
        " was revoked; it is not printed",
        "은(는) 폐기되어 인쇄하지 않습니다",
    ),
    (
        " is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
        "은(는) 날짜가 아닙니다 (YYYY-MM-DD, YYYY-MM 또는 YYYY)",
    ),
    (
        " is not a real date (YYYY-MM-DD)",
        "은(는) 실제 날짜가 아닙니다 (YYYY-MM-DD)",
    ),
    (
        " is not an ISO 3166 alpha-2 country code (two letters, e.g. KR)",
        "은(는) ISO 3166 두 글자 국가 코드가 아닙니다 (예: KR)",
    ),
    (
        " is not an injection status (administered or scheduled)",
        "은(는) 접종 상태가 아닙니다 (administered 또는 scheduled)",
    ),
    (
        " is not a role (manager or issuer)",
        "은(는) 역할이 아닙니다 (manager 또는 issuer)",
    ),
    (
        " is not an application status",
        "은(는) 신청 상태가 아닙니다",
    ),
    (
        " is not a whole number from 1 to 99",
        "은(는) 1부터 99까지의 정수가 아닙니다",
    ),
    (
        " is not allowed; use the letters A-Z and '<' only",
        "은(는) 쓸 수 없습니다. A-Z와 '<'만 쓰세요",
    ),
    (
        ": must not be empty; a person with one name only has it as the family name and no given name (ICAO 9303: the primary identifier is never empty)",
        ": 비어 있으면 안 됩니다. 이름이 하나뿐인 사람은 그것을 성으로 쓰고 이름은 비웁니다 (ICAO 9303: 주 식별자는 비어 있을 수 없음)",
    ),
    (": must not be empty", ": 비어 있으면 안 됩니다"),
    (
        " does not agree with the resident id, which says ",
        "은(는) 주민등록번호와 맞지 않습니다. 주민등록번호로는 ",
    ),
    (
        " (its first six digits and the digit after the hyphen)",
        "입니다 (앞 여섯 자리와 하이픈 뒤 첫 자리)",
    ),
    (
        " is not in the vaccine catalogue",
        "은(는) 백신 목록에 없습니다",
    ),
    (
        " is not administered or scheduled",
        "은(는) administered 또는 scheduled 가 아닙니다",
    ),
    (
        " is not an RFC 3339 time (e.g. 2021-06-01T09:30:00+09:00)",
        "은(는) RFC 3339 시각이 아닙니다 (예: 2021-06-01T09:30:00+09:00)",
    ),
    (" is already registered", "은(는) 이미 등록되어 있습니다"),
    (" is already revoked", "은(는) 이미 폐기되었습니다"),
    (" is already voided", "은(는) 이미 무효 처리되었습니다"),
    (
        "; edit or void it instead",
        ". 대신 수정하거나 무효 처리하세요",
    ),
    (
        " already has an injection dose ",
        "에게 이미 있는 접종 차수: ",
    ),
    (" is not a whole number", "은(는) 정수가 아닙니다"),
    (
        ": must be a whole number, not ",
        ": 정수여야 합니다. 받은 값: ",
    ),
    (
        ": must be a string, not ",
        ": 문자열이어야 합니다. 받은 값: ",
    ),
    (": must be a date", ": 날짜여야 합니다"),
    ("unknown action ", "알 수 없는 작업 "),
    (" (one of: ", " (다음 중 하나: "),
    (": unknown field for ", ": 이 작업에 없는 필드: "),
    (" (only [[step]] tables)", " ([[step]] 표만 쓸 수 있습니다)"),
    ("unknown top-level key ", "알 수 없는 최상위 키 "),
    (": must be a whole number ≥ 1", ": 1 이상의 정수여야 합니다"),
    (" characters, at most ", "자, 최대 "),
    ("certificate ", "증명서 "),
    ("too long (", "너무 깁니다 ("),
    (" is not registered", "은(는) 등록되어 있지 않습니다"),
    ("no header row", "머리글 행이 없습니다"),
    ("not UTF-8 text", "UTF-8 텍스트가 아닙니다"),
    ("not CP949 text", "CP949 텍스트가 아닙니다"),
    (
        " (a Korean spreadsheet saves CP949: try --encoding cp949)",
        " (한국어 스프레드시트는 CP949로 저장합니다: --encoding cp949 를 써 보세요)",
    ),
    (
        ": must be an RFC 3339 time with an offset (e.g. 2021-06-01T09:30:00+09:00), not ",
        ": 시간대가 있는 RFC 3339 시각이어야 합니다 (예: 2021-06-01T09:30:00+09:00). 받은 값: ",
    ),
    ("\"), not ", "\"). 받은 값: "),
    (": must be a string", ": 문자열이어야 합니다"),
    (": must be a whole number", ": 정수여야 합니다"),
    ("not valid TOML: ", "올바른 TOML이 아닙니다: "),
    ("not valid TOML", "올바른 TOML이 아닙니다"),
    ("cannot read: ", "읽을 수 없습니다: "),
    ("cannot create folder ", "폴더를 만들 수 없습니다: "),
    ("cannot create the file: ", "파일을 만들 수 없습니다: "),
    ("cannot be written", "쓸 수 없습니다"),
    ("is a read-only file", "읽기 전용 파일입니다"),
    (
        "not a vaxdesk resident-id key file",
        "vaxdesk 주민등록번호 키 파일이 아닙니다",
    ),
    (
        "damaged (expected 64 bytes in hex)",
        "손상되었습니다 (16진수 64바이트여야 합니다)",
    ),
    // The system's words for the common file errors (Rust's `io::Error`, the OS's strerror).
    ("No such file or directory", "파일이나 폴더가 없습니다"),
    ("Permission denied", "권한이 없습니다"),
    ("Is a directory", "폴더입니다"),
    ("Not a directory", "폴더가 아닙니다"),
    ("No space left on device", "디스크 공간이 부족합니다"),
    ("Read-only file system", "읽기 전용 파일 시스템입니다"),
    ("(os error ", "(시스템 오류 "),
    ("not a file name", "파일 이름이 아닙니다"),
    ("File exists", "파일이 이미 있습니다"),
    (
        "error connecting to server: ",
        "서버에 연결하지 못했습니다: ",
    ),
    // The configuration file's reasons.
    (
        " is not a language of the desk (ko or en)",
        "은(는) 데스크의 언어가 아닙니다 (ko 또는 en)",
    ),
    (
        ": a clinic name may hold letters, digits, '.', '_' and '-' only",
        ": 기관 이름에는 글자, 숫자, '.', '_', '-'만 쓸 수 있습니다",
    ),
    (
        ": a clinic name must be 1 to 64 characters",
        ": 기관 이름은 1자에서 64자 사이여야 합니다",
    ),
    (
        " is not an ISO 3166 alpha-2 code (e.g. KR)",
        "은(는) ISO 3166 두 글자 국가 코드가 아닙니다 (예: KR)",
    ),
    (
        ": must be 1 to 80 characters",
        ": 1자에서 80자 사이여야 합니다",
    ),
    (": must be from 1 to 3660", ": 1에서 3660 사이여야 합니다"),
    (": must be from 10 to 3600", ": 10에서 3600 사이여야 합니다"),
    (
        ": must be from 10 to 86400",
        ": 10에서 86400 사이여야 합니다",
    ),
    (": must be at least 1", ": 1 이상이어야 합니다"),
    (
        ": not a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE)",
        ": PostgreSQL URL이 아닙니다 (postgresql://USER@HOST:PORT/DATABASE)",
    ),
    (
        "the queue name is empty",
        "프린터 대기열 이름이 비어 있습니다",
    ),
    (
        " starts with '-', which lp would read as an option",
        "은(는) '-'로 시작해 lp가 옵션으로 읽습니다",
    ),
    (
        " has a space or a control character; CUPS queue names have neither",
        "에 공백이나 제어 문자가 있습니다. CUPS 대기열 이름에는 둘 다 없습니다",
    ),
    (
        "the queue name is longer than 127 characters",
        "프린터 대기열 이름이 127자보다 깁니다",
    ),
    (
        "stream did not contain valid UTF-8",
        "UTF-8 텍스트가 아닙니다",
    ),
    ("Connection refused", "연결이 거부되었습니다"),
    ("Connection timed out", "연결 시간이 초과되었습니다"),
    (
        "timeout waiting for server",
        "서버 응답을 기다리다 시간이 초과되었습니다",
    ),
    // TOML's names of a value's type, after "받은 값: ".
    ("받은 값: integer", "받은 값: 정수"),
    ("받은 값: string", "받은 값: 문자열"),
    ("받은 값: float", "받은 값: 실수"),
    ("받은 값: boolean", "받은 값: 참/거짓"),
    ("받은 값: datetime", "받은 값: 날짜와 시각"),
    ("받은 값: array", "받은 값: 배열"),
    ("받은 값: table", "받은 값: 표"),
];

/// Whole reasons with values (`{}`), tried before [`REASONS`]' phrases.
const REASON_PATTERNS: &[(&str, &str)] = &[
    // What `doctor` finds wrong in the event log and the audit log's chain.
    (
        "event {} ({}) cannot be read: {}",
        "이벤트 {0}({1})을(를) 읽을 수 없습니다: {2}",
    ),
    (
        "row {} is missing (seq jumps from {} to {})",
        "{0}행이 없습니다 (번호가 {1}에서 {2}(으)로 건너뜁니다)",
    ),
    (
        "rows {} to {} are missing (seq jumps from {} to {})",
        "{0}행부터 {1}행까지 없습니다 (번호가 {2}에서 {3}(으)로 건너뜁니다)",
    ),
    (
        "its seq is {}, but the log starts at 1",
        "번호가 {0}인데 기록은 1부터 시작합니다",
    ),
    (
        "its content does not match its hash (edited?)",
        "내용이 해시와 맞지 않습니다 (수정되었습니까?)",
    ),
    (
        "its previous-hash is not the genesis value",
        "이전 해시가 최초 값이 아닙니다",
    ),
    (
        "its previous-hash does not match row {}",
        "이전 해시가 {0}행과 맞지 않습니다",
    ),
    (
        "its content cannot be read ({})",
        "내용을 읽을 수 없습니다 ({0})",
    ),
    ("it is not text", "텍스트가 아닙니다"),
    (
        "it is not there (not a backup, or one that did not finish)",
        "없습니다 (백업이 아니거나 끝나지 않은 백업입니다)",
    ),
    (
        "names no database ({})",
        "데이터베이스({0})가 적혀 있지 않습니다",
    ),
    ("names {} twice", "{0}이(가) 두 번 적혀 있습니다"),
    (
        "names a file it cannot hold: {}",
        "담을 수 없는 파일이 적혀 있습니다: {0}",
    ),
    (
        "format {} (this vaxdesk reads format {}); use the vaxdesk that took it",
        "형식 {0}입니다 (이 vaxdesk는 형식 {1}을(를) 읽습니다). 백업을 만든 vaxdesk를 쓰세요",
    ),
    ("{} is missing", "{0}이(가) 없습니다"),
    (
        "{} changed while it was copied",
        "{0}이(가) 복사하는 동안 바뀌었습니다",
    ),
    (
        "{} changed (its SHA-256 is not the manifest's)",
        "{0}이(가) 바뀌었습니다 (SHA-256이 MANIFEST와 다릅니다)",
    ),
    (
        "{} changed ({} bytes, the manifest says {})",
        "{0}이(가) 바뀌었습니다 ({1}바이트, MANIFEST에는 {2})",
    ),
    ("{} cannot be read: {}", "{0}을(를) 읽을 수 없습니다: {1}"),
    ("is {}, not a seed file", "{0}이며 seed 파일이 아닙니다"),
    ("is {}, not a CSV file", "{0}이며 CSV 파일이 아닙니다"),
    ("is {}, not a key file", "{0}이며 키 파일이 아닙니다"),
    (
        "is {}, not a configuration file",
        "{0}이며 설정 파일이 아닙니다",
    ),
    (
        "is {}, not a certificate file",
        "{0}이며 인증서 파일이 아닙니다",
    ),
    (
        "{}: missing (required for {})",
        "{0}: 없습니다 ({1}에 꼭 있어야 합니다)",
    ),
    ("{}: cannot be read", "{0}: 읽을 수 없습니다"),
    ("a value without its field", "필드 이름 없는 값입니다"),
    ("a step must be a table", "단계는 표여야 합니다"),
    (
        "`step` must be an array of [[step]] tables",
        "`step`은(는) [[step]] 표의 배열이어야 합니다",
    ),
    ("no [[step]] tables", "[[step]] 표가 없습니다"),
    ("appears twice", "두 번 나옵니다"),
    (
        "field {} of the header row has no column name",
        "머리글 행의 {0}번째 필드에 열 이름이 없습니다",
    ),
    (
        "not a column of the import format (columns: {})",
        "가져오기 형식의 열이 아닙니다 (열: {0})",
    ),
    (
        "no column {} (every file has id, family_name, given_name and birth_date)",
        "{0} 열이 없습니다 (모든 파일에 id, family_name, given_name, birth_date 열이 있어야 \
         합니다)",
    ),
    (
        "no column {} (a file with product has dose and date too)",
        "{0} 열이 없습니다 (product 열이 있는 파일에는 dose, date 열도 있어야 합니다)",
    ),
    (
        "series: dose {} cannot be of a series of {}; a booster counts in the series ({}), or \
         is written {} after a one-dose series",
        "series: 접종 차수 {0}은(는) 기본 접종 {1}회에 들 수 없습니다. 추가 접종은 기본 접종 \
         횟수에 넣어 쓰거나({2}), 1회 접종 뒤라면 {3}(으)로 씁니다",
    ),
    (
        "application {} not found",
        "신청 {0}을(를) 찾을 수 없습니다",
    ),
    (
        "application {} of {} not found",
        "{1}의 신청 {0}을(를) 찾을 수 없습니다",
    ),
    (
        "citizen #{} is not in the status view",
        "접종자 #{0}이(가) 현황 보기에 없습니다",
    ),
    (
        "injection dose {} is already voided",
        "접종 차수 {0}의 예방접종 기록은 이미 무효 처리되었습니다",
    ),
    (
        "injection dose {} is voided and cannot be changed",
        "접종 차수 {0}의 예방접종 기록은 무효 처리되어 바꿀 수 없습니다",
    ),
    (
        "injection dose {} of {} is {}, not administered",
        "{1}의 접종 차수 {0} 기록은 {2} 상태이며 접종 완료가 아닙니다",
    ),
    (
        "injection dose {} was changed at another desk meanwhile; nothing was done",
        "그사이 다른 데스크에서 접종 차수 {0} 기록을 바꿨습니다. 아무것도 하지 않았습니다",
    ),
    (
        "injection {} is not an injection of {}",
        "예방접종 기록 {0}은(는) {1}의 기록이 아닙니다",
    ),
    (
        "no application for injection dose {} of {}",
        "{1}의 접종 차수 {0}에 대한 신청이 없습니다",
    ),
    (
        "no certificate has been issued for dose {} of {}",
        "{1}의 접종 차수 {0}에 발급된 증명서가 없습니다",
    ),
    (
        "the application has not reached the issuer's queue yet (issuance is delayed)",
        "신청이 아직 발급 대기열에 들어가지 않았습니다 (발급이 늦어지고 있습니다)",
    ),
    (
        "the citizen is no longer registered",
        "접종자가 더는 등록되어 있지 않습니다",
    ),
    (
        "this citizen is no longer registered",
        "이 접종자는 더는 등록되어 있지 않습니다",
    ),
    (
        "the injection is no longer administered; the application will be rejected",
        "예방접종 기록이 더는 접종 완료 상태가 아닙니다. 신청은 반려됩니다",
    ),
    (
        "the request for this application is {}, not PENDING",
        "이 신청의 발급 요청은 대기 상태가 아니라 {0} 상태입니다",
    ),
    (
        "the signing certificate has expired: start a new signer with `vaxdesk keys rotate`",
        "서명 인증서가 만료되었습니다: `vaxdesk keys rotate` 로 새 서명자를 만드세요",
    ),
    (
        "there is already an account named '{}'",
        "'{0}' 계정이 이미 있습니다",
    ),
    (
        "there is no staff account named '{}'",
        "'{0}' 직원 계정이 없습니다",
    ),
    (
        "this desk has no signing key: create one with `vaxdesk keys init` (or import one with \
         `vaxdesk keys import`)",
        "이 데스크에는 서명 키가 없습니다: `vaxdesk keys init` 으로 만드세요 (또는 `vaxdesk \
         keys import` 로 가져오세요)",
    ),
    ("this injection is gone", "이 예방접종 기록은 없어졌습니다"),
    (
        "{}'s details were changed at another desk meanwhile; nothing was done",
        "그사이 다른 데스크에서 {0}의 정보를 바꿨습니다. 아무것도 하지 않았습니다",
    ),
    (
        "has {} fields, the header has {}",
        "필드 {0}개, 머리글은 {1}개입니다",
    ),
    (
        "{} has no injection dose {} (that is not voided)",
        "{0}에게 접종 차수 {1}의 (무효가 아닌) 예방접종 기록이 없습니다",
    ),
    (
        "injection dose {} of {} already has an application that is {}",
        "{1}의 접종 차수 {0}에는 이미 {2} 상태의 신청이 있습니다",
    ),
    (
        "the issuer has already handled this application (request {}); it can no longer be \
      cancelled and nothing was done",
        "발급 담당자가 이미 이 신청을 처리했습니다 (요청 {0}). 더는 취소할 수 없으며 \
         아무것도 바꾸지 않았습니다",
    ),
    (
        "the citizen already has an injection dose {}",
        "이 접종자에게는 이미 접종 차수 {0} 기록이 있습니다",
    ),
];

/// `ko` with `{0}`, `{1}`, ... replaced by `values` (what a path is instead of a file, in
/// Korean).
fn fill(ko: &str, values: &[&str]) -> String {
    let mut out = ko.to_string();
    for (i, v) in values.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), file_kind(v));
    }
    out
}

/// A reason from `app/` or `domain/` (free text, English) in `lang`: its known phrases in
/// Korean, the values it quotes as they are.
pub fn reason(lang: Lang, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    for (en, ko) in REASON_PATTERNS {
        if let Some(values) = holes(en, message) {
            return fill(ko, &values);
        }
    }
    let mut out = message.to_string();
    for (en, ko) in REASONS {
        if out.contains(en) {
            out = out.replace(en, ko);
        }
    }
    if out.starts_with("citizen ")
        && (out.contains("은(는) 등록되어") || out.contains("은(는) 이미 등록"))
    {
        out = out.replacen("citizen ", "접종자 ", 1);
    }
    out
}

/// The details `verify` gives for its steps (free text of `cert::verify`), as patterns: `{}`
/// holds a value, kept as it is; `{0}`, `{1}`, ... place them in the Korean.
const VERIFY_DETAILS: &[(&str, &str)] = &[
    ("starts with {}", "{0}(으)로 시작합니다"),
    ("{} characters to {} bytes", "{0}자 → {1}바이트"),
    ("inflated to {} bytes", "압축을 풀어 {0}바이트"),
    (
        "read a QR code of {} characters",
        "QR 코드 {0}자를 읽었습니다",
    ),
    ("{} (protected header)", "{0} (보호 헤더)"),
    ("{} (unprotected header)", "{0} (비보호 헤더)"),
    ("{} signature by {} ({})", "{1}의 {0} 서명 ({2})"),
    (
        "no trusted signer certificate has kid {} ({} trusted)",
        "키 ID {0}인 신뢰하는 서명 인증서가 없습니다 (신뢰 {1}개)",
    ),
    (
        "a vaccination certificate, and the signer certificate {} may sign {} certificates",
        "예방접종 증명서이며, 서명 인증서 {0}은(는) {1} 증명서에 서명할 수 있습니다",
    ),
    (
        "valid from {} to {} at {}",
        "{0}부터 {1}까지 유효 (확인 시각 {2})",
    ),
    (
        "expired at {} (checked at {})",
        "{0}에 만료되었습니다 (확인 시각 {1})",
    ),
    (
        "not yet valid at {}: issued at {}",
        "{0}에는 아직 유효하지 않습니다: 발급 {1}",
    ),
    (
        "valid against the DCC schema {}",
        "DCC 스키마 {0}에 맞습니다",
    ),
    (
        "not among {} revoked certificate(s)",
        "폐기된 증명서 {0}건에 없습니다",
    ),
    ("no revocations recorded", "기록된 폐기가 없습니다"),
    (
        "certificate {} has been revoked",
        "증명서 {0}은(는) 폐기되었습니다",
    ),
    (
        "no database at {}: its revocations were not checked",
        "{0}에 데이터베이스가 없어 폐기 여부를 확인하지 않았습니다",
    ),
];

/// The values of `text` where `pattern` has `{}`, when the rest of it matches.
fn holes<'a>(pattern: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let parts: Vec<&str> = pattern.split("{}").collect();
    let (first, rest) = parts.split_first()?;
    let mut left = text.strip_prefix(first)?;
    let mut values = Vec::new();
    for (i, part) in rest.iter().enumerate() {
        if i + 1 == rest.len() {
            let value = left.strip_suffix(part)?;
            values.push(value);
            left = "";
        } else {
            let at = left.find(part)?;
            values.push(&left[..at]);
            left = &left[at + part.len()..];
        }
    }
    left.is_empty().then_some(values)
}

/// A `verify` step's detail in `lang`: its Korean where its pattern is known, else as
/// `cert::verify` (or a library under it) wrote it.
pub fn verify_detail(lang: Lang, detail: &str) -> String {
    if lang == Lang::En {
        return detail.to_string();
    }
    for (en, ko) in VERIFY_DETAILS {
        if let Some(values) = holes(en, detail) {
            let mut out = ko.to_string();
            for (i, v) in values.iter().enumerate() {
                // The certificate types a signer may sign, by their Korean names.
                let v = if en.contains("may sign") && i == 1 {
                    v.replace(" and ", ", ")
                        .replace("vaccination", "예방접종")
                        .replace("recovery", "회복")
                } else {
                    v.to_string()
                };
                out = out.replace(&format!("{{{i}}}"), &v);
            }
            return out;
        }
    }
    detail.to_string()
}

/// A refusal of the domain's rules, in `lang` (English: its own message).
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    match lang {
        Lang::En => r.message.clone(),
        Lang::Ko => {
            let said = reason(lang, &r.message);
            // Where the reason's words are all known, the Korean sentence says it exactly.
            if said != r.message {
                said
            } else {
                common::refusal(lang, r)
            }
        }
    }
}

/// An error of the desk, in `lang`. What a library or the system said (SQLite, a file) is
/// kept as it said it, framed by what the desk was doing.
pub fn app_error(lang: Lang, e: &AppError) -> String {
    use crate::privacy::IdKeyError;
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (_, AppError::Refused(r)) => refusal(lang, r),
        (_, AppError::Seed(s)) => seed_error(lang, s),
        (_, AppError::Store(s)) => store_error(lang, s),
        (
            _,
            AppError::Log(crate::app::LogError::Undecodable {
                seq,
                type_name,
                reason,
            }),
        ) => {
            format!("이벤트 {seq}({type_name})을(를) 읽을 수 없습니다: {reason}")
        }
        (_, AppError::Log(crate::app::LogError::Sql(e))) => database_error(lang, e),
        (_, AppError::Certificate(why)) => format!("증명서를 만들 수 없습니다: {why}"),
        (_, AppError::Privacy(IdKeyError::File { path, reason: why })) => {
            format!("주민등록번호 키 {path}: {}", reason(lang, why))
        }
        (_, AppError::Privacy(IdKeyError::Unsealable)) => "저장된 주민등록번호를 이 데스크의 \
                                                          키로 열 수 없습니다 (다른 키 파일이거나 \
                                                          손상된 행)"
            .to_string(),
        (_, AppError::Staff(crate::app::StaffError::Duplicate { name })) => {
            format!("'{name}' 계정이 이미 있습니다")
        }
        (_, AppError::Staff(crate::app::StaffError::Sql(e))) => database_error(lang, e),
    }
}

/// SQLite failed: the frame in `lang`, SQLite's own words kept.
pub fn database_error(lang: Lang, e: &rusqlite::Error) -> String {
    match lang {
        Lang::En => format!("database: {e}"),
        Lang::Ko => format!("데이터베이스를 읽거나 쓸 수 없습니다: {e}"),
    }
}

/// The database file refused or failed, in `lang`.
pub fn store_error(lang: Lang, e: &crate::app::StoreError) -> String {
    use crate::app::StoreError as S;
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        S::Missing { path } => missing_database(lang, std::path::Path::new(path)),
        S::NotAFile { path, kind } => {
            format!(
                "데이터베이스 {path}은(는) {}이며 데이터베이스 파일이 아닙니다",
                file_kind(kind)
            )
        }
        S::BrokenLink { path, target } => format!(
            "데이터베이스 {path}은(는) {target}을(를) 가리키는 링크인데 그 파일이 없습니다. \
             아무것도 만들지 않았습니다 (마운트하거나 복원하세요, 또는 --db 로 실제 파일을 \
             주세요)"
        ),
        S::ReadOnly { path, reason: why } => format!(
            "데이터베이스 {path}에 쓸 수 없습니다 ({}): vaxdesk는 데이터베이스에 쓰고 \
             옆에 -wal, -shm 파일을 둡니다. 아무것도 바꾸지 않았습니다",
            reason(lang, why)
        ),
        S::WalRemoved { path, frames } => format!(
            "데이터베이스 {path}: 아직 반영되지 않은 변경(페이지 {frames}개)이 있던 로그 파일 \
             {path}-wal 이 지워졌습니다. 그 파일을 되돌리지 않으면 변경이 사라집니다. 열기 \
             전에 {path}-wal (또는 백업)을 복원하세요. 아무것도 바꾸지 않았습니다"
        ),
        S::Open { path, source } => {
            format!("데이터베이스 {path}을(를) 열 수 없습니다: {source}")
        }
        S::TooNew { path, found, known } => format!(
            "데이터베이스 {path}의 스키마 버전 {found}은(는) 이 vaxdesk가 아는 것({known})보다 \
             새롭습니다. 더 새 vaxdesk를 쓰세요"
        ),
        S::Damaged { path, reason } => format!(
            "데이터베이스 {path}은(는) vaxdesk 데이터베이스가 아니거나 손상되었습니다: {reason}"
        ),
        S::NeedsIdKeys { path } => format!(
            "데이터베이스 {path}에는 봉인 전의 주민등록번호가 있습니다. 데스크의 주민등록번호 \
             키로 여세요 (열 때 vaxdesk가 봉인합니다)"
        ),
        S::WrongIdKeys { path, key } => format!(
            "데이터베이스 {path}은(는) {key}이(가) 아닌 다른 주민등록번호 키로 쓰였습니다. 이 \
             데이터베이스의 키 파일을 쓰세요"
        ),
        S::Sql(e) => database_error(lang, e),
    }
}

/// What a path is instead of a file (`config::not_a_file`'s words), in Korean.
fn file_kind(kind: &str) -> &str {
    match kind {
        "a folder" => "폴더",
        "a FIFO (named pipe)" => "FIFO(이름 있는 파이프)",
        "a socket" => "소켓",
        "a device" => "장치",
        "something other than a regular file" => "일반 파일이 아닌 것",
        other => other,
    }
}

/// What the system said when a file could not be read or written, in `lang`: the common
/// kinds in Korean (with the system's error number), others framed with its own words.
pub fn io_error(lang: Lang, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if lang == Lang::En {
        return e.to_string();
    }
    let said = match e.kind() {
        K::NotFound => "파일이나 폴더가 없습니다",
        K::PermissionDenied => "권한이 없습니다",
        K::AlreadyExists => "이미 있습니다",
        K::IsADirectory => "폴더입니다",
        K::NotADirectory => "경로 중간에 폴더가 아닌 것이 있습니다",
        K::StorageFull => "디스크 공간이 부족합니다",
        K::ReadOnlyFilesystem => "읽기 전용 파일 시스템입니다",
        K::InvalidData => "UTF-8 텍스트가 아니거나 읽을 수 없는 내용입니다",
        _ => return format!("읽거나 쓸 수 없습니다: {e}"),
    };
    match e.raw_os_error() {
        Some(code) => format!("{said} (시스템 오류 {code})"),
        None => format!("{said}: {e}"),
    }
}

/// A backup or restore refused, in `lang` (English: its own message).
pub fn backup_error(lang: Lang, e: &crate::app::backup::BackupError) -> String {
    use crate::app::backup::BackupError as B;
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        B::NotEmpty(dir) => format!(
            "백업 폴더 {dir}이(가) 이미 있고 비어 있지 않습니다. 새 폴더나 빈 폴더를 주세요 \
             (아무것도 쓰지 않았습니다)"
        ),
        B::NotAFolder(dir) => {
            format!("백업 폴더 {dir}은(는) 폴더가 아닙니다 (아무것도 쓰지 않았습니다)")
        }
        B::File { path, source } => format!("{path}: {}", io_error(lang, source)),
        B::Manifest { path, reason: why } => format!(
            "{path}은(는) vaxdesk 백업 MANIFEST가 아닙니다: {}. 아무것도 복원하지 않았습니다",
            reason(lang, why)
        ),
        B::Damaged { dir, problems } => format!(
            "백업 {dir}이(가) MANIFEST와 맞지 않습니다: {}. 아무것도 복원하지 않았습니다",
            problems
                .iter()
                .map(|p| reason(lang, p))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        B::TooNew { dir, found, known } => format!(
            "백업 {dir}의 스키마 버전 {found}은(는) 이 vaxdesk가 아는 것({known})보다 새롭습니다. \
             더 새 vaxdesk로 복원하세요 (아무것도 복원하지 않았습니다)"
        ),
        B::Exists(db) => format!(
            "데이터베이스 {db}이(가) 이미 있습니다. --force 를 주어야만 바꿉니다 (아무것도 \
             복원하지 않았습니다)"
        ),
        B::InUse(db) => format!(
            "데이터베이스 {db}을(를) 데스크(또는 다른 프로그램)가 열고 있습니다. 쓰고 있는 \
             데이터베이스는 바꾸지 않습니다. 모든 데스크를 닫고 다시 하세요 (아무것도 \
             복원하지 않았습니다)"
        ),
        B::KeyConflict { path, .. } => {
            format!("{path}에 백업과 다른 키가 이미 있습니다. 아무것도 복원하지 않았습니다")
        }
        B::NoIdKey { path } => format!(
            "백업에 키가 없고 (--without-keys 로 만든 백업) {path}도 없습니다. 이 데이터베이스의 \
             주민등록번호 키를 그곳에 두거나 --keys DIR 로 그 폴더를 주세요 (아무것도 \
             복원하지 않았습니다)"
        ),
        B::WrongIdKey { path } => format!(
            "백업의 데이터베이스는 {path}이(가) 아닌 다른 주민등록번호 키의 것입니다. --keys \
             DIR 로 그 키의 폴더를 주세요 (아무것도 복원하지 않았습니다)"
        ),
        other => other.to_string(),
    }
}

/// The signing keys' refusals, in `lang`.
pub fn key_error(lang: Lang, e: &crate::cert::keys::KeyError) -> String {
    use crate::cert::keys::KeyError as K;
    match (lang, e) {
        (Lang::Ko, K::Missing(dir)) => format!(
            "{dir}에 서명 키가 없습니다: `vaxdesk keys init` 으로 만드세요 (또는 `vaxdesk keys \
             import` 로 가져오세요)"
        ),
        (Lang::Ko, K::Exists(dir)) => format!(
            "{dir}에 서명 키가 이미 있습니다. 새 서명자는 `vaxdesk keys rotate` 로 만드세요"
        ),
        (Lang::Ko, K::File { path, reason: why }) => format!("{path}: {}", reason(lang, why)),
        (Lang::Ko, K::Invalid(why)) => reason(lang, why),
        (_, other) => other.to_string(),
    }
}

/// Any error a command ends with, in `lang`: rendered by its type where this table knows it,
/// else its own message (`Display`).
pub fn error<E: Display + 'static>(lang: Lang, e: &E) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    let any: &dyn Any = e;
    if let Some(e) = any.downcast_ref::<AppError>() {
        return app_error(lang, e);
    }
    if let Some(r) = any.downcast_ref::<Refusal>() {
        return refusal(lang, r);
    }
    if let Some(s) = any.downcast_ref::<SeedError>() {
        return seed_error(lang, s);
    }
    if let Some(f) = any.downcast_ref::<ImportFailure>() {
        return match f {
            ImportFailure::File(e) => import_error(lang, e),
            ImportFailure::App(e) => app_error(lang, e),
        };
    }
    if let Some(e) = any.downcast_ref::<crate::config::ConfigError>() {
        return config_error(lang, &e.path, &reason(lang, &e.reason));
    }
    if let Some(e) = any.downcast_ref::<crate::app::backup::BackupError>() {
        return backup_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<crate::cert::keys::KeyError>() {
        return key_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<ImportError>() {
        return import_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<crate::app::export::ExportError>() {
        return match e {
            crate::app::export::ExportError::App(e) => app_error(lang, e),
            crate::app::export::ExportError::Write { target, message } => {
                format!("{target}에 쓸 수 없습니다: {}", reason(lang, message))
            }
        };
    }
    if let Some(e) = any.downcast_ref::<crate::app::relay::RelayError>() {
        return super::relay::relay_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<crate::app::registry::RegistryError>() {
        return super::relay::registry_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<crate::app::registry::UrlError>() {
        return super::relay::url_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<crate::app::registry::KeyFileError>() {
        return super::relay::key_file_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<crate::app::StoreError>() {
        return store_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<rusqlite::Error>() {
        return database_error(lang, e);
    }
    if let Some(e) = any.downcast_ref::<std::io::Error>() {
        return io_error(lang, e);
    }
    e.to_string()
}

/// A phase of a long command, as its progress bar names it.
pub fn phase(lang: Lang, p: &Phase<'_>) -> String {
    if lang == Lang::En {
        return p.to_string();
    }
    match p {
        Phase::Seeding { file } => format!("{file} 적용 중"),
        Phase::Reading { file } => format!("{file} 읽는 중"),
        Phase::Importing { file } => format!("{file} 가져오는 중"),
        Phase::WritingNameSearch => "이름 검색 색인 쓰는 중".into(),
        Phase::UpdatingStatusView => "현황 보기 갱신 중".into(),
        Phase::CopyingLiveView => "기존 현황 보기를 옮겨 두는 중".into(),
        Phase::ReplayingEvents => "이벤트 다시 적용 중".into(),
        Phase::ComparingWithLiveView => "기존 현황 보기와 비교 중".into(),
        Phase::Doctor => "점검".into(),
        Phase::DatabaseSnapshot => "데이터베이스 스냅숏".into(),
        Phase::DatabaseChecksum => "데이터베이스 체크섬".into(),
        Phase::KeyFiles => "키 파일".into(),
        Phase::CheckingBackup => "백업 확인 중".into(),
        Phase::Exporting { to: Some(path) } => format!("{path}(으)로 내보내는 중"),
        Phase::Exporting { to: None } => format!("{}(으)로 내보내는 중", STANDARD_OUTPUT.ko),
        Phase::CopyingDatabase => "데이터베이스 복사 중".into(),
    }
}

/// One of `doctor`'s checks, as its progress bar names it while it runs.
pub fn check(lang: Lang, c: Check) -> &'static str {
    match (lang, c) {
        (Lang::En, c) => c.name(),
        (Lang::Ko, Check::Integrity) => "무결성 검사",
        (Lang::Ko, Check::EveryEvent) => "모든 이벤트 읽기",
        (Lang::Ko, Check::SchemaAndSubscribers) => "스키마와 구독자",
        (Lang::Ko, Check::AuditChain) => "감사 기록 체인",
    }
}

/// A progress bar's time (spent or left) as indicatif's short form says it (`3s`, `2m`,
/// `1h`), in `lang`.
pub fn bar_duration(lang: Lang, short: &str) -> String {
    if lang == Lang::En {
        return short.to_string();
    }
    let digits = short.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = match &short[digits.len()..] {
        "s" => "초",
        "m" => "분",
        "h" => "시간",
        "d" => "일",
        "w" => "주",
        "y" => "년",
        other => other,
    };
    format!("{digits}{unit}")
}

/// A progress bar's rate: `amount` per second (`12.5/s`, `1.00 MiB/s`), in `lang`.
pub fn bar_rate(lang: Lang, amount: &str) -> String {
    match lang {
        Lang::En => format!("{amount}/s"),
        Lang::Ko => format!("{amount}/초"),
    }
}

/// `doctor`'s relay line when events wait: `n` after checkpoint `checkpoint`, the oldest
/// committed at `oldest`, the last relay at `last` (if any).
pub fn relay_behind(
    lang: Lang,
    clinic: &str,
    n: i64,
    checkpoint: i64,
    oldest: &str,
    last: Option<&str>,
) -> String {
    match lang {
        Lang::En => format!(
            "relay        clinic '{clinic}': {n} event(s) not yet relayed (checkpoint \
             {checkpoint}, oldest unrelayed committed {oldest}{})",
            last.map(|t| format!(", last relay {t}"))
                .unwrap_or_default()
        ),
        Lang::Ko => format!(
            "중계         기관 '{clinic}': 아직 중계하지 않은 이벤트 {n}건 (체크포인트 \
             {checkpoint}, 가장 오래된 미중계 이벤트 {oldest}{})",
            last.map(|t| format!(", 마지막 중계 {t}"))
                .unwrap_or_default()
        ),
    }
}

/// `doctor`'s relay line when nothing waits.
pub fn relay_up_to_date(lang: Lang, clinic: &str, checkpoint: i64, last: Option<&str>) -> String {
    match lang {
        Lang::En => format!(
            "relay        clinic '{clinic}': up to date at event {checkpoint}{}",
            last.map(|t| format!(", last relay {t}"))
                .unwrap_or_default()
        ),
        Lang::Ko => format!(
            "중계         기관 '{clinic}': 이벤트 {checkpoint}까지 모두 중계됨{}",
            last.map(|t| format!(", 마지막 중계 {t}"))
                .unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_error_has_the_same_parts_in_korean() {
        let e = ImportError {
            file: "people.csv".into(),
            line: Some(57),
            column: Some("birth_date".into()),
            message: "\"1990-13-45\" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)".into(),
        };
        assert_eq!(
            import_error(Lang::En, &e),
            "people.csv: line 57, column birth_date: \"1990-13-45\" is not a date \
             (YYYY-MM-DD, YYYY-MM or YYYY)"
        );
        assert_eq!(
            import_error(Lang::Ko, &e),
            "people.csv: 57행, birth_date 열: \"1990-13-45\"은(는) 날짜가 아닙니다 \
             (YYYY-MM-DD, YYYY-MM 또는 YYYY)"
        );
    }

    #[test]
    fn verify_details_keep_their_values_in_korean() {
        assert_eq!(
            verify_detail(
                Lang::Ko,
                "valid from 2026-11-24T00:30:00Z to 2027-11-24T00:30:00Z at X"
            ),
            "2026-11-24T00:30:00Z부터 2027-11-24T00:30:00Z까지 유효 (확인 시각 X)"
        );
        assert_eq!(
            verify_detail(Lang::Ko, "starts with \"HC1:\""),
            "\"HC1:\"(으)로 시작합니다"
        );
        assert_eq!(verify_detail(Lang::Ko, "something else"), "something else");
        assert_eq!(
            verify_detail(Lang::En, "inflated to 3 bytes"),
            "inflated to 3 bytes"
        );
    }

    #[test]
    fn every_phase_and_check_has_korean_words_and_its_english_as_before() {
        let phases = [
            Phase::Seeding { file: "a.toml" },
            Phase::Reading { file: "a.csv" },
            Phase::Importing { file: "a.csv" },
            Phase::WritingNameSearch,
            Phase::UpdatingStatusView,
            Phase::CopyingLiveView,
            Phase::ReplayingEvents,
            Phase::ComparingWithLiveView,
            Phase::Doctor,
            Phase::DatabaseSnapshot,
            Phase::DatabaseChecksum,
            Phase::KeyFiles,
            Phase::CheckingBackup,
            Phase::Exporting { to: Some("a.csv") },
            Phase::Exporting { to: None },
            Phase::CopyingDatabase,
        ];
        for p in phases {
            let ko = phase(Lang::Ko, &p)
                .replace("a.toml", "")
                .replace("a.csv", "");
            assert!(!ko.chars().any(|c| c.is_ascii_alphabetic()), "{p:?}: {ko}");
            assert_eq!(phase(Lang::En, &p), p.to_string());
        }
        assert_eq!(
            phase(Lang::En, &Phase::Seeding { file: "a.toml" }),
            "seeding a.toml"
        );
        assert_eq!(
            phase(Lang::Ko, &Phase::Exporting { to: None }),
            "표준 출력(으)로 내보내는 중"
        );
        for c in Check::ALL {
            assert!(!check(Lang::Ko, c).chars().any(|c| c.is_ascii_alphabetic()));
            assert_eq!(check(Lang::En, c), c.name());
        }
    }

    #[test]
    fn a_difference_keeps_its_english_line_and_reads_in_korean() {
        let lines = [
            "citizen 3: in the live view only: ViewCitizen { citizen_id: 3 }",
            "injection 7: live ViewInjection { dose: 1 } but rebuilt ViewInjection { dose: 2 }",
            "application 4: missing from the live view: ViewApplication { status: \"ISSUED\" }",
            "something else",
        ];
        let ko = [
            "접종자 3: 기존 보기에만 있음: ViewCitizen { citizen_id: 3 }",
            "예방접종 7: 기존 보기 ViewInjection { dose: 1 }, 다시 만든 보기 ViewInjection { dose: 2 }",
            "증명서 발급 신청 4: 기존 보기에 없음: ViewApplication { status: \"ISSUED\" }",
            "something else",
        ];
        for (line, ko) in lines.iter().zip(ko) {
            let d = Difference::parse(line);
            assert_eq!(d.to_string(), *line);
            assert_eq!(difference(Lang::En, &d), *line);
            assert_eq!(difference(Lang::Ko, &d), ko);
        }
        assert!(matches!(
            Difference::parse(lines[1]),
            Difference::Differs {
                table: ViewTable::Injection,
                key: 7,
                ..
            }
        ));
    }

    #[test]
    fn a_row_with_too_many_fields_reads_in_korean() {
        assert_eq!(
            reason(Lang::Ko, "has 5 fields, the header has 4"),
            "필드 5개, 머리글은 4개입니다"
        );
    }
}
