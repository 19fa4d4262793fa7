//! Step 1: which certificate. By id, by thumbprint, or by searching; prefilled from a help-desk link.

use leptos::prelude::*;

use super::search::SearchForm;
use crate::components::error_summary::{problems_of, ErrorSummary};
use crate::components::field::TextField;
use crate::domain::models::CertificateRef;
use crate::domain::renewal::{parse_certificate_ref, DeepLinkError, LookupKind, Prefill};

/// How the user finds the certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FindBy {
    Reference(LookupKind),
    Search,
}

/// What the page's query parameters asked for.
pub(super) type DeepLink = Result<Option<Prefill>, DeepLinkError>;

const REFERENCE_FIELD: &str = "lookup-value";

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
    let problems = problems_of(vec![(REFERENCE_FIELD.to_owned(), error)]);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        match parsed.get_untracked() {
            Ok(reference) => selected.set(Some(reference)),
            Err(_) => attempt.update(|n| *n += 1),
        }
    };
    let choose = Callback::new(move |mode: FindBy| {
        find_by.set(mode);
        touched.set(false);
    });

    view! {
        <h2>"1. Find the certificate"</h2>
        {move || link_problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
        <FindByChoice find_by choose />
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

/// By id, by thumbprint or by searching: a radio group.
#[component]
fn FindByChoice(find_by: RwSignal<FindBy>, choose: Callback<FindBy>) -> impl IntoView {
    let radio = move |mode: FindBy, id: &'static str, label: &'static str| {
        view! {
            <div class="radio">
                <input type="radio" id=id name="find-by"
                    prop:checked=move || find_by.get() == mode
                    on:change=move |_| choose.run(mode) />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="find-by">
            <legend>"How to find it"</legend>
            {radio(FindBy::Reference(LookupKind::Id), "find-by-id", "By certificate ID")}
            {radio(FindBy::Reference(LookupKind::Thumbprint), "find-by-thumbprint", "By thumbprint")}
            {radio(FindBy::Search, "find-by-search", "By searching")}
        </fieldset>
    }
}
