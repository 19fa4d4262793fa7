//! How an API failure is shown: its specific message, and "Try again" where repeating is safe.

use leptos::prelude::*;

use crate::api::error::ApiError;

/// `retry` is offered only where asking again may help; callers pass it only for idempotent reads. An expired
/// session is said once for the whole page by `SessionBanner`; here it only offers to load again afterwards.
#[component]
pub fn ApiErrorNotice(
    error: ApiError,
    #[prop(optional, into)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let retry = retry.filter(|_| error.worth_retrying());
    let retry_button = retry.map(|retry| {
        view! { <button type="button" on:click=move |_| retry.run(())>"Try again"</button> }
    });
    if error == ApiError::SessionExpired {
        return retry_button
            .map(|button| {
                view! {
                    <div class="notice">
                        <p>"This was not loaded because your sign-in session has expired. Sign in again as the notice at the top says, then try again."</p>
                        {button}
                    </div>
                }
            })
            .into_any();
    }
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error.to_string()}</p>
            {retry_button}
        </div>
    }
    .into_any()
}
