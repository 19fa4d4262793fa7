//! Query-string parameters as ASP.NET binds them, and the shared paging/sorting of list endpoints.
//!
//! Names bind case-insensitively, but the *prefix* must be exact: v10 actions bind a model named
//! `pq` (`sq`, `cstquery`, `certificateStoreQuery`), so only `pq.queryString` fills it, while v25
//! binds unprefixed names. A parameter under any other name is silently ignored — a client with the
//! wrong spelling gets the unfiltered first page of 50, exactly as from the real server.

use std::cmp::Ordering;

use serde_json::Value;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::query::{Context, Field, Query, Record};
use crate::ApiFlavor;

const DEFAULT_RETURN_LIMIT: usize = 50;

/// The model-binding prefix a v10 list action uses.
#[derive(Clone, Copy, Debug)]
pub enum Prefix {
    /// `pq.` — Certificates, CertificateAuthority, Agents, JobHistory, ScheduledJobs.
    Paged,
    /// `sq.` — Templates.
    Templates,
    /// `cstquery.` — CertificateStoreTypes.
    StoreTypes,
    /// `certificateStoreQuery.` — CertificateStores.
    Stores,
    /// `pagedQuery.` — Workflow/Certificates/Pending and /Denied.
    PagedQuery,
    /// `query.` — Certificates/{id}/History.
    Query,
}

impl Prefix {
    fn v10(self) -> &'static str {
        match self {
            Prefix::Paged => "pq.",
            Prefix::Templates => "sq.",
            Prefix::StoreTypes => "cstquery.",
            Prefix::Stores => "certificateStoreQuery.",
            Prefix::PagedQuery => "pagedQuery.",
            Prefix::Query => "query.",
        }
    }
}

/// The raw `(name, value)` pairs of a request's query string.
pub struct QueryParams(pub Vec<(String, String)>);

impl QueryParams {
    /// First value bound to `name`, compared without case like ASP.NET's value providers.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        self.get(name)
            .filter(|raw| !raw.is_empty())
            .map(|raw| {
                raw.trim()
                    .parse()
                    .map_err(|_| binding_error(name, raw, "an integer"))
            })
            .transpose()
    }

    pub fn bool(&self, name: &str) -> ApiResult<Option<bool>> {
        self.get(name)
            .filter(|raw| !raw.is_empty())
            .map(|raw| match raw.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(binding_error(name, raw, "a boolean")),
            })
            .transpose()
    }

    /// The name a list parameter (`QueryString`, `IncludeRevoked`, …) has for this flavour and action.
    pub fn list_name(flavour: ApiFlavor, prefix: Prefix, name: &str) -> String {
        match flavour {
            ApiFlavor::V10 => format!("{}{name}", prefix.v10()),
            ApiFlavor::V25 => name.to_owned(),
        }
    }
}

fn binding_error(name: &str, raw: &str, expected: &str) -> ApiError {
    ApiError::bad_request(
        ErrorCode::MalformedRequest,
        format!("The value '{raw}' is not valid for {name}: expected {expected}."),
    )
}

/// The paging, sorting and filtering a list request asked for.
#[derive(Debug)]
pub struct ListRequest {
    pub query: Option<String>,
    pub page: usize,
    pub limit: usize,
    pub sort_field: Option<String>,
    pub descending: bool,
}

