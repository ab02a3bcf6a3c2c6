//! The citizen's kiosk: sign in with id and date of birth, then see one's own injections and
//! applications (from the status view only), apply, cancel, and see an issued certificate.
//! Nobody else's data, ever: the page holds one citizen, and an idle kiosk forgets them.

use crate::app::access::{self, SignInError};
use crate::app::views::kiosk::{self as page, ViewApplication, ViewCitizen, ViewInjection};
use crate::app::{certificates, kiosk};
use crate::domain::citizen::display_name;
use crate::domain::{BirthDate, Catalogue, InjectionStatus, ResidentId, Standing};
use crate::i18n::tui::citizen as t;
use crate::i18n::{Lang, common};
use crate::tui::keymap::{Action, Context};
use crate::tui::screen::{Cx, Screen};
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::field::Shown;
use crate::tui::widgets::form::{Form, FormEvent, FormField};
use crate::tui::widgets::popup::{Answer, Confirm, centered};
use crate::tui::widgets::qrview::{self, QrView};
use crate::tui::widgets::{cell, fit, local_date, local_time, width, wrap_indented};
use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub struct CitizenScreen {
    state: State,
    last_input: DateTime<Utc>,
    idle: Duration,
    catalogue: Catalogue,
    /// Keys shown in the page's hints: (apply, cancel).
    keys: (String, String),
    /// The sign-in box's line of keys, in the footer's words ([`t::sign_in_keys`]).
    sign_in_keys: String,
    /// When the throttle's "wait N s" is over (the message then clears).
    wait_until: Option<DateTime<Utc>>,
    lang: Lang,
}

enum State {
    SignIn(Form),
    Page(Box<Page>),
}

struct Page {
    citizen: ViewCitizen,
    injections: Vec<ViewInjection>,
    applications: Vec<ViewApplication>,
    selected: usize,
    /// What is open over the page, if anything.
    over: Option<Over>,
    delayed: bool,
}

/// What opens over the citizen's page: one at a time.
enum Over {
    /// "Cancel your application?", about the application it was asked on (its text fixed
    /// when asked: a reload behind it changes neither).
    Cancel(Confirm<i64>),
    /// The certificate shown as a QR code, and its id (for `p`, print).
    Certificate(QrView, String),
}

fn sign_in_form(lang: Lang) -> Form {
    let mut birth = FormField::text("birth_date", t::DATE_OF_BIRTH.get(lang), "", 10);
    birth.placeholder = Some("YYYY-MM-DD".into());
    Form::new(
        t::SIGN_IN.get(lang),
        vec![
            FormField::text("id", t::RESIDENT_ID.get(lang), "", 32).shown(Shown::ResidentId),
            birth,
        ],
    )
    .in_lang(lang)
}

/// An injection's status as the view stores it (`ADMINISTERED`), in `lang`.
fn injection_word(lang: Lang, inj: &ViewInjection) -> &str {
    match (lang, inj.injection_status()) {
        (Lang::Ko, Some(s)) => common::injection_status(lang, s),
        _ => &inj.status,
    }
}

/// An application's status as the view stores it (`APPLIED`, `REVOKED`), in `lang`.
fn application_word(lang: Lang, a: &ViewApplication) -> &str {
    match (lang, a.standing()) {
        (Lang::Ko, Some(s)) => common::standing(lang, s),
        _ => &a.status,
    }
}

impl CitizenScreen {
    pub fn new(cx: &mut Cx<'_>) -> Self {
        CitizenScreen {
            state: State::SignIn(sign_in_form(cx.lang)),
            last_input: cx.desk.now(),
            idle: Duration::seconds(i64::from(cx.desk.config().idle_timeout_seconds)),
            catalogue: cx.desk.catalogue().clone(),
            keys: (
                cx.keymap.key_of(Action::Apply),
                cx.keymap.key_of(Action::Cancel),
            ),
            sign_in_keys: t::sign_in_keys(cx.lang),
            wait_until: None,
            lang: cx.lang,
        }
    }

