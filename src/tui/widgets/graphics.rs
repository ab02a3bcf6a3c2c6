//! A QR code as a picture, where the terminal can show one: the kitty graphics protocol,
//! iTerm2's inline images, or sixel. Which one is learnt once, before the desk's key reader
//! starts, by asking the terminal (see `shell::terminal::query_graphics`): a kitty graphics
//! query, the cell size in pixels (`CSI 16 t`), then the primary device attributes (`CSI c`,
//! which every terminal answers, so the answers end there; attribute 4 is sixel). iTerm2 is
//! known by `TERM_PROGRAM=iTerm.app` or `LC_TERMINAL=iTerm2`.
//!
//! Written here rather than with ratatui-image (11.1, which supports ratatui 0.30): its
//! terminal query reads standard input on a thread that is left blocked when the terminal does
//! not answer in time, where it would take keys from the desk's own key reader; without that
//! query, what is left is encoders for a two-colour picture, which `png` and `base64` (already
//! used) write in a few lines, instead of the `image` crate, a colour quantiser and a dozen
//! more crates.
//!
//! The picture is drawn into ratatui's buffer, so nothing else writes to the terminal:
//! - kitty: the PNG is sent once (`a=t,f=100`, base64 in chunks of at most 4096 bytes) and
//!   shown through Unicode placeholders (`U+10EEEE` in every cell it covers, the image id in
//!   the cells' colour), so the picture is exactly in those cells and goes away as soon as
//!   anything else is drawn there: leaving the view, a popup over it, the kiosk's idle reset.
//! - iTerm2 and sixel: the image escape sits in the first cell (its width forced to one) and
//!   the other cells it covers are skipped by ratatui's diff, so ratatui never writes over the
//!   picture. The first cell changes at every draw, so the picture is sent again whenever the
//!   screen is drawn (a toast that covered part of it and went away leaves nothing behind);
//!   leaving the view redraws every skipped cell, which replaces the picture with text.
//!
//! Scaled to the panel: an integer number of pixels per module (at least 2), the quiet zone of
//! 4 modules included, centred.

use crate::cert::qr::{QUIET_ZONE, Qr};
use base64::Engine;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::Color;
use std::num::NonZeroU16;
use std::sync::OnceLock;

/// A way of showing a picture in a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Kitty,
    Iterm2,
    Sixel,
}

/// What the terminal can show: a picture protocol, if any, and its cell size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Graphics {
    pub protocol: Option<Protocol>,
    /// (width, height) of one cell in pixels, when the terminal said.
    pub cell: Option<(u16, u16)>,
}

static DETECTED: OnceLock<Graphics> = OnceLock::new();

/// What the terminal answered at start (nothing, in tests and off a terminal).
pub fn detected() -> Graphics {
    DETECTED.get().copied().unwrap_or_default()
}

/// Keeps what the terminal answered (once; later calls change nothing).
pub fn set_detected(graphics: Graphics) {
    let _ = DETECTED.set(graphics);
}

