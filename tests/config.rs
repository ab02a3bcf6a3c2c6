//! The configuration file: the printed default loads back, and a bad key, colour or binding
//! is refused at start with a message naming it (exit 1), before anything is changed.

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

#[test]
fn a_rebound_key_is_accepted() {
    let desk = Desk::new();
    let path = desk.write("keys.toml", "[keys]\nissue = [\"ctrl+s\", \"F2\"]\n");
    desk.run(&["--config", path.to_str().unwrap(), "doctor"])
        .ok();
}
