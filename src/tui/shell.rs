//! The shell around the role screens: key routing through the keymap, the help popup, the
//! quit confirmation, toasts, and refresh when another desk changed the database.
//!
//! The citizen screen is a kiosk: quitting it (Ctrl-C, Ctrl-Q, `q`) asks for a staff sign-in
//! instead, so a citizen never reaches the shell; Esc goes back to the kiosk.
//!
//! [`run`] owns the terminal: it draws only when something
//! changed, wraps each draw in a synchronized update (no flicker), never holds a transaction
//! while waiting for a key, and restores the terminal on quit, panic and signal.
//!
//! A desk must end when its terminal goes away (a closed window, a dropped SSH session,
//! `tmux kill-session`). crossterm's reader loops inside `read()` when the terminal answers
//! with end-of-file or EIO, so keys are read on a thread of their own and the loop here never
//! waits on crossterm: it waits on a channel, looks at the terminal itself between keys (a hung
//! up terminal reports POLLHUP/POLLERR and refuses `tcgetattr`), and hears SIGTERM, SIGHUP and
//! SIGINT at once. If the desk is busy when a signal comes or the terminal goes (a command
//! waiting for another desk's lock), a watchdog restores the terminal and ends the process
//! after [`GRACE`]; SQLite then rolls the unfinished transaction back: nothing half-done is kept.

mod printing;
pub mod terminal;

use super::citizen::CitizenScreen;
use super::issuer::IssuerScreen;
use super::keymap::{Action, Context, Hint, Keymap};
use super::manager::ManagerScreen;
use super::picker::Picker;
use super::screen::{Cx, Role, Screen};
use super::staff_gate::{GateEvent, StaffGate};
use super::theme::Theme;
use super::widgets::popup;
use super::widgets::{fit, width};
use crate::app::Desk;
use crate::app::access::StaffSession;
use crate::app::certificates::PrintJob;
use crate::app::views::health;
use crate::i18n::Lang;
use crate::i18n::tui::{self as t, keys as k, widgets as w};
use chrono::{DateTime, Duration, Utc};
use printing::Printing;
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;
use terminal::{Tty, restore_terminal, signal_name};

enum Current {
    Picker(Picker),
    /// The sign-in in front of a staff screen.
    Gate(Role, StaffGate),
    Role(Role, Box<dyn Screen>),
}

pub struct Shell<'d> {
    desk: &'d Desk,
    keymap: Keymap,
    theme: Theme,
    /// The language of everything drawn.
    lang: Lang,
    current: Current,
    help: bool,
    confirm_quit: bool,
    quit: bool,
    toast: Option<(String, bool, DateTime<Utc>)>,
    data_version: i64,
    last_lag_check: DateTime<Utc>,
    /// Demo mode: the staff sign-in shows the demo accounts.
    demo: bool,
    session: Option<StaffSession>,
    /// The idle lock over a staff screen (the screen keeps its state under it).
    lock: Option<StaffGate>,
    /// The staff sign-in that closes the kiosk, while it is asked for.
    closing_kiosk: Option<StaffGate>,
    last_input: DateTime<Utc>,
    /// A certificate being printed (`p`), sent on a thread of its own.
    printing: Option<Printing>,
}

/// How long a toast stays.
const TOAST_SECONDS: i64 = 4;

impl<'d> Shell<'d> {
    /// The shell in English.
    pub fn new(desk: &'d Desk, role: Option<Role>, keymap: Keymap, theme: Theme) -> Self {
        Shell::in_language(desk, role, keymap, theme, Lang::En)
    }

    /// The shell with everything drawn in `lang`.
    pub fn in_language(
        desk: &'d Desk,
        role: Option<Role>,
        keymap: Keymap,
        theme: Theme,
        lang: Lang,
    ) -> Self {
        let mut shell = Shell {
            desk,
            keymap,
            theme,
            lang,
            current: Current::Picker(Picker::default()),
            help: false,
            confirm_quit: false,
            quit: false,
            toast: None,
            data_version: health::data_version(desk),
            last_lag_check: desk.now(),
            demo: false,
            session: None,
            lock: None,
            closing_kiosk: None,
            last_input: desk.now(),
            printing: None,
        };
        if let Some(role) = role {
            shell.open(role);
        }
        shell
    }

