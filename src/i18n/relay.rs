//! The words of `vaxdesk relay` and `vaxdesk registry` (`src/cli/relay.rs`, `registry.rs`):
//! their summaries and tables. The relay's service log (one line per batch) stays English.

use super::Lang;
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
