//! Renewal and PFX management: `GET /Enrollment/AvailableRenewal/…`, `POST /Enrollment/Renew`,
//! `POST /Enrollment/PFX/Deploy`, `POST /Enrollment/PFX/Replace`, `GET /Enrollment/PFX/Context/My`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::common::{null_as_default, wire_flags, wire_time};
use crate::domain::{Guid, SecretString};

wire_flags! {
    /// `AvailableRenewalType`: a bit set, not an enum. v25 documents "enum flags" 1 Seeded PFX, 2 One-click,
    /// 4 Seeded CSR that may be OR-ed (3, 6, …) while its schema still says `[0,1,2]`; decode any integer,
    /// or the names should a server send them (no answer has been recorded; docs/observed/README.md,
    /// section 3).
    pub struct RenewalOptions {
        SEEDED_PFX = 1 | "Seeded" | "SeededPfx",
        ONE_CLICK = 2,
        SEEDED_CSR = 4,
    }
}

impl RenewalOptions {
    /// Id or thumbprint plus a timestamp suffice; Keyfactor reuses the CA and template.
    pub fn one_click(self) -> bool {
        self.0 & Self::ONE_CLICK != 0
    }

    /// Renewal with an explicitly chosen CA and template (or enrollment pattern). Keyfactor's docs:
    /// "If the AvailableRenewalType is 2, 1 is also supported."
    pub fn seeded_pfx(self) -> bool {
        self.0 & Self::SEEDED_PFX != 0 || self.one_click()
    }

    /// v25: renewal through the CSR path.
    pub fn seeded_csr(self) -> bool {
        self.0 & Self::SEEDED_CSR != 0
    }

    /// No renewal path this portal knows (0, or only bits a newer Command invented).
    pub fn none(self) -> bool {
        !self.seeded_pfx() && !self.seeded_csr()
    }
}

/// `GET /Enrollment/AvailableRenewal/Id/{id}` and `…/Thumbprint/{thumbprint}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AvailableRenewal {
    #[serde(default, deserialize_with = "null_as_default")]
    pub available_renewal_type: RenewalOptions,
    /// Why renewal is limited, e.g. "One click renewal is not available for this certificate".
    pub message: Option<String>,
}

/// Which certificate a renewal is for: Keyfactor wants exactly one of the two, never both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateRef {
    Id(i32),
    /// Hex SHA-1 thumbprint.
    Thumbprint(String),
}

/// What the new certificate is issued from. Command ≤ v24 takes a template *short* name
/// (`Template::common_name`); v25 replaced templates with enrollment patterns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnrollmentProfile {
    Template(String),
    EnrollmentPattern(i32),
}

impl EnrollmentProfile {
    /// Splits into the two mutually exclusive wire fields, so a request can never carry both.
    pub(super) fn into_wire(self) -> (Option<String>, Option<i32>) {
        match self {
            Self::Template(name) => (Some(name), None),
            Self::EnrollmentPattern(id) => (None, Some(id)),
        }
    }
}

/// Body of `POST /Enrollment/Renew` (v10 `RenewalRequest`, v25 `RenewAPIRequest`). Absent fields are
/// omitted, not sent as `null`. Built through [`RenewalRequest::one_click`] or [`RenewalRequest::seeded`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RenewalRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_id: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbprint: Option<String>,
    /// Keyfactor requires "the current date and time" in UTC.
    #[serde(serialize_with = "wire_time::serialize")]
    timestamp: DateTime<Utc>,
    /// `host\logical`.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_authority: Option<String>,
    /// ≤ v24 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<String>,
    /// v25 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    enrollment_pattern_id: Option<i32>,
}

impl RenewalRequest {
    /// For certificates whose [`RenewalOptions::one_click`] is set.
    pub fn one_click(certificate: CertificateRef, timestamp: DateTime<Utc>) -> Self {
        let (certificate_id, thumbprint) = match certificate {
            CertificateRef::Id(id) => (Some(id), None),
            CertificateRef::Thumbprint(thumbprint) => (None, Some(thumbprint)),
        };
        Self {
            certificate_id,
            thumbprint,
            timestamp,
            certificate_authority: None,
            template: None,
            enrollment_pattern_id: None,
        }
    }

    /// Seeded renewal: the user picked the CA (`host\logical`, see `CertificateAuthority::enrollment_name`)
    /// and the template or enrollment pattern.
    pub fn seeded(
        certificate: CertificateRef,
        timestamp: DateTime<Utc>,
        certificate_authority: String,
        profile: EnrollmentProfile,
    ) -> Self {
        let (template, enrollment_pattern_id) = profile.into_wire();
        Self {
            certificate_authority: Some(certificate_authority),
            template,
            enrollment_pattern_id,
            ..Self::one_click(certificate, timestamp)
        }
    }
}

/// `RequestDisposition`: an open set of strings (`ISSUED`, `PENDING` when approval is required, …),
/// matched case-insensitively. A 200 answer can still mean "not issued": check this, not the status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disposition {
    Issued,
    Pending,
    Denied,
    Failed,
    /// Whatever else the CA reports, as sent.
    Other(String),
}

