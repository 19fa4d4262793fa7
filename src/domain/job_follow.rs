//! Following one job as a state machine: what the timeline shows and what the poller does next. The
//! browser hook (`hooks/use_job_polling.rs`) only reads Keyfactor when told to and reports what it found;
//! every decision (backoff, when to read the orchestrator, when to stop, what to announce) is made here,
//! where it is tested natively, transition by transition.

use chrono::{DateTime, Utc};

use crate::domain::job_tracking::{
    agent_check_due, AgentCheck, JobPhase, JobTarget, Observation, TrackingLimits, Verdict,
};
use crate::domain::models::AgentJobType;
use crate::domain::polling::PollSchedule;

/// What the poller does after a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Read again after this many milliseconds.
    PollAfter(u32),
    /// Stop: the job ended, or polling waits for "Check again".
    Stop,
}

/// What one read of the orchestrator (`GET /Agents`) found, when one was due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentReading {
    pub check: AgentCheck,
    /// Its job-type map (Command 25.x), for telling job categories apart.
    pub job_types: Vec<AgentJobType>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobFollow {
    target: JobTarget,
    limits: TrackingLimits,
    schedule: PollSchedule,
    observation: Observation,
    verdict: Verdict,
    /// Polls since the phase last changed (or since the last failure series began): the backoff position.
    attempt: u32,
    agent_check: Option<AgentCheck>,
    agent_job_types: Vec<AgentJobType>,
    /// The latest transition, for a `role="status"` region; changes only when something moved.
    announcement: String,
}

impl JobFollow {
    /// Nothing seen yet; the first read is due at once.
    pub fn new(target: JobTarget, limits: TrackingLimits, schedule: PollSchedule) -> Self {
        Self {
            target,
            limits,
            schedule,
            observation: Observation {
                job_id: None,
                phase: JobPhase::Searching,
                started: None,
                ended: None,
            },
            verdict: Verdict::KeepPolling,
            attempt: 0,
            agent_check: None,
            agent_job_types: Vec::new(),
            announcement: String::new(),
        }
    }

    pub fn target(&self) -> &JobTarget {
        &self.target
    }

    pub fn limits(&self) -> &TrackingLimits {
        &self.limits
    }

    pub fn observation(&self) -> &Observation {
        &self.observation
    }

    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    pub fn announcement(&self) -> &str {
        &self.announcement
    }

    /// The job's id once it has been seen: from then on only that job is followed.
    pub fn known_id(&self) -> Option<&str> {
        self.observation.job_id.as_deref()
    }

    /// The orchestrator's job-type map, once it has been read.
    pub fn agent_job_types(&self) -> &[AgentJobType] {
        &self.agent_job_types
    }

    /// Whether the read about to be reported should include the orchestrator (only while the job waits,
    /// at most once per `agent_recheck_every`, and only for a store that has one).
    pub fn agent_read_due(&self, phase: &JobPhase, now: DateTime<Utc>) -> bool {
        self.target.agent_id.is_some()
            && agent_check_due(phase, self.agent_check, now, &self.limits)
    }

    /// A read succeeded: `observation` of the job lists, `agent` when the orchestrator was read too.
    pub fn observed(
        &mut self,
        observation: Observation,
        agent: Option<AgentReading>,
        now: DateTime<Utc>,
    ) -> Next {
        if let Some(reading) = agent {
            self.agent_check = Some(reading.check);
            if !reading.job_types.is_empty() {
                self.agent_job_types = reading.job_types;
            }
        }
        let verdict = self
            .target
            .verdict(&observation.phase, self.agent_check, now, &self.limits);
        if observation.phase != self.observation.phase {
            self.attempt = 0;
            self.announcement = observation.phase.to_string();
        } else {
            self.attempt += 1;
        }
        match &verdict {
            Verdict::AgentLooksOffline { .. } => {
                self.announcement =
                    "The orchestrator looks offline; the job is still waiting.".into()
            }
            Verdict::NotFound => {
                self.announcement = "No matching job was found in Keyfactor.".into()
            }
            Verdict::KeepPolling | Verdict::Finished => {}
        }
        self.observation = observation;
        self.verdict = verdict;
        self.next()
    }

