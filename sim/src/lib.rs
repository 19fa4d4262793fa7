//! `kf-sim`: a local Keyfactor Command API simulator, built from Keyfactor's own OpenAPI specs
//! (v10 Java-SDK spec, v25 excerpt) as an independent oracle for the portal's tests and demo.
//! It never uses the portal's types.
//!
//! # Seeded accounts (`DEMO_USERS`) and what they may do (`permissions.rs`)
//! As in Command, security roles hold permissions either globally or per certificate collection (a saved
//! certificate search); users hold roles. The operations whose spec takes `collectionId`
//! (`GET /Certificates`, `GET /Certificates/{id}`, `GET /Enrollment/AvailableRenewal/Id|Thumbprint/…`,
//! `POST /Enrollment/Renew`, `POST /Certificates/Download`, `POST /Certificates/Recover`,
//! `GET /Certificates/{id}/History`, and `POST /Certificates/Revoke` with `CollectionId` in its body)
//! count only global permissions without it; with it, global ones and those on
//! that collection, and they reach only its certificates (a search is cut down to them, another
//! certificate → 403, for every caller); unknown collection → 404, not an integer → 400.
//!
//! | Basic user (`Authorization: Basic base64("KEYEXAMPLE\\user:password")`) | password | roles | may |
//! |---|---|---|---|
//! | `KEYEXAMPLE\alice` | `alice-demo` | Application Owners: Certificates - Read, Enroll PFX, Store Schedule, Certificates - Recover Private Key and Certificates - Revoke on collection 3 only | within collection 3 only (`collectionId=3`: open the portal with `?collection=3` or set `collection_id: 3` in config.json): read, renew and Replace (in the stores that hold them; Replace takes no `collectionId`, the certificate must be in collection 3) her certificates, download them, recover their PFX (where Command holds the key), revoke them (`CollectionId: 3` in the Revoke body), read their history; bob's 12 → 403; without `collectionId` the operations that take it → 403; no Deploy/Reenrollment; sees only her own certificate requests (`/Workflow/Certificates/Pending`, `/Denied`), may not approve or deny (403) |
//! | `KEYEXAMPLE\helpdesk` | `helpdesk-demo` | PKI Help Desk: everything, globally (also Recover, Revoke, Certificate Enrollment - Approve Requests) | everything, with or without a collection; sees every certificate request, approves and denies them |
//! | `KEYEXAMPLE\auditor` | `auditor-demo` | Auditors: Certificates - Read, globally | read everything, download any certificate and chain, read any history and every certificate request; every other POST (Recover, Revoke, Approve, Deny, Renew, …) → 403 |
//!
//! Collections: 1 "Web server certificates" (`TemplateShortName -eq "WebServer"`), 3 "Web applications
//! (alice)" (`RequesterName -eq "KEYEXAMPLE\alice"`: certificates 1–11, 13, 14 and alice's generated
//! ones). Templates, stores, agents, jobs and `GET /Enrollment/PFX/Context/My` take no `collectionId`:
//! reads of stores, agents and jobs are open to every account; the enrollment context lists templates
//! to whoever holds Enroll PFX anywhere, except those whose `AllowedRequesters` name another role.
//!
//! With `--sso` the same accounts sign in at `/oauth2/sign_in`; `--anonymous-user alice` makes
//! unauthenticated API calls run as that account.
//!
//! # Deterministic data (same for every seed's showcase; ids are fixed)
//! Certificates 1–14 (all requested by alice, so in collection 3, unless noted; days = until `NotAfter`):
//! | Id | CN | template | what it shows |
//! |---|---|---|---|
//! | 1 | web01.eu.keyexample.com | WebServer | one-click (v10 `2`, v25 `3`); 5 days; in PEM `/etc/ssl/certs/web01.pem` + IIS `iis01…\My` |
//! | 2 | api.eu.keyexample.com | WebServer2y on CorpIssuingCA2 | seeded PFX only (v10 `1`, v25 `5` = PFX+CSR); 20 days; JKS store |
//! | 3 | legacy-app.keyexample.com | LegacyWebServer (deleted template) | AvailableRenewal `0` |
//! | 4 | old-portal.keyexample.com | WebServer, **revoked** | AvailableRenewal `0`; hidden unless `IncludeRevoked` |
//! | 5 | signing.build.keyexample.com | CodeSigning | Renew → `PENDING` (requires approval): listed in `GET /Workflow/Certificates/Pending`, the help desk approves (certificate issued under the request id) or denies it; in the IIS store `iis03.us…\WebHosting`, so the approved certificate can replace it; no retained key (Recover → 400) |
//! | 6 | partner-portal.keyexample.com | RestrictedServer | Renew → `DENIED` (policy module) |
//! | 7 | app01.eu.keyexample.com | WebServer | in `/opt/app/readonly/tls.pem` → jobs **fail** (Result 4) |
//! | 8 | lb01.us.keyexample.com | WebServer | in `/etc/haproxy/legacy/haproxy.pem` → jobs **warn** (Result 3) |
//! | 9 | api01.us.keyexample.com | WebServer | in `/srv/flaky-nfs/api/tls.pem` → `CompletedWillRetry` (Status 5) once, then success |
//! | 10 | web05.ap.keyexample.com | WebServer | store on the **offline** agent `uo-lnx03.ap…` → jobs stay Waiting |
//! | 11 | intranet.keyexample.com | WebServer | **expired** 10 days ago; hidden unless `IncludeExpired` |
//! | 12 | web02.eu.keyexample.com | WebServer, requested by **bob** | outside collection 3: alice → 403 |
//! | 13 | shop.keyexample.com | WebServerECC on CloudIssuingCA-G2 | ECC, one-click, K8S secret store |
//! | 14 | build01.keyexample.com | WebServer | only store has **no agent** → Replace lists it in `FailedStores` |
//!
//! Then ~286 generated certificates (ids 15…) spread over expired / 7 / 30 / 90 days / later.
//! CAs: `ca01.keyexample.com\CorpIssuingCA1` (key retention), `ca02.keyexample.com\CorpIssuingCA2`,
//! `ca03.keyexample.com\LabStandaloneCA` (standalone), and the AnyGateway CA whose host name is a URL,
//! as on real servers (docs/observed/README.md, divergence 13):
//! `https://gw01.keyexample.com/AnyGatewayREST/keyexample\CloudIssuingCA-G2` (key retention). Renew and
//! Reenrollment take a CA as `host\logical`; the v25 flavour also takes the logical name alone.
//! Templates by short name (display names differ and have spaces): WebServer, WebServer2y,
//! ClientAuth, CodeSigning (approval), RestrictedServer (denies), UserSMIME, DomainControllerAuth
//! (`AllowedRequesters`: the PKI Help Desk role only), WebServerECC. v25 enrollment pattern id = template id + 1.
//! Store types: PEM (102, Enrollment), JKS (103, Enrollment, required secret `PrivateKeyPassword`),
//! IISU (104, no Enrollment), K8SSecret (105), F5-SL-REST (106); IISU, K8SSecret and F5-SL-REST stores
//! have Secret-typed store properties (`ServerUsername`/`ServerPassword`). Job phases last `job_phase`
//! each: Waiting → InProcess → Completed; `POST /__sim/jobs/advance {"ms":N}` moves the job clock.
//! Job types are named after the store type when recorded (`PEMReenrollment`, `IISUManagement`,
//! `JKSInventory`), bare (`Reenrollment`) in spec mode.
//! `POST /__sim/seed/hostile` turns every displayed string into a script/markup payload (see `hostile.rs`).
//!
//! # Getting certificates out, requests waiting for approval, revocation, history
//! | endpoint | needs | answers |
//! |---|---|---|
//! | `POST /Certificates/Download` | Certificates - Read (on the certificate, `collectionId`) | header `X-CertificateFormat` `PEM`, `DER` or `P7B` (any case; missing → 400 `0xA0110007`, other → 400 `0xA0110008` `The format 'X' is invalid.`); body `{CertID}` or `{Thumbprint}` or `{SerialNumber, IssuerDN}`, `IncludeChain` → `{"Content": base64}`: PEM text (leaf, then the issuing CA), DER (leaf only) or a PKCS#7 `certs-only` SignedData (leaf and CA with `IncludeChain`) |
//! | `POST /Certificates/Recover` | Read + Certificates - Recover Private Key | header `X-CertificateFormat` `PFX` or `PEM` (errors as Download); body as Download plus required `Password` → `{"PFX": base64, "FileName": "<CN>.pfx"}`: a PKCS#12 under that password (PBES2/AES-256-CBC, HMAC-SHA-256 MAC: OpenSSL 3 opens it without its legacy provider) holding the key and the certificate (+ CA with `IncludeChain`); with `PEM`, `<CN>.pem`: the PKCS#8 key encrypted under the password, then the certificates; no key held by Command (every certificate with `ArchivedKey` false, e.g. 2, 3, 5, 6) → 400 `0xA0110002` `No private key could be found for the given certificate.` |
//! | `POST /Certificates/Revoke` | Read + Certificates - Revoke (`CollectionId` in the body scopes it) | body `{CertificateIds, Reason (spec enum; -1 removes a hold), Comment, EffectiveDate}` → `{"RevokedIds": [...], "SuspendedCerts": []}`; all or nothing; already revoked → 400 |
//! | `GET /Certificates/{id}/History` | Read on the certificate (`collectionId`) | `[{Id, OperationStart, OperationEnd, Username, Comment, Action}]` newest first (`query.*` paging on v10): `Issued`, `Renewed`, `Approved`, `Added to Certificate Store` / `Removed from Certificate Store` (by a job, `Username` = its orchestrator), `Revoked`, `Removed from Hold` |
//! | `GET /Workflow/Certificates/Pending`, `/Denied` | Read anywhere; global readers see every request, others their own | `CertificateRequestModel` rows (`pagedQuery.*` on v10): `Id` = Renew's `KeyfactorRequestId`, `State` 1 Pending / 2 Issued / 3 Denied (the simulator's reading of the spec's bare enum) with `StateString` |
//! | `GET /Workflow/Certificates/{id}` | as the lists | `CertificateRequestDetailsModel`: plus `DenialComment`, `KeyLength`, `Curve`, `SANs`, `CertStores` (where the renewed certificate is) |
//! | `POST /Workflow/Certificates/Approve`, `/Deny` | Certificate Enrollment - Approve Requests (the simulator's name; help desk only) | Approve body `[ids]`, Deny body `{Comment (required), CertificateRequestIds}` → `{Failures, Denials, Successes}` of `ProcessedCertificateRequest`; a request not pending (or unknown) lands in `Failures`. Approving issues the certificate under the request's id (so `Replace` with `RequestId` works) |
//!
//! Renew of certificate 5 (CodeSigning) files a pending request. The v25 excerpt has none of these
//! paths; both flavours serve them as the v10 spec reads. Certificates are real X.509 (`pki.rs`): each
//! CA is a self-signed certificate with the subject `IssuerDN`, and every certificate (seeded,
//! renewed, approved, reenrolled) is signed by its CA with the model's subject, SANs, serial number and
//! dates; `Thumbprint` is the SHA-1 of its DER, `ContentBytes` the DER. Keys and signatures are ECDSA
//! P-256 (RFC 6979), derived from the seed, so every run gives the same bytes. Unlike Command, a
//! certificate whose `KeyType` says RSA holds a P-256 key and every certificate is signed
//! ecdsa-with-SHA256 whatever `SigningAlgorithm` says (RSA key generation would make start-up slow).
//!
//! # Wire shapes (`--wire recorded|spec`, [`WireShape`])
//! By default the answers have the shapes recorded from real Command 10.3 / 25.4.1 / 25.5.1 servers
//! (docs/observed/README.md): JobHistory `Status`/`Result` as names and zone-less times, store-type-
//! prefixed job types, JobHistory's `Agent` filter on the orchestrator and only the documented query
//! fields, `GET /Agents` `JobTypes` (v25), store-type enums by name without null members, secret store
//! properties as objects (by id) or GUIDs (list), `CertStateString` `"Active (1)"`, snake_case key
//! policies on enrollment patterns, `x-keyfactor-product-version: 25.4.1+<sha>` (v25), correlation-id
//! and `Api-Supported-Versions` headers, and `'` written `\u0027` in error bodies. `--wire spec` answers
//! exactly as Keyfactor's OpenAPI files read.

