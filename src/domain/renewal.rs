//! The renewal flow's pure logic: which certificate the user means, which renewal Keyfactor will do,
//! the requests that follow from it, where the certificate is installed, what a disposition means, the
//! help-desk deep link and the redacted "copy as API call" text. No browser APIs; tested natively.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{CertificateAuthority, CertificateId, RequestTimestamp, TemplateShortName, Thumbprint};
use crate::domain::command_version::CommandVersion;
use crate::domain::models::{
    Agent, AvailableRenewal, Certificate, CertificateLocation, CertificateRef, CertificateStore,
    Disposition, EnrollmentManagementRequest, EnrollmentProfile,
    ExistingEnrollmentManagementRequest, ManagementStore, NewCertificateRef, RenewalRequest,
};
use crate::domain::query::{CompareOp, QueryExpr, TextOp};
use crate::domain::Guid;
use crate::domain::SecretString;

/// How the user identifies the certificate to renew.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LookupKind {
    #[default]
    Id,
    Thumbprint,
}

/// Parses what the user typed into the one reference Keyfactor gets: an id *or* a normalised thumbprint.
/// The error is the message shown next to the field.
pub fn parse_certificate_ref(kind: LookupKind, raw: &str) -> Result<CertificateRef, String> {
    match kind {
        LookupKind::Id => CertificateId::parse(raw)
            .map(|id| CertificateRef::Id(id.get()))
            .map_err(|e| e.to_string()),
        LookupKind::Thumbprint => Thumbprint::parse(raw)
            .map(|t| CertificateRef::Thumbprint(t.as_str().to_owned()))
            .map_err(|e| e.to_string()),
    }
}

/// The API path of `GET /Enrollment/AvailableRenewal/…` for a certificate.
pub fn available_renewal_path(certificate: &CertificateRef) -> String {
    match certificate {
        CertificateRef::Id(id) => format!("Enrollment/AvailableRenewal/Id/{id}"),
        CertificateRef::Thumbprint(thumbprint) => {
            format!("Enrollment/AvailableRenewal/Thumbprint/{thumbprint}")
        }
    }
}

/// The search condition that finds a certificate by its thumbprint (to learn its id and locations).
pub fn thumbprint_condition(thumbprint: &str) -> QueryExpr {
    QueryExpr::text("Thumbprint", TextOp::Equals, thumbprint)
}

/// How far Command's clock may lag the browser's when looking for a renewal sent earlier.
const RENEWAL_CLOCK_SKEW_MINUTES: i64 = 2;

/// The search for a certificate renewed from `original` by a request sent at `sent_at` whose answer was
/// lost: same subject, another id, imported since then (allowing for clock skew). Renewal keeps the
/// subject, and nothing else links the new certificate to the old one in `GET /Certificates`.
pub fn renewed_since_conditions(original: &Certificate, sent_at: DateTime<Utc>) -> Vec<QueryExpr> {
    let subject = match (&original.issued_dn, &original.issued_cn) {
        (Some(dn), _) if !dn.trim().is_empty() => QueryExpr::text("IssuedDN", TextOp::Equals, dn),
        (_, cn) => QueryExpr::text("IssuedCN", TextOp::Equals, cn.clone().unwrap_or_default()),
    };
    vec![
        subject,
        QueryExpr::number("Id", CompareOp::NotEquals, original.id.into()),
        QueryExpr::time(
            "ImportDate",
            CompareOp::GreaterOrEqual,
            sent_at - Duration::minutes(RENEWAL_CLOCK_SKEW_MINUTES),
        ),
    ]
}

/// Which renewal Keyfactor will perform, read from `AvailableRenewal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenewalPlan {
    /// Keyfactor reuses the certificate's CA and template: nothing to choose.
    OneClick,
    /// The user must choose the CA and the template (≤ v24) or enrollment pattern (v25).
    Seeded,
    /// No renewal this portal can do; `reason` says why.
    NotRenewable { reason: String },
}

