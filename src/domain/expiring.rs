//! "Expiring soon": the window and filters a help-desk link carries (`/expiring?days=30&q=web`), the
//! search conditions, the filtering and ordering of the list, and the weekly counts its timeline draws.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::domain::display;
use crate::domain::models::Certificate;
use crate::domain::query::{CompareOp, QueryExpr};
use crate::domain::renewal::RenewalPlan;
use crate::domain::text::percent_encode;

/// The windows offered in the form; any other number of days, or a date, can come from a link.
pub const WINDOW_CHOICES: [u32; 3] = [7, 30, 90];
const DEFAULT_DAYS: u32 = 30;
/// Ten years: anything further is not "expiring soon" and only makes the search heavy.
const MAX_DAYS: u32 = 3_650;
/// The timeline's weeks (the next 90 days or so).
pub const TIMELINE_WEEKS: usize = 13;

/// Until when the list looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryWindow {
    Days(u32),
    /// Through the end of that day (UTC).
    Until(NaiveDate),
}

impl Default for ExpiryWindow {
    fn default() -> Self {
        Self::Days(DEFAULT_DAYS)
    }
}

/// `YYYY-MM-DD`, exactly (what a date field gives), read without chrono's strftime parser.
fn iso_day(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

impl ExpiryWindow {
    pub fn parse_days(raw: &str) -> Result<Self, String> {
        match raw.trim().parse::<u32>() {
            Ok(days @ 1..=MAX_DAYS) => Ok(Self::Days(days)),
            _ => Err(format!("Choose a number of days from 1 to {MAX_DAYS}.")),
        }
    }

    pub fn parse_until(raw: &str, today: NaiveDate) -> Result<Self, String> {
        let date = iso_day(raw.trim())
            .ok_or_else(|| "Enter the date as YYYY-MM-DD, e.g. 2026-12-31.".to_owned())?;
        if date < today {
            return Err("Choose a date from today on.".to_owned());
        }
        if date > today + Duration::days(MAX_DAYS.into()) {
            return Err("Choose a date within ten years.".to_owned());
        }
        Ok(Self::Until(date))
    }

    /// The last moment a certificate may expire and still be listed.
    pub fn end(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Self::Days(days) => now + Duration::days(days.into()),
            Self::Until(date) => date.and_time(NaiveTime::MIN).and_utc() + Duration::days(1),
        }
    }

    pub fn describe(self) -> String {
        match self {
            Self::Days(days) => format!("in the next {days} days"),
            Self::Until(date) => format!("by {}", display::day(date)),
        }
    }
}

/// What the list shows: the expiry window from Keyfactor, narrowed here by text, CA and template.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpiringFilter {
    pub window: ExpiryWindow,
    /// Part of the common name or of a subject alternative name (any case).
    pub text: String,
    /// The issuing CA's name, exactly as Keyfactor lists it; empty for any.
    pub authority: String,
    /// The template's name, exactly as Keyfactor lists it; empty for any.
    pub template: String,
}

/// Longest filter text a link may carry (longer is cut, not refused).
const MAX_TEXT: usize = 200;

