//! The orchestrator jobs that Replace or Deploy scheduled, one per store, followed until they end: each
//! job's status and Keyfactor's message, for a table row of the renewal result or of a bulk run, and how
//! the installation stands as a whole (whether the old certificate may be retired).

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::domain::job_category::JobCategory;
use crate::domain::job_tracking::{JobPhase, JobTarget};
use crate::domain::renewal::InstalledLocation;
use crate::domain::revocation::Installation;
use crate::hooks::use_job_polling::{use_job_polling, JobPolling};

/// The store as people name it: machine and path.
pub fn store_label(location: &InstalledLocation) -> String {
    format!("{} {}", location.machine, location.path)
}

/// One store's Management job, being followed.
#[derive(Clone)]
pub struct StoreJob {
    pub location: InstalledLocation,
    pub polling: JobPolling,
}

/// Starts following the Management job submitted at `submitted_at` for each of `locations`' stores.
pub fn follow_jobs(
    locations: Vec<InstalledLocation>,
    submitted_at: DateTime<Utc>,
) -> Vec<StoreJob> {
    locations
        .into_iter()
        .map(|location| {
            let polling = use_job_polling(JobTarget {
                category: JobCategory::Management,
                client_machine: location.machine.clone(),
                store_path: location.path.clone(),
                agent_id: location.orchestrator.as_ref().map(|o| o.agent_id.clone()),
                submitted_at,
            });
            StoreJob { location, polling }
        })
        .collect()
}

/// How the installation stands: `unscheduled` names the stores Keyfactor could not schedule.
pub fn installation_of(unscheduled: Vec<String>, jobs: &[StoreJob]) -> Memo<Installation> {
    let jobs: Vec<(String, Signal<JobPhase>)> = jobs
        .iter()
        .map(|job| {
            let observation = job.polling.observation;
            let phase = Signal::derive(move || observation.with(|o| o.phase.clone()));
            (store_label(&job.location), phase)
        })
        .collect();
    Memo::new(move |_| {
        let phases: Vec<(String, JobPhase)> = jobs
            .iter()
            .map(|(store, phase)| (store.clone(), phase.get()))
            .collect();
        Installation::of(&unscheduled, &phases)
    })
}

/// The job's status (a live region) and, once there is one, its message or the last read's problem.
#[component]
pub fn InstallationJobStatus(polling: JobPolling) -> impl IntoView {
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
