//! What was requested, by whom and when: the facts every view of a request shows.

use leptos::prelude::*;

use crate::domain::display;
use crate::domain::models::CertificateRequest;
use crate::domain::workflow::RequestState;

/// The request's common name, or its id when Command gave none.
pub(super) fn request_name(request: &CertificateRequest) -> String {
    request
        .common_name
        .clone()
        .filter(|cn| !cn.trim().is_empty())
        .unwrap_or_else(|| format!("request {}", request.id))
}

#[component]
pub(super) fn RequestFacts(request: CertificateRequest) -> impl IntoView {
    let fact = |label: &'static str, value: Option<String>| {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|value| view! { <dt>{label}</dt><dd>{value}</dd> })
    };
    let state = RequestState::of(&request);
    let sans = (!request.sans.is_empty()).then(|| request.sans.join(", "));
    let stores = request
        .cert_stores
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s.client_machine.as_deref().unwrap_or(""),
                s.store_path.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>();
    let stores = (!stores.is_empty()).then(|| stores.join("; "));
    view! {
        <dl class="facts">
            {fact("Request ID", Some(request.id.to_string()))}
            {fact("State", Some(state.to_string()))}
            {fact("Subject", request.distinguished_name.clone())}
            {fact("Alternative names", sans)}
            {fact("Template", request.template.clone())}
            {fact("Certificate authority", request.certificate_authority.clone())}
            {fact("Requested by", request.requester.clone())}
            {fact("Submitted", request.submission_date.map(display::minute))}
            {fact("Stores of the certificate it renews", stores)}
            {fact("Denial comment", request.denial_comment.clone())}
        </dl>
    }
}
