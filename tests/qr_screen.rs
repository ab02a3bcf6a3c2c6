//! What the certificate view draws scans: the half-block code taken cell by cell from a
//! `TestBackend` render of the kiosk's view, and for each picture protocol (kitty, iTerm2,
//! sixel) the picture in the bytes that would be sent, each read back with rqrr and compared
//! with the stored `HC1:` string. The picture sits in the panel's cells with ratatui kept off
//! them, and leaving the view redraws every one of those cells.

mod common;
mod screens_support;
mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Paragraph;
use screens_support::*;
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::theme::Theme;
use vaxdesk::tui::widgets::graphics::{self, Graphics, Protocol};
use vaxdesk::tui::widgets::qrview::QrView;

const KIM: &str = "900101-1234567";
const KIM_BIRTH: &str = "1990-01-01";

/// Reads the one QR code in a grey picture.
fn read_qr(w: usize, h: usize, luma: &[u8]) -> String {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one code in the picture");
    grids[0].decode().expect("the code decodes").1
}

/// The stored certificate text of Kim's certificate shown at the kiosk (dose 2, issued).
fn kims_hc1(td: &common::TestDesk) -> String {
    let kim = vaxdesk::domain::ResidentId::parse("id", KIM).unwrap();
    let status = vaxdesk::app::queries::status(&td.desk, &kim).unwrap();
    let dose2 = status
        .injections
        .iter()
        .find(|i| i.dose == 2)
        .unwrap()
        .injection_id;
    let issued: Vec<String> = status
        .applications
        .into_iter()
        .filter(|a| a.status == "ISSUED" && a.injection_id == dose2)
        .filter_map(|a| a.certificate_id)
        .collect();
    assert_eq!(issued.len(), 1, "Kim's dose 2 has one certificate");
    vaxdesk::store::issuance::certificate(td.desk.conn(), &issued[0])
        .unwrap()
        .unwrap()
        .payload
        .unwrap()
}

/// The half-block cells of a drawn code as a picture: each cell is one module wide and two
/// high; `▀` `▄` `█` draw the light halves in the foreground colour, a blank shows the
/// background (dark), and swapped colours swap the halves.
fn half_blocks_to_luma(buffer: &Buffer) -> (usize, usize, Vec<u8>) {
    let area = buffer.area;
    let is_block = |s: &str| matches!(s, "▀" | "▄" | "█");
    // The code's cells: the columns and rows between the first and last block character.
    let (mut x0, mut x1, mut y0, mut y1) = (u16::MAX, 0, u16::MAX, 0);
    for y in 0..area.height {
        for x in 0..area.width {
            if is_block(buffer[(x, y)].symbol()) {
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
    }
    assert!(x0 <= x1, "no half-block code on screen");
    let (cols, rows) = (usize::from(x1 - x0 + 1), usize::from(y1 - y0 + 1));
    let scale = 4;
    let (w, h) = (cols * scale, rows * 2 * scale);
    let mut luma = vec![0u8; w * h];
    for ry in 0..rows {
        for cx in 0..cols {
            let cell = &buffer[(x0 + cx as u16, y0 + ry as u16)];
            let (mut top, mut bottom) = match cell.symbol() {
                "█" => (true, true),
                "▀" => (true, false),
                "▄" => (false, true),
                _ => (false, false),
            };
            // Drawn in the foreground colour: light only when the foreground is the light one.
            if cell.fg == Color::Black && cell.bg == Color::White {
                (top, bottom) = (!top, !bottom);
            }
            for (half, light) in [(0, top), (1, bottom)] {
                for py in 0..scale {
                    for px in 0..scale {
                        let y = (ry * 2 + half) * scale + py;
                        luma[y * w + cx * scale + px] = if light { 255 } else { 0 };
                    }
                }
            }
        }
    }
    (w, h, luma)
}

#[test]
fn the_half_block_code_on_the_kiosk_scans_to_the_certificate() {
    let td = demo();
    let mut k = bare_shell(&td.desk, Some(Role::Citizen));
    sign_in(&mut k, KIM, KIM_BIRTH);
    char_key(&mut k, 'j');
    char_key(&mut k, 'v');
    // No picture protocol in a test: half-blocks where they fit.
    let buffer = draw(&mut k, 130, 70);
    let (w, h, luma) = half_blocks_to_luma(&buffer);
    assert_eq!(read_qr(w, h, &luma), kims_hc1(&td));
    // Where they do not fit it says the size needed and offers print and text.
    let s = flat(&screen(&mut k, 80, 24));
    assert_shows(&s, "The QR code needs 97 columns");
    assert_shows(&s, "p print");
    assert_shows(
        &s,
        "press t to show the certificate as text, or p to print it",
    );
}

/// The view drawn alone at `w` x `h` with `protocol` (cells of 10x20 pixels); the buffer.
fn drawn(hc1: &str, protocol: Protocol, (w, h): (u16, u16)) -> Buffer {
    let view = QrView::new(
        vec![" 김 민준   born 1990-01-01".into(), " dose 2/2".into()],
        hc1.to_string(),
    )
    .with_graphics(Graphics {
        protocol: Some(protocol),
        cell: Some((10, 20)),
    });
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    // The frame's own buffer: the backend's keeps only the cells the diff sent.
    terminal
        .draw(|f| view.render(f, f.area(), &Theme::plain()))
        .unwrap()
        .buffer
        .clone()
}

/// The one cell holding an escape sequence, its position and symbol.
fn escape_cell(buffer: &Buffer) -> ((u16, u16), String) {
    let mut found = vec![];
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let s = buffer[(x, y)].symbol();
            if s.contains('\x1b') {
                found.push(((x, y), s.to_string()));
            }
        }
    }
    assert_eq!(found.len(), 1, "one cell sends the picture");
    found.pop().unwrap()
}

