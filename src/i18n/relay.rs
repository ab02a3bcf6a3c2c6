//! The words of `vaxdesk relay` and `vaxdesk registry` (`src/cli/relay.rs`, `registry.rs`):
//! their summaries and tables. The relay's service log (one line per batch) stays English.

use super::Lang;
use crate::app::registry::schema::SchemaError;
use crate::app::registry::{KeyFileError, KeyFileReason, RegistryError, RegistryRefusal, UrlError};
use crate::app::relay::{ClinicNameError, RelayError, RelayRefusal};
use unicode_width::UnicodeWidthStr;

crate::messages! {
    REGISTRY { en: "registry", ko: "등록부" }
    PERSON { en: "person", ko: "대상자" }
    INJECTIONS { en: "injections", ko: "예방접종" }
    CERTIFICATES { en: "certificates", ko: "증명서" }
    NOT_REGISTERED { en: "(not registered; injections only)", ko: "(등록 정보 없음: 예방접종만 있음)" }
    BY_PRODUCT_AND_DOSE { en: "injections by product and dose", ko: "백신과 접종 차수별 예방접종" }
    COL_CLINIC { en: "clinic", ko: "기관" }
    COL_DATE { en: "date", ko: "접종일" }
    COL_PRODUCT { en: "product", ko: "백신" }
    COL_DOSE { en: "dose", ko: "접종 차수" }
    COL_STATUS { en: "status", ko: "상태" }
    COL_LOT { en: "lot", ko: "로트" }
    COL_UVCI { en: "uvci", ko: "UVCI" }
    COL_ISSUED { en: "issued", ko: "발급" }
    COL_REVOKED { en: "revoked", ko: "폐기" }
    COL_EVENTS { en: "events", ko: "이벤트" }
    COL_PEOPLE { en: "people", ko: "대상자" }
    COL_INJECTIONS { en: "injections", ko: "예방접종" }
    ALL_CLINICS { en: "all", ko: "전체" }
    NO_REGISTRY_KEY {
        en: "no registry key: give --registry-key FILE (or [relay] registry_key_file in the configuration); make one with `vaxdesk registry new-key --out FILE`",
        ko: "등록부 키가 없습니다: --registry-key FILE 로 주세요 (또는 설정의 [relay] registry_key_file). 키는 `vaxdesk registry new-key --out FILE` 로 만듭니다"
    }
}

/// A line's label, padded by display width to the column the values start at.
pub fn label(lang: Lang, t: super::Text) -> String {
    let text = t.get(lang);
    format!(
        "{text}{}",
        " ".repeat(14usize.saturating_sub(text.width()).max(1))
    )
}

/// The person's line of `registry status`.
pub fn person(lang: Lang, name: &str, born: &str, first_clinic: &str) -> String {
    match lang {
        Lang::En => format!("{name}, born {born} (first seen at {first_clinic})"),
        Lang::Ko => format!("{name}, 생년월일 {born} (처음 등록한 기관 {first_clinic})"),
    }
}

/// A revoked certificate's cell.
pub fn revoked_at(lang: Lang, at: &str) -> String {
    match lang {
        Lang::En => format!("revoked {at}"),
        Lang::Ko => format!("{at} 폐기"),
    }
}

/// `registry new-key`'s summary.
pub fn new_key(lang: Lang, path: &str) -> String {
    match lang {
        Lang::En => format!(
            "wrote a new registry key to {path} (0600); give the same file to every clinic of \
             the region, and keep a copy: without it, ids cannot be linked to what is already \
             in the registry"
        ),
        Lang::Ko => format!(
            "새 등록부 키를 {path}에 저장했습니다 (0600). 지역의 모든 기관에 같은 파일을 나눠 \
             주고 사본을 보관하세요: 이 키가 없으면 등록부에 이미 있는 기록과 주민등록번호를 \
             연결할 수 없습니다"
        ),
    }
}

/// `relay --once`'s summary.
pub fn relayed(
    lang: Lang,
    sent: u64,
    inserted: u64,
    batches: u64,
    url: &str,
    clinic: &str,
    checkpoint: i64,
) -> String {
    match lang {
        Lang::En => format!(
            "relayed {sent} event(s) ({inserted} new to the registry) in {batches} batch(es) to \
             {url} as clinic '{clinic}'; checkpoint {checkpoint}"
        ),
        Lang::Ko => format!(
            "이벤트 {sent}건(등록부에 새로 {inserted}건)을 {batches}번에 나눠 {url}에 기관 \
             '{clinic}'(으)로 중계했습니다. 체크포인트 {checkpoint}"
        ),
    }
}

/// Why the relay refused, in `lang`.
pub fn relay_refusal(lang: Lang, r: &RelayRefusal) -> String {
    if lang == Lang::En {
        return r.to_string();
    }
    match r {
        RelayRefusal::NoBatch => "--batch: 1 이상이어야 합니다".into(),
        RelayRefusal::ClinicName(e) => clinic_name_error(lang, e),
        RelayRefusal::OtherClinic { recorded, given } => format!(
            "이 데이터베이스는 기관 '{recorded}'(으)로 중계되고 있어 '{given}'(으)로 중계할 수 \
             없습니다 (데이터베이스 하나에 기관 이름 하나)"
        ),
        RelayRefusal::NoClinic => "기관 이름이 없습니다: --clinic NAME 으로 주세요 (또는 설정의 \
                                   [relay] clinic). 첫 중계 때 기록됩니다"
            .into(),
        RelayRefusal::RecordedMeanwhile { clinic } => {
            format!("방금 다른 중계가 이 데이터베이스를 기관 '{clinic}'(으)로 기록했습니다")
        }
        RelayRefusal::RegistryAhead {
            url,
            clinic,
            theirs,
            ours,
        } => format!(
            "등록부 {url}: 기관 '{clinic}'의 이벤트가 {theirs}번까지 있는데 이 데이터베이스는 \
             {ours}번에서 끝납니다 (오래된 백업에서 복원했습니까?). 아무것도 보내지 \
             않았습니다"
        ),
        RelayRefusal::CitizenMissing { citizen } => format!(
            "이벤트 기록의 접종자 {citizen}이(가) 데이터베이스에 없습니다 (손상되었습니까?)"
        ),
    }
}

