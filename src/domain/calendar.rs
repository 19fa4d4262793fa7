//! Certificates' expiry dates as an iCalendar file (RFC 5545), so owners can put renewals in their calendar:
//! one all-day event per certificate on the day it expires (UTC), with a reminder two weeks before and a
//! link back to its renewal page.

use chrono::{DateTime, Duration, Utc};

/// The calendar file's media type and name.
pub const CALENDAR_MEDIA_TYPE: &str = "text/calendar";
pub const CALENDAR_FILE_NAME: &str = "certificate-expiry.ics";

/// How long before the expiry day the calendar reminds.
const REMINDER: &str = "-P14D";
/// RFC 5545 3.1: content lines are folded at 75 octets.
const MAX_LINE_OCTETS: usize = 75;

/// One certificate's event.
pub struct ExpiryEvent<'a> {
    pub certificate_id: i32,
    pub name: &'a str,
    pub not_after: DateTime<Utc>,
    /// The absolute address of its renewal page.
    pub renew_url: String,
}

/// The calendar: `domain` makes the events' UIDs unique to this portal, `now` stamps them.
pub fn expiry_calendar(events: &[ExpiryEvent], domain: &str, now: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Certificate self-service//Keyfactor Command renewals//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
    ];
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for event in events {
        let day = event.not_after.date_naive();
        let summary = format!("Certificate {} expires", event.name);
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!(
                "UID:certificate-{}-expiry@{}",
                event.certificate_id,
                escape(domain)
            ),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")),
            format!(
                "DTEND;VALUE=DATE:{}",
                (day + Duration::days(1)).format("%Y%m%d")
            ),
            format!("SUMMARY:{}", escape(&summary)),
            format!(
                "DESCRIPTION:{}",
                escape(&format!(
                    "Certificate ID {} expires {} UTC. Renew it before then: {}",
                    event.certificate_id,
                    event.not_after.format("%Y-%m-%d %H:%M"),
                    event.renew_url
                ))
            ),
            format!("URL:{}", event.renew_url),
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("TRIGGER:{REMINDER}"),
            format!("DESCRIPTION:{}", escape(&summary)),
            "END:VALARM".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line)).collect()
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

    fn event<'a>(id: i32, name: &'a str, not_after: &str) -> ExpiryEvent<'a> {
        ExpiryEvent {
            certificate_id: id,
            name,
            not_after: at(not_after),
            renew_url: format!("https://portal.keyexample.com/renew?id={id}"),
        }
    }

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
    fn one_all_day_event_per_certificate_with_a_reminder_and_a_link() {
        let events = [
            event(7, "web01.keyexample.com", "2026-12-24T23:30:00Z"),
            event(8, "api", "2027-01-02T00:00:00Z"),
        ];
        let calendar =
            expiry_calendar(&events, "portal.keyexample.com", at("2026-11-28T10:15:00Z"));
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
        let calendar = expiry_calendar(
            &[event(1, &name, "2026-12-01T00:00:00Z")],
            "x",
            at("2026-11-28T00:00:00Z"),
        );
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