fn png_to_luma(png_bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    // The picture is 1-bit black and white; expanded to one byte per pixel to read it.
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let (w, h) = (frame.width as usize, frame.height as usize);
    (w, h, buf[..w * h].to_vec())
}

fn b64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

/// The cells the picture covers (those with a placeholder, or skipped by the diff), as a
/// rectangle.
fn picture_cells(buffer: &Buffer) -> Rect {
    let (mut x0, mut x1, mut y0, mut y1) = (u16::MAX, 0, u16::MAX, 0);
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let c = &buffer[(x, y)];
            if c.symbol().contains(graphics::PLACEHOLDER)
                || c.diff_option == CellDiffOption::Skip
                || c.symbol().contains('\x1b')
            {
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
    }
    assert!(x0 <= x1, "no picture");
    Rect::new(x0, y0, x1 - x0 + 1, y1 - y0 + 1)
}

/// Leaving the view: drawing the page again rewrites every cell the picture covered.
fn assert_leaving_clears(buffer: &Buffer) {
    let picture = picture_cells(buffer);
    let mut page = Buffer::empty(buffer.area);
    ratatui::widgets::Widget::render(Paragraph::new("the citizen's page"), buffer.area, &mut page);
    let rewritten: std::collections::HashSet<(u16, u16)> = buffer
        .diff(&page)
        .into_iter()
        .map(|(x, y, _)| (x, y))
        .collect();
    for y in picture.top()..picture.bottom() {
        for x in picture.left()..picture.right() {
            assert!(
                rewritten.contains(&(x, y)),
                "cell {x},{y} under the picture is not redrawn"
            );
        }
    }
}

