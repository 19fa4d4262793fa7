//! The page: the filter its URL holds, the certificates expiring in that window, and either the list or a
//! bulk renewal of the ticked ones.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::bulk::BulkRenewal;
use super::filter::{FilterDraft, FilterForm};
use super::list::ExpiringList;
use super::{Certificates, ListState};
use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::page_section::PageSection;
use crate::domain::expiring::{expiring_list, ExpiringFilter, ExpiryWindow};
use crate::domain::models::Certificate;
use crate::domain::query::ListQuery;

/// The query keys the page reads.
const QUERY_KEYS: [&str; 5] = ["days", "until", "q", "ca", "template"];

#[component]
pub fn ExpiringPage() -> impl IntoView {
    let query = use_query_map();
    let today = Utc::now().date_naive();
    let parsed = Memo::new(move |_| {
        query.with(|q| {
            ExpiringFilter::from_query(
                QUERY_KEYS
                    .into_iter()
                    .filter_map(|key| q.get_str(key).map(|value| (key, value))),
                today,
            )
        })
    });
    let filter = Memo::new(move |_| parsed.with(|(filter, _)| filter.clone()));
    // Only the window is asked of Keyfactor; text, CA and template narrow what was loaded.
    let window = Memo::new(move |_| filter.with(|f| f.window));
    let certificates = certificates_expiring(window);
    view! {
        <PageSection
            title="Certificates expiring soon"
            lead="Certificates you can see that expire soon, soonest first. Renew one straight from the list."
        >
            {move || parsed.with(|(_, problem)| problem.clone()).map(|problem| view! { <p class="notice notice-error" role="alert">{problem}</p> })}
            <ListOrBulk certificates filter />
        </PageSection>
    }
}

/// Every certificate expiring in `window`, soonest first, read again when the window changes.
fn certificates_expiring(window: Memo<ExpiryWindow>) -> Certificates {
    let client = expect_context::<KeyfactorClient>();
    LocalResource::new(move || {
        let client = client.clone();
        let window = window.get();
        async move {
            let conditions = ExpiringFilter {
                window,
                ..ExpiringFilter::default()
            }
            .conditions(Utc::now());
            let query = ListQuery {
                sort_field: Some("NotAfter".into()),
                sort_ascending: true,
                ..ListQuery::matching(&conditions)
            };
            client.all_certificates(&query).await
        }
    })
}

/// The filter form and the list, or, while the user renews the ticked certificates, the bulk renewal; what
/// the list and the form hold outlives the bulk renewal.
#[component]
fn ListOrBulk(certificates: Certificates, filter: Memo<ExpiringFilter>) -> impl IntoView {
    let draft = FilterDraft::following(filter);
    let state = ListState {
        kinds: RwSignal::new(BTreeMap::new()),
        selected: RwSignal::new(BTreeSet::new()),
    };
    // A selection belongs to the view it was made in.
    Effect::new(move |_| {
        filter.track();
        state.selected.set(BTreeSet::new());
    });
    // The certificates a bulk renewal works on, in list order, while its view is open.
    let bulk = RwSignal::new(None::<Vec<Certificate>>);
    let open_bulk = Callback::new(move |()| {
        let chosen = state.selected.get_untracked();
        let loaded = certificates.get().and_then(Result::ok).unwrap_or_default();
        let list = filter.with_untracked(|f| expiring_list(&loaded, f));
        bulk.set(Some(
            list.into_iter()
                .filter(|c| chosen.contains(&c.id))
                .collect(),
        ));
    });
    // Back from a bulk renewal that sent something, the list is read again: it has changed.
    let close_bulk = Callback::new(move |sent: bool| {
        bulk.set(None);
        if sent {
            state.selected.set(BTreeSet::new());
            state.kinds.set(BTreeMap::new());
            certificates.refetch();
        }
    });
    view! {
        <Show when=move || bulk.with(Option::is_none) fallback=move || view! {
            <BulkRenewal certificates=bulk.get_untracked().unwrap_or_default() kinds=state.kinds close=close_bulk />
        }>
            <FilterForm draft certificates />
            <Transition fallback=|| view! { <p role="status">"Loading certificates…"</p> }>
                {move || Suspend::new(async move {
                    match certificates.await {
                        Ok(all) => view! { <ExpiringList all filter=filter.get() state open_bulk /> }.into_any(),
                        Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| certificates.refetch()) /> }.into_any(),
                    }
                })}
            </Transition>
        </Show>
    }
}
