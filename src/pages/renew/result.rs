//! Steps 5–6: the renewal's result (with the PFX password shown once) and installing the new
//! certificate where the old one is.

use chrono::{DateTime, Utc};
use leptos::html;
use leptos::prelude::*;

use crate::components::data_table::DataTable;

use super::PlanData;
use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::installation_job::{store_label, InstallationJobStatus};
use crate::components::secret_value::SecretValue;
use crate::domain::action_log::ActionKind;
use crate::domain::models::{Disposition, EnrollmentManagementResponse, RenewalResponse};
use crate::domain::renewal::{
    deploy_request, disposition_advice, replace_request, InstalledLocation,
};
use crate::domain::SecretString;
use crate::hooks::use_action_log::use_action_log;
use crate::routes::href;
use leptos_router::components::A;

#[component]
pub(super) fn RenewalResult(
    response: RenewalResponse,
    data: PlanData,
    password: RwSignal<Option<SecretString>>,
    renew_another: Callback<()>,
) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let disposition = response
        .request_disposition
        .clone()
        .unwrap_or_else(|| Disposition::Other("no disposition".into()));
    let issued = disposition == Disposition::Issued;
    let advice = disposition_advice(&disposition);
    let new_id = response.keyfactor_id.filter(|id| *id > 0);
    let has_password = password.with_untracked(Option::is_some);
    let fact = |label: &'static str, value: Option<String>| {
        value.map(|value| view! { <dt>{label}</dt><dd>{value}</dd> })
    };
    view! {
        <section aria-labelledby="result-title" class="renewal-result">
            <h2 id="result-title" tabindex="-1" node_ref=heading>
                {format!("Renewal result: {disposition}")}
            </h2>
            <div class=if issued { "notice" } else { "notice notice-error" }>
                <p>{advice}</p>
                {response.disposition_message.clone().map(|m| view! { <p>{format!("Message from the certificate authority: {m}")}</p> })}
            </div>
            <dl class="facts">
                {fact("Request ID", response.keyfactor_request_id.map(|id| id.to_string()))}
                {fact("New certificate ID", new_id.map(|id| id.to_string()))}
                {fact("Thumbprint", response.thumbprint.clone())}
                {fact("Serial number", response.serial_number.clone())}
                {fact("Issuer", response.issuer_dn.clone())}
            </dl>
            {has_password.then(|| view! {
                <p class="notice notice-warning"><strong>"Shown once — save it now. "</strong>
                    "The portal does not keep this password: it is gone when you leave this page, and Keyfactor will not show it again."</p>
                <SecretValue id="pfx-password" label="PFX password" secret=password />
            })}
            {match (issued, new_id) {
                (true, Some(new_id)) if has_password => view! { <Install data new_id password /> }.into_any(),
                _ => ().into_any(),
            }}
            <button type="button" class="secondary" on:click=move |_| renew_another.run(())>"Renew another certificate"</button>
        </section>
    }
}

/// Which installation the user asked for, to name it in the result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum InstallKind {
    Replace,
    Deploy,
}

