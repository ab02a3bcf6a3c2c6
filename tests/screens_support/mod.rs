//! Helpers for the screen tests: a seeded desk, a shell on it, keys, and the screen as text.
//!
//! The screen text is built cell by cell the way a terminal shows it: a wide (Korean)
//! character takes two columns and the cell it covers is skipped, so columns in the text are
//! the columns a user sees.
#![allow(dead_code)]

use crate::common::{TestDesk, open_desk};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use vaxdesk::app::{Desk, staff_admin};
use vaxdesk::domain::{StaffName, StaffRole};
use vaxdesk::i18n::Lang;
use vaxdesk::tui::keymap::Keymap;
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;
use vaxdesk::tui::theme::Theme;

/// The two terminal sizes every screen is checked at.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// A desk on a temporary file with the bundled demo clinic applied.
pub fn demo() -> TestDesk {
    let td = TestDesk::new();
    seed(&td.desk);
    td
}

pub fn seed(desk: &Desk) {
    vaxdesk::app::seed::apply_text(
        desk,
        "demo-seed.toml",
        include_str!("../../assets/demo-seed.toml"),
    )
    .expect("the demo seed applies");
}

/// A second desk (a second connection, as a second process would have) on the same file and
/// the same clock.
pub fn second_desk(td: &TestDesk) -> Desk {
    open_desk(&td.path, &td.config, &td.clock, &td.faults)
}

/// The staff accounts every screen test signs in with: (name, role, passphrase).
pub const MANAGER: (&str, StaffRole, &str) =
    ("nurse.kim", StaffRole::Manager, "jongno clinic 2026");
pub const ISSUER: (&str, StaffRole, &str) = ("issuer.lee", StaffRole::Issuer, "certificates 4 all");

/// Creates the test staff accounts on this desk's database (once).
pub fn ensure_staff(desk: &Desk) {
    for (name, role, pass) in [MANAGER, ISSUER] {
        let name = StaffName::parse("name", name).unwrap();
        if vaxdesk::store::staff::by_name(desk.conn(), &name)
            .unwrap()
            .is_none()
        {
            staff_admin::add(desk, "admin:test", &name, role, pass).unwrap();
        }
    }
}

/// The real shell at its first screen (a staff screen's sign-in, the kiosk, the picker).
pub fn bare_shell(desk: &Desk, role: Option<Role>) -> Shell<'_> {
    Shell::new(
        desk,
        role,
        Keymap::new(&Default::default()).unwrap(),
        Theme::plain(),
    )
}

/// [`bare_shell`] in `lang`.
pub fn bare_shell_in(desk: &Desk, role: Option<Role>, lang: Lang) -> Shell<'_> {
    Shell::in_language(
        desk,
        role,
        Keymap::new(&Default::default()).unwrap(),
        Theme::plain(),
        lang,
    )
}

/// Types a staff name and passphrase into the sign-in and presses Enter.
pub fn staff_sign_in(shell: &mut Shell<'_>, name: &str, passphrase: &str) {
    type_text(shell, name);
    tab(shell);
    type_text(shell, passphrase);
    enter(shell);
}

/// The real shell with the default keymap and the colourless theme; a staff screen is signed
/// in through its sign-in as the test manager or issuer.
pub fn shell(desk: &Desk, role: Option<Role>) -> Shell<'_> {
    shell_in(desk, role, Lang::En)
}

/// [`shell`] in `lang`.
pub fn shell_in(desk: &Desk, role: Option<Role>, lang: Lang) -> Shell<'_> {
    let mut s = bare_shell_in(desk, role, lang);
    let account = match role {
        Some(Role::Manager) => MANAGER,
        Some(Role::Issuer) => ISSUER,
        _ => return s,
    };
    ensure_staff(desk);
    staff_sign_in(&mut s, account.0, account.2);
    assert_eq!(
        s.session().map(|s| s.name.as_str()),
        Some(account.0),
        "the test staff member signs in"
    );
    s
}

