//! Certificates' expiry dates as an iCalendar file (RFC 5545), so owners can put renewals in their calendar:
//! one all-day event per certificate on the day it expires (UTC), with a reminder two weeks before and a
//! link back to its renewal page.

use chrono::{DateTime, Duration, Utc};

use super::display::{certificate_name, compact_day, compact_second, minute_without_zone};
use super::models::Certificate;

/// The calendar file's media type and name.
pub const CALENDAR_MEDIA_TYPE: &str = "text/calendar";
pub const CALENDAR_FILE_NAME: &str = "certificate-expiry.ics";

/// How long before the expiry day the calendar reminds.
const REMINDER: &str = "-P14D";
/// RFC 5545 3.1: content lines are folded at 75 octets.
const MAX_LINE_OCTETS: usize = 75;

/// The calendar of `certificates` and how many events it holds (one without an expiry date has none).
/// `renew_page` is the absolute address a certificate's id completes to its renewal page; `domain` makes
/// the events' UIDs unique to this portal; `now` stamps them.
pub fn expiry_calendar(
    certificates: &[Certificate],
    renew_page: &str,
    domain: &str,
    now: DateTime<Utc>,
) -> (usize, String) {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Certificate self-service//Keyfactor Command renewals//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
    ];
    let mut count = 0;
    let stamp = compact_second(now);
    for (certificate, not_after) in certificates.iter().filter_map(|c| Some((c, c.not_after?))) {
        count += 1;
        let id = certificate.id;
        let renew_url = format!("{renew_page}{id}");
        let day = not_after.date_naive();
        let summary = format!("Certificate {} expires", certificate_name(certificate));
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:certificate-{id}-expiry@{}", escape(domain)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", compact_day(day)),
            format!("DTEND;VALUE=DATE:{}", compact_day(day + Duration::days(1))),
            format!("SUMMARY:{}", escape(&summary)),
            format!(
                "DESCRIPTION:{}",
                escape(&format!(
                    "Certificate ID {id} expires {} UTC. Renew it before then: {renew_url}",
                    minute_without_zone(not_after),
                ))
            ),
            format!("URL:{renew_url}"),
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("TRIGGER:{REMINDER}"),
            format!("DESCRIPTION:{}", escape(&summary)),
            "END:VALARM".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    (count, lines.iter().map(|line| fold(line)).collect())
}

/// RFC 5545 3.3.11: TEXT escapes backslash, semicolon, comma and line breaks (names come from Keyfactor).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// One content line, folded: at most 75 octets each, continuations starting with a space, never splitting
/// a character; CRLF after each.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn certificate(id: i32, name: &str, not_after: Option<&str>) -> Certificate {
        serde_json::from_value(
            serde_json::json!({ "Id": id, "IssuedCN": name, "NotAfter": not_after }),
        )
        .unwrap()
    }

    const RENEW_PAGE: &str = "https://portal.keyexample.com/renew?id=";

    /// The content lines with folding undone.
    fn unfolded(calendar: &str) -> Vec<String> {
        calendar
            .replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn one_all_day_event_per_certificate_with_an_expiry_date_a_reminder_and_a_link() {
        let certificates = [
            certificate(7, "web01.keyexample.com", Some("2026-12-24T23:30:00Z")),
            certificate(9, "no-expiry", None),
            certificate(8, "api", Some("2027-01-02T00:00:00Z")),
        ];
        let (count, calendar) = expiry_calendar(
            &certificates,
            RENEW_PAGE,
            "portal.keyexample.com",
            at("2026-11-28T10:15:00Z"),
        );
        assert_eq!(count, 2);
        let lines = unfolded(&calendar);
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 2);
        for expected in [
            "UID:certificate-7-expiry@portal.keyexample.com",
            "DTSTAMP:20261128T101500Z",
            "DTSTART;VALUE=DATE:20261224",
            "DTEND;VALUE=DATE:20261225",
            "SUMMARY:Certificate web01.keyexample.com expires",
            "URL:https://portal.keyexample.com/renew?id=7",
            "TRIGGER:-P14D",
        ] {
            assert!(
                lines.iter().any(|l| l == expected),
                "{expected} in {lines:#?}"
            );
        }
        assert!(calendar.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn text_from_keyfactor_is_escaped_and_long_lines_are_folded_whole_characters_at_a_time() {
        let name = "a,b;c\\d\ne ".to_owned() + &"é".repeat(60);
        let certificates = [certificate(1, &name, Some("2026-12-01T00:00:00Z"))];
        let (_, calendar) =
            expiry_calendar(&certificates, RENEW_PAGE, "x", at("2026-11-28T00:00:00Z"));
        assert!(calendar.split("\r\n").all(|line| line.len() <= 75));
        let summary = unfolded(&calendar)
            .into_iter()
            .find(|l| l.starts_with("SUMMARY:"))
            .unwrap();
        assert!(
            summary.starts_with("SUMMARY:Certificate a\\,b\\;c\\\\d\\ne éé"),
            "{summary}"
        );
        assert!(!calendar.contains("\r\n\r\n"));
    }
}
