//! The injection manager's screen (`src/tui/manager/`).

use crate::i18n::Lang;

crate::messages! {
    // The citizen list.
    SEARCH { en: "Search:", ko: "검색:" }
    COL_NAME { en: "Name", ko: "이름" }
    COL_ID { en: "Id", ko: "주민번호" }
    COL_BORN { en: "Born", ko: "생년월일" }
    COL_DOSES { en: "Doses", ko: "접종" }
    COL_LATEST { en: "Latest", ko: "최근 상태" }
    LATEST_INJECTION { en: "injection", ko: "접종" }
    LATEST_APPLICATION { en: "application", ko: "증명서" }
    NO_CITIZENS { en: "No citizens registered yet. Press n to register one.",
        ko: "등록된 접종자가 없습니다. n을 눌러 등록하세요." }
    NO_SUCH_ID { en: "No citizen has this id. Ids are found whole: type all of it.",
        ko: "이 번호의 접종자가 없습니다. 번호 전체를 입력해야 찾습니다." }
    NO_MATCH { en: "No citizen matches this search.", ko: "검색과 일치하는 접종자가 없습니다." }
    // A citizen's detail.
    BORN { en: "born", ko: "생년월일" }
    MACHINE_READABLE { en: "machine-readable:", ko: "로마자(ICAO):" }
    COL_DOSE { en: "Dose", ko: "차수" }
    COL_VACCINE { en: "Vaccine", ko: "백신" }
    COL_GIVEN { en: "Given", ko: "접종일" }
    COL_LOT { en: "Lot", ko: "로트" }
    COL_STATUS { en: "Status", ko: "상태" }
    NO_INJECTIONS { en: "No injections yet. Press a to record one.",
        ko: "예방접종 기록이 없습니다. a를 눌러 기록하세요." }
    VOIDED_BECAUSE { en: "voided:", ko: "무효 사유:" }
    INJECTIONS { en: "Injections", ko: "예방접종" }
    APPLICATIONS { en: "Applications", ko: "증명서 신청" }
    NO_APPLICATIONS { en: "No applications.", ko: "신청이 없습니다." }
    DOSE_WORD { en: "dose", ko: "차수" }
    // Toasts and dialogs.
    GONE { en: "This citizen is no longer registered.", ko: "더 이상 등록되어 있지 않은 접종자입니다." }
    SAVED_CITIZEN { en: "Saved the citizen's details", ko: "접종자 정보를 저장했습니다" }
    NO_SUCH_ACCOUNT { en: "name: no staff account has this name, and it is not an id",
        ko: "이름: 이 이름의 직원 계정이 없고, 주민등록번호도 아닙니다" }
    UNLOCK_TITLE { en: "Unlock", ko: "잠금 해제" }
    NO_REASON { en: "reason: say why this injection is voided",
        ko: "사유: 이 예방접종 기록을 무효로 하는 이유를 적으세요" }
    VOID_TITLE { en: "Void injection", ko: "예방접종 무효" }
    REVEALED { en: "Whole id shown; this is recorded in the audit log.",
        ko: "주민등록번호 전체를 표시했습니다. 감사 기록에 남습니다." }
    NOTHING_TO_CHANGE { en: "There is no injection to change. Press a to record one.",
        ko: "바꿀 예방접종 기록이 없습니다. a를 눌러 기록하세요." }
    KEYS_CONTINUE { en: "Enter continue · Esc back", ko: "Enter 계속 · Esc 뒤로" }
    KEYS_TEXT_FORM { en: "Tab/↑↓ move · Enter save · Esc back", ko: "Tab/↑↓ 이동 · Enter 저장 · Esc 뒤로" }
    KEYS_CHOICE_FORM { en: "Tab/↑↓ move · ←→ choose · Enter save · Esc back",
        ko: "Tab/↑↓ 이동 · ←→ 선택 · Enter 저장 · Esc 뒤로" }
    // The audit log.
    AUDIT_SINCE { en: "Since", ko: "시작 시각" }
    AUDIT_SINCE_HINT { en: "YYYY-MM-DD or 2026-11-25T09:00:00Z", ko: "YYYY-MM-DD 또는 2026-11-25T09:00:00Z" }
    AUDIT_FILTER { en: "Filter the audit log", ko: "감사 기록 거르기" }
    AUDIT_CITIZEN { en: "Citizen id", ko: "주민등록번호" }
    AUDIT_ACTOR { en: "Actor", ko: "작업자" }
    AUDIT_ALL { en: "all rows", ko: "전체" }
    AUDIT_TITLE { en: "Audit log", ko: "감사 기록" }
    COL_TIME { en: "Time", ko: "시각" }
    COL_ACTOR { en: "Actor", ko: "작업자" }
    COL_ACTION { en: "Action", ko: "작업" }
    COL_WHOSE { en: "Whose", ko: "대상" }
    COL_RESULT { en: "Result", ko: "결과" }
    AUDIT_NONE { en: "No audit rows match.", ko: "일치하는 감사 기록이 없습니다." }
    AUDIT_ROW { en: "row", ko: "번호" }
    AUDIT_DESK { en: "desk", ko: "데스크" }
    AUDIT_KEYS { en: "Tab move · Enter apply · Esc back", ko: "Tab 이동 · Enter 적용 · Esc 뒤로" }
    AUDIT_CITIZEN_WORD { en: "citizen", ko: "접종자" }
    AUDIT_ACTOR_WORD { en: "actor", ko: "작업자" }
    AUDIT_SINCE_WORD { en: "since", ko: "시작" }
    // The forms.
    UNLOCK_FORM { en: "Unlock a staff account or a kiosk id", ko: "직원 계정 또는 키오스크 번호 잠금 해제" }
    NAME_OR_ID { en: "Name or id", ko: "이름 또는 번호" }
    DATE_OF_BIRTH { en: "Date of birth", ko: "생년월일" }
    DATE_FORMATS { en: "YYYY-MM-DD, YYYY-MM or YYYY", ko: "YYYY-MM-DD, YYYY-MM 또는 YYYY" }
    RESIDENT_ID { en: "Resident id", ko: "주민등록번호" }
    RESIDENT_ID_HINT { en: "YYMMDD-NNNNNNN or a passport number", ko: "YYMMDD-NNNNNNN 또는 여권 번호" }
    REGISTER_FORM { en: "Register citizen", ko: "접종자 등록" }
    FAMILY_NAME { en: "Family name", ko: "성" }
    FAMILY_HINT { en: "required; one name only goes here (ICAO 9303)",
        ko: "필수; 이름이 하나뿐이면 여기에 (ICAO 9303)" }
    GIVEN_NAME { en: "Given name", ko: "이름" }
    GIVEN_HINT { en: "empty when the person has one name only", ko: "이름이 하나뿐이면 비워 둡니다" }
    FAMILY_MRZ { en: "Family (MRZ)", ko: "성 (로마자)" }
    GIVEN_MRZ { en: "Given (MRZ)", ko: "이름 (로마자)" }
    SUGGESTED { en: "(suggested)", ko: "(제안)" }
    F_VACCINE { en: "Vaccine", ko: "백신" }
    F_DOSE { en: "Dose", ko: "접종 차수" }
    F_SERIES { en: "Series of", ko: "기본 접종 횟수" }
    F_DATE { en: "Date given", ko: "접종일" }
    F_LOT { en: "Lot", ko: "로트 번호" }
    F_CENTRE { en: "Centre", ko: "접종 기관" }
    F_STATUS { en: "Status", ko: "상태" }
    F_COUNTRY { en: "Country", ko: "국가" }
    F_REASON { en: "Reason", ko: "사유" }
    CLEANED { en: "control characters removed", ko: "제어 문자를 지웠습니다" }
}

