//! Records the git commit the binary is built from, for `vaxdesk --version`: `unknown` when
//! there is no git, or the sources are not a git checkout of this package (a tarball, a
//! vendored copy inside another repository). No dependencies: it runs before every build.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    let here = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let same =
        |top: &str| Path::new(top).canonicalize().ok() == Path::new(&here).canonicalize().ok();
    let ours = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| same(&top));
    let commit = ours
        .then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten();
    println!(
        "cargo:rustc-env=VAXDESK_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
    // Run again when HEAD moves: HEAD itself (another branch), the branch's ref (a commit), and
    // the packed refs. Only files that exist: a missing one would rerun this on every build.
    println!("cargo:rerun-if-changed=build.rs");
    if ours {
        let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
        watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
        let paths = watched
            .iter()
            .filter_map(|n| git(&["rev-parse", "--git-path", n]));
        for path in paths.filter(|p| Path::new(&here).join(p).exists()) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
