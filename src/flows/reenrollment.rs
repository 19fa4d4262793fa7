use crate::api::error::ApiError;
use crate::api::transport::{Keyfactor, Transport};
use crate::domain::job_tracking::{JobPhase, JobTarget, TrackingLimits};
use crate::domain::models::ReenrollmentRequest;

use super::jobs::observe_job;

/// The job a reenrollment submit led to, and whether it is an earlier attempt's.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled {
    pub target: JobTarget,
    pub earlier: bool,
}

/// Sends the reenrollment (answered with 204 and no job id), unless `earlier`, an attempt whose answer was
/// lost, shows up as a job: then nothing is sent and that job is the one to follow.
pub async fn schedule_once<T: Transport>(
    api: &Keyfactor<T>,
    limits: &TrackingLimits,
    request: &ReenrollmentRequest,
    target: JobTarget,
    earlier: Option<JobTarget>,
) -> Result<Scheduled, ApiError> {
    if let Some(earlier) = earlier {
        let seen = observe_job(api, &earlier, None, &[], limits).await?;
        if seen.phase != JobPhase::Searching {
            return Ok(Scheduled {
                target: earlier,
                earlier: true,
            });
        }
    }
    api.schedule_reenrollment(request).await?;
    Ok(Scheduled {
        target,
        earlier: false,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::scripted::{keyfactor, queued_job, run, Scripted};
    use crate::domain::command_version::CommandVersion;
    use crate::domain::job_category::JobCategory;
    use crate::domain::models::ReenrollmentRequest;
    use crate::domain::reenrollment::ReenrollmentForm;
    use crate::domain::Guid;

    const MACHINE: &str = "web01.eu.keyexample.com";
    const PATH: &str = "/etc/nginx/tls/web01.pem";

    fn target(submitted_at: &str) -> JobTarget {
        JobTarget {
            category: JobCategory::Reenrollment,
            client_machine: MACHINE.into(),
            store_path: PATH.into(),
            agent_id: None,
            submitted_at: submitted_at.parse().unwrap(),
        }
    }

    fn request() -> ReenrollmentRequest {
        ReenrollmentForm {
            store_id: &Guid::parse("5a2f0e6b-1c3d-4e5f-8a9b-0c1d2e3f4a5b").unwrap(),
            agent_id: Some(&Guid::parse("0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b").unwrap()),
            subject_name: "CN=web01",
            alias: "web01",
            parameters: &[],
            profile: "",
            certificate_authority: "",
            version: CommandVersion::default(),
        }
        .to_request()
        .unwrap()
    }

    fn script() -> Scripted {
        Scripted::new(CommandVersion::default())
    }

    #[test]
    fn a_first_submit_schedules_without_looking_for_a_job() {
        let api = keyfactor(script().ok("POST", "CertificateStores/Reenrollment", json!(null)));
        let limits = TrackingLimits::default();
        let now = target("2026-11-28T10:00:00Z");
        let scheduled = run(schedule_once(&api, &limits, &request(), now.clone(), None)).unwrap();
        assert_eq!(
            scheduled,
            Scheduled {
                target: now,
                earlier: false
            }
        );
        assert_eq!(api.lines(), ["POST CertificateStores/Reenrollment"]);
        assert_eq!(
            api.sent()[0].body.as_ref().unwrap()["SubjectName"],
            "CN=web01"
        );
    }

    #[test]
    fn a_lost_attempt_whose_job_is_queued_is_followed_and_nothing_is_sent_again() {
        let queued = queued_job(MACHINE, PATH, "2026-11-28T10:00:02Z");
        let api = keyfactor(
            script()
                .ok("GET", "OrchestratorJobs/JobHistory", json!([]))
                .ok("GET", "OrchestratorJobs/ScheduledJobs", queued),
        );
        let limits = TrackingLimits::default();
        let earlier = target("2026-11-28T10:00:00Z");
        let retry = target("2026-11-28T10:05:00Z");
        let scheduled = run(schedule_once(
            &api,
            &limits,
            &request(),
            retry,
            Some(earlier.clone()),
        ))
        .unwrap();
        assert_eq!(
            scheduled,
            Scheduled {
                target: earlier,
                earlier: true
            }
        );
        assert_eq!(
            api.lines(),
            [
                "GET OrchestratorJobs/JobHistory",
                "GET OrchestratorJobs/ScheduledJobs"
            ]
        );
    }

    #[test]
    fn a_lost_attempt_with_no_job_anywhere_is_sent_again() {
        let api = keyfactor(
            script()
                .ok("GET", "OrchestratorJobs/JobHistory", json!([]))
                .ok("GET", "OrchestratorJobs/ScheduledJobs", json!([]))
                .ok("POST", "CertificateStores/Reenrollment", json!(null)),
        );
        let limits = TrackingLimits::default();
        let retry = target("2026-11-28T10:05:00Z");
        let earlier = Some(target("2026-11-28T10:00:00Z"));
        let scheduled = run(schedule_once(
            &api,
            &limits,
            &request(),
            retry.clone(),
            earlier,
        ))
        .unwrap();
        assert_eq!(
            scheduled,
            Scheduled {
                target: retry,
                earlier: false
            }
        );
        assert_eq!(
            api.lines().last().unwrap(),
            "POST CertificateStores/Reenrollment"
        );
    }

    #[test]
    fn a_failed_look_for_the_lost_job_sends_nothing() {
        let api = keyfactor(script().answer(
            "GET",
            "OrchestratorJobs/JobHistory",
            Err(ApiError::Timeout { after_ms: 1000 }),
        ));
        let limits = TrackingLimits::default();
        let earlier = Some(target("2026-11-28T10:00:00Z"));
        let error = run(schedule_once(
            &api,
            &limits,
            &request(),
            target("2026-11-28T10:05:00Z"),
            earlier,
        ));
        assert!(matches!(error, Err(ApiError::Timeout { .. })));
        assert_eq!(api.lines(), ["GET OrchestratorJobs/JobHistory"]);
    }
}
