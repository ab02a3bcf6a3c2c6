//! A desk whose terminal goes away ends: the real binary in a pseudo-terminal whose other side
//! is closed (with the hang-up signal a closed window sends, and without it), and signals that
//! come while the desk is busy. Timeouts only bound the waiting; nothing here measures time.

mod journeys_support;

use journeys_support::keys::{CTRL_C, ENTER, TAB};
use journeys_support::{Desk, TIMEOUT, home, plain_command, read_until_closed};
use std::io::Write;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A pseudo-terminal pair: (the side a terminal window holds, the side the desk reads).
fn open_pty() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: two out-parameters, no name buffer, no termios, a valid winsize.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // Not inherited by the desk: a child holding the other side would keep the terminal open.
    for fd in [master, slave] {
        // SAFETY: fcntl on a descriptor openpty just opened.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    // SAFETY: openpty returned two open descriptors that nothing else owns.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

#[test]
fn the_terminal_check_sees_a_closed_terminal() {
    let (master, slave) = open_pty();
    assert!(
        !vaxdesk::tui::terminal_gone(slave.as_fd()),
        "an open terminal is there"
    );
    drop(master);
    assert!(
        vaxdesk::tui::terminal_gone(slave.as_fd()),
        "a terminal whose other side closed is gone"
    );
    let file = std::fs::File::open("/dev/null").unwrap();
    assert!(
        vaxdesk::tui::terminal_gone(file.as_fd()),
        "a file that is no terminal is no terminal to read keys from"
    );
}

#[test]
fn closing_the_terminal_ends_the_desk() {
    for role in ["citizen", "manager"] {
        let mut desk = Desk::demo(&["--role", role]);
        desk.wait_for("Sign in");
        desk.hang_up();
        let status = desk.wait_exit();
        assert!(
            status.success(),
            "the {role} desk ends when its terminal closes: {status}"
        );
    }
}

/// The desk in a terminal it does not control (its own session): closing the other side
/// sends it no hang-up signal, so only reading end-of-file can tell it the terminal is gone.
#[test]
fn end_of_file_on_the_terminal_ends_the_desk_without_a_signal() {
    ends_at_end_of_file(false);
}

/// The same while the desk waits for another desk's lock (for up to 30 s): it does not wait.
#[test]
fn end_of_file_ends_a_desk_busy_waiting_for_the_database() {
    ends_at_end_of_file(true);
}

fn ends_at_end_of_file(busy: bool) {
    let dir = home();
    let (master, slave) = open_pty();
    let fd = |f: &OwnedFd| Stdio::from(f.try_clone().unwrap());
    let mut cmd = plain_command(dir.path());
    cmd.args(["--demo", "--db"])
        .arg(dir.path().join("d.db"))
        .args(["--role", "citizen"])
        .env("TERM", "xterm-256color")
        .stdin(fd(&slave))
        .stdout(fd(&slave))
        .stderr(fd(&slave));
    // SAFETY: setsid is async-signal-safe; a new session has no controlling terminal.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("the desk starts");
    drop(cmd);
    drop(slave);
    // Read what the desk draws (a full terminal buffer would stop it) into a screen.
    let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
    let closed = Arc::new(AtomicBool::new(false));
    {
        let (parser, closed) = (Arc::clone(&parser), Arc::clone(&closed));
        let fd = master.try_clone().unwrap();
        std::thread::spawn(move || {
            read_until_closed(fd, &closed, |bytes| parser.lock().unwrap().process(bytes));
        });
    }
    let deadline = Instant::now() + TIMEOUT;
    while !parser
        .lock()
        .unwrap()
        .screen()
        .contents()
        .contains("Sign in")
    {
        if Instant::now() >= deadline || matches!(child.try_wait(), Ok(Some(_))) {
            let _ = child.kill();
            panic!(
                "the kiosk never showed:\n{}",
                parser.lock().unwrap().screen().contents()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // Another desk holds the write lock while a kiosk sign-in waits for it.
    let other = rusqlite::Connection::open(dir.path().join("d.db")).unwrap();
    if busy {
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut keys = std::fs::File::from(master.try_clone().unwrap());
        keys.write_all(b"900101-1234567\t1990-01-01\r").unwrap();
        // Give the keys time to arrive (the test holds either way).
        std::thread::sleep(Duration::from_millis(300));
    }
    closed.store(true, Ordering::SeqCst);
    drop(master);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the desk kept running after its terminal closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        (status.code(), status.signal()),
        (Some(0), None),
        "the desk ends by itself, quietly"
    );
    if busy {
        other.execute_batch("ROLLBACK").unwrap();
        let signed_in: i64 = other
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'kiosk sign-in'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(signed_in, 0, "the unfinished sign-in is not kept");
    }
}

/// A signal while the desk waits for another desk's lock: the desk does not wait the lock out;
/// it restores the terminal and ends, and the sign-in it was doing is not kept.
#[test]
fn a_signal_ends_a_desk_busy_waiting_for_the_database() {
    for signal in ["TERM", "INT", "HUP"] {
        let mut desk = Desk::demo(&["--role", "citizen"]);
        desk.wait_for("Sign in");
        let other = rusqlite::Connection::open(desk.db()).unwrap();
        let before: i64 = other
            .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
            .unwrap();
        // Another desk holds the write lock for the whole test.
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        desk.type_text("900101-1234567");
        desk.send(TAB);
        desk.type_text("1990-01-01");
        desk.send(ENTER);
        // Give the key time to arrive, so the desk is waiting for the lock when the signal
        // comes (the test holds either way).
        std::thread::sleep(Duration::from_millis(300));
        desk.signal(signal);
        let status = desk.wait_exit();
        assert!(
            status.success(),
            "SIG{signal}: the busy desk ends, handled: {status}"
        );
        desk.assert_restored();
        other.execute_batch("ROLLBACK").unwrap();
        let after: i64 = other
            .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            before, after,
            "SIG{signal}: the unfinished sign-in is not kept"
        );
    }
}

/// Ctrl-C, SIGINT or SIGTERM while the desk asks the terminal which pictures it shows (at its
/// start; nobody answers here, so the desk waits its 400 ms for answers): the desk ends as it
/// always does on those, and the terminal is as it was before, echo and line editing on.
#[test]
fn stopping_the_desk_while_it_asks_the_terminal_leaves_the_terminal_restored() {
    let asked = vaxdesk::tui::widgets::graphics::QUERY.as_bytes();
    for how in ["Ctrl-C", "INT", "TERM"] {
        let mut desk = Desk::demo(&["--role", "manager"]);
        let wanted = libc::ECHO | libc::ICANON;
        assert_eq!(
            desk.local_modes() & wanted,
            wanted,
            "a terminal as a shell leaves it"
        );
        let deadline = Instant::now() + TIMEOUT;
        while !desk.raw().windows(asked.len()).any(|w| w == asked) {
            assert!(
                Instant::now() < deadline,
                "{how}: the desk never asked the terminal"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        match how {
            "Ctrl-C" => desk.send(CTRL_C),
            signal => {
                // SAFETY: kill(2) on the desk's own process id.
                let rc = unsafe { libc::kill(desk.pid() as libc::pid_t, signal_number(signal)) };
                assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
            }
        }
        let status = desk.wait_exit();
        assert!(status.success(), "{how}: the desk ends, handled: {status}");
        desk.assert_restored();
        assert_eq!(
            desk.local_modes() & wanted,
            wanted,
            "{how}: echo or line editing was left off"
        );
    }
}

fn signal_number(name: &str) -> libc::c_int {
    match name {
        "INT" => libc::SIGINT,
        "TERM" => libc::SIGTERM,
        other => panic!("no signal {other}"),
    }
}
