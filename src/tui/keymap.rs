//! One keymap table: every binding has a description, and the same table drives the key
//! handling, the footer hints and the `?` help popup. The configuration file may rebind any
//! action by name.

use crate::i18n::Text;
use crate::i18n::tui::keys as k;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// What a user can ask for with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextField,
    PrevField,
    Submit,
    Search,
    Register,
    Open,
    Record,
    Edit,
    Void,
    Issue,
    Reject,
    Apply,
    Cancel,
    Yes,
    No,
    SignIn,
    Clear,
    Done,
    Revoke,
    SwitchList,
    Show,
    Toggle,
    EditCitizen,
    RevealId,
    AuditLog,
    Filter,
    UnlockStaff,
    Copy,
    Print,
}

/// Where a binding applies; the footer and help show the current context's bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere except while typing in a field.
    Global,
    /// Lists and tables.
    List,
    /// Forms and text fields.
    Form,
    /// The injection manager's citizen list.
    ManagerList,
    /// The injection manager's citizen detail.
    ManagerDetail,
    /// The manager's audit log.
    Audit,
    /// The issuer's queue.
    Issuer,
    /// One application of the issuer's queue, opened with Enter.
    IssuerDetail,
    /// The issuer's list of issued certificates (Tab from the queue).
    Issued,
    /// The citizen's own page.
    Citizen,
    /// A yes/no question.
    Confirm,
    /// The citizen kiosk's sign-in form.
    SignIn,
    /// Typing a search in a list (the manager's citizens, the issuer's certificates).
    Search,
    /// A certificate's QR code on screen.
    Certificate,
}

#[derive(Debug)]
pub struct Binding {
    pub action: Action,
    pub name: &'static str,
    pub description: Text,
    pub contexts: &'static [Context],
    pub keys: Vec<Key>,
}

/// A key with modifiers, as written in the configuration (`ctrl+c`, `pagedown`, `i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub fn parse(s: &str) -> Option<Key> {
        let s = s.trim();
        let (ctrl, rest) = match s.to_ascii_lowercase().strip_prefix("ctrl+") {
            Some(_) => (true, &s[5..]),
            None => (false, s),
        };
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift+tab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            f if f.starts_with('f') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
        };
        Some(Key { code, ctrl })
    }

    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let code = match ev.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            c => c,
        };
        ctrl == self.ctrl && code == self.code
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".into(),
        };
        if self.ctrl { format!("C-{base}") } else { base }
    }
}

fn keys(list: &[&str]) -> Vec<Key> {
    list.iter().filter_map(|k| Key::parse(k)).collect()
}

use Context::*;

/// One default binding: (action, config name, description, contexts, keys).
type DefaultBinding = (
    Action,
    &'static str,
    Text,
    &'static [Context],
    &'static [&'static str],
);

