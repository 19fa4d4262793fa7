//! A page's frame: its one `<h1>`, which names the section for assistive technology, and the lead paragraph
//! that says what the page is for.

use leptos::prelude::*;

#[component]
pub fn PageSection(title: &'static str, lead: &'static str, children: Children) -> impl IntoView {
    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{title}</h1>
            <p class="lead">{lead}</p>
            {children()}
        </section>
    }
}
