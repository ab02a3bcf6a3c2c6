//! The printed certificate (`cert export --format pdf`) through the binary, read back with the
//! tools a print shop or an archive would use: qpdf checks the file, poppler shows the page
//! size, the embedded font subset and the text, and zbar scans the QR code off a 150 dpi
//! rendering. The tools come from `.ci/run` (poppler-utils, qpdf, zbar-tools).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::{Desk, apply, inject, issue, register};

const KIM: &str = "900101-1234567";
/// 똠 is outside the common 2,350-syllable set: the font must hold all 11,172.
const WOO: &str = "850505-2345678";

/// KIM has dose 2 of 2 issued; WOO (우똠) dose 1.
fn issued_desk() -> Desk {
    let desk = Desk::new();
    desk.seed_ok(
        "day.toml",
        &[
            register(KIM, "김", "민준", "1990-01-01"),
            inject(KIM, 1, "2021-06-01", "FA4598"),
            inject(KIM, 2, "2021-06-22", "FA4599"),
            apply(KIM, 2),
            issue(KIM, 2),
            register(WOO, "우", "똠", "1985-05-05"),
            inject(WOO, 1, "2021-07-01", "FA4600"),
            apply(WOO, 1),
            issue(WOO, 1),
        ]
        .concat(),
    );
    desk
}

/// Runs a tool the tests need: its exit code and standard output (standard error appended
/// when it failed). A missing tool fails the test (`.ci/run` installs them).
fn tool(name: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (apt-get install it, see .ci/run): {e}"));
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (out.status.code().unwrap_or(-1), text)
}

fn export(desk: &Desk, citizen: &str, dose: &str, format: &str, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "cert",
        "export",
        "--citizen",
        citizen,
        "--dose",
        dose,
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    desk.run(&args)
}

/// The printed certificate of a dose on a paper, as a file.
fn print(desk: &Desk, citizen: &str, dose: &str, paper: &str) -> PathBuf {
    let path = desk.path(&format!("{citizen}-{dose}-{paper}.pdf"));
    let out = path.to_str().unwrap().to_string();
    export(
        desk,
        citizen,
        dose,
        "pdf",
        &["--paper", paper, "--out", &out],
    )
    .ok();
    path
}

fn text_of(pdf: &Path) -> String {
    let (code, text) = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert_eq!(code, 0, "pdftotext: {text}");
    text
}

/// The page size in points, rounded, as pdfinfo reports it.
fn page_size(pdf: &Path) -> (i64, i64, i64) {
    let (code, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "pdfinfo: {info}");
    let pages: i64 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo names the page count")
        .trim()
        .parse()
        .unwrap();
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .expect("pdfinfo names the page size");
    let numbers: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (pages, numbers[0].round() as i64, numbers[1].round() as i64)
}

/// The page rendered at 150 dpi: the PNG, its width and height, and its pixels in grey.
fn rendered(pdf: &Path) -> (PathBuf, usize, usize, Vec<u8>) {
    let prefix = pdf.with_extension("");
    let (code, text) = tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "pdftoppm: {text}");
    let png_path = prefix.with_extension("png");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (frame.width as usize, frame.height as usize);
    let channels = frame.color_type.samples();
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let luma = buf
        .chunks(frame.line_size)
        .take(h)
        .flat_map(|row| row.chunks(channels).take(w))
        .map(|px| {
            px.iter()
                .take(3)
                .map(|&c| u32::from(c))
                .min()
                .unwrap_or(255) as u8
        })
        .collect();
    (png_path, w, h, luma)
}

/// What zbar reads off the page rendered at 150 dpi (every symbol, one a line), and the width
/// of the QR code (its modules, without the quiet zone) in millimetres.
fn scanned(pdf: &Path) -> (String, f64) {
    let (png_path, w, _, luma) = rendered(pdf);
    let (code, text) = tool("zbarimg", &["--quiet", "--raw", png_path.to_str().unwrap()]);
    assert_eq!(code, 0, "zbarimg found no code: {text}");
    let modules = vaxdesk::cert::qr::encode(text.trim_end()).unwrap().width();
    let px = qr_width_px(&luma, w, modules);
    (text, px / 150.0 * 25.4)
}

/// The width in pixels of a QR code of `modules` modules a side: on some row, the outer edges
/// of the two top finder patterns (dark-light-dark-light-dark runs of 1:1:3:1:1 modules) that
/// are `modules - 7` modules apart.
fn qr_width_px(luma: &[u8], w: usize, modules: usize) -> f64 {
    let mut widest: f64 = 0.0;
    for row in luma.chunks(w) {
        // Runs of (dark, start, length).
        let mut runs: Vec<(bool, usize, usize)> = Vec::new();
        for (x, &p) in row.iter().enumerate() {
            let dark = p < 128;
            match runs.last_mut() {
                Some((d, _, len)) if *d == dark => *len += 1,
                _ => runs.push((dark, x, 1)),
            }
        }
        // Finder patterns on this row: (left edge, right edge, module size).
        let finders: Vec<(f64, f64, f64)> = runs
            .windows(5)
            .filter(|r| r[0].0)
            .filter_map(|r| {
                let total: usize = r.iter().map(|run| run.2).sum();
                let unit = total as f64 / 7.0;
                let fits = r
                    .iter()
                    .zip([1.0, 1.0, 3.0, 1.0, 1.0])
                    .all(|(run, m)| (run.2 as f64 - m * unit).abs() <= 0.6 * unit);
                (fits && unit >= 2.0).then(|| (r[0].1 as f64, (r[4].1 + r[4].2) as f64, unit))
            })
            .collect();
        for a in &finders {
            for b in &finders {
                let span = b.1 - a.0;
                let unit = (a.2 + b.2) / 2.0;
                if (span / unit - modules as f64).abs() <= 1.0 {
                    widest = widest.max(span);
                }
            }
        }
    }
    assert!(
        widest > 0.0,
        "no QR code of {modules} modules found on the page"
    );
    widest
}

