//! One request: what was asked, where it stands, and once issued the way on (`continuation.rs`).

use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;

use super::continuation::Continuation;
use super::facts::{request_name, RequestFacts};
use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::workflow::{RequestLink, RequestState};
use crate::flows::workflow::{load_request, RequestDetails};
use crate::routes::href;

#[component]
pub(super) fn RequestView(link: RequestLink) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let details = LocalResource::new(move || {
        let client = client.clone();
        async move { load_request(&client, link.id).await }
    });
    let reload = Callback::new(move |()| details.refetch());
    view! {
        <p><A href=href("/requests")>"All requests"</A></p>
        <Transition fallback=|| view! { <p role="status">"Reading the request…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => view! { <Request details link reload /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error retry=reload /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the state means for the requester.
fn advice(state: &RequestState) -> &'static str {
    match state {
        RequestState::Pending => "An approver has not decided yet. Nothing was issued: check again later.",
        RequestState::Denied => "An approver denied this request, and nothing was issued. The comment says why.",
        RequestState::Issued => "The request was approved and the certificate issued. Get it below and put it where the old one is.",
        RequestState::Other(_) => "Keyfactor reports a state this portal does not act on. Ask your PKI team about it.",
    }
}

#[component]
fn Request(details: RequestDetails, link: RequestLink, reload: Callback<()>) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    // Rendered inside a Suspend, the heading is attached to the page only after this view is built.
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            request_animation_frame(move || {
                let _ = heading.focus();
            });
        }
    });
    let RequestDetails {
        request,
        state,
        certificate,
    } = details;
    let name = request_name(&request);
    let waiting = state == RequestState::Pending;
    let settled_well = state == RequestState::Issued;
    let missing = settled_well && certificate.is_none();
    view! {
        <section aria-labelledby="request-title" class="request-view">
            <h2 id="request-title" tabindex="-1" node_ref=heading>{format!("Request {}: {state}", request.id)}</h2>
            <p class=if settled_well || waiting { "notice" } else { "notice notice-error" }>{advice(&state)}</p>
            <RequestFacts request=request.clone() />
            {waiting.then(|| view! {
                <button type="button" class="secondary" on:click=move |_| reload.run(())>"Check again"</button>
            })}
            {missing.then(|| view! {
                <p class="notice notice-error">{format!(
                    "Keyfactor says request {} was issued, but no certificate with that request ID can be found for {name}. It may be outside your certificate collection.",
                    request.id
                )}</p>
            })}
            {certificate.map(|certificate| view! { <Continuation request certificate renews=link.renews /> })}
        </section>
    }
}
