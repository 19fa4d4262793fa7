//! Recent orchestrator jobs, newest first, filtered by machine, store path and job category. The filter
//! and the page live in the URL (`/jobs?machine=…&path=…&type=…&page=…`), so a filtered list can be linked
//! to (the job timeline does). Job types are store-type specific on real servers (`WinCertReenrollment`),
//! so the filter offers categories; what Keyfactor is asked and what is checked here is
//! `JobListFilter`'s business.

use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::page_section::PageSection;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::{SelectField, SelectOption, TextField};
use crate::domain::job_category::JobCategory;
use crate::domain::job_tracking::JobListFilter;
use crate::domain::models::JobHistoryEntry;
use crate::routes::href;

const JOBS_PER_PAGE: u32 = 25;

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

/// The filter being edited: a copy of the URL's, which applying it replaces (and that loads the list).
#[component]
fn FilterForm(filter: Memo<JobListFilter>, refresh: Callback<()>) -> impl IntoView {
    let machine = RwSignal::new(filter.with_untracked(|f| f.client_machine.clone()));
    let path = RwSignal::new(filter.with_untracked(|f| f.store_path.clone()));
    let category_name = |filter: &JobListFilter| {
        filter
            .category
            .map(|category| category.name().to_owned())
            .unwrap_or_default()
    };
    let category = RwSignal::new(filter.with_untracked(category_name));
    Effect::new(move |_| {
        filter.with(|f| {
            machine.set(f.client_machine.clone());
            path.set(f.store_path.clone());
            category.set(category_name(f));
        });
    });
    let navigate = use_navigate();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = JobListFilter {
            client_machine: machine.get_untracked().trim().to_owned(),
            store_path: path.get_untracked().trim().to_owned(),
            category: JobCategory::parse(&category.get_untracked()),
            page: 1,
        };
        navigate(&jobs_route(&wanted), Default::default());
    };
    let category_options = Signal::stored(
        JobCategory::ALL
            .iter()
            .map(|category| SelectOption {
                value: category.name().to_owned(),
                label: category.name().to_owned(),
            })
            .collect::<Vec<_>>(),
    );
    view! {
        <form class="job-filter" on:submit=apply aria-label="Filter jobs">
            <TextField id="job-machine" label="Client machine" value=machine error=Signal::stored(None::<String>) />
            <TextField id="job-path" label="Store path" value=path error=Signal::stored(None::<String>) />
            <SelectField id="job-type" label="Job type" value=category options=category_options error=Signal::stored(None::<String>) placeholder="Any type" />
            <div class="button-row">
                <button type="submit">"Show jobs"</button>
                <button type="button" class="secondary" on:click=move |_| refresh.run(())>"Refresh"</button>
            </div>
        </form>
    }
}

#[component]
pub fn JobsPage() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            JobListFilter::from_query(
                JobListFilter::KEYS
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
                .job_history(&filter.query(JOBS_PER_PAGE))
                .await
                .map(|rows| (filter, rows))
        }
    });
    let refresh = Callback::new(move |()| jobs.refetch());

    view! {
        <PageSection
            title="Orchestrator jobs"
            lead="The latest jobs the orchestrators ran: reenrollments, certificate deployments and inventories."
        >            <FilterForm filter refresh />
            <Transition fallback=|| view! { <p role="status">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Ok((filter, rows)) => view! { <JobTable filter rows /> }.into_any(),
                        Err(error) => view! { <ApiErrorNotice error retry=refresh /> }.into_any(),
                    }
                })}
            </Transition>
        </PageSection>
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
    let read = rows.len();
    let rows: Vec<JobHistoryEntry> = rows.into_iter().filter(|row| filter.keeps(row)).collect();
    let left_out = (rows.len() < read).then(|| {
        format!(
            "{} of the {read} jobs Keyfactor returned for this page are not on the client machine or job type asked for, and are not shown.",
            read - rows.len()
        )
    });
    let pager = view! {
        <nav class="button-row" aria-label="Job pages">
            {previous.map(|link| view! { <A href=link>"Newer jobs"</A> })}
            {next.map(|link| view! { <A href=link>"Older jobs"</A> })}
        </nav>
    };
    let left_out = left_out.map(|text| view! { <p class="field-hint">{text}</p> });
    if rows.is_empty() {
        return view! { <p>"No orchestrator jobs match."</p> {left_out} {pager} }.into_any();
    }
    let caption = if page == 1 {
        format!("The {} most recent jobs, newest first", rows.len())
    } else {
        format!("Page {page}: {} older jobs, newest first", rows.len())
    };
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(crate::domain::display::minute);
    view! {
        <DataTable caption=caption headers=&["Job", "Machine", "Store path", "Status", "Result", "Started", "Ended", "Message"]>
                {rows
                    .into_iter()
                    .map(|job| {
                        let result = job.is_final().then(|| job.result.to_string());
                        let job_type = JobCategory::label(job.job_type.as_deref().unwrap_or_default());
                        view! {
                            <tr>
                                <td>{job_type}</td>
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
        {left_out}
        {pager}
    }
    .into_any()
}
