//! The renewal flow (`/renew`): find the certificate, see the plan, choose what is needed, renew once,
//! see the result and put the new certificate where the old one is installed.

mod copy_call;
mod history;
pub(crate) mod install;
mod install_step;
mod installation_jobs;
mod lookup;
mod plan;
mod result;
mod retire;
mod search;
mod submit;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::page_section::PageSection;
use crate::domain::renewal::{parse_certificate_ref, prefill_from_query, Prefill};
use crate::flows::renewal::load_plan;

use lookup::LookupForm;
use plan::PlanSection;

#[component]
pub fn RenewPage() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let deep_link = use_query_map().with_untracked(|query| {
        prefill_from_query(
            query.get("id").as_deref(),
            query.get("thumbprint").as_deref(),
        )
    });
    // A valid deep link is looked up at once; the form shows what is wrong with any other.
    let initial = match &deep_link {
        Ok(Some(prefill)) => parse_certificate_ref(prefill.kind, &prefill.raw).ok(),
        _ => None,
    };
    let selected = RwSignal::new(initial);
    let deep_link = StoredValue::new(Some(deep_link));
    // Choosing the same certificate again must not look it up again.
    let chosen = Memo::new(move |_| selected.get());
    let plan = LocalResource::new(move || {
        let client = client.clone();
        let reference = chosen.get();
        async move {
            match reference {
                Some(reference) => load_plan(&client, reference).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let start_over = Callback::new(move |()| selected.set(None));
    // After a failed lookup the form comes back with what the user had typed.
    let change_lookup = Callback::new(move |()| {
        if let Some(reference) = selected.get_untracked() {
            deep_link.set_value(Some(Ok(Some(Prefill::of(&reference)))));
        }
        selected.set(None);
    });

    view! {
        <PageSection
            title="Renew a certificate"
            lead="Renewal issues a new certificate in place of an existing one. It does not install it: afterwards you can replace the old certificate in every store that holds it."
        >            <Show when=move || chosen.with(Option::is_none)>
                <LookupForm selected deep_link />
            </Show>
            <Transition fallback=|| view! { <p role="status">"Looking up the certificate…"</p> }>
                {move || Suspend::new(async move {
                    match plan.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(data)) => view! { <PlanSection data start_over /> }.into_any(),
                        Err(error) => view! {
                            <ApiErrorNotice error retry=Callback::new(move |()| plan.refetch()) />
                            <button type="button" class="secondary" on:click=move |_| change_lookup.run(())>
                                "Change what to look up"
                            </button>
                        }.into_any(),
                    }
                })}
            </Transition>
        </PageSection>
    }
}
