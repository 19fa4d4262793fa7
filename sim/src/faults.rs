//! Injected faults (`POST /__sim/faults`): how the network, the proxy or the server misbehaves
//! for matching requests. Applied before authentication, as a proxy or the wire would.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::error::{keyfactor_error_body, ErrorCode};
use crate::request_log::Faulted;
use crate::sso;
use crate::state::Sim;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// That HTTP status: Keyfactor error body for 4xx, a generic page for 5xx.
    Status,
    /// 200 with an HTML page where JSON was expected.
    Html,
    MalformedJson,
    /// The real response body cut in half.
    TruncatedJson,
    /// The real response, wrapped into valid JSON of another shape.
    WrongShape,
    /// Never answers; holds the connection until the client gives up.
    Timeout,
    /// Closes the connection without any response.
    Drop,
    /// Carries the request out, then answers 504 as a proxy does that gave up waiting on a slow Command:
    /// the change is made, but the client never sees Command's answer.
    LostAnswer,
    /// Waits `delay_ms`, then answers normally.
    Latency,
    /// 302 to the SSO sign-in page, like an expired proxy session.
    Redirect,
}

fn one() -> u32 {
    1
}

/// A fault as posted: `times` 0 means until cleared.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub times: u32,
    /// Matching requests let through untouched before the fault applies (e.g. 2: the third one fails).
    #[serde(default)]
    pub after: u32,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Matches still to go (`None` = unlimited).
    #[serde(skip_deserializing)]
    pub remaining: Option<u32>,
}

impl Fault {
    /// Validates a posted fault and arms its counter.
    pub fn armed(mut self) -> Result<Self, String> {
        if self.path.is_empty() || !self.path.starts_with('/') {
            return Err("path must start with '/'".into());
        }
        if let Some(status) = self.status {
            StatusCode::from_u16(status).map_err(|_| format!("invalid status {status}"))?;
        }
        self.remaining = (self.times > 0).then_some(self.times);
        Ok(self)
    }

    fn matches(&self, method: &Method, paths: &[&str]) -> bool {
        let method_matches = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        let path_matches = |path: &&str| match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => *path == self.path,
        };
        method_matches && paths.iter().any(path_matches)
    }
}

/// Lets the `drop` fault close the connection; inserted per connection by the server loop.
#[derive(Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

/// Takes one use of the first fault matching the request (removing it when used up).
fn take(faults: &mut Vec<Fault>, method: &Method, paths: &[&str]) -> Option<Fault> {
    let index = faults.iter().position(|f| f.matches(method, paths))?;
    if faults[index].after > 0 {
        faults[index].after -= 1;
        return None;
    }
    let fault = faults[index].clone();
    match &mut faults[index].remaining {
        Some(1) => {
            faults.remove(index);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(fault)
}

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

    fn fault(path: &str, times: u32) -> Fault {
        Fault {
            method: Some("POST".into()),
            path: path.into(),
            kind: FaultKind::Status,
            times,
            after: 0,
            status: Some(503),
            delay_ms: None,
            remaining: None,
        }
        .armed()
        .expect("valid fault")
    }

    #[test]
    fn faults_match_exactly_or_by_prefix_and_are_used_up() {
        let mut faults = vec![fault("/KeyfactorAPI/Enrollment/*", 2)];
        let renew = ["/KeyfactorAPI/Enrollment/Renew"];
        assert!(
            take(&mut faults, &Method::GET, &renew).is_none(),
            "method must match"
        );
        assert!(take(&mut faults, &Method::POST, &renew).is_some());
        assert!(take(&mut faults, &Method::POST, &renew).is_some());
        assert!(
            take(&mut faults, &Method::POST, &renew).is_none(),
            "used up after 2"
        );

        let mut exact = vec![fault("/KeyfactorAPI/Enrollment/Renew", 0)];
        assert!(take(
            &mut exact,
            &Method::POST,
            &["/KeyfactorAPI/Enrollment/RenewX"]
        )
        .is_none());
        for _ in 0..5 {
            assert!(
                take(&mut exact, &Method::POST, &renew).is_some(),
                "0 = until cleared"
            );
        }
    }

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
