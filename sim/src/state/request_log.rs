//! Every API request since the last reset (`GET /__sim/requests`), for contract tests to count and
//! validate (the request log layer, `request_log.rs`, records them).

use axum::http::header;
use axum::http::request::Parts;
use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// Headers whose presence and value matter to the contract.
const RECORDED_HEADERS: [&str; 5] = [
    "x-keyfactor-requested-with",
    "x-keyfactor-api-version",
    "content-type",
    "accept",
    // The file format of `POST /Certificates/Download` and `/Recover`.
    "x-certificateformat",
];

#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    id: u64,
    method: String,
    path: String,
    query: Option<String>,
    headers: Map<String, Value>,
    /// JSON when the body parses as JSON, else the raw text; `null` when empty.
    body: Value,
    /// `null` while unanswered (and forever for `timeout`/`drop` faults).
    status: Option<u16>,
    /// The answer's body when it is JSON, for contract checks of the simulator itself; else `null`.
    response: Value,
    /// An injected fault shaped the answer: it is not the simulator's own.
    faulted: bool,
    timestamp: String,
}

impl LoggedRequest {
    /// A request not answered yet; its credentials are reduced to their scheme.
    pub fn new(parts: &Parts, bytes: &[u8]) -> Self {
        let mut headers: Map<String, Value> = RECORDED_HEADERS
            .iter()
            .filter_map(|name| {
                let value = parts.headers.get(*name)?.to_str().ok()?;
                Some(((*name).to_owned(), Value::String(value.to_owned())))
            })
            .collect();
        if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
            // Never keep credentials: the scheme is what a contract test needs.
            let scheme = authorization
                .to_str()
                .ok()
                .and_then(|v| v.split_whitespace().next())
                .unwrap_or("(invalid)");
            headers.insert("authorization".into(), Value::String(scheme.to_owned()));
        }
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
        };
        LoggedRequest {
            id: 0,
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers,
            body,
            status: None,
            response: Value::Null,
            faulted: false,
            timestamp: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        }
    }
}

#[derive(Default)]
pub struct RequestLog {
    entries: Vec<LoggedRequest>,
    next_id: u64,
}

impl RequestLog {
    pub fn entries(&self) -> &[LoggedRequest] {
        &self.entries
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn record(&mut self, mut entry: LoggedRequest) -> u64 {
        self.next_id += 1;
        entry.id = self.next_id;
        self.entries.push(entry);
        self.next_id
    }

    pub fn answer(&mut self, id: u64, status: u16, response: Value, faulted: bool) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.status = Some(status);
            entry.response = response;
            entry.faulted = faulted;
        }
    }
}
