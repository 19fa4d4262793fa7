//! One global notice when the SSO session has run out, instead of an error in every form.

use leptos::prelude::*;

use crate::api::client::{KeyfactorClient, SessionState};

#[component]
pub fn SessionBanner() -> impl IntoView {
    let session = expect_context::<KeyfactorClient>().session();
    let sign_in_again = |_| {
        // A top-level navigation lets the SSO proxy run its sign-in flow and bring the user back here.
        let location = window().location();
        if let Ok(href) = location.href() {
            let _ = location.assign(&href);
        }
    };
    view! {
        <Show when=move || session.get() == SessionState::Expired>
            <div class="session-banner" role="alert">
                <p>"Your sign-in session has expired. Sign in again to continue."</p>
                <button type="button" on:click=sign_in_again>"Sign in again"</button>
            </div>
        </Show>
    }
}
