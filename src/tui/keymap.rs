//! One keymap table: every binding has a description, and the same table drives the key
//! handling, the footer hints and the `?` help popup. The configuration file may rebind any
//! action by name.

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
    pub description: &'static str,
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
    &'static str,
    &'static [Context],
    &'static [&'static str],
);

const DEFAULTS: &[DefaultBinding] = &[
    (Action::Help, "help", "help", &[Global], &["?", "f1"]),
    (
        Action::Quit,
        "quit",
        "quit",
        &[Global],
        &["q", "ctrl+c", "ctrl+q"],
    ),
    (
        Action::Back,
        "back",
        "back",
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
    (Action::Up, "up", "up", &[List, Form], &["up", "k"]),
    (Action::Down, "down", "down", &[List, Form], &["down", "j"]),
    (Action::PageUp, "page_up", "page up", &[List], &["pageup"]),
    (
        Action::PageDown,
        "page_down",
        "page down",
        &[List],
        &["pagedown"],
    ),
    (Action::Top, "top", "first", &[List], &["g", "home"]),
    (Action::Bottom, "bottom", "last", &[List], &["G", "end"]),
    (Action::SignIn, "sign_in", "sign in", &[SignIn], &["enter"]),
    (
        Action::Clear,
        "clear",
        "clear",
        &[SignIn, Search, ManagerList],
        &["esc"],
    ),
    (Action::Done, "done", "keep results", &[Search], &["enter"]),
    (
        Action::NextField,
        "next_field",
        "next field",
        &[Form, SignIn],
        &["tab"],
    ),
    (
        Action::PrevField,
        "prev_field",
        "previous field",
        &[Form, SignIn],
        &["backtab"],
    ),
    (Action::Submit, "submit", "submit", &[Form], &["enter"]),
    (
        Action::Search,
        "search",
        "search",
        &[ManagerList, Issued],
        &["/"],
    ),
    (
        Action::Register,
        "register",
        "register citizen",
        &[ManagerList],
        &["n"],
    ),
    (
        Action::Open,
        "open",
        "open",
        &[ManagerList, Issuer],
        &["enter"],
    ),
    (
        Action::Record,
        "record",
        "record dose",
        &[ManagerDetail],
        &["a"],
    ),
    (Action::Edit, "edit", "edit dose", &[ManagerDetail], &["e"]),
    (Action::Void, "void", "void dose", &[ManagerDetail], &["x"]),
    // Enter never issues: it opens the application; `i` asks before it issues.
    (
        Action::Issue,
        "issue",
        "issue certificate",
        &[Issuer, IssuerDetail],
        &["i"],
    ),
    (
        Action::Reject,
        "reject",
        "reject",
        &[Issuer, IssuerDetail],
        &["r"],
    ),
    (
        Action::SwitchList,
        "switch_list",
        "queue / issued",
        &[Issuer, Issued],
        &["tab"],
    ),
    (
        Action::Apply,
        "apply",
        "apply for certificate",
        &[Citizen],
        &["a"],
    ),
    (
        Action::Cancel,
        "cancel",
        "cancel application",
        &[Citizen],
        &["c"],
    ),
    (
        Action::EditCitizen,
        "edit_citizen",
        "edit citizen",
        &[ManagerDetail],
        &["u"],
    ),
    (
        Action::Show,
        "show",
        "show certificate",
        &[Citizen, Issuer, Issued],
        &["v"],
    ),
    (
        Action::Toggle,
        "toggle",
        "text / QR code",
        &[Certificate],
        &["t"],
    ),
    (
        Action::Copy,
        "copy",
        "copy certificate text",
        &[Certificate],
        &["c"],
    ),
    (
        Action::Print,
        "print",
        "print certificate",
        &[Certificate, Issued],
        &["p"],
    ),
    (
        Action::Revoke,
        "revoke",
        "revoke certificate",
        &[Issuer, Issued],
        &["x"],
    ),
    (
        Action::RevealId,
        "reveal_id",
        "show whole id",
        &[ManagerDetail],
        &["i"],
    ),
    (
        Action::AuditLog,
        "audit_log",
        "audit log",
        &[ManagerList],
        &["L"],
    ),
    (Action::Filter, "filter", "filter", &[Audit], &["/", "f"]),
    (
        Action::UnlockStaff,
        "unlock_staff",
        "unlock an account or kiosk id",
        &[ManagerList],
        &["U"],
    ),
    (Action::Yes, "yes", "yes", &[Confirm], &["y", "enter"]),
    (Action::No, "no", "no", &[Confirm], &["n", "esc"]),
];

/// Where a key does not mean what it means elsewhere (Enter opens, Esc goes back or closes,
/// `/` searches in place): the `?` help of those places says so.
const EXCEPTIONS: &[(Context, &str)] = &[
    (Confirm, "In a question, Enter means yes and Esc means no."),
    (
        Form,
        "In a form, Enter saves (or goes on to a question) and Esc closes it unsaved.",
    ),
    (
        Search,
        "While searching, Enter keeps the results and Esc clears the search.",
    ),
    (
        SignIn,
        "At a sign-in, Enter signs in and Esc clears what was typed.",
    ),
    (ManagerList, "Esc clears the search."),
    (
        Issued,
        "Esc clears a search first, then goes back to the queue.",
    ),
    (Citizen, "Esc signs out."),
    (Audit, "f filters too."),
];

/// The exceptions to the usual meaning of Enter, Esc and `/` in `contexts`.
pub fn exceptions(contexts: &[Context]) -> Vec<&'static str> {
    EXCEPTIONS
        .iter()
        .filter(|(c, _)| contexts.contains(c))
        .map(|(_, n)| *n)
        .collect()
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
                description,
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

    /// `(keys, description)` for the footer (first key) and the help popup (all keys).
    pub fn hints(&self, contexts: &[Context]) -> Vec<(Vec<String>, &'static str)> {
        self.bindings
            .iter()
            .filter(|b| b.contexts.iter().any(|c| contexts.contains(c)))
            .map(|b| (b.keys.iter().map(Key::label).collect(), b.description))
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
                format!("{name} = [{}]  # {description}\n", list.join(", "))
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
