//! The progress of one orchestrator job submitted without a job id ("a job of type X on store
//! (ClientMachine, StorePath) submitted at T"): scheduled → waiting → running → completed, the outcome with
//! the orchestrator's message, and plain words when the orchestrator looks offline or no job shows up.
//! Transitions are announced in a `role="status"` region that exists from the start.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::config::RuntimeConfig;
use crate::domain::job_tracking::{JobListFilter, JobPhase, JobTarget, Verdict};
use crate::domain::models::JobResult;
use crate::hooks::use_job_polling::use_job_polling;
use crate::routes::href;

/// The steps of the line, with the phase step (see `JobPhase::step`) each one stands for.
const STEPS: [(u8, &str); 3] = [
    (1, "Scheduled, waiting for the orchestrator"),
    (2, "Running on the orchestrator"),
    (3, "Completed"),
];

use crate::domain::display::second as time;

/// Starts following the job when mounted and stops when unmounted. The target's orchestrator lets a
/// waiting job be explained by an orchestrator that has not checked in.
#[component]
pub fn JobTimeline(
    target: JobTarget,
    /// Heading text; the heading is an `<h2>`.
    #[prop(into)]
    heading: String,
) -> impl IntoView {
    let config = expect_context::<RuntimeConfig>();
    let jobs_link = href(&format!(
        "/jobs?{}",
        JobListFilter::for_store(&target).to_url_query()
    ));
    let searched = target.search_description(&config.tracking);
    let summary = format!(
        "{} job on {} ({}), submitted {}",
        target.category.name(),
        target.client_machine,
        target.store_path,
        time(target.submitted_at)
    );
    let polling = use_job_polling(target);
    let phase = Memo::new(move |_| polling.observation.with(|o| o.phase.clone()));
    let check_again = polling.check_again;
    view! {
        <section class="job-timeline" aria-labelledby="job-timeline-title">
            <h2 id="job-timeline-title">{heading}</h2>
            <p>{summary}</p>
            <p class="status-line" role="status">{move || polling.announcement.get()}</p>
            <TimelineSteps phase />
            {move || polling.observation.with(|o| o.started).map(|t| view! { <p>{format!("Started {}", time(t))}</p> })}
            {move || polling.observation.with(|o| o.ended).map(|t| view! { <p>{format!("Ended {}", time(t))}</p> })}
            <JobOutcome phase />
            <Stopped verdict=polling.verdict searched check_again />
            <PollProblem problem=polling.problem check_again />
            <p><A href=jobs_link>"See this store's jobs"</A></p>
        </section>
    }
}

/// The line of steps, the current one marked for assistive technology.
#[component]
fn TimelineSteps(phase: Memo<JobPhase>) -> impl IntoView {
    let step_class = move |step: u8| {
        let current = phase.with(JobPhase::step);
        let finished = phase.with(JobPhase::is_terminal);
        if step < current || (finished && step == current) {
            "timeline-step timeline-done"
        } else if step == current {
            "timeline-step timeline-current"
        } else {
            "timeline-step"
        }
    };
    view! {
        <ol class="timeline">
            {STEPS
                .into_iter()
                .map(|(step, label)| {
                    let current = move || (phase.with(JobPhase::step) == step && !phase.with(JobPhase::is_terminal)).then_some("step");
                    view! { <li class=move || step_class(step) aria-current=current>{label}</li> }
                })
                .collect_view()}
        </ol>
    }
}

/// How the job ended, or that the orchestrator will try it again, with the orchestrator's message.
#[component]
fn JobOutcome(phase: Memo<JobPhase>) -> impl IntoView {
    let message = |message: Option<String>| {
        message.map(|m| view! { <p>"Orchestrator message: " <span class="orchestrator-message">{m}</span></p> })
    };
    move || {
        phase.with(|phase| match phase {
            JobPhase::Finished {
                result,
                message: text,
            } => {
                let (class, title) = match result {
                    JobResult::Success => ("notice notice-success", "The job succeeded".to_owned()),
                    JobResult::Warning => (
                        "notice notice-warning",
                        "Completed with a warning".to_owned(),
                    ),
                    JobResult::Failure => ("notice notice-error", "The job failed".to_owned()),
                    other => ("notice", format!("Completed; result: {other}")),
                };
                Some(
                    view! {
                        <div class=class>
                            <p class="outcome-title">{title}</p>
                            {message(text.clone())}
                        </div>
                    }
                    .into_any(),
                )
            }
            JobPhase::Retrying { message: text } => Some(
                view! {
                    <div class="notice notice-warning">
                        <p>"The attempt did not finish; the orchestrator will retry the job."</p>
                        {message(text.clone())}
                    </div>
                }
                .into_any(),
            ),
            _ => None,
        })
    }
}

/// Why polling stopped without an end: the orchestrator looks offline, or no job showed up.
#[component]
fn Stopped(verdict: Signal<Verdict>, searched: String, check_again: Callback<()>) -> impl IntoView {
    let notice = move |text: String, more: Option<&'static str>| {
        view! {
            <div class="notice notice-warning">
                <p>{text}</p>
                {more.map(|more| view! { <p>{more}</p> })}
                <button type="button" class="secondary" on:click=move |_| check_again.run(())>"Check again"</button>
            </div>
        }
    };
    move || {
        verdict.with(|verdict| match verdict {
            Verdict::AgentLooksOffline { last_seen } => {
                let seen = last_seen.map_or_else(
                    || "has never checked in".to_owned(),
                    |seen| format!("last checked in at {}", time(seen)),
                );
                Some(notice(
                    format!("The orchestrator looks offline: it {seen}. The job stays waiting until the orchestrator checks in again; ask its administrators to restart it."),
                    None,
                ))
            }
            Verdict::NotFound => Some(notice(
                format!("No matching job was found. Searched for {searched}."),
                Some("Keyfactor accepted the request; the job may appear later on the jobs page."),
            )),
            Verdict::KeepPolling | Verdict::Finished => None,
        })
    }
}

/// The last failed read: retried by itself when passing, else by hand.
#[component]
fn PollProblem(problem: ReadSignal<Option<ApiError>>, check_again: Callback<()>) -> impl IntoView {
    move || {
        problem.get().map(|error| {
            let transient = error.is_transient();
            view! {
                <ApiErrorNotice error />
                {transient.then_some(view! { <p class="field-hint">"Checking again automatically."</p> })}
                {(!transient).then_some(view! {
                    <button type="button" class="secondary" on:click=move |_| check_again.run(())>"Check again"</button>
                })}
            }
        })
    }
}
