//! Recent orchestrator jobs, newest first, filtered by machine, store path and job type. The filter and
//! the page live in the URL (`/jobs?machine=…&path=…&type=…&page=…`), so a filtered list can be linked to
//! (the job timeline does).

use leptos::prelude::*;

use crate::components::data_table::DataTable;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::client::KeyfactorClient;
use crate::api::models::JobHistoryEntry;
use crate::api::query::ListQuery;
use crate::app::href;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::{SelectField, SelectOption, TextField};
use crate::domain::job_tracking::JobListFilter;

const JOBS_PER_PAGE: u32 = 25;

/// The job types worth filtering by (keyfactor-notes §2.6).
const JOB_TYPES: [&str; 4] = ["Reenrollment", "Management", "Inventory", "Discovery"];

fn jobs_query(filter: &JobListFilter) -> ListQuery {
    ListQuery {
        page: filter.page,
        limit: JOBS_PER_PAGE,
        sort_field: Some("OperationStart".into()),
        sort_ascending: false,
        ..ListQuery::matching(&filter.conditions())
    }
}

/// The app route of the jobs page showing `filter` (without the sub-path: `use_navigate` adds it).
fn jobs_route(filter: &JobListFilter) -> String {
    let query = filter.to_url_query();
    if query.is_empty() {
        "/jobs".to_owned()
    } else {
        format!("/jobs?{query}")
    }
}

/// The same, as an `<A href>` (which takes paths literally, so the sub-path is added).
fn jobs_href(filter: &JobListFilter) -> String {
    href(&jobs_route(filter))
}

#[component]
pub fn JobsPage() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            JobListFilter::from_query(
                ["machine", "path", "type", "page"]
                    .into_iter()
                    .filter_map(|key| q.get_str(key).map(|value| (key, value))),
            )
        })
    });
    let jobs = LocalResource::new(move || {
        let client = client.clone();
        let filter = filter.get();
        async move {
            client
                .job_history(&jobs_query(&filter))
                .await
                .map(|rows| (filter, rows))
        }
    });
    let refresh = move || jobs.refetch();

    // The form edits a copy; applying it changes the URL, which loads the list.
    let machine = RwSignal::new(filter.with_untracked(|f| f.client_machine.clone()));
    let path = RwSignal::new(filter.with_untracked(|f| f.store_path.clone()));
    let job_type = RwSignal::new(filter.with_untracked(|f| f.job_type.clone()));
    Effect::new(move |_| {
        filter.with(|f| {
            machine.set(f.client_machine.clone());
            path.set(f.store_path.clone());
            job_type.set(f.job_type.clone());
        });
    });
    let navigate = use_navigate();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = JobListFilter {
            client_machine: machine.get_untracked().trim().to_owned(),
            store_path: path.get_untracked().trim().to_owned(),
            job_type: job_type.get_untracked(),
            page: 1,
        };
        navigate(&jobs_route(&wanted), Default::default());
    };
    let type_options = Signal::stored(
        JOB_TYPES
            .iter()
            .map(|t| SelectOption {
                value: (*t).to_owned(),
                label: (*t).to_owned(),
            })
            .collect::<Vec<_>>(),
    );

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Orchestrator jobs"</h1>
            <p class="lead">
                "The latest jobs the orchestrators ran: reenrollments, certificate deployments and inventories."
            </p>
            <form class="job-filter" on:submit=apply aria-label="Filter jobs">
                <TextField id="job-machine" label="Client machine" value=machine error=Signal::stored(None::<String>) />
                <TextField id="job-path" label="Store path" value=path error=Signal::stored(None::<String>) />
                <SelectField id="job-type" label="Job type" value=job_type options=type_options error=Signal::stored(None::<String>) placeholder="Any type" />
                <div class="button-row">
                    <button type="submit">"Show jobs"</button>
                    <button type="button" class="secondary" on:click=move |_| refresh()>"Refresh"</button>
                </div>
            </form>
            <Transition fallback=|| view! { <p role="status">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Ok((filter, rows)) => view! { <JobTable filter rows /> }.into_any(),
                        Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| refresh()) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn JobTable(filter: JobListFilter, rows: Vec<JobHistoryEntry>) -> impl IntoView {
    let page = filter.page;
    let at_page = |page: u32| {
        jobs_href(&JobListFilter {
            page,
            ..filter.clone()
        })
    };
    let previous = (page > 1).then(|| at_page(page - 1));
    // Keyfactor gives no total: a full page means there may be more.
    let next = (rows.len() as u32 >= JOBS_PER_PAGE).then(|| at_page(page + 1));
    let pager = view! {
        <nav class="button-row" aria-label="Job pages">
            {previous.map(|link| view! { <A href=link>"Newer jobs"</A> })}
            {next.map(|link| view! { <A href=link>"Older jobs"</A> })}
        </nav>
    };
    if rows.is_empty() {
        return view! { <p>"No orchestrator jobs match."</p> {pager} }.into_any();
    }
    let caption = if page == 1 {
        format!("The {} most recent jobs, newest first", rows.len())
    } else {
        format!("Page {page}: {} older jobs, newest first", rows.len())
    };
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
    };
    view! {
        <DataTable caption=caption headers=&["Job", "Machine", "Store path", "Status", "Result", "Started", "Ended", "Message"]>
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
            </DataTable>
        {pager}
    }
    .into_any()
}
