//! Orchestrator job progress: `GET /OrchestratorJobs/JobHistory` and `GET /OrchestratorJobs/ScheduledJobs`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::common::{null_as_default, wire_enum, wire_time};

wire_enum! {
    /// `OrchestratorJobStatusJobStatus`. Command 10.3 sends the names (`"Completed"`, `"InProcess"`),
    /// the specs the numbers (docs/observed/README.md, divergence 1).
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
    /// Whether polling can stop and [`JobResult`] is the outcome: `CompletedWillRetry` is not final.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Acknowledged)
    }
}

wire_enum! {
    /// `OrchestratorJobStatusJobResult`, by number or name (`"Success"`, `"Unknown"` on Command 10.3);
    /// 1 is undocumented and decodes as `Other`.
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
    use crate::domain::models::UnknownValue;

    fn status(json: &str) -> JobStatus {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn only_completed_and_acknowledged_are_final() {
        let finals: Vec<i64> = (0..=9)
            .filter(|code| status(&code.to_string()).is_final())
            .collect();
        assert_eq!(finals, [3, 4]);
    }

    #[test]
    fn statuses_and_results_decode_from_numbers_and_names_alike() {
        // Command 10.3 sends names; the specs (and the v25 fixtures Keyfactor wrote by hand) numbers.
        for (number, name) in [
            ("0", r#""Unknown""#),
            ("1", r#""Waiting""#),
            ("2", r#""InProcess""#),
            ("3", r#""Completed""#),
            ("4", r#""acknowledged""#),
            ("5", r#""CompletedWillRetry""#),
        ] {
            let by_number = status(number);
            assert!(!matches!(by_number, JobStatus::Other(_)), "{number}");
            assert_eq!(by_number, status(name), "{number} vs {name}");
        }
        assert_eq!(status(r#""3""#), JobStatus::Completed);
        assert_eq!(status(r#""in process""#), JobStatus::InProcess);
        let result = |json: &str| serde_json::from_str::<JobResult>(json).unwrap();
        assert_eq!(result(r#""Success""#), JobResult::Success);
        assert_eq!(result("2"), JobResult::Success);
        assert_eq!(result(r#""FAILURE""#), JobResult::Failure);
    }

    #[test]
    fn unknown_numbers_and_names_are_kept_and_shown() {
        assert_eq!(status("9"), JobStatus::Other(UnknownValue::Number(9)));
        assert_eq!(status("9").to_string(), "unknown (9)");
        assert_eq!(status(r#""Paused""#).to_string(), "unknown (Paused)");
        assert_eq!(
            serde_json::from_str::<JobResult>("1").unwrap().to_string(),
            "unknown (1)"
        );
        assert_eq!(
            JobStatus::CompletedWillRetry.to_string(),
            "completed, will retry"
        );
        // A value of another type is still a decode error, not a silent guess.
        assert!(serde_json::from_str::<JobStatus>("true").is_err());
    }

    #[test]
    fn a_recorded_command_10_3_row_decodes() {
        let row: JobHistoryEntry = serde_json::from_str(
            r#"{"JobHistoryId":2171,"AgentMachine":"COMMAND","JobId":"0b4b411a-4b26-4492-a575-a10adb43a08a","Schedule":{"Interval":{"Minutes":1}},"JobType":"WinCertInventory","OperationStart":"2023-05-06T00:30:00","OperationEnd":null,"Message":"","Result":"Unknown","Status":"InProcess","StorePath":"My","ClientMachine":"iistarget.boingy.com"}"#,
        )
        .unwrap();
        assert_eq!(row.status, JobStatus::InProcess);
        assert!(!row.is_final());
        assert_eq!(row.operation_end, None);
        assert_eq!(
            row.operation_start.unwrap().to_rfc3339(),
            "2023-05-06T00:30:00+00:00"
        );
    }
}
