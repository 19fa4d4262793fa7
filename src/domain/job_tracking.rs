//! Following an orchestrator job the portal has no id for. `POST /CertificateStores/Reenrollment` answers
//! 204 without a job id (and Replace/Deploy name stores, not jobs), so the job is recognised in
//! `ScheduledJobs` (not picked up yet) and `JobHistory` (started or finished) by its category, the store's
//! client machine and path, and a time no earlier than the submission, allowing for clock skew between
//! the browser and Command. Once recognised, its job id pins it down.
//!
//! The queries rely only on what is known to work on real servers (docs/observed/README.md, section 2,
//! "Query-language semantics"): `AgentId -eq` (the store's orchestrator, a GUID the portal has) and
//! `JobType -contains "<category>"` (job types are store-type specific, e.g. `WinCertReenrollment`, and
//! whether `-eq "Reenrollment"` matches them is unknown; Keyfactor's own scripts use `-contains`), then
//! `JobId -eq` once the id is known. Whether the field `Agent` means the orchestrator or the store host is
//! unknown, so it is never sent; every row is checked here (category, client machine, store path, time)
//! before it is believed.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use crate::domain::job_category::JobCategory;
use crate::domain::models::{
    wire_time, AgentJobType, JobHistoryEntry, JobResult, JobStatus, ScheduledJob,
};
use crate::domain::query::{ListQuery, QueryExpr, TextOp};
use crate::domain::text::percent_encode;
use crate::domain::Guid;

/// Rows read per list: a store rarely has more than a few jobs since the submission.
const JOBS_PER_READ: u32 = 20;

/// "A job of category X on store (ClientMachine, StorePath), run by orchestrator A, submitted at T".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobTarget {
    pub category: JobCategory,
    pub client_machine: String,
    pub store_path: String,
    /// The store's orchestrator (`AgentId`): narrows the job lists to its jobs and tells whether it is
    /// online. `None` for a store without one, whose jobs are then looked for by category alone.
    pub agent_id: Option<Guid>,
    /// The browser's clock when the request was sent.
    pub submitted_at: DateTime<Utc>,
}

/// The bounds of tracking; all have defaults suited to orchestrators that check in every few minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackingLimits {
    /// How far Command's clock may lag the browser's and a job still count as ours.
    pub clock_skew: Duration,
    /// After this long without any matching job, tracking stops and says what it searched.
    pub not_found_after: Duration,
    /// An orchestrator not seen for this long is taken to be offline.
    pub agent_silent_after: Duration,
    /// How often the orchestrator's `LastSeen` is re-read while a job waits.
    pub agent_recheck_every: Duration,
}

impl Default for TrackingLimits {
    fn default() -> Self {
        Self {
            clock_skew: Duration::minutes(2),
            not_found_after: Duration::minutes(3),
            agent_silent_after: Duration::minutes(15),
            agent_recheck_every: Duration::minutes(1),
        }
    }
}

/// Where the job stands, as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobPhase {
    /// Not in either list yet.
    Searching,
    /// Listed in `ScheduledJobs`: no orchestrator has picked it up.
    Scheduled,
    Waiting,
    InProcess,
    /// `CompletedWillRetry`: this attempt ended, the orchestrator will try again (not final).
    Retrying {
        message: Option<String>,
    },
    /// `Completed` or `Acknowledged`: `result` is the outcome.
    Finished {
        result: JobResult,
        message: Option<String>,
    },
}

impl JobPhase {
    fn from_history(entry: &JobHistoryEntry) -> Self {
        match entry.status {
            JobStatus::Completed | JobStatus::Acknowledged => Self::Finished {
                result: entry.result.clone(),
                message: entry.message.clone(),
            },
            JobStatus::CompletedWillRetry => Self::Retrying {
                message: entry.message.clone(),
            },
            JobStatus::InProcess => Self::InProcess,
            JobStatus::Waiting | JobStatus::Unknown | JobStatus::Other(_) => Self::Waiting,
        }
    }