    /// A read failed. A transient failure (server busy, network) is retried with backoff; any other waits
    /// for "Check again".
    pub fn read_failed(&mut self, transient: bool) -> Next {
        if transient {
            self.attempt += 1;
            Next::PollAfter(self.schedule.delay_ms(self.attempt))
        } else {
            Next::Stop
        }
    }

    /// "Check again" after polling stopped without a final state: the backoff and the orchestrator
    /// reading start afresh, what was seen of the job is kept.
    pub fn restart(&mut self) -> Next {
        self.attempt = 0;
        self.agent_check = None;
        self.verdict = Verdict::KeepPolling;
        Next::PollAfter(0)
    }

    fn next(&self) -> Next {
        match self.verdict {
            Verdict::KeepPolling => Next::PollAfter(self.schedule.delay_ms(self.attempt)),
            Verdict::Finished | Verdict::AgentLooksOffline { .. } | Verdict::NotFound => Next::Stop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job_category::JobCategory;
    use crate::domain::models::JobResult;
    use crate::domain::Guid;
    use chrono::Duration;

    const AGENT: &str = "6f0b2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b";

    fn at(seconds: i64) -> DateTime<Utc> {
        "2025-06-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(seconds)
    }

    fn follow() -> JobFollow {
        let target = JobTarget {
            category: JobCategory::Reenrollment,
            client_machine: "web01".into(),
            store_path: "/etc/ssl/a.pem".into(),
            agent_id: Some(Guid::parse(AGENT).unwrap()),
            submitted_at: at(0),
        };
        JobFollow::new(
            target,
            TrackingLimits::default(),
            PollSchedule::new(1_000, 8_000),
        )
    }

    fn seen(phase: JobPhase) -> Observation {
        Observation {
            job_id: Some("job-1".into()),
            phase,
            started: None,
            ended: None,
        }
    }

    fn nothing() -> Observation {
        Observation {
            job_id: None,
            phase: JobPhase::Searching,
            started: None,
            ended: None,
        }
    }

    fn online(at: DateTime<Utc>) -> AgentReading {
        AgentReading {
            check: AgentCheck {
                checked_at: at,
                last_seen: Some(at),
            },
            job_types: Vec::new(),
        }
    }

    #[test]
    fn a_job_seen_through_its_phases_announces_each_and_stops_at_the_end() {
        let mut follow = follow();
        assert_eq!(follow.known_id(), None);
        assert_eq!(
            follow.observed(nothing(), None, at(2)),
            Next::PollAfter(2_000)
        );
        assert_eq!(follow.announcement(), "", "nothing moved yet");
        assert_eq!(
            follow.observed(nothing(), None, at(4)),
            Next::PollAfter(4_000)
        );

        // Seen: the backoff starts over and the move is announced.
        assert_eq!(
            follow.observed(seen(JobPhase::Scheduled), Some(online(at(6))), at(6)),
            Next::PollAfter(1_000)
        );
        assert_eq!(follow.known_id(), Some("job-1"));
        assert!(follow.announcement().contains("scheduled"));
        assert_eq!(
            follow.observed(seen(JobPhase::InProcess), None, at(7)),
            Next::PollAfter(1_000)
        );
        assert_eq!(
            follow.observed(seen(JobPhase::InProcess), None, at(8)),
            Next::PollAfter(2_000)
        );
        let done = JobPhase::Finished {
            result: JobResult::Success,
            message: None,
        };
        assert_eq!(follow.observed(seen(done), None, at(10)), Next::Stop);
        assert_eq!(follow.verdict(), &Verdict::Finished);
        assert_eq!(follow.announcement(), "The job completed successfully.");
    }

    #[test]
    fn the_backoff_stops_growing_at_the_cap() {
        let mut follow = follow();
        let delays: Vec<Next> = (0..6)
            .map(|i| follow.observed(nothing(), None, at(i)))
            .collect();
        assert_eq!(
            delays,
            [2_000, 4_000, 8_000, 8_000, 8_000, 8_000].map(Next::PollAfter)
        );
    }

    #[test]
    fn the_orchestrator_is_read_only_while_the_job_waits_and_then_once_a_minute() {
        let mut follow = follow();
        assert!(!follow.agent_read_due(&JobPhase::Searching, at(1)));
        assert!(follow.agent_read_due(&JobPhase::Scheduled, at(1)));
        follow.observed(seen(JobPhase::Scheduled), Some(online(at(1))), at(1));
        assert!(!follow.agent_read_due(&JobPhase::Scheduled, at(30)));
        assert!(follow.agent_read_due(&JobPhase::Scheduled, at(61)));
        assert!(!follow.agent_read_due(&JobPhase::InProcess, at(200)));
        let without_orchestrator = JobFollow::new(
            JobTarget {
                agent_id: None,
                ..follow.target().clone()
            },
            TrackingLimits::default(),
            PollSchedule::new(1_000, 8_000),
        );
        assert!(!without_orchestrator.agent_read_due(&JobPhase::Scheduled, at(1)));
    }

    #[test]
    fn the_orchestrators_job_type_map_is_kept_once_read() {
        let mut follow = follow();
        let map = vec![AgentJobType {
            name: Some("PEM Reenrollment".into()),
            cert_store_job_type: Some("Reenrollment".into()),
        }];
        let reading = AgentReading {
            job_types: map.clone(),
            ..online(at(1))
        };
        follow.observed(seen(JobPhase::Scheduled), Some(reading), at(1));
        assert_eq!(follow.agent_job_types(), map.as_slice());
        // A later reading without a map (Command before 25) does not forget it.
        follow.observed(seen(JobPhase::Scheduled), Some(online(at(70))), at(70));
        assert_eq!(follow.agent_job_types(), map.as_slice());
    }

    #[test]
    fn a_silent_orchestrator_stops_polling_until_check_again() {
        let mut follow = follow();
        let silent = AgentReading {
            check: AgentCheck {
                checked_at: at(1),
                last_seen: Some(at(1) - Duration::hours(2)),
            },
            job_types: Vec::new(),
        };
        assert_eq!(
            follow.observed(seen(JobPhase::Scheduled), Some(silent), at(1)),
            Next::Stop
        );
        assert!(matches!(
            follow.verdict(),
            Verdict::AgentLooksOffline { .. }
        ));
        assert_eq!(
            follow.announcement(),
            "The orchestrator looks offline; the job is still waiting."
        );
        assert_eq!(follow.restart(), Next::PollAfter(0));
        assert_eq!(follow.verdict(), &Verdict::KeepPolling);
        assert_eq!(follow.known_id(), Some("job-1"), "what was seen is kept");
        assert!(
            follow.agent_read_due(&JobPhase::Scheduled, at(2)),
            "the orchestrator is read afresh"
        );
    }

    #[test]
    fn no_job_within_the_search_limit_stops_with_not_found() {
        let mut follow = follow();
        let limit = TrackingLimits::default().not_found_after.num_seconds();
        assert_eq!(
            follow.observed(nothing(), None, at(limit - 1)),
            Next::PollAfter(2_000)
        );
        assert_eq!(follow.observed(nothing(), None, at(limit)), Next::Stop);
        assert_eq!(follow.verdict(), &Verdict::NotFound);
        assert_eq!(
            follow.announcement(),
            "No matching job was found in Keyfactor."
        );
    }

    #[test]
    fn transient_failures_back_off_and_others_wait_for_check_again() {
        let mut follow = follow();
        assert_eq!(follow.read_failed(true), Next::PollAfter(2_000));
        assert_eq!(follow.read_failed(true), Next::PollAfter(4_000));
        assert_eq!(follow.read_failed(false), Next::Stop);
        // The next successful read continues where the job was.
        assert_eq!(
            follow.observed(seen(JobPhase::InProcess), None, at(5)),
            Next::PollAfter(1_000)
        );
        assert_eq!(follow.observation().phase, JobPhase::InProcess);
    }
}
