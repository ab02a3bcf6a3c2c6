//! Domain events: the contract between contexts. Append-only, never edited.
//!
//! Each carries the aggregate's internal id and the fields a subscriber needs, so the status
//! view can be built from the log alone. The actor and time travel in the envelope.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    CitizenRegistered(CitizenFacts),
    CitizenUpdated(CitizenFacts),
    InjectionRecorded(InjectionFacts),
    InjectionUpdated(InjectionFacts),
    InjectionVoided {
        injection: i64,
        citizen: i64,
        dose: u32,
        reason: String,
        version: i64,
    },
    ApplicationSubmitted {
        application: i64,
        citizen: i64,
        injection: i64,
        product: String,
        dose: u32,
        series: u32,
        date: String,
    },
    ApplicationCancelled {
        application: i64,
        citizen: i64,
        injection: i64,
    },
    ApplicationRejected {
        application: i64,
        citizen: i64,
        injection: i64,
        reason: String,
    },
    CertificateIssued {
        certificate: String,
        application: i64,
        citizen: i64,
        injection: i64,
        issued_at: String,
        expires_at: String,
        issuer: String,
        /// The signed certificate (`HC1:...`); absent in events from before signing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payload: Option<String>,
        /// The signer's kid (hex); absent in events from before signing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_id: Option<String>,
    },
    CertificateRevoked {
        certificate: String,
        application: i64,
        citizen: i64,
        injection: i64,
        reason: String,
    },
}

/// A citizen's record as it stands after the change. Never the resident id itself: its keyed
/// hash (the kiosk's sign-in finds the citizen by it) and its masked form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenFacts {
    pub citizen: i64,
    pub id_lookup: String,
    pub masked_id: String,
    pub family_name: String,
    pub given_name: String,
    pub family_name_icao: String,
    pub given_name_icao: String,
    pub birth_date: String,
}

/// An injection as it stands after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InjectionFacts {
    pub injection: i64,
    pub citizen: i64,
    pub product: String,
    pub dose: u32,
    pub series: u32,
    pub date: String,
    pub lot: Option<String>,
    pub country: String,
    pub centre: Option<String>,
    pub status: String,
    pub version: i64,
}

/// Declares [`EventKind`] and [`EventKind::ALL`] from one list, so neither can miss a kind.
macro_rules! event_kinds {
    ($($kind:ident),+ $(,)?) => {
        /// What kind of event an [`Event`] is, without its fields: what subscribers declare
        /// interest in and what the log's `type` column holds.
        ///
        /// Code that must react to kinds matches on this enum without a wildcard, so a new
        /// event that nobody thought about stops the build instead of being skipped silently.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventKind {
            $($kind),+
        }

        impl EventKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [EventKind] = &[$(EventKind::$kind),+];

            /// The kind's name as stored in the log and shown (`ApplicationSubmitted`).
            pub fn name(self) -> &'static str {
                match self {
                    $(EventKind::$kind => stringify!($kind)),+
                }
            }
        }
    };
}

event_kinds!(
    CitizenRegistered,
    CitizenUpdated,
    InjectionRecorded,
    InjectionUpdated,
    InjectionVoided,
    ApplicationSubmitted,
    ApplicationCancelled,
    ApplicationRejected,
    CertificateIssued,
    CertificateRevoked,
);

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EventKind {
    type Err = StoredEventError;

    /// Reads a stored kind name; an unknown one is an error that names it.
    fn from_str(s: &str) -> Result<EventKind, StoredEventError> {
        EventKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| StoredEventError::UnknownKind(s.to_string()))
    }
}

/// A stored event that cannot be turned back into an [`Event`].
#[derive(Debug, thiserror::Error)]
pub enum StoredEventError {
    #[error("unknown event type `{0}` (this vaxdesk knows {known})", known = known_kinds())]
    UnknownKind(String),
    #[error("{0}")]
    Data(#[from] serde_json::Error),
}

fn known_kinds() -> String {
    EventKind::ALL
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Event {
    /// The event's kind.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::CitizenRegistered(_) => EventKind::CitizenRegistered,
            Event::CitizenUpdated(_) => EventKind::CitizenUpdated,
            Event::InjectionRecorded(_) => EventKind::InjectionRecorded,
            Event::InjectionUpdated(_) => EventKind::InjectionUpdated,
            Event::InjectionVoided { .. } => EventKind::InjectionVoided,
            Event::ApplicationSubmitted { .. } => EventKind::ApplicationSubmitted,
            Event::ApplicationCancelled { .. } => EventKind::ApplicationCancelled,
            Event::ApplicationRejected { .. } => EventKind::ApplicationRejected,
            Event::CertificateIssued { .. } => EventKind::CertificateIssued,
            Event::CertificateRevoked { .. } => EventKind::CertificateRevoked,
        }
    }