impl ExpiringFilter {
    /// Reads a link's (decoded) query pairs: `days`, `until`, `q`, `ca`, `template`. A bad window falls back
    /// to the default and is returned as the problem to show.
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        today: NaiveDate,
    ) -> (Self, Option<String>) {
        let mut filter = Self::default();
        let mut problem = None;
        let cut = |value: &str| value.trim().chars().take(MAX_TEXT).collect::<String>();
        for (key, value) in pairs {
            let window = match key {
                "days" => Some(ExpiryWindow::parse_days(value)),
                "until" => Some(ExpiryWindow::parse_until(value, today)),
                "q" => {
                    filter.text = cut(value);
                    None
                }
                "ca" => {
                    filter.authority = cut(value);
                    None
                }
                "template" => {
                    filter.template = cut(value);
                    None
                }
                _ => None,
            };
            match window {
                Some(Ok(window)) => filter.window = window,
                Some(Err(message)) => {
                    problem = Some(format!("The link's expiry window: {message}"))
                }
                None => {}
            }
        }
        (filter, problem)
    }

    /// The link to this view (without `?`), percent-encoded, leaving out what is empty.
    pub fn to_url_query(&self) -> String {
        let window = match self.window {
            ExpiryWindow::Days(days) => format!("days={days}"),
            ExpiryWindow::Until(date) => format!("until={}", display::day(date)),
        };
        std::iter::once(window)
            .chain(
                [
                    ("q", &self.text),
                    ("ca", &self.authority),
                    ("template", &self.template),
                ]
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(key, value)| format!("{key}={}", percent_encode(value))),
            )
            .collect::<Vec<_>>()
            .join("&")
    }

    /// What Keyfactor is asked for: not yet expired, expiring within the window.
    pub fn conditions(&self, now: DateTime<Utc>) -> Vec<QueryExpr> {
        vec![
            QueryExpr::time("NotAfter", CompareOp::GreaterOrEqual, now),
            QueryExpr::time("NotAfter", CompareOp::LessOrEqual, self.window.end(now)),
        ]
    }

    /// Whether a listed certificate passes the text, CA and template filters.
    pub fn matches(&self, certificate: &Certificate) -> bool {
        let wanted = self.text.to_lowercase();
        let text_matches = wanted.is_empty()
            || certificate
                .issued_cn
                .iter()
                .chain(
                    certificate
                        .subject_alt_name_elements
                        .iter()
                        .filter_map(|san| san.value.as_ref()),
                )
                .any(|name| name.to_lowercase().contains(&wanted));
        let same = |wanted: &str, actual: &Option<String>| {
            wanted.is_empty() || actual.as_deref() == Some(wanted)
        };
        text_matches
            && same(&self.authority, &certificate.certificate_authority_name)
            && same(&self.template, &certificate.template_name)
    }
}

/// The certificates that pass `filter`, soonest expiry first (unknown expiry last).
pub fn expiring_list(certificates: &[Certificate], filter: &ExpiringFilter) -> Vec<Certificate> {
    let mut list: Vec<Certificate> = certificates
        .iter()
        .filter(|certificate| filter.matches(certificate))
        .cloned()
        .collect();
    list.sort_by_key(|certificate| (certificate.not_after.is_none(), certificate.not_after));
    list
}

/// The distinct, sorted values of one field of the listed certificates, for the filter pickers.
pub fn choices(
    certificates: &[Certificate],
    field: impl Fn(&Certificate) -> Option<&String>,
) -> Vec<String> {
    let mut values: Vec<String> = certificates
        .iter()
        .filter_map(|certificate| field(certificate).cloned())
        .filter(|value| !value.trim().is_empty())
        .collect();
    values.sort();
    values.dedup();
    values
}

/// In how many certificate stores Keyfactor knows the certificate to be installed.
pub fn store_count(certificate: &Certificate) -> usize {
    let counted: i32 = certificate
        .locations_count
        .iter()
        .map(|l| l.count.max(0))
        .sum();
    certificate
        .locations
        .len()
        .max(usize::try_from(counted).unwrap_or(0))
}

/// How many of the certificates expire in each of the next weeks (week 0 starts now).
pub fn weekly_counts(certificates: &[Certificate], now: DateTime<Utc>) -> [u32; TIMELINE_WEEKS] {
    let mut weeks = [0; TIMELINE_WEEKS];
    for not_after in certificates.iter().filter_map(|c| c.not_after) {
        let week = (not_after - now).num_days().div_euclid(7);
        if let Some(count) = usize::try_from(week).ok().and_then(|w| weeks.get_mut(w)) {
            *count += 1;
        }
    }
    weeks
}

