//! The list: the timeline, the bar that ticks certificates for a bulk renewal, and the table, shown
//! `SHOWN_AT_ONCE` rows at a time, each shown row's renewal read in the background.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

use super::calendar::CalendarExport;
use super::row::ExpiringRow;
use super::selection::SelectionBar;
use super::timeline::ExpiryTimeline;
use super::{ListState, RenewalKind};
use crate::api::client::KeyfactorClient;
use crate::components::data_table::DataTable;
use crate::domain::expiring::{expiring_list, ExpiringFilter};
use crate::domain::models::{Certificate, CertificateRef};

/// Rows shown before "Show more"; the renewal type is read for these only.
const SHOWN_AT_ONCE: usize = 25;
/// `AvailableRenewal` requests in flight at once.
const RENEWAL_LOOKUPS_AT_ONCE: usize = 2;

#[component]
pub(super) fn ExpiringList(
    all: Vec<Certificate>,
    filter: ExpiringFilter,
    state: ListState,
    open_bulk: Callback<()>,
) -> impl IntoView {
    let now = Utc::now();
    let list = expiring_list(&all, &filter);
    if list.is_empty() {
        return view! { <p role="status">{format!("No certificate expires {}.", filter.window.describe())}</p> }.into_any();
    }
    let total = list.len();
    let timeline = view! { <ExpiryTimeline certificates=list.clone() now /> };
    let list = StoredValue::new(list);
    let shown = RwSignal::new(SHOWN_AT_ONCE.min(total));
    let ListState { kinds, selected } = state;
    let client = expect_context::<KeyfactorClient>();
    // The reads belong to the list, not to the effect: showing more must not abort those under way.
    let owner = Owner::current().unwrap_or_default();
    Effect::new(move |_| {
        let ids: Vec<i32> = list.with_value(|l| l.iter().take(shown.get()).map(|c| c.id).collect());
        owner.with(|| read_renewal_kinds(&client, ids, kinds));
    });
    // Reads the list's going away aborted are read again next time.
    on_cleanup(move || {
        kinds.try_update(|known| known.retain(|_, kind| *kind != RenewalKind::Reading));
    });
    let rows = move || {
        list.with_value(|l| {
            l.iter()
                .take(shown.get())
                .cloned()
                .map(|certificate| view! { <ExpiringRow certificate now kinds selected /> })
                .collect_view()
        })
    };
    view! {
        {timeline}
        <SelectionBar list shown selected open_bulk />
        <DataTable caption=format!("{total} certificates expiring {}, soonest first", filter.window.describe()) headers=&["Renew in bulk", "Common name", "Alternative names", "Issuer", "Expires", "Days left", "Stores", "Renewal", "Action"]>
            {rows}
        </DataTable>
        <CalendarExport list shown />
        <Show when=move || { shown.get() < total }>
            <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n = (*n + SHOWN_AT_ONCE).min(total))>
                {move || format!("Show more ({} of {total} shown)", shown.get())}
            </button>
        </Show>
    }
    .into_any()
}

/// Reads `AvailableRenewal` for the ids not read yet, `RENEWAL_LOOKUPS_AT_ONCE` at a time; the requests
/// belong to the current owner, so leaving the page stops them.
fn read_renewal_kinds(
    client: &KeyfactorClient,
    ids: Vec<i32>,
    kinds: RwSignal<BTreeMap<i32, RenewalKind>>,
) {
    let unread: VecDeque<i32> = kinds.with_untracked(|known| {
        ids.into_iter()
            .filter(|id| !known.contains_key(id))
            .collect()
    });
    if unread.is_empty() {
        return;
    }
    kinds.update(|known| {
        unread.iter().for_each(|id| {
            known.insert(*id, RenewalKind::Reading);
        })
    });
    let queue = Rc::new(RefCell::new(unread));
    for _ in 0..RENEWAL_LOOKUPS_AT_ONCE {
        let (client, queue) = (client.clone(), Rc::clone(&queue));
        spawn_local_scoped_with_cancellation(async move {
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(id) = next else { break };
                let kind = match client.renewal_plan(&CertificateRef::Id(id)).await {
                    Ok(plan) => RenewalKind::Known(plan),
                    Err(_) => RenewalKind::Unknown,
                };
                kinds.try_update(|known| known.insert(id, kind));
            }
        });
    }
}
