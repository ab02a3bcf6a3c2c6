//! The certificate issuer's screen (`src/tui/issuer/`).

use crate::i18n::Lang;

crate::messages! {
    REASON { en: "Reason", ko: "사유" }
    CERT_GONE { en: "This certificate is no longer on record.", ko: "이 증명서는 더 이상 기록에 없습니다." }
    NO_CERT_TO_PRINT { en: "There is no certificate to print.", ko: "인쇄할 증명서가 없습니다." }
    UNSIGNED { en: "This certificate was issued before signing; it has no QR code.",
        ko: "서명 전에 발급된 증명서라 QR 코드가 없습니다." }
    NO_REASON { en: "reason: say why the certificate is revoked", ko: "사유: 증명서를 폐기하는 이유를 적으세요" }
    REJECT_TITLE { en: "Reject application", ko: "신청 반려" }
    REVOKE_TITLE { en: "Revoke certificate", ko: "증명서 폐기" }
    ISSUE_TITLE { en: "Issue certificate", ko: "증명서 발급" }
    QUEUE_EMPTY { en: "The queue is empty.", ko: "대기열이 비어 있습니다." }
    PRESS_TAB_CHOOSE { en: "Press Tab to choose a certificate among the issued ones.",
        ko: "Tab을 눌러 발급 목록에서 증명서를 고르세요." }
    ALREADY_REVOKED { en: "This certificate is already revoked.", ko: "이미 폐기된 증명서입니다." }
    NOTHING_TO_REVOKE { en: "There is no certificate to revoke.", ko: "폐기할 증명서가 없습니다." }
    PRESS_TAB_QUEUE { en: "Press Tab to go back to the queue first.", ko: "먼저 Tab을 눌러 대기열로 돌아가세요." }
    KEYS_CONTINUE { en: "Enter continue · Esc back", ko: "Enter 계속 · Esc 뒤로" }
    RECENT { en: "Recently issued", ko: "최근 발급" }
    NONE_YET { en: "none yet", ko: "아직 없음" }
    // The queue.
    COL_APPLIED { en: "Applied", ko: "신청 시각" }
    COL_NAME { en: "Name", ko: "이름" }
    COL_VACCINE { en: "Vaccine", ko: "백신" }
    COL_DOSE { en: "Dose", ko: "차수" }
    COL_GIVEN { en: "Given", ko: "접종일" }
    QUEUE_NONE { en: "The queue is empty: no applications are waiting.",
        ko: "대기열이 비어 있습니다: 기다리는 신청이 없습니다." }
    BORN { en: "born", ko: "생년월일" }
    DOSE { en: "dose", ko: "차수" }
    GIVEN { en: "given", ko: "접종일" }
    LOT { en: "lot", ko: "로트" }
    APPLIED_AT { en: "applied", ko: "신청" }
    APPLICATION { en: "Application", ko: "신청" }
    GONE_ELSEWHERE { en: "This application is no longer waiting: it was handled at another desk or cancelled. Nothing can be done to it here.",
        ko: "이 신청은 더 이상 대기 중이 아닙니다: 다른 데스크에서 처리되었거나 취소되었습니다. 여기서는 할 수 있는 것이 없습니다." }
    CHANGED_ELSEWHERE { en: "This application was changed at another desk since it was opened. Press Esc and open it again to see it as it is now.",
        ko: "이 신청은 연 뒤에 다른 데스크에서 바뀌었습니다. Esc를 누르고 다시 열어 지금 상태를 보세요." }
    WAITING { en: "Waiting in the queue.", ko: "대기열에서 기다리는 중입니다." }
    // The issued list.
    ISSUED_TITLE { en: "Issued certificates", ko: "발급된 증명서" }
    SEARCH { en: "search:", ko: "검색:" }
    NEWEST_FIRST { en: "newest first", ko: "최신순" }
    COL_ISSUED { en: "Issued", ko: "발급 시각" }
    COL_HOLDER { en: "Holder", ko: "소지자" }
    COL_STATUS { en: "Status", ko: "상태" }
    COL_CERTIFICATE { en: "Certificate", ko: "증명서" }
    NO_CERTIFICATES { en: "No certificates issued yet.", ko: "발급된 증명서가 아직 없습니다." }
    CERTIFICATE { en: "Certificate", ko: "증명서" }
    ISSUED_AT { en: "issued", ko: "발급" }
    BY { en: "by", ko: "발급자" }
    VALID_UNTIL { en: "valid until", ko: "유효기간" }
    LAG { en: "lag", ko: "밀림" }
    SUB_ISSUANCE { en: "issuance", ko: "발급 처리" }
    SUB_APPLYING { en: "applying", ko: "신청 처리" }
    SUB_STATUS_VIEW { en: "status-view", ko: "상태 보기" }
}

