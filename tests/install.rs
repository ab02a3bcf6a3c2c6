//! Installing vaxdesk: completion scripts, manual pages, `--version`, and (run by `.ci/run`
//! with `--ignored`, as they build the release binary) `cargo install` from a clean checkout
//! and the Debian package's contents.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{BIN, Run, run};

/// A folder for one run and the binary told to keep everything it could touch inside it: the
/// commands under test must leave it empty but for what they were asked to write.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("vaxdesk-install-")
            .tempdir()
            .expect("temporary folder");
        Sandbox { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env("VAXDESK_DB", self.path("desk.db"))
            .env("VAXDESK_KEYS", self.path("keys"))
            .env("VAXDESK_CONFIG", self.path("config.toml"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("RUST_BACKTRACE", "0");
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        run(self.command().args(args))
    }

    /// The names in the folder, sorted.
    fn contents(&self) -> Vec<String> {
        names(self.dir.path()).into_iter().collect()
    }
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Runs a tool the test needs; one that is missing fails the test with how to get it (`.ci/run`
/// installs them).
fn tool(program: &str, args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); .ci/run installs it"))
}

// --- completions ---

/// Completes `words` (the last one being typed) with the bash script, as bash's programmable
/// completion calls it.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let array: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}' && COMP_WORDS=({}) && COMP_CWORD={} && _vaxdesk vaxdesk '{}' '{}' \
         && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        array.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = tool("bash", &["-c", &program], Path::new("."));
    assert!(
        out.status.success(),
        "bash completion failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_their_values() {
    let sandbox = Sandbox::new();
    let script = sandbox.run(&["completions", "bash"]).ok().stdout;
    let file = sandbox.path("vaxdesk.bash");
    std::fs::write(&file, &script).expect("write the script");

    assert_eq!(bash_complete(&file, &["vaxdesk", "ce"]), ["cert"]);
    assert_eq!(
        bash_complete(&file, &["vaxdesk", "co"]),
        ["completions"],
        "the new subcommands complete too"
    );
    let shells: BTreeSet<String> = bash_complete(&file, &["vaxdesk", "completions", ""])
        .into_iter()
        .collect();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        assert!(shells.contains(shell), "{shell} not offered: {shells:?}");
    }
    let flags = bash_complete(&file, &["vaxdesk", "seed", "--"]);
    assert!(flags.contains(&"--db".to_string()), "{flags:?}");
}

#[test]
fn every_shell_gets_its_script_and_nothing_is_opened() {
    let sandbox = Sandbox::new();
    // What each shell's script must hold to register itself for `vaxdesk`.
    let marks = [
        ("bash", "complete -F _vaxdesk"),
        ("zsh", "#compdef vaxdesk"),
        ("fish", "complete -c vaxdesk"),
        ("elvish", "edit:completion:arg-completer[vaxdesk]"),
        ("powershell", "Register-ArgumentCompleter"),
    ];
    for (shell, mark) in marks {
        let r = sandbox.run(&["completions", shell]).ok();
        assert!(
            r.stdout.contains(mark),
            "{shell}: no `{mark}` in\n{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("rebuild-views") && r.stdout.contains("print-default-config"),
            "{shell}: the script misses subcommands or flags"
        );
        assert!(r.stderr.is_empty(), "{shell}: {}", r.stderr);
    }
    // No database, keys, configuration or data folder was created.
    assert!(sandbox.contents().is_empty(), "{:?}", sandbox.contents());
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let r = sandbox.run(&["completions", "tcsh"]).usage();
    assert!(r.stderr.contains("tcsh"), "{}", r.stderr);
    assert!(r.stderr.contains("possible values"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = sandbox.run(&["completions"]).usage();
    assert!(r.stderr.contains("<SHELL>"), "{}", r.stderr);
    assert!(sandbox.contents().is_empty(), "{:?}", sandbox.contents());
}

// --- manual pages ---

/// The subcommands `vaxdesk ARGS --help` lists (without `help`).
fn listed_subcommands(sandbox: &Sandbox, args: &[&str]) -> Vec<String> {
    let mut with_help = args.to_vec();
    with_help.push("--help");
    let help = sandbox.run(&with_help).ok().stdout;
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description that wraps continues on a line indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Every page a full manual holds: the top one, one per subcommand, one per nested one.
fn expected_pages(sandbox: &Sandbox) -> BTreeSet<String> {
    let mut pages = BTreeSet::from(["vaxdesk.1".to_string()]);
    for sub in listed_subcommands(sandbox, &[]) {
        for nested in listed_subcommands(sandbox, &[&sub]) {
            pages.insert(format!("vaxdesk-{sub}-{nested}.1"));
        }
        pages.insert(format!("vaxdesk-{sub}.1"));
    }
    pages
}

#[test]
fn man_writes_a_page_per_subcommand_that_renders_without_warnings() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let r = sandbox.run(&["man", "--out", "pages"]).ok();
    let dir = sandbox.path("pages");
    let written = names(&dir);

    let expected = expected_pages(&sandbox);
    for page in ["vaxdesk-seed.1", "vaxdesk-cert-export.1", "vaxdesk-man.1"] {
        assert!(expected.contains(page), "{page} not among {expected:?}");
    }
    assert_eq!(written, expected);
    assert!(
        r.stdout
            .contains(&format!("wrote {} manual pages", expected.len())),
        "{}",
        r.stdout
    );
    // Nothing but the pages: no database, keys or configuration.
    assert_eq!(sandbox.contents(), ["pages"]);

    for page in &written {
        let path = dir.join(page);
        let mode = std::fs::metadata(&path).expect("page").permissions().mode();
        assert_eq!(mode & 0o777, 0o644, "{page} is for everyone to read");
        // groff with every warning on: the page must be clean roff.
        let out = tool("groff", &["-man", "-Tutf8", "-ww", "-z", page], &dir);
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && warnings.is_empty(),
            "{page}: {warnings}"
        );
        // And man itself shows it, named as the command it documents.
        let out = Command::new("man")
            .args(["-l", page])
            .current_dir(&dir)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "")
            .output()
            .unwrap_or_else(|e| panic!("cannot run man ({e}); .ci/run installs man-db"));
        let shown = String::from_utf8_lossy(&out.stdout);
        let name = page.trim_end_matches(".1");
        assert!(
            out.status.success() && shown.contains("NAME") && shown.contains(name),
            "man -l {page} showed:\n{shown}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let seed = std::fs::read_to_string(dir.join("vaxdesk-seed.1")).expect("seed page");
    assert!(seed.contains("vaxdesk\\-seed") || seed.contains("vaxdesk-seed"));
    assert!(
        seed.contains("Apply seed files"),
        "the page has the command's help"
    );
}

#[test]
fn man_into_a_file_that_is_not_a_folder_is_refused() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("taken"), "x").expect("write");
    let r = sandbox.run(&["man", "--out", "taken"]).refused();
    assert!(r.stderr.contains("--out"), "{}", r.stderr);
    assert!(r.stderr.contains("taken"), "{}", r.stderr);
    sandbox.run(&["man"]).usage();
}

// --- version ---

/// The commit `build.rs` must have recorded: this checkout's HEAD, or `unknown` outside git.
fn expected_commit() -> String {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(here)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let ours = git(&["rev-parse", "--show-toplevel"])
        .is_some_and(|top| Path::new(&top).canonicalize().ok() == here.canonicalize().ok());
    ours.then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten()
        .unwrap_or_else(|| "unknown".to_string())
}

#[test]
fn version_names_the_commit_and_sqlite() {
    let sandbox = Sandbox::new();
    let long = sandbox.run(&["--version"]).ok();
    let short = sandbox.run(&["-V"]).ok();
    assert_eq!(long.stdout, short.stdout);
    assert_eq!(
        long.stdout,
        format!(
            "vaxdesk {} (commit {}, SQLite {})\n",
            env!("CARGO_PKG_VERSION"),
            expected_commit(),
            rusqlite::version()
        )
    );
    assert!(rusqlite::version().starts_with("3."));
    assert!(sandbox.contents().is_empty(), "{:?}", sandbox.contents());
}

// --- release builds: `cargo install` and the .deb (run by .ci/run with --ignored) ---

/// The target folder this test binary was built in: the release builds below share it, so
/// the dependencies are compiled once for both.
fn target_dir() -> PathBuf {
    Path::new(BIN)
        .ancestors()
        .nth(2)
        .expect("target/debug/vaxdesk")
        .to_path_buf()
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.env("CARGO_TARGET_DIR", target_dir());
    c
}

fn check(what: &str, out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{what} failed\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "builds the release binary; .ci/run runs it"]
fn cargo_install_works_from_a_clean_checkout() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = Sandbox::new();
    // A clean checkout: the files git tracks, without .git (so the commit reads `unknown`)
    // and without anything built.
    let listed = tool("git", &["ls-files", "-z"], here);
    check("git ls-files", &listed);
    let checkout = work.path("checkout");
    for name in String::from_utf8_lossy(&listed.stdout).split('\0') {
        let from = here.join(name);
        // A tracked file deleted in the work tree is not part of the checkout being tried.
        if name.is_empty() || !from.is_file() {
            continue;
        }
        let to = checkout.join(name);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("folder");
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {name}: {e}"));
    }
    let root = work.path("root");
    let out = cargo()
        .args(["install", "--locked", "--path"])
        .arg(&checkout)
        .arg("--root")
        .arg(&root)
        .output()
        .expect("cargo install");
    check("cargo install --locked --path", &out);

    let installed = root.join("bin/vaxdesk");
    let version = run(Command::new(&installed).arg("--version")).ok();
    assert_eq!(
        version.stdout,
        format!(
            "vaxdesk {} (commit unknown, SQLite {})\n",
            env!("CARGO_PKG_VERSION"),
            rusqlite::version()
        )
    );
    let pages = work.path("man");
    run(Command::new(&installed).arg("man").arg("--out").arg(&pages)).ok();
    assert!(pages.join("vaxdesk.1").is_file());
}

