//! Request bodies read the way ASP.NET Core binds them: JSON only (else 415), property names
//! matched without case, unknown properties ignored, wrong JSON types rejected with 400.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::model::Timestamp;

pub struct JsonBody(Map<String, Value>);

fn conversion_error(name: &str, target: &str) -> ApiError {
    ApiError::bad_request(
        ErrorCode::MalformedRequest,
        format!("The JSON value could not be converted to {target}. Path: $.{name}"),
    )
}

impl JsonBody {
    pub fn parse(headers: &HeaderMap, bytes: &Bytes) -> ApiResult<Self> {
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_some_and(|media| {
                media == "application/json" || media == "text/json" || media.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::MalformedRequest,
                "Unsupported Media Type: send the body as application/json.",
            ));
        }
        match serde_json::from_slice(bytes) {
            Ok(Value::Object(map)) => Ok(JsonBody(map)),
            Ok(_) => Err(ApiError::bad_request(
                ErrorCode::MalformedRequest,
                "The request body must be a JSON object.",
            )),
            Err(error) => Err(ApiError::bad_request(
                ErrorCode::MalformedRequest,
                format!("The request body is not valid JSON: {error}"),
            )),
        }
    }

    /// The property, matched without case; JSON `null` counts as absent.
    fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
            .filter(|value| !value.is_null())
    }

    pub fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        self.get(name)
            .map(|value| {
                value
                    .as_i64()
                    .ok_or_else(|| conversion_error(name, "System.Int32"))
            })
            .transpose()
    }

    pub fn string(&self, name: &str) -> ApiResult<Option<String>> {
        self.get(name)
            .map(|value| {
                value
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| conversion_error(name, "System.String"))
            })
            .transpose()
    }

    /// A string that is present and not blank.
    pub fn text(&self, name: &str) -> ApiResult<Option<String>> {
        Ok(self.string(name)?.filter(|s| !s.trim().is_empty()))
    }

    pub fn bool(&self, name: &str) -> ApiResult<Option<bool>> {
        self.get(name)
            .map(|value| {
                value
                    .as_bool()
                    .ok_or_else(|| conversion_error(name, "System.Boolean"))
            })
            .transpose()
    }

    pub fn date_time(&self, name: &str) -> ApiResult<Option<Timestamp>> {
        self.get(name)
            .map(|value| {
                value
                    .as_str()
                    .and_then(parse_date_time)
                    .ok_or_else(|| conversion_error(name, "System.DateTime"))
            })
            .transpose()
    }

    pub fn array(&self, name: &str) -> ApiResult<&[Value]> {
        match self.get(name) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(conversion_error(name, "an array")),
        }
    }

    pub fn object(&self, name: &str) -> ApiResult<Option<&Map<String, Value>>> {
        self.get(name)
            .map(|value| {
                value
                    .as_object()
                    .ok_or_else(|| conversion_error(name, "an object"))
            })
            .transpose()
    }
}

/// A property of a nested object, matched without case (e.g. `Stores[].StoreId`).
pub fn nested<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .filter(|value| !value.is_null())
}

/// ISO 8601 as System.Text.Json reads it: with offset, without (taken as UTC), or a bare date.
pub fn parse_date_time(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
        .or_else(|| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        })
}

/// A GUID as ASP.NET accepts it (hyphenated, any case).
pub fn is_guid(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(part, len)| part.len() == len && part.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        headers
    }

    #[test]
    fn names_match_without_case_and_types_are_checked() {
        let body = JsonBody::parse(
            &json_headers(),
            &Bytes::from_static(
                br#"{"certificateid": 12, "Thumbprint": 5, "Timestamp": "2025-06-01T12:00:00Z"}"#,
            ),
        )
        .expect("parses");
        assert_eq!(body.int("CertificateId").expect("int"), Some(12));
        assert!(body.string("Thumbprint").is_err());
        assert!(body.date_time("Timestamp").expect("date").is_some());
        assert_eq!(body.int("Missing").expect("absent"), None);
    }

    #[test]
    fn non_json_content_type_is_415() {
        let error = JsonBody::parse(&HeaderMap::new(), &Bytes::from_static(b"{}"))
            .err()
            .expect("rejected");
        assert_eq!(error.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    #[test]
    fn guids_and_dates_parse_like_asp_net() {
        assert!(is_guid("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(!is_guid("0f8fad5b-d9cb-469f-a165"));
        assert!(parse_date_time("2025-06-01T12:00:00").is_some());
        assert!(parse_date_time("2025-06-01").is_some());
        assert!(parse_date_time("yesterday").is_none());
    }
}
