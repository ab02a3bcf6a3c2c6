//! Command-line flags and subcommands (clap definitions only).

use clap::{Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  vaxdesk init --db clinic.db
  vaxdesk --demo --role citizen
  vaxdesk --db clinic.db --role manager
  vaxdesk --demo status --citizen 900101-1234567
  vaxdesk --db clinic.db seed day-1.toml day-2.toml
  vaxdesk --db clinic.db queue --json
  vaxdesk --db clinic.db events --after 120 --json
  vaxdesk --db clinic.db rebuild-views --check
  vaxdesk --db clinic.db doctor
  vaxdesk --db clinic.db cert export --citizen 900101-1234567 --dose 2 --format png --out cert.png
  vaxdesk verify --trust signer.pem certificate.png
  vaxdesk --db clinic.db staff add kim.nurse --role manager
  vaxdesk --db clinic.db audit --citizen 900101-1234567 --since 2026-11-01

Exit status: 0 success, 1 refused or bad input (message on stderr), 2 usage error.";

#[derive(Debug, Parser)]
#[command(
    name = "vaxdesk",
    version,
    about = "Vaccination certificates at a clinic desk",
    long_about = "Vaccination certificates at a clinic desk: citizens and injections, \
                  certificate applications, and the issuer's queue, kept in one SQLite file. \
                  Without a subcommand it opens the desk (a terminal UI); on a database that is \
                  not there it asks before creating one.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// The database file [default: vaxdesk.db in the user's data directory]
    #[arg(long, global = true, env = "VAXDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Apply a seed file before anything else (repeatable; each file is atomic and idempotent)
    #[arg(long = "seed", global = true, value_name = "FILE")]
    pub seeds: Vec<PathBuf>,

    /// Load the bundled demo clinic (uses its own demo.db unless --db is given)
    #[arg(long, global = true)]
    pub demo: bool,

    /// The keys folder: signing keys and the resident-id key [default: keys (demo-keys with
    /// --demo) in the user's data directory]
    #[arg(long, global = true, env = "VAXDESK_KEYS", value_name = "DIR")]
    pub keys: Option<PathBuf>,

    /// The configuration file [default: config.toml in the user's config directory]
    #[arg(long, global = true, env = "VAXDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Open this role's screen directly (without it, a role picker)
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Option<RoleArg>,

    /// Print the default configuration file and exit
    #[arg(long)]
    pub print_default_config: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// The injection manager: registers citizens, records and corrects injections
    Manager,
    /// The certificate issuer: works the queue, issues or rejects
    Issuer,
    /// The citizen kiosk: apply, cancel, check the status
    Citizen,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new clinic database (and its resident-id key); an existing one is left as it is
    #[command(after_help = INIT_HELP)]
    Init,

    /// Apply seed files (TOML, ordered [[step]] tables) and print what was done
    #[command(after_help = "Example:\n  vaxdesk --db clinic.db seed citizens.toml injections.toml")]
    Seed {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },

    /// Show a citizen's status view: injections and applications
    #[command(after_help = "Example:\n  vaxdesk status --citizen 900101-1234567 --json")]
    Status {
        /// The citizen's resident id (with or without the hyphen)
        #[arg(long, value_name = "ID")]
        citizen: String,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },

    /// Show the issuer's pending requests, oldest first
    #[command(after_help = "Example:\n  vaxdesk queue --json")]
    Queue {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },

    /// Show the event log
    #[command(after_help = "Example:\n  vaxdesk events --after 100 --json")]
    Events {
        /// Only events with a sequence number greater than this
        #[arg(long, value_name = "SEQ", default_value_t = 0,
              value_parser = clap::value_parser!(i64).range(0..))]
        after: i64,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },

    /// Rebuild the citizens' status view from the event log
    #[command(after_help = "Example:\n  vaxdesk rebuild-views --check")]
    RebuildViews {
        /// Only compare: exit 1 and show the differences if the live view differs
        #[arg(long)]
        check: bool,
    },

    /// Check the database: integrity, schema version, subscriber lag, breaker state, the audit
    /// log's hash chain, and files readable by others than their owner
    Doctor,

    /// Deliver pending events to the subscribers now
    Dispatch,

    /// Verify a signed certificate (EU DCC): an HC1 string, a file holding one, or a PNG of
    /// its QR code
    #[command(
        after_help = "Steps, in order: prefix, base45, zlib, cose, signature, key usage (the \
                            signer's extended key usage allows this type), expiry, schema \
                            (1.3.3), revocation (a PNG is read first: qr). \
                            Exit 0 when valid, 1 with the failed step and reason.\n\n\
                            Examples:\n  vaxdesk verify 'HC1:6BF...'\n  \
                            vaxdesk verify --trust signer.pem --at 2021-06-01T12:00:00Z qr.png --json"
    )]
    Verify {
        /// Trust this signer certificate (PEM, repeatable) [default: this desk's signer
        /// certificates, keys/signer*.pem in the data directory]
        #[arg(long, value_name = "PEM_FILE")]
        trust: Vec<PathBuf>,
        /// Check validity at this time (RFC 3339) [default: now]
        #[arg(long, value_name = "RFC3339", value_parser = parse_rfc3339)]
        at: Option<chrono::DateTime<chrono::Utc>>,
        /// Print the decoded certificate and every step as JSON
        #[arg(long)]
        json: bool,
        /// An HC1 string, a file holding one, or a PNG picture of the QR code
        #[arg(value_name = "INPUT")]
        input: String,
    },

    /// Certificates this desk has issued
    #[command(
        after_help = "Example:\n  vaxdesk --db clinic.db cert export --citizen 900101-1234567 --dose 2 \
                      --format png --out cert.png"
    )]
    Cert {
        #[command(subcommand)]
        action: CertCommand,
    },

    /// Staff accounts that sign in at the desk (whoever can open the database administers them)
    #[command(after_help = STAFF_HELP)]
    Staff {
        #[command(subcommand)]
        action: StaffCommand,
    },

    /// Show the audit log: who did what, from which desk, to whose record, with what result
    #[command(after_help = AUDIT_HELP)]
    Audit {
        /// Only rows about this citizen (resident id, with or without the hyphen)
        #[arg(long, value_name = "ID")]
        citizen: Option<String>,
        /// Only rows by this actor, as recorded (a staff name, admin:USER, seed:FILE, kiosk, ...)
        #[arg(long, value_name = "NAME")]
        actor: Option<String>,
        /// Only rows at or after this time: RFC 3339, or a date YYYY-MM-DD (midnight UTC)
        #[arg(long, value_name = "TIME", value_parser = vaxdesk::domain::clock::parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },

    /// The desk's signing keys: a country CA and document signers
    #[command(
        after_help = "Examples:\n  vaxdesk keys init\n  vaxdesk keys export-cert > signer.pem\n  \
                      vaxdesk keys import --cert dsc.pem --key dsc.key.pem\n  vaxdesk keys rotate"
    )]
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
}

