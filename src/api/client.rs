//! The one HTTP client of the app. Every request to Keyfactor Command goes through [`HttpClient::send`],
//! the single chokepoint that adds the Keyfactor headers, authentication, the timeout, `redirect: manual`, and
//! cancellation when the component that asked goes away; every failure leaves it as one [`ApiError`].

use std::sync::Arc;

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use serde_json::Value;
use web_sys::{
    AbortController, AbortSignal, RequestCache, RequestCredentials, RequestRedirect, ResponseType,
};

use super::error::{decode_json, expect_no_content, ApiError, HttpAnswer};
use super::transport::{self, Expect, Keyfactor, Request, Transport};
use crate::config::{AuthMode, CommandVersionSetting, RuntimeConfig};
use crate::domain::collection::CollectionId;
use crate::domain::command_version::CommandVersion;
use crate::domain::credentials::BasicCredentials;

/// Keyfactor's own liveness and version probe.
const STATUS_PATH: &str = "Status/Endpoints";
const PRODUCT_VERSION_HEADER: &str = "x-keyfactor-product-version";

/// Whether the user can currently talk to Keyfactor; the layout shows one global banner when not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    Active,
    /// The SSO session ran out (401 or a redirect to the sign-in page): the user must sign in again.
    Expired,
}

/// Where a `basic`-mode session stands (proxy mode is always `SignedIn`: the proxy owns the session).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasicSession {
    /// Not signed in yet in this tab.
    New,
    SignedIn,
    /// Keyfactor answered 401 to the credentials it had accepted (password changed, account locked): they
    /// are forgotten and nothing more is sent with them; the page stays as it was under the sign-in form.
    Rejected,
    /// Signed out by the user, after inactivity (`idle`), or by leaving the page: credentials and every
    /// shown secret are wiped and the pages start afresh.
    SignedOut {
        idle: bool,
    },
}

impl BasicSession {
    /// Whether the user's pages are open (shown, or kept under the sign-in form after a 401), so signing
    /// out has something to end.
    pub fn has_pages(self) -> bool {
        matches!(self, Self::SignedIn | Self::Rejected)
    }
}

/// Cheap to clone: configuration is shared, state lives in signals owned by the app root.
#[derive(Clone)]
pub struct HttpClient {
    api_base: Arc<str>,
    api_version: Arc<str>,
    timeout_ms: u32,
    auth: AuthMode,
    fixed_version: Option<CommandVersion>,
    /// Basic-auth credentials, in memory only (never storage, never the URL).
    credentials: RwSignal<Option<BasicCredentials>>,
    basic_session: RwSignal<BasicSession>,
    detected_version: RwSignal<Option<CommandVersion>>,
    session: RwSignal<SessionState>,
    /// Sent as `collectionId` where the spec takes it; see `crate::domain::collection`.
    collection: RwSignal<Option<CollectionId>>,
}

/// What `send` read off the wire, before interpretation.
struct RawAnswer {
    status: u16,
    content_type: Option<String>,
    product_version: Option<String>,
    body: String,
    opaque_redirect: bool,
}

impl RawAnswer {
    fn as_http(&self) -> HttpAnswer<'_> {
        HttpAnswer {
            status: self.status,
            content_type: self.content_type.as_deref(),
            body: &self.body,
            redirected_opaque: self.opaque_redirect,
        }
    }
}

impl HttpClient {
    fn new(config: &RuntimeConfig) -> Self {
        let fixed_version = match config.command_version {
            CommandVersionSetting::Auto => None,
            CommandVersionSetting::Fixed(version) => Some(version),
        };
        Self {
            api_base: config.api_base.as_str().into(),
            api_version: config.api_version.as_str().into(),
            timeout_ms: config.request_timeout_ms,
            auth: config.auth,
            fixed_version,
            credentials: RwSignal::new(None),
            basic_session: RwSignal::new(match config.auth {
                AuthMode::Proxy => BasicSession::SignedIn,
                AuthMode::Basic => BasicSession::New,
            }),
            detected_version: RwSignal::new(None),
            session: RwSignal::new(SessionState::Active),
            collection: RwSignal::new(config.collection),
        }
    }

    /// The certificate collection requests are made in (config.json's, or the opened link's).
    pub fn collection(&self) -> ReadSignal<Option<CollectionId>> {
        self.collection.read_only()
    }

