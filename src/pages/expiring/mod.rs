//! "Expiring soon" (`/expiring?days=30&q=web`): the certificates the user can see that expire within a
//! window, a weekly timeline of them, filters by name, CA and template, the renewal each would get (read
//! only for the rows shown, two at a time), a link into the renewal flow, and the selection that a bulk
//! renewal ([`bulk`]) takes. The view lives in the URL, so a help-desk link reproduces it.

mod bulk;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::data_table::DataTable;
use crate::components::field::{SelectField, SelectOption, TextField};
use crate::domain::bulk::BULK_MAX;
use crate::domain::display;
use crate::domain::expiring::{
    choices, expiring_list, plan_label, store_count, weekly_counts, ExpiringFilter, ExpiryWindow,
    TIMELINE_WEEKS, WINDOW_CHOICES,
};
use crate::domain::models::Certificate;
use crate::domain::models::CertificateRef;
use crate::domain::query::ListQuery;
use crate::domain::renewal::{days_left, RenewalPlan};
use crate::routes::href;

use bulk::BulkRenewal;

/// Rows shown before "Show more"; the renewal type is read for these only.
const SHOWN_AT_ONCE: usize = 25;
/// `AvailableRenewal` requests in flight at once.
const RENEWAL_LOOKUPS_AT_ONCE: usize = 2;
/// The query keys the page reads.
const QUERY_KEYS: [&str; 5] = ["days", "until", "q", "ca", "template"];

/// The renewal a listed certificate would get.
#[derive(Clone, PartialEq, Eq)]
enum RenewalKind {
    Reading,
    Known(RenewalPlan),
    Unknown,
}

/// What the page remembers across its views: each certificate's renewal, and the selection.
#[derive(Clone, Copy)]
struct ListState {
    kinds: RwSignal<BTreeMap<i32, RenewalKind>>,
    selected: RwSignal<BTreeSet<i32>>,
}

fn route(filter: &ExpiringFilter) -> String {
    format!("/expiring?{}", filter.to_url_query())
}

fn options(values: Vec<String>) -> Vec<SelectOption> {
    values
        .into_iter()
        .map(|value| SelectOption {
            label: value.clone(),
            value,
        })
        .collect()
}

