//! `GET /Certificates` and `GET /Certificates/{id}`: v10 `Models.CertificateRetrievalResponse`,
//! v25 `CertificateRetrievalBulkResponse`. Only the fields the portal shows; the rest is ignored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::common::{null_as_default, wire_enum, wire_time};
use crate::domain::{Guid, SecretString};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Certificate {
    pub id: i32,
    /// Hex SHA-1, despite `format: byte` in the spec: never base64-decode it.
    pub thumbprint: Option<String>,
    /// Hex, like the thumbprint.
    pub serial_number: Option<String>,
    #[serde(rename = "IssuedDN")]
    pub issued_dn: Option<String>,
    #[serde(rename = "IssuedCN")]
    pub issued_cn: Option<String>,
    /// Command writes it with spaces after commas on POST and without on GET: normalise before comparing.
    #[serde(rename = "IssuerDN")]
    pub issuer_dn: Option<String>,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub not_before: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub not_after: Option<DateTime<Utc>>,
    /// When Keyfactor learned of the certificate (issued through it, or found by a scan).
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub import_date: Option<DateTime<Utc>>,
    /// The full template *display* name, not the short name `POST /Enrollment/Renew` expects.
    pub template_name: Option<String>,
    pub certificate_authority_name: Option<String>,
    pub cert_state: Option<CertState>,
    /// RFC 5280 `CRLReason` code once revoked (4 superseded); `null` while the certificate is active.
    pub revocation_reason: Option<i32>,
    pub requester_name: Option<String>,
    /// Only filled when the query asked for `includeHasPrivateKey`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub has_private_key: bool,
    /// Command holds the private key and may hand it out (`POST /Certificates/Recover`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub key_recoverable: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub subject_alt_name_elements: Vec<SubjectAltName>,
    /// Only filled when the query asked for `includeLocations`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub locations: Vec<CertificateLocation>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub locations_count: Vec<LocationCount>,
    /// Only filled when the query asked for `includeMetadata`; v25 allows `null` values.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: BTreeMap<String, Option<String>>,
    /// v25 only.
    pub enrollment_pattern_id: Option<i32>,
}

wire_enum! {
    /// `CertState`: a number on 25.4.1 (with `CertStateString` "Active (1)" beside it, not read),
    /// accepted as a name too.
    pub enum CertState {
        Unknown = 0 => "unknown",
        Active = 1 => "active",
        Revoked = 2 => "revoked",
        Denied = 3 => "denied",
        Failed = 4 => "failed",
        Pending = 5 => "pending",
        CertificateAuthority = 6 => "certificate authority",
        ParentCertificateAuthority = 7 => "parent certificate authority",
        External = 8 => "external",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubjectAltName {
    pub value: Option<String>,
    /// X.509 GeneralName tag as Keyfactor numbers it (e.g. 2 = DNS name, 7 = IP address).
    #[serde(rename = "Type")]
    pub kind: Option<i32>,
}

/// One certificate store the certificate is installed in.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateLocation {
    pub store_machine: Option<String>,
    pub store_path: Option<String>,
    /// Store-type id (`CertificateStoreType::store_type`).
    pub store_type: Option<i32>,
    pub alias: Option<String>,
    pub chain_level: Option<i32>,
    /// Store GUID (`CertificateStore::id`).
    #[serde(default, deserialize_with = "Guid::lenient")]
    pub cert_store_id: Option<Guid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LocationCount {
    /// Store-type short name, e.g. `IIS`.
    #[serde(rename = "Type")]
    pub store_type: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub count: i32,
}

/// Body of `POST /Certificates/Download` (`CertificateDownloadRequest`); the format travels in the
/// `x-certificateformat` header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DownloadRequest {
    #[serde(rename = "CertID")]
    pub cert_id: i32,
    pub include_chain: bool,
}

/// `CertificateDownloadResponse`: the file, base64-encoded.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DownloadResponse {
    pub content: String,
}

/// Body of `POST /Certificates/Recover` (`CertificateRecoveryRequest`): the password protects the PFX.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryRequest {
    pub password: SecretString,
    #[serde(rename = "CertID")]
    pub cert_id: i32,
    pub include_chain: bool,
}

/// `RecoveryResponse`: the PFX, base64-encoded, wiped with the answer.
#[derive(Debug, Deserialize)]
pub struct RecoveryResponse {
    #[serde(rename = "PFX")]
    pub pfx: SecretString,
}

/// Body of `POST /Certificates/Revoke` (`RevokeCertificateRequest`); the collection, when the page works
/// in one, travels in the body, not in the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevocationRequest {
    pub certificate_ids: Vec<i32>,
    /// RFC 5280 `CRLReason` (the spec's enum: 0–6, 8, 999, −1 remove from hold).
    pub reason: i32,
    pub comment: String,
    #[serde(serialize_with = "wire_time::serialize")]
    pub effective_date: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection_id: Option<u32>,
}

/// `RevocationResponse`: the certificates revoked, and those whose revocation waits for a workflow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevocationResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub revoked_ids: Vec<i32>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub suspended_certs: Vec<SuspendedRevocation>,
}

/// `SuspendedRevocationResponse`: a revocation a workflow holds until someone approves it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuspendedRevocation {
    pub cert_id: Option<i32>,
    pub message: Option<String>,
}

/// One row of `GET /Certificates/{id}/History` (`CertificateOperation`): what happened to the certificate,
/// when and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateOperation {
    pub id: i64,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub operation_start: Option<DateTime<Utc>>,
    pub username: Option<String>,
    pub comment: Option<String>,
    pub action: Option<String>,
}
