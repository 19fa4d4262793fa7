//! The installation step as the renewal result shows it. In the release build (feature `split-routes`, set by
//! `cargo xtask`) its code is a wasm module of its own, like the pages other than renewal
//! (`docs/route-splitting.md`): the renewal page's first download leaves it out, and the renewal form fetches
//! it in the background while the user fills it in ([`preload`]), so it is there by the time the result is.

use leptos::prelude::*;
#[cfg(feature = "split-routes")]
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use super::install::Install;
#[cfg(feature = "split-routes")]
use crate::components::loaded_on_use::LoadedOnUse;
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

#[component]
pub(super) fn InstallStep(
    data: PlanData,
    new_id: i32,
    password: RwSignal<Option<SecretString>>,
) -> impl IntoView {
    // A failed fetch must not send the user to a reload: it would lose the password shown above.
    #[cfg(feature = "split-routes")]
    let step = view! {
        <LoadedOnUse
            load=move || {
                let data = data.clone();
                async move { install_view(data, new_id, password).await.ok() }
            }
            loading="Loading the installation step…"
            failed="The installation step could not be loaded"
            advice="The renewal itself succeeded; the new certificate is in Keyfactor. Try again (if your sign-in expired, sign in again in a new tab first). Should it keep failing, save the password above before you reload the portal: it will not be shown again."
        />
    };
    #[cfg(not(feature = "split-routes"))]
    let step = view! { <Install data new_id password /> };
    step
}
