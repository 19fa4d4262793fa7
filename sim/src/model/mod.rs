//! The simulator's own domain model: what Command stores, not how the API renders it.
//! Rendering into the exact JSON field names lives next to each endpoint.

/// Orchestrator jobs: scheduling, progress, and what they change.
pub mod jobs;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use p256::ecdsa::SigningKey;
use rand::Rng;
use sha1::{Digest, Sha1};

use crate::ids;
use crate::pki::{self, CaCredentials, LeafProfile};
use crate::ApiFlavor;
use jobs::Job;

pub type Timestamp = DateTime<Utc>;

/// ISO 8601 in UTC with whole seconds, as Command prints dates.
pub fn iso(timestamp: Timestamp) -> String {
    timestamp.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The single Active Directory domain every demo account and requester belongs to.
pub const DOMAIN: &str = "KEYEXAMPLE";

/// `host\logical`, the form Renew's `CertificateAuthority` expects (one backslash in the value).
pub fn qualified_ca_name(host: &str, logical: &str) -> String {
    format!("{host}\\{logical}")
}

#[derive(Clone, Debug)]
pub struct CertificateAuthority {
    pub id: i32,
    pub host_name: &'static str,
    pub logical_name: &'static str,
    /// As `GET /Certificates` prints it: no spaces after the commas.
    pub issuer_dn: &'static str,
    pub standalone: bool,
    /// Key retention configured: archived keys make one-click renewal possible.
    pub key_retention: bool,
    /// Bitmask: 1 PFX, 2 CSR.
    pub allowed_enrollment_types: i32,
    /// Its key and self-signed certificate (subject = `issuer_dn`).
    pub credentials: CaCredentials,
}

impl CertificateAuthority {
    pub fn qualified_name(&self) -> String {
        qualified_ca_name(self.host_name, self.logical_name)
    }

    /// A CA reached through a gateway has a URL for a host name (docs/observed/README.md, divergence 13).
    pub fn is_gateway(&self) -> bool {
        self.host_name.contains("://")
    }

    /// Enrollment responses print the issuer with spaces after the commas (notes §4), unlike GETs.
    pub fn issuer_dn_spaced(&self) -> String {
        self.issuer_dn.replace(',', ", ")
    }
}

/// What the CA does with a request for a template, so Renew can show every disposition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssuancePolicy {
    Issue,
    RequireApproval,
    Deny,
}

#[derive(Clone, Debug)]
pub struct Template {
    pub id: i32,
    /// The short name (`CommonName`), the only spelling Renew's `Template` accepts.
    pub short_name: &'static str,
    pub display_name: &'static str,
    pub oid: &'static str,
    pub key_size: i32,
    pub key_type: &'static str,
    pub validity_days: i64,
    pub key_archival: bool,
    /// Bitmask: 1 PFX, 2 CSR.
    pub allowed_enrollment_types: i32,
    pub policy: IssuancePolicy,
    /// Deleted from AD: still referenced by old certificates, absent from every listing.
    pub retired: bool,
    /// The security roles that may enroll with it (`AllowedRequesters`); empty: anyone who may enroll.
    pub allowed_requesters: &'static [&'static str],
    pub ca_ids: &'static [i32],
    pub extended_key_usages: &'static [(&'static str, &'static str)],
    /// The v25 enrollment pattern wrapping this template (deliberately not equal to `id`).
    pub pattern_id: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa(i32),
    EcdsaP256,
}

impl KeyAlgorithm {
    pub fn size_in_bits(self) -> i32 {
        match self {
            KeyAlgorithm::Rsa(bits) => bits,
            KeyAlgorithm::EcdsaP256 => 256,
        }
    }

    /// `KeyType` enum of `CertificateRetrievalResponse` (1 RSA, 3 ECC).
    pub fn key_type_code(self) -> i32 {
        match self {
            KeyAlgorithm::Rsa(_) => 1,
            KeyAlgorithm::EcdsaP256 => 3,
        }
    }