impl RenewalPlan {
    pub fn from_available(available: &AvailableRenewal) -> Self {
        let options = available.available_renewal_type;
        if options.one_click() {
            Self::OneClick
        } else if options.seeded_pfx() {
            Self::Seeded
        } else {
            let reason = match available.message.as_deref().map(str::trim) {
                Some(message) if !message.is_empty() => message.to_owned(),
                _ if options.seeded_csr() => "Keyfactor offers only CSR renewal for this certificate, \
                    which needs a certificate signing request from the server that holds the key; \
                    this portal renews PFX certificates only."
                    .to_owned(),
                _ => "Keyfactor Command offers no renewal for this certificate (for example, its template \
                      was retired or the certificate is revoked)."
                    .to_owned(),
            };
            Self::NotRenewable { reason }
        }
    }

    pub fn needs_choices(&self) -> bool {
        matches!(self, Self::Seeded)
    }
}

/// The template (≤ v24, short name) or enrollment pattern (v25, id) the user picked, as a request value.
pub fn parse_profile(version: CommandVersion, raw: &str) -> Result<EnrollmentProfile, String> {
    if version.uses_enrollment_patterns() {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("Choose an enrollment pattern.".to_owned());
        }
        raw.parse::<i32>()
            .ok()
            .filter(|id| *id > 0)
            .map(EnrollmentProfile::EnrollmentPattern)
            .ok_or_else(|| "Choose an enrollment pattern from the list.".to_owned())
    } else if raw.trim().is_empty() {
        Err("Choose a template.".to_owned())
    } else {
        TemplateShortName::parse(raw)
            .map(|name| EnrollmentProfile::Template(name.as_str().to_owned()))
            .map_err(|e| e.to_string())
    }
}

/// The picked CA as the `host\logical` value Keyfactor takes.
pub fn parse_authority(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err("Choose a certificate authority.".to_owned());
    }
    CertificateAuthority::parse(raw)
        .map(|ca| ca.as_str().to_owned())
        .map_err(|e| e.to_string())
}

/// The CA and template/pattern of a seeded renewal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededChoice {
    pub certificate_authority: String,
    pub profile: EnrollmentProfile,
}

/// Why no request can be built yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenewalRequestError {
    NotRenewable,
    /// A seeded renewal needs the CA and template/pattern.
    MissingChoice,
}

/// The `POST /Enrollment/Renew` body for `plan`: one-click sends only the reference and the timestamp,
/// seeded adds the CA and the template or enrollment pattern.
pub fn renewal_request(
    certificate: CertificateRef,
    plan: &RenewalPlan,
    choice: Option<SeededChoice>,
    timestamp: RequestTimestamp,
) -> Result<RenewalRequest, RenewalRequestError> {
    let at = timestamp.as_datetime();
    match plan {
        RenewalPlan::NotRenewable { .. } => Err(RenewalRequestError::NotRenewable),
        RenewalPlan::OneClick => Ok(RenewalRequest::one_click(certificate, at)),
        RenewalPlan::Seeded => {
            let choice = choice.ok_or(RenewalRequestError::MissingChoice)?;
            Ok(RenewalRequest::seeded(
                certificate,
                at,
                choice.certificate_authority,
                choice.profile,
            ))
        }
    }
}

/// What a disposition means for the person who asked.
pub fn disposition_advice(disposition: &Disposition) -> &'static str {
    match disposition {
        Disposition::Issued => "The new certificate was issued. Save its PFX password now, then put the certificate where the old one is installed.",
        Disposition::Pending => "The request waits for a certificate manager's approval. Nothing was issued yet: follow it in My requests, where an approver decides, and once approved put the certificate in place from there.",
        Disposition::Denied => "The certificate authority refused the request. Nothing was issued; the message says why. Contact your PKI team if you believe it should be allowed.",
        Disposition::Failed => "The certificate authority could not process the request. Nothing was issued; try again later or contact your PKI team with the message.",
        Disposition::Other(_) => "Keyfactor Command reported an unusual state. Check the message and contact your PKI team before relying on the certificate.",
    }
}

