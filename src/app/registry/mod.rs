//! The regional registry in PostgreSQL: the events every clinic's relay sends, and the tables
//! built from them keyed by `registry_ref` (people, injections, certificates).
//!
//! The relay writes a batch in one PostgreSQL transaction: the events go in with
//! `ON CONFLICT (clinic, seq) DO NOTHING`, and only those the insert returned are applied to
//! the registry tables (by `vaxdesk_apply`, in the same transaction). A batch sent again after
//! a crash is therefore inserted and applied once.

pub mod connect;
pub mod key;
pub mod schema;

pub use connect::{RegistryUrl, UrlError};
pub use key::{KeyFileError, KeyFileReason, RegistryKey};

use postgres::Client;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The registry refuses what was asked (another database under this clinic's name).
    #[error("{0}")]
    Refused(RegistryRefusal),
    /// The registry cannot be used by this vaxdesk.
    #[error("registry {url}: {source}")]
    Schema {
        url: String,
        source: schema::SchemaError,
    },
    /// PostgreSQL failed or could not be reached: worth another try later.
    #[error("registry {url}: {}", describe(source))]
    Postgres {
        url: String,
        source: postgres::Error,
    },
}

impl RegistryError {
    /// True when trying again later may succeed: the server cannot be reached, is restarting
    /// or shutting down, ran out of resources, or rolled the transaction back (SQLSTATE
    /// classes 08, 40, 53, 57, 58). A refusal, a wrong password, a missing database or a
    /// statement the server rejects is not retried: the relay stops and says why.
    pub fn is_transient(&self) -> bool {
        match self {
            RegistryError::Postgres { source, .. } => match source.as_db_error() {
                None => true,
                Some(db) => {
                    let code = db.code().code();
                    ["08", "40", "53", "57", "58"]
                        .iter()
                        .any(|class| code.starts_with(class))
                }
            },
            RegistryError::Refused(_) | RegistryError::Schema { .. } => false,
        }
    }
}

/// What the registry refuses, by its kind (its English is its `Display`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryRefusal {
    #[error("registry {url}: no vaxdesk registry there yet (a relay creates it on its first run)")]
    NotCreated { url: String },
    #[error(
        "registry {url}: clinic '{clinic}' is already relayed there from another database; \
         give this database its own name with --clinic"
    )]
    OtherDatabase { url: String, clinic: String },
}

/// A PostgreSQL error in one line: the server's own message when it sent one, else the error
/// and its causes (a TLS handshake says why it failed: an unknown issuer, a wrong name).
pub fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// An open connection to the registry.
pub struct Registry {
    client: Client,
    url: RegistryUrl,
}

/// One event as relayed: the payload already stripped of the desk's own ids.
#[derive(Debug, Clone)]
pub struct OutEvent {
    pub seq: i64,
    pub kind: String,
    pub at: String,
    pub payload: String,
}

/// What one batch did in the registry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Events new to the registry (the others were there already: sent before a crash).
    pub inserted: u64,
}

impl Registry {
    /// Connects and brings the schema up to date (the relay).
    pub fn open(url: &RegistryUrl) -> Result<Registry, RegistryError> {
        let mut r = Registry::connect(url)?;
        schema::migrate(&mut r.client).map_err(|source| match source {
            schema::SchemaError::Sql(source) => RegistryError::Postgres {
                url: url.to_string(),
                source,
            },
            source => RegistryError::Schema {
                url: url.to_string(),
                source,
            },
        })?;
        Ok(r)
    }

    /// Connects to read (the `registry` commands); a registry no relay has created is
    /// refused with a message saying so.
    pub fn open_to_read(url: &RegistryUrl) -> Result<Registry, RegistryError> {
        let mut r = Registry::connect(url)?;
        let found = schema::version(&mut r.client).map_err(|e| r.fail(e))?;
        if found == 0 {
            return Err(RegistryError::Refused(RegistryRefusal::NotCreated {
                url: url.to_string(),
            }));
        }
        if found > schema::VERSION {
            return Err(RegistryError::Schema {
                url: url.to_string(),
                source: schema::SchemaError::TooNew {
                    found,
                    known: schema::VERSION,
                },
            });
        }
        Ok(r)
    }

    fn connect(url: &RegistryUrl) -> Result<Registry, RegistryError> {
        let client = url.connect().map_err(|source| RegistryError::Postgres {
            url: url.to_string(),
            source,
        })?;
        Ok(Registry {
            client,
            url: url.clone(),
        })
    }

    fn fail(&self, source: postgres::Error) -> RegistryError {
        RegistryError::Postgres {
            url: self.url.to_string(),
            source,
        }
    }

    /// The registry's address, without a password.
    pub fn url(&self) -> &RegistryUrl {
        &self.url
    }

