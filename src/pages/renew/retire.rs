//! Step 7, optional: retire the old certificate. Shown only once every installation job succeeded; nothing
//! is revoked until the user confirms a summary naming exactly what will be. The flow reads the
//! certificate again first and refuses while a store still holds it. Sent through the `Submission` state
//! machine: a second click sends nothing, and a retry after a lost answer finds the revocation in place.

use chrono::{DateTime, Utc};
use leptos::html;
use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::revocation::{Installation, Retired, Superseded};
use crate::domain::submission::Submission;
use crate::flows::revocation::retire_once;
use crate::hooks::use_action_log::use_action_log;
use crate::hooks::use_view_tasks::use_view_tasks;

/// The attempt is identified by when it was sent (its `EffectiveDate`).
type RetireSubmission = Submission<DateTime<Utc>, Retired, ApiError>;

#[component]
pub(super) fn RetireOld(superseded: Superseded, installation: Memo<Installation>) -> impl IntoView {
    let offered = move || installation.with(|i| *i == Installation::Succeeded);
    view! {
        <Show when=offered>
            <RetireSection superseded=superseded.clone() />
        </Show>
    }
}

#[component]
fn RetireSection(superseded: Superseded) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let submission = RwSignal::new(RetireSubmission::default());
    let send = retire_sender(superseded.clone(), submission, confirming);
    let old_id = superseded.old_id;
    // Refused while a store held the certificate: the user may look again once it is gone.
    let refused =
        move || submission.with(|s| matches!(s.outcome(), Some(Retired::StillInstalled(_))));
    let check_again = move |_| {
        submission.update(RetireSubmission::start_over);
        confirming.set(true);
    };
    let can_open =
        move || !confirming.get() && submission.with(|s| s.outcome().is_none() && !s.is_sending());
    view! {
        <section aria-labelledby="retire-title" class="retire-old">
            <h2 id="retire-title">"7. Retire the old certificate"</h2>
            <p>{format!("Every installation job succeeded. Certificate {old_id} is superseded by certificate {}; you may revoke it so it cannot be used again. This is optional: nothing is revoked unless you confirm.", superseded.new_id)}</p>
            <Show when=can_open>
                <button type="button" class="secondary" on:click=move |_| confirming.set(true)>
                    "Revoke the old certificate…"
                </button>
            </Show>
            <Show when=move || confirming.get()>
                <Confirmation superseded=superseded.clone() submission send confirming />
            </Show>
            <div role="status" class="status-line" id="retire-status">
                {move || submission.with(RetireSubmission::is_sending).then_some("Checking the stores, then revoking…")}
                {move || submission.with(|s| s.failure().cloned()).map(|error| view! { <ApiErrorNotice error /> })}
                {move || submission.with(|s| s.outcome().cloned()).map(|retired| {
                    let class = if retired.is_revoked() { "notice" } else { "notice notice-error" };
                    view! { <p class=class>{retired.describe(old_id)}</p> }
                })}
            </div>
            <Show when=refused>
                <button type="button" class="secondary" on:click=check_again>"Check the stores again"</button>
            </Show>
        </section>
    }
}

/// What will be revoked, and the buttons that revoke it or step back.
#[component]
fn Confirmation(
    superseded: Superseded,
    submission: RwSignal<RetireSubmission>,
    send: Callback<()>,
    confirming: RwSignal<bool>,
) -> impl IntoView {
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let sending = move || submission.with(RetireSubmission::is_sending);
    let old_id = superseded.old_id;
    view! {
        <div class="retire-confirm" role="group" aria-labelledby="retire-confirm-title">
            <h3 id="retire-confirm-title" tabindex="-1" node_ref=heading>
                {format!("Revoke certificate {old_id}?")}
            </h3>
            <dl class="facts">
                {superseded.facts().into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
            <p class="notice notice-warning">
                "Revocation cannot be undone. Before sending, the portal checks that no store still holds this certificate."
            </p>
            <div class="button-row">
                <button type="button" disabled=sending on:click=move |_| send.run(())>
                    {format!("Revoke certificate {old_id}")}
                </button>
                <button type="button" class="secondary" disabled=sending on:click=move |_| confirming.set(false)>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}

/// Sends the retirement when the submission allows one; its answer closes the confirmation.
fn retire_sender(
    superseded: Superseded,
    submission: RwSignal<RetireSubmission>,
    confirming: RwSignal<bool>,
) -> Callback<()> {
    let client = expect_context::<KeyfactorClient>();
    let log = use_action_log();
    let tasks = use_view_tasks();
    Callback::new(move |()| {
        let at = Utc::now();
        let Some(dispatch) = submission.try_update(|s| s.submit(at)).flatten() else {
            return;
        };
        let (client, superseded) = (client.clone(), superseded.clone());
        tasks.spawn(async move {
            let lost_earlier = dispatch.look_first_for.is_some();
            let answer = retire_once(&client, &superseded, lost_earlier, at).await;
            if !matches!(answer, Err(ApiError::Cancelled)) {
                log.revocation(&superseded, &answer);
            }
            if answer.is_ok() {
                confirming.try_set(false);
            }
            submission.try_update(|s| s.answered(answer));
        });
    })
}