/// The note under a machine-readable name typed by hand.
pub fn typed_by_hand(lang: Lang, s: &str) -> String {
    match lang {
        Lang::En => format!("typed by hand; the name suggests {s} (empty it to follow)"),
        Lang::Ko => format!("직접 입력함; 이름으로는 {s} (비우면 이름을 따릅니다)"),
    }
}

/// The edit form's title.
pub fn edit_dose_title(lang: Lang, dose: impl std::fmt::Display, who: &str) -> String {
    match lang {
        Lang::En => format!("Edit dose {dose} of {who}"),
        Lang::Ko => format!("{who} 님의 {dose}차 예방접종 수정"),
    }
}

/// The record form's title.
pub fn record_title(lang: Lang, who: &str) -> String {
    match lang {
        Lang::En => format!("Record injection for {who}"),
        Lang::Ko => format!("{who} 님의 예방접종 기록"),
    }
}

/// The void form's title.
pub fn void_title(lang: Lang, dose: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Void dose {dose}"),
        Lang::Ko => format!("{dose}차 예방접종 무효"),
    }
}

/// The citizen edit form's title.
pub fn edit_citizen_title(lang: Lang, who: &str) -> String {
    match lang {
        Lang::En => format!("Edit {who}"),
        Lang::Ko => format!("{who} 님 정보 수정"),
    }
}

