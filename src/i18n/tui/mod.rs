//! The desk's screens (`src/tui/`): titles, labels, footers, `?` help, dialogs, toasts. This
//! file holds the shell's, the role picker's and the sign-in's; each role screen has its own
//! file beside it.

pub mod citizen;
pub mod issuer;
pub mod keys;
pub mod manager;
pub mod widgets;

use super::{Lang, Text};
use crate::app::AppError;
use crate::app::access::SignInError;
use crate::domain::staff::LOCK_AFTER;

crate::messages! {
    ROLE_MANAGER { en: "Injection manager", ko: "예방접종 관리" }
    ROLE_ISSUER { en: "Certificate issuer", ko: "증명서 발급" }
    ROLE_CITIZEN { en: "Citizen", ko: "접종자" }
    TITLE_CLOSING_KIOSK { en: "Citizen · close the kiosk", ko: "접종자 · 키오스크 닫기" }
    TITLE_PICKER { en: "choose a role", ko: "역할 선택" }
    TITLE_SIGN_IN { en: "sign in", ko: "로그인" }
    QUIT_TITLE { en: "Quit", ko: "종료" }
    QUIT_UNSAVED { en: "What you typed is not saved. Quit anyway?",
        ko: "입력한 내용이 저장되지 않았습니다. 그래도 종료할까요?" }
    // The role picker.
    PICKER_TITLE { en: "Who is at the desk?", ko: "누가 사용하나요?" }
    PICKER_MANAGER { en: "registers citizens, records and corrects injections",
        ko: "접종자 등록, 예방접종 기록과 수정" }
    PICKER_ISSUER { en: "works the queue of applications, issues certificates",
        ko: "신청 대기열 처리, 증명서 발급" }
    PICKER_CITIZEN { en: "applies for a certificate, checks the status",
        ko: "증명서 발급 신청, 진행 상태 확인" }
    PICKER_KEYS { en: "↑/↓ choose · Enter open · 1-3 open directly",
        ko: "↑/↓ 선택 · Enter 열기 · 1-3 바로 열기" }
    // The staff sign-in, the idle lock and the kiosk's closing sign-in.
    GATE_FORM { en: "Staff sign-in", ko: "직원 로그인" }
    GATE_LOCKED { en: "Locked", ko: "잠김" }
    GATE_CLOSE_FORM { en: "Staff only: close the kiosk", ko: "직원 전용: 키오스크 닫기" }
    GATE_NAME { en: "Name", ko: "이름" }
    GATE_PASSPHRASE { en: "Passphrase", ko: "암호" }
    GATE_NO_NAME { en: "name: type your staff name", ko: "이름: 직원 이름을 입력하세요" }
    GATE_WRONG_PASSPHRASE { en: "Wrong passphrase.", ko: "암호가 틀립니다." }
    GATE_NO_MATCH { en: "Wrong name or passphrase.", ko: "이름 또는 암호가 틀립니다." }
    GATE_CLOSING_INTRO { en: "Closing the kiosk needs a manager or an issuer.",
        ko: "키오스크를 닫으려면 관리 직원이나 발급 직원이 로그인해야 합니다." }
    GATE_SIGN_IN_MANAGER { en: "Sign in to open the injection manager screen.",
        ko: "예방접종 관리 화면을 열려면 로그인하세요." }
    GATE_SIGN_IN_ISSUER { en: "Sign in to open the certificate issuer screen.",
        ko: "증명서 발급 화면을 열려면 로그인하세요." }
    GATE_DEMO { en: "Demo accounts (demo mode only):", ko: "체험용 계정 (체험 모드에서만):" }
    GATE_DEMO_PASSPHRASE { en: "passphrase", ko: "암호" }
    GATE_NO_ACCOUNTS { en: "No staff accounts yet. The database's owner adds one:",
        ko: "직원 계정이 아직 없습니다. 데이터베이스 관리자가 추가합니다:" }
    GATE_KEYS_LOCK { en: "Enter unlock · Esc clear · Ctrl-Q quit",
        ko: "Enter 잠금 해제 · Esc 지우기 · Ctrl-Q 종료" }
    GATE_KEYS_CLOSE { en: "Tab next field · Enter close the kiosk · Esc back to the kiosk",
        ko: "Tab 다음 칸 · Enter 키오스크 닫기 · Esc 키오스크로" }
    GATE_KEYS_SIGN_IN { en: "Tab next field · Enter sign in · Esc clear · Ctrl-Q quit",
        ko: "Tab 다음 칸 · Enter 로그인 · Esc 지우기 · Ctrl-Q 종료" }
    STAFF_MANAGER { en: "manager", ko: "관리" }
    STAFF_ISSUER { en: "issuer", ko: "발급" }
}

/// The idle lock's line: "Locked while away. NAME, type your passphrase."
pub fn locked_while_away(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Locked while away. {name}, type your passphrase."),
        Lang::Ko => format!("자리를 비워 잠겼습니다. {name} 님, 암호를 입력하세요."),
    }
}

/// Why a sign-in (staff or kiosk) did not open, in `lang`; English is the error's own text.
pub fn sign_in_error(lang: Lang, e: &SignInError) -> String {
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (Lang::Ko, SignInError::NoMatch) => "일치하는 정보가 없습니다.".into(),
        (Lang::Ko, SignInError::Wait { seconds }) => {
            format!("실패가 너무 많습니다. {seconds}초 뒤에 다시 하세요.")
        }
        (Lang::Ko, SignInError::Locked { until }) => {
            format!("{LOCK_AFTER}번 실패하여 {until}까지 잠겼습니다 (관리 직원이 풀 수 있습니다).")
        }
        (Lang::Ko, SignInError::WrongRole { name, role }) => {
            let role = match role.as_str() {
                "manager" | "MANAGER" => ROLE_MANAGER.ko,
                "issuer" | "ISSUER" => ROLE_ISSUER.ko,
                other => other,
            };
            format!("{name} 님은 이 화면을 열 수 없습니다 ({role} 화면용 계정입니다).")
        }
        (Lang::Ko, SignInError::App(e)) => app_error(lang, e),
    }
}

/// The terminal is smaller than the desk needs.
pub fn too_small(lang: Lang, min_w: u16, min_h: u16, w: u16, h: u16) -> String {
    match lang {
        Lang::En => format!(
            "The desk needs at least {min_w}x{min_h}; this terminal is {w}x{h}. \
             Enlarge the window or make the font smaller."
        ),
        Lang::Ko => format!(
            "화면이 최소 {min_w}x{min_h} 필요합니다. 지금 터미널은 {w}x{h}입니다. \
             창을 키우거나 글꼴을 줄이세요."
        ),
    }
}

/// An error of a command, as a screen shows it: a refusal in `lang`, anything else as it is
/// (those are for support, and are logged).
pub fn app_error(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Refused(r) => super::common::refusal(lang, r),
        other => other.to_string(),
    }
}

/// Every message of the screens' table.
pub fn all() -> impl Iterator<Item = &'static (&'static str, Text)> {
    ALL.iter()
        .chain(keys::ALL)
        .chain(widgets::ALL)
        .chain(manager::ALL)
        .chain(issuer::ALL)
        .chain(citizen::ALL)
}
