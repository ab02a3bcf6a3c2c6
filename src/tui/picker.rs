//! The role picker shown when `--role` is not given.

use super::keymap::Action;
use super::screen::Role;
use super::theme::{SELECTED, Theme};
use super::widgets::popup::centered;
use crate::i18n::tui as t;
use crate::i18n::{Lang, Text};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

const ROLES: [(Role, Text); 3] = [
    (Role::Manager, t::PICKER_MANAGER),
    (Role::Issuer, t::PICKER_ISSUER),
    (Role::Citizen, t::PICKER_CITIZEN),
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

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme, lang: Lang) {
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
            let name = role.name(lang);
            let pad = 20usize.saturating_sub(super::widgets::width(name));
            let head = format!("{mark}{} {name}{}", i + 1, " ".repeat(pad));
            let rest = inner.saturating_sub(super::widgets::width(&head));
            lines.push(Line::from(vec![
                Span::styled(head, style),
                Span::styled(
                    super::widgets::fit(&format!(" {}", what.get(lang)), rest),
                    theme.muted(),
                ),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            format!("  {}", t::PICKER_KEYS.get(lang)),
            theme.muted(),
        )));
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(
                Span::styled(format!(" {} ", t::PICKER_TITLE.get(lang)), theme.title()),
            )),
            r,
        );
    }
}