/// "Registered NAME".
pub fn registered(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Registered {name}"),
        Lang::Ko => format!("{name} 님을 등록했습니다"),
    }
}

/// "Recorded dose N".
pub fn recorded(lang: Lang, dose: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Recorded dose {dose}"),
        Lang::Ko => format!("{dose}차 예방접종을 기록했습니다"),
    }
}

/// "Saved dose N".
pub fn saved_dose(lang: Lang, dose: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Saved dose {dose}"),
        Lang::Ko => format!("{dose}차 예방접종을 저장했습니다"),
    }
}

/// "Voided dose N".
pub fn voided(lang: Lang, dose: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Voided dose {dose}"),
        Lang::Ko => format!("{dose}차 예방접종을 무효로 했습니다"),
    }
}

/// The unlock question for a staff account.
pub fn unlock_staff_q(lang: Lang, name: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Unlock {name}? They can sign in again at once."),
        Lang::Ko => format!("{name} 계정의 잠금을 풀까요? 바로 다시 로그인할 수 있습니다."),
    }
}

/// The unlock question for a kiosk id.
pub fn unlock_kiosk_q(lang: Lang, masked: &str) -> String {
    match lang {
        Lang::En => {
            format!("Let the kiosk take {masked} again? Its failed sign-ins are forgotten.")
        }
        Lang::Ko => {
            format!("키오스크에서 {masked} 번호를 다시 받을까요? 실패한 로그인 기록은 지워집니다.")
        }
    }
}

/// What an unlock did.
pub fn unlocked_kiosk(lang: Lang, masked: &str) -> String {
    match lang {
        Lang::En => format!("The kiosk takes {masked} again."),
        Lang::Ko => format!("키오스크에서 {masked} 번호를 다시 받습니다."),
    }
}

pub fn unlocked_staff(lang: Lang, name: impl std::fmt::Display, was: bool) -> String {
    match (lang, was) {
        (Lang::En, true) => format!("Unlocked {name}: they can sign in again."),
        (Lang::En, false) => format!("{name} was not locked."),
        (Lang::Ko, true) => format!("{name} 계정의 잠금을 풀었습니다. 다시 로그인할 수 있습니다."),
        (Lang::Ko, false) => format!("{name} 계정은 잠겨 있지 않았습니다."),
    }
}

/// The void question.
pub fn void_q(
    lang: Lang,
    dose: impl std::fmt::Display,
    product: &str,
    who: &str,
    reason: &str,
) -> String {
    match lang {
        Lang::En => format!(
            "Void dose {dose} ({product}) of {who}? A pending application for it will be \
             rejected. Reason: {reason}"
        ),
        Lang::Ko => format!(
            "{who} 님의 {dose}차 예방접종({product})을 무효로 할까요? 대기 중인 증명서 발급 \
             신청은 반려됩니다. 사유: {reason}"
        ),
    }
}

/// A voided dose cannot be changed.
pub fn dose_voided(lang: Lang, dose: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Dose {dose} is voided and cannot be changed."),
        Lang::Ko => format!("{dose}차 예방접종은 무효 처리되어 바꿀 수 없습니다."),
    }
}

/// The list's title: "Citizens (N)".
pub fn citizens(lang: Lang, n: impl std::fmt::Display) -> String {
    match lang {
        Lang::En => format!("Citizens ({n})"),
        Lang::Ko => format!("접종자 ({n}명)"),
    }
}
