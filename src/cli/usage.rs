//! A command line clap cannot read (a usage error), told in the person's language. English is
//! clap's own message; Korean is made from the error's kind and the values clap keeps with it
//! (the flag, the value typed, the subcommand, clap's usage line), with the words of
//! [`vaxdesk::i18n::cli`] (`USAGE_*`). `--help` and `--version` stay clap's (English).
//!
//! Parsing failed, so the language is decided from the raw command line: `--lang`, else
//! `language` in the configuration file, else the locale, as for any command.

use super::Cli;
use clap::CommandFactory;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::ffi::OsString;
use std::path::Path;
use vaxdesk::i18n::cli::{self as msg, usage_text};
use vaxdesk::i18n::{Lang, Text};

/// The message of the usage error `e` for the command line `args` (the program first), in
/// the language decided from them. Rendered again without styles: clap's plain text drops an
/// escape sequence typed in a value instead of showing it, so the message keeps what was
/// typed, for the caller to escape.
pub fn message(e: &clap::Error, args: &[OsString]) -> String {
    let plain = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches_from(args)
        .err();
    let (e, english) = match &plain {
        Some(p) => (p, p.render().ansi().to_string()),
        None => (e, e.render().to_string()),
    };
    match language(args) {
        Lang::En => english,
        Lang::Ko => korean(e, &english, args),
    }
}

/// The language of a usage error: `--lang ko|en` (or `--lang=ko`) as typed, else `language`
/// in the configuration file (`--config`, `VAXDESK_CONFIG`, else the default one) when it
/// reads, else the locale ([`vaxdesk::i18n::detect`]). A `--lang` clap refused (`--lang fr`)
/// counts as not given; a configuration that does not read counts as none.
pub fn language(args: &[OsString]) -> Lang {
    let flag = raw_value(args, "--lang").and_then(|v| v.to_str().and_then(Lang::parse));
    if let Some(lang) = flag {
        return lang;
    }
    let named = raw_value(args, "--config")
        .or_else(|| std::env::var_os("VAXDESK_CONFIG"))
        .filter(|p| !p.is_empty());
    let config = super::readable_config(named.as_deref().map(Path::new));
    let locale = vaxdesk::i18n::locale_from_env();
    vaxdesk::i18n::detect(
        None,
        config.and_then(|c| c.language),
        [0, 1, 2].map(|i| locale[i].as_deref()),
    )
}

/// The first value given to the long flag `flag` before a `--`: `--flag VALUE` or
/// `--flag=VALUE` (given twice, clap refuses it; the first is what the person began with).
fn raw_value(args: &[OsString], flag: &str) -> Option<OsString> {
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        if arg == "--" {
            return None;
        }
        if arg == flag {
            return rest.next().cloned();
        }
        let value = arg
            .to_str()
            .and_then(|a| a.strip_prefix(flag)?.strip_prefix('='));
        if let Some(value) = value {
            return Some(value.into());
        }
    }
    None
}

/// The usage error in Korean, laid out as clap lays it out: what is wrong, clap's tips, the
/// usage line, and where to read more (the `--help` of the subcommand typed in `args`). A kind
/// without Korean words keeps clap's English message (`english`, its first paragraph) in a
/// Korean frame.
fn korean(e: &clap::Error, english: &str, args: &[OsString]) -> String {
    let ko = Lang::Ko;
    let what = what(e).unwrap_or_else(|| {
        let first = english.split("\n\n").next().unwrap_or(english);
        let first = first.strip_prefix("error: ").unwrap_or(first);
        usage_text(ko, msg::USAGE_OTHER, &[first.trim_end()])
    });
    let mut out = format!("{} {what}", msg::USAGE_ERROR.get(ko));
    let tips = tips(e);
    if !tips.is_empty() {
        out.push('\n');
        for tip in tips {
            out.push_str(&format!("\n  {} {tip}", msg::USAGE_TIP.get(ko)));
        }
    }
    let usage = text(e, ContextKind::Usage);
    if let Some(usage) = &usage {
        let line = usage.strip_prefix("Usage:").unwrap_or(usage);
        out.push_str(&format!("\n\n{}{line}", msg::USAGE_LINE.get(ko)));
    }
    let help = format!("{} --help", command_path(args));
    out.push_str("\n\n");
    out.push_str(&usage_text(ko, msg::USAGE_MORE, &[&help]));
    out
}

