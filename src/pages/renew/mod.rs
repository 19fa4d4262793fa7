//! The renewal flow (`/renew`): find the certificate, see the plan, choose what is needed, renew once,
//! see the result and put the new certificate where the old one is installed.

mod lookup;
mod plan;
mod result;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::command_version::CommandVersion;
use crate::domain::models::{
    Agent, Certificate, CertificateLocation, CertificateRef, CertificateStore,
};
use crate::domain::query::ListQuery;
use crate::domain::renewal::{
    installed_locations, parse_certificate_ref, prefill_from_query, thumbprint_condition,
    InstalledLocation, Prefill, RenewalPlan,
};
use crate::domain::Guid;

use lookup::LookupForm;
use plan::PlanSection;

/// Everything the flow knows about the chosen certificate before renewing it.
#[derive(Clone, Debug)]
pub(crate) struct PlanData {
    pub reference: CertificateRef,
    pub version: CommandVersion,
    pub plan: RenewalPlan,
    pub certificate: Certificate,
    pub locations: Vec<InstalledLocation>,
    /// Why the orchestrators could not be listed (the plan is still usable without them).
    pub agents_problem: Option<ApiError>,
}

/// The certificate's details and locations: by id directly, by thumbprint through a search.
async fn find_certificate(
    client: &KeyfactorClient,
    reference: &CertificateRef,
) -> Result<Certificate, ApiError> {
    match reference {
        CertificateRef::Id(id) => client.certificate_with_locations(*id).await,
        CertificateRef::Thumbprint(thumbprint) => client
            .search_certificates(&ListQuery::matching(&[thumbprint_condition(thumbprint)]))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::NotFound {
                message: format!("no certificate has the thumbprint {thumbprint}."),
            }),
    }
}

async fn load_plan(
    client: KeyfactorClient,
    reference: CertificateRef,
) -> Result<PlanData, ApiError> {
    let version = client.command_version().await?;
    let plan = client.renewal_plan(&reference).await?;
    let certificate = find_certificate(&client, &reference).await?;
    let (stores, agents, agents_problem) = if certificate.locations.is_empty() {
        (Vec::new(), Vec::new(), None)
    } else {
        match orchestrators_of(&client, &certificate.locations).await {
            Ok((stores, agents)) => (stores, agents, None),
            Err(error) => (Vec::new(), Vec::new(), Some(error)),
        }
    };
    Ok(PlanData {
        locations: installed_locations(&certificate.locations, &stores, &agents),
        plan,
        reference,
        version,
        certificate,
        agents_problem,
    })
}

/// The stores holding the certificate (for their `AgentId`) and the orchestrators; a failure here only
/// hides the orchestrator column, it does not stop the renewal.
async fn orchestrators_of(
    client: &KeyfactorClient,
    locations: &[CertificateLocation],
) -> Result<(Vec<CertificateStore>, Vec<Agent>), ApiError> {
    let mut stores = Vec::new();
    for store_id in locations.iter().filter_map(|l| l.cert_store_id.as_deref()) {
        let Ok(id) = Guid::parse(store_id) else {
            continue;
        };
        if !stores
            .iter()
            .any(|s: &CertificateStore| s.id.eq_ignore_ascii_case(id.as_str()))
        {
            stores.push(client.store(&id).await?);
        }
    }
    Ok((stores, client.agents().await?))
}

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
                Some(reference) => load_plan(client, reference).await.map(Some),
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
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Renew a certificate"</h1>
            <p class="lead">
                "Renewal issues a new certificate in place of an existing one. It does not install it: "
                "afterwards you can replace the old certificate in every store that holds it."
            </p>
            <Show when=move || chosen.with(Option::is_none)>
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
        </section>
    }
}