    /// The event's type name as stored and shown (`ApplicationSubmitted`).
    pub fn type_name(&self) -> &'static str {
        self.kind().name()
    }

    /// The aggregate the event belongs to, as `kind/id`.
    pub fn aggregate(&self) -> String {
        match self {
            Event::CitizenRegistered(c) | Event::CitizenUpdated(c) => {
                format!("citizen/{}", c.citizen)
            }
            Event::InjectionRecorded(i) | Event::InjectionUpdated(i) => {
                format!("injection/{}", i.injection)
            }
            Event::InjectionVoided { injection, .. } => format!("injection/{injection}"),
            Event::ApplicationSubmitted { application, .. }
            | Event::ApplicationCancelled { application, .. }
            | Event::ApplicationRejected { application, .. } => {
                format!("application/{application}")
            }
            Event::CertificateIssued { certificate, .. }
            | Event::CertificateRevoked { certificate, .. } => format!("certificate/{certificate}"),
        }
    }

    /// The event's fields without the type tag, as stored in the log's `data` column.
    pub fn data_json(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut m)) => m.remove("data").unwrap_or_default(),
            _ => serde_json::Value::Null,
        }
    }

    /// The event's fields as a JSON string, serialised once.
    pub fn data_string(&self) -> String {
        // Adjacent tagging writes `{"type":"<Name>","data":<fields>}`: keep the fields.
        let full = serde_json::to_string(self).unwrap_or_default();
        let head = format!("{{\"type\":\"{}\",\"data\":", self.type_name());
        match full.strip_prefix(&head).and_then(|s| s.strip_suffix('}')) {
            Some(data) => data.to_string(),
            None => self.data_json().to_string(),
        }
    }

    /// Rebuilds an event from its stored type and data; an unknown type is named as such.
    pub fn from_stored(type_name: &str, data: &str) -> Result<Event, StoredEventError> {
        let kind: EventKind = type_name.parse()?;
        // Parse once, straight into the enum: the log is read in bulk by every subscriber.
        let tagged = format!("{{\"type\":\"{}\",\"data\":{data}}}", kind.name());
        let event: Event = serde_json::from_str(&tagged)?;
        debug_assert_eq!(event.kind(), kind);
        Ok(event)
    }
}

/// A committed event with its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub actor: String,
    pub at: String,
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_type_and_data() {
        let e = Event::ApplicationCancelled {
            application: 3,
            citizen: 1,
            injection: 2,
        };
        let data = e.data_json().to_string();
        assert_eq!(e.data_string(), data);
        assert_eq!(Event::from_stored(e.type_name(), &data).unwrap(), e);
        assert_eq!(e.aggregate(), "application/3");
    }

    fn citizen() -> CitizenFacts {
        CitizenFacts {
            citizen: 1,
            id_lookup: "ab".into(),
            masked_id: "900101-1******".into(),
            family_name: "KIM".into(),
            given_name: "MINJI".into(),
            family_name_icao: "KIM".into(),
            given_name_icao: "MINJI".into(),
            birth_date: "1990-01-01".into(),
        }
    }

    fn injection() -> InjectionFacts {
        InjectionFacts {
            injection: 2,
            citizen: 1,
            product: "EU/1/20/1528".into(),
            dose: 1,
            series: 2,
            date: "2026-11-25".into(),
            lot: None,
            country: "KR".into(),
            centre: None,
            status: "ADMINISTERED".into(),
            version: 1,
        }
    }

    /// One event of every kind, in [`EventKind::ALL`] order.
    fn one_of_each() -> Vec<Event> {
        vec![
            Event::CitizenRegistered(citizen()),
            Event::CitizenUpdated(citizen()),
            Event::InjectionRecorded(injection()),
            Event::InjectionUpdated(injection()),
            Event::InjectionVoided {
                injection: 2,
                citizen: 1,
                dose: 1,
                reason: "wrong arm".into(),
                version: 2,
            },
            Event::ApplicationSubmitted {
                application: 3,
                citizen: 1,
                injection: 2,
                product: "EU/1/20/1528".into(),
                dose: 1,
                series: 2,
                date: "2026-11-25".into(),
            },
            Event::ApplicationCancelled {
                application: 3,
                citizen: 1,
                injection: 2,
            },
            Event::ApplicationRejected {
                application: 3,
                citizen: 1,
                injection: 2,
                reason: "voided".into(),
            },
            Event::CertificateIssued {
                certificate: "URN:UVCI:01:KR:X".into(),
                application: 3,
                citizen: 1,
                injection: 2,
                issued_at: "2026-11-25T09:00:00Z".into(),
                expires_at: "2027-11-25T09:00:00Z".into(),
                issuer: "vaxdesk".into(),
                payload: None,
                key_id: None,
            },
            Event::CertificateRevoked {
                certificate: "URN:UVCI:01:KR:X".into(),
                application: 3,
                citizen: 1,
                injection: 2,
                reason: "error".into(),
            },
        ]
    }

    #[test]
    fn every_kind_is_stored_under_the_name_serde_writes() {
        let events = one_of_each();
        let kinds: Vec<EventKind> = events.iter().map(Event::kind).collect();
        assert_eq!(kinds, EventKind::ALL, "one sample per kind, in order");
        for e in events {
            let tagged = serde_json::to_value(&e).unwrap();
            assert_eq!(tagged["type"], e.kind().name());
            assert_eq!(e.kind().name().parse::<EventKind>().unwrap(), e.kind());
            let back = Event::from_stored(e.type_name(), &e.data_string()).unwrap();
            assert_eq!(back, e);
        }
    }

    #[test]
    fn stored_names_stay_as_they_were() {
        // The log, the audit and `vaxdesk events --json` carry these names: never rename one.
        let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(
            names,
            [
                "CitizenRegistered",
                "CitizenUpdated",
                "InjectionRecorded",
                "InjectionUpdated",
                "InjectionVoided",
                "ApplicationSubmitted",
                "ApplicationCancelled",
                "ApplicationRejected",
                "CertificateIssued",
                "CertificateRevoked",
            ]
        );
    }

    #[test]
    fn an_unknown_stored_kind_is_named() {
        let e = Event::from_stored("CitizenDeleted", "{}").unwrap_err();
        assert!(matches!(e, StoredEventError::UnknownKind(_)));
        let text = e.to_string();
        assert!(
            text.starts_with("unknown event type `CitizenDeleted`")
                && text.contains("CertificateRevoked"),
            "{text}"
        );
        // A known kind with broken fields is a data error, not an unknown kind.
        let e = Event::from_stored("ApplicationCancelled", "{\"application\":1}").unwrap_err();
        assert!(matches!(e, StoredEventError::Data(_)), "{e}");
    }
}
