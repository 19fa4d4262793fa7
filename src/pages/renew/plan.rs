//! Steps 2–4: what will happen, where the certificate is installed, what to choose, and the one submit.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::components::data_table::DataTable;

use super::result::RenewalResult;
use super::PlanData;
use crate::api::client::KeyfactorClient;
use crate::api::enrollment::{RenewOutcome, RENEW_PATH};
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::enrollment_pickers::EnrollmentPickers;
use crate::components::error_summary::{ErrorSummary, FieldProblem};
use crate::components::secret_value::copy_text;
use crate::config::{AuthMode, RuntimeConfig};
use crate::domain::display;
use crate::domain::models::{Certificate, RenewalRequest, RenewalResponse};
use crate::domain::renewal::{
    api_call_text, days_left, parse_authority, parse_profile, renewal_request, ApiCall,
    InstalledLocation, RenewalPlan, SeededChoice,
};
use crate::domain::RequestTimestamp;
use crate::hooks::use_action_log::use_action_log;
use crate::hooks::use_secret_vault::use_secret_vault;

const PICKERS: &str = "renew";
const PROFILE_FIELD: &str = "renew-profile";
const CA_FIELD: &str = "renew-ca";

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

/// The absolute URL of an API path, as the browser resolves `api_base` against the page's base.
fn api_url(config: &RuntimeConfig, path: &str) -> String {
    let base = document().base_uri().ok().flatten().unwrap_or_default();
    web_sys::Url::new_with_base(&format!("{}{path}", config.api_base), &base)
        .map(|url| url.href())
        .unwrap_or_else(|_| format!("{}{path}", config.api_base))
}

