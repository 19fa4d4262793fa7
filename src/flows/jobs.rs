use chrono::{DateTime, Utc};

use crate::api::error::ApiError;
use crate::api::transport::{Keyfactor, Transport};
use crate::domain::job_follow::{AgentReading, JobFollow};
use crate::domain::job_tracking::{AgentCheck, JobTarget, Observation, TrackingLimits};
use crate::domain::models::AgentJobType;

/// One look for `target`'s job: history first, the queue only while the job has not shown up in history.
/// `agent_job_types` is the orchestrator's job-type map where it has been read (else empty).
pub async fn observe_job<T: Transport>(
    api: &Keyfactor<T>,
    target: &JobTarget,
    known_id: Option<&str>,
    agent_job_types: &[AgentJobType],
    limits: &TrackingLimits,
) -> Result<Observation, ApiError> {
    let history = api.job_history(&target.history_query(known_id)).await?;
    let in_history = target
        .find_in_history(&history, known_id, agent_job_types, limits)
        .is_some();
    let scheduled = if in_history {
        Vec::new()
    } else {
        api.scheduled_jobs(&target.queue_query()).await?
    };
    Ok(target.observe(known_id, &scheduled, &history, agent_job_types, limits))
}

/// One poll of a followed job: the job as above, then its orchestrator only when `follow` says a reading is
/// due (the job waits and the last reading is old).
pub async fn poll_job<T: Transport>(
    api: &Keyfactor<T>,
    follow: &JobFollow,
    now: DateTime<Utc>,
) -> Result<(Observation, Option<AgentReading>), ApiError> {
    let target = follow.target();
    let observation = observe_job(
        api,
        target,
        follow.known_id(),
        follow.agent_job_types(),
        follow.limits(),
    )
    .await?;
    let due = follow.agent_read_due(&observation.phase, now);
    let agent = match target.agent_id.as_ref().filter(|_| due) {
        Some(agent_id) => {
            let agent = api.agent(agent_id).await?;
            Some(AgentReading {
                check: AgentCheck {
                    checked_at: now,
                    last_seen: agent.as_ref().and_then(|agent| agent.last_seen),
                },
                job_types: agent.map(|agent| agent.job_types).unwrap_or_default(),
            })
        }
        None => None,
    };
    Ok((observation, agent))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::scripted::{keyfactor, queued_job, run, Scripted};
    use crate::domain::command_version::CommandVersion;
    use crate::domain::job_category::JobCategory;
    use crate::domain::job_tracking::JobPhase;
    use crate::domain::polling::PollSchedule;
    use crate::domain::Guid;

    const MACHINE: &str = "web01.eu.keyexample.com";
    const PATH: &str = "/etc/nginx/tls/web01.pem";
    const AGENT: &str = "0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b";

    fn follow() -> JobFollow {
        let target = JobTarget {
            category: JobCategory::Reenrollment,
            client_machine: MACHINE.into(),
            store_path: PATH.into(),
            agent_id: Some(Guid::parse(AGENT).unwrap()),
            submitted_at: "2026-11-28T10:00:00Z".parse().unwrap(),
        };
        JobFollow::new(
            target,
            TrackingLimits::default(),
            PollSchedule::new(2_000, 30_000),
        )
    }

    fn running() -> serde_json::Value {
        json!([{
            "JobHistoryId": 1, "JobId": "job-1", "JobType": "PEMReenrollment", "ClientMachine": MACHINE,
            "StorePath": PATH, "OperationStart": "2026-11-28T10:00:03Z", "Status": "InProcess", "Result": "Unknown"
        }])
    }

    #[test]
    fn a_job_found_nowhere_yet_is_still_being_searched_for_without_the_orchestrator() {
        let api = keyfactor(
            Scripted::new(CommandVersion::default())
                .ok("GET", "OrchestratorJobs/JobHistory", json!([]))
                .ok("GET", "OrchestratorJobs/ScheduledJobs", json!([])),
        );
        let now = "2026-11-28T10:00:10Z".parse().unwrap();
        let (observation, agent) = run(poll_job(&api, &follow(), now)).unwrap();
        assert_eq!(observation.phase, JobPhase::Searching);
        assert!(agent.is_none());
    }

    #[test]
    fn a_job_in_history_needs_neither_the_queue_nor_the_orchestrator() {
        let api = keyfactor(Scripted::new(CommandVersion::default()).ok(
            "GET",
            "OrchestratorJobs/JobHistory",
            running(),
        ));
        let now = "2026-11-28T10:00:10Z".parse().unwrap();
        let (observation, agent) = run(poll_job(&api, &follow(), now)).unwrap();
        assert_eq!(observation.phase, JobPhase::InProcess);
        assert!(agent.is_none());
        assert_eq!(api.lines(), ["GET OrchestratorJobs/JobHistory"]);
        let query = api.sent()[0].param("pq.queryString").unwrap().to_owned();
        assert!(
            query.contains(AGENT) && query.contains("JobType -contains \"Reenrollment\""),
            "{query}"
        );
    }

    #[test]
    fn a_job_waiting_in_the_queue_has_its_orchestrator_read() {
        let queued = queued_job(MACHINE, PATH, "2026-11-28T10:00:02Z");
        let api = keyfactor(
            Scripted::new(CommandVersion::default())
                .ok("GET", "OrchestratorJobs/JobHistory", json!([]))
                .ok("GET", "OrchestratorJobs/ScheduledJobs", queued)
                .ok(
                    "GET",
                    "Agents",
                    json!([{ "AgentId": AGENT, "LastSeen": "2026-11-28T09:59:00Z" }]),
                ),
        );
        let now = "2026-11-28T10:00:10Z".parse().unwrap();
        let (observation, agent) = run(poll_job(&api, &follow(), now)).unwrap();
        assert_eq!(observation.phase, JobPhase::Scheduled);
        let agent = agent.expect("the orchestrator is read while the job waits");
        assert_eq!(agent.check.checked_at, now);
        assert!(agent.check.last_seen.is_some());
        assert_eq!(
            api.lines(),
            [
                "GET OrchestratorJobs/JobHistory",
                "GET OrchestratorJobs/ScheduledJobs",
                "GET Agents"
            ]
        );
    }
}
