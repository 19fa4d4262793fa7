//! Follows one orchestrator job the portal submitted without getting a job id: polls `ScheduledJobs` and
//! `JobHistory` with backoff, reads the orchestrator's `LastSeen` while the job waits, pauses while the tab
//! is hidden, resumes after transient errors, and stops at a final state or when the component goes away
//! (no request is sent after that; an in-flight one is aborted).

use std::sync::Arc;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::api::models::AgentJobType;
use crate::config::RuntimeConfig;
use crate::domain::job_tracking::{
    agent_check_due, AgentCheck, JobPhase, JobTarget, Observation, TrackingLimits, Verdict,
};
use crate::domain::polling::PollSchedule;

/// What the timeline shows.
#[derive(Clone, Copy)]
pub struct JobPolling {
    pub observation: ReadSignal<Observation>,
    pub verdict: ReadSignal<Verdict>,
    /// The last failed read; cleared by the next successful one.
    pub problem: ReadSignal<Option<ApiError>>,
    /// The latest transition, for a `role="status"` region (changes only when the job moves).
    pub announcement: ReadSignal<String>,
    /// Starts polling again after it stopped without a final state (orchestrator offline, not found, error).
    pub check_again: Callback<()>,
}

/// Everything one poll needs; cheap to clone into timers and tasks.
#[derive(Clone)]
struct Poller {
    client: KeyfactorClient,
    target: Arc<JobTarget>,
    schedule: PollSchedule,
    limits: TrackingLimits,
    /// Owns the running poll's task and requests: a child of the component, so unmounting aborts them.
    /// One for all polls, cleaned before each: a new child per poll would stay listed in the component's
    /// owner until it unmounts, growing memory with every poll of a long job.
    poll_owner: Owner,
    observation: RwSignal<Observation>,
    verdict: RwSignal<Verdict>,
    problem: RwSignal<Option<ApiError>>,
    announcement: RwSignal<String>,
    agent_check: StoredValue<Option<AgentCheck>>,
    /// The orchestrator's job-type map, once it has been read.
    agent_job_types: StoredValue<Vec<AgentJobType>>,
    /// Polls since the phase last changed: the backoff position.
    attempt: StoredValue<u32>,
    timer: StoredValue<Option<TimeoutHandle>>,
    /// A poll came due while the tab was hidden: run it when the tab is shown again.
    due_while_hidden: StoredValue<bool>,
}

impl Poller {
    fn run(&self) {
        if document().hidden() {
            self.due_while_hidden.set_value(true);
            return;
        }
        let poller = self.clone();
        // Cleaning first also cancels a poll still under way when "Check again" restarts polling.
        self.poll_owner.with_cleanup(|| {
            spawn_local_scoped_with_cancellation(async move { poller.poll().await });
        });
    }

    fn schedule_next(&self) {
        let delay = self.schedule.delay_ms(self.attempt.get_value());
        let poller = self.clone();
        let handle = set_timeout_with_handle(
            move || poller.run(),
            std::time::Duration::from_millis(delay.into()),
        )
        .ok();
        self.timer.set_value(handle);
    }

    async fn poll(self) {
        match self.read().await {
            Ok(reading) => self.record(reading),
            // Only when the page went away: nothing left to update.
            Err(ApiError::Cancelled) => {}
            Err(error) => {
                let transient = error.is_transient();
                self.problem.set(Some(error));
                if transient {
                    self.attempt.update_value(|attempt| *attempt += 1);
                    self.schedule_next();
                }
            }
        }
    }

    /// One look at the job: history first; the queue only until the job has shown up in history; the
    /// orchestrator only while the job waits, at most once a minute.
    async fn read(&self) -> Result<(Observation, Option<AgentCheck>), ApiError> {
        let known_id = self.observation.with_untracked(|o| o.job_id.clone());
        let agent_job_types = self.agent_job_types.get_value();
        let observation = observe_job(
            &self.client,
            &self.target,
            known_id.as_deref(),
            &agent_job_types,
            &self.limits,
        )
        .await?;
        let now = Utc::now();
        let previous = self.agent_check.get_value();
        let agent_check = match &self.target.agent_id {
            Some(agent_id) if agent_check_due(&observation.phase, previous, now, &self.limits) => {
                let agent = self.client.agent(agent_id).await?;
                if let Some(agent) = &agent {
                    self.agent_job_types.set_value(agent.job_types.clone());
                }
                Some(AgentCheck {
                    checked_at: now,
                    last_seen: agent.and_then(|agent| agent.last_seen),
                })
            }
            _ => previous,
        };
        Ok((observation, agent_check))
    }

