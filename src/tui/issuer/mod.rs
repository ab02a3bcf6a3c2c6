//! The issuer's desk: the queue of pending applications (oldest first) with a detail pane,
//! an application opened whole with Enter, issue or reject (each asks first), every issued
//! certificate in a list of its own (Tab), and the dispatcher's health.
//!
//! A dialog owns its target: an issue question, a reason form and its question each hold the
//! application (or certificate) they were opened on, with the versions shown, and their text.
//! A reload behind them changes neither; the command re-checks the target in its transaction
//! and, when another desk moved it on meanwhile, the dialog says what happened and does
//! nothing to anyone else.

mod issued;
mod queue;

use crate::app::views::health::{self, SubscriberStatus};
use crate::app::views::issuer_board::{self, IssuedAnchor, IssuedFilter, IssuedItem};
use crate::app::views::queue::QueueItem;
use crate::app::{AppError, certificates, issue};
use crate::domain::Standing;
use crate::domain::{Catalogue, text};
use crate::i18n::tui::issuer as t;
use crate::i18n::{Lang, common};
use crate::tui::keymap::{Action, Context};
use crate::tui::screen::{Cx, Role, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormEvent, FormField};
use crate::tui::widgets::popup::{Answer, Confirm, centered};
use crate::tui::widgets::qrview::{self, QrView};
use crate::tui::widgets::{cell, fit, local_time, width};
use issued::IssuedList;
use queue::Queue;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Certificates shown under the queue; Tab opens the whole list.
const RECENT: usize = 5;

/// Where the issuer's attention is.
enum Focus {
    Queue,
    /// One application opened whole, as it was when opened.
    Detail(Box<QueueItem>),
    /// The list of issued certificates.
    Issued,
}

/// What is open over the screen; each holds its own target.
enum Dialog {
    Issue(Confirm<QueueItem>),
    RejectReason(Box<QueueItem>, Form),
    Reject(Confirm<(QueueItem, String)>),
    RevokeReason(Box<IssuedItem>, Form),
    Revoke(Confirm<(IssuedItem, String)>),
    /// A certificate's QR code, and the certificate (`p` prints it).
    Qr(QrView, certificates::PrintTarget),
}

/// What the issuer's keys do now, decided in one place ([`IssuerScreen::mode`]) from the
/// focus and the dialog over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Queue,
    Detail,
    Issued,
    /// Typing a search in the issued list.
    Searching,
    /// Typing the reason of a rejection or a revocation.
    Reason,
    /// A yes/no question.
    Confirm,
    /// A certificate shown as a QR code.
    Certificate,
}

pub struct IssuerScreen {
    queue: Queue,
    issued: IssuedList,
    recent: Vec<IssuedItem>,
    health: Vec<SubscriberStatus>,
    focus: Focus,
    dialog: Option<Dialog>,
    catalogue: Catalogue,
    lang: Lang,
}

fn reason_form(lang: Lang, title: String) -> Form {
    Form::new(
        title,
        vec![FormField::text("reason", t::REASON.get(lang), "", 200)],
    )
    .in_lang(lang)
}

/// A product's name in `lang`: the read model's (English) name, or the catalogue's Korean one.
fn product<'a>(lang: Lang, catalogue: &'a Catalogue, code: &'a str, name: &'a str) -> &'a str {
    match lang {
        Lang::En => name,
        Lang::Ko => common::product_of(lang, catalogue, code),
    }
}

impl IssuerScreen {
    pub fn new(cx: &mut Cx<'_>) -> Self {
        let mut s = IssuerScreen {
            queue: Queue::default(),
            issued: IssuedList::new(cx.desk, cx.lang),
            recent: vec![],
            health: vec![],
            focus: Focus::Queue,
            dialog: None,
            catalogue: cx.desk.catalogue().clone(),
            lang: cx.lang,
        };
        s.load(cx);
        s
    }

    fn load(&mut self, cx: &mut Cx<'_>) {
        let desk = cx.desk;
        let loaded = (|| -> Result<(), AppError> {
            self.queue.load(desk)?;
            self.recent =
                issuer_board::issued_page(desk, &IssuedFilter::All, &IssuedAnchor::First, RECENT)?;
            if matches!(self.focus, Focus::Issued) {
                self.issued.reload(desk)?;
            }
            self.health = health::subscribers(desk)?;
            Ok(())
        })();
        if let Err(e) = loaded {
            cx.error(&e);
        }
    }