    fn sign_in(&mut self, cx: &mut Cx<'_>) {
        let State::SignIn(form) = &mut self.state else {
            return;
        };
        form.clear_errors();
        let lang = self.lang;
        let id = match ResidentId::parse("id", &form.value("id")) {
            Ok(id) => id,
            Err(e) => return form.set_error("id", &common::refusal(lang, &e)),
        };
        // A date that is no date costs no attempt: it could match nobody.
        let today = cx.desk.now().date_naive();
        let birth = match BirthDate::parse("Date of birth", &form.value("birth_date"), today) {
            Ok(b) => b.to_string(),
            Err(e) => return form.set_error("birth_date", &common::refusal(lang, &e)),
        };
        self.wait_until = None;
        match access::sign_in_citizen(cx.desk, &id, &birth) {
            Ok(citizen) => {
                tracing::info!("citizen {} signed in at the kiosk", citizen.citizen_id);
                let mut page = Page {
                    citizen,
                    injections: vec![],
                    applications: vec![],
                    selected: 0,
                    over: None,
                    delayed: false,
                };
                page.load(cx);
                self.state = State::Page(Box::new(page));
            }
            // Never say which of the two did not match, nor whether the id exists.
            Err(SignInError::NoMatch) => form.message = Some(t::NO_MATCH.get(lang).into()),
            Err(SignInError::App(e)) => cx.error(&e),
            Err(e @ SignInError::Wait { seconds }) => {
                self.wait_until = Some(cx.desk.now() + Duration::seconds(seconds));
                form.message = Some(crate::i18n::tui::sign_in_error(lang, &e));
            }
            Err(e) => form.message = Some(crate::i18n::tui::sign_in_error(lang, &e)),
        }
    }

    fn sign_out(&mut self) {
        self.state = State::SignIn(sign_in_form(self.lang));
        self.wait_until = None;
    }
}

impl Page {
    fn load(&mut self, cx: &mut Cx<'_>) {
        match page::page(cx.desk, self.citizen.citizen_id) {
            Ok(status) => {
                self.citizen = status.citizen;
                self.injections = status.injections;
                self.applications = status.applications;
                self.delayed = status.issuance_delayed;
            }
            Err(e) => cx.error(&e),
        }
        self.selected = self.selected.min(self.injections.len().saturating_sub(1));
    }

    /// The latest application for an injection.
    fn application_of(&self, injection: i64) -> Option<&ViewApplication> {
        self.applications
            .iter()
            .filter(|a| a.injection_id == injection)
            .max_by_key(|a| a.application_id)
    }

    fn current(&self) -> Option<(&ViewInjection, Option<&ViewApplication>)> {
        let i = self.injections.get(self.selected)?;
        Some((i, self.application_of(i.injection_id)))
    }

    fn apply(&mut self, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let Some((inj, app)) = self.current() else {
            return;
        };
        match app.and_then(ViewApplication::standing) {
            Some(Standing::Revoked) => {
                return cx.fail(t::REVOKED_ASK.get(lang));
            }
            Some(s) if s.is_active() => {
                let said = match lang {
                    Lang::En => s.to_string(),
                    Lang::Ko => common::standing(lang, s).to_string(),
                };
                return cx.fail(t::already_applied(lang, inj.dose, &said));
            }
            _ => {}
        }
        let (citizen, injection, dose) = (self.citizen.citizen_id, inj.injection_id, inj.dose);
        match kiosk::apply(cx.desk, citizen, injection) {
            Ok(_) => cx.ok(t::applied(lang, dose)),
            Err(e) => cx.error(&e),
        }
        self.load(cx);
    }

    fn show(&mut self, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let Some((inj, Some(a))) = self.current() else {
            return cx.fail(t::NO_CERTIFICATE.get(lang));
        };
        let standing = a.standing();
        let (Some(hc1), Some(Standing::ISSUED | Standing::Revoked)) = (&a.certificate, standing)
        else {
            return cx.fail(t::NO_CERTIFICATE.get(lang));
        };
        let c = &self.citizen;
        let mut about = vec![
            format!(
                " {}   {} {}",
                display_name(&c.family_name, &c.given_name),
                t::BORN.get(lang),
                c.birth_date
            ),
            format!(
                " {} {} {} {}",
                common::product_of(lang, cx.desk.catalogue(), &inj.product),
                common::doses(lang, inj.dose, inj.series),
                t::GIVEN.get(lang),
                inj.date
            ),
            format!(
                " {} {}   {}",
                t::VALID_UNTIL.get(lang),
                a.expires_at.as_deref().map(local_date).unwrap_or_default(),
                a.certificate_id.as_deref().unwrap_or_default()
            ),
        ];
        if standing == Some(Standing::Revoked) {
            about.push(format!(" {}", t::NO_LONGER_VALID.get(lang)));
        }
        let citizen = self.citizen.citizen_id;
        if let Err(e) = kiosk::show_certificate(
            cx.desk,
            citizen,
            a.certificate_id.as_deref().unwrap_or_default(),
        ) {
            return cx.error(&e);
        }
        let uvci = a.certificate_id.clone().unwrap_or_default();
        self.over = Some(Over::Certificate(
            QrView::new(about, hc1.clone()).in_lang(lang),
            uvci,
        ));
    }

