//! Reading the text of a QR code from a PNG picture, so `verify` takes a saved or scanned
//! QR code as well as the HC1 text.

/// Pictures larger than this many pixels are refused rather than scanned.
const MAX_PIXELS: u64 = 40_000_000;

/// True when the bytes start with the PNG signature.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// The text of the first readable QR code in a PNG picture.
pub fn decode_png(bytes: &[u8]) -> Result<String, String> {
    let (width, height, luma) = png_to_luma(bytes)?;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    let grids = image.detect_grids();
    if grids.is_empty() {
        return Err("no QR code found in the picture".into());
    }
    let mut last_error = String::new();
    for grid in grids {
        match grid.decode() {
            Ok((_meta, text)) => return Ok(text),
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(format!(
        "the QR code in the picture does not read: {last_error}"
    ))
}

/// Any PNG (grey, RGB, palette, with alpha, 1 to 16 bits) as 8-bit grey on white.
fn png_to_luma(bytes: &[u8]) -> Result<(usize, usize, Vec<u8>), String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("not a readable PNG: {e}"))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("the picture is too large ({w}×{h} pixels)"));
    }
    let size = reader
        .output_buffer_size()
        .ok_or("the picture is too large")?;
    let mut buf = vec![0; size];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("not a readable PNG: {e}"))?;
    let (width, height) = (frame.width as usize, frame.height as usize);
    let channels = frame.color_type.samples();
    let mut luma = Vec::with_capacity(width * height);
    for row in buf.chunks(frame.line_size).take(height) {
        for px in row.chunks(channels).take(width) {
            let (grey, alpha) = match *px {
                [g] => (u32::from(g), 255),
                [g, a] => (u32::from(g), u32::from(a)),
                [r, g, b] => (
                    (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000,
                    255,
                ),
                [r, g, b, a] => (
                    (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000,
                    u32::from(a),
                ),
                _ => return Err("unexpected PNG pixel layout".into()),
            };
            // Transparent counts as white, the paper behind the code.
            luma.push(((grey * alpha + 255 * (255 - alpha)) / 255) as u8);
        }
    }
    if luma.len() != width * height {
        return Err("the PNG has fewer pixels than its size says".into());
    }
    Ok((width, height, luma))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pictures_are_refused_with_a_reason() {
        assert!(!is_png(b"HC1:"));
        assert!(
            decode_png(b"\x89PNG\r\n\x1a\nrest")
                .unwrap_err()
                .contains("PNG")
        );
        assert!(decode_png(b"").is_err());
    }

    #[test]
    fn a_blank_picture_has_no_code() {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 40, 40);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[255u8; 1600]).unwrap();
        w.finish().unwrap();
        assert!(is_png(&out));
        assert_eq!(
            decode_png(&out).unwrap_err(),
            "no QR code found in the picture"
        );
    }
}