#[component]
pub fn ExpiringPage() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let query = use_query_map();
    let today = Utc::now().date_naive();
    let parsed = Memo::new(move |_| {
        query.with(|q| {
            ExpiringFilter::from_query(
                QUERY_KEYS
                    .into_iter()
                    .filter_map(|key| q.get_str(key).map(|value| (key, value))),
                today,
            )
        })
    });
    let filter = Memo::new(move |_| parsed.with(|(filter, _)| filter.clone()));
    // Only the window is asked of Keyfactor; text, CA and template narrow what was loaded.
    let window = Memo::new(move |_| filter.with(|f| f.window));
    let certificates = LocalResource::new(move || {
        let client = client.clone();
        let window = window.get();
        async move {
            let conditions = ExpiringFilter {
                window,
                ..ExpiringFilter::default()
            }
            .conditions(Utc::now());
            let query = ListQuery {
                sort_field: Some("NotAfter".into()),
                sort_ascending: true,
                ..ListQuery::matching(&conditions)
            };
            client.all_certificates(&query).await
        }
    });

    // The form edits a copy; applying it changes the URL, which the list follows.
    let days = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let authority = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    Effect::new(move |_| {
        filter.with(|f| {
            match f.window {
                ExpiryWindow::Days(n) => {
                    days.set(n.to_string());
                    until.set(String::new());
                }
                ExpiryWindow::Until(date) => {
                    days.set(String::new());
                    until.set(display::day(date));
                }
            }
            text.set(f.text.clone());
            authority.set(f.authority.clone());
            template.set(f.template.clone());
        });
    });
    let until_error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let apply = Callback::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed_until = until.get_untracked();
        let window = if typed_until.trim().is_empty() {
            ExpiryWindow::parse_days(&days.get_untracked()).unwrap_or_default()
        } else {
            match ExpiryWindow::parse_until(&typed_until, Utc::now().date_naive()) {
                Ok(window) => window,
                Err(message) => {
                    until_error.set(Some(message));
                    return;
                }
            }
        };
        until_error.set(None);
        let wanted = ExpiringFilter {
            window,
            text: text.get_untracked().trim().to_owned(),
            authority: authority.get_untracked(),
            template: template.get_untracked(),
        };
        navigate(&route(&wanted), Default::default());
    });

    // The pickers offer what the loaded list contains.
    let loaded = move || certificates.get().and_then(Result::ok).unwrap_or_default();
    let authority_options = Signal::derive(move || {
        options(choices(&loaded(), |c| {
            c.certificate_authority_name.as_ref()
        }))
    });
    let template_options =
        Signal::derive(move || options(choices(&loaded(), |c| c.template_name.as_ref())));
    let window_options = Signal::stored(
        WINDOW_CHOICES
            .iter()
            .map(|days| SelectOption {
                value: days.to_string(),
                label: format!("{days} days"),
            })
            .collect::<Vec<_>>(),
    );
    let no_error = || Signal::stored(None::<String>);

    let state = ListState {
        kinds: RwSignal::new(BTreeMap::new()),
        selected: RwSignal::new(BTreeSet::new()),
    };
    // A selection belongs to the view it was made in.
    Effect::new(move |_| {
        filter.track();
        state.selected.set(BTreeSet::new());
    });
    // The certificates a bulk renewal works on, in list order, while its view is open.
    let bulk = RwSignal::new(None::<Vec<Certificate>>);
    let open_bulk = Callback::new(move |()| {
        let chosen = state.selected.get_untracked();
        let list = filter.with_untracked(|f| expiring_list(&loaded(), f));
        bulk.set(Some(
            list.into_iter()
                .filter(|c| chosen.contains(&c.id))
                .collect(),
        ));
    });
    // Back from a bulk renewal that sent something, the list is read again: it has changed.
    let close_bulk = Callback::new(move |sent: bool| {
        bulk.set(None);
        if sent {
            state.selected.set(BTreeSet::new());
            state.kinds.set(BTreeMap::new());
            certificates.refetch();
        }
    });

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Certificates expiring soon"</h1>
            <p class="lead">"Certificates you can see that expire soon, soonest first. Renew one straight from the list."</p>
            {move || parsed.with(|(_, problem)| problem.clone()).map(|problem| view! { <p class="notice notice-error" role="alert">{problem}</p> })}
            <Show when=move || bulk.with(Option::is_none) fallback=move || view! {
                <BulkRenewal certificates=bulk.get_untracked().unwrap_or_default() kinds=state.kinds close=close_bulk />
            }>
            <form class="expiring-filter" on:submit=move |ev| apply.run(ev) aria-label="Filter the list" novalidate>
                <SelectField id="expiring-days" label="Expiring within" value=days options=window_options error=no_error() placeholder="Choose a window" />
                <TextField id="expiring-until" label="Or expiring by (YYYY-MM-DD)" value=until error=until_error.read_only() />
                <TextField id="expiring-text" label="Name contains" hint="Part of the common name or of a subject alternative name" value=text error=no_error() />
                <SelectField id="expiring-ca" label="Certificate authority" value=authority options=authority_options error=no_error() placeholder="Any" />
                <SelectField id="expiring-template" label="Template" value=template options=template_options error=no_error() placeholder="Any" />
                <div class="button-row"><button type="submit">"Show certificates"</button></div>
            </form>
            <Transition fallback=|| view! { <p role="status">"Loading certificates…"</p> }>
                {move || Suspend::new(async move {
                    match certificates.await {
                        Ok(all) => view! { <ExpiringList all filter=filter.get() state open_bulk /> }.into_any(),
                        Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| certificates.refetch()) /> }.into_any(),
                    }
                })}
            </Transition>
            </Show>
        </section>
    }
}

