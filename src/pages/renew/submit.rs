//! Steps 3–4: what to choose (seeded renewals only) and the one submit, through the `Submission` state
//! machine: a second click sends nothing, and after a lost answer the next submit first looks for the
//! certificate the lost request may have issued.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::copy_call::CopyApiCall;
use super::install_step;
use super::result::RenewalResult;
use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::enrollment_pickers::EnrollmentPickers;
use crate::components::error_summary::{problems_of, ErrorSummary};
use crate::domain::display;
use crate::domain::models::{Certificate, RenewalRequest};
use crate::domain::renewal::{parse_authority, parse_profile, renewal_request, SeededChoice};
use crate::domain::submission::Submission;
use crate::domain::{RequestTimestamp, SecretString};
use crate::flows::renewal::{renew_once, PlanData, RenewOutcome};
use crate::hooks::use_action_log::use_action_log;
use crate::hooks::use_secret_vault::use_secret_vault;
use crate::hooks::use_view_tasks::use_view_tasks;

/// A renewal attempt is identified by when it was sent: its certificate is one issued since.
type RenewSubmission = Submission<DateTime<Utc>, RenewOutcome, ApiError>;

#[component]
pub(super) fn RenewForm(data: PlanData, start_over: Callback<()>) -> impl IntoView {
    // The result's installation step, fetched while the user fills in this form (a module of its own in the
    // release build).
    install_step::preload();
    let seeded = data.plan.needs_choices();
    let version = data.version;
    let (ca, profile) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let touched = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    let ca_result = Memo::new(move |_| ca.with(|raw| parse_authority(raw)));
    let profile_result = Memo::new(move |_| profile.with(|raw| parse_profile(version, raw)));
    let shown = move |error: Option<String>| error.filter(|_| touched.get() && seeded);
    let ca_error = Signal::derive(move || shown(ca_result.with(|r| r.clone().err())));
    let profile_error = Signal::derive(move || shown(profile_result.with(|r| r.clone().err())));
    let problems = problems_of(vec![
        ("renew-profile".to_owned(), profile_error),
        ("renew-ca".to_owned(), ca_error),
    ]);
    // The request as it would be sent now, or `None` (and the errors shown) while a choice is missing.
    let request = Callback::new({
        let (reference, plan) = (data.reference.clone(), data.plan.clone());
        move |()| -> Option<RenewalRequest> {
            touched.set(true);
            let choice = match seeded {
                true => Some(SeededChoice {
                    certificate_authority: ca_result.get_untracked().ok()?,
                    profile: profile_result.get_untracked().ok()?,
                }),
                false => None,
            };
            let built =
                renewal_request(reference.clone(), &plan, choice, RequestTimestamp::now()).ok();
            if built.is_none() {
                attempt.update(|n| *n += 1);
            }
            built
        }
    });
    let submission = RwSignal::new(RenewSubmission::default());
    // Moved out of the answer into the vault: wiped when this view goes away or the user leaves.
    let password = use_secret_vault().hold();
    let send = renewal_sender(data.certificate.clone(), submission, password);
    let copy_status = RwSignal::new(String::new());
    let sending = Signal::derive(move || submission.with(RenewSubmission::is_sending));
    let issued = move || submission.with(|s| matches!(s.outcome(), Some(RenewOutcome::Issued(_))));
    let renew_another = Callback::new(move |()| {
        password.set(None);
        submission.update(RenewSubmission::start_over);
        start_over.run(());
    });

    view! {
        <Show when=move || !issued() fallback=move || view! { <Issued submission data=data.clone() password renew_another /> }>
            <form novalidate on:submit=move |ev| { ev.prevent_default(); if let Some(r) = request.run(()) { send.run((r, false)); } }>
                <h2>{if seeded { "3. Choose the CA and template" } else { "3. Confirm" }}</h2>
                <ErrorSummary problems attempt />
                {seeded.then(|| view! {
                    <EnrollmentPickers version certificate_authority=ca profile ca_error profile_error id_prefix="renew" />
                })}
                <p class="field-hint">"The request carries the current time (UTC) as its timestamp."</p>
                <div class="button-row">
                    <button type="submit" disabled=sending aria-describedby="renewal-plan">
                        {move || if sending.get() { "Renewing…" } else { "Renew certificate" }}
                    </button>
                    <CopyApiCall request status=copy_status />
                    <button type="button" class="secondary" on:click=move |_| start_over.run(())>"Choose another certificate"</button>
                </div>
                <SubmitFeedback submission copy_status again=Callback::new(move |()| if let Some(r) = request.run(()) { send.run((r, true)); }) />
            </form>
        </Show>
    }
}

