//! Words every part of the desk shares: statuses, a dose `n/sd`, product names, and the
//! rendering of a refused command in the person's language. The English rendering of a
//! refusal is its own message (the one JSON and the logs carry); the Korean one is built from
//! the rule and the field it names.

use super::{Lang, Text};
use crate::domain::application::{ApplicationStatus, Standing};
use crate::domain::catalogue::Product;
use crate::domain::injection::InjectionStatus;
use crate::domain::issuance::RequestStatus;
use crate::domain::{Refusal, Rule};

crate::messages! {
    APPLIED { en: "APPLIED", ko: "발급 신청" }
    ISSUED { en: "ISSUED", ko: "발급" }
    CANCELLED { en: "CANCELLED", ko: "취소" }
    REJECTED { en: "REJECTED", ko: "반려" }
    REVOKED { en: "REVOKED", ko: "폐기" }
    PENDING { en: "PENDING", ko: "대기" }
    WITHDRAWN { en: "WITHDRAWN", ko: "철회" }
    SCHEDULED { en: "SCHEDULED", ko: "예정" }
    ADMINISTERED { en: "ADMINISTERED", ko: "접종 완료" }
    VOIDED { en: "VOIDED", ko: "무효" }
    FIELD_NAME { en: "name", ko: "이름" }
    FIELD_FAMILY_ICAO { en: "family name (ICAO)", ko: "성 (ICAO 표기)" }
    FIELD_GIVEN_ICAO { en: "given name (ICAO)", ko: "이름 (ICAO 표기)" }
    FIELD_ID { en: "resident id", ko: "주민등록번호" }
    FIELD_BIRTH { en: "date of birth", ko: "생년월일" }
    FIELD_DOSE { en: "dose", ko: "접종 차수" }
    FIELD_SERIES { en: "series", ko: "기본 접종 횟수" }
    FIELD_DATE { en: "date", ko: "접종일" }
    FIELD_PRODUCT { en: "product", ko: "백신" }
    FIELD_LOT { en: "lot", ko: "로트 번호" }
    FIELD_COUNTRY { en: "country", ko: "국가" }
    FIELD_REASON { en: "reason", ko: "사유" }
    FIELD_STATUS { en: "status", ko: "상태" }
    FIELD_PASSPHRASE { en: "passphrase", ko: "암호" }
    FIELD_ACCOUNT { en: "account", ko: "계정" }
    FIELD_APPLICATION { en: "application", ko: "신청" }
    FIELD_CITIZEN { en: "citizen", ko: "접종자" }
    FIELD_INJECTION { en: "injection", ko: "예방접종 기록" }
    FIELD_CERTIFICATE { en: "certificate", ko: "증명서" }
    RULE_OWN { en: "only your own administered injection can be applied for",
        ko: "본인의 접종 완료 기록만 증명서 발급 신청할 수 있습니다" }
    RULE_ONE_ACTIVE { en: "this dose already has an application in progress or issued",
        ko: "이 접종 차수에는 이미 진행 중이거나 발급된 신청이 있습니다" }
    RULE_CANCEL { en: "only an application still being processed can be cancelled",
        ko: "처리 중인 신청만 취소할 수 있습니다" }
    RULE_ISSUE { en: "only a pending application can be issued or rejected",
        ko: "대기 중인 신청만 발급하거나 반려할 수 있습니다" }
    RULE_INJECTION { en: "check the injection's details", ko: "접종 정보를 확인하세요" }
    RULE_INPUT { en: "not valid", ko: "입력 값이 올바르지 않습니다" }
    RULE_NOT_FOUND { en: "not found", ko: "찾을 수 없습니다" }
    RULE_EXISTS { en: "already exists", ko: "이미 있습니다" }
    RULE_STALE { en: "changed meanwhile; nothing was done",
        ko: "그사이 다른 곳에서 바뀌었습니다. 아무것도 바꾸지 않았습니다" }
    RULE_STATE { en: "not allowed in this state", ko: "지금 상태에서는 할 수 없습니다" }
    // What a field needs, for a refusal of that field's input (rules 7 and 8).
    NEEDS_BIRTH { en: "a real date, YYYY-MM-DD, YYYY-MM or YYYY, not in the future, matching the resident id",
        ko: "YYYY-MM-DD, YYYY-MM 또는 YYYY 형식의 실제 날짜여야 하고, 미래가 아니며 주민등록번호와 맞아야 합니다" }
    NEEDS_DATE { en: "a real date YYYY-MM-DD, not in the future nor before COVID-19 vaccines existed",
        ko: "YYYY-MM-DD 형식의 실제 날짜여야 하고, 미래이거나 코로나19 백신 이전일 수 없습니다" }
    NEEDS_COUNT { en: "a whole number from 1 to 99, and the dose fits the series",
        ko: "1에서 99 사이의 정수여야 하고, 접종 차수가 기본 접종 횟수와 맞아야 합니다" }
    NEEDS_PRODUCT { en: "a product of the vaccine catalogue", ko: "백신 목록에 있는 제품이어야 합니다" }
    NEEDS_LOT { en: "an administered injection needs a lot number (at most 40 characters)",
        ko: "접종 완료 기록에는 로트 번호(40자 이내)가 필요합니다" }
    NEEDS_ID { en: "a resident id YYMMDD-NNNNNNN or a passport number",
        ko: "주민등록번호(YYMMDD-NNNNNNN) 또는 여권 번호여야 합니다" }
    NEEDS_ICAO { en: "the letters A-Z and '<' only; give one when none can be suggested",
        ko: "A-Z와 '<'만 쓸 수 있습니다. 제안이 없으면 직접 입력하세요" }
    NEEDS_TEXT { en: "must not be empty, too long, or hold control characters",
        ko: "비어 있거나, 너무 길거나, 제어 문자가 있으면 안 됩니다" }
    NEEDS_COUNTRY { en: "a two-letter ISO 3166 country code (e.g. KR)",
        ko: "ISO 3166 두 글자 국가 코드여야 합니다 (예: KR)" }
    NEEDS_PASSPHRASE { en: "a longer passphrase", ko: "더 긴 암호가 필요합니다" }
}

