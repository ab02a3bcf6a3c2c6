//! The manager's audit screen pages by what the terminal shows: a page is as many rows as fit,
//! PageDown and PageUp walk every row without a gap or a repeat, `G` reaches the oldest row and
//! `g` the newest, at 80x24 and at 200x50 alike.

mod common;
mod screens_support;

use ratatui::crossterm::event::KeyCode;
use screens_support::*;
use vaxdesk::store::audit::{self, AuditEntry, DeskIdentity};
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;

/// Rows added on top of the demo clinic's own, more than any test terminal shows at once.
const ADDED: i64 = 130;

/// Appends `ADDED` rows whose result names their seq (`s0042`), so a screen shows which rows
/// it holds.
fn add_rows(desk: &vaxdesk::app::Desk) -> Vec<i64> {
    let conn = desk.conn();
    let last: i64 = conn
        .query_row("SELECT COALESCE(MAX(seq), 0) FROM audit_log", [], |r| {
            r.get(0)
        })
        .unwrap();
    vaxdesk::store::immediate(conn, |c| {
        for seq in last + 1..=last + ADDED {
            let result = format!("s{seq:04}");
            let entry = AuditEntry {
                at: "2026-11-25T09:00:00.000Z",
                actor: "nurse.kim",
                action: "view citizen",
                citizen: None,
                result: &result,
                detail: None,
            };
            audit::append(c, &DeskIdentity::on_host("desk-1".into()), &entry)?;
        }
        Ok::<_, rusqlite::Error>(())
    })
    .unwrap();
    (last + 1..=last + ADDED).rev().collect()
}

/// The seqs of the added rows on screen, top to bottom.
fn shown(screen: &str) -> Vec<i64> {
    screen
        .lines()
        .filter_map(|l| l.rsplit(' ').next())
        .filter_map(|w| w.strip_prefix('s').and_then(|n| n.parse().ok()))
        .collect()
}

/// The seq of the selected row, from the line under the table (`row 42 · desk …`).
fn selected_seq(screen: &str) -> i64 {
    let line = line_with(screen, " · desk ");
    line.trim_start()
        .strip_prefix("row ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no row number in {line:?}"))
}

/// A manager signed in, the added rows the newest, the audit log open at `w` x `h`.
fn open_audit<'d>(desk: &'d vaxdesk::app::Desk, w: u16, h: u16) -> (Shell<'d>, Vec<i64>) {
    let mut m = shell(desk, Some(Role::Manager));
    let added = add_rows(desk);
    char_key(&mut m, 'L');
    // The first draw learns the height; the next tick loads a page of it.
    screen(&mut m, w, h);
    m.tick();
    (m, added)
}

#[test]
fn the_audit_screen_pages_by_the_rows_that_fit() {
    for (w, h) in [(80, 24), (200, 50)] {
        let td = demo();
        // The desk's header and footer, the log's title, column names and the row's desk line.
        let page = usize::from(h) - 5;
        let (mut m, added) = open_audit(&td.desk, w, h);
        let first = screen(&mut m, w, h);
        let on_first = shown(&first);
        assert_eq!(
            on_first.len(),
            page,
            "{w}x{h}: the first page fills the screen:\n{first}"
        );
        assert_eq!(on_first[0], added[0], "{w}x{h}: newest first");

        // PageDown walks every added row once, in order, a screen at a time.
        let mut seen = on_first.clone();
        while seen.len() < added.len() {
            key(&mut m, KeyCode::PageDown);
            let s = screen(&mut m, w, h);
            let rows = shown(&s);
            assert!(!rows.is_empty(), "{w}x{h}: PageDown stopped early:\n{s}");
            if seen.len() + page <= added.len() {
                assert_eq!(rows.len(), page, "{w}x{h}: a full page:\n{s}");
            }
            seen.extend(rows);
        }
        assert_eq!(seen, added, "{w}x{h}: no row skipped or repeated");

        // PageUp comes back to the first page.
        for _ in 0..added.len() / page + 2 {
            key(&mut m, KeyCode::PageUp);
        }
        assert_eq!(
            screen(&mut m, w, h),
            first,
            "{w}x{h}: PageUp back at the top"
        );

        // G: the oldest row of the log (row 1), selected on a full last page.
        char_key(&mut m, 'G');
        let s = screen(&mut m, w, h);
        assert_eq!(
            selected_seq(&s),
            1,
            "{w}x{h}: G reaches the oldest row:\n{s}"
        );
        assert_shows(&s, "▶ ");
        // ↓ stays there; ↑ moves to row 2.
        key(&mut m, KeyCode::Down);
        assert_eq!(selected_seq(&screen(&mut m, w, h)), 1);
        key(&mut m, KeyCode::Up);
        assert_eq!(selected_seq(&screen(&mut m, w, h)), 2);
        // PageUp from the bottom continues upward without a gap.
        char_key(&mut m, 'G');
        let bottom = screen(&mut m, w, h);
        key(&mut m, KeyCode::PageUp);
        let above = screen(&mut m, w, h);
        let lowest_above = *shown(&above)
            .last()
            .expect("added rows above the last page");
        let highest_bottom = shown(&bottom).first().copied().unwrap_or(0);
        if highest_bottom > 0 {
            assert_eq!(lowest_above, highest_bottom + 1, "{w}x{h}:\n{above}");
        }

        // g: the newest row again.
        char_key(&mut m, 'g');
        let s = screen(&mut m, w, h);
        assert_eq!(
            selected_seq(&s),
            added[0],
            "{w}x{h}: g reaches the newest row"
        );
    }
}

#[test]
fn arrow_keys_scroll_past_the_end_of_a_page() {
    let td = demo();
    let (mut m, added) = open_audit(&td.desk, 80, 24);
    // ↓ through more rows than a page holds: every row is selected in turn.
    for want in added.iter().take(40) {
        assert_eq!(selected_seq(&screen(&mut m, 80, 24)), *want);
        key(&mut m, KeyCode::Down);
    }
    // ↑ back to the newest.
    for _ in 0..40 {
        key(&mut m, KeyCode::Up);
    }
    let s = screen(&mut m, 80, 24);
    assert_eq!(selected_seq(&s), added[0]);
    assert_eq!(shown(&s)[0], added[0]);
}

#[test]
fn a_resized_terminal_gets_a_page_of_its_height() {
    let td = demo();
    let (mut m, _) = open_audit(&td.desk, 80, 24);
    assert_eq!(shown(&screen(&mut m, 80, 24)).len(), 19);
    // Taller: the next key loads a page as tall as the screen before it acts.
    screen(&mut m, 200, 50);
    key(&mut m, KeyCode::Down);
    assert_eq!(shown(&screen(&mut m, 200, 50)).len(), 45);
}
