//! Recent orchestrator jobs: what reenrollments and deployments did, newest first.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::api::models::JobHistoryEntry;
use crate::api::query::ListQuery;
use crate::components::api_error::ApiErrorNotice;

const RECENT_JOBS: u32 = 25;

fn recent_jobs_query() -> ListQuery {
    ListQuery {
        limit: RECENT_JOBS,
        sort_field: Some("OperationStart".into()),
        sort_ascending: false,
        ..ListQuery::default()
    }
}

#[component]
pub fn JobsPage() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let jobs = LocalResource::new(move || {
        let client = client.clone();
        async move { client.job_history(&recent_jobs_query()).await }
    });
    let refresh = move || jobs.refetch();

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Orchestrator jobs"</h1>
            <p class="lead">
                "The latest jobs the orchestrators ran: reenrollments, certificate deployments and inventories."
            </p>
            <button type="button" class="secondary" on:click=move |_| refresh()>"Refresh"</button>
            <Transition fallback=|| view! { <p role="status">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Ok(rows) => view! { <JobTable rows /> }.into_any(),
                        Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| refresh()) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn JobTable(rows: Vec<JobHistoryEntry>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No orchestrator jobs have run yet."</p> }.into_any();
    }
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
    };
    view! {
        <div class="table-wrap">
        <table>
            <caption>{format!("The {} most recent jobs, newest first", rows.len())}</caption>
            <thead>
                <tr>
                    <th scope="col">"Job"</th>
                    <th scope="col">"Machine"</th>
                    <th scope="col">"Store path"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Result"</th>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Ended"</th>
                    <th scope="col">"Message"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|job| {
                        let result = job.is_final().then(|| job.result.to_string());
                        view! {
                            <tr>
                                <td>{job.job_type}</td>
                                <td>{job.client_machine}</td>
                                <td>{job.store_path}</td>
                                <td>{job.status.to_string()}</td>
                                <td>{result}</td>
                                <td class="num">{time(job.operation_start)}</td>
                                <td class="num">{time(job.operation_end)}</td>
                                <td>{job.message}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}