#[component]
fn ExpiringList(
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
        {timeline}
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
        <DataTable caption=format!("{total} certificates expiring {}, soonest first", filter.window.describe()) headers=&["Renew in bulk", "Common name", "Alternative names", "Issuer", "Expires", "Days left", "Stores", "Renewal", "Action"]>
            {rows}
        </DataTable>
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

#[component]
fn ExpiringRow(
    certificate: Certificate,
    now: DateTime<Utc>,
    kinds: RwSignal<BTreeMap<i32, RenewalKind>>,
    selected: RwSignal<BTreeSet<i32>>,
) -> impl IntoView {
    let id = certificate.id;
    let name = display::certificate_name(&certificate);
    let sans = certificate
        .subject_alt_name_elements
        .iter()
        .filter_map(|san| san.value.clone())
        .filter(|value| Some(value) != certificate.issued_cn.as_ref())
        .collect::<Vec<_>>()
        .join(", ");
    let expires = certificate.not_after.map(display::date);
    let left = certificate.not_after.map(|t| days_left(t, now));
    let renewal = move || match kinds.with(|known| known.get(&id).cloned()) {
        Some(RenewalKind::Known(plan)) => plan_label(&plan),
        Some(RenewalKind::Unknown) => "Could not be read",
        Some(RenewalKind::Reading) | None => "Reading…",
    };
    let link_name = format!("Renew {name}");
    let tick_name = format!("Tick {name} for bulk renewal");
    view! {
        <tr>
            <td class="tick">
                <input type="checkbox" aria-label=tick_name
                    prop:checked=move || selected.with(|chosen| chosen.contains(&id))
                    on:change:target=move |ev| {
                        let on = ev.target().checked();
                        selected.update(|chosen| if on { chosen.insert(id); } else { chosen.remove(&id); });
                    } />
            </td>
            <th scope="row">{name}</th>
            <td>{sans}</td>
            <td>{certificate.issuer_dn.clone()}</td>
            <td class="num">{expires}</td>
            <td class="num">{left}</td>
            <td class="num">{store_count(&certificate)}</td>
            <td>{renewal}</td>
            <td><A href=href(&format!("/renew?id={id}")) attr:aria-label=link_name>"Renew"</A></td>
        </tr>
    }
}

/// How many expire in each of the next weeks, as bars; the numbers are also in the SVG's description.
#[component]
fn ExpiryTimeline(certificates: Vec<Certificate>, now: DateTime<Utc>) -> impl IntoView {
    const BAR: usize = 36;
    const GAP: usize = 8;
    const HEIGHT: usize = 100;
    let weeks = weekly_counts(&certificates, now);
    let highest = weeks.iter().copied().max().unwrap_or(0).max(1) as usize;
    let week_start = |week: usize| {
        (now + Duration::weeks(week as i64))
            .format("%d %b")
            .to_string()
    };
    let description = weeks
        .iter()
        .enumerate()
        .map(|(week, count)| format!("week of {}: {count}", week_start(week)))
        .collect::<Vec<_>>()
        .join("; ");
    let width = TIMELINE_WEEKS * (BAR + GAP);
    view! {
        <figure class="expiry-timeline">
            <figcaption id="expiry-timeline-title">"Expiries per week, the next 13 weeks"</figcaption>
            <svg role="img" aria-labelledby="expiry-timeline-title expiry-timeline-desc" viewBox=format!("0 0 {width} {}", HEIGHT + 40) width=width height=HEIGHT + 40>
                <desc id="expiry-timeline-desc">{description}</desc>
                {weeks.iter().enumerate().map(|(week, count)| {
                    let height = *count as usize * HEIGHT / highest;
                    let x = week * (BAR + GAP);
                    view! {
                        <g>
                            <rect class="bar" x=x y=HEIGHT - height + 16 width=BAR height=height />
                            <text class="count" x=x + BAR / 2 y=HEIGHT - height + 12 text-anchor="middle">{*count}</text>
                            <text class="week" x=x + BAR / 2 y=HEIGHT + 32 text-anchor="middle">{week_start(week)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}
