//! The one table frame: a caption, column headers with `scope="col"`, and a box that scrolls on its own
//! (focusable and named, so keyboard users can scroll it too) instead of widening the page.

use leptos::prelude::*;

#[component]
pub fn DataTable(
    /// Says what the rows are; also names the scrollable region for screen readers.
    #[prop(into)]
    caption: String,
    headers: &'static [&'static str],
    #[prop(optional)] class: &'static str,
    /// The `<tr>` rows.
    children: Children,
) -> impl IntoView {
    let label = caption.clone();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            <table class=class>
                <caption>{caption}</caption>
                <thead>
                    <tr>{headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