/// The few words the list shows for a renewal plan.
pub fn plan_label(plan: &RenewalPlan) -> &'static str {
    match plan {
        RenewalPlan::OneClick => "One-click",
        RenewalPlan::Seeded => "CA and template needed",
        RenewalPlan::NotRenewable { .. } => "Not renewable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
    }

    fn certificate(
        id: i32,
        cn: &str,
        days: i64,
        ca: &str,
        template: &str,
        san: &str,
    ) -> Certificate {
        serde_json::from_value(json!({
            "Id": id, "IssuedCN": cn, "NotAfter": (now() + Duration::days(days)).to_rfc3339(),
            "CertificateAuthorityName": ca, "TemplateName": template,
            "SubjectAltNameElements": [{ "Value": san, "Type": 2 }],
            "LocationsCount": [{ "Type": "PEM", "Count": 2 }, { "Type": "IIS", "Count": 1 }],
        }))
        .unwrap()
    }

    #[test]
    fn a_help_desk_link_reads_back_as_it_was_written() {
        let today = now().date_naive();
        let (filter, problem) = ExpiringFilter::from_query(
            [
                ("days", "90"),
                ("q", " Web & Co "),
                ("ca", "CorpIssuingCA1"),
                ("x", "y"),
            ],
            today,
        );
        assert_eq!(problem, None);
        assert_eq!(filter.window, ExpiryWindow::Days(90));
        assert_eq!(filter.text, "Web & Co");
        assert_eq!(
            filter.to_url_query(),
            "days=90&q=Web%20%26%20Co&ca=CorpIssuingCA1"
        );
        let (until, _) = ExpiringFilter::from_query([("until", "2026-12-31")], today);
        assert_eq!(until.to_url_query(), "until=2026-12-31");
        assert_eq!(
            until.window.end(now()),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_bad_window_in_a_link_falls_back_and_says_why() {
        let today = now().date_naive();
        for (key, value) in [
            ("days", "0"),
            ("days", "soon"),
            ("days", "99999"),
            ("until", "2020-01-01"),
            ("until", "31/12/2026"),
        ] {
            let (filter, problem) = ExpiringFilter::from_query([(key, value)], today);
            assert_eq!(filter.window, ExpiryWindow::default(), "{key}={value}");
            assert!(
                problem.is_some_and(|p| p.starts_with("The link's expiry window")),
                "{key}={value}"
            );
        }
        let long = "x".repeat(10_000);
        let (filter, _) = ExpiringFilter::from_query([("q", long.as_str())], today);
        assert_eq!(filter.text.len(), MAX_TEXT);
    }

    #[test]
    fn keyfactor_is_asked_for_unexpired_certificates_up_to_the_window_end() {
        let filter = ExpiringFilter {
            window: ExpiryWindow::Days(7),
            ..ExpiringFilter::default()
        };
        let text: Vec<String> = filter
            .conditions(now())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            text,
            [
                r#"NotAfter -ge "2026-11-25T12:00:00Z""#,
                r#"NotAfter -le "2026-12-02T12:00:00Z""#
            ]
        );
    }

    #[test]
    fn the_list_filters_by_name_ca_and_template_and_puts_the_soonest_first() {
        let all = [
            certificate(
                1,
                "web01.keyexample.com",
                20,
                "CA1",
                "Web",
                "www.keyexample.com",
            ),
            certificate(
                2,
                "app.keyexample.com",
                3,
                "CA2",
                "Web",
                "api.KEYEXAMPLE.com",
            ),
            certificate(
                3,
                "mail.keyexample.com",
                10,
                "CA1",
                "Mail",
                "smtp.keyexample.com",
            ),
        ];
        let ids = |filter: &ExpiringFilter| -> Vec<i32> {
            expiring_list(&all, filter).iter().map(|c| c.id).collect()
        };
        assert_eq!(ids(&ExpiringFilter::default()), [2, 3, 1]);
        let by_san = ExpiringFilter {
            text: "Api.Key".into(),
            ..ExpiringFilter::default()
        };
        assert_eq!(ids(&by_san), [2]);
        let by_ca_and_template = ExpiringFilter {
            authority: "CA1".into(),
            template: "Web".into(),
            ..ExpiringFilter::default()
        };
        assert_eq!(ids(&by_ca_and_template), [1]);
        assert_eq!(
            choices(&all, |c| c.certificate_authority_name.as_ref()),
            ["CA1", "CA2"]
        );
        assert_eq!(store_count(&all[0]), 3);
    }

    #[test]
    fn weeks_count_what_expires_in_them() {
        let all = [
            certificate(1, "a", 0, "", "", ""),
            certificate(2, "b", 6, "", "", ""),
            certificate(3, "c", 7, "", "", ""),
            certificate(4, "d", 90, "", "", ""),
            certificate(5, "e", 400, "", "", ""),
            certificate(6, "f", -3, "", "", ""),
        ];
        let weeks = weekly_counts(&all, now());
        assert_eq!(weeks[0], 2);
        assert_eq!(weeks[1], 1);
        assert_eq!(weeks[12], 1);
        assert_eq!(
            weeks.iter().sum::<u32>(),
            4,
            "past and far expiries are not drawn"
        );
    }
}