#[test]
fn the_kitty_picture_scans_and_lives_in_its_placeholder_cells() {
    let td = demo();
    let hc1 = kims_hc1(&td);
    for size in SIZES {
        let buffer = drawn(&hc1, Protocol::Kitty, size);
        let ((x, y), escape) = escape_cell(&buffer);
        // The commands: a=t with the PNG in chunks of at most 4096 base64 bytes, then a
        // virtual placement of the cells the placeholders fill.
        let mut data = String::new();
        let mut placement = None;
        let commands: Vec<&str> = escape.split("\x1b_G").skip(1).collect();
        for (i, cmd) in commands.iter().enumerate() {
            let body = cmd.split("\x1b\\").next().unwrap();
            let (keys, payload) = body.split_once(';').unwrap_or((body, ""));
            assert!(payload.len() <= 4096, "a chunk of {} bytes", payload.len());
            if i == 0 {
                assert!(keys.contains("a=t") && keys.contains("f=100"), "{keys}");
            }
            if keys.contains("a=p") {
                placement = Some(keys.to_string());
            } else {
                data.push_str(payload);
            }
        }
        let picture = picture_cells(&buffer);
        assert_eq!((x, y), (picture.x, picture.y));
        let placement = placement.expect("a placement");
        assert!(placement.contains("U=1"), "{placement}");
        assert!(
            placement.contains(&format!("c={},r={}", picture.width, picture.height)),
            "{placement} for {picture:?}"
        );
        for py in picture.top()..picture.bottom() {
            for px in picture.left()..picture.right() {
                let cell = &buffer[(px, py)];
                assert!(cell.symbol().contains(graphics::PLACEHOLDER), "{px},{py}");
                assert_eq!(cell.fg, Color::Rgb(0x56, 0x51, 0x52));
            }
        }
        let (w, h, luma) = png_to_luma(&b64(&data));
        assert_eq!(w, h);
        // Scaled to the panel: a whole number of pixels per module, the quiet zone in.
        let modules = vaxdesk::cert::qr::encode(&hc1).unwrap().framed_width();
        assert_eq!(w % modules, 0);
        assert!(w / modules >= 2);
        assert_eq!(read_qr(w, h, &luma), hc1);
        // The lines about it and the keys stay readable.
        let s = text(&buffer);
        assert_shows(&s, "김 민준");
        assert_shows(&s, "p print");
        assert_leaving_clears(&buffer);
    }
}

/// The cells under a one-cell picture are skipped by ratatui's diff, and the picture is sent
/// again at each draw.
fn assert_one_cell_picture(buffer: &Buffer, again: &Buffer) {
    let picture = picture_cells(buffer);
    for y in picture.top()..picture.bottom() {
        for x in picture.left()..picture.right() {
            let cell = &buffer[(x, y)];
            if (x, y) == (picture.x, picture.y) {
                assert!(cell.symbol().starts_with('\x1b'));
                assert!(matches!(cell.diff_option, CellDiffOption::ForcedWidth(w) if w.get() == 1));
            } else {
                assert_eq!(cell.diff_option, CellDiffOption::Skip, "{x},{y}");
            }
        }
    }
    let resent = buffer.diff(again);
    assert!(
        resent
            .iter()
            .any(|(x, y, _)| (*x, *y) == (picture.x, picture.y)),
        "the picture is sent again on the next draw"
    );
}

#[test]
fn the_iterm2_picture_scans() {
    let td = demo();
    let hc1 = kims_hc1(&td);
    for size in SIZES {
        let buffer = drawn(&hc1, Protocol::Iterm2, size);
        let (_, escape) = escape_cell(&buffer);
        let body = escape
            .strip_prefix("\x1b]1337;File=")
            .and_then(|s| s.strip_suffix('\x07'))
            .expect("an OSC 1337 File sequence");
        let (args, data) = body.split_once(':').unwrap();
        assert!(args.contains("inline=1"), "{args}");
        let picture = picture_cells(&buffer);
        assert!(
            args.contains(&format!(
                "width={};height={}",
                picture.width, picture.height
            )),
            "{args}"
        );
        let png_bytes = b64(data);
        assert!(args.contains(&format!("size={}", png_bytes.len())));
        let (w, h, luma) = png_to_luma(&png_bytes);
        assert_eq!(read_qr(w, h, &luma), hc1);
        // A second view draws the next frame: its first cell differs.
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        let view = QrView::new(
            vec![" 김 민준   born 1990-01-01".into(), " dose 2/2".into()],
            hc1.clone(),
        )
        .with_graphics(Graphics {
            protocol: Some(Protocol::Iterm2),
            cell: Some((10, 20)),
        });
        let first = terminal
            .draw(|f| view.render(f, f.area(), &Theme::plain()))
            .unwrap()
            .buffer
            .clone();
        let second = terminal
            .draw(|f| view.render(f, f.area(), &Theme::plain()))
            .unwrap()
            .buffer
            .clone();
        assert_one_cell_picture(&first, &second);
        assert_leaving_clears(&buffer);
    }
}

