//! After approval, the renewal's last steps, with the renewal result's own components: get the new
//! certificate as a file, and put it where the old one is (Replace, jobs followed to the end). The old
//! certificate is the one the link names (`renews`); without one, the owner picks it among those with the
//! same subject.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::certificate_download::CertificateDownload;
use crate::domain::display;
use crate::domain::models::{Certificate, CertificateRef, CertificateRequest};
use crate::domain::workflow::RequestLink;
use crate::domain::SecretString;
use crate::flows::renewal::load_plan;
use crate::flows::workflow::renewal_candidates;
use crate::pages::renew::install::Install;
use crate::routes::href;

#[component]
pub(super) fn Continuation(
    request: CertificateRequest,
    certificate: Certificate,
    renews: Option<i32>,
) -> impl IntoView {
    let new_id = certificate.id;
    let name = display::certificate_name(&certificate);
    view! {
        <CertificateDownload heading="Get the new certificate as a file" certificate_id=new_id name recoverable=certificate.key_recoverable />
        {match renews {
            Some(old_id) => view! { <ReplaceOld old_id new_id /> }.into_any(),
            None => view! { <ChooseRenewed request new_id /> }.into_any(),
        }}
    }
}

/// The old certificate's plan (its stores and their orchestrators), then the renewal's install step.
#[component]
fn ReplaceOld(old_id: i32, new_id: i32) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let plan = LocalResource::new(move || {
        let client = client.clone();
        async move { load_plan(&client, CertificateRef::Id(old_id)).await }
    });
    // A certificate issued after approval comes with no PFX password.
    let password = RwSignal::new(None::<SecretString>);
    view! {
        <Transition fallback=|| view! { <p role="status">"Reading where the old certificate is…"</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Ok(data) => view! { <Install data new_id password heading="Put the new certificate where the old one is" /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| plan.refetch()) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The link did not say which certificate was renewed: the ones with the same subject, to choose from.
#[component]
fn ChooseRenewed(request: CertificateRequest, new_id: i32) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let request_id = request.id;
    let request = StoredValue::new(request);
    let candidates = LocalResource::new(move || {
        let client = client.clone();
        let request = request.get_value();
        async move { renewal_candidates(&client, &request, new_id).await }
    });
    let choice = move |old: &Certificate| {
        let link = RequestLink {
            id: request_id,
            renews: Some(old.id),
        };
        let expiry = old
            .not_after
            .map(|t| format!(", expires {}", display::date(t)))
            .unwrap_or_default();
        view! { <li><A href=href(&link.route())>{format!("Replace {}{expiry}", display::certificate_label(old))}</A></li> }
    };
    view! {
        <h3>"Put the new certificate where the old one is"</h3>
        <Transition fallback=|| view! { <p role="status">"Looking for the certificate it renews…"</p> }>
            {move || Suspend::new(async move {
                match candidates.await {
                    Ok(found) if found.is_empty() => view! { <p>"No other certificate has this subject, so there is nothing to replace."</p> }.into_any(),
                    Ok(found) => view! {
                        <p>"Which certificate does it renew? Its stores get the new one."</p>
                        <ul>{found.iter().map(choice).collect_view()}</ul>
                    }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| candidates.refetch()) /> }.into_any(),
                }
            })}
        </Transition>
    }
}
