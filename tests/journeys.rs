//! End-to-end journeys: the real binary in a pseudo-terminal, driven by keys, read through a
//! terminal emulator. Each journey ends by quitting and checking that the terminal is restored
//! (main screen, cursor shown, leave-alternate-screen written, exit status 0).

mod journeys_support;

use journeys_support::keys::{CTRL_BACKSLASH, CTRL_C, CTRL_D, CTRL_Z, DOWN, ENTER, ESC, TAB};
use journeys_support::{Desk, home, plain_command};
use std::process::Stdio;

/// Prints the screen a journey ends on (shown with `--nocapture`).
fn show(journey: &str, screen: &str) {
    println!("=== {journey}: the screen before quitting\n{screen}\n=== end of {journey}");
}

#[test]
fn citizen_signs_in_and_sees_an_issued_certificate() {
    let mut desk = Desk::demo(&["--role", "citizen"]);
    desk.wait_for_all(&["Sign in", "Resident id", "Date of birth"]);

    desk.type_text("900101-1234567");
    desk.send(TAB);
    desk.type_text("1990-01-01");
    desk.send(ENTER);
    let page = desk.wait_for_all(&["김 민준", "born 1990-01-01", "Dose", "Certificate"]);
    // The kiosk shows one's own id masked.
    assert!(
        page.contains("900101-1******"),
        "the citizen page should show the masked id:\n{page}"
    );

    // The first dose waits for the issuer; the next one down is ISSUED.
    desk.wait_for("waiting for the issuer");
    desk.send(DOWN);
    let screen = desk.wait_for("Certificate URN:UVCI:01:KR:");
    assert!(
        screen.contains("ISSUED") && screen.contains("valid until"),
        "an issued dose should show its status and validity:\n{screen}"
    );

    show("citizen", &screen);
    // The kiosk closes only for staff.
    desk.send("q");
    desk.wait_for_all(&["Staff only: close the kiosk", "Demo accounts"]);
    desk.type_text("demo.manager");
    desk.send(TAB);
    desk.type_text("manager-demo-pass");
    desk.send(ENTER);
    desk.expect_clean_exit();
    desk.assert_id_nowhere("900101-1234567");
}