    /// Claims `clinic` for the database `database_id`, or refuses when another database
    /// already relays under that name. Returns the highest seq the registry has of it.
    pub fn claim(&mut self, clinic: &str, database_id: &str) -> Result<i64, RegistryError> {
        let row = self
            .client
            .query_one(
                "WITH ins AS (
                     INSERT INTO vaxdesk_clinics (clinic, database_id) VALUES ($1, $2)
                     ON CONFLICT (clinic) DO NOTHING RETURNING database_id, last_seq)
                 SELECT database_id, last_seq FROM ins
                 UNION ALL
                 SELECT database_id, last_seq FROM vaxdesk_clinics WHERE clinic = $1
                 LIMIT 1",
                &[&clinic, &database_id],
            )
            .map_err(|e| self.fail(e))?;
        let owner: String = row.get(0);
        if owner != database_id {
            return Err(refused_other_database(&self.url, clinic));
        }
        Ok(row.get(1))
    }

    /// Writes one batch of `clinic`'s events in one transaction: inserts those not there yet
    /// and applies exactly those to the registry tables.
    pub fn write_batch(
        &mut self,
        clinic: &str,
        database_id: &str,
        events: &[OutEvent],
    ) -> Result<Written, RegistryError> {
        let url = self.url.clone();
        let fail = |source| RegistryError::Postgres {
            url: url.to_string(),
            source,
        };
        let mut tx = self.client.transaction().map_err(fail)?;
        // Locks the clinic's row: two relays of one clinic write one batch at a time.
        let owner: Option<String> = tx
            .query_opt(
                "SELECT database_id FROM vaxdesk_clinics WHERE clinic = $1 FOR UPDATE",
                &[&clinic],
            )
            .map_err(fail)?
            .map(|r| r.get(0));
        match owner {
            Some(o) if o == database_id => {}
            Some(_) => return Err(refused_other_database(&url, clinic)),
            None => {
                tx.execute(
                    "INSERT INTO vaxdesk_clinics (clinic, database_id) VALUES ($1, $2)",
                    &[&clinic, &database_id],
                )
                .map_err(fail)?;
            }
        }
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        let ats: Vec<&str> = events.iter().map(|e| e.at.as_str()).collect();
        let payloads: Vec<&str> = events.iter().map(|e| e.payload.as_str()).collect();
        let inserted: Vec<i64> = tx
            .query_one(
                "WITH ins AS (
                     INSERT INTO vaxdesk_events (clinic, seq, kind, at, payload)
                     SELECT $1, s, k, a::timestamptz, p::jsonb
                     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS t (s, k, a, p)
                     ON CONFLICT (clinic, seq) DO NOTHING
                     RETURNING seq)
                 SELECT COALESCE(array_agg(seq ORDER BY seq), '{}') FROM ins",
                &[&clinic, &seqs, &kinds, &ats, &payloads],
            )
            .map_err(fail)?
            .get(0);
        if !inserted.is_empty() {
            tx.execute("SELECT vaxdesk_apply($1, $2)", &[&clinic, &inserted])
                .map_err(fail)?;
        }
        let last = seqs.iter().copied().max().unwrap_or(0);
        tx.execute(
            "UPDATE vaxdesk_clinics SET last_seq = GREATEST(last_seq, $2), last_relay_at = now()
             WHERE clinic = $1",
            &[&clinic, &last],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(Written {
            inserted: inserted.len() as u64,
        })
    }

    /// One person's injections and certificates from every clinic.
    pub fn person(&mut self, registry_ref: &str) -> Result<PersonRecord, RegistryError> {
        let person = self
            .client
            .query_opt(
                "SELECT family_name, given_name, birth_date, first_clinic, updated_clinic
                 FROM registry_people WHERE registry_ref = $1",
                &[&registry_ref],
            )
            .map_err(|e| self.fail(e))?
            .map(|r| Person {
                family_name: r.get(0),
                given_name: r.get(1),
                birth_date: r.get(2),
                first_clinic: r.get(3),
                updated_clinic: r.get(4),
            });
        let injections = self
            .client
            .query(
                "SELECT clinic, injection, product, dose, series, date, lot, country, centre,
                        status, void_reason
                 FROM registry_injections WHERE registry_ref = $1
                 ORDER BY date, dose, clinic, injection",
                &[&registry_ref],
            )
            .map_err(|e| self.fail(e))?
            .into_iter()
            .map(|r| RegistryInjection {
                clinic: r.get(0),
                injection: r.get(1),
                product: r.get(2),
                dose: r.get(3),
                series: r.get(4),
                date: r.get(5),
                lot: r.get(6),
                country: r.get(7),
                centre: r.get(8),
                status: r.get(9),
                void_reason: r.get(10),
            })
            .collect();
        let certificates = self
            .client
            .query(
                "SELECT clinic, uvci, injection, issued_at, expires_at,
                        to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                        revoke_reason
                 FROM registry_certificates WHERE registry_ref = $1
                 ORDER BY issued_at, clinic, uvci",
                &[&registry_ref],
            )
            .map_err(|e| self.fail(e))?
            .into_iter()
            .map(|r| RegistryCertificate {
                clinic: r.get(0),
                uvci: r.get(1),
                injection: r.get(2),
                issued_at: r.get(3),
                expires_at: r.get(4),
                revoked_at: r.get(5),
                revoke_reason: r.get(6),
            })
            .collect();
        Ok(PersonRecord {
            person,
            injections,
            certificates,
        })
    }

    /// Counts per clinic and in all.
    pub fn stats(&mut self) -> Result<Stats, RegistryError> {
        let mut clinics: Vec<ClinicStats> = self
            .client
            .query(
                "SELECT c.clinic, c.last_seq,
                        to_char(c.last_relay_at AT TIME ZONE 'UTC',
                                'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                        (SELECT COUNT(DISTINCT registry_ref) FROM registry_injections i
                          WHERE i.clinic = c.clinic),
                        (SELECT COUNT(*) FROM registry_certificates r WHERE r.clinic = c.clinic),
                        (SELECT COUNT(*) FROM registry_certificates r
                          WHERE r.clinic = c.clinic AND r.revoked_at IS NOT NULL)
                 FROM vaxdesk_clinics c ORDER BY c.clinic",
                &[],
            )
            .map_err(|e| self.fail(e))?
            .into_iter()
            .map(|r| ClinicStats {
                clinic: r.get(0),
                events: r.get(1),
                last_relay_at: r.get(2),
                people: r.get(3),
                injections: Vec::new(),
                certificates_issued: r.get(4),
                certificates_revoked: r.get(5),
            })
            .collect();
        let rows = self
            .client
            .query(
                "SELECT clinic, product, dose, COUNT(*) FROM registry_injections
                 WHERE status <> 'VOIDED'
                 GROUP BY clinic, product, dose ORDER BY clinic, product, dose",
                &[],
            )
            .map_err(|e| self.fail(e))?;
        let mut all: std::collections::BTreeMap<(String, i32), i64> = Default::default();
        for r in rows {
            let (clinic, product, dose, n): (String, String, i32, i64) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            *all.entry((product.clone(), dose)).or_default() += n;
            if let Some(c) = clinics.iter_mut().find(|c| c.clinic == clinic) {
                c.injections.push(DoseCount { product, dose, n });
            }
        }
        let totals = self
            .client
            .query_one(
                "SELECT (SELECT COUNT(*) FROM registry_people),
                        (SELECT COUNT(*) FROM registry_certificates),
                        (SELECT COUNT(*) FROM registry_certificates WHERE revoked_at IS NOT NULL),
                        (SELECT COALESCE(SUM(last_seq), 0)::bigint FROM vaxdesk_clinics)",
                &[],
            )
            .map_err(|e| self.fail(e))?;
        Ok(Stats {
            total: ClinicStats {
                clinic: "all".into(),
                events: totals.get(3),
                last_relay_at: None,
                people: totals.get(0),
                injections: all
                    .into_iter()
                    .map(|((product, dose), n)| DoseCount { product, dose, n })
                    .collect(),
                certificates_issued: totals.get(1),
                certificates_revoked: totals.get(2),
            },
            clinics: std::mem::take(&mut clinics),
        })
    }
}