const DEFAULTS: &[DefaultBinding] = &[
    (Action::Help, "help", k::HELP, &[Global], &["?", "f1"]),
    (
        Action::Quit,
        "quit",
        k::QUIT,
        &[Global],
        &["q", "ctrl+c", "ctrl+q"],
    ),
    (
        Action::Back,
        "back",
        k::BACK,
        &[
            Form,
            ManagerDetail,
            Citizen,
            Certificate,
            Audit,
            IssuerDetail,
            Issued,
        ],
        &["esc"],
    ),
    (Action::Up, "up", k::UP, &[List, Form], &["up", "k"]),
    (Action::Down, "down", k::DOWN, &[List, Form], &["down", "j"]),
    (Action::PageUp, "page_up", k::PAGE_UP, &[List], &["pageup"]),
    (
        Action::PageDown,
        "page_down",
        k::PAGE_DOWN,
        &[List],
        &["pagedown"],
    ),
    (Action::Top, "top", k::TOP, &[List], &["g", "home"]),
    (Action::Bottom, "bottom", k::BOTTOM, &[List], &["G", "end"]),
    (Action::SignIn, "sign_in", k::SIGN_IN, &[SignIn], &["enter"]),
    (
        Action::Clear,
        "clear",
        k::CLEAR,
        &[SignIn, Search, ManagerList],
        &["esc"],
    ),
    (Action::Done, "done", k::DONE, &[Search], &["enter"]),
    (
        Action::NextField,
        "next_field",
        k::NEXT_FIELD,
        &[Form, SignIn],
        &["tab"],
    ),
    (
        Action::PrevField,
        "prev_field",
        k::PREV_FIELD,
        &[Form, SignIn],
        &["backtab"],
    ),
    (Action::Submit, "submit", k::SUBMIT, &[Form], &["enter"]),
    (
        Action::Search,
        "search",
        k::SEARCH,
        &[ManagerList, Issued],
        &["/"],
    ),
    (
        Action::Register,
        "register",
        k::REGISTER,
        &[ManagerList],
        &["n"],
    ),
    (
        Action::Open,
        "open",
        k::OPEN,
        &[ManagerList, Issuer],
        &["enter"],
    ),
    (
        Action::Record,
        "record",
        k::RECORD,
        &[ManagerDetail],
        &["a"],
    ),
    (Action::Edit, "edit", k::EDIT, &[ManagerDetail], &["e"]),
    (Action::Void, "void", k::VOID, &[ManagerDetail], &["x"]),
    // Enter never issues: it opens the application; `i` asks before it issues.
    (
        Action::Issue,
        "issue",
        k::ISSUE,
        &[Issuer, IssuerDetail],
        &["i"],
    ),
    (
        Action::Reject,
        "reject",
        k::REJECT,
        &[Issuer, IssuerDetail],
        &["r"],
    ),
    (
        Action::SwitchList,
        "switch_list",
        k::SWITCH_LIST,
        &[Issuer, Issued],
        &["tab"],
    ),
    (Action::Apply, "apply", k::APPLY, &[Citizen], &["a"]),
    (Action::Cancel, "cancel", k::CANCEL, &[Citizen], &["c"]),
    (
        Action::EditCitizen,
        "edit_citizen",
        k::EDIT_CITIZEN,
        &[ManagerDetail],
        &["u"],
    ),
    (
        Action::Show,
        "show",
        k::SHOW,
        &[Citizen, Issuer, Issued],
        &["v"],
    ),
    (Action::Toggle, "toggle", k::TOGGLE, &[Certificate], &["t"]),
    (Action::Copy, "copy", k::COPY, &[Certificate], &["c"]),
    (
        Action::Print,
        "print",
        k::PRINT,
        &[Certificate, Issued],
        &["p"],
    ),
    (
        Action::Revoke,
        "revoke",
        k::REVOKE,
        &[Issuer, Issued],
        &["x"],
    ),
    (
        Action::RevealId,
        "reveal_id",
        k::REVEAL_ID,
        &[ManagerDetail],
        &["i"],
    ),
    (
        Action::AuditLog,
        "audit_log",
        k::AUDIT_LOG,
        &[ManagerList],
        &["L"],
    ),
    (Action::Filter, "filter", k::FILTER, &[Audit], &["/", "f"]),
    (
        Action::UnlockStaff,
        "unlock_staff",
        k::UNLOCK_STAFF,
        &[ManagerList],
        &["U"],
    ),
    (Action::Yes, "yes", k::YES, &[Confirm], &["y", "enter"]),
    (Action::No, "no", k::NO, &[Confirm], &["n", "esc"]),
];

/// Where a key does not mean what it means elsewhere (Enter opens, Esc goes back or closes,
/// `/` searches in place): the `?` help of those places says so.
const EXCEPTIONS: &[(Context, Text)] = &[
    (Confirm, k::NOTE_CONFIRM),
    (Form, k::NOTE_FORM),
    (Search, k::NOTE_SEARCH),
    (SignIn, k::NOTE_SIGN_IN),
    (ManagerList, k::NOTE_MANAGER_LIST),
    (Issued, k::NOTE_ISSUED),
    (Citizen, k::NOTE_CITIZEN),
    (Audit, k::NOTE_AUDIT),
];

/// The exceptions to the usual meaning of Enter, Esc and `/` in `contexts`.
pub fn exceptions(contexts: &[Context]) -> Vec<Text> {
    EXCEPTIONS
        .iter()
        .filter(|(c, _)| contexts.contains(c))
        .map(|(_, n)| *n)
        .collect()
}

/// One line of the footer or the help: the keys, the action and what it does.
#[derive(Debug, Clone)]
pub struct Hint {
    pub keys: Vec<String>,
    pub action: Action,
    pub text: Text,
}

