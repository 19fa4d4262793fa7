//! The `/KeyfactorAPI` router and what Command enforces on every request: authentication (Basic,
//! SSO session, anonymous user), `x-keyfactor-requested-with`, and the response headers.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::auth::{basic_credentials, find_user, BasicCredentials, Caller};
use crate::error::{ApiError, ErrorCode};
use crate::handlers::{
    authorities, certificates, enrollment, jobs, retrieval, revocation, stores, workflow,
};
use crate::state::Sim;
use crate::{sso, ApiFlavor};

const REQUESTED_WITH: HeaderName = HeaderName::from_static("x-keyfactor-requested-with");
const PRODUCT_VERSION: HeaderName = HeaderName::from_static("x-keyfactor-product-version");
const CORRELATION_ID: HeaderName = HeaderName::from_static("x-keyfactor-correlation-id");
const SUPPORTED_VERSIONS: HeaderName = HeaderName::from_static("api-supported-versions");
/// Far above any error body; a cap only so a bug cannot exhaust memory.
const MAX_ERROR_BODY: usize = 1 << 20;

/// What `GET /Status/Endpoints` reports; every entry is routed below (a test checks it).
const ENDPOINTS: &[&str] = &[
    "GET /Status/Endpoints",
    "GET /Certificates",
    "GET /Certificates/{id}",
    "GET /CertificateAuthority",
    "GET /Templates",
    "GET /Enrollment/AvailableRenewal/Id/{id}",
    "GET /Enrollment/AvailableRenewal/Thumbprint/{thumbprint}",
    "GET /Enrollment/PFX/Context/My",
    "POST /Enrollment/Renew",
    "POST /Enrollment/PFX/Replace",
    "POST /Enrollment/PFX/Deploy",
    "GET /CertificateStores",
    "GET /CertificateStores/{id}",
    "GET /CertificateStores/{id}/Inventory",
    "POST /CertificateStores/Reenrollment",
    "GET /CertificateStoreTypes",
    "GET /Agents",
    "GET /OrchestratorJobs/ScheduledJobs",
    "GET /OrchestratorJobs/JobHistory",
    "POST /Certificates/Download",
    "POST /Certificates/Recover",
    "POST /Certificates/Revoke",
    "GET /Certificates/{id}/History",
    "GET /Workflow/Certificates/Pending",
    "GET /Workflow/Certificates/Denied",
    "GET /Workflow/Certificates/{id}",
    "POST /Workflow/Certificates/Approve",
    "POST /Workflow/Certificates/Deny",
];

/// Only in the v25 flavour (the v10 server answers 404).
const V25_ENDPOINTS: &[&str] = &["GET /EnrollmentPatterns"];

pub fn router(sim: Arc<Sim>) -> Router {
    let flavour = sim.config.api;
    let mut routes = Router::new()
        .route("/Status/Endpoints", get(status_endpoints))
        .route("/Certificates", get(certificates::search))
        .route("/Certificates/{id}", get(certificates::by_id))
        .route("/CertificateAuthority", get(authorities::authorities))
        .route("/Templates", get(authorities::templates))
        .route(
            "/Enrollment/AvailableRenewal/Id/{id}",
            get(enrollment::available_renewal_by_id),
        )
        .route(
            "/Enrollment/AvailableRenewal/Thumbprint/{thumbprint}",
            get(enrollment::available_renewal_by_thumbprint),
        )
        .route("/Enrollment/PFX/Context/My", get(enrollment::pfx_context))
        .route("/Enrollment/Renew", post(enrollment::renew))
        .route("/Enrollment/PFX/Replace", post(enrollment::replace))
        .route("/Enrollment/PFX/Deploy", post(enrollment::deploy))
        .route("/CertificateStores", get(stores::stores))
        .route("/CertificateStores/{id}", get(stores::store_by_id))
        .route(
            "/CertificateStores/{id}/Inventory",
            get(stores::store_inventory),
        )
        .route(
            "/CertificateStores/Reenrollment",
            post(stores::reenrollment),
        )
        .route("/CertificateStoreTypes", get(stores::store_types))
        .route("/Agents", get(stores::agents))
        .route("/OrchestratorJobs/ScheduledJobs", get(jobs::scheduled_jobs))
        .route("/OrchestratorJobs/JobHistory", get(jobs::job_history))
        .route("/Certificates/Download", post(retrieval::download))
        .route("/Certificates/Recover", post(retrieval::recover))
        .route("/Certificates/Revoke", post(revocation::revoke))
        .route("/Certificates/{id}/History", get(revocation::history))
        .route("/Workflow/Certificates/Pending", get(workflow::pending))
        .route("/Workflow/Certificates/Denied", get(workflow::denied))
        .route("/Workflow/Certificates/{id}", get(workflow::details))
        .route("/Workflow/Certificates/Approve", post(workflow::approve))
        .route("/Workflow/Certificates/Deny", post(workflow::deny));
    if flavour == ApiFlavor::V25 {
        routes = routes.route("/EnrollmentPatterns", get(authorities::enrollment_patterns));
    }
    routes
        // ASP.NET answers unknown routes with an empty 404.
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(sim.clone(), authenticate))
        .layer(middleware::from_fn_with_state(sim.clone(), recorded_wire))
        .layer(SetResponseHeaderLayer::overriding(
            PRODUCT_VERSION,
            HeaderValue::from_static(sim.config.product_version()),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(sim)
}

async fn status_endpoints(State(sim): State<Arc<Sim>>) -> Json<Vec<&'static str>> {
    let v25 = if sim.config.api == ApiFlavor::V25 {
        V25_ENDPOINTS
    } else {
        &[]
    };
    Json(ENDPOINTS.iter().chain(v25).copied().collect())
}