    /// Polling stops here: only a completed (or acknowledged) job is final, never a retry.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Finished { .. })
    }

    /// Still queued for the orchestrator: the phase in which an offline orchestrator shows.
    pub fn is_waiting(&self) -> bool {
        matches!(self, Self::Scheduled | Self::Waiting)
    }

    /// How far along the scheduled → waiting → running → completed line the job is (0–3).
    pub fn step(&self) -> u8 {
        match self {
            Self::Searching => 0,
            Self::Scheduled | Self::Waiting => 1,
            Self::InProcess | Self::Retrying { .. } => 2,
            Self::Finished { .. } => 3,
        }
    }
}

impl fmt::Display for JobPhase {
    /// The sentence announced when the job reaches this phase.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Searching => f.write_str("Looking for the job in Keyfactor."),
            Self::Scheduled => {
                f.write_str("The job is scheduled and waits for the orchestrator to pick it up.")
            }
            Self::Waiting => f.write_str("The job is waiting for the orchestrator."),
            Self::InProcess => f.write_str("The orchestrator is running the job."),
            Self::Retrying { .. } => {
                f.write_str("The attempt did not finish; the orchestrator will retry the job.")
            }
            Self::Finished { result, .. } => match result {
                JobResult::Success => f.write_str("The job completed successfully."),
                JobResult::Warning => f.write_str("The job completed with a warning."),
                JobResult::Failure => f.write_str("The job failed."),
                other => write!(f, "The job completed; its result is {other}."),
            },
        }
    }
}

/// One look at the two job lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The job id once the job has been seen, to follow exactly that job from then on.
    pub job_id: Option<String>,
    pub phase: JobPhase,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
}

impl JobTarget {
    fn earliest_accepted(&self, limits: &TrackingLimits) -> DateTime<Utc> {
        self.submitted_at - limits.clock_skew
    }

    fn is_on_this_store(
        &self,
        job_type: Option<&str>,
        client_machine: Option<&str>,
        store_path: Option<&str>,
        agent_job_types: &[AgentJobType],
    ) -> bool {
        let same = |actual: Option<&str>, expected: &str, ignore_case: bool| {
            actual.map(str::trim).is_some_and(|actual| {
                if ignore_case {
                    actual.eq_ignore_ascii_case(expected.trim())
                } else {
                    actual == expected.trim()
                }
            })
        };
        // Host names are case-insensitive; store paths may not be (Linux file systems).
        job_type.is_some_and(|job_type| self.category.includes(job_type, agent_job_types))
            && same(client_machine, &self.client_machine, true)
            && same(store_path, &self.store_path, false)
    }

    /// `GET /OrchestratorJobs/JobHistory`: the job's own rows once its id is known, else this
    /// orchestrator's jobs of this category, newest first.
    pub fn history_query(&self, known_id: Option<&str>) -> ListQuery {
        let conditions = match known_id {
            Some(id) => vec![QueryExpr::text("JobId", TextOp::Equals, id)],
            None => self.search_conditions(),
        };
        ListQuery {
            limit: JOBS_PER_READ,
            sort_field: Some("OperationStart".into()),
            sort_ascending: false,
            ..ListQuery::matching(&conditions)
        }
    }

    /// `GET /OrchestratorJobs/ScheduledJobs`: this orchestrator's queued jobs of this category (the form
    /// of Keyfactor's own 10.3 script: `AgentID -eq … AND JobType -contains …`).
    pub fn queue_query(&self) -> ListQuery {
        ListQuery {
            limit: JOBS_PER_READ,
            ..ListQuery::matching(&self.search_conditions())
        }
    }

    fn search_conditions(&self) -> Vec<QueryExpr> {
        let agent = self
            .agent_id
            .as_ref()
            .map(|agent| QueryExpr::text("AgentId", TextOp::Equals, agent.to_string()));
        agent
            .into_iter()
            .chain([QueryExpr::text(
                "JobType",
                TextOp::Contains,
                self.category.name(),
            )])
            .collect()
    }

