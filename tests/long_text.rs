//! Long text on the desk's screens: nothing is cut without saying so. The certificate's text
//! form is the exact `HC1:` string (Base45 has a space; it is never wrapped at one) and `c`
//! copies it through the terminal; reason fields scroll and show their limit; rows are
//! highlighted across the whole width; columns are cut with `…`; a terminal below 80x24 gets
//! a notice instead of a broken layout.

mod common;
mod screens_support;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use screens_support::*;
use vaxdesk::domain::ResidentId;
use vaxdesk::tui::app::Role;
use vaxdesk::tui::widgets::clipboard;

const KIM: &str = "900101-1234567";
const KIM_BIRTH: &str = "1990-01-01";

/// 김 민준's dose 2 certificate as stored.
fn kim_dose_2(td: &common::TestDesk) -> String {
    let lookup = td.desk.ids().lookup(&ResidentId::parse("id", KIM).unwrap());
    td.desk
        .conn()
        .query_row(
            "SELECT payload FROM certificates c JOIN injections i ON i.id = c.injection_id
             JOIN citizens z ON z.id = i.citizen_id
             WHERE z.id_lookup = ?1 AND i.dose = 2",
            [lookup],
            |r| r.get(0),
        )
        .unwrap()
}

/// The text in the box that starts with `HC1:`: each row from the column where `HC1:` starts
/// to the box's right border, joined as they are (nothing trimmed but the end).
fn hc1_on_screen(buffer: &Buffer) -> String {
    let w = buffer.area.width;
    let h = buffer.area.height;
    let row_text = |y: u16, from: u16| -> String {
        (from..w)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .take_while(|s| s != "│")
            .collect()
    };
    let (x0, y0) = (0..h)
        .find_map(|y| {
            let cells: Vec<&str> = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
            cells
                .windows(4)
                .position(|c| c.concat() == "HC1:")
                .map(|x| (x as u16, y))
        })
        .expect("the HC1 text on screen");
    let mut joined = String::new();
    for y in y0..h {
        let row = row_text(y, x0);
        if row.trim().is_empty() {
            break;
        }
        joined.push_str(&row);
    }
    joined.trim_end().to_string()
}

#[test]
fn the_certificate_text_joins_back_to_the_exact_hc1_string() {
    let td = demo();
    let stored = kim_dose_2(&td);
    // Base45 has a space: this certificate's text holds some, and they must survive.
    let inner = stored.trim();
    assert!(
        inner.contains(' '),
        "the test needs an HC1 string with a space: {stored}"
    );
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    char_key(&mut c, 'j'); // dose 2/2, ISSUED
    char_key(&mut c, 'v');
    char_key(&mut c, 't');
    for (w, h) in [(80, 24), (120, 40), (97, 30)] {
        let buffer = draw(&mut c, w, h);
        assert_eq!(
            hc1_on_screen(&buffer),
            stored,
            "{w}x{h}: the text on screen is the stored string:\n{}",
            text(&buffer)
        );
        assert_shows(&text(&buffer), "c copy");
    }
}

#[test]
fn c_copies_the_exact_text_through_the_terminal() {
    let td = demo();
    let stored = kim_dose_2(&td);
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    char_key(&mut c, 'j');
    char_key(&mut c, 'v');
    let seen_by_terminal = clipboard::capture();
    char_key(&mut c, 'c');
    assert_eq!(seen_by_terminal.written(), clipboard::osc52(&stored));
    let s = seen(&mut c);
    assert_shows(&s, "Copied");
    assert_shows(&s, "terminal does not");
    // `c` in the certificate view copies; it does not cancel the application behind it.
    assert_hides(&s, "Cancel your application");

    // The help lists it.
    char_key(&mut c, '?');
    assert_shows(&seen(&mut c), "copy certificate text");
}

#[test]
fn the_issuer_copies_a_certificate_too() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    char_key(&mut i, 'v');
    let seen_by_terminal = clipboard::capture();
    char_key(&mut i, 'c');
    let written = seen_by_terminal.written();
    assert!(written.starts_with("\x1b]52;c;"), "{written:?}");
    assert!(written.ends_with("\x1b\\"), "{written:?}");
    assert_shows(&seen(&mut i), "Copied");
    key(&mut i, KeyCode::Esc);
}