fn assert_font_embedded_as_subset(pdf: &Path) {
    let (code, fonts) = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "pdffonts: {fonts}");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert!(n >= 7, "{row}");
        assert!(cols[0].contains("+Nanum"), "a subset of NanumGothic: {row}");
        assert_eq!(
            (cols[n - 5], cols[n - 4]),
            ("yes", "yes"),
            "emb, sub: {row}"
        );
    }
}

fn assert_no_resident_id(pdf: &Path, text: &str, id: &str) {
    let digits: String = id.chars().filter(char::is_ascii_digit).collect();
    let bytes = std::fs::read(pdf).unwrap();
    for form in [id, digits.as_str(), &id[7..]] {
        assert!(
            !text.contains(form),
            "the resident id ({form}) is printed:\n{text}"
        );
        assert!(
            !bytes.windows(form.len()).any(|w| w == form.as_bytes()),
            "the resident id ({form}) is in the file"
        );
    }
}

#[test]
fn a4_and_a6_pages_check_show_the_certificate_and_scan_to_its_hc1() {
    let desk = issued_desk();
    let hc1 = export(&desk, KIM, "2", "hc1", &[]).ok().stdout;
    let hc1 = hc1.trim_end();
    let uvci: String = rusqlite::Connection::open(&desk.db)
        .unwrap()
        .query_row(
            "SELECT uvci FROM certificates c JOIN injections i ON i.id = c.injection_id \
             WHERE i.dose = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for (paper, size, min_qr_mm) in [("a4", (595, 842), 50.0), ("a6", (298, 420), 40.0)] {
        let pdf = print(&desk, KIM, "2", paper);
        let (code, check) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
        assert_eq!(code, 0, "{paper}: qpdf --check:\n{check}");
        assert!(
            check.contains("No syntax or stream encoding errors"),
            "{check}"
        );
        assert_eq!(page_size(&pdf), (1, size.0, size.1), "{paper}");
        assert_font_embedded_as_subset(&pdf);
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(
            String::from_utf8_lossy(&bytes).contains("<pdfaid:part>2</pdfaid:part>"),
            "{paper}: identifies itself as PDF/A-2"
        );

        let text = text_of(&pdf);
        for shown in [
            "코로나19 예방접종 증명서",
            "COVID-19 Vaccination Certificate",
            "김민준",
            "KIM MINJUN",
            "1990-01-01",
            "Comirnaty (화이자)",
            "Biontech Manufacturing GmbH",
            "2/2",
            "2021-06-22",
            "Korea, Republic of (KR)",
            uvci.as_str(),
        ] {
            assert!(text.contains(shown), "{paper}: {shown:?} not in:\n{text}");
        }
        assert_no_resident_id(&pdf, &text, KIM);

        let (read, qr_mm) = scanned(&pdf);
        assert_eq!(
            read.trim_end(),
            hc1,
            "{paper}: the QR code reads the HC1 text"
        );
        assert!(
            qr_mm >= min_qr_mm,
            "{paper}: the QR code is {qr_mm:.1} mm wide, at least {min_qr_mm} mm needed"
        );
    }
}

#[test]
fn a_name_outside_the_common_syllables_is_printed() {
    let desk = issued_desk();
    let pdf = print(&desk, WOO, "1", "a6");
    assert_font_embedded_as_subset(&pdf);
    let text = text_of(&pdf);
    assert!(text.contains("우똠"), "the name with 똠:\n{text}");
    assert!(text.contains("1/2"), "the dose:\n{text}");
    assert_no_resident_id(&pdf, &text, WOO);
    let hc1 = export(&desk, WOO, "1", "hc1", &[]).ok().stdout;
    assert_eq!(scanned(&pdf).0, hc1, "one QR code, the HC1 text");
}

#[test]
fn the_paper_is_a4_unless_asked_and_other_sizes_are_usage_errors() {
    let desk = issued_desk();
    let out = desk.path("default.pdf");
    export(&desk, KIM, "2", "pdf", &["--out", out.to_str().unwrap()]).ok();
    assert_eq!(page_size(&out), (1, 595, 842));

    let a5 = export(&desk, KIM, "2", "pdf", &["--paper", "a5"]).usage();
    assert!(
        a5.stderr.contains("'a5'") && a5.stderr.contains("a4") && a5.stderr.contains("a6"),
        "{}",
        a5.stderr
    );
    let png = export(&desk, KIM, "2", "png", &["--paper", "a6"]).refused();
    assert!(png.stderr.contains("--paper"), "{}", png.stderr);
}

#[test]
fn without_out_the_pdf_goes_to_standard_output_whole() {
    let desk = issued_desk();
    let out = desk
        .command()
        .args([
            "cert",
            "export",
            "--citizen",
            KIM,
            "--dose",
            "2",
            "--format",
            "pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.starts_with(b"%PDF-1.7"),
        "a PDF on standard output"
    );
    let path = desk.write("stdout.pdf", "");
    std::fs::write(&path, &out.stdout).unwrap();
    let (code, check) = tool("qpdf", &["--check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{check}");
    // The export is audited like any other.
    let audited: i64 = rusqlite::Connection::open(&desk.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'export certificate' AND detail LIKE '%as pdf%'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(-1);
    assert_eq!(audited, 1);
}
