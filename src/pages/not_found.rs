use leptos::prelude::*;
use leptos_router::components::A;

use crate::routes::href;

/// Unknown paths inside the portal (the server falls back to index.html for them).
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Page not found"</h1>
            <p>"There is no page at this address. It may have been a mistyped or outdated link."</p>
            <p><A href=href("/renew")>"Go to certificate renewal"</A></p>
        </section>
    }
}
