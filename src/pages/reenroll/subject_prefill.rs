//! "Use the subject of the certificate in this store": the store's last inventory, read when asked.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::reenrollment::{subject_prefills, SubjectPrefill};
use crate::domain::Guid;

/// Offers the subject of a certificate already in the store, read from its inventory when asked (one
/// request): a single certificate fills the form at once, several are offered by alias.
#[component]
pub(super) fn SubjectFromStore(
    store_id: Guid,
    subject: RwSignal<String>,
    alias: RwSignal<String>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let load = Action::new_local(move |_: &()| {
        let (client, store_id) = (client.clone(), store_id.clone());
        async move {
            let inventory = client.store_inventory(&store_id).await?;
            Ok::<_, ApiError>(subject_prefills(&inventory))
        }
    });
    let status = RwSignal::new(String::new());
    let apply = move |prefill: SubjectPrefill| {
        subject.set(prefill.subject_name);
        if alias.with_untracked(String::is_empty) {
            alias.set(prefill.alias.clone());
        }
        status.set(format!(
            "Filled in from the certificate stored as \"{}\".",
            prefill.alias
        ));
    };
    Effect::new(move |_| match load.value().get() {
        Some(Ok(prefills)) => match prefills.as_slice() {
            [] => status.set(
                "The store's last inventory lists no certificate to take a subject from.".into(),
            ),
            [only] => apply(only.clone()),
            several => status.set(format!(
                "The store holds {} certificates: choose one below.",
                several.len()
            )),
        },
        _ => status.set(String::new()),
    });
    let choices = move || {
        match load.value().get() {
        Some(Err(error)) => Some(view! { <ApiErrorNotice error /> }.into_any()),
        Some(Ok(prefills)) if prefills.len() > 1 => Some(
            view! {
                <ul class="prefill-choices">
                    {prefills.into_iter().map(|prefill| {
                        let label = format!("Use {} (alias {})", prefill.subject_name, prefill.alias);
                        view! {
                            <li><button type="button" class="secondary" on:click=move |_| apply(prefill.clone())>{label}</button></li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        ),
        _ => None,
    }
    };
    view! {
        <div class="prefill">
            <button type="button" class="secondary" disabled=move || load.pending().get() on:click=move |_| { load.dispatch_local(()); }>
                {move || if load.pending().get() { "Reading the store…" } else { "Use the subject of the certificate in this store" }}
            </button>
            <p role="status" class="status-line">{move || status.get()}</p>
            {choices}
        </div>
    }
}