    pub fn key_type_name(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa(_) => "RSA",
            KeyAlgorithm::EcdsaP256 => "ECC",
        }
    }

    /// The public key algorithm's OID, as recorded 25.x servers print `KeyAlgorithm`.
    pub fn algorithm_oid(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa(_) => "1.2.840.113549.1.1.1",
            KeyAlgorithm::EcdsaP256 => "1.2.840.10045.2.1",
        }
    }

    pub fn signing_algorithm(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa(_) => "sha256RSA",
            KeyAlgorithm::EcdsaP256 => "sha256ECDSA",
        }
    }

    pub fn curve(self) -> Option<&'static str> {
        match self {
            KeyAlgorithm::Rsa(_) => None,
            KeyAlgorithm::EcdsaP256 => Some("1.2.840.10045.3.1.7"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Revocation {
    pub date: Timestamp,
    /// `RevocationReason` code (1 key compromise, 4 superseded, 5 cessation of operation).
    pub reason: i32,
    pub comment: String,
}

/// One row of `GET /Certificates/{id}/History` (`Models.PKI.CertificateOperation`).
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub id: i64,
    pub certificate_id: i32,
    pub at: Timestamp,
    /// `DOMAIN\user`, or the orchestrator's machine for what a job did.
    pub username: String,
    pub action: &'static str,
    pub comment: String,
}

/// Where a certificate request waiting for approval stands (`CertificateRequestModel.State`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    Pending,
    Issued,
    Denied,
}

/// A request the CA took under submission (Renew of an approval template), kept for the
/// `/Workflow/Certificates/…` endpoints; approving it issues `spec` under this request id.
#[derive(Clone, Debug)]
pub struct CertificateRequest {
    /// `KeyfactorRequestId` (`Id` in the workflow models).
    pub id: i32,
    /// The CA's own request number (`CARequestId`).
    pub ca_request_id: i32,
    pub spec: CertificateSpec,
    pub submitted: Timestamp,
    /// Who asked (`DOMAIN\user`), which may differ from the certificate's requester.
    pub submitted_by: String,
    /// The certificate renewed, when the request came from `POST /Enrollment/Renew`.
    pub renews: Option<i32>,
    pub state: RequestState,
    /// The approver's or denier's comment.
    pub comment: Option<String>,
    /// The certificate issued on approval.
    pub certificate_id: Option<i32>,
}

/// A certificate installed in a store under an alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub store_id: String,
    pub alias: String,
}

#[derive(Clone, Debug)]
pub struct Certificate {
    pub id: i32,
    pub thumbprint: String,
    pub serial_number: String,
    pub common_name: String,
    pub subject_dn: String,
    pub dns_names: Vec<String>,
    pub ca_id: i32,
    pub template_id: i32,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    pub import_date: Timestamp,
    /// `DOMAIN\user`.
    pub requester: String,
    pub revocation: Option<Revocation>,
    pub key: KeyAlgorithm,
    pub archived_key: bool,
    pub has_private_key: bool,
    pub request_id: i32,
    pub locations: Vec<Location>,
    pub metadata: BTreeMap<String, String>,
    /// The DER X.509 certificate, signed by its CA; the thumbprint is its SHA-1.
    pub content: Vec<u8>,
    /// The certificate's own key: what Recover puts in a PFX when Command holds it.
    pub private_key: SigningKey,
}

impl Certificate {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.not_after < now
    }
}

#[derive(Clone, Debug)]
pub struct Agent {
    pub id: String,
    pub client_machine: String,
    /// `AgentPlatform` enum value.
    pub platform: i32,
    pub version: &'static str,
    pub capabilities: Vec<String>,
    /// Short names of the store types it serves (what `capabilities` spells per job).
    pub store_types: Vec<&'static str>,
    /// Set for the orchestrator that stopped checking in: jobs requested after this never start.
    pub offline_since: Option<Timestamp>,
}

/// `CertStoreEntryParameterType` / store-type property type: 0 String, 1 Bool, 2 MultipleChoice, 3 Secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterType {
    String = 0,
    Bool = 1,
    MultipleChoice = 2,
    Secret = 3,
}

