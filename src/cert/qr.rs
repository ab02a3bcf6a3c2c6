//! The QR code of an HC1 string, as the EU DCC specifies it: one alphanumeric segment (the
//! Base45 text and its `HC1:` prefix are all within the QR alphanumeric set) at error
//! correction level Q, in the smallest version that holds it. Drawn three ways: half-block
//! text for the terminal, a black-and-white (1-bit) PNG, and SVG; all with a 4-module quiet zone.
//!
//! The terminal drawing paints the *light* modules: a light quiet zone and light modules are
//! drawn (`█`, `▀`, `▄`), dark modules are left blank (` `). On the usual light-on-dark
//! terminal the blanks show the dark background, so the code reads dark on light, as a
//! scanner expects. (On a dark-on-light terminal the code comes out inverted; a screen that
//! wants to be sure sets its own colours: light foreground, dark background.)

use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, Version};

/// The light margin around the code, in modules (the QR standard's minimum).
pub const QUIET_ZONE: usize = 4;

/// The largest PNG scale (pixels per module) [`Qr::png`] draws.
pub const MAX_PNG_SCALE: usize = 32;

/// The characters of the QR alphanumeric mode.
pub const ALPHANUMERIC: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// A QR code: a square of dark and light modules.
#[derive(Clone)]
pub struct Qr {
    version: u8,
    /// Modules on a side.
    width: usize,
    /// Row-major, as the SVG renderer takes them.
    colors: Vec<Color>,
    /// Row-major, `true` = dark.
    dark: Vec<bool>,
}

impl std::fmt::Debug for Qr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Qr")
            .field("version", &self.version())
            .field("width", &self.width())
            .finish()
    }
}

/// The QR code of an HC1 string: one alphanumeric segment, error correction Q, the smallest
/// version that holds it. Fails on a character outside [`ALPHANUMERIC`] (lower case, say) or
/// on text too long for any QR code (more than 2,420 characters at level Q).
pub fn encode(hc1: &str) -> Result<Qr, String> {
    if let Some((at, c)) = hc1.char_indices().find(|&(_, c)| !ALPHANUMERIC.contains(c)) {
        return Err(format!(
            "{c:?} at position {} cannot be put in an alphanumeric QR code \
             (only 0-9, A-Z, space and $%*+-./: can)",
            hc1[..at].chars().count() + 1
        ));
    }
    for v in 1..=40 {
        let mut bits = Bits::new(Version::Normal(v));
        match bits
            .push_alphanumeric_data(hc1.as_bytes())
            .and_then(|()| bits.push_terminator(EcLevel::Q))
        {
            Ok(()) => return build(bits, v),
            Err(QrError::DataTooLong) => continue,
            Err(e) => return Err(format!("cannot build the QR code: {e}")),
        }
    }
    Err(format!(
        "{} characters are too many for one QR code at error correction Q",
        hc1.chars().count()
    ))
}

/// The code of `bits` (version `v`, level Q) with the mask of lowest penalty: what
/// `qrcode::QrCode::with_bits` makes, module for module, with the eight masks scored here on a
/// plain grid. (The crate scores them through boxed closures, and that was most of the time a
/// `cert export --format png` spent drawing.)
fn build(bits: Bits, v: i16) -> Result<Qr, String> {
    let fail = |e: QrError| format!("cannot build the QR code: {e}");
    let version = Version::Normal(v);
    let data = bits.into_bytes();
    let (encoded, ec) =
        qrcode::ec::construct_codewords(&data, version, EcLevel::Q).map_err(fail)?;
    let mut canvas = Canvas::new(version, EcLevel::Q);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&encoded, &ec);
    let width = version.width() as usize;
    let mut best: Option<(u16, Vec<Color>)> = None;
    // The crate's order; the first of equal scores wins, as with its `min_by_key`.
    for pattern in MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(pattern);
        let colors = masked.into_colors();
        let score = penalty(&colors, width);
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, colors));
        }
    }
    let (_, colors) = best.ok_or("no mask")?;
    let dark = colors.iter().map(|c| *c == Color::Dark).collect();
    Ok(Qr {
        version: v as u8,
        width,
        colors,
        dark,
    })
}

