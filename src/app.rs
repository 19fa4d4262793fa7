//! The application root: start-up (config before mount), context, router and layout.

#[cfg(feature = "split-routes")]
use crate::pages::not_loaded::PageNotLoaded;
use leptos::prelude::*;
use leptos::task::spawn_local;
#[cfg(feature = "split-routes")]
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::{path, ChooseView};
#[cfg(feature = "split-routes")]
use leptos_router::{Lazy, LazyRoute};

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

/// A page that loads when first opened. In the release build (feature `split-routes`, set by `cargo xtask`)
/// each such page's code is its own wasm module, fetched on first use (docs/route-splitting.md); everywhere
/// else (component tests, `trunk serve`) every page is in the one module and this is the page itself.
/// `$module` names the page's module, so it must differ per page. Not Leptos' `#[lazy_route]`: its loader
/// panics when the fetch fails (a dropped network, files of an older deployment gone), which stops the whole
/// app; here the user is told and can reload.
#[cfg(feature = "split-routes")]
macro_rules! page_loaded_on_use {
    ($module:ident, $page:ident) => {{
        #[wasm_split($module, wasm_split_path = leptos::wasm_split, preload(load_page), fallible)]
        fn page() -> Result<AnyView, SplitLoaderError> {
            Ok(view! { <$page /> }.into_any())
        }
        struct Page;
        impl LazyRoute for Page {
            fn data() -> Self {
                Page
            }
            async fn view(_this: Self) -> AnyView {
                page()
                    .await
                    .unwrap_or_else(|_| view! { <PageNotLoaded /> }.into_any())
            }
            async fn preload() {
                // A failed preload is retried when the page is opened, which then says so.
                let _ = load_page().await;
            }
        }
        Lazy::<Page>::new()
    }};
}
#[cfg(not(feature = "split-routes"))]
macro_rules! page_loaded_on_use {
    ($module:ident, $page:ident) => {
        $page
    };
}

// Renewal is the first page most users open: it stays in the main module.
fn expiring() -> impl ChooseView {
    page_loaded_on_use!(expiring_page, ExpiringPage)
}
fn reenroll() -> impl ChooseView {
    page_loaded_on_use!(reenroll_page, ReenrollPage)
}
fn requests() -> impl ChooseView {
    page_loaded_on_use!(requests_page, RequestsPage)
}
fn jobs() -> impl ChooseView {
    page_loaded_on_use!(jobs_page, JobsPage)
}
fn activity() -> impl ChooseView {
    page_loaded_on_use!(activity_page, ActivityPage)
}

/// Entry point called by `main`: loads `config.json`, then mounts the app or a readable error page.
pub fn start() {
    console_error_panic_hook::set_once();
    // `leptos::task::spawn_local` is not usable before mounting; the browser's own executor is.
    wasm_bindgen_futures::spawn_local(async {
        let config = config::load().await;
        // config.json is usually in before the wasm starts (boot.js asks for it early): mounting in a task of its
        // own keeps the start and the first render from adding up to one long task.
        set_timeout(
            move || match config {
                Ok(config) => mount_to_body(move || view! { <App config /> }),
                Err(error) => mount_to_body(move || view! { <ConfigErrorPage error /> }),
            },
            std::time::Duration::ZERO,
        );
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
                        <NavLink to="/renew" page=RenewPage>"Renew a certificate"</NavLink>
                        <NavLink to="/expiring" page=expiring()>"Expiring soon"</NavLink>
                        <NavLink to="/reenroll" page=reenroll()>"Reenroll a store"</NavLink>
                        <NavLink to="/requests" page=requests()>"My requests"</NavLink>
                        <NavLink to="/jobs" page=jobs()>"Jobs"</NavLink>
                        <NavLink to="/activity" page=activity()>"This session"</NavLink>
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
                        <Route path=path!("/reenroll") view=reenroll() />
                        <Route path=path!("/expiring") view=expiring() />
                        <Route path=path!("/requests") view=requests() />
                        <Route path=path!("/jobs") view=jobs() />
                        <Route path=path!("/activity") view=activity() />
                    </Routes>
                </BasicSignInGate>
            </main>
        </Router>
    }
}

/// A main-navigation link that starts loading its page's code when the pointer rests on it or it takes focus,
/// so the click usually finds the page ready (nothing to load where the page is in the main module).
#[component]
fn NavLink<P: ChooseView>(to: &'static str, page: P, children: Children) -> impl IntoView {
    let preload = move || {
        let page = page.clone();
        spawn_local(async move { page.preload().await });
    };
    let on_focus = preload.clone();
    view! {
        <li on:pointerenter=move |_| preload() on:focusin=move |_| on_focus()>
            <A href=href(to)>{children()}</A>
        </li>
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
