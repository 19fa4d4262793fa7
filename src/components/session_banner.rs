//! One global notice when the SSO session has run out, instead of an error in every form. Signing in again
//! happens in a new tab, so nothing typed on this page is lost; "Continue" checks the new session here.

use leptos::prelude::*;

use crate::api::client::{KeyfactorClient, SessionState};
use crate::config::AuthMode;

/// Proxy mode only: in basic mode the sign-in form itself asks again.
#[component]
pub fn SessionBanner() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let proxy = client.auth_mode() == AuthMode::Proxy;
    let session = client.session();
    view! {
        <Show when=move || proxy && session.get() == SessionState::Expired>
            <ExpiredNotice />
        </Show>
    }
}

/// Mounted afresh for each expiry, so an earlier failed "Continue" is not shown again.
#[component]
fn ExpiredNotice() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    // This page's own address: the SSO proxy runs its sign-in there and lands back on the portal.
    let sign_in_href = window().location().href().unwrap_or_default();
    let recheck = Action::new_local(move |_: &()| {
        let client = client.clone();
        async move { client.recheck_session().await }
    });
    let still_expired =
        move || !recheck.pending().get() && matches!(recheck.value().get(), Some(Err(_)));
    view! {
        <div class="session-banner" role="alert">
            <p>
                "Your sign-in session has expired. Nothing you entered on this page is lost: "
                "sign in again in a new tab, then continue here."
            </p>
            <p class="session-actions">
                <a href=sign_in_href target="_blank" rel="noopener noreferrer">"Sign in again (opens a new tab)"</a>
                <button
                    type="button"
                    disabled=move || recheck.pending().get()
                    on:click=move |_| {
                        recheck.dispatch_local(());
                    }
                >
                    "Continue"
                </button>
            </p>
            <Show when=still_expired>
                <p>"You are not signed in yet. Finish signing in in the other tab, then choose Continue again."</p>
            </Show>
        </div>
    }
}
