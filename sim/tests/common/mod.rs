//! Starts a simulator in-process on 127.0.0.1:0 and talks to it over real HTTP.
#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::time::Duration;

use base64::Engine;
use kf_sim::{ApiFlavor, SimConfig, WireShape};
use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub struct TestSim {
    pub base: String,
    pub client: Client,
    /// The flavour it imitates, which decides how list parameters are spelt.
    pub api: ApiFlavor,
    _stop: oneshot::Sender<()>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    /// This reply, which must have `status`.
    pub fn expecting(self, status: StatusCode) -> Reply {
        assert_eq!(self.status, status, "{}", self.text);
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body's `Message` (a Keyfactor error's, AvailableRenewal's), empty if it has none.
    pub fn message(&self) -> String {
        self.json()["Message"].as_str().unwrap_or("").to_owned()
    }

    /// The `Id`s of a JSON array of objects.
    pub fn ids(&self) -> Vec<i64> {
        self.json()
            .as_array()
            .expect("array")
            .iter()
            .map(|item| item["Id"].as_i64().expect("Id"))
            .collect()
    }
}

/// Job phases in tests, long enough that a slow machine never sees a job move on by itself.
pub const JOB_PHASE_MS: u64 = 60_000;

pub fn config(api: ApiFlavor) -> SimConfig {
    SimConfig {
        api,
        job_phase: Duration::from_millis(JOB_PHASE_MS),
        ..SimConfig::default()
    }
}

/// A simulator answering spec-literally (`--wire spec`), for assertions on the OpenAPI shapes.
pub fn spec_config(api: ApiFlavor) -> SimConfig {
    SimConfig {
        wire: WireShape::Spec,
        ..config(api)
    }
}

pub fn basic(user: &str) -> String {
    let password = format!("{user}-demo");
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("KEYEXAMPLE\\{user}:{password}"));
    format!("Basic {encoded}")
}

impl TestSim {
    pub async fn start(config: SimConfig) -> TestSim {
        let api = config.api;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(kf_sim::serve(config, listener, async {
            let _ = stopped.await;
        }));
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        TestSim {
            base: format!("http://{address}"),
            client,
            api,
            _stop: stop,
        }
    }

    pub async fn v10() -> TestSim {
        Self::start(config(ApiFlavor::V10)).await
    }

    pub async fn v25() -> TestSim {
        Self::start(config(ApiFlavor::V25)).await
    }

    pub async fn v10_spec() -> TestSim {
        Self::start(spec_config(ApiFlavor::V10)).await
    }

    pub async fn v25_spec() -> TestSim {
        Self::start(spec_config(ApiFlavor::V25)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with only the given headers (no defaults).
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("response");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body"),
        }
    }

    /// A GET with only the given headers (no defaults).
    pub async fn raw_get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.raw(Method::GET, path, headers, None).await
    }

    /// A GET as an API client sends it (`x-keyfactor-requested-with`) with this `authorization`
    /// (other credentials than a demo user's, a bearer token), at any path.
    pub async fn get_authorized(&self, path: &str, authorization: &str) -> Reply {
        let headers = [
            ("authorization", authorization),
            ("x-keyfactor-requested-with", "APIClient"),
        ];
        self.raw_get(path, &headers).await
    }

    /// An API call as Command clients make it: requested-with + Basic auth of `user`.
    pub async fn api(&self, method: Method, user: &str, path: &str, body: Option<Value>) -> Reply {
        let authorization = basic(user);
        self.raw(
            method,
            &format!("/KeyfactorAPI{path}"),
            &[
                ("x-keyfactor-requested-with", "APIClient"),
                ("authorization", &authorization),
                ("accept", "application/json"),
            ],
            body,
        )
        .await
    }

    pub async fn get(&self, user: &str, path: &str) -> Reply {
        self.api(Method::GET, user, path, None).await
    }

    /// A GET of `path` with `pairs` as its query string.
    pub async fn get_query(&self, user: &str, path: &str, pairs: &[(&str, &str)]) -> Reply {
        self.get(user, &format!("{path}{}", query(pairs))).await
    }

    /// The certificate store at `path`, found by the help desk with `StorePath -eq` as the flavour
    /// spells the query (`certificateStoreQuery.queryString` on v10).
    pub async fn store_by_path(&self, path: &str) -> Value {
        let name = match self.api {
            ApiFlavor::V10 => "certificateStoreQuery.queryString",
            ApiFlavor::V25 => "QueryString",
        };
        let filter = format!("StorePath -eq \"{path}\"");
        let reply = self
            .get_query("helpdesk", "/CertificateStores", &[(name, &filter)])
            .await
            .expecting(StatusCode::OK);
        reply.json()[0].clone()
    }

    pub async fn post(&self, user: &str, path: &str, body: Value) -> Reply {
        self.api(Method::POST, user, path, Some(body)).await
    }

    /// A POST that must answer `status`.
    pub async fn post_expecting(
        &self,
        user: &str,
        path: &str,
        body: Value,
        status: StatusCode,
    ) -> Reply {
        self.post(user, path, body).await.expecting(status)
    }

    /// A GET that must answer `status`.
    pub async fn get_expecting(&self, user: &str, path: &str, status: StatusCode) -> Reply {
        self.get(user, path).await.expecting(status)
    }

    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.raw(method, &format!("/__sim{path}"), &[], body).await
    }

    pub async fn advance(&self, ms: u64) {
        let reply = self
            .admin(
                Method::POST,
                "/jobs/advance",
                Some(serde_json::json!({ "ms": ms })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
}

/// `?name=value&…` with values percent-encoded (spaces as %20, like keyfactor-go-client).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            let value: String = value
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{name}={value}")
        })
        .collect();
    format!("?{}", encoded.join("&"))
}

pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A Renew body for certificate `id`, stamped now.
pub fn renewal(id: i64) -> Value {
    json!({ "CertificateId": id, "Timestamp": now_iso() })
}

/// A Renew body for certificate `id`, stamped now, with the members of `extra` (CA, template, …).
pub fn renewal_with(id: i64, extra: Value) -> Value {
    let mut body = renewal(id);
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    body
}

/// The member of the JSON array `items` whose `key` is `value`.
pub fn find<'a>(items: &'a Value, key: &str, value: &str) -> &'a Value {
    items
        .as_array()
        .expect("array")
        .iter()
        .find(|item| item[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {items}"))
}

/// The bytes of a base64 JSON string.
pub fn decode(text: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text.as_str().expect("base64 string"))
        .expect("base64")
}

/// A POST with `X-CertificateFormat` (or none).
pub async fn post_format(
    sim: &TestSim,
    user: &str,
    path: &str,
    format: Option<&str>,
    body: Value,
) -> Reply {
    let authorization = basic(user);
    let mut headers = vec![
        ("x-keyfactor-requested-with", "APIClient"),
        ("authorization", authorization.as_str()),
    ];
    if let Some(format) = format {
        headers.push(("x-certificateformat", format));
    }
    sim.raw(
        Method::POST,
        &format!("/KeyfactorAPI{path}"),
        &headers,
        Some(body),
    )
    .await
}
