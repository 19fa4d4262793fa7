//! What Replace or Deploy scheduled: one row per store, each following its Management job until it ends,
//! the stores Keyfactor could not schedule, and, once every job succeeded, retiring the old certificate.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use super::retire::RetireOld;
use crate::components::data_table::DataTable;
use crate::components::installation_job::{
    follow_jobs, installation_of, store_label, InstallationJobStatus, StoreJob,
};
use crate::domain::action_log::ActionKind;
use crate::domain::models::EnrollmentManagementResponse;
use crate::domain::renewal::InstalledLocation;
use crate::domain::revocation::Superseded;
use crate::domain::Guid;
use crate::routes::href;

/// Which installation the user asked for: the attempt, as the log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum InstallKind {
    Replace,
    Deploy,
}

impl InstallKind {
    pub fn logged(self) -> ActionKind {
        match self {
            Self::Replace => ActionKind::Replace,
            Self::Deploy => ActionKind::Deploy,
        }
    }
}

/// What Keyfactor scheduled, and when it was asked to.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Installed {
    pub kind: InstallKind,
    pub answer: EnrollmentManagementResponse,
    pub submitted_at: DateTime<Utc>,
}

/// A store's display name: its machine and path, or the GUID Keyfactor answered with.
fn store_name(locations: &[InstalledLocation], id: &str) -> String {
    locations
        .iter()
        .find(|l| l.is_store(id))
        .map_or_else(|| id.to_owned(), store_label)
}

#[component]
pub(super) fn InstallOutcome(
    installed: Installed,
    locations: Vec<InstalledLocation>,
    superseded: Superseded,
) -> impl IntoView {
    let Installed {
        kind,
        answer,
        submitted_at,
    } = installed;
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
                    store_id: Guid::parse(id).ok(),
                    machine: id.clone(),
                    path: String::new(),
                    alias: None,
                    orchestrator: None,
                })
        })
        .collect();
    let unscheduled: Vec<String> = answer
        .failed_stores
        .iter()
        .map(|id| store_name(&locations, id))
        .collect();
    let jobs = follow_jobs(scheduled, submitted_at);
    let installation = installation_of(unscheduled.clone(), &jobs);
    let failed = (!unscheduled.is_empty()).then(|| {
        view! {
            <h3>"Failed stores"</h3>
            <ul class="failed-stores">
                {unscheduled.into_iter().map(|store| view! { <li>{store}</li> }).collect_view()}
            </ul>
        }
    });
    view! {
        <div class="notice">
            <p>{format!("{what}: {} store(s) scheduled, {} failed.", answer.successful_stores.len(), answer.failed_stores.len())}</p>
            {failed}
            {(!jobs.is_empty()).then(|| view! { <StoreJobs jobs /> })}
            <p>"All jobs are also listed on the "<A href=href("/jobs")>"Jobs page"</A>"."</p>
        </div>
        <RetireOld superseded installation />
    }
}

/// One row per store that got a management job, each following its job until it ends.
#[component]
fn StoreJobs(jobs: Vec<StoreJob>) -> impl IntoView {
    view! {
        <DataTable caption="Installation jobs, one per store (updated as the orchestrators report)" headers=&["Store", "Job status"] class="successful-stores">
            {jobs.into_iter().map(|job| view! {
                <tr>
                    <th scope="row">{store_label(&job.location)}</th>
                    <td><InstallationJobStatus polling=job.polling /></td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
}
