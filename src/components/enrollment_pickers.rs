//! The CA and template (Command ≤ v24) or enrollment-pattern (v25) pickers, limited to what the caller
//! may enroll with (`GET /Enrollment/PFX/Context/My`, plus `GET /EnrollmentPatterns` on v25).
//!
//! Usage: own two `RwSignal<String>`s and pass them in; the template picker writes the template *short*
//! name (shown by display name), the pattern picker the pattern id, the CA picker `host\logical`. Parse
//! them with `domain::renewal::parse_profile` / `parse_authority`. In `optional` mode (reenrollment's
//! "keep the store's current CA/template") the fields are not required and "nothing chosen" is valid.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::{SelectField, SelectOption};
use crate::domain::command_version::CommandVersion;
use crate::domain::enrollment_choices::{Choice, EnrollmentChoices};
use crate::flows::renewal::enrollment_choices;

fn select_options(choices: Vec<Choice>) -> Vec<SelectOption> {
    choices
        .into_iter()
        .map(|c| SelectOption {
            value: c.value,
            label: c.label,
        })
        .collect()
}

/// Loads the choices once per mount and renders the two `SelectField`s (ids `{id_prefix}-profile`
/// and `{id_prefix}-ca`, for error-summary links). Changing the profile clears a CA that no longer
/// issues it.
#[component]
pub fn EnrollmentPickers(
    /// Decides template vs enrollment pattern.
    version: CommandVersion,
    /// The chosen CA, `host\logical`; empty = none.
    certificate_authority: RwSignal<String>,
    /// The chosen template short name (≤ v24) or enrollment pattern id (v25); empty = none.
    profile: RwSignal<String>,
    #[prop(into)] ca_error: Signal<Option<String>>,
    #[prop(into)] profile_error: Signal<Option<String>>,
    #[prop(into)] id_prefix: String,
    /// Not required; the empty entry reads "Keep the current one".
    #[prop(optional)]
    optional: bool,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let choices = LocalResource::new(move || {
        let client = client.clone();
        async move { enrollment_choices(&client, version).await }
    });
    view! {
        <Transition fallback=|| view! { <p role="status">"Loading the templates and CAs you may use…"</p> }>
            {move || {
                let id_prefix = id_prefix.clone();
                Suspend::new(async move {
                    match choices.await {
                        Err(error) => view! {
                            <ApiErrorNotice error retry=Callback::new(move |()| choices.refetch()) />
                        }.into_any(),
                        Ok(loaded) if loaded.is_empty() => view! {
                            <p class="notice notice-error" role="alert">
                                "You may not enroll with any template that issues PFX certificates, so "
                                "this certificate cannot be renewed by you. Ask your PKI team for access."
                            </p>
                        }.into_any(),
                        Ok(loaded) => view! {
                            <LoadedPickers loaded version certificate_authority profile ca_error profile_error id_prefix optional />
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The two pickers once the choices have loaded.
#[component]
fn LoadedPickers(
    loaded: EnrollmentChoices,
    version: CommandVersion,
    certificate_authority: RwSignal<String>,
    profile: RwSignal<String>,
    ca_error: Signal<Option<String>>,
    profile_error: Signal<Option<String>>,
    id_prefix: String,
    optional: bool,
) -> impl IntoView {
    let placeholder = if optional {
        "Keep the current one"
    } else {
        "Choose…"
    };
    let profile_label = if version.uses_enrollment_patterns() {
        "Enrollment pattern"
    } else {
        "Template"
    };
    let profiles = select_options(loaded.profiles());
    let authorities =
        Signal::derive(move || select_options(profile.with(|p| loaded.authorities_for(p))));
    // A CA that does not issue the newly chosen profile would only be rejected.
    Effect::new(move |_| {
        let offered = authorities.get();
        if certificate_authority
            .with_untracked(|ca| !ca.is_empty() && !offered.iter().any(|o| &o.value == ca))
        {
            certificate_authority.set(String::new());
        }
    });
    view! {
        <SelectField id=format!("{id_prefix}-profile") label=profile_label value=profile
            options=Signal::stored(profiles) error=profile_error placeholder required=!optional />
        <SelectField id=format!("{id_prefix}-ca") label="Certificate authority"
            hint="Only the CAs that issue the chosen template are listed."
            value=certificate_authority options=authorities error=ca_error placeholder required=!optional />
    }
}
