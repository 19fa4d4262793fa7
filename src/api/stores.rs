//! Certificate store endpoints: the store search, one store, the store types, and scheduling a reenrollment.

use super::error::ApiError;
use super::transport::{Expect, Keyfactor, Transport};
use crate::domain::models::{
    CertificateStore, CertificateStoreType, ReenrollmentRequest, StoreInventoryEntry,
};
use crate::domain::query::{ListEndpoint, ListQuery};

/// Enough for every store type a Command installation defines, in one request.
const STORE_TYPES_PAGE: u32 = 200;

impl<T: Transport> Keyfactor<T> {
    /// `GET /CertificateStores`, one page.
    pub async fn search_stores(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<CertificateStore>, ApiError> {
        self.get_page(ListEndpoint::CertificateStores, query, &[])
            .await
    }

    /// `GET /CertificateStores/{id}`; `id` must already be a validated GUID.
    pub async fn store(&self, id: &crate::domain::Guid) -> Result<CertificateStore, ApiError> {
        self.get_json(&format!("CertificateStores/{}", id.as_str()), &[])
            .await
    }

    /// `GET /CertificateStores/{id}/Inventory`: the certificates the store's last inventory found.
    pub async fn store_inventory(
        &self,
        id: &crate::domain::Guid,
    ) -> Result<Vec<StoreInventoryEntry>, ApiError> {
        self.get_json(&format!("CertificateStores/{}/Inventory", id.as_str()), &[])
            .await
    }

    /// `GET /CertificateStoreTypes`: all of them, in one page.
    pub async fn store_types(&self) -> Result<Vec<CertificateStoreType>, ApiError> {
        let query = ListQuery {
            limit: STORE_TYPES_PAGE,
            ..ListQuery::default()
        };
        self.get_page(ListEndpoint::CertificateStoreTypes, &query, &[])
            .await
    }

    /// `POST /CertificateStores/Reenrollment`: 204, no job id (follow it with `crate::domain::job_tracking`).
    pub async fn schedule_reenrollment(
        &self,
        request: &ReenrollmentRequest,
    ) -> Result<(), ApiError> {
        self.post(
            "CertificateStores/Reenrollment",
            &[],
            request,
            Expect::NoContent,
        )
        .await
    }
}
