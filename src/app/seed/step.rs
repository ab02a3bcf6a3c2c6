//! The seed actions: one serde enum, tagged by the step's `action`, is the only list of them
//! and of their fields.
//!
//! A step's table is read into it by a small deserializer of our own rather than `toml`'s, so
//! that a refusal names the field and the reason in the clinic's words (`dose: must be a whole
//! number, not string`) and in a fixed order: unknown fields first, then the fields as the
//! enum declares them, then `actor` and `at`.

use super::fast_toml::FastValue;
use crate::domain::text;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use toml::Value;

/// One step of a seed file, its fields checked for presence and type, not yet for meaning.
#[derive(Debug)]
pub struct Step {
    /// The action's name as the file spells it.
    pub name: &'static str,
    pub action: Action,
    pub actor: Option<String>,
    pub at: Option<String>,
}

/// What a step does, with its fields. Declared in the order the unknown-action message lists
/// the actions, each variant's fields in the order they are checked.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    RegisterCitizen {
        id: String,
        family_name: String,
        given_name: String,
        birth_date: Day,
        family_name_icao: Option<String>,
        given_name_icao: Option<String>,
    },
    UpdateCitizen {
        id: String,
        family_name: Option<String>,
        given_name: Option<String>,
        birth_date: Option<Day>,
        family_name_icao: Option<String>,
        given_name_icao: Option<String>,
    },
    RecordInjection {
        citizen: String,
        product: String,
        dose: i64,
        series: Option<i64>,
        date: Day,
        lot: Option<String>,
        status: Option<String>,
        country: Option<String>,
        centre: Option<String>,
    },
    UpdateInjection {
        citizen: String,
        dose: i64,
        status: Option<String>,
        date: Option<Day>,
        lot: Option<String>,
        product: Option<String>,
        series: Option<i64>,
        centre: Option<String>,
    },
    VoidInjection {
        citizen: String,
        dose: i64,
        reason: String,
    },
    Apply {
        citizen: String,
        dose: i64,
    },
    Cancel {
        citizen: String,
        dose: i64,
    },
    Issue {
        citizen: String,
        dose: i64,
    },
    Reject {
        citizen: String,
        dose: i64,
        reason: String,
    },
}

impl Action {
    /// True for the steps that read what subscribers maintain (applications, requests).
    pub fn reads_projections(&self) -> bool {
        match self {
            Action::Apply { .. }
            | Action::Cancel { .. }
            | Action::Issue { .. }
            | Action::Reject { .. } => true,
            Action::RegisterCitizen { .. }
            | Action::UpdateCitizen { .. }
            | Action::RecordInjection { .. }
            | Action::UpdateInjection { .. }
            | Action::VoidInjection { .. } => false,
        }
    }
}

/// A date field: a string (checked later, by the rule that reads it) or a TOML local date.
#[derive(Debug)]
pub struct Day(pub String);

const DAY: &str = "Day";

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Day;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Day, E> {
                Ok(Day(v.to_string()))
            }
        }
        d.deserialize_newtype_struct(DAY, V)
    }
}

/// Reads one step's table. The error is (the action as written, or `?`; the message).
pub fn parse_step(t: &toml::Table) -> Result<Step, (String, String)> {
    read_step(Source::Toml(t))
}

/// [`parse_step`] of a simple block's fields ([`super::fast_toml::step_fields`]): the same
/// step, or the same refusal, as of the table `toml` makes of the block.
pub fn parse_fast_step(fields: &[(&str, FastValue<'_>)]) -> Result<Step, (String, String)> {
    read_step(Source::Fast(fields))
}

/// Where a step's fields are read from: `toml`'s table, or the fast path's sorted fields.
#[derive(Clone, Copy)]
enum Source<'a> {
    Toml(&'a toml::Table),
    Fast(&'a [(&'a str, FastValue<'a>)]),
}

impl<'a> Source<'a> {
    fn get(self, key: &str) -> Option<Field<'a>> {
        match self {
            Source::Toml(t) => t.get(key).map(Field::Toml),
            Source::Fast(f) => f
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| Field::Fast(*v)),
        }
    }

    /// The first key `known` refuses in the table's key order (sorted: no `preserve_order`).
    fn first_unknown(self, known: impl Fn(&str) -> bool) -> Option<&'a str> {
        match self {
            Source::Toml(t) => t.keys().map(String::as_str).find(|k| !known(k)),
            // Sorted by the fast path already; the smallest is that first one either way.
            Source::Fast(f) => f.iter().map(|(k, _)| *k).filter(|k| !known(k)).min(),
        }
    }
}

