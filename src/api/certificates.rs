//! Certificate endpoints: `GET /Certificates/{id}` and the `GET /Certificates` search.

use super::client::KeyfactorClient;
use super::error::ApiError;
use super::models::Certificate;
use super::query::{ListEndpoint, ListQuery};

/// Asks Keyfactor to include the stores a certificate is installed in.
fn with_locations() -> (String, String) {
    ("includeLocations".to_owned(), "true".to_owned())
}

impl KeyfactorClient {
    /// `GET /Certificates/{id}?includeLocations=true`: one certificate and where it is installed.
    pub async fn certificate_with_locations(&self, id: i32) -> Result<Certificate, ApiError> {
        self.get_json(&format!("Certificates/{id}"), &[with_locations()])
            .await
    }

    /// `GET /Certificates`, one page, with each certificate's locations.
    pub async fn search_certificates(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<Certificate>, ApiError> {
        self.get_page(ListEndpoint::Certificates, query, &[with_locations()])
            .await
    }
}
