//! The issuer's desk: the queue of pending applications (oldest first) with a detail pane,
//! issue (confirm first) or reject with a reason, the certificates issued last, and the
//! dispatcher's health (queue length, subscriber lag, breaker state).

use crate::app::commands;
use crate::app::queries::{self, QueueItem, RecentCertificate};
use crate::bus::dispatcher::SubscriberStatus;
use crate::domain::Catalogue;
use crate::domain::citizen::mask;
use crate::tui::app::{Cx, Role, Screen};
use crate::tui::keymap::{Action, Context};
use crate::tui::theme::{SELECTED, Theme};
use crate::tui::widgets::form::{Form, FormEvent, FormField};
use crate::tui::widgets::popup::{self, centered};
use crate::tui::widgets::qrview::QrView;
use crate::tui::widgets::{cell, fit, local_time, width};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Requests loaded at once; the count above the table tells how many wait in all.
const QUEUE_WINDOW: i64 = 500;

pub struct IssuerScreen {
    queue: Vec<QueueItem>,
    pending: i64,
    selected: usize,
    /// First row shown (the table scrolls with the selection).
    offset: usize,
    recent: Vec<RecentCertificate>,
    health: Vec<SubscriberStatus>,
    confirm_issue: bool,
    reject: Option<Form>,
    /// Tab moves between the queue and the recently issued certificates.
    on_recent: bool,
    recent_selected: usize,
    revoke: Option<Form>,
    /// The revocation reason typed, waiting for "are you sure?".
    confirm_revoke: Option<String>,
    /// A certificate shown as a QR code.
    qr: Option<QrView>,
    catalogue: Catalogue,
    rows_shown: usize,
}

impl IssuerScreen {
    pub fn new(cx: &mut Cx<'_>) -> Self {
        let mut s = IssuerScreen {
            queue: vec![],
            pending: 0,
            selected: 0,
            offset: 0,
            recent: vec![],
            health: vec![],
            confirm_issue: false,
            reject: None,
            on_recent: false,
            recent_selected: 0,
            revoke: None,
            confirm_revoke: None,
            qr: None,
            catalogue: cx.desk.catalogue().clone(),
            rows_shown: 10,
        };
        s.load(cx);
        s
    }

    fn load(&mut self, cx: &mut Cx<'_>) {
        let desk = cx.desk;
        let keep = self.queue.get(self.selected).map(|q| q.application);
        let loaded = (|| -> Result<(), crate::app::AppError> {
            self.queue = queries::queue(desk, QUEUE_WINDOW)?;
            self.pending = crate::store::issuance::pending_count(desk.conn())?;
            self.recent = queries::recent_certificates(desk, 5)?;
            self.health = desk.dispatcher().status(desk.conn())?;
            Ok(())
        })();
        if let Err(e) = loaded {
            cx.error(&e);
        }
        // Stay on the same application when it is still there.
        if let Some(i) = keep.and_then(|a| self.queue.iter().position(|q| q.application == a)) {
            self.selected = i;
        }
        self.selected = self.selected.min(self.queue.len().saturating_sub(1));
        self.recent_selected = self
            .recent_selected
            .min(self.recent.len().saturating_sub(1));
        if self.recent.is_empty() {
            self.on_recent = false;
        }
    }

    fn show(&mut self, cx: &mut Cx<'_>) {
        let Some(r) = self.recent.get(self.recent_selected).cloned() else {
            return;
        };
        match crate::store::issuance::certificate(cx.desk.conn(), &r.uvci) {
            Ok(Some(c)) => match c.payload {
                Some(hc1) => {
                    let dose = crate::store::vaccination::injection(cx.desk.conn(), c.injection_id)
                        .ok()
                        .flatten()
                        .map(|i| {
                            format!(
                                " {} dose {}/{} given {}",
                                self.catalogue.name_of(&i.details.product),
                                i.details.dose,
                                i.details.series,
                                i.details.date
                            )
                        })
                        .unwrap_or_default();
                    let mut about = vec![
                        format!(" {}", r.name),
                        dose,
                        format!(
                            " issued {} · valid until {}",
                            local_time(&c.issued_at),
                            local_time(&c.expires_at)
                        ),
                        format!(" {}", c.uvci),
                    ];
                    if let Some(at) = &c.revoked_at {
                        about.push(format!(
                            " REVOKED {}: {}",
                            local_time(at),
                            c.revocation_reason.unwrap_or_default()
                        ));
                    }
                    // A certificate on screen can be photographed: it is recorded as shown.
                    let actor = cx.staff(Role::Issuer);
                    if let Err(e) = crate::app::access::record_export(
                        cx.desk,
                        &actor,
                        c.citizen_id,
                        &c.uvci,
                        "shown as a QR code",
                    ) {
                        return cx.error(&e);
                    }
                    self.qr = Some(QrView::new(about, hc1));
                }
                None => cx.fail("This certificate was issued before signing; it has no QR code."),
            },
            Ok(None) => cx.fail("This certificate is no longer on record."),
            Err(e) => cx.error(&e.into()),
        }
    }