/// The questions asked of the terminal: kitty graphics support, cell size, device attributes.
pub const QUERY: &str = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[16t\x1b[c";

/// What the terminal answered to [`QUERY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Replies {
    pub kitty: bool,
    pub sixel: bool,
    pub cell: Option<(u16, u16)>,
    /// The device attributes came: nothing more will.
    pub done: bool,
}

/// Reads the answers in `bytes` (anything else, such as a key typed meanwhile, is ignored).
pub fn parse_replies(bytes: &[u8]) -> Replies {
    let mut r = Replies::default();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != 0x1b || i + 1 >= bytes.len() {
            i += 1;
            continue;
        }
        match bytes[i + 1] {
            // APC: `ESC _ G ... ESC \`.
            b'_' => {
                let body_start = i + 2;
                let end = find(bytes, body_start, b"\x1b\\").unwrap_or(bytes.len());
                let body = String::from_utf8_lossy(&bytes[body_start..end]);
                if let Some(rest) = body.strip_prefix('G') {
                    let (keys, message) = rest.split_once(';').unwrap_or((rest, ""));
                    if keys.split(',').any(|k| k == "i=31") && message == "OK" {
                        r.kitty = true;
                    }
                }
                i = end + 2;
            }
            // CSI: parameters, then a final byte.
            b'[' => {
                let mut j = i + 2;
                while j < bytes.len() && !(0x40..=0x7e).contains(&bytes[j]) {
                    j += 1;
                }
                if j >= bytes.len() {
                    break;
                }
                let params = String::from_utf8_lossy(&bytes[i + 2..j]);
                match bytes[j] {
                    b'c' if params.starts_with('?') => {
                        r.sixel = params[1..].split(';').any(|a| a == "4");
                        r.done = true;
                    }
                    b't' => {
                        let n: Vec<u16> =
                            params.split(';').filter_map(|p| p.parse().ok()).collect();
                        if let [6, h, w] = n[..]
                            && h > 0
                            && w > 0
                        {
                            r.cell = Some((w, h));
                        }
                    }
                    _ => {}
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    r
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// True in iTerm2 (which answers neither query but shows inline images).
pub fn iterm_by_env() -> bool {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    var("TERM_PROGRAM") == "iTerm.app" || var("LC_TERMINAL") == "iTerm2"
}

impl Replies {
    /// The protocol to use: kitty's when it answered, else iTerm2's, else sixel (only with a
    /// known cell size: a sixel picture is drawn in pixels, and the cells it covers must be
    /// known to keep ratatui off them).
    pub fn graphics(&self, iterm: bool) -> Graphics {
        let protocol = if self.kitty {
            Some(Protocol::Kitty)
        } else if iterm {
            Some(Protocol::Iterm2)
        } else if self.sixel && self.cell.is_some() {
            Some(Protocol::Sixel)
        } else {
            None
        };
        Graphics {
            protocol,
            cell: self.cell,
        }
    }
}

/// Where a picture goes: the cells it covers and its pixels per module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub area: Rect,
    pub module_px: usize,
}

/// The fewest pixels per module that still scan from a screen.
const MIN_MODULE_PX: usize = 2;

/// A cell's size when the terminal did not say (kitty and iTerm2 scale the picture to the
/// cells they are given, so a guess only changes its sharpness).
const GUESSED_CELL: (u16, u16) = (10, 20);

/// Where the code fits in `room` with `graphics`, largest first; `None` when it does not fit
/// at [`MIN_MODULE_PX`] or there is no picture protocol.
pub fn place(qr: &Qr, room: Rect, graphics: &Graphics) -> Option<Placement> {
    let protocol = graphics.protocol?;
    let (cw, ch) = match (protocol, graphics.cell) {
        (_, Some(cell)) => cell,
        (Protocol::Sixel, None) => return None,
        (_, None) => GUESSED_CELL,
    };
    let (cw, ch) = (usize::from(cw.max(1)), usize::from(ch.max(1)));
    let modules = qr.framed_width();
    let mut rows_max = usize::from(room.height);
    if protocol == Protocol::Kitty {
        rows_max = rows_max.min(DIACRITICS.len());
    }
    let px = (usize::from(room.width) * cw).min(rows_max * ch);
    let module_px = (px / modules).min(crate::cert::qr::MAX_PNG_SCALE);
    if module_px < MIN_MODULE_PX {
        return None;
    }
    let side = modules * module_px;
    let (cols, rows) = (side.div_ceil(cw) as u16, side.div_ceil(ch) as u16);
    let x = room.x + (room.width.saturating_sub(cols)) / 2;
    let y = room.y + (room.height.saturating_sub(rows)) / 2;
    Some(Placement {
        area: Rect::new(x, y, cols.min(room.width), rows.min(room.height)),
        module_px,
    })
}

/// Draws the code into `buf` at `at` with `protocol`; `frame` counts draws (see the module
/// documentation: iTerm2 and sixel pictures are sent at every draw).
pub fn draw(buf: &mut Buffer, qr: &Qr, at: &Placement, protocol: Protocol, frame: u64) {
    match protocol {
        Protocol::Kitty => draw_kitty(buf, qr, at),
        Protocol::Iterm2 => {
            let escape = iterm2(qr, at);
            draw_escape(buf, at.area, &escape, frame);
        }
        Protocol::Sixel => {
            let escape = sixel(qr, at.module_px);
            draw_escape(buf, at.area, &escape, frame);
        }
    }
}

/// The escape in the first cell (width forced to one), every other cell skipped.
fn draw_escape(buf: &mut Buffer, area: Rect, escape: &str, frame: u64) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let Some(cell) = buf.cell_mut((x, y)) else {
                continue;
            };
            if (x, y) == (area.x, area.y) {
                cell.reset();
                // A colour that changes at every draw, so the diff always sends the picture.
                let fg = if frame.is_multiple_of(2) {
                    Color::Reset
                } else {
                    Color::White
                };
                cell.set_symbol(escape)
                    .set_fg(fg)
                    .set_diff_option(CellDiffOption::ForcedWidth(NonZeroU16::MIN));
            } else {
                cell.set_diff_option(CellDiffOption::Skip);
            }
        }
    }
}

/// The image id of the kitty picture; its 24 bits are the placeholder cells' colour.
pub const KITTY_ID: u32 = 0x56_51_52;

/// The kitty placeholder character.
pub const PLACEHOLDER: char = '\u{10EEEE}';

/// Kitty's row and column numbers as combining marks (the first entries of the protocol's
/// `rowcolumn-diacritics.txt`): row `n` and column `n` are the `n`th mark.
pub const DIACRITICS: [char; 64] = [
    '\u{305}', '\u{30D}', '\u{30E}', '\u{310}', '\u{312}', '\u{33D}', '\u{33E}', '\u{33F}',
    '\u{346}', '\u{34A}', '\u{34B}', '\u{34C}', '\u{350}', '\u{351}', '\u{352}', '\u{357}',
    '\u{35B}', '\u{363}', '\u{364}', '\u{365}', '\u{366}', '\u{367}', '\u{368}', '\u{369}',
    '\u{36A}', '\u{36B}', '\u{36C}', '\u{36D}', '\u{36E}', '\u{36F}', '\u{483}', '\u{484}',
    '\u{485}', '\u{486}', '\u{487}', '\u{592}', '\u{593}', '\u{594}', '\u{595}', '\u{597}',
    '\u{598}', '\u{599}', '\u{59C}', '\u{59D}', '\u{59E}', '\u{59F}', '\u{5A0}', '\u{5A1}',
    '\u{5A8}', '\u{5A9}', '\u{5AB}', '\u{5AC}', '\u{5AF}', '\u{5C4}', '\u{610}', '\u{611}',
    '\u{612}', '\u{613}', '\u{614}', '\u{615}', '\u{616}', '\u{617}', '\u{657}', '\u{658}',
];

/// The kitty commands that send the PNG (chunks of at most 4096 base64 bytes, no replies) and
/// make a virtual placement of `cols` x `rows` cells for the placeholders.
pub fn kitty_transmit(png: &[u8], cols: u16, rows: u16) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(png);
    let chunks: Vec<&[u8]> = data.as_bytes().chunks(4096).collect();
    let mut out = String::with_capacity(data.len() + chunks.len() * 40 + 64);
    for (i, chunk) in chunks.iter().enumerate() {
        let more = u8::from(i + 1 < chunks.len());
        let chunk = std::str::from_utf8(chunk).unwrap_or_default();
        if i == 0 {
            out.push_str(&format!(
                "\x1b_Ga=t,f=100,t=d,i={KITTY_ID},q=2,m={more};{chunk}\x1b\\"
            ));
        } else {
            out.push_str(&format!("\x1b_Gm={more};{chunk}\x1b\\"));
        }
    }
    out.push_str(&format!(
        "\x1b_Ga=p,U=1,i={KITTY_ID},c={cols},r={rows},q=2\x1b\\"
    ));
    out
}