const INIT_HELP: &str = "\
Only `init`, `seed` (and --seed), `keys init` and `--demo` create a database that does not
exist. Every other command refuses a missing one (exit 1), so a mistyped --db never opens an
empty clinic; `verify` reads a database only when there is one. The desk itself asks before it
creates one (y creates it; anything else leaves without creating anything, exit 1).

Example:
  vaxdesk init --db clinic.db

Exit status: 0 created, or already there (nothing changed), 1 refused.";

const STAFF_HELP: &str = "\
Passphrases are asked twice on the terminal without echo, or read as one line from standard
input with --passphrase-stdin; only their Argon2id hash is stored. After 10 failed sign-ins in a
row an account locks for 15 minutes, or until `staff unlock`. Every change is written to the
audit log with admin:$USER as the actor.

Examples:
  vaxdesk staff add kim.nurse --role manager
  printf '%s\\n' \"$PASS\" | vaxdesk staff add park --role issuer --passphrase-stdin
  vaxdesk staff list --json
  vaxdesk staff disable park
  vaxdesk staff passwd kim.nurse
  vaxdesk staff unlock kim.nurse

Exit status: 0 done, 1 refused or bad input (message on stderr), 2 usage.";

const AUDIT_HELP: &str = "\
Rows are printed oldest first. Citizens are shown by their internal number and masked id, never
by the full resident id.