    /// Cancels the application the question was asked about; refused (the issuer handled it
    /// meanwhile), the question stays and says so.
    fn cancel(&mut self, cx: &mut Cx<'_>) {
        let Some(Over::Cancel(confirm)) = &mut self.over else {
            return;
        };
        let application = confirm.target;
        match kiosk::cancel(cx.desk, self.citizen.citizen_id, application) {
            Ok(()) => {
                self.over = None;
                cx.ok(t::CANCELLED.get(cx.lang));
            }
            Err(crate::app::AppError::Refused(r)) => confirm.refuse(&common::refusal(cx.lang, &r)),
            Err(e) => {
                self.over = None;
                cx.error(&e);
            }
        }
        self.load(cx);
    }

    fn render(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        lang: Lang,
        catalogue: &Catalogue,
        keys: &(String, String),
    ) {
        let c = &self.citizen;
        let [who, table, detail] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(4),
            Constraint::Length(6),
        ])
        .areas(area);
        let name = fit(
            &format!(" {}", display_name(&c.family_name, &c.given_name)),
            who.width as usize,
        );
        let rest = (who.width as usize).saturating_sub(width(&name));
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(name, theme.title()),
                Span::raw(fit(
                    &format!(
                        "   {}   {} {}",
                        c.masked_id,
                        t::BORN.get(lang),
                        c.birth_date
                    ),
                    rest,
                )),
            ])),
            who,
        );
        let w = table.width as usize;
        let mut lines = vec![Line::from(Span::styled(
            fit(
                &format!(
                    "   {} {} {} {} {}",
                    cell(t::COL_DOSE.get(lang), 5),
                    cell(t::COL_VACCINE.get(lang), 18),
                    cell(t::COL_GIVEN.get(lang), 11),
                    cell(t::COL_INJECTION.get(lang), 13),
                    t::COL_CERTIFICATE.get(lang)
                ),
                w,
            ),
            theme.header(),
        ))];
        if self.injections.is_empty() {
            lines.push(Line::raw(format!("   {}", t::NO_INJECTIONS.get(lang))));
        }
        let shown = table.height.saturating_sub(1) as usize;
        let start = self.selected.saturating_sub(shown.saturating_sub(1));
        for (i, inj) in self.injections.iter().enumerate().skip(start).take(shown) {
            let sel = i == self.selected;
            let standing = self
                .application_of(inj.injection_id)
                .and_then(ViewApplication::standing);
            let app = standing.map_or("—", |s| common::standing(lang, s));
            let name = common::product_of(lang, catalogue, &inj.product);
            // Columns measured in display width and cut with `…`.
            let row = format!(
                " {}{} {} {} {} ",
                if sel { SELECTED } else { "  " },
                cell(&format!("{}/{}", inj.dose, inj.series), 5),
                cell(name, 18),
                cell(&inj.date, 11),
                cell(injection_word(lang, inj), 13),
            );
            lines.push(if sel {
                // The highlight spans the whole row.
                Line::from(Span::styled(
                    cell(&format!("{row}{app}"), w),
                    theme.selected(),
                ))
            } else {
                let head = fit(&row, w);
                let rest = w.saturating_sub(width(&head));
                Line::from(vec![
                    Span::raw(head),
                    Span::styled(fit(app, rest), theme.standing(standing)),
                ])
            });
        }
        frame.render_widget(Paragraph::new(lines), table);

        let mut text: Vec<Line<'_>> = vec![];
        if let Some((inj, app)) = self.current() {
            match (inj.injection_status(), app.map(|a| (a, a.standing()))) {
                (_, Some((a, Some(Standing::ISSUED)))) => {
                    text.push(Line::from(vec![
                        Span::raw(format!(" {} ", t::CERTIFICATE.get(lang))),
                        Span::styled(
                            a.certificate_id.clone().unwrap_or_default(),
                            theme.success(),
                        ),
                    ]));
                    text.push(Line::raw(format!(
                        " {} {} · {} {}",
                        t::ISSUED.get(lang),
                        a.issued_at.as_deref().map(local_time).unwrap_or_default(),
                        t::VALID_UNTIL.get(lang),
                        a.expires_at.as_deref().map(local_date).unwrap_or_default()
                    )));
                    text.push(Line::from(Span::styled(
                        format!(" {}", t::PRESS_V.get(lang)),
                        theme.muted(),
                    )));
                }
                (_, Some((a, Some(Standing::Revoked)))) => {
                    text.push(Line::from(vec![
                        Span::raw(format!(" {} ", t::CERTIFICATE.get(lang))),
                        Span::styled(a.certificate_id.clone().unwrap_or_default(), theme.error()),
                        Span::raw(format!(" {}", t::WAS_REVOKED.get(lang))),
                    ]));
                    if let Some(r) = &a.reason {
                        text.push(Line::raw(format!(" {} {r}", t::REASON.get(lang))));
                    }
                    text.push(Line::raw(format!(" {}", t::ASK_AT_DESK.get(lang))));
                }
                (_, Some((a, Some(Standing::APPLIED)))) => {
                    text.push(Line::raw(format!(
                        " {}",
                        t::received(lang, &local_time(&a.applied_at))
                    )));
                    if self.delayed {
                        text.push(Line::from(Span::styled(
                            format!(" {}", t::DELAYED.get(lang)),
                            theme.accent(),
                        )));
                    }
                    text.push(Line::from(Span::styled(
                        format!(" {}", t::press_to_cancel(lang, &keys.1)),
                        theme.muted(),
                    )));
                }
                (Some(InjectionStatus::Administered), other) => {
                    if let Some((a, _)) = other {
                        let why = a
                            .reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default();
                        let status = application_word(lang, a);
                        text.push(Line::raw(format!(
                            " {}",
                            t::last_application(lang, status, &why)
                        )));
                    }
                    text.push(Line::from(Span::styled(
                        format!(" {}", t::press_to_apply(lang, &keys.0)),
                        theme.muted(),
                    )));
                }
                (Some(InjectionStatus::Scheduled), _) => {
                    text.push(Line::raw(format!(" {}", t::scheduled(lang, &inj.date))))
                }
                _ => text.push(Line::raw(format!(" {}", t::VOIDED.get(lang)))),
            }
        }
        // Long notes wrap under their own indent (ratatui's wrap would start them at column 0).
        let dw = detail.width as usize;
        let text: Vec<Line<'_>> = text
            .into_iter()
            .flat_map(|line| {
                let whole = line.to_string();
                if width(&whole) <= dw {
                    return vec![line];
                }
                let style = match line.spans.as_slice() {
                    [one] => one.style,
                    _ => ratatui::style::Style::new(),
                };
                wrap_indented(&whole, dw)
                    .into_iter()
                    .map(|l| Line::from(Span::styled(l, style)))
                    .collect()
            })
            .collect();
        // More than the pane holds: the last line says so.
        let room = detail.height.saturating_sub(1) as usize;
        let mut text = text;
        if text.len() > room && room > 0 {
            text.truncate(room);
            if let Some(last) = text.last_mut() {
                *last = Line::raw(fit(&format!("{last} …"), dw));
            }
        }
        frame.render_widget(
            Paragraph::new(text).block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(format!(" {} ", t::CERTIFICATE.get(lang))),
            ),
            detail,
        );
    }
}

