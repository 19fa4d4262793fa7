//! The request log layer: every API request and its answer into the log `GET /__sim/requests` reads
//! (`state::request_log`); plus the one-line-per-request stderr log of the CLI.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::faults::{unprefixed_path, Faulted};
use crate::state::request_log::LoggedRequest;
use crate::state::Sim;

/// Larger bodies are not plausible API requests (IIS would refuse them too).
const MAX_REQUEST_BODY: usize = 1 << 20;
/// Far above any answer the simulator gives; a cap only so a bug cannot exhaust memory.
const MAX_RESPONSE_BODY: usize = 64 << 20;

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
    let id = sim
        .state()
        .requests
        .record(LoggedRequest::new(&parts, &bytes));
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
