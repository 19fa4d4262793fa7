//! Every API request since the last reset (`GET /__sim/requests`), for contract tests to count
//! and validate; plus the one-line-per-request stderr log of the CLI.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::faults::unprefixed_path;
use crate::state::Sim;

/// Larger bodies are not plausible API requests (IIS would refuse them too).
const MAX_REQUEST_BODY: usize = 1 << 20;
/// Far above any answer the simulator gives; a cap only so a bug cannot exhaust memory.
const MAX_RESPONSE_BODY: usize = 64 << 20;

/// Headers whose presence and value matter to the contract.
const RECORDED_HEADERS: [&str; 4] = [
    "x-keyfactor-requested-with",
    "x-keyfactor-api-version",
    "content-type",
    "accept",
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

/// Set on a response by the fault layer when a fault replaced or rewrote it.
#[derive(Clone, Copy)]
pub struct Faulted;

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

    fn record(&mut self, mut entry: LoggedRequest) -> u64 {
        self.next_id += 1;
        entry.id = self.next_id;
        self.entries.push(entry);
        self.next_id
    }

    fn answer(&mut self, id: u64, status: u16, response: Value, faulted: bool) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.status = Some(status);
            entry.response = response;
            entry.faulted = faulted;
        }
    }
}

fn is_api_path(path: &str, public_path: &str) -> bool {
    let api = unprefixed_path(path, public_path).unwrap_or(path);
    api == "/KeyfactorAPI" || api.starts_with("/KeyfactorAPI/")
}

/// Records API requests (outside the fault layer, so faulted requests are seen too).
pub async fn middleware(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    if !is_api_path(request.uri().path(), &sim.config.public_path) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_REQUEST_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
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
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    let entry = LoggedRequest {
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
    };
    let id = sim.state().requests.record(entry);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_RESPONSE_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let json = if is_json {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    let faulted = parts.extensions.get::<Faulted>().is_some();
    sim.state()
        .requests
        .answer(id, parts.status.as_u16(), json, faulted);
    Response::from_parts(parts, Body::from(bytes))
}

/// `METHOD path status ms` on stderr, when the CLI asked for it.
pub async fn stderr_log(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    if !sim.config.log_requests {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} {} {}ms",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}