    /// The `ScheduledJobs` row of this job: by id once known, else the first one requested after submission.
    pub fn find_scheduled<'a>(
        &self,
        jobs: &'a [ScheduledJob],
        known_id: Option<&str>,
        agent_job_types: &[AgentJobType],
        limits: &TrackingLimits,
    ) -> Option<&'a ScheduledJob> {
        if let Some(id) = known_id {
            if let Some(job) = jobs.iter().find(|job| Guid::same(&job.id, id)) {
                return Some(job);
            }
        }
        let earliest = self.earliest_accepted(limits);
        jobs.iter()
            .filter(|job| {
                self.is_on_this_store(
                    job.job_type.as_deref(),
                    job.client_machine.as_deref(),
                    job.target.as_deref(),
                    agent_job_types,
                )
            })
            .filter_map(|job| Some((wire_time::parse(job.requested.as_deref()?)?, job)))
            .filter(|(requested, _)| *requested >= earliest)
            .min_by_key(|(requested, _)| *requested)
            .map(|(_, job)| job)
    }

    /// The `JobHistory` row of this job: by id once known (the latest row of that job, as a retried job
    /// may have several), else the first one started after submission.
    pub fn find_in_history<'a>(
        &self,
        rows: &'a [JobHistoryEntry],
        known_id: Option<&str>,
        agent_job_types: &[AgentJobType],
        limits: &TrackingLimits,
    ) -> Option<&'a JobHistoryEntry> {
        if let Some(id) = known_id {
            let latest = rows
                .iter()
                .filter(|row| {
                    row.job_id
                        .as_deref()
                        .is_some_and(|job_id| Guid::same(job_id, id))
                })
                .max_by_key(|row| row.job_history_id);
            if latest.is_some() {
                return latest;
            }
        }
        let earliest = self.earliest_accepted(limits);
        rows.iter()
            .filter(|row| {
                self.is_on_this_store(
                    row.job_type.as_deref(),
                    row.client_machine.as_deref(),
                    row.store_path.as_deref(),
                    agent_job_types,
                )
            })
            .filter(|row| row.operation_start.is_some_and(|start| start >= earliest))
            .min_by_key(|row| (row.operation_start, row.job_history_id))
    }

    /// Reads both lists. History wins: a job there has been picked up, whatever the queue still says.
    pub fn observe(
        &self,
        known_id: Option<&str>,
        scheduled: &[ScheduledJob],
        history: &[JobHistoryEntry],
        agent_job_types: &[AgentJobType],
        limits: &TrackingLimits,
    ) -> Observation {
        if let Some(row) = self.find_in_history(history, known_id, agent_job_types, limits) {
            return Observation {
                job_id: row.job_id.clone().or_else(|| known_id.map(str::to_owned)),
                phase: JobPhase::from_history(row),
                started: row.operation_start,
                ended: row.operation_end,
            };
        }
        if let Some(job) = self.find_scheduled(scheduled, known_id, agent_job_types, limits) {
            return Observation {
                job_id: Some(job.id.clone()),
                phase: JobPhase::Scheduled,
                started: None,
                ended: None,
            };
        }
        Observation {
            job_id: known_id.map(str::to_owned),
            phase: if known_id.is_some() {
                // Seen before but in neither list this time: it moved between the lists mid-read.
                JobPhase::Scheduled
            } else {
                JobPhase::Searching
            },
            started: None,
            ended: None,
        }
    }

    /// What the portal searched for, for the "no job found" message.
    pub fn search_description(&self, limits: &TrackingLimits) -> String {
        format!(
            "a {} job (of any store type) on {} for the store path {}, requested or started after {} (the time of submission minus {} minutes for clock differences), in Keyfactor's scheduled jobs and job history",
            self.category.name(),
            self.client_machine,
            self.store_path,
            crate::domain::display::second(self.earliest_accepted(limits)),
            limits.clock_skew.num_minutes()
        )
    }
}

/// What to do after an observation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    KeepPolling,
    /// The job reached a final state.
    Finished,
    /// The job waits and its orchestrator has not checked in for a while: it will not run soon.
    AgentLooksOffline {
        last_seen: Option<DateTime<Utc>>,
    },
    /// No matching job appeared within `not_found_after`.
    NotFound,
}

/// What the orchestrator's `GET /Agents` row said, when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentCheck {
    pub checked_at: DateTime<Utc>,
    /// `None`: the orchestrator has never checked in, or is no longer listed.
    pub last_seen: Option<DateTime<Utc>>,
}

