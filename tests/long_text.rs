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
use vaxdesk::tui::screen::Role;
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

/// Where the terminal cursor is after a draw at `w` x `h`, with the screen.
fn draw_with_cursor(
    shell: &mut vaxdesk::tui::shell::Shell<'_>,
    w: u16,
    h: u16,
) -> (Buffer, ratatui::layout::Position) {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| shell.render(f)).unwrap();
    let cursor = terminal.get_cursor_position().unwrap();
    (terminal.backend().buffer().clone(), cursor)
}

#[test]
fn a_long_reason_scrolls_while_typing_and_shows_its_limit() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    // The reject reason (queue), then the revoke reason (issued certificates).
    for open in ["r", "\tx"] {
        for k in open.chars() {
            match k {
                '\t' => tab(&mut i),
                c => char_key(&mut i, c),
            }
        }
        let words = "the lot number on the record does not match the vial ";
        let typed: String = words.chars().cycle().take(150).collect();
        type_text(&mut i, &typed);
        let (buffer, cursor) = draw_with_cursor(&mut i, 80, 24);
        let s = text(&buffer);
        let line = line_with(&s, "Reason");
        assert!(line.contains("150/200"), "the limit shows: {line:?}\n{s}");
        // The end of what was typed is in view, `…` says the start is not.
        assert!(line.contains("…"), "{line:?}");
        let tail: String = typed.chars().skip(150 - 20).collect();
        assert!(
            line.contains(tail.trim_end()),
            "the text at the cursor shows: {line:?}"
        );
        // The cursor sits right after the last character typed, on the field's row.
        let row = lines(&buffer);
        assert!(row[usize::from(cursor.y)].contains("150/200"));
        let before: String = (0..cursor.x)
            .map(|x| buffer[(x, cursor.y)].symbol().to_string())
            .collect();
        assert!(
            before.ends_with(&tail),
            "the cursor is after {tail:?}, not after {before:?}"
        );
        // Home shows the start; the field then marks its end with `…`.
        key(&mut i, KeyCode::Home);
        let s = seen(&mut i);
        let line = line_with(&s, "Reason");
        assert!(line.contains("the lot number"), "{line:?}");
        assert!(line.contains("…") && line.contains("150/200"), "{line:?}");
        // Typing stops at the limit, and the counter says why.
        key(&mut i, KeyCode::End);
        type_text(&mut i, &"x".repeat(60));
        assert!(line_with(&seen(&mut i), "Reason").contains("200/200"));
        esc(&mut i);
    }
}

/// True when the cell at the right edge of the selected row (the one marked `▶`) is
/// highlighted, i.e. the highlight spans the whole row.
fn highlight_spans_the_row(buffer: &Buffer) -> bool {
    let all = lines(buffer);
    let y = all
        .iter()
        .position(|l| l.trim_start().starts_with("▶ "))
        .unwrap_or_else(|| panic!("no selected row:\n{}", all.join("\n")));
    let w = buffer.area.width;
    [2, w / 2, w - 1].iter().all(|&x| {
        buffer[(x, y as u16)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    })
}

#[test]
fn the_selection_highlight_spans_the_whole_row_in_every_list() {
    let td = demo();
    for (w, h) in SIZES {
        let mut m = shell(&td.desk, Some(Role::Manager));
        assert!(highlight_spans_the_row(&draw(&mut m, w, h)), "citizen list");
        // 김 민준's doses in the detail.
        char_key(&mut m, '/');
        type_text(&mut m, "김");
        enter(&mut m);
        enter(&mut m);
        assert!(
            highlight_spans_the_row(&draw(&mut m, w, h)),
            "a citizen's doses"
        );
        esc(&mut m);
        esc(&mut m);
        char_key(&mut m, 'L');
        draw(&mut m, w, h);
        assert!(highlight_spans_the_row(&draw(&mut m, w, h)), "audit log");
        let mut i = shell(&td.desk, Some(Role::Issuer));
        assert!(highlight_spans_the_row(&draw(&mut i, w, h)), "issuer queue");
        tab(&mut i);
        assert!(highlight_spans_the_row(&draw(&mut i, w, h)), "issued list");
        let mut c = shell(&td.desk, Some(Role::Citizen));
        sign_in(&mut c, KIM, KIM_BIRTH);
        assert!(highlight_spans_the_row(&draw(&mut c, w, h)), "kiosk doses");
    }
}

#[test]
fn a_name_too_long_for_its_column_is_cut_with_an_ellipsis() {
    let td = demo();
    common::register(
        &td.desk,
        "800101-1000001",
        "황보",
        "김민준서연하늘바다별빛구름",
    );
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, '/');
    type_text(&mut m, "황보");
    let s = seen(&mut m);
    let row = line_with(&s, "800101");
    assert!(row.contains("…"), "the cut is marked: {row:?}\n{s}");
    // Display width: the id column starts where its header does, after double-width text.
    let header = line_with(&s, "Born");
    assert_eq!(column_of(row, "800101"), column_of(header, "Id"), "\n{s}");
}

