//! Injected faults (`POST /__sim/faults`): how the network, the proxy or the server misbehaves
//! for matching requests. Applied before authentication, as a proxy or the wire would.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::error::{keyfactor_error_body, ErrorCode};
use crate::sso;
use crate::state::faults::{take, Fault, FaultKind};
use crate::state::Sim;

/// Lets the `drop` fault close the connection; inserted per connection by the server loop.
#[derive(Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

/// Set on a response when a fault replaced or rewrote it, so the request log can tell.
#[derive(Clone, Copy)]
pub struct Faulted;

/// The path as the app sees it behind a sub-path proxy (`/certs/KeyfactorAPI/x` → `/KeyfactorAPI/x`).
pub fn unprefixed_path<'a>(path: &'a str, public_path: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(public_path.trim_end_matches('/'))?;
    (public_path != "/" && rest.starts_with('/')).then_some(rest)
}

pub async fn middleware(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/__sim/") {
        return next.run(request).await;
    }
    let fault = {
        let paths: Vec<&str> = std::iter::once(path.as_str())
            .chain(unprefixed_path(&path, &sim.config.public_path))
            .collect();
        take(&mut sim.state().faults, request.method(), &paths)
    };
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    // Only latency leaves the simulator's own answer intact.
    let shapes_answer = fault.kind != FaultKind::Latency;
    let mut response = apply(fault, request, next).await;
    if shapes_answer {
        response.extensions_mut().insert(Faulted);
    }
    response
}

async fn apply(fault: Fault, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match fault.kind {
        FaultKind::Status => status_response(fault.status.unwrap_or(500)),
        FaultKind::Html => html(
            StatusCode::OK,
            "<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1><p>Your session has ended.</p></body></html>",
        ),
        FaultKind::MalformedJson => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            "{\"Id\": 1, \"Thumbprint\": 'AB12', \"Locations\": [,]",
        )
            .into_response(),
        FaultKind::TruncatedJson => rewrite_body(next.run(request).await, |bytes| {
            bytes[..bytes.len() / 2].to_vec()
        })
        .await,
        FaultKind::WrongShape => rewrite_body(next.run(request).await, |bytes| {
            let reshaped = match serde_json::from_slice::<Value>(bytes) {
                Ok(Value::Array(items)) => json!({ "value": items, "Count": items.len() }),
                Ok(object @ Value::Object(_)) => json!([object]),
                _ => json!({ "unexpected": true }),
            };
            reshaped.to_string().into_bytes()
        })
        .await,
        FaultKind::Timeout => std::future::pending().await,
        FaultKind::Drop => {
            if let Some(ConnectionKill(kill)) = request.extensions().get::<ConnectionKill>() {
                kill.notify_one();
            }
            // Without the server loop (e.g. in-memory tests) this degrades to a timeout.
            std::future::pending().await
        }
        FaultKind::LostAnswer => {
            let _carried_out = next.run(request).await;
            status_response(StatusCode::GATEWAY_TIMEOUT.as_u16())
        }
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(1000))).await;
            next.run(request).await
        }
        FaultKind::Redirect => {
            let target = request
                .uri()
                .path_and_query()
                .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
            sso::redirect_to_sign_in(&target)
        }
    }
}

fn html(status: StatusCode, page: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

fn status_response(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("Error");
    if status.is_client_error() {
        let code = match status {
            StatusCode::FORBIDDEN => ErrorCode::Forbidden,
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            _ => ErrorCode::MalformedRequest,
        };
        let body = keyfactor_error_body(code, &format!("{reason} (simulated fault)"));
        (status, axum::Json(body)).into_response()
    } else {
        let page = format!(
            "<!DOCTYPE html><html><head><title>{code} {reason}</title></head><body><h1>{code} {reason}</h1></body></html>",
            code = status.as_u16()
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response()
    }
}

/// Replaces a response body, keeping status and headers (but not the now wrong length).
async fn rewrite_body(response: Response, rewrite: impl FnOnce(&[u8]) -> Vec<u8>) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    if !parts.headers.contains_key(header::CONTENT_TYPE) {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    if parts.status == StatusCode::NO_CONTENT {
        parts.status = StatusCode::OK;
    }
    Response::from_parts(parts, Body::from(rewrite(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_path_requests_also_match_unprefixed_paths() {
        assert_eq!(
            unprefixed_path("/certs/KeyfactorAPI/Certificates", "/certs/"),
            Some("/KeyfactorAPI/Certificates")
        );
        assert_eq!(unprefixed_path("/KeyfactorAPI/Certificates", "/"), None);
        assert_eq!(unprefixed_path("/certsX/a", "/certs/"), None);
    }
}