fn draw_kitty(buf: &mut Buffer, qr: &Qr, at: &Placement) {
    let area = at.area;
    let png = qr.png(at.module_px);
    let mut send = Some(kitty_transmit(&png, area.width, area.height));
    let colour = Color::Rgb(
        (KITTY_ID >> 16) as u8,
        (KITTY_ID >> 8) as u8,
        KITTY_ID as u8,
    );
    for (row, y) in (area.top()..area.bottom()).enumerate() {
        for x in area.left()..area.right() {
            let Some(cell) = buf.cell_mut((x, y)) else {
                continue;
            };
            let mut symbol = send.take().unwrap_or_default();
            symbol.push(PLACEHOLDER);
            // The first cell of a row names its row and column; the next ones follow on.
            if x == area.left() {
                symbol.push(DIACRITICS[row]);
                symbol.push(DIACRITICS[0]);
            }
            cell.reset();
            cell.set_symbol(&symbol)
                .set_fg(colour)
                .set_diff_option(CellDiffOption::ForcedWidth(NonZeroU16::MIN));
        }
    }
}

/// iTerm2's inline image (OSC 1337): the PNG, fitted by the terminal into the cells.
pub fn iterm2(qr: &Qr, at: &Placement) -> String {
    let png = qr.png(at.module_px);
    format!(
        "\x1b]1337;File=inline=1;size={};width={};height={};preserveAspectRatio=1:{}\x07",
        png.len(),
        at.area.width,
        at.area.height,
        base64::engine::general_purpose::STANDARD.encode(&png)
    )
}

