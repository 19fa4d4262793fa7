//! The list of problems shown above a form after a failed submit, each linking to its field; it takes focus
//! so keyboard and screen-reader users land on it.

use leptos::html;
use leptos::prelude::*;

/// One invalid field: its input's `id` and the message shown next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    pub field_id: String,
    pub message: String,
}

/// The summary's list, from each field's id and the error it shows now (fields without one are left out).
pub fn problems_of(fields: Vec<(String, Signal<Option<String>>)>) -> Signal<Vec<FieldProblem>> {
    Signal::derive(move || {
        fields
            .iter()
            .filter_map(|(field_id, error)| {
                error.get().map(|message| FieldProblem {
                    field_id: field_id.clone(),
                    message,
                })
            })
            .collect()
    })
}

/// Renders nothing while `problems` is empty. `attempt` is bumped on each failed submit so the summary
/// takes focus again even when the list did not change.
#[component]
pub fn ErrorSummary(
    #[prop(into)] problems: Signal<Vec<FieldProblem>>,
    #[prop(into)] attempt: Signal<u32>,
) -> impl IntoView {
    let summary = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if attempt.get() > 0 && !problems.with(Vec::is_empty) {
            if let Some(summary) = summary.get() {
                let _ = summary.focus();
            }
        }
    });
    view! {
        <Show when=move || !problems.with(Vec::is_empty)>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=summary aria-labelledby="error-summary-title">
                <h2 id="error-summary-title">"Please correct the following"</h2>
                <ul>
                    {move || {
                        problems
                            .get()
                            .into_iter()
                            .map(|p| view! { <li><a href=format!("#{}", p.field_id)>{p.message}</a></li> })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}
