//! Orchestrator job progress: `GET /OrchestratorJobs/JobHistory` and `GET /OrchestratorJobs/ScheduledJobs`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::common::{lenient_int_enum, null_as_default, wire_time};

lenient_int_enum! {
    /// `OrchestratorJobStatusJobStatus`.
    #[derive(Default)]
    pub enum JobStatus {
        #[default]
        Unknown = 0 => "unknown",
        Waiting = 1 => "waiting",
        InProcess = 2 => "in progress",
        Completed = 3 => "completed",
        Acknowledged = 4 => "acknowledged",
        /// Finished but will be retried: not final.
        CompletedWillRetry = 5 => "completed, will retry",
    }
}

impl JobStatus {
    /// Whether polling can stop and [`JobResult`] is the outcome (keyfactor-notes §2.6).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Acknowledged)
    }
}

lenient_int_enum! {
    /// `OrchestratorJobStatusJobResult`; 1 is undocumented and decodes as `Other(1)`.
    #[derive(Default)]
    pub enum JobResult {
        #[default]
        Unknown = 0 => "unknown",
        Success = 2 => "success",
        Warning = 3 => "warning",
        Failure = 4 => "failure",
    }
}

/// One row of `GET /OrchestratorJobs/JobHistory` (`JobHistoryResponse`, same in v10 and v25). There is no
/// store id: match jobs to stores by `ClientMachine` + `StorePath`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobHistoryEntry {
    pub job_history_id: i64,
    pub job_id: Option<String>,
    /// e.g. `Reenrollment`, `Management`, `Inventory`.
    pub job_type: Option<String>,
    pub agent_machine: Option<String>,
    pub client_machine: Option<String>,
    /// Spelled `StorePath` here, unlike the stores' `Storepath`.
    #[serde(rename = "StorePath")]
    pub store_path: Option<String>,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub operation_start: Option<DateTime<Utc>>,
    /// `null` while the job runs.
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub operation_end: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: JobStatus,
    #[serde(default, deserialize_with = "null_as_default")]
    pub result: JobResult,
    /// The orchestrator's text, e.g. why a job failed.
    pub message: Option<String>,
}

impl JobHistoryEntry {
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }
}

/// One row of `GET /OrchestratorJobs/ScheduledJobs` (`OrchestratorJobs.Job`): a job no orchestrator has
/// picked up yet.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduledJob {
    pub id: String,
    pub client_machine: Option<String>,
    /// The store path the job works on.
    pub target: Option<String>,
    pub job_type: Option<String>,
    /// When it was requested; a plain string in both specs, so kept as sent.
    pub requested: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_completed_and_acknowledged_are_final() {
        let finals: Vec<i64> = (0..=9)
            .filter(|&code| JobStatus::from(code).is_final())
            .collect();
        assert_eq!(finals, [3, 4]);
    }

    #[test]
    fn unknown_numbers_decode_and_display_as_unknown() {
        assert_eq!(
            serde_json::from_str::<JobStatus>("9").unwrap(),
            JobStatus::Other(9)
        );
        assert_eq!(JobStatus::Other(9).to_string(), "unknown (9)");
        assert_eq!(
            serde_json::from_str::<JobResult>("1").unwrap().to_string(),
            "unknown (1)"
        );
        assert_eq!(
            JobStatus::CompletedWillRetry.to_string(),
            "completed, will retry"
        );
    }
}
