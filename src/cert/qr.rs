//! The QR code of an HC1 string, as the EU DCC specifies it: one alphanumeric segment (the
//! Base45 text and its `HC1:` prefix are all within the QR alphanumeric set) at error
//! correction level Q, in the smallest version that holds it. Drawn three ways: half-block
//! text for the terminal, an 8-bit grey PNG, and SVG; all with a 4-module quiet zone.
//!
//! The terminal drawing paints the *light* modules: a light quiet zone and light modules are
//! drawn (`█`, `▀`, `▄`), dark modules are left blank (` `). On the usual light-on-dark
//! terminal the blanks show the dark background, so the code reads dark on light, as a
//! scanner expects. (On a dark-on-light terminal the code comes out inverted; a screen that
//! wants to be sure sets its own colours: light foreground, dark background.)

use qrcode::bits::Bits;
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
    code: qrcode::QrCode,
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
            Ok(()) => {
                let code = qrcode::QrCode::with_bits(bits, EcLevel::Q)
                    .map_err(|e| format!("cannot build the QR code: {e}"))?;
                let dark = code
                    .to_colors()
                    .into_iter()
                    .map(|c| c == Color::Dark)
                    .collect();
                return Ok(Qr { code, dark });
            }
            Err(QrError::DataTooLong) => continue,
            Err(e) => return Err(format!("cannot build the QR code: {e}")),
        }
    }
    Err(format!(
        "{} characters are too many for one QR code at error correction Q",
        hc1.chars().count()
    ))
}

impl Qr {
    /// Modules on a side, without the quiet zone (21 for version 1, 4 more per version).
    pub fn width(&self) -> usize {
        self.code.width()
    }

    /// The QR version, 1 to 40.
    pub fn version(&self) -> u8 {
        match self.code.version() {
            Version::Normal(v) | Version::Micro(v) => v as u8,
        }
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

    /// An 8-bit grey PNG, `scale` pixels per module (clamped to 1..=[`MAX_PNG_SCALE`]), dark
    /// modules black on white, quiet zone included.
    pub fn png(&self, scale: usize) -> Vec<u8> {
        let scale = scale.clamp(1, MAX_PNG_SCALE);
        let modules = self.framed_width();
        let side = modules * scale;
        let mut pixels = Vec::with_capacity(side * side);
        for y in 0..modules {
            let row: Vec<u8> = (0..modules)
                .flat_map(|x| {
                    let grey = if self.dark_framed(x, y) { 0 } else { 255 };
                    std::iter::repeat_n(grey, scale)
                })
                .collect();
            for _ in 0..scale {
                pixels.extend_from_slice(&row);
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
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
        self.code
            .render::<qrcode::render::svg::Color>()
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
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
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
