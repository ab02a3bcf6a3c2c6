//! The injection manager's desk: the citizen list, a citizen's detail, the audit log, and the
//! forms that register citizens and record, correct or void injections. Keys become intents;
//! what they read comes from `app::views` and what they change goes through `app::manage`,
//! which owns the transaction, the audit row and the refusal. What the screen is doing is one
//! `Mode`, changed only by its transitions.

mod audit_view;
mod detail;
mod forms;
mod list;

use crate::app::AppError;
use crate::app::manage::{self, CitizenRow, InjectionRow, UnlockTarget};
use crate::app::views::citizen_page;
use crate::domain::{Catalogue, InjectionStatus};
use crate::i18n::tui::manager as t;
use crate::i18n::{Lang, common};
use crate::tui::keymap::{Action, Context};
use crate::tui::screen::{Cx, Role, Screen};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Form, FormEvent};
use crate::tui::widgets::popup::{Answer, Confirm, centered};
use audit_view::AuditView;
use detail::Detail;
use list::CitizenList;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};

/// Each form holds the record it was opened on (and its version): a reload of the detail
/// behind it never changes what it saves to.
enum FormKind {
    Register,
    EditCitizen(Box<CitizenRow>),
    Record(Box<CitizenRow>),
    Edit(Box<InjectionRow>),
    Void(Box<InjectionRow>),
    /// A staff account locked after failed sign-ins (or a kiosk id), to open again.
    UnlockStaff,
}

/// The question a form goes on to, about what it holds.
enum Ask {
    /// "Void this dose?", about the injection (and version) the void form was opened on,
    /// with the reason typed.
    Void(Confirm<(InjectionRow, String)>),
    /// "Unlock …?", about the account or id typed in the unlock form.
    Unlock(Confirm<UnlockTarget>),
}

/// A form, over the list or over the citizen's detail it was opened from.
struct OpenForm {
    under: Option<Box<Detail>>,
    kind: FormKind,
    form: Form,
    ask: Option<Ask>,
}

/// What the manager's screen is doing. Keys, contexts, drawing and refreshes all follow it;
/// only the transitions below change it.
enum Mode {
    /// The citizen list takes the keys.
    List,
    /// Typing in the list's search line.
    Search,
    /// The audit log, over the list.
    Audit(Box<AuditView>),
    /// One citizen's detail.
    Detail(Box<Detail>),
    /// A form (and maybe its question).
    Form(Box<OpenForm>),
}

pub struct ManagerScreen {
    list: CitizenList,
    mode: Mode,
    catalogue: Catalogue,
    series_typed: bool,
    lang: Lang,
}

impl ManagerScreen {
    pub fn new(cx: &mut Cx<'_>) -> Self {
        let mut s = ManagerScreen {
            list: CitizenList::new(),
            mode: Mode::List,
            catalogue: cx.desk.catalogue().clone(),
            series_typed: false,
            lang: cx.lang,
        };
        if let Err(e) = s.list.page.restart(cx.desk) {
            cx.error(&e);
        }
        if let Err(e) = s.list.page.reload(cx.desk) {
            cx.error(&e);
        }
        s
    }

    fn actor(cx: &Cx<'_>) -> String {
        cx.staff(Role::Manager)
    }

    fn today(cx: &Cx<'_>) -> String {
        cx.desk
            .now()
            .with_timezone(&chrono::Local)
            .date_naive()
            .to_string()
    }

    /// Opens a citizen's detail (the read is recorded, in its transaction); on failure the
    /// screen stays where it was.
    fn open_detail(&mut self, cx: &mut Cx<'_>, citizen: i64) {
        match Detail::open(cx.desk, &Self::actor(cx), citizen) {
            Ok(Some(d)) => {
                tracing::info!("manager opened citizen {citizen}");
                self.mode = Mode::Detail(Box::new(d));
            }
            Ok(None) => cx.fail(t::GONE.get(cx.lang)),
            Err(e) => cx.error(&e),
        }
    }

    /// Opens a form over what is shown (the detail, or else the list).
    fn open_form(&mut self, kind: FormKind, form: Form) {
        let under = match std::mem::replace(&mut self.mode, Mode::List) {
            Mode::Detail(d) => Some(d),
            _ => None,
        };
        self.mode = Mode::Form(Box::new(OpenForm {
            under,
            kind,
            form,
            ask: None,
        }));
    }

