//! Paging, sorting and filtering of Keyfactor list endpoints (`PageReturned`, `ReturnLimit`, `SortField`,
//! `SortAscending` where 0 = ascending and 1 = descending, `QueryString`), with the parameter
//! spelling each Command version expects, and a builder for the `QueryString` language so views never
//! assemble query text by hand.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::command_version::CommandVersion;

/// The list endpoints the portal pages through. v10 prefixes their parameters differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListEndpoint {
    /// `GET /Certificates`
    Certificates,
    /// `GET /Agents`
    Agents,
    /// `GET /OrchestratorJobs/JobHistory`
    JobHistory,
    /// `GET /OrchestratorJobs/ScheduledJobs`
    ScheduledJobs,
    /// `GET /CertificateStoreTypes`
    CertificateStoreTypes,
    /// `GET /CertificateStores`
    CertificateStores,
    /// `GET /EnrollmentPatterns` (v25 only, so never prefixed)
    EnrollmentPatterns,
    /// `GET /Certificates/{id}/History`
    CertificateHistory,
    /// `GET /Workflow/Certificates/Pending`
    PendingRequests,
    /// `GET /Workflow/Certificates/Denied`
    DeniedRequests,
}

impl ListEndpoint {
    /// The endpoint's path below the API base (`{id}`: the certificate the caller reads the history of).
    pub fn path(self) -> &'static str {
        match self {
            Self::Certificates => "Certificates",
            Self::Agents => "Agents",
            Self::JobHistory => "OrchestratorJobs/JobHistory",
            Self::ScheduledJobs => "OrchestratorJobs/ScheduledJobs",
            Self::CertificateStoreTypes => "CertificateStoreTypes",
            Self::CertificateStores => "CertificateStores",
            Self::EnrollmentPatterns => "EnrollmentPatterns",
            Self::CertificateHistory => "Certificates/{id}/History",
            Self::PendingRequests => "Workflow/Certificates/Pending",
            Self::DeniedRequests => "Workflow/Certificates/Denied",
        }
    }

    /// The v10 parameter prefix, from the v10 spec (`certificateStoreQuery.` from Keyfactor's Go client,
    /// since that spec lacks `GET /CertificateStores`).
    fn v10_prefix(self) -> Option<&'static str> {
        match self {
            Self::Certificates | Self::Agents | Self::JobHistory | Self::ScheduledJobs => {
                Some("pq")
            }
            Self::CertificateStoreTypes => Some("cstquery"),
            Self::CertificateStores => Some("certificateStoreQuery"),
            Self::CertificateHistory => Some("query"),
            Self::PendingRequests | Self::DeniedRequests => Some("pagedQuery"),
            Self::EnrollmentPatterns => None,
        }
    }
}

/// The paging parameters, as (v11+ name, v10 name after the prefix).
#[derive(Clone, Copy)]
enum ListParam {
    QueryString,
    PageReturned,
    ReturnLimit,
    SortField,
    SortAscending,
}

impl ListParam {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::QueryString => ("QueryString", "queryString"),
            Self::PageReturned => ("PageReturned", "pageReturned"),
            Self::ReturnLimit => ("ReturnLimit", "returnLimit"),
            Self::SortField => ("SortField", "sortField"),
            Self::SortAscending => ("SortAscending", "sortAscending"),
        }
    }
}

/// One page of a list endpoint. Keyfactor returns no total count: page until a short or empty page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    /// Keyfactor query language; build it with [`ListQuery::matching`].
    pub query_string: Option<String>,
    /// 1-based.
    pub page: u32,
    pub limit: u32,
    /// A field of the result, e.g. `NotAfter`.
    pub sort_field: Option<String>,
    pub sort_ascending: bool,
}

impl Default for ListQuery {
    /// The first page of 50, Keyfactor's own default size.
    fn default() -> Self {
        Self {
            query_string: None,
            page: 1,
            limit: 50,
            sort_field: None,
            sort_ascending: true,
        }
    }
}

