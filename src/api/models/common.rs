//! Pieces every model shares: Keyfactor's error body, the date-time wire format, `null`-tolerant
//! collections and the lenient integer enums.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
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
            .or_else(|_| {
                NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                    .map(|naive| naive.and_utc())
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

/// Declares an enum for one of Keyfactor's integer enums that never fails to decode: a number this portal
/// does not know (Command adds values between versions, see keyfactor-notes §5.13) becomes `Other(n)`,
/// displayed as "unknown (n)".
macro_rules! lenient_int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $code:literal => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this portal does not know.
            Other(i64),
        }

        impl From<i64> for $name {
            fn from(code: i64) -> Self {
                match code {
                    $( $code => Self::$variant, )+
                    other => Self::Other(other),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( Self::$variant => f.write_str($label), )+
                    Self::Other(code) => write!(f, "unknown ({code})"),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
pub(crate) use lenient_int_enum;

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
        // .NET writes seven fraction digits.
        let precise = wire_time::parse("2024-05-01T10:00:00.1234567").unwrap();
        assert_eq!(precise.timestamp_subsec_nanos(), 123_456_700);
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