    pub fn set_collection(&self, collection: Option<CollectionId>) {
        self.collection.set(collection);
    }

    pub fn auth_mode(&self) -> AuthMode {
        self.auth
    }

    pub fn session(&self) -> ReadSignal<SessionState> {
        self.session.read_only()
    }

    pub fn basic_session(&self) -> ReadSignal<BasicSession> {
        self.basic_session.read_only()
    }

    /// Checks the credentials with a cheap authenticated request and keeps them only if Keyfactor accepts them.
    pub async fn sign_in(&self, credentials: BasicCredentials) -> Result<(), ApiError> {
        let version = self.probe_version(Some(&credentials)).await?;
        self.detected_version.set(Some(version));
        self.credentials.set(Some(credentials));
        self.basic_session.set(BasicSession::SignedIn);
        self.session.set(SessionState::Active);
        Ok(())
    }

    /// Forgets the basic-mode credentials (dropping them wipes the password's memory); `idle` says it
    /// was the inactivity limit. The caller wipes the secrets views hold.
    pub fn sign_out(&self, idle: bool) {
        if self.auth == AuthMode::Basic {
            self.credentials.set(None);
            self.basic_session.set(BasicSession::SignedOut { idle });
        }
    }

    /// The Command version whose rules apply: fixed by config, or read once from `GET /Status/Endpoints`.
    pub async fn command_version(&self) -> Result<CommandVersion, ApiError> {
        if let Some(version) = self
            .fixed_version
            .or_else(|| self.detected_version.get_untracked())
        {
            return Ok(version);
        }
        let credentials = self.credentials.get_untracked();
        let version = self.probe_version(credentials.as_ref()).await?;
        self.detected_version.set(Some(version));
        Ok(version)
    }

    /// `GET /Status/Endpoints`: Keyfactor's own liveness and version probe.
    async fn probe_version(
        &self,
        credentials: Option<&BasicCredentials>,
    ) -> Result<CommandVersion, ApiError> {
        let answer = self
            .send(credentials, Request::get(STATUS_PATH, &[]))
            .await?;
        self.interpret(decode_json::<serde_json::Value>(
            &answer.as_http(),
            self.auth,
        ))?;
        Ok(self
            .fixed_version
            .unwrap_or_else(|| CommandVersion::from_header(answer.product_version.as_deref())))
    }

    /// Every answer tells whether the session is alive: one global state instead of per-form guesses. In
    /// basic mode a 401 to accepted credentials forgets them at once, so nothing else is sent with them
    /// (repeated rejected sign-ins can lock the account).
    fn interpret<T>(&self, result: Result<T, ApiError>) -> Result<T, ApiError> {
        if matches!(result, Err(ApiError::BadCredentials))
            && self.basic_session.get_untracked() == BasicSession::SignedIn
        {
            self.credentials.set(None);
            self.basic_session.set(BasicSession::Rejected);
            return result;
        }
        let state = match &result {
            Err(error) if error.means_signed_out(self.auth) => SessionState::Expired,
            Ok(_) => SessionState::Active,
            Err(_) => return result,
        };
        if self.session.get_untracked() != state {
            self.session.set(state);
        }
        result
    }

    /// After the user signed in again in another tab: one cheap authenticated request clears the expired
    /// state (through `interpret`) or confirms it.
    pub async fn recheck_session(&self) -> Result<(), ApiError> {
        self.exchange(Request::get(STATUS_PATH, &[]), Expect::Json)
            .await
            .map(drop)
    }

    /// `send` with the signed-in user's credentials (none in proxy mode: the proxy's cookie identifies them).
    async fn send_as_user(&self, request: Request<'_>) -> Result<RawAnswer, ApiError> {
        let credentials = self.credentials.get_untracked();
        if self.auth == AuthMode::Basic && credentials.is_none() {
            // Signed out or rejected: nothing is sent until the user signs in again.
            return Err(ApiError::BadCredentials);
        }
        self.send(credentials.as_ref(), request).await
    }