/// An application's status.
pub fn application_status(lang: Lang, s: ApplicationStatus) -> &'static str {
    match s {
        ApplicationStatus::Applied => APPLIED,
        ApplicationStatus::Issued => ISSUED,
        ApplicationStatus::Cancelled => CANCELLED,
        ApplicationStatus::Rejected => REJECTED,
    }
    .get(lang)
}

/// An application's standing (its status, or REVOKED).
pub fn standing(lang: Lang, s: Standing) -> &'static str {
    match s {
        Standing::Application(a) => application_status(lang, a),
        Standing::Revoked => REVOKED.get(lang),
    }
}

/// An issuance request's status.
pub fn request_status(lang: Lang, s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Pending => PENDING,
        RequestStatus::Issued => ISSUED,
        RequestStatus::Withdrawn => WITHDRAWN,
        RequestStatus::Rejected => REJECTED,
    }
    .get(lang)
}

/// An injection's status.
pub fn injection_status(lang: Lang, s: InjectionStatus) -> &'static str {
    match s {
        InjectionStatus::Scheduled => SCHEDULED,
        InjectionStatus::Administered => ADMINISTERED,
        InjectionStatus::Voided => VOIDED,
    }
    .get(lang)
}

/// A dose of a series, `2/2`, the same in both languages.
pub fn dose(n: u32, sd: u32) -> String {
    format!("{n}/{sd}")
}

/// "dose 2/2" / "2/2차".
pub fn doses(lang: Lang, n: u32, sd: u32) -> String {
    match lang {
        Lang::En => format!("dose {n}/{sd}"),
        Lang::Ko => format!("접종 차수 {n}/{sd}"),
    }
}

/// A product's name: its Korean name in Korean where Korean clinics use one.
pub fn product_name(lang: Lang, p: &Product) -> &str {
    match (lang, &p.name_ko) {
        (Lang::Ko, Some(ko)) => ko,
        _ => &p.name,
    }
}

/// A field name as a refusal carries it (`dose`, `birth_date`, ...), in `lang`.
pub fn field(lang: Lang, field: &str) -> String {
    let t = match field {
        "name" | "full_name" | "given_name" => FIELD_NAME,
        "family_name_icao" | "family_name" => FIELD_FAMILY_ICAO,
        "given_name_icao" => FIELD_GIVEN_ICAO,
        "id" | "resident_id" => FIELD_ID,
        "birth_date" | "Date of birth" => FIELD_BIRTH,
        "dose" => FIELD_DOSE,
        "series" => FIELD_SERIES,
        "date" | "at" => FIELD_DATE,
        "product" => FIELD_PRODUCT,
        "lot" => FIELD_LOT,
        "country" => FIELD_COUNTRY,
        "reason" => FIELD_REASON,
        "status" => FIELD_STATUS,
        "passphrase" => FIELD_PASSPHRASE,
        "account" | "staff" => FIELD_ACCOUNT,
        "application" => FIELD_APPLICATION,
        "citizen" => FIELD_CITIZEN,
        "injection" | "voided" => FIELD_INJECTION,
        "certificate" => FIELD_CERTIFICATE,
        other => return other.replace('_', " "),
    };
    t.get(lang).to_string()
}

