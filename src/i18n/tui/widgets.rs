//! The shared widgets (`src/tui/widgets/`): forms, questions, the certificate view.

use crate::app::certificates::{LpEnd, PageError, PrintFailure};
use crate::i18n::Lang;

crate::messages! {
    CLOSE_KEYS { en: "Enter / Esc: close", ko: "Enter / Esc: 닫기" }
    YES_NO_KEYS { en: "y / Enter: yes    n / Esc: no", ko: "y / Enter: 예    n / Esc: 아니요" }
    NOTHING_DONE { en: "Nothing was done.", ko: "아무것도 바꾸지 않았습니다." }
    TYPED { en: "typed:", ko: "입력:" }
    CERTIFICATE { en: "Certificate", ko: "증명서" }
    QR_KEYS { en: "t text / code · c copy · p print · Esc close",
        ko: "t 문자 / 코드 · c 복사 · p 인쇄 · Esc 닫기" }
    PRINTING { en: "Printing the certificate…", ko: "증명서를 인쇄하는 중입니다…" }
    STILL_PRINTING { en: "A certificate is still printing; print again once it is done.",
        ko: "아직 증명서를 인쇄하는 중입니다. 끝난 뒤에 다시 인쇄하세요." }
    NO_TERMINAL { en: "Cannot copy: the desk is not running in a terminal.",
        ko: "복사할 수 없습니다: 터미널에서 실행 중이 아닙니다." }
}

/// The line under a choice: what was typed and how many options match.
pub fn typed_line(lang: Lang, typed: &str, matches: usize) -> String {
    match (lang, matches) {
        (Lang::En, 0) => format!("typed: {typed} · no match; Backspace to widen"),
        (Lang::En, 1) => format!("typed: {typed} · 1 match"),
        (Lang::En, n) => format!("typed: {typed} · {n} matches · ←→ among them"),
        (Lang::Ko, 0) => format!("입력: {typed} · 일치 없음; Backspace로 넓히기"),
        (Lang::Ko, 1) => format!("입력: {typed} · 1개 일치"),
        (Lang::Ko, n) => format!("입력: {typed} · {n}개 일치 · ←→로 고르기"),
    }
}

/// "No QR code: …".
pub fn no_qr(lang: Lang, e: &str) -> String {
    match lang {
        Lang::En => format!("No QR code: {e}"),
        Lang::Ko => format!("QR 코드를 만들 수 없습니다: {e}"),
    }
}

/// The terminal is too small for the QR code.
pub fn qr_needs(lang: Lang, cols: u16, rows: u16, w: u16, h: u16) -> String {
    match lang {
        Lang::En => format!(
            "The QR code needs {cols} columns and {rows} rows; this terminal gives {w}x{h}. \
             Enlarge the window, press t to show the certificate as text, or p to print it."
        ),
        Lang::Ko => format!(
            "QR 코드에는 {cols}열 {rows}행이 필요한데 이 터미널은 {w}x{h}입니다. \
             창을 키우거나, t를 눌러 증명서를 문자로 보거나, p를 눌러 인쇄하세요."
        ),
    }
}

/// The terminal is too small for the certificate's text.
pub fn text_needs(lang: Lang, rows: usize) -> String {
    match lang {
        Lang::En => format!("The certificate text needs {rows} rows; enlarge the window."),
        Lang::Ko => format!("증명서 문자에는 {rows}행이 필요합니다. 창을 키우세요."),
    }
}

/// The certificate's text was copied.
pub fn copied(lang: Lang, chars: usize) -> String {
    match lang {
        Lang::En => format!(
            "Copied the certificate text ({chars} characters). If the clipboard stays empty, this \
             terminal does not allow copying: press t and select the text."
        ),
        Lang::Ko => format!(
            "증명서 문자({chars}자)를 복사했습니다. 클립보드가 비어 있으면 이 터미널은 복사를 \
             허용하지 않습니다: t를 누르고 문자를 선택하세요."
        ),
    }
}

