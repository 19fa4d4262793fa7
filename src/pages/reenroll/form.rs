//! The form for one eligible store, sent once through the `Submission` state machine, then its job's
//! timeline. Reenrollment answers 204 with no job id: the job is found by `JobTarget`, and after a lost
//! answer the next submit first looks for the lost request's job, so the store is not reenrolled twice.

use chrono::Utc;
use leptos::prelude::*;

use super::fields::{field_id, FormValues, ReenrollFields};
use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::error_summary::{ErrorSummary, FieldProblem};
use crate::components::job_timeline::JobTimeline;
use crate::config::RuntimeConfig;
use crate::domain::action_log::ActionKind;
use crate::domain::command_version::CommandVersion;
use crate::domain::job_category::JobCategory;
use crate::domain::job_tracking::JobTarget;
use crate::domain::models::{CertificateStore, CertificateStoreType, ReenrollmentRequest};
use crate::domain::reenrollment::{type_name, FormProblem};
use crate::domain::submission::{Failure, Submission};
use crate::flows::reenrollment::{schedule_once, Scheduled};
use crate::hooks::use_action_log::use_action_log;
use crate::hooks::use_view_tasks::use_view_tasks;

/// An attempt is identified by the job it makes.
type ReenrollSubmission = Submission<JobTarget, Scheduled, ApiError>;

/// The form for one eligible store (`store_type` from `store_type_of`), then its job's timeline.
#[component]
pub fn ReenrollForm(
    store: CertificateStore,
    store_type: CertificateStoreType,
    /// Decides template vs enrollment pattern.
    version: CommandVersion,
) -> impl IntoView {
    let specs = store_type
        .entry_parameters
        .iter()
        .map(|p| p.reenrollment_spec())
        .collect();
    let values = FormValues::new(specs);
    on_cleanup(move || values.wipe_parameters(false));
    let attempt = RwSignal::new(0_u32);
    let (store_id, agent_id) = (store.id.clone(), store.agent_id.clone());
    let build = move || values.request(&store_id, agent_id.as_ref(), version);
    let problems = Memo::new({
        let build = build.clone();
        move |_| build().err().unwrap_or_default()
    });
    let summary = Signal::derive(move || match attempt.get() {
        0 => Vec::new(),
        _ => problems.with(|problems| {
            let problem = |p: &FormProblem| FieldProblem {
                field_id: field_id(p.field),
                message: p.message.clone(),
            };
            problems.iter().map(problem).collect()
        }),
    });
    let submission = RwSignal::new(ReenrollSubmission::default());
    let send = reenrollment_sender(&store, values, submission);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match build() {
            Err(_) => attempt.update(|n| *n += 1),
            Ok(request) => send.run(request),
        }
    };
    let sending = move || submission.with(ReenrollSubmission::is_sending);
    let scheduled = move || submission.with(|s| s.outcome().cloned());
    let store_guid = store.id.clone();
    let type_label = type_name(&store_type);
    view! {
        <SubmitFailure submission />
        <div hidden=move || scheduled().is_some()>
            <form class="reenroll-form" on:submit=on_submit novalidate aria-labelledby="reenroll-form-title">
                <h2 id="reenroll-form-title">"New certificate"</h2>
                <ErrorSummary problems=summary attempt />
                <ReenrollFields values problems attempt version store_id=store_guid type_label />
                <button type="submit" disabled=sending>
                    {move || if sending() { "Scheduling…" } else { "Schedule reenrollment" }}
                </button>
            </form>
        </div>
        {move || scheduled().map(|Scheduled { target, earlier }| view! {
            {earlier.then(|| view! {
                <p class="notice" role="status">"Keyfactor had received your earlier request before its answer was lost, so nothing was sent again: this is that request's job."</p>
            })}
            <JobTimeline target heading="Reenrollment job" />
        })}
    }
}

/// Sends the reenrollment when the submission allows one and records its answer where it was asked for: the
/// action log, the typed secrets (not needed once the request has gone), then the state machine.
fn reenrollment_sender(
    store: &CertificateStore,
    values: FormValues,
    submission: RwSignal<ReenrollSubmission>,
) -> Callback<ReenrollmentRequest> {
    let client = expect_context::<KeyfactorClient>();
    let limits = expect_context::<RuntimeConfig>().tracking;
    let log = use_action_log();
    let tasks = use_view_tasks();
    let machine = store.client_machine.clone().unwrap_or_default();
    let path = store.store_path.clone().unwrap_or_default();
    let agent_id = store.agent_id.clone();
    let logged_store = format!("{machine} {path}");
    Callback::new(move |request: ReenrollmentRequest| {
        let target = JobTarget {
            category: JobCategory::Reenrollment,
            client_machine: machine.clone(),
            store_path: path.clone(),
            agent_id: agent_id.clone(),
            submitted_at: Utc::now(),
        };
        let Some(dispatch) = submission.try_update(|s| s.submit(target)).flatten() else {
            return;
        };
        let (client, logged_store) = (client.clone(), logged_store.clone());
        tasks.spawn(async move {
            let answer = schedule_once(
                &client,
                &limits,
                &request,
                dispatch.attempt,
                dispatch.look_first_for,
            )
            .await;
            let outcome = match &answer {
                Ok(Scheduled { earlier: true, .. }) => {
                    "scheduled (by the earlier request)".to_owned()
                }
                Ok(_) => "scheduled".to_owned(),
                Err(error) => format!("not scheduled: {error}"),
            };
            if !matches!(answer, Err(ApiError::Cancelled)) {
                log.record(
                    ActionKind::Reenrollment,
                    logged_store,
                    String::new(),
                    outcome,
                    false,
                );
            }
            if answer.is_ok() {
                values.wipe_parameters(true);
            }
            submission.try_update(|s| s.answered(answer));
        });
    })
}

/// Why the last submit failed and, when it may have arrived anyway, what the next one does about it.
#[component]
fn SubmitFailure(submission: RwSignal<ReenrollSubmission>) -> impl IntoView {
    move || {
        submission.with(|s| s.failure().cloned()).map(|error| {
            let lost = error.may_have_taken_effect();
            view! {
                <ApiErrorNotice error />
                {lost.then(|| view! {
                    <p class="field-hint">"Keyfactor may have received the request before this happened. Scheduling again first looks for its job, so the store is not reenrolled twice."</p>
                })}
            }
        })
    }
}
