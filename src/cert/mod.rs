//! Signed certificates in the EU Digital COVID Certificate (DCC) format, so that software
//! nobody here wrote can check what this desk issues, and this desk can check others'.
//!
//! An HC1 string is, from the outside in: the prefix `HC1:`, Base45 text ([`base45`]), zlib
//! ([`hc1`]), a COSE_Sign1 message signed with ES256 or PS256 ([`cose`]) whose payload is a
//! CWT carrying the DCC JSON. [`trust`] holds the signer certificates a verifier trusts,
//! [`schema`] the bundled JSON schema 1.3.3, [`qrimage`] reads a QR code from a PNG, and
//! [`verify`] runs the checks in order and reports each one. [`keys`] keeps the desk's own
//! CSCA and document signers, [`dcc`] builds the certificate's content when issuing, and
//! [`qr`] draws an HC1 string as a QR code (terminal half blocks, PNG, SVG), and [`pdf`]
//! prints a certificate on one page.

pub mod base45;
pub mod cose;
pub mod dcc;
pub mod hc1;
pub mod keys;
pub mod pdf;
pub mod qr;
pub mod qrimage;
pub mod schema;
pub mod trust;
pub mod verify;

pub use trust::{TrustStore, TrustedCert};
pub use verify::{Input, Options, Step, StepResult, Verification, verify, verify_input};