    /// Closes the form (and its question): back to what it was opened over.
    fn close_form(&mut self) {
        self.mode = match std::mem::replace(&mut self.mode, Mode::List) {
            Mode::Form(f) => match f.under {
                Some(d) => Mode::Detail(d),
                None => Mode::List,
            },
            other => other,
        };
    }

    /// Reads again what is shown: the citizen's detail, or else the list.
    fn reload(&mut self, cx: &mut Cx<'_>) {
        let detail = match &mut self.mode {
            Mode::Detail(d) => Some(d),
            Mode::Form(f) => f.under.as_mut(),
            _ => None,
        };
        let result = match detail {
            Some(d) => d.reload(cx.desk),
            None => self.list.page.reload(cx.desk),
        };
        if let Err(e) = result {
            cx.error(&e);
        }
    }

    /// A refusal goes beside its field; other errors become a toast. The form stays open.
    fn show_error(form: &mut Form, cx: &mut Cx<'_>, e: AppError) {
        match e {
            AppError::Refused(r) => form.set_error(r.field, &common::refusal(cx.lang, &r)),
            other => cx.error(&other),
        }
    }

    fn submit(&mut self, cx: &mut Cx<'_>) {
        let Mode::Form(f) = &mut self.mode else {
            return;
        };
        let OpenForm {
            under,
            kind,
            form,
            ask,
        } = &mut **f;
        form.clear_errors();
        let actor = Self::actor(cx);
        let lang = cx.lang;
        match kind {
            FormKind::Register => match forms::submit_register(cx.desk, form, &actor) {
                Ok((citizen, name)) => {
                    cx.ok(t::registered(lang, &name));
                    self.close_form();
                    self.open_detail(cx, citizen);
                }
                Err(e) => Self::show_error(form, cx, e),
            },
            FormKind::EditCitizen(citizen) => {
                match forms::submit_edit_citizen(cx.desk, form, citizen, &actor) {
                    Ok(()) => {
                        cx.ok(t::SAVED_CITIZEN.get(lang));
                        self.close_form();
                    }
                    Err(e) => Self::show_error(form, cx, e),
                }
            }
            FormKind::Record(citizen) => {
                match forms::submit_record(cx.desk, form, citizen, &actor) {
                    Ok(dose) => {
                        cx.ok(t::recorded(lang, dose));
                        self.close_form();
                    }
                    Err(e) => Self::show_error(form, cx, e),
                }
            }
            FormKind::Edit(row) => match forms::submit_edit(cx.desk, form, row, &actor) {
                Ok(dose) => {
                    cx.ok(t::saved_dose(lang, dose));
                    self.close_form();
                }
                Err(e) => Self::show_error(form, cx, e),
            },
            FormKind::UnlockStaff => {
                // A staff account by that name, or else a citizen's id at the kiosk.
                let Some(target) = manage::unlock_target(cx.desk, &form.value("name")) else {
                    return form.set_error("name", t::NO_SUCH_ACCOUNT.get(lang));
                };
                let q = match &target {
                    UnlockTarget::Staff(name) => t::unlock_staff_q(lang, name),
                    UnlockTarget::Kiosk(id) => t::unlock_kiosk_q(lang, &id.masked()),
                };
                let title = t::UNLOCK_TITLE.get(lang);
                *ask = Some(Ask::Unlock(Confirm::new(lang, title, q, target)));
            }
            FormKind::Void(row) => {
                let reason = form.value("reason");
                if reason.trim().is_empty() {
                    form.set_error("reason", t::NO_REASON.get(lang));
                } else {
                    let who = under
                        .as_ref()
                        .map(|d| d.citizen.details.display_name())
                        .unwrap_or_default();
                    let q = t::void_q(
                        lang,
                        row.details.dose,
                        common::product_of(lang, &self.catalogue, &row.details.product),
                        &who,
                        reason.trim(),
                    );
                    let target = ((**row).clone(), reason);
                    let title = t::VOID_TITLE.get(lang);
                    *ask = Some(Ask::Void(Confirm::new(lang, title, q, target)));
                }
            }
        }
        self.reload(cx);
    }

