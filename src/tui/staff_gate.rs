//! The staff gate: the sign-in in front of the manager and issuer screens, the idle lock
//! that hides a screen (keeping its state) until the same person types their passphrase again,
//! and the staff sign-in that closes the citizen kiosk (a citizen never reaches the shell).
//!
//! Only in demo mode does it list the demo accounts; a refused sign-in never says whether the
//! name exists. A "wait N s" clears itself when the wait is over, and a try the throttle
//! refused unchecked keeps what was typed.

use crate::app::Desk;
use crate::app::access::{self, SignInError, StaffSession};
use crate::app::staff_admin::DEMO_STAFF;
use crate::domain::StaffRole;
use crate::i18n::Lang;
use crate::i18n::tui as t;
use crate::tui::theme::Theme;
use crate::tui::widgets::chunks;
use crate::tui::widgets::field::Shown;
use crate::tui::widgets::form::{Form, FormEvent, FormField};
use crate::tui::widgets::popup::centered;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What a key did at the gate.
pub enum GateEvent {
    /// Signed in (or unlocked).
    Open(StaffSession),
    Stay,
    /// Esc at the kiosk's closing sign-in: back to the kiosk.
    Back,
}

/// What a gate is for: set when it is made, read in one place each time it matters.
enum Purpose {
    /// The sign-in in front of a role's screen.
    SignIn,
    /// The idle lock: only this person can open it.
    Lock(StaffSession),
    /// The sign-in that closes the kiosk (any staff role may close it).
    CloseKiosk,
}

pub struct StaffGate {
    role: StaffRole,
    purpose: Purpose,
    /// No account exists yet: the sign-in says how to make one.
    /// With no staff account yet: the database's path, for the command that adds one.
    no_accounts: Option<String>,
    /// When the throttle's "wait N s" is over (the message then clears).
    wait_until: Option<DateTime<Utc>>,
    form: Form,
    lang: Lang,
}

fn passphrase_field(lang: Lang) -> FormField {
    FormField::text("passphrase", t::GATE_PASSPHRASE.get(lang), "", 1024).shown(Shown::Secret)
}

impl StaffGate {
    /// The sign-in in front of a role's screen.
    pub fn sign_in(role: StaffRole, desk: &Desk, lang: Lang) -> Self {
        StaffGate {
            role,
            purpose: Purpose::SignIn,
            no_accounts: crate::app::views::sign_in::without_staff(desk),
            wait_until: None,
            form: Form::new(
                t::GATE_FORM.get(lang),
                vec![
                    FormField::text("name", t::GATE_NAME.get(lang), "", 40),
                    passphrase_field(lang),
                ],
            )
            .in_lang(lang),
            lang,
        }
    }

    /// The idle lock for the person signed in.
    pub fn lock(session: StaffSession, lang: Lang) -> Self {
        StaffGate {
            role: session.role,
            purpose: Purpose::Lock(session),
            no_accounts: None,
            wait_until: None,
            form: Form::new(t::GATE_LOCKED.get(lang), vec![passphrase_field(lang)]).in_lang(lang),
            lang,
        }
    }

    /// The staff sign-in that closes the citizen kiosk.
    pub fn close_kiosk(desk: &Desk, lang: Lang) -> Self {
        let mut gate = StaffGate::sign_in(StaffRole::Manager, desk, lang);
        gate.purpose = Purpose::CloseKiosk;
        gate.form.title = t::GATE_CLOSE_FORM.get(lang).into();
        gate
    }

    /// Time passed: a throttle's wait that is over clears its message. True when it changed.
    pub fn tick(&mut self, now: DateTime<Utc>) -> bool {
        if self.wait_until.is_some_and(|until| now >= until) {
            self.wait_until = None;
            self.form.message = None;
            return true;
        }
        false
    }

    pub fn is_lock(&self) -> bool {
        matches!(self.purpose, Purpose::Lock(_))
    }

    /// True when something was typed (leaving would lose it).
    pub fn dirty(&self) -> bool {
        self.form.is_dirty()
    }

    pub fn key(&mut self, desk: &Desk, ev: &KeyEvent) -> GateEvent {
        match self.form.handle(ev) {
            FormEvent::Submit => self.submit(desk),
            FormEvent::Cancel if matches!(self.purpose, Purpose::CloseKiosk) => GateEvent::Back,
            FormEvent::Cancel => {
                // Esc clears what was typed (a lock keeps its owner).
                *self = match std::mem::replace(&mut self.purpose, Purpose::SignIn) {
                    Purpose::Lock(s) => StaffGate::lock(s, self.lang),
                    _ => StaffGate::sign_in(self.role, desk, self.lang),
                };
                GateEvent::Stay
            }
            FormEvent::Changed(_) => {
                self.form.message = None;
                self.wait_until = None;
                GateEvent::Stay
            }
            _ => GateEvent::Stay,
        }
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(crate::tui::widgets::form::Input::Text(t)) = self
            .form
            .fields
            .get_mut(self.form.focus)
            .map(|f| &mut f.input)
        {
            for c in text.chars().filter(|c| !c.is_control()) {
                let ev = KeyEvent::from(ratatui::crossterm::event::KeyCode::Char(c));
                t.handle(&ev);
            }
        }
    }

