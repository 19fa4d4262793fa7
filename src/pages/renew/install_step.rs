//! The installation step as the renewal result shows it. In the release build (feature `split-routes`, set by
//! `cargo xtask`) its code is a wasm module of its own, like the pages other than renewal
//! (`docs/route-splitting.md`): the renewal page's first download leaves it out, and the renewal form fetches
//! it in the background while the user fills it in ([`preload`]), so it is there by the time the result is.
//! A failed fetch leaves the result and its password on screen and offers to try again: reloading, the way a
//! page that failed to load recovers, would lose the password.

use leptos::prelude::*;
#[cfg(feature = "split-routes")]
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use super::install::Install;
use crate::domain::SecretString;
use crate::flows::renewal::PlanData;

#[cfg(feature = "split-routes")]
#[wasm_split(renewal_install, wasm_split_path = leptos::wasm_split, preload(load_install), fallible)]
fn install_view(
    data: PlanData,
    new_id: i32,
    password: RwSignal<Option<SecretString>>,
) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <Install data new_id password /> }.into_any())
}

/// Fetches the installation step's code in the background (nothing to fetch in a build without the split). A
/// failure is not kept: the step fetches again when it shows.
pub(super) fn preload() {
    #[cfg(feature = "split-routes")]
    leptos::task::spawn_local(async {
        let _ = load_install().await;
    });
}

#[cfg(feature = "split-routes")]
#[component]
pub(super) fn InstallStep(
    data: PlanData,
    new_id: i32,
    password: RwSignal<Option<SecretString>>,
) -> impl IntoView {
    let attempt = RwSignal::new(0_u32);
    let retry = Callback::new(move |()| attempt.update(|n| *n += 1));
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading the installation step…"</p> }>
            {move || {
                attempt.track();
                let data = data.clone();
                Suspend::new(async move {
                    match install_view(data, new_id, password).await {
                        Ok(view) => view,
                        Err(_) => view! { <InstallStepNotLoaded retry /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[cfg(not(feature = "split-routes"))]
#[component]
pub(super) fn InstallStep(
    data: PlanData,
    new_id: i32,
    password: RwSignal<Option<SecretString>>,
) -> impl IntoView {
    view! { <Install data new_id password /> }
}

#[cfg(feature = "split-routes")]
#[component]
fn InstallStepNotLoaded(retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="notice notice-error">
            <p role="alert">
                "The installation step could not be loaded: the network may have dropped, or the portal was updated "
                "since you opened it. The renewal itself succeeded; the new certificate is in Keyfactor."
            </p>
            <p>"Try again. Should it keep failing, save the password above before you reload the portal: it will not be shown again."</p>
            <button type="button" on:click=move |_| retry.run(())>"Try again"</button>
        </div>
    }
}