/// The terminal refused the copy.
pub fn copy_refused(lang: Lang, e: &str) -> String {
    match lang {
        Lang::En => format!("Cannot copy: the terminal refused the text ({e})."),
        Lang::Ko => format!("복사할 수 없습니다: 터미널이 거부했습니다 ({e})."),
    }
}

/// After `p`: no printer is configured, the PDF was saved as `file` in `folder`.
pub fn print_saved(lang: Lang, file: &str, folder: &str) -> String {
    match lang {
        Lang::En => format!("No printer is set: saved {file} in {folder}"),
        Lang::Ko => format!("설정된 프린터가 없어 {folder}에 {file}(으)로 저장했습니다"),
    }
}

/// After `p`: the certificate went to a CUPS queue (`job` is lp's answer, maybe empty).
pub fn print_queued(lang: Lang, uvci: &str, printer: &str, job: &str) -> String {
    let job = if job.is_empty() {
        String::new()
    } else {
        format!(" ({job})")
    };
    match lang {
        Lang::En => format!("Certificate {uvci} was sent to printer {printer}{job}."),
        Lang::Ko => format!("증명서 {uvci}을(를) 프린터 {printer}(으)로 보냈습니다{job}."),
    }
}

/// After `p`: nothing was printed, because of `why`.
pub fn not_printed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::En => format!("Not printed: {why}"),
        Lang::Ko => format!("인쇄하지 못했습니다: {why}"),
    }
}

/// After `p`: printed, but the audit row could not be written.
pub fn printed_not_recorded(lang: Lang, uvci: &str, why: &str) -> String {
    match lang {
        Lang::En => {
            format!("Certificate {uvci} was printed, but the audit log could not record it: {why}")
        }
        Lang::Ko => format!("증명서 {uvci}을(를) 인쇄했지만 감사 기록에 남기지 못했습니다: {why}"),
    }
}

/// After `p`: why the page did not leave, in `lang` (English is the failure's own text).
pub fn print_failure(lang: Lang, failure: &PrintFailure) -> String {
    if lang == Lang::En {
        return failure.to_string();
    }
    match failure {
        PrintFailure::Page(PageError::DoesNotDecode { uvci }) => {
            format!("인쇄할 쪽을 만들 수 없습니다: 저장된 증명서 {uvci}을(를) 해독할 수 없습니다")
        }
        PrintFailure::Page(PageError::Layout { uvci, why }) => {
            format!("인쇄할 쪽을 만들 수 없습니다: 증명서 {uvci}: {why}")
        }
        PrintFailure::NoLp => {
            "`lp`를 찾을 수 없습니다: CUPS 클라이언트(cups-client)를 설치하거나, \
             설정에서 `printer`를 지우면 PDF로 저장합니다"
                .into()
        }
        PrintFailure::Spawn(e) => format!("`lp`를 시작할 수 없습니다: {e}"),
        PrintFailure::Lp {
            printer,
            status,
            said,
        } => {
            let status = match status {
                LpEnd::NotStarted => "시작하지 않음".to_string(),
                LpEnd::Exit(code) => format!("종료 코드 {code}"),
                LpEnd::Signal => "신호로 중단됨".to_string(),
                LpEnd::Lost(why) => why.clone(),
            };
            let said = if said.is_empty() {
                String::new()
            } else {
                format!(": {said}")
            };
            format!("프린터 {printer}: lp가 실패했습니다 ({status}){said}")
        }
        PrintFailure::LpTimedOut { printer, seconds } => {
            format!("프린터 {printer}: lp가 {seconds}초 안에 응답하지 않아 중단했습니다")
        }
        PrintFailure::Stopped { printer } => {
            format!("프린터 {printer}: lp가 끝나기 전에 데스크를 닫아 인쇄를 중단했습니다")
        }
        PrintFailure::Save { folder, source } => {
            format!("PDF를 {}에 저장할 수 없습니다: {source}", folder.display())
        }
    }
}