    fn revoke(&mut self, cx: &mut Cx<'_>, reason: &str) {
        let Some(r) = self.recent.get(self.recent_selected).cloned() else {
            return;
        };
        let stamp = cx.desk.stamp(&cx.staff(Role::Issuer));
        match cx.desk.command(&stamp, "revoke certificate", None, |ctx| {
            commands::revoke(ctx, &stamp, &r.uvci, reason)
        }) {
            Ok(()) => {
                tracing::info!("revoked {}", r.uvci);
                self.revoke = None;
                cx.ok(format!("Revoked the certificate of {}", r.name));
            }
            Err(crate::app::AppError::Refused(e)) => match &mut self.revoke {
                Some(form) => form.set_error(e.field, &e.message),
                None => cx.fail(e.message),
            },
            Err(e) => cx.error(&e),
        }
        self.load(cx);
    }

    fn current(&self) -> Option<&QueueItem> {
        self.queue.get(self.selected)
    }

    fn issue(&mut self, cx: &mut Cx<'_>) {
        let Some(q) = self.current().cloned() else {
            return;
        };
        let stamp = cx.desk.stamp(&cx.staff(Role::Issuer));
        match cx.desk.command(&stamp, "issue certificate", None, |ctx| {
            commands::issue(ctx, &stamp, q.application)
        }) {
            Ok(uvci) => {
                tracing::info!("issued {uvci} for application {}", q.application);
                cx.ok(format!("Issued {uvci} to {}", q.name));
            }
            Err(e) => cx.error(&e),
        }
        self.load(cx);
    }

    fn reject(&mut self, cx: &mut Cx<'_>) {
        let (Some(q), Some(form)) = (self.current().cloned(), self.reject.as_mut()) else {
            return;
        };
        form.clear_errors();
        let reason = form.value("reason");
        let stamp = cx.desk.stamp(&cx.staff(Role::Issuer));
        match cx.desk.command(&stamp, "reject application", None, |ctx| {
            commands::reject(ctx, &stamp, q.application, &reason)
        }) {
            Ok(()) => {
                self.reject = None;
                cx.ok(format!("Rejected the application of {}", q.name));
            }
            Err(crate::app::AppError::Refused(r)) => form.set_error(r.field, &r.message),
            Err(e) => cx.error(&e),
        }
        self.load(cx);
    }

    fn move_to(&mut self, i: usize) {
        self.selected = i.min(self.queue.len().saturating_sub(1));
    }
}

impl Screen for IssuerScreen {
    fn contexts(&self) -> Vec<Context> {
        if self.qr.is_some() {
            vec![Context::Certificate]
        } else if self.confirm_revoke.is_some() {
            vec![Context::Confirm]
        } else if self.reject.is_some() || self.revoke.is_some() {
            vec![Context::Form]
        } else if self.confirm_issue {
            vec![Context::Confirm]
        } else {
            vec![Context::Issuer, Context::List]
        }
    }

    fn typing(&self) -> bool {
        self.confirm_revoke.is_none() && (self.reject.is_some() || self.revoke.is_some())
    }

    fn unsaved(&self) -> bool {
        self.reject.as_ref().is_some_and(Form::is_dirty)
            || self.revoke.as_ref().is_some_and(Form::is_dirty)
    }