    fn question_issue(&self, q: &QueueItem) -> String {
        let lang = self.lang;
        let name = product(lang, &self.catalogue, &q.product, &q.product_name);
        t::issue_q(lang, &q.name, name, &common::dose(q.dose, q.series))
    }

    /// Runs the confirmed command: on success the dialog closes; refused, it stays and says
    /// why (its target untouched); any other failure closes it with a notice.
    fn confirmed(&mut self, cx: &mut Cx<'_>) {
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        let (desk, actor, lang) = (cx.desk, cx.staff(Role::Issuer), cx.lang);
        let result: Result<String, AppError> = match dialog {
            Dialog::Issue(c) => {
                let q = &c.target;
                issue::issue(desk, &actor, q).map(|uvci| t::issued(lang, &uvci, &q.name))
            }
            Dialog::Reject(c) => {
                let (q, reason) = &c.target;
                issue::reject(desk, &actor, q, reason).map(|()| t::rejected(lang, &q.name))
            }
            Dialog::Revoke(c) => {
                let (r, reason) = &c.target;
                issue::revoke(desk, &actor, r, reason).map(|()| t::revoked(lang, &r.cert.name))
            }
            _ => return,
        };
        match result {
            Ok(done) => {
                cx.ok(done);
                self.dialog = None;
                if matches!(self.focus, Focus::Detail(_)) {
                    self.focus = Focus::Queue;
                }
            }
            Err(AppError::Refused(r)) => match dialog {
                Dialog::Issue(c) => c.refuse(&common::refusal(lang, &r)),
                Dialog::Reject(c) => c.refuse(&common::refusal(lang, &r)),
                Dialog::Revoke(c) => c.refuse(&common::refusal(lang, &r)),
                _ => {}
            },
            Err(e) => {
                self.dialog = None;
                cx.error(&e);
            }
        }
        self.load(cx);
    }

    fn show(&mut self, cx: &mut Cx<'_>) {
        let Some(r) = self.issued.current().cloned() else {
            return;
        };
        let c = &r.cert;
        let lang = self.lang;
        let mut about = vec![
            format!(" {}", c.name),
            format!(
                " {} {} {} {}",
                product(lang, &self.catalogue, &c.product, &r.product_name),
                common::doses(lang, c.dose, c.series),
                t::GIVEN.get(lang),
                c.given_on
            ),
            format!(
                " {} {} · {} {}",
                t::ISSUED_AT.get(lang),
                local_time(&c.issued_at),
                t::VALID_UNTIL.get(lang),
                local_time(&c.expires_at)
            ),
            format!(" {}", c.uvci),
        ];
        if let Some(at) = &c.revoked_at {
            about.push(format!(
                " {} {}: {}",
                common::REVOKED.get(lang),
                local_time(at),
                c.revocation_reason.clone().unwrap_or_default()
            ));
        }
        // A certificate on screen can be photographed: the use case records it as shown.
        let hc1 = match issue::show(cx.desk, &cx.staff(Role::Issuer), &r) {
            Ok(issue::Shown::Qr(hc1)) => hc1,
            Ok(issue::Shown::Gone) => return cx.fail(t::CERT_GONE.get(lang)),
            Ok(issue::Shown::Unsigned) => {
                return cx.fail(t::UNSIGNED.get(lang));
            }
            Err(e) => return cx.error(&e),
        };
        let target = certificates::PrintTarget {
            citizen: c.citizen_id,
            uvci: c.uvci.clone(),
        };
        self.dialog = Some(Dialog::Qr(QrView::new(about, hc1).in_lang(lang), target));
    }

    /// Prints `target` (`p` on the issued list's selection, or over its QR code).
    fn print(cx: &mut Cx<'_>, target: &certificates::PrintTarget) {
        let actor = cx.staff(Role::Issuer);
        let prepared = certificates::Destination::configured(cx.desk)
            .map_err(certificates::ExportError::Refused)
            .and_then(|to| certificates::prepare_print(cx.desk, &actor, target, &to));
        qrview::start_print(cx, prepared);
    }

