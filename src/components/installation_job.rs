//! The orchestrator job that Replace or Deploy scheduled on one store, followed until it ends: its status
//! and Keyfactor's message, for a table row of the renewal result or of a bulk run.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::domain::job_category::JobCategory;
use crate::domain::job_tracking::{JobPhase, JobTarget};
use crate::domain::renewal::InstalledLocation;
use crate::hooks::use_job_polling::{use_job_polling, JobPolling};

/// The store as people name it: machine and path.
pub fn store_label(location: &InstalledLocation) -> String {
    format!("{} {}", location.machine, location.path)
}

/// Starts following the Management job submitted at `submitted_at` for `location`'s store.
fn follow(location: &InstalledLocation, submitted_at: DateTime<Utc>) -> JobPolling {
    let agent_id = location.orchestrator.as_ref().map(|o| o.agent_id.clone());
    use_job_polling(JobTarget {
        category: JobCategory::Management,
        client_machine: location.machine.clone(),
        store_path: location.path.clone(),
        agent_id,
        submitted_at,
    })
}

/// The job's status (a live region) and, once there is one, its message or the last read's problem.
#[component]
pub fn InstallationJobStatus(
    location: InstalledLocation,
    submitted_at: DateTime<Utc>,
) -> impl IntoView {
    let polling = follow(&location, submitted_at);
    let status = move || polling.observation.with(|o| o.phase.to_string());
    let message = move || {
        polling
            .problem
            .with(|p| p.as_ref().map(ToString::to_string))
            .or_else(|| {
                polling.observation.with(|o| match &o.phase {
                    JobPhase::Finished { message, .. } | JobPhase::Retrying { message } => {
                        message.clone()
                    }
                    _ => None,
                })
            })
    };
    view! {
        <span class="job-status" role="status">{status}</span>
        {move || message().map(|message| view! { <span class="job-message">{message}</span> })}
    }
}
