//! The chosen store: loaded by id when it came from a link or was typed, its facts, and the form when its
//! store type can be reenrolled.

use leptos::prelude::*;

use super::form::ReenrollForm;
use super::StoreChoice;
use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::command_version::CommandVersion;
use crate::domain::models::{CertificateStore, CertificateStoreType};
use crate::domain::reenrollment::{store_type_of, type_name};
use crate::domain::Guid;

#[component]
pub(super) fn StoreById(
    id: Guid,
    types: Vec<CertificateStoreType>,
    version: CommandVersion,
    choice: RwSignal<StoreChoice>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let store = LocalResource::new(move || {
        let (client, id) = (client.clone(), id.clone());
        async move { client.store(&id).await }
    });
    let types = StoredValue::new(types);
    view! {
        <Transition fallback=|| view! { <p role="status">"Loading the store…"</p> }>
            {move || Suspend::new(async move {
                match store.await {
                    Ok(store) => view! { <ChosenStore store types=types.get_value() version choice /> }.into_any(),
                    Err(error) => view! {
                        <ApiErrorNotice error retry=Callback::new(move |()| store.refetch()) />
                        <button type="button" class="secondary" on:click=move |_| choice.set(StoreChoice::None)>"Choose another store"</button>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The chosen store's facts, and the form when the store can be reenrolled.
#[component]
pub(super) fn ChosenStore(
    store: CertificateStore,
    types: Vec<CertificateStoreType>,
    version: CommandVersion,
    choice: RwSignal<StoreChoice>,
) -> impl IntoView {
    let eligibility = store_type_of(&store, &types).cloned();
    let kind = types
        .iter()
        .find(|t| t.store_type == Some(store.cert_store_type))
        .map_or_else(|| format!("type {}", store.cert_store_type), type_name);
    let facts = view! {
        <dl class="facts">
            <dt>"Client machine"</dt><dd>{store.client_machine.clone()}</dd>
            <dt>"Store path"</dt><dd>{store.store_path.clone()}</dd>
            <dt>"Store type"</dt><dd>{kind}</dd>
            <dt>"Container"</dt><dd>{store.container_name.clone().unwrap_or_else(|| "none".into())}</dd>
            <dt>"Store id"</dt><dd><code>{store.id.to_string()}</code></dd>
        </dl>
    };
    view! {
        <section aria-labelledby="chosen-store-title">
            <h2 id="chosen-store-title">"Store"</h2>
            {facts}
            <button type="button" class="secondary" on:click=move |_| choice.set(StoreChoice::None)>"Choose another store"</button>
        </section>
        {match eligibility {
            Ok(store_type) => view! { <ReenrollForm store store_type version /> }.into_any(),
            Err(why) => view! { <p class="notice notice-error" role="alert">{why.to_string()}</p> }.into_any(),
        }}
    }
}