/// Decodes a sixel picture (the subset the desk writes: raster attributes, colour
/// definitions and selection, `!` repeats, `$` and `-`): colour 0 is light, any other dark.
fn sixel_to_luma(escape: &str) -> (usize, usize, Vec<u8>) {
    let body = escape
        .strip_prefix("\x1bP")
        .and_then(|s| s.strip_suffix("\x1b\\"))
        .expect("a DCS sequence");
    let data = &body[body.find('q').expect("sixel") + 1..];
    let bytes = data.as_bytes();
    let number = |i: &mut usize| -> usize {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        data[start..*i].parse().unwrap_or(0)
    };
    let mut i = 0;
    assert_eq!(bytes[0], b'"', "raster attributes first");
    i += 1;
    let mut attrs = vec![];
    loop {
        attrs.push(number(&mut i));
        if bytes[i] == b';' {
            i += 1;
        } else {
            break;
        }
    }
    let (w, h) = (attrs[2], attrs[3]);
    let mut luma = vec![128u8; w * h];
    let (mut x, mut band, mut colour) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                i += 1;
                colour = number(&mut i);
                // A definition: `;2;r;g;b`.
                while i < bytes.len() && bytes[i] == b';' {
                    i += 1;
                    number(&mut i);
                }
            }
            b'$' => {
                x = 0;
                i += 1;
            }
            b'-' => {
                x = 0;
                band += 1;
                i += 1;
            }
            b'!' => {
                i += 1;
                let n = number(&mut i);
                let c = bytes[i];
                i += 1;
                for _ in 0..n {
                    paint(&mut luma, w, h, x, band, c, colour);
                    x += 1;
                }
            }
            c @ 63..=126 => {
                paint(&mut luma, w, h, x, band, c, colour);
                x += 1;
                i += 1;
            }
            other => panic!("unexpected byte {other} in the sixel data"),
        }
    }
    assert!(!luma.contains(&128), "every pixel painted");
    (w, h, luma)
}

fn paint(luma: &mut [u8], w: usize, h: usize, x: usize, band: usize, c: u8, colour: usize) {
    let bits = c - 63;
    for i in 0..6 {
        let y = band * 6 + i;
        if bits & (1 << i) != 0 && x < w && y < h {
            luma[y * w + x] = if colour == 0 { 255 } else { 0 };
        }
    }
}

#[test]
fn the_sixel_picture_scans() {
    let td = demo();
    let hc1 = kims_hc1(&td);
    for size in SIZES {
        let buffer = drawn(&hc1, Protocol::Sixel, size);
        let (_, escape) = escape_cell(&buffer);
        let (w, h, luma) = sixel_to_luma(&escape);
        assert_eq!(w, h);
        // The picture's pixels fit the cells kept for it (10x20 pixels each).
        let picture = picture_cells(&buffer);
        assert!(w <= usize::from(picture.width) * 10 && h <= usize::from(picture.height) * 20);
        assert_eq!(read_qr(w, h, &luma), hc1);
        assert_leaving_clears(&buffer);
    }
}