impl ListRequest {
    pub fn from_params(
        flavour: ApiFlavor,
        prefix: Prefix,
        params: &QueryParams,
    ) -> ApiResult<Self> {
        let name = |base: &str| QueryParams::list_name(flavour, prefix, base);
        let positive = |value: Option<i64>, default: usize| {
            value
                .filter(|n| *n > 0)
                .map_or(default, |n| usize::try_from(n).unwrap_or(default))
        };
        let descending = match params.get(&name("SortAscending")).map(str::trim) {
            None | Some("") | Some("0") => false,
            Some("1") => true,
            // ASP.NET also binds enum members by name.
            Some(other) if other.eq_ignore_ascii_case("Ascending") => false,
            Some(other) if other.eq_ignore_ascii_case("Descending") => true,
            Some(other) => return Err(binding_error(&name("SortAscending"), other, "0 or 1")),
        };
        Ok(ListRequest {
            query: params
                .get(&name("QueryString"))
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_owned),
            page: positive(params.int(&name("PageReturned"))?, 1),
            limit: positive(params.int(&name("ReturnLimit"))?, DEFAULT_RETURN_LIMIT),
            sort_field: params
                .get(&name("SortField"))
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned),
            descending,
        })
    }

    /// Parses `QueryString` against the endpoint's fields (`None` when absent).
    pub fn parsed_query(&self, fields: &[Field]) -> ApiResult<Option<Query>> {
        self.query
            .as_deref()
            .map(|q| {
                Query::parse(q, fields)
                    .map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.to_string()))
            })
            .transpose()
    }

    /// Filters `records`, renders the survivors, then sorts and cuts out the requested page.
    pub fn respond<R: Record>(
        &self,
        records: impl IntoIterator<Item = R>,
        fields: &[Field],
        context: &Context,
        render: impl Fn(&R) -> Value,
    ) -> ApiResult<Vec<Value>> {
        let query = self.parsed_query(fields)?;
        let rows: Vec<Value> = records
            .into_iter()
            .filter(|record| query.as_ref().is_none_or(|q| q.matches(record, context)))
            .map(|record| render(&record))
            .collect();
        self.sort_and_page(rows)
    }

    /// Sorts by a property of the rendered rows (case-insensitive name), then pages.
    pub fn sort_and_page(&self, mut rows: Vec<Value>) -> ApiResult<Vec<Value>> {
        if let Some(sort_field) = &self.sort_field {
            let key = rows
                .first()
                .and_then(Value::as_object)
                .and_then(|row| row.keys().find(|k| k.eq_ignore_ascii_case(sort_field)))
                .cloned();
            match key {
                Some(key) => rows.sort_by(|a, b| {
                    let ordering = compare_json(&a[&key], &b[&key]);
                    if self.descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                }),
                None if rows.is_empty() => {}
                None => {
                    return Err(ApiError::bad_request(
                        ErrorCode::InvalidQuery,
                        format!("'{sort_field}' is not a valid sort field."),
                    ))
                }
            }
        } else if self.descending {
            rows.reverse();
        }
        Ok(rows
            .into_iter()
            .skip((self.page - 1).saturating_mul(self.limit))
            .take(self.limit)
            .collect())
    }
}

/// Nulls first, numbers numerically, strings without case.
fn compare_json(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(pairs: &[(&str, &str)]) -> QueryParams {
        QueryParams(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn v10_binds_only_prefixed_names_and_v25_only_plain_ones() {
        let prefixed = params(&[("pq.returnLimit", "5"), ("pq.pageReturned", "2")]);
        let plain = params(&[("ReturnLimit", "5"), ("PageReturned", "2")]);
        let v10 =
            ListRequest::from_params(ApiFlavor::V10, Prefix::Paged, &prefixed).expect("binds");
        assert_eq!((v10.page, v10.limit), (2, 5));
        let v10_plain =
            ListRequest::from_params(ApiFlavor::V10, Prefix::Paged, &plain).expect("binds");
        assert_eq!((v10_plain.page, v10_plain.limit), (1, 50));
        let v25 = ListRequest::from_params(ApiFlavor::V25, Prefix::Paged, &plain).expect("binds");
        assert_eq!((v25.page, v25.limit), (2, 5));
        let v25_prefixed =
            ListRequest::from_params(ApiFlavor::V25, Prefix::Paged, &prefixed).expect("binds");
        assert_eq!((v25_prefixed.page, v25_prefixed.limit), (1, 50));
    }

    #[test]
    fn sorts_descending_with_one_and_pages_past_the_end_to_empty() {
        let request = ListRequest::from_params(
            ApiFlavor::V25,
            Prefix::Paged,
            &params(&[
                ("SortField", "id"),
                ("SortAscending", "1"),
                ("ReturnLimit", "2"),
            ]),
        )
        .expect("binds");
        let rows = vec![json!({"Id": 1}), json!({"Id": 3}), json!({"Id": 2})];
        let page = request.sort_and_page(rows.clone()).expect("sorts");
        assert_eq!(page, vec![json!({"Id": 3}), json!({"Id": 2})]);
        let beyond = ListRequest { page: 3, ..request };
        assert!(beyond.sort_and_page(rows).expect("pages").is_empty());
    }

    #[test]
    fn invalid_numbers_and_sort_fields_are_rejected() {
        assert!(ListRequest::from_params(
            ApiFlavor::V25,
            Prefix::Paged,
            &params(&[("ReturnLimit", "ten")])
        )
        .is_err());
        let request = ListRequest::from_params(
            ApiFlavor::V25,
            Prefix::Paged,
            &params(&[("SortField", "Nope")]),
        )
        .expect("binds");
        assert!(request.sort_and_page(vec![json!({"Id": 1})]).is_err());
    }
}
