//! Orchestrator job endpoints.

use super::client::KeyfactorClient;
use super::error::ApiError;
use crate::domain::models::{JobHistoryEntry, ScheduledJob};
use crate::domain::query::{ListEndpoint, ListQuery};

impl KeyfactorClient {
    /// `GET /OrchestratorJobs/JobHistory`, one page, spelled for the server's version.
    pub async fn job_history(&self, query: &ListQuery) -> Result<Vec<JobHistoryEntry>, ApiError> {
        self.get_page(ListEndpoint::JobHistory, query, &[]).await
    }

    /// `GET /OrchestratorJobs/ScheduledJobs`: jobs no orchestrator has picked up yet, one page.
    pub async fn scheduled_jobs(&self, query: &ListQuery) -> Result<Vec<ScheduledJob>, ApiError> {
        self.get_page(ListEndpoint::ScheduledJobs, query, &[]).await
    }
}
