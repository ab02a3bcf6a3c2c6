//! The desk's screens (`src/tui/`): titles, labels, footers, `?` help, dialogs, toasts.

crate::messages! {
    ROLE_MANAGER { en: "Injection manager", ko: "예방접종 관리" }
    ROLE_ISSUER { en: "Certificate issuer", ko: "증명서 발급" }
    ROLE_CITIZEN { en: "Citizen", ko: "접종자" }
}

use super::Lang;
use crate::app::AppError;

/// An error of a command, as a screen shows it: a refusal in `lang`, anything else as it is
/// (those are for support, and are logged).
pub fn app_error(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Refused(r) => super::common::refusal(lang, r),
        other => other.to_string(),
    }
}