    fn open(&mut self, role: Role) {
        if let Some(staff_role) = role.staff_role()
            && self.session.is_none()
        {
            self.current =
                Current::Gate(role, StaffGate::sign_in(staff_role, self.desk, self.lang));
            return;
        }
        let mut cx = Cx::new(self.desk, &self.keymap, self.session.as_ref(), self.lang);
        let screen: Box<dyn Screen> = match role {
            Role::Manager => Box::new(ManagerScreen::new(&mut cx)),
            Role::Issuer => Box::new(IssuerScreen::new(&mut cx)),
            Role::Citizen => Box::new(CitizenScreen::new(&mut cx)),
        };
        self.current = Current::Role(role, screen);
        tracing::info!("opened the {} screen", role.title());
    }

    /// Demo mode: the staff sign-in lists the demo accounts and their passphrases.
    pub fn demo(mut self, demo: bool) -> Self {
        self.demo = demo;
        self
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Who is signed in at this desk, if anyone.
    pub fn session(&self) -> Option<&StaffSession> {
        self.session.as_ref()
    }

    /// True while the idle lock covers the screen.
    pub fn locked(&self) -> bool {
        self.lock.is_some()
    }

    /// True while a certificate is being printed (its outcome not yet shown).
    pub fn printing(&self) -> bool {
        self.printing.is_some()
    }

    /// The desk closes: a print still running is stopped (its `lp` killed and waited for) and
    /// a page that already left is recorded. Dropping the shell does it too.
    pub fn finish_printing(&mut self) {
        if let Some(printing) = self.printing.take() {
            // The outcome is logged; nobody is left to read a toast.
            let _ = printing.finish(self.desk);
        }
    }

    fn start_print(&mut self, job: PrintJob) {
        if self.printing.is_some() {
            return self.show(w::STILL_PRINTING.get(self.lang).to_string(), false);
        }
        match Printing::start(job) {
            Ok(printing) => {
                self.printing = Some(printing);
                self.show(w::PRINTING.get(self.lang).to_string(), true);
            }
            Err(e) => self.show(w::not_printed(self.lang, &e.to_string()), false),
        }
    }

    /// True while the staff sign-in that closes the kiosk is asked for.
    pub fn closing_kiosk(&self) -> bool {
        self.closing_kiosk.is_some()
    }

    fn typing(&self) -> bool {
        if self.lock.is_some() || self.closing_kiosk.is_some() {
            return true;
        }
        match &self.current {
            Current::Picker(_) => false,
            Current::Gate(..) => true,
            Current::Role(_, s) => s.typing(),
        }
    }

    fn unsaved(&self) -> bool {
        match &self.current {
            Current::Picker(_) => false,
            Current::Gate(_, g) => g.dirty(),
            Current::Role(_, s) => s.unsaved(),
        }
    }

    fn contexts(&self) -> Vec<Context> {
        if self.lock.is_some() || self.closing_kiosk.is_some() {
            return vec![Context::SignIn];
        }
        let mut c = match &self.current {
            Current::Picker(_) => vec![Context::List],
            Current::Gate(..) => vec![Context::SignIn],
            Current::Role(_, s) => s.contexts(),
        };
        if !self.typing() {
            c.push(Context::Global);
        }
        c
    }

    fn ask_quit(&mut self) {
        if matches!(self.current, Current::Role(Role::Citizen, _)) {
            // A kiosk closes only for staff.
            self.last_input = self.desk.now();
            self.help = false;
            self.confirm_quit = false;
            self.closing_kiosk = Some(StaffGate::close_kiosk(self.desk, self.lang));
            return;
        }
        if self.unsaved() {
            self.confirm_quit = true;
        } else {
            self.quit = true;
        }
    }

    /// Handles one key press.
    pub fn key(&mut self, ev: KeyEvent) {
        if let Some(gate) = &mut self.closing_kiosk {
            self.last_input = self.desk.now();
            // Every key is the sign-in's: Ctrl-C and `q` are no way around it.
            match gate.key(self.desk, &ev) {
                GateEvent::Open(session) => {
                    tracing::info!("{} closed the kiosk", session.name);
                    self.quit = true;
                }
                GateEvent::Back => self.closing_kiosk = None,
                GateEvent::Stay => {}
            }
            return;
        }
        if self.confirm_quit {
            match self.keymap.action(&ev, &[Context::Confirm]) {
                Some(Action::Yes) => self.quit = true,
                Some(Action::No) => self.confirm_quit = false,
                _ => {}
            }
            return;
        }
        if self.help {
            if matches!(
                ev.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
            ) || ev.code == KeyCode::F(1)
            {
                self.help = false;
            }
            return;
        }
        let ctrl_quit = ev.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(ev.code, KeyCode::Char('c') | KeyCode::Char('q'));
        if ctrl_quit {
            return self.ask_quit();
        }
        self.last_input = self.desk.now();
        if let Some(lock) = &mut self.lock {
            if let GateEvent::Open(session) = lock.key(self.desk, &ev) {
                // The lock opens only for the person it locked out.
                if self
                    .session
                    .as_ref()
                    .is_some_and(|s| s.name == session.name)
                {
                    self.lock = None;
                }
            }
            return;
        }
        if let Current::Gate(role, gate) = &mut self.current {
            let role = *role;
            if let GateEvent::Open(session) = gate.key(self.desk, &ev) {
                self.session = Some(session);
                self.open(role);
            }
            return;
        }
        let contexts = self.contexts();
        let action = self.keymap.action(&ev, &contexts);
        if !self.typing() {
            match action {
                Some(Action::Help) => {
                    self.help = true;
                    return;
                }
                Some(Action::Quit) => return self.ask_quit(),
                _ => {}
            }
        }
        let mut cx = Cx::new(self.desk, &self.keymap, self.session.as_ref(), self.lang);
        let mut chosen = None;
        match &mut self.current {
            Current::Picker(p) => chosen = p.key(&ev, action),
            Current::Gate(..) => {}
            Current::Role(_, s) => s.key(&mut cx, &ev, action),
        }
        let toast = cx.take_toast();
        let print = cx.take_print();
        if let Some(role) = chosen {
            self.open(role);
        }
        if let Some((text, ok)) = toast {
            self.show(text, ok);
        }
        if let Some(job) = print {
            self.start_print(job);
        }
        // Our own commands changed the data: other screens' view of it is ours now.
        self.data_version = health::data_version(self.desk);
    }

    pub fn paste(&mut self, text: &str) {
        self.last_input = self.desk.now();
        if let Some(gate) = &mut self.closing_kiosk {
            return gate.paste(text);
        }
        if let Some(lock) = &mut self.lock {
            return lock.paste(text);
        }
        match &mut self.current {
            Current::Gate(_, g) => g.paste(text),
            Current::Role(_, s) => s.paste(text),
            Current::Picker(_) => {}
        }
    }

    fn show(&mut self, text: String, ok: bool) {
        let until = self.desk.now() + Duration::seconds(TOAST_SECONDS);
        self.toast = Some((text, ok, until));
    }

    /// Time passed: picks up other desks' changes, delivers their pending events, expires
    /// toasts and timeouts. Returns true when the screen must be redrawn.
    pub fn tick(&mut self) -> bool {
        let now = self.desk.now();
        let mut changed = false;
        if self.toast.as_ref().is_some_and(|t| now >= t.2) {
            self.toast = None;
            changed = true;
        }
        // A print under way: its outcome once there (the page recorded if it left), else
        // "printing…" whenever no other notice shows.
        if let Some(printing) = &mut self.printing
            && let Some(outcome) = printing.poll(self.desk)
        {
            self.printing = None;
            let (text, ok) = super::widgets::qrview::printed_message(self.lang, outcome);
            self.show(text, ok);
            changed = true;
        } else if self.printing.is_some() && self.toast.is_none() {
            self.show(w::PRINTING.get(self.lang).to_string(), true);
            changed = true;
        }
        // A throttle's "wait N s" clears when the wait is over.
        for gate in [&mut self.lock, &mut self.closing_kiosk]
            .into_iter()
            .flatten()
        {
            changed |= gate.tick(now);
        }
        if let Current::Gate(_, gate) = &mut self.current {
            changed |= gate.tick(now);
        }
        // A staff sign-in left half-typed at the kiosk goes when the kiosk would forget.
        let kiosk_idle = Duration::seconds(i64::from(self.desk.config().idle_timeout_seconds));
        if self.closing_kiosk.is_some() && now - self.last_input >= kiosk_idle {
            self.closing_kiosk = None;
            changed = true;
        }
        let version = health::data_version(self.desk);
        let lagging = now - self.last_lag_check >= Duration::seconds(1) && {
            self.last_lag_check = now;
            health::has_lag(self.desk)
        };
        if lagging && let Err(e) = self.desk.dispatch() {
            tracing::warn!("delivery failed: {e}");
        }
        // A staff screen left alone locks; what it shows stays, hidden, for the same person.
        let idle = Duration::seconds(i64::from(self.desk.config().staff_lock_seconds));
        if self.lock.is_none()
            && let (Some(session), Current::Role(..)) = (&self.session, &self.current)
            && now - self.last_input >= idle
        {
            tracing::info!("{} idle: screen locked", session.name);
            self.lock = Some(StaffGate::lock(session.clone(), self.lang));
            self.help = false;
            changed = true;
        }
        let mut cx = Cx::new(self.desk, &self.keymap, self.session.as_ref(), self.lang);
        if let Current::Role(_, s) = &mut self.current {
            if version != self.data_version || lagging {
                s.refresh(&mut cx);
                changed = true;
            }
            changed |= s.tick(&mut cx);
        }
        self.data_version = health::data_version(self.desk);
        if let Some((text, ok)) = cx.take_toast() {
            self.show(text, ok);
            changed = true;
        }
        changed
    }

    /// Draws the whole desk.
    pub fn render(&mut self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return too_small(frame, self.lang);
        }
        let [header, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let lang = self.lang;
        let title = match (&self.current, &self.session) {
            _ if self.closing_kiosk.is_some() => t::TITLE_CLOSING_KIOSK.get(lang).to_string(),
            (Current::Picker(_), _) => t::TITLE_PICKER.get(lang).to_string(),
            (Current::Gate(role, _), _) => {
                format!("{} · {}", role.name(lang), t::TITLE_SIGN_IN.get(lang))
            }
            (Current::Role(role, _), Some(s)) => format!("{} · {}", role.name(lang), s.name),
            (Current::Role(role, _), None) => role.name(lang).to_string(),
        };
        let theme = &self.theme;
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" vaxdesk ", theme.title()),
                Span::raw("· "),
                Span::styled(title, theme.header()),
            ])),
            header,
        );
        let cursor = match (&mut self.current, &self.lock) {
            // Closing the kiosk: the citizen's page is hidden while staff sign in.
            _ if self.closing_kiosk.is_some() => self
                .closing_kiosk
                .as_ref()
                .and_then(|g| g.render(frame, body, theme, self.demo)),
            // Locked: nothing of the screen shows until the passphrase is typed again.
            (_, Some(lock)) => lock.render(frame, body, theme, self.demo),
            (Current::Picker(p), None) => {
                p.render(frame, body, theme, lang);
                None
            }
            (Current::Gate(_, g), None) => g.render(frame, body, theme, self.demo),
            (Current::Role(_, s), None) => s.render(frame, body, theme),
        };
        // The screen's own bindings, as many as fit, then the global ones (help and quit),
        // which always show; one key each.
        let contexts = self.contexts();
        let own: Vec<Context> = contexts
            .iter()
            .copied()
            .filter(|c| *c != Context::Global)
            .collect();
        let skip = [
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::PrevField,
            Action::Yes,
            Action::No,
        ];
        // The hints say what a key does here: on the kiosk "quit" asks for staff and Esc signs
        // out; at the kiosk's closing sign-in Esc goes back to the kiosk; the idle lock has
        // one field, which Enter unlocks.
        let kiosk = matches!(self.current, Current::Role(Role::Citizen, _));
        let kiosk_page = kiosk && own.contains(&Context::Citizen);
        let closing = self.closing_kiosk.is_some();
        let locked = self.lock.is_some() && !closing;
        let lang = self.lang;
        let said = |hints: Vec<Hint>| -> Vec<(Vec<String>, Action, &'static str)> {
            hints
                .into_iter()
                .filter_map(|h| {
                    let text = match h.action {
                        Action::SignIn if closing => k::CLOSE_KIOSK,
                        Action::Clear if closing => k::BACK_TO_KIOSK,
                        Action::SignIn if locked => k::UNLOCK,
                        Action::SignIn if kiosk => k::KIOSK_SIGN_IN,
                        Action::NextField if locked => return None,
                        Action::Quit if kiosk => k::STAFF_EXIT,
                        Action::Back if kiosk_page => k::LEAVE,
                        _ => h.text,
                    };
                    Some((h.keys, h.action, text.get(lang)))
                })
                .collect()
        };
        let items = |hints: Vec<Hint>| -> Vec<String> {
            said(hints)
                .into_iter()
                .filter(|(_, a, _)| !skip.contains(a))
                .map(|(k, _, d)| format!(" {} {d} ", k.first().map(String::as_str).unwrap_or("")))
                .collect()
        };
        let global: String = if contexts.contains(&Context::Global) {
            items(self.keymap.hints(&[Context::Global])).concat()
        } else {
            String::new()
        };
        let room = (footer.width as usize).saturating_sub(width(&global));
        let mut line = String::new();
        let mut seen = std::collections::HashSet::new();
        for item in items(self.keymap.hints(&own)) {
            if !seen.insert(item.clone()) {
                continue;
            }
            if width(&line) + width(&item) > room {
                break;
            }
            line.push_str(&item);
        }
        line.push_str(&global);
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(&line, footer.width as usize),
                theme.muted(),
            )),
            footer,
        );
        if let Some((text, ok, _)) = &self.toast {
            popup::toast(frame, body, theme, text, *ok);
        }
        if self.help {
            let contexts = self.contexts();
            let hints: Vec<(Vec<String>, &str)> = said(self.keymap.hints(&contexts))
                .into_iter()
                .map(|(k, _, d)| (k, d))
                .collect();
            let notes: Vec<&str> = super::keymap::exceptions(&contexts)
                .into_iter()
                .map(|n| n.get(lang))
                .collect();
            popup::help(frame, body, theme, lang, &hints, &notes);
        } else if self.confirm_quit {
            popup::confirm(
                frame,
                body,
                theme,
                lang,
                t::QUIT_TITLE.get(lang),
                t::QUIT_UNSAVED.get(lang),
            );
        } else if let Some(pos) = cursor {
            frame.set_cursor_position(pos);
        }
    }
}

