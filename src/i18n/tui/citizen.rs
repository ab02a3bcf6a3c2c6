//! The citizen kiosk (`src/tui/citizen/`).

use super::keys;
use crate::i18n::Lang;

crate::messages! {
    DATE_OF_BIRTH { en: "Date of birth", ko: "생년월일" }
    RESIDENT_ID { en: "Resident id", ko: "주민등록번호" }
    SIGN_IN { en: "Sign in", ko: "본인 확인" }
    NO_MATCH { en: "No match found for this id and date of birth.",
        ko: "이 주민등록번호와 생년월일에 맞는 기록이 없습니다." }
    REVOKED_ASK { en: "This dose's certificate was revoked; please ask at the desk.",
        ko: "이 접종 차수의 증명서는 폐기되었습니다. 창구에 문의하세요." }
    NO_CERTIFICATE { en: "There is no certificate for this dose yet.",
        ko: "이 접종 차수의 증명서가 아직 없습니다." }
    BORN { en: "born", ko: "생년월일" }
    GIVEN { en: "given", ko: "접종일" }
    VALID_UNTIL { en: "valid until", ko: "유효기간" }
    NO_LONGER_VALID { en: "REVOKED: this certificate is no longer valid.",
        ko: "폐기: 이 증명서는 더 이상 유효하지 않습니다." }
    CANCELLED { en: "Application cancelled.", ko: "신청을 취소했습니다." }
    COL_DOSE { en: "Dose", ko: "차수" }
    COL_VACCINE { en: "Vaccine", ko: "백신" }
    COL_GIVEN { en: "Given", ko: "접종일" }
    COL_INJECTION { en: "Injection", ko: "예방접종" }
    COL_CERTIFICATE { en: "Certificate", ko: "증명서" }
    NO_INJECTIONS { en: "No injections are recorded for you yet.",
        ko: "기록된 예방접종이 아직 없습니다." }
    CERTIFICATE { en: "Certificate", ko: "증명서" }
    ISSUED { en: "Issued", ko: "발급" }
    PRESS_V { en: "Press v to show it as a QR code.", ko: "v를 누르면 QR 코드로 보입니다." }
    WAS_REVOKED { en: "was revoked.", ko: "폐기되었습니다." }
    REASON { en: "Reason:", ko: "사유:" }
    ASK_AT_DESK { en: "Please ask at the desk.", ko: "창구에 문의하세요." }
    DELAYED { en: "Issuance is delayed at the moment. Your application is received and will be processed later.",
        ko: "지금은 발급이 늦어지고 있습니다. 신청은 접수되었으며 나중에 처리됩니다." }
    VOIDED { en: "This record was voided by the clinic.", ko: "이 기록은 의료기관에서 무효 처리했습니다." }
    NO_APPLICATION { en: "There is no application for this dose to cancel.",
        ko: "이 접종 차수에는 취소할 신청이 없습니다." }
    CANCEL_TITLE { en: "Cancel application", ko: "신청 취소" }
    WELCOME { en: "Welcome. Sign in to see your vaccinations and certificates.",
        ko: "어서 오세요. 본인 확인 후 예방접종과 증명서를 확인하세요." }
}

/// The sign-in box's line of keys (`Tab next field · Enter sign in · Esc clear`), in the
/// footer's words (the form's keys are these three, whatever the keymap says).
pub fn sign_in_keys(lang: Lang) -> String {
    format!(
        "Tab {} · Enter {} · Esc {}",
        keys::NEXT_FIELD.get(lang),
        keys::KIOSK_SIGN_IN.get(lang),
        keys::CLEAR.get(lang)
    )
}

pub fn already_applied(lang: Lang, dose: u32, standing: &str) -> String {
    match lang {
        Lang::En => format!("Dose {dose} already has an application ({standing})."),
        Lang::Ko => format!("{dose}차 접종에는 이미 신청이 있습니다 ({standing})."),
    }
}

pub fn applied(lang: Lang, dose: u32) -> String {
    match lang {
        Lang::En => format!("Applied for a certificate for dose {dose}."),
        Lang::Ko => format!("{dose}차 접종의 증명서 발급 신청을 했습니다."),
    }
}

pub fn received(lang: Lang, at: &str) -> String {
    match lang {
        Lang::En => format!("Application received {at}; waiting for the issuer."),
        Lang::Ko => format!("{at}에 신청을 접수했습니다. 발급을 기다리는 중입니다."),
    }
}

pub fn press_to_cancel(lang: Lang, key: &str) -> String {
    match lang {
        Lang::En => format!("Press {key} to cancel it."),
        Lang::Ko => format!("{key}를 누르면 신청을 취소합니다."),
    }
}

pub fn last_application(lang: Lang, status: &str, why: &str) -> String {
    match lang {
        Lang::En => format!("Last application {status}{why}"),
        Lang::Ko => format!("지난 신청: {status}{why}"),
    }
}

pub fn press_to_apply(lang: Lang, key: &str) -> String {
    match lang {
        Lang::En => format!("Press {key} to apply for a certificate for this dose."),
        Lang::Ko => format!("{key}를 누르면 이 접종 차수의 증명서 발급 신청을 합니다."),
    }
}

pub fn scheduled(lang: Lang, date: &str) -> String {
    match lang {
        Lang::En => {
            format!("Scheduled for {date}. A certificate can be applied for once it is given.")
        }
        Lang::Ko => {
            format!("{date}에 접종 예정입니다. 접종을 받은 뒤 증명서 발급 신청을 할 수 있습니다.")
        }
    }
}

pub fn cancel_q(lang: Lang, dose: &str) -> String {
    match lang {
        Lang::En => format!("Cancel your application for dose {dose}?"),
        Lang::Ko => format!("접종 차수 {dose}의 증명서 발급 신청을 취소할까요?"),
    }
}

pub fn only_pending(lang: Lang, status: &str) -> String {
    match lang {
        Lang::En => {
            format!("This application is {status}; only a pending one can be cancelled.")
        }
        Lang::Ko => format!("이 신청은 {status} 상태입니다. 처리 중인 신청만 취소할 수 있습니다."),
    }
}