#[test]
fn a_terminal_below_80x24_gets_a_notice_instead_of_a_broken_layout() {
    let td = demo();
    let mut m = shell(&td.desk, Some(Role::Manager));
    for (w, h) in [(79, 24), (80, 23), (40, 10), (20, 5)] {
        let s = screen(&mut m, w, h);
        let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            joined.contains(&format!("this terminal is {w}x{h}")),
            "{w}x{h}:\n{s}"
        );
        if w >= 40 {
            assert!(joined.contains("The desk needs at least 80x24"), "{s}");
        }
        assert_hides(&s, "Citizens (");
    }
    // Back to 80x24: the screen as it was.
    assert_shows(&seen(&mut m), "Citizens (");
}

#[test]
fn the_kiosk_wraps_a_long_note_under_its_indent() {
    let td = demo();
    let lookup = td.desk.ids().lookup(&ResidentId::parse("id", KIM).unwrap());
    // 김 민준's dose 1 waits in the queue; the issuer rejects it with a long reason.
    let app: i64 = td
        .desk
        .conn()
        .query_row(
            "SELECT a.id FROM applications a JOIN injections i ON i.id = a.injection_id
             JOIN citizens z ON z.id = i.citizen_id
             WHERE z.id_lookup = ?1 AND i.dose = 1 AND a.status = 'APPLIED'",
            [lookup],
            |r| r.get(0),
        )
        .unwrap();
    let reason = "the lot number recorded for this dose does not match the vial \
                  register of the clinic; please bring your vaccination card to the desk";
    common::try_reject(&td.desk, app, reason).unwrap();
    td.desk.dispatch().unwrap();
    let mut c = shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut c, KIM, KIM_BIRTH);
    let s = seen(&mut c);
    let all: Vec<&str> = s.lines().collect();
    let first = all
        .iter()
        .position(|l| l.contains("Last application REJECTED"))
        .unwrap_or_else(|| panic!("the note shows:\n{s}"));
    let mut wrapped = String::new();
    for l in &all[first..] {
        if l.contains("Press ") {
            break;
        }
        assert!(
            l.starts_with(' ') && !l.starts_with("  "),
            "a wrapped line keeps the one-space indent: {l:?}\n{s}"
        );
        wrapped.push_str(l);
    }
    assert!(
        first + 1 < all.len() && wrapped.len() > 80,
        "it wrapped:\n{s}"
    );
    // Nothing dropped: every word of the reason is there.
    let words: Vec<&str> = wrapped.split_whitespace().collect();
    for word in reason.split_whitespace() {
        assert!(words.contains(&word), "{word:?} is missing:\n{s}");
    }
}

