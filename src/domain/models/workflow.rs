//! Certificate requests waiting for approval (`/Workflow/Certificates/…`, v10 spec; the v25 excerpt lacks
//! these paths): `Models.Workflow.CertificateRequestModel` and its details, the Deny body and the
//! `ApproveDenyResult` both decisions answer with.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::common::{null_as_default, wire_time};

/// One row of `GET /Workflow/Certificates/Pending` or `/Denied`, or the answer of
/// `GET /Workflow/Certificates/{id}` (`CertificateRequestDetailsModel`, which adds the denial comment,
/// the SANs and the stores the renewed certificate is in).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateRequest {
    /// The Keyfactor request id: `KeyfactorRequestId` of the Renew answer.
    pub id: i32,
    #[serde(rename = "CARequestId")]
    pub ca_request_id: Option<String>,
    pub common_name: Option<String>,
    pub distinguished_name: Option<String>,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub submission_date: Option<DateTime<Utc>>,
    pub certificate_authority: Option<String>,
    pub template: Option<String>,
    pub requester: Option<String>,
    /// The spec's bare enum `[0..8]`; no material names its members, so `StateString` is read first.
    pub state: Option<i32>,
    pub state_string: Option<String>,
    /// Details only.
    pub denial_comment: Option<String>,
    #[serde(default, rename = "SANs", deserialize_with = "null_as_default")]
    pub sans: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cert_stores: Vec<RequestCertStore>,
}

/// `CertificateRequestCertStoreModel`: where the certificate being renewed is installed.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RequestCertStore {
    pub entry_name: Option<String>,
    pub client_machine: Option<String>,
    pub store_path: Option<String>,
}

/// Body of `POST /Workflow/Certificates/Deny` (`Models.Workflow.DenialRequest`). Approve takes a bare
/// array of ids instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DenialRequest {
    pub comment: String,
    pub certificate_request_ids: Vec<i32>,
}

/// `Models.Workflow.ApproveDenyResult`: each id lands in one of the lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApproveDenyResult {
    #[serde(default, deserialize_with = "null_as_default")]
    pub failures: Vec<ProcessedCertificateRequest>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub denials: Vec<ProcessedCertificateRequest>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub successes: Vec<ProcessedCertificateRequest>,
}

/// `Models.Workflow.ProcessedCertificateRequest`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessedCertificateRequest {
    pub keyfactor_request_id: Option<i32>,
    pub comment: Option<String>,
}
