//! Step 1 by searching: common name, subject alternative name, serial number or expiry window, then a
//! choice among the matches.

use chrono::Utc;
use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::data_table::DataTable;
use crate::components::error_summary::{problems_of, ErrorSummary};
use crate::components::field::TextField;
use crate::domain::display;
use crate::domain::models::{Certificate, CertificateRef};
use crate::domain::query::ListQuery;
use crate::domain::renewal::{days_left, parse_expiry_window, search_conditions, SearchCriteria};

const EXPIRY_FIELD: &str = "search-expiry";
const SEARCH_LIMIT: u32 = 25;

#[component]
pub(super) fn SearchForm(selected: RwSignal<Option<CertificateRef>>) -> impl IntoView {
    let submitted = RwSignal::new(None::<ListQuery>);
    view! {
        <Criteria submitted />
        <Matches submitted selected />
    }
}

/// What to search for; a valid search replaces `submitted`.
#[component]
fn Criteria(submitted: RwSignal<Option<ListQuery>>) -> impl IntoView {
    let common_name = RwSignal::new(String::new());
    let subject_alt_name = RwSignal::new(String::new());
    let serial = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    let nothing_entered = RwSignal::new(false);

    let window = Memo::new(move |_| expiry.with(|e| parse_expiry_window(e)));
    let expiry_error = Signal::derive(move || {
        touched
            .get()
            .then(|| window.with(|w| w.as_ref().err().cloned()))
            .flatten()
    });
    let nothing_error = Signal::derive(move || {
        nothing_entered.get().then(|| {
            "Enter a common name, a subject alternative name, a serial number or an expiry window to search."
                .to_owned()
        })
    });
    let problems = problems_of(vec![
        (EXPIRY_FIELD.to_owned(), expiry_error),
        ("search-cn".to_owned(), nothing_error),
    ]);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let Ok(expires_within_days) = window.get_untracked() else {
            nothing_entered.set(false);
            attempt.update(|n| *n += 1);
            return;
        };
        let criteria = SearchCriteria {
            common_name: common_name.get_untracked(),
            subject_alt_name: subject_alt_name.get_untracked(),
            serial_number: serial.get_untracked(),
            expires_within_days,
        };
        match search_conditions(&criteria, Utc::now()) {
            Some(conditions) => {
                nothing_entered.set(false);
                submitted.set(Some(ListQuery {
                    limit: SEARCH_LIMIT,
                    sort_field: Some("NotAfter".into()),
                    ..ListQuery::matching(&conditions)
                }));
            }
            None => {
                nothing_entered.set(true);
                attempt.update(|n| *n += 1);
            }
        }
    };
    view! {
        <form novalidate on:submit=submit>
            <ErrorSummary problems attempt />
            <TextField id="search-cn" label="Common name contains" value=common_name error=Signal::stored(None::<String>) />
            <TextField id="search-san" label="Subject alternative name contains" value=subject_alt_name error=Signal::stored(None::<String>) />
            <TextField id="search-serial" label="Serial number contains" value=serial error=Signal::stored(None::<String>) />
            <TextField id=EXPIRY_FIELD label="Expires within (days)" hint="Leave empty for any expiry date."
                value=expiry error=expiry_error on_blur=Callback::new(move |()| touched.set(true)) />
            <button type="submit">"Search"</button>
        </form>
    }
}

/// The certificates the submitted search finds, read again whenever it changes.
#[component]
fn Matches(
    submitted: RwSignal<Option<ListQuery>>,
    selected: RwSignal<Option<CertificateRef>>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let results = LocalResource::new(move || {
        let client = client.clone();
        let query = submitted.get();
        async move {
            match query {
                Some(query) => client.search_certificates(&query).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <Transition fallback=|| view! { <p role="status">"Searching…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(rows)) => view! { <SearchResults rows selected /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| results.refetch()) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SearchResults(
    rows: Vec<Certificate>,
    selected: RwSignal<Option<CertificateRef>>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p role="status">"No certificate matches. Check the spelling or widen the expiry window."</p> }.into_any();
    }
    let now = Utc::now();
    view! {
        <DataTable caption=format!("{} matching certificates, soonest expiry first", rows.len()) headers=&["Common name", "Issuer", "Expires", "Days left", "Renew"]>
                    {rows.into_iter().map(|certificate| {
                        let id = certificate.id;
                        let name = display::certificate_name(&certificate);
                        let expires = certificate.not_after.map(display::date);
                        let days = certificate.not_after.map(|t| days_left(t, now).to_string());
                        view! {
                            <tr>
                                <th scope="row">{name.clone()}</th>
                                <td>{certificate.issuer_dn}</td>
                                <td class="num">{expires}</td>
                                <td class="num">{days}</td>
                                <td>
                                    <button type="button" class="secondary"
                                        on:click=move |_| selected.set(Some(CertificateRef::Id(id)))>
                                        "Renew"<span class="visually-hidden">{format!(" {name}")}</span>
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
    }
    .into_any()
}
