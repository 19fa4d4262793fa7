//! Pieces every model shares: Keyfactor's error body, the date-time wire format, `null`-tolerant
//! collections and the lenient integer enums.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// Keyfactor's error body, e.g. `{"ErrorCode":"0xA0110002","Message":"No private key could be found…"}`.
/// Bulk operations add `FailedOperations`; plain ASP.NET errors carry only `Message`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyfactorErrorBody {
    /// Opaque hex code such as `0xA0110002`; useful to support staff, not to users.
    pub error_code: Option<String>,
    pub message: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub failed_operations: Vec<FailedOperation>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedOperation {
    pub reason: Option<String>,
}

/// Decodes `null` like a missing field: the v25 spec marks most arrays, maps and flags nullable.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// Keyfactor's date-times. It sends RFC 3339 with a zone (`2024-05-01T10:00:00Z`) in some places and
/// zone-less server-local values (`2024-05-01T10:00:00`, often with 7 fraction digits) in others; the
/// zone-less ones are read as UTC, which is what Command servers are configured with in practice.
pub(crate) mod wire_time {
    use super::*;

    /// Longest input echoed back in a decode error.
    const MAX_ECHO_CHARS: usize = 40;

    pub fn parse(text: &str) -> Option<DateTime<Utc>> {
        let text = text.trim();
        DateTime::parse_from_rfc3339(text)
            .map(|time| time.with_timezone(&Utc))
            // Zone-less is RFC 3339 without its zone (no strftime parser shipped for it).
            .or_else(|_| {
                DateTime::parse_from_rfc3339(&format!("{text}Z")).map(|time| time.to_utc())
            })
            .ok()
    }

    fn parse_or_error<E: serde::de::Error>(text: &str) -> Result<DateTime<Utc>, E> {
        parse(text).ok_or_else(|| {
            let echo: String = text.chars().take(MAX_ECHO_CHARS).collect();
            E::custom(format!("invalid date-time {echo:?}"))
        })
    }

    /// For nullable date-times: `null`, a missing field and `""` all mean "no date".
    pub fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) if !text.trim().is_empty() => parse_or_error(&text).map(Some),
            _ => Ok(None),
        }
    }

    /// The form Keyfactor's docs ask for: `YYYY-MM-DDTHH:mm:ss.000Z`.
    pub fn serialize<S: Serializer>(
        time: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&time.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    pub fn serialize_option<S: Serializer>(
        time: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match time {
            Some(time) => serialize(time, serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// An enum value Keyfactor sent that this portal does not know, kept as sent so it can be shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnknownValue {
    Number(i64),
    Name(Box<str>),
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(code) => write!(f, "unknown ({code})"),
            Self::Name(name) => write!(f, "unknown ({name})"),
        }
    }
}

/// One enum value as it arrives: real servers send some enums as numbers (as the specs say) and others
/// as names (`"Status":"Completed"` on Command 10.3, `"Type":"Secret"` on 25.4; docs/observed/README.md,
/// divergences 1, 8 and 20), and which is decided per model, not per server version. A string of digits
/// counts as a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WireValue {
    Number(i64),
    Name(String),
}

impl WireValue {
    /// Whether `name` is `known`, ignoring case, spaces, `_` and `-` (`"In Process"` = `InProcess`,
    /// `"OneClick"` = `ONE_CLICK`).
    pub(crate) fn name_matches(name: &str, known: &str) -> bool {
        let squash = |text: &str| {
            text.chars()
                .filter(|c| !matches!(c, ' ' | '_' | '-'))
                .map(|c| c.to_ascii_lowercase())
                .collect::<Vec<char>>()
        };
        squash(name) == squash(known)
    }
}

