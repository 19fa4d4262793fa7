//! Renewal and PFX management endpoints (`/Enrollment/…`).

use chrono::{DateTime, Utc};

use super::client::KeyfactorClient;
use super::error::ApiError;
use crate::domain::command_version::CommandVersion;
use crate::domain::enrollment_choices::EnrollmentChoices;
use crate::domain::models::{
    AvailableRenewal, Certificate, CertificateRef, EnrollmentContext, EnrollmentManagementRequest,
    EnrollmentManagementResponse, ExistingEnrollmentManagementRequest, RenewalRequest,
    RenewalResponse,
};
use crate::domain::query::ListQuery;
use crate::domain::renewal::{available_renewal_path, renewed_since_conditions, RenewalPlan};

/// What a renewal submit led to.
#[derive(Clone)]
pub enum RenewOutcome {
    Issued(RenewalResponse),
    /// An earlier attempt, whose answer was lost, had already renewed the certificate.
    AlreadyRenewed(Certificate),
}

/// API paths of the renewal flow, shared with the "copy as API call" text.
pub const RENEW_PATH: &str = "Enrollment/Renew";
pub const REPLACE_PATH: &str = "Enrollment/PFX/Replace";
pub const DEPLOY_PATH: &str = "Enrollment/PFX/Deploy";

impl KeyfactorClient {
    /// Which renewal Keyfactor offers for a certificate: `GET /Enrollment/AvailableRenewal/Id/{id}` or
    /// `…/Thumbprint/{thumbprint}`.
    pub async fn renewal_plan(
        &self,
        certificate: &CertificateRef,
    ) -> Result<RenewalPlan, ApiError> {
        let answer = self
            .get_json(
                &available_renewal_path(certificate),
                &self.collection_query(),
            )
            .await;
        let available: AvailableRenewal = self.explain_collection_refusal(answer)?;
        Ok(RenewalPlan::from_available(&available))
    }

    /// `POST /Enrollment/Renew`. Never retried: a second request would issue a second certificate.
    pub async fn renew(&self, request: &RenewalRequest) -> Result<RenewalResponse, ApiError> {
        let answer = self
            .post_json(RENEW_PATH, &self.collection_query(), request)
            .await;
        self.explain_collection_refusal(answer)
    }

    /// Renews `original`, unless a renewal sent at `unconfirmed` (whose answer was lost) is found to
    /// have gone through: then one `GET /Certificates` finds its certificate and nothing is sent.
    pub async fn renew_once(
        &self,
        request: &RenewalRequest,
        original: &Certificate,
        unconfirmed: Option<DateTime<Utc>>,
    ) -> Result<RenewOutcome, ApiError> {
        if let Some(sent_at) = unconfirmed {
            let query = ListQuery::matching(&renewed_since_conditions(original, sent_at));
            if let Some(renewed) = self.search_certificates(&query).await?.into_iter().next() {
                return Ok(RenewOutcome::AlreadyRenewed(renewed));
            }
        }
        self.renew(request).await.map(RenewOutcome::Issued)
    }

    /// `POST /Enrollment/PFX/Replace`: the new certificate into every store holding the old one.
    pub async fn replace_pfx(
        &self,
        request: &ExistingEnrollmentManagementRequest,
    ) -> Result<EnrollmentManagementResponse, ApiError> {
        self.post_json(REPLACE_PATH, &[], request).await
    }

    /// `POST /Enrollment/PFX/Deploy`: the new certificate into the chosen stores.
    pub async fn deploy_pfx(
        &self,
        request: &EnrollmentManagementRequest,
    ) -> Result<EnrollmentManagementResponse, ApiError> {
        self.post_json(DEPLOY_PATH, &[], request).await
    }

    /// `GET /Enrollment/PFX/Context/My`: the templates and CAs the caller may enroll with.
    pub async fn enrollment_context(&self) -> Result<EnrollmentContext, ApiError> {
        self.get_json("Enrollment/PFX/Context/My", &[]).await
    }

    /// The templates (≤ v24) or enrollment patterns (v25) the caller may enroll with, with their CAs.
    pub async fn enrollment_choices(
        &self,
        version: CommandVersion,
    ) -> Result<EnrollmentChoices, ApiError> {
        let context = self.enrollment_context().await?;
        if version.uses_enrollment_patterns() {
            let patterns = self.enrollment_patterns().await?;
            Ok(EnrollmentChoices::from_patterns(&context, &patterns))
        } else {
            Ok(EnrollmentChoices::from_templates(&context))
        }
    }
}
