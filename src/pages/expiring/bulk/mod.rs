//! Bulk renewal of the ticked certificates: the plan (how each is renewed, which stores Replace would
//! touch, which are left out and why), one confirmation, then the run, `BULK_AT_ONCE` rows at a time,
//! each row showing its own state through to its stores' installation jobs. The passwords live in this
//! view only and are wiped when it goes away.

mod copy_passwords;
mod plan;
mod row;
mod run;
mod runner;

use std::collections::BTreeMap;

use leptos::html;
use leptos::prelude::*;

use super::RenewalKind;
use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::domain::bulk::{AfterRenewal, PlannedRow};
use crate::domain::command_version::CommandVersion;
use crate::domain::models::Certificate;
use crate::domain::renewal::RenewalPlan;
use crate::flows::bulk::load_plan;

use plan::PlanStep;
use run::BulkRunView;

#[component]
pub(super) fn BulkRenewal(
    certificates: Vec<Certificate>,
    kinds: RwSignal<BTreeMap<i32, RenewalKind>>,
    /// Back to the list; `true` when something was sent.
    close: Callback<bool>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let count = certificates.len();
    let plan = LocalResource::new(move || {
        let (client, certificates) = (client.clone(), certificates.clone());
        let known = kinds.with_untracked(known_plans);
        async move { load_plan(&client, &certificates, &known).await }
    });
    view! {
        <section aria-labelledby="bulk-title" class="bulk-renewal">
            <h2 id="bulk-title" tabindex="-1" node_ref=heading>{format!("Renew {}", certificates_count(count))}</h2>
            <Transition fallback=|| view! { <p role="status">"Reading how each certificate can be renewed…"</p> }>
                {move || Suspend::new(async move {
                    match plan.await {
                        Ok((version, rows)) => view! { <BulkPlan version rows close /> }.into_any(),
                        Err(error) => view! {
                            <ApiErrorNotice error retry=Callback::new(move |()| plan.refetch()) />
                            <button type="button" class="secondary" on:click=move |_| close.run(false)>"Back to the list"</button>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The plans the list has read already, so the bulk plan does not ask for them again.
fn known_plans(kinds: &BTreeMap<i32, RenewalKind>) -> BTreeMap<i32, RenewalPlan> {
    kinds
        .iter()
        .filter_map(|(id, kind)| match kind {
            RenewalKind::Known(plan) => Some((*id, plan.clone())),
            RenewalKind::Reading | RenewalKind::Unknown => None,
        })
        .collect()
}

/// "1 certificate", "2 certificates".
fn certificates_count(n: usize) -> String {
    if n == 1 {
        "1 certificate".to_owned()
    } else {
        format!("{n} certificates")
    }
}

/// The plan until the user confirms it, then the run of the rows it renews.
#[component]
fn BulkPlan(
    version: CommandVersion,
    rows: Vec<PlannedRow>,
    close: Callback<bool>,
) -> impl IntoView {
    let started = RwSignal::new(None::<(Vec<PlannedRow>, AfterRenewal)>);
    let start = Callback::new(move |choice| started.set(Some(choice)));
    move || match started.get() {
        None => view! { <PlanStep version rows=rows.clone() start close /> }.into_any(),
        Some((rows, after)) => view! { <BulkRunView rows after close /> }.into_any(),
    }
}