    fn key(&mut self, cx: &mut Cx<'_>, ev: &KeyEvent, action: Option<Action>) {
        if let Some(view) = &mut self.qr {
            match action {
                Some(Action::Back) => self.qr = None,
                Some(Action::Toggle) => view.as_text = !view.as_text,
                Some(Action::Copy) => match view.copy() {
                    Ok(said) => cx.ok(said),
                    Err(why) => cx.fail(why),
                },
                _ => {}
            }
            return;
        }
        if let Some(reason) = self.confirm_revoke.clone() {
            match action {
                Some(Action::Yes) => {
                    self.confirm_revoke = None;
                    self.revoke(cx, &reason);
                }
                Some(Action::No) => self.confirm_revoke = None,
                _ => {}
            }
            return;
        }
        if let Some(form) = &mut self.revoke {
            match form.handle(ev) {
                FormEvent::Submit => {
                    form.clear_errors();
                    let reason = form.value("reason");
                    if reason.trim().is_empty() {
                        form.set_error("reason", "reason: say why the certificate is revoked");
                    } else {
                        self.confirm_revoke = Some(reason);
                    }
                }
                FormEvent::Cancel => self.revoke = None,
                _ => {}
            }
            return;
        }
        if self.on_recent {
            let last = self.recent.len().saturating_sub(1);
            match action {
                Some(Action::SwitchList) => self.on_recent = false,
                Some(Action::Up) => self.recent_selected = self.recent_selected.saturating_sub(1),
                Some(Action::Down) => self.recent_selected = (self.recent_selected + 1).min(last),
                Some(Action::Top) => self.recent_selected = 0,
                Some(Action::Bottom) => self.recent_selected = last,
                Some(Action::Revoke) => match self.recent.get(self.recent_selected) {
                    Some(r) if r.revoked => cx.fail("This certificate is already revoked."),
                    Some(r) => {
                        self.revoke = Some(Form::new(
                            format!("Revoke the certificate of {}", r.name),
                            vec![FormField::text("reason", "Reason", "", 200)],
                        ));
                    }
                    None => {}
                },
                Some(Action::Issue | Action::Reject) => {
                    cx.fail("Press Tab to go back to the queue first.");
                }
                Some(Action::Show) => self.show(cx),
                _ => {}
            }
            return;
        }
        if let Some(form) = &mut self.reject {
            match form.handle(ev) {
                FormEvent::Submit => self.reject(cx),
                FormEvent::Cancel => self.reject = None,
                _ => {}
            }
            return;
        }
        if self.confirm_issue {
            match action {
                Some(Action::Yes) => {
                    self.confirm_issue = false;
                    self.issue(cx);
                }
                Some(Action::No) => self.confirm_issue = false,
                _ => {}
            }
            return;
        }
        let page = self.rows_shown.max(1);
        match action {
            Some(Action::Up) => self.move_to(self.selected.saturating_sub(1)),
            Some(Action::Down) => self.move_to(self.selected + 1),
            Some(Action::PageUp) => self.move_to(self.selected.saturating_sub(page)),
            Some(Action::PageDown) => self.move_to(self.selected + page),
            Some(Action::Top) => self.move_to(0),
            Some(Action::Bottom) => self.move_to(usize::MAX),
            Some(Action::Issue) | Some(Action::Open) if self.current().is_some() => {
                self.confirm_issue = true;
            }
            Some(Action::Reject) if self.current().is_some() => {
                self.reject = Some(Form::new(
                    "Reject application",
                    vec![FormField::text("reason", "Reason", "", 200)],
                ));
            }
            Some(Action::Issue | Action::Reject | Action::Open) => {
                cx.fail("The queue is empty.");
            }
            Some(Action::SwitchList) if !self.recent.is_empty() => self.on_recent = true,
            Some(Action::Revoke | Action::Show) => {
                cx.fail("Press Tab to choose a certificate among the recently issued ones.");
            }
            _ => {}
        }
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) {
        self.load(cx);
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) -> Option<Position> {
        let recent_h = (self.recent.len().max(1) + 1) as u16;
        let [health, queue, detail, recent] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(4),
            Constraint::Length(6),
            Constraint::Length(recent_h),
        ])
        .areas(area);
        self.render_health(frame, health, theme);
        self.render_queue(frame, queue, theme);
        self.render_detail(frame, detail, theme);
        self.render_recent(frame, recent, theme);
        if let Some(view) = &self.qr {
            view.render(frame, area, theme);
            return None;
        }
        if let Some(form) = &self.revoke {
            let w = area.width.min(76);
            let r = centered(area, w, form.height(w) + 2);
            let cursor = form.render(frame, r, theme, "Enter continue · Esc back");
            if self.confirm_revoke.is_some()
                && let Some(c) = self.recent.get(self.recent_selected)
            {
                let question = format!(
                    "Revoke certificate {} of {}? Verifiers at this desk will refuse it.",
                    c.uvci, c.name
                );
                popup::confirm(frame, area, theme, "Revoke certificate", &question);
                return None;
            }
            return cursor;
        }
        if let Some(form) = &self.reject {
            let name = self.current().map(|q| q.name.clone()).unwrap_or_default();
            let w = area.width.min(76);
            let r = centered(area, w, form.height(w) + 2);
            let mut form = form.clone();
            form.title = format!("Reject the application of {name}");
            return form.render(frame, r, theme, "Enter reject · Esc back");
        }
        if self.confirm_issue
            && let Some(q) = self.current()
        {
            let question = format!(
                "Issue a certificate to {} for {} dose {}/{}?",
                q.name, q.product_name, q.dose, q.series
            );
            popup::confirm(frame, area, theme, "Issue certificate", &question);
        }
        None
    }
}

