//! Certificate requests waiting for approval (`docs/keyfactor.md`, "Requests waiting for approval"):
//! the pending and denied lists, one request's details, Approve and Deny.

use super::error::ApiError;
use super::transport::{read_all_pages, Expect, Keyfactor, Transport};
use crate::domain::models::{ApproveDenyResult, CertificateRequest, DenialRequest};
use crate::domain::query::{ListEndpoint, ListQuery};

/// Rows per request when a list is read whole.
const PAGE_SIZE: u32 = 50;
/// A server that ignored `PageReturned` would otherwise be read forever.
const MAX_PAGES: u32 = 20;

impl<T: Transport> Keyfactor<T> {
    /// `GET /Workflow/Certificates/Pending`, every page.
    pub async fn pending_requests(&self) -> Result<Vec<CertificateRequest>, ApiError> {
        self.all_requests(ListEndpoint::PendingRequests).await
    }

    /// `GET /Workflow/Certificates/Denied`, every page.
    pub async fn denied_requests(&self) -> Result<Vec<CertificateRequest>, ApiError> {
        self.all_requests(ListEndpoint::DeniedRequests).await
    }

    async fn all_requests(
        &self,
        endpoint: ListEndpoint,
    ) -> Result<Vec<CertificateRequest>, ApiError> {
        read_all_pages(
            &ListQuery::default(),
            PAGE_SIZE,
            MAX_PAGES,
            |page| async move { self.get_page(endpoint, &page, &[]).await },
        )
        .await
    }

    /// `GET /Workflow/Certificates/{id}`: the request with its denial comment and stores.
    pub async fn certificate_request(&self, id: i32) -> Result<CertificateRequest, ApiError> {
        self.get_json(&format!("Workflow/Certificates/{id}"), &[])
            .await
    }

    /// `POST /Workflow/Certificates/Approve`: the body is a bare array of request ids. An empty array
    /// approves nothing; the portal sends one only to learn whether the user may approve at all.
    pub async fn approve_requests(&self, ids: &[i32]) -> Result<ApproveDenyResult, ApiError> {
        self.post("Workflow/Certificates/Approve", &[], &ids, Expect::Json)
            .await
    }

    /// `POST /Workflow/Certificates/Deny` with the comment the requesters will read.
    pub async fn deny_requests(
        &self,
        request: &DenialRequest,
    ) -> Result<ApproveDenyResult, ApiError> {
        self.post("Workflow/Certificates/Deny", &[], request, Expect::Json)
            .await
    }
}
