//! How the portal writes the things it shows in many places: a certificate's name, dates and times. One
//! home for each, so the renewal page, the bulk run and the action log never name the same certificate
//! or the same moment two ways.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::models::Certificate;

/// The certificate's common name, or "certificate 42" when it has none.
pub fn certificate_name(certificate: &Certificate) -> String {
    certificate
        .issued_cn
        .as_deref()
        .map(str::trim)
        .filter(|cn| !cn.is_empty())
        .map_or_else(|| format!("certificate {}", certificate.id), str::to_owned)
}

/// The name with Keyfactor's id, as the action log and result pages name a certificate:
/// "web01.example.com (ID 42)".
pub fn certificate_label(certificate: &Certificate) -> String {
    format!("{} (ID {})", certificate_name(certificate), certificate.id)
}

/// A calendar day: `2026-05-01` (also the form date fields and links take).
pub fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The UTC day of a moment.
pub fn date(time: DateTime<Utc>) -> String {
    day(time.date_naive())
}

/// A moment to the minute, in UTC as Keyfactor keeps it: `2026-05-01 09:50 UTC`.
pub fn minute(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A moment to the second, for job timelines and what a search covered: `2026-05-01 09:50:12 UTC`.
pub fn second(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn certificate(cn: Option<&str>) -> Certificate {
        serde_json::from_value(serde_json::json!({ "Id": 42, "IssuedCN": cn })).unwrap()
    }

    #[test]
    fn a_certificate_is_named_by_its_common_name_or_its_id() {
        assert_eq!(
            certificate_label(&certificate(Some("web01.example.com"))),
            "web01.example.com (ID 42)"
        );
        for missing in [None, Some(""), Some("  ")] {
            assert_eq!(certificate_name(&certificate(missing)), "certificate 42");
        }
        assert_eq!(
            certificate_label(&certificate(None)),
            "certificate 42 (ID 42)"
        );
    }

    #[test]
    fn times_are_written_in_utc_at_three_precisions() {
        let time = Utc.with_ymd_and_hms(2026, 5, 1, 9, 50, 12).unwrap();
        assert_eq!(date(time), "2026-05-01");
        assert_eq!(minute(time), "2026-05-01 09:50 UTC");
        assert_eq!(second(time), "2026-05-01 09:50:12 UTC");
    }
}