// `json!` for the full CertificateRetrievalResponse (~50 fields) nests deeper than the default 128.
#![recursion_limit = "256"]

// The modules in layers, lowest first: each uses only its own layer and the ones before it.
// Values and the model: ids, errors, the query language, request parameters and bodies.
mod body;
mod certificate_fields;
mod error;
mod ids;
mod listing;
mod model;
mod pki;
mod query;

// The server's state and what it rules by: accounts and permissions, seed data, sessions, faults,
// the request log.
mod auth;
mod hostile;
mod permissions;
mod seed;
mod state;

// What answers: the Keyfactor API areas, the SSO stand-in, the static files.
mod handlers;
mod security_headers;
mod sso;
mod static_files;

// The routers, the layers around them and the accept loop.
mod admin;
mod api;
mod faults;
mod request_log;
mod server;

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::Router;
use tokio::net::TcpListener;

pub use auth::{find_user, DemoUser, DEMO_USERS};
pub use permissions::{Collection, Permission, SecurityRole, COLLECTIONS, SECURITY_ROLES};
pub use security_headers::CONTENT_SECURITY_POLICY;

use state::Sim;

/// Which Command generation to imitate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApiFlavor {
    /// Command 10.x: `pq.`-prefixed list parameters, `Template` on Renew, enum AvailableRenewal.
    #[default]
    V10,
    /// Command 25.x: unprefixed parameters, `EnrollmentPatternId`, flag-set AvailableRenewal.
    V25,
}