/// The eight masks of a (not micro) QR code, in the order `qrcode` tries them.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The penalty of a masked code (row-major, `width` on a side), computed as `qrcode` 0.14
/// computes it (its `compute_total_penalty_scores`, with its u16 arithmetic): runs of five or
/// more, 2×2 blocks, finder-like patterns, dark/light balance. Equal scores mean the same mask
/// is chosen, so the pictures are the crate's own.
fn penalty(colors: &[Color], width: usize) -> u16 {
    // Rows, and the columns as rows of the transposed grid: every line a plain slice.
    let rows: Vec<bool> = colors.iter().map(|c| *c == Color::Dark).collect();
    let mut columns = vec![false; rows.len()];
    for (i, &d) in rows.iter().enumerate() {
        columns[(i % width) * width + i / width] = d;
    }
    let mut score: u16 = 0;
    for grid in [&rows, &columns] {
        let mut finder: u16 = 0;
        for line in grid.chunks_exact(width) {
            score = score.wrapping_add(runs(line));
            finder = finder.wrapping_add(finders(line));
        }
        // The three finder patterns' own count taken off, as the crate does (per direction).
        score = score.wrapping_add(finder.wrapping_sub(360));
    }
    // 2×2 blocks of one colour, overlapping: 3 each.
    for (top, bottom) in rows
        .chunks_exact(width)
        .zip(rows.chunks_exact(width).skip(1))
    {
        for x in 0..width - 1 {
            let c = top[x];
            if top[x + 1] == c && bottom[x] == c && bottom[x + 1] == c {
                score = score.wrapping_add(3);
            }
        }
    }
    // Balance: the distance of the dark share (in half-percents) from half.
    let ratio = rows.iter().filter(|d| **d).count() * 200 / rows.len();
    score.wrapping_add(ratio.abs_diff(100) as u16)
}

/// Runs of 5 + N modules of one colour in a line: 3 + N each.
fn runs(line: &[bool]) -> u16 {
    let mut score: u16 = 0;
    let mut run: u16 = 1;
    for pair in line.windows(2) {
        if pair[0] == pair[1] {
            run += 1;
        } else {
            if run >= 5 {
                score = score.wrapping_add(run - 2);
            }
            run = 1;
        }
    }
    if run >= 5 {
        score = score.wrapping_add(run - 2);
    }
    score
}

/// `#.###.#` in a line without a dark module among the four before it or the four after it
/// (the edge counts as light): 40 each.
fn finders(line: &[bool]) -> u16 {
    const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
    let mut score: u16 = 0;
    for (j, window) in line.windows(7).enumerate() {
        if window != PATTERN {
            continue;
        }
        let before = line[j.saturating_sub(4)..j].contains(&true);
        let after = line[j + 7..(j + 11).min(line.len())].contains(&true);
        if !before || !after {
            score = score.wrapping_add(40);
        }
    }
    score
}

impl Qr {
    /// Modules on a side, without the quiet zone (21 for version 1, 4 more per version).
    pub fn width(&self) -> usize {
        self.width
    }

