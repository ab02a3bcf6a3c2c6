//! The printed certificate: one page a clinic hands to a citizen without a phone, with the
//! certificate's fields in Korean and English and the signed QR code a verifier scans.
//!
//! The page is PDF/A-2b (archivable, the font embedded as a subset) written by krilla, which
//! checks the PDF/A rules as it writes and subsets the font; printpdf has no PDF/A validation.
//! The font is NanumGothic (SIL OFL 1.1, `assets/fonts/`): it holds all 11,172 Hangul
//! syllables, so a name such as 똠 prints (the common 2,350-syllable set misses it).
//!
//! Pure: a [`PrintedCertificate`] and a [`Paper`] in, the PDF's bytes out. Everything printed
//! comes from the signed certificate (the DCC) and the catalogue; the resident id is not a
//! field here, so it cannot reach the page.

use crate::cert::qr;
use crate::domain::Catalogue;
use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::color::rgb;
use krilla::configure::{Configuration, Validator};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use serde_json::Value;

/// NanumGothic Regular, from Debian's fonts-nanum 20200506-1 (licence: `assets/fonts/OFL.txt`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/NanumGothic.ttf");

/// The title, in both languages.
pub const TITLE_KO: &str = "코로나19 예방접종 증명서";
pub const TITLE_EN: &str = "COVID-19 Vaccination Certificate";

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;

/// The paper the certificate is printed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm (595 × 842 pt), a desk printer.
    A4,
    /// 105 × 148 mm (298 × 420 pt), a postcard or label printer.
    A6,
}

/// What the printed page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedCertificate {
    /// The holder's name as registered (Hangul, or as written), family name first.
    pub name: String,
    /// The name's ICAO 9303 form, family name first (`KIM MINJUN`).
    pub name_icao: String,
    /// `1990-01-01`, `1990-01` or `1990`, as the certificate has it.
    pub birth_date: String,
    /// The product, with its Korean name where one is in use (`Comirnaty (화이자)`).
    pub product: String,
    pub manufacturer: String,
    pub dose: u32,
    pub series: u32,
    pub vaccinated_on: String,
    /// The country of vaccination, named (`Korea, Republic of (KR)`).
    pub country: String,
    pub issuer: String,
    pub uvci: String,
    /// The last day the certificate is valid (`2022-06-01`).
    pub valid_until: String,
    /// The signed text the QR code holds (`HC1:...`).
    pub hc1: String,
    /// When the page was made (the PDF's creation date, which PDF/A requires).
    pub printed_at: DateTime<Utc>,
}

impl PrintedCertificate {
    /// The printed fields of a decoded DCC (the hcert payload) with one vaccination entry:
    /// names, birth date and the vaccination from it, product and manufacturer names from
    /// the catalogue (the codes where the catalogue does not know them).
    pub fn from_dcc(
        dcc: &Value,
        hc1: &str,
        valid_until: &str,
        catalogue: &Catalogue,
        printed_at: DateTime<Utc>,
    ) -> Result<Self, String> {
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let nam = dcc.get("nam").ok_or("the certificate has no name (nam)")?;
        let v = dcc
            .get("v")
            .and_then(|v| v.get(0))
            .ok_or("the certificate has no vaccination entry (v)")?;
        let field =
            |key: &str| text(v, key).ok_or_else(|| format!("the vaccination entry has no {key}"));
        let number = |key: &str| {
            v.get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("the vaccination entry has no {key}"))
        };
        let icao = [text(nam, "fnt"), text(nam, "gnt")]
            .into_iter()
            .flatten()
            .map(|s| s.replace('<', " "))
            .collect::<Vec<_>>()
            .join(" ");
        if icao.is_empty() {
            return Err("the certificate has no ICAO name (fnt)".into());
        }
        let written: Vec<String> = [text(nam, "fn"), text(nam, "gn")]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        // Korean names are written family name first without a space (김민준).
        let hangul = |s: &String| s.chars().all(is_hangul);
        let name = match written.as_slice() {
            [] => icao.clone(),
            parts if parts.iter().all(hangul) => parts.concat(),
            parts => parts.join(" "),
        };
        let code = field("mp")?;
        let product = match catalogue.get(&code) {
            Some(p) => match &p.name_ko {
                Some(ko) => format!("{} ({ko})", p.name),
                None => p.name.clone(),
            },
            None => code,
        };
        let ma = field("ma")?;
        let manufacturer = catalogue
            .products()
            .iter()
            .find(|p| p.manufacturer == ma)
            .map(|p| p.manufacturer_name.clone())
            .unwrap_or(ma);
        let co = field("co")?;
        let country = match crate::domain::injection::country_name(&co) {
            Some(named) => format!("{named} ({co})"),
            None => co,
        };
        Ok(PrintedCertificate {
            name,
            name_icao: icao,
            birth_date: text(dcc, "dob").ok_or("the certificate has no date of birth")?,
            product,
            manufacturer,
            dose: number("dn")?,
            series: number("sd")?,
            vaccinated_on: field("dt")?,
            country,
            issuer: field("is")?,
            uvci: field("ci")?,
            valid_until: valid_until.to_string(),
            hc1: hc1.to_string(),
            printed_at,
        })
    }

    /// The rows of the page: Korean label, English label, value.
    fn rows(&self) -> [(&'static str, &'static str, String); 11] {
        [
            ("성명", "Name", self.name.clone()),
            ("영문 성명", "Name (ICAO)", self.name_icao.clone()),
            ("생년월일", "Date of birth", self.birth_date.clone()),
            ("백신", "Vaccine", self.product.clone()),
            ("제조사", "Manufacturer", self.manufacturer.clone()),
            (
                "접종 차수",
                "Dose",
                format!("{}/{}", self.dose, self.series),
            ),
            ("접종일", "Date of vaccination", self.vaccinated_on.clone()),
            ("접종 국가", "Country", self.country.clone()),
            ("발급 기관", "Issuer", self.issuer.clone()),
            ("증명서 번호", "UVCI", self.uvci.clone()),
            ("유효기간", "Valid until", self.valid_until.clone()),
        ]
    }
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Sizes of one paper's layout, in points (y grows downwards).
struct Layout {
    width: f32,
    height: f32,
    /// Inset of the frame from the paper's edge.
    frame: f32,
    /// Inset of the text from the paper's edge.
    margin: f32,
    title_ko: f32,
    title_en: f32,
    title_top: f32,
    label_ko: f32,
    label_en: f32,
    value: f32,
    row: f32,
    /// Where the value column starts, from the margin.
    value_at: f32,
    /// The QR code's side without its quiet zone.
    qr: f32,
    small: f32,
}