/// One field's value from either source.
#[derive(Clone, Copy)]
enum Field<'a> {
    Toml(&'a Value),
    Fast(FastValue<'a>),
}

impl<'a> Field<'a> {
    fn as_str(self) -> Option<&'a str> {
        match self {
            Field::Toml(Value::String(s)) => Some(s),
            Field::Fast(FastValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    fn as_integer(self) -> Option<i64> {
        match self {
            Field::Toml(Value::Integer(i)) => Some(*i),
            Field::Fast(FastValue::Int(i)) => Some(i),
            _ => None,
        }
    }

    fn type_str(self) -> &'static str {
        match self {
            Field::Toml(v) => v.type_str(),
            Field::Fast(v) => v.type_str(),
        }
    }
}

fn read_step(t: Source<'_>) -> Result<Step, (String, String)> {
    let written = match t.get("action") {
        Some(v) => match v.as_str() {
            Some(s) => s,
            None => return Err(("?".into(), "action: must be a string".into())),
        },
        None => return Err(("?".into(), "action: missing".into())),
    };
    let mut name = "";
    let action = Action::deserialize(StepTable {
        written,
        table: t,
        name: &mut name,
    })
    .map_err(|e| (written.to_string(), e.0))?;
    let fail = |m: String| (name.to_string(), m);
    let actor = match t.get("actor") {
        None => None,
        Some(v) => match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                return Err(fail(format!(
                    "actor: must be a string, not {}",
                    v.type_str()
                )));
            }
        },
    };
    let at = match t.get("at") {
        None => None,
        Some(v) => match (v.as_str(), v) {
            (Some(s), _) => Some(s.to_string()),
            (None, Field::Toml(Value::Datetime(d))) if d.offset.is_some() => Some(d.to_string()),
            _ => {
                return Err(fail(format!(
                    "at: must be an RFC 3339 time with an offset (e.g. 2021-06-01T09:30:00+09:00), not {}",
                    v.type_str()
                )));
            }
        },
    };
    Ok(Step {
        name,
        action,
        actor,
        at,
    })
}

/// A refusal worded for the user.
#[derive(Debug)]
struct Refused(String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Refused(msg.to_string())
    }
}

/// The step's table, seen as the enum variant its `action` names.
struct StepTable<'a, 'n> {
    written: &'a str,
    table: Source<'a>,
    /// Where the action's name is left, once known.
    name: &'n mut &'static str,
}

