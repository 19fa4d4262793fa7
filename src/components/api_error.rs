//! How an API failure is shown: its specific message, and "Try again" where repeating is safe.

use leptos::prelude::*;

use crate::api::error::ApiError;

/// `retry` is offered only for transient failures; callers pass it only for idempotent reads. An expired
/// session shows nothing here: the one global banner (`SessionBanner`) says it for the whole page.
#[component]
pub fn ApiErrorNotice(
    error: ApiError,
    #[prop(optional, into)] retry: Option<Callback<()>>,
) -> impl IntoView {
    if error == ApiError::SessionExpired {
        return ().into_any();
    }
    let retry = retry.filter(|_| error.is_transient());
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error.to_string()}</p>
            {retry.map(|retry| view! { <button type="button" on:click=move |_| retry.run(())>"Try again"</button> })}
        </div>
    }
    .into_any()
}