/// Where the certificate is installed, with the orchestrator that serves that store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledLocation {
    pub store_id: Option<Guid>,
    pub machine: String,
    pub path: String,
    pub alias: Option<String>,
    pub orchestrator: Option<Orchestrator>,
}

impl InstalledLocation {
    /// Whether this is the store `id` (as an answer names it) names.
    pub fn is_store(&self, id: &str) -> bool {
        self.store_id
            .as_ref()
            .is_some_and(|own| Guid::same(own.as_str(), id))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orchestrator {
    pub agent_id: Guid,
    pub machine: String,
    pub last_seen: Option<DateTime<Utc>>,
}

/// Joins each location to the orchestrator that serves its store: location `CertStoreId` → store `AgentId`
/// → agent. (An orchestrator's own `ClientMachine` is the host it runs on, usually not the store's machine,
/// so machine names cannot be matched.)
pub fn installed_locations(
    locations: &[CertificateLocation],
    stores: &[CertificateStore],
    agents: &[Agent],
) -> Vec<InstalledLocation> {
    locations
        .iter()
        .map(|location| {
            let agent_id = location.cert_store_id.as_ref().and_then(|store_id| {
                stores
                    .iter()
                    .find(|store| store.id == *store_id)
                    .and_then(|store| store.agent_id.as_ref())
            });
            let orchestrator = agent_id
                .and_then(|agent_id| agents.iter().find(|agent| agent.agent_id == *agent_id))
                .map(|agent| Orchestrator {
                    agent_id: agent.agent_id.clone(),
                    machine: agent.client_machine.clone().unwrap_or_default(),
                    last_seen: agent.last_seen,
                });
            InstalledLocation {
                store_id: location.cert_store_id.clone(),
                machine: location.store_machine.clone().unwrap_or_default(),
                path: location.store_path.clone().unwrap_or_default(),
                alias: location.alias.clone(),
                orchestrator,
            }
        })
        .collect()
}

/// `POST /Enrollment/PFX/Replace`: every store that holds the old certificate gets the new one. The
/// password is optional there (unlike Deploy): a certificate issued after approval has none the portal knows.
pub fn replace_request(
    existing_certificate_id: i32,
    new_certificate_id: i32,
    password: Option<SecretString>,
) -> ExistingEnrollmentManagementRequest {
    ExistingEnrollmentManagementRequest {
        existing_certificate_id,
        certificate: NewCertificateRef::CertificateId(new_certificate_id),
        password,
        job_time: None,
    }
}

/// `POST /Enrollment/PFX/Deploy` to the chosen locations, under their current aliases, overwriting.
pub fn deploy_request(
    new_certificate_id: i32,
    password: SecretString,
    chosen: &[InstalledLocation],
) -> EnrollmentManagementRequest {
    EnrollmentManagementRequest {
        certificate: NewCertificateRef::CertificateId(new_certificate_id),
        password,
        stores: chosen
            .iter()
            .filter_map(|location| {
                Some(ManagementStore {
                    store_id: location.store_id.clone()?,
                    alias: location.alias.clone(),
                    overwrite: true,
                    properties: Default::default(),
                })
            })
            .collect(),
        job_time: None,
    }
}

/// Whole days until `not_after` (negative once expired).
pub fn days_left(not_after: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (not_after - now).num_days()
}

/// The certificate search form, already trimmed by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchCriteria {
    pub common_name: String,
    /// Any subject alternative name (DNS name, IP, …).
    pub subject_alt_name: String,
    pub serial_number: String,
    /// Only certificates that expire within this many days (from now).
    pub expires_within_days: Option<u32>,
}

/// Parses the "expires within (days)" field: empty is no limit.
pub fn parse_expiry_window(raw: &str) -> Result<Option<u32>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<u32>()
        .ok()
        .filter(|days| (1..=3650).contains(days))
        .map(Some)
        .ok_or_else(|| "Enter a number of days from 1 to 3650, or leave it empty.".to_owned())
}

