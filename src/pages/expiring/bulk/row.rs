//! One row of the run: its state and message, the new certificate, its PFX password, and its stores'
//! installation jobs.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::components::installation_job::{store_label, InstallationJobStatus};
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
) -> impl IntoView {
    let state = Memo::new(move |_| {
        run.with(|r| r.row(index).cloned())
            .unwrap_or(RowState::Queued)
    });
    let name = row.name();
    let stores = row.stores.clone();
    let installation = move || match state.get() {
        RowState::Replaced {
            scheduled,
            failed,
            submitted_at,
            ..
        } => {
            view! { <ReplaceJobs stores=stores.clone() scheduled failed submitted_at /> }.into_any()
        }
        other if other.renewed().is_some() && stores.is_empty() => "In no store".into_any(),
        _ => ().into_any(),
    };
    let secret_name = format!("PFX password for {name}");
    let secret_id = format!("bulk-pfx-{index}");
    view! {
        <tr data-state=move || state.with(RowState::label)>
            <th scope="row">{name}</th>
            <td>
                <span class="bulk-state">{move || state.with(RowState::label)}</span>
                {move || state.with(|s| s.message().map(|m| view! { <span class="bulk-message">{m.to_owned()}</span> }))}
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

/// Each store Replace scheduled a job on, following the job, then each store it could not.
#[component]
fn ReplaceJobs(
    stores: Vec<InstalledLocation>,
    /// Store ids, as Keyfactor answered them.
    scheduled: Vec<String>,
    failed: Vec<String>,
    submitted_at: DateTime<Utc>,
) -> impl IntoView {
    let jobs = stores
        .iter()
        .filter(|l| scheduled.iter().any(|id| l.is_store(id)))
        .cloned()
        .map(|location| view! {
            <li>{store_label(&location)}": " <InstallationJobStatus location submitted_at /></li>
        })
        .collect_view();
    let failed = failed
        .iter()
        .map(|id| {
            let label = stores
                .iter()
                .find(|l| l.is_store(id))
                .map_or_else(|| id.clone(), store_label);
            view! { <li>{format!("{label}: Keyfactor could not schedule a job there")}</li> }
        })
        .collect_view();
    view! { <ul class="bulk-jobs">{jobs}{failed}</ul> }
}