    fn submit(&mut self, desk: &Desk) -> GateEvent {
        self.form.clear_errors();
        let passphrase = self.form.value("passphrase");
        let name = match &self.purpose {
            Purpose::Lock(s) => s.name.clone(),
            _ => self.form.value("name").trim().to_string(),
        };
        if name.is_empty() {
            self.form.set_error("name", t::GATE_NO_NAME.get(self.lang));
            return GateEvent::Stay;
        }
        let result = match self.purpose {
            Purpose::CloseKiosk => access::close_kiosk(desk, &name, &passphrase),
            _ => access::sign_in_staff(desk, &name, &passphrase, self.role),
        };
        // The passphrase never stays on screen or in memory after an attempt; a try the
        // throttle turned away unchecked was no attempt, and keeps what was typed.
        if !matches!(result, Err(SignInError::Wait { .. }))
            && let Some(f) = self.form.field_mut("passphrase")
            && let crate::tui::widgets::form::Input::Text(t) = &mut f.input
        {
            t.clear();
        }
        self.wait_until = None;
        match result {
            Ok(session) => {
                tracing::info!("{} signed in as {}", session.name, session.role);
                GateEvent::Open(session)
            }
            Err(SignInError::NoMatch) if self.is_lock() => {
                self.form.message = Some(t::GATE_WRONG_PASSPHRASE.get(self.lang).into());
                GateEvent::Stay
            }
            Err(SignInError::NoMatch) => {
                self.form.message = Some(t::GATE_NO_MATCH.get(self.lang).into());
                GateEvent::Stay
            }
            Err(e @ SignInError::Wait { seconds }) => {
                self.wait_until = Some(desk.now() + chrono::Duration::seconds(seconds));
                self.form.message = Some(t::sign_in_error(self.lang, &e));
                GateEvent::Stay
            }
            Err(e) => {
                self.form.message = Some(t::sign_in_error(self.lang, &e));
                GateEvent::Stay
            }
        }
    }

    pub fn render(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        demo: bool,
    ) -> Option<Position> {
        let w = 64.min(area.width);
        let box_area = centered(area, w, self.form.height(w) + 2);
        let lang = self.lang;
        let intro = match &self.purpose {
            Purpose::Lock(s) => t::locked_while_away(lang, &s.name),
            Purpose::CloseKiosk => t::GATE_CLOSING_INTRO.get(lang).to_string(),
            Purpose::SignIn => match self.role {
                StaffRole::Manager => t::GATE_SIGN_IN_MANAGER,
                StaffRole::Issuer => t::GATE_SIGN_IN_ISSUER,
            }
            .get(lang)
            .to_string(),
        };
        // Two lines above the box: a long name wraps instead of being cut.
        let top = box_area.y.saturating_sub(3).max(area.y);
        let above = Rect::new(box_area.x, top, w, box_area.y.saturating_sub(top + 1));
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(intro, theme.header())))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            above,
        );
        let mut lines = vec![];
        if demo && !self.is_lock() {
            lines.push(Line::from(Span::styled(
                t::GATE_DEMO.get(lang),
                theme.muted(),
            )));
            for (name, role, pass) in DEMO_STAFF {
                let role = match (lang, role) {
                    (Lang::En, role) => role.as_str(),
                    (Lang::Ko, StaffRole::Manager) => t::STAFF_MANAGER.ko,
                    (Lang::Ko, StaffRole::Issuer) => t::STAFF_ISSUER.ko,
                };
                let pad = 8usize.saturating_sub(crate::tui::widgets::width(role));
                lines.push(Line::from(Span::styled(
                    format!(
                        "  {name:<14} {role}{} {} {pass}",
                        " ".repeat(pad),
                        t::GATE_DEMO_PASSPHRASE.get(lang)
                    ),
                    theme.muted(),
                )));
            }
        } else if let Some(db) = &self.no_accounts {
            lines.push(Line::from(Span::styled(
                t::GATE_NO_ACCOUNTS.get(lang),
                theme.muted(),
            )));
            // The whole command, this database named, cut at the width and never shortened.
            let command = format!(
                "vaxdesk --db {} staff add NAME --role {}",
                shell_quoted(db),
                self.role.as_str().to_lowercase()
            );
            for part in chunks(&command, (w as usize).saturating_sub(2).max(1)) {
                lines.push(Line::from(Span::styled(format!("  {part}"), theme.muted())));
            }
        }
        if !lines.is_empty() {
            let below_y = box_area.y + box_area.height + 1;
            let h = (lines.len() as u16).min(area.bottom().saturating_sub(below_y));
            if h > 0 {
                frame.render_widget(Paragraph::new(lines), Rect::new(box_area.x, below_y, w, h));
            }
        }
        let hint = match self.purpose {
            Purpose::Lock(_) => t::GATE_KEYS_LOCK,
            Purpose::CloseKiosk => t::GATE_KEYS_CLOSE,
            Purpose::SignIn => t::GATE_KEYS_SIGN_IN,
        }
        .get(lang);
        self.form.render(frame, box_area, theme, hint)
    }
}

/// A path as a shell reads it back: quoted when it holds anything but plain path characters.
fn shell_quoted(path: &str) -> String {
    let plain = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c));
    if plain {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}