/// A subscriber of the health line by its name (its own name, which the logs and `doctor`
/// use, in English).
pub fn subscriber(lang: Lang, name: &str) -> String {
    let t = match name {
        "issuance" => SUB_ISSUANCE,
        "applying" => SUB_APPLYING,
        "status-view" => SUB_STATUS_VIEW,
        other => return other.to_string(),
    };
    t.get(lang).to_string()
}

/// The question before issuing.
pub fn issue_q(lang: Lang, name: &str, product: &str, dose: &str) -> String {
    match lang {
        Lang::En => format!("Issue a certificate to {name} for {product} dose {dose}?"),
        Lang::Ko => format!("{name} 님에게 {product} 접종 차수 {dose} 증명서를 발급할까요?"),
    }
}

pub fn issued(lang: Lang, uvci: impl std::fmt::Display, name: &str) -> String {
    match lang {
        Lang::En => format!("Issued {uvci} to {name}"),
        Lang::Ko => format!("{name} 님에게 {uvci} 발급했습니다"),
    }
}

pub fn rejected(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Rejected the application of {name}"),
        Lang::Ko => format!("{name} 님의 신청을 반려했습니다"),
    }
}

pub fn revoked(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Revoked the certificate of {name}"),
        Lang::Ko => format!("{name} 님의 증명서를 폐기했습니다"),
    }
}

pub fn reject_q(lang: Lang, name: &str, product: &str, dose: &str, reason: &str) -> String {
    match lang {
        Lang::En => {
            format!("Reject the application of {name} for {product} dose {dose}? Reason: {reason}")
        }
        Lang::Ko => format!(
            "{name} 님의 {product} 접종 차수 {dose} 증명서 발급 신청을 반려할까요? 사유: {reason}"
        ),
    }
}

pub fn revoke_q(lang: Lang, name: &str, uvci: &str, reason: &str) -> String {
    match lang {
        // The name first, so it does not break across lines.
        Lang::En => format!(
            "Revoke the certificate of {name} ({uvci})? Verifiers at this desk will refuse it. \
             Reason: {reason}"
        ),
        Lang::Ko => format!(
            "{name} 님의 증명서({uvci})를 폐기할까요? 이 데스크의 검증에서 거부됩니다. 사유: {reason}"
        ),
    }
}

pub fn reject_form(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Reject the application of {name}"),
        Lang::Ko => format!("{name} 님의 신청 반려"),
    }
}

pub fn revoke_form(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Revoke the certificate of {name}"),
        Lang::Ko => format!("{name} 님의 증명서 폐기"),
    }
}

/// The health line's head: "Queue N pending".
pub fn pending(lang: Lang, n: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Queue {n} pending"),
        Lang::Ko => format!("대기열 {n}건"),
    }
}

/// "Application of NAME".
pub fn application_of(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Application of {name}"),
        Lang::Ko => format!("{name} 님의 신청"),
    }
}

/// The issued list's title after the dot, for a UVCI prefix.
pub fn id_starting(lang: Lang, p: &str) -> String {
    match lang {
        Lang::En => format!("id starting {p}"),
        Lang::Ko => format!("{p}(으)로 시작하는 번호"),
    }
}

/// The issued list's title after the dot, for a holder's name.
pub fn holder_named(lang: Lang, n: &str) -> String {
    match lang {
        Lang::En => format!("holder named {n}"),
        Lang::Ko => format!("소지자 이름 {n}"),
    }
}

/// Nothing matches the search.
pub fn no_match(lang: Lang, s: &str) -> String {
    match lang {
        Lang::En => format!("No certificate matches '{s}'."),
        Lang::Ko => format!("'{s}'와(과) 일치하는 증명서가 없습니다."),
    }
}
