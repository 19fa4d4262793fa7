use leptos::prelude::*;

#[component]
pub fn RenewPage() -> impl IntoView {
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Renew a certificate"</h1>
            <p class="lead">
                "Renewal issues a new certificate in place of an existing one. It does not install it: "
                "afterwards you can replace the old certificate in every store that holds it."
            </p>
        </section>
    }
}