/// What is wrong, from the error's kind and its values; `None` for a kind (or values) this
/// has no words for.
fn what(e: &clap::Error) -> Option<String> {
    let say = |t: Text, values: &[&str]| usage_text(Lang::Ko, t, values);
    let arg = text(e, ContextKind::InvalidArg);
    let value = text(e, ContextKind::InvalidValue);
    Some(match e.kind() {
        ErrorKind::InvalidValue => {
            let (arg, value) = (arg?, value?);
            let mut s = match value.as_str() {
                "" => say(msg::USAGE_VALUE_NEEDED, &[&arg]),
                v => say(msg::USAGE_BAD_VALUE, &[&arg, v]),
            };
            let valid = texts(e, ContextKind::ValidValue);
            if !valid.is_empty() {
                let list = valid.join(", ");
                s.push_str(&format!(
                    "\n  [{}: {list}]",
                    msg::USAGE_POSSIBLE_VALUES.get(Lang::Ko)
                ));
            }
            s
        }
        ErrorKind::ValueValidation => {
            let (arg, value) = (arg?, value?);
            match std::error::Error::source(e) {
                Some(why) => {
                    let why = msg::usage_reason(Lang::Ko, &why.to_string());
                    say(msg::USAGE_BAD_VALUE_BECAUSE, &[&arg, &value, &why])
                }
                None => say(msg::USAGE_BAD_VALUE, &[&arg, &value]),
            }
        }
        ErrorKind::UnknownArgument => say(msg::USAGE_UNKNOWN_ARGUMENT, &[&arg?]),
        ErrorKind::InvalidSubcommand => {
            let sub = text(e, ContextKind::InvalidSubcommand)?;
            say(msg::USAGE_UNKNOWN_SUBCOMMAND, &[&sub])
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = texts(e, ContextKind::InvalidArg);
            if missing.is_empty() {
                return None;
            }
            let mut s = msg::USAGE_MISSING_ARGUMENTS.get(Lang::Ko).to_string();
            for m in missing {
                s.push_str(&format!("\n  {m}"));
            }
            s
        }
        ErrorKind::MissingSubcommand => {
            let command = text(e, ContextKind::InvalidSubcommand)?;
            let mut s = say(msg::USAGE_MISSING_SUBCOMMAND, &[&command]);
            let valid = texts(e, ContextKind::ValidSubcommand);
            if !valid.is_empty() {
                let list = valid.join(", ");
                s.push_str(&format!(
                    "\n  [{}: {list}]",
                    msg::USAGE_SUBCOMMANDS.get(Lang::Ko)
                ));
            }
            s
        }
        ErrorKind::ArgumentConflict => {
            let arg = arg?;
            match e.get(ContextKind::PriorArg) {
                Some(ContextValue::String(prior)) if *prior == arg => {
                    say(msg::USAGE_REPEATED, &[&arg])
                }
                Some(ContextValue::String(prior)) => say(msg::USAGE_CONFLICT, &[&arg, prior]),
                Some(ContextValue::Strings(priors)) => {
                    let mut s = say(msg::USAGE_CONFLICT_LIST, &[&arg]);
                    for p in priors {
                        s.push_str(&format!("\n  {p}"));
                    }
                    s
                }
                _ => say(msg::USAGE_CONFLICT_OTHERS, &[&arg]),
            }
        }
        ErrorKind::NoEquals => say(msg::USAGE_NO_EQUALS, &[&arg?]),
        ErrorKind::TooManyValues => say(msg::USAGE_TOO_MANY, &[&arg?, &value?]),
        ErrorKind::TooFewValues => {
            let actual = number(e, ContextKind::ActualNumValues)?;
            let min = number(e, ContextKind::MinValues)?;
            say(msg::USAGE_TOO_FEW, &[&arg?, &actual, &min])
        }
        ErrorKind::WrongNumberOfValues => {
            let actual = number(e, ContextKind::ActualNumValues)?;
            let expected = number(e, ContextKind::ExpectedNumValues)?;
            say(msg::USAGE_WRONG_NUMBER, &[&arg?, &actual, &expected])
        }
        ErrorKind::InvalidUtf8 => msg::USAGE_NOT_UTF8.get(Lang::Ko).to_string(),
        _ => return None,
    })
}

