//! The one rule between the layers (ARCHITECTURE.md): only `app` touches the data. The
//! compiler already refuses `app::store`, `app::bus` and `Desk::conn` outside `app` (they are
//! private without the `internals` feature); this test also keeps `rusqlite` itself out of the
//! screens and the commands, which module privacy cannot do.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn screens_and_commands_name_neither_sqlite_nor_the_store() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("src/main.rs")];
    sources(&root.join("src/tui"), &mut files);
    sources(&root.join("src/cli"), &mut files);
    assert!(files.len() > 20, "the screens and commands were found");
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in [
                "rusqlite",
                "app::store",
                "app::bus",
                ".conn()",
                "Connection",
            ] {
                if code.contains(word) {
                    offences.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(offences.is_empty(), "past the door: {offences:#?}");
}
