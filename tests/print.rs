//! `p` prints the certificate on screen: at the kiosk's certificate view and on the issuer's
//! issued list. With no `printer` configured the PDF is saved in the data folder's `prints/`
//! (0700, files 0600, never over another) and the screen says where; with one, it goes to
//! `lp -d NAME` on standard input (a fake `lp` first on PATH records what it got). Printing is
//! an export: an audit row once the page has left; a failed `lp` shows why and records nothing.
//! The page is sent on a thread of its own: the desk answers keys while a slow `lp` works, and
//! a desk that closes meanwhile stops `lp` (and waits for it), recording a page that left once.

mod common;
mod journeys_support;
mod screens_support;
mod support;

use common::TestDesk;
use ratatui::crossterm::event::KeyCode;
use screens_support::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use vaxdesk::app::Desk;
use vaxdesk::bus::Faults;
use vaxdesk::config::Config;
use vaxdesk::i18n::Lang;
use vaxdesk::store::audit::{self, AuditFilter};
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;

const KIM: &str = "900101-1234567";
const KIM_BIRTH: &str = "1990-01-01";

/// (actor, result, detail) of the `export certificate` rows, oldest first.
fn exports(desk: &Desk) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = audit::page(
        desk.conn(),
        &AuditFilter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|r| r.action == "export certificate")
    .map(|r| (r.actor, r.result, r.detail.unwrap_or_default()))
    .collect();
    rows.reverse();
    rows
}

/// The `export certificate` rows of prints (not of a certificate shown on screen).
fn prints(desk: &Desk) -> Vec<(String, String, String)> {
    exports(desk)
        .into_iter()
        .filter(|(_, _, detail)| detail.contains(" printed "))
        .collect()
}

/// The signed text of certificate `uvci`, as stored.
fn hc1_of(desk: &Desk, uvci: &str) -> String {
    vaxdesk::store::issuance::certificate(desk.conn(), uvci)
        .unwrap()
        .unwrap()
        .payload
        .unwrap()
}

/// Kim's issued certificate on the kiosk's certificate view (the second row of the page).
fn kiosk_on_certificate(desk: &Desk) -> vaxdesk::tui::shell::Shell<'_> {
    let mut k = bare_shell(desk, Some(Role::Citizen));
    sign_in(&mut k, KIM, KIM_BIRTH);
    key(&mut k, KeyCode::Down);
    char_key(&mut k, 'v');
    assert_shows(&screen(&mut k, 120, 40), "p print");
    k
}

/// Lets time pass as the desk's loop does (it ticks) until the print `p` started has its
/// outcome on screen.
fn printed(shell: &mut Shell<'_>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while shell.printing() {
        assert!(Instant::now() < deadline, "the print never ended");
        std::thread::sleep(Duration::from_millis(10));
        shell.tick();
    }
}

/// Waits until `what` holds (bounded: a failure names it).
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// True while process `pid` exists, a zombie included (one nobody waited for).
fn process_exists(pid: &str) -> bool {
    Path::new("/proc").join(pid.trim()).exists()
}