impl Drop for Shell<'_> {
    /// However the shell ends (a test, a panic), a print under way does not outlive it.
    fn drop(&mut self) {
        self.finish_printing();
    }
}

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Below 80x24 the layout would break: ask for a larger terminal instead (the screen keeps
/// its state and comes back as it was when the window grows).
fn too_small(frame: &mut Frame<'_>, lang: Lang) {
    let area = frame.area();
    let text = t::too_small(lang, MIN_WIDTH, MIN_HEIGHT, area.width, area.height);
    let lines: Vec<Line<'_>> = super::widgets::wrap(&text, area.width as usize)
        .into_iter()
        .take(area.height as usize)
        .map(Line::raw)
        .collect();
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let body = Rect::new(area.x, area.y + top, area.width, area.height - top);
    frame.render_widget(Paragraph::new(lines), body);
}

/// How often the desk looks for changes made by other desks and for timeouts.
const TICK: std::time::Duration = std::time::Duration::from_millis(250);

/// How long a signal waits for the desk to finish what it is doing before the watchdog ends
/// the process.
pub const GRACE: std::time::Duration = std::time::Duration::from_millis(700);

/// What the loop hears about.
enum Input {
    Event(Event),
    /// The key reader failed.
    Failed(std::io::Error),
    Signal(i32),
}

/// Why the loop ended.
enum End {
    Quit,
    TerminalGone,
    Signal(i32),
}

/// Runs the desk until the user quits, the terminal goes away or a signal asks it to stop.
/// `demo`: the staff sign-in shows the demo accounts.
pub fn run(
    desk: &Desk,
    role: Option<Role>,
    keymap: Keymap,
    theme: Theme,
    lang: Lang,
    demo: bool,
) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // The signals are heard from the first moment: none ends the desk before it restored the
    // terminal.
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    let tty = Arc::new(Tty::open()?);
    let (tx, rx) = mpsc::channel::<Input>();
    // Set once the loop has ended and the terminal is restored: the watchdog stands down.
    let ended = Arc::new(AtomicBool::new(false));
    // Set when a signal asked the desk to stop.
    let asked = Arc::new(AtomicBool::new(false));
    let signals_handle = signals.handle();
    {
        let (tx, asked) = (tx.clone(), Arc::clone(&asked));
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    asked.store(true, Ordering::SeqCst);
                    let _ = tx.send(Input::Signal(sig));
                }
            })?;
    }
    {
        // The watchdog: once a signal came or the terminal went away, the loop has GRACE to
        // end; a desk stuck in a command (waiting for another desk's lock) is ended for it.
        let (ended, asked, tty) = (Arc::clone(&ended), Arc::clone(&asked), Arc::clone(&tty));
        std::thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || {
                let mut since: Option<Instant> = None;
                loop {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    if ended.load(Ordering::SeqCst) {
                        return;
                    }
                    if !(tty.gone() || asked.load(Ordering::SeqCst)) {
                        continue;
                    }
                    let first = *since.get_or_insert_with(Instant::now);
                    if first.elapsed() >= GRACE && !ended.load(Ordering::SeqCst) {
                        tracing::warn!("the desk was busy when told to stop: leaving without it");
                        restore_terminal();
                        std::process::exit(0);
                    }
                }
            })?;
    }
    // ratatui::try_init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::try_init()?;
    // In raw mode, before the keys are read: what pictures the terminal shows. A Ctrl-C typed
    // meanwhile is the key it always is.
    if tty.ask_graphics() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let _ = tx.send(Input::Event(Event::Key(ctrl_c)));
    }
    {
        let tx = tx.clone();
        std::thread::Builder::new()
            .name("keys".into())
            .spawn(move || {
                loop {
                    match event::read() {
                        Ok(ev) => {
                            if tx.send(Input::Event(ev)).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Input::Failed(e));
                            break;
                        }
                    }
                }
            })?;
    }
    drop(tx);
    let mut shell = Shell::in_language(desk, role, keymap, theme, lang).demo(demo);
    let result = (|| -> std::io::Result<End> {
        let mut dirty = true;
        let mut last_tick = Instant::now();
        loop {
            if shell.should_quit() {
                return Ok(End::Quit);
            }
            if tty.gone() {
                return Ok(End::TerminalGone);
            }
            if dirty {
                let drawn = execute!(std::io::stdout(), BeginSynchronizedUpdate)
                    .and_then(|()| terminal.draw(|f| shell.render(f)).map(|_| ()))
                    .and_then(|()| execute!(std::io::stdout(), EndSynchronizedUpdate));
                match drawn {
                    Ok(()) => dirty = false,
                    Err(_) if tty.gone() => return Ok(End::TerminalGone),
                    Err(e) => return Err(e),
                }
            }
            let wait = TICK.saturating_sub(last_tick.elapsed());
            match rx.recv_timeout(wait) {
                Ok(Input::Event(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    shell.key(k);
                    dirty = true;
                }
                Ok(Input::Event(Event::Resize(..))) => dirty = true,
                Ok(Input::Event(Event::Paste(text))) => {
                    shell.paste(&text);
                    dirty = true;
                }
                Ok(Input::Event(_)) => {}
                Ok(Input::Failed(_)) if tty.gone() => return Ok(End::TerminalGone),
                Ok(Input::Failed(e)) => return Err(e),
                Ok(Input::Signal(sig)) => return Ok(End::Signal(sig)),
                Err(RecvTimeoutError::Timeout) => {}
                // Both senders gone: the key reader ended without a word.
                Err(RecvTimeoutError::Disconnected) => return Ok(End::TerminalGone),
            }
            if last_tick.elapsed() >= TICK {
                last_tick = Instant::now();
                dirty |= shell.tick();
            }
        }
    })();
    restore_terminal();
    // The terminal is restored; dropping it must not draw again.
    std::mem::forget(terminal);
    // A print still running is stopped, one that left is recorded, before the desk ends.
    shell.finish_printing();
    drop(shell);
    ended.store(true, Ordering::SeqCst);
    signals_handle.close();
    match &result {
        Ok(End::Quit) => {}
        Ok(End::TerminalGone) => tracing::info!("the terminal went away: desk closed"),
        Ok(End::Signal(sig)) => {
            tracing::info!("stopped by {}; terminal restored", signal_name(*sig))
        }
        Err(e) => tracing::warn!("terminal failed: {e}"),
    }
    result.map(|_| ())
}