impl JobTarget {
    pub fn verdict(
        &self,
        phase: &JobPhase,
        agent: Option<AgentCheck>,
        now: DateTime<Utc>,
        limits: &TrackingLimits,
    ) -> Verdict {
        if phase.is_terminal() {
            return Verdict::Finished;
        }
        if *phase == JobPhase::Searching && now - self.submitted_at >= limits.not_found_after {
            return Verdict::NotFound;
        }
        if phase.is_waiting() {
            if let Some(agent) = agent {
                let silent = agent
                    .last_seen
                    .is_none_or(|seen| agent.checked_at - seen > limits.agent_silent_after);
                if silent {
                    return Verdict::AgentLooksOffline {
                        last_seen: agent.last_seen,
                    };
                }
            }
        }
        Verdict::KeepPolling
    }
}

/// Whether to (re-)read the orchestrator's `LastSeen` now: only while the job waits, and not more often
/// than `agent_recheck_every`.
pub fn agent_check_due(
    phase: &JobPhase,
    previous: Option<AgentCheck>,
    now: DateTime<Utc>,
    limits: &TrackingLimits,
) -> bool {
    phase.is_waiting()
        && previous.is_none_or(|check| now - check.checked_at >= limits.agent_recheck_every)
}

/// The jobs page's filter, kept in its URL (`?machine=…&path=…&type=…&page=…`) so it can be linked to.
/// Keyfactor is asked for the category (`JobType -contains`) and the store path (`TargetPath`, the query
/// name of a row's `StorePath`); the client machine is checked here only, because the one documented
/// machine field, `Agent`, may mean the orchestrator rather than the store host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobListFilter {
    pub client_machine: String,
    pub store_path: String,
    pub category: Option<JobCategory>,
    /// 1-based.
    pub page: u32,
}