    /// Unlocks what the question names; the form and question close either way, with what
    /// was found said in a notice.
    fn unlock(&mut self, cx: &mut Cx<'_>) {
        let Mode::Form(f) = &mut self.mode else {
            return;
        };
        let mut confirm = match f.ask.take() {
            Some(Ask::Unlock(c)) => c,
            other => {
                f.ask = other;
                return;
            }
        };
        let actor = Self::actor(cx);
        let lang = cx.lang;
        let result =
            manage::unlock(cx.desk, &actor, &confirm.target).map(|was| match &confirm.target {
                UnlockTarget::Kiosk(id) => t::unlocked_kiosk(lang, &id.masked()),
                UnlockTarget::Staff(name) => t::unlocked_staff(lang, name, was),
            });
        match result {
            Ok(done) => {
                cx.ok(done);
                self.close_form();
            }
            Err(AppError::Refused(r)) => {
                confirm.refuse(&common::refusal(lang, &r));
                f.ask = Some(Ask::Unlock(confirm));
            }
            Err(e) => cx.error(&e),
        }
        self.reload(cx);
    }

    /// Voids the injection the question is about, at the version it was shown; refused, the
    /// question stays and says why.
    fn void(&mut self, cx: &mut Cx<'_>) {
        let Mode::Form(f) = &mut self.mode else {
            return;
        };
        let Some(Ask::Void(confirm)) = &mut f.ask else {
            return;
        };
        let (row, reason) = &confirm.target;
        match manage::void_injection(cx.desk, &Self::actor(cx), row, reason) {
            Ok(()) => {
                cx.ok(t::voided(cx.lang, row.details.dose));
                self.close_form();
            }
            Err(AppError::Refused(r)) => confirm.refuse(&common::refusal(cx.lang, &r)),
            Err(e) => {
                f.ask = None;
                cx.error(&e);
            }
        }
        self.reload(cx);
    }

    /// A key while a question is asked: yes acts, no goes back to the form.
    fn ask_key(&mut self, cx: &mut Cx<'_>, action: Option<Action>) {
        let Mode::Form(f) = &mut self.mode else {
            return;
        };
        let (answer, refused_void) = match &f.ask {
            Some(Ask::Void(c)) => (c.answer(action), c.is_refused()),
            Some(Ask::Unlock(c)) => (c.answer(action), false),
            None => return,
        };
        match answer {
            Answer::Yes => match f.ask {
                Some(Ask::Void(_)) => self.void(cx),
                _ => self.unlock(cx),
            },
            // A refused void closes the form too, since the dose it was opened on has changed
            // (asking again would only be refused again).
            Answer::Close if refused_void => self.close_form(),
            Answer::Close => f.ask = None,
            Answer::Wait => {}
        }
    }