impl From<&str> for Disposition {
    fn from(text: &str) -> Self {
        const KNOWN: [(&str, Disposition); 4] = [
            ("ISSUED", Disposition::Issued),
            ("PENDING", Disposition::Pending),
            ("DENIED", Disposition::Denied),
            ("FAILED", Disposition::Failed),
        ];
        let text = text.trim();
        KNOWN
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
            .map_or_else(|| Self::Other(text.to_owned()), |(_, known)| known)
    }
}

impl<'de> Deserialize<'de> for Disposition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Self::from(text.as_str()))
    }
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Issued => f.write_str("issued"),
            Self::Pending => f.write_str("pending approval"),
            Self::Denied => f.write_str("denied"),
            Self::Failed => f.write_str("failed"),
            Self::Other(text) => f.write_str(text),
        }
    }
}

/// Answer of `POST /Enrollment/Renew` (v10 `RenewalResponse`, v25 `RenewalApiResponse`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RenewalResponse {
    /// Id of the new certificate. The specs spell it `KeyfactorId`, the reference page `KeyfactorID`.
    #[serde(alias = "KeyfactorID")]
    pub keyfactor_id: Option<i32>,
    #[serde(alias = "KeyfactorRequestID")]
    pub keyfactor_request_id: Option<i32>,
    pub thumbprint: Option<String>,
    pub serial_number: Option<String>,
    #[serde(rename = "IssuerDN")]
    pub issuer_dn: Option<String>,
    pub request_disposition: Option<Disposition>,
    pub disposition_message: Option<String>,
    /// Generated PFX password for the renewed key: show once, never store.
    pub password: Option<SecretString>,
}

/// The new certificate a Deploy/Replace installs: Keyfactor takes its id *or* its request id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum NewCertificateRef {
    CertificateId(i32),
    /// `KeyfactorRequestId`, for when the certificate id is not known yet.
    RequestId(i32),
}

/// One target store of `POST /Enrollment/PFX/Deploy` (`ManagementStoreRequest`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagementStore {
    pub store_id: Guid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    pub overwrite: bool,
    /// Entry-parameter values keyed by `EntryParameter::name`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// Body of `POST /Enrollment/PFX/Deploy` (`EnrollmentManagementRequest`): schedules management jobs that
/// install a renewed PFX into the chosen stores.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnrollmentManagementRequest {
    #[serde(flatten)]
    pub certificate: NewCertificateRef,
    /// Required by the spec: the PFX password from the renewal answer.
    pub password: SecretString,
    pub stores: Vec<ManagementStore>,
    /// When to run the jobs; omitted = now.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire_time::serialize_option"
    )]
    pub job_time: Option<DateTime<Utc>>,
}

/// Body of `POST /Enrollment/PFX/Replace` (`ExistingEnrollmentManagementRequest`): replaces the old
/// certificate in every store it is installed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExistingEnrollmentManagementRequest {
    /// The certificate being replaced.
    pub existing_certificate_id: i32,
    #[serde(flatten)]
    pub certificate: NewCertificateRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretString>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire_time::serialize_option"
    )]
    pub job_time: Option<DateTime<Utc>>,
}

/// Answer of Deploy and Replace: store GUIDs (not job ids).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnrollmentManagementResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub successful_stores: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub failed_stores: Vec<String>,
}

/// `GET /Enrollment/PFX/Context/My`: the templates and CAs the caller may enroll with (already
/// permission-filtered), the best source for the renewal form's pickers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnrollmentContext {
    #[serde(default, deserialize_with = "null_as_default")]
    pub templates: Vec<ContextTemplate>,
    #[serde(
        rename = "StandaloneCAs",
        default,
        deserialize_with = "null_as_default"
    )]
    pub standalone_cas: Vec<ContextCa>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextTemplate {
    pub id: Option<i32>,
    /// Template short name.
    pub name: Option<String>,
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub requires_approval: bool,
    #[serde(rename = "CAs", default, deserialize_with = "null_as_default")]
    pub cas: Vec<ContextCa>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextCa {
    /// Whether this is already `host\logical` is not documented.
    pub name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub subscriber_terms: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_click_implies_seeded_pfx_and_unknown_bits_mean_none() {
        let cases = [
            // bits, one_click, seeded_pfx, seeded_csr, none
            (0, false, false, false, true),
            (1, false, true, false, false),
            (2, true, true, false, false),
            (3, true, true, false, false),
            (4, false, false, true, false),
            (6, true, true, true, false),
            (8, false, false, false, true),
        ];
        for (bits, one_click, seeded_pfx, seeded_csr, none) in cases {
            let options = RenewalOptions(bits);
            assert_eq!(
                (
                    options.one_click(),
                    options.seeded_pfx(),
                    options.seeded_csr(),
                    options.none()
                ),
                (one_click, seeded_pfx, seeded_csr, none),
                "bits {bits}"
            );
        }
    }

    #[test]
    fn disposition_is_matched_case_insensitively_and_keeps_unknown_text() {
        assert_eq!(Disposition::from("ISSUED"), Disposition::Issued);
        assert_eq!(Disposition::from(" Pending "), Disposition::Pending);
        assert_eq!(Disposition::from("denied"), Disposition::Denied);
        let other = Disposition::from("EXTERNAL VALIDATION");
        assert_eq!(other, Disposition::Other("EXTERNAL VALIDATION".into()));
        assert_eq!(other.to_string(), "EXTERNAL VALIDATION");
        assert_eq!(Disposition::Pending.to_string(), "pending approval");
    }
}