/// A rule's reason, in `lang`.
pub fn rule(lang: Lang, r: Rule) -> &'static str {
    match r {
        Rule::OwnAdministeredInjection => RULE_OWN,
        Rule::OneActiveApplication => RULE_ONE_ACTIVE,
        Rule::CancelOnlyApplied => RULE_CANCEL,
        Rule::IssueOnlyPending => RULE_ISSUE,
        Rule::InjectionInput => RULE_INJECTION,
        Rule::Input => RULE_INPUT,
        Rule::NotFound => RULE_NOT_FOUND,
        Rule::AlreadyExists => RULE_EXISTS,
        Rule::Stale => RULE_STALE,
        Rule::State => RULE_STATE,
    }
    .get(lang)
}

/// What an input field needs, said when its input was refused (rules 7 and 8).
fn needs(field: &str) -> Option<Text> {
    Some(match field {
        "birth_date" | "Date of birth" => NEEDS_BIRTH,
        "date" | "at" => NEEDS_DATE,
        "dose" | "series" => NEEDS_COUNT,
        "product" => NEEDS_PRODUCT,
        "lot" => NEEDS_LOT,
        "id" | "resident_id" | "citizen" => NEEDS_ID,
        "family_name_icao" | "given_name_icao" => NEEDS_ICAO,
        "family_name" | "given_name" | "name" | "reason" | "centre" => NEEDS_TEXT,
        "country" => NEEDS_COUNTRY,
        "passphrase" => NEEDS_PASSPHRASE,
        _ => return None,
    })
}

/// A refused command as a person reads it: in English its own message (the one JSON and the
/// logs carry); in Korean a sentence chosen by the refusal's rule and the field it names: for
/// an input, what the field needs; for a state rule, the rule.
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    match lang {
        Lang::En => r.message.clone(),
        Lang::Ko => match r.rule {
            Rule::OwnAdministeredInjection
            | Rule::OneActiveApplication
            | Rule::CancelOnlyApplied
            | Rule::IssueOnlyPending
            | Rule::Stale => rule(lang, r.rule).to_string(),
            Rule::Input | Rule::InjectionInput => match needs(r.field) {
                Some(t) => format!("{}: {}", field(lang, r.field), t.get(lang)),
                None => format!("{}: {}", field(lang, r.field), rule(lang, r.rule)),
            },
            _ => format!("{}: {}", field(lang, r.field), rule(lang, r.rule)),
        },
    }
}

/// The name of the product with this code, in `lang` (the code itself when the catalogue
/// does not know it).
pub fn product_of<'a>(
    lang: Lang,
    catalogue: &'a crate::domain::Catalogue,
    code: &'a str,
) -> &'a str {
    match catalogue.get(code) {
        Some(p) => product_name(lang, p),
        None => catalogue.name_of(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Catalogue;

    #[test]
    fn a_refusal_in_english_is_its_own_message_and_in_korean_names_the_field() {
        let r = Refusal::input("birth_date", "birth_date: '2003-13-45' is not a real date");
        assert_eq!(refusal(Lang::En, &r), r.message);
        let ko = refusal(Lang::Ko, &r);
        assert!(ko.starts_with("생년월일: "), "{ko}");
        assert!(ko.contains("YYYY-MM-DD"), "{ko}");
        let r = Refusal::new(
            Rule::CancelOnlyApplied,
            "application",
            "the application is ISSUED",
        );
        assert_eq!(refusal(Lang::Ko, &r), RULE_CANCEL.ko);
    }

    #[test]
    fn products_by_their_korean_names_in_korean() {
        let c = Catalogue::bundled();
        assert_eq!(product_of(Lang::Ko, &c, "EU/1/20/1528"), "화이자");
        assert_eq!(product_of(Lang::En, &c, "EU/1/20/1528"), "Comirnaty");
        assert_eq!(product_of(Lang::Ko, &c, "EU/1/20/1507"), "모더나");
        assert_eq!(doses(Lang::Ko, 2, 2), "접종 차수 2/2");
        assert_eq!(doses(Lang::En, 2, 2), "dose 2/2");
    }
}