impl Screen for CitizenScreen {
    fn contexts(&self) -> Vec<Context> {
        match &self.state {
            State::SignIn(_) => vec![Context::SignIn],
            State::Page(p) => match &p.over {
                Some(Over::Cancel(_)) => vec![Context::Confirm],
                Some(Over::Certificate(..)) => vec![Context::Certificate],
                None => vec![Context::Citizen, Context::List],
            },
        }
    }

    fn typing(&self) -> bool {
        matches!(self.state, State::SignIn(_))
    }

    fn unsaved(&self) -> bool {
        false
    }

    fn key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        self.last_input = cx.desk.now();
        match &mut self.state {
            State::SignIn(form) => match form.handle(ev) {
                FormEvent::Submit => self.sign_in(cx),
                FormEvent::Cancel => self.sign_out(),
                _ => {}
            },
            State::Page(page) => {
                match &mut page.over {
                    Some(Over::Certificate(view, uvci)) => {
                        match action {
                            Some(Action::Back) => page.over = None,
                            Some(Action::Print) => {
                                let citizen = page.citizen.citizen_id;
                                let prepared = certificates::Destination::configured(cx.desk)
                                    .map_err(certificates::ExportError::Refused)
                                    .and_then(|to| {
                                        certificates::prepare_print_for_citizen(
                                            cx.desk, citizen, uvci, &to,
                                        )
                                    });
                                qrview::start_print(cx, prepared);
                            }
                            Some(Action::Toggle) => view.as_text = !view.as_text,
                            Some(Action::Copy) => match view.copy() {
                                Ok(said) => cx.ok(said),
                                Err(why) => cx.fail(why),
                            },
                            _ => {}
                        }
                        return;
                    }
                    Some(Over::Cancel(confirm)) => {
                        match confirm.answer(action) {
                            Answer::Yes => page.cancel(cx),
                            Answer::Close => page.over = None,
                            Answer::Wait => {}
                        }
                        return;
                    }
                    None => {}
                }
                let last = page.injections.len().saturating_sub(1);
                match action {
                    Some(Action::Back) => self.sign_out(),
                    Some(Action::Up) => page.selected = page.selected.saturating_sub(1),
                    Some(Action::Down) => page.selected = (page.selected + 1).min(last),
                    Some(Action::PageUp) => page.selected = page.selected.saturating_sub(5),
                    Some(Action::PageDown) => page.selected = (page.selected + 5).min(last),
                    Some(Action::Top) => page.selected = 0,
                    Some(Action::Bottom) => page.selected = last,
                    Some(Action::Apply) => page.apply(cx),
                    Some(Action::Show) => page.show(cx),
                    Some(Action::Cancel) => match page.current() {
                        Some((i, Some(a))) if a.standing() == Some(Standing::APPLIED) => {
                            let lang = cx.lang;
                            let q = t::cancel_q(lang, &common::dose(i.dose, i.series));
                            let target = a.application_id;
                            let title = t::CANCEL_TITLE.get(lang);
                            page.over = Some(Over::Cancel(Confirm::new(lang, title, q, target)));
                        }
                        Some((_, Some(a))) => {
                            let status = application_word(cx.lang, a);
                            cx.fail(t::only_pending(cx.lang, status))
                        }
                        _ => cx.fail(t::NO_APPLICATION.get(cx.lang)),
                    },
                    _ => {}
                }
            }
        }
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) {
        if let State::Page(p) = &mut self.state {
            p.load(cx);
        }
    }

    fn tick(&mut self, cx: &mut Cx<'_>) -> bool {
        let now = cx.desk.now();
        if self.wait_until.is_some_and(|until| now >= until) {
            self.wait_until = None;
            if let State::SignIn(form) = &mut self.state {
                form.message = None;
            }
            return true;
        }
        let idle = now - self.last_input >= self.idle;
        let has_something = match &self.state {
            State::Page(_) => true,
            State::SignIn(f) => f.is_dirty() || f.message.is_some(),
        };
        if idle && has_something {
            tracing::info!("kiosk idle: back to an empty sign-in");
            self.sign_out();
            return true;
        }
        false
    }

    fn paste(&mut self, text: &str) {
        if let State::SignIn(form) = &mut self.state {
            for c in text.chars().filter(|c| !c.is_control()) {
                form.handle(&KeyEvent::from(ratatui::crossterm::event::KeyCode::Char(c)));
            }
        }
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
        match &self.state {
            State::SignIn(form) => {
                let welcome = Line::from(Span::styled(t::WELCOME.get(self.lang), theme.header()));
                let w = 60.min(area.width);
                let box_area = centered(area, w, form.height(w) + 2);
                let above = Rect::new(box_area.x, box_area.y.saturating_sub(2), w, 1);
                frame.render_widget(Paragraph::new(welcome), above);
                form.render(frame, box_area, theme, &self.sign_in_keys)
            }
            State::Page(page) => {
                page.render(frame, area, theme, self.lang, &self.catalogue, &self.keys);
                match &page.over {
                    Some(Over::Certificate(view, _)) => view.render(frame, area, theme),
                    Some(Over::Cancel(confirm)) => confirm.render(frame, area, theme),
                    None => {}
                }
                None
            }
        }
    }
}