#[component]
fn Install(data: PlanData, new_id: i32, password: RwSignal<Option<SecretString>>) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let old_id = data.certificate.id;
    let locations = data.locations.clone();
    if locations.is_empty() {
        return view! { <p>"The old certificate is in no store, so there is nothing to replace."</p> }.into_any();
    }
    let chosen = RwSignal::new(Vec::<String>::new());
    let choice_problem = RwSignal::new(false);
    let install = Action::new_local(move |kind: &InstallKind| {
        let (client, kind) = (client.clone(), *kind);
        let secret = password.get_untracked();
        let targets: Vec<InstalledLocation> = {
            let chosen = chosen.get_untracked();
            data.locations
                .iter()
                .filter(|l| l.store_id.as_ref().is_some_and(|id| chosen.contains(id)))
                .cloned()
                .collect()
        };
        async move {
            // The password is gone only once the result was left, and then nothing shows this answer.
            let secret = secret.ok_or(ApiError::Cancelled)?;
            let submitted_at = Utc::now();
            let answer = match kind {
                InstallKind::Replace => {
                    client
                        .replace_pfx(&replace_request(old_id, new_id, secret))
                        .await
                }
                InstallKind::Deploy => {
                    client
                        .deploy_pfx(&deploy_request(new_id, secret, &targets))
                        .await
                }
            };
            answer.map(|answer| (kind, answer, submitted_at))
        }
    });
    let log = use_action_log();
    let installed_subject = format!("new certificate {new_id}");
    let last_kind = StoredValue::new(InstallKind::Replace);
    let logged_kind = |kind: InstallKind| match kind {
        InstallKind::Replace => ActionKind::Replace,
        InstallKind::Deploy => ActionKind::Deploy,
    };
    Effect::new(move |_| match install.value().get() {
        Some(Ok((kind, answer, _))) => {
            log.installation(logged_kind(kind), installed_subject.clone(), &answer)
        }
        Some(Err(ApiError::Cancelled)) | None => {}
        Some(Err(error)) => log.installation_failed(
            logged_kind(last_kind.get_value()),
            installed_subject.clone(),
            &error,
        ),
    });
    let pending = install.pending();
    // Once jobs were scheduled, another click would schedule them twice; after a failure the user may retry.
    let scheduled = move || install.value().with(|v| matches!(v, Some(Ok(_))));
    let run = move |kind: InstallKind| {
        if pending.get_untracked() || install.value().with_untracked(|v| matches!(v, Some(Ok(_)))) {
            return;
        }
        if kind == InstallKind::Deploy && chosen.with_untracked(Vec::is_empty) {
            choice_problem.set(true);
            return;
        }
        choice_problem.set(false);
        last_kind.set_value(kind);
        install.dispatch_local(kind);
    };
    let locations_for_outcome = locations.clone();

    view! {
        <h2>"6. Put the new certificate where the old one is"</h2>
        <p>"Replace schedules a job on every store that holds the old certificate. Deploy installs it only in the stores you tick."</p>
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
        {move || choice_problem.get().then(|| view! { <p class="field-error" role="alert">"Tick at least one store to deploy to."</p> })}
        <div class="button-row">
            <button type="button" disabled=move || pending.get() || scheduled() on:click=move |_| run(InstallKind::Replace)>
                {match locations.len() {
                    1 => "Replace in its one store".to_owned(),
                    n => format!("Replace in all {n} stores"),
                }}
            </button>
            <button type="button" class="secondary" disabled=move || pending.get() || scheduled() on:click=move |_| run(InstallKind::Deploy)>
                "Deploy to the ticked stores"
            </button>
        </div>
        <div role="status" class="status-line">
            {move || pending.get().then_some("Scheduling the installation jobs…")}
            {move || install.value().get().map(|result| match result {
                Ok((kind, answer, submitted_at)) => view! {
                    <InstallOutcome kind answer submitted_at locations=locations_for_outcome.clone() />
                }.into_any(),
                Err(ApiError::Cancelled) => ().into_any(),
                Err(error) => view! { <ApiErrorNotice error /> }.into_any(),
            })}
        </div>
    }
    .into_any()
}

/// A store's display name: its machine and path, or the GUID Keyfactor answered with.
fn store_name(locations: &[InstalledLocation], id: &str) -> String {
    locations
        .iter()
        .find(|l| l.is_store(id))
        .map_or_else(|| id.to_owned(), store_label)
}

#[component]
fn InstallOutcome(
    kind: InstallKind,
    answer: EnrollmentManagementResponse,
    submitted_at: DateTime<Utc>,
    locations: Vec<InstalledLocation>,
) -> impl IntoView {
    let what = match kind {
        InstallKind::Replace => "Replace",
        InstallKind::Deploy => "Deploy",
    };
    let scheduled: Vec<InstalledLocation> = answer
        .successful_stores
        .iter()
        .map(|id| {
            locations
                .iter()
                .find(|l| l.is_store(id))
                .cloned()
                .unwrap_or_else(|| InstalledLocation {
                    store_id: Some(id.clone()),
                    machine: id.clone(),
                    path: String::new(),
                    alias: None,
                    orchestrator: None,
                })
        })
        .collect();
    let failed = (!answer.failed_stores.is_empty()).then(|| {
        view! {
            <h3>"Failed stores"</h3>
            <ul class="failed-stores">
                {answer.failed_stores.iter().map(|id| view! { <li>{store_name(&locations, id)}</li> }).collect_view()}
            </ul>
        }
    });
    view! {
        <div class="notice">
            <p>{format!("{what}: {} store(s) scheduled, {} failed.", answer.successful_stores.len(), answer.failed_stores.len())}</p>
            {failed}
            {(!scheduled.is_empty()).then(|| view! { <StoreJobs scheduled submitted_at /> })}
            <p>"All jobs are also listed on the "<A href=href("/jobs")>"Jobs page"</A>"."</p>
        </div>
    }
}

/// One row per store that got a management job, each following its job until it ends.
#[component]
fn StoreJobs(scheduled: Vec<InstalledLocation>, submitted_at: DateTime<Utc>) -> impl IntoView {
    view! {
        <DataTable caption="Installation jobs, one per store (updated as the orchestrators report)" headers=&["Store", "Job status"] class="successful-stores">
            {scheduled.into_iter().map(|location| view! {
                <tr>
                    <th scope="row">{store_label(&location)}</th>
                    <td><InstallationJobStatus location submitted_at /></td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
}
