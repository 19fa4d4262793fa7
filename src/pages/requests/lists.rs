//! The lists: requests waiting for approval (with Approve and Deny for those who may decide, and for
//! those who may not, why they are not offered) and denied requests with their comments.

use leptos::prelude::*;
use leptos_router::components::A;

use super::decide::Decide;
use super::facts::{request_name, RequestFacts};
use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::models::CertificateRequest;
use crate::domain::workflow::{ApprovalRight, RequestLink};
use crate::flows::workflow::{load_requests, RequestLists};
use crate::routes::href;

#[component]
pub(super) fn AllRequests() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let lists = LocalResource::new(move || {
        let client = client.clone();
        async move { load_requests(&client).await }
    });
    let reload = Callback::new(move |()| lists.refetch());
    view! {
        <Transition fallback=|| view! { <p role="status">"Reading the requests…"</p> }>
            {move || Suspend::new(async move {
                match lists.await {
                    Ok(data) => view! { <Lists data reload /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error retry=reload /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Lists(data: RequestLists, reload: Callback<()>) -> impl IntoView {
    let may_decide = data.approval == Some(ApprovalRight::May);
    let pending = data.pending;
    let denied = data.denied;
    view! {
        <button type="button" class="secondary" on:click=move |_| reload.run(())>"Reload the lists"</button>
        <h2 id="pending-title">"Waiting for approval"</h2>
        <ApprovalNotice approval=data.approval />
        {if pending.is_empty() {
            view! { <p>"No request waits for approval."</p> }.into_any()
        } else {
            view! {
                <ul class="request-list" aria-labelledby="pending-title">
                    {pending.into_iter().map(|request| view! { <li><RequestCard request may_decide /></li> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2 id="denied-title">"Denied"</h2>
        {if denied.is_empty() {
            view! { <p>"No request was denied."</p> }.into_any()
        } else {
            view! {
                <ul class="request-list" aria-labelledby="denied-title">
                    {denied.into_iter().map(|request| view! { <li><RequestCard request may_decide=false /></li> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// Why Approve and Deny are missing, when they are.
#[component]
fn ApprovalNotice(approval: Option<ApprovalRight>) -> impl IntoView {
    let reason = match approval {
        None | Some(ApprovalRight::May) => None,
        Some(ApprovalRight::MayNot { reason }) => Some(format!(
            "Approve and Deny are not offered: Keyfactor does not let you decide on certificate requests. {reason}"
        )),
        Some(ApprovalRight::Unknown { reason }) => Some(format!(
            "Approve and Deny are not offered: the portal could not find out whether you may decide. {reason}"
        )),
    };
    reason.map(|reason| view! { <p class="notice approval-notice">{reason}</p> })
}

#[component]
fn RequestCard(request: CertificateRequest, may_decide: bool) -> impl IntoView {
    let id = request.id;
    let name = request_name(&request);
    let title_id = format!("request-{id}-title");
    let labelled_by = title_id.clone();
    let link = href(&RequestLink { id, renews: None }.route());
    view! {
        <article class="request-card" aria-labelledby=labelled_by>
            <h3 id=title_id><A href=link>{format!("{name} (request {id})")}</A></h3>
            <RequestFacts request />
            {may_decide.then(|| view! { <Decide request_id=id name /> })}
        </article>
    }
}