impl IssuerScreen {
    fn render_health(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let mut spans = vec![Span::styled(
            format!(" Queue {} pending ", self.pending),
            theme.header(),
        )];
        for s in &self.health {
            let healthy = s.state == crate::bus::BreakerState::Closed && s.lag == 0;
            let (text, style) = if healthy {
                (format!("· {} ok ", s.name), theme.muted())
            } else {
                (
                    format!("· {} {} lag {} ", s.name, s.state, s.lag),
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

    fn render_queue(&mut self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        // Fixed columns take 53; the name gets the rest.
        let name_w = (area.width as usize).saturating_sub(54).clamp(8, 30);
        let w = area.width as usize;
        let mut lines = vec![Line::from(Span::styled(
            fit(
                &format!(
                    "   {}  {}  {}  {}  {}",
                    cell("Applied", 16),
                    cell("Name", name_w),
                    cell("Vaccine", 12),
                    cell("Dose", 4),
                    "Given"
                ),
                w,
            ),
            theme.header(),
        ))];
        let shown = area.height.saturating_sub(1) as usize;
        self.rows_shown = shown;
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + shown {
            self.offset = self.selected + 1 - shown;
        }
        if self.queue.is_empty() {
            lines.push(Line::from(Span::styled(
                "   The queue is empty: no applications are waiting.",
                theme.muted(),
            )));
        }
        for (i, q) in self.queue.iter().enumerate().skip(self.offset).take(shown) {
            let sel = i == self.selected && !self.on_recent;
            let text = format!(
                "{}{}  {}  {}  {}  {}",
                if sel { SELECTED } else { "  " },
                cell(&local_time(&q.applied_at), 16),
                cell(&q.name, name_w),
                cell(&q.product_name, 12),
                cell(&format!("{}/{}", q.dose, q.series), 4),
                q.date
            );
            let style = if sel { theme.selected() } else { Style::new() };
            // Padded to the full width, so the highlight spans the whole row.
            lines.push(Line::from(Span::styled(
                cell(&format!(" {text}"), w),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn render_detail(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Span::styled(" Application ", theme.title()));
        let Some(q) = self.current() else {
            frame.render_widget(block, area);
            return;
        };
        let w = area.width as usize;
        let product = self.catalogue.get(&q.product);
        let lines = vec![
            Line::raw(fit(
                &format!(" {}   {}   born {}", q.name, mask(&q.citizen), q.birth_date),
                w,
            )),
            Line::raw(fit(
                &format!(
                    " {} ({}), {}   dose {}/{}",
                    q.product_name,
                    q.product,
                    product.map(|p| p.manufacturer_name.as_str()).unwrap_or(""),
                    q.dose,
                    q.series
                ),
                w,
            )),
            Line::raw(fit(
                &format!(
                    " given {} · lot {} · {} {}",
                    q.date,
                    q.lot.as_deref().unwrap_or("—"),
                    q.centre.as_deref().unwrap_or(""),
                    q.country
                ),
                w,
            )),
            Line::raw(fit(&format!(" applied {}", local_time(&q.applied_at)), w)),
        ];
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }

    fn render_recent(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Span::styled(" Recently issued ", theme.title()));
        let w = area.width as usize;
        let mut lines = vec![];
        if self.recent.is_empty() {
            lines.push(Line::from(Span::styled(" none yet", theme.muted())));
        }
        for (i, r) in self.recent.iter().enumerate() {
            let sel = self.on_recent && i == self.recent_selected;
            // Month, day and time are enough for the last few certificates.
            let when: String = local_time(&r.issued_at).chars().skip(5).collect();
            let text = cell(
                &format!(
                    "{}{}  {}  {}{}",
                    if sel { SELECTED } else { "  " },
                    when,
                    cell(&r.name, 14),
                    if r.revoked { "REVOKED " } else { "        " },
                    r.uvci,
                ),
                w,
            );
            let style = if sel {
                theme.selected()
            } else if r.revoked {
                theme.status("REVOKED")
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
