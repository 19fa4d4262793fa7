//! Approve or deny one request, once: through the `Submission` state machine a second click sends
//! nothing, and after a lost answer the next attempt reads the request's state before sending again.
//! A denial needs a comment, checked next to its field.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::TextField;
use crate::domain::submission::Submission;
use crate::domain::workflow::{parse_denial_comment, Decision, DecisionOutcome};
use crate::flows::workflow::decide_once;
use crate::hooks::use_action_log::use_action_log;
use crate::hooks::use_view_tasks::use_view_tasks;

type DecisionSubmission = Submission<Decision, DecisionOutcome, ApiError>;

#[component]
pub(super) fn Decide(request_id: i32, name: String) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let comment_error = Signal::derive(move || {
        touched
            .get()
            .then(|| comment.with(|c| parse_denial_comment(c).err()))
            .flatten()
    });
    let submission = RwSignal::new(DecisionSubmission::default());
    let send = decision_sender(request_id, name.clone(), submission);
    let deny = move |_| {
        touched.set(true);
        if let Ok(text) = comment.with_untracked(|c| parse_denial_comment(c)) {
            send.run(Decision::Deny(text));
        }
    };
    // Once Command answered, the request is settled or refused for good: nothing to send again.
    let locked = move || submission.with(|s| s.is_sending() || s.outcome().is_some());
    let lost = move || submission.with(|s| s.failure().is_some() && s.unconfirmed().is_some());
    view! {
        <div class="decision" role="group" aria-label=format!("Decide on {name}")>
            <TextField id=format!("deny-comment-{request_id}") label="Comment for the requester"
                hint="Required to deny: it is all the requester learns about why." value=comment error=comment_error />
            <div class="button-row">
                <button type="button" disabled=locked on:click=move |_| send.run(Decision::Approve)>
                    {format!("Approve request {request_id}")}
                </button>
                <button type="button" class="secondary" disabled=locked on:click=deny>
                    {format!("Deny request {request_id}")}
                </button>
            </div>
            <div role="status" class="status-line">
                {move || submission.with(DecisionSubmission::is_sending).then_some("Sending the decision…")}
                {move || submission.with(|s| s.outcome().map(DecisionOutcome::sentence))}
            </div>
            {move || submission.with(|s| s.failure().cloned()).map(|error| view! { <ApiErrorNotice error /> })}
            {move || lost().then(|| view! {
                <p class="field-hint">"Keyfactor may have received the decision before this happened. Trying again first reads the request's state, so nothing is decided twice."</p>
            })}
        </div>
    }
}

/// Sends the decision when the submission allows one; the answer goes to the action log and the state
/// machine.
fn decision_sender(
    request_id: i32,
    subject: String,
    submission: RwSignal<DecisionSubmission>,
) -> Callback<Decision> {
    let client = expect_context::<KeyfactorClient>();
    let log = use_action_log();
    let tasks = use_view_tasks();
    Callback::new(move |decision: Decision| {
        let Some(dispatch) = submission.try_update(|s| s.submit(decision)).flatten() else {
            return;
        };
        let (client, subject) = (client.clone(), subject.clone());
        tasks.spawn(async move {
            let look_first = dispatch.look_first_for.is_some();
            let answer = decide_once(&client, request_id, &dispatch.attempt, look_first).await;
            log.decision(request_id, subject, &dispatch.attempt, &answer);
            submission.try_update(|s| s.answered(answer));
        });
    })
}