    /// The QR version, 1 to 40.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Whether the module at column `x`, row `y` is dark; outside the code (the quiet zone)
    /// everything is light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        let w = self.width();
        x < w && y < w && self.dark[y * w + x]
    }

    /// Like [`Qr::is_dark`], in coordinates that include the quiet zone.
    fn dark_framed(&self, x: usize, y: usize) -> bool {
        x >= QUIET_ZONE && y >= QUIET_ZONE && self.is_dark(x - QUIET_ZONE, y - QUIET_ZONE)
    }

    /// Modules on a side with the quiet zone on both sides.
    pub fn framed_width(&self) -> usize {
        self.width() + 2 * QUIET_ZONE
    }

    /// The terminal cells the half-block drawing needs: (columns, rows). One column per
    /// module, one row per two modules, quiet zone included.
    pub fn cells(&self) -> (u16, u16) {
        let side = self.framed_width();
        (
            u16::try_from(side).unwrap_or(u16::MAX),
            u16::try_from(side.div_ceil(2)).unwrap_or(u16::MAX),
        )
    }

    /// The code as text, two module rows per line, quiet zone included; each line has
    /// [`Qr::cells`]`.0` characters, and there are [`Qr::cells`]`.1` lines.
    ///
    /// Light modules are drawn, dark ones left blank: `█` light above and below, `▀` light
    /// above only, `▄` light below only, ` ` dark both (see the module documentation). The
    /// framed side is odd, so the lower half of the last line lies outside the quiet zone and
    /// is left blank.
    pub fn terminal_lines(&self) -> Vec<String> {
        let side = self.framed_width();
        let light = |x: usize, y: usize| y < side && !self.dark_framed(x, y);
        (0..side)
            .step_by(2)
            .map(|y| {
                (0..side)
                    .map(|x| match (light(x, y), light(x, y + 1)) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    })
                    .collect()
            })
            .collect()
    }

    /// A black-and-white PNG (1-bit grey: a QR code has no other shade), `scale` pixels per
    /// module (clamped to 1..=[`MAX_PNG_SCALE`]), dark modules black on white, quiet zone
    /// included.
    ///
    /// One bit a pixel and fast deflate: at scale 8 a certificate's picture is ~48 KB of rows
    /// before compression instead of ~380 KB, and every pixel row repeats the one above it
    /// (`scale` times per module row), which the PNG filter turns into zeros. The picture
    /// reads the same in any viewer or scanner as the 8-bit one did, at a fraction of the cost.
    pub fn png(&self, scale: usize) -> Vec<u8> {
        let scale = scale.clamp(1, MAX_PNG_SCALE);
        let modules = self.framed_width();
        let side = modules * scale;
        let row_bytes = side.div_ceil(8);
        let mut pixels = Vec::with_capacity(row_bytes * side);
        let mut row = vec![0u8; row_bytes];
        for y in 0..modules {
            // Bit 1 is white, most significant bit first; the padding of the last byte white.
            row.fill(0xff);
            for x in (0..modules).filter(|&x| self.dark_framed(x, y)) {
                for px in x * scale..(x + 1) * scale {
                    row[px / 8] &= !(0x80 >> (px % 8));
                }
            }
            for _ in 0..scale {
                pixels.extend_from_slice(&row);
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::Fast);
        // Encoding a well-formed picture into memory cannot fail.
        let mut writer = encoder.write_header().expect("PNG header into memory");
        writer
            .write_image_data(&pixels)
            .expect("PNG data into memory");
        writer.finish().expect("PNG end into memory");
        out
    }

    /// An SVG picture (black on white, at least 400 user units wide, quiet zone included).
    pub fn svg(&self) -> String {
        qrcode::render::Renderer::<qrcode::render::svg::Color>::new(
            &self.colors,
            self.width,
            QUIET_ZONE as u32,
        )
        .quiet_zone(true)
        .min_dimensions(400, 400)
        .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::{base45, qrimage};

    /// An HC1-shaped string of a typical length (a signed DCC deflates to ~330 bytes).
    fn sample(bytes: usize) -> String {
        let data: Vec<u8> = (0..bytes as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        format!("HC1:{}", base45::encode(&data))
    }

    /// Reads a grey picture (`side` × `side`, row-major) with rqrr.
    fn read(side: usize, luma: &[u8]) -> (rqrr::MetaData, String) {
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| luma[y * side + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the picture");
        grids[0].decode().expect("the QR code reads")
    }

    #[test]
    fn png_round_trip_at_level_q() {
        let text = sample(330);
        let qr = encode(&text).unwrap();
        let png = qr.png(4);
        assert!(qrimage::is_png(&png));
        assert_eq!(qrimage::decode_png(&png).unwrap(), text);
        // Decoded by hand too, to see the metadata: level Q is 3 in the format bits.
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&png));
        decoder.set_transformations(png::Transformations::IDENTITY);
        let reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().color_type, png::ColorType::Grayscale);
        assert_eq!(reader.info().bit_depth, png::BitDepth::One);
        // Expanded to 8-bit grey (0 and 255) to read it.
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        assert!(
            buf.iter().all(|&p| p == 0 || p == 255),
            "black and white only"
        );
        let side = qr.framed_width() * 4;
        assert_eq!((info.width as usize, info.height as usize), (side, side));
        let (meta, read_text) = read(side, &buf);
        assert_eq!(read_text, text);
        assert_eq!(meta.ecc_level, 3, "error correction Q");
        assert_eq!(meta.version.0, usize::from(qr.version()));
        // The quiet zone is white.
        assert!(buf[..side * 4 * QUIET_ZONE].iter().all(|&p| p == 255));
    }

    #[test]
    fn half_block_lines_round_trip() {
        for bytes in [10, 330, 600] {
            let text = sample(bytes);
            let qr = encode(&text).unwrap();
            let lines = qr.terminal_lines();
            let (cols, rows) = qr.cells();
            assert_eq!(lines.len(), usize::from(rows));
            assert!(lines.iter().all(|l| l.chars().count() == usize::from(cols)));
            assert!(
                lines
                    .iter()
                    .flat_map(|l| l.chars())
                    .all(|c| "█▀▄ ".contains(c))
            );
            // Back to modules: a drawn half is light, a blank half dark.
            let side = usize::from(rows) * 2;
            let modules: Vec<Vec<bool>> = lines
                .iter()
                .flat_map(|l| {
                    let top: Vec<bool> = l.chars().map(|c| c == '█' || c == '▀').collect();
                    let bottom: Vec<bool> = l.chars().map(|c| c == '█' || c == '▄').collect();
                    [top, bottom]
                })
                .collect();
            for (y, row) in modules.iter().enumerate().take(qr.framed_width()) {
                for (x, &light) in row.iter().enumerate() {
                    assert_eq!(light, !qr.dark_framed(x, y), "module {x},{y}");
                }
            }
            // Into a picture (3 px per module; the blank last half row becomes a dark stripe
            // below the quiet zone) and through rqrr.
            let scale = 3;
            let px = side * scale;
            let mut luma = vec![0u8; px * px];
            for (y, row) in modules.iter().enumerate() {
                for (x, &light) in row.iter().enumerate() {
                    if light {
                        for dy in 0..scale {
                            let start = (y * scale + dy) * px + x * scale;
                            luma[start..start + scale].fill(255);
                        }
                    }
                }
            }
            let (meta, read_text) = read(px, &luma);
            assert_eq!(read_text, text, "{bytes} bytes");
            assert_eq!(meta.ecc_level, 3);
        }
    }

    #[test]
    fn one_alphanumeric_segment_in_the_smallest_version() {
        // Bits of one alphanumeric segment: mode (4), count (9/11/13), 11 per pair, 6 per odd.
        let needed = |n: usize, v: i16| {
            let count = match v {
                1..=9 => 9,
                10..=26 => 11,
                _ => 13,
            };
            4 + count + 11 * (n / 2) + 6 * (n % 2)
        };
        let capacity = |v: i16| Bits::new(Version::Normal(v)).max_len(EcLevel::Q).unwrap();
        for bytes in [1, 50, 200, 330, 500, 1000] {
            let text = sample(bytes);
            let qr = encode(&text).unwrap();
            let v = i16::from(qr.version());
            assert!(needed(text.len(), v) <= capacity(v), "fits");
            assert!(
                v == 1 || needed(text.len(), v - 1) > capacity(v - 1),
                "{bytes} bytes: version {v} is not the smallest"
            );
            assert_eq!(qr.width(), 17 + 4 * usize::from(qr.version()));
        }
    }

    #[test]
    fn svg_is_a_picture_with_a_quiet_zone() {
        let qr = encode(&sample(100)).unwrap();
        let svg = qr.svg();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("fill=\"#000\"") && svg.contains("fill=\"#fff\""));
    }

    #[test]
    fn outside_the_alphanumeric_set_is_refused() {
        let e = encode("HC1:abc").unwrap_err();
        assert!(e.contains("'a' at position 5"), "{e}");
        assert!(encode("HC1:Ä").unwrap_err().contains("position 5"));
        assert!(encode(&"A".repeat(2421)).unwrap_err().contains("too many"));
        assert_eq!(encode(&"A".repeat(2420)).unwrap().version(), 40);
        assert_eq!(encode("").unwrap().version(), 1);
    }

    #[test]
    fn the_mask_is_the_one_the_crate_chooses() {
        // Module for module what `qrcode` makes of the same bits, over a range of versions.
        for bytes in [1, 10, 40, 120, 330, 600, 1200] {
            let text = sample(bytes);
            let ours = encode(&text).unwrap();
            let mut bits = Bits::new(Version::Normal(i16::from(ours.version())));
            bits.push_alphanumeric_data(text.as_bytes()).unwrap();
            bits.push_terminator(EcLevel::Q).unwrap();
            let theirs = qrcode::QrCode::with_bits(bits, EcLevel::Q).unwrap();
            assert_eq!(ours.width(), theirs.width(), "{bytes} bytes");
            assert!(
                ours.colors == theirs.to_colors(),
                "{bytes} bytes: another mask"
            );
        }
    }

    #[test]
    fn png_scale_is_clamped() {
        let qr = encode("HC1:ABC").unwrap();
        let side = |png: &[u8]| {
            let reader = png::Decoder::new(std::io::Cursor::new(png))
                .read_info()
                .unwrap();
            reader.info().width as usize
        };
        assert_eq!(side(&qr.png(0)), qr.framed_width());
        assert_eq!(side(&qr.png(1000)), qr.framed_width() * MAX_PNG_SCALE);
    }
}