/// What recorded servers add to every API answer (docs/observed/README.md, divergence 16, and
/// `wire-headers-and-query-encoding__…txt`): `X-Keyfactor-Correlation-Id` and
/// `Api-Supported-Versions`; and error bodies written with `'` as `\u0027` (divergence 15), which
/// serde_json never does by itself. Nothing changes in spec mode.
async fn recorded_wire(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    if !sim.config.recorded() {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    if let Ok(id) = HeaderValue::from_str(&sim.correlation_id()) {
        response.headers_mut().insert(CORRELATION_ID, id);
    }
    response
        .headers_mut()
        .insert(SUPPORTED_VERSIONS, HeaderValue::from_static("1.0"));
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json || response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(escape_apostrophes(&bytes)))
}

/// `'` → `\u0027` in serialized JSON: JSON has no `'` outside strings, so only string contents change.
fn escape_apostrophes(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    for &byte in json {
        if byte == b'\'' {
            out.extend_from_slice(b"\\u0027");
        } else {
            out.push(byte);
        }
    }
    out
}

/// IIS's answer to rejected Basic credentials: an HTML page, not JSON.
fn iis_unauthorized() -> Response {
    const PAGE: &str = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"/>\r\n<title>401 - Unauthorized: Access is denied due to invalid credentials.</title>\r\n</head>\r\n<body>\r\n<div id=\"header\"><h1>Server Error</h1></div>\r\n<div id=\"content\">\r\n <div class=\"content-container\"><fieldset>\r\n  <h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>\r\n  <h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>\r\n </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n";
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::CONTENT_TYPE, "text/html"),
            (header::WWW_AUTHENTICATE, "Basic realm=\"KeyfactorAPI\""),
        ],
        PAGE,
    )
        .into_response()
}

/// Resolves the caller (Basic → SSO session → anonymous user), then checks the requested-with header.
async fn authenticate(State(sim): State<Arc<Sim>>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let user = match basic_credentials(headers) {
        BasicCredentials::Valid(user) => Some(user),
        BasicCredentials::Rejected => return iis_unauthorized(),
        BasicCredentials::Absent => sso::session_user(&sim, headers)
            .or_else(|| sim.config.anonymous_user.as_deref().and_then(find_user)),
    };
    let Some(user) = user else {
        return sso::unauthorized_json();
    };
    let requested_with = headers
        .get(&REQUESTED_WITH)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    if !requested_with.is_some_and(|v| {
        v.eq_ignore_ascii_case("APIClient") || v.eq_ignore_ascii_case("XMLHttpRequest")
    }) {
        return ApiError::bad_request(
            ErrorCode::RequestedWithMissing,
            "The 'x-keyfactor-requested-with' header is required: send 'APIClient' or 'XMLHttpRequest'.",
        )
        .into_response();
    }
    request.extensions_mut().insert(Caller { user });
    next.run(request).await
}
