//! The desk's configuration file and where its files live.
//!
//! The file is TOML in the user's config directory (or `--config` / `VAXDESK_CONFIG`); every
//! key is optional and checked when loaded, so a typo is reported, not ignored.

use crate::app::BreakerPolicy;
use directories::ProjectDirs;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// ISO 3166 alpha-2 code of the desk's country: the default injection country and the
    /// certificate's country.
    pub country: String,
    /// The certificate issuer's name (`is` in the certificate).
    pub issuer: String,
    /// Days an issued certificate is valid.
    pub certificate_validity_days: u32,
    /// Seconds without a key before the citizen kiosk returns to an empty sign-in form.
    pub idle_timeout_seconds: u32,
    /// Pending requests above which citizens are told issuance is delayed.
    pub long_queue: u32,
    /// Seconds without a key before a staff screen locks and asks for the passphrase again.
    pub staff_lock_seconds: u32,
    pub dispatch: DispatchConfig,
    /// Key bindings: action name = list of keys (`"ctrl+c"`, `"pagedown"`, `"i"`).
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
    pub colours: Colours,
    /// The CUPS queue `p` prints a certificate on (`lp -d NAME`); without it the PDF is saved
    /// in the data folder's `prints/`.
    pub printer: Option<String>,
    /// The paper of a printed certificate.
    pub paper: PaperSize,
    /// The language of the desk, `"ko"` or `"en"` (`--lang` wins; without either, the
    /// locale: `LC_ALL`, `LC_MESSAGES`, then `LANG`).
    pub language: Option<crate::i18n::Lang>,
    pub relay: RelayConfig,
}

/// The paper a certificate is printed on (`paper = "a4"` or `"a6"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaperSize {
    #[default]
    A4,
    A6,
}

/// `vaxdesk relay` and `vaxdesk registry`: where the regional registry is and who this desk is
/// there. Flags override each key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelayConfig {
    /// The registry's `postgresql://` URL (`--to`, `--from`).
    pub url: Option<String>,
    /// The name this database is relayed under (`--clinic`).
    pub clinic: Option<String>,
    /// The region's registry key file (`--registry-key`).
    pub registry_key_file: Option<PathBuf>,
}

/// Screen colours by role in the interface (names like `"cyan"`, `"light-red"`, `"#40a0ff"`).
/// With `NO_COLOR` set, no colour is used at all.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Colours {
    pub accent: String,
    pub selection: String,
    pub error: String,
    pub success: String,
    pub muted: String,
}

impl Default for Colours {
    fn default() -> Self {
        Colours {
            accent: "cyan".into(),
            selection: "blue".into(),
            error: "light-red".into(),
            success: "green".into(),
            muted: "dark-gray".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DispatchConfig {
    /// Failures in a row that open a subscriber's circuit breaker.
    pub breaker_failures: u32,
    /// Seconds an open breaker waits before a trial delivery.
    pub breaker_open_seconds: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            country: "KR".into(),
            issuer: "Korea Disease Control and Prevention Agency".into(),
            certificate_validity_days: 365,
            idle_timeout_seconds: 120,
            long_queue: 50,
            staff_lock_seconds: 300,
            dispatch: DispatchConfig::default(),
            keys: Default::default(),
            colours: Colours::default(),
            printer: None,
            paper: PaperSize::A4,
            relay: RelayConfig::default(),
            language: None,
        }
    }
}

impl Default for DispatchConfig {
    fn default() -> Self {
        DispatchConfig {
            breaker_failures: 5,
            breaker_open_seconds: 30,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("config {path}: {reason}")]
pub struct ConfigError {
    pub path: String,
    pub reason: String,
}

impl Config {
    /// Loads `path`; a missing default file means the defaults.
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, ConfigError> {
        let err = |reason: String| ConfigError {
            path: path.display().to_string(),
            reason,
        };
        let bytes = match read_named_file(path, "a configuration file") {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                return Ok(Config::default());
            }
            Err(e) => return Err(err(e.to_string())),
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| err("stream did not contain valid UTF-8".into()))?;
        let config: Config = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        config.check().map_err(err)?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        if self.country.len() != 2 || !self.country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(format!(
                "country: '{}' is not an ISO 3166 alpha-2 code (e.g. KR)",
                self.country
            ));
        }
        if self.issuer.trim().is_empty() || self.issuer.chars().count() > 80 {
            return Err("issuer: must be 1 to 80 characters".into());
        }
        if !(1..=3660).contains(&self.certificate_validity_days) {
            return Err("certificate_validity_days: must be from 1 to 3660".into());
        }
        if !(10..=3600).contains(&self.idle_timeout_seconds) {
            return Err("idle_timeout_seconds: must be from 10 to 3600".into());
        }
        if !(10..=86_400).contains(&self.staff_lock_seconds) {
            return Err("staff_lock_seconds: must be from 10 to 86400".into());
        }
        if self.dispatch.breaker_failures == 0 {
            return Err("dispatch.breaker_failures: must be at least 1".into());
        }
        if let Some(name) = &self.printer {
            check_printer(name).map_err(|why| format!("printer: {why}"))?;
        }
        if let Some(url) = &self.relay.url
            && !(url.starts_with("postgresql://") || url.starts_with("postgres://"))
        {
            return Err(
                "relay.url: not a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE)".into(),
            );
        }
        if let Some(clinic) = &self.relay.clinic {
            crate::app::relay::check_clinic("relay.clinic", clinic)?;
        }
        Ok(())
    }

