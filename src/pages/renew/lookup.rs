//! Step 1: which certificate. By id, by thumbprint, or by searching; prefilled from a help-desk link.

use chrono::Utc;
use leptos::prelude::*;

use crate::components::data_table::DataTable;

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::error_summary::{ErrorSummary, FieldProblem};
use crate::components::field::TextField;
use crate::domain::display;
use crate::domain::models::{Certificate, CertificateRef};
use crate::domain::query::ListQuery;
use crate::domain::renewal::{
    days_left, parse_certificate_ref, parse_expiry_window, search_conditions, DeepLinkError,
    LookupKind, Prefill, SearchCriteria,
};

/// How the user finds the certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FindBy {
    Reference(LookupKind),
    Search,
}

/// What the page's query parameters asked for.
pub(super) type DeepLink = Result<Option<Prefill>, DeepLinkError>;

const REFERENCE_FIELD: &str = "lookup-value";
const EXPIRY_FIELD: &str = "search-expiry";
const SEARCH_LIMIT: u32 = 25;

#[component]
pub(super) fn LookupForm(
    selected: RwSignal<Option<CertificateRef>>,
    /// The deep link's prefill, taken by the first form shown (see `RenewPage`).
    deep_link: StoredValue<Option<DeepLink>>,
) -> impl IntoView {
    let find_by = RwSignal::new(FindBy::Reference(LookupKind::Id));
    let raw = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    let link_problem = RwSignal::new(None::<String>);

    // A help-desk link (`?id=123`, `?thumbprint=…`) prefills the first form shown; the page already
    // looked up valid input, so here it only explains what is wrong with the rest.
    match deep_link.try_update_value(Option::take).flatten() {
        Some(Ok(Some(prefill))) => {
            find_by.set(FindBy::Reference(prefill.kind));
            touched.set(true);
            raw.set(prefill.raw);
        }
        Some(Err(problem)) => link_problem.set(Some(problem.to_string())),
        Some(Ok(None)) | None => {}
    }

    let kind = move || match find_by.get() {
        FindBy::Reference(kind) => kind,
        FindBy::Search => LookupKind::Id,
    };
    let parsed = Memo::new(move |_| raw.with(|raw| parse_certificate_ref(kind(), raw)));
    let error = Signal::derive(move || {
        touched
            .get()
            .then(|| parsed.with(|p| p.as_ref().err().cloned()))
            .flatten()
    });
    let problems = Signal::derive(move || {
        error
            .get()
            .map(|message| FieldProblem {
                field_id: REFERENCE_FIELD.to_owned(),
                message,
            })
            .into_iter()
            .collect::<Vec<_>>()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        match parsed.get_untracked() {
            Ok(reference) => selected.set(Some(reference)),
            Err(_) => attempt.update(|n| *n += 1),
        }
    };
    let choose = move |mode: FindBy| {
        find_by.set(mode);
        touched.set(false);
    };
    let radio = move |mode: FindBy, id: &'static str, label: &'static str| {
        view! {
            <div class="radio">
                <input type="radio" id=id name="find-by"
                    prop:checked=move || find_by.get() == mode
                    on:change=move |_| choose(mode) />
                <label for=id>{label}</label>
            </div>
        }
    };

    view! {
        <h2>"1. Find the certificate"</h2>
        {move || link_problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
        <fieldset class="find-by">
            <legend>"How to find it"</legend>
            {radio(FindBy::Reference(LookupKind::Id), "find-by-id", "By certificate ID")}
            {radio(FindBy::Reference(LookupKind::Thumbprint), "find-by-thumbprint", "By thumbprint")}
            {radio(FindBy::Search, "find-by-search", "By searching")}
        </fieldset>
        <Show
            when=move || find_by.get() != FindBy::Search
            fallback=move || view! { <SearchForm selected /> }
        >
            <form novalidate on:submit=submit>
                <ErrorSummary problems attempt />
                {move || {
                    let (label, hint) = match kind() {
                        LookupKind::Id => ("Certificate ID", "The number Keyfactor Command shows as the certificate's ID, e.g. 1234."),
                        LookupKind::Thumbprint => ("Thumbprint", "The SHA-1 thumbprint; spaces and colons copied from a certificate viewer are fine."),
                    };
                    view! {
                        <TextField id=REFERENCE_FIELD label hint value=raw error required=true
                            on_blur=Callback::new(move |()| touched.set(true)) />
                    }
                }}
                <button type="submit">"Find certificate"</button>
            </form>
        </Show>
    }
}

#[component]
fn SearchForm(selected: RwSignal<Option<CertificateRef>>) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let common_name = RwSignal::new(String::new());
    let subject_alt_name = RwSignal::new(String::new());
    let serial = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    let nothing_entered = RwSignal::new(false);
    let submitted = RwSignal::new(None::<ListQuery>);

    let window = Memo::new(move |_| expiry.with(|e| parse_expiry_window(e)));
    let expiry_error = Signal::derive(move || {
        touched
            .get()
            .then(|| window.with(|w| w.as_ref().err().cloned()))
            .flatten()
    });
    let problems = Signal::derive(move || {
        let mut problems: Vec<FieldProblem> = expiry_error
            .get()
            .map(|message| FieldProblem {
                field_id: EXPIRY_FIELD.to_owned(),
                message,
            })
            .into_iter()
            .collect();
        if nothing_entered.get() {
            problems.push(FieldProblem {
                field_id: "search-cn".to_owned(),
                message: "Enter a common name, a subject alternative name, a serial number or an expiry window to search."
                    .to_owned(),
            });
        }
        problems
    });
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
        <form novalidate on:submit=submit>
            <ErrorSummary problems attempt />
            <TextField id="search-cn" label="Common name contains" value=common_name error=Signal::stored(None::<String>) />
            <TextField id="search-san" label="Subject alternative name contains" value=subject_alt_name error=Signal::stored(None::<String>) />
            <TextField id="search-serial" label="Serial number contains" value=serial error=Signal::stored(None::<String>) />
            <TextField id=EXPIRY_FIELD label="Expires within (days)" hint="Leave empty for any expiry date."
                value=expiry error=expiry_error on_blur=Callback::new(move |()| touched.set(true)) />
            <button type="submit">"Search"</button>
        </form>
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
