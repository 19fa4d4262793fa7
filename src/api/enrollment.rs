//! Renewal and PFX management endpoints (`/Enrollment/…`).

use super::client::KeyfactorClient;
use super::error::ApiError;
use super::models::{
    AvailableRenewal, EnrollmentContext, EnrollmentManagementRequest, EnrollmentManagementResponse,
    ExistingEnrollmentManagementRequest, RenewalRequest, RenewalResponse,
};

/// API paths of the renewal flow, shared with the "copy as API call" text.
pub const RENEW_PATH: &str = "Enrollment/Renew";
pub const REPLACE_PATH: &str = "Enrollment/PFX/Replace";
pub const DEPLOY_PATH: &str = "Enrollment/PFX/Deploy";

impl KeyfactorClient {
    /// `GET /Enrollment/AvailableRenewal/Id/{id}` or `…/Thumbprint/{thumbprint}`; `path` from
    /// `domain::renewal::available_renewal_path`.
    pub async fn available_renewal(&self, path: &str) -> Result<AvailableRenewal, ApiError> {
        self.get_json(path, &[]).await
    }

    /// `POST /Enrollment/Renew`. Never retried: a second request would issue a second certificate.
    pub async fn renew(&self, request: &RenewalRequest) -> Result<RenewalResponse, ApiError> {
        self.post_json(RENEW_PATH, &[], request).await
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
}