/// The `QueryString` conditions of a search; `None` when nothing was entered (a search needs a filter).
pub fn search_conditions(criteria: &SearchCriteria, now: DateTime<Utc>) -> Option<Vec<QueryExpr>> {
    let mut conditions = Vec::new();
    let common_name = criteria.common_name.trim();
    if !common_name.is_empty() {
        conditions.push(QueryExpr::text("IssuedCN", TextOp::Contains, common_name));
    }
    let san = criteria.subject_alt_name.trim();
    if !san.is_empty() {
        conditions.push(QueryExpr::text("SAN", TextOp::Contains, san));
    }
    let serial = criteria.serial_number.trim();
    if !serial.is_empty() {
        conditions.push(QueryExpr::text("SerialNumber", TextOp::Contains, serial));
    }
    if let Some(days) = criteria.expires_within_days {
        conditions.push(QueryExpr::time(
            "NotAfter",
            CompareOp::LessOrEqual,
            now + Duration::days(i64::from(days)),
        ));
    }
    (!conditions.is_empty()).then_some(conditions)
}

/// Longest query-parameter value a deep link may prefill (a thumbprint with separators fits easily).
const MAX_DEEP_LINK_CHARS: usize = 120;

/// What `…/renew?id=…` or `?thumbprint=…` asks the form to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefill {
    pub kind: LookupKind,
    pub raw: String,
}