pub fn key(shell: &mut Shell<'_>, code: KeyCode) {
    shell.key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn ctrl(shell: &mut Shell<'_>, c: char) {
    shell.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Types `text` one key at a time (each character a `KeyCode::Char`, as a terminal sends
/// committed IME text).
pub fn type_text(shell: &mut Shell<'_>, text: &str) {
    for c in text.chars() {
        key(shell, KeyCode::Char(c));
    }
}

pub fn char_key(shell: &mut Shell<'_>, c: char) {
    key(shell, KeyCode::Char(c));
}

pub fn enter(shell: &mut Shell<'_>) {
    key(shell, KeyCode::Enter);
}

pub fn tab(shell: &mut Shell<'_>) {
    key(shell, KeyCode::Tab);
}

pub fn esc(shell: &mut Shell<'_>) {
    key(shell, KeyCode::Esc);
}

/// Signs in at the citizen kiosk.
pub fn sign_in(shell: &mut Shell<'_>, id: &str, birth: &str) {
    type_text(shell, id);
    tab(shell);
    type_text(shell, birth);
    enter(shell);
}

/// Draws the shell on a `w` x `h` test terminal and returns the buffer.
pub fn draw(shell: &mut Shell<'_>, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| shell.render(f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The buffer as the user sees it: one line per row, wide characters once, trailing blanks
/// cut.
pub fn text(buffer: &Buffer) -> String {
    lines(buffer).join("\n")
}

pub fn lines(buffer: &Buffer) -> Vec<String> {
    let w = buffer.area.width as usize;
    buffer
        .content
        .chunks(w)
        .map(|row| {
            let mut line = String::new();
            let mut skip = 0usize;
            for c in row {
                if skip == 0 {
                    line.push_str(c.symbol());
                }
                skip = skip.max(columns(c.symbol())).saturating_sub(1);
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// The screen at `w` x `h`, as text.
pub fn screen(shell: &mut Shell<'_>, w: u16, h: u16) -> String {
    text(&draw(shell, w, h))
}

/// The screen at 80x24, as text (what most assertions look at).
pub fn seen(shell: &mut Shell<'_>) -> String {
    screen(shell, 80, 24)
}

/// Display width of `s` in columns.
pub fn columns(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The column where `needle` starts in `line`, counted in display columns.
pub fn column_of(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|at| columns(&line[..at]))
}

/// The first line of `screen` that contains `needle`.
pub fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?} on the screen:\n{screen}"))
}

/// Asserts that the screen shows `needle`.
#[track_caller]
pub fn assert_shows(screen: &str, needle: &str) {
    assert!(
        screen.contains(needle),
        "expected the screen to show {needle:?}:\n{screen}"
    );
}

#[track_caller]
pub fn assert_hides(screen: &str, needle: &str) {
    assert!(
        !screen.contains(needle),
        "expected the screen not to show {needle:?}:\n{screen}"
    );
}

/// The character a user sees at display column `col` of `line`: a wide character covers two
/// columns, so a column it covers shows it.
pub fn char_at(line: &str, col: usize) -> Option<char> {
    let mut at = 0;
    for c in line.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if col < at + w.max(1) {
            return Some(c);
        }
        at += w;
    }
    None
}

/// Asserts that the box titled `title` is drawn whole: its top-left corner before the title,
/// its left border on every row, and its bottom-left corner. (A wide character under a box's
/// left edge would cover the border.)
#[track_caller]
pub fn assert_frame(buffer: &Buffer, title: &str) {
    let all = lines(buffer);
    let screen = all.join("\n");
    // A title sits in the top border: ` title ─…`.
    let in_border = format!(" {title} ─");
    let (top, line) = all
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains(&in_border))
        .unwrap_or_else(|| panic!("no box titled {title:?}:\n{screen}"));
    let at = column_of(line, &in_border).unwrap() + 1;
    assert!(
        at >= 2 && char_at(line, at - 2) == Some('┌'),
        "the box {title:?} has no top-left corner: {line:?}\n{screen}"
    );
    let left = at - 2;
    for (row, line) in all.iter().enumerate().skip(top + 1) {
        match char_at(line, left) {
            Some('│') => continue,
            Some('└') => return,
            other => panic!(
                "the box {title:?} has {other:?} instead of its left border on row {row}: \
                 {line:?}\n{screen}"
            ),
        }
    }
    panic!("the box {title:?} has no bottom:\n{screen}");
}

/// The screen's text with box borders taken out, as one line: a wrapped question or note reads
/// as the sentence it is.
pub fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.replace('│', " ").trim().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}