    fn form_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent) {
        let Mode::Form(f) = &mut self.mode else {
            return;
        };
        match f.form.handle(ev) {
            FormEvent::Submit => self.submit(cx),
            FormEvent::Cancel => self.close_form(),
            FormEvent::Changed(key) => {
                forms::changed(&mut f.form, key, &self.catalogue, &mut self.series_typed)
            }
            _ => {}
        }
    }

    /// A new search text: the list starts over with it.
    fn searched(&mut self, cx: &mut Cx<'_>) -> Result<(), AppError> {
        let text = self.list.search.value().to_string();
        self.list.page.search(cx.desk, &text)
    }

    fn search_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        let desk = cx.desk;
        let result = match (action, ev.code) {
            (Some(Action::Done), _) => {
                self.mode = Mode::List;
                Ok(())
            }
            (Some(Action::Clear), _) => {
                self.mode = Mode::List;
                self.list.search.clear();
                self.searched(cx)
            }
            (_, KeyCode::Down) => self.list.page.down(desk),
            (_, KeyCode::Up) => self.list.page.up(desk),
            _ if self.list.search.handle(ev) => self.searched(cx),
            _ => Ok(()),
        };
        if let Err(e) = result {
            cx.error(&e);
        }
    }

    fn list_key(&mut self, cx: &mut Cx<'_>, action: Option<Action>) {
        let desk = cx.desk;
        let page = &mut self.list.page;
        let result = match action {
            Some(Action::Up) => page.up(desk),
            Some(Action::Down) => page.down(desk),
            Some(Action::PageUp) => page.page_up(desk),
            Some(Action::PageDown) => page.page_down(desk),
            Some(Action::Top) => page.top(desk),
            Some(Action::Bottom) => page.bottom(desk),
            Some(Action::Search) => {
                self.mode = Mode::Search;
                Ok(())
            }
            Some(Action::Clear) if !self.list.search.value().is_empty() => {
                self.list.search.clear();
                self.searched(cx)
            }
            Some(Action::Register) => {
                self.series_typed = false;
                self.open_form(FormKind::Register, forms::register(self.lang));
                Ok(())
            }
            Some(Action::Open) => {
                if let Some(id) = page.current().map(|r| r.id) {
                    self.open_detail(cx, id);
                }
                Ok(())
            }
            Some(Action::AuditLog) => {
                AuditView::new(desk, self.lang).map(|v| self.mode = Mode::Audit(Box::new(v)))
            }
            Some(Action::UnlockStaff) => {
                self.open_form(FormKind::UnlockStaff, forms::unlock_staff(self.lang));
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            cx.error(&e);
        }
    }

    fn audit_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        let Mode::Audit(view) = &mut self.mode else {
            return;
        };
        let desk = cx.desk;
        let result = if view.form.is_some() {
            view.form_key(desk, ev)
        } else {
            match action {
                Some(Action::Back) => {
                    self.mode = Mode::List;
                    Ok(())
                }
                Some(Action::Filter) => {
                    view.open_filter();
                    Ok(())
                }
                Some(Action::Up) => view.page.up(desk),
                Some(Action::Down) => view.page.down(desk),
                Some(Action::PageDown) => view.page.page_down(desk),
                Some(Action::PageUp) => view.page.page_up(desk),
                Some(Action::Top) => view.page.top(desk),
                Some(Action::Bottom) => view.page.bottom(desk),
                _ => Ok(()),
            }
        };
        if let Err(e) = result {
            cx.error(&e);
        }
    }

    fn detail_key(&mut self, cx: &mut Cx<'_>, action: Option<Action>) {
        let Mode::Detail(d) = &mut self.mode else {
            return;
        };
        let last = d.injections.len().saturating_sub(1);
        match action {
            Some(Action::Back) => {
                self.mode = Mode::List;
                self.reload(cx);
            }
            Some(Action::Up) => d.selected = d.selected.saturating_sub(1),
            Some(Action::Down) => d.selected = (d.selected + 1).min(last),
            Some(Action::PageUp) => d.selected = d.selected.saturating_sub(5),
            Some(Action::PageDown) => d.selected = (d.selected + 5).min(last),
            Some(Action::Top) => d.selected = 0,
            Some(Action::Bottom) => d.selected = last,
            Some(Action::EditCitizen) => {
                let form = forms::edit_citizen(&d.citizen, self.lang);
                let kind = FormKind::EditCitizen(Box::new(d.citizen.clone()));
                self.open_form(kind, form);
            }
            Some(Action::RevealId) if d.revealed.is_none() => {
                match citizen_page::reveal_id(cx.desk, &Self::actor(cx), d.citizen.id) {
                    Ok(id) => {
                        d.revealed = Some(id);
                        cx.ok(t::REVEALED.get(cx.lang));
                    }
                    Err(e) => cx.error(&e),
                }
            }
            Some(Action::Record) => {
                self.series_typed = false;
                let (next, today) = (d.next_dose(), Self::today(cx));
                let form = forms::injection(cx.desk, &d.citizen, None, next, &today, self.lang);
                let kind = FormKind::Record(Box::new(d.citizen.clone()));
                self.open_form(kind, form);
            }
            Some(Action::Edit | Action::Void) => {
                let Some(row) = d.current().cloned() else {
                    return cx.fail(t::NOTHING_TO_CHANGE.get(cx.lang));
                };
                if row.details.status == InjectionStatus::Voided {
                    return cx.fail(t::dose_voided(cx.lang, row.details.dose));
                }
                self.series_typed = true;
                let (kind, form) = if action == Some(Action::Edit) {
                    let form = forms::injection(cx.desk, &d.citizen, Some(&row), 0, "", self.lang);
                    (FormKind::Edit(Box::new(row)), form)
                } else {
                    let form = forms::void(row.details.dose, self.lang);
                    (FormKind::Void(Box::new(row)), form)
                };
                self.open_form(kind, form);
            }
            _ => {}
        }
    }
}

