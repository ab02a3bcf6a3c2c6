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

impl Event {
    /// The event's type name as stored and shown (`ApplicationSubmitted`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Event::CitizenRegistered(_) => "CitizenRegistered",
            Event::CitizenUpdated(_) => "CitizenUpdated",
            Event::InjectionRecorded(_) => "InjectionRecorded",
            Event::InjectionUpdated(_) => "InjectionUpdated",
            Event::InjectionVoided { .. } => "InjectionVoided",
            Event::ApplicationSubmitted { .. } => "ApplicationSubmitted",
            Event::ApplicationCancelled { .. } => "ApplicationCancelled",
            Event::ApplicationRejected { .. } => "ApplicationRejected",
            Event::CertificateIssued { .. } => "CertificateIssued",
            Event::CertificateRevoked { .. } => "CertificateRevoked",
        }
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

    /// Rebuilds an event from its stored type and data.
    pub fn from_stored(type_name: &str, data: &str) -> Result<Event, serde_json::Error> {
        // Parse once, straight into the enum: the log is read in bulk by every subscriber.
        let tagged = format!(
            "{{\"type\":{},\"data\":{data}}}",
            serde_json::Value::String(type_name.to_string())
        );
        serde_json::from_str(&tagged)
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
}
