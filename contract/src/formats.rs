//! The string formats the check asserts, written out here rather than left to the validator's defaults,
//! so what "valid" means is visible: `date-time` (RFC 3339 §5.6), `uuid` (RFC 4122 text form), and the
//! zone-less date-time real Command servers were recorded sending (docs/observed/README.md, divergences 4
//! and 5), which only the divergence table (`divergences.rs`) admits, and only in answers.

/// The name under which [`is_zoneless_date_time`] is registered with the validator.
pub const ZONELESS_DATE_TIME: &str = "kf-zoneless-date-time";

/// Most fraction digits a recorded zone-less date-time had (`2026-03-19T20:20:03.2630000`, .NET's
/// `DateTime` with seven digits of 100 ns ticks).
const MAX_RECORDED_FRACTION_DIGITS: usize = 7;

/// RFC 3339 `date-time`: `2025-01-01T00:00:00Z`, `2025-01-01T00:00:00.123+02:00`; any number of
/// fraction digits, `T` and `Z` in either case, leap second `:60` accepted. A zone is required.
pub fn is_date_time(text: &str) -> bool {
    split_date_time(text).is_some_and(|parts| parts.zone.is_some_and(is_offset))
}

/// A date-time as Command 10.3 wrote JobHistory times and 25.x a CA's `LastScan`: RFC 3339 without the
/// zone designator (`2023-05-06T00:27:00`, `2026-03-19T20:20:03.2630000`), 0–7 fraction digits.
pub fn is_zoneless_date_time(text: &str) -> bool {
    split_date_time(text).is_some_and(|parts| {
        parts.zone.is_none() && parts.fraction_digits <= MAX_RECORDED_FRACTION_DIGITS
    })
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hexadecimal digits of either case (how Command writes GUIDs;
/// no braces, no URN prefix).
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The pieces of `YYYY-MM-DDTHH:MM:SS[.fraction][zone]` once date and time are known to be valid.
struct DateTimeParts<'a> {
    fraction_digits: usize,
    /// What follows the seconds and fraction, if anything.
    zone: Option<&'a str>,
}

fn split_date_time(text: &str) -> Option<DateTimeParts<'_>> {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !bytes[..19].is_ascii() || !matches!(bytes[10], b'T' | b't') {
        return None;
    }
    let (date, time) = (&text[..10], &text[11..19]);
    if !is_date(date) || !is_time(time) {
        return None;
    }
    let mut rest = &text[19..];
    let mut fraction_digits = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        fraction_digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if fraction_digits == 0 {
            return None;
        }
        rest = &fraction[fraction_digits..];
    }
    Some(DateTimeParts {
        fraction_digits,
        zone: (!rest.is_empty()).then_some(rest),
    })
}

/// `YYYY-MM-DD` with a day that exists in that month (leap years included).
fn is_date(text: &str) -> bool {
    let Some((year, month, day)) = numbers(text, b'-', [4, 2, 2]) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `HH:MM:SS`, seconds up to 60 (a leap second).
fn is_time(text: &str) -> bool {
    numbers(text, b':', [2, 2, 2])
        .is_some_and(|(hour, minute, second)| hour < 24 && minute < 60 && second <= 60)
}

/// `Z`, `z` or `±HH:MM`.
fn is_offset(zone: &str) -> bool {
    if zone.eq_ignore_ascii_case("z") {
        return true;
    }
    let Some(offset) = zone.strip_prefix(['+', '-']) else {
        return false;
    };
    offset.len() == 5
        && offset.as_bytes()[2] == b':'
        && [&offset[..2], &offset[3..]]
            .iter()
            .all(|part| part.bytes().all(|b| b.is_ascii_digit()))
        && offset[..2].parse::<u32>().is_ok_and(|hours| hours < 24)
        && offset[3..].parse::<u32>().is_ok_and(|minutes| minutes < 60)
}

/// Three groups of exactly `widths` ASCII digits separated by `separator`.
fn numbers(text: &str, separator: u8, widths: [usize; 3]) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = text.split(separator as char).collect();
    if parts.len() != 3 {
        return None;
    }
    let mut values = [0u32; 3];
    for ((part, width), value) in parts.iter().zip(widths).zip(&mut values) {
        if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *value = part.parse().ok()?;
    }
    Some((values[0], values[1], values[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_date_times_need_a_zone() {
        for good in [
            "2025-01-01T00:00:00Z",
            "2026-03-19T21:26:35.967Z",
            "2026-09-03T16:42:50.6Z",
            "2024-02-29T23:59:60+02:00",
            "2025-01-01t00:00:00.123456789z",
            "2025-01-01T00:00:00-05:30",
        ] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "2023-05-06T00:27:00",
            "2026-03-19T20:20:03.2630000",
            "2022-09-22 14:09:16.734610-04:00",
            "2025-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T00:00:00.Z",
            "2025-01-01T00:00:00+0200",
            "2025-01-01T00:00:00+24:00",
            "2025-01-01",
            "",
            "next tuesday",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn the_recorded_zone_less_form_has_no_zone_and_at_most_seven_fraction_digits() {
        for good in [
            "2023-05-06T00:27:00",
            "2026-03-19T20:20:03.2630000",
            "2026-03-19T20:20:03.5",
        ] {
            assert!(is_zoneless_date_time(good), "{good}");
        }
        for bad in [
            "2025-01-01T00:00:00Z",
            "2026-03-19T20:20:03.26300001",
            "2023-02-30T00:27:00",
            "2023-05-06 00:27:00",
            "2023-05-06T00:27",
        ] {
            assert!(!is_zoneless_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn uuids_are_five_hex_groups() {
        assert!(is_uuid("6f1c2a3b-0000-4000-8000-000000000001"));
        assert!(is_uuid("275BCD31-9E7B-4C4A-BCE9-1719E0C2168D"));
        for bad in [
            "not-a-guid",
            "{6f1c2a3b-0000-4000-8000-000000000001}",
            "6f1c2a3b00004000800000000000001",
            "6f1c2a3b-0000-4000-8000-00000000000g",
            "6f1c2a3b-0000-4000-8000-0000000000011",
            "",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
