//! The injection manager's desk: the citizen list, a citizen's detail, and the forms that
//! register citizens and record, correct or void injections.

mod audit_view;
mod detail;
mod forms;
mod list;

use crate::app::store::vaccination::{CitizenRow, InjectionRow};
use crate::app::{AppError, access, staff_admin};
use crate::domain::Catalogue;
use crate::domain::InjectionStatus;
use crate::domain::{ResidentId, StaffName};
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
    /// A staff account locked after failed sign-ins, to open again.
    UnlockStaff,
}

/// What an unlock question is about: the account or kiosk id typed when it was asked.
enum Unlock {
    Staff(StaffName),
    Kiosk(ResidentId),
}

pub struct ManagerScreen {
    list: CitizenList,
    /// The audit log, over the list while open.
    audit: Option<AuditView>,
    detail: Option<Detail>,
    form: Option<(FormKind, Form)>,
    /// "Void this dose?", about the injection (and version) the void form was opened on,
    /// with the reason typed.
    confirm_void: Option<Confirm<(InjectionRow, String)>>,
    /// "Unlock …?", about the account or id typed in the unlock form.
    confirm_unlock: Option<Confirm<Unlock>>,
    catalogue: Catalogue,
    series_typed: bool,
}

impl ManagerScreen {
    pub fn new(cx: &mut Cx<'_>) -> Self {
        let mut s = ManagerScreen {
            list: CitizenList::new(),
            audit: None,
            detail: None,
            form: None,
            confirm_void: None,
            confirm_unlock: None,
            catalogue: cx.desk.catalogue().clone(),
            series_typed: false,
        };
        if let Err(e) = s.list.restart(cx.desk) {
            cx.error(&e.into());
        }
        if let Err(e) = s.list.reload(cx.desk) {
            cx.error(&e.into());
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

    fn open_detail(&mut self, cx: &mut Cx<'_>, citizen: i64) {
        // Opening a record is recorded, in the same transaction as its read.
        let actor = Self::actor(cx);
        match access::view_citizen(cx.desk, &actor, citizen, |c| Detail::load(c, citizen)) {
            Ok(Some(d)) => {
                tracing::info!("manager opened citizen {citizen}");
                self.detail = Some(d);
            }
            Ok(None) => cx.fail("This citizen is no longer registered."),
            Err(e) => cx.error(&e),
        }
    }

    fn reload(&mut self, cx: &mut Cx<'_>) {
        let result = match &mut self.detail {
            Some(d) => d.reload(cx.desk),
            None => self.list.reload(cx.desk),
        };
        if let Err(e) = result {
            cx.error(&e.into());
        }
    }

    /// A refusal goes beside its field; other errors become a toast. The form stays open.
    fn show_error(form: &mut Form, cx: &mut Cx<'_>, e: AppError) {
        match e {
            AppError::Refused(r) => form.set_error(r.field, &r.message),
            other => cx.error(&other),
        }
    }

    fn submit(&mut self, cx: &mut Cx<'_>) {
        let Some((kind, form)) = &mut self.form else {
            return;
        };
        form.clear_errors();
        let actor = Self::actor(cx);
        match kind {
            FormKind::Register => match forms::submit_register(cx.desk, form, &actor) {
                Ok((citizen, name)) => {
                    cx.ok(format!("Registered {name}"));
                    self.form = None;
                    self.open_detail(cx, citizen);
                }
                Err(e) => Self::show_error(form, cx, e),
            },
            FormKind::EditCitizen(citizen) => {
                match forms::submit_edit_citizen(cx.desk, form, citizen, &actor) {
                    Ok(()) => {
                        cx.ok("Saved the citizen's details");
                        self.form = None;
                    }
                    Err(e) => Self::show_error(form, cx, e),
                }
            }
            FormKind::Record(citizen) => {
                match forms::submit_record(cx.desk, form, citizen, &actor) {
                    Ok(dose) => {
                        cx.ok(format!("Recorded dose {dose}"));
                        self.form = None;
                    }
                    Err(e) => Self::show_error(form, cx, e),
                }
            }
            FormKind::Edit(row) => match forms::submit_edit(cx.desk, form, row, &actor) {
                Ok(dose) => {
                    cx.ok(format!("Saved dose {dose}"));
                    self.form = None;
                }
                Err(e) => Self::show_error(form, cx, e),
            },
            FormKind::UnlockStaff => {
                let text = form.value("name");
                // A staff account by that name, or else a citizen's id at the kiosk.
                let account = StaffName::parse("name", &text).ok().filter(|n| {
                    crate::app::store::staff::by_name(cx.desk.conn(), n)
                        .ok()
                        .flatten()
                        .is_some()
                });
                let (target, q) = match account {
                    Some(name) => (
                        Unlock::Staff(name.clone()),
                        format!("Unlock {name}? They can sign in again at once."),
                    ),
                    None => match ResidentId::parse("name", &text) {
                        Ok(id) => (
                            Unlock::Kiosk(id.clone()),
                            format!(
                                "Let the kiosk take {} again? Its failed sign-ins are forgotten.",
                                id.masked()
                            ),
                        ),
                        Err(_) => {
                            return form.set_error(
                                "name",
                                "name: no staff account has this name, and it is not an id",
                            );
                        }
                    },
                };
                self.confirm_unlock = Some(Confirm::new("Unlock", q, target));
            }
            FormKind::Void(row) => {
                let reason = form.value("reason");
                if reason.trim().is_empty() {
                    form.set_error("reason", "reason: say why this injection is voided");
                } else {
                    let who = self
                        .detail
                        .as_ref()
                        .map(|d| d.citizen.details.display_name())
                        .unwrap_or_default();
                    let q = format!(
                        "Void dose {} ({}) of {who}? A pending application for it will be rejected. Reason: {}",
                        row.details.dose,
                        self.catalogue.name_of(&row.details.product),
                        reason.trim()
                    );
                    let target = ((**row).clone(), reason);
                    self.confirm_void = Some(Confirm::new("Void injection", q, target));
                }
            }
        }
        self.reload(cx);
    }

    /// Unlocks what the question names; the form and question close either way, with what
    /// was found said in a notice.
    fn unlock(&mut self, cx: &mut Cx<'_>) {
        let Some(confirm) = self.confirm_unlock.take() else {
            return;
        };
        let actor = Self::actor(cx);
        let result = match &confirm.target {
            Unlock::Kiosk(id) => staff_admin::unlock_kiosk(cx.desk, &actor, id)
                .map(|_| format!("The kiosk takes {} again.", id.masked())),
            Unlock::Staff(name) => {
                staff_admin::unlock(cx.desk, &actor, name).map(|was| match was {
                    true => format!("Unlocked {name}: they can sign in again."),
                    false => format!("{name} was not locked."),
                })
            }
        };
        match result {
            Ok(done) => {
                cx.ok(done);
                self.form = None;
            }
            Err(AppError::Refused(r)) => {
                let mut confirm = confirm;
                confirm.refuse(&r.message);
                self.confirm_unlock = Some(confirm);
            }
            Err(e) => cx.error(&e),
        }
        self.reload(cx);
    }

    /// Voids the injection the question is about, at the version it was shown; refused, the
    /// question stays and says why.
    fn void(&mut self, cx: &mut Cx<'_>) {
        let Some(confirm) = &mut self.confirm_void else {
            return;
        };
        let (row, reason) = &confirm.target;
        match forms::submit_void(cx.desk, reason, row, &Self::actor(cx)) {
            Ok(()) => {
                cx.ok(format!("Voided dose {}", row.details.dose));
                self.form = None;
                self.confirm_void = None;
            }
            Err(AppError::Refused(r)) => confirm.refuse(&r.message),
            Err(e) => {
                self.confirm_void = None;
                cx.error(&e);
            }
        }
        self.reload(cx);
    }

    fn form_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent) {
        let Some((_, form)) = &mut self.form else {
            return;
        };
        match form.handle(ev) {
            FormEvent::Submit => self.submit(cx),
            FormEvent::Cancel => self.form = None,
            FormEvent::Changed(key) => {
                forms::changed(form, key, &self.catalogue, &mut self.series_typed)
            }
            _ => {}
        }
    }

    fn list_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        let desk = cx.desk;
        let list = &mut self.list;
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
                (_, KeyCode::Down) => list.down(desk),
                (_, KeyCode::Up) => list.up(desk),
                _ => {
                    if list.search.handle(ev) {
                        list.restart(desk)
                    } else {
                        Ok(())
                    }
                }
            }
        } else {
            match action {
                Some(Action::Up) => list.up(desk),
                Some(Action::Down) => list.down(desk),
                Some(Action::PageUp) => list.page_up(desk),
                Some(Action::PageDown) => list.page_down(desk),
                Some(Action::Top) => list.top(desk),
                Some(Action::Bottom) => list.bottom(desk),
                Some(Action::Search) => {
                    list.searching = true;
                    Ok(())
                }
                Some(Action::Clear) if !list.search.value().is_empty() => {
                    list.search.clear();
                    list.restart(desk)
                }
                Some(Action::Register) => {
                    self.series_typed = false;
                    self.form = Some((FormKind::Register, forms::register()));
                    Ok(())
                }
                Some(Action::Open) => {
                    if let Some(id) = list.current().map(|r| r.id) {
                        self.open_detail(cx, id);
                    }
                    Ok(())
                }
                Some(Action::AuditLog) => AuditView::new(desk).map(|v| self.audit = Some(v)),
                Some(Action::UnlockStaff) => {
                    self.form = Some((FormKind::UnlockStaff, forms::unlock_staff()));
                    Ok(())
                }
                _ => Ok(()),
            }
        };
        if let Err(e) = result {
            cx.error(&e.into());
        }
    }

    fn audit_key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        let Some(view) = &mut self.audit else { return };
        let desk = cx.desk;
        let result = if view.form.is_some() {
            view.form_key(desk, ev)
        } else {
            match action {
                Some(Action::Back) => {
                    self.audit = None;
                    Ok(())
                }
                Some(Action::Filter) => {
                    view.open_filter();
                    Ok(())
                }
                Some(Action::Up) => view.up(desk),
                Some(Action::Down) => view.down(desk),
                Some(Action::PageDown) => view.page_down(desk),
                Some(Action::PageUp) => view.page_up(desk),
                Some(Action::Top) => view.top(desk),
                Some(Action::Bottom) => view.bottom(desk),
                _ => Ok(()),
            }
        };
        if let Err(e) = result {
            cx.error(&e.into());
        }
    }

    fn detail_key(&mut self, cx: &mut Cx<'_>, action: Option<Action>) {
        let Some(d) = &mut self.detail else { return };
        let last = d.injections.len().saturating_sub(1);
        match action {
            Some(Action::Back) => {
                self.detail = None;
                self.reload(cx);
            }
            Some(Action::Up) => d.selected = d.selected.saturating_sub(1),
            Some(Action::Down) => d.selected = (d.selected + 1).min(last),
            Some(Action::PageUp) => d.selected = d.selected.saturating_sub(5),
            Some(Action::PageDown) => d.selected = (d.selected + 5).min(last),
            Some(Action::Top) => d.selected = 0,
            Some(Action::Bottom) => d.selected = last,
            Some(Action::EditCitizen) => {
                let form = forms::edit_citizen(&d.citizen);
                self.form = Some((FormKind::EditCitizen(Box::new(d.citizen.clone())), form));
            }
            Some(Action::RevealId) if d.revealed.is_none() => {
                match access::reveal_id(cx.desk, &Self::actor(cx), d.citizen.id) {
                    Ok(id) => {
                        d.revealed = Some(id);
                        cx.ok("Whole id shown; this is recorded in the audit log.");
                    }
                    Err(e) => cx.error(&e),
                }
            }
            Some(Action::Record) => {
                self.series_typed = false;
                let form =
                    forms::injection(cx.desk, &d.citizen, None, d.next_dose(), &Self::today(cx));
                self.form = Some((FormKind::Record(Box::new(d.citizen.clone())), form));
            }
            Some(Action::Edit | Action::Void) => {
                let Some(row) = d.current().cloned() else {
                    return cx.fail("There is no injection to change. Press a to record one.");
                };
                if row.details.status == InjectionStatus::Voided {
                    return cx.fail(format!(
                        "Dose {} is voided and cannot be changed.",
                        row.details.dose
                    ));
                }
                self.series_typed = true;
                let form = if action == Some(Action::Edit) {
                    (
                        FormKind::Edit(Box::new(row.clone())),
                        forms::injection(cx.desk, &d.citizen, Some(&row), 0, ""),
                    )
                } else {
                    (
                        FormKind::Void(Box::new(row.clone())),
                        forms::void(row.details.dose),
                    )
                };
                self.form = Some(form);
            }
            _ => {}
        }
    }
}

