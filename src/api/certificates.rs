//! Certificate endpoints: `GET /Certificates/{id}` and the `GET /Certificates` search.

use super::error::ApiError;
use super::transport::{Keyfactor, Transport};
use crate::domain::models::Certificate;
use crate::domain::query::{ListEndpoint, ListQuery};

/// Rows per request when a whole list is read.
const PAGE_SIZE: u32 = 25;
/// A server that ignored `PageReturned` would otherwise be read forever.
const MAX_PAGES: u32 = 200;

/// Asks Keyfactor to include the stores a certificate is installed in.
fn with_locations() -> (String, String) {
    ("includeLocations".to_owned(), "true".to_owned())
}

impl<T: Transport> Keyfactor<T> {
    /// `GET /Certificates/{id}?includeLocations=true`: one certificate and where it is installed.
    pub async fn certificate_with_locations(&self, id: i32) -> Result<Certificate, ApiError> {
        let mut params = vec![with_locations()];
        params.extend(self.collection_query());
        let answer = self.get_json(&format!("Certificates/{id}"), &params).await;
        self.explain_collection_refusal(answer)
    }

    /// Every certificate `query` matches: page after page (`PageReturned`, `ReturnLimit`) until a short one.
    pub async fn all_certificates(&self, query: &ListQuery) -> Result<Vec<Certificate>, ApiError> {
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let rows = self
                .search_certificates(&ListQuery {
                    page,
                    limit: PAGE_SIZE,
                    ..query.clone()
                })
                .await?;
            let last = rows.len() < PAGE_SIZE as usize;
            all.extend(rows);
            if last {
                break;
            }
        }
        Ok(all)
    }

    /// `GET /Certificates`, one page, with each certificate's locations.
    pub async fn search_certificates(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<Certificate>, ApiError> {
        let mut params = vec![with_locations()];
        params.extend(self.collection_query());
        let answer = self
            .get_page(ListEndpoint::Certificates, query, &params)
            .await;
        self.explain_collection_refusal(answer)
    }
}
