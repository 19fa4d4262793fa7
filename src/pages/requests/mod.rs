//! "My requests" (`/requests`): certificate requests waiting for approval and those denied, with Approve
//! and Deny for those who may decide; `/requests?id=N&renews=M` shows one request and, once it is issued,
//! continues where the renewal would have: get the certificate, put it where the old one is.

mod continuation;
mod decide;
mod facts;
mod lists;
mod request;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::page_section::PageSection;
use crate::domain::workflow::RequestLink;

use lists::AllRequests;
use request::RequestView;

#[component]
pub fn RequestsPage() -> impl IntoView {
    let query = use_query_map();
    let link = Memo::new(move |_| {
        query.with(|q| RequestLink::from_query(q.get("id").as_deref(), q.get("renews").as_deref()))
    });
    view! {
        <PageSection
            title="My requests"
            lead="Certificate requests that wait for an approver, and those that were denied. Once a request is approved, open it to get the certificate and put it where the old one is."
        >
            {move || match link.get() {
                Some(link) => view! { <RequestView link /> }.into_any(),
                None => view! { <AllRequests /> }.into_any(),
            }}
        </PageSection>
    }
}