fn refused_other_database(url: &RegistryUrl, clinic: &str) -> RegistryError {
    RegistryError::Refused(RegistryRefusal::OtherDatabase {
        url: url.to_string(),
        clinic: clinic.to_string(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub family_name: String,
    pub given_name: String,
    pub birth_date: String,
    pub first_clinic: String,
    pub updated_clinic: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegistryInjection {
    pub clinic: String,
    pub injection: i64,
    pub product: String,
    pub dose: i32,
    pub series: i32,
    pub date: String,
    pub lot: Option<String>,
    pub country: String,
    pub centre: Option<String>,
    pub status: String,
    pub void_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegistryCertificate {
    pub clinic: String,
    pub uvci: String,
    pub injection: i64,
    pub issued_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
}

/// What the registry knows of one person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRecord {
    pub person: Option<Person>,
    pub injections: Vec<RegistryInjection>,
    pub certificates: Vec<RegistryCertificate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DoseCount {
    pub product: String,
    pub dose: i32,
    pub n: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClinicStats {
    pub clinic: String,
    /// Events relayed (the clinic's highest seq in the registry).
    pub events: i64,
    pub last_relay_at: Option<String>,
    /// People with an injection at this clinic (in all: every person in the registry).
    pub people: i64,
    /// Injections not voided, by product and dose.
    pub injections: Vec<DoseCount>,
    pub certificates_issued: i64,
    pub certificates_revoked: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub clinics: Vec<ClinicStats>,
    pub total: ClinicStats,
}
