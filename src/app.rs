//! The application root: start-up (config before mount), context, router and layout.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::path;

use crate::api::client::KeyfactorClient;
use crate::components::basic_sign_in::{BasicSignInGate, SignOutButton};
use crate::components::collection_notice::CollectionNotice;
use crate::components::session_banner::SessionBanner;
use crate::config::{self, ConfigError, RuntimeConfig};
use crate::hooks::use_action_log::ActionLog;
use crate::hooks::use_secret_vault::SecretVault;
use crate::hooks::use_session_end::use_session_end;
use crate::pages::{
    activity::ActivityPage, expiring::ExpiringPage, jobs::JobsPage, not_found::NotFound,
    reenroll::ReenrollPage, renew::RenewPage, requests::RequestsPage,
};
use crate::routes::{href, RouterBase};

/// Entry point called by `main`: loads `config.json`, then mounts the app or a readable error page.
pub fn start() {
    console_error_panic_hook::set_once();
    // `leptos::task::spawn_local` is not usable before mounting; the browser's own executor is.
    wasm_bindgen_futures::spawn_local(async {
        match config::load().await {
            Ok(config) => mount_to_body(move || view! { <App config /> }),
            Err(error) => mount_to_body(move || view! { <ConfigErrorPage error /> }),
        }
    });
}

#[component]
pub fn App(config: RuntimeConfig) -> impl IntoView {
    let client = KeyfactorClient::new(&config);
    let base = RouterBase::from_document();
    provide_context(client);
    provide_context(config);
    provide_context(base.clone());
    provide_context(ActionLog::default());
    provide_context(SecretVault::new());
    use_session_end();

    // Start-up is measured from navigation start to this mark (cargo xtask bench).
    Effect::new(|_| {
        if let Some(performance) = window().performance() {
            let _ = performance.mark("app-ready");
        }
    });

    view! {
        <Router base=base.0>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <header class="site-header">
                <p class="brand">"Certificate self-service"</p>
                <nav aria-label="Main">
                    <ul>
                        <li><A href=href("/renew")>"Renew a certificate"</A></li>
                        <li><A href=href("/expiring")>"Expiring soon"</A></li>
                        <li><A href=href("/reenroll")>"Reenroll a store"</A></li>
                        <li><A href=href("/requests")>"My requests"</A></li>
                        <li><A href=href("/jobs")>"Jobs"</A></li>
                        <li><A href=href("/activity")>"This session"</A></li>
                    </ul>
                </nav>
                <CollectionNotice />
                <SignOutButton />
            </header>
            <SessionBanner />
            <main id="main" tabindex="-1">
                <BasicSignInGate>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=|| view! { <Redirect path="/renew" /> } />
                        <Route path=path!("/renew") view=RenewPage />
                        <Route path=path!("/reenroll") view=ReenrollPage />
                        <Route path=path!("/expiring") view=ExpiringPage />
                        <Route path=path!("/requests") view=RequestsPage />
                        <Route path=path!("/jobs") view=JobsPage />
                        <Route path=path!("/activity") view=ActivityPage />
                    </Routes>
                </BasicSignInGate>
            </main>
        </Router>
    }
}

/// Shown instead of the app when `config.json` is missing or wrong: operators see what to fix.
#[component]
fn ConfigErrorPage(error: ConfigError) -> impl IntoView {
    view! {
        <main id="main" class="config-error">
            <h1>"The portal is not configured correctly"</h1>
            <p role="alert">{error.to_string()}</p>
            <p>
                "The file config.json next to index.html must be valid JSON with keys such as "
                <code>"api_base"</code>", "<code>"auth"</code>" (\"proxy\" or \"basic\") and "
                <code>"request_timeout_ms"</code>". Ask the team that hosts this portal to fix it."
            </p>
        </main>
    }
}
