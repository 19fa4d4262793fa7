//! Enrollment sources beyond the caller's context: v25 enrollment patterns, and the orchestrators
//! (`GET /Agents`) that install what was enrolled.

use super::client::KeyfactorClient;
use super::error::ApiError;
use super::models::{Agent, EnrollmentPattern};
use super::query::{ListEndpoint, ListQuery};

/// Enough for one page of every pattern or agent a deployment has in practice.
const ALL_ON_ONE_PAGE: u32 = 200;

impl KeyfactorClient {
    /// `GET /EnrollmentPatterns` (v25 only).
    pub async fn enrollment_patterns(&self) -> Result<Vec<EnrollmentPattern>, ApiError> {
        let version = self.command_version().await?;
        let query = ListQuery {
            limit: ALL_ON_ONE_PAGE,
            ..ListQuery::default()
        };
        let params = query.to_params(ListEndpoint::EnrollmentPatterns, version);
        self.get_json("EnrollmentPatterns", &params).await
    }

    /// `GET /Agents`: the orchestrators, with when each was last seen.
    pub async fn agents(&self) -> Result<Vec<Agent>, ApiError> {
        let version = self.command_version().await?;
        let query = ListQuery {
            limit: ALL_ON_ONE_PAGE,
            ..ListQuery::default()
        };
        let params = query.to_params(ListEndpoint::Agents, version);
        self.get_json("Agents", &params).await
    }
}
