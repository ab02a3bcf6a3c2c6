//! The registry's schema in PostgreSQL, by versioned migrations.
//!
//! `vaxdesk_schema_version` lists the migrations applied. They run in one transaction under an
//! advisory lock, so two relays starting at once (two clinics, or a relay restarted while its
//! old process still exits) apply each migration once: the second waits, then finds it done.

use postgres::Client;

/// `pg_advisory_xact_lock` key of the migrations ("vaxdesk1" in ASCII).
const LOCK: i64 = 0x7661_7864_6573_6b31;

/// Each migration, in order; never edit one that has shipped, append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the relayed events, the clinics, and the registry built from them.
    r#"
    CREATE TABLE vaxdesk_clinics (
        clinic         text PRIMARY KEY,
        -- The database relaying under this name: a second one is refused, not merged.
        database_id    text NOT NULL,
        first_relay_at timestamptz NOT NULL DEFAULT now(),
        last_seq       bigint NOT NULL DEFAULT 0,
        last_relay_at  timestamptz
    );

    CREATE TABLE vaxdesk_events (
        clinic     text NOT NULL REFERENCES vaxdesk_clinics (clinic),
        seq        bigint NOT NULL CHECK (seq >= 1),
        kind       text NOT NULL,
        at         timestamptz NOT NULL,
        payload    jsonb NOT NULL,
        relayed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (clinic, seq)
    );

    -- One row per person across the region, keyed by HMAC-SHA-256(registry key, resident id).
    CREATE TABLE registry_people (
        registry_ref     text PRIMARY KEY,
        family_name      text NOT NULL,
        given_name       text NOT NULL,
        family_name_icao text NOT NULL,
        given_name_icao  text NOT NULL,
        birth_date       text NOT NULL,
        first_clinic     text NOT NULL,
        updated_clinic   text NOT NULL,
        updated_at       timestamptz NOT NULL
    );

    CREATE TABLE registry_injections (
        clinic       text NOT NULL,
        injection    bigint NOT NULL,
        registry_ref text NOT NULL,
        product      text NOT NULL,
        dose         integer NOT NULL,
        series       integer NOT NULL,
        date         text NOT NULL,
        lot          text,
        country      text NOT NULL,
        centre       text,
        status       text NOT NULL,
        void_reason  text,
        version      bigint NOT NULL,
        updated_at   timestamptz NOT NULL,
        PRIMARY KEY (clinic, injection)
    );
    CREATE INDEX registry_injections_by_ref ON registry_injections (registry_ref);

    CREATE TABLE registry_certificates (
        clinic        text NOT NULL,
        uvci          text NOT NULL,
        registry_ref  text NOT NULL,
        injection     bigint NOT NULL,
        issued_at     text NOT NULL,
        expires_at    text NOT NULL,
        issuer        text NOT NULL,
        revoked_at    timestamptz,
        revoke_reason text,
        PRIMARY KEY (clinic, uvci)
    );
    CREATE INDEX registry_certificates_by_ref ON registry_certificates (registry_ref);

    -- Applies one clinic's newly inserted events, in order, to the registry tables. Called in
    -- the transaction that inserted them, with only the seqs the insert returned: an event
    -- sent twice is inserted once and applied once.
    CREATE FUNCTION vaxdesk_apply(p_clinic text, p_seqs bigint[]) RETURNS integer
    LANGUAGE plpgsql AS $fn$
    DECLARE
        e record;
        p jsonb;
        n integer := 0;
    BEGIN
        FOR e IN SELECT seq, kind, at, payload FROM vaxdesk_events
                 WHERE clinic = p_clinic AND seq = ANY (p_seqs) ORDER BY seq
        LOOP
            p := e.payload;
            CASE e.kind
            WHEN 'CitizenRegistered', 'CitizenUpdated' THEN
                INSERT INTO registry_people AS r (registry_ref, family_name, given_name,
                    family_name_icao, given_name_icao, birth_date, first_clinic,
                    updated_clinic, updated_at)
                VALUES (p->>'registry_ref', p->>'family_name', p->>'given_name',
                    p->>'family_name_icao', p->>'given_name_icao', p->>'birth_date',
                    p_clinic, p_clinic, e.at)
                ON CONFLICT (registry_ref) DO UPDATE SET
                    family_name = excluded.family_name,
                    given_name = excluded.given_name,
                    family_name_icao = excluded.family_name_icao,
                    given_name_icao = excluded.given_name_icao,
                    birth_date = excluded.birth_date,
                    updated_clinic = excluded.updated_clinic,
                    updated_at = excluded.updated_at
                WHERE r.updated_at <= excluded.updated_at;
            WHEN 'InjectionRecorded', 'InjectionUpdated' THEN
                INSERT INTO registry_injections AS r (clinic, injection, registry_ref, product,
                    dose, series, date, lot, country, centre, status, version, updated_at)
                VALUES (p_clinic, (p->>'injection')::bigint, p->>'registry_ref',
                    p->>'product', (p->>'dose')::integer, (p->>'series')::integer,
                    p->>'date', p->>'lot', p->>'country', p->>'centre', p->>'status',
                    (p->>'version')::bigint, e.at)
                ON CONFLICT (clinic, injection) DO UPDATE SET
                    registry_ref = excluded.registry_ref,
                    product = excluded.product,
                    dose = excluded.dose,
                    series = excluded.series,
                    date = excluded.date,
                    lot = excluded.lot,
                    country = excluded.country,
                    centre = excluded.centre,
                    status = excluded.status,
                    void_reason = NULL,
                    version = excluded.version,
                    updated_at = excluded.updated_at;
            WHEN 'InjectionVoided' THEN
                UPDATE registry_injections SET
                    status = 'VOIDED',
                    void_reason = p->>'reason',
                    version = (p->>'version')::bigint,
                    updated_at = e.at
                WHERE clinic = p_clinic AND injection = (p->>'injection')::bigint;
            WHEN 'CertificateIssued' THEN
                INSERT INTO registry_certificates (clinic, uvci, registry_ref, injection,
                    issued_at, expires_at, issuer)
                VALUES (p_clinic, p->>'certificate', p->>'registry_ref',
                    (p->>'injection')::bigint, p->>'issued_at', p->>'expires_at',
                    p->>'issuer')
                ON CONFLICT (clinic, uvci) DO NOTHING;
            WHEN 'CertificateRevoked' THEN
                UPDATE registry_certificates SET revoked_at = e.at, revoke_reason = p->>'reason'
                WHERE clinic = p_clinic AND uvci = p->>'certificate';
            ELSE
                -- Applications stay in vaxdesk_events: the registry keeps what was done.
                NULL;
            END CASE;
            n := n + 1;
        END LOOP;
        RETURN n;
    END
    $fn$;
    "#,
];

/// The schema version this binary writes.
pub const VERSION: i32 = MIGRATIONS.len() as i32;

/// A registry whose schema this binary cannot use.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "the registry's schema is version {found}, newer than this vaxdesk knows ({known}); \
         upgrade vaxdesk"
    )]
    TooNew { found: i32, known: i32 },
    #[error(transparent)]
    Sql(#[from] postgres::Error),
}

/// Applies the missing migrations (none when the schema is current).
pub fn migrate(client: &mut Client) -> Result<i32, SchemaError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS vaxdesk_schema_version (
             version    integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )?;
    let found: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM vaxdesk_schema_version",
            &[],
        )?
        .get(0);
    if found > VERSION {
        return Err(SchemaError::TooNew {
            found,
            known: VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO vaxdesk_schema_version (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )?;
    }
    tx.commit()?;
    Ok(VERSION)
}

/// The schema version of the registry, 0 when no relay has created it (read-only commands).
pub fn version(client: &mut Client) -> Result<i32, postgres::Error> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('vaxdesk_schema_version') IS NOT NULL",
            &[],
        )?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM vaxdesk_schema_version",
            &[],
        )?
        .get(0))
}
