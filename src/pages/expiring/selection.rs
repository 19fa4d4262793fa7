//! The bar that ticks certificates for a bulk renewal, says how many are ticked, and opens the renewal.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::domain::bulk::BULK_MAX;
use crate::domain::models::Certificate;

#[component]
pub(super) fn SelectionBar(
    /// The list, in its order.
    list: StoredValue<Vec<Certificate>>,
    /// How many of `list` the table shows.
    shown: RwSignal<usize>,
    selected: RwSignal<BTreeSet<i32>>,
    open_bulk: Callback<()>,
) -> impl IntoView {
    let selection_problem = RwSignal::new(None::<String>);
    let select_shown = move |_| {
        let ids: Vec<i32> = list.with_value(|l| {
            l.iter()
                .take(shown.get_untracked().min(BULK_MAX))
                .map(|c| c.id)
                .collect()
        });
        selected.update(|chosen| chosen.extend(ids));
    };
    let review = move |_| {
        let count = selected.with_untracked(BTreeSet::len);
        let problem = if count == 0 {
            Some("Tick the certificates to renew first.".to_owned())
        } else if count > BULK_MAX {
            Some(format!(
                "One bulk renewal takes at most {BULK_MAX} certificates; {count} are ticked."
            ))
        } else {
            None
        };
        selection_problem.set(problem.clone());
        if problem.is_none() {
            open_bulk.run(());
        }
    };
    view! {
        <div class="bulk-bar" role="group" aria-label="Renew several at once">
            <p role="status">{move || match selected.with(BTreeSet::len) {
                0 => "No certificate ticked.".to_owned(),
                1 => "1 certificate ticked.".to_owned(),
                n => format!("{n} certificates ticked."),
            }}</p>
            <button type="button" class="secondary" on:click=select_shown>"Tick all shown"</button>
            <button type="button" class="secondary" on:click=move |_| selected.set(BTreeSet::new())>"Clear ticks"</button>
            <button type="button" on:click=review aria-describedby="bulk-selection-problem">"Renew the ticked certificates…"</button>
        </div>
        <p id="bulk-selection-problem" class="field-error" role="alert">{move || selection_problem.get()}</p>
    }
}
