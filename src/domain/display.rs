//! How the portal writes the things it shows in many places: a certificate's name, dates and times. One
//! home for each, so the renewal page, the bulk run and the action log never name the same certificate
//! or the same moment two ways.
//!
//! Written with `write!` from the fields rather than chrono's `format("%Y…")`: that would ship chrono's
//! strftime parser and formatter in the wasm for a handful of fixed layouts.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

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
    format!(
        "{}-{:02}-{:02}",
        iso_year(date.year()),
        date.month(),
        date.day()
    )
}

/// ISO 8601 years: four digits, signed outside 0000–9999 (as chrono writes them).
fn iso_year(year: i32) -> String {
    match year {
        0..=9999 => format!("{year:04}"),
        10_000.. => format!("+{year}"),
        _ => format!("-{:04}", year.unsigned_abs()),
    }
}

/// A calendar day in iCalendar's basic form: `20260501`.
pub fn compact_day(date: NaiveDate) -> String {
    format!(
        "{}{:02}{:02}",
        iso_year(date.year()),
        date.month(),
        date.day()
    )
}

/// A moment in iCalendar's basic UTC form: `20260501T095012Z`.
pub fn compact_second(time: DateTime<Utc>) -> String {
    format!(
        "{}T{:02}{:02}{:02}Z",
        compact_day(time.date_naive()),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// A day and the month's abbreviation, for a week's label: `01 May`.
pub fn day_of_month(date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{:02} {}", date.day(), MONTHS[date.month0() as usize])
}

/// The time of day to the second, for the action log: `09:50:12`.
pub fn clock(time: DateTime<Utc>) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// The UTC day of a moment.
pub fn date(time: DateTime<Utc>) -> String {
    day(time.date_naive())
}

/// A moment to the minute, in UTC as Keyfactor keeps it: `2026-05-01 09:50 UTC`.
pub fn minute(time: DateTime<Utc>) -> String {
    format!("{} UTC", minute_without_zone(time))
}

/// `2026-05-01 09:50`, where the zone is said around it.
pub fn minute_without_zone(time: DateTime<Utc>) -> String {
    format!("{} {:02}:{:02}", date(time), time.hour(), time.minute())
}

/// A moment to the second, for job timelines and what a search covered: `2026-05-01 09:50:12 UTC`.
pub fn second(time: DateTime<Utc>) -> String {
    format!("{} {} UTC", date(time), clock(time))
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
        assert_eq!(minute_without_zone(time), "2026-05-01 09:50");
        assert_eq!(clock(time), "09:50:12");
        assert_eq!(compact_second(time), "20260501T095012Z");
        assert_eq!(compact_day(time.date_naive()), "20260501");
    }

    #[test]
    fn days_of_month_are_named_for_every_month() {
        let labels: Vec<String> = (1..=12)
            .map(|month| day_of_month(NaiveDate::from_ymd_opt(2026, month, 7).unwrap()))
            .collect();
        assert_eq!(labels[0], "07 Jan");
        assert_eq!(labels[4], "07 May");
        assert_eq!(labels[11], "07 Dec");
    }

    #[test]
    fn years_are_four_digits_and_signed_outside_them() {
        let day_of = |year| day(NaiveDate::from_ymd_opt(year, 1, 2).unwrap());
        assert_eq!(day_of(987), "0987-01-02");
        assert_eq!(day_of(10_000), "+10000-01-02");
        assert_eq!(day_of(-44), "-0044-01-02");
    }
}
