//! Step 5: the renewal's result, with the PFX password shown once.

use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;

use super::install_step::InstallStep;
use crate::components::certificate_download::CertificateDownload;
use crate::components::secret_value::SecretValue;
use crate::domain::display;
use crate::domain::models::{Disposition, RenewalResponse};
use crate::domain::renewal::disposition_advice;
use crate::domain::workflow::RequestLink;
use crate::domain::SecretString;
use crate::flows::renewal::PlanData;
use crate::routes::href;

#[component]
pub(super) fn RenewalResult(
    response: RenewalResponse,
    data: PlanData,
    password: RwSignal<Option<SecretString>>,
    renew_another: Callback<()>,
) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let disposition = response
        .request_disposition
        .clone()
        .unwrap_or_else(|| Disposition::Other("no disposition".into()));
    let issued = disposition == Disposition::Issued;
    let advice = disposition_advice(&disposition);
    let new_id = response.keyfactor_id.filter(|id| *id > 0);
    let has_password = password.with_untracked(Option::is_some);
    // Where a pending request is followed, and continued once approved.
    let request_link = response
        .keyfactor_request_id
        .filter(|_| disposition == Disposition::Pending)
        .map(|id| RequestLink {
            id,
            renews: Some(data.certificate.id),
        });
    let fact = |label: &'static str, value: Option<String>| {
        value.map(|value| view! { <dt>{label}</dt><dd>{value}</dd> })
    };
    view! {
        <section aria-labelledby="result-title" class="renewal-result">
            <h2 id="result-title" tabindex="-1" node_ref=heading>
                {format!("Renewal result: {disposition}")}
            </h2>
            <div class=if issued { "notice" } else { "notice notice-error" }>
                <p>{advice}</p>
                {response.disposition_message.clone().map(|m| view! { <p>{format!("Message from the certificate authority: {m}")}</p> })}
                {request_link.map(|link| view! { <p><A href=href(&link.route())>{format!("Follow request {} in My requests", link.id)}</A></p> })}
            </div>
            <dl class="facts">
                {fact("Request ID", response.keyfactor_request_id.map(|id| id.to_string()))}
                {fact("New certificate ID", new_id.map(|id| id.to_string()))}
                {fact("Thumbprint", response.thumbprint.clone())}
                {fact("Serial number", response.serial_number.clone())}
                {fact("Issuer", response.issuer_dn.clone())}
            </dl>
            {has_password.then(|| view! {
                <p class="notice notice-warning"><strong>"Shown once — save it now. "</strong>
                    "The portal does not keep this password: it is gone when you leave this page, and Keyfactor will not show it again."</p>
                <SecretValue id="pfx-password" label="PFX password" secret=password />
            })}
            {match (issued, new_id) {
                (true, Some(new_id)) => {
                    let name = display::certificate_name(&data.certificate);
                    view! {
                        <CertificateDownload heading="Get the new certificate as a file" certificate_id=new_id name recoverable=has_password password />
                        {has_password.then(|| view! { <InstallStep data new_id password /> })}
                    }.into_any()
                }
                _ => ().into_any(),
            }}
            <button type="button" class="secondary" on:click=move |_| renew_another.run(())>"Renew another certificate"</button>
        </section>
    }
}