/// Which body shapes to answer with: what real Command servers were recorded sending, or what
/// Keyfactor's OpenAPI files say (docs/observed/README.md, section 1, lists where the two differ).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WireShape {
    /// As recorded from Command 10.3 / 25.4.1 / 25.5.1: enum names in JobHistory and store types,
    /// store-type-prefixed job types, zone-less job times, secret objects in store properties, ….
    #[default]
    Recorded,
    /// Spec-literal: integer enums, bare job categories, every nullable member present.
    Spec,
}

impl WireShape {
    /// As `--wire` spells it (also reported by `/__sim/health`).
    pub fn as_str(self) -> &'static str {
        match self {
            WireShape::Recorded => "recorded",
            WireShape::Spec => "spec",
        }
    }
}

impl ApiFlavor {
    /// The `x-keyfactor-product-version` header value. Recorded v25 servers send SemVer with build
    /// metadata (docs/observed/README.md, divergence 16); the major stays first either way.
    pub fn product_version(self, wire: WireShape) -> &'static str {
        match (self, wire) {
            (ApiFlavor::V10, _) => "10.5.0.0",
            (ApiFlavor::V25, WireShape::Recorded) => {
                "25.4.1+dc0db2c8af1baf68b4c0043ec0f0f41a77aee11e"
            }
            (ApiFlavor::V25, WireShape::Spec) => "25.1.0.0",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub api: ApiFlavor,
    /// Recorded (default) or spec-literal answer shapes.
    pub wire: WireShape,
    /// The built SPA to serve at `public_path`.
    pub dist: Option<PathBuf>,
    /// Play the SSO proxy in front of the app and the API.
    pub sso: bool,
    /// Run unauthenticated API requests as this demo user (login or `KEYEXAMPLE\login`).
    pub anonymous_user: Option<String>,
    /// How long each job phase (waiting, running) lasts on the sim clock.
    pub job_phase: Duration,
    pub seed: u64,
    /// Where the SPA lives, with leading and trailing `/` (`/` or e.g. `/certs/`).
    pub public_path: String,
    /// One stderr line per request (the CLI turns it on).
    pub log_requests: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            api: ApiFlavor::V10,
            wire: WireShape::Recorded,
            dist: None,
            sso: false,
            anonymous_user: None,
            job_phase: Duration::from_millis(2000),
            seed: 42,
            public_path: "/".into(),
            log_requests: false,
        }
    }
}