impl Paper {
    fn layout(self) -> Layout {
        match self {
            Paper::A4 => Layout {
                width: 595.0,
                height: 842.0,
                frame: 28.0,
                margin: 56.0,
                title_ko: 22.0,
                title_en: 14.0,
                title_top: 96.0,
                label_ko: 10.0,
                label_en: 7.5,
                value: 12.0,
                row: 27.0,
                value_at: 150.0,
                qr: 66.0 * MM,
                small: 7.5,
            },
            Paper::A6 => Layout {
                width: 298.0,
                height: 420.0,
                frame: 10.0,
                margin: 20.0,
                title_ko: 12.0,
                title_en: 8.0,
                title_top: 38.0,
                label_ko: 6.0,
                label_en: 4.6,
                value: 7.2,
                row: 13.8,
                value_at: 76.0,
                qr: 50.0 * MM,
                small: 4.8,
            },
        }
    }
}

const INK: (u8, u8, u8) = (0x1a, 0x1a, 0x1a);
const NAVY: (u8, u8, u8) = (0x1f, 0x3a, 0x68);
const GREY: (u8, u8, u8) = (0x5f, 0x63, 0x68);
const RULE: (u8, u8, u8) = (0xc8, 0xcd, 0xd6);
const BLACK: (u8, u8, u8) = (0, 0, 0);