#[test]
fn without_a_cell_size_sixel_falls_back_and_nothing_is_sent() {
    let td = demo();
    let hc1 = kims_hc1(&td);
    let view = QrView::new(vec![], hc1).with_graphics(Graphics {
        protocol: Some(Protocol::Sixel),
        cell: None,
    });
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| view.render(f, f.area(), &Theme::plain()))
        .unwrap();
    let s = text(terminal.backend().buffer());
    assert!(!s.contains('\x1b'));
    assert_shows(&flat(&s), "The QR code needs");
}

/// A writer to the desk's terminal, shared by the test (keys) and the reader (answers).
type Keys = std::sync::Arc<std::sync::Mutex<Box<dyn std::io::Write + Send>>>;

/// The output of the desk in a pseudo-terminal, read on a thread of its own that also answers
/// the desk's terminal questions with `answer`, once, when the device-attributes question
/// comes (no answer at all: a terminal that stays silent).
fn terminal_of(
    master: &dyn portable_pty::MasterPty,
    answer: Option<&'static [u8]>,
) -> (std::sync::Arc<std::sync::Mutex<Vec<u8>>>, Keys) {
    use std::io::Read;
    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut reader = master.try_clone_reader().expect("a PTY reader");
    let keys: Keys = std::sync::Arc::new(std::sync::Mutex::new(
        master.take_writer().expect("a PTY writer"),
    ));
    let (shared, answers) = (out.clone(), keys.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut answered = false;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut o = shared.lock().expect("lock");
            o.extend_from_slice(&buf[..n]);
            if !answered && o.windows(3).any(|w| w == b"\x1b[c") {
                answered = true;
                if let Some(reply) = answer {
                    let _ = answers.lock().expect("lock").write_all(reply);
                }
            }
        }
    });
    (out, keys)
}

/// Waits until `done` holds, failing after a minute with `what` (a guard against a hang, not
/// a measure of speed).
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The desk in a pseudo-terminal that answers as kitty does (or not at all): it asks at start,
/// shows the certificate as a kitty picture when asked, and starts all the same when nothing
/// answers (half-blocks or the size needed, then).
#[test]
fn the_desk_asks_the_terminal_and_never_waits_for_a_silent_one() {
    use std::io::Write;
    let desk = support::Desk::new();
    let seed = desk.write("demo-seed.toml", include_str!("../assets/demo-seed.toml"));
    support::run(desk.command().arg("seed").arg(&seed)).ok();
    for (answer, picture) in [
        (
            Some(&b"\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[?62;22c"[..]),
            true,
        ),
        (None, false),
    ] {
        let (master, mut child) = desk.spawn_in_pty(&["--role", "citizen"], &[], 80);
        let (out, keys) = terminal_of(&*master, answer);
        let shows = |needle: &[u8]| {
            let o = out.lock().expect("lock");
            o.windows(needle.len()).any(|w| w == needle)
        };
        wait_until("the desk did not ask the terminal", || shows(b"\x1b[c"));
        assert!(shows(b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"));
        wait_until("the kiosk did not start", || shows("Welcome".as_bytes()));
        let press = |k: &[u8]| keys.lock().expect("lock").write_all(k).unwrap();
        for k in ["900101-1234567", "\t", "1990-01-01", "\r"] {
            press(k.as_bytes());
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        wait_until("no page after signing in", || shows("Comirnaty".as_bytes()));
        press(b"j");
        std::thread::sleep(std::time::Duration::from_millis(200));
        let before = out.lock().expect("lock").len();
        press(b"v");
        let since = |needle: &[u8]| {
            let o = out.lock().expect("lock");
            o[before..].windows(needle.len()).any(|w| w == needle)
        };
        if picture {
            wait_until("no kitty picture", || since(b"a=p,U=1"));
            assert!(since(b"\x1b_Ga=t,f=100"));
        } else {
            wait_until("no certificate view", || since(b"needs 97"));
            assert!(!since(b"\x1b_G"));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}
