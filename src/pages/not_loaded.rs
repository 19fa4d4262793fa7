use leptos::prelude::*;

use crate::components::loaded_on_use::WHY_NOT_LOADED;

/// Shown when a page's code could not be fetched (the release build loads each page other than renewal when it
/// is first opened): the network dropped, the SSO session ended (the proxy answers with its sign-in page), or
/// the portal was updated since this tab loaded it and the old files are gone. Reloading fetches the current
/// portal; opening the page again retries the fetch.
#[component]
pub fn PageNotLoaded() -> impl IntoView {
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"This page could not be loaded"</h1>
            <p role="alert">"The portal could not fetch this page's code: "{WHY_NOT_LOADED}</p>
            <p>"Reload the portal to continue. Work on other pages of this tab is not kept by a reload."</p>
            <button type="button" on:click=reload>"Reload the portal"</button>
        </section>
    }
}