/// The certificate as a one-page PDF/A-2b on the given paper.
pub fn render(cert: &PrintedCertificate, paper: Paper) -> Result<Vec<u8>, String> {
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| format!("the font: {e}"))?;
    let rows = cert.rows();
    for (_, label, value) in &rows {
        if let Some(c) = value.chars().find(|&c| face.glyph_index(c).is_none()) {
            return Err(format!(
                "{label}: '{c}' (U+{:04X}) is not in the certificate's font and cannot be printed",
                u32::from(c)
            ));
        }
    }
    let code = qr::encode(&cert.hc1)?;
    let font = Font::new(FONT.into(), 0).ok_or("the certificate's font does not load")?;
    let l = paper.layout();
    let pen = Pen { face, font };

    let settings = SerializeSettings {
        configuration: Configuration::new_with_validator(Validator::A2_B),
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    document.set_metadata(
        Metadata::new()
            .title(format!("{TITLE_KO} / {TITLE_EN}"))
            .language("ko".into())
            .creator("vaxdesk".into())
            .creation_date(pdf_date(cert.printed_at)),
    );
    let page_settings = PageSettings::from_wh(l.width, l.height).ok_or("the paper has no size")?;
    let mut page = document.start_page_with(page_settings);
    let mut s = page.surface();

    // The frame: a thick navy line with a thin one inside, as certificates have.
    let f = l.frame;
    stroke_rect(
        &mut s,
        f,
        f,
        l.width - 2.0 * f,
        l.height - 2.0 * f,
        l.frame / 14.0,
        NAVY,
    );
    let g = f + l.frame / 5.0;
    stroke_rect(
        &mut s,
        g,
        g,
        l.width - 2.0 * g,
        l.height - 2.0 * g,
        l.frame / 56.0,
        NAVY,
    );

    // The title.
    let centre = l.width / 2.0;
    let mut y = l.title_top;
    pen.centred(&mut s, centre, y, l.title_ko, NAVY, TITLE_KO);
    y += l.title_en * 1.5;
    pen.centred(&mut s, centre, y, l.title_en, NAVY, TITLE_EN);
    y += l.title_en * 1.0;
    fill_rect(
        &mut s,
        l.margin,
        y,
        l.width - 2.0 * l.margin,
        l.row / 14.0,
        NAVY,
    );

    // The fields, one row each: Korean label over English label, then the value.
    let value_x = l.margin + l.value_at;
    let value_room = l.width - l.margin - value_x;
    y += l.row * 0.35;
    for (i, (ko, en, value)) in rows.iter().enumerate() {
        if i % 2 == 1 {
            fill_rect(
                &mut s,
                l.margin,
                y,
                l.width - 2.0 * l.margin,
                l.row,
                (0xf2, 0xf4, 0xf8),
            );
        }
        let base = y + l.row * 0.5 + l.label_ko * 0.1;
        pen.left(&mut s, l.margin + l.row * 0.25, base, l.label_ko, INK, ko);
        pen.left(
            &mut s,
            l.margin + l.row * 0.25,
            base + l.label_en * 1.25,
            l.label_en,
            GREY,
            en,
        );
        let size = pen.fitting(value, l.value, value_room - l.row * 0.25);
        pen.left(&mut s, value_x, base + l.value * 0.15, size, BLACK, value);
        y += l.row;
    }
    fill_rect(
        &mut s,
        l.margin,
        y,
        l.width - 2.0 * l.margin,
        l.row / 40.0,
        RULE,
    );

    // The QR code, centred in what is left above the footer.
    let footer = l.height - l.frame - l.small * 4.2;
    let modules = code.framed_width() as f32;
    let module = l.qr / code.width() as f32;
    let side = modules * module;
    let caption = l.small * 2.0;
    let qr_top = y + ((footer - y) - side - caption).max(0.0) / 2.0;
    draw_qr(&mut s, &code, centre - side / 2.0, qr_top, module);
    let cy = qr_top + side + l.small * 0.6;
    pen.centred(
        &mut s,
        centre,
        cy,
        l.small * 1.2,
        INK,
        "QR 코드를 스캔하여 확인하세요 · Scan the QR code to verify",
    );

    // The footer.
    pen.centred(
        &mut s,
        centre,
        footer + l.small * 1.2,
        l.small,
        GREY,
        "QR 코드에는 발급 기관이 전자서명한 EU 디지털 코로나19 증명서(DCC)가 담겨 있습니다.",
    );
    pen.centred(
        &mut s,
        centre,
        footer + l.small * 2.6,
        l.small,
        GREY,
        "The QR code holds the certificate signed by the issuer (EU Digital COVID Certificate).",
    );

    s.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| format!("the certificate's PDF could not be written: {e:?}"))
}

fn pdf_date(t: DateTime<Utc>) -> krilla::metadata::DateTime {
    let byte = |n: u32| u8::try_from(n).unwrap_or(0);
    krilla::metadata::DateTime::new(u16::try_from(t.year()).unwrap_or(2000))
        .month(byte(t.month()))
        .day(byte(t.day()))
        .hour(byte(t.hour()))
        .minute(byte(t.minute()))
        .second(byte(t.second()))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// Text in the certificate's font, measured for alignment.
struct Pen<'a> {
    face: ttf_parser::Face<'a>,
    font: Font,
}