#[derive(Debug)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Keymap {
    /// The default table with the configuration's overrides; an unknown action or key is an
    /// error naming it.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut bindings: Vec<Binding> = DEFAULTS
            .iter()
            .map(|(action, name, description, contexts, k)| Binding {
                action: *action,
                name,
                description: *description,
                contexts,
                keys: keys(k),
            })
            .collect();
        for (name, list) in overrides {
            let b = bindings
                .iter_mut()
                .find(|b| b.name == name)
                .ok_or_else(|| format!("keys.{name}: unknown action"))?;
            let mut parsed = vec![];
            for k in list {
                parsed
                    .push(Key::parse(k).ok_or_else(|| format!("keys.{name}: unknown key '{k}'"))?);
            }
            if parsed.is_empty() {
                return Err(format!("keys.{name}: needs at least one key"));
            }
            b.keys = parsed;
        }
        Ok(Keymap { bindings })
    }

    /// The action bound to `ev` in any of `contexts` (first match in table order).
    pub fn action(&self, ev: &KeyEvent, contexts: &[Context]) -> Option<Action> {
        self.bindings
            .iter()
            .filter(|b| b.contexts.iter().any(|c| contexts.contains(c)))
            .find(|b| b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.action)
    }

    /// The bindings of `contexts`, for the footer (first key) and the help popup (all keys).
    pub fn hints(&self, contexts: &[Context]) -> Vec<Hint> {
        self.bindings
            .iter()
            .filter(|b| b.contexts.iter().any(|c| contexts.contains(c)))
            .map(|b| Hint {
                keys: b.keys.iter().map(Key::label).collect(),
                action: b.action,
                text: b.description,
            })
            .collect()
    }

    /// The first key of an action, for messages ("press i to issue").
    pub fn key_of(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(Key::label)
            .unwrap_or_default()
    }

    /// The `[keys]` section of the default configuration file.
    pub fn default_toml() -> String {
        DEFAULTS
            .iter()
            .map(|(_, name, description, _, k)| {
                let list: Vec<String> = k.iter().map(|k| format!("\"{k}\"")).collect();
                format!("{name} = [{}]  # {}\n", list.join(", "), description.en)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn defaults_and_overrides() {
        let km = Keymap::new(&BTreeMap::new()).unwrap();
        let i = ev(KeyCode::Char('i'), KeyModifiers::NONE);
        assert_eq!(km.action(&i, &[Context::Issuer]), Some(Action::Issue));
        assert_eq!(km.action(&i, &[Context::Citizen]), None);
        let cc = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(km.action(&cc, &[Context::Global]), Some(Action::Quit));
        let mut o = BTreeMap::new();
        o.insert("issue".to_string(), vec!["ctrl+s".to_string()]);
        let km = Keymap::new(&o).unwrap();
        assert_eq!(km.action(&i, &[Context::Issuer]), None);
        let cs = ev(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(km.action(&cs, &[Context::Issuer]), Some(Action::Issue));
        o.insert("fly".into(), vec!["f".into()]);
        assert!(Keymap::new(&o).unwrap_err().contains("keys.fly"));
    }

    /// Enter opens wherever it is bound outside questions, forms, sign-ins and searches; it
    /// never issues, rejects, revokes, voids, applies or cancels.
    #[test]
    fn enter_never_acts_without_a_question() {
        let km = Keymap::new(&BTreeMap::new()).unwrap();
        let enter = ev(KeyCode::Enter, KeyModifiers::NONE);
        for b in &km.bindings {
            if !b.keys.iter().any(|k| k.matches(&enter)) {
                continue;
            }
            assert!(
                matches!(
                    b.action,
                    Action::Open | Action::Yes | Action::Submit | Action::SignIn | Action::Done
                ),
                "Enter is bound to {:?}",
                b.action
            );
        }
        let issuer = [Context::Issuer, Context::List, Context::Global];
        assert_eq!(km.action(&enter, &issuer), Some(Action::Open));
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        for c in [
            Context::IssuerDetail,
            Context::Issued,
            Context::ManagerDetail,
        ] {
            assert_eq!(km.action(&esc, &[c]), Some(Action::Back), "{c:?}");
        }
        let slash = ev(KeyCode::Char('/'), KeyModifiers::NONE);
        for c in [Context::ManagerList, Context::Issued] {
            assert_eq!(km.action(&slash, &[c]), Some(Action::Search), "{c:?}");
        }
    }

    #[test]
    fn the_default_file_parses_back() {
        let text = Keymap::default_toml();
        let table: BTreeMap<String, Vec<String>> = toml::from_str(&text).unwrap();
        assert!(Keymap::new(&table).is_ok());
    }
}