impl<'de> Deserializer<'de> for StepTable<'_, '_> {
    type Error = Refused;

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _enum: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        let Some(name) = variants.iter().copied().find(|v| *v == self.written) else {
            return Err(Refused(format!(
                "action: unknown action '{}' (one of: {})",
                self.written,
                variants.join(", ")
            )));
        };
        *self.name = name;
        visitor.visit_enum(Variant {
            name,
            table: self.table,
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Refused> {
        Err(Refused("a step is read as an action".into()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

struct Variant<'a> {
    name: &'static str,
    table: Source<'a>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_> {
    type Error = Refused;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Refused> {
        let v = seed.deserialize(self.name.into_deserializer())?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_> {
    type Error = Refused;

    fn unit_variant(self) -> Result<(), Refused> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, _: S) -> Result<S::Value, Refused> {
        Err(Refused("a step's fields are a table".into()))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Refused> {
        Err(Refused("a step's fields are a table".into()))
    }

    /// Unknown fields are refused first; then every declared field is handed over in order,
    /// an absent one as missing (an optional field takes it as none).
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        let known = |key: &str| matches!(key, "action" | "actor" | "at") || fields.contains(&key);
        if let Some(key) = self.table.first_unknown(known) {
            let key = text::cut(key, 80);
            return Err(Refused(format!("{key}: unknown field for {}", self.name)));
        }
        visitor.visit_map(Fields {
            action: self.name,
            fields: fields.iter(),
            table: self.table,
            value: None,
        })
    }
}

struct Fields<'a> {
    action: &'static str,
    fields: std::slice::Iter<'static, &'static str>,
    table: Source<'a>,
    value: Option<FieldValue<'a>>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = Refused;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refused> {
        let Some(&key) = self.fields.next() else {
            return Ok(None);
        };
        self.value = Some(FieldValue {
            key,
            action: self.action,
            value: self.table.get(key),
        });
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Refused> {
        match self.value.take() {
            Some(v) => seed.deserialize(v),
            None => Err(Refused("a value without its field".into())),
        }
    }
}

/// One field's value, or its absence; knows its name for the message.
struct FieldValue<'a> {
    key: &'static str,
    action: &'static str,
    value: Option<Field<'a>>,
}

impl FieldValue<'_> {
    fn refuse(&self, want: &str) -> Refused {
        match self.value {
            None => Refused(format!(
                "{}: missing (required for {})",
                self.key, self.action
            )),
            Some(v) => Refused(format!("{}: {want}, not {}", self.key, v.type_str())),
        }
    }
}

impl<'de> Deserializer<'de> for FieldValue<'_> {
    type Error = Refused;

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self.value {
            None => visitor.visit_none(),
            Some(_) => visitor.visit_some(self),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self.value.and_then(Field::as_str) {
            Some(s) => visitor.visit_str(s),
            None => Err(self.refuse("must be a string")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        self.deserialize_string(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self.value.and_then(Field::as_integer) {
            Some(i) => visitor.visit_i64(i),
            None => Err(self.refuse("must be a whole number")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refused> {
        if name == DAY
            && let Some(s) = self.value.and_then(Field::as_str)
        {
            return visitor.visit_str(s);
        }
        match self.value {
            Some(Field::Toml(Value::Datetime(d)))
                if name == DAY && d.date.is_some() && d.time.is_none() =>
            {
                visitor.visit_str(&d.to_string())
            }
            _ => Err(self.refuse("must be a date (\"YYYY-MM-DD\")")),
        }
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Refused> {
        Err(Refused(format!("{}: cannot be read", self.key)))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> (String, String) {
        parse_step(&text.parse().unwrap()).unwrap_err()
    }

    #[test]
    fn fields_are_read_typed() {
        let t = "action = \"record-injection\"\ncitizen = \"A1\"\nproduct = \"P\"\ndose = 2\n\
                 date = 2021-06-01\nat = 2021-06-01T09:00:00+09:00\n";
        let step = parse_step(&t.parse().unwrap()).unwrap();
        assert_eq!(step.name, "record-injection");
        assert_eq!(step.at.as_deref(), Some("2021-06-01T09:00:00+09:00"));
        let Action::RecordInjection {
            dose, date, series, ..
        } = step.action
        else {
            panic!("{:?}", step.action)
        };
        assert_eq!((dose, date.0.as_str(), series), (2, "2021-06-01", None));
    }

    #[test]
    fn refusals_name_the_field_and_the_reason_in_order() {
        let unknown = refusal("action = \"vaccinate\"");
        assert_eq!(unknown.0, "vaccinate");
        assert!(
            unknown.1.starts_with(
                "action: unknown action 'vaccinate' (one of: register-citizen, update-citizen, \
                 record-injection, update-injection, void-injection, apply, cancel, issue, reject)"
            ),
            "{}",
            unknown.1
        );
        // An unknown field before a missing one; a missing one before a later wrong type.
        let r = refusal("action = \"apply\"\ncolour = 1\ndose = \"x\"");
        assert_eq!(
            r,
            ("apply".into(), "colour: unknown field for apply".into())
        );
        let r = refusal("action = \"apply\"\ndose = \"x\"");
        assert_eq!(r.1, "citizen: missing (required for apply)");
        let r = refusal("action = \"apply\"\ncitizen = \"A\"\ndose = \"x\"");
        assert_eq!(r.1, "dose: must be a whole number, not string");
        let r = refusal("action = \"void-injection\"\ncitizen = 1\ndose = 1\nreason = \"r\"");
        assert_eq!(r.1, "citizen: must be a string, not integer");
        let r =
            refusal("action = \"update-citizen\"\nid = \"A\"\nbirth_date = 1990-01-01T10:00:00");
        assert!(r.1.starts_with("birth_date: must be a date"), "{}", r.1);
        let r = refusal("action = \"apply\"\ncitizen = \"A\"\ndose = 1\nat = 5");
        assert!(r.1.starts_with("at: must be an RFC 3339 time"), "{}", r.1);
        assert_eq!(refusal("action = 1").1, "action: must be a string");
    }
}