/// Whether the module at column `x`, row `y` of the code with its quiet zone is dark.
fn dark(qr: &Qr, x: usize, y: usize) -> bool {
    x >= QUIET_ZONE && y >= QUIET_ZONE && qr.is_dark(x - QUIET_ZONE, y - QUIET_ZONE)
}

/// The code as a sixel picture, `module_px` pixels per module: two colours (register 0 white,
/// 1 black), a 1:1 pixel aspect, bands of six pixel rows with runs of a repeated column
/// written `!n`.
pub fn sixel(qr: &Qr, module_px: usize) -> String {
    let m = module_px.max(1);
    let side = qr.framed_width() * m;
    let mut out = format!("\x1bP0;1;0q\"1;1;{side};{side}#0;2;100;100;100#1;2;0;0;0");
    for band in (0..side).step_by(6) {
        for (colour, want_dark) in [(0, false), (1, true)] {
            out.push('#');
            out.push_str(&colour.to_string());
            let column = |x: usize| {
                let mut bits = 0u8;
                for i in 0..6 {
                    let y = band + i;
                    if y < side && dark(qr, x / m, y / m) == want_dark {
                        bits |= 1 << i;
                    }
                }
                char::from(63 + bits)
            };
            let mut x = 0;
            while x < side {
                let c = column(x);
                let mut run = 1;
                while x + run < side && column(x + run) == c {
                    run += 1;
                }
                if run > 3 {
                    out.push_str(&format!("!{run}{c}"));
                } else {
                    (0..run).for_each(|_| out.push(c));
                }
                x += run;
            }
            out.push(if colour == 0 { '$' } else { '-' });
        }
    }
    out.push_str("\x1b\\");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answers_are_read_and_anything_else_ignored() {
        let r = parse_replies(b"\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[?62;4;22c");
        assert_eq!(
            r,
            Replies {
                kitty: true,
                sixel: true,
                cell: Some((10, 20)),
                done: true
            }
        );
        assert_eq!(r.graphics(false).protocol, Some(Protocol::Kitty));
        // xterm without sixel, a key typed meanwhile; kitty's error answer is no support.
        let r = parse_replies(b"x\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?1;2c");
        assert!(!r.kitty && !r.sixel && r.done && r.cell.is_none());
        assert_eq!(r.graphics(false).protocol, None);
        assert_eq!(r.graphics(true).protocol, Some(Protocol::Iterm2));
        // Sixel without a cell size cannot be placed.
        let r = parse_replies(b"\x1b[?64;4c");
        assert_eq!(r.graphics(false).protocol, None);
        // Not answered yet.
        assert!(!parse_replies(b"\x1b_Gi=31;OK\x1b\\").done);
    }
}