fn tool_exists(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

/// What the PDF says as text (`pdftotext`), when the tool is there.
fn pdf_text(pdf: &Path) -> Option<String> {
    if !tool_exists("pdftotext") {
        eprintln!("pdftotext is missing: the page's text is not checked");
        return None;
    }
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext: {out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The QR code of the page as `zbarimg` reads it at 150 dpi, when the tools are there.
fn pdf_qr(pdf: &Path) -> Option<String> {
    if !tool_exists("pdftoppm") || !tool_exists("zbarimg") {
        eprintln!("pdftoppm or zbarimg is missing: the page's QR code is not scanned");
        return None;
    }
    let prefix = pdf.with_extension("scan");
    let out = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm: {out:?}");
    let png = PathBuf::from(format!("{}.png", prefix.display()));
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success(), "zbarimg found no code: {out:?}");
    let _ = std::fs::remove_file(png);
    Some(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// Checks a printed page: the certificate id in its text, exactly `hc1` in its QR code, no
/// resident id anywhere.
fn check_page(pdf: &Path, uvci: &str, hc1: &str) {
    let bytes = std::fs::read(pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF: {}", pdf.display());
    if let Some(text) = pdf_text(pdf) {
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains(uvci), "the page lacks {uvci}:\n{text}");
        assert!(
            !text.contains("900101"),
            "the resident id is on the page:\n{text}"
        );
    }
    if let Some(scanned) = pdf_qr(pdf) {
        assert_eq!(scanned, hc1, "the page's QR code is not the certificate");
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn p_at_the_kiosk_saves_the_pdf_in_prints_and_says_where() {
    let td = demo();
    let mut k = kiosk_on_certificate(&td.desk);
    char_key(&mut k, 'p');
    printed(&mut k);
    let s = screen(&mut k, 120, 40);
    let prints = td.dir.path().join("prints");
    let files: Vec<PathBuf> = std::fs::read_dir(&prints)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let pdf = &files[0];
    let name = pdf.file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with("certificate-01_KR_") && name.contains("-dose") && name.ends_with(".pdf"),
        "{name}"
    );
    assert_shows(&flat(&s), "No printer is set: saved");
    assert_shows(&s, &name);
    assert_shows(&s, &prints.display().to_string());
    assert_eq!(mode(&prints), 0o700);
    assert_eq!(mode(pdf), 0o600);
    // The audit row: the citizen's session printed it, and where to.
    let rows = exports(&td.desk);
    let (actor, result, detail) = rows.last().unwrap();
    assert!(actor.starts_with("citizen#"), "{rows:?}");
    assert_eq!(result, "ok");
    assert!(
        detail.contains(&format!("printed to {}", pdf.display())),
        "{detail}"
    );
    let uvci = detail.split(' ').next().unwrap();
    check_page(pdf, uvci, &hc1_of(&td.desk, uvci));

    // Again: a new file beside it, never over it.
    char_key(&mut k, 'p');
    printed(&mut k);
    let again = prints.join(name.replace(".pdf", "-2.pdf"));
    assert!(again.exists(), "{}", again.display());
    assert_eq!(std::fs::read_dir(&prints).unwrap().count(), 2);
}

#[test]
fn p_on_the_issuers_list_prints_the_selected_certificate() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    let s = screen(&mut i, 120, 40);
    assert_shows(&s, "p print");
    char_key(&mut i, 'p');
    printed(&mut i);
    let s = flat(&screen(&mut i, 120, 40));
    assert_shows(&s, "No printer is set: saved");
    let rows = exports(&td.desk);
    let (actor, _, detail) = rows.last().unwrap();
    assert_eq!(actor, ISSUER.0);
    assert!(detail.contains("printed to"), "{detail}");
    // `?` lists it: the key and what it does, on one line of the help.
    char_key(&mut i, '?');
    let help = screen(&mut i, 120, 40);
    assert!(
        help.lines().any(|l| {
            let words: Vec<&str> = l.split(['│', ' ']).filter(|w| !w.is_empty()).collect();
            words == ["p", "print"]
        }),
        "expected the help to list p print:\n{help}"
    );
}

/// A folder holding a fake `lp`, first on PATH for this test binary: it records its arguments
/// and standard input beside itself under the queue's name, and fails for `Broken_Queue` the
/// way CUPS's lp does; for `Slow_Queue` (and `Slow_Queue_Pty`) it hangs (for two minutes), as a stuck lp does. Its
/// process id is left in `pid-QUEUE`.
fn fake_lp() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let lp = dir.join("lp");
        std::fs::write(
            &lp,
            "#!/bin/sh\n\
             here=$(dirname \"$0\")\n\
             echo $$ > \"$here/pid-$2\"\n\
             if [ \"${2%_Pty}\" = Slow_Queue ]; then\n\
             \x20 cat >/dev/null\n\
             \x20 exec sleep 120\n\
             fi\n\
             if [ \"$2\" = Broken_Queue ]; then\n\
             \x20 cat >/dev/null\n\
             \x20 echo 'lp: The printer or class does not exist.' >&2\n\
             \x20 exit 1\n\
             fi\n\
             printf '%s\\n' \"$@\" > \"$here/args-$2\"\n\
             cat > \"$here/stdin-$2.pdf\"\n\
             echo \"request id is $2-7 (0 file(s))\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&lp, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![dir.clone()];
        dirs.extend(std::env::split_paths(&path));
        // SAFETY: set once, before any test of this binary spawns `lp`; the other tests here
        // only read PATH to find poppler and zbar, which stay on it.
        unsafe { std::env::set_var("PATH", std::env::join_paths(dirs).unwrap()) };
        dir
    })
}

fn desk_with_printer(name: &str) -> TestDesk {
    let config = Config {
        printer: Some(name.to_string()),
        ..Config::default()
    };
    let td = TestDesk::with(config, Faults::none());
    seed(&td.desk);
    td
}

#[test]
fn with_a_printer_the_pdf_goes_to_lp_on_that_queue() {
    let bin = fake_lp();
    let td = desk_with_printer("Front_Desk");
    let before = prints(&td.desk).len();
    let mut k = kiosk_on_certificate(&td.desk);
    char_key(&mut k, 'p');
    assert_shows(&screen(&mut k, 120, 40), "Printing the certificate…");
    printed(&mut k);
    let s = flat(&screen(&mut k, 120, 40));
    assert_shows(&s, "was sent to printer Front_Desk");
    assert_shows(&s, "request id is Front_Desk-7");
    let args = std::fs::read_to_string(bin.join("args-Front_Desk")).unwrap();
    assert_eq!(args, "-d\nFront_Desk\n");
    assert_eq!(prints(&td.desk).len(), before + 1, "one page, one row");
    let rows = exports(&td.desk);
    let (_, result, detail) = rows.last().unwrap();
    assert_eq!(result, "ok");
    assert!(detail.ends_with("printed on queue Front_Desk"), "{detail}");
    let uvci = detail.split(' ').next().unwrap();
    check_page(
        &bin.join("stdin-Front_Desk.pdf"),
        uvci,
        &hc1_of(&td.desk, uvci),
    );
    // Nothing was saved instead.
    assert!(!td.dir.path().join("prints").exists());
}

/// A queue lp refuses: the screen says why, and no "printed" row is written (nothing left
/// the desk, as a failed `cert export` records nothing).
#[test]
fn a_failing_lp_is_shown_and_records_nothing() {
    fake_lp();
    let td = desk_with_printer("Broken_Queue");
    let before = exports(&td.desk).len();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    char_key(&mut i, 'p');
    printed(&mut i);
    let s = flat(&screen(&mut i, 120, 40));
    assert_shows(&s, "Not printed");
    assert_shows(&s, "Broken_Queue");
    assert_shows(&s, "printer or class does not exist");
    assert_eq!(exports(&td.desk).len(), before);
}

#[test]
fn a_revoked_certificate_is_not_printed() {
    let td = demo();
    let mut i = shell(&td.desk, Some(Role::Issuer));
    tab(&mut i);
    let uvci = {
        let page = vaxdesk::app::views::issuer_board::issued_page(
            &td.desk,
            &vaxdesk::app::views::issuer_board::IssuedFilter::All,
            &vaxdesk::app::views::issuer_board::IssuedAnchor::First,
            1,
        )
        .unwrap();
        page[0].cert.uvci.clone()
    };
    let stamp = td.desk.stamp("issuer.lee");
    td.desk
        .run(|ctx| vaxdesk::app::commands::revoke(ctx, &stamp, &uvci, "issued in error"))
        .unwrap();
    let before = exports(&td.desk).len();
    char_key(&mut i, 'p');
    assert!(!i.printing(), "nothing to send");
    let s = flat(&screen(&mut i, 120, 40));
    assert_shows(&s, "was revoked; it is not printed");
    assert_eq!(exports(&td.desk).len(), before);
    assert!(!td.dir.path().join("prints").exists());
}

/// A hung `lp` does not hold up the desk: the screen says it is printing and answers keys
/// meanwhile; a desk closed while `lp` still runs stops it and waits for it (no process is
/// left, not even a zombie), and records nothing: the page did not leave.
#[test]
fn a_hung_lp_leaves_the_desk_answering_and_is_stopped_when_it_closes() {
    let bin = fake_lp();
    let td = desk_with_printer("Slow_Queue");
    let before = prints(&td.desk).len();
    let mut k = kiosk_on_certificate(&td.desk);
    let pid_file = bin.join("pid-Slow_Queue");
    let _ = std::fs::remove_file(&pid_file);
    char_key(&mut k, 'p');
    assert!(k.printing());
    assert_shows(&screen(&mut k, 120, 40), "Printing the certificate…");
    wait_until("lp to start", || pid_file.exists());
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    wait_until("lp to say its id", || !pid.trim().is_empty());
    // The desk answers while lp hangs: the text form, then back to the page.
    char_key(&mut k, 't');
    assert_shows(&screen(&mut k, 120, 40), "HC1:");
    esc(&mut k);
    k.tick();
    let s = screen(&mut k, 120, 40);
    assert_shows(&s, "Comirnaty");
    assert_shows(&s, "Printing the certificate…");
    assert!(k.printing() && process_exists(&pid));
    // A second `p` while the first prints is refused, not queued behind it.
    char_key(&mut k, 'v');
    char_key(&mut k, 'p');
    assert_shows(
        &flat(&screen(&mut k, 120, 40)),
        "A certificate is still printing",
    );
    // The desk closes (quit, a signal or a closed terminal all end this way).
    drop(k);
    assert!(!process_exists(&pid), "lp {pid} was left behind");
    assert_eq!(
        prints(&td.desk).len(),
        before,
        "a page that did not leave is not recorded"
    );
}

/// A page that left while nobody looked (the desk's loop had not taken the outcome yet) is
/// recorded when the desk closes, once.
#[test]
fn a_page_that_left_before_the_desk_closed_is_recorded_once() {
    let bin = fake_lp();
    let td = desk_with_printer("Closing_Desk");
    let before = prints(&td.desk).len();
    let mut k = kiosk_on_certificate(&td.desk);
    let pid_file = bin.join("pid-Closing_Desk");
    let _ = std::fs::remove_file(&pid_file);
    char_key(&mut k, 'p');
    wait_until("lp to start", || {
        std::fs::read_to_string(&pid_file).is_ok_and(|p| !p.trim().is_empty())
    });
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    // lp ended and was waited for: the page left.
    wait_until("lp to end", || !process_exists(&pid));
    assert!(k.printing(), "no tick took the outcome");
    drop(k);
    let rows = prints(&td.desk);
    assert_eq!(rows.len(), before + 1, "{rows:?}");
    assert!(
        rows.last()
            .unwrap()
            .2
            .ends_with("printed on queue Closing_Desk"),
        "{rows:?}"
    );
}

/// The real desk with a hung `lp`, in a terminal: it says it is printing and goes on answering
/// keys; told to stop (SIGTERM) it ends, the terminal restored, having stopped `lp` on its way
/// out (none is left running) and recorded no print.
#[test]
fn a_desk_stopped_while_lp_hangs_ends_and_leaves_no_lp() {
    use journeys_support::keys::{ENTER, ESC, TAB};
    let bin = fake_lp();
    let config = tempfile::tempdir().unwrap();
    let config = config.path().join("config.toml");
    std::fs::write(&config, "printer = \"Slow_Queue_Pty\"\n").unwrap();
    let pid_file = bin.join("pid-Slow_Queue_Pty");
    let _ = std::fs::remove_file(&pid_file);
    // The desk inherits this process's PATH, with the fake lp first on it.
    let mut desk =
        journeys_support::Desk::demo(&["--config", config.to_str().unwrap(), "--role", "citizen"]);
    desk.wait_for("Sign in");
    desk.type_text(KIM);
    desk.send(TAB);
    desk.type_text(KIM_BIRTH);
    desk.send(ENTER);
    desk.wait_for("Comirnaty");
    desk.send("j");
    desk.send("v");
    desk.wait_for("p print");
    desk.send("p");
    desk.wait_for("Printing the certificate");
    wait_until("lp to start", || {
        std::fs::read_to_string(&pid_file).is_ok_and(|p| !p.trim().is_empty())
    });
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    // Keys still work while lp hangs: Esc closes the certificate.
    desk.send(ESC);
    desk.wait_until("the page again, still printing", |s| {
        !s.contains("p print") && s.contains("Comirnaty") && s.contains("Printing")
    });
    assert!(process_exists(&pid), "lp is still at work");
    desk.signal("TERM");
    desk.expect_clean_exit();
    assert!(!process_exists(&pid), "lp {pid} outlived the desk");
    let audit = desk.run_subcommand(&["audit", "--json"]);
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(
        !audit.contains("Slow_Queue_Pty"),
        "a page that did not leave was recorded: {audit}"
    );
}

/// In Korean, why a page was not printed reads in Korean (lp's own words stay lp's).
#[test]
fn a_failing_lp_is_said_in_korean() {
    fake_lp();
    let td = desk_with_printer("Broken_Queue");
    let mut i = shell_in(&td.desk, Some(Role::Issuer), Lang::Ko);
    tab(&mut i);
    char_key(&mut i, 'p');
    assert_shows(&screen(&mut i, 120, 40), "증명서를 인쇄하는 중입니다…");
    printed(&mut i);
    let s = flat(&screen(&mut i, 120, 40));
    assert_shows(&s, "인쇄하지 못했습니다");
    assert_shows(&s, "프린터 Broken_Queue: lp가 실패했습니다 (종료 코드 1)");
    assert_hides(&s, "Not printed");
    assert_hides(&s, "exit status");
}

/// The desk with `printer` set where there is no `lp` at all (a PATH without it): `p` says so
/// and how to do without, and records nothing.
#[test]
fn a_missing_lp_is_named_on_screen() {
    use std::io::{Read, Write};
    let desk = support::Desk::new();
    let seed = desk.write("demo-seed.toml", include_str!("../assets/demo-seed.toml"));
    support::run(desk.command().arg("seed").arg(&seed)).ok();
    desk.write("config.toml", "printer = \"Front_Desk\"\n");
    let empty = desk.path("no-programs");
    std::fs::create_dir_all(&empty).unwrap();
    let (master, mut child) = desk.spawn_in_pty(
        &["--config", "config.toml", "--role", "citizen"],
        &[
            ("PATH", empty.to_str().unwrap()),
            ("VAXDESK_GRAPHICS", "off"),
        ],
        120,
    );
    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut reader = master.try_clone_reader().unwrap();
    let shared = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            shared.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let shows = |needle: &str| {
        let o = out.lock().unwrap();
        o.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    let wait = |what: &str, needle: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !shows(needle) {
            assert!(std::time::Instant::now() < deadline, "{what}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    wait("the kiosk did not start", "Welcome");
    let mut keys = master.take_writer().unwrap();
    for k in ["900101-1234567", "\t", "1990-01-01", "\r"] {
        keys.write_all(k.as_bytes()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    wait("no page after signing in", "Comirnaty");
    for k in ["j", "v"] {
        keys.write_all(k.as_bytes()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    wait("no certificate view", "needs");
    keys.write_all(b"p").unwrap();
    // Spaces equal to what was under them are not sent again: look for whole words.
    wait("no word of the missing lp", "cups-client");
    let _ = child.kill();
    let _ = child.wait();
    let rows = support::run(desk.command().args(["audit", "--json"])).ok();
    assert!(
        !rows.stdout.contains("printed on queue"),
        "a print was recorded: {}",
        rows.stdout
    );
}