impl Pen<'_> {
    /// The width of `text` at `size` (advances only; the font has no kerning that matters).
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .filter_map(|c| self.face.glyph_index(c))
            .filter_map(|g| self.face.glyph_hor_advance(g))
            .map(u32::from)
            .sum();
        units as f32 * size / f32::from(self.face.units_per_em())
    }

    /// `size`, or smaller so that `text` fits in `room`.
    fn fitting(&self, text: &str, size: f32, room: f32) -> f32 {
        let w = self.width(text, size);
        if w > room { size * room / w } else { size }
    }

    fn left(
        &self,
        s: &mut Surface<'_>,
        x: f32,
        y: f32,
        size: f32,
        colour: (u8, u8, u8),
        text: &str,
    ) {
        s.set_fill(Some(fill(colour)));
        s.draw_text(
            Point::from_xy(x, y),
            self.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn centred(
        &self,
        s: &mut Surface<'_>,
        x: f32,
        y: f32,
        size: f32,
        colour: (u8, u8, u8),
        text: &str,
    ) {
        let w = self.width(text, size);
        self.left(s, x - w / 2.0, y, size, colour, text);
    }
}

fn fill((r, g, b): (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn fill_rect(s: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32, colour: (u8, u8, u8)) {
    let mut p = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        p.push_rect(r);
    }
    if let Some(path) = p.finish() {
        s.set_stroke(None);
        s.set_fill(Some(fill(colour)));
        s.draw_path(&path);
    }
}

fn stroke_rect(
    s: &mut Surface<'_>,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    width: f32,
    colour: (u8, u8, u8),
) {
    let mut p = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        p.push_rect(r);
    }
    if let Some(path) = p.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
            width,
            ..Stroke::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

/// The QR code with its quiet zone: a white square, then every run of dark modules in a row
/// as one rectangle, all in one path (one fill, so no seams between neighbours).
fn draw_qr(s: &mut Surface<'_>, code: &qr::Qr, x: f32, y: f32, module: f32) {
    let framed = code.framed_width() as f32 * module;
    fill_rect(s, x, y, framed, framed, (0xff, 0xff, 0xff));
    let origin = qr::QUIET_ZONE as f32 * module;
    let mut p = PathBuilder::new();
    let w = code.width();
    for row in 0..w {
        let mut col = 0;
        while col < w {
            if !code.is_dark(col, row) {
                col += 1;
                continue;
            }
            let start = col;
            while col < w && code.is_dark(col, row) {
                col += 1;
            }
            if let Some(r) = Rect::from_xywh(
                x + origin + start as f32 * module,
                y + origin + row as f32 * module,
                (col - start) as f32 * module,
                module,
            ) {
                p.push_rect(r);
            }
        }
    }
    if let Some(path) = p.finish() {
        s.set_stroke(None);
        s.set_fill(Some(fill(BLACK)));
        s.draw_path(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dcc() -> Value {
        json!({
            "ver": "1.3.0",
            "nam": {"fn": "김", "fnt": "KIM", "gn": "민준", "gnt": "MINJUN"},
            "dob": "1990-01-01",
            "v": [{
                "tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
                "ma": "ORG-100030215", "dn": 2, "sd": 2, "dt": "2021-06-22",
                "co": "KR", "is": "KDCA", "ci": "URN:UVCI:01:KR:ABC#1",
            }]
        })
    }

    #[test]
    fn the_printed_fields_come_from_the_certificate_and_the_catalogue() {
        let p = PrintedCertificate::from_dcc(
            &dcc(),
            "HC1:X",
            "2022-06-22",
            &Catalogue::bundled(),
            Utc::now(),
        )
        .unwrap();
        assert_eq!(p.name, "김민준");
        assert_eq!(p.name_icao, "KIM MINJUN");
        assert_eq!(p.product, "Comirnaty (화이자)");
        assert_eq!(p.manufacturer, "Biontech Manufacturing GmbH");
        assert_eq!((p.dose, p.series), (2, 2));
        assert_eq!(p.country, "Korea, Republic of (KR)");
        assert_eq!(p.valid_until, "2022-06-22");
    }

    #[test]
    fn a_latin_name_keeps_its_space_and_a_missing_field_is_named() {
        let mut d = dcc();
        d["nam"] = json!({"fn": "Lee", "fnt": "LEE", "gn": "Anna", "gnt": "ANNA"});
        let p = PrintedCertificate::from_dcc(&d, "HC1:X", "", &Catalogue::bundled(), Utc::now())
            .unwrap();
        assert_eq!(p.name, "Lee Anna");
        d["v"][0].as_object_mut().unwrap().remove("ci");
        let e = PrintedCertificate::from_dcc(&d, "HC1:X", "", &Catalogue::bundled(), Utc::now())
            .unwrap_err();
        assert!(e.contains("ci"), "{e}");
    }

    #[test]
    fn a_character_the_font_lacks_is_refused_by_field() {
        let mut p = PrintedCertificate::from_dcc(
            &dcc(),
            "HC1:X",
            "2022",
            &Catalogue::bundled(),
            Utc::now(),
        )
        .unwrap();
        p.name = "김\u{10FFFD}".into();
        let e = render(&p, Paper::A6).unwrap_err();
        assert!(e.starts_with("Name: ") && e.contains("U+10FFFD"), "{e}");
    }

    #[test]
    fn renders_a_pdf_a_page_on_both_papers() {
        let p = PrintedCertificate::from_dcc(
            &dcc(),
            "HC1:ABC",
            "2022",
            &Catalogue::bundled(),
            Utc::now(),
        )
        .unwrap();
        for paper in [Paper::A4, Paper::A6] {
            let bytes = render(&p, paper).unwrap();
            assert!(bytes.starts_with(b"%PDF-1."), "{paper:?}");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                text.contains("pdfaid:part"),
                "{paper:?}: no PDF/A identification"
            );
        }
    }
}
