//! Follows one orchestrator job the portal submitted without getting a job id: polls `ScheduledJobs` and
//! `JobHistory` with backoff, reads the orchestrator's `LastSeen` while the job waits, pauses while the tab
//! is hidden, resumes after transient errors, and stops at a final state or when the component goes away
//! (no request is sent after that; an in-flight one is aborted).

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::config::RuntimeConfig;
use crate::domain::job_follow::{JobFollow, Next};
use crate::domain::job_tracking::{JobTarget, Observation, Verdict};
use crate::flows::jobs::poll_job;

/// What the timeline shows.
#[derive(Clone, Copy)]
pub struct JobPolling {
    pub observation: Signal<Observation>,
    pub verdict: Signal<Verdict>,
    /// The last failed read; cleared by the next successful one.
    pub problem: ReadSignal<Option<ApiError>>,
    /// The latest transition, for a `role="status"` region (changes only when the job moves).
    pub announcement: Signal<String>,
    /// Starts polling again after it stopped without a final state (orchestrator offline, not found, error).
    pub check_again: Callback<()>,
}

/// Everything one poll needs; cheap to clone into timers and tasks. The decisions are `JobFollow`'s.
#[derive(Clone)]
struct Poller {
    client: KeyfactorClient,
    state: RwSignal<JobFollow>,
    problem: RwSignal<Option<ApiError>>,
    /// Owns the running poll's task and requests: a child of the component, so unmounting aborts them.
    /// One for all polls, cleaned before each: a new child per poll would stay listed in the component's
    /// owner until it unmounts, growing memory with every poll of a long job.
    poll_owner: Owner,
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

    /// Does what the state machine decided.
    fn follow_up(&self, next: Option<Next>) {
        if let Some(Next::PollAfter(delay)) = next {
            let poller = self.clone();
            let handle = set_timeout_with_handle(
                move || poller.run(),
                std::time::Duration::from_millis(delay.into()),
            )
            .ok();
            self.timer.set_value(handle);
        }
    }

    async fn poll(self) {
        let follow = self.state.get_untracked();
        let next = match poll_job(&self.client, &follow, Utc::now()).await {
            Ok((observation, agent)) => {
                self.problem.set(None);
                self.state
                    .try_update(|state| state.observed(observation, agent, Utc::now()))
            }
            // Only when the page went away: nothing left to update.
            Err(ApiError::Cancelled) => None,
            Err(error) => {
                let transient = error.is_transient();
                self.problem.set(Some(error));
                self.state.try_update(|state| state.read_failed(transient))
            }
        };
        self.follow_up(next);
    }

    fn restart(&self) {
        if let Some(timer) = self.timer.get_value() {
            timer.clear();
        }
        self.problem.set(None);
        let next = self.state.try_update(JobFollow::restart);
        self.follow_up(next);
    }
}

/// Starts following `target` at once. Its orchestrator is read only while the job waits.
pub fn use_job_polling(target: JobTarget) -> JobPolling {
    let config = expect_context::<RuntimeConfig>();
    let state = RwSignal::new(JobFollow::new(
        target,
        config.tracking,
        config.poll_schedule(),
    ));
    let poller = Poller {
        client: expect_context::<KeyfactorClient>(),
        state,
        problem: RwSignal::new(None),
        poll_owner: Owner::current().unwrap_or_default().child(),
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
        observation: Memo::new(move |_| state.with(|s| s.observation().clone())).into(),
        verdict: Memo::new(move |_| state.with(|s| s.verdict().clone())).into(),
        problem: poller.problem.read_only(),
        announcement: Memo::new(move |_| state.with(|s| s.announcement().to_owned())).into(),
        check_again: Callback::new(move |()| poller.restart()),
    }
}
