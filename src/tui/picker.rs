//! The role picker shown when `--role` is not given.

use super::keymap::Action;
use super::screen::Role;
use super::theme::{SELECTED, Theme};
use super::widgets::popup::centered;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

const ROLES: [(Role, &str); 3] = [
    (
        Role::Manager,
        "registers citizens, records and corrects injections",
    ),
    (
        Role::Issuer,
        "works the queue of applications, issues certificates",
    ),
    (
        Role::Citizen,
        "applies for a certificate, checks the status",
    ),
];

#[derive(Debug, Default)]
pub struct Picker {
    selected: usize,
}

impl Picker {
    /// Returns the role chosen, if this key chose one.
    pub fn key(&mut self, ev: &KeyEvent, action: Option<Action>) -> Option<Role> {
        match (action, ev.code) {
            (Some(Action::Up), _) => self.selected = self.selected.saturating_sub(1),
            (Some(Action::Down), _) => self.selected = (self.selected + 1).min(ROLES.len() - 1),
            (Some(Action::Top), _) => self.selected = 0,
            (Some(Action::Bottom), _) => self.selected = ROLES.len() - 1,
            (_, KeyCode::Enter) => return Some(ROLES[self.selected].0),
            (_, KeyCode::Char(c @ '1'..='3')) => {
                return Some(ROLES[c as usize - '1' as usize].0);
            }
            _ => {}
        }
        None
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        let r = centered(area, 80, 9);
        let inner = r.width.saturating_sub(2) as usize;
        let mut lines = vec![Line::raw("")];
        for (i, (role, what)) in ROLES.iter().enumerate() {
            let sel = i == self.selected;
            let mark = if sel { SELECTED } else { "  " };
            let style = if sel {
                theme.selected()
            } else {
                theme.header()
            };
            let head = format!("{mark}{} {:<20}", i + 1, role.title());
            let rest = inner.saturating_sub(super::widgets::width(&head));
            lines.push(Line::from(vec![
                Span::styled(head, style),
                Span::styled(
                    super::widgets::fit(&format!(" {what}"), rest),
                    theme.muted(),
                ),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            "  ↑/↓ choose · Enter open · 1-3 open directly",
            theme.muted(),
        )));
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(Span::styled(" Who is at the desk? ", theme.title())),
            ),
            r,
        );
    }
}
