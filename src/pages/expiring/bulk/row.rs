//! One row of the run: its state and message, the new certificate, its PFX password, its stores'
//! installation jobs, and what became of the superseded certificate when the run retires it.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::components::installation_job::{
    follow_jobs, installation_of, store_label, InstallationJobStatus,
};
use crate::components::secret_value::SecretValue;
use crate::domain::bulk::{BulkRun, PlannedRow, RenewalAnswer, RowState};
use crate::domain::renewal::InstalledLocation;
use crate::domain::SecretString;

#[component]
pub(super) fn BulkRow(
    index: usize,
    row: PlannedRow,
    run: RwSignal<BulkRun>,
    password: RwSignal<Option<SecretString>>,
    /// Starts what the run allows (a revocation this row queued).
    pump: Callback<()>,
) -> impl IntoView {
    let old_id = row.certificate.id;
    let retirement = Memo::new(move |_| run.with(|r| r.retirement(index).describe(old_id)));
    let state = Memo::new(move |_| {
        run.with(|r| r.row(index).cloned())
            .unwrap_or(RowState::Queued)
    });
    let name = row.name();
    let stores = row.stores.clone();
    let installation = move || {
        match state.get() {
        RowState::Replaced {
            scheduled,
            failed,
            submitted_at,
            ..
        } => {
            view! { <ReplaceJobs index run pump stores=stores.clone() scheduled failed submitted_at /> }.into_any()
        }
        other if other.renewed().is_some() && stores.is_empty() => "In no store".into_any(),
        _ => ().into_any(),
    }
    };
    let secret_name = format!("PFX password for {name}");
    let secret_id = format!("bulk-pfx-{index}");
    view! {
        <tr data-state=move || state.with(RowState::label)>
            <th scope="row">{name}</th>
            <td>
                <span class="bulk-state">{move || state.with(RowState::label)}</span>
                {move || state.with(|s| s.message().map(|m| view! { <span class="bulk-message">{m.to_owned()}</span> }))}
                {move || retirement.get().map(|text| view! { <span class="bulk-retire">{text}</span> })}
            </td>
            <td>{move || state.with(new_certificate)}</td>
            <td>{move || password.with(Option::is_some).then(|| view! {
                <SecretValue id=secret_id.clone() label=secret_name.clone() secret=password />
            })}</td>
            <td>{installation}</td>
        </tr>
    }
}

/// What the "New certificate" cell says: its id and request, or the pending request.
fn new_certificate(state: &RowState) -> Option<String> {
    match state {
        RowState::Ended(RenewalAnswer::Pending { request_id, .. }) => {
            request_id.map(|id| format!("request {id}"))
        }
        RowState::Ended(RenewalAnswer::AlreadyRenewed { certificate_id }) => {
            Some(format!("ID {certificate_id}"))
        }
        other => other.renewed().map(|r| {
            let request = r
                .request_id
                .map(|id| format!(", request {id}"))
                .unwrap_or_default();
            format!("ID {}{request}", r.certificate_id)
        }),
    }
}

/// Each store Replace scheduled a job on, following the job, then each store it could not; how the jobs
/// end goes to the run, which decides whether the old certificate is revoked.
#[component]
fn ReplaceJobs(
    index: usize,
    run: RwSignal<BulkRun>,
    pump: Callback<()>,
    stores: Vec<InstalledLocation>,
    /// Store ids, as Keyfactor answered them.
    scheduled: Vec<String>,
    failed: Vec<String>,
    submitted_at: DateTime<Utc>,
) -> impl IntoView {
    let scheduled = stores
        .iter()
        .filter(|l| scheduled.iter().any(|id| l.is_store(id)))
        .cloned()
        .collect();
    let jobs = follow_jobs(scheduled, submitted_at);
    let unscheduled: Vec<String> = failed
        .iter()
        .map(|id| {
            stores
                .iter()
                .find(|l| l.is_store(id))
                .map_or_else(|| id.clone(), store_label)
        })
        .collect();
    let installation = installation_of(unscheduled.clone(), &jobs);
    // The jobs are followed by their own polling; the run only hears how they stand.
    Effect::new(move |_| {
        let now = installation.get();
        if run.try_update(|r| r.jobs_ended(index, &now)) == Some(true) {
            pump.run(());
        }
    });
    let jobs = jobs
        .into_iter()
        .map(|job| view! {
            <li>{store_label(&job.location)}": " <InstallationJobStatus polling=job.polling /></li>
        })
        .collect_view();
    let failed = unscheduled
        .into_iter()
        .map(|label| view! { <li>{format!("{label}: Keyfactor could not schedule a job there")}</li> })
        .collect_view();
    view! { <ul class="bulk-jobs">{jobs}{failed}</ul> }
}
