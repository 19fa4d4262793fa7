//! Orchestrator job endpoints.

use super::error::ApiError;
use super::transport::{Keyfactor, Transport};
use crate::domain::models::{JobHistoryEntry, ScheduledJob};
use crate::domain::query::{ListEndpoint, ListQuery};

impl<T: Transport> Keyfactor<T> {
    /// `GET /OrchestratorJobs/JobHistory`, one page, spelled for the server's version.
    pub async fn job_history(&self, query: &ListQuery) -> Result<Vec<JobHistoryEntry>, ApiError> {
        self.get_page(ListEndpoint::JobHistory, query, &[]).await
    }

    /// `GET /OrchestratorJobs/ScheduledJobs`: jobs no orchestrator has picked up yet, one page.
    pub async fn scheduled_jobs(&self, query: &ListQuery) -> Result<Vec<ScheduledJob>, ApiError> {
        self.get_page(ListEndpoint::ScheduledJobs, query, &[]).await
    }
}