impl Prefill {
    /// The lookup form as it was for `reference`, to show it again after the lookup failed.
    pub fn of(reference: &CertificateRef) -> Self {
        match reference {
            CertificateRef::Id(id) => Self {
                kind: LookupKind::Id,
                raw: id.to_string(),
            },
            CertificateRef::Thumbprint(thumbprint) => Self {
                kind: LookupKind::Thumbprint,
                raw: thumbprint.clone(),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeepLinkError {
    #[error("The link names both a certificate ID and a thumbprint; enter one of them below.")]
    Both,
}

/// Reads the deep link's parameters. Garbage is prefilled (cut to a sane length) so the form's own
/// validation explains it; the link never carries anything but the reference.
pub fn prefill_from_query(
    id: Option<&str>,
    thumbprint: Option<&str>,
) -> Result<Option<Prefill>, DeepLinkError> {
    let cut = |value: &str| value.chars().take(MAX_DEEP_LINK_CHARS).collect::<String>();
    let id = id.filter(|v| !v.trim().is_empty());
    let thumbprint = thumbprint.filter(|v| !v.trim().is_empty());
    match (id, thumbprint) {
        (Some(_), Some(_)) => Err(DeepLinkError::Both),
        (Some(id), None) => Ok(Some(Prefill {
            kind: LookupKind::Id,
            raw: cut(id),
        })),
        (None, Some(thumbprint)) => Ok(Some(Prefill {
            kind: LookupKind::Thumbprint,
            raw: cut(thumbprint),
        })),
        (None, None) => Ok(None),
    }
}

/// One HTTP request as the "copy as API call" button shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiCall<'a> {
    pub method: &'a str,
    /// Absolute URL.
    pub url: &'a str,
    pub api_version: &'a str,
    /// Whether the app sends `Authorization` (basic mode); its value is never shown.
    pub sends_authorization: bool,
    pub body: serde_json::Value,
}

impl<'a> ApiCall<'a> {
    pub fn json<B: Serialize>(
        method: &'a str,
        url: &'a str,
        api_version: &'a str,
        sends_authorization: bool,
        body: &B,
    ) -> Self {
        Self {
            method,
            url,
            api_version,
            sends_authorization,
            body: serde_json::to_value(body).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Stands in for anything secret in the copied text.
pub const REDACTED: &str = "<redacted>";

/// The request as text (request line, headers, pretty JSON body), with credentials and every
/// `Password` value replaced by [`REDACTED`], so it can be pasted into a ticket.
pub fn api_call_text(call: &ApiCall) -> String {
    let mut body = call.body.clone();
    redact_passwords(&mut body);
    let mut text = format!(
        "{} {}\nAccept: application/json\nContent-Type: application/json\n\
         x-keyfactor-requested-with: APIClient\nx-keyfactor-api-version: {}\n",
        call.method, call.url, call.api_version
    );
    if call.sends_authorization {
        text.push_str(&format!("Authorization: {REDACTED}\n"));
    }
    text.push('\n');
    text.push_str(&serde_json::to_string_pretty(&body).unwrap_or_default());
    text
}

fn redact_passwords(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key.to_ascii_lowercase().contains("password") {
                    *inner = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_passwords(inner);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_passwords),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::models::RenewalOptions;
    use chrono::TimeZone;
    use serde_json::json;

    const THUMB: &str = "5A3F0C1D2E4B6A7980ABCDEF0123456789ABCDEF";

    fn at() -> RequestTimestamp {
        RequestTimestamp::from_datetime(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap())
    }

    fn available(bits: u32, message: Option<&str>) -> AvailableRenewal {
        AvailableRenewal {
            available_renewal_type: RenewalOptions(bits),
            message: message.map(str::to_owned),
        }
    }

    fn v10() -> CommandVersion {
        "10.5".parse().unwrap()
    }

    fn v25() -> CommandVersion {
        "25.1".parse().unwrap()
    }

    #[test]
    fn a_store_is_recognised_whatever_case_its_guid_comes_back_in() {
        let location = InstalledLocation {
            store_id: Some(Guid::parse("a1b2c3d4-0000-4000-8000-00000000000f").unwrap()),
            machine: "web01".into(),
            path: "/etc/ssl/a.pem".into(),
            alias: None,
            orchestrator: None,
        };
        assert!(location.is_store("A1B2C3D4-0000-4000-8000-00000000000F"));
        assert!(location.is_store(" a1b2c3d4-0000-4000-8000-00000000000f "));
        assert!(!location.is_store("a1b2c3d4-0000-4000-8000-000000000010"));
    }

    #[test]
    fn id_or_normalised_thumbprint_never_both() {
        assert_eq!(
            parse_certificate_ref(LookupKind::Id, " 42 "),
            Ok(CertificateRef::Id(42))
        );
        let pasted = "5a:3f:0c:1d:2e:4b:6a:79:80:ab:cd:ef:01:23:45:67:89:ab:cd:ef";
        assert_eq!(
            parse_certificate_ref(LookupKind::Thumbprint, pasted),
            Ok(CertificateRef::Thumbprint(THUMB.into()))
        );
        assert_eq!(
            parse_certificate_ref(LookupKind::Id, "abc"),
            Err("A certificate ID has only digits; found 'a'.".into())
        );
        let one_click = renewal_request(
            CertificateRef::Thumbprint(THUMB.into()),
            &RenewalPlan::OneClick,
            None,
            at(),
        )
        .unwrap();
        let body = serde_json::to_value(one_click).unwrap();
        assert_eq!(
            body,
            json!({"Thumbprint": THUMB, "Timestamp": "2025-03-01T12:00:00.000Z"})
        );
        assert_eq!(
            available_renewal_path(&CertificateRef::Thumbprint(THUMB.into())),
            format!("Enrollment/AvailableRenewal/Thumbprint/{THUMB}")
        );
        assert_eq!(
            available_renewal_path(&CertificateRef::Id(7)),
            "Enrollment/AvailableRenewal/Id/7"
        );
    }

    #[test]
    fn plan_follows_available_renewal() {
        assert_eq!(
            RenewalPlan::from_available(&available(2, None)),
            RenewalPlan::OneClick
        );
        assert_eq!(
            RenewalPlan::from_available(&available(3, None)),
            RenewalPlan::OneClick
        );
        assert_eq!(
            RenewalPlan::from_available(&available(1, None)),
            RenewalPlan::Seeded
        );
        assert_eq!(
            RenewalPlan::from_available(&available(5, None)),
            RenewalPlan::Seeded
        );
        assert!(RenewalPlan::Seeded.needs_choices());
        assert_eq!(
            RenewalPlan::from_available(&available(0, Some("Template was deleted"))),
            RenewalPlan::NotRenewable {
                reason: "Template was deleted".into()
            }
        );
        let RenewalPlan::NotRenewable { reason } =
            RenewalPlan::from_available(&available(4, Some("  ")))
        else {
            panic!("CSR-only is not renewable here");
        };
        assert!(reason.contains("CSR"), "{reason}");
        assert!(matches!(
            RenewalPlan::from_available(&available(0, None)),
            RenewalPlan::NotRenewable { .. }
        ));
    }

    #[test]
    fn seeded_request_sends_template_on_v10_and_pattern_on_v25() {
        let ca = parse_authority(r"ca02.keyexample.com\CorpIssuingCA2").unwrap();
        let v10_profile = parse_profile(v10(), "WebServer2y").unwrap();
        let v10_body = renewal_request(
            CertificateRef::Id(2),
            &RenewalPlan::Seeded,
            Some(SeededChoice {
                certificate_authority: ca.clone(),
                profile: v10_profile,
            }),
            at(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(v10_body).unwrap(),
            json!({
                "CertificateId": 2,
                "Timestamp": "2025-03-01T12:00:00.000Z",
                "CertificateAuthority": r"ca02.keyexample.com\CorpIssuingCA2",
                "Template": "WebServer2y"
            })
        );
        let v25_profile = parse_profile(v25(), "3").unwrap();
        let v25_body = renewal_request(
            CertificateRef::Id(2),
            &RenewalPlan::Seeded,
            Some(SeededChoice {
                certificate_authority: ca,
                profile: v25_profile,
            }),
            at(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(v25_body).unwrap(),
            json!({
                "CertificateId": 2,
                "Timestamp": "2025-03-01T12:00:00.000Z",
                "CertificateAuthority": r"ca02.keyexample.com\CorpIssuingCA2",
                "EnrollmentPatternId": 3
            })
        );
    }

    #[test]
    fn seeded_needs_choices_and_unrenewable_builds_nothing() {
        assert_eq!(
            renewal_request(CertificateRef::Id(2), &RenewalPlan::Seeded, None, at()),
            Err(RenewalRequestError::MissingChoice)
        );
        let plan = RenewalPlan::NotRenewable { reason: "x".into() };
        assert_eq!(
            renewal_request(CertificateRef::Id(3), &plan, None, at()),
            Err(RenewalRequestError::NotRenewable)
        );
        assert_eq!(
            parse_profile(v25(), ""),
            Err("Choose an enrollment pattern.".into())
        );
        assert!(parse_profile(v25(), "WebServer").is_err());
        assert!(parse_profile(v10(), "Web Server 2 years")
            .unwrap_err()
            .contains("display name"));
        assert!(parse_authority("ca02/CorpIssuingCA2").is_err());
        assert_eq!(
            parse_authority(" "),
            Err("Choose a certificate authority.".into())
        );
        assert_eq!(parse_profile(v10(), ""), Err("Choose a template.".into()));
    }

    #[test]
    fn locations_are_joined_to_their_orchestrators() {
        let location: CertificateLocation = serde_json::from_value(json!({
            "StoreMachine": "web01.eu.keyexample.com", "StorePath": "/etc/ssl/certs/web01.pem",
            "StoreType": 102, "Alias": "web01", "CertStoreId": "b1f0c4a2-0000-0000-0000-000000000001"
        }))
        .unwrap();
        let store: CertificateStore = serde_json::from_value(json!({
            "Id": "B1F0C4A2-0000-0000-0000-000000000001", "ClientMachine": "web01.eu.keyexample.com",
            "Storepath": "/etc/ssl/certs/web01.pem", "CertStoreType": 102, "AgentId": "0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b"
        }))
        .unwrap();
        // The orchestrator runs on another host than the store's machine: only the store's AgentId links them.
        let agent: Agent = serde_json::from_value(json!({
            "AgentId": "0B8E1F2A-3C4D-4E5F-9A0B-1C2D3E4F5A6B", "ClientMachine": "uo-lnx01.eu.keyexample.com", "LastSeen": "2025-03-01T11:59:30Z"
        }))
        .unwrap();
        let other: Agent = serde_json::from_value(
            json!({"AgentId": "1b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b", "ClientMachine": "web01.eu.keyexample.com"}),
        )
        .unwrap();
        let joined = installed_locations(&[location], &[store], &[other, agent]);
        assert_eq!(joined.len(), 1);
        let orchestrator = joined[0].orchestrator.as_ref().expect("matched");
        assert_eq!(orchestrator.machine, "uo-lnx01.eu.keyexample.com");
        assert_eq!(
            orchestrator.agent_id.as_str(),
            "0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b"
        );
        assert_eq!(
            orchestrator.last_seen,
            Some(Utc.with_ymd_and_hms(2025, 3, 1, 11, 59, 30).unwrap())
        );
        assert!(installed_locations(&joined_back(&joined), &[], &[])[0]
            .orchestrator
            .is_none());

        let deploy = deploy_request(99, SecretString::from("pw".to_owned()), &joined);
        assert_eq!(
            serde_json::to_value(deploy).unwrap(),
            json!({"CertificateId": 99, "Password": "pw", "Stores": [
                {"StoreId": "b1f0c4a2-0000-0000-0000-000000000001", "Alias": "web01", "Overwrite": true}
            ]})
        );
        let replace = replace_request(1, 99, Some(SecretString::from("pw".to_owned())));
        assert_eq!(
            serde_json::to_value(replace).unwrap(),
            json!({"ExistingCertificateId": 1, "CertificateId": 99, "Password": "pw"})
        );
        assert_eq!(
            serde_json::to_value(replace_request(1, 99, None)).unwrap(),
            json!({"ExistingCertificateId": 1, "CertificateId": 99})
        );
    }

    fn joined_back(joined: &[InstalledLocation]) -> Vec<CertificateLocation> {
        joined
            .iter()
            .map(|l| {
                serde_json::from_value(json!({"StoreMachine": l.machine, "StorePath": l.path}))
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn a_failed_lookup_comes_back_as_it_was_typed() {
        for (kind, raw) in [
            (LookupKind::Id, "42"),
            (
                LookupKind::Thumbprint,
                "70441809EC547DD6506DA75B9F85D2ABAB489EE7",
            ),
        ] {
            let reference = parse_certificate_ref(kind, raw).unwrap();
            assert_eq!(
                Prefill::of(&reference),
                Prefill {
                    kind,
                    raw: raw.into()
                }
            );
        }
    }

    #[test]
    fn a_lost_renewal_is_looked_for_by_subject_and_import_time() {
        let sent = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let original: Certificate = serde_json::from_value(json!({
            "Id": 7, "IssuedDN": "CN=web01.keyexample.com, O=\"Key Example, Inc.\"", "IssuedCN": "web01.keyexample.com"
        }))
        .unwrap();
        let text: Vec<String> = renewed_since_conditions(&original, sent)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            text[0],
            r#"IssuedDN -eq "CN=web01.keyexample.com, O=""Key Example, Inc.""""#
        );
        assert_eq!(text[1], "Id -ne 7");
        assert!(
            text[2].starts_with("ImportDate -ge \"2025-03-01T11:58:00"),
            "{text:?}"
        );

        // Without a DN (some stores report none), the common name identifies it.
        let cn_only: Certificate =
            serde_json::from_value(json!({"Id": 8, "IssuedDN": null, "IssuedCN": "app"})).unwrap();
        assert_eq!(
            renewed_since_conditions(&cn_only, sent)[0].to_string(),
            r#"IssuedCN -eq "app""#
        );
    }

    #[test]
    fn search_needs_a_filter_and_spells_conditions() {
        let now = Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(search_conditions(&SearchCriteria::default(), now), None);
        let conditions = search_conditions(
            &SearchCriteria {
                common_name: " web01 ".into(),
                subject_alt_name: "eu.keyexample".into(),
                serial_number: String::new(),
                expires_within_days: Some(30),
            },
            now,
        )
        .unwrap();
        let text: Vec<String> = conditions.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3);
        assert!(
            text[0].starts_with("IssuedCN -contains \"web01\""),
            "{text:?}"
        );
        assert_eq!(text[1], "SAN -contains \"eu.keyexample\"");
        assert!(text[2].starts_with("NotAfter -le"), "{text:?}");
        assert_eq!(parse_expiry_window(""), Ok(None));
        assert_eq!(parse_expiry_window("30"), Ok(Some(30)));
        assert!(parse_expiry_window("0").is_err());
        assert!(parse_expiry_window("soon").is_err());
        assert_eq!(days_left(now + Duration::hours(49), now), 2);
        assert_eq!(days_left(now - Duration::days(3), now), -3);
    }

    #[test]
    fn deep_link_prefills_one_reference_and_survives_garbage() {
        assert_eq!(prefill_from_query(None, None), Ok(None));
        assert_eq!(
            prefill_from_query(Some("123"), Some(" ")),
            Ok(Some(Prefill {
                kind: LookupKind::Id,
                raw: "123".into()
            }))
        );
        assert_eq!(
            prefill_from_query(None, Some(THUMB)),
            Ok(Some(Prefill {
                kind: LookupKind::Thumbprint,
                raw: THUMB.into()
            }))
        );
        assert_eq!(
            prefill_from_query(Some("1"), Some(THUMB)),
            Err(DeepLinkError::Both)
        );
        let garbage = "<script>".repeat(100);
        let prefill = prefill_from_query(Some(&garbage), None).unwrap().unwrap();
        assert_eq!(prefill.raw.chars().count(), MAX_DEEP_LINK_CHARS);
        assert!(parse_certificate_ref(prefill.kind, &prefill.raw).is_err());
    }

    #[test]
    fn api_call_text_redacts_credentials_and_passwords() {
        let body = json!({"ExistingCertificateId": 1, "CertificateId": 99, "Password": "s3cret!",
                          "Nested": [{"PrivateKeyPassword": "also"}]});
        let text = api_call_text(&ApiCall::json(
            "POST",
            "https://portal.example/KeyfactorAPI/Enrollment/PFX/Replace",
            "1",
            true,
            &body,
        ));
        assert!(text.starts_with(
            "POST https://portal.example/KeyfactorAPI/Enrollment/PFX/Replace\nAccept: application/json\n"
        ));
        assert!(text.contains("x-keyfactor-api-version: 1\n"));
        assert!(text.contains("Authorization: <redacted>\n"));
        assert!(!text.contains("s3cret") && !text.contains("also"), "{text}");
        assert!(text.contains("\"Password\": \"<redacted>\""));
        let renew =
            renewal_request(CertificateRef::Id(1), &RenewalPlan::OneClick, None, at()).unwrap();
        let proxy = api_call_text(&ApiCall::json("POST", "u", "1", false, &renew));
        assert!(!proxy.contains("Authorization"));
        assert!(proxy.ends_with(
            "{\n  \"CertificateId\": 1,\n  \"Timestamp\": \"2025-03-01T12:00:00.000Z\"\n}"
        ));
    }

    #[test]
    fn every_disposition_has_advice() {
        assert!(disposition_advice(&Disposition::Pending).contains("approv"));
        assert!(disposition_advice(&Disposition::Denied).contains("Nothing was issued"));
        assert!(disposition_advice(&Disposition::Issued).contains("password"));
        assert!(!disposition_advice(&Disposition::Other("X".into())).is_empty());
    }
}