#[component]
fn RenewForm(data: PlanData, start_over: Callback<()>) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let collection = client.collection();
    let config = expect_context::<RuntimeConfig>();
    let PlanData {
        reference,
        version,
        plan,
        ..
    } = data.clone();
    let seeded = plan.needs_choices();
    let ca = RwSignal::new(String::new());
    let profile = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    let copy_status = RwSignal::new(String::new());

    let ca_result = Memo::new(move |_| ca.with(|raw| parse_authority(raw)));
    let profile_result = Memo::new(move |_| profile.with(|raw| parse_profile(version, raw)));
    let shown = move |error: Option<String>| if touched.get() && seeded { error } else { None };
    let ca_error = Signal::derive(move || shown(ca_result.with(|r| r.as_ref().err().cloned())));
    let profile_error =
        Signal::derive(move || shown(profile_result.with(|r| r.as_ref().err().cloned())));
    let problems = Signal::derive(move || {
        [
            (PROFILE_FIELD, profile_error.get()),
            (CA_FIELD, ca_error.get()),
        ]
        .into_iter()
        .filter_map(|(field_id, message)| {
            message.map(|message| FieldProblem {
                field_id: field_id.to_owned(),
                message,
            })
        })
        .collect::<Vec<_>>()
    });

    // The request as it would be sent now, or `None` while a needed choice is missing or invalid.
    let build = {
        let (reference, plan) = (reference.clone(), plan.clone());
        move || -> Option<RenewalRequest> {
            let choice = if seeded {
                Some(SeededChoice {
                    certificate_authority: ca_result.get_untracked().ok()?,
                    profile: profile_result.get_untracked().ok()?,
                })
            } else {
                None
            };
            renewal_request(reference.clone(), &plan, choice, RequestTimestamp::now()).ok()
        }
    };

    let original = StoredValue::new(data.certificate.clone());
    let renew = Action::new_local(
        move |(request, unconfirmed): &(RenewalRequest, Option<DateTime<Utc>>)| {
            let (client, request, unconfirmed) = (client.clone(), request.clone(), *unconfirmed);
            let original = original.get_value();
            async move { client.renew_once(&request, &original, unconfirmed).await }
        },
    );
    let pending = renew.pending();
    let outcome = RwSignal::new(None::<RenewalResponse>);
    let failure = RwSignal::new(None::<ApiError>);
    // When the answer to a renewal was lost, when it was sent: the next submit first looks for its effect.
    let unconfirmed = RwSignal::new(None::<DateTime<Utc>>);
    let last_sent = StoredValue::new(Utc::now());
    let already_renewed = RwSignal::new(None::<Certificate>);
    let log = use_action_log();
    let subject = display::certificate_label(&data.certificate);
    // Moved out of the answer into the vault: wiped when this view goes away or the user leaves.
    let password = use_secret_vault().hold();
    Effect::new(move |_| {
        renew.version().track();
        match renew.value().try_update(Option::take).flatten() {
            Some(Ok(RenewOutcome::Issued(mut response))) => {
                log.renewal(subject.clone(), &response);
                password.set(response.password.take());
                failure.set(None);
                unconfirmed.set(None);
                outcome.set(Some(response));
            }
            Some(Ok(RenewOutcome::AlreadyRenewed(certificate))) => {
                failure.set(None);
                already_renewed.set(Some(certificate));
            }
            Some(Err(ApiError::Cancelled)) | None => {}
            Some(Err(error)) => {
                log.renewal_failed(subject.clone(), &error);
                if error.may_have_taken_effect() && unconfirmed.get_untracked().is_none() {
                    unconfirmed.set(Some(last_sent.get_value()));
                }
                failure.set(Some(error));
            }
        }
    });

    let submit = {
        let build = build.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            // A second click while the first request is under way sends nothing.
            if pending.get_untracked() {
                return;
            }
            touched.set(true);
            match build() {
                Some(request) => {
                    failure.set(None);
                    last_sent.set_value(Utc::now());
                    renew.dispatch_local((request, unconfirmed.get_untracked()));
                }
                None => attempt.update(|n| *n += 1),
            }
        }
    };
    // The user has seen that the earlier renewal went through and still wants another certificate.
    let renew_anyway = Callback::new({
        let build = build.clone();
        move |()| {
            if let Some(request) = build() {
                already_renewed.set(None);
                unconfirmed.set(None);
                last_sent.set_value(Utc::now());
                renew.dispatch_local((request, None));
            }
        }
    });
    let copy_call = move |_| {
        touched.set(true);
        let Some(request) = build() else {
            attempt.update(|n| *n += 1);
            return;
        };
        let path = match collection.get_untracked() {
            Some(collection) => format!("{RENEW_PATH}?collectionId={collection}"),
            None => RENEW_PATH.to_owned(),
        };
        let url = api_url(&config, &path);
        let text = api_call_text(&ApiCall::json(
            "POST",
            &url,
            &config.api_version,
            config.auth == AuthMode::Basic,
            &request,
        ));
        copy_status.set(String::new());
        copy_text(&text, move |copied| {
            copy_status.set(if copied {
                "The API call was copied to the clipboard (credentials and passwords redacted)."
                    .to_owned()
            } else {
                "The browser did not allow copying to the clipboard.".to_owned()
            });
        });
    };
    let renew_another = move || {
        password.set(None);
        outcome.set(None);
        start_over.run(());
    };

    view! {
        <Show
            when=move || outcome.with(Option::is_none)
            fallback=move || {
                let response = outcome.get().expect("shown only with an outcome");
                view! { <RenewalResult response data=data.clone() password renew_another=Callback::new(move |()| renew_another()) /> }
            }
        >
            <form novalidate on:submit=submit.clone()>
                <h2>{if seeded { "3. Choose the CA and template" } else { "3. Confirm" }}</h2>
                <ErrorSummary problems attempt />
                {seeded.then(|| view! {
                    <EnrollmentPickers version certificate_authority=ca profile ca_error profile_error id_prefix=PICKERS />
                })}
                <p class="field-hint">"The request carries the current time (UTC) as its timestamp."</p>
                <div class="button-row">
                    <button type="submit" disabled=move || pending.get() aria-describedby="renewal-plan">
                        {move || if pending.get() { "Renewing…" } else { "Renew certificate" }}
                    </button>
                    <button type="button" class="secondary" on:click=copy_call.clone()>"Copy as API call"</button>
                    <button type="button" class="secondary" on:click=move |_| start_over.run(())>"Choose another certificate"</button>
                </div>
                <p role="status" class="status-line">
                    {move || if pending.get() { "Sending the renewal request…".to_owned() } else { copy_status.get() }}
                </p>
                {move || failure.get().map(|error| view! { <ApiErrorNotice error /> })}
                {move || (failure.with(Option::is_some) && unconfirmed.with(Option::is_some)).then(|| view! {
                    <p class="field-hint">"Keyfactor may have received the renewal before this happened. Renewing again first looks for a certificate it issued since, so you do not get two."</p>
                })}
                {move || already_renewed.get().map(|certificate| view! {
                    <div class="notice" role="status">
                        <p>{format!(
                            "Keyfactor had already renewed this certificate before the answer to your earlier request was lost: certificate ID {}{} was issued.",
                            certificate.id,
                            certificate.import_date.map(|t| format!(" ({})", display::minute(t))).unwrap_or_default(),
                        )}</p>
                        <p>"Its PFX password never reached this page and cannot be shown. Renewing again issues another certificate."</p>
                        <button type="button" class="secondary" on:click=move |_| renew_anyway.run(())>"Renew again anyway"</button>
                    </div>
                })}
            </form>
        </Show>
    }
}
