//! Reaching the registry: a `postgresql://` URL checked before use, shown without its password,
//! and TLS when the URL asks for it.
//!
//! `sslmode` follows libpq's meaning: `disable`; `prefer` (TLS when the server offers it) and
//! `require` (TLS or nothing) encrypt without checking the server's certificate;
//! `verify-ca` and `verify-full` also check it against the system's root certificates and the
//! host name (both as `verify-full`: the stricter reading). The TLS stack is rustls.

use postgres::config::SslMode;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;
use std::time::Duration;

/// A registry URL that is not one; `flag` names where it came from (`--to`, `[relay] url`).
/// The text itself is never echoed: it may hold a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("{flag}: not a PostgreSQL URL (expected postgresql://USER@HOST:PORT/DATABASE)")]
    NotPostgres { flag: String },
    /// `detail` is the PostgreSQL library's reason.
    #[error("{flag}: not a valid PostgreSQL URL ({detail})")]
    Invalid { flag: String, detail: String },
    #[error("{flag}: the URL names no host")]
    NoHost { flag: String },
}

/// A registry URL, parsed and checked.
#[derive(Clone)]
pub struct RegistryUrl {
    config: postgres::Config,
    verify: bool,
    shown: String,
}

impl std::fmt::Debug for RegistryUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::fmt::Display for RegistryUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl RegistryUrl {
    /// Parses `raw`; `flag` names where it came from in the message (`--to`, `[relay] url`).
    /// The text is not echoed back: it may hold a password.
    pub fn parse(flag: &str, raw: &str) -> Result<RegistryUrl, UrlError> {
        let raw = raw.trim();
        let flag = flag.to_string();
        if !(raw.starts_with("postgresql://") || raw.starts_with("postgres://")) {
            return Err(UrlError::NotPostgres { flag });
        }
        // tokio-postgres knows disable/prefer/require; the verifying modes are ours.
        let mut verify = false;
        let mut text = raw.to_string();
        for mode in ["sslmode=verify-full", "sslmode=verify-ca"] {
            if text.contains(mode) {
                verify = true;
                text = text.replace(mode, "sslmode=require");
            }
        }
        let mut config: postgres::Config =
            text.parse()
                .map_err(|e: postgres::Error| UrlError::Invalid {
                    flag: flag.clone(),
                    detail: e.to_string(),
                })?;
        if config.get_hosts().is_empty() {
            return Err(UrlError::NoHost { flag });
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("vaxdesk-relay");
        let host = match &config.get_hosts()[0] {
            postgres::config::Host::Tcp(h) => h.clone(),
            postgres::config::Host::Unix(p) => p.display().to_string(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let db = config
            .get_dbname()
            .map(str::to_string)
            .or_else(|| config.get_user().map(str::to_string))
            .unwrap_or_default();
        let shown = format!("postgresql://{host}:{port}/{db}");
        Ok(RegistryUrl {
            config,
            verify,
            shown,
        })
    }

    /// Whether the connection must be encrypted.
    pub fn requires_tls(&self) -> bool {
        self.config.get_ssl_mode() == SslMode::Require
    }

    /// Opens a connection.
    pub fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(self.verify));
        self.config.connect(tls)
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_config(verify: bool) -> rustls::ClientConfig {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default TLS versions");
    if verify {
        let mut roots = rustls::RootCertStore::empty();
        // Certificates the system cannot parse are skipped; none at all fails the handshake.
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth()
    }
}

/// libpq's `require`: the channel is encrypted and the handshake's signatures are checked,
/// but the server's certificate chain is not (a registry on a private network with its own
/// certificate); `verify-full` checks it.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_shown_without_password() {
        let u = RegistryUrl::parse("--to", "postgresql://root:secret@127.0.0.1:5432/test").unwrap();
        assert_eq!(u.to_string(), "postgresql://127.0.0.1:5432/test");
        assert!(!u.requires_tls());
        let u = RegistryUrl::parse("--to", "postgresql://h/db?sslmode=require").unwrap();
        assert!(u.requires_tls() && !u.verify);
        let u = RegistryUrl::parse("--to", "postgresql://h/db?sslmode=verify-full").unwrap();
        assert!(u.requires_tls() && u.verify);
        let e = RegistryUrl::parse("--to", "mysql://secret@h/db")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("--to: not a PostgreSQL URL") && !e.contains("secret"),
            "{e}"
        );
        let e = RegistryUrl::parse("--to", "postgresql://h:notaport/db")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--to: not a valid PostgreSQL URL"), "{e}");
    }
}