/// Sends a renewal when the submission allows one, and records its answer where it was asked for: the
/// action log, the vault (the password leaves the answer there), then the state machine. `(request, anew)`:
/// `anew` starts a fresh submission, after the user saw that an earlier attempt had gone through.
fn renewal_sender(
    original: Certificate,
    submission: RwSignal<RenewSubmission>,
    password: RwSignal<Option<SecretString>>,
) -> Callback<(RenewalRequest, bool)> {
    let client = expect_context::<KeyfactorClient>();
    let log = use_action_log();
    let tasks = use_view_tasks();
    let subject = display::certificate_label(&original);
    Callback::new(move |(request, anew): (RenewalRequest, bool)| {
        let dispatch = submission.try_update(|s| {
            if anew {
                s.start_over();
            }
            s.submit(Utc::now())
        });
        let Some(dispatch) = dispatch.flatten() else {
            return;
        };
        let (client, original, subject) = (client.clone(), original.clone(), subject.clone());
        tasks.spawn(async move {
            let mut answer =
                renew_once(&client, &request, &original, dispatch.look_first_for).await;
            match &mut answer {
                Ok(RenewOutcome::Issued(response)) => {
                    log.renewal(subject, response);
                    password.set(response.password.take());
                }
                Ok(RenewOutcome::AlreadyRenewed(_)) | Err(ApiError::Cancelled) => {}
                Err(error) => log.renewal_failed(subject, error),
            }
            submission.try_update(|s| s.answered(answer));
        });
    })
}

#[component]
fn Issued(
    submission: RwSignal<RenewSubmission>,
    data: PlanData,
    password: RwSignal<Option<SecretString>>,
    renew_another: Callback<()>,
) -> impl IntoView {
    let response = submission.with_untracked(|s| match s.outcome() {
        Some(RenewOutcome::Issued(response)) => Some(response.clone()),
        _ => None,
    });
    response.map(|response| view! { <RenewalResult response data password renew_another /> })
}

/// Under the form: progress, the failure, whether it may have arrived anyway, or that it already had.
#[component]
fn SubmitFeedback(
    submission: RwSignal<RenewSubmission>,
    copy_status: RwSignal<String>,
    again: Callback<()>,
) -> impl IntoView {
    let failure = move || submission.with(|s| s.failure().cloned());
    let lost = move || submission.with(|s| s.failure().is_some() && s.unconfirmed().is_some());
    let already = move || match submission.with(|s| s.outcome().cloned()) {
        Some(RenewOutcome::AlreadyRenewed(certificate)) => Some(certificate),
        _ => None,
    };
    view! {
        <p role="status" class="status-line">
            {move || match submission.with(RenewSubmission::is_sending) {
                true => "Sending the renewal request…".to_owned(),
                false => copy_status.get(),
            }}
        </p>
        {move || failure().map(|error| view! { <ApiErrorNotice error /> })}
        {move || lost().then(|| view! {
            <p class="field-hint">"Keyfactor may have received the renewal before this happened. Renewing again first looks for a certificate it issued since, so you do not get two."</p>
        })}
        {move || already().map(|certificate| view! {
            <div class="notice" role="status">
                <p>{format!(
                    "Keyfactor had already renewed this certificate before the answer to your earlier request was lost: certificate ID {}{} was issued.",
                    certificate.id,
                    certificate.import_date.map(|t| format!(" ({})", display::minute(t))).unwrap_or_default(),
                )}</p>
                <p>"Its PFX password never reached this page and cannot be shown. Renewing again issues another certificate."</p>
                <button type="button" class="secondary" on:click=move |_| again.run(())>"Renew again anyway"</button>
            </div>
        })}
    }
}
