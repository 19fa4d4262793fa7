//! The built SPA from `--dist` under the public path, with production headers: CSP and friends on
//! every response, `no-cache` for the entry points, `immutable` for hashed assets, precompressed
//! `.br`/`.gz` siblings, `application/wasm`, and the SPA fallback to `index.html`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::security_headers::with_security_headers;
use crate::sso;
use crate::state::Sim;

/// Files the browser must revalidate: they name the hashed assets or carry run-time settings (as
/// deploy/nginx does).
const ENTRY_POINTS: [&str; 3] = ["index.html", "boot.js", "config.json"];

fn plain(status: StatusCode, text: &'static str) -> Response {
    with_security_headers((status, [(header::CACHE_CONTROL, "no-cache")], text).into_response())
}

/// Fallback for every non-API, non-admin path.
pub async fn serve(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let public_path = sim.config.public_path.as_str();
    let path = request.uri().path().to_owned();
    if public_path != "/" && path == public_path.trim_end_matches('/') {
        let location = match request.uri().query() {
            Some(query) => format!("{public_path}?{query}"),
            None => public_path.to_owned(),
        };
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    let Some(relative) = path.strip_prefix(public_path) else {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    };
    if sim.config.sso && sso::session_user(&sim, request.headers()).is_none() {
        let original = request
            .uri()
            .path_and_query()
            .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
        return sso::redirect_to_sign_in(&original);
    }
    let Some(dist) = sim.config.dist.clone() else {
        return plain(
            StatusCode::NOT_FOUND,
            "kf-sim: no --dist directory given; the API is under /KeyfactorAPI",
        );
    };
    let last_segment = relative.rsplit('/').next().unwrap_or("");
    let is_asset = last_segment.contains('.');
    let file_name = if is_asset { last_segment } else { "index.html" };
    let (mut parts, body) = request.into_parts();
    let result = if is_asset {
        parts.uri = match format!("/{relative}").parse() {
            Ok(uri) => uri,
            Err(_) => return plain(StatusCode::BAD_REQUEST, "Bad Request"),
        };
        ServeDir::new(&dist)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(Request::from_parts(parts, body))
            .await
    } else {
        // SPA fallback: client-side routes all get the shell.
        ServeFile::new(dist.join("index.html"))
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(Request::from_parts(parts, body))
            .await
    };
    let mut response = match result {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    let status = response.status();
    let cache_control = if ENTRY_POINTS.contains(&file_name)
        || status.is_client_error()
        || status.is_server_error()
    {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    with_security_headers(response)
}