#[test]
#[ignore = "builds the release binary and needs cargo-deb; .ci/run runs it"]
fn the_deb_holds_binary_manual_completions_licence_readme_and_debug_symbols() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(here.join(".ci/deb"))
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("bash .ci/deb");
    check(".ci/deb", &out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let deb = PathBuf::from(stdout.lines().last().expect("the .deb's path").trim());
    assert!(
        deb.extension().is_some_and(|e| e == "deb") && deb.is_file(),
        "not a .deb: {}",
        deb.display()
    );

    let listing = Command::new("dpkg-deb")
        .arg("-c")
        .arg(&deb)
        .output()
        .expect("dpkg-deb");
    check("dpkg-deb -c", &listing);
    // `-rwxr-xr-x root/root 123 2026-11-30 00:00 ./usr/bin/vaxdesk`: mode and path.
    let files: Vec<(String, String)> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            Some((
                fields.first()?.to_string(),
                fields.last()?.trim_start_matches('.').to_string(),
            ))
        })
        .collect();
    let mode_of = |path: &str| {
        files
            .iter()
            .find(|(_, p)| p == path)
            .map(|(m, _)| m.clone())
            .unwrap_or_else(|| panic!("{path} is not in the package:\n{files:#?}"))
    };

    assert_eq!(mode_of("/usr/bin/vaxdesk"), "-rwxr-xr-x");
    for page in [
        "vaxdesk",
        "vaxdesk-seed",
        "vaxdesk-cert-export",
        "vaxdesk-man",
    ] {
        assert_eq!(
            mode_of(&format!("/usr/share/man/man1/{page}.1.gz")),
            "-rw-r--r--",
            "{page}: gzipped, as Debian wants"
        );
    }
    let pages = files
        .iter()
        .filter(|(_, p)| p.starts_with("/usr/share/man/man1/") && p.ends_with(".1.gz"))
        .count();
    assert_eq!(pages, expected_pages(&Sandbox::new()).len(), "every page");
    for path in [
        "/usr/share/bash-completion/completions/vaxdesk",
        "/usr/share/zsh/vendor-completions/_vaxdesk",
        "/usr/share/fish/vendor_completions.d/vaxdesk.fish",
        "/usr/share/doc/vaxdesk/copyright",
        "/usr/share/doc/vaxdesk/README.md",
        "/usr/lib/systemd/system/vaxdesk-relay.service",
    ] {
        assert_eq!(mode_of(path), "-rw-r--r--", "{path}");
    }
    let debug = files
        .iter()
        .filter(|(_, p)| p.starts_with("/usr/lib/debug/") && p.ends_with(".debug"))
        .count();
    assert_eq!(debug, 1, "the separate debug symbols:\n{files:#?}");

    // What was packed works: the licence is the Apache text, and the binary runs.
    let unpacked = Sandbox::new();
    let out = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(unpacked.dir.path())
        .output()
        .expect("dpkg-deb -x");
    check("dpkg-deb -x", &out);
    let copyright = std::fs::read_to_string(unpacked.path("usr/share/doc/vaxdesk/copyright"))
        .expect("copyright");
    assert!(copyright.contains("Apache License"), "{copyright}");
    assert!(copyright.contains("Version 2.0, January 2004"));
    let version = run(Command::new(unpacked.path("usr/bin/vaxdesk")).arg("--version")).ok();
    assert!(
        version
            .stdout
            .starts_with(&format!("vaxdesk {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{}",
        version.stdout
    );
    let bash =
        std::fs::read_to_string(unpacked.path("usr/share/bash-completion/completions/vaxdesk"))
            .expect("bash completion");
    assert!(bash.contains("complete -F _vaxdesk"));
}
