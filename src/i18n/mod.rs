//! The desk's two languages, Korean and English: which one a person gets, and every message
//! in both.
//!
//! Why a table of our own and not a library: `rust-i18n` keeps the locale in one process-wide
//! setting, so two tests rendering a Korean and an English screen in parallel race on it;
//! `fluent` looks messages up at run time by string key (a missing Korean text is found by a
//! user, not the compiler) and adds about 30 crates. Here every message is a [`Text`]: a
//! constant holding its English and its Korean wording, declared once with [`messages!`],
//! which does not build without both. A message with parameters is a function taking the
//! [`Lang`] (`fn doses(lang, n, sd) -> String`). There is no global locale: the language is
//! decided once ([`detect`]) and handed down (the desk's shell and screens hold it), so a
//! test renders either language without touching the process's environment.
//!
//! The table is split by area: [`common`] (shared words, domain rules and refusals) and
//! [`tui`] (the desk's screens). [`all`] walks every message, for tests.
//!
//! What is for programs stays English whatever the language: JSON, event names, audit actions
//! and log lines.

pub mod cli;
pub mod common;
pub mod relay;
pub mod tui;

use serde::Deserialize;

/// A language of the desk. English is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    /// `ko` or `en`, as written in the configuration and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Parses `ko` or `en` (the configuration's and the flag's values, exactly).
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Lang::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "language: '{s}' is not a language of the desk (ko or en)"
            ))
        })
    }
}

/// The language: `flag` (`--lang`), else `config` (`language` in the configuration file),
/// else the locale: the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty
/// decides, as POSIX does (`ko*` is Korean, anything else English), else English.
///
/// `locale` holds the values of `LC_ALL`, `LC_MESSAGES` and `LANG`, in that order (see
/// [`locale_from_env`]); taking them as values keeps this pure.
pub fn detect(flag: Option<Lang>, config: Option<Lang>, locale: [Option<&str>; 3]) -> Lang {
    if let Some(lang) = flag.or(config) {
        return lang;
    }
    match locale.into_iter().flatten().find(|v| !v.is_empty()) {
        Some(v) if v.starts_with("ko") => Lang::Ko,
        _ => Lang::En,
    }
}

/// The process's `LC_ALL`, `LC_MESSAGES` and `LANG`, for [`detect`] (a value that is not
/// UTF-8 counts as set to something that is not Korean).
pub fn locale_from_env() -> [Option<String>; 3] {
    ["LC_ALL", "LC_MESSAGES", "LANG"].map(|k| {
        std::env::var_os(k).map(|v| v.to_str().map(str::to_owned).unwrap_or_else(|| "?".into()))
    })
}

/// One message in both languages. Made with [`messages!`]; read with [`Text::get`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    /// The message in `lang`.
    pub const fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ko => self.ko,
        }
    }
}

/// Declares messages, each once with both wordings, and `ALL`, the list of them:
///
/// ```ignore
/// messages! {
///     /// The role picker's title.
///     CHOOSE_ROLE { en: "choose a role", ko: "역할 선택" }
/// }
/// ```
///
/// A message without its `ko:` (or `en:`) text does not match the macro: it does not build.
#[macro_export]
macro_rules! messages {
    ($( $(#[$meta:meta])* $name:ident { en: $en:expr, ko: $ko:expr $(,)? } )*) => {
        $( $(#[$meta])* pub const $name: $crate::i18n::Text =
            $crate::i18n::Text { en: $en, ko: $ko }; )*
        /// Every message of this file, by name.
        pub const ALL: &[(&str, $crate::i18n::Text)] = &[ $( (concat!(module_path!(), "::", stringify!($name)), $name) ),* ];
    };
}

/// Every message of the table, by name (for tests: a Korean screen must not show an English
/// message's words).
pub fn all() -> impl Iterator<Item = (&'static str, Text)> {
    common::ALL
        .iter()
        .chain(tui::all())
        .chain(cli::ALL.iter())
        .chain(relay::ALL.iter())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_texts() {
        for (name, t) in all() {
            assert!(!t.en.trim().is_empty(), "{name}: no English text");
            assert!(!t.ko.trim().is_empty(), "{name}: no Korean text");
        }
    }
}

#[cfg(test)]
mod refusals_test;
