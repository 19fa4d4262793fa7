//! Store reenrollment: pick a store (or open one by GUID / `?store=` deep link), fill the fields its store
//! type defines, submit once, then follow the orchestrator job on a timeline.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

mod fields;
mod form;
mod store;
mod subject_prefill;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::page_section::PageSection;
use crate::components::store_picker::StorePicker;
use crate::domain::command_version::CommandVersion;
use crate::domain::models::{CertificateStore, CertificateStoreType};
use crate::domain::Guid;

pub use form::ReenrollForm;
use store::{ChosenStore, StoreById};

/// Which store the form is for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum StoreChoice {
    None,
    Picked(CertificateStore),
    /// Typed, pasted or from `?store=`: loaded by id.
    ById(Guid),
}

#[component]
pub fn ReenrollPage() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    // Read once per visit; every store lookup, row and form below uses this one list.
    let store_types = LocalResource::new({
        let client = client.clone();
        move || {
            let client = client.clone();
            async move {
                let types = client.store_types().await?;
                // Known after the first request: this sends nothing more.
                let version = client.command_version().await?;
                Ok::<_, ApiError>((types, version))
            }
        }
    });

    let query = use_query_map();
    let deep_link = query.with_untracked(|q| q.get("store"));
    let deep_link_error = deep_link
        .as_deref()
        .and_then(|raw| Guid::parse(raw).err())
        .map(|error| format!("The store in the link is not valid: {error}"));
    let choice = RwSignal::new(
        deep_link
            .as_deref()
            .and_then(|raw| Guid::parse(raw).ok())
            .map_or(StoreChoice::None, StoreChoice::ById),
    );

    view! {
        <PageSection
            title="Reenroll a certificate store"
            lead="Reenrollment asks the store's orchestrator to generate a new key on the device and enroll a certificate for it. The job runs when the orchestrator next checks in."
        >            {deep_link_error.map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <Transition fallback=|| view! { <p role="status">"Loading store types…"</p> }>
                {move || Suspend::new(async move {
                    match store_types.await {
                        Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| store_types.refetch()) /> }.into_any(),
                        Ok((types, version)) => view! { <ReenrollFlow types version choice /> }.into_any(),
                    }
                })}
            </Transition>
        </PageSection>
    }
}

#[component]
fn ReenrollFlow(
    types: Vec<CertificateStoreType>,
    version: CommandVersion,
    choice: RwSignal<StoreChoice>,
) -> impl IntoView {
    let types = StoredValue::new(types);
    let picker = move || {
        view! {
            <StorePicker
                store_types=types.get_value()
                on_pick=Callback::new(move |store| choice.set(StoreChoice::Picked(store)))
                on_pick_id=Callback::new(move |id| choice.set(StoreChoice::ById(id)))
            />
        }
    };
    move || match choice.get() {
        StoreChoice::None => picker().into_any(),
        StoreChoice::Picked(store) => {
            view! { <ChosenStore store types=types.get_value() version choice /> }.into_any()
        }
        StoreChoice::ById(id) => {
            view! { <StoreById id types=types.get_value() version choice /> }.into_any()
        }
    }
}
