//! Step 2: what will happen and where the certificate is installed; the form below it is `submit.rs`'s.

use chrono::Utc;
use leptos::prelude::*;

use super::history::CertificateHistory;
use super::submit::RenewForm;
use crate::api::error::ApiError;
use crate::components::certificate_download::CertificateDownload;
use crate::components::data_table::DataTable;
use crate::domain::display;
use crate::domain::renewal::{days_left, InstalledLocation, RenewalPlan};
use crate::flows::renewal::PlanData;

#[component]
pub(super) fn PlanSection(data: PlanData, start_over: Callback<()>) -> impl IntoView {
    let certificate = &data.certificate;
    let expiry = certificate.not_after.map(|t| {
        format!(
            "{} ({} days left)",
            display::minute(t),
            days_left(t, Utc::now())
        )
    });
    let (plan_text, renewable) = match &data.plan {
        RenewalPlan::OneClick => ("One-click renewal: Keyfactor reuses the certificate's CA and template; nothing to choose.".to_owned(), true),
        RenewalPlan::Seeded => ("Seeded renewal: one-click renewal is not available, so choose the certificate authority and the template or enrollment pattern below.".to_owned(), true),
        RenewalPlan::NotRenewable { reason } => (format!("This certificate cannot be renewed: {reason}"), false),
    };
    view! {
        <h2>"2. The renewal plan"</h2>
        <dl class="facts">
            <dt>"Certificate"</dt><dd>{display::certificate_label(certificate)}</dd>
            <dt>"Issuer"</dt><dd>{certificate.issuer_dn.clone()}</dd>
            <dt>"Expires"</dt><dd>{expiry}</dd>
            <dt>"Template"</dt><dd>{certificate.template_name.clone()}</dd>
        </dl>
        <p class=if renewable { "notice" } else { "notice notice-error" } id="renewal-plan">{plan_text}</p>
        <Locations locations=data.locations.clone() agents_problem=data.agents_problem.clone() />
        <CertificateDownload heading="Get the certificate as a file" certificate_id=certificate.id name=display::certificate_name(certificate)
            recoverable=certificate.key_recoverable />
        <CertificateHistory certificate_id=certificate.id />
        {renewable.then(|| view! { <RenewForm data=data.clone() start_over /> })}
        {(!renewable).then(|| view! {
            <button type="button" class="secondary" on:click=move |_| start_over.run(())>"Find another certificate"</button>
        })}
    }
}

#[component]
fn Locations(locations: Vec<InstalledLocation>, agents_problem: Option<ApiError>) -> impl IntoView {
    if locations.is_empty() {
        return view! { <p>"Keyfactor knows of no certificate store that holds this certificate, so there is nothing to replace after renewal."</p> }.into_any();
    }
    view! {
        {agents_problem.map(|error| view! { <p class="notice">{format!("The orchestrators could not be listed: {error}")}</p> })}
        <DataTable caption="Where the certificate is installed today (Replace updates every one of these stores)" headers=&["Machine", "Store path", "Alias", "Orchestrator", "Last seen"]>
                    {locations.into_iter().map(|l| {
                        let (orchestrator, seen) = match l.orchestrator {
                            Some(o) => (o.machine, o.last_seen.map_or_else(|| "never".to_owned(), display::minute)),
                            None => ("none found".to_owned(), String::new()),
                        };
                        view! {
                            <tr>
                                <th scope="row">{l.machine}</th>
                                <td>{l.path}</td>
                                <td>{l.alias}</td>
                                <td>{orchestrator}</td>
                                <td class="num">{seen}</td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
    }
    .into_any()
}