#[derive(Clone, Debug)]
pub struct EntryParameter {
    pub id: i32,
    pub name: &'static str,
    pub display_name: &'static str,
    pub kind: ParameterType,
    pub required_with_private_key: bool,
    pub required_on_add: bool,
    pub required_on_remove: bool,
    pub required_on_reenrollment: bool,
    pub depends_on: Option<&'static str>,
    pub default_value: Option<&'static str>,
    /// Comma-separated choices for `MultipleChoice`.
    pub options: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct StoreProperty {
    pub id: i32,
    pub name: &'static str,
    pub display_name: &'static str,
    pub kind: ParameterType,
    pub required: bool,
    pub default_value: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct SupportedOperations {
    pub add: bool,
    pub create: bool,
    pub discovery: bool,
    pub enrollment: bool,
    pub remove: bool,
}

#[derive(Clone, Debug)]
pub struct StoreType {
    pub id: i32,
    pub name: &'static str,
    pub short_name: &'static str,
    pub capability: &'static str,
    pub operations: SupportedOperations,
    pub properties: Vec<StoreProperty>,
    pub entry_parameters: Vec<EntryParameter>,
    pub job_properties: &'static [&'static str],
    pub local_store: bool,
    pub server_required: bool,
    /// `PrivateKeyAllowed` (0 forbidden, 1 optional, 2 required).
    pub private_key_allowed: i32,
    /// `CustomAliasAllowed` (0 forbidden, 1 optional, 2 required).
    pub custom_alias_allowed: i32,
    pub store_path_type: &'static str,
    pub job_type_ids: [String; 4],
}

#[derive(Clone, Debug)]
pub struct Store {
    pub id: String,
    pub client_machine: String,
    pub path: String,
    pub type_id: i32,
    pub agent_id: Option<String>,
    pub container: Option<(i32, &'static str)>,
    /// Rendered as the JSON-encoded string `Properties`; secrets as a secret object.
    pub properties: Vec<(&'static str, serde_json::Value)>,
    pub inventory_job_id: Option<String>,
}

/// What is chosen when a certificate is issued; ids, serial, thumbprint and encoding are minted.
#[derive(Clone, Debug)]
pub struct CertificateSpec {
    pub common_name: String,
    pub subject_dn: String,
    pub dns_names: Vec<String>,
    pub ca_id: i32,
    pub template_id: i32,
    pub requester: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    pub key: KeyAlgorithm,
    pub archived_key: bool,
    pub has_private_key: bool,
    pub metadata: BTreeMap<String, String>,
    pub locations: Vec<Location>,
}

/// The subject Command's own enrollments use for demo hosts.
pub fn subject_for(common_name: &str) -> String {
    format!("CN={common_name},OU=IT,O=Key Example Inc,L=Independence,ST=OH,C=US")
}

/// Everything the simulated Command knows; rebuilt from the seed on reset.
#[derive(Clone, Debug)]
pub struct World {
    /// Midnight UTC of the day the world was generated: seeded dates are relative to it.
    pub anchor: Timestamp,
    pub authorities: Vec<CertificateAuthority>,
    pub templates: Vec<Template>,
    pub certificates: Vec<Certificate>,
    pub agents: Vec<Agent>,
    pub store_types: Vec<StoreType>,
    pub stores: Vec<Store>,
    pub jobs: Vec<Job>,
    pub next_certificate_id: i32,
    pub next_request_id: i32,
    pub next_job_history_id: i64,
    /// Certificate history rows, oldest first.
    pub history: Vec<HistoryEntry>,
    pub next_history_id: i64,
    /// Certificate requests taken under submission (pending, then issued or denied).
    pub requests: Vec<CertificateRequest>,
}

impl World {
    /// Mints a certificate (new id, request id, key, serial, DER signed by its CA, thumbprint = SHA-1 of the DER).
    pub fn add_certificate(&mut self, rng: &mut impl Rng, spec: CertificateSpec) -> i32 {
        let request_id = self.next_request_id;
        self.next_request_id += 1;
        self.issue(rng, spec, request_id)
    }

    /// Mints a certificate for an existing request id (an approved pending request).
    pub fn issue(&mut self, rng: &mut impl Rng, spec: CertificateSpec, request_id: i32) -> i32 {
        let id = self.next_certificate_id;
        self.next_certificate_id += 1;
        let issued_at = spec.not_before;
        let requester = spec.requester.clone();
        // The key's material is the 280 draws the stand-in encoding used to take, which keeps every
        // later draw (and so the rest of the seeded world) as it was.
        let material: Vec<u8> = (0..280).map(|_| rng.random::<u8>()).collect();
        let private_key = pki::key_from(&material);
        let serial_number = ids::serial_number(rng);
        let extended_key_usages = self
            .template(spec.template_id)
            .map(|t| t.extended_key_usages.iter().map(|(oid, _)| *oid).collect())
            .unwrap_or_default();
        let content = self
            .authority(spec.ca_id)
            .map(|ca| {
                let profile = LeafProfile {
                    subject_dn: &spec.subject_dn,
                    common_name: &spec.common_name,
                    dns_names: &spec.dns_names,
                    serial_number: &serial_number,
                    not_before: spec.not_before,
                    not_after: spec.not_after,
                    extended_key_usages,
                };
                pki::leaf(&profile, &private_key, &ca.credentials)
            })
            .unwrap_or_default();
        let thumbprint = ids::hex_upper(&Sha1::digest(&content));
        self.certificates.push(Certificate {
            id,
            thumbprint,
            serial_number,
            common_name: spec.common_name,
            subject_dn: spec.subject_dn,
            dns_names: spec.dns_names,
            ca_id: spec.ca_id,
            template_id: spec.template_id,
            not_before: spec.not_before,
            not_after: spec.not_after,
            import_date: spec.not_before + Duration::minutes(2),
            requester: spec.requester,
            revocation: None,
            key: spec.key,
            archived_key: spec.archived_key,
            has_private_key: spec.has_private_key,
            request_id,
            locations: spec.locations,
            metadata: spec.metadata,
            content,
            private_key,
        });
        self.record(
            id,
            issued_at,
            requester,
            "Issued",
            format!("Request {request_id}"),
        );
        id
    }

    /// Adds a row to a certificate's history.
    pub fn record(
        &mut self,
        certificate_id: i32,
        at: Timestamp,
        username: String,
        action: &'static str,
        comment: String,
    ) {
        let id = self.next_history_id;
        self.next_history_id += 1;
        self.history.push(HistoryEntry {
            id,
            certificate_id,
            at,
            username,
            action,
            comment,
        });
    }

    pub fn certificate(&self, id: i32) -> Option<&Certificate> {
        self.certificates.iter().find(|c| c.id == id)
    }

    pub fn certificate_by_thumbprint(&self, thumbprint: &str) -> Option<&Certificate> {
        self.certificates
            .iter()
            .find(|c| c.thumbprint.eq_ignore_ascii_case(thumbprint.trim()))
    }

    pub fn certificate_by_request(&self, request_id: i32) -> Option<&Certificate> {
        self.certificates
            .iter()
            .find(|c| c.request_id == request_id)
    }

    pub fn authority(&self, id: i32) -> Option<&CertificateAuthority> {
        self.authorities.iter().find(|ca| ca.id == id)
    }

    /// Looks up `host\logical` case-insensitively, as Windows names compare.
    pub fn authority_by_qualified_name(&self, name: &str) -> Option<&CertificateAuthority> {
        self.authorities
            .iter()
            .find(|ca| ca.qualified_name().eq_ignore_ascii_case(name.trim()))
    }

    /// The CA a request names: `host\logical` (the host may be a URL), or on Command 25 also the
    /// logical name alone, which recorded 25.x enrollments used (docs/observed/README.md, divergence 13).
    pub fn authority_named(&self, name: &str, flavour: ApiFlavor) -> Option<&CertificateAuthority> {
        self.authority_by_qualified_name(name).or_else(|| {
            let name = name.trim();
            (flavour == ApiFlavor::V25 && !name.contains('\\'))
                .then(|| {
                    self.authorities
                        .iter()
                        .find(|ca| ca.logical_name.eq_ignore_ascii_case(name))
                })
                .flatten()
        })
    }

    pub fn template(&self, id: i32) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    /// Active templates only, by short name: a display name or a retired template is not found.
    pub fn template_by_short_name(&self, short_name: &str) -> Option<&Template> {
        self.templates
            .iter()
            .find(|t| !t.retired && t.short_name.eq_ignore_ascii_case(short_name.trim()))
    }

    pub fn template_by_pattern(&self, pattern_id: i32) -> Option<&Template> {
        self.templates
            .iter()
            .find(|t| !t.retired && t.pattern_id == pattern_id)
    }

    pub fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id.eq_ignore_ascii_case(id))
    }

    pub fn store(&self, id: &str) -> Option<&Store> {
        self.stores.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }

    pub fn store_type(&self, id: i32) -> Option<&StoreType> {
        self.store_types.iter().find(|t| t.id == id)
    }
}
