//! A part of a page whose code is a wasm module of its own in the release build (`docs/route-splitting.md`).

use std::future::Future;

use leptos::prelude::*;

/// Why code fetched on first use may not arrive: said after what could not be loaded, here and by a page that
/// could not be (`pages::not_loaded`).
pub const WHY_NOT_LOADED: &str = "the network may have dropped, your sign-in may have expired, or the portal was updated since you opened it.";

/// Shows `loading` while `load` fetches the part's module and builds its view (at once when the module is
/// already here), then the view. `load` answers `None` when the module could not be fetched: the part then says
/// `failed` and `advice` and offers Try again, and the rest of the page stays as it is (a reload, the way a
/// page that failed to load recovers, could lose what the page shows, such as a password shown once).
#[component]
pub fn LoadedOnUse<Load, Loading>(
    load: Load,
    loading: &'static str,
    failed: &'static str,
    advice: &'static str,
) -> impl IntoView
where
    Load: Fn() -> Loading + Send + Sync + 'static,
    Loading: Future<Output = Option<AnyView>> + Send + 'static,
{
    let attempt = RwSignal::new(0_u32);
    let retry = move |_| attempt.update(|n| *n += 1);
    view! {
        <Suspense fallback=move || view! { <p role="status">{loading}</p> }>
            {move || {
                attempt.track();
                let part = load();
                Suspend::new(async move {
                    part.await.unwrap_or_else(|| view! {
                        <div class="notice notice-error">
                            <p role="alert">{failed}": "{WHY_NOT_LOADED}</p>
                            <p>{advice}</p>
                            <button type="button" on:click=retry>"Try again"</button>
                        </div>
                    }.into_any())
                })
            }}
        </Suspense>
    }
}