#[test]
fn manager_searches_opens_and_registers_a_citizen() {
    let mut desk = Desk::demo(&["--role", "manager"]);
    desk.staff_sign_in("demo.manager", "manager-demo-pass");
    desk.wait_for_all(&[
        "Citizens (9)",
        "정 유나",
        "Injection manager · demo.manager",
    ]);

    desk.send("/");
    desk.wait_for("Search:");
    desk.type_text("김");
    // The list narrows to names starting with 김.
    desk.wait_until("the search for 김 to narrow the list to 김 민준", |s| {
        s.contains("Search: 김") && s.contains("김 민준") && !s.contains("정 유나")
    });

    desk.send(ENTER); // ends the search
    desk.send(ENTER); // opens the selected citizen
    desk.wait_for_all(&["900101-1******", "Injections", "Applications"]);

    desk.send(ESC);
    desk.wait_until("the citizen list again", |s| {
        s.contains("Search: 김") && !s.contains("Injections")
    });
    desk.send("n");
    desk.wait_for_all(&["Register citizen", "Resident id", "Family name"]);
    desk.type_text("010203-3456789");
    desk.send(TAB);
    desk.type_text("박");
    desk.send(TAB);
    desk.type_text("서준");
    // The machine-readable forms follow the names as they are typed.
    desk.wait_for_all(&["Family (MRZ)    PARK", "Given (MRZ)     SEOJUN"]);
    desk.send(TAB); // Family (MRZ): keep what the name suggested
    desk.send(TAB); // Given (MRZ): keep what the name suggested
    desk.send(TAB);
    desk.type_text("2001-02-03");
    desk.wait_for("2001-02-03");
    desk.send(ENTER);

    desk.wait_until(
        "the toast 'Registered 박 서준' or the new citizen's detail",
        |s| s.contains("Registered 박 서준") || s.contains("PARK"),
    );
    let screen = desk.wait_for_all(&["박 서준", "010203-3******", "PARK", "born 2001-02-03"]);

    show("manager", &screen);
    desk.send("q");
    desk.expect_clean_exit();

    // The registration was saved.
    let out = desk.run_subcommand(&["status", "--citizen", "010203-3456789", "--json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("서준"),
        "status of the new citizen: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    desk.assert_id_nowhere("010203-3456789");
}

#[test]
fn issuer_issues_the_oldest_application() {
    let mut desk = Desk::demo(&["--role", "issuer"]);
    desk.staff_sign_in("demo.issuer", "issuer-demo-pass");
    let queue = desk.wait_for_all(&["Queue 4 pending", "정 유나", "Recently issued"]);
    assert!(
        queue.contains("김 민준"),
        "the oldest pending application (김 민준, dose 1) should be listed:\n{queue}"
    );

    desk.send("i");
    desk.wait_for_all(&["Issue certificate", "Issue a certificate to 김 민준"]);
    desk.send("y");
    desk.wait_for("Issued URN:UVCI:01:KR:");
    let screen = desk.wait_for("Queue 3 pending");

    show("issuer", &screen);
    desk.send("q");
    desk.expect_clean_exit();
}

#[test]
fn role_picker_opens_the_citizen_kiosk_and_only_staff_close_it() {
    let mut desk = Desk::demo(&[]);
    desk.wait_for_all(&["Who is at the desk?", "Certificate issuer"]);
    desk.send("3");
    let screen = desk.wait_for_all(&["Sign in", "Resident id"]);
    assert!(
        !screen.contains("Who is at the desk?"),
        "the picker should be gone:\n{screen}"
    );

    show("role picker", &screen);
    // Ctrl-C asks for staff; Esc keeps the kiosk; keys that are signals elsewhere are keys.
    desk.send(CTRL_C);
    desk.wait_for("Closing the kiosk needs a manager or an issuer.");
    desk.send(ESC);
    desk.wait_until("the kiosk again", |s| {
        s.contains("Resident id") && !s.contains("close the kiosk")
    });
    for key in [CTRL_BACKSLASH, CTRL_Z, CTRL_D] {
        desk.send(key);
    }
    desk.send(CTRL_C);
    desk.wait_for("Staff only: close the kiosk");
    desk.type_text("demo.issuer");
    desk.send(TAB);
    desk.type_text("issuer-demo-pass");
    desk.send(ENTER);
    desk.expect_clean_exit();
}

/// A signal stops the desk and the terminal is restored; the desk handles it (it is not
/// killed by it).
fn stops_on(signal: &str) {
    let mut desk = Desk::demo(&["--role", "citizen"]);
    let screen = desk.wait_for("Sign in");
    show(&format!("SIG{signal}"), &screen);
    desk.signal(signal);
    let status = desk.wait_exit();
    assert!(
        status.signal().is_none(),
        "SIG{signal} should be handled, not kill the desk: {status}"
    );
    assert!(
        status.success(),
        "after SIG{signal} the desk exited with {status}"
    );
    desk.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    stops_on("TERM");
}

#[test]
fn sighup_restores_the_terminal() {
    stops_on("HUP");
}

/// SIGINT sent as a signal (not Ctrl-C typed, which is a key in raw mode) is the operator's
/// stop: the desk ends and restores the terminal.
#[test]
fn sigint_restores_the_terminal() {
    stops_on("INT");
}

#[test]
fn issuer_desk_at_120x40_shows_recently_issued() {
    let mut desk = Desk::demo_sized(&["--role", "issuer"], 40, 120);
    desk.staff_sign_in("demo.issuer", "issuer-demo-pass");
    let screen = desk.wait_for_all(&[
        "Certificate issuer",
        "Queue 4 pending",
        "Recently issued",
        "URN:UVCI:01:KR:",
        "Nguyễn Thị Mai",
    ]);
    show("issuer 120x40", &screen);
    desk.send("q");
    desk.expect_clean_exit();
}

#[test]
fn without_a_terminal_the_desk_refuses() {
    let dir = home();
    let out = plain_command(dir.path())
        .arg("--db")
        .arg(dir.path().join("d.db"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "no terminal: {:?}\n{stderr}",
        out.status
    );
    assert!(
        stderr.contains("needs a terminal"),
        "the message should say a terminal is needed:\n{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing should be drawn on a pipe: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}