    /// The chokepoint: every request leaves the app here.
    async fn send(
        &self,
        credentials: Option<&BasicCredentials>,
        request: Request<'_>,
    ) -> Result<RawAnswer, ApiError> {
        let Request {
            method,
            path,
            query,
            headers,
            body,
        } = request;
        let url = format!("{}{}", self.api_base, path);
        let mut builder = RequestBuilder::new(&url)
            .method(match method {
                transport::Method::Get => Method::GET,
                transport::Method::Post => Method::POST,
            })
            .header("Accept", "application/json")
            // Lets SSO proxies (oauth2-proxy, mod_auth_openidc) answer 401 instead of redirecting to the IdP.
            .header("X-Requested-With", "XMLHttpRequest")
            .header("x-keyfactor-requested-with", "APIClient")
            .header("x-keyfactor-api-version", &self.api_version)
            .credentials(match self.auth {
                // The proxy's session cookie is the user's identity.
                AuthMode::Proxy => RequestCredentials::SameOrigin,
                // No ambient cookies or cached HTTP auth, and no native browser login dialog on a 401 with
                // `WWW-Authenticate: Basic` (Chromium only prompts when credentials are included).
                AuthMode::Basic => RequestCredentials::Omit,
            })
            // A redirect to a sign-in page becomes observable (opaqueredirect) instead of silently followed.
            .redirect(RequestRedirect::Manual)
            // Answers may carry secrets (generated PFX passwords): never keep them in the HTTP cache.
            .cache(RequestCache::NoStore);
        if let Some(credentials) = credentials.filter(|_| self.auth == AuthMode::Basic) {
            builder = builder.header("Authorization", &credentials.authorization_header());
        }
        if !query.is_empty() {
            builder = builder.query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }

        let cancel = AbortController::new().map_err(|_| ApiError::Network {
            detail: "the browser cannot cancel requests".into(),
        })?;
        let signal = AbortSignal::any(&js_sys::Array::of2(
            &cancel.signal(),
            &AbortSignal::timeout_with_u32(self.timeout_ms),
        ));
        builder = builder.abort_signal(Some(&signal));
        if Owner::current().is_some() {
            // The component (or resource run) that asked went away: stop the request instead of letting it finish unseen.
            let cancel = SendWrapper::new(cancel);
            on_cleanup(move || cancel.abort());
        }

        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let request = match body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|e| ApiError::Network {
            detail: e.to_string(),
        })?;

        let response = request.send().await.map_err(|e| self.classify_failure(e))?;
        let opaque_redirect = response.type_() == ResponseType::Opaqueredirect;
        let headers = response.headers();
        let content_type = headers.get("content-type");
        let product_version = headers.get(PRODUCT_VERSION_HEADER);
        let status = response.status();
        // A connection dropped mid-body surfaces here.
        let body = if opaque_redirect {
            String::new()
        } else {
            response
                .text()
                .await
                .map_err(|e| self.classify_failure(e))?
        };
        Ok(RawAnswer {
            status,
            content_type,
            product_version,
            body,
            opaque_redirect,
        })
    }

    fn classify_failure(&self, error: gloo_net::Error) -> ApiError {
        match error {
            gloo_net::Error::JsError(js) if js.name == "TimeoutError" => ApiError::Timeout {
                after_ms: self.timeout_ms,
            },
            gloo_net::Error::JsError(js) if js.name == "AbortError" => ApiError::Cancelled,
            other => ApiError::Network {
                detail: other.to_string(),
            },
        }
    }
}

/// Keyfactor's endpoints over the browser's fetch: what pages and hooks hold in their context.
pub type KeyfactorClient = Keyfactor<HttpClient>;

impl KeyfactorClient {
    pub fn new(config: &RuntimeConfig) -> Self {
        Keyfactor(HttpClient::new(config))
    }
}

impl Transport for HttpClient {
    async fn exchange(&self, request: Request<'_>, expect: Expect) -> Result<Value, ApiError> {
        let answer = self.send_as_user(request).await?;
        let http = answer.as_http();
        self.interpret(match expect {
            Expect::Json => decode_json(&http, self.auth),
            Expect::NoContent => expect_no_content(&http, self.auth).map(|()| Value::Null),
        })
    }

    async fn command_version(&self) -> Result<CommandVersion, ApiError> {
        HttpClient::command_version(self).await
    }

    fn collection_id(&self) -> Option<CollectionId> {
        self.collection.get_untracked()
    }
}