/// A clinic name that is not one, in `lang`.
pub fn clinic_name_error(lang: Lang, e: &ClinicNameError) -> String {
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (Lang::Ko, ClinicNameError::Length { field }) => {
            format!("{field}: 기관 이름은 1자에서 64자 사이여야 합니다")
        }
        (Lang::Ko, ClinicNameError::Characters { field }) => {
            format!("{field}: 기관 이름에는 글자, 숫자, '.', '_', '-'만 쓸 수 있습니다")
        }
    }
}

/// A relay that stopped, in `lang`: `relay: ` and why.
pub fn relay_error(lang: Lang, e: &RelayError) -> String {
    let why = match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (_, RelayError::Refused(r)) => relay_refusal(lang, r),
        (_, RelayError::Registry(e)) => registry_error(lang, e),
        (_, RelayError::Local(e)) => super::cli::app_error(lang, e),
    };
    match lang {
        Lang::En => format!("relay: {why}"),
        Lang::Ko => format!("중계: {why}"),
    }
}

/// The registry's refusals and failures, in `lang`. PostgreSQL's own message is kept as it
/// is (its server speaks its own language).
pub fn registry_error(lang: Lang, e: &RegistryError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        RegistryError::Refused(RegistryRefusal::NotCreated { url }) => {
            format!("등록부 {url}: 아직 vaxdesk 등록부가 없습니다 (첫 중계 때 만들어집니다)")
        }
        RegistryError::Refused(RegistryRefusal::OtherDatabase { url, clinic }) => format!(
            "등록부 {url}: 기관 '{clinic}'은(는) 이미 다른 데이터베이스에서 중계되고 있습니다. \
             --clinic 으로 이 데이터베이스에 다른 이름을 주세요"
        ),
        RegistryError::Schema {
            url,
            source: SchemaError::TooNew { found, known },
        } => format!(
            "등록부 {url}: 등록부 스키마 버전 {found}은(는) 이 vaxdesk가 아는 것({known})보다 \
             새롭습니다. vaxdesk를 업그레이드하세요"
        ),
        RegistryError::Schema {
            url,
            source: SchemaError::Sql(source),
        }
        | RegistryError::Postgres { url, source } => format!(
            "등록부 {url}에 연결하거나 읽고 쓸 수 없습니다: {}",
            super::cli::reason(lang, &crate::app::registry::describe(source))
        ),
    }
}

/// A registry URL that is not one, in `lang`.
pub fn url_error(lang: Lang, e: &UrlError) -> String {
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (Lang::Ko, UrlError::NotPostgres { flag }) => {
            format!("{flag}: PostgreSQL URL이 아닙니다 (postgresql://USER@HOST:PORT/DATABASE 형식)")
        }
        (Lang::Ko, UrlError::Invalid { flag, detail }) => {
            format!("{flag}: 올바른 PostgreSQL URL이 아닙니다 ({detail})")
        }
        (Lang::Ko, UrlError::NoHost { flag }) => format!("{flag}: URL에 호스트가 없습니다"),
    }
}

/// A registry key file refused, in `lang`.
pub fn key_file_error(lang: Lang, e: &KeyFileError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    let why = match &e.reason {
        KeyFileReason::Exists { out: true } => {
            "이미 있습니다. 등록부 키는 덮어쓰지 않습니다 (다른 --out 을 주세요)".to_string()
        }
        KeyFileReason::Exists { out: false } => {
            "이미 있습니다. 등록부 키는 덮어쓰지 않습니다".to_string()
        }
        KeyFileReason::Io(io) => super::cli::io_error(lang, io),
        KeyFileReason::NotAKeyFile => "vaxdesk 등록부 키 파일이 아닙니다".to_string(),
        KeyFileReason::Damaged => "손상되었습니다 (16진수 32바이트여야 합니다)".to_string(),
    };
    format!("등록부 키 {}: {why}", e.path)
}

/// No registry URL given anywhere (`flag`: `--to` or `--from`).
pub fn no_registry_url(lang: Lang, flag: &str) -> String {
    match lang {
        Lang::En => format!(
            "no registry URL: give {flag} postgresql://USER@HOST:PORT/DATABASE (or [relay] url \
             in the configuration)"
        ),
        Lang::Ko => format!(
            "등록부 URL이 없습니다: {flag} postgresql://USER@HOST:PORT/DATABASE 로 주세요 \
             (또는 설정의 [relay] url)"
        ),
    }
}

/// The relay service cannot register for SIGTERM and SIGINT.
pub fn cannot_watch_signals(lang: Lang, e: &str) -> String {
    match lang {
        Lang::En => format!("cannot watch for signals: {e}"),
        Lang::Ko => format!("종료 신호를 받을 준비를 할 수 없습니다: {e}"),
    }
}
