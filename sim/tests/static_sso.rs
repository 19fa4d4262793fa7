//! Serving the built SPA (headers, MIME, precompression, fallback, sub-path) and the SSO stand-in.

mod common;

use std::path::PathBuf;

use common::{config, TestSim};
use kf_sim::{ApiFlavor, SimConfig, CONTENT_SECURITY_POLICY};
use reqwest::{Method, StatusCode};

const INDEX: &str = "<!DOCTYPE html><html><head><script type=\"module\" src=\"/app-1a2b.js\"></script></head><body></body></html>";
const WASM: &[u8] = b"\0asm\x01\0\0\0";
const WASM_BROTLI: &[u8] = b"pretend-brotli-bytes";

/// A throwaway dist directory like trunk's output, with precompressed siblings; removed on drop.
struct Dist(PathBuf);

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dist(name: &str) -> Dist {
    let dir = std::env::temp_dir().join(format!("kf-sim-dist-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create dist");
    for (file, contents) in [
        ("index.html", INDEX.as_bytes()),
        ("config.json", b"{\"apiBase\":\"/KeyfactorAPI\"}".as_slice()),
        ("app-1a2b_bg.wasm", WASM),
        ("app-1a2b_bg.wasm.br", WASM_BROTLI),
        ("app-1a2b.js", b"export default 1;".as_slice()),
        ("boot.js", b"await import('./app-1a2b.js');".as_slice()),
    ] {
        std::fs::write(dir.join(file), contents).expect("write dist file");
    }
    Dist(dir)
}

/// A simulator serving a fresh dist directory (keep the `Dist` alive for the test).
async fn static_sim(name: &str, public_path: &str, sso: bool) -> (TestSim, Dist) {
    let dist = dist(name);
    let sim = TestSim::start(SimConfig {
        dist: Some(dist.0.clone()),
        public_path: public_path.into(),
        sso,
        ..config(ApiFlavor::V10)
    })
    .await;
    (sim, dist)
}

fn assert_security_headers(reply: &common::Reply) {
    assert_eq!(
        reply.header("content-security-policy"),
        Some(CONTENT_SECURITY_POLICY)
    );
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
}

#[tokio::test]
async fn index_and_assets_get_security_and_cache_headers_and_wasm_mime() {
    let (sim, _dist) = static_sim("headers", "/", false).await;
    let index = sim.raw_get("/", &[]).await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.text, INDEX);
    assert_security_headers(&index);
    assert_eq!(index.header("cache-control"), Some("no-cache"));

    // Not hashed: a new deployment's must be fetched again (the loader names the hashed files).
    for entry_point in ["/config.json", "/boot.js?js=app-1a2b.js"] {
        let answer = sim.raw_get(entry_point, &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{entry_point}");
        assert_eq!(
            answer.header("cache-control"),
            Some("no-cache"),
            "{entry_point}"
        );
    }

    let wasm = sim.raw_get("/app-1a2b_bg.wasm", &[]).await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(
        wasm.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_security_headers(&wasm);
}

#[tokio::test]
async fn precompressed_siblings_are_served_when_accepted() {
    let (sim, _dist) = static_sim("brotli", "/", false).await;
    let response = sim
        .client
        .get(sim.url("/app-1a2b_bg.wasm"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("response");
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(response.bytes().await.expect("body").as_ref(), WASM_BROTLI);
    let plain = sim
        .client
        .get(sim.url("/app-1a2b_bg.wasm"))
        .send()
        .await
        .expect("response");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.expect("body").as_ref(), WASM);
}

#[tokio::test]
async fn client_routes_fall_back_to_index_but_missing_files_are_404() {
    let (sim, _dist) = static_sim("fallback", "/", false).await;
    let route = sim.raw_get("/certificates/12/renew", &[]).await;
    assert_eq!(route.status, StatusCode::OK);
    assert_eq!(route.text, INDEX);
    assert_eq!(route.header("cache-control"), Some("no-cache"));
    let missing = sim.raw_get("/app-missing.js", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sub_path_hosting_serves_app_and_api_under_the_prefix() {
    let (sim, _dist) = static_sim("subpath", "/certs/", false).await;
    let bare = sim.raw_get("/certs", &[]).await;
    assert!(bare.status.is_redirection());
    assert_eq!(bare.header("location"), Some("/certs/"));
    assert_eq!(sim.raw_get("/certs/", &[]).await.text, INDEX);
    assert_eq!(sim.raw_get("/certs/renew/1", &[]).await.text, INDEX);
    assert_eq!(
        sim.raw_get("/certs/app-1a2b_bg.wasm", &[])
            .await
            .header("content-type"),
        Some("application/wasm")
    );
    assert_eq!(sim.raw_get("/", &[]).await.status, StatusCode::NOT_FOUND);
    let authorization = common::basic("helpdesk");
    let api = sim
        .get_authorized("/certs/KeyfactorAPI/Status/Endpoints", &authorization)
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.header("x-keyfactor-product-version"), Some("10.5.0.0"));
}

/// Signs in through the form and returns the session cookie pair.
async fn sign_in(sim: &TestSim, user: &str, rd: &str) -> (String, reqwest::Response) {
    let response = sim
        .client
        .post(sim.url("/oauth2/sign_in"))
        .form(&[("user", user), ("rd", rd)])
        .send()
        .await
        .expect("sign in");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let pair = set_cookie
        .split(';')
        .next()
        .expect("cookie pair")
        .to_owned();
    (pair, response)
}

#[tokio::test]
async fn sso_redirects_navigation_signs_in_and_authenticates_api_calls() {
    let (sim, _dist) = static_sim("sso", "/certs/", true).await;
    let anonymous = sim.raw_get("/certs/renew/1?tab=jobs", &[]).await;
    assert_eq!(anonymous.status, StatusCode::FOUND);
    assert_eq!(
        anonymous.header("location"),
        Some("/oauth2/sign_in?rd=%2Fcerts%2Frenew%2F1%3Ftab%3Djobs")
    );

    let page = sim.raw_get("/oauth2/sign_in?rd=%2Fcerts%2F", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_security_headers(&page);
    assert!(page.text.contains("KEYEXAMPLE\\alice") && page.text.contains("KEYEXAMPLE\\auditor"));
    // alice's permissions are on collection 3 only: her entry says how to open the portal.
    let alice_entry = page
        .text
        .lines()
        .find(|line| line.contains("KEYEXAMPLE\\alice"))
        .expect("alice listed");
    assert!(
        alice_entry.contains("open the portal with ?collection=3"),
        "{alice_entry}"
    );
    assert!(
        !page.text.contains("<script")
            && !page.text.contains("<style")
            && !page.text.contains("style=")
    );
    assert!(page.text.contains("action=\"/oauth2/sign_in\""));

    let (cookie, response) = sign_in(&sim, "alice", "/certs/renew/1").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/certs/renew/1");
    let set_cookie = response.headers()["set-cookie"].to_str().expect("ascii");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));

    let session = [("cookie", cookie.as_str())];
    let app = sim.raw_get("/certs/renew/1", &session).await;
    assert_eq!(app.text, INDEX);
    let api_headers = [session[0], ("x-keyfactor-requested-with", "XMLHttpRequest")];
    let own = sim
        .raw_get(
            "/certs/KeyfactorAPI/Certificates/1?collectionId=3",
            &api_headers,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let others = sim
        .raw_get(
            "/certs/KeyfactorAPI/Certificates/12?collectionId=3",
            &api_headers,
        )
        .await;
    assert_eq!(
        others.status,
        StatusCode::FORBIDDEN,
        "the session is alice's"
    );
    let userinfo = sim.raw_get("/oauth2/userinfo", &session).await;
    assert_eq!(userinfo.json()["user"], "KEYEXAMPLE\\alice");

    let no_session = sim
        .raw_get(
            "/certs/KeyfactorAPI/Certificates/1",
            &[("x-keyfactor-requested-with", "XMLHttpRequest")],
        )
        .await;
    assert_eq!(no_session.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_session.json()["Message"], "Unauthorized");

    assert_eq!(
        sim.admin(Method::POST, "/session/expire", None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let expired = sim
        .raw_get(
            "/certs/KeyfactorAPI/Certificates/1?collectionId=3",
            &api_headers,
        )
        .await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    let userinfo = sim.raw_get("/oauth2/userinfo", &session).await;
    assert_eq!(userinfo.status, StatusCode::UNAUTHORIZED);
    let navigation = sim.raw_get("/certs/", &session).await;
    assert_eq!(navigation.status, StatusCode::FOUND);
}

#[tokio::test]
async fn sign_in_refuses_to_return_off_site_and_sign_out_clears_the_session() {
    let (sim, _dist) = static_sim("sso-rd", "/", true).await;
    let (cookie, response) = sign_in(&sim, "helpdesk", "//evil.example/x").await;
    let session = [("cookie", cookie.as_str())];
    assert_eq!(response.headers()["location"], "/");
    let signed_out = sim.raw_get("/oauth2/sign_out", &session).await;
    assert_eq!(signed_out.status, StatusCode::FOUND);
    assert!(signed_out
        .header("set-cookie")
        .unwrap_or("")
        .contains("Max-Age=0"));
    let after = sim.raw_get("/oauth2/userinfo", &session).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn oauth2_proxy_endpoints_answer_nginx_auth_request_and_start_sign_in() {
    let (sim, _dist) = static_sim("sso-auth", "/certs/", true).await;
    let anonymous = sim.raw_get("/oauth2/auth", &[]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let start = sim.raw_get("/oauth2/start?rd=%2Fcerts%2Fjobs", &[]).await;
    assert_eq!(start.status, StatusCode::FOUND);
    assert_eq!(
        start.header("location"),
        Some("/oauth2/sign_in?rd=%2Fcerts%2Fjobs")
    );

    let (cookie, _) = sign_in(&sim, "helpdesk", "/certs/").await;
    let session = [("cookie", cookie.as_str())];
    let allowed = sim.raw_get("/oauth2/auth", &session).await;
    assert_eq!(allowed.status, StatusCode::ACCEPTED);
    assert_eq!(
        allowed.header("x-auth-request-user"),
        Some("KEYEXAMPLE\\helpdesk")
    );
    // nginx forwards the access token as a bearer token instead of the cookie (deploy/: oauth2-proxy with
    // pass_access_token and set_xauthrequest).
    let bearer = format!(
        "Bearer {}",
        allowed
            .header("x-auth-request-access-token")
            .expect("an access token")
    );
    let api = sim
        .get_authorized("/certs/KeyfactorAPI/Certificates/1", &bearer)
        .await;
    assert_eq!(api.status, StatusCode::OK);

    sim.admin(Method::POST, "/session/expire", None).await;
    let expired = sim.raw_get("/oauth2/auth", &session).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
}
