//! What each key does, for the footer and the `?` help (`src/tui/keymap.rs`), and the help's
//! notes where a key means something else than elsewhere.

crate::messages! {
    HELP { en: "help", ko: "도움말" }
    QUIT { en: "quit", ko: "종료" }
    BACK { en: "back", ko: "뒤로" }
    UP { en: "up", ko: "위로" }
    DOWN { en: "down", ko: "아래로" }
    PAGE_UP { en: "page up", ko: "이전 쪽" }
    PAGE_DOWN { en: "page down", ko: "다음 쪽" }
    TOP { en: "first", ko: "처음" }
    BOTTOM { en: "last", ko: "끝" }
    SIGN_IN { en: "sign in", ko: "로그인" }
    // The kiosk's sign-in: a citizen has no account, they prove who they are (the footer and
    // the sign-in box both say it so).
    KIOSK_SIGN_IN { en: "sign in", ko: "본인 확인" }
    CLEAR { en: "clear", ko: "지우기" }
    DONE { en: "keep results", ko: "결과 유지" }
    NEXT_FIELD { en: "next field", ko: "다음 칸" }
    PREV_FIELD { en: "previous field", ko: "이전 칸" }
    SUBMIT { en: "submit", ko: "저장" }
    SEARCH { en: "search", ko: "검색" }
    REGISTER { en: "register citizen", ko: "접종자 등록" }
    OPEN { en: "open", ko: "열기" }
    RECORD { en: "record dose", ko: "접종 기록" }
    EDIT { en: "edit dose", ko: "접종 수정" }
    VOID { en: "void dose", ko: "접종 무효" }
    ISSUE { en: "issue certificate", ko: "증명서 발급" }
    REJECT { en: "reject", ko: "반려" }
    SWITCH_LIST { en: "queue / issued", ko: "대기열 / 발급 목록" }
    APPLY { en: "apply for certificate", ko: "증명서 발급 신청" }
    CANCEL { en: "cancel application", ko: "신청 취소" }
    EDIT_CITIZEN { en: "edit citizen", ko: "접종자 수정" }
    SHOW { en: "show certificate", ko: "증명서 보기" }
    TOGGLE { en: "text / QR code", ko: "문자 / QR 코드" }
    COPY { en: "copy certificate text", ko: "증명서 문자 복사" }
    PRINT { en: "print", ko: "인쇄" }
    REVOKE { en: "revoke certificate", ko: "증명서 폐기" }
    REVEAL_ID { en: "show whole id", ko: "주민등록번호 전체 보기" }
    AUDIT_LOG { en: "audit log", ko: "감사 기록" }
    FILTER { en: "filter", ko: "거르기" }
    UNLOCK_STAFF { en: "unlock an account or kiosk id", ko: "계정·키오스크 잠금 해제" }
    YES { en: "yes", ko: "예" }
    NO { en: "no", ko: "아니요" }
    // What a key does in one place only (the footer says it so).
    CLOSE_KIOSK { en: "close the kiosk", ko: "키오스크 닫기" }
    BACK_TO_KIOSK { en: "back to the kiosk", ko: "키오스크로" }
    UNLOCK { en: "unlock", ko: "잠금 해제" }
    STAFF_EXIT { en: "staff exit", ko: "직원 종료" }
    LEAVE { en: "leave", ko: "나가기" }
    // The `?` help's notes.
    NOTE_CONFIRM { en: "In a question, Enter means yes and Esc means no.",
        ko: "질문에서는 Enter가 예, Esc가 아니요입니다." }
    NOTE_FORM { en: "In a form, Enter saves (or goes on to a question) and Esc closes it unsaved.",
        ko: "입력 양식에서는 Enter로 저장하고(또는 확인 질문으로 넘어가고) Esc로 저장하지 않고 닫습니다." }
    NOTE_SEARCH { en: "While searching, Enter keeps the results and Esc clears the search.",
        ko: "검색 중에는 Enter로 결과를 유지하고 Esc로 검색어를 지웁니다." }
    NOTE_SIGN_IN { en: "At a sign-in, Enter signs in and Esc clears what was typed.",
        ko: "로그인 화면에서는 Enter로 로그인하고 Esc로 입력한 내용을 지웁니다." }
    NOTE_MANAGER_LIST { en: "Esc clears the search.", ko: "Esc로 검색어를 지웁니다." }
    NOTE_ISSUED { en: "Esc clears a search first, then goes back to the queue.",
        ko: "Esc는 먼저 검색어를 지우고, 그다음 대기열로 돌아갑니다." }
    NOTE_CITIZEN { en: "Esc signs out.", ko: "Esc로 로그아웃합니다." }
    NOTE_AUDIT { en: "f filters too.", ko: "f로도 거를 수 있습니다." }
    HELP_TITLE { en: "Keys", ko: "키 안내" }
    HELP_CLOSE { en: "Esc or ? closes this help", ko: "Esc 또는 ?로 도움말을 닫습니다" }
}