    /// The default configuration as a commented TOML file (`vaxdesk --print-default-config`).
    pub fn default_file(keys: &str) -> String {
        let d = Config::default();
        let c = &d.colours;
        format!(
            "# vaxdesk configuration. Every key is optional; these are the defaults.\n\
             \n\
             # ISO 3166 alpha-2 code: the default injection country and the certificate's country.\n\
             country = \"{}\"\n\
             # The certificate issuer's name.\n\
             issuer = \"{}\"\n\
             # Days an issued certificate is valid.\n\
             certificate_validity_days = {}\n\
             # Seconds without a key before the citizen kiosk returns to an empty sign-in form.\n\
             idle_timeout_seconds = {}\n\
             # Pending requests above which citizens are told issuance is delayed.\n\
             long_queue = {}\n\
             # Seconds without a key before a staff screen locks and asks for the passphrase.\n\
             staff_lock_seconds = {}\n\
             # The CUPS queue `p` prints certificates on (lp -d NAME); without it the PDF is\n\
             # saved in the data folder's prints/.\n\
             # printer = \"Front_Desk\"\n\
             # The paper of a printed certificate: \"a4\" or \"a6\".\n\
             paper = \"a4\"\n\
             # The desk's language, \"ko\" or \"en\" (--lang wins). Without it, the locale decides:\n\
             # the first of LC_ALL, LC_MESSAGES and LANG that is set (ko* is Korean), else English.\n\
             # language = \"ko\"\n\
             \n\
             [dispatch]\n\
             # Failures in a row that open a subscriber's circuit breaker.\n\
             breaker_failures = {}\n\
             # Seconds an open breaker waits before a trial delivery.\n\
             breaker_open_seconds = {}\n\
             \n\
             # Colour names (black, red, green, yellow, blue, magenta, cyan, gray, dark-gray,\n\
             # light-red, ..., white) or #rrggbb. NO_COLOR=1 turns all colour off.\n\
             [colours]\n\
             accent = \"{}\"\n\
             selection = \"{}\"\n\
             error = \"{}\"\n\
             success = \"{}\"\n\
             muted = \"{}\"\n\
             \n\
             # `vaxdesk relay` to a regional PostgreSQL registry (flags override these):\n\
             # url = \"postgresql://relay@registry.example:5432/vaxdesk?sslmode=verify-full\"\n\
             # clinic = \"seoul-gangnam-1\"\n\
             # registry_key_file = \"/etc/vaxdesk/registry.key\"\n\
             [relay]\n\
             \n\
             # Key bindings: action = [keys]. Keys: a letter, \"ctrl+x\", \"enter\", \"esc\", \"tab\",\n\
             # \"backtab\", \"up\", \"down\", \"left\", \"right\", \"home\", \"end\", \"pageup\",\n\
             # \"pagedown\", \"f1\".. \"f12\", \"space\".\n\
             [keys]\n\
             {keys}",
            d.country,
            d.issuer,
            d.certificate_validity_days,
            d.idle_timeout_seconds,
            d.long_queue,
            d.staff_lock_seconds,
            d.dispatch.breaker_failures,
            d.dispatch.breaker_open_seconds,
            c.accent,
            c.selection,
            c.error,
            c.success,
            c.muted,
        )
    }