/// clap's tips in Korean: a similar subcommand, flag or value, and its other tips where the
/// table knows them (one it does not know is left out).
fn tips(e: &clap::Error) -> Vec<String> {
    let say = |t: Text, v: &str| usage_text(Lang::Ko, t, &[v]);
    let mut tips = Vec::new();
    match texts(e, ContextKind::SuggestedSubcommand).as_slice() {
        [] => {}
        [one] => tips.push(say(msg::USAGE_SIMILAR_SUBCOMMAND, one)),
        many => {
            let list = format!("'{}'", many.join("', '"));
            tips.push(say(msg::USAGE_SIMILAR_SUBCOMMANDS, &list));
        }
    }
    if let Some(flag) = text(e, ContextKind::SuggestedArg) {
        tips.push(say(msg::USAGE_SIMILAR_ARGUMENT, &flag));
    }
    if let Some(value) = text(e, ContextKind::SuggestedValue) {
        tips.push(say(msg::USAGE_SIMILAR_VALUE, &value));
    }
    let other = texts(e, ContextKind::Suggested);
    tips.extend(other.iter().filter_map(|t| msg::usage_tip(Lang::Ko, t)));
    tips
}

/// The command `args` name (`vaxdesk cert export`), for its `--help`: the program, then each
/// subcommand typed, up to the first word that is neither a flag, a flag's value nor a
/// subcommand (or a `--`).
fn command_path(args: &[OsString]) -> String {
    let mut chain = vec![Cli::command()];
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next().and_then(|w| w.to_str()) {
        if word == "--" {
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            if !long.contains('=') && takes_value(&chain, long) {
                words.next();
            }
            continue;
        }
        if word.starts_with('-') {
            continue;
        }
        match chain.last().and_then(|c| c.find_subcommand(word)).cloned() {
            Some(sub) => chain.push(sub),
            None => break,
        }
    }
    let names: Vec<&str> = chain.iter().map(clap::Command::get_name).collect();
    names.join(" ")
}

/// Whether the long flag `long` of the commands in `chain` (global ones are the first's)
/// takes a value.
fn takes_value(chain: &[clap::Command], long: &str) -> bool {
    chain
        .iter()
        .rev()
        .flat_map(clap::Command::get_arguments)
        .find(|a| a.get_long() == Some(long))
        .is_some_and(|a| a.get_action().takes_values())
}

/// A value of the error's context, as text. The error is rendered without styles, so what
/// is left of a styled value's escape sequences was typed by the user (escaped by the caller).
fn text(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::StyledStr(s) => Some(s.ansi().to_string()),
        _ => None,
    }
}

/// The values of the error's context, as text (none when there are none).
fn texts(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStrs(v)) => v.iter().map(|s| s.ansi().to_string()).collect(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::StyledStr(s)) => vec![s.ansi().to_string()],
        _ => Vec::new(),
    }
}

