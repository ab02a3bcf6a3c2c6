//! A form: labelled fields, one focused, each with its own error shown right under it.
//!
//! A failed save keeps everything typed; the error names the field it belongs to. Field keys
//! are the domain's field names (`birth_date`, `lot`), so a refusal lands beside its field.

use super::field::TextField;
use super::{fit, width};
use crate::i18n::Lang;
use crate::i18n::tui::widgets as w;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(TextField),
    /// One of a fixed list: `(value, label)`. Typing narrows it to the options with a word
    /// starting with each typed word (shown under the field); Backspace widens it again;
    /// Left/Right move among the options that match.
    Choice {
        options: Vec<(String, String)>,
        selected: usize,
        typed: String,
        /// Per option, the text typing is matched against (the label when empty).
        keywords: Vec<String>,
    },
}

/// The words of `text` a picker compares, folded (case, marks, NFC) like a name search.
fn words(text: &str) -> Vec<String> {
    crate::domain::text::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The options whose keywords (or label) have, for each typed word, a word starting with it.
pub fn choice_matches(
    options: &[(String, String)],
    keywords: &[String],
    typed: &str,
) -> Vec<usize> {
    let want = words(typed);
    (0..options.len())
        .filter(|&i| {
            let hay = words(keywords.get(i).unwrap_or(&options[i].1));
            want.iter()
                .all(|w| hay.iter().any(|h| h.starts_with(w.as_str())))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub key: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub error: Option<String>,
    /// Shown muted in an empty text field (e.g. the suggested machine-readable name).
    pub placeholder: Option<String>,
    /// A muted line under the field (e.g. "control characters removed").
    pub note: Option<String>,
    /// True once the person changed this field with a key (not a suggestion set by the form).
    pub edited: bool,
}

impl FormField {
    pub fn text(key: &'static str, label: &'static str, value: &str, max: usize) -> Self {
        FormField {
            key,
            label,
            input: Input::Text(TextField::new(value, max)),
            error: None,
            placeholder: None,
            note: None,
            edited: false,
        }
    }

    pub fn choice(
        key: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
        selected: usize,
    ) -> Self {
        FormField {
            key,
            label,
            input: Input::Choice {
                options,
                selected,
                typed: String::new(),
                keywords: vec![],
            },
            error: None,
            placeholder: None,
            note: None,
            edited: false,
        }
    }

    /// The same choice matching typing against `keywords` (one per option) as well.
    pub fn keywords(mut self, words: Vec<String>) -> Self {
        if let Input::Choice { keywords, .. } = &mut self.input {
            *keywords = words;
        }
        self
    }

    /// What was typed into a choice to narrow it (empty for a text field).
    pub fn typed(&self) -> &str {
        match &self.input {
            Input::Choice { typed, .. } => typed,
            Input::Text(_) => "",
        }
    }

    /// The line under a choice that shows what was typed and how many options match.
    fn typed_line(&self, lang: Lang) -> Option<String> {
        let Input::Choice {
            options,
            typed,
            keywords,
            ..
        } = &self.input
        else {
            return None;
        };
        if typed.is_empty() {
            return None;
        }
        let n = choice_matches(options, keywords, typed).len();
        Some(w::typed_line(lang, typed, n))
    }

    /// The muted lines under the field: what a choice was narrowed by, then the note.
    fn note_lines(&self, lang: Lang) -> Vec<String> {
        self.typed_line(lang)
            .into_iter()
            .chain(self.note.clone())
            .map(|l| format!("    {l}"))
            .collect()
    }

    /// The same field showing what is typed as `shown` says.
    pub fn shown(mut self, shown: super::field::Shown) -> Self {
        if let Input::Text(t) = &mut self.input {
            t.shown = shown;
        }
        self
    }

    pub fn value(&self) -> String {
        match &self.input {
            Input::Text(t) => t.value().to_string(),
            Input::Choice {
                options, selected, ..
            } => options
                .get(*selected)
                .map(|o| o.0.clone())
                .unwrap_or_default(),
        }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    Submit,
    Cancel,
    /// A value changed (the screen may update suggestions or defaults).
    Changed(&'static str),
    Moved,
    Ignored,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// An error that belongs to no single field.
    pub message: Option<String>,
    initial: Vec<String>,
    /// The language of the form's own words (what a choice was narrowed by).
    pub lang: Lang,
}

/// Width of the label column.
const LABEL: u16 = 18;

/// A field's error under it, indented by two and wrapped to the form's width: never cut.
fn error_lines(error: &str, inner: usize) -> Vec<String> {
    super::wrap(&format!("✗ {error}"), inner.saturating_sub(4))
        .into_iter()
        .map(|l| format!("    {l}"))
        .collect()
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<FormField>) -> Self {
        let initial = fields.iter().map(FormField::value).collect();
        Form {
            title: title.into(),
            fields,
            focus: 0,
            message: None,
            initial,
            lang: Lang::En,
        }
    }

    /// The same form with its own words in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub fn value(&self, key: &str) -> String {
        self.field(key).map(FormField::value).unwrap_or_default()
    }

    pub fn field(&self, key: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut FormField> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    /// The value `key` had when the form opened.
    pub fn initial(&self, key: &str) -> String {
        self.fields
            .iter()
            .position(|f| f.key == key)
            .and_then(|i| self.initial.get(i).cloned())
            .unwrap_or_default()
    }

    /// Sets a text field's value as the form's own suggestion (not typed by the person).
    pub fn suggest(&mut self, key: &str, value: &str) {
        if let Some(f) = self.field_mut(key)
            && let Input::Text(t) = &mut f.input
            && t.value() != value
        {
            t.set(value);
        }
    }

    /// Pasted text goes into the focused text field as it is (the checks on save refuse or
    /// clean what it holds); a choice takes it as typing.
    pub fn paste(&mut self, text: &str) -> FormEvent {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormEvent::Ignored;
        };
        match &mut field.input {
            Input::Text(t) => {
                let before = t.value().to_string();
                t.insert_str(text);
                if t.value() == before {
                    return FormEvent::Ignored;
                }
                field.error = None;
                field.edited = true;
                FormEvent::Changed(field.key)
            }
            Input::Choice { .. } => {
                let mut last = FormEvent::Ignored;
                for c in text.chars().filter(|c| !c.is_control()) {
                    if let FormEvent::Changed(k) = self.handle(&KeyEvent::from(KeyCode::Char(c))) {
                        last = FormEvent::Changed(k);
                    }
                }
                last
            }
        }
    }

    /// True when something was typed that a close would lose.
    pub fn is_dirty(&self) -> bool {
        self.fields
            .iter()
            .zip(&self.initial)
            .any(|(f, v)| f.value() != *v)
    }

    pub fn clear_errors(&mut self) {
        self.message = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Puts an error beside `key`'s field and focuses it, or on the form when no field has it.
    pub fn set_error(&mut self, key: &str, message: &str) {
        match self.fields.iter().position(|f| f.key == key) {
            Some(i) => {
                self.fields[i].error = Some(message.to_string());
                self.focus = i;
            }
            None => self.message = Some(message.to_string()),
        }
    }

    pub fn focused_is_text(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.input),
            Some(Input::Text(_))
        )
    }

    pub fn handle(&mut self, ev: &KeyEvent) -> FormEvent {
        let n = self.fields.len();
        match ev.code {
            KeyCode::Enter => return FormEvent::Submit,
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::Tab | KeyCode::Down => {
                self.leave_choice();
                self.focus = (self.focus + 1) % n;
                return FormEvent::Moved;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.leave_choice();
                self.focus = (self.focus + n - 1) % n;
                return FormEvent::Moved;
            }
            _ => {}
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormEvent::Ignored;
        };
        let key = field.key;
        let changed = match &mut field.input {
            Input::Text(t) => {
                let before = t.value().to_string();
                t.handle(ev) && t.value() != before
            }
            Input::Choice {
                options,
                selected,
                typed,
                keywords,
            } => {
                let before = *selected;
                let typed_before = typed.clone();
                // Left/Right walk the options that match what was typed (all when nothing is).
                let step = |typed: &str, selected: usize, forward: bool| {
                    let m = choice_matches(options, keywords, typed);
                    let Some(at) = m.iter().position(|&i| i == selected) else {
                        return m.first().copied().unwrap_or(selected);
                    };
                    let len = m.len();
                    m[if forward {
                        (at + 1) % len
                    } else {
                        (at + len - 1) % len
                    }]
                };
                match ev.code {
                    KeyCode::Left => *selected = step(typed, *selected, false),
                    KeyCode::Right => *selected = step(typed, *selected, true),
                    KeyCode::Char(' ') if typed.is_empty() => {
                        *selected = step(typed, *selected, true)
                    }
                    KeyCode::Backspace => {
                        typed.pop();
                    }
                    KeyCode::Char(c) => typed.push(c),
                    _ => return FormEvent::Ignored,
                }
                if *typed != typed_before && !typed.is_empty() {
                    // The first match, unless the one shown still matches.
                    let m = choice_matches(options, keywords, typed);
                    if !m.contains(selected)
                        && let Some(&first) = m.first()
                    {
                        *selected = first;
                    }
                }
                if *typed != typed_before {
                    // What was typed shows under the field even when nothing else changed.
                    field.edited = true;
                    if *selected == before {
                        return FormEvent::Moved;
                    }
                }
                *selected != before
            }
        };
        if changed {
            field.error = None;
            field.edited = true;
            FormEvent::Changed(key)
        } else {
            FormEvent::Ignored
        }
    }

    /// Leaving a choice forgets what was typed into it (the choice itself stays).
    fn leave_choice(&mut self) {
        if let Some(FormField {
            input: Input::Choice { typed, .. },
            ..
        }) = self.fields.get_mut(self.focus)
        {
            typed.clear();
        }
    }

    /// Lines the form needs inside its border when it is `width` columns wide.
    pub fn height(&self, width: u16) -> u16 {
        let inner = width.saturating_sub(2) as usize;
        let errors: usize = self
            .fields
            .iter()
            .map(|f| f.error.as_ref().map_or(0, |e| error_lines(e, inner).len()))
            .sum();
        let notes: usize = self
            .fields
            .iter()
            .map(|f| f.note_lines(self.lang).len())
            .sum();
        let message = self
            .message
            .as_ref()
            .map_or(0, |m| super::wrap(&format!("✗ {m}"), inner).len());
        (self.fields.len() + errors + notes + 2 + message) as u16
    }

    /// Draws the form in a bordered box over `area`; returns where the cursor belongs.
    pub fn render(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        help: &str,
    ) -> Option<Position> {
        super::clear_for_popup(frame, area);
        let block = Block::default().borders(Borders::ALL).title(Span::styled(
            // A title naming a long name is cut with `…`, never silently at the corner.
            fit(
                &format!(" {} ", self.title),
                area.width.saturating_sub(2) as usize,
            ),
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let input_width = inner.width.saturating_sub(LABEL + 1) as usize;
        let mut lines: Vec<Line<'_>> = vec![];
        let mut cursor = None;
        for (i, f) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
            let marker = if focused { "▶ " } else { "  " };
            let label = format!("{marker}{}", f.label);
            let pad = (LABEL as usize).saturating_sub(width(&label));
            let mut spans = vec![Span::styled(
                format!("{label}{}", " ".repeat(pad)),
                if focused {
                    theme.title()
                } else {
                    theme.header()
                },
            )];
            match &f.input {
                Input::Text(t) => {
                    // A field that takes more than its box shows how much is typed (`37/200`)
                    // while it has the focus, and whenever its text does not fit.
                    // (Not a passphrase: its cap is not a limit anyone types to.)
                    let long = t.max_chars() > input_width
                        && t.shown != super::field::Shown::Secret
                        && (focused || width(&t.display()) >= input_width);
                    let counter = long.then(|| t.counter());
                    let counter_w = counter.as_ref().map_or(0, |c| width(c) + 1);
                    let text_w = input_width.saturating_sub(counter_w);
                    let (shown, col) = t.view(text_w);
                    if t.value().is_empty() {
                        if let Some(p) = &f.placeholder {
                            spans.push(Span::styled(fit(p, text_w), theme.muted()));
                        }
                    } else {
                        spans.push(Span::raw(shown.clone()));
                    }
                    if let Some(c) = counter {
                        let used = if t.value().is_empty() {
                            f.placeholder.as_ref().map_or(0, |p| width(&fit(p, text_w)))
                        } else {
                            width(&shown)
                        };
                        let pad = input_width.saturating_sub(used + width(&c));
                        spans.push(Span::raw(" ".repeat(pad)));
                        spans.push(Span::styled(c, theme.muted()));
                    }
                    if focused {
                        cursor = Some(Position::new(
                            inner.x + LABEL + col,
                            inner.y + lines.len() as u16,
                        ));
                    }
                }
                Input::Choice {
                    options, selected, ..
                } => {
                    let label = options.get(*selected).map(|o| o.1.as_str()).unwrap_or("");
                    spans.push(Span::styled(
                        fit(&format!("◀ {label} ▶"), input_width),
                        if focused {
                            theme.accent()
                        } else {
                            theme.header()
                        },
                    ));
                }
            }
            lines.push(Line::from(spans));
            for (n, l) in f.note_lines(self.lang).into_iter().enumerate() {
                if focused && n == 0 && !f.typed().is_empty() {
                    // The cursor after what was typed, so an IME shows its preedit there.
                    let typed = w::TYPED.get(self.lang);
                    let col = width(&format!("    {typed} {}", f.typed())) as u16;
                    cursor = Some(Position::new(
                        inner.x + col.min(inner.width.saturating_sub(1)),
                        inner.y + lines.len() as u16,
                    ));
                }
                lines.push(Line::from(Span::styled(
                    fit(&l, inner.width as usize),
                    theme.muted(),
                )));
            }
            if let Some(e) = &f.error {
                for l in error_lines(e, inner.width as usize) {
                    lines.push(Line::from(Span::styled(l, theme.error())));
                }
            }
        }
        if let Some(m) = &self.message {
            for l in super::wrap(&format!("✗ {m}"), inner.width as usize) {
                lines.push(Line::from(Span::styled(l, theme.error())));
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            fit(help, inner.width as usize),
            theme.muted(),
        )));
        frame.render_widget(Paragraph::new(lines), inner);
        cursor
    }
}