impl<'de> Deserialize<'de> for WireValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = WireValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<WireValue, E> {
                Ok(WireValue::Number(value))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<WireValue, E> {
                Ok(WireValue::Number(i64::try_from(value).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<WireValue, E> {
                let value = value.trim();
                Ok(value
                    .parse()
                    .map_or_else(|_| WireValue::Name(value.to_owned()), WireValue::Number))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Declares one of Keyfactor's enums so that it decodes from its number or its name (the variant's
/// identifier, compared as [`WireValue::name_matches`] does, plus any `alias`es), and never fails: a value
/// this portal does not know becomes `Other`, displayed as "unknown (X)" (Command adds values between
/// versions).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $code:literal $(| $alias:literal)* => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this portal does not know, as sent.
            Other($crate::domain::models::UnknownValue),
        }

        impl From<$crate::domain::models::common::WireValue> for $name {
            fn from(value: $crate::domain::models::common::WireValue) -> Self {
                use $crate::domain::models::common::WireValue;
                match value {
                    $( WireValue::Number($code) => Self::$variant, )+
                    WireValue::Number(code) => Self::Other($crate::domain::models::UnknownValue::Number(code)),
                    WireValue::Name(name) => {
                        $(
                            if WireValue::name_matches(&name, stringify!($variant))
                                $(|| WireValue::name_matches(&name, $alias))*
                            {
                                return Self::$variant;
                            }
                        )+
                        Self::Other($crate::domain::models::UnknownValue::Name(name.into()))
                    }
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( Self::$variant => f.write_str($label), )+
                    Self::Other(unknown) => unknown.fmt(f),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$crate::domain::models::common::WireValue as serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }
    };
}
pub(crate) use wire_enum;

/// Declares one of Keyfactor's flag sets (a number whose bits may be OR-ed) so that it decodes from the
/// number or from names joined by `,` or `|` (.NET writes a flags enum by name as `"A, B"`). A name this
/// portal does not know sets [`UNRECOGNISED_FLAG`], so no known bit is invented for it.
macro_rules! wire_flags {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $flag:ident = $bit:literal $(| $alias:literal)*, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        $vis struct $name(pub u32);

        impl $name {
            $( const $flag: u32 = $bit; )+

            fn bit_named(name: &str) -> u32 {
                use $crate::domain::models::common::WireValue;
                $(
                    if WireValue::name_matches(name, stringify!($flag))
                        $(|| WireValue::name_matches(name, $alias))*
                    {
                        return Self::$flag;
                    }
                )+
                $crate::domain::models::common::UNRECOGNISED_FLAG
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use $crate::domain::models::common::WireValue;
                Ok(match WireValue::deserialize(deserializer)? {
                    WireValue::Number(bits) => Self(u32::try_from(bits).unwrap_or($crate::domain::models::common::UNRECOGNISED_FLAG)),
                    WireValue::Name(names) => Self(
                        names
                            .split([',', '|'])
                            .map(str::trim)
                            .filter(|name| !name.is_empty() && !WireValue::name_matches(name, "None"))
                            .fold(0, |bits, name| bits | Self::bit_named(name)),
                    ),
                })
            }
        }
    };
}
pub(crate) use wire_flags;

/// The bit a flag name this portal does not know sets (no Keyfactor flag set uses it).
pub(crate) const UNRECOGNISED_FLAG: u32 = 1 << 31;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[derive(Debug, Deserialize)]
    struct Stamped {
        #[serde(default, deserialize_with = "wire_time::deserialize_option")]
        at: Option<DateTime<Utc>>,
    }

    fn stamped(json: &str) -> Result<Option<DateTime<Utc>>, serde_json::Error> {
        serde_json::from_str::<Stamped>(json).map(|s| s.at)
    }

    #[test]
    fn zoned_and_zone_less_date_times_both_decode_as_utc() {
        let ten_o_clock = Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap();
        for text in [
            "2024-05-01T10:00:00Z",
            "2024-05-01T10:00:00",
            "2024-05-01T12:00:00+02:00",
            "2024-05-01T10:00:00.000Z",
        ] {
            assert_eq!(wire_time::parse(text), Some(ten_o_clock), "{text}");
        }
        // .NET writes seven fraction digits; recorded answers carry 0 to 7, with or without `Z`
        // (docs/observed/README.md, divergences 4 and 5).
        let precise = wire_time::parse("2024-05-01T10:00:00.1234567").unwrap();
        assert_eq!(precise.timestamp_subsec_nanos(), 123_456_700);
        for (text, nanos) in [
            ("2026-09-03T16:42:50.6Z", 600_000_000),
            ("2026-03-19T20:20:03.2630000", 263_000_000),
            ("2026-03-19T21:26:35.967Z", 967_000_000),
            ("2023-05-06T00:27:00", 0),
        ] {
            let time = wire_time::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(time.timestamp_subsec_nanos(), nanos, "{text}");
        }
    }

    #[test]
    fn nullable_date_time_accepts_null_missing_and_empty() {
        assert_eq!(stamped(r#"{"at":null}"#).unwrap(), None);
        assert_eq!(stamped("{}").unwrap(), None);
        assert_eq!(stamped(r#"{"at":""}"#).unwrap(), None);
    }

    #[test]
    fn a_garbage_date_time_is_a_decode_error_naming_the_value() {
        let err = stamped(r#"{"at":"next Tuesday"}"#).unwrap_err().to_string();
        assert!(err.contains("invalid date-time \"next Tuesday\""), "{err}");
    }

    #[test]
    fn serialized_time_has_milliseconds_and_z() {
        #[derive(serde::Serialize)]
        struct Out {
            #[serde(serialize_with = "wire_time::serialize")]
            at: DateTime<Utc>,
        }
        let at = Utc.with_ymd_and_hms(2021, 5, 19, 16, 23, 1).unwrap();
        assert_eq!(
            serde_json::to_string(&Out { at }).unwrap(),
            r#"{"at":"2021-05-19T16:23:01.000Z"}"#
        );
    }

    #[test]
    fn error_body_tolerates_missing_code_and_null_failed_operations() {
        let body: KeyfactorErrorBody =
            serde_json::from_str(r#"{"Message":"x","FailedOperations":null}"#).unwrap();
        assert_eq!(body.error_code, None);
        assert_eq!(body.message.as_deref(), Some("x"));
        assert!(body.failed_operations.is_empty());
    }
}
