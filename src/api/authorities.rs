//! Enrollment sources beyond the caller's context: v25 enrollment patterns.

use super::error::ApiError;
use super::transport::{Keyfactor, Transport};
use crate::domain::models::EnrollmentPattern;
use crate::domain::query::{ListEndpoint, ListQuery};

/// Enough for one page of every pattern a deployment has in practice.
const ALL_ON_ONE_PAGE: u32 = 200;

impl<T: Transport> Keyfactor<T> {
    /// `GET /EnrollmentPatterns` (v25 only).
    pub async fn enrollment_patterns(&self) -> Result<Vec<EnrollmentPattern>, ApiError> {
        let query = ListQuery {
            limit: ALL_ON_ONE_PAGE,
            ..ListQuery::default()
        };
        self.get_page(ListEndpoint::EnrollmentPatterns, &query, &[])
            .await
    }
}
