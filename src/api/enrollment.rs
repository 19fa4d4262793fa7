//! Renewal and PFX management endpoints (`/Enrollment/…`).

use super::error::ApiError;
use super::transport::{Expect, Keyfactor, Transport};
use crate::domain::models::{
    AvailableRenewal, CertificateRef, EnrollmentContext, EnrollmentManagementRequest,
    EnrollmentManagementResponse, ExistingEnrollmentManagementRequest, RenewalRequest,
    RenewalResponse,
};
use crate::domain::renewal::{available_renewal_path, RenewalPlan};

/// API paths of the renewal flow, shared with the "copy as API call" text.
pub const RENEW_PATH: &str = "Enrollment/Renew";
pub const REPLACE_PATH: &str = "Enrollment/PFX/Replace";
pub const DEPLOY_PATH: &str = "Enrollment/PFX/Deploy";

impl<T: Transport> Keyfactor<T> {
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
            .post(RENEW_PATH, &self.collection_query(), request, Expect::Json)
            .await;
        self.explain_collection_refusal(answer)
    }

    /// `POST /Enrollment/PFX/Replace`: the new certificate into every store holding the old one.
    pub async fn replace_pfx(
        &self,
        request: &ExistingEnrollmentManagementRequest,
    ) -> Result<EnrollmentManagementResponse, ApiError> {
        self.post(REPLACE_PATH, &[], request, Expect::Json).await
    }

    /// `POST /Enrollment/PFX/Deploy`: the new certificate into the chosen stores.
    pub async fn deploy_pfx(
        &self,
        request: &EnrollmentManagementRequest,
    ) -> Result<EnrollmentManagementResponse, ApiError> {
        self.post(DEPLOY_PATH, &[], request, Expect::Json).await
    }

    /// `GET /Enrollment/PFX/Context/My`: the templates and CAs the caller may enroll with.
    pub async fn enrollment_context(&self) -> Result<EnrollmentContext, ApiError> {
        self.get_json("Enrollment/PFX/Context/My", &[]).await
    }
}
