//! Finding a certificate store by client machine and store path and choosing it, or, for the help desk,
//! opening one by its GUID. Stores that cannot be reenrolled say why and offer no "Choose".

use leptos::prelude::*;

use crate::components::data_table::DataTable;

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::TextField;
use crate::domain::models::{CertificateStore, CertificateStoreType};
use crate::domain::query::{ListQuery, QueryExpr, TextOp};
use crate::domain::reenrollment::{store_type_of, type_name};
use crate::domain::Guid;

/// Rows per search: enough to spot the store, few enough to read.
const STORES_PER_SEARCH: u32 = 25;

fn store_query(machine: &str, path: &str) -> ListQuery {
    let conditions: Vec<QueryExpr> = [("ClientMachine", machine), ("StorePath", path)]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(field, value)| QueryExpr::text(field, TextOp::Contains, value.trim()))
        .collect();
    ListQuery {
        limit: STORES_PER_SEARCH,
        sort_field: Some("ClientMachine".into()),
        ..ListQuery::matching(&conditions)
    }
}

#[component]
pub fn StorePicker(
    /// All store types (loaded once by the page).
    store_types: Vec<CertificateStoreType>,
    on_pick: Callback<CertificateStore>,
    /// A help-desk GUID, already validated.
    on_pick_id: Callback<Guid>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let machine = RwSignal::new(String::new());
    let path = RwSignal::new(String::new());
    let searched = RwSignal::new(None::<ListQuery>);
    // A Memo: searching again for the same text sends nothing.
    let search = Memo::new(move |_| searched.get());
    let results = LocalResource::new(move || {
        let client = client.clone();
        let query = search.get();
        async move {
            match query {
                Some(query) => client.search_stores(&query).await.map(Some),
                None => Ok(None),
            }
        }
    });

    let store_id = RwSignal::new(String::new());
    let store_id_error = RwSignal::new(None::<String>);
    let open_by_id = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Guid::parse(&store_id.get_untracked()) {
            Ok(id) => {
                store_id_error.set(None);
                on_pick_id.run(id);
            }
            Err(error) => store_id_error.set(Some(error.to_string())),
        }
    };

    let types = StoredValue::new(store_types);
    view! {
        <section class="store-picker" aria-labelledby="store-picker-title">
            <h2 id="store-picker-title">"Choose the certificate store"</h2>
            <form class="store-search" on:submit=move |ev| {
                ev.prevent_default();
                searched.set(Some(store_query(&machine.get_untracked(), &path.get_untracked())));
            }>
                <TextField id="store-machine" label="Client machine contains" value=machine error=Signal::stored(None::<String>) hint="e.g. web01 — leave both empty to list all stores" />
                <TextField id="store-path" label="Store path contains" value=path error=Signal::stored(None::<String>) />
                <button type="submit">"Search stores"</button>
            </form>
            <Transition fallback=|| view! { <p>"Searching stores…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(stores)) => types.with_value(|types| {
                            view! { <StoreTable stores types=types.clone() on_pick /> }.into_any()
                        }),
                        Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| results.refetch()) /> }.into_any(),
                    }
                })}
            </Transition>
            <form class="store-by-id" on:submit=open_by_id novalidate>
                <TextField id="store-id" label="Or open a store by its id (GUID)" value=store_id error=store_id_error hint="For the help desk: the store's Id from Keyfactor Command" />
                <button type="submit" class="secondary">"Open store"</button>
            </form>
        </section>
    }
}

#[component]
fn StoreTable(
    stores: Vec<CertificateStore>,
    types: Vec<CertificateStoreType>,
    on_pick: Callback<CertificateStore>,
) -> impl IntoView {
    if stores.is_empty() {
        return view! { <p role="status">"No store matches. Check the spelling or search for less."</p> }.into_any();
    }
    let caption = format!("{} matching stores", stores.len());
    let rows = stores
        .into_iter()
        .map(|store| {
            let known_type = types.iter().find(|t| t.store_type == Some(store.cert_store_type));
            let kind = known_type.map_or_else(|| format!("type {}", store.cert_store_type), type_name);
            let eligibility = store_type_of(&store, &types).map(|_| ()).map_err(|why| why.to_string());
            let label = format!(
                "Choose {} {}",
                store.client_machine.clone().unwrap_or_default(),
                store.store_path.clone().unwrap_or_default()
            );
            let action = match eligibility {
                Ok(()) => {
                    let store = store.clone();
                    view! { <button type="button" aria-label=label on:click=move |_| on_pick.run(store.clone())>"Choose"</button> }.into_any()
                }
                Err(why) => view! { <span class="field-hint">{why}</span> }.into_any(),
            };
            view! {
                <tr>
                    <td>{store.client_machine}</td>
                    <td>{store.store_path}</td>
                    <td>{kind}</td>
                    <td>{store.container_name}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption=caption headers=&["Client machine", "Store path", "Store type", "Container", "Reenroll"]>{rows}</DataTable>
    }
    .into_any()
}