    /// The open dialog's keys.
    fn dialog_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        let lang = self.lang;
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        match dialog {
            Dialog::Qr(view, target) => match action {
                Some(Action::Back) => self.dialog = None,
                Some(Action::Print) => Self::print(cx, target),
                Some(Action::Toggle) => view.as_text = !view.as_text,
                Some(Action::Copy) => match view.copy() {
                    Ok(said) => cx.ok(said),
                    Err(why) => cx.fail(why),
                },
                _ => {}
            },
            Dialog::Issue(c) => match c.answer(action) {
                Answer::Yes => self.confirmed(cx),
                Answer::Close => self.dialog = None,
                Answer::Wait => {}
            },
            Dialog::Reject(c) => match c.answer(action) {
                Answer::Yes => self.confirmed(cx),
                Answer::Close => self.dialog = None,
                Answer::Wait => {}
            },
            Dialog::Revoke(c) => match c.answer(action) {
                Answer::Yes => self.confirmed(cx),
                Answer::Close => self.dialog = None,
                Answer::Wait => {}
            },
            Dialog::RejectReason(q, form) => match form.handle(ev) {
                FormEvent::Submit => {
                    form.clear_errors();
                    match text::required("reason", &form.value("reason"), text::TEXT_MAX) {
                        Err(e) => form.set_error("reason", &common::refusal(lang, &e)),
                        Ok(reason) => {
                            let name = product(lang, &self.catalogue, &q.product, &q.product_name);
                            let dose = common::dose(q.dose, q.series);
                            let question = t::reject_q(lang, &q.name, name, &dose, &reason);
                            let target = ((**q).clone(), reason);
                            self.dialog = Some(Dialog::Reject(Confirm::new(
                                lang,
                                t::REJECT_TITLE.get(lang),
                                question,
                                target,
                            )));
                        }
                    }
                }
                FormEvent::Cancel => self.dialog = None,
                _ => {}
            },
            Dialog::RevokeReason(r, form) => match form.handle(ev) {
                FormEvent::Submit => {
                    form.clear_errors();
                    let typed = form.value("reason");
                    if typed.trim().is_empty() {
                        form.set_error("reason", t::NO_REASON.get(lang));
                    } else {
                        match text::required("reason", &typed, text::TEXT_MAX) {
                            Err(e) => form.set_error("reason", &common::refusal(lang, &e)),
                            Ok(reason) => {
                                let question =
                                    t::revoke_q(lang, &r.cert.name, &r.cert.uvci, &reason);
                                let target = ((**r).clone(), reason);
                                self.dialog = Some(Dialog::Revoke(Confirm::new(
                                    lang,
                                    t::REVOKE_TITLE.get(lang),
                                    question,
                                    target,
                                )));
                            }
                        }
                    }
                }
                FormEvent::Cancel => self.dialog = None,
                _ => {}
            },
        }
    }

    fn ask_issue(&mut self, q: QueueItem) {
        let question = self.question_issue(&q);
        let title = t::ISSUE_TITLE.get(self.lang);
        self.dialog = Some(Dialog::Issue(Confirm::new(self.lang, title, question, q)));
    }

    fn ask_reject(&mut self, q: QueueItem) {
        let form = reason_form(self.lang, t::reject_form(self.lang, &q.name));
        self.dialog = Some(Dialog::RejectReason(Box::new(q), form));
    }

    fn queue_key(&mut self, cx: &mut Cx<'_>, action: Option<Action>) {
        match action {
            Some(Action::Up) => self.queue.move_by(-1),
            Some(Action::Down) => self.queue.move_by(1),
            Some(Action::PageUp) => self.queue.move_by(-(self.queue.page() as isize)),
            Some(Action::PageDown) => self.queue.move_by(self.queue.page() as isize),
            Some(Action::Top) => self.queue.move_by(isize::MIN / 2),
            Some(Action::Bottom) => self.queue.move_by(isize::MAX / 2),
            Some(Action::Open | Action::Issue | Action::Reject) => {
                let Some(q) = self.queue.current().cloned() else {
                    return cx.fail(t::QUEUE_EMPTY.get(cx.lang));
                };
                match action {
                    Some(Action::Open) => self.focus = Focus::Detail(Box::new(q)),
                    Some(Action::Issue) => self.ask_issue(q),
                    _ => self.ask_reject(q),
                }
            }
            Some(Action::SwitchList) => {
                match self.issued.restart(cx.desk) {
                    Ok(()) => self.focus = Focus::Issued,
                    Err(e) => cx.error(&e),
                };
            }
            Some(Action::Revoke | Action::Show) => {
                cx.fail(t::PRESS_TAB_CHOOSE.get(cx.lang));
            }
            _ => {}
        }
    }

    fn detail_key(&mut self, action: Option<Action>) {
        let Focus::Detail(q) = &self.focus else {
            return;
        };
        let q = (**q).clone();
        match action {
            Some(Action::Back) => self.focus = Focus::Queue,
            Some(Action::Issue) => self.ask_issue(q),
            Some(Action::Reject) => self.ask_reject(q),
            _ => {}
        }
    }

    fn issued_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        let desk = cx.desk;
        let list = &mut self.issued;
        let result = if list.searching {
            match (action, ev.code) {
                (Some(Action::Done), _) => {
                    list.searching = false;
                    Ok(())
                }
                (Some(Action::Clear), _) => {
                    list.searching = false;
                    list.search.clear();
                    list.restart(desk)
                }
                (_, KeyCode::Down) => list.move_by(desk, 1),
                (_, KeyCode::Up) => list.move_by(desk, -1),
                _ if list.search.handle(ev) => list.restart(desk),
                _ => Ok(()),
            }
        } else {
            match action {
                Some(Action::Up) => list.move_by(desk, -1),
                Some(Action::Down) => list.move_by(desk, 1),
                Some(Action::PageUp) => list.page_up(desk),
                Some(Action::PageDown) => list.page_down(desk),
                Some(Action::Top) => list.restart(desk),
                Some(Action::Bottom) => list.bottom(desk),
                Some(Action::Search) => {
                    list.searching = true;
                    Ok(())
                }
                // Esc clears a search first, then goes back to the queue.
                Some(Action::Back) if !list.search.value().is_empty() => {
                    list.search.clear();
                    list.restart(desk)
                }
                Some(Action::Back | Action::SwitchList) => {
                    self.focus = Focus::Queue;
                    Ok(())
                }
                Some(Action::Show) => {
                    self.show(cx);
                    Ok(())
                }
                Some(Action::Print) => {
                    match list.current() {
                        Some(r) => Self::print(
                            cx,
                            &certificates::PrintTarget {
                                citizen: r.cert.citizen_id,
                                uvci: r.cert.uvci.clone(),
                            },
                        ),
                        None => cx.fail(t::NO_CERT_TO_PRINT.get(cx.lang)),
                    }
                    Ok(())
                }
                Some(Action::Revoke) => {
                    match list.current() {
                        Some(r) if r.cert.revoked_at.is_some() => {
                            cx.fail(t::ALREADY_REVOKED.get(cx.lang))
                        }
                        Some(r) => {
                            let title = t::revoke_form(cx.lang, &r.cert.name);
                            let form = reason_form(cx.lang, title);
                            self.dialog = Some(Dialog::RevokeReason(Box::new(r.clone()), form));
                        }
                        None => cx.fail(t::NOTHING_TO_REVOKE.get(cx.lang)),
                    }
                    Ok(())
                }
                Some(Action::Issue | Action::Reject) => {
                    cx.fail(t::PRESS_TAB_QUEUE.get(cx.lang));
                    Ok(())
                }
                _ => Ok(()),
            }
        };
        if let Err(e) = result {
            cx.error(&e);
        }
    }
}