Examples:
  vaxdesk audit --citizen 900101-1234567
  vaxdesk audit --actor kim.nurse --since 2026-11-01
  vaxdesk audit --since 2026-11-25T09:00:00+09:00 --json

Exit status: 0 (also when no row matches), 1 bad input, 2 usage.";

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add an account; asks for its passphrase twice
    Add {
        /// The account name: letters, digits, '.', '-', '_' or Hangul, no spaces
        #[arg(value_name = "NAME")]
        name: String,
        /// What the account may do
        #[arg(long, value_enum, value_name = "ROLE")]
        role: StaffRoleArg,
        /// Read the passphrase as one line from standard input (for scripts)
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// List the accounts with their role and state
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it can no longer sign in
    Disable {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Enable a disabled account again
    Enable {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Give an account a new passphrase (also clears its failed attempts)
    Passwd {
        #[arg(value_name = "NAME")]
        name: String,
        /// Read the passphrase as one line from standard input (for scripts)
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// Clear an account's failed sign-ins and lift its lock
    Unlock {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// The role of a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StaffRoleArg {
    /// Runs the desk: registers citizens, records and corrects injections
    Manager,
    /// Works the queue: issues or rejects certificates
    Issuer,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a P-256 country CA and a first document-signer certificate
    Init,
    /// Print the current signer certificate (PEM) for verifiers
    ExportCert,
    /// Take a signer certificate and its P-256 key (PKCS#8 PEM) issued by a real authority
    Import {
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Start a new document signer; certificates signed by the old one still verify
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Export the certificate issued for one of a citizen's doses: the signed HC1 text, its QR
    /// code as a PNG or SVG picture, the decoded certificate as JSON, or a printable PDF
    #[command(after_help = CERT_EXPORT_HELP)]
    Export {
        /// The citizen's resident id (with or without the hyphen)
        #[arg(long, value_name = "ID")]
        citizen: String,
        /// The dose number of the (not voided) injection
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        dose: u32,
        /// What to write
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: ExportFormat,
        /// Write to this file (replaced atomically) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The paper of a printed certificate (--format pdf; A4 when not given)
        #[arg(long, value_enum, value_name = "PAPER")]
        paper: Option<Paper>,
    },
}

const CERT_EXPORT_HELP: &str = "\
The certificate is the latest one issued for that injection, exactly as it was signed. A revoked
certificate is still exported, with a warning on stderr (and \"revoked\": true in the JSON).
PNG, SVG and PDF go to --out FILE, or to standard output when it is not a terminal. The PDF is
the printed certificate (PDF/A-2b, one page, A4 or --paper a6): names, vaccination, UVCI and the
QR code, in Korean and English; never the resident id.

Examples:
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format hc1
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format png --out cert.png
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format svg > cert.svg
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format json | jq .certificate
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format pdf --paper a6 --out cert.pdf
  vaxdesk cert export --citizen 900101-1234567 --dose 1 --format hc1 --out cert.txt && \
vaxdesk verify cert.txt

Exit status: 0 exported, 1 no such citizen, dose or certificate (or nowhere to write), 2 usage.";

/// What `cert export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// The signed text, `HC1:...` (what the QR code holds)
    Hc1,
    /// The QR code as a PNG picture (8-bit grey)
    Png,
    /// The QR code as an SVG picture
    Svg,
    /// The decoded certificate (the DCC JSON) with its id, dates and revocation
    Json,
    /// The printed certificate: a one-page PDF/A with the QR code
    Pdf,
}

/// The paper a printed certificate is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    /// 210 x 297 mm
    A4,
    /// 105 x 148 mm
    A6,
}

fn parse_rfc3339(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 time such as 2021-06-01T12:00:00Z ({e})"))
}
