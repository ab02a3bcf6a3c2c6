//! What the shell and the role screens share: the roles, the [`Screen`] trait every role
//! screen implements, and [`Cx`], what a screen may use while it handles a key.
//!
//! A screen turns keys into intents and draws its state; what it changes goes through `app`
//! (a use case or a read model), never to the data itself. Screens import this module and
//! never the shell, so `tui/` has no import cycle: the shell imports the screens, the screens
//! import this.

use super::keymap::{Action, Context, Keymap};
use super::theme::Theme;
use crate::app::access::StaffSession;
use crate::app::certificates::PrintJob;
use crate::app::{AppError, Desk};
use crate::domain::StaffRole;
use crate::i18n::{Lang, tui as t};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Manager,
    Issuer,
    Citizen,
}

impl Role {
    /// The staff role whose sign-in opens this screen (the kiosk needs none).
    pub fn staff_role(self) -> Option<StaffRole> {
        match self {
            Role::Manager => Some(StaffRole::Manager),
            Role::Issuer => Some(StaffRole::Issuer),
            Role::Citizen => None,
        }
    }

    /// The role's name in English (logs and the record).
    pub fn title(self) -> &'static str {
        self.name(Lang::En)
    }

    /// The role's name as the screen shows it.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Role::Manager => t::ROLE_MANAGER,
            Role::Issuer => t::ROLE_ISSUER,
            Role::Citizen => t::ROLE_CITIZEN,
        }
        .get(lang)
    }
}

/// What a screen needs from the shell while handling a key.
pub struct Cx<'a> {
    pub desk: &'a Desk,
    pub keymap: &'a Keymap,
    /// The staff member signed in (manager and issuer screens).
    pub session: Option<&'a StaffSession>,
    /// The language of what the screen shows.
    pub lang: Lang,
    toast: Option<(String, bool)>,
    /// A page to print, which the shell sends on a thread of its own.
    print: Option<PrintJob>,
}

impl<'a> Cx<'a> {
    /// What a screen gets from the shell: the desk, the keys, who is signed in.
    pub fn new(
        desk: &'a Desk,
        keymap: &'a Keymap,
        session: Option<&'a StaffSession>,
        lang: Lang,
    ) -> Self {
        Cx {
            desk,
            keymap,
            session,
            lang,
            toast: None,
            print: None,
        }
    }

    /// The notice the screen left (text, true for success), taken once.
    pub fn take_toast(&mut self) -> Option<(String, bool)> {
        self.toast.take()
    }

    /// Asks the shell to print `job`: it says "printing…", sends the page without holding up
    /// the keys, then says where it went (and records it) or why it did not.
    pub fn print(&mut self, job: PrintJob) {
        self.print = Some(job);
    }

    /// The page the screen asked to print, taken once.
    pub fn take_print(&mut self) -> Option<PrintJob> {
        self.print.take()
    }

    /// A short success notice.
    pub fn ok(&mut self, text: impl Into<String>) {
        self.toast = Some((text.into(), true));
    }

    /// A short failure notice (a refusal's reason).
    pub fn fail(&mut self, text: impl Into<String>) {
        self.toast = Some((text.into(), false));
    }

    /// Reports an error that is not a form field's: refusals in the screen's language, others
    /// as they are; each logged (in English).
    pub fn error(&mut self, e: &AppError) {
        tracing::warn!("command failed: {e}");
        let text = crate::i18n::tui::app_error(self.lang, e);
        self.fail(text);
    }

    /// Who is acting, for the record: the staff member signed in.
    pub fn staff(&self, role: Role) -> String {
        match self.session {
            Some(s) => s.name.clone(),
            // Staff screens open only after a sign-in; this names a screen opened without
            // one (tests of a screen alone).
            None => format!("{}:unsigned", role.title().to_lowercase()),
        }
    }
}

/// A role screen.
pub trait Screen {
    /// Keymap contexts that apply now (besides Global, which the shell adds).
    fn contexts(&self) -> Vec<Context>;
    /// True while a text field has the focus: printable keys are text, not commands.
    fn typing(&self) -> bool;
    /// True when leaving would lose typed input.
    fn unsaved(&self) -> bool;
    /// Handles a key the shell did not take; `action` is its binding, if any.
    fn key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>);
    /// Reloads what is shown (another desk changed the database).
    fn refresh(&mut self, cx: &mut Cx<'_>);
    /// Time passed; returns true when the screen changed (e.g. an idle timeout).
    fn tick(&mut self, _cx: &mut Cx<'_>) -> bool {
        false
    }
    /// Draws the body; returns where the terminal cursor belongs (the active field).
    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position>;
    /// Text pasted into the focused field.
    fn paste(&mut self, _text: &str) {}
}