impl Screen for ManagerScreen {
    fn contexts(&self) -> Vec<Context> {
        if self.confirm_void.is_some() || self.confirm_unlock.is_some() {
            vec![Context::Confirm]
        } else if self.form.is_some() {
            vec![Context::Form]
        } else if let Some(a) = &self.audit {
            if a.form.is_some() {
                vec![Context::Form]
            } else {
                vec![Context::Audit, Context::List]
            }
        } else if self.list.searching {
            vec![Context::Search]
        } else if self.detail.is_some() {
            vec![Context::ManagerDetail, Context::List]
        } else {
            vec![Context::ManagerList, Context::List]
        }
    }

    fn typing(&self) -> bool {
        let audit_form = self.audit.as_ref().is_some_and(|a| a.form.is_some());
        self.confirm_void.is_none()
            && self.confirm_unlock.is_none()
            && (self.form.is_some() || self.list.searching || audit_form)
    }

    fn unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(|(_, f)| f.is_dirty())
    }

    fn key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        if let Some(confirm) = &self.confirm_void {
            match confirm.answer(action) {
                Answer::Yes => self.void(cx),
                // "No" goes back to the reason; a refusal closes the form too, since the dose
                // it was opened on has changed (asking again would only be refused again).
                Answer::Close => {
                    if confirm.is_refused() {
                        self.form = None;
                    }
                    self.confirm_void = None;
                }
                Answer::Wait => {}
            }
        } else if let Some(confirm) = &self.confirm_unlock {
            match confirm.answer(action) {
                Answer::Yes => self.unlock(cx),
                Answer::Close => self.confirm_unlock = None,
                Answer::Wait => {}
            }
        } else if self.form.is_some() {
            self.form_key(cx, ev);
        } else if self.audit.is_some() {
            self.audit_key(cx, ev, action);
        } else if self.detail.is_some() {
            self.detail_key(cx, action);
        } else {
            self.list_key(cx, ev, action);
        }
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) {
        self.reload(cx);
        if let Some(a) = &mut self.audit
            && let Err(e) = a.reload(cx.desk)
        {
            cx.error(&e.into());
        }
    }

    fn tick(&mut self, cx: &mut Cx<'_>) -> bool {
        // The audit log drawn at a new size loads a page of that size.
        match &mut self.audit {
            Some(a) if a.stale() => {
                if let Err(e) = a.reload(cx.desk) {
                    cx.error(&e.into());
                }
                true
            }
            _ => false,
        }
    }

    fn paste(&mut self, text: &str) {
        if let Some((_, form)) = &mut self.form
            && let FormEvent::Changed(key) = form.paste(text)
        {
            forms::changed(form, key, &self.catalogue, &mut self.series_typed);
        }
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
        if let Some(a) = &mut self.audit {
            return a.render(frame, area, theme);
        }
        let mut cursor = match &self.detail {
            Some(d) => {
                d.render(frame, area, theme, &self.catalogue);
                None
            }
            None => self.list.render(frame, area, theme),
        };
        // Under its question the void form is hidden: the question quotes what it holds.
        if let Some((kind, form)) = self.form.as_ref().filter(|_| self.confirm_void.is_none()) {
            let help = match kind {
                // One field, and Enter goes on to a question.
                FormKind::Void(_) | FormKind::UnlockStaff => "Enter continue · Esc back",
                // A citizen's form has text fields only: nothing to choose with ←→.
                FormKind::Register | FormKind::EditCitizen(_) => {
                    "Tab/↑↓ move · Enter save · Esc back"
                }
                FormKind::Record(_) | FormKind::Edit(_) => {
                    "Tab/↑↓ move · ←→ choose · Enter save · Esc back"
                }
            };
            let w = area.width.min(80);
            let r = centered(area, w, form.height(w) + 2);
            cursor = form.render(frame, r, theme, help);
        }
        if let Some(confirm) = &self.confirm_void {
            confirm.render(frame, area, theme);
            cursor = None;
        }
        if let Some(confirm) = &self.confirm_unlock {
            confirm.render(frame, area, theme);
            cursor = None;
        }
        cursor
    }
}
