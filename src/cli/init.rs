//! `vaxdesk init`: a new clinic database and its resident-id key. The database itself is
//! created where the desk opens ([`super::open`]); this says what was made, or that an existing
//! one was left as it is.

use super::Failure;
use std::path::Path;
use vaxdesk::app::maintenance;
use vaxdesk::i18n::Lang;
use vaxdesk::i18n::cli as msg;

pub const HELP: &str = "\
Only `init`, `seed` (and --seed), `keys init` and `--demo` create a database that does not
exist. Every other command refuses a missing one (exit 1), so a mistyped --db never opens an
empty clinic; `verify` reads a database only when there is one. The desk itself asks before it
creates one (y creates it; anything else leaves without creating anything, exit 1).

Example:
  vaxdesk init --db clinic.db

Exit status: 0 created, or already there (nothing changed), 1 refused.";

/// True (and said) when `db` already holds a vaxdesk database: `init` changes nothing then. A
/// file that is no vaxdesk database is refused.
pub fn already_there(db: &Path, lang: Lang) -> Result<bool, Failure> {
    if !maintenance::has_a_schema(db)? {
        return Ok(false);
    }
    say!("{}", msg::init_already(lang, &db.display().to_string()));
    Ok(true)
}

/// What `init` and `keys init` say about a new clinic's database and its resident-id key.
pub fn say_created(db: &Path, key: &Path, key_created: bool, lang: Lang) {
    say!("{}", msg::init_created(lang, &db.display().to_string()));
    let key = key.display().to_string();
    if key_created {
        say!("{}", msg::init_key_created(lang, &key));
    } else {
        say!("{}", msg::init_key_there(lang, &key));
    }
}