#[test]
fn an_opened_application_shows_a_long_name_and_centre_whole_and_titles_say_they_are_cut() {
    let td = demo();
    let name = (
        "Wolfeschlegelsteinhausenbergerdorff-Müllerschön",
        "Hubert Blaine Alexander",
    );
    let centre = "Universitätsklinikum Schleswig-Holstein Campus Kiel Impfzentrum Nord";
    let c = common::register(&td.desk, "M99887766", name.0, name.1);
    let mut d = common::administered(1, 2, "2021-06-01");
    d.centre = Some(centre.into());
    let inj = common::record(&td.desk, &c, d);
    common::apply(&td.desk, &c, &inj);
    td.desk.dispatch().unwrap();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    while !line_with(&seen(&mut i), "▶").contains("Wolfe") {
        key(&mut i, KeyCode::Down);
    }
    enter(&mut i);
    let s = seen(&mut i);
    let text = flat(&s);
    // Opened, nothing of the record is cut: the name and the centre wrap.
    assert!(text.contains(&format!("{} {}", name.0, name.1)), "{s}");
    assert!(text.contains(centre), "{s}");
    // Wrapped lines keep their indent (one column inside the border).
    for l in s
        .lines()
        .filter(|l| l.contains("Schleswig") || l.contains("Kiel"))
    {
        assert!(l.starts_with("│ ") && !l.starts_with("│  "), "{l:?}\n{s}");
    }
    // The box's title names the application and says where it is cut.
    let title = s.lines().find(|l| l.contains("Application of")).unwrap();
    assert!(title.contains("…"), "{title:?}");
    // So does the reject form's title.
    char_key(&mut i, 'r');
    let s = seen(&mut i);
    let title = s
        .lines()
        .find(|l| l.contains("Reject the application"))
        .unwrap();
    assert!(title.contains("…"), "{title:?}\n{s}");
}

#[test]
fn a_long_name_on_the_managers_detail_is_cut_with_an_ellipsis_and_keeps_the_id_in_view() {
    let td = demo();
    common::register(
        &td.desk,
        "M99887766",
        "Wolfeschlegelsteinhausenbergerdorff-Müllerschön",
        "Hubert Blaine Alexander Maximilian",
    );
    let mut m = shell(&td.desk, Some(Role::Manager));
    char_key(&mut m, '/');
    type_text(&mut m, "wolfe");
    enter(&mut m);
    enter(&mut m);
    for (w, h) in SIZES {
        let s = screen(&mut m, w, h);
        let head = line_with(&s, "Wolfe");
        assert!(head.contains("M998*****"), "the id stays in view: {head:?}");
        assert!(head.contains("born 1980"), "{head:?}");
        if columns(head) >= w as usize - 1 {
            assert!(head.contains("…"), "the cut is marked: {head:?}");
        }
    }
    assert!(line_with(&seen(&mut m), "Wolfe").contains('…'));
}

#[test]
fn a_wide_terminal_gives_the_issuers_name_columns_room_for_a_long_name() {
    let td = demo();
    let name = "제갈 아름다운하늘빛나래";
    let c = common::register(&td.desk, "920304-2123456", "제갈", "아름다운하늘빛나래");
    let inj = common::record(&td.desk, &c, common::administered(1, 2, "2021-07-01"));
    let app = common::apply(&td.desk, &c, &inj);
    td.desk.dispatch().unwrap();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    for (w, h) in [(120, 40), (200, 50)] {
        let s = screen(&mut i, w, h);
        assert!(
            line_with(&s, "제갈").contains(name),
            "the queue at {w}x{h}:\n{s}"
        );
    }
    common::try_issue(&td.desk, app).unwrap();
    td.desk.dispatch().unwrap();
    tab(&mut i);
    for (w, h) in [(120, 40), (200, 50)] {
        let s = screen(&mut i, w, h);
        let row = line_with(&s, "▶");
        assert!(
            row.contains(name),
            "the issued list at {w}x{h}: {row:?}\n{s}"
        );
        assert!(
            row.contains("URN:UVCI:"),
            "the identifier whole too: {row:?}"
        );
    }
}
