//! The `Timestamp` renew requests carry: UTC, millisecond precision, `Z` suffix.

use std::fmt;

use chrono::format::ParseErrorKind;
use chrono::{DateTime, SubsecRound, Timelike, Utc};

use super::text::Trimmed;

/// What completes a date and time that lacks only its zone (with or without seconds) into RFC 3339.
const ZONE_COMPLETIONS: [&str; 2] = ["Z", ":00Z"];

/// A UTC instant truncated to milliseconds, so the value equals what is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestTimestamp(DateTime<Utc>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestTimestampError {
    #[error("Enter a date and time, e.g. 2021-05-19T16:23:01Z.")]
    Empty,
    #[error("Add a time zone, e.g. Z for UTC: 2021-05-19T16:23:01Z.")]
    MissingTimeZone,
    #[error("Use the form 2021-05-19T16:23:01Z or 2021-05-19T18:23:01+02:00; {problem}.")]
    Invalid { problem: &'static str },
}

impl RequestTimestamp {
    pub fn now() -> Self {
        Self::from_datetime(Utc::now())
    }

    pub fn from_datetime(instant: DateTime<Utc>) -> Self {
        RequestTimestamp(instant.trunc_subsecs(3))
    }

    /// Accepts RFC 3339 with `Z` or a numeric offset; offsets are converted to UTC.
    pub fn parse(raw: &str) -> Result<Self, RequestTimestampError> {
        let text = Trimmed::new(raw).text;
        if text.is_empty() {
            return Err(RequestTimestampError::Empty);
        }
        match DateTime::parse_from_rfc3339(text) {
            Ok(instant) => Ok(Self::from_datetime(instant.with_timezone(&Utc))),
            Err(_) if has_no_zone(text) => Err(RequestTimestampError::MissingTimeZone),
            Err(error) => Err(RequestTimestampError::Invalid {
                problem: match error.kind() {
                    ParseErrorKind::OutOfRange => "a date or time field is out of range",
                    ParseErrorKind::TooLong => "there is extra text at the end",
                    // chrono reports some garbage as "too short", so incomplete and invalid share a message.
                    _ => "this is not a complete date and time in that form",
                },
            }),
        }
    }

    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A date and time (`T` or a space between, seconds optional) complete but for its zone. Read as RFC 3339
/// with a zone added, so no strftime parser is shipped for it.
fn has_no_zone(text: &str) -> bool {
    ZONE_COMPLETIONS
        .iter()
        .any(|zone| DateTime::parse_from_rfc3339(&format!("{text}{zone}")).is_ok())
}

/// The form Keyfactor's docs ask for: `YYYY-MM-DDTHH:mm:ss.000Z` (written from the fields: chrono's
/// `to_rfc3339_opts` panics beyond year 9999, and its `format` would ship the strftime machinery).
impl fmt::Display for RequestTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = self.0;
        write!(
            f,
            "{}T{:02}:{:02}:{:02}.{:03}Z",
            super::display::date(time),
            time.hour(),
            time.minute(),
            time.second(),
            time.nanosecond() / 1_000_000
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use RequestTimestampError as E;

    fn displayed(raw: &str) -> Result<String, RequestTimestampError> {
        RequestTimestamp::parse(raw).map(|timestamp| timestamp.to_string())
    }

    #[test]
    fn displays_iso_8601_utc_with_milliseconds() {
        let instant = Utc.with_ymd_and_hms(2021, 5, 19, 16, 23, 1).single();
        let timestamp = RequestTimestamp::from_datetime(instant.expect("valid date"));
        assert_eq!(timestamp.to_string(), "2021-05-19T16:23:01.000Z");
    }

    #[test]
    fn accepts_z_and_converts_offsets_to_utc() {
        assert_eq!(
            displayed("2021-05-19T16:23:01Z").as_deref(),
            Ok("2021-05-19T16:23:01.000Z")
        );
        assert_eq!(
            displayed(" 2021-05-19T18:23:01.5+02:00 ").as_deref(),
            Ok("2021-05-19T16:23:01.500Z")
        );
        assert_eq!(
            displayed("2021-05-19T23:30:00-05:00").as_deref(),
            Ok("2021-05-20T04:30:00.000Z")
        );
    }

    #[test]
    fn truncates_to_milliseconds_so_display_round_trips() {
        let parsed = RequestTimestamp::parse("2021-05-19T16:23:01.123456789Z").expect("valid");
        assert_eq!(parsed.to_string(), "2021-05-19T16:23:01.123Z");
        assert_eq!(RequestTimestamp::parse(&parsed.to_string()), Ok(parsed));
        let now = RequestTimestamp::now();
        assert_eq!(RequestTimestamp::parse(&now.to_string()), Ok(now));
        assert_eq!(now.as_datetime().timestamp_subsec_nanos() % 1_000_000, 0);
    }

    #[test]
    fn display_survives_years_beyond_9999() {
        let far = Utc
            .with_ymd_and_hms(12_345, 1, 2, 3, 4, 5)
            .single()
            .expect("valid date");
        assert_eq!(
            RequestTimestamp::from_datetime(far).to_string(),
            "+12345-01-02T03:04:05.000Z"
        );
    }

    #[test]
    fn asks_for_a_time_zone_when_missing() {
        assert_eq!(displayed("2021-05-19T16:23:01"), Err(E::MissingTimeZone));
        assert_eq!(
            displayed("2021-05-19 16:23:01.000"),
            Err(E::MissingTimeZone)
        );
        assert_eq!(displayed("2021-05-19T16:23"), Err(E::MissingTimeZone));
        assert_eq!(
            E::MissingTimeZone.to_string(),
            "Add a time zone, e.g. Z for UTC: 2021-05-19T16:23:01Z."
        );
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(displayed("  "), Err(E::Empty));
        assert_eq!(
            E::Empty.to_string(),
            "Enter a date and time, e.g. 2021-05-19T16:23:01Z."
        );
    }

    #[test]
    fn explains_what_is_wrong_with_other_input() {
        assert_eq!(
            RequestTimestamp::parse("2021-13-01T00:00:00Z")
                .expect_err("month 13")
                .to_string(),
            "Use the form 2021-05-19T16:23:01Z or 2021-05-19T18:23:01+02:00; a date or time field is out of range."
        );
        assert_eq!(
            displayed("2021-05-19"),
            Err(E::Invalid {
                problem: "this is not a complete date and time in that form"
            })
        );
        assert_eq!(
            displayed("2021-05-19T16:23:01Z tomorrow"),
            Err(E::Invalid {
                problem: "there is extra text at the end"
            })
        );
        assert_eq!(
            displayed("yesterday"),
            Err(E::Invalid {
                problem: "this is not a complete date and time in that form"
            })
        );
    }
}