    pub fn breaker(&self) -> BreakerPolicy {
        BreakerPolicy {
            failure_threshold: self.dispatch.breaker_failures,
            open_for: chrono::Duration::seconds(i64::from(self.dispatch.breaker_open_seconds)),
            ..BreakerPolicy::default()
        }
    }
}

/// Why `name` cannot be a printer queue's name, if it cannot: it is given to `lp -d`, so it
/// is not empty, has no control character or space and does not start with `-` (which `lp`
/// would read as an option).
pub fn check_printer(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the queue name is empty".into());
    }
    if name.starts_with('-') {
        return Err(format!(
            "'{name}' starts with '-', which lp would read as an option"
        ));
    }
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "'{}' has a space or a control character; CUPS queue names have neither",
            name.escape_debug()
        ));
    }
    if name.chars().count() > 127 {
        return Err("the queue name is longer than 127 characters".into());
    }
    Ok(())
}

/// What a path given as a file (the configuration, the database, a seed file) is instead, when
/// it is not a regular file: reading a FIFO would wait forever and a folder never reads.
pub fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("something other than a regular file")
}

/// Reads a file the user named (a configuration, a seed file, a certificate, a key), refusing
/// at once what is not a regular file: reading a FIFO would wait forever and a folder never
/// reads. The refusal (`InvalidInput`) says what it is instead of `what` ("a seed file").
pub fn read_named_file(path: &Path, what: &str) -> std::io::Result<Vec<u8>> {
    if let Some(kind) = std::fs::metadata(path).ok().as_ref().and_then(not_a_file) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("is {kind}, not {what}"),
        ));
    }
    std::fs::read(path)
}

/// This machine's name, as the audit log records each row's desk ("unknown" when the system
/// does not tell it or it is empty).
pub fn host_name() -> String {
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    if name.is_empty() {
        "unknown".to_string()
    } else {
        name
    }
}

/// The desk's folders, from the platform's conventions.
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_file: PathBuf,
}

impl Paths {
    pub fn discover() -> Option<Paths> {
        let dirs = ProjectDirs::from("org", "vaxdesk", "vaxdesk")?;
        Some(Paths {
            data_dir: dirs.data_dir().to_path_buf(),
            config_file: dirs.config_dir().join("config.toml"),
        })
    }

    /// The everyday database.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("vaxdesk.db")
    }

    /// The signing keys; the demo has its own, so demo certificates are never signed with a
    /// clinic's real key.
    pub fn keys_dir(&self, demo: bool) -> PathBuf {
        self.data_dir.join(if demo { "demo-keys" } else { "keys" })
    }

    /// The demo's own database, so trying the demo never mixes with real records.
    pub fn demo_database(&self) -> PathBuf {
        self.data_dir.join("demo.db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_host_name_is_the_machine_s() {
        let kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        assert_eq!(host_name(), kernel.trim());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "contry = \"KR\"").unwrap();
        assert!(
            Config::load(&p, true)
                .unwrap_err()
                .reason
                .contains("contry")
        );
        std::fs::write(&p, "country = \"Korea\"").unwrap();
        assert!(
            Config::load(&p, true)
                .unwrap_err()
                .reason
                .contains("country")
        );
        std::fs::write(
            &p,
            "issuer = \"Clinic\"\n[dispatch]\nbreaker_open_seconds = 1",
        )
        .unwrap();
        let c = Config::load(&p, true).unwrap();
        assert_eq!((c.issuer.as_str(), c.country.as_str()), ("Clinic", "KR"));
        assert_eq!(c.breaker().open_for, chrono::Duration::seconds(1));
        assert_eq!(
            Config::load(&dir.path().join("none"), false).unwrap(),
            Config::default()
        );
    }

    #[test]
    fn the_printer_and_paper_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "printer = \"Front_Desk\"\npaper = \"a6\"").unwrap();
        let c = Config::load(&p, true).unwrap();
        assert_eq!(c.printer.as_deref(), Some("Front_Desk"));
        assert_eq!(c.paper, PaperSize::A6);
        for (bad, why) in [
            ("printer = \"\"", "empty"),
            ("printer = \"-o evil\"", "starts with '-'"),
            ("printer = \"front\\ndesk\"", "control character"),
            ("printer = \"front desk\"", "space"),
        ] {
            std::fs::write(&p, bad).unwrap();
            let e = Config::load(&p, true).unwrap_err().reason;
            assert!(e.starts_with("printer: ") && e.contains(why), "{bad}: {e}");
        }
        std::fs::write(&p, "paper = \"letter\"").unwrap();
        assert!(Config::load(&p, true).unwrap_err().reason.contains("paper"));
        // The default file's lines parse back to the defaults.
        std::fs::write(&p, Config::default_file("")).unwrap();
        assert_eq!(Config::load(&p, true).unwrap(), Config::default());
    }
}