impl IssuerScreen {
    fn mode(&self) -> Mode {
        match (&self.dialog, &self.focus) {
            (Some(Dialog::Qr(..)), _) => Mode::Certificate,
            (Some(Dialog::RejectReason(..) | Dialog::RevokeReason(..)), _) => Mode::Reason,
            (Some(_), _) => Mode::Confirm,
            (None, Focus::Issued) if self.issued.searching => Mode::Searching,
            (None, Focus::Issued) => Mode::Issued,
            (None, Focus::Detail(_)) => Mode::Detail,
            (None, Focus::Queue) => Mode::Queue,
        }
    }
}

impl Screen for IssuerScreen {
    fn contexts(&self) -> Vec<Context> {
        match self.mode() {
            Mode::Certificate => vec![Context::Certificate],
            Mode::Reason => vec![Context::Form],
            Mode::Confirm => vec![Context::Confirm],
            Mode::Searching => vec![Context::Search],
            Mode::Issued => vec![Context::Issued, Context::List],
            Mode::Detail => vec![Context::IssuerDetail],
            Mode::Queue => vec![Context::Issuer, Context::List],
        }
    }

    fn typing(&self) -> bool {
        matches!(self.mode(), Mode::Reason | Mode::Searching)
    }

    fn unsaved(&self) -> bool {
        matches!(
            &self.dialog,
            Some(Dialog::RejectReason(_, f) | Dialog::RevokeReason(_, f)) if f.is_dirty()
        )
    }