impl SimConfig {
    /// Answer as the recordings show (the default) rather than as the spec reads.
    pub fn recorded(&self) -> bool {
        self.wire == WireShape::Recorded
    }

    /// The `x-keyfactor-product-version` this simulator sends.
    pub fn product_version(&self) -> &'static str {
        self.api.product_version(self.wire)
    }
}

/// `certs`, `/certs`, `certs/` → `/certs/`; empty → `/`.
pub fn normalize_public_path(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// The whole simulator as a router: API (also under the public path), `/__sim`, `/oauth2`, static files.
/// Prefer [`serve`]: under another server the `drop` fault cannot close the connection and
/// behaves like `timeout`.
pub fn app(mut config: SimConfig) -> Router {
    config.public_path = normalize_public_path(&config.public_path);
    let sim = Arc::new(Sim::new(config));
    let api = api::router(sim.clone());
    let mut router = Router::new()
        .nest("/KeyfactorAPI", api.clone())
        .nest("/__sim", admin::router(sim.clone()));
    let public_path = sim.config.public_path.clone();
    if public_path != "/" {
        // As a same-origin reverse proxy under the sub-path would expose it.
        router = router.nest(&format!("{public_path}KeyfactorAPI"), api);
    }
    if sim.config.sso {
        router = router.nest("/oauth2", sso::router(sim.clone()));
    }
    router
        .fallback_service(
            Router::new()
                .fallback(static_files::serve)
                .with_state(sim.clone()),
        )
        .layer(from_fn_with_state(sim.clone(), faults::middleware))
        .layer(from_fn_with_state(sim.clone(), request_log::middleware))
        .layer(from_fn_with_state(sim, request_log::stderr_log))
}

/// Serves [`app`] on `listener` (which must be bound to a loopback address) until `shutdown`.
pub async fn serve(
    config: SimConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    server::run(listener, app(config), shutdown).await
}