    fn record(&self, (observation, agent_check): (Observation, Option<AgentCheck>)) {
        self.problem.set(None);
        self.agent_check.set_value(agent_check);
        let verdict =
            self.target
                .verdict(&observation.phase, agent_check, Utc::now(), &self.limits);
        let moved = self
            .observation
            .with_untracked(|previous| previous.phase != observation.phase);
        if moved {
            self.attempt.set_value(0);
            self.announcement.set(observation.phase.to_string());
        } else {
            self.attempt.update_value(|attempt| *attempt += 1);
        }
        match &verdict {
            Verdict::KeepPolling => self.schedule_next(),
            Verdict::AgentLooksOffline { .. } => self
                .announcement
                .set("The orchestrator looks offline; the job is still waiting.".into()),
            Verdict::NotFound => self
                .announcement
                .set("No matching job was found in Keyfactor.".into()),
            Verdict::Finished => {}
        }
        self.observation.set(observation);
        self.verdict.set(verdict);
    }

    fn restart(&self) {
        if let Some(timer) = self.timer.get_value() {
            timer.clear();
        }
        self.attempt.set_value(0);
        self.agent_check.set_value(None);
        self.problem.set(None);
        self.verdict.set(Verdict::KeepPolling);
        self.run();
    }
}

/// One look for `target`'s job: history first, the queue only while the job has not shown up in history.
/// `agent_job_types` is the orchestrator's job-type map where it has been read (else empty).
pub async fn observe_job(
    client: &KeyfactorClient,
    target: &JobTarget,
    known_id: Option<&str>,
    agent_job_types: &[AgentJobType],
    limits: &TrackingLimits,
) -> Result<Observation, ApiError> {
    let history = client.job_history(&target.history_query(known_id)).await?;
    let in_history = target
        .find_in_history(&history, known_id, agent_job_types, limits)
        .is_some();
    let scheduled = if in_history {
        Vec::new()
    } else {
        client.scheduled_jobs(&target.queue_query()).await?
    };
    Ok(target.observe(known_id, &scheduled, &history, agent_job_types, limits))
}

/// Starts following `target` at once. Its orchestrator is read only while the job waits.
pub fn use_job_polling(target: JobTarget) -> JobPolling {
    let config = expect_context::<RuntimeConfig>();
    let poller = Poller {
        client: expect_context::<KeyfactorClient>(),
        target: Arc::new(target),
        schedule: config.poll_schedule(),
        limits: config.tracking,
        poll_owner: Owner::current().unwrap_or_default().child(),
        observation: RwSignal::new(Observation {
            job_id: None,
            phase: JobPhase::Searching,
            started: None,
            ended: None,
        }),
        verdict: RwSignal::new(Verdict::KeepPolling),
        problem: RwSignal::new(None),
        announcement: RwSignal::new(String::new()),
        agent_check: StoredValue::new(None),
        agent_job_types: StoredValue::new(Vec::new()),
        attempt: StoredValue::new(0),
        timer: StoredValue::new(None),
        due_while_hidden: StoredValue::new(false),
    };

    let visibility = window_event_listener(leptos::ev::visibilitychange, {
        let poller = poller.clone();
        move |_| {
            if !document().hidden() && poller.due_while_hidden.get_value() {
                poller.due_while_hidden.set_value(false);
                poller.run();
            }
        }
    });
    let timer = poller.timer;
    on_cleanup(move || {
        visibility.remove();
        if let Some(timer) = timer.try_get_value().flatten() {
            timer.clear();
        }
    });

    poller.run();
    JobPolling {
        observation: poller.observation.read_only(),
        verdict: poller.verdict.read_only(),
        problem: poller.problem.read_only(),
        announcement: poller.announcement.read_only(),
        check_again: Callback::new(move |()| poller.restart()),
    }
}
