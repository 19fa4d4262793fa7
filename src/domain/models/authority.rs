//! Where certificates come from: `GET /CertificateAuthority`, `GET /Templates` (≤ v24) and
//! `GET /EnrollmentPatterns` (v25, which replaced templates).

use serde::Deserialize;

use super::common::{null_as_default, wire_flags};

wire_flags! {
    /// `AllowedEnrollmentTypes`: a bit set (1 PFX, 2 CSR, 4 CSR generation), not an enum. The specs list
    /// `[1,2,3]` (v10 CA), `[0,1,2,4]` (v10 template, v25); real 25.4.1 patterns send 7
    /// (docs/observed/README.md, divergence 17).
    pub struct EnrollmentTypes {
        PFX = 1,
        CSR = 2,
        CSR_GENERATION = 4 | "CsrGeneration",
    }
}

impl EnrollmentTypes {
    /// PFX enrollment, which renewal uses.
    pub fn pfx(self) -> bool {
        self.0 & Self::PFX != 0
    }

    pub fn csr(self) -> bool {
        self.0 & Self::CSR != 0
    }

    pub fn csr_generation(self) -> bool {
        self.0 & Self::CSR_GENERATION != 0
    }
}

/// `GET /CertificateAuthority` (`CertificateAuthorityResponse`, abridged).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateAuthority {
    pub id: i32,
    pub host_name: Option<String>,
    pub logical_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed_enrollment_types: EnrollmentTypes,
    #[serde(default, deserialize_with = "null_as_default")]
    pub standalone: bool,
    /// v25 only; absent on older servers.
    pub use_for_enrollment: Option<bool>,
}

impl CertificateAuthority {
    /// The value renewal and reenrollment take as `CertificateAuthority`: `host\logical` (one backslash;
    /// JSON encodes it as `\\`). `None` when Keyfactor left either half empty.
    pub fn enrollment_name(&self) -> Option<String> {
        let host = self
            .host_name
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())?;
        let logical = self
            .logical_name
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())?;
        Some(format!("{host}\\{logical}"))
    }
}

/// `GET /Templates` (`TemplateCollectionRetrievalResponse`, abridged).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    pub id: i32,
    /// The template *short* name: what `POST /Enrollment/Renew` expects as `Template`.
    pub common_name: Option<String>,
    pub template_name: Option<String>,
    /// What people recognise; never send it as `Template`.
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub requires_approval: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed_enrollment_types: EnrollmentTypes,
}

/// `GET /EnrollmentPatterns` (v25 `EnrollmentPatternResponse`, abridged).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnrollmentPattern {
    /// What v25 renewal and reenrollment take as `EnrollmentPatternId`.
    pub id: i32,
    pub name: Option<String>,
    pub description: Option<String>,
    pub template: Option<EnrollmentPatternTemplate>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub template_default: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed_enrollment_types: EnrollmentTypes,
    #[serde(rename = "RestrictCAs", default, deserialize_with = "null_as_default")]
    pub restrict_cas: bool,
}

/// The template behind an enrollment pattern (`EnrollmentPatternTemplateResponse`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnrollmentPatternTemplate {
    pub id: Option<i32>,
    pub template_name: Option<String>,
    pub common_name: Option<String>,
    pub friendly_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub requires_approval: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority(host: Option<&str>, logical: Option<&str>) -> CertificateAuthority {
        CertificateAuthority {
            id: 1,
            host_name: host.map(str::to_owned),
            logical_name: logical.map(str::to_owned),
            allowed_enrollment_types: EnrollmentTypes(1),
            standalone: false,
            use_for_enrollment: None,
        }
    }

    #[test]
    fn enrollment_name_joins_host_and_logical_name_with_one_backslash() {
        let ca = authority(Some("corpca01.keyexample.com"), Some("CorpIssuingCA1"));
        assert_eq!(
            ca.enrollment_name().as_deref(),
            Some(r"corpca01.keyexample.com\CorpIssuingCA1")
        );
        assert_eq!(
            serde_json::to_string(&ca.enrollment_name()).unwrap(),
            r#""corpca01.keyexample.com\\CorpIssuingCA1""#
        );
    }

    #[test]
    fn enrollment_name_needs_both_halves() {
        assert_eq!(
            authority(None, Some("CorpIssuingCA1")).enrollment_name(),
            None
        );
        assert_eq!(authority(Some("ca01"), Some("  ")).enrollment_name(), None);
    }

    #[test]
    fn enrollment_types_are_bits() {
        let both = EnrollmentTypes(3);
        assert!(both.pfx() && both.csr() && !both.csr_generation());
        let generation_and_pfx = EnrollmentTypes(5);
        assert!(
            generation_and_pfx.pfx()
                && !generation_and_pfx.csr()
                && generation_and_pfx.csr_generation()
        );
    }
}
