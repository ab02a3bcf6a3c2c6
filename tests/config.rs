//! The configuration file: the printed default loads back, and a bad key, colour or binding
//! is refused at start with a message naming it (exit 1), before anything is changed.

mod journeys_support;
mod support;

use support::*;

#[test]
fn the_printed_default_config_loads_back() {
    let desk = Desk::new();
    let text = run(desk.bare().arg("--print-default-config")).ok().stdout;
    for key in [
        "country = \"KR\"",
        "idle_timeout_seconds = 120",
        "[keys]",
        "issue = [",
    ] {
        assert!(text.contains(key), "default config lacks {key}:\n{text}");
    }
    let path = desk.write("config.toml", &text);
    desk.run(&["--config", path.to_str().unwrap(), "doctor"])
        .ok();
}

#[test]
fn bad_configs_are_refused_naming_the_key() {
    let desk = Desk::without_database();
    for (text, names) in [
        ("[keys]\nfly = [\"f\"]\n", "keys.fly"),
        ("[keys]\nissue = [\"ctrl+\"]\n", "keys.issue"),
        ("[colours]\naccent = \"ultraviolet\"\n", "colours.accent"),
        ("idle_timeout_seconds = 1\n", "idle_timeout_seconds"),
        ("contry = \"KR\"\n", "contry"),
    ] {
        let path = desk.write("bad.toml", text);
        let r = desk
            .run(&["--config", path.to_str().unwrap(), "doctor"])
            .refused();
        assert!(r.stderr.contains(names), "{text}: {}", r.stderr);
        assert!(r.stderr.contains("bad.toml"), "{}", r.stderr);
    }
    assert!(
        !desk.db.exists(),
        "a refused config must not create the database"
    );
}

/// A rebound key does what it is bound to, in the real desk: the issuer's footer names the new
/// key, the old one no longer issues, and each new one opens the issue dialog.
#[test]
fn a_rebound_key_does_what_it_is_bound_to() {
    use journeys_support::keys::ESC;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("keys.toml");
    std::fs::write(&path, "[keys]\nissue = [\"ctrl+s\", \"F2\"]\n").unwrap();
    let mut desk = journeys_support::Desk::demo_sized(
        &["--config", path.to_str().unwrap(), "--role", "issuer"],
        40,
        120,
    );
    desk.staff_sign_in("demo.issuer", "issuer-demo-pass");
    let s = desk.wait_for_all(&["Queue 4 pending", "C-s issue certificate"]);
    assert!(!s.contains(" i issue"), "the old key is not offered:\n{s}");
    // `i` then `?`: had `i` opened the issue dialog, `?` would not open the help.
    desk.send("i");
    desk.send("?");
    let s = desk.wait_for("closes this help");
    assert!(
        !s.contains("Issue a certificate to"),
        "the old key no longer issues:\n{s}"
    );
    desk.send(ESC);
    desk.wait_until("the help closed", |s| !s.contains("closes this help"));
    for (key, name) in [("\x13", "ctrl+s"), ("\x1bOQ", "F2")] {
        desk.send(key);
        desk.wait_for("Issue a certificate to 김 민준");
        desk.send("n");
        desk.wait_until(&format!("the dialog {name} opened to close"), |s| {
            !s.contains("Issue a certificate to")
        });
    }
    desk.send("q");
    desk.expect_clean_exit();
}