impl JobListFilter {
    const MACHINE: &'static str = "machine";
    const PATH: &'static str = "path";
    const CATEGORY: &'static str = "type";
    const PAGE: &'static str = "page";
    /// The URL keys, for reading them from the router.
    pub const KEYS: [&'static str; 4] = [Self::MACHINE, Self::PATH, Self::CATEGORY, Self::PAGE];

    /// The jobs of one store, as the timeline links to them.
    pub fn for_store(target: &JobTarget) -> Self {
        Self {
            client_machine: target.client_machine.clone(),
            store_path: target.store_path.clone(),
            category: None,
            page: 1,
        }
    }

    /// Reads the URL's query pairs (already decoded); unknown keys, an unknown category and a bad page
    /// number are ignored.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut filter = Self {
            page: 1,
            ..Self::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                Self::MACHINE => filter.client_machine = value.to_owned(),
                Self::PATH => filter.store_path = value.to_owned(),
                Self::CATEGORY => filter.category = JobCategory::parse(value),
                Self::PAGE => filter.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                _ => {}
            }
        }
        filter
    }

    /// The query string (without `?`), percent-encoded, leaving out empty fields and page 1.
    pub fn to_url_query(&self) -> String {
        let page = (self.page > 1).then(|| self.page.to_string());
        [
            (Self::MACHINE, Some(self.client_machine.as_str())),
            (Self::PATH, Some(self.store_path.as_str())),
            (Self::CATEGORY, self.category.map(JobCategory::name)),
            (Self::PAGE, page.as_deref()),
        ]
        .into_iter()
        .filter_map(|(key, value)| {
            value
                .filter(|v| !v.is_empty())
                .map(|v| format!("{key}={}", percent_encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
    }

    /// One page of `limit` rows of `GET /OrchestratorJobs/JobHistory`, newest first.
    pub fn query(&self, limit: u32) -> ListQuery {
        let path = Some(self.store_path.trim())
            .filter(|path| !path.is_empty())
            .map(|path| QueryExpr::text("TargetPath", TextOp::Equals, path));
        let category = self
            .category
            .map(|category| QueryExpr::text("JobType", TextOp::Contains, category.name()));
        ListQuery {
            page: self.page,
            limit,
            sort_field: Some("OperationStart".into()),
            sort_ascending: false,
            ..ListQuery::matching(&path.into_iter().chain(category).collect::<Vec<_>>())
        }
    }

    /// Whether a row Keyfactor returned is one the filter asks for (`-contains` also matches names that
    /// merely contain the category, and the machine is not sent at all).
    pub fn keeps(&self, row: &JobHistoryEntry) -> bool {
        let machine = self.client_machine.trim();
        let path = self.store_path.trim();
        fn text(field: &Option<String>) -> &str {
            field.as_deref().unwrap_or_default().trim()
        }
        (machine.is_empty() || text(&row.client_machine).eq_ignore_ascii_case(machine))
            && (path.is_empty() || text(&row.store_path) == path)
            && self
                .category
                .is_none_or(|category| category.includes(text(&row.job_type), &[]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::models::UnknownValue;

    const MACHINE: &str = "web01.eu.keyexample.com";
    const PATH: &str = "/etc/ssl/certs/web01.pem";

    fn at(time: &str) -> DateTime<Utc> {
        time.parse().expect("valid time")
    }

    const AGENT: &str = "6f0b2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b";

    fn target() -> JobTarget {
        JobTarget {
            category: JobCategory::Reenrollment,
            agent_id: Some(Guid::parse(AGENT).unwrap()),
            client_machine: MACHINE.into(),
            store_path: PATH.into(),
            submitted_at: at("2025-06-01T10:00:00Z"),
        }
    }

    fn scheduled(
        id: &str,
        job_type: &str,
        machine: &str,
        path: &str,
        requested: &str,
    ) -> ScheduledJob {
        ScheduledJob {
            id: id.into(),
            client_machine: Some(machine.into()),
            target: Some(path.into()),
            job_type: Some(job_type.into()),
            requested: Some(requested.into()),
        }
    }

    fn history(
        history_id: i64,
        id: &str,
        (machine, path): (&str, &str),
        start: &str,
        (status, result): (JobStatus, JobResult),
        message: Option<&str>,
    ) -> JobHistoryEntry {
        JobHistoryEntry {
            job_history_id: history_id,
            job_id: Some(id.into()),
            // As real servers name them: store type short name + category (Command 10.3).
            job_type: Some("PEMReenrollment".into()),
            agent_machine: Some("uo-lnx01.eu.keyexample.com".into()),
            client_machine: Some(machine.into()),
            store_path: Some(path.into()),
            operation_start: Some(at(start)),
            operation_end: None,
            status,
            result,
            message: message.map(str::to_owned),
        }
    }

    const HERE: (&str, &str) = (MACHINE, PATH);
    const RUNNING: (JobStatus, JobResult) = (JobStatus::InProcess, JobResult::Unknown);

    #[test]
    fn a_scheduled_job_on_this_store_after_submission_is_found() {
        let limits = TrackingLimits::default();
        let jobs = [
            scheduled("old", "Reenrollment", MACHINE, PATH, "2025-06-01T09:00:00Z"),
            scheduled("inv", "Inventory", MACHINE, PATH, "2025-06-01T10:00:05Z"),
            scheduled(
                "other",
                "Reenrollment",
                "web02.eu.keyexample.com",
                PATH,
                "2025-06-01T10:00:05Z",
            ),
            scheduled(
                "otherpath",
                "Reenrollment",
                MACHINE,
                "/etc/ssl/certs/WEB01.pem",
                "2025-06-01T10:00:05Z",
            ),
            scheduled(
                "ours",
                "reenrollment",
                "WEB01.eu.keyexample.com",
                PATH,
                "2025-06-01T10:00:01",
            ),
        ];
        let found = target()
            .find_scheduled(&jobs, None, &[], &limits)
            .expect("found");
        assert_eq!(found.id, "ours");
    }

    #[test]
    fn clock_skew_is_tolerated_up_to_the_limit() {
        let limits = TrackingLimits::default();
        let lagging = [scheduled(
            "lag",
            "Reenrollment",
            MACHINE,
            PATH,
            "2025-06-01T09:58:30Z",
        )];
        assert!(target()
            .find_scheduled(&lagging, None, &[], &limits)
            .is_some());
        let too_old = [scheduled(
            "old",
            "Reenrollment",
            MACHINE,
            PATH,
            "2025-06-01T09:57:59Z",
        )];
        assert!(target()
            .find_scheduled(&too_old, None, &[], &limits)
            .is_none());
        let unreadable = [scheduled("x", "Reenrollment", MACHINE, PATH, "yesterday")];
        assert!(target()
            .find_scheduled(&unreadable, None, &[], &limits)
            .is_none());
    }

    #[test]
    fn history_ignores_earlier_runs_and_other_stores() {
        let limits = TrackingLimits::default();
        let rows = [
            history(1, "before", HERE, "2025-06-01T08:00:00Z", RUNNING, None),
            history(
                2,
                "elsewhere",
                ("web02.eu.keyexample.com", PATH),
                "2025-06-01T10:00:03Z",
                RUNNING,
                None,
            ),
            history(3, "ours", HERE, "2025-06-01T10:00:04Z", RUNNING, None),
            history(4, "later", HERE, "2025-06-01T10:05:00Z", RUNNING, None),
        ];
        let row = target()
            .find_in_history(&rows, None, &[], &limits)
            .expect("found");
        assert_eq!(row.job_id.as_deref(), Some("ours"));
    }

    #[test]
    fn a_known_id_is_followed_to_its_latest_row_whatever_the_case_of_its_guid() {
        const OURS: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        let limits = TrackingLimits::default();
        let rows = [
            history(
                7,
                OURS,
                HERE,
                "2025-06-01T10:00:04Z",
                (JobStatus::CompletedWillRetry, JobResult::Failure),
                Some("timed out"),
            ),
            history(
                9,
                OURS,
                HERE,
                "2025-06-01T10:00:08Z",
                (JobStatus::Completed, JobResult::Success),
                None,
            ),
            history(8, "sooner", HERE, "2025-06-01T10:00:02Z", RUNNING, None),
        ];
        let row = target()
            .find_in_history(&rows, Some(&OURS.to_uppercase()), &[], &limits)
            .expect("found");
        assert_eq!(row.job_history_id, 9);
    }

    #[test]
    fn scheduled_then_history_gives_the_timeline_phases() {
        let limits = TrackingLimits::default();
        let queue = [scheduled(
            "ours",
            "Reenrollment",
            MACHINE,
            PATH,
            "2025-06-01T10:00:01Z",
        )];
        let first = target().observe(None, &queue, &[], &[], &limits);
        assert_eq!(first.phase, JobPhase::Scheduled);
        assert_eq!(first.job_id.as_deref(), Some("ours"));

        let running = [history(
            3,
            "ours",
            HERE,
            "2025-06-01T10:00:04Z",
            RUNNING,
            None,
        )];
        // The queue may still list it for a moment; history wins.
        let second = target().observe(first.job_id.as_deref(), &queue, &running, &[], &limits);
        assert_eq!(second.phase, JobPhase::InProcess);
        assert_eq!(second.started, Some(at("2025-06-01T10:00:04Z")));

        let failed = [history(
            3,
            "ours",
            HERE,
            "2025-06-01T10:00:04Z",
            (JobStatus::Completed, JobResult::Failure),
            Some("Read-only file system"),
        )];
        let last = target().observe(second.job_id.as_deref(), &[], &failed, &[], &limits);
        assert_eq!(
            last.phase,
            JobPhase::Finished {
                result: JobResult::Failure,
                message: Some("Read-only file system".into())
            }
        );
        assert_eq!(last.phase.to_string(), "The job failed.");
    }

    #[test]
    fn nothing_seen_is_searching_and_a_vanished_known_job_is_still_queued() {
        let limits = TrackingLimits::default();
        assert_eq!(
            target().observe(None, &[], &[], &[], &limits).phase,
            JobPhase::Searching
        );
        assert_eq!(
            target().observe(Some("ours"), &[], &[], &[], &limits).phase,
            JobPhase::Scheduled
        );
    }

    #[test]
    fn only_completed_or_acknowledged_jobs_are_terminal() {
        let phase = |status| {
            JobPhase::from_history(&history(
                1,
                "j",
                HERE,
                "2025-06-01T10:00:04Z",
                (status, JobResult::Success),
                None,
            ))
        };
        assert!(phase(JobStatus::Completed).is_terminal());
        assert!(phase(JobStatus::Acknowledged).is_terminal());
        for status in [
            JobStatus::Unknown,
            JobStatus::Waiting,
            JobStatus::InProcess,
            JobStatus::CompletedWillRetry,
            JobStatus::Other(UnknownValue::Number(9)),
            JobStatus::Other(UnknownValue::Name("Paused".into())),
        ] {
            assert!(!phase(status.clone()).is_terminal(), "{status:?}");
        }
        assert!(matches!(
            phase(JobStatus::CompletedWillRetry),
            JobPhase::Retrying { .. }
        ));
    }

    #[test]
    fn a_silent_orchestrator_of_a_waiting_job_is_reported_offline() {
        let limits = TrackingLimits::default();
        let now = at("2025-06-01T10:01:00Z");
        let check = |last_seen: Option<&str>| AgentCheck {
            checked_at: now,
            last_seen: last_seen.map(at),
        };
        let offline = check(Some("2025-05-23T03:00:00Z"));
        assert_eq!(
            target().verdict(&JobPhase::Scheduled, Some(offline), now, &limits),
            Verdict::AgentLooksOffline {
                last_seen: offline.last_seen
            }
        );
        assert_eq!(
            target().verdict(&JobPhase::Waiting, Some(check(None)), now, &limits),
            Verdict::AgentLooksOffline { last_seen: None }
        );
        let online = check(Some("2025-06-01T10:00:30Z"));
        assert_eq!(
            target().verdict(&JobPhase::Scheduled, Some(online), now, &limits),
            Verdict::KeepPolling
        );
        // A running job's orchestrator is evidently there.
        assert_eq!(
            target().verdict(&JobPhase::InProcess, Some(offline), now, &limits),
            Verdict::KeepPolling
        );
        assert_eq!(
            target().verdict(&JobPhase::Scheduled, None, now, &limits),
            Verdict::KeepPolling
        );
    }

    #[test]
    fn no_job_within_the_bound_is_not_found_and_says_what_was_searched() {
        let limits = TrackingLimits::default();
        let target = target();
        let soon = target.submitted_at + Duration::minutes(2);
        let late = target.submitted_at + Duration::minutes(3);
        assert_eq!(
            target.verdict(&JobPhase::Searching, None, soon, &limits),
            Verdict::KeepPolling
        );
        assert_eq!(
            target.verdict(&JobPhase::Searching, None, late, &limits),
            Verdict::NotFound
        );
        assert_eq!(
            target.verdict(&JobPhase::Scheduled, None, late, &limits),
            Verdict::KeepPolling
        );
        let finished = JobPhase::Finished {
            result: JobResult::Success,
            message: None,
        };
        assert_eq!(
            target.verdict(&finished, None, late, &limits),
            Verdict::Finished
        );
        let description = target.search_description(&limits);
        assert!(
            description.contains("Reenrollment job (of any store type) on web01.eu.keyexample.com"),
            "{description}"
        );
        assert!(
            description.contains("/etc/ssl/certs/web01.pem"),
            "{description}"
        );
        assert!(
            description.contains("2025-06-01 09:58:00 UTC"),
            "{description}"
        );
    }

    #[test]
    fn the_orchestrator_is_rechecked_only_while_waiting_and_not_too_often() {
        let limits = TrackingLimits::default();
        let now = at("2025-06-01T10:01:00Z");
        let recent = AgentCheck {
            checked_at: now - Duration::seconds(20),
            last_seen: Some(now),
        };
        let stale = AgentCheck {
            checked_at: now - Duration::seconds(61),
            last_seen: Some(now),
        };
        assert!(agent_check_due(&JobPhase::Scheduled, None, now, &limits));
        assert!(!agent_check_due(
            &JobPhase::Scheduled,
            Some(recent),
            now,
            &limits
        ));
        assert!(agent_check_due(
            &JobPhase::Waiting,
            Some(stale),
            now,
            &limits
        ));
        assert!(!agent_check_due(&JobPhase::InProcess, None, now, &limits));
        assert!(!agent_check_due(&JobPhase::Searching, None, now, &limits));
    }

    #[test]
    fn the_jobs_filter_round_trips_through_the_url() {
        let filter = JobListFilter::for_store(&target());
        assert_eq!(
            filter.to_url_query(),
            "machine=web01.eu.keyexample.com&path=%2Fetc%2Fssl%2Fcerts%2Fweb01.pem"
        );
        let read = JobListFilter::from_query([
            ("machine", "web01.eu.keyexample.com"),
            ("path", "/etc/ssl/certs/web01.pem"),
            ("type", "Reenrollment"),
            ("page", "3"),
            ("utm", "x"),
        ]);
        assert_eq!(read.page, 3);
        assert_eq!(read.to_url_query(), "machine=web01.eu.keyexample.com&path=%2Fetc%2Fssl%2Fcerts%2Fweb01.pem&type=Reenrollment&page=3");
        assert_eq!(JobListFilter::from_query([("page", "0")]).page, 1);
        assert_eq!(
            JobListFilter::from_query([("page", "x")]).to_url_query(),
            ""
        );
    }

    #[test]
    fn the_jobs_filter_asks_for_category_and_path_and_checks_the_machine_itself() {
        let filter = JobListFilter::from_query([
            ("machine", " web01 "),
            ("path", "/etc/ssl/a.pem"),
            ("type", "reenrollment"),
        ]);
        assert_eq!(
            filter.query(25).query_string.as_deref(),
            Some(r#"TargetPath -eq "/etc/ssl/a.pem" AND JobType -contains "Reenrollment""#)
        );
        let row = |job_type: &str, machine: &str| JobHistoryEntry {
            job_type: Some(job_type.into()),
            client_machine: Some(machine.into()),
            store_path: Some("/etc/ssl/a.pem".into()),
            ..history(1, "j", HERE, "2025-06-01T10:00:00Z", RUNNING, None)
        };
        assert!(filter.keeps(&row("PEMReenrollment", "WEB01")));
        assert!(!filter.keeps(&row("PEMReenrollment", "web02")));
        assert!(!filter.keeps(&row("ReenrollmentAudit Inventory", "web01")));
        let everything = JobListFilter::from_query([("type", "WinCertInventory")]);
        assert_eq!(
            everything.category, None,
            "only generic names are categories"
        );
        assert_eq!(everything.query(25).query_string, None);
    }

    #[test]
    fn job_lists_are_searched_by_orchestrator_and_category_then_by_job_id() {
        let target = target();
        assert_eq!(
            target.history_query(None).query_string.as_deref(),
            Some(format!(r#"AgentId -eq "{AGENT}" AND JobType -contains "Reenrollment""#).as_str())
        );
        assert_eq!(
            target.queue_query().query_string,
            target.history_query(None).query_string
        );
        assert_eq!(
            target
                .history_query(Some("0b4b411a-4b26-4492-a575-a10adb43a08a"))
                .query_string
                .as_deref(),
            Some(r#"JobId -eq "0b4b411a-4b26-4492-a575-a10adb43a08a""#)
        );
        let without_agent = JobTarget {
            agent_id: None,
            ..target
        };
        assert_eq!(
            without_agent.queue_query().query_string.as_deref(),
            Some(r#"JobType -contains "Reenrollment""#)
        );
    }

    #[test]
    fn rows_of_other_categories_are_not_taken_for_the_job_even_if_the_server_returned_them() {
        let limits = TrackingLimits::default();
        // `JobType -contains "Reenrollment"` could return such a row; the category check drops it.
        let mut inventory = history(1, "inv", HERE, "2025-06-01T10:00:30Z", RUNNING, None);
        inventory.job_type = Some("ReenrollmentAuditInventory".into());
        assert!(target()
            .find_in_history(&[inventory], None, &[], &limits)
            .is_none());
        // The orchestrator's own map overrides the name's ending.
        let mut mapped = history(2, "ours", HERE, "2025-06-01T10:00:30Z", RUNNING, None);
        mapped.job_type = Some("Acme Renew".into());
        let map = [AgentJobType {
            name: Some("Acme Renew".into()),
            cert_store_job_type: Some("Reenrollment".into()),
        }];
        assert!(target()
            .find_in_history(std::slice::from_ref(&mapped), None, &map, &limits)
            .is_some());
        assert!(target()
            .find_in_history(&[mapped], None, &[], &limits)
            .is_none());
    }
}
