use leptos::prelude::*;

#[component]
pub fn ReenrollPage() -> impl IntoView {
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Reenroll a certificate store"</h1>
            <p class="lead">
                "Reenrollment asks the store's orchestrator to generate a new key on the device and enroll a "
                "certificate for it. The job runs when the orchestrator next checks in."
            </p>
        </section>
    }
}