    fn key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        match self.mode() {
            Mode::Reason | Mode::Confirm | Mode::Certificate => {
                self.dialog_key(cx, ev, action);
            }
            Mode::Queue => self.queue_key(cx, action),
            Mode::Detail => self.detail_key(action),
            Mode::Issued | Mode::Searching => self.issued_key(cx, ev, action),
        }
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) {
        self.load(cx);
    }

    fn paste(&mut self, text: &str) {
        if let Some(Dialog::RejectReason(_, form) | Dialog::RevokeReason(_, form)) =
            &mut self.dialog
        {
            for c in text.chars().filter(|c| !c.is_control()) {
                form.handle(&KeyEvent::from(KeyCode::Char(c)));
            }
        }
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
        let [health, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        self.render_health(frame, health, theme);
        let mut cursor = match &self.focus {
            Focus::Issued => self.issued.render(frame, body, theme, true),
            Focus::Detail(q) => {
                let still = self.queue.find(q.application);
                queue::render_opened(frame, body, theme, self.lang, q, still, &self.catalogue);
                None
            }
            Focus::Queue => {
                let recent_h = (self.recent.len().max(1) + 1) as u16;
                let [list, detail, recent] = Layout::vertical([
                    Constraint::Min(4),
                    Constraint::Length(6),
                    Constraint::Length(recent_h),
                ])
                .areas(body);
                self.queue
                    .render(frame, list, theme, self.lang, &self.catalogue);
                let current = self.queue.current();
                queue::render_pane(frame, detail, theme, self.lang, current, &self.catalogue);
                self.render_recent(frame, recent, theme);
                None
            }
        };
        match &self.dialog {
            None => {}
            Some(Dialog::Qr(view, _)) => {
                view.render(frame, area, theme);
                cursor = None;
            }
            Some(Dialog::Issue(c)) => {
                c.render(frame, area, theme);
                cursor = None;
            }
            Some(Dialog::Reject(c)) => {
                c.render(frame, area, theme);
                cursor = None;
            }
            Some(Dialog::Revoke(c)) => {
                c.render(frame, area, theme);
                cursor = None;
            }
            Some(Dialog::RejectReason(_, form)) => {
                let w = area.width.min(76);
                let r = centered(area, w, form.height(w) + 2);
                cursor = form.render(frame, r, theme, t::KEYS_CONTINUE.get(self.lang));
            }
            Some(Dialog::RevokeReason(_, form)) => {
                let w = area.width.min(76);
                let r = centered(area, w, form.height(w) + 2);
                cursor = form.render(frame, r, theme, t::KEYS_CONTINUE.get(self.lang));
            }
        }
        cursor
    }
}

impl IssuerScreen {
    fn render_health(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let mut spans = vec![Span::styled(
            format!(" {} ", t::pending(self.lang, self.queue.pending)),
            theme.header(),
        )];
        for s in &self.health {
            let healthy = health::healthy(s);
            let name = t::subscriber(self.lang, &s.name);
            let (text, style) = if healthy {
                (format!("· {name} ok "), theme.muted())
            } else {
                let lag = t::LAG.get(self.lang);
                (
                    format!("· {name} {} {lag} {} ", s.state, s.lag),
                    theme.error(),
                )
            };
            spans.push(Span::styled(text, style));
        }
        // What does not fit is cut with `…`, never silently.
        let mut room = area.width as usize;
        for span in &mut spans {
            let w = width(&span.content);
            if w > room {
                span.content = fit(&span.content, room).into();
            }
            room = room.saturating_sub(w);
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// The newest few certificates under the queue (Tab opens them all).
    fn render_recent(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let block = Block::default().borders(Borders::TOP).title(Span::styled(
            format!(" {} ", t::RECENT.get(self.lang)),
            theme.title(),
        ));
        let w = area.width as usize;
        let mut lines = vec![];
        if self.recent.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(" {}", t::NONE_YET.get(self.lang)),
                theme.muted(),
            )));
        }
        // REVOKED, or as wide a blank, before the id.
        let revoked_word = common::REVOKED.get(self.lang);
        let blank = " ".repeat(width(revoked_word) + 1);
        for r in &self.recent {
            let c = &r.cert;
            // Month, day and time are enough for the last few certificates.
            let when: String = local_time(&c.issued_at).chars().skip(5).collect();
            let revoked = c.revoked_at.is_some();
            let text = fit(
                &format!(
                    "  {}  {}  {}{}",
                    when,
                    cell(&c.name, 14),
                    if revoked {
                        format!("{revoked_word} ")
                    } else {
                        blank.clone()
                    },
                    c.uvci,
                ),
                w,
            );
            let style = if revoked {
                theme.standing(Some(Standing::Revoked))
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