impl ListQuery {
    /// The first page of results matching all `conditions` (none = everything).
    pub fn matching(conditions: &[QueryExpr]) -> Self {
        let query_string = (!conditions.is_empty()).then(|| {
            conditions
                .iter()
                .map(QueryExpr::to_string)
                .collect::<Vec<_>>()
                .join(" AND ")
        });
        Self {
            query_string,
            ..Self::default()
        }
    }

    /// Query parameters for `endpoint` on `version`. Page and limit are at least 1; the sort direction is
    /// sent only with a sort field, as Keyfactor's `SortOrder`: 0 = ascending, 1 = descending.
    pub fn to_params(
        &self,
        endpoint: ListEndpoint,
        version: CommandVersion,
    ) -> Vec<(String, String)> {
        let prefix = if version.prefixed_list_params() {
            endpoint.v10_prefix()
        } else {
            None
        };
        let name = |param: ListParam| {
            let (unprefixed, v10) = param.names();
            prefix.map_or_else(|| unprefixed.to_owned(), |prefix| format!("{prefix}.{v10}"))
        };
        let mut params = Vec::with_capacity(5);
        if let Some(query) = self
            .query_string
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            params.push((name(ListParam::QueryString), query.to_owned()));
        }
        params.push((name(ListParam::PageReturned), self.page.max(1).to_string()));
        params.push((name(ListParam::ReturnLimit), self.limit.max(1).to_string()));
        if let Some(field) = self
            .sort_field
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            params.push((name(ListParam::SortField), field.to_owned()));
            let direction = if self.sort_ascending { "0" } else { "1" };
            params.push((name(ListParam::SortAscending), direction.to_owned()));
        }
        params
    }
}

/// String comparisons of the query language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextOp {
    Equals,
    NotEquals,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
}

/// Number and date comparisons of the query language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Equals,
    NotEquals,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Condition {
    Text(TextOp, String),
    Number(CompareOp, i64),
    Time(CompareOp, DateTime<Utc>),
}

/// One condition of a Keyfactor `QueryString`, e.g. `IssuedCN -contains "web01"`. Field names are
/// `&'static str` so they can only come from code, never from user input; values are quoted and escaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryExpr {
    field: &'static str,
    condition: Condition,
}

impl QueryExpr {
    pub fn text(field: &'static str, op: TextOp, value: impl Into<String>) -> Self {
        Self::new(field, Condition::Text(op, value.into()))
    }

    pub fn number(field: &'static str, op: CompareOp, value: i64) -> Self {
        Self::new(field, Condition::Number(op, value))
    }

    /// Written as a quoted UTC RFC 3339 time (the exact form Command expects is not documented).
    pub fn time(field: &'static str, op: CompareOp, value: DateTime<Utc>) -> Self {
        Self::new(field, Condition::Time(op, value))
    }

    fn new(field: &'static str, condition: Condition) -> Self {
        debug_assert!(
            !field.is_empty()
                && field
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'),
            "query field names are identifiers, got {field:?}"
        );
        Self { field, condition }
    }
}

impl TextOp {
    fn token(self) -> &'static str {
        match self {
            Self::Equals => "-eq",
            Self::NotEquals => "-ne",
            Self::Contains => "-contains",
            Self::NotContains => "-notcontains",
            Self::StartsWith => "-startswith",
            Self::EndsWith => "-endswith",
        }
    }
}

impl CompareOp {
    fn token(self) -> &'static str {
        match self {
            Self::Equals => "-eq",
            Self::NotEquals => "-ne",
            Self::Less => "-lt",
            Self::LessOrEqual => "-le",
            Self::Greater => "-gt",
            Self::GreaterOrEqual => "-ge",
        }
    }
}

impl fmt::Display for QueryExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field;
        match &self.condition {
            Condition::Text(op, value) => write!(f, "{field} {} {}", op.token(), quote(value)),
            Condition::Number(op, value) => write!(f, "{field} {} {value}", op.token()),
            Condition::Time(op, value) => {
                let time = value.to_rfc3339_opts(SecondsFormat::Secs, true);
                write!(f, "{field} {} \"{time}\"", op.token())
            }
        }
    }
}