/// A number of the error's context, as text.
fn number(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, Command};

    /// The usage error of `args` on a small command with the flags the desk does not have
    /// (`--pair A B`, `--some A B [C]`, `--eq=V`, one positional), in Korean.
    fn ko(args: &[&str]) -> String {
        let e = Command::new("vaxdesk")
            .styles(clap::builder::Styles::plain())
            .arg(Arg::new("pair").long("pair").num_args(2))
            .arg(Arg::new("some").long("some").num_args(2..=3))
            .arg(Arg::new("eq").long("eq").require_equals(true))
            .arg(Arg::new("one").num_args(1))
            .try_get_matches_from(args)
            .unwrap_err();
        let english = e.render().to_string();
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        korean(&e, &english, &args)
    }

    #[test]
    fn kinds_the_desk_cannot_reach_are_korean_too() {
        let out = ko(&["vaxdesk", "--pair", "a"]);
        assert!(
            out.starts_with("오류: '--pair <pair> <pair>'에는 값이 2개 필요한데 1개를 주었습니다"),
            "{out}"
        );
        let out = ko(&["vaxdesk", "--some", "a"]);
        assert!(
            out.starts_with(
                "오류: '--some <some> <some>...'에는 값이 2개 필요한데 1개만 주었습니다"
            ),
            "{out}"
        );
        let out = ko(&["vaxdesk", "--eq", "v"]);
        assert!(
            out.starts_with("오류: '--eq=<eq>'의 값은 등호(=)로 붙여 주세요"),
            "{out}"
        );
        let out = ko(&["vaxdesk", "a", "b"]);
        assert!(
            out.starts_with("오류: 'b'은(는) 이 명령에 없는 인수입니다"),
            "{out}"
        );
        assert!(
            out.contains("\n\n사용법: vaxdesk [OPTIONS] [one]\n\n"),
            "{out}"
        );
        assert!(
            out.ends_with("자세한 내용은 'vaxdesk --help'에서 볼 수 있습니다."),
            "{out}"
        );

        let e = Command::new("vaxdesk")
            .subcommand_required(true)
            .subcommand(Command::new("go"))
            .try_get_matches_from(["vaxdesk"])
            .unwrap_err();
        let out = korean(&e, "", &[]);
        assert!(
            out.starts_with(
                "오류: 'vaxdesk' 다음에 하위 명령을 주어야 합니다\n  [하위 명령: go, help]"
            ),
            "{out}"
        );
        // A kind without Korean words: clap's English message, framed.
        let e = clap::Error::raw(ErrorKind::Io, "the pipe broke\n");
        let english = e.render().to_string();
        let out = korean(&e, &english, &[]);
        assert!(
            out.starts_with("오류: 명령줄을 읽지 못했습니다 (원문): the pipe broke\n"),
            "{out}"
        );
    }

    #[test]
    fn the_flag_is_read_from_the_raw_command_line() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        let lang = |a: &[&str]| raw_value(&args(a), "--lang");
        assert_eq!(
            lang(&["vaxdesk", "--lang", "ko", "seed"]),
            Some("ko".into())
        );
        assert_eq!(lang(&["vaxdesk", "seed", "--lang=en"]), Some("en".into()));
        assert_eq!(
            lang(&["vaxdesk", "--lang", "ko", "--lang=en"]),
            Some("ko".into())
        );
        assert_eq!(lang(&["vaxdesk", "--", "--lang", "ko"]), None);
        assert_eq!(lang(&["vaxdesk", "--language", "ko"]), None);
        assert_eq!(lang(&["vaxdesk", "--lang"]), None);
        assert_eq!(lang(&["--lang"]), None);
    }

    #[test]
    fn a_tip_or_a_reason_it_does_not_know_stays_out_or_as_written() {
        assert_eq!(msg::usage_tip(Lang::Ko, "a tip of a newer clap"), None);
        assert_eq!(
            msg::usage_tip(Lang::Ko, "to pass '-x' as a value, use '-- -x'").as_deref(),
            Some("'-x'을(를) 값으로 주려면 '-- -x'처럼 쓰세요")
        );
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        let path = |a: &[&str]| command_path(&args(a));
        assert_eq!(
            path(&["vaxdesk", "--db", "x", "cert", "export", "--format"]),
            "vaxdesk cert export"
        );
        assert_eq!(path(&["vaxdesk", "frobnicate", "seed"]), "vaxdesk");
        assert_eq!(
            path(&["vaxdesk", "--lang", "seed", "--demo", "seed", "x"]),
            "vaxdesk seed"
        );
        assert_eq!(
            path(&["vaxdesk", "staff", "--json", "list"]),
            "vaxdesk staff list"
        );
        assert_eq!(path(&["vaxdesk", "--", "seed"]), "vaxdesk");
        assert_eq!(path(&["vaxdesk"]), "vaxdesk");
        assert_eq!(
            usage_text(Lang::Ko, msg::USAGE_BAD_VALUE, &["--x", "{0}{1}"]),
            "'--x'에 '{0}{1}'은(는) 쓸 수 없는 값입니다"
        );
    }
}
