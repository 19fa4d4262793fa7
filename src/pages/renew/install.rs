//! Step 6: the new certificate where the old one is: Replace in every store that holds it, or Deploy to the
//! stores the user ticks; once scheduled, each store's job is followed until it ends. Sent through the
//! `Submission` state machine, so a second click schedules nothing twice. After a lost answer a retry sends
//! again without looking first: a second Replace of the same certificate only installs it again. Without
//! the renewal's PFX password (a certificate issued after approval) only Replace is offered: Deploy
//! requires the password, Replace does not (`docs/keyfactor.md`).

use chrono::Utc;
use leptos::prelude::*;

use super::installation_jobs::{InstallKind, InstallOutcome, Installed};
use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::renewal::{deploy_request, replace_request, InstalledLocation};
use crate::domain::revocation::Superseded;
use crate::domain::submission::Submission;
use crate::domain::{Guid, SecretString};
use crate::flows::renewal::PlanData;
use crate::hooks::use_action_log::use_action_log;
use crate::hooks::use_view_tasks::use_view_tasks;

type InstallSubmission = Submission<InstallKind, Installed, ApiError>;

#[component]
pub(crate) fn Install(
    data: PlanData,
    new_id: i32,
    password: RwSignal<Option<SecretString>>,
    #[prop(default = "6. Put the new certificate where the old one is")] heading: &'static str,
) -> impl IntoView {
    let locations = data.locations.clone();
    let superseded = Superseded::of(&data.certificate, new_id);
    if locations.is_empty() {
        return view! { <p>"The old certificate is in no store, so there is nothing to replace."</p> }.into_any();
    }
    let chosen = RwSignal::new(Vec::<Guid>::new());
    let choice_problem = RwSignal::new(false);
    let submission = RwSignal::new(InstallSubmission::default());
    let send = install_sender(data, new_id, password, chosen, submission);
    let run = move |kind: InstallKind| {
        let nothing_ticked = kind == InstallKind::Deploy && chosen.with_untracked(Vec::is_empty);
        choice_problem.set(nothing_ticked);
        if !nothing_ticked {
            send.run(kind);
        }
    };
    // Once jobs were scheduled, another click would schedule them twice; after a failure the user may retry.
    let locked = move || submission.with(|s| s.is_sending() || s.outcome().is_some());
    let has_password = password.with_untracked(Option::is_some);
    let replace_label = match locations.len() {
        1 => "Replace in its one store".to_owned(),
        n => format!("Replace in all {n} stores"),
    };
    view! {
        <h2>{heading}</h2>
        <p>"Replace schedules a job on every store that holds the old certificate. Deploy installs it only in the stores you tick."</p>
        {if has_password {
            view! { <DeployChoice locations=locations.clone() chosen /> }.into_any()
        } else {
            view! { <p class="field-hint">"Deploy needs the PFX password of a renewal, which this page does not have: Replace puts the certificate in every store that holds the old one."</p> }.into_any()
        }}
        {move || choice_problem.get().then(|| view! { <p class="field-error" role="alert">"Tick at least one store to deploy to."</p> })}
        <div class="button-row">
            <button type="button" disabled=locked on:click=move |_| run(InstallKind::Replace)>{replace_label}</button>
            {has_password.then(|| view! {
                <button type="button" class="secondary" disabled=locked on:click=move |_| run(InstallKind::Deploy)>
                    "Deploy to the ticked stores"
                </button>
            })}
        </div>
        <div role="status" class="status-line">
            {move || submission.with(InstallSubmission::is_sending).then_some("Scheduling the installation jobs…")}
            {move || submission.with(|s| s.failure().cloned()).map(|error| view! { <ApiErrorNotice error /> })}
            {move || submission.with(|s| s.outcome().cloned()).map(|installed| view! {
                <InstallOutcome installed locations=locations.clone() superseded=superseded.clone() />
            })}
        </div>
    }
    .into_any()
}

/// Sends the installation when the submission allows one and records its answer where it was asked for.
fn install_sender(
    data: PlanData,
    new_id: i32,
    password: RwSignal<Option<SecretString>>,
    chosen: RwSignal<Vec<Guid>>,
    submission: RwSignal<InstallSubmission>,
) -> Callback<InstallKind> {
    let client = expect_context::<KeyfactorClient>();
    let log = use_action_log();
    let tasks = use_view_tasks();
    let subject = format!("new certificate {new_id}");
    Callback::new(move |kind: InstallKind| {
        if submission
            .try_update(|s| s.submit(kind))
            .flatten()
            .is_none()
        {
            return;
        }
        let targets: Vec<InstalledLocation> = chosen.with_untracked(|chosen| {
            data.locations
                .iter()
                .filter(|l| l.store_id.as_ref().is_some_and(|id| chosen.contains(id)))
                .cloned()
                .collect()
        });
        let (client, subject, old_id) = (client.clone(), subject.clone(), data.certificate.id);
        // Gone only once the result was left (and then nothing shows this answer), or never known.
        let secret = password.get_untracked();
        tasks.spawn(async move {
            let submitted_at = Utc::now();
            let answer = match (kind, secret) {
                (InstallKind::Deploy, None) => Err(ApiError::Cancelled),
                (InstallKind::Replace, secret) => {
                    client
                        .replace_pfx(&replace_request(old_id, new_id, secret))
                        .await
                }
                (InstallKind::Deploy, Some(secret)) => {
                    client
                        .deploy_pfx(&deploy_request(new_id, secret, &targets))
                        .await
                }
            };
            match &answer {
                Ok(answer) => log.installation(kind.logged(), subject, answer),
                Err(ApiError::Cancelled) => {}
                Err(error) => log.installation_failed(kind.logged(), subject, error),
            }
            let installed = answer.map(|answer| Installed {
                kind,
                answer,
                submitted_at,
            });
            submission.try_update(|s| s.answered(installed));
        });
    })
}

/// The stores Deploy may install into, ticked by the user.
#[component]
fn DeployChoice(locations: Vec<InstalledLocation>, chosen: RwSignal<Vec<Guid>>) -> impl IntoView {
    view! {
        <fieldset class="deploy-stores">
            <legend>"Stores for Deploy"</legend>
            {locations.iter().filter_map(|l| {
                let id = l.store_id.clone()?;
                let input_id = format!("deploy-{id}");
                let label = format!("{} {}", l.machine, l.path);
                let checked_id = id.clone();
                Some(view! {
                    <div class="checkbox">
                        <input type="checkbox" id=input_id.clone()
                            prop:checked=move || chosen.with(|c| c.contains(&checked_id))
                            on:change:target=move |ev| {
                                let on = ev.target().checked();
                                chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id.clone()); } });
                            } />
                        <label for=input_id>{label}</label>
                    </div>
                })
            }).collect_view()}
        </fieldset>
    }
}