/// Quotes a string value so nothing in it can end the literal, whichever escaping Command's (unpublished)
/// parser uses: an embedded `"` is doubled (PowerShell's rule); a run of backslashes directly before a
/// quote or the end is dropped, since a backslash-escaping parser would otherwise let `\"` swallow the
/// quote; control characters become spaces.
fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    let mut held_backslashes = 0;
    for c in value.chars() {
        match c {
            '\\' => held_backslashes += 1,
            '"' => {
                held_backslashes = 0;
                quoted.push_str("\"\"");
            }
            _ => {
                quoted.extend(std::iter::repeat_n('\\', held_backslashes));
                held_backslashes = 0;
                quoted.push(if c.is_control() { ' ' } else { c });
            }
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    const V10: CommandVersion = CommandVersion {
        major: 10,
        minor: 5,
    };
    const V25: CommandVersion = CommandVersion {
        major: 25,
        minor: 1,
    };

    fn names(params: &[(String, String)]) -> Vec<&str> {
        params.iter().map(|(name, _)| name.as_str()).collect()
    }

    fn sorted_query() -> ListQuery {
        ListQuery {
            query_string: Some(r#"IssuedCN -eq "a""#.into()),
            page: 2,
            limit: 25,
            sort_field: Some("NotAfter".into()),
            sort_ascending: false,
        }
    }

    #[test]
    fn v11_and_later_use_unprefixed_names() {
        let params = sorted_query().to_params(ListEndpoint::CertificateStores, V25);
        assert_eq!(
            params,
            [
                ("QueryString".to_owned(), r#"IssuedCN -eq "a""#.to_owned()),
                ("PageReturned".to_owned(), "2".to_owned()),
                ("ReturnLimit".to_owned(), "25".to_owned()),
                ("SortField".to_owned(), "NotAfter".to_owned()),
                ("SortAscending".to_owned(), "1".to_owned()),
            ]
        );
    }

    #[test]
    fn v10_uses_each_endpoints_prefix() {
        for (endpoint, prefix) in [
            (ListEndpoint::Certificates, "pq"),
            (ListEndpoint::Agents, "pq"),
            (ListEndpoint::JobHistory, "pq"),
            (ListEndpoint::ScheduledJobs, "pq"),
            (ListEndpoint::CertificateStoreTypes, "cstquery"),
            (ListEndpoint::CertificateStores, "certificateStoreQuery"),
            (ListEndpoint::PendingRequests, "pagedQuery"),
            (ListEndpoint::DeniedRequests, "pagedQuery"),
        ] {
            let params = sorted_query().to_params(endpoint, V10);
            let expected: Vec<String> = [
                "queryString",
                "pageReturned",
                "returnLimit",
                "sortField",
                "sortAscending",
            ]
            .iter()
            .map(|name| format!("{prefix}.{name}"))
            .collect();
            assert_eq!(names(&params), expected, "{endpoint:?}");
        }
        let patterns = sorted_query().to_params(ListEndpoint::EnrollmentPatterns, V10);
        assert_eq!(names(&patterns)[0], "QueryString");
    }

    #[test]
    fn ascending_is_zero_and_direction_needs_a_field() {
        let ascending = ListQuery {
            sort_ascending: true,
            ..sorted_query()
        }
        .to_params(ListEndpoint::JobHistory, V25);
        assert!(ascending.contains(&("SortAscending".into(), "0".into())));
        let unsorted = ListQuery::default().to_params(ListEndpoint::JobHistory, V25);
        assert_eq!(names(&unsorted), ["PageReturned", "ReturnLimit"]);
    }

    #[test]
    fn page_and_limit_are_at_least_one_and_blank_query_is_omitted() {
        let query = ListQuery {
            query_string: Some("  ".into()),
            page: 0,
            limit: 0,
            ..ListQuery::default()
        };
        assert_eq!(
            query.to_params(ListEndpoint::Certificates, V25),
            [
                ("PageReturned".into(), "1".into()),
                ("ReturnLimit".into(), "1".into())
            ]
        );
    }

    #[test]
    fn conditions_are_joined_with_and() {
        let since = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap();
        let query = ListQuery::matching(&[
            QueryExpr::text("JobType", TextOp::Equals, "Reenrollment"),
            QueryExpr::text("Agent", TextOp::Contains, "web01"),
            QueryExpr::time("OperationStart", CompareOp::GreaterOrEqual, since),
            QueryExpr::number("CertRequestId", CompareOp::Equals, 1234),
        ]);
        assert_eq!(
            query.query_string.as_deref(),
            Some(
                r#"JobType -eq "Reenrollment" AND Agent -contains "web01" AND OperationStart -ge "2025-06-01T12:00:00Z" AND CertRequestId -eq 1234"#
            )
        );
        assert_eq!(ListQuery::matching(&[]).query_string, None);
    }

    #[test]
    fn quotes_and_backslashes_cannot_end_the_literal() {
        let cn = |value: &str| QueryExpr::text("IssuedCN", TextOp::Equals, value).to_string();
        assert_eq!(
            cn(r#"a" OR IssuedCN -ne "b"#),
            r#"IssuedCN -eq "a"" OR IssuedCN -ne ""b""#
        );
        assert_eq!(cn(r"x\"), r#"IssuedCN -eq "x""#);
        assert_eq!(cn(r#"x\" -or 1"#), r#"IssuedCN -eq "x"" -or 1""#);
        assert_eq!(cn("line\nbreak"), r#"IssuedCN -eq "line break""#);
        // A backslash inside a value (a CA's host\logical) is kept.
        assert_eq!(cn(r"ca01\CorpCA"), r#"IssuedCN -eq "ca01\CorpCA""#);
    }

    /// Reads one literal the PowerShell way (`""` is a quote); returns its text and the bytes consumed.
    fn powershell_literal(text: &str) -> Option<(String, usize)> {
        let mut chars = text.char_indices().peekable();
        if chars.next()?.1 != '"' {
            return None;
        }
        let mut content = String::new();
        while let Some((index, c)) = chars.next() {
            if c == '"' {
                if chars.peek().map(|(_, next)| *next) == Some('"') {
                    chars.next();
                    content.push('"');
                } else {
                    return Some((content, index + 1));
                }
            } else {
                content.push(c);
            }
        }
        None
    }

    /// Reads one literal the C way (`\` escapes the next character); returns the bytes consumed.
    fn backslash_literal_len(text: &str) -> Option<usize> {
        let mut chars = text.char_indices();
        if chars.next()?.1 != '"' {
            return None;
        }
        while let Some((index, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next()?;
                }
                '"' => return Some(index + 1),
                _ => {}
            }
        }
        None
    }

    proptest! {
        #[test]
        fn a_value_is_exactly_one_powershell_literal(value in any::<String>()) {
            let quoted = quote(&value);
            let (content, consumed) = powershell_literal(&quoted).expect("a closed literal");
            prop_assert_eq!(consumed, quoted.len());
            prop_assert_eq!(content.matches('"').count(), value.matches('"').count());
        }

        #[test]
        fn a_backslash_parser_sees_only_adjacent_literals(value in any::<String>()) {
            let quoted = quote(&value);
            let mut rest = quoted.as_str();
            while !rest.is_empty() {
                let consumed = backslash_literal_len(rest);
                prop_assert!(consumed.is_some(), "text outside a literal in {}", quoted);
                rest = &rest[consumed.unwrap_or_default()..];
            }
        }

        #[test]
        fn plain_values_survive_unchanged(value in "[A-Za-z0-9 .,=*@_-]{0,40}") {
            let quoted = quote(&value);
            prop_assert_eq!(powershell_literal(&quoted).map(|(content, _)| content), Some(value));
        }
    }
}