impl Screen for ManagerScreen {
    fn contexts(&self) -> Vec<Context> {
        match &self.mode {
            Mode::Form(f) if f.ask.is_some() => vec![Context::Confirm],
            Mode::Form(_) => vec![Context::Form],
            Mode::Audit(a) if a.form.is_some() => vec![Context::Form],
            Mode::Audit(_) => vec![Context::Audit, Context::List],
            Mode::Search => vec![Context::Search],
            Mode::Detail(_) => vec![Context::ManagerDetail, Context::List],
            Mode::List => vec![Context::ManagerList, Context::List],
        }
    }

    fn typing(&self) -> bool {
        match &self.mode {
            Mode::Form(f) => f.ask.is_none(),
            Mode::Audit(a) => a.form.is_some(),
            Mode::Search => true,
            Mode::Detail(_) | Mode::List => false,
        }
    }

    fn unsaved(&self) -> bool {
        matches!(&self.mode, Mode::Form(f) if f.form.is_dirty())
    }

    fn key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        match &self.mode {
            Mode::Form(f) if f.ask.is_some() => self.ask_key(cx, action),
            Mode::Form(_) => self.form_key(cx, ev),
            Mode::Audit(_) => self.audit_key(cx, ev, action),
            Mode::Detail(_) => self.detail_key(cx, action),
            Mode::Search => self.search_key(cx, ev, action),
            Mode::List => self.list_key(cx, action),
        }
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) {
        self.reload(cx);
        if let Mode::Audit(a) = &mut self.mode
            && let Err(e) = a.page.reload(cx.desk)
        {
            cx.error(&e);
        }
    }

    fn tick(&mut self, cx: &mut Cx<'_>) -> bool {
        // The audit log drawn at a new size loads a page of that size.
        match &mut self.mode {
            Mode::Audit(a) if a.page.stale() => {
                if let Err(e) = a.page.reload(cx.desk) {
                    cx.error(&e);
                }
                true
            }
            _ => false,
        }
    }

    fn paste(&mut self, text: &str) {
        if let Mode::Form(f) = &mut self.mode
            && let FormEvent::Changed(key) = f.form.paste(text)
        {
            forms::changed(&mut f.form, key, &self.catalogue, &mut self.series_typed);
        }
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
        let lang = self.lang;
        let f = match &mut self.mode {
            Mode::Audit(a) => return a.render(frame, area, theme),
            Mode::Detail(d) => {
                d.render(frame, area, theme, lang, &self.catalogue);
                return None;
            }
            Mode::List => return self.list.render(frame, area, theme, lang, false),
            Mode::Search => return self.list.render(frame, area, theme, lang, true),
            Mode::Form(f) => f,
        };
        // What the form is over; the form has the cursor.
        match &f.under {
            Some(d) => d.render(frame, area, theme, lang, &self.catalogue),
            None => {
                self.list.render(frame, area, theme, lang, false);
            }
        }
        match &f.ask {
            // Under its question the void form is hidden: the question quotes what it holds.
            Some(Ask::Void(confirm)) => {
                confirm.render(frame, area, theme);
                return None;
            }
            Some(Ask::Unlock(_)) | None => {}
        }
        let help = match f.kind {
            // One field, and Enter goes on to a question.
            FormKind::Void(_) | FormKind::UnlockStaff => t::KEYS_CONTINUE,
            // A citizen's form has text fields only: nothing to choose with ←→.
            FormKind::Register | FormKind::EditCitizen(_) => t::KEYS_TEXT_FORM,
            FormKind::Record(_) | FormKind::Edit(_) => t::KEYS_CHOICE_FORM,
        }
        .get(lang);
        let w = area.width.min(80);
        let r = centered(area, w, f.form.height(w) + 2);
        let cursor = f.form.render(frame, r, theme, help);
        match &f.ask {
            Some(Ask::Unlock(confirm)) => {
                confirm.render(frame, area, theme);
                None
            }
            _ => cursor,
        }
    }
}
