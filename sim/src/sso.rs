//! The SSO proxy stand-in (`--sso`), answering at oauth2-proxy's own paths so the production nginx
//! configuration in `deploy/` runs unchanged in front of it: `/oauth2/auth` (nginx `auth_request`: 202 or
//! 401), `/oauth2/start` and `/oauth2/sign_in` (a page listing the demo users), `/oauth2/sign_out`,
//! `/oauth2/userinfo`, an HttpOnly session cookie, and 401 JSON for API calls without a session.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{cookie, find_user, DemoUser, DEMO_USERS};
use crate::ids;
use crate::security_headers::with_security_headers;
use crate::state::Sim;

pub const SESSION_COOKIE: &str = "kf_sim_sso";
pub const SIGN_IN_PATH: &str = "/oauth2/sign_in";

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/sign_in", get(sign_in_page).post(sign_in))
        .route("/sign_out", get(sign_out).post(sign_out))
        .route("/userinfo", get(userinfo))
        .route("/auth", get(auth))
        .route("/start", get(start))
        .with_state(sim)
}

/// The signed-in user of a valid session (always `None` without `--sso`): from the session cookie, or
/// from the `Authorization: Bearer` token the proxy forwards (the access token `/oauth2/auth` handed it),
/// so a proxy may strip the cookie before Keyfactor.
pub fn session_user(sim: &Sim, headers: &HeaderMap) -> Option<&'static DemoUser> {
    if !sim.config.sso {
        return None;
    }
    let token = session_token(headers)?;
    sim.state().sessions.get(token).copied()
}

fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| cookie(headers, SESSION_COOKIE))
}

fn sign_in_location(return_to: &str) -> String {
    format!(
        "{SIGN_IN_PATH}?rd={}",
        utf8_percent_encode(return_to, NON_ALPHANUMERIC)
    )
}

/// 302 to the sign-in page, remembering where to return.
pub fn redirect_to_sign_in(return_to: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, sign_in_location(return_to))],
    )
        .into_response()
}

/// Only same-site relative paths may be returned to (no `//host`, no `/\host`, no scheme).
fn safe_return_path(rd: Option<&str>, public_path: &str) -> String {
    rd.filter(|rd| {
        rd.starts_with('/')
            && !rd.starts_with("//")
            && !rd.starts_with("/\\")
            && !rd.contains("://")
    })
    .map_or_else(|| public_path.to_owned(), str::to_owned)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[derive(Deserialize)]
struct ReturnTo {
    rd: Option<String>,
}

/// Plain HTML without inline script or style, so the production CSP holds here too.
async fn sign_in_page(State(sim): State<Arc<Sim>>, Query(query): Query<ReturnTo>) -> Response {
    let rd = safe_return_path(query.rd.as_deref(), &sim.config.public_path);
    let users: String = DEMO_USERS
        .iter()
        .enumerate()
        .map(|(index, user)| {
            format!(
                "<li><label><input type=\"radio\" name=\"user\" value=\"{login}\"{checked}> <strong>{account}</strong> ({email}): {description}</label></li>\n",
                login = user.login,
                checked = if index == 0 { " checked" } else { "" },
                account = escape_html(&user.account()),
                email = user.email,
                description = escape_html(user.description),
            )
        })
        .collect();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Sign in - Key Example SSO</title><link rel=\"icon\" href=\"data:,\"></head>\n<body>\n<main>\n<h1>Sign in</h1>\n<p>Key Example single sign-on (simulated). Choose a demo account:</p>\n<form method=\"post\" action=\"{SIGN_IN_PATH}\">\n<ul>\n{users}</ul>\n<input type=\"hidden\" name=\"rd\" value=\"{rd}\">\n<button type=\"submit\">Sign in</button>\n</form>\n</main>\n</body>\n</html>\n",
        rd = escape_html(&rd),
    );
    with_security_headers(
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            page,
        )
            .into_response(),
    )
}

#[derive(Deserialize)]
struct SignIn {
    user: String,
    rd: Option<String>,
}

async fn sign_in(State(sim): State<Arc<Sim>>, Form(form): Form<SignIn>) -> Response {
    let Some(user) = find_user(&form.user) else {
        return (StatusCode::BAD_REQUEST, "Unknown demo user").into_response();
    };
    let token = {
        let mut state = sim.state();
        let token = ids::token(&mut state.rng);
        state.sessions.insert(token.clone(), user);
        token
    };
    let rd = safe_return_path(form.rd.as_deref(), &sim.config.public_path);
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
    (
        StatusCode::FOUND,
        [(header::LOCATION, rd), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

async fn sign_out(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        sim.state().sessions.remove(token);
    }
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, sign_in_location(&sim.config.public_path)),
            (header::SET_COOKIE, expired),
        ],
    )
        .into_response()
}

async fn userinfo(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    match session_user(&sim, &headers) {
        Some(user) => Json(json!({
            "user": user.account(),
            "email": user.email,
            "preferredUsername": user.login,
        }))
        .into_response(),
        None => unauthorized_json(),
    }
}

/// nginx `auth_request` target: 202 with the user in `X-Auth-Request-*` headers and the session's token in
/// `X-Auth-Request-Access-Token` (oauth2-proxy with `pass_access_token` and `set_xauthrequest`, the way
/// deploy/ hands the user's access token to Command), or 401.
async fn auth(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    match session_user(&sim, &headers) {
        Some(user) => {
            let token = session_token(&headers).unwrap_or_default();
            (
                StatusCode::ACCEPTED,
                [
                    ("x-auth-request-user", user.account()),
                    ("x-auth-request-email", user.email.to_owned()),
                    ("x-auth-request-access-token", token.to_owned()),
                ],
            )
                .into_response()
        }
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// Where nginx sends a signed-out navigation (`error_page 401 = /oauth2/start?rd=…`).
async fn start(State(sim): State<Arc<Sim>>, Query(query): Query<ReturnTo>) -> Response {
    redirect_to_sign_in(&safe_return_path(
        query.rd.as_deref(),
        &sim.config.public_path,
    ))
}

/// oauth2-proxy's answer to a JSON request without a valid session.
pub fn unauthorized_json() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "Message": "Unauthorized" })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_relative_return_paths_are_kept() {
        assert_eq!(
            safe_return_path(Some("/certs/renew/5?x=1"), "/"),
            "/certs/renew/5?x=1"
        );
        for hostile in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/x?u=http://e",
        ] {
            assert_eq!(
                safe_return_path(Some(hostile), "/certs/"),
                "/certs/",
                "{hostile}"
            );
        }
        assert_eq!(safe_return_path(None, "/"), "/");
    }
}
